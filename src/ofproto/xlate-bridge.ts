/*
 * The contract between translation (xlate) and the bridge that owns tables, ports, groups
 * and MAC learning (ofproto). xlate reads the bridge only through XlateBridge, so it can be
 * tested with a small fake bridge, and the bridge can change its storage freely.
 */
import type { OfPort } from './ofp-port.js';

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
  /** Fast-failover liveness: the bucket is live when this port (if not OFPP_ANY/NONE) is up... */
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
}
