/*
 * Translation of OpenFlow actions (OVS do_xlate_actions and the per-action helpers): each
 * action edits the flow (recording in the wildcard mask the bits it reads or partly
 * writes, as OVS does) or emits datapath actions through output, table, group and
 * controller handling. Also the action-set rules (OVS ofpacts_execute_action_set) and the
 * "reversible" test that decides whether a clone needs a datapath clone().
 */
import {
  FRAG_LATER,
  NW_TOS_SHIFT,
  NW_TTL_SHIFT,
  VLAN_CFI,
  VLAN_PCP_MASK,
  VLAN_PCP_SHIFT,
  VLAN_VID_MASK,
  W_ACTSET_OUTPUT,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_METADATA,
  W_MPLS0,
  W_NW,
  W_SKB_PRIORITY,
  W_TP,
  W_TUN_ID,
  W_VLAN0,
  setEthDst,
  setEthSrc,
} from '../../flow/layout.js';
import { getValueBits, mfGetValue, mfPutValue, MFF, type MfField, type MfSubfield } from '../../flow/meta-flow.js';
import { mfArePrereqsOk } from '../../flow/match.js';
import { formatSubfield } from '../../flow/mf-subfield.js';
import { mfFormat } from '../../flow/mf-value.js';
import { ETH_TYPE_ARP, ETH_TYPE_IPV4 } from '../../packet/constants.js';
import { maskFieldMasked, valueBits } from './field-bits.js';
import { OfpactType as T, LearnSrc, NxBdAlgorithm, NxLearnFlags, type OfpAction } from '../ofp-actions.js';
import { flowHashFields, flowMaskHashFields, multipathAlgorithm } from './flow-hash.js';
import { hash2words } from './ovs-hash.js';
import { learnFlowMod } from '../learn.js';
import { OFPP_IN_PORT, OFPP_UNSET } from '../ofp-port.js';
import { OFPR_INVALID_TTL, XlateError, type XlateCtx } from './context.js';
import {
  IP_DSCP_MASK,
  IP_ECN_MASK,
  MPLS_LABEL_MASK,
  MPLS_LABEL_SHIFT,
  MPLS_TC_MASK,
  MPLS_TC_SHIFT,
  MPLS_TTL_MASK,
  countMplsLabels,
  ethType,
  isIpAny,
  isMplsEthType,
  popMpls,
  popVlan,
  pushMpls,
  pushVlanUninit,
} from './flow-ops.js';
import { xlateGroupAction } from './group.js';
import { cloneXlateActions, xlateTableAction } from './table.js';
import { composeOutputAction, inPortOf, xlateControllerAction, xlateOutputAction } from './output.js';
import { TraceNodeType } from './trace-node.js';
import { DpActionType } from '../../datapath/actions.js';
import { MAX_MPLS_LABELS } from '../../flow/layout.js';

type Ctx = XlateCtx<OfpAction>;

// --- field access with OVS's mf_set_flow_value semantics ------------------------------

/** OVS flow_fix_vlan_tpid. */
function fixVlanTpid(flow: Uint32Array): void {
  const q = flow[W_VLAN0]!;
  if (q >>> 16 === 0 && (q & 0xffff) !== 0) flow[W_VLAN0] = ((0x8100 << 16) | q) >>> 0;
}

function setTci(flow: Uint32Array, tci: number): void {
  flow[W_VLAN0] = ((flow[W_VLAN0]! & 0xffff0000) | (tci & 0xffff)) >>> 0;
}

/** OVS mf_set_flow_value_masked: value under mask, with the VLAN fields' special meaning. */
export function setFlowValueMasked(f: MfField, value: Uint8Array, mask: Uint8Array, flow: Uint32Array): void {
  const id = f.id;
  if (
    id !== MFF.VLAN_TCI && id !== MFF.DL_VLAN && id !== MFF.VLAN_VID && id !== MFF.DL_VLAN_PCP &&
    id !== MFF.VLAN_PCP && id !== MFF.IN_PORT_OXM && id !== MFF.ACTSET_OUTPUT
  ) {
    // Plain storage: write value bits under the mask, segment by segment.
    for (const s of f.segments) {
      const m = (valueBits(mask, s.fieldOfs, s.bits) << s.shift) >>> 0;
      const v = (valueBits(value, s.fieldOfs, s.bits) << s.shift) >>> 0;
      flow[s.word] = ((flow[s.word]! & ~m) | (v & m)) >>> 0;
    }
    return;
  }
  const cur = mfGetValue(f, flow);
  const v = new Uint8Array(f.nBytes);
  for (let i = 0; i < f.nBytes; i++) v[i] = (value[i]! & mask[i]!) | (cur[i]! & ~mask[i]!);
  const tci = flow[W_VLAN0]! & 0xffff;
  if (id === MFF.VLAN_TCI) {
    setTci(flow, getValueBits(v, 0, 16));
    fixVlanTpid(flow);
  } else if (id === MFF.DL_VLAN) {
    const vid = getValueBits(v, 0, 16);
    setTci(flow, vid === 0xffff ? 0 : (tci & ~VLAN_VID_MASK) | VLAN_CFI | (vid & VLAN_VID_MASK));
    fixVlanTpid(flow);
  } else if (id === MFF.VLAN_VID) {
    const m = VLAN_VID_MASK | VLAN_CFI;
    setTci(flow, (tci & ~m) | (getValueBits(v, 0, 16) & m));
    fixVlanTpid(flow);
  } else if (id === MFF.DL_VLAN_PCP || id === MFF.VLAN_PCP) {
    const pcp = v[0]! & 7;
    setTci(flow, (tci & ~VLAN_PCP_MASK) | (pcp << VLAN_PCP_SHIFT) | VLAN_CFI);
    fixVlanTpid(flow);
  } else {
    mfPutValue(f, flow, v);
  }
}

function isTunnelField(f: MfField): boolean {
  return f.name.startsWith('tun_') || f.name === 'tun_id';
}

/** OVS mf_set_mask_l3_prereqs. */
function maskL3Prereqs(f: MfField, flow: Uint32Array, wc: Uint32Array): void {
  const id = f.id;
  const l3 =
    id === MFF.IPV4_SRC || id === MFF.IPV4_DST || id === MFF.IPV6_SRC || id === MFF.IPV6_DST ||
    id === MFF.IPV6_LABEL || id === MFF.IP_DSCP || id === MFF.IP_ECN || id === MFF.IP_TTL;
  const arp = id === MFF.ARP_OP || id === MFF.ARP_SHA || id === MFF.ARP_THA || id === MFF.ARP_SPA || id === MFF.ARP_TPA;
  if ((isIpAny(flow) && l3) || (ethType(flow) === ETH_TYPE_ARP && arp)) wc[W_NW] = (wc[W_NW]! | 0xff000000) >>> 0;
}

/** Reads bits [ofs, ofs+n) of a subfield's field value as bytes of the field's width. */
function readSubfield(sf: MfSubfield, flow: Uint32Array): Uint8Array {
  return mfGetValue(sf.field, flow);
}

function subfieldMask(sf: MfSubfield): Uint8Array {
  const m = new Uint8Array(sf.field.nBytes);
  for (let i = 0; i < sf.nBits; i++) {
    const bit = sf.ofs + i;
    const byte = m.length - 1 - (bit >> 3);
    if (byte >= 0) m[byte] = m[byte]! | (1 << (bit & 7));
  }
  return m;
}

/** Copies `n` bits from src value bits at srcOfs into dst value bits at dstOfs (big-endian byte arrays). */
function bitwiseCopy(src: Uint8Array, srcOfs: number, dst: Uint8Array, dstOfs: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const sb = srcOfs + i;
    const sbyte = src.length - 1 - (sb >> 3);
    const bit = sbyte >= 0 ? (src[sbyte]! >> (sb & 7)) & 1 : 0;
    const db = dstOfs + i;
    const dbyte = dst.length - 1 - (db >> 3);
    if (dbyte < 0) continue;
    if (bit) dst[dbyte] = dst[dbyte]! | (1 << (db & 7));
    else dst[dbyte] = dst[dbyte]! & ~(1 << (db & 7));
  }
}

/** OVS mf_subfield_copy (the move action). */
function subfieldCopy(src: MfSubfield, dst: MfSubfield, flow: Uint32Array, wc: Uint32Array): void {
  if (!mfArePrereqsOk(dst.field, flow, wc) || !mfArePrereqsOk(src.field, flow, wc)) return;
  const sv = readSubfield(src, flow);
  const dv = mfGetValue(dst.field, flow);
  bitwiseCopy(sv, src.ofs, dv, dst.ofs, src.nBits);
  const dm = subfieldMask(dst);
  setFlowValueMasked(dst.field, dv, dm, flow);
  maskFieldMasked(src.field, subfieldMask(src), wc);
  maskFieldMasked(dst.field, dm, wc);
}

/** OVS xlate_report_subfield: "<subfield> is now <value>" after a write. */
function reportSubfield(ctx: Ctx, sf: MfSubfield): void {
  if (ctx.trace === null) return;
  const v = mfGetValue(sf.field, ctx.flow);
  let text: string;
  if (sf.ofs === 0 && sf.nBits >= sf.field.nBits) {
    text = mfFormat(sf.field, v, null);
  } else {
    // The subfield's bits, right-aligned, in hex without leading zeros (OVS ds_put_hex).
    const sub = new Uint8Array(v.length);
    bitwiseCopy(v, sf.ofs, sub, 0, sf.nBits);
    let i = 0;
    while (i < sub.length && sub[i] === 0) i++;
    text = i === sub.length ? '0' : '0x' + sub[i]!.toString(16) + Array.from(sub.subarray(i + 1), (b) => b.toString(16).padStart(2, '0')).join('');
  }
  ctx.report(TraceNodeType.DETAIL, `${formatSubfield(sf)} is now ${text}`);
}

// --- actions ---------------------------------------------------------------------

function setVlanVid(ctx: Ctx, vid: number, pushIfNeeded: boolean): void {
  const flow = ctx.flow;
  ctx.wc[W_VLAN0] = (ctx.wc[W_VLAN0]! | VLAN_VID_MASK | VLAN_CFI) >>> 0;
  if (flow[W_VLAN0]! & VLAN_CFI || pushIfNeeded) {
    let q = flow[W_VLAN0]!;
    if (q >>> 16 === 0) q = (q | (0x8100 << 16)) >>> 0;
    q = ((q & ~VLAN_VID_MASK) | (vid & VLAN_VID_MASK) | VLAN_CFI) >>> 0;
    flow[W_VLAN0] = q;
  }
}

function setVlanPcp(ctx: Ctx, pcp: number, pushIfNeeded: boolean): void {
  const flow = ctx.flow;
  ctx.wc[W_VLAN0] = (ctx.wc[W_VLAN0]! | VLAN_PCP_MASK | VLAN_CFI) >>> 0;
  if (flow[W_VLAN0]! & VLAN_CFI || pushIfNeeded) {
    let q = flow[W_VLAN0]!;
    if (q >>> 16 === 0) q = (q | (0x8100 << 16)) >>> 0;
    q = ((q & ~VLAN_PCP_MASK) | ((pcp << VLAN_PCP_SHIFT) & VLAN_PCP_MASK) | VLAN_CFI) >>> 0;
    flow[W_VLAN0] = q;
  }
}

function orWc(ctx: Ctx, w: number, bits: number): void {
  ctx.wc[w] = (ctx.wc[w]! | bits) >>> 0;
}

function setNwByte(flow: Uint32Array, shift: number, v: number): void {
  flow[W_NW] = ((flow[W_NW]! & ~(0xff << shift)) | ((v & 0xff) << shift)) >>> 0;
}

/** OVS compose_dec_ttl; true when processing of the current table must stop. */
function composeDecTtl(ctx: Ctx, controllerIds: readonly number[]): boolean {
  const flow = ctx.flow;
  if (!isIpAny(flow)) return false;
  orWc(ctx, W_NW, 0xff << NW_TTL_SHIFT);
  const ttl = (flow[W_NW]! >>> NW_TTL_SHIFT) & 0xff;
  if (ttl > 1) {
    setNwByte(flow, NW_TTL_SHIFT, ttl - 1);
    return false;
  }
  for (const id of controllerIds) xlateControllerAction(ctx, 0xffff, OFPR_INVALID_TTL, id, null);
  ctx.report(TraceNodeType.WARN, `IPv${ethType(flow) === ETH_TYPE_IPV4 ? 4 : 6} decrement TTL exception`);
  return true;
}

function composeDecMplsTtl(ctx: Ctx): boolean {
  const flow = ctx.flow;
  if (isMplsEthType(ethType(flow))) {
    const ttl = flow[W_MPLS0]! & MPLS_TTL_MASK;
    orWc(ctx, W_MPLS0, MPLS_TTL_MASK);
    if (ttl > 1) {
      flow[W_MPLS0] = ((flow[W_MPLS0]! & ~MPLS_TTL_MASK) | (ttl - 1)) >>> 0;
      return false;
    }
    xlateControllerAction(ctx, 0xffff, OFPR_INVALID_TTL, 0, null);
  }
  ctx.report(TraceNodeType.WARN, 'MPLS decrement TTL exception');
  return true;
}

function setMplsBits(ctx: Ctx, mask: number, bits: number): void {
  if (!isMplsEthType(ethType(ctx.flow))) return;
  orWc(ctx, W_MPLS0, mask);
  ctx.flow[W_MPLS0] = ((ctx.flow[W_MPLS0]! & ~mask) | (bits & mask)) >>> 0;
}

function composeMplsPush(ctx: Ctx, ethertype: number): void {
  const n = countMplsLabels(ctx.flow, ctx.wc);
  if (!n) {
    ctx.commit();
  } else if (n >= MAX_MPLS_LABELS) {
    if (ctx.packet) {
      ctx.reportError(
        `dropping packet on which an MPLS push action can't be performed as it would have more MPLS LSEs than the ${MAX_MPLS_LABELS} supported.`,
      );
    }
    ctx.error = XlateError.TOO_MANY_MPLS_LABELS;
    return;
  }
  pushMpls(ctx.flow, n, ethertype, ctx.wc, true);
}

function composeMplsPop(ctx: Ctx, ethertype: number): void {
  const n = countMplsLabels(ctx.flow, ctx.wc);
  if (popMpls(ctx.flow, n, ethertype, ctx.wc)) {
    if (!isMplsEthType(ethertype)) ctx.wasMpls = true;
  } else if (n >= MAX_MPLS_LABELS) {
    if (ctx.packet) {
      ctx.reportError(
        `dropping packet on which an MPLS pop action can't be performed as it has more MPLS LSEs than the ${MAX_MPLS_LABELS} supported.`,
      );
    }
    ctx.error = XlateError.TOO_MANY_MPLS_LABELS;
    ctx.odp.length = 0;
  }
}

/** Datapath skb_priority for a queue (the userspace datapath maps queue N to priority N). */
function queueToPriority(queueId: number): number {
  return queueId >>> 0;
}

function xlateEnqueue(ctx: Ctx, port: number, queue: number, isLast: boolean): void {
  let p = port;
  if (p === OFPP_IN_PORT) p = inPortOf(ctx);
  else if (p === inPortOf(ctx)) return;
  const old = ctx.flow[W_SKB_PRIORITY]!;
  ctx.flow[W_SKB_PRIORITY] = queueToPriority(queue);
  composeOutputAction(ctx, p, isLast);
  ctx.flow[W_SKB_PRIORITY] = old;
}

function xlateOutputTrunc(ctx: Ctx, port: number, maxLen: number, isLast: boolean, groupBucket: boolean): void {
  if (port >= 0xfff9 && port !== 0xfffe) {
    // TABLE, NORMAL, FLOOD, ALL, CONTROLLER, NONE
    ctx.report(TraceNodeType.WARN, `output_trunc does not support port: ${RESERVED_NAME[port] ?? port}`);
    return;
  }
  const p = port === OFPP_IN_PORT ? inPortOf(ctx) : port;
  if (port === OFPP_IN_PORT || p !== inPortOf(ctx)) {
    const xp = ctx.bridge.port(p);
    if (!xp || xp.dpPort < 0) {
      ctx.reportError(`output_trunc does not support patch port ${port}`);
      return;
    }
    ctx.emit({ type: DpActionType.TRUNC, maxLen });
    xlateOutputAction(ctx, port, 0, false, isLast, groupBucket);
  } else {
    ctx.report(TraceNodeType.WARN, 'skipping output to input port');
  }
}

const RESERVED_NAME: Record<number, string> = {
  0xfff9: 'TABLE',
  0xfffa: 'NORMAL',
  0xfffb: 'FLOOD',
  0xfffc: 'ALL',
  0xfffd: 'CONTROLLER',
  0xffff: 'NONE',
};

function xlateLearn(ctx: Ctx, a: Extract<OfpAction, { type: typeof T.LEARN }>): void {
  // learn_mask: every field the specs read is now part of the megaflow.
  for (const spec of a.specs) {
    if (spec.srcType === LearnSrc.FIELD && spec.src) {
      if (mfArePrereqsOk(spec.src.field, ctx.flow)) maskFieldMasked(spec.src.field, subfieldMask(spec.src), ctx.wc);
    }
  }
  if (!ctx.sideEffects) return;
  if (ctx.trace !== null) {
    // The learned flow, as OVS's trace shows it.
    const fm = learnFlowMod(a, ctx.flow);
    let t = `table=${fm.tableId} ${ctx.ops.formatMatch(fm.match.key, fm.match.mask)}`.trimEnd();
    t += ` priority=${fm.priority}`;
    if (BigInt.asUintN(64, fm.newCookie) !== 0n && BigInt.asUintN(64, fm.newCookie) !== 0xffffffffffffffffn) {
      t += ` cookie=0x${BigInt.asUintN(64, fm.newCookie).toString(16)}`;
    }
    if (fm.idleTimeout) t += ` idle=${fm.idleTimeout}`;
    if (fm.hardTimeout) t += ` hard=${fm.hardTimeout}`;
    if (a.flags & NxLearnFlags.SEND_FLOW_REM) t += ' send_flow_rem';
    t += ` actions=${ctx.ops.formatActions(fm.actions)}`;
    ctx.report(TraceNodeType.DETAIL, t);
  }
  const ok = ctx.bridge.learn(a, ctx.flow, ctx.now) !== false;
  if (a.flags & NxLearnFlags.WRITE_RESULT && a.resultDst) {
    const sf = a.resultDst;
    const v = new Uint8Array(sf.field.nBytes);
    v[v.length - 1] = ok ? 1 : 0;
    const dv = mfGetValue(sf.field, ctx.flow);
    bitwiseCopy(v, 0, dv, sf.ofs, sf.nBits);
    const dm = subfieldMask(sf);
    setFlowValueMasked(sf.field, dv, dm, ctx.flow);
    maskFieldMasked(sf.field, dm, ctx.wc);
    reportSubfield(ctx, sf);
  }
}

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

function reportActionSet(ctx: Ctx, verb: string): void {
  if (ctx.trace === null) return;
  const s = ctx.actionSet.length ? ctx.ops.formatActions(ctx.actionSet) : 'empty';
  ctx.report(TraceNodeType.DETAIL, `action set ${verb}: ${s}`);
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
      return a.field.segments.some((s) => s.word >= W_IPV4_SRC);
    default:
      return true;
  }
}

/**
 * Saves actions [from, end) of this level for after recirculation (OVS freeze_unroll_actions):
 * goto_table becomes resubmit, as OVS does, since instructions cannot be frozen.
 */
function freezeUnroll(ctx: Ctx, acts: readonly OfpAction[], from: number): void {
  const rest: OfpAction[] = [];
  for (let i = from; i < acts.length; i++) {
    const a = acts[i]!;
    if (a.type === T.GOTO_TABLE) rest.push({ type: T.RESUBMIT, inPort: OFPP_IN_PORT, tableId: a.tableId, withCtOrig: false });
    else rest.push(a);
  }
  if (rest.length) ctx.frozen.push({ tableId: ctx.tableId, cookie: ctx.ruleCookie, actions: rest });
}

/** OVS nxm_reg_load: writes `value` into a subfield and un-wildcards its bits. */
function regLoad(ctx: Ctx, sf: MfSubfield, value: number): void {
  const v = new Uint8Array(sf.field.nBytes);
  const src = new Uint8Array(4);
  src[0] = value >>> 24;
  src[1] = (value >>> 16) & 0xff;
  src[2] = (value >>> 8) & 0xff;
  src[3] = value & 0xff;
  const dv = mfGetValue(sf.field, ctx.flow);
  bitwiseCopy(src, 0, v, 0, Math.min(32, sf.nBits));
  bitwiseCopy(v, 0, dv, sf.ofs, sf.nBits);
  const dm = subfieldMask(sf);
  maskFieldMasked(sf.field, dm, ctx.wc);
  setFlowValueMasked(sf.field, dv, dm, ctx.flow);
}

/** OVS member_enabled_cb. */
function memberEnabled(ctx: Ctx, port: number): boolean {
  switch (port) {
    case OFPP_IN_PORT:
    case 0xfff9: // TABLE
    case 0xfffa: // NORMAL
    case 0xfffb: // FLOOD
    case 0xfffc: // ALL
    case 0xffff: // NONE
      return true;
    case 0xfffd: // CONTROLLER: not supported by bundle
      return false;
    default: {
      const p = ctx.bridge.port(port);
      return !!p && !p.adminDown && !p.linkDown;
    }
  }
}

/** OVS bundle_execute: active-backup takes the first enabled member, HRW the best-scoring one. */
function bundleExecute(ctx: Ctx, a: Extract<OfpAction, { type: typeof T.BUNDLE }>): number {
  if (a.algorithm === NxBdAlgorithm.ACTIVE_BACKUP) {
    for (const m of a.members) if (memberEnabled(ctx, m)) return m;
    return 0xffff;
  }
  if (a.members.length > 1) flowMaskHashFields(ctx.flow, ctx.wc, a.fields);
  const flowHash = flowHashFields(ctx.flow, a.fields, a.basis & 0xffff);
  let best = -1;
  let bestHash = 0;
  for (let i = 0; i < a.members.length; i++) {
    if (!memberEnabled(ctx, a.members[i]!)) continue;
    const h = hash2words(i, flowHash);
    if (best < 0 || h > bestHash) {
      bestHash = h;
      best = i;
    }
  }
  return best >= 0 ? a.members[best]! : 0xffff;
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
        const v = new Uint8Array(16);
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
      case T.METER:
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

/** OVS 3.1 reversible_actions: only ct, meter, nat, output_trunc, encap/decap are not. */
export function reversibleActions(acts: readonly OfpAction[]): boolean {
  for (const a of acts) if (a.type === T.METER || a.type === T.OUTPUT_TRUNC) return false;
  return true;
}

const SLOT_ORDER: readonly number[] = [T.STRIP_VLAN, T.POP_MPLS, T.PUSH_MPLS, T.PUSH_VLAN, T.DEC_TTL, T.DEC_MPLS_TTL];
const FINAL_ORDER: readonly number[] = [T.CT_CLEAR, T.RESUBMIT, T.OUTPUT, T.GROUP];
const SET_OR_MOVE = new Set<number>([
  T.SET_FIELD, T.REG_MOVE, T.SET_ETH_DST, T.SET_ETH_SRC, T.SET_IP_DSCP, T.SET_IP_ECN, T.SET_IP_TTL,
  T.SET_IPV4_DST, T.SET_IPV4_SRC, T.SET_L4_DST_PORT, T.SET_L4_SRC_PORT, T.SET_MPLS_LABEL, T.SET_MPLS_TC,
  T.SET_MPLS_TTL, T.SET_QUEUE, T.SET_TUNNEL, T.SET_VLAN_PCP, T.SET_VLAN_VID,
]);

/** OVS ofpacts_execute_action_set: the action set as an action list in OpenFlow order. */
export function actionSetToList(set: readonly OfpAction[]): OfpAction[] {
  const slots: (OfpAction | null)[] = SLOT_ORDER.map(() => null);
  const setOrMove: OfpAction[] = [];
  let final: OfpAction | null = null;
  let finalClass = -1;
  for (const a of set) {
    const s = SLOT_ORDER.indexOf(a.type);
    if (s >= 0) {
      slots[s] = a;
      continue;
    }
    const f = FINAL_ORDER.indexOf(a.type);
    if (f >= 0) {
      if (f >= finalClass) {
        final = a;
        finalClass = f;
      }
      continue;
    }
    if (SET_OR_MOVE.has(a.type)) setOrMove.push(a);
  }
  if (!final) return [];
  const out: OfpAction[] = [];
  for (const s of slots) if (s) out.push(s);
  out.push(...setOrMove, final);
  return out;
}
