/*
 * What every ovs-ofctl verb works with: the parsed options, output streams, opening
 * connections, and the switch's port and table name maps (fetched once per switch on a
 * connection of their own, as OVS get_port_map / get_table_map, so --names and names in
 * flows work).
 */
import { portMapFrom, type PortMap, type TableMap } from '../../flow/ofp-port.js';
import { decodeMessage, isDecodeError, OfType, type PortDesc } from '../../openflow/codec/index.js';
import { CliError, type Output } from '../cli-util.js';
import { OfConnection, mpMore } from './conn.js';
import { ofpToString } from './print.js';

export type SortOrder = 'asc' | 'desc';

export interface SortCriterion {
  /** Field name, or null for priority. */
  field: string | null;
  order: SortOrder;
}

export interface OfctlOptions {
  /** Allowed versions bitmap. */
  versions: number;
  rundir: string;
  strict: boolean;
  /** --names 1, --no-names 0, default -1 (names accepted, shown when interactive). */
  names: number;
  stats: boolean;
  sort: SortCriterion[];
  bundle: boolean;
  readd: boolean;
  mayCreate: boolean;
  verbosity: number;
  timestamp: boolean;
  /** stdout is a terminal (names shown by default). */
  interactive: boolean;
  /** Where "-" (stdin) files are read from. */
  readStdin: () => Promise<string>;
}

export class OfctlContext {
  private readonly portMaps = new Map<string, PortMap>();
  private readonly tableMaps = new Map<string, TableMap>();

  constructor(
    readonly o: OfctlOptions,
    readonly io: Output,
  ) {}

  private logSeq = 0;

  /** Console log lines in OVS's format ("2026-01-01T00:00:00Z|00001|vconn|WARN|..."). */
  private log(level: string, msg: string): void {
    const t = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.io.err(`${t}|${String(++this.logSeq).padStart(5, '0')}|vconn|${level}|${msg}\n`);
  }

  open(name: string): Promise<OfConnection> {
    return OfConnection.open(name, {
      versions: this.o.versions,
      rundir: this.o.rundir,
      log: { info: () => undefined, dbg: () => undefined, warn: (m) => this.log('WARN', m), err: (m) => this.log('ERR', m) },
    });
  }

  acceptNames(): boolean {
    return this.o.names !== 0;
  }

  showNames(): boolean {
    return this.o.names > 0 || (this.o.names === -1 && this.o.interactive);
  }

  async portsToAccept(name: string): Promise<PortMap | undefined> {
    return this.acceptNames() ? this.portMap(name) : undefined;
  }

  async portsToShow(name: string): Promise<PortMap | undefined> {
    return this.showNames() ? this.portMap(name) : undefined;
  }

  async tablesToAccept(name: string): Promise<TableMap | undefined> {
    return this.acceptNames() ? this.tableMap(name) : undefined;
  }

  async tablesToShow(name: string): Promise<TableMap | undefined> {
    return this.showNames() ? this.tableMap(name) : undefined;
  }

  /** Prints replies of a request as OVS dump_transaction (statistics: until the last part). */
  async dumpTransaction(c: OfConnection, request: Uint8Array, switchName: string): Promise<void> {
    const maps = { ports: await this.portsToShow(switchName), tables: await this.tablesToShow(switchName) };
    const isStats = request[0] === 1 ? request[1] === 16 : request[1] === 18;
    if (!isStats) {
      this.io.out(ofpToString(await c.transact(request), maps, this.o.verbosity + 1));
      return;
    }
    await c.dump(request, (m) => {
      const isReply = m[0] === 1 ? m[1] === 17 : m[1] === 19;
      if (!isReply && m[1] !== 1) throw new CliError(`received bad reply: ${ofpToString(m, maps, this.o.verbosity + 1).trimEnd()}`);
      this.io.out(ofpToString(m, maps, this.o.verbosity + 1));
    });
  }

  /**
   * Sends requests that only have a reply on error, then a barrier (OVS
   * transact_multiple_noreply): an error reply is printed to stderr and the tool exits 1.
   */
  async transactNoReply(c: OfConnection, requests: readonly Uint8Array[], switchName: string): Promise<void> {
    const err = await c.transactNoReply(requests);
    if (err) {
      const maps = { ports: await this.portsToShow(switchName), tables: await this.tablesToShow(switchName) };
      this.io.err(ofpToString(err, maps, this.o.verbosity + 2));
      throw new CliError('', 1);
    }
  }

  /** Every port of the switch (OVS port_iterator: features reply before 1.3, port-desc after). */
  async fetchPorts(c: OfConnection): Promise<PortDesc[]> {
    if (c.version < 4) {
      const reply = await c.transact(c.encode({ type: OfType.FEATURES_REQUEST, xid: 0 }));
      const d = decodeMessage(reply);
      if (isDecodeError(d) || d.type !== OfType.FEATURES_REPLY) throw new CliError(`${c.name}: received bad features reply`);
      if (((reply[2]! << 8) | reply[3]!) + 48 <= 0xffff) return [...d.ports];
    }
    const ports: PortDesc[] = [];
    const replies = await c.dump(c.encode({ type: OfType.PORT_DESC_STATS_REQUEST, xid: 0, flags: 0, portNo: 0xffff }));
    for (const r of replies) {
      const d = decodeMessage(r);
      if (isDecodeError(d) || d.type !== OfType.PORT_DESC_STATS_REPLY) throw new CliError(`received bad reply: ${ofpToString(r).trimEnd()}`);
      ports.push(...d.ports);
    }
    return ports;
  }

  private async portMap(name: string): Promise<PortMap> {
    let m = this.portMaps.get(name);
    if (m) return m;
    m = {};
    if (!name.includes(':') || /^(tcp|unix):/.test(name)) {
      const c = await this.open(name);
      try {
        m = portMapFrom((await this.fetchPorts(c)).map((p) => [p.name, p.portNo] as const));
      } finally {
        c.close();
      }
    }
    this.portMaps.set(name, m);
    return m;
  }

  private async tableMap(name: string): Promise<TableMap> {
    let m = this.tableMaps.get(name);
    if (m) return m;
    const names: Array<readonly [string, number]> = [];
    if (!name.includes(':') || /^(tcp|unix):/.test(name)) {
      const c = await this.open(name);
      try {
        const req = c.version < 4
          ? c.encode({ type: OfType.TABLE_STATS_REQUEST, xid: 0, flags: 0 })
          : c.encode({ type: OfType.TABLE_FEATURES_STATS_REQUEST, xid: 0, flags: 0, tables: [] });
        for (const r of await c.dump(req)) {
          const d = decodeMessage(r);
          if (isDecodeError(d)) throw new CliError(`received bad reply: ${ofpToString(r).trimEnd()}`);
          if (d.type === OfType.TABLE_STATS_REPLY) for (const t of d.entries) {
            if (t.name) names.push([t.name, t.tableId]);
          }
          else if (d.type === OfType.TABLE_FEATURES_STATS_REPLY) for (const t of d.tables) {
            if (t.name) names.push([t.name, t.tableId]);
          }
          else throw new CliError(`received bad reply: ${ofpToString(r).trimEnd()}`);
          if (!mpMore(r)) break;
        }
      } finally {
        c.close();
      }
    }
    m = portMapFrom(names);
    this.tableMaps.set(name, m);
    return m;
  }
}
