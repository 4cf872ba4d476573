/*
 * Configuration transactions: a list of operations (insert, update, delete, check) applied to
 * a copy of the document all-or-nothing, followed by garbage collection and the integrity
 * checks, with read-only and immutable columns enforced for clients; and validation of a
 * document loaded from disk (structure through typebox/ajv, then integrity).
 */
import { randomUUID } from 'node:crypto';
import { tableDef, type TableName } from './config-schema.js';
import { valueEquals } from './config-data.js';
import { validateDocShape, validateOpsShape } from './config-validate.js';
import {
  checkIntegrity,
  collectGarbage,
  defaultRow,
  findRow,
  normalizeDoc,
  type ConfigDoc,
  type ConfigOp,
  type Row,
} from './config-doc.js';

/** Who writes: clients may not touch read-only (result) columns; the daemon may. */
export type TxnOrigin = 'client' | 'daemon';

export class TxnError extends Error {
  constructor(
    message: string,
    /** A conflict means "re-read and try again" (the document changed meanwhile). */
    readonly conflict = false,
  ) {
    super(message);
  }
}

export interface ApplyResult {
  doc: ConfigDoc;
  /** UUIDs of inserted rows, in operation order. */
  inserted: string[];
  /** Whether the tables differ from the input document. */
  changed: boolean;
}

/** Structure + integrity of a loaded document; returns a message or null. */
export function validateDoc(doc: unknown): string | null {
  const shape = validateDocShape(doc);
  if (shape) return shape;
  return checkIntegrity(normalizeDoc(structuredClone(doc as ConfigDoc)));
}

function checkColumns(table: TableName, row: Row, origin: TxnOrigin, existing: Row | null): void {
  const def = tableDef(table);
  for (const [col, v] of Object.entries(row)) {
    const c = def.byName.get(col);
    if (!c) throw new TxnError(`unknown column: No column ${col} in table ${table}.`);
    if (c.readOnly && origin === 'client') {
      throw new TxnError(`cannot modify read-only column ${col} in table ${table}`);
    }
    if (existing && !c.mutable && !valueEquals(existing[col], v, c.type)) {
      throw new TxnError(`cannot modify read-only column ${col} in table ${table}`);
    }
  }
}

/**
 * Applies `ops` to a copy of `doc` (all or nothing), then collects garbage and checks the
 * result. Throws TxnError; the input document is never modified.
 */
export function applyOps(doc: ConfigDoc, ops: unknown, origin: TxnOrigin): ApplyResult {
  const shapeErr = validateOpsShape(ops);
  if (shapeErr) throw new TxnError(shapeErr);
  const next: ConfigDoc = structuredClone(doc);
  const inserted: string[] = [];
  for (const op of ops as ConfigOp[]) {
    switch (op.op) {
      case 'check':
        if (op.generation !== doc.generation) {
          throw new TxnError(`conflict: configuration changed (generation ${doc.generation}, expected ${op.generation})`, true);
        }
        break;
      case 'insert': {
        const uuid = (op.uuid ?? randomUUID()).toLowerCase();
        if (findRow(next, uuid)) throw new TxnError(`duplicate uuid ${uuid}`);
        checkColumns(op.table, op.row, origin, null);
        next.tables[op.table][uuid] = { ...defaultRow(op.table), ...op.row };
        inserted.push(uuid);
        break;
      }
      case 'update': {
        const uuid = op.uuid.toLowerCase();
        const row = next.tables[op.table][uuid];
        if (!row) throw new TxnError(`no row ${uuid} in table ${op.table}`);
        checkColumns(op.table, op.row, origin, row);
        Object.assign(row, op.row);
        break;
      }
      case 'delete': {
        const uuid = op.uuid.toLowerCase();
        if (!next.tables[op.table][uuid]) throw new TxnError(`no row ${uuid} in table ${op.table}`);
        delete next.tables[op.table][uuid];
        break;
      }
    }
  }
  const shape = validateDocShape(next);
  if (shape) throw new TxnError(`invalid value: ${shape}`);
  normalizeDoc(next);
  collectGarbage(next);
  const err = checkIntegrity(next);
  if (err) throw new TxnError(err);
  const changed = JSON.stringify(next.tables) !== JSON.stringify(doc.tables);
  if (changed) next.generation = doc.generation + 1;
  return { doc: next, inserted, changed };
}

