/*
 * Translation of OpenFlow actions (OVS do_xlate_actions and the per-action helpers): each
 * action edits the flow (recording in the wildcard mask the bits it reads or partly
 * writes, as OVS does) or emits datapath actions through output, table, group and
 * controller handling. Helpers live in field-write.ts, header-actions.ts and
 * special-actions.ts; action sets in action-set.ts.
 */
import {
  FRAG_LATER,
  NW_TOS_SHIFT,
  NW_TTL_SHIFT,
  VLAN_CFI,
  W_ACTSET_OUTPUT,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_METADATA,
  W_NW,
  W_SKB_PRIORITY,
  W_TP,
  W_TUN_ID,
  W_VLAN0,
  setEthDst,
  setEthSrc,
} from '../../flow/layout.js';
import { getValueBits, MF_FIELDS, MFF, mfGetValue } from '../../flow/meta-flow.js';
import { mfArePrereqsOk } from '../../flow/match.js';
import { ETH_TYPE_IPV4 } from '../../packet/constants.js';
import { DpActionType } from '../../datapath/actions.js';
import { maskFieldMasked } from './field-bits.js';
import { actionSetToList } from './action-set.js';
import { OfpactType as T, type OfpAction } from '../ofp-actions.js';
import { flowHashFields, flowMaskHashFields, multipathAlgorithm } from './flow-hash.js';
import { OFPP_IN_PORT, OFPP_UNSET } from '../ofp-port.js';
import { type XlateCtx } from './context.js';
import {
  IP_DSCP_MASK,
  IP_ECN_MASK,
  MPLS_LABEL_MASK,
  MPLS_LABEL_SHIFT,
  MPLS_TC_MASK,
  MPLS_TC_SHIFT,
  MPLS_TTL_MASK,
  ethType,
  isIpAny,
  popVlan,
  pushVlanUninit,
} from './flow-ops.js';
import { xlateGroupAction } from './group.js';
import { cloneXlateActions, xlateTableAction } from './table.js';
import { inPortOf, xlateControllerAction, xlateOutputAction } from './output.js';
import { TraceNodeType } from './trace-node.js';

import {
  setFlowValueMasked,
  isTunnelField,
  maskL3Prereqs,
  subfieldMask,
  bitwiseCopy,
  subfieldCopy,
  reportSubfield,
  regLoad,
} from './field-write.js';
import {
  setVlanVid,
  setVlanPcp,
  orWc,
  setNwByte,
  composeDecTtl,
  composeDecMplsTtl,
  setMplsBits,
  composeMplsPush,
  composeMplsPop,
} from './header-actions.js';
import {
  queueToPriority,
  xlateEnqueue,
  xlateOutputTrunc,
  xlateLearn,
  bundleExecute,
} from './special-actions.js';

type Ctx = XlateCtx<OfpAction>;

// --- actions ---------------------------------------------------------------------

function xlateWriteActions(ctx: Ctx, acts: readonly OfpAction[]): void {
  if (!ctx.actionSetHasGroup) {
    for (const a of acts) {
      if (a.type === T.OUTPUT) {
        ctx.flow[W_ACTSET_OUTPUT] = a.port;
      } else if (a.type === T.GROUP) {
        ctx.flow[W_ACTSET_OUTPUT] = OFPP_UNSET;
        ctx.actionSetHasGroup = true;
        break;
      }
    }
  }
  for (const a of acts) ctx.actionSet.push(a);
}

/**
 * OVS xlate_report_action_set: the action set as it would execute (so empty when it has
 * no output, group or resubmit), "action set is: ..." or "action set is empty".
 */
function reportActionSet(ctx: Ctx, verb: string): void {
  if (ctx.trace === null) return;
  const list = actionSetToList(ctx.actionSet);
  ctx.report(TraceNodeType.DETAIL, list.length ? `action set ${verb}: ${ctx.ops.formatActions(list)}` : `action set ${verb} empty`);
}

/** Does this action touch L3 or higher fields (recirculation after MPLS pop)? */
function needsRecircAfterMpls(a: OfpAction): boolean {
  switch (a.type) {
    case T.OUTPUT:
    case T.OUTPUT_TRUNC:
    case T.ENQUEUE:
    case T.OUTPUT_REG:
    case T.SET_VLAN_VID:
    case T.SET_VLAN_PCP:
    case T.SET_ETH_SRC:
    case T.SET_ETH_DST:
    case T.SET_TUNNEL:
    case T.SET_QUEUE:
    case T.GROUP:
      return false;
    case T.SET_FIELD:
      // OVS mf_is_l3_or_higher: IPv4 source and every field after it in meta-flow order,
      // so not metadata, registers and the other non-packet fields laid out after L4.
      return a.field.segments.some((s) => s.word >= W_IPV4_SRC && s.word < W_METADATA);
    default:
      return true;
  }
}

/** A 64-bit value as 8 big-endian bytes. */
function be64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  for (let i = 7; i >= 0; i--) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

/**
 * Saves actions [from, end) of this level for after recirculation (OVS freeze_unroll_actions):
 * instructions cannot be frozen, so goto_table becomes resubmit and write_metadata a masked
 * set_field, as OVS does; notes and conjunctions are not kept.
 */
function freezeUnroll(ctx: Ctx, acts: readonly OfpAction[], from: number): void {
  const rest: OfpAction[] = [];
  for (let i = from; i < acts.length; i++) {
    const a = acts[i]!;
    if (a.type === T.GOTO_TABLE) rest.push({ type: T.RESUBMIT, inPort: OFPP_IN_PORT, tableId: a.tableId, withCtOrig: false });
    else if (a.type === T.WRITE_METADATA) {
      const mask = BigInt.asUintN(64, a.mask);
      const field = MF_FIELDS[MFF.METADATA]!;
      rest.push({ type: T.SET_FIELD, field, value: be64(a.metadata & mask), mask: be64(mask), viaLoad: false });
    } else if (a.type !== T.NOTE && a.type !== T.CONJUNCTION) rest.push(a);
  }
  if (rest.length) ctx.frozen.push({ tableId: ctx.tableId, cookie: ctx.ruleCookie, actions: rest });
}

/** OVS do_xlate_actions. */
export function doXlateActions(ctx: Ctx, acts: readonly OfpAction[], isLast: boolean, groupBucket: boolean): void {
  const flow = ctx.flow;
  const wc = ctx.wc;
  if (acts.length === 0) {
    ctx.report(TraceNodeType.ACTION, 'drop');
    return;
  }
  for (let i = 0; i < acts.length; i++) {
    const a = acts[i]!;
    const last = isLast && i === acts.length - 1 && ctx.actionSet.length === 0;
    if (ctx.error) break;
    if (ctx.wasMpls && !ctx.exit && needsRecircAfterMpls(a)) ctx.ops.freeze(ctx);
    if (ctx.exit) {
      if (ctx.freezing) freezeUnroll(ctx, acts, i);
      break;
    }
    if (ctx.trace !== null) ctx.report(TraceNodeType.ACTION, ctx.ops.formatActions([a]));

    switch (a.type) {
      case T.OUTPUT:
        xlateOutputAction(ctx, a.port, a.maxLen, true, last, groupBucket);
        break;
      case T.GROUP:
        if (xlateGroupAction(ctx, a.groupId, last)) return;
        break;
      case T.CONTROLLER:
        if (a.pause) {
          // Freeze here; the packet-in carries a continuation that resumes after this action.
          ctx.pause = { maxLen: a.maxLen, reason: a.reason, controllerId: a.controllerId, userdata: a.userdata };
          ctx.ops.freeze(ctx);
          if (ctx.freezing) freezeUnroll(ctx, acts, i + 1);
          return;
        }
        xlateControllerAction(ctx, a.maxLen, a.reason, a.controllerId, a.userdata);
        break;
      case T.ENQUEUE:
        orWc(ctx, W_SKB_PRIORITY, 0xffffffff);
        xlateEnqueue(ctx, a.port, a.queue, last);
        break;
      case T.SET_VLAN_VID:
        setVlanVid(ctx, a.vid, a.pushVlanIfNeeded);
        break;
      case T.SET_VLAN_PCP:
        setVlanPcp(ctx, a.pcp, a.pushVlanIfNeeded);
        break;
      case T.STRIP_VLAN:
        popVlan(flow, wc);
        break;
      case T.PUSH_VLAN:
        pushVlanUninit(flow, wc);
        flow[W_VLAN0] = ((a.ethertype << 16) | VLAN_CFI) >>> 0;
        break;
      case T.SET_ETH_SRC:
        orWc(ctx, W_ETH_HI, 0x0000ffff);
        orWc(ctx, W_ETH_SRC, 0xffffffff);
        setEthSrc(flow, a.mac);
        break;
      case T.SET_ETH_DST:
        orWc(ctx, W_ETH_HI, 0xffff0000);
        orWc(ctx, W_ETH_DST, 0xffffffff);
        setEthDst(flow, a.mac);
        break;
      case T.SET_IPV4_SRC:
      case T.SET_IPV4_DST:
        if (ethType(flow) === ETH_TYPE_IPV4) {
          const w = a.type === T.SET_IPV4_SRC ? W_IPV4_SRC : W_IPV4_DST;
          orWc(ctx, w, 0xffffffff);
          orWc(ctx, W_NW, 0xff000000);
          flow[w] = a.ip >>> 0;
        }
        break;
      case T.SET_IP_DSCP:
        if (isIpAny(flow)) {
          orWc(ctx, W_NW, 0xff000000 | (IP_DSCP_MASK << NW_TOS_SHIFT));
          const tos = (flow[W_NW]! >>> NW_TOS_SHIFT) & 0xff;
          setNwByte(flow, NW_TOS_SHIFT, (tos & ~IP_DSCP_MASK) | (a.dscp & IP_DSCP_MASK));
        }
        break;
      case T.SET_IP_ECN:
        if (isIpAny(flow)) {
          orWc(ctx, W_NW, 0xff000000 | (IP_ECN_MASK << NW_TOS_SHIFT));
          const tos = (flow[W_NW]! >>> NW_TOS_SHIFT) & 0xff;
          setNwByte(flow, NW_TOS_SHIFT, (tos & ~IP_ECN_MASK) | (a.ecn & IP_ECN_MASK));
        }
        break;
      case T.SET_IP_TTL:
        if (isIpAny(flow)) {
          orWc(ctx, W_NW, 0xff000000 | (0xff << NW_TTL_SHIFT));
          setNwByte(flow, NW_TTL_SHIFT, a.ttl);
        }
        break;
      case T.SET_L4_SRC_PORT:
      case T.SET_L4_DST_PORT:
        if (isIpAny(flow) && !(flow[W_NW]! & FRAG_LATER)) {
          const src = a.type === T.SET_L4_SRC_PORT;
          orWc(ctx, W_NW, 0xff000000);
          orWc(ctx, W_TP, src ? 0xffff0000 : 0x0000ffff);
          flow[W_TP] = src ? ((flow[W_TP]! & 0xffff) | (a.port << 16)) >>> 0 : ((flow[W_TP]! & 0xffff0000) | (a.port & 0xffff)) >>> 0;
        }
        break;
      case T.RESUBMIT: {
        const inPort = a.inPort === OFPP_IN_PORT ? inPortOf(ctx) : a.inPort;
        const table = a.tableId === 255 ? ctx.tableId : a.tableId;
        if (a.withCtOrig) {
          ctx.reportError('resubmit(ct) with non-tracked or non-IP packet!');
          break;
        }
        xlateTableAction(ctx, inPort, table, false, false, last, false);
        continue;
      }
      case T.GOTO_TABLE:
        xlateTableAction(ctx, inPortOf(ctx), a.tableId, true, true, last, false);
        continue;
      case T.SET_TUNNEL:
        flow[W_TUN_ID] = Number((a.tunId >> 32n) & 0xffffffffn);
        flow[W_TUN_ID + 1] = Number(a.tunId & 0xffffffffn);
        break;
      case T.SET_QUEUE:
        orWc(ctx, W_SKB_PRIORITY, 0xffffffff);
        flow[W_SKB_PRIORITY] = queueToPriority(a.queueId);
        break;
      case T.POP_QUEUE:
        orWc(ctx, W_SKB_PRIORITY, 0xffffffff);
        if (flow[W_SKB_PRIORITY] !== ctx.origSkbPriority) {
          flow[W_SKB_PRIORITY] = ctx.origSkbPriority;
          const q = ctx.origSkbPriority >>> 0;
          ctx.report(TraceNodeType.DETAIL, `queue = ${q === 0 ? '0' : '0x' + q.toString(16)}`);
        }
        break;
      case T.REG_MOVE:
        subfieldCopy(a.src, a.dst, flow, wc);
        reportSubfield(ctx, a.dst);
        break;
      case T.SET_FIELD: {
        const f = a.field;
        if (mfArePrereqsOk(f, flow, wc)) {
          maskL3Prereqs(f, flow, wc);
          if (!isTunnelField(f)) maskFieldMasked(f, a.mask, wc);
          setFlowValueMasked(f, a.value, a.mask, flow);
        } else {
          ctx.report(TraceNodeType.WARN, `unmet prerequisites for ${f.name}, set_field ignored`);
        }
        break;
      }
      case T.STACK_PUSH: {
        const sf = a.subfield;
        // As many bytes as the subfield needs (OVS nxm_execute_stack_push): continuations carry them.
        const v = new Uint8Array((sf.nBits + 7) >> 3);
        if (mfArePrereqsOk(sf.field, flow, wc)) {
          const fv = mfGetValue(sf.field, flow);
          bitwiseCopy(fv, sf.ofs, v, 0, sf.nBits);
          maskFieldMasked(sf.field, subfieldMask(sf), wc);
        }
        ctx.stack.push(v);
        break;
      }
      case T.STACK_POP: {
        const sf = a.subfield;
        const v = ctx.stack.pop();
        if (!v) {
          ctx.reportError('stack underflow');
          break;
        }
        if (mfArePrereqsOk(sf.field, flow, wc)) {
          const dv = mfGetValue(sf.field, flow);
          bitwiseCopy(v, 0, dv, sf.ofs, sf.nBits);
          const dm = subfieldMask(sf);
          setFlowValueMasked(sf.field, dv, dm, flow);
          maskFieldMasked(sf.field, dm, wc);
          reportSubfield(ctx, sf);
        }
        break;
      }
      case T.PUSH_MPLS:
        composeMplsPush(ctx, a.ethertype);
        break;
      case T.POP_MPLS:
        composeMplsPop(ctx, a.ethertype);
        break;
      case T.SET_MPLS_LABEL:
        setMplsBits(ctx, MPLS_LABEL_MASK, a.label << MPLS_LABEL_SHIFT);
        break;
      case T.SET_MPLS_TC:
        setMplsBits(ctx, MPLS_TC_MASK, a.tc << MPLS_TC_SHIFT);
        break;
      case T.SET_MPLS_TTL:
        setMplsBits(ctx, MPLS_TTL_MASK, a.ttl);
        break;
      case T.DEC_MPLS_TTL:
        if (composeDecMplsTtl(ctx)) return;
        break;
      case T.DEC_TTL:
        orWc(ctx, W_NW, 0xff000000 | (0xff << NW_TTL_SHIFT));
        if (composeDecTtl(ctx, a.controllerIds)) return;
        break;
      case T.NOTE:
        break;
      case T.MULTIPATH: {
        // OVS multipath_execute.
        const hash = flowHashFields(flow, a.fields, a.basis & 0xffff);
        const link = multipathAlgorithm(hash, a.algorithm, a.maxLink + 1, a.arg);
        flowMaskHashFields(flow, wc, a.fields);
        regLoad(ctx, a.dst, link);
        reportSubfield(ctx, a.dst);
        break;
      }
      case T.BUNDLE: {
        const port = bundleExecute(ctx, a);
        if (a.dst) {
          regLoad(ctx, a.dst, port);
          reportSubfield(ctx, a.dst);
        } else {
          xlateOutputAction(ctx, port, 0, false, last, groupBucket);
        }
        break;
      }
      case T.OUTPUT_REG: {
        const port = getValueBits(mfGetValue(a.src.field, flow), a.src.ofs, Math.min(a.src.nBits, 32));
        if (a.src.nBits <= 16 || port <= 0xffff) {
          ctx.report(TraceNodeType.DETAIL, `output port is ${port}`);
          maskFieldMasked(a.src.field, subfieldMask(a.src), wc);
          xlateOutputAction(ctx, port, a.maxLen, false, last, groupBucket);
        } else {
          ctx.report(TraceNodeType.WARN, `output port ${port} is out of range`);
        }
        break;
      }
      case T.OUTPUT_TRUNC:
        xlateOutputTrunc(ctx, a.port, a.maxLen, last, groupBucket);
        break;
      case T.LEARN:
        xlateLearn(ctx, a);
        break;
      case T.CONJUNCTION:
        ctx.reportError('executing no-op conjunction action');
        break;
      case T.EXIT:
        ctx.exit = true;
        break;
      case T.FIN_TIMEOUT:
        orWc(ctx, W_NW, 0xff000000);
        break;
      case T.CLEAR_ACTIONS:
        reportActionSet(ctx, 'was');
        ctx.actionSet = [];
        flow[W_ACTSET_OUTPUT] = OFPP_UNSET;
        ctx.actionSetHasGroup = false;
        break;
      case T.WRITE_ACTIONS:
        xlateWriteActions(ctx, a.actions);
        reportActionSet(ctx, 'is');
        break;
      case T.WRITE_METADATA: {
        const hi = Number((a.mask >> 32n) & 0xffffffffn);
        const lo = Number(a.mask & 0xffffffffn);
        flow[W_METADATA] = ((flow[W_METADATA]! & ~hi) | (Number((a.metadata >> 32n) & 0xffffffffn) & hi)) >>> 0;
        flow[W_METADATA + 1] = ((flow[W_METADATA + 1]! & ~lo) | (Number(a.metadata & 0xffffffffn) & lo)) >>> 0;
        break;
      }
      case T.METER: {
        // OVS xlate_meter_action: the datapath meter, where the instruction stands; no commit.
        const dpId = ctx.bridge.dpMeterId?.(a.meterId);
        if (dpId !== undefined) ctx.emit({ type: DpActionType.METER, meterId: dpId });
        break;
      }
      case T.SAMPLE:
      case T.CT_CLEAR:
        break;
      case T.CLONE:
        cloneXlateActions(ctx, a.actions, last);
        break;
    }
    // An action that froze the pipeline part-way (a select group waiting for dp_hash,
    // output to TABLE after an MPLS pop) runs again after the thaw (OVS does the same).
    if (!ctx.error && ctx.exit && ctx.freezing && ctx.frozen.length === 0) {
      freezeUnroll(ctx, acts, i);
      break;
    }
  }
}
