/*
 * The configuration schema: the subset of OVS's Open_vSwitch database schema (vswitch.ovsschema)
 * that tsovs supports, as table and column definitions. The store validates documents against
 * it (through the typebox schema built in config-validate.ts), tsovs-vsctl parses and prints
 * values with it. Column types follow OVSDB: an atom type with constraints, min/max element
 * counts, and a value type for maps.
 */

export type AtomType = 'integer' | 'string' | 'boolean' | 'uuid';

export type TableName = 'Open_vSwitch' | 'Bridge' | 'Port' | 'Interface' | 'Controller';

/** One atom's type and constraints (OVSDB ovsdb_base_type). */
export interface BaseType {
  readonly type: AtomType;
  /** Allowed values (OVSDB "enum"). */
  readonly enum?: readonly string[];
  readonly minInteger?: number;
  readonly maxInteger?: number;
  /** For uuid atoms: the table referenced (strong reference). */
  readonly refTable?: TableName;
}

/** A column's type (OVSDB ovsdb_type): scalar when min=max=1 and no value type. */
export interface ColumnType {
  readonly key: BaseType;
  readonly value?: BaseType;
  readonly min: 0 | 1;
  /** Maximum number of elements; Infinity for "unlimited". */
  readonly max: number;
}

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  /** false: set on insert, never changed afterwards (OVSDB "mutable": false). */
  readonly mutable: boolean;
  /** Written only by the daemon (results such as ofport); clients may not write it. */
  readonly readOnly: boolean;
}

export interface TableDef {
  readonly name: TableName;
  /** Root rows live without being referenced; other rows are garbage-collected when unreferenced. */
  readonly isRoot: boolean;
  /** Columns whose values must be unique across the table (OVSDB indexes). */
  readonly indexes: readonly string[];
  /** Columns in alphabetical order (the order `list` prints them). */
  readonly columns: readonly ColumnDef[];
  readonly byName: ReadonlyMap<string, ColumnDef>;
}

const STRING: BaseType = { type: 'string' };
const INTEGER: BaseType = { type: 'integer' };
const BOOLEAN: BaseType = { type: 'boolean' };

const scalar = (key: BaseType): ColumnType => ({ key, min: 1, max: 1 });
const optional = (key: BaseType): ColumnType => ({ key, min: 0, max: 1 });
const set = (key: BaseType, max = Infinity, min: 0 | 1 = 0): ColumnType => ({ key, min, max });
const strMap: ColumnType = { key: STRING, value: STRING, min: 0, max: Infinity };
const ref = (table: TableName): BaseType => ({ type: 'uuid', refTable: table });
const enumOf = (...values: string[]): BaseType => ({ type: 'string', enum: values });
const intRange = (minInteger?: number, maxInteger?: number): BaseType => ({ type: 'integer', minInteger, maxInteger });

interface ColSpec {
  type: ColumnType;
  mutable?: boolean;
  readOnly?: boolean;
}

function table(name: TableName, isRoot: boolean, indexes: string[], cols: Record<string, ColSpec>): TableDef {
  const columns = Object.keys(cols)
    .sort()
    .map((c): ColumnDef => ({ name: c, type: cols[c].type, mutable: cols[c].mutable ?? true, readOnly: cols[c].readOnly ?? false }));
  return { name, isRoot, indexes, columns, byName: new Map(columns.map((c) => [c.name, c])) };
}

const OPENFLOW_VERSIONS = ['OpenFlow10', 'OpenFlow11', 'OpenFlow12', 'OpenFlow13', 'OpenFlow14', 'OpenFlow15'];

export const TABLES: readonly TableDef[] = [
  table('Bridge', false, ['name'], {
    name: { type: scalar(STRING), mutable: false },
    ports: { type: set(ref('Port')) },
    controller: { type: set(ref('Controller')) },
    fail_mode: { type: optional(enumOf('standalone', 'secure')) },
    datapath_type: { type: scalar(STRING) },
    protocols: { type: set(enumOf(...OPENFLOW_VERSIONS)) },
    other_config: { type: strMap },
    external_ids: { type: strMap },
    datapath_id: { type: optional(STRING), readOnly: true },
  }),
  table('Controller', false, [], {
    target: { type: scalar(STRING) },
    role: { type: optional(enumOf('other', 'master', 'slave')), readOnly: true },
    connection_mode: { type: optional(enumOf('in-band', 'out-of-band')) },
    controller_rate_limit: { type: optional(intRange(100)) },
    controller_burst_limit: { type: optional(intRange(25)) },
    inactivity_probe: { type: optional(INTEGER) },
    max_backoff: { type: optional(intRange(1000)) },
    is_connected: { type: scalar(BOOLEAN), readOnly: true },
    other_config: { type: strMap },
    external_ids: { type: strMap },
  }),
  table('Interface', false, ['name'], {
    name: { type: scalar(STRING), mutable: false },
    type: { type: scalar(STRING) },
    options: { type: strMap },
    ofport: { type: optional(INTEGER), readOnly: true },
    ofport_request: { type: optional(intRange(1, 65279)) },
    mac: { type: optional(STRING) },
    mac_in_use: { type: optional(STRING), readOnly: true },
    admin_state: { type: optional(enumOf('up', 'down')), readOnly: true },
    link_state: { type: optional(enumOf('up', 'down')), readOnly: true },
    error: { type: optional(STRING), readOnly: true },
    other_config: { type: strMap },
    external_ids: { type: strMap },
  }),
  table('Open_vSwitch', true, [], {
    bridges: { type: set(ref('Bridge')) },
    other_config: { type: strMap },
    external_ids: { type: strMap },
    ovs_version: { type: optional(STRING), readOnly: true },
  }),
  table('Port', false, ['name'], {
    name: { type: scalar(STRING), mutable: false },
    interfaces: { type: set(ref('Interface'), Infinity, 1) },
    tag: { type: optional(intRange(0, 4095)) },
    trunks: { type: set(intRange(0, 4095), 4096) },
    vlan_mode: { type: optional(enumOf('trunk', 'access', 'native-tagged', 'native-untagged', 'dot1q-tunnel')) },
    other_config: { type: strMap },
    external_ids: { type: strMap },
  }),
];

export const TABLE_NAMES: readonly TableName[] = TABLES.map((t) => t.name);

const byName = new Map<string, TableDef>(TABLES.map((t) => [t.name, t]));

export function tableDef(name: TableName): TableDef {
  return byName.get(name)!;
}

export function isTableName(name: string): name is TableName {
  return byName.has(name);
}

export const isMapType = (t: ColumnType): boolean => t.value !== undefined;
export const isScalarType = (t: ColumnType): boolean => t.value === undefined && t.min === 1 && t.max === 1;
/** Optional scalars and sets are stored as JSON arrays. */
export const isSetType = (t: ColumnType): boolean => t.value === undefined && !(t.min === 1 && t.max === 1);
