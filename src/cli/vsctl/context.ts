/*
 * The state tsovs-vsctl commands work on (OVS ctl_context + vsctl_context): a working copy
 * of the configuration document that commands edit, table/column/record lookup with OVS's
 * partial matching and record names, the bridge/port/interface cache built from what the
 * Open_vSwitch row reaches, `--id=@name` symbols, and each command's output.
 */
import { randomUUID } from 'node:crypto';
import { TABLES, tableDef, type ColumnDef, type TableDef, type TableName } from '../../vswitchd/config-schema.js';
import { collectGarbage, defaultRow, rootRow, type ConfigDoc, type Row } from '../../vswitchd/config-doc.js';
import { isUuid } from '../../vswitchd/config-data.js';
import { CliError } from '../cli-util.js';

/** A command failed: `tsovs-vsctl: <message>`, exit 1. */
export class VsctlError extends CliError {}

export interface VBridge {
  uuid: string;
  row: Row;
  name: string;
  ports: VPort[];
}
export interface VPort {
  uuid: string;
  row: Row;
  name: string;
  bridge: VBridge;
  ifaces: VIface[];
}
export interface VIface {
  uuid: string;
  row: Row;
  name: string;
  port: VPort;
}

interface Cache {
  bridges: Map<string, VBridge>;
  ports: Map<string, VPort>;
  ifaces: Map<string, VIface>;
}

export interface Symbol {
  uuid: string;
  created: boolean;
  referenced: boolean;
}

/** A list/find result, printed with the table formatting options. */
export interface ResultTable {
  headings: string[];
  rows: Array<Array<{ text: string; bare: string }>>;
}

export class VsctlContext {
  private cache: Cache | null = null;
  readonly symbols = new Map<string, Symbol>();
  /** Interfaces inserted by this run (checked for errors after the daemon applied them). */
  readonly newIfaces: string[] = [];
  /** The current command's options and output. */
  options = new Map<string, string | null>();
  output = '';
  table: ResultTable | null = null;
  argv: string[] = [];

  constructor(readonly doc: ConfigDoc) {}

  option(name: string): boolean {
    return this.options.has(name);
  }

  get rootUuid(): string {
    return rootRow(this.doc).uuid;
  }

  get root(): Row {
    return this.doc.tables.Open_vSwitch[this.rootUuid];
  }

  rows(table: TableName): Record<string, Row> {
    return this.doc.tables[table];
  }

  /** Inserts a row (defaults for unset columns); returns its uuid. */
  insert(table: TableName, row: Row, uuid: string = randomUUID()): string {
    this.doc.tables[table][uuid] = { ...defaultRow(table), ...row };
    if (table === 'Interface') this.newIfaces.push(uuid);
    this.invalidate();
    return uuid;
  }

  /** Drops unreferenced rows and the cache (after every command that writes). */
  invalidate(): void {
    this.cache = null;
  }

  collectGarbage(): void {
    collectGarbage(this.doc);
    this.cache = null;
  }

  /* --- the bridge/port/interface cache (vsctl_context_populate_cache) --- */

  private populate(): Cache {
    if (this.cache) return this.cache;
    const c: Cache = { bridges: new Map(), ports: new Map(), ifaces: new Map() };
    const t = this.doc.tables;
    for (const bu of this.root.bridges as string[]) {
      const row = t.Bridge[bu];
      if (!row || c.bridges.has(String(row.name))) continue;
      const br: VBridge = { uuid: bu, row, name: String(row.name), ports: [] };
      c.bridges.set(br.name, br);
    }
    for (const br of c.bridges.values()) {
      for (const pu of br.row.ports as string[]) {
        const prow = t.Port[pu];
        if (!prow || c.ports.has(String(prow.name))) continue;
        const port: VPort = { uuid: pu, row: prow, name: String(prow.name), bridge: br, ifaces: [] };
        c.ports.set(port.name, port);
        br.ports.push(port);
        for (const iu of prow.interfaces as string[]) {
          const irow = t.Interface[iu];
          if (!irow || c.ifaces.has(String(irow.name))) continue;
          const iface: VIface = { uuid: iu, row: irow, name: String(irow.name), port };
          c.ifaces.set(iface.name, iface);
          port.ifaces.push(iface);
        }
      }
    }
    this.cache = c;
    return c;
  }

  bridges(): Map<string, VBridge> {
    return this.populate().bridges;
  }

  findBridge(name: string, mustExist: boolean): VBridge | undefined {
    const br = this.populate().bridges.get(name);
    if (mustExist && !br) throw new VsctlError(`no bridge named ${name}`);
    return br;
  }

  /** A port, but not a bridge's local port (OVS find_port). */
  findPort(name: string, mustExist: boolean): VPort | undefined {
    let port = this.populate().ports.get(name);
    if (port && port.name === port.bridge.name) port = undefined;
    if (mustExist && !port) throw new VsctlError(`no port named ${name}`);
    return port;
  }

  findIface(name: string, mustExist: boolean): VIface | undefined {
    let iface = this.populate().ifaces.get(name);
    if (iface && iface.name === iface.port.bridge.name) iface = undefined;
    if (mustExist && !iface) throw new VsctlError(`no interface named ${name}`);
    return iface;
  }

  /** Refuses a new bridge/port/interface name already in use (OVS check_conflicts). */
  checkConflicts(name: string, msg: string): void {
    const c = this.populate();
    if (c.bridges.has(name)) throw new VsctlError(`${msg} because a bridge named ${name} already exists`);
    const port = c.ports.get(name);
    if (port) throw new VsctlError(`${msg} because a port named ${name} already exists on bridge ${port.bridge.name}`);
    const iface = c.ifaces.get(name);
    if (iface) {
      throw new VsctlError(`${msg} because an interface named ${name} already exists on bridge ${iface.port.bridge.name}`);
    }
  }

  /* --- generic database lookups (db-ctl-base) --- */

  getTable(name: string): TableDef {
    const best = bestMatches(
      TABLES.map((t) => t.name),
      name,
    );
    if (!best.length) throw new VsctlError(`unknown table "${name}"`);
    if (best.length > 1) throw new VsctlError(`"${name}" matches multiple table names: ${best.join(', ')}`);
    return tableDef(best[0] as TableName);
  }

  getColumn(table: TableDef, name: string): ColumnDef {
    const best = bestMatches(
      table.columns.map((c) => c.name),
      name,
    );
    if (!best.length) throw new VsctlError(`${table.name} does not contain a column whose name matches "${name}"`);
    if (best.length > 1) {
      throw new VsctlError(`${table.name} contains more than one column whose name matches "${name}": ${best.join(', ')}`);
    }
    return table.byName.get(best[0])!;
  }

  /** Finds a record by uuid, ".", its name, or a uuid prefix (OVS ctl_get_row). */
  getRow(table: TableDef, id: string, mustExist: boolean): { uuid: string; row: Row } | undefined {
    const rows = this.doc.tables[table.name];
    const lower = id.toLowerCase();
    if (isUuid(id) && rows[lower]) return { uuid: lower, row: rows[lower] };
    if (id === '.') {
      const all = Object.keys(rows);
      if (all.length === 1) return { uuid: all[0], row: rows[all[0]] };
    }
    const byId = this.getRowById(table.name, id);
    if (byId) return byId;
    if (/^[0-9a-f-]{4,}$/i.test(id)) {
      const hits = Object.keys(rows).filter((u) => u.startsWith(lower));
      if (hits.length > 1) {
        throw new VsctlError(
          `${table.name} contains 2 or more rows whose UUIDs begin with ${id}: at least ${hits[0]} and ${hits[1]}`,
        );
      }
      if (hits.length === 1) return { uuid: hits[0], row: rows[hits[0]] };
    }
    if (mustExist) throw new VsctlError(`no row "${id}" in table ${table.name}`);
    return undefined;
  }

  /** Record names: Bridge, Port and Interface by name; Controller by its bridge's name. */
  private getRowById(table: TableName, id: string): { uuid: string; row: Row } | undefined {
    const named = (t: TableName): { uuid: string; row: Row } | undefined => {
      let found: { uuid: string; row: Row } | undefined;
      for (const [uuid, row] of Object.entries(this.doc.tables[t])) {
        if (row.name !== id) continue;
        if (found) throw new VsctlError(`multiple rows in ${t} match "${id}"`);
        found = { uuid, row };
      }
      return found;
    };
    switch (table) {
      case 'Bridge':
      case 'Port':
      case 'Interface':
        return named(table);
      case 'Controller': {
        const br = named('Bridge');
        const ctl = br ? (br.row.controller as string[]) : [];
        return ctl.length === 1 ? { uuid: ctl[0], row: this.doc.tables.Controller[ctl[0]] } : undefined;
      }
      default:
        return undefined;
    }
  }

  /** Resolves `@name` (creating the symbol on first use) for uuid values. */
  symbol(name: string): string {
    let s = this.symbols.get(name);
    if (!s) {
      s = { uuid: randomUUID(), created: false, referenced: false };
      this.symbols.set(name, s);
    }
    s.referenced = true;
    return s.uuid;
  }

  /** Defines `@name` for a row being created (--id=@name). */
  createSymbol(name: string): string {
    if (!name.startsWith('@')) throw new VsctlError(`row id "${name}" does not begin with "@"`);
    const s = this.symbols.get(name) ?? { uuid: randomUUID(), created: false, referenced: false };
    if (s.created) throw new VsctlError(`row id "${name}" may only be specified on one --id option`);
    s.created = true;
    this.symbols.set(name, s);
    return s.uuid;
  }
}

/** OVS score_partial_match: exact beats full (case/`-` insensitive) beats prefix. */
function score(name: string, s: string): number {
  if (name === s) return Number.MAX_SAFE_INTEGER;
  const norm = (c: string): string => (c === '-' ? '_' : c.toLowerCase());
  let i = 0;
  for (; ; i++) {
    if (i >= name.length || i >= s.length) break;
    if (norm(name[i]) !== norm(s[i])) break;
  }
  if (i === name.length && i === s.length) return Number.MAX_SAFE_INTEGER - 1;
  return i === s.length ? i : 0;
}

function bestMatches(names: string[], s: string): string[] {
  let best = 0;
  let out: string[] = [];
  for (const n of names) {
    const sc = score(n, s);
    if (!sc || sc < best) continue;
    if (sc > best) out = [];
    best = sc;
    out.push(n);
  }
  return out;
}
