/*
 * The configuration document and its transactions, without I/O: a new document, normalization
 * (defaults filled, sets and maps sorted), garbage collection of unreferenced rows (OVSDB's
 * non-root tables), integrity checks (references, unique names, one Open_vSwitch row),
 * applying a list of operations all-or-nothing, and the diff that turns an edited copy back
 * into operations (what tsovs-vsctl sends).
 */
import { randomUUID } from 'node:crypto';
import { TABLES, TABLE_NAMES, tableDef, isMapType, isScalarType, type TableName, type ColumnDef } from './config-schema.js';
import { defaultValue, fromDatum, toDatum, valueEquals, checkAtom, isUuid, type Atom, type Value } from './config-data.js';

export const CONFIG_FORMAT = 'tsovs-config';
export const CONFIG_VERSION = 1;

export type Row = { [column: string]: Value };
export type ConfigTables = Record<TableName, Record<string, Row>>;

export interface ConfigDoc {
  format: typeof CONFIG_FORMAT;
  version: typeof CONFIG_VERSION;
  /** Bumped by every committed change. */
  generation: number;
  tables: ConfigTables;
}

export type ConfigOp =
  | { op: 'insert'; table: TableName; uuid?: string; row: Row }
  | { op: 'update'; table: TableName; uuid: string; row: Row }
  | { op: 'delete'; table: TableName; uuid: string }
  /** Fails with a conflict unless the document is still at this generation (optimistic locking). */
  | { op: 'check'; generation: number };

export function emptyTables(): ConfigTables {
  return { Bridge: {}, Controller: {}, Interface: {}, Open_vSwitch: {}, Port: {} };
}

export function defaultRow(table: TableName): Row {
  const row: Row = {};
  for (const c of tableDef(table).columns) row[c.name] = defaultValue(c.type);
  return row;
}

/** A document with only the Open_vSwitch row. */
export function newConfigDoc(): ConfigDoc {
  const tables = emptyTables();
  tables.Open_vSwitch[randomUUID()] = defaultRow('Open_vSwitch');
  return { format: CONFIG_FORMAT, version: CONFIG_VERSION, generation: 0, tables };
}

function normalizeValue(v: Value, c: ColumnDef): Value {
  return fromDatum(toDatum(v, c.type), c.type);
}

/** Fills missing columns with defaults and sorts sets and map keys, in place. */
export function normalizeDoc(doc: ConfigDoc): ConfigDoc {
  const tables = emptyTables();
  for (const name of TABLE_NAMES) {
    const def = tableDef(name);
    const rows = doc.tables[name] ?? {};
    for (const uuid of Object.keys(rows).sort()) {
      const row: Row = {};
      for (const c of def.columns) {
        const v = rows[uuid][c.name];
        row[c.name] = v === undefined ? defaultValue(c.type) : normalizeValue(v, c);
      }
      tables[name][uuid.toLowerCase()] = row;
    }
  }
  doc.tables = tables;
  return doc;
}

/** The row with `uuid` in whichever table holds it. */
export function findRow(doc: ConfigDoc, uuid: string): { table: TableName; row: Row } | undefined {
  for (const t of TABLE_NAMES) {
    const row = doc.tables[t][uuid];
    if (row) return { table: t, row };
  }
  return undefined;
}

/** UUIDs a row references through columns of type uuid, with the referenced table. */
function* references(table: TableName, row: Row): Generator<{ column: string; refTable: TableName; uuid: string }> {
  for (const c of tableDef(table).columns) {
    const refs: Array<[TableName | undefined, Atom]> = [];
    const v = row[c.name];
    if (v === undefined) continue;
    if (isMapType(c.type)) {
      for (const [k, val] of Object.entries(v as Record<string, Atom>)) {
        refs.push([c.type.key.refTable, k], [c.type.value!.refTable, val]);
      }
    } else if (isScalarType(c.type)) {
      refs.push([c.type.key.refTable, v as Atom]);
    } else {
      for (const a of v as Atom[]) refs.push([c.type.key.refTable, a]);
    }
    for (const [refTable, uuid] of refs) {
      if (refTable) yield { column: c.name, refTable, uuid: String(uuid) };
    }
  }
}

/** Deletes rows of non-root tables that no live row references (OVSDB garbage collection). */
export function collectGarbage(doc: ConfigDoc): void {
  const live = new Set<string>();
  const stack: Array<[TableName, string]> = [];
  for (const t of TABLES) {
    if (!t.isRoot) continue;
    for (const uuid of Object.keys(doc.tables[t.name])) stack.push([t.name, uuid]);
  }
  while (stack.length) {
    const [t, uuid] = stack.pop()!;
    if (live.has(uuid)) continue;
    const row = doc.tables[t][uuid];
    if (!row) continue;
    live.add(uuid);
    for (const r of references(t, row)) {
      if (!live.has(r.uuid) && doc.tables[r.refTable][r.uuid]) stack.push([r.refTable, r.uuid]);
    }
  }
  for (const t of TABLES) {
    if (t.isRoot) continue;
    for (const uuid of Object.keys(doc.tables[t.name])) {
      if (!live.has(uuid)) delete doc.tables[t.name][uuid];
    }
  }
}

/** Integrity rules beyond the structure: returns a message or null. */
export function checkIntegrity(doc: ConfigDoc): string | null {
  const roots = Object.keys(doc.tables.Open_vSwitch);
  if (roots.length !== 1) return `table Open_vSwitch must have exactly one row (has ${roots.length})`;
  const seen = new Map<string, TableName>();
  for (const t of TABLES) {
    for (const uuid of Object.keys(doc.tables[t.name])) {
      if (seen.has(uuid)) return `row ${uuid} appears in tables ${seen.get(uuid)} and ${t.name}`;
      seen.set(uuid, t.name);
    }
  }
  for (const t of TABLES) {
    for (const [uuid, row] of Object.entries(doc.tables[t.name])) {
      for (const r of references(t.name, row)) {
        if (!doc.tables[r.refTable][r.uuid]) {
          return (
            `referential integrity violation: Table ${t.name} column ${r.column} row ${uuid} ` +
            `references nonexistent row ${r.uuid} in table ${r.refTable}`
          );
        }
      }
      for (const c of t.columns) {
        const err = checkValueConstraints(row[c.name], c);
        if (err) return `${t.name} row ${uuid} column ${c.name}: ${err}`;
      }
    }
    for (const col of t.indexes) {
      const names = new Map<string, string>();
      for (const [uuid, row] of Object.entries(doc.tables[t.name])) {
        const key = JSON.stringify(row[col]);
        const other = names.get(key);
        if (other) {
          return (
            `constraint violation: Transaction causes multiple rows in "${t.name}" table to have identical ` +
            `values (${key}) for index on column "${col}" (rows ${other} and ${uuid}).`
          );
        }
        names.set(key, uuid);
      }
    }
  }
  return null;
}

/** Element-level constraints (enum, integer ranges) of one column value. */
function checkValueConstraints(v: Value | undefined, c: ColumnDef): string | null {
  if (v === undefined) return null;
  const d = toDatum(v, c.type);
  for (const k of d.keys) {
    const e = checkAtom(k, c.type.key);
    if (e) return e;
  }
  for (const val of d.values ?? []) {
    const e = checkAtom(val, c.type.value!);
    if (e) return e;
  }
  return null;
}

/** Operations that turn `before` into `after` (both normalized); read-only columns are left out. */
export function diffDocs(before: ConfigDoc, after: ConfigDoc): ConfigOp[] {
  const ops: ConfigOp[] = [];
  for (const t of TABLES) {
    const a = before.tables[t.name];
    const b = after.tables[t.name];
    for (const [uuid, row] of Object.entries(b)) {
      const old = a[uuid];
      const cols: Row = {};
      for (const c of t.columns) {
        if (c.readOnly) continue;
        const v = row[c.name];
        if (old ? !valueEquals(old[c.name], v, c.type) : !valueEquals(defaultValue(c.type), v, c.type)) cols[c.name] = v;
      }
      if (!old) ops.push({ op: 'insert', table: t.name, uuid, row: cols });
      else if (Object.keys(cols).length) ops.push({ op: 'update', table: t.name, uuid, row: cols });
    }
    for (const uuid of Object.keys(a)) {
      if (!b[uuid]) ops.push({ op: 'delete', table: t.name, uuid });
    }
  }
  return ops;
}

/** The single Open_vSwitch row. */
export function rootRow(doc: Readonly<ConfigDoc>): { uuid: string; row: Readonly<Row> } {
  const [uuid] = Object.keys(doc.tables.Open_vSwitch);
  return { uuid, row: doc.tables.Open_vSwitch[uuid] };
}

export { isUuid };
