/*
 * Group actions (OVS xlate_group_action and helpers): all and indirect run every bucket on
 * a copy of the packet; select picks one live bucket by a symmetric L4 hash of the flow
 * (OVS's SEL_METHOD_DEFAULT: highest hash(bucket_id, flow hash) * weight wins) or by the
 * group's selection fields; fast failover runs the first live bucket. Liveness follows
 * watch_port (port up) and watch_group (recursively).
 */
import { hashAdd, hashFinish } from '../../flow/hash.js';
import {
  VLAN_CFI,
  VLAN_VID_MASK,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_IPV6_DST,
  W_IPV6_SRC,
  W_NW,
  W_TP,
  W_VLAN0,
} from '../../flow/layout.js';
import { ETH_TYPE_IPV4, ETH_TYPE_IPV6, IPPROTO_ICMP, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from '../../packet/constants.js';
import { OFPP_ANY, OFPP_CONTROLLER } from '../ofp-port.js';
import type { XlateBucket, XlateGroup } from '../xlate-bridge.js';
import type { XlateCtx } from './context.js';
import { ethType, isIpAny } from './flow-ops.js';
import { TraceNodeType } from './trace-node.js';
import { finishFreezing } from './freeze.js';

export const OFPG_ANY = 0xffffffff;
const MAX_LIVENESS_RECURSION = 128;

function hasLiveness<A>(b: XlateBucket<A>): boolean {
  return (b.watchPort !== OFPP_ANY && b.watchPort !== 0xffffffff) || (b.watchGroup !== OFPG_ANY && b.watchGroup >= 0);
}

function portIsAlive<A>(ctx: XlateCtx<A>, ofPort: number): boolean {
  const p = ctx.bridge.port(ofPort);
  return !!p && !p.adminDown && !p.linkDown;
}

function groupIsAlive<A>(ctx: XlateCtx<A>, groupId: number, depth: number): boolean {
  const g = ctx.bridge.group(groupId);
  return !!g && firstLiveBucket(ctx, g, depth) !== null;
}

/** OVS bucket_is_alive. */
export function bucketIsAlive<A>(ctx: XlateCtx<A>, g: XlateGroup<A>, b: XlateBucket<A>, depth: number): boolean {
  if (depth >= MAX_LIVENESS_RECURSION) {
    ctx.reportError(`bucket chaining exceeded ${MAX_LIVENESS_RECURSION} links`);
    return false;
  }
  if (g.type === 'select' && b.weight === 0) return false;
  const wp = b.watchPort;
  return (
    !hasLiveness(b) ||
    (wp !== OFPP_ANY && wp !== 0xffffffff && wp !== OFPP_CONTROLLER && portIsAlive(ctx, wp)) ||
    (b.watchGroup !== OFPG_ANY && b.watchGroup >= 0 && groupIsAlive(ctx, b.watchGroup, depth + 1)) ||
    (wp === OFPP_CONTROLLER && ctx.bridge.controllerConnected())
  );
}

function reportNotLive<A>(ctx: XlateCtx<A>, b: XlateBucket<A>): void {
  if (ctx.trace === null) return;
  let s = '';
  if (b.watchPort !== OFPP_ANY && b.watchPort !== 0xffffffff) s += `port ${b.watchPort}`;
  if (b.watchGroup !== OFPG_ANY && b.watchGroup >= 0) s += (s ? ' and ' : '') + `port ${b.watchGroup}`;
  ctx.report(TraceNodeType.DETAIL, `bucket ${b.bucketId}: not live due to ${s}`);
}

export function firstLiveBucket<A>(ctx: XlateCtx<A>, g: XlateGroup<A>, depth: number): XlateBucket<A> | null {
  for (const b of g.buckets) {
    if (bucketIsAlive(ctx, g, b, depth)) return b;
    reportNotLive(ctx, b);
  }
  return null;
}

function bestLiveBucket<A>(ctx: XlateCtx<A>, g: XlateGroup<A>, basis: number): XlateBucket<A> | null {
  let best: XlateBucket<A> | null = null;
  let bestScore = 0;
  for (const b of g.buckets) {
    if (bucketIsAlive(ctx, g, b, 0)) {
      const score = (hashFinish(hashAdd(basis, b.bucketId), 4) & 0xffff) * b.weight;
      if (score >= bestScore) {
        best = b;
        bestScore = score;
      }
      ctx.report(TraceNodeType.DETAIL, `bucket ${b.bucketId}: score ${score}`);
    } else {
      reportNotLive(ctx, b);
    }
  }
  return best;
}

/** Un-wildcards what the symmetric L4 hash reads (OVS flow_mask_hash_fields SYMMETRIC_L4). */
function maskSymmetricL4(flow: Uint32Array, wc: Uint32Array): void {
  wc[W_ETH_HI] = 0xffffffff;
  wc[W_ETH_DST] = 0xffffffff;
  wc[W_ETH_SRC] = 0xffffffff;
  const t = ethType(flow);
  if (t === ETH_TYPE_IPV4) {
    wc[W_IPV4_SRC] = 0xffffffff;
    wc[W_IPV4_DST] = 0xffffffff;
  } else if (t === ETH_TYPE_IPV6) {
    for (let i = 0; i < 4; i++) {
      wc[W_IPV6_SRC + i] = 0xffffffff;
      wc[W_IPV6_DST + i] = 0xffffffff;
    }
  }
  if (isIpAny(flow)) {
    wc[W_NW] = (wc[W_NW]! | 0xff000000) >>> 0;
    const proto = flow[W_NW]! >>> 24;
    // UDP ports are not hashed (not symmetric); ICMP type/code are 8 bits (flow_unwildcard_tp_ports).
    if (proto !== IPPROTO_UDP) wc[W_TP] = (wc[W_TP]! | (proto === IPPROTO_ICMP ? 0x00ff00ff : 0xffffffff)) >>> 0;
  }
  for (let i = 0; i < 2; i++) wc[W_VLAN0 + i] = (wc[W_VLAN0 + i]! | VLAN_VID_MASK | VLAN_CFI) >>> 0;
}

/** A hash of the flow that is the same in both directions (OVS flow_hash_symmetric_l4, own mixing). */
export function flowHashSymmetricL4(flow: Uint32Array, basis: number): number {
  let h = basis | 0;
  h = hashAdd(h, (flow[W_ETH_HI]! >>> 16) ^ (flow[W_ETH_HI]! & 0xffff));
  h = hashAdd(h, flow[W_ETH_DST]! ^ flow[W_ETH_SRC]!);
  h = hashAdd(h, (flow[W_VLAN0]! ^ flow[W_VLAN0 + 1]!) & VLAN_VID_MASK);
  const t = ethType(flow);
  h = hashAdd(h, t);
  if (t === ETH_TYPE_IPV4 || t === ETH_TYPE_IPV6) {
    if (t === ETH_TYPE_IPV4) h = hashAdd(h, flow[W_IPV4_SRC]! ^ flow[W_IPV4_DST]!);
    else for (let i = 0; i < 4; i++) h = hashAdd(h, flow[W_IPV6_SRC + i]! ^ flow[W_IPV6_DST + i]!);
    const proto = flow[W_NW]! >>> 24;
    h = hashAdd(h, proto);
    if (proto === IPPROTO_TCP || proto === IPPROTO_SCTP) h = hashAdd(h, (flow[W_TP]! >>> 16) ^ (flow[W_TP]! & 0xffff));
  }
  return hashFinish(h, 40);
}

/** Chooses the bucket of a select group (null: none live). */
export function pickSelectBucket<A>(ctx: XlateCtx<A>, g: XlateGroup<A>): XlateBucket<A> | null {
  if (g.selectionFields.length > 0 && ctx.ops.hashFields) {
    const basis = ctx.ops.hashFields(ctx, g.selectionFields);
    return bestLiveBucket(ctx, g, basis);
  }
  maskSymmetricL4(ctx.flow, ctx.wc);
  return bestLiveBucket(ctx, g, flowHashSymmetricL4(ctx.flow, 0));
}

/** Runs one bucket on a copy of the packet (OVS xlate_group_bucket). */
function xlateGroupBucket<A>(ctx: XlateCtx<A>, b: XlateBucket<A>, isLast: boolean): void {
  const oldTrace = ctx.trace;
  const node = ctx.report(TraceNodeType.BUCKET, `bucket ${b.bucketId}`);
  if (node) ctx.trace = node.subs;
  const list = ctx.ops.actionSetToList(b.actions);
  const oldFlow = ctx.flow.slice();
  const oldWasMpls = ctx.wasMpls;
  ctx.depth++;
  ctx.ops.doActions(ctx, list, isLast, true);
  ctx.depth--;
  if (ctx.freezing) finishFreezing(ctx);
  ctx.flow.set(oldFlow);
  ctx.wasMpls = oldWasMpls;
  ctx.exit = false;
  ctx.trace = oldTrace;
}

/**
 * The group action. Returns true when the group does not exist (OVS: that ends the
 * action list, not the pipeline).
 */
export function xlateGroupAction<A>(ctx: XlateCtx<A>, groupId: number, isLast: boolean): boolean {
  if (!ctx.resubmitResourceCheck()) return false;
  const g = ctx.bridge.group(groupId);
  if (!g) {
    ctx.report(TraceNodeType.WARN, `output to nonexistent group ${groupId}`);
    return true;
  }
  if (g.type === 'all' || g.type === 'indirect') {
    const n = g.buckets.length;
    for (let i = 0; i < n; i++) xlateGroupBucket(ctx, g.buckets[i]!, isLast && i === n - 1);
    return false;
  }
  if (ctx.wasMpls && g.type === 'select') {
    ctx.ops.freeze(ctx);
    return false;
  }
  const b = g.type === 'select' ? pickSelectBucket(ctx, g) : firstLiveBucket(ctx, g, 0);
  if (b) {
    ctx.report(TraceNodeType.DETAIL, `using bucket ${b.bucketId}`);
    xlateGroupBucket(ctx, b, isLast);
  } else {
    ctx.report(TraceNodeType.DETAIL, 'no live bucket');
  }
  return false;
}
