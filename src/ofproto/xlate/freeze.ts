/*
 * Finishing a freeze (OVS finish_freezing): commit pending header changes, save the
 * pipeline state in the bridge's recirculation table and emit recirc(id) — or, for a
 * paused controller action, a continuation packet-in carrying that id.
 */
import { DpActionType } from '../../datapath/actions.js';
import { CS_TRACKED, N_REGS, W_CT, W_IN_PORT, W_METADATA, W_REG0, W_TUN_GBP, W_TUN_ID } from '../../flow/layout.js';
import { XlateError, type XlateCtx } from './context.js';
import { putControllerUserAction } from './output.js';

export function cancelFreeze<A>(ctx: XlateCtx<A>): void {
  ctx.freezing = false;
  ctx.frozen = [];
  ctx.pause = null;
  ctx.recircHash = null;
}

/** OVS finish_freezing. Returns the recirculation id (0 on failure). */
export function finishFreezing<A>(ctx: XlateCtx<A>, tableId = 0): number {
  const table = ctx.bridge.recirc;
  if (!table) {
    ctx.reportError('Failed to allocate recirculation id');
    ctx.error = XlateError.NO_RECIRCULATION_CONTEXT;
    cancelFreeze(ctx);
    return 0;
  }
  ctx.commit();
  const flow = ctx.flow;
  const pause = ctx.pause;
  const id = table.alloc({
    bridge: ctx.bridge.name,
    tableId,
    inPort: flow[W_IN_PORT]!,
    regs: flow.slice(W_REG0, W_REG0 + N_REGS),
    metadata: [flow[W_METADATA]!, flow[W_METADATA + 1]!],
    tunnel: flow.slice(W_TUN_ID, W_TUN_GBP + 1),
    stack: ctx.stack.map((v) => v.slice()),
    actionSet: ctx.actionSet.slice(),
    segments: ctx.frozen,
    wasMpls: ctx.wasMpls,
    userdata: pause ? pause.userdata : null,
    conntracked: (flow[W_CT]! & CS_TRACKED) !== 0,
  });
  if (pause) {
    if (ctx.sideEffects || !ctx.dontSendPacketIns) {
      putControllerUserAction(ctx, pause.maxLen, pause.reason, pause.controllerId, pause.userdata, true, id);
    }
  } else {
    if (ctx.recircHash) ctx.emit({ type: DpActionType.HASH, alg: ctx.recircHash.alg, basis: ctx.recircHash.basis });
    ctx.emit({ type: DpActionType.RECIRC, id });
  }
  cancelFreeze(ctx);
  return id;
}
