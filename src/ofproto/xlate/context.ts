/*
 * Translation state (OVS struct xlate_ctx) and result types. One XlateCtx lives for one
 * translation: the flow being edited, the base flow (the packet as the datapath will
 * have it), the wildcard mask being built, the datapath actions emitted so far, recursion
 * counters, the action set, the field stack, and what the caller gets back (rules hit,
 * packet-ins, MAC-learning side effects to replay, slow-path reasons, errors).
 */
import type { DpAction } from '../../datapath/actions.js';
import { outputAction } from '../../datapath/actions.js';
import { W_TUN_DST, W_TUN_IPV6_DST } from '../../flow/layout.js';
import type { Packet } from '../../packet/packet.js';
import type { XlateBridge, XlateBucket, XlateGroup, XlateRule } from '../xlate-bridge.js';
import { commitOdpActions } from './commit.js';
import { TraceNodeType, type TraceNode } from './trace-node.js';
import { tunnelDstIsSet } from './tunnel.js';
import type { FrozenSegment, FrozenState } from './recirc.js';

/** OVS MAX_DEPTH: nested resubmits / goto_table / patch ports. */
export const MAX_DEPTH = 64;
/** OVS MAX_RESUBMITS: resubmits in one translation. */
export const MAX_RESUBMITS = MAX_DEPTH * MAX_DEPTH;
/** Rough stand-in for OVS's 64 kB limit on the datapath action list. */
export const MAX_ODP_ACTIONS = 16384;

/** OVS enum xlate_error. */
export const XlateError = {
  OK: 0,
  BRIDGE_NOT_FOUND: 1,
  RECURSION_TOO_DEEP: 2,
  TOO_MANY_RESUBMITS: 3,
  STACK_TOO_DEEP: 4,
  NO_RECIRCULATION_CONTEXT: 5,
  RECIRCULATION_CONFLICT: 6,
  TOO_MANY_MPLS_LABELS: 7,
  INVALID_TUNNEL_METADATA: 8,
  UNSUPPORTED_PACKET_TYPE: 9,
  CONGESTION_DROP: 10,
  FORWARDING_DISABLED: 11,
} as const;
export type XlateError = (typeof XlateError)[keyof typeof XlateError];

const ERROR_TEXT = [
  'OK',
  'Bridge not found',
  'Recursion too deep',
  'Too many resubmits',
  'Stack too deep',
  'No recirculation context',
  'Recirculation conflict',
  'Too many MPLS labels',
  'Invalid tunnel metadata',
  'Unsupported packet type',
  'Congestion Drop',
  'Forwarding is disabled',
];

/** OVS xlate_strerror. */
export function xlateStrerror(e: number): string {
  return ERROR_TEXT[e] ?? 'Unknown error';
}

/** OpenFlow packet-in reasons (OVS enum ofp_packet_in_reason). */
export const OFPR_NO_MATCH = 0;
export const OFPR_ACTION = 1;
export const OFPR_INVALID_TTL = 2;
export const OFPR_ACTION_SET = 3;
export const OFPR_GROUP = 4;
export const OFPR_PACKET_OUT = 5;
export const OFPR_EXPLICIT_MISS = 6;
export const OFPR_IMPLICIT_MISS = 7;

/** A packet-in the translation asked for (also encoded in a userspace action). */
export interface PacketInRequest {
  readonly reason: number;
  readonly maxLen: number;
  readonly controllerId: number;
  readonly tableId: number;
  readonly cookie: bigint;
  /** NXAST_CONTROLLER2 userdata (may be empty). */
  readonly userdata: Uint8Array;
  /** The bridge whose pipeline asked for it. */
  readonly bridge: string;
  /** The flow at that point (FLOW_WORDS, in_port is the OpenFlow port). */
  readonly flow: Uint32Array;
  /** Whether the packet-in is really to be sent (false when translating without side effects). */
  readonly send: boolean;
  /** A paused controller action: the packet-in carries a continuation resuming at `recircId`. */
  readonly continuation: boolean;
  readonly recircId: number;
}

/** A MAC-learning side effect, replayed by the revalidator to keep the entry fresh (OVS XC_NORMAL). */
export interface NormalCacheEntry {
  readonly bridge: string;
  readonly inPort: number;
  readonly mac: number;
  readonly vlan: number;
  readonly isGratArp: boolean;
}

/**
 * A group a translation went through and the bucket it ran (OVS XC_GROUP): null for all and
 * indirect groups, which run every bucket. Stats pushed for the datapath flow credit both.
 */
export interface GroupUse<A> {
  readonly group: XlateGroup<A>;
  readonly bucket: XlateBucket<A> | null;
}

/** The group list of the (many) translations that use no group; never written. */
export const NO_GROUP_USES: readonly GroupUse<never>[] = [];

/**
 * What xlate() returns. `mask` and `finalFlow` are the translation's scratch: valid until the
 * next xlate() at the same nesting depth (copy them to keep them); the rest is the caller's.
 */
export interface XlateResult<A> {
  /** Datapath actions (a lone DROP action when nothing is output). */
  readonly actions: DpAction[];
  /** Megaflow mask (FLOW_WORDS; only datapath words are ever set). */
  readonly mask: Uint32Array;
  /** Rules whose actions ran, in order, for stats. */
  readonly rules: XlateRule<A>[];
  /** Groups (and buckets) the translation used, for stats. */
  readonly groups: readonly GroupUse<A>[];
  readonly packetIns: PacketInRequest[];
  readonly normals: NormalCacheEntry[];
  /** XlateError code; on error the actions are a drop. */
  readonly error: XlateError;
  /** Text of the error (OVS's trace message), or null. */
  readonly errorText: string | null;
  /** Slow-path reasons (SLOW_* bits); non-zero means the flow must be handled in userspace. */
  readonly slow: number;
  readonly slowPath: boolean;
  /** The flow after translation (for ofproto/trace "Final flow"). */
  readonly finalFlow: Uint32Array;
  /** Table the translation started in and ended in (for trace). */
  readonly tableId: number;
}

export interface XlateOptions<A> {
  /** The packet, when translating for a real upcall (MAC learning, learn() side effects). */
  packet?: Packet | null;
  /** Allow side effects: MAC learning, learn(), packet-ins sent for real. */
  sideEffects: boolean;
  /** Collect a trace tree here (ofproto/trace). */
  trace?: TraceNode[] | null;
  /** Injected clock, ms. */
  now: number;
  /** Translate these actions instead of looking up table 0 (packet-out). */
  actions?: readonly A[] | null;
  /** The actions come from a packet-out (controller reason PACKET_OUT). */
  inPacketOut?: boolean;
  /** The flow's in_port is already an OpenFlow port (packet-out, ofproto/trace). */
  ofInPort?: boolean;
  /** Packet-ins are encoded with dont_send=1 (ofproto/trace without --generate). */
  dontSendPacketIns?: boolean;
  /**
   * Thaw this state instead of the one the flow's recirc_id names (NXT_RESUME: the state
   * comes from the controller's continuation, OVS xlate_resume).
   */
  frozen?: FrozenState<A> | null;
}

/**
 * What the generic translation machinery needs from the action model (set by xlate.ts,
 * which also breaks the module cycle between tables, groups, outputs and actions).
 */
export interface XlateOps<A> {
  /** OVS do_xlate_actions. */
  doActions(ctx: XlateCtx<A>, actions: readonly A[], isLast: boolean, groupBucket: boolean): void;
  /** OVS 3.1 reversible_actions: none of them needs a datapath clone() to be undone. */
  reversible(actions: readonly A[]): boolean;
  /** OVS ofpacts_execute_action_set: an action set in execution order. */
  actionSetToList(set: readonly A[]): A[];
  /** Stops translation here so it can resume after recirculation (OVS ctx_trigger_freeze). */
  freeze(ctx: XlateCtx<A>): void;
  /** Trace text of a rule's match (minimatch_format) and of an action list. */
  formatMatch(key: Uint32Array, mask: Uint32Array): string;
  formatActions(actions: readonly A[]): string;
}

export class XlateCtx<A> {
  bridge: XlateBridge<A>;
  readonly flow: Uint32Array;
  /** The packet as the datapath will have it when the next action runs. */
  base: Uint32Array;
  readonly wc: Uint32Array;
  /** Where datapath actions go (swapped for a nested list inside clone()). */
  odp: DpAction[] = [];
  depth = 0;
  resubmits = 0;
  tableId = 0;
  rule: XlateRule<A> | null = null;
  ruleCookie: bigint = 0xffffffffffffffffn;
  exit = false;
  error: XlateError = XlateError.OK;
  errorText: string | null = null;
  actionSet: A[] = [];
  actionSetHasGroup = false;
  inActionSet = false;
  readonly inPacketOut: boolean;
  stack: Uint8Array[] = [];
  wasMpls = false;
  slow = 0;
  /** Freezing in progress: the rest of the pipeline is collected in `frozen` (innermost first). */
  freezing = false;
  frozen: FrozenSegment<A>[] = [];
  /** The freeze recomputes dp_hash first (OVS recirc_update_dp_hash): hash(alg, basis) before recirc. */
  recircHash: { alg: number; basis: number } | null = null;
  /** A paused controller action being frozen (continuation packet-in). */
  pause: { maxLen: number; reason: number; controllerId: number; userdata: Uint8Array | null } | null = null;
  /** Current trace list (null when not tracing). */
  trace: TraceNode[] | null;
  readonly sideEffects: boolean;
  readonly packet: Packet | null;
  readonly now: number;
  readonly rules: XlateRule<A>[] = [];
  /** Groups used so far; null until the first (most translations use none). */
  groups: GroupUse<A>[] | null = null;
  readonly packetIns: PacketInRequest[] = [];
  readonly normals: NormalCacheEntry[] = [];
  /** skb_priority of the packet on arrival (pop_queue). */
  readonly origSkbPriority: number;
  readonly dontSendPacketIns: boolean;
  readonly ops: XlateOps<A>;
  /** Tunnel destination of the packet as received (W_TUN_DST..W_TUN_IPV6_DST+3), null without one (OVS orig_tunnel_ipv6_dst). */
  readonly origTunDst: Uint32Array | null;

  /**
   * `flow` is translated in place; `base` (a copy of it is made) and `wc` (zeroed) are
   * scratch the caller provides, so one allocation can hold all three.
   */
  constructor(bridge: XlateBridge<A>, flow: Uint32Array, base: Uint32Array, wc: Uint32Array, opts: XlateOptions<A>, ops: XlateOps<A>) {
    this.bridge = bridge;
    this.flow = flow;
    base.set(flow);
    this.base = base;
    this.wc = wc;
    this.trace = opts.trace ?? null;
    this.sideEffects = opts.sideEffects;
    this.packet = opts.packet ?? null;
    this.now = opts.now;
    this.inPacketOut = opts.inPacketOut ?? false;
    this.origSkbPriority = flow[1]!;
    this.dontSendPacketIns = opts.dontSendPacketIns ?? false;
    this.ops = ops;
    this.origTunDst = tunnelDstIsSet(flow) ? flow.slice(W_TUN_DST, W_TUN_IPV6_DST + 4) : null;
  }

  /** Adds a trace node to the current list; returns it (or null when not tracing). */
  report(type: TraceNodeType, text: string): TraceNode | null {
    if (this.trace === null) return null;
    const n: TraceNode = { type, text, subs: [] };
    this.trace.push(n);
    return n;
  }

  /** OVS xlate_report_error: a trace line; the latest text explains a translation error. */
  reportError(text: string): void {
    if (this.error) return; // after an error only its own message matters
    this.report(TraceNodeType.ERROR, text);
    this.errorText = text;
  }

  /** Emits the datapath actions that bring the packet up to date with the flow. */
  commit(): void {
    this.slow |= commitOdpActions(this.flow, this.base, this.wc, this.odp, true);
  }

  emit(a: DpAction): void {
    this.odp.push(a);
  }

  emitOutput(dpPort: number): void {
    this.odp.push(outputAction(dpPort));
  }

  /** Records that group `g` ran `bucket` (null: all of them), as OVS xlate_group_stats does. */
  useGroup(group: XlateGroup<A>, bucket: XlateBucket<A> | null): void {
    const use: GroupUse<A> = { group, bucket };
    if (this.groups === null) this.groups = [use];
    else this.groups.push(use);
  }

  /** OVS xlate_resubmit_resource_check. */
  resubmitResourceCheck(): boolean {
    if (this.depth >= MAX_DEPTH) {
      this.reportError(`over max translation depth ${MAX_DEPTH}`);
      this.error = XlateError.RECURSION_TOO_DEEP;
    } else if (this.resubmits >= MAX_RESUBMITS) {
      this.reportError(`over ${MAX_RESUBMITS} resubmit actions`);
      this.error = XlateError.TOO_MANY_RESUBMITS;
    } else if (this.odp.length > MAX_ODP_ACTIONS) {
      this.reportError('resubmits yielded over 64 kB of actions');
      this.exit = true;
    } else if (this.stack.length >= 4096) {
      this.reportError('resubmits yielded over 64 kB of stack');
      this.error = XlateError.STACK_TOO_DEEP;
    } else {
      return true;
    }
    return false;
  }
}
