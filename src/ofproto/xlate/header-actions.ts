/*
 * Header-editing actions that need more than a field write (OVS do_xlate_actions cases and
 * compose_* helpers): VLAN VID/PCP with push-if-needed, decrementing IP and MPLS TTLs (with
 * invalid-TTL packet-ins), MPLS label stack push/pop and label/TC/TTL sets.
 */
import {
  NW_TTL_SHIFT,
  VLAN_CFI,
  VLAN_PCP_MASK,
  VLAN_PCP_SHIFT,
  VLAN_VID_MASK,
  W_MPLS0,
  W_NW,
  W_VLAN0,
} from '../../flow/layout.js';
import { ETH_TYPE_IPV4 } from '../../packet/constants.js';
import { type OfpAction } from '../ofp-actions.js';
import { OFPR_INVALID_TTL, XlateError, type XlateCtx } from './context.js';
import {
  MPLS_TTL_MASK,
  countMplsLabels,
  ethType,
  isIpAny,
  isMplsEthType,
  popMpls,
  pushMpls,
} from './flow-ops.js';
import { xlateControllerAction } from './output.js';
import { TraceNodeType } from './trace-node.js';
import { MAX_MPLS_LABELS } from '../../flow/layout.js';

type Ctx = XlateCtx<OfpAction>;

export function setVlanVid(ctx: Ctx, vid: number, pushIfNeeded: boolean): void {
  const flow = ctx.flow;
  ctx.wc[W_VLAN0] = (ctx.wc[W_VLAN0]! | VLAN_VID_MASK | VLAN_CFI) >>> 0;
  if (flow[W_VLAN0]! & VLAN_CFI || pushIfNeeded) {
    let q = flow[W_VLAN0]!;
    if (q >>> 16 === 0) q = (q | (0x8100 << 16)) >>> 0;
    q = ((q & ~VLAN_VID_MASK) | (vid & VLAN_VID_MASK) | VLAN_CFI) >>> 0;
    flow[W_VLAN0] = q;
  }
}

export function setVlanPcp(ctx: Ctx, pcp: number, pushIfNeeded: boolean): void {
  const flow = ctx.flow;
  ctx.wc[W_VLAN0] = (ctx.wc[W_VLAN0]! | VLAN_PCP_MASK | VLAN_CFI) >>> 0;
  if (flow[W_VLAN0]! & VLAN_CFI || pushIfNeeded) {
    let q = flow[W_VLAN0]!;
    if (q >>> 16 === 0) q = (q | (0x8100 << 16)) >>> 0;
    q = ((q & ~VLAN_PCP_MASK) | ((pcp << VLAN_PCP_SHIFT) & VLAN_PCP_MASK) | VLAN_CFI) >>> 0;
    flow[W_VLAN0] = q;
  }
}

export function orWc(ctx: Ctx, w: number, bits: number): void {
  ctx.wc[w] = (ctx.wc[w]! | bits) >>> 0;
}

export function setNwByte(flow: Uint32Array, shift: number, v: number): void {
  flow[W_NW] = ((flow[W_NW]! & ~(0xff << shift)) | ((v & 0xff) << shift)) >>> 0;
}

/** OVS compose_dec_ttl; true when processing of the current table must stop. */
export function composeDecTtl(ctx: Ctx, controllerIds: readonly number[]): boolean {
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

export function composeDecMplsTtl(ctx: Ctx): boolean {
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

export function setMplsBits(ctx: Ctx, mask: number, bits: number): void {
  if (!isMplsEthType(ethType(ctx.flow))) return;
  orWc(ctx, W_MPLS0, mask);
  ctx.flow[W_MPLS0] = ((ctx.flow[W_MPLS0]! & ~mask) | (bits & mask)) >>> 0;
}

export function composeMplsPush(ctx: Ctx, ethertype: number): void {
  const n = countMplsLabels(ctx.flow, ctx.wc);
  if (!n) {
    ctx.commit();
  } else if (n >= MAX_MPLS_LABELS) {
    // OVS reports this when translating a packet; its ofproto/trace --generate composes one.
    if (ctx.packet || ctx.sideEffects) {
      ctx.reportError(
        `dropping packet on which an MPLS push action can't be performed as it would have more MPLS LSEs than the ${MAX_MPLS_LABELS} supported.`,
      );
    }
    ctx.error = XlateError.TOO_MANY_MPLS_LABELS;
    return;
  }
  pushMpls(ctx.flow, n, ethertype, ctx.wc, true);
}

export function composeMplsPop(ctx: Ctx, ethertype: number): void {
  const n = countMplsLabels(ctx.flow, ctx.wc);
  if (popMpls(ctx.flow, n, ethertype, ctx.wc)) {
    if (!isMplsEthType(ethertype)) ctx.wasMpls = true;
  } else if (n >= MAX_MPLS_LABELS) {
    // OVS reports this when translating a packet; its ofproto/trace --generate composes one.
    if (ctx.packet || ctx.sideEffects) {
      ctx.reportError(
        `dropping packet on which an MPLS pop action can't be performed as it has more MPLS LSEs than the ${MAX_MPLS_LABELS} supported.`,
      );
    }
    ctx.error = XlateError.TOO_MANY_MPLS_LABELS;
    ctx.odp.length = 0;
  }
}

/** Datapath skb_priority for a queue (the userspace datapath maps queue N to priority N). */
