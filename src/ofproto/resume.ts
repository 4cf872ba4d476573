/*
 * NXT_RESUME (OVS ofproto-dpif.c nxt_resume + xlate_resume): a controller hands back the
 * continuation of a paused pipeline with the packet (possibly changed) and its pipeline
 * metadata (registers, metadata, tunnel, in_port, which it may also have changed). The
 * switch rebuilds the frozen state from the continuation, translates from there, credits
 * the rules the rest of the pipeline used, and executes the result on the packet in the
 * datapath, as if it came in on the port the continuation names.
 */
import { DpActionType } from '../datapath/actions.js';
import { extract } from '../flow/extract.js';
import {
  FLOW_WORDS,
  N_REGS,
  W_CT,
  W_CT_LABEL,
  W_CT_MARK,
  W_DP_HASH,
  W_IN_PORT,
  W_METADATA,
  W_RECIRC_ID,
  W_REG0,
  W_SKB_MARK,
  W_SKB_PRIORITY,
  W_TCP_FLAGS,
  W_TUN_GBP,
  W_TUN_ID,
} from '../flow/layout.js';
import { Packet } from '../packet/packet.js';
import type { Bridge } from './bridge.js';
import { frozenFromContinuation, uuidEquals, type Continuation } from './continuation.js';
import { OFPERR, fail, ok, type OfpResult } from './ofperr.js';
import { pushStats } from './push-stats.js';
import { XlateError } from './xlate/context.js';
import { xlate } from './xlate/xlate.js';

export interface ResumeRequest {
  /** The packet as the controller sent it back. */
  readonly packet: Uint8Array;
  /**
   * The message's pipeline fields (NXPINT_METADATA) over the FlowKey layout: fields it does
   * not carry are zero (OVS's flow_metadata); in_port is the OpenFlow port.
   */
  readonly metadata: Uint32Array;
  readonly continuation: Continuation;
}

/** The bridge a continuation names: `bridge` itself or another bridge of its datapath; '' when gone. */
function resumeBridgeName(bridge: Bridge, uuid: Uint8Array): string {
  if (uuidEquals(bridge.uuid, uuid)) return bridge.name;
  for (const b of bridge.backer.bridges) if (uuidEquals(b.uuid, uuid)) return b.name;
  return '';
}

/**
 * Resumes a paused pipeline on `bridge` (the bridge whose connection got the NXT_RESUME).
 * Fails with NXR_STALE when the continuation's bridge no longer exists (the packet is
 * dropped then); other translation errors drop the packet without an error, as OVS.
 */
export function resumePipeline(bridge: Bridge, req: ResumeRequest): OfpResult<void> {
  const md = req.metadata;
  const c = req.continuation;
  const pkt = Packet.from(req.packet);
  // OVS pkt_metadata_from_flow: the datapath metadata of the packet comes from the message.
  pkt.inPort = md[W_IN_PORT]!;
  pkt.skbPriority = md[W_SKB_PRIORITY]!;
  pkt.pktMark = md[W_SKB_MARK]!;
  pkt.recircId = md[W_RECIRC_ID]!;
  pkt.dpHash = md[W_DP_HASH]!;
  pkt.ctState = md[W_CT]! & 0xff;
  pkt.ctZone = md[W_CT]! >>> 16;
  pkt.ctMark = md[W_CT_MARK]!;
  for (let i = 0; i < 4; i++) pkt.ctLabel[i] = md[W_CT_LABEL + i]!;
  const flow = new Uint32Array(FLOW_WORDS);
  extract(pkt, flow);
  flow.set(md.subarray(W_TUN_ID, W_TUN_GBP + 1), W_TUN_ID);
  const state = frozenFromContinuation(c, resumeBridgeName(bridge, c.bridge), {
    inPort: md[W_IN_PORT]!,
    regs: md.slice(W_REG0, W_REG0 + N_REGS),
    metadata: [md[W_METADATA]!, md[W_METADATA + 1]!],
    tunnel: md.slice(W_TUN_ID, W_TUN_GBP + 1),
  });
  const now = bridge.now();
  const res = xlate(bridge, flow, { packet: pkt, sideEffects: true, now, ofInPort: true, frozen: state });
  pushStats(res.rules, res.groups, [], null, 1, pkt.len, now, flow[W_TCP_FLAGS]!, null, now);
  bridge.checkMacVersion();
  // The datapath sees the packet as received on the continuation's port (OVS nxt_resume).
  pkt.inPort = c.odpPort;
  const acts = res.actions;
  if (!(acts.length === 1 && acts[0]!.type === DpActionType.DROP)) bridge.backer.dpif.execute(pkt, acts);
  return res.error === XlateError.BRIDGE_NOT_FOUND ? fail(OFPERR.NXR_STALE) : ok(undefined);
}
