/*
 * The contract between translation (xlate) and the bridge that owns tables, ports, groups
 * and MAC learning (ofproto). xlate reads the bridge only through XlateBridge, so it can be
 * tested with a small fake bridge, and the bridge can change its storage freely.
 */
import type { OfPort } from './ofp-port.js';
import type { MacLearning } from './mac-learning.js';
import type { RecircTable } from './xlate/recirc.js';

/**
 * What a table does on a miss (OVS enum ofputil_table_miss): `default` is OpenFlow 1.0
 * behaviour (packet-in if a controller that wants misses is connected, else drop),
 * `continue` goes on to the next table, `controller` sends a packet-in, `drop` drops.
 */
export type TableMissConfig = 'default' | 'continue' | 'controller' | 'drop';

/** How IP fragments are matched (OVS frag_handling): `normal` hides their L4 ports. */
export type FragHandling = 'normal' | 'drop' | 'nx-match';

/** An OpenFlow rule as translation sees it. `A` is the OpenFlow action list type. */
export interface XlateRule<A> {
  readonly tableId: number;
  readonly priority: number;
  /** Masked match key and mask, FlowKey layout (FLOW_WORDS). */
  readonly key: Uint32Array;
  readonly mask: Uint32Array;
  /** 64-bit cookie (control-plane only, so a bigint is fine here). */
  readonly cookie: bigint;
  readonly actions: readonly A[];
  /** OFPFF_* flags (send_flow_rem, no_packet_counts, ...). */
  readonly flags: number;
}

/** One bucket of a group. */
export interface XlateBucket<A> {
  readonly bucketId: number;
  readonly weight: number;
  /** Liveness: the bucket is live if this port (unless OFPP_ANY) is up, or `watchGroup` (unless OFPG_ANY) has a live bucket. */
  readonly watchPort: number;
  readonly watchGroup: number;
  readonly actions: readonly A[];
}

export type GroupType = 'all' | 'select' | 'indirect' | 'ff';

export interface XlateGroup<A> {
  readonly groupId: number;
  readonly type: GroupType;
  readonly buckets: readonly XlateBucket<A>[];
  /** select groups: selection_method=hash fields (empty = OVS's default dp_hash / 5-tuple). */
  readonly selectionFields: readonly string[];
  /** select groups: selection_method ('' = OVS default: dp_hash when it fits, else a slow-path hash). */
  readonly selectionMethod?: '' | 'hash' | 'dp_hash';
  /** selection_method_param: for dp_hash, the hash algorithm (high 32 bits) and basis (low 32 bits). */
  readonly selectionMethodParam?: bigint;
}

export interface XlateBridge<A> {
  readonly name: string;
  /** Highest-priority rule of `tableId` matching `flow`; ORs the bits examined into `wc` (if given). */
  lookup(tableId: number, flow: Uint32Array, wc: Uint32Array | null): XlateRule<A> | null;
  port(ofPort: number): OfPort | undefined;
  portByDp(dpPort: number): OfPort | undefined;
  ports(): readonly OfPort[];
  group(groupId: number): XlateGroup<A> | undefined;
  /** Another bridge (the peer of a patch port), or undefined. */
  peerBridge(name: string): XlateBridge<A> | undefined;
  /** fail_mode=standalone with no connected controller, etc.: whether NORMAL should act. Informational. */
  readonly failMode: 'standalone' | 'secure';

  /** NORMAL's MAC learning table. */
  readonly macs: MacLearning;
  /** Number of OpenFlow tables (255 in OVS); lookups and table-miss "continue" stop there. */
  readonly nTables: number;
  /** Table-miss behaviour of `tableId` (OpenFlow 1.3 table-mod / OVS default). */
  tableMiss(tableId: number): TableMissConfig;
  /** Whether a connected controller wants packet-ins for misses (OVS connmgr_wants_packet_in_on_miss). */
  wantsPacketInOnMiss(): boolean;
  /** Whether any controller connection is up (watch_port=CONTROLLER liveness). */
  controllerConnected(): boolean;
  /** IP fragment handling (OFPT_SET_CONFIG frag mode); OVS default is `normal`. */
  readonly fragHandling: FragHandling;
  /** other_config:forward-bpdu: NORMAL forwards frames to reserved multicast MACs. */
  readonly forwardBpdu: boolean;
  /**
   * Executes a `learn` action (OVS learn_execute + flow mod): builds the rule from the
   * action's specs and the current flow and installs it. Called only when translation may
   * have side effects. `now` is the injected clock in ms. Returns false when the flow could
   * not be learned (e.g. the learn limit was reached), for learn's write_result bit.
   */
  learn(action: A, flow: Uint32Array, now: number): boolean | void;
  /**
   * Recirculation contexts, shared by the bridges of one datapath (OVS keeps them per
   * backer); the handler must hand recirculated upcalls (key recirc_id != 0) to xlate() too.
   * Without it, translations that need recirculation (after an MPLS pop, a paused
   * controller action) fail with an error, select groups hash in the slow path instead of
   * using dp_hash, and packet-in cookies carry recirc_id 0.
   */
  readonly recirc?: RecircTable<A>;
  /**
   * The datapath meter behind OpenFlow meter `meterId` (OVS provider_meter_id), or
   * undefined when it has none: then the `meter` instruction emits nothing.
   */
  dpMeterId?(meterId: number): number | undefined;
}
