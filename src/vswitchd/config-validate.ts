/*
 * Structural validation of configuration documents and transaction operations: typebox
 * schemas generated from the table definitions (config-schema.ts), compiled once with ajv.
 * Referential integrity and unique names are checked separately (config-doc.ts).
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { TABLES, type BaseType, type ColumnType } from './config-schema.js';
import { CONFIG_FORMAT, CONFIG_VERSION } from './config-doc.js';


export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

const stringEnum = (values: readonly string[]): TSchema => Type.Unsafe<string>({ type: 'string', enum: [...values] });

const TableNameSchema = stringEnum(TABLES.map((t) => t.name));

function atomSchema(b: BaseType): TSchema {
  switch (b.type) {
    case 'integer':
      return Type.Integer({ minimum: b.minInteger, maximum: b.maxInteger });
    case 'boolean':
      return Type.Boolean();
    case 'uuid':
      return Type.String({ pattern: UUID_PATTERN });
    default:
      return b.enum ? stringEnum(b.enum) : Type.String();
  }
}

function columnSchema(t: ColumnType): TSchema {
  const maxCount = Number.isFinite(t.max) ? t.max : undefined;
  if (t.value) return Type.Record(Type.String(), atomSchema(t.value), { maxProperties: maxCount });
  if (t.min === 1 && t.max === 1) return atomSchema(t.key);
  return Type.Array(atomSchema(t.key), { minItems: t.min, maxItems: maxCount, uniqueItems: true });
}

function rowSchema(columns: (typeof TABLES)[number]['columns']): TSchema {
  const props: Record<string, TSchema> = {};
  for (const c of columns) props[c.name] = Type.Optional(columnSchema(c.type));
  return Type.Object(props, { additionalProperties: false });
}

const tableProps: Record<string, TSchema> = {};
for (const t of TABLES) {
  tableProps[t.name] = Type.Optional(Type.Record(Type.String({ pattern: UUID_PATTERN }), rowSchema(t.columns)));
}

/** The whole document: `{format, version, generation, tables: {Bridge: {uuid: row}, ...}}`. */
export const ConfigDocSchema = Type.Object(
  {
    format: Type.Literal(CONFIG_FORMAT),
    version: Type.Literal(CONFIG_VERSION),
    generation: Type.Integer({ minimum: 0 }),
    tables: Type.Object(tableProps, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

const AnyRow = Type.Record(Type.String(), Type.Unknown());

/** The operations of `config/transact`. Column values are checked against the table afterwards. */
export const ConfigOpSchemas = {
  insert: Type.Object(
    { op: Type.Literal('insert'), table: TableNameSchema, uuid: Type.Optional(Type.String({ pattern: UUID_PATTERN })), row: AnyRow },
    { additionalProperties: false },
  ),
  update: Type.Object(
    { op: Type.Literal('update'), table: TableNameSchema, uuid: Type.String({ pattern: UUID_PATTERN }), row: AnyRow },
    { additionalProperties: false },
  ),
  delete: Type.Object(
    { op: Type.Literal('delete'), table: TableNameSchema, uuid: Type.String({ pattern: UUID_PATTERN }) },
    { additionalProperties: false },
  ),
  check: Type.Object({ op: Type.Literal('check'), generation: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
};

// Compiled on first use: tools that never validate (tsovs-vsctl) do not pay for it.
let compiled: { doc: ValidateFunction; ops: Map<string, ValidateFunction> } | null = null;

function validators(): { doc: ValidateFunction; ops: Map<string, ValidateFunction> } {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: false, strict: false });
    compiled = {
      doc: ajv.compile(ConfigDocSchema),
      ops: new Map(Object.entries(ConfigOpSchemas).map(([name, schema]) => [name, ajv.compile(schema)])),
    };
  }
  return compiled;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  if (!errors?.length) return 'invalid';
  const e = errors[0];
  const where = e.instancePath || '/';
  const extra =
    e.keyword === 'additionalProperties'
      ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
      : e.keyword === 'enum' || e.keyword === 'const'
        ? ` (${JSON.stringify((e.params as { allowedValues?: unknown; allowedValue?: unknown }).allowedValues ?? (e.params as { allowedValue?: unknown }).allowedValue)})`
        : '';
  return `${where} ${e.message ?? 'is invalid'}${extra}`;
}

/** Returns null when `doc` has the document's structure, else a one-line description. */
export function validateDocShape(doc: unknown): string | null {
  const v = validators().doc;
  return v(doc) ? null : describe(v.errors);
}

/** Checks the shape of a `config/transact` operation list. */
export function validateOpsShape(ops: unknown): string | null {
  if (!Array.isArray(ops)) return 'operations must be a JSON array';
  for (let i = 0; i < ops.length; i++) {
    const op: unknown = ops[i];
    const name = typeof op === 'object' && op !== null ? (op as { op?: unknown }).op : undefined;
    const v = typeof name === 'string' ? validators().ops.get(name) : undefined;
    if (!v) return `operation ${i}: unknown operation ${JSON.stringify(name ?? null)} (insert, update, delete or check)`;
    if (!v(op)) return `operation ${i} (${name}): ${describe(v.errors)}`;
  }
  return null;
}
