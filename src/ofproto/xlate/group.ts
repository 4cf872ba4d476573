/*
 * Group actions (OVS xlate_group_action and helpers): all and indirect run every bucket on
 * a copy of the packet; select picks one live bucket as OVS does (by dp_hash after a
 * recirculation when the weights fit 256 hash values, else by OVS's symmetric L4 flow hash
 * or the group's selection fields: highest hash(bucket_id, flow hash) * weight wins); fast
 * failover runs the first live bucket. Liveness follows watch_port (port up) and
 * watch_group (recursively). The translation records the group and the bucket it ran
 * (every bucket for all / indirect) so the datapath flow's stats credit both.
 */
import { hashBytes, hashInt, hashUint64Basis } from './ovs-hash.js';
import { flowHashSymmetricL4, flowMaskHashFields, HashFields } from './flow-hash.js';
import { mfGetValue } from '../../flow/meta-flow.js';
import { mfArePrereqsOk } from '../../flow/match.js';
import { parseSelectionFields } from '../group-fields.js';
import { maskFieldMasked } from './field-bits.js';
import { W_DP_HASH } from '../../flow/layout.js';
import { OFPP_ANY, OFPP_CONTROLLER } from '../ofp-port.js';
import type { XlateBucket, XlateGroup } from '../xlate-bridge.js';
import type { XlateCtx } from './context.js';
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

/** OVS group_best_live_bucket: highest (hash_int(bucket_id, basis) & 0xffff) * weight; ties go to the later bucket. */
function bestLiveBucket<A>(ctx: XlateCtx<A>, g: XlateGroup<A>, basis: number): XlateBucket<A> | null {
  let best: XlateBucket<A> | null = null;
  let bestScore = 0;
  for (const b of g.buckets) {
    if (bucketIsAlive(ctx, g, b, 0)) {
      const score = (hashInt(b.bucketId, basis) & 0xffff) * b.weight;
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

/** OVS pick_hash_fields_select_group: hash_bytes over the selection fields, in field-table order. */
function hashFieldsBasis<A>(ctx: XlateCtx<A>, g: XlateGroup<A>): number {
  let basis = hashUint64Basis(g.selectionMethodParam ?? 0n, 0);
  for (const { field: f, mask } of parseSelectionFields(g.selectionFields)) {
    if (!mfArePrereqsOk(f, ctx.flow, ctx.wc)) continue;
    const v = mfGetValue(f, ctx.flow);
    for (let i = 0; i < v.length; i++) v[i] = v[i]! & mask[i]!;
    basis = hashBytes(v, basis);
    maskFieldMasked(f, mask, ctx.wc);
  }
  return basis;
}

/** OVS MAX_SELECT_GROUP_HASH_VALUES. */
const MAX_SELECT_GROUP_HASH_VALUES = 256;
/** OVS_HASH_ALG_SYM_L4. */
const HASH_ALG_SYM_L4 = 1;

interface DpHashTable<A> {
  readonly mask: number;
  readonly map: readonly XlateBucket<A>[];
}

const dpHashTables = new WeakMap<object, DpHashTable<unknown> | null>();

/**
 * OVS group_setup_dp_hash_table: spreads 16..256 hash values over the buckets in
 * proportion to their weights (Webster's method). Null when the weights need more values.
 */
export function dpHashTable<A>(g: XlateGroup<A>): DpHashTable<A> | null {
  if (dpHashTables.has(g)) return dpHashTables.get(g) as DpHashTable<A> | null;
  let t: DpHashTable<A> | null = null;
  const bs = g.buckets;
  let total = 0;
  let minWeight = 0xffff;
  for (const b of bs) {
    if (b.weight > 0 && b.weight < minWeight) minWeight = b.weight;
    total += b.weight;
  }
  if (bs.length && total > 0) {
    const minSlots = Math.ceil(total / minWeight);
    let pow2 = 1;
    while (pow2 < minSlots) pow2 *= 2;
    const n = Math.max(16, pow2);
    if (n <= MAX_SELECT_GROUP_HASH_VALUES) {
      const divisor = bs.map(() => 1);
      const value = bs.map((b) => b.weight);
      const map: XlateBucket<A>[] = [];
      for (let h = 0; h < n; h++) {
        let w = 0;
        for (let i = 1; i < bs.length; i++) if (value[i]! > value[w]!) w = i;
        divisor[w]! += 2;
        value[w] = bs[w]!.weight / divisor[w]!;
        map.push(bs[w]!);
      }
      t = { mask: n - 1, map };
    }
  }
  dpHashTables.set(g, t as DpHashTable<unknown> | null);
  return t;
}

/** OVS pick_dp_hash_select_group: by dp_hash, recirculating first to compute it. */
function pickDpHashBucket<A>(ctx: XlateCtx<A>, g: XlateGroup<A>, t: DpHashTable<A>, alg: number, basis: number): XlateBucket<A> | null {
  const dpHash = ctx.flow[W_DP_HASH]!;
  if (dpHash === 0) {
    // 0 means "not computed" (computed hashes are never 0): hash, then recirculate.
    ctx.recircHash = { alg, basis };
    ctx.ops.freeze(ctx);
    return null;
  }
  ctx.wc[W_DP_HASH] = (ctx.wc[W_DP_HASH]! | t.mask) >>> 0;
  for (let i = 0; i <= t.mask; i++) {
    const b = t.map[(dpHash + i) & t.mask]!;
    if (bucketIsAlive(ctx, g, b, 0)) return b;
  }
  return null;
}

/** Chooses the bucket of a select group (null: none live, or recirculating for dp_hash). */
export function pickSelectBucket<A>(ctx: XlateCtx<A>, g: XlateGroup<A>): XlateBucket<A> | null {
  const method = g.selectionMethod ?? '';
  if (method === 'hash' && g.selectionFields.length > 0) return bestLiveBucket(ctx, g, hashFieldsBasis(ctx, g));
  if ((method === '' || method === 'dp_hash') && ctx.bridge.recirc) {
    const t = dpHashTable(g);
    if (t) {
      const param = g.selectionMethodParam ?? 0n;
      const explicit = method === 'dp_hash';
      let alg = explicit ? Number(param >> 32n) : HASH_ALG_SYM_L4;
      if (alg > HASH_ALG_SYM_L4) alg = 0; // unknown: OVS_HASH_ALG_L4
      const basis = explicit ? Number(param & 0xffffffffn) : 0;
      return pickDpHashBucket(ctx, g, t, alg, basis);
    }
  }
  flowMaskHashFields(ctx.flow, ctx.wc, HashFields.SYMMETRIC_L4);
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
    ctx.useGroup(g, null);
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
    ctx.useGroup(g, b);
  } else {
    // Nothing is counted, not even the group (as OVS). A select group that recirculates
    // for dp_hash is counted by the translation after the recirculation. (OVS 3.1 says "no
    // live bucket" while freezing too; later versions do not.)
    ctx.report(TraceNodeType.DETAIL, 'no live bucket');
  }
  return false;
}
