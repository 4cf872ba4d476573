/*
 * Translation entry point (OVS xlate_actions): run the OpenFlow pipeline of a bridge for
 * one flow and produce the datapath actions plus the megaflow mask. The mask always holds
 * recirc_id, in_port, eth_type and (for IP) nw_frag, then every bit the classifier lookups
 * and the actions examined; OVS's final clean-ups (xlate_wc_finish) drop what the datapath
 * cannot match on.
 */
import type { DpAction } from '../../datapath/actions.js';
import { DpActionType } from '../../datapath/actions.js';
import {
  DP_KEY_WORDS,
  FLOW_WORDS,
  FRAG_LATER,
  FRAG_MASK,
  MAX_MPLS_LABELS,
  MAX_VLAN_HEADERS,
  VLAN_CFI,
  W_ACTSET_OUTPUT,
  W_ETH_TYPE,
  W_IN_PORT,
  W_MPLS0,
  W_NW,
  W_METADATA,
  W_RECIRC_ID,
  W_REG0,
  W_TP,
  W_TUN_DST,
  W_TUN_GBP,
  W_TUN_ID,
  W_TUN_IPV6_DST,
  W_TUN_MISC,
  W_TUN_SRC,
  W_TUN_IPV6_SRC,
  W_VLAN0,
} from '../../flow/layout.js';
import { formatMatch } from '../../flow/match-format.js';
import { IPPROTO_ICMP, IPPROTO_ICMPV6, ETH_TYPE_IPV4, ETH_TYPE_IPV6 } from '../../packet/constants.js';
import { OfpactType, type OfpAction } from '../ofp-actions.js';
import { OFPP_NONE, OFPP_UNSET } from '../ofp-port.js';
import type { XlateBridge } from '../xlate-bridge.js';
import { doXlateActions } from './actions.js';
import { actionSetToList, reversibleActions } from './action-set.js';
import { NO_GROUP_USES, XlateCtx, XlateError, type XlateOps, type XlateOptions, type XlateResult } from './context.js';
import { ethType, isIpAny, isMplsEthType, isVlanTpid } from './flow-ops.js';
import { clearConntrack, mayReceive, xlateActionSet } from './output.js';
import { lookupFromTable, reportTable, runLookupResult } from './table.js';
import { TraceNodeType } from './trace-node.js';
import { finishFreezing } from './freeze.js';
import type { FrozenSegment, FrozenState } from './recirc.js';
import { coverageCounter } from '../../util/coverage.js';

/** OVS's xlate_actions coverage event: every translation, whoever asks for it. */
const COV_XLATE = coverageCounter('xlate_actions');

function freeze(ctx: XlateCtx<OfpAction>): void {
  if (!ctx.bridge.recirc) {
    ctx.reportError('translation needs recirculation, which this bridge does not support');
    ctx.exit = true;
    return;
  }
  // OVS ctx_trigger_freeze: stop here; the rest is collected as the stack unwinds.
  ctx.exit = true;
  ctx.freezing = true;
}

export const OFPACT_XLATE_OPS: XlateOps<OfpAction> = {
  doActions: doXlateActions,
  reversible: reversibleActions,
  actionSetToList,
  freeze,
  formatMatch: (key, mask) => formatMatch({ key, mask }),
  // Trace callers pass the ovs-ofctl formatter (it lives in the OpenFlow layer, above ofproto).
  formatActions: (acts) => (acts.length === 0 ? 'drop' : acts.map((a) => `action(${a.type})`).join(',')),
};

function tunnelDstSet(flow: Uint32Array): boolean {
  if (flow[W_TUN_DST]) return true;
  for (let i = 0; i < 4; i++) if (flow[W_TUN_IPV6_DST + i]) return true;
  return false;
}

/** OVS xlate_wc_init (+ tnl_wc_init). */
function wcInit(flow: Uint32Array, wc: Uint32Array): void {
  wc[W_IN_PORT] = 0xffffffff;
  wc[W_ETH_TYPE] = (wc[W_ETH_TYPE]! | 0xffff) >>> 0;
  wc[W_RECIRC_ID] = 0xffffffff;
  if (isIpAny(flow)) wc[W_NW] = (wc[W_NW]! | FRAG_MASK) >>> 0;
  if (tunnelDstSet(flow)) {
    wc[W_TUN_ID] = 0xffffffff;
    wc[W_TUN_ID + 1] = 0xffffffff;
    if (flow[W_TUN_DST]) {
      wc[W_TUN_SRC] = 0xffffffff;
      wc[W_TUN_DST] = 0xffffffff;
    } else {
      for (let i = 0; i < 4; i++) {
        wc[W_TUN_IPV6_SRC + i] = 0xffffffff;
        wc[W_TUN_IPV6_DST + i] = 0xffffffff;
      }
    }
    // tun_tos and the DF / CSUM / KEY flags.
    wc[W_TUN_MISC] = (wc[W_TUN_MISC]! | 0xff000000 | 0x7) >>> 0;
  }
}

/** What xlate_wc_finish needs to know about the upcall flow. */
interface OrigFlow {
  readonly ethType: number;
  readonly nw: number;
  readonly vlan0: number;
  readonly vlan1: number;
  readonly tunnel: boolean;
}

function origOf(flow: Uint32Array): OrigFlow {
  return { ethType: ethType(flow), nw: flow[W_NW]!, vlan0: flow[W_VLAN0]!, vlan1: flow[W_VLAN0 + 1]!, tunnel: tunnelDstSet(flow) };
}

/**
 * OVS xlate_wc_finish: what the datapath can and should match. `orig` describes the upcall
 * flow, `final` is the flow as translation left it: OVS trims the ICMP type/code masks and
 * clears the port masks of later fragments by what the final flow is (so not after, say,
 * push_mpls turned the ICMP packet into an MPLS one).
 */
function wcFinish(orig: OrigFlow, final: Uint32Array, wc: Uint32Array): void {
  for (let w = DP_KEY_WORDS; w < FLOW_WORDS; w++) wc[w] = 0;
  const ft = ethType(final);
  const fproto = final[W_NW]! >>> 24;
  if ((ft === ETH_TYPE_IPV4 && fproto === IPPROTO_ICMP) || (ft === ETH_TYPE_IPV6 && fproto === IPPROTO_ICMPV6)) {
    wc[W_TP] = (wc[W_TP]! & 0x00ff00ff) >>> 0;
  }
  for (let i = 0; i < MAX_VLAN_HEADERS; i++) {
    if (wc[W_VLAN0 + i]! & 0xffff) wc[W_VLAN0 + i] = (wc[W_VLAN0 + i]! | VLAN_CFI) >>> 0;
  }
  if (final[W_NW]! & FRAG_LATER) wc[W_TP] = 0;
  const t = orig.ethType;
  if (!isMplsEthType(t)) for (let i = 0; i < MAX_MPLS_LABELS; i++) wc[W_MPLS0 + i] = 0;
  if (!isVlanTpid(orig.vlan0 >>> 16)) wc[W_VLAN0] = 0;
  if (!isVlanTpid(orig.vlan1 >>> 16)) wc[W_VLAN0 + 1] = 0;
  if (!orig.tunnel) for (let w = W_TUN_ID; w <= W_TUN_GBP; w++) wc[w] = 0;
}

/** A step of a thawed pipeline: an unroll marker (actions null) or a run of actions. */
export interface UnrollItem {
  readonly tableId: number;
  readonly cookie: bigint;
  readonly actions: readonly OfpAction[] | null;
}

/** Actions whose behaviour depends on the table and cookie (OVS freeze_unroll_actions). */
function needsUnroll(a: OfpAction): boolean {
  switch (a.type) {
    case OfpactType.OUTPUT_REG:
    case OfpactType.OUTPUT_TRUNC:
    case OfpactType.GROUP:
    case OfpactType.OUTPUT:
    case OfpactType.CONTROLLER:
    case OfpactType.DEC_MPLS_TTL:
    case OfpactType.DEC_TTL:
      return true;
    case OfpactType.RESUBMIT:
      return a.tableId === 255;
    default:
      return false;
  }
}

/**
 * The frozen segments as OVS's flat frozen action list: unroll markers where OVS puts them
 * (OVS freeze_put_unroll_xlate: before an action that needs the table and cookie, when they
 * differ from the last marker it put; markers copied from a thawed list do not count), or,
 * for a `final` list (from a continuation), only the markers the segments carry.
 */
export function unrollPlan(segs: readonly FrozenSegment<OfpAction>[], final = false): UnrollItem[] {
  const out: UnrollItem[] = [];
  let last: { tableId: number; cookie: bigint } | null = null;
  for (const seg of segs) {
    if (seg.unroll) out.push({ tableId: seg.unroll.tableId, cookie: seg.unroll.cookie, actions: null });
    let run: OfpAction[] = [];
    for (const a of seg.actions) {
      if (!final && needsUnroll(a) && (last === null || last.tableId !== seg.tableId || last.cookie !== seg.cookie)) {
        if (run.length) out.push({ tableId: seg.tableId, cookie: seg.cookie, actions: run });
        run = [];
        last = { tableId: seg.tableId, cookie: seg.cookie };
        out.push({ tableId: seg.tableId, cookie: seg.cookie, actions: null });
      }
      run.push(a);
    }
    if (run.length) out.push({ tableId: seg.tableId, cookie: seg.cookie, actions: run });
  }
  return out;
}

function unrollText(it: UnrollItem): string {
  return `unroll_xlate(table=${it.tableId}, cookie=${BigInt.asUintN(64, it.cookie).toString()})`;
}

function hexCookie(c: bigint): string {
  const v = BigInt.asUintN(64, c);
  return v === 0n ? '0' : '0x' + v.toString(16);
}

/** Restores a frozen pipeline (OVS xlate_actions with xin->frozen_state). */
function thaw(ctx: XlateCtx<OfpAction>, st: FrozenState<OfpAction>): boolean {
  const node = ctx.report(TraceNodeType.THAW, 'thaw');
  const oldTrace = ctx.trace;
  if (node) ctx.trace = node.subs;
  if (st.bridge !== ctx.bridge.name) {
    const b = ctx.bridge.peerBridge(st.bridge);
    if (!b) {
      ctx.reportError('Frozen bridge no longer exists.');
      ctx.error = XlateError.BRIDGE_NOT_FOUND;
      ctx.trace = oldTrace;
      return false;
    }
    ctx.bridge = b;
  }
  ctx.tableId = st.tableId;
  ctx.report(TraceNodeType.THAW, `Resuming from table ${st.tableId}`);
  const flow = ctx.flow;
  flow.set(st.tunnel, W_TUN_ID);
  flow[W_METADATA] = st.metadata[0];
  flow[W_METADATA + 1] = st.metadata[1];
  flow.set(st.regs, W_REG0);
  flow[W_IN_PORT] = st.inPort;
  if (!st.conntracked) clearConntrack(flow);
  ctx.stack = st.stack.map((v) => v.slice());
  ctx.wasMpls = false;
  if (st.actionSet.length) {
    ctx.report(TraceNodeType.THAW, `Restoring action set: ${ctx.ops.formatActions(st.actionSet)}`);
    ctx.actionSet = st.actionSet.slice();
    for (const a of ctx.actionSet) {
      if (a.type === OfpactType.GROUP) {
        ctx.actionSetHasGroup = true;
        flow[W_ACTSET_OUTPUT] = OFPP_UNSET;
        break;
      }
      if (a.type === OfpactType.OUTPUT) flow[W_ACTSET_OUTPUT] = a.port;
    }
  }
  if (st.segments.length) {
    const text = unrollPlan(st.segments, st.final).map((it) => (it.actions === null ? unrollText(it) : ctx.ops.formatActions(it.actions)));
    ctx.report(TraceNodeType.THAW, `Restoring actions: ${text.join(',')}`);
  }
  ctx.trace = oldTrace;
  return true;
}

/**
 * Translates `flow` (FLOW_WORDS; in_port is a datapath port unless opts.ofInPort) through
 * `bridge`'s pipeline. `flow` itself is not modified.
 */
export function xlate(bridge: XlateBridge<OfpAction>, flow: Uint32Array, opts: XlateOptions<OfpAction>): XlateResult<OfpAction> {
  return xlateWith(bridge, flow, opts, OFPACT_XLATE_OPS);
}

/** xlate() with explicit operations (trace formatting, tests). */
export function xlateWith(
  bridge: XlateBridge<OfpAction>,
  inFlow: Uint32Array,
  opts: XlateOptions<OfpAction>,
  ops: XlateOps<OfpAction>,
): XlateResult<OfpAction> {
  // The flow, mask and base flow are scratch, one set per nesting level: a packet-in
  // listener may send a packet-out, which translates inside this translation.
  COV_XLATE.count++;
  if (scratchDepth === scratch.length) scratch.push(new XlateScratch());
  const sc = scratch[scratchDepth++]!;
  try {
    return xlateInto(bridge, inFlow, opts, ops, sc);
  } finally {
    scratchDepth--;
  }
}

/** Per-depth translation scratch: one allocation, three views. */
class XlateScratch {
  private readonly buf = new Uint32Array(FLOW_WORDS * 3);
  readonly flow = this.buf.subarray(0, FLOW_WORDS);
  readonly wc = this.buf.subarray(FLOW_WORDS, FLOW_WORDS * 2);
  readonly base = this.buf.subarray(FLOW_WORDS * 2);
}

const scratch: XlateScratch[] = [];
let scratchDepth = 0;

function xlateInto(
  bridge: XlateBridge<OfpAction>,
  inFlow: Uint32Array,
  opts: XlateOptions<OfpAction>,
  ops: XlateOps<OfpAction>,
  sc: XlateScratch,
): XlateResult<OfpAction> {
  const flow = sc.flow;
  sc.wc.fill(0);
  flow.set(inFlow);
  if (!opts.ofInPort) {
    const p = bridge.portByDp(flow[W_IN_PORT]!);
    flow[W_IN_PORT] = p ? p.ofPort : OFPP_NONE;
  }
  flow[W_ACTSET_OUTPUT] = OFPP_UNSET;
  const orig = origOf(flow);
  const ctx = new XlateCtx(bridge, flow, sc.base, sc.wc, opts, ops);
  // The datapath does not keep tunnel metadata across outputs.
  for (let w = W_TUN_ID; w <= W_TUN_GBP; w++) ctx.base[w] = 0;
  wcInit(flow, ctx.wc);

  const bnode = ctx.report(TraceNodeType.BRIDGE, `bridge("${bridge.name}")`);
  if (bnode) ctx.trace = bnode.subs;

  run: {
    let frozen: FrozenState<OfpAction> | null = opts.frozen ?? null;
    if (!frozen && flow[W_RECIRC_ID]) {
      frozen = bridge.recirc?.get(flow[W_RECIRC_ID]!) ?? null;
      if (!frozen) {
        ctx.reportError(`Recirculation context not found for ID ${flow[W_RECIRC_ID]!.toString(16)}`);
        ctx.error = XlateError.NO_RECIRCULATION_CONTEXT;
        break run;
      }
    }
    if (frozen && !thaw(ctx, frozen)) break run;
    const inPort = ctx.bridge.port(flow[W_IN_PORT]!);
    let lookup = null;
    if (frozen && frozen.segments.length) {
      // Resume the frozen action lists (innermost level first) as OVS's flat list with
      // unroll_xlate markers that restore the table and cookie.
      const plan = unrollPlan(frozen.segments, frozen.final);
      let i = 0;
      for (; i < plan.length && !ctx.error && !ctx.exit; i++) {
        const it = plan[i]!;
        if (it.actions === null) {
          ctx.report(TraceNodeType.ACTION, unrollText(it));
          ctx.report(TraceNodeType.THAW, `restored state: table=${it.tableId}, cookie=${hexCookie(it.cookie)}`);
          ctx.tableId = it.tableId;
          ctx.ruleCookie = it.cookie;
        } else {
          ctx.ops.doActions(ctx, it.actions, i === plan.length - 1, false);
        }
      }
      // Frozen again: what was not reached yet waits for the next thaw too, its unroll
      // markers copied as they are (OVS freeze_unroll_actions copies OFPACT_UNROLL_XLATE).
      if (ctx.freezing) {
        let unroll: { tableId: number; cookie: bigint } | undefined;
        for (; i < plan.length; i++) {
          const it = plan[i]!;
          if (it.actions === null) unroll = { tableId: it.tableId, cookie: it.cookie };
          else {
            ctx.frozen.push({ tableId: ctx.tableId, cookie: ctx.ruleCookie, actions: it.actions, ...(unroll ? { unroll } : {}) });
            unroll = undefined;
          }
        }
      }
    } else if (frozen && opts.frozen) {
      // A resumed pipeline with nothing left to run still finishes (action set, OVS
      // xlate_resume's no-op action): no table lookup.
    } else {
      if (!opts.actions) {
        lookup = lookupFromTable(ctx, flow[W_IN_PORT]!, ctx.tableId, true, true);
        ctx.tableId = lookup.tableId;
        reportTable(ctx, lookup, lookup.tableId);
      }
      if (inPort && !mayReceive(inPort)) break run;
      if (opts.actions) ctx.ops.doActions(ctx, opts.actions, true, false);
      else runLookupResult(ctx, lookup!, true, false);
    }
    if (ctx.error) break run;
    if (!ctx.freezing) xlateActionSet(ctx);
    if (ctx.freezing) finishFreezing(ctx);
  }

  wcFinish(orig, flow, ctx.wc);
  let actions: DpAction[] = ctx.odp;
  let slow = ctx.slow;
  if (ctx.error) {
    actions = [];
    slow = 0;
  } else if (actions.length && actions[actions.length - 1]!.type === DpActionType.CLONE) {
    // A trailing clone() isolates nothing: inline it (OVS xlate_optimize_odp_actions).
    const c = actions.pop() as { actions: readonly DpAction[] };
    actions.push(...c.actions);
  }
  if (actions.length === 0) actions.push({ type: DpActionType.DROP, reason: ctx.error });
  return {
    actions,
    mask: ctx.wc,
    rules: ctx.rules,
    groups: ctx.groups ?? NO_GROUP_USES,
    packetIns: ctx.packetIns,
    normals: ctx.normals,
    error: ctx.error,
    errorText: ctx.error ? (ctx.errorText ?? null) : null,
    slow,
    slowPath: slow !== 0,
    finalFlow: flow,
    tableId: ctx.tableId,
  };
}

