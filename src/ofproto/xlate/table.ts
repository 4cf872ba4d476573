/*
 * Table lookups during translation (OVS rule_dpif_lookup_from_table, xlate_table_action,
 * xlate_recursively) and clone semantics (OVS 3.1 clone_xlate_actions): table-miss
 * handling (continue / controller / drop / OpenFlow 1.0 default), fragment handling,
 * resubmit with another in_port, recursion limits, and running a rule's actions either
 * inline or isolated in a datapath clone().
 */
import type { DpAction } from '../../datapath/actions.js';
import { DpActionType } from '../../datapath/actions.js';
import { FRAG_ANY, W_IN_PORT, W_NW, W_TP } from '../../flow/layout.js';
import type { XlateRule } from '../xlate-bridge.js';
import { OFPR_IMPLICIT_MISS, type XlateCtx } from './context.js';
import { TraceNodeType } from './trace-node.js';
import { isIpAny } from './flow-ops.js';
import { xlateActionSet, xlateControllerAction } from './output.js';
import { finishFreezing } from './freeze.js';

/** What a lookup found: a rule, or one of OVS's internal rules. */
export const LookupKind = {
  RULE: 0,
  /** miss_rule: no match, and a packet-in is called for. */
  MISS_PACKET_IN: 1,
  /** no_packet_in_rule: no match, drop. */
  MISS_DROP: 2,
  /** drop_frags_rule: fragments dropped by frag handling mode "drop". */
  DROP_FRAGS: 3,
} as const;
export type LookupKind = (typeof LookupKind)[keyof typeof LookupKind];

export interface LookupResult<A> {
  kind: LookupKind;
  rule: XlateRule<A> | null;
  tableId: number;
}

/** OVS rule_dpif_lookup_from_table. */
export function lookupFromTable<A>(
  ctx: XlateCtx<A>,
  inPort: number,
  tableId: number,
  mayPacketIn: boolean,
  honorTableMiss: boolean,
): LookupResult<A> {
  const flow = ctx.flow;
  const b = ctx.bridge;
  const oldTp = flow[W_TP]!;
  const oldInPort = flow[W_IN_PORT]!;
  if (isIpAny(flow) && flow[W_NW]! & FRAG_ANY && b.fragHandling !== 'nx-match') {
    if (b.fragHandling === 'normal') {
      flow[W_TP] = 0; // transport ports are treated as unavailable
    } else {
      return { kind: LookupKind.DROP_FRAGS, rule: null, tableId };
    }
  }
  flow[W_IN_PORT] = inPort;
  let miss = 'continue';
  let rule: XlateRule<A> | null = null;
  let t = tableId;
  for (; t < b.nTables; t++) {
    rule = b.lookup(t, flow, ctx.wc);
    if (rule) break;
    if (honorTableMiss) {
      miss = b.tableMiss(t);
      if (miss === 'continue') continue;
    }
    break;
  }
  if (t >= b.nTables) t = b.nTables - 1;
  flow[W_TP] = oldTp;
  flow[W_IN_PORT] = oldInPort;
  if (rule) return { kind: LookupKind.RULE, rule, tableId: t };
  let kind: LookupKind = LookupKind.MISS_DROP;
  if (mayPacketIn) {
    if (miss === 'continue' || miss === 'controller') {
      const port = b.port(oldInPort);
      if (port && !port.noPacketIn) kind = LookupKind.MISS_PACKET_IN;
    } else if (miss === 'default' && b.wantsPacketInOnMiss()) {
      kind = LookupKind.MISS_PACKET_IN;
    }
  }
  return { kind, rule: null, tableId: t };
}

/** Adds the " N. match, priority P" trace line; returns the list its actions go under. */
export function reportTable<A>(ctx: XlateCtx<A>, r: LookupResult<A>, shownTableId: number): void {
  if (ctx.trace === null) return;
  let s = String(shownTableId).padStart(2) + '. ';
  switch (r.kind) {
    case LookupKind.MISS_PACKET_IN:
      s += 'No match, and a "packet-in" is called for.';
      break;
    case LookupKind.MISS_DROP:
      s += 'No match.';
      break;
    case LookupKind.DROP_FRAGS:
      s += 'Packets are IP fragments and the fragment handling mode is "drop".';
      break;
    default: {
      const rule = r.rule!;
      s += ctx.ops.formatMatch(rule.key, rule.mask);
      if (!s.endsWith(' ')) s += ', ';
      s += `priority ${rule.priority}`;
      if (rule.cookie !== 0n) s += `, cookie 0x${BigInt.asUintN(64, rule.cookie).toString(16)}`;
    }
  }
  const node = ctx.report(TraceNodeType.TABLE, s);
  if (node) ctx.trace = node.subs;
}

/** Runs what a lookup found (the rule's actions, or an internal rule's behaviour). */
export function runLookupResult<A>(ctx: XlateCtx<A>, r: LookupResult<A>, isLast: boolean, viaClone: boolean): void {
  if (r.kind === LookupKind.RULE) {
    const rule = r.rule!;
    ctx.rules.push(rule);
    ctx.rule = rule;
    ctx.ruleCookie = rule.cookie;
    if (viaClone) cloneXlateActions(ctx, rule.actions, isLast);
    else ctx.ops.doActions(ctx, rule.actions, isLast, false);
    return;
  }
  ctx.rule = null;
  ctx.ruleCookie = 0n;
  if (r.kind === LookupKind.MISS_PACKET_IN) {
    // OVS's miss rule: controller(reason=implicit_miss), which it prints with an empty reason.
    ctx.report(TraceNodeType.ACTION, 'controller(reason=)');
    xlateControllerAction(ctx, 0xffff, OFPR_IMPLICIT_MISS, 0, null);
  } else {
    ctx.report(TraceNodeType.ACTION, 'drop');
  }
}

/** OVS xlate_table_action: resubmit / goto_table / output to TABLE / patch port entry. */
export function xlateTableAction<A>(
  ctx: XlateCtx<A>,
  inPort: number,
  tableId: number,
  mayPacketIn: boolean,
  honorTableMiss: boolean,
  isLast: boolean,
  viaClone: boolean,
): void {
  if (ctx.wasMpls) {
    ctx.ops.freeze(ctx);
    return;
  }
  if (!ctx.resubmitResourceCheck()) return;
  const oldTableId = ctx.tableId;
  const oldRule = ctx.rule;
  const oldCookie = ctx.ruleCookie;
  const oldTrace = ctx.trace;
  ctx.tableId = tableId;
  const r = lookupFromTable(ctx, inPort, tableId, mayPacketIn, honorTableMiss);
  ctx.tableId = r.tableId;
  reportTable(ctx, r, tableId);
  const deepens = tableId <= oldTableId ? 1 : 0;
  ctx.resubmits++;
  ctx.depth += deepens;
  runLookupResult(ctx, r, isLast, viaClone);
  ctx.depth -= deepens;
  ctx.rule = oldRule;
  ctx.ruleCookie = oldCookie;
  ctx.trace = oldTrace;
  ctx.tableId = oldTableId;
}

/**
 * OVS 3.1 clone_xlate_actions: translate `actions` on a copy of the packet. Reversible
 * actions (or the last action) run inline and the flow is restored afterwards; otherwise
 * pending changes are committed and the actions are wrapped in a datapath clone().
 */
export function cloneXlateActions<A>(ctx: XlateCtx<A>, actions: readonly A[], isLast: boolean): void {
  const oldStack = ctx.stack.slice();
  const oldActionSet = ctx.actionSet.slice();
  const oldHasGroup = ctx.actionSetHasGroup;
  const oldFlow = ctx.flow.slice();
  if (isLast || ctx.ops.reversible(actions)) {
    ctx.ops.doActions(ctx, actions, isLast, false);
    if (!ctx.freezing) xlateActionSet(ctx);
    if (ctx.freezing) finishFreezing(ctx);
  } else {
    ctx.commit();
    const oldBase = ctx.base.slice();
    const oldWasMpls = ctx.wasMpls;
    const outer: DpAction[] = ctx.odp;
    const inner: DpAction[] = [];
    ctx.odp = inner;
    ctx.ops.doActions(ctx, actions, true, false);
    if (!ctx.freezing) xlateActionSet(ctx);
    if (ctx.freezing) finishFreezing(ctx);
    ctx.odp = outer;
    if (inner.length) outer.push({ type: DpActionType.CLONE, actions: inner });
    ctx.wasMpls = oldWasMpls;
    ctx.base = oldBase;
  }
  ctx.actionSet = oldActionSet;
  ctx.actionSetHasGroup = oldHasGroup;
  ctx.stack = oldStack;
  ctx.flow.set(oldFlow);
}
