/*
 * The datapath shared by all bridges of one datapath type (OVS struct dpif_backer) and its
 * upcall machinery (OVS struct udpif): the Dpif, which bridge owns each datapath port,
 * the per-megaflow ukeys, the revalidation sequence number, the flow limit and max-idle,
 * and the handler and revalidator that serve it.
 */
import { Datapath, type DatapathOptions } from '../datapath/datapath.js';
import type { Dpif } from '../datapath/dpif.js';
import { DummyNetdev } from '../netdev/dummy.js';
import type { Netdev } from '../netdev/netdev.js';
import type { Clock } from '../util/clock.js';
import type { Bridge } from './bridge.js';
import type { BridgePort } from './bridge-port.js';
import { Handler } from './handler.js';
import { Revalidator } from './revalidator.js';
import { UkeyMap, type LearnRef, type TableLookup } from './ukey.js';
import type { OfpAction } from './ofp-actions.js';
import { RecircTable } from './xlate/recirc.js';

/** OVS's default other_config:flow-limit. */
export const DEFAULT_FLOW_LIMIT = 200000;
/** OVS's default other_config:max-idle (ms). */
export const DEFAULT_MAX_IDLE = 10000;

/** The datapath name OVS uses for a type: ovs-system, ovs-netdev, ovs-dummy. */
export function datapathName(type: string): string {
  return type === 'system' ? 'ovs-system' : `ovs-${type}`;
}

export interface BackerOptions {
  clock: Clock;
  datapath?: DatapathOptions;
  /** Use this datapath instead of creating one. */
  dpif?: Dpif;
  /** Bridge lookup by name (packet-ins name the bridge whose pipeline sent them). */
  bridgeByName(name: string): Bridge | undefined;
}

export class Backer {
  readonly dpif: Dpif;
  readonly clock: Clock;
  /** Megaflow records by ufid (OVS udpif->ukeys). */
  readonly ukeys = new UkeyMap();
  /** Bumps whenever some bridge changes: datapath flows translated earlier are re-checked. */
  revalSeq = 1;
  /** Most datapath flows the handler installs (other_config:flow-limit). */
  flowLimit = DEFAULT_FLOW_LIMIT;
  /** Datapath flows idle longer than this (ms) are deleted (other_config:max-idle). */
  maxIdle = DEFAULT_MAX_IDLE;
  /** Recirculation contexts of this datapath's flows (OVS keeps them per backer). */
  readonly recirc = new RecircTable<OfpAction>();
  /** upcall/disable-megaflows: install exact-match flows (every datapath word matched) instead. */
  megaflows = true;
  /** While non-null, bridges log their table lookups here (for table statistics). */
  lookupLog: TableLookup[] | null = null;
  /** While non-null, bridges log the learn actions they execute here. */
  learnLog: LearnRef[] | null = null;
  readonly handler: Handler;
  readonly revalidator: Revalidator;
  /** The bridges using this datapath. */
  readonly bridges = new Set<Bridge>();
  /** By datapath port number (dense: datapath ports are small integers). */
  private readonly owners: ({ bridge: Bridge; port: BridgePort } | undefined)[] = [];
  readonly bridgeByName: (name: string) => Bridge | undefined;

  constructor(
    readonly type: string,
    opts: BackerOptions,
  ) {
    this.clock = opts.clock;
    this.bridgeByName = opts.bridgeByName;
    this.dpif = opts.dpif ?? new Datapath(datapathName(type), type, { clock: opts.clock, ...opts.datapath });
    // The datapath's own port 0 (OVS's "ovs-netdev" internal port); bridges' ports come after it.
    if (this.dpif.portQuery(0) === undefined) this.dpif.portAdd(new DummyNetdev(this.dpif.name, 'internal'), 0);
    this.handler = new Handler(this);
    this.revalidator = new Revalidator(this);
  }

  bumpRevalSeq(): void {
    this.revalSeq++;
  }

  /**
   * Adds a vport for a bridge's port. A `dummy` datapath numbers ports as OVS's dummy
   * dpif does (a number in the name is used if free; names starting "br" add 100).
   */
  addPort(netdev: Netdev, _bridge: string): number {
    return this.dpif.portAdd(netdev, this.choosePort(netdev.name));
  }

  private choosePort(name: string): number | undefined {
    if (this.type !== 'dummy') return undefined;
    const m = /[0-9]+/.exec(name);
    if (!m) return undefined;
    const no = (name.startsWith('br') ? 100 : 0) + Number.parseInt(m[0], 10);
    return no > 0 && no < 65280 && this.dpif.portQuery(no) === undefined ? no : undefined;
  }

  delPort(dpPort: number): void {
    this.owners[dpPort] = undefined;
    if (this.dpif.portQuery(dpPort) !== undefined) this.dpif.portDel(dpPort);
  }

  setPortOwner(dpPort: number, bridge: Bridge, port: BridgePort): void {
    this.owners[dpPort] = { bridge, port };
  }

  /** The bridge and port behind a datapath port (OVS xlate_lookup). */
  ownerOf(dpPort: number): { bridge: Bridge; port: BridgePort } | undefined {
    return this.owners[dpPort];
  }

  /** The number of datapath flows. */
  get nFlows(): number {
    return this.dpif.getStats().nFlows;
  }
}
