/*
 * Actions with their own OVS helpers: enqueue, output_trunc, learn (the learned flow shown
 * in traces, write_result), and bundle / bundle_load member selection.
 */
import { W_SKB_PRIORITY } from '../../flow/layout.js';
import { mfGetValue } from '../../flow/meta-flow.js';
import { mfArePrereqsOk } from '../../flow/match.js';
import { maskFieldMasked } from './field-bits.js';
import {
  OfpactType as T,
  LearnSrc,
  NxBdAlgorithm,
  NxLearnFlags,
  type OfpAction,
} from '../ofp-actions.js';
import { flowHashFields, flowMaskHashFields } from './flow-hash.js';
import { hash2words } from './ovs-hash.js';
import { learnFlowMod } from '../learn.js';
import { OFPP_IN_PORT } from '../ofp-port.js';
import { type XlateCtx } from './context.js';
import { composeOutputAction, inPortOf, xlateOutputAction } from './output.js';
import { TraceNodeType } from './trace-node.js';
import { DpActionType } from '../../datapath/actions.js';

import {
  setFlowValueMasked,
  subfieldMask,
  bitwiseCopy,
  reportSubfield,
} from './field-write.js';

type Ctx = XlateCtx<OfpAction>;

export function queueToPriority(queueId: number): number {
  return queueId >>> 0;
}

export function xlateEnqueue(ctx: Ctx, port: number, queue: number, isLast: boolean): void {
  let p = port;
  if (p === OFPP_IN_PORT) p = inPortOf(ctx);
  else if (p === inPortOf(ctx)) return;
  const old = ctx.flow[W_SKB_PRIORITY]!;
  ctx.flow[W_SKB_PRIORITY] = queueToPriority(queue);
  composeOutputAction(ctx, p, isLast);
  ctx.flow[W_SKB_PRIORITY] = old;
}

export function xlateOutputTrunc(ctx: Ctx, port: number, maxLen: number, isLast: boolean, groupBucket: boolean): void {
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

export function xlateLearn(ctx: Ctx, a: Extract<OfpAction, { type: typeof T.LEARN }>): void {
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



/** OVS member_enabled_cb. */
export function memberEnabled(ctx: Ctx, port: number): boolean {
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
export function bundleExecute(ctx: Ctx, a: Extract<OfpAction, { type: typeof T.BUNDLE }>): number {
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
