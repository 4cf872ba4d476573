/*
 * tsovs-vsctl's generic database commands (OVS db-ctl-base): get, list, find, set, add,
 * remove, clear, create, destroy, comment, with OVS's argument syntax
 * (`COLUMN[:KEY]=VALUE`, abbreviated table and column names, record names) and messages.
 */
import type { ColumnDef, ColumnType, TableDef } from '../../vswitchd/config-schema.js';
import { isMapType } from '../../vswitchd/config-schema.js';
import {
  DataError,
  atomFromString,
  compareDatums,
  datumFind,
  datumFromString,
  datumIncludesAll,
  datumSubtract,
  datumToBare,
  datumToString,
  datumUnion,
  fromDatum,
  parseToken,
  toDatum,
  type Datum,
} from '../../vswitchd/config-data.js';
import type { Row } from '../../vswitchd/config-doc.js';
import { VsctlError, type VsctlContext } from './context.js';

/** Runs `fn`, turning a DataError into a command error. */
function data<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DataError) throw new VsctlError(e.message);
    throw e;
  }
}

interface ColumnKeyValue {
  column: ColumnDef;
  key: string | null;
  op: string | null;
  value: string | null;
}

/**
 * Splits `COLUMN[:KEY][OP VALUE]` (OVS parse_column_key_value). With `operators` null no
 * value is expected; otherwise one of them must follow.
 */
export function parseColumnKeyValue(ctx: VsctlContext, arg: string, table: TableDef, operators: string[] | null): ColumnKeyValue {
  const c = data(() => parseToken(arg, 0));
  if (c.token === '') throw new VsctlError(`${arg}: missing column name`);
  const column = ctx.getColumn(table, c.token);
  let p = c.end;
  let key: string | null = null;
  if (arg[p] === ':') {
    const k = data(() => parseToken(arg, p + 1));
    key = k.token;
    p = k.end;
  }
  if (!operators) {
    if (p < arg.length) throw new VsctlError(`${arg}: trailing garbage "${arg.slice(p)}" in argument`);
    return { column, key, op: null, value: null };
  }
  let best: string | null = null;
  for (const op of operators) {
    if (arg.startsWith(op, p) && p + op.length < arg.length && (!best || op.length > best.length)) best = op;
  }
  if (!best) {
    const list =
      operators.length === 1
        ? `"${operators[0]}"`
        : operators.length === 2
          ? `"${operators[0]}" or "${operators[1]}"`
          : `${operators
              .slice(0, -1)
              .map((o) => `"${o}"`)
              .join(', ')}, or "${operators[operators.length - 1]}"`;
    throw new VsctlError(`${arg}: argument does not end in ${list} followed by a value.`);
  }
  return { column, key, op: best, value: arg.slice(p + best.length) };
}

function checkMutable(table: TableDef, column: ColumnDef, isNew: boolean): void {
  if (column.readOnly || (!column.mutable && !isNew)) {
    throw new VsctlError(`cannot modify read-only column ${column.name} in table ${table.name}`);
  }
}

function keyAtom(ctx: VsctlContext, column: ColumnDef, key: string): string | number | boolean {
  return data(() => atomFromString(key, column.type.key, false, (n) => ctx.symbol(n)))[0];
}

/** `COLUMN[:KEY]=VALUE` on a row (OVS set_column). */
export function setColumn(ctx: VsctlContext, table: TableDef, row: Row, arg: string, isNew = false): void {
  const { column, key, value } = parseColumnKeyValue(ctx, arg, table, ['=']);
  checkMutable(table, column, isNew);
  const type = column.type;
  const symbols = (n: string): string => ctx.symbol(n);
  if (key !== null) {
    if (!isMapType(type)) throw new VsctlError(`cannot specify key to set for non-map column ${column.name}`);
    const k = keyAtom(ctx, column, key);
    const v = data(() => atomFromString(value!, type.value!, false, symbols))[0];
    const fresh: Datum = { keys: [k], values: [v] };
    row[column.name] = fromDatum(datumUnion(fresh, toDatum(row[column.name], type)), type);
  } else {
    row[column.name] = fromDatum(
      data(() => datumFromString(value!, type, symbols)),
      type,
    );
  }
  ctx.invalidate();
}

function formatCell(d: Datum, type: ColumnType): { text: string; bare: string } {
  return { text: datumToString(d, type), bare: datumToBare(d, type) };
}

/** Column list for list/find (`--columns=a,b`; `_uuid` allowed). */
function listColumns(ctx: VsctlContext, table: TableDef): Array<ColumnDef | null> {
  const spec = ctx.options.get('--columns');
  if (spec === undefined || spec === null) return [null, ...table.columns];
  const names = spec.split(/[ ,]+/).filter((n) => n);
  if (!names.length) throw new VsctlError('must specify at least one column name');
  return names.map((n) => (n.toLowerCase() === '_uuid' ? null : ctx.getColumn(table, n)));
}

function listRecord(uuid: string, row: Row, columns: Array<ColumnDef | null>): Array<{ text: string; bare: string }> {
  return columns.map((c) =>
    c === null ? { text: uuid, bare: uuid } : formatCell(toDatum(row[c.name], c.type), c.type),
  );
}

function sortedRows(rows: Record<string, Row>): Array<[string, Row]> {
  return Object.entries(rows).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function cmdGet(ctx: VsctlContext): void {
  const mustExist = !ctx.option('--if-exists');
  const id = ctx.options.get('--id');
  if (id !== undefined && !mustExist) throw new VsctlError('--if-exists and --id may not be specified together');
  const table = ctx.getTable(ctx.argv[1]);
  const rec = ctx.getRow(table, ctx.argv[2], mustExist);
  if (!rec) return;
  if (id !== undefined && id !== null) {
    if (ctx.symbols.has(id)) throw new VsctlError(`row id "${id}" specified on "get" command was used before it was defined`);
    const s = ctx.symbols.get(id) ?? { uuid: rec.uuid, created: true, referenced: true };
    ctx.symbols.set(id, { ...s, uuid: rec.uuid, created: true });
  }
  for (const arg of ctx.argv.slice(3)) {
    if (arg.toLowerCase() === '_uuid' || arg.toLowerCase() === '-uuid') {
      ctx.output += `${rec.uuid}\n`;
      continue;
    }
    const { column, key } = parseColumnKeyValue(ctx, arg, table, null);
    const d = toDatum(rec.row[column.name], column.type);
    if (key !== null) {
      if (!isMapType(column.type)) throw new VsctlError(`cannot specify key to get for non-map column ${column.name}`);
      const i = datumFind(d, keyAtom(ctx, column, key));
      if (i < 0) {
        if (mustExist) {
          throw new VsctlError(`no key "${key}" in ${table.name} record "${ctx.argv[2]}" column ${column.name}`);
        }
      } else {
        ctx.output += datumToString({ keys: [d.values![i]], values: null }, { key: column.type.value!, min: 1, max: 1 });
      }
    } else {
      ctx.output += datumToString(d, column.type);
    }
    ctx.output += '\n';
  }
}

export function cmdList(ctx: VsctlContext): void {
  const mustExist = !ctx.option('--if-exists');
  const table = ctx.getTable(ctx.argv[1]);
  const columns = listColumns(ctx, table);
  const out = { headings: columns.map((c) => (c ? c.name : '_uuid')), rows: [] as Array<Array<{ text: string; bare: string }>> };
  if (ctx.argv.length > 2) {
    for (const id of ctx.argv.slice(2)) {
      const rec = ctx.getRow(table, id, mustExist);
      if (rec) out.rows.push(listRecord(rec.uuid, rec.row, columns));
    }
  } else {
    for (const [uuid, row] of sortedRows(ctx.rows(table.name))) out.rows.push(listRecord(uuid, row, columns));
  }
  ctx.table = out;
}

const RELOPS = ['=', '!=', '<', '>', '<=', '>=', '{=}', '{!=}', '{<}', '{>}', '{<=}', '{>=}', '{in}', '{not-in}'];

function evaluate(a: Datum, b: Datum, op: string): boolean {
  const c = compareDatums(a, b);
  switch (op) {
    case '=':
    case '{=}':
      return c === 0;
    case '!=':
    case '{!=}':
      return c !== 0;
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '>=':
      return c >= 0;
    case '{<}':
      return b.keys.length > a.keys.length && datumIncludesAll(a, b);
    case '{>}':
      return a.keys.length > b.keys.length && datumIncludesAll(b, a);
    case '{<=}':
    case '{in}':
      return datumIncludesAll(a, b);
    case '{>=}':
      return datumIncludesAll(b, a);
    default:
      // {not-in}: no element of a is in b
      return a.keys.every((k) => datumFind(b, k) < 0);
  }
}

/** One find condition (OVS check_condition). */
function checkCondition(ctx: VsctlContext, table: TableDef, row: Row, arg: string): boolean {
  const { column, key, op, value } = parseColumnKeyValue(ctx, arg, table, RELOPS);
  const symbols = (n: string): string => ctx.symbol(n);
  const have = toDatum(row[column.name], column.type);
  if (key !== null) {
    if (!isMapType(column.type)) throw new VsctlError(`cannot specify key to check for non-map column ${column.name}`);
    const k = keyAtom(ctx, column, key);
    const wantType: ColumnType = { key: column.type.value!, min: 0, max: Infinity };
    const b = data(() => datumFromString(value!, wantType, symbols));
    const i = datumFind(have, k);
    if (i < 0 && !op!.startsWith('{')) return false;
    const a: Datum = { keys: i < 0 ? [] : [have.values![i]], values: null };
    return evaluate(a, b, op!);
  }
  const b = data(() => datumFromString(value!, { ...column.type, max: Infinity }, symbols));
  return evaluate(have, b, op!);
}

export function cmdFind(ctx: VsctlContext): void {
  const table = ctx.getTable(ctx.argv[1]);
  const columns = listColumns(ctx, table);
  const out = { headings: columns.map((c) => (c ? c.name : '_uuid')), rows: [] as Array<Array<{ text: string; bare: string }>> };
  for (const [uuid, row] of sortedRows(ctx.rows(table.name))) {
    if (ctx.argv.slice(2).every((arg) => checkCondition(ctx, table, row, arg))) out.rows.push(listRecord(uuid, row, columns));
  }
  ctx.table = out;
}

export function cmdSet(ctx: VsctlContext): void {
  const table = ctx.getTable(ctx.argv[1]);
  const rec = ctx.getRow(table, ctx.argv[2], !ctx.option('--if-exists'));
  if (!rec) return;
  for (const arg of ctx.argv.slice(3)) setColumn(ctx, table, rec.row, arg);
}

export function cmdAdd(ctx: VsctlContext): void {
  const table = ctx.getTable(ctx.argv[1]);
  const column = ctx.getColumn(table, ctx.argv[3]);
  const rec = ctx.getRow(table, ctx.argv[2], !ctx.option('--if-exists'));
  if (!rec) return;
  checkMutable(table, column, false);
  const type = column.type;
  let d = toDatum(rec.row[column.name], type);
  for (const arg of ctx.argv.slice(4)) {
    const add = data(() => datumFromString(arg, { ...type, min: 1, max: Infinity }, (n) => ctx.symbol(n)));
    d = datumUnion(d, add);
  }
  if (d.keys.length > type.max) {
    throw new VsctlError(
      `"add" operation would put ${d.keys.length} ${type.value ? 'pairs' : 'values'} in column ${column.name} of ` +
        `table ${table.name} but the maximum number is ${type.max}`,
    );
  }
  rec.row[column.name] = fromDatum(d, type);
  ctx.invalidate();
}

export function cmdRemove(ctx: VsctlContext): void {
  const table = ctx.getTable(ctx.argv[1]);
  const column = ctx.getColumn(table, ctx.argv[3]);
  const rec = ctx.getRow(table, ctx.argv[2], !ctx.option('--if-exists'));
  if (!rec) return;
  checkMutable(table, column, false);
  const type = column.type;
  const symbols = (n: string): string => ctx.symbol(n);
  let d = toDatum(rec.row[column.name], type);
  for (const arg of ctx.argv.slice(4)) {
    let rm: Datum;
    try {
      rm = datumFromString(arg, { ...type, min: 1, max: Infinity }, symbols);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      if (!isMapType(type)) throw new VsctlError(e.message);
      rm = data(() => datumFromString(arg, { key: type.key, min: 1, max: Infinity }, symbols));
    }
    d = datumSubtract(d, rm);
  }
  if (d.keys.length < type.min) {
    throw new VsctlError(
      `"remove" operation would put ${d.keys.length} ${type.value ? 'pairs' : 'values'} in column ${column.name} of ` +
        `table ${table.name} but the minimum number is ${type.min}`,
    );
  }
  rec.row[column.name] = fromDatum(d, type);
  ctx.invalidate();
}

export function cmdClear(ctx: VsctlContext): void {
  const table = ctx.getTable(ctx.argv[1]);
  const rec = ctx.getRow(table, ctx.argv[2], !ctx.option('--if-exists'));
  if (!rec) return;
  for (const name of ctx.argv.slice(3)) {
    const column = ctx.getColumn(table, name);
    checkMutable(table, column, false);
    if (column.type.min > 0) {
      throw new VsctlError(
        `"clear" operation cannot be applied to column ${column.name} of table ${table.name}, which is not allowed to be empty`,
      );
    }
    rec.row[column.name] = fromDatum({ keys: [], values: column.type.value ? [] : null }, column.type);
  }
  ctx.invalidate();
}

export function cmdCreate(ctx: VsctlContext): void {
  const table = ctx.getTable(ctx.argv[1]);
  const id = ctx.options.get('--id');
  const uuid = id ? ctx.createSymbol(id) : undefined;
  const row: Row = {};
  const newUuid = ctx.insert(table.name, row, uuid);
  const stored = ctx.rows(table.name)[newUuid];
  for (const arg of ctx.argv.slice(2)) setColumn(ctx, table, stored, arg, true);
  ctx.output += `${newUuid}\n`;
}

export function cmdDestroy(ctx: VsctlContext): void {
  const table = ctx.getTable(ctx.argv[1]);
  const all = ctx.option('--all');
  const ids = ctx.argv.slice(2);
  if (all && ids.length) throw new VsctlError('--all and records argument should not be specified together');
  if (all && ctx.option('--if-exists')) throw new VsctlError('--all and --if-exists should not be specified together');
  if (all) {
    for (const uuid of Object.keys(ctx.rows(table.name))) delete ctx.rows(table.name)[uuid];
  } else {
    for (const id of ids) {
      const rec = ctx.getRow(table, id, !ctx.option('--if-exists'));
      if (rec) delete ctx.rows(table.name)[rec.uuid];
    }
  }
  ctx.invalidate();
}
