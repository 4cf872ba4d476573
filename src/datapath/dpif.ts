/*
 * Dpif: the only door into a datapath (OVS's dpif provider interface, the "netlink" of
 * tsovs). Requests and replies are plain data (typed arrays, numbers, strings) so a
 * datapath can live in this thread or in a worker without ofproto noticing. ofproto and
 * the tools talk to the datapath through this interface and nothing else.
 */
import type { Packet } from '../packet/packet.js';
import type { Netdev } from '../netdev/netdev.js';
import type { DpAction } from './actions.js';
import type { DpMeterConfig, DpMeterStats } from './dp-meters.js';

export type { DpMeterBandConfig, DpMeterConfig, DpMeterStats } from './dp-meters.js';

/** Datapath-wide counters (ovs_dp_stats + megaflow stats). */
export interface DpStats {
  /** Packets that matched a megaflow. */
  nHit: number;
  /** Packets that missed and were queued to userspace. */
  nMissed: number;
  /** Packets that missed but could not be queued (queue full). */
  nLost: number;
  /** Megaflows installed. */
  nFlows: number;
  /** Distinct masks (subtables). */
  nMasks: number;
  /** Subtables probed over all lookups (n_mask_hit in OVS: probes, averaged per packet by tools). */
  nMaskHit: number;
  /** Hits served by the exact-match cache. */
  nCacheHit: number;
}

export interface DpPortStats {
  rxPackets: number;
  rxBytes: number;
  rxErrors: number;
  rxDropped: number;
  txPackets: number;
  txBytes: number;
  txErrors: number;
  txDropped: number;
}

export interface DpPortInfo {
  portNo: number;
  name: string;
  type: string;
  stats: DpPortStats;
}

/** Per-flow statistics. `used` is the clock's millisecond time of the last hit, 0 = never. */
export interface DpFlowStats {
  packets: number;
  bytes: number;
  used: number;
  /** OR of the TCP flags of every packet that hit the flow. */
  tcpFlags: number;
}

export interface DpFlow {
  /** Masked key, FlowKey layout (the datapath part; OpenFlow-only words are zero). */
  key: Uint32Array;
  mask: Uint32Array;
  actions: readonly DpAction[];
  stats: DpFlowStats;
  /** Unique flow id (OVS ufid) as 32 hex digits, given at put or derived from key and mask. */
  ufid: string;
}

/** A flow as a terse dump reports it (OVS DPIF_FLOW_DUMP_TERSE): its ufid and stats only. */
export interface DpFlowTerse extends DpFlowStats {
  readonly ufid: string;
}

export const FlowPutFlags = {
  CREATE: 1,
  MODIFY: 2,
  ZERO_STATS: 4,
} as const;

export interface FlowPutRequest {
  key: Uint32Array;
  mask: Uint32Array;
  /** Kept by reference (the list and its actions, as OVS keeps the netlink attributes): never modify them after the put. */
  actions: readonly DpAction[];
  /** FlowPutFlags bits: CREATE, MODIFY or both (create-or-modify), optionally ZERO_STATS. */
  flags: number;
  ufid?: string;
}

export const UpcallType = {
  MISS: 1,
  ACTION: 2,
} as const;
export type UpcallType = (typeof UpcallType)[keyof typeof UpcallType];

/** A packet handed to userspace, with its extracted key (OVS's dp_upcall_info). */
export interface Upcall {
  type: UpcallType;
  /** The full flow key extracted from the packet (FlowKey layout, FLOW_WORDS words). */
  key: Uint32Array;
  /** A copy of the packet, the caller's to modify (e.g. by executing actions on it). */
  packet: Packet;
  /** Userdata of the `userspace` action for ACTION upcalls; null for MISS. */
  userdata: Uint8Array | null;
  /** Upcall pid of the action (ACTION) or of the input port (MISS). */
  pid: number;
}

/** Errors a Dpif call can report, with errno-like codes as OVS's dpif layer. */
export type DpifErrorCode = 'EEXIST' | 'ENOENT' | 'EINVAL' | 'E2BIG' | 'EBUSY' | 'ENOSPC' | 'EFBIG';

export class DpifError extends Error {
  constructor(
    readonly code: DpifErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DpifError';
  }
}

export interface Dpif {
  /** Datapath name, e.g. "ovs-system" or a bridge's datapath. */
  readonly name: string;
  /** Datapath type, e.g. "dummy" or "netdev". */
  readonly type: string;

  getStats(): DpStats;

  /** Attach a netdev as a vport; returns the port number (requested or first free). */
  portAdd(netdev: Netdev, portNo?: number): number;
  portDel(portNo: number): void;
  portQuery(portNo: number): DpPortInfo | undefined;
  portQueryByName(name: string): DpPortInfo | undefined;
  portDump(): DpPortInfo[];

  /** Install or modify a megaflow; throws DpifError (EEXIST, ENOENT, EINVAL, E2BIG). */
  flowPut(req: FlowPutRequest): void;
  /** The flow with exactly this (masked) key and mask, or by ufid. */
  flowGet(key: Uint32Array, mask: Uint32Array): DpFlow | undefined;
  flowGetByUfid(ufid: string): DpFlow | undefined;
  /** Delete a flow; returns its final stats. Throws ENOENT when absent. */
  flowDel(key: Uint32Array, mask: Uint32Array): DpFlowStats;
  flowDelByUfid(ufid: string): DpFlowStats;
  /** Every installed flow (a snapshot). */
  flowDump(): DpFlow[];
  /** Every installed flow's ufid and stats (a snapshot): what the revalidator needs, cheaply. */
  flowDumpTerse(): DpFlowTerse[];
  /** Zero one flow's stats, returning the old ones. */
  flowClearStats(ufid: string): DpFlowStats;
  flowFlush(): void;
  /** Current megaflow limit; puts beyond it fail with E2BIG. */
  flowLimit: number;

  /** Run actions on a packet as if it matched a flow with these actions (no flow is created). */
  execute(packet: Packet, actions: readonly DpAction[]): void;

  /** Create or replace datapath meter `meterId` (counters restart); throws DpifError (EFBIG, EINVAL). */
  meterSet(meterId: number, config: DpMeterConfig): void;
  /** Delete a meter; returns its final stats, undefined when absent. */
  meterDel(meterId: number): DpMeterStats | undefined;
  /** A meter's counters (packets/bytes in, per-band drops), undefined when absent. */
  meterStats(meterId: number): DpMeterStats | undefined;

  /**
   * Move up to `max` pending upcalls into `out`; returns how many. An upcall (its key and
   * packet) is valid until the next recvUpcalls() on this dpif, which may reuse it (as OVS's
   * dpif_recv reuses its buffer): copy what must live longer.
   */
  recvUpcalls(out: Upcall[], max: number): number;
  /** Called when the upcall queue goes from empty to non-empty (a wakeup, not a delivery). */
  setUpcallNotify(cb: (() => void) | null): void;
}
