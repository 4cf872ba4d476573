/*
 * Output side of translation (OVS compose_output_action__, xlate_output_action,
 * flood_packets, patch_port_output, xlate_controller_action): sending the packet to a
 * port (committing pending header changes first), to the reserved ports (IN_PORT, TABLE,
 * NORMAL, FLOOD, ALL, CONTROLLER, LOCAL, NONE), across a patch port into the peer bridge,
 * or up to the controller as a userspace action.
 */
import { DpActionType } from '../../datapath/actions.js';
import {
  CS_TRACKED,
  N_REGS,
  W_ACTSET_OUTPUT,
  W_CT,
  W_CT_LABEL,
  W_CT_MARK,
  W_IN_PORT,
  W_METADATA,
  W_REG0,
  W_TUN_GBP,
  W_TUN_ID,
} from '../../flow/layout.js';
import {
  OFPP_ALL,
  OFPP_CONTROLLER,
  OFPP_FLOOD,
  OFPP_IN_PORT,
  OFPP_LOCAL,
  OFPP_NONE,
  OFPP_NORMAL,
  OFPP_TABLE,
  OFPP_UNSET,
  type OfPort,
} from '../ofp-port.js';
import type { XlateRule } from '../xlate-bridge.js';
import {
  OFPR_ACTION,
  OFPR_ACTION_SET,
  OFPR_EXPLICIT_MISS,
  OFPR_GROUP,
  OFPR_PACKET_OUT,
  XlateError,
  type XlateCtx,
} from './context.js';
import { TraceNodeType } from './trace-node.js';
import { encodeControllerUserdata } from './userdata.js';
import { xlateNormal } from './normal.js';
import { xlateTableAction } from './table.js';
import { finishFreezing } from './freeze.js';
import { commitTunnel, tnlPortSend, tunnelDstEquals, tunnelDstIsSet, TUN_WORDS } from './tunnel.js';

/** The flow's tunnel while a tunnel port's configuration is in it (compose_output_action is not re-entered meanwhile). */
const savedTunnel = new Uint32Array(TUN_WORDS);

export function inPortOf(ctx: XlateCtx<unknown>): number {
  return ctx.flow[W_IN_PORT]!;
}

/** OVS rule_is_table_miss: priority 0 and matching everything. */
export function ruleIsTableMiss<A>(rule: XlateRule<A> | null): boolean {
  if (!rule || rule.priority !== 0) return false;
  for (let i = 0; i < rule.mask.length; i++) if (rule.mask[i]) return false;
  return true;
}

/** OVS may_receive: the port accepts input (no NO_RECV). */
export function mayReceive(port: OfPort): boolean {
  return !port.noRecv;
}

/** Sends the packet into the peer bridge of patch port `out` (OVS patch_port_output). */
function patchPortOutput<A>(ctx: XlateCtx<A>, out: OfPort, isLast: boolean): void {
  const peerInfo = out.patchPeer!;
  const peer = ctx.bridge.peerBridge(peerInfo.bridge);
  const peerPort = peer?.port(peerInfo.ofPort);
  if (!peer || !peerPort) {
    ctx.report(TraceNodeType.WARN, `patch port ${out.name} has no peer`);
    return;
  }
  const flow = ctx.flow;
  const oldFlow = flow.slice();
  const oldTunWc = ctx.wc.slice(W_TUN_ID, W_TUN_GBP + 1);
  const oldWasMpls = ctx.wasMpls;
  const oldStack = ctx.stack;
  const oldActionSet = ctx.actionSet;
  const oldHasGroup = ctx.actionSetHasGroup;
  const oldTrace = ctx.trace;
  const oldBridge = ctx.bridge;
  ctx.stack = [];
  ctx.actionSet = [];
  ctx.actionSetHasGroup = false;

  flow[W_IN_PORT] = peerPort.ofPort;
  flow[W_METADATA] = 0;
  flow[W_METADATA + 1] = 0;
  for (let w = W_TUN_ID; w <= W_TUN_GBP; w++) {
    flow[w] = 0;
    ctx.wc[w] = 0;
  }
  for (let i = 0; i < N_REGS; i++) flow[W_REG0 + i] = 0;
  flow[W_ACTSET_OUTPUT] = OFPP_UNSET;
  clearConntrack(flow);
  const node = ctx.report(TraceNodeType.BRIDGE, `bridge("${peer.name}")`);
  if (node) ctx.trace = node.subs;
  ctx.bridge = peer;

  if (mayReceive(peerPort)) {
    xlateTableAction(ctx, peerPort.ofPort, 0, true, true, isLast, true);
    if (!ctx.freezing) xlateActionSet(ctx);
    if (ctx.freezing) finishFreezing(ctx);
  }

  ctx.trace = oldTrace;
  flow.set(oldFlow);
  ctx.bridge = oldBridge;
  ctx.actionSet = oldActionSet;
  ctx.actionSetHasGroup = oldHasGroup;
  ctx.stack = oldStack;
  ctx.wc.set(oldTunWc, W_TUN_ID);
  ctx.wasMpls = oldWasMpls;
  ctx.exit = false;
  // Errors in the peer bridge do not propagate back (OVS).
  ctx.error = XlateError.OK;
}

/** Zeroes the conntrack fields of a flow (OVS flow_clear_conntrack). */
export function clearConntrack(flow: Uint32Array): void {
  flow[W_CT] = 0;
  flow[W_CT_MARK] = 0;
  for (let i = 0; i < 4; i++) flow[W_CT_LABEL + i] = 0;
}

/** OVS compose_output_action__: output to a real (or patch) port. */
export function composeOutputAction<A>(ctx: XlateCtx<A>, ofPort: number, isLast: boolean): void {
  const port = ctx.bridge.port(ofPort);
  if (!port) {
    ctx.report(TraceNodeType.WARN, 'Nonexistent output port');
    return;
  }
  if (port.noFwd) {
    ctx.report(TraceNodeType.DETAIL, 'OFPPC_NO_FWD set, skipping output');
    return;
  }
  if (port.patchPeer) {
    patchPortOutput(ctx, port, isLast);
    return;
  }
  if (port.dpPort < 0) return;
  const tnl = port.tunnel;
  if (tnl) {
    // OVS: the port's tunnel settings are not visible to later matches, explicit set_field ones are.
    const flow = ctx.flow;
    savedTunnel.set(flow.subarray(W_TUN_ID, W_TUN_GBP + 1));
    tnlPortSend(tnl, flow, ctx.wc);
    // (as in OVS, a flow-based remote left unset equals the unset destination of a packet that came in untunnelled)
    if (ctx.origTunDst !== null ? tunnelDstEquals(flow, ctx.origTunDst) : !tunnelDstIsSet(flow)) {
      ctx.report(TraceNodeType.WARN, 'Not tunneling to our own address');
      return;
    }
    ctx.report(TraceNodeType.DETAIL, 'output to kernel tunnel');
    commitTunnel(flow, ctx.base, ctx.odp);
    flow.set(savedTunnel, W_TUN_ID);
  }
  ctx.commit();
  ctx.emitOutput(port.dpPort);
}

/** OVS flood_packets: every port but the input one (FLOOD also skips no-flood ports), by port number. */
export function floodPackets<A>(ctx: XlateCtx<A>, all: boolean, isLast: boolean): void {
  const inPort = inPortOf(ctx);
  const ports = [...ctx.bridge.ports()].sort((a, b) => a.ofPort - b.ofPort);
  const chosen: number[] = [];
  for (const p of ports) {
    if (p.ofPort === inPort) continue;
    if (all || !p.noFlood) chosen.push(p.ofPort);
  }
  for (let i = 0; i < chosen.length; i++) composeOutputAction(ctx, chosen[i]!, isLast && i === chosen.length - 1);
}

/** OVS put_controller_user_action: the userspace action of a packet-in (or continuation). */
export function putControllerUserAction<A>(
  ctx: XlateCtx<A>,
  maxLen: number,
  reason: number,
  controllerId: number,
  userdata: Uint8Array | null,
  continuation: boolean,
  recircId: number,
): void {
  const flow = ctx.flow;
  const regs = flow.slice(W_REG0, W_REG0 + N_REGS);
  const metadata = (BigInt(flow[W_METADATA]!) << 32n) | BigInt(flow[W_METADATA + 1]!);
  const dontSend = ctx.dontSendPacketIns;
  const ud = userdata ?? new Uint8Array(0);
  const bytes = encodeControllerUserdata({
    reason,
    dontSend,
    continuation,
    recircId,
    ruleCookie: ctx.ruleCookie,
    controllerId,
    maxLen,
    tableId: ctx.tableId,
    bridge: ctx.bridge.name,
    inPort: inPortOf(ctx),
    metadata,
    regs,
    userdata: ud,
  });
  ctx.packetIns.push({
    reason,
    maxLen,
    controllerId,
    tableId: ctx.tableId,
    cookie: ctx.ruleCookie,
    userdata: ud,
    bridge: ctx.bridge.name,
    flow: flow.slice(),
    send: !dontSend,
    continuation,
    recircId,
  });
  ctx.emit({ type: DpActionType.USERSPACE, pid: 0, userdata: bytes });
}

/** OVS xlate_controller_action: a userspace action carrying a packet-in. */
export function xlateControllerAction<A>(
  ctx: XlateCtx<A>,
  maxLen: number,
  reason: number,
  controllerId: number,
  userdata: Uint8Array | null,
): void {
  ctx.commit();
  if (reason === OFPR_ACTION && ruleIsTableMiss(ctx.rule)) reason = OFPR_EXPLICIT_MISS;
  // OVS saves the pipeline state with every packet-in (its recirc id appears in the cookie).
  const flow = ctx.flow;
  const recircId =
    ctx.bridge.recirc?.alloc({
      bridge: ctx.bridge.name,
      tableId: ctx.tableId,
      inPort: flow[W_IN_PORT]!,
      regs: flow.slice(W_REG0, W_REG0 + N_REGS),
      metadata: [flow[W_METADATA]!, flow[W_METADATA + 1]!],
      tunnel: flow.slice(W_TUN_ID, W_TUN_GBP + 1),
      stack: ctx.stack.map((v) => v.slice()),
      actionSet: [],
      segments: [],
      wasMpls: ctx.wasMpls,
      userdata: userdata ?? null,
      conntracked: (flow[W_CT]! & CS_TRACKED) !== 0,
    }) ?? 0;
  putControllerUserAction(ctx, maxLen, reason, controllerId, userdata, false, recircId);
}

/**
 * OVS xlate_output_action: output to `port`, which may be a reserved port.
 * `maxLen` only matters for CONTROLLER.
 */
export function xlateOutputAction<A>(
  ctx: XlateCtx<A>,
  port: number,
  maxLen: number,
  mayPacketIn: boolean,
  isLast: boolean,
  groupBucket: boolean,
): void {
  switch (port) {
    case OFPP_IN_PORT:
      composeOutputAction(ctx, inPortOf(ctx), isLast);
      break;
    case OFPP_TABLE:
      xlateTableAction(ctx, inPortOf(ctx), 0, mayPacketIn, true, false, false);
      break;
    case OFPP_NORMAL:
      xlateNormal(ctx);
      break;
    case OFPP_FLOOD:
      floodPackets(ctx, false, isLast);
      break;
    case OFPP_ALL:
      floodPackets(ctx, true, isLast);
      break;
    case OFPP_CONTROLLER: {
      const reason = ctx.inPacketOut ? OFPR_PACKET_OUT : groupBucket ? OFPR_GROUP : ctx.inActionSet ? OFPR_ACTION_SET : OFPR_ACTION;
      xlateControllerAction(ctx, maxLen, reason, 0, null);
      break;
    }
    case OFPP_NONE:
      break;
    case OFPP_LOCAL:
    default:
      if (port !== inPortOf(ctx)) composeOutputAction(ctx, port, isLast);
      else ctx.report(TraceNodeType.WARN, 'skipping output to input port');
      break;
  }
}

/** Runs the action set at the end of a pipeline (OVS xlate_action_set). */
export function xlateActionSet<A>(ctx: XlateCtx<A>): void {
  if (ctx.actionSet.length === 0) return;
  const list = ctx.ops.actionSetToList(ctx.actionSet);
  ctx.actionSet = [];
  ctx.actionSetHasGroup = false;
  if (list.length === 0) return;
  ctx.inActionSet = true;
  const oldTrace = ctx.trace;
  const node = ctx.report(TraceNodeType.TABLE, '--. Executing action set:');
  if (node) ctx.trace = node.subs;
  ctx.ops.doActions(ctx, list, true, false);
  ctx.trace = oldTrace;
  ctx.inActionSet = false;
}

