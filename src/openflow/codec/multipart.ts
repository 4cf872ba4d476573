/*
 * Statistics / multipart messages (OFPST_* / OFPMP_*, NXST_FLOW, NXST_AGGREGATE and the
 * Nicira group statistics of OpenFlow 1.0): requests and replies for desc, flow, aggregate,
 * table, port stats, queue stats, group, group-desc, group-features, meter, meter-config,
 * meter-features, table-features and port-desc. Replies with entry lists can be split over
 * several messages with OFPMPF_REPLY_MORE (encodeMultipartReplies).
 */

import { OFPP_ANY, portFromOfp11, portToOfp11 } from '../../flow/ofp-port.js';
import { fail, Reader, Writer } from './bytes.js';
import {
  NXST_AGGREGATE,
  NXST_FLOW,
  NXST_GROUP,
  NXST_GROUP_DESC,
  NXST_GROUP_FEATURES,
  OFP10_VERSION,
  OFP13_VERSION,
  OFP14_VERSION,
  OFP15_VERSION,
  OFPG_ALL,
  OFPG_ANY,
  OFPMP_AGGREGATE,
  OFPMP_DESC,
  OFPMP_FLOW,
  OFPMP_GROUP,
  OFPMP_GROUP_DESC,
  OFPMP_GROUP_FEATURES,
  OFPMP_METER,
  OFPMP_METER_CONFIG,
  OFPMP_METER_FEATURES,
  OFPMP_PORT_DESC,
  OFPMP_PORT_STATS,
  OFPMP_QUEUE_STATS,
  OFPMP_TABLE,
  OFPMP_TABLE_FEATURES,
  OFPSF_REPLY_MORE,
} from './constants.js';
import { pullInstructions, putInstructions } from './actions.js';
import { decodeFlowModFlags, encodeFlowModFlags, isOf10Expressible } from './flow-mod.js';
import {
  pullGroupDesc,
  pullGroupStats,
  pullMeterConfig,
  pullMeterStats,
  putGroupDesc,
  putGroupStats,
  putMeterConfig,
  putMeterStats,
} from './group-meter.js';
import {
  OfType,
  type AggregateStatsReplyMsg,
  type DescStatsReplyMsg,
  type EmptyMpMsg,
  type FlowStatsEntry,
  type FlowStatsReplyMsg,
  type FlowStatsRequestMsg,
  type GroupDescReplyMsg,
  type GroupFeaturesReplyMsg,
  type GroupStatsReplyMsg,
  type GroupStatsRequestMsg,
  type MeterConfigReplyMsg,
  type MeterFeaturesReplyMsg,
  type MeterStatsReplyMsg,
  type MeterStatsRequestMsg,
  type OfMessage,
  type PortDescReplyMsg,
  type PortStatsEntry,
  type PortStatsReplyMsg,
  type PortStatsRequestMsg,
  type QueueStatsEntry,
  type QueueStatsReplyMsg,
  type QueueStatsRequestMsg,
  type TableFeatures,
  type TableFeaturesMsg,
  type TableStatsEntry,
  type TableStatsReplyMsg,
} from './messages.js';
import { def, finishMsg, Kind, startMsg, type MsgDef, type MsgHeader } from './msg-core.js';
import { OFP10_MATCH_LEN, pullOfp10Match, putOfp10Match } from './match-of10.js';
import { pullNxMatch, pullOxmMatch, putNxMatch, putOxmMatch } from './match-oxm.js';
import { pullOxsStats, putOxsStats, unknownOxs } from './oxs.js';
import { portDescLen, pullPortDesc, putPortDesc } from './port.js';
import { pullProp } from './props.js';

const U64_MAX = 0xffffffffffffffffn;

function port11(p: number): number {
  const q = portFromOfp11(p);
  if (q === null) fail('OFPBAC_BAD_OUT_PORT', `bad port 0x${p.toString(16)}`);
  return q;
}

// --- desc ---------------------------------------------------------------------------------------------

function decodeDesc(r: Reader, h: MsgHeader): DescStatsReplyMsg {
  return {
    type: OfType.DESC_STATS_REPLY, xid: h.xid, flags: h.statFlags, mfrDesc: r.str(256), hwDesc: r.str(256),
    swDesc: r.str(256), serialNum: r.str(32), dpDesc: r.str(256),
  };
}

// --- flow and aggregate -------------------------------------------------------------------------------

function decodeFlowReq10(r: Reader, h: MsgHeader, aggregate: boolean): FlowStatsRequestMsg {
  const match = pullOfp10Match(r);
  const tableId = r.u8();
  r.skip(1);
  const outPort = r.u16();
  return {
    type: aggregate ? OfType.AGGREGATE_STATS_REQUEST : OfType.FLOW_STATS_REQUEST, xid: h.xid, flags: h.statFlags,
    nx: false, tableId, outPort, outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, match,
  };
}

function decodeFlowReq11(r: Reader, h: MsgHeader, aggregate: boolean): FlowStatsRequestMsg {
  const tableId = r.u8();
  r.skip(3);
  const outPort = port11(r.u32());
  const outGroup = r.u32();
  r.skip(4);
  const cookie = r.u64();
  const cookieMask = r.u64();
  const match = pullOxmMatch(r, true);
  r.pos = r.end;
  return {
    type: aggregate ? OfType.AGGREGATE_STATS_REQUEST : OfType.FLOW_STATS_REQUEST, xid: h.xid, flags: h.statFlags,
    nx: false, tableId, outPort, outGroup, cookie, cookieMask, match,
  };
}

function decodeNxFlowReq(r: Reader, h: MsgHeader, aggregate: boolean): FlowStatsRequestMsg {
  const outPort = r.u16();
  const matchLen = r.u16();
  const tableId = r.u8();
  r.skip(3);
  const m = pullNxMatch(r, matchLen, true, true);
  r.pos = r.end;
  return {
    type: aggregate ? OfType.AGGREGATE_STATS_REQUEST : OfType.FLOW_STATS_REQUEST, xid: h.xid, flags: h.statFlags,
    nx: true, tableId, outPort, outGroup: OFPG_ANY, cookie: m.cookie, cookieMask: m.cookieMask, match: m.match,
  };
}

export function encodeFlowStatsRequest(m: FlowStatsRequestMsg, version: number): Uint8Array {
  const aggregate = m.type === OfType.AGGREGATE_STATS_REQUEST;
  if (version === OFP10_VERSION && !m.nx && m.cookieMask === 0n && isOf10Expressible(m.match)) {
    const w = startMsg(Kind.ST_REQ, aggregate ? OFPMP_AGGREGATE : OFPMP_FLOW, version, m.xid, m.flags);
    putOfp10Match(w, m.match);
    w.u8(m.tableId).u8(0).u16(m.outPort);
    return finishMsg(w);
  }
  if (version === OFP10_VERSION) {
    const w = startMsg(Kind.NXST_REQ, aggregate ? NXST_AGGREGATE : NXST_FLOW, version, m.xid, m.flags);
    const lenAt = w.len + 2;
    w.u16(m.outPort).u16(0).u8(m.tableId).zeros(3);
    w.set16(lenAt, putNxMatch(w, m.match, m.cookie, m.cookieMask));
    return finishMsg(w);
  }
  const w = startMsg(Kind.ST_REQ, aggregate ? OFPMP_AGGREGATE : OFPMP_FLOW, version, m.xid, m.flags);
  w.u8(m.tableId).zeros(3).u32(portToOfp11(m.outPort)).u32(m.outGroup).zeros(4).u64(m.cookie).u64(m.cookieMask);
  putOxmMatch(w, m.match, version);
  return finishMsg(w);
}

/** The reply form used for a flow stats reply in `version` ('nx' only for OpenFlow 1.0). */
function flowReplyForm(version: number, nx: boolean): 'of10' | 'nx' | 'of11' | 'of15' {
  if (version === OFP10_VERSION) return nx ? 'nx' : 'of10';
  return version >= OFP15_VERSION ? 'of15' : 'of11';
}

function pullFlowStats(r: Reader, version: number, form: 'of10' | 'nx' | 'of11' | 'of15'): FlowStatsEntry[] {
  const out: FlowStatsEntry[] = [];
  while (r.left > 0) {
    const start = r.pos;
    if (form === 'of15') {
      if (r.left < 24) fail('OFPBRC_BAD_LEN', 'flow stats leftover bytes');
      const length = r.u16();
      r.skip(2);
      const tableId = r.u8();
      r.skip(1);
      const priority = r.u16();
      const idleTimeout = r.u16();
      const hardTimeout = r.u16();
      const flags = decodeFlowModFlags(r.u16(), -1, version);
      const importance = r.u16();
      const cookie = r.u64();
      if (length < 24 || start + length > r.end) fail('OFPBRC_BAD_LEN', `flow stats length ${length}`);
      const match = pullOxmMatch(r, false);
      const s = pullOxsStats(r).stats;
      const actions = pullInstructions(r, start + length - r.pos, version);
      out.push({
        tableId, durationSec: s.durationSec, durationNsec: s.durationNsec, priority, idleTimeout, hardTimeout, flags,
        importance, cookie, packetCount: s.packetCount, byteCount: s.byteCount,
        idleAge: s.idleAge === 0xffffffff ? -1 : s.idleAge, hardAge: -1, match, actions,
      });
      continue;
    }
    const base = form === 'of10' ? 88 : 48;
    if (r.left < base) fail('OFPBRC_BAD_LEN', 'flow stats leftover bytes');
    const length = r.u16();
    const tableId = r.u8();
    r.skip(1);
    if (length < base || start + length > r.end) fail('OFPBRC_BAD_LEN', `flow stats length ${length}`);
    if (form === 'of10') {
      const match = pullOfp10Match(r);
      const durationSec = r.u32();
      const durationNsec = r.u32();
      const priority = r.u16();
      const idleTimeout = r.u16();
      const hardTimeout = r.u16();
      r.skip(6);
      const cookie = r.u64();
      const packetCount = r.u64();
      const byteCount = r.u64();
      const actions = pullInstructions(r, start + length - r.pos, version);
      out.push({ tableId, durationSec, durationNsec, priority, idleTimeout, hardTimeout, flags: 0, importance: 0, cookie, packetCount, byteCount, idleAge: -1, hardAge: -1, match, actions });
    } else if (form === 'nx') {
      const durationSec = r.u32();
      const durationNsec = r.u32();
      const priority = r.u16();
      const idleTimeout = r.u16();
      const hardTimeout = r.u16();
      const matchLen = r.u16();
      const idleAge = r.u16();
      const hardAge = r.u16();
      const cookie = r.u64();
      const packetCount = r.u64();
      const byteCount = r.u64();
      if (length < 48 + Math.ceil(matchLen / 8) * 8) fail('OFPBRC_BAD_LEN', 'NXST_FLOW entry shorter than its match');
      const m = pullNxMatch(r, matchLen, true, false);
      const actions = pullInstructions(r, start + length - r.pos, version);
      out.push({
        tableId, durationSec, durationNsec, priority, idleTimeout, hardTimeout, flags: 0, importance: 0, cookie,
        packetCount, byteCount, idleAge: idleAge ? idleAge - 1 : -1, hardAge: hardAge ? hardAge - 1 : -1, match: m.match, actions,
      });
    } else {
      const durationSec = r.u32();
      const durationNsec = r.u32();
      const priority = r.u16();
      const idleTimeout = r.u16();
      const hardTimeout = r.u16();
      const rawFlags = r.u16();
      const imp = r.u16();
      r.skip(2);
      const cookie = r.u64();
      const packetCount = r.u64();
      const byteCount = r.u64();
      const match = pullOxmMatch(r, false);
      const actions = pullInstructions(r, start + length - r.pos, version);
      out.push({
        tableId, durationSec, durationNsec, priority, idleTimeout, hardTimeout,
        flags: version >= OFP13_VERSION ? decodeFlowModFlags(rawFlags, -1, version) : 0,
        importance: version >= OFP14_VERSION ? imp : 0, cookie, packetCount, byteCount, idleAge: -1, hardAge: -1, match, actions,
      });
    }
  }
  return out;
}

function unknownToZero(v: bigint): bigint {
  return v === U64_MAX ? 0n : v;
}

function age16(a: number): number {
  return a < 0 ? 0 : a < 0xffff ? a + 1 : 0xffff;
}

export function putFlowStats(w: Writer, e: FlowStatsEntry, version: number, nx: boolean): void {
  const form = flowReplyForm(version, nx);
  const start = w.len;
  if (form === 'of15') {
    w.u16(0).zeros(2).u8(e.tableId).u8(0).u16(e.priority).u16(e.idleTimeout).u16(e.hardTimeout);
    w.u16(encodeFlowModFlags(e.flags, version)).u16(e.importance).u64(e.cookie);
    putOxmMatch(w, e.match, version);
    const s = unknownOxs();
    s.durationSec = e.durationSec;
    s.durationNsec = e.durationNsec;
    if (e.idleAge >= 0) s.idleAge = e.idleAge;
    s.packetCount = e.packetCount;
    s.byteCount = e.byteCount;
    putOxsStats(w, s);
    putInstructions(w, e.actions, version, e.match);
  } else if (form === 'of11') {
    w.u16(0).u8(e.tableId).u8(0).u32(e.durationSec).u32(e.durationNsec).u16(e.priority).u16(e.idleTimeout);
    w.u16(e.hardTimeout).u16(version >= OFP13_VERSION ? encodeFlowModFlags(e.flags, version) : 0);
    w.u16(version >= OFP14_VERSION ? e.importance : 0).zeros(2).u64(e.cookie);
    w.u64(unknownToZero(e.packetCount)).u64(unknownToZero(e.byteCount));
    putOxmMatch(w, e.match, version);
    putInstructions(w, e.actions, version, e.match);
  } else if (form === 'of10') {
    w.u16(0).u8(e.tableId).u8(0);
    putOfp10Match(w, e.match);
    w.u32(e.durationSec).u32(e.durationNsec).u16(e.priority).u16(e.idleTimeout).u16(e.hardTimeout).zeros(6);
    w.u64(e.cookie).u64(unknownToZero(e.packetCount)).u64(unknownToZero(e.byteCount));
    putInstructions(w, e.actions, version, e.match);
  } else {
    w.u16(0).u8(e.tableId).u8(0).u32(e.durationSec).u32(e.durationNsec).u16(e.priority).u16(e.idleTimeout);
    w.u16(e.hardTimeout);
    const lenAt = w.len;
    w.u16(0).u16(age16(e.idleAge)).u16(age16(e.hardAge)).u64(e.cookie).u64(e.packetCount).u64(e.byteCount);
    w.set16(lenAt, putNxMatch(w, e.match));
    putInstructions(w, e.actions, version, e.match);
  }
  w.set16(start, w.len - start);
}

function decodeAggReply(r: Reader, h: MsgHeader, nx: boolean): AggregateStatsReplyMsg {
  if (h.version >= OFP15_VERSION) {
    const s = pullOxsStats(r).stats;
    r.pos = r.end;
    return { type: OfType.AGGREGATE_STATS_REPLY, xid: h.xid, flags: h.statFlags, nx, packetCount: s.packetCount, byteCount: s.byteCount, flowCount: s.flowCount };
  }
  const packetCount = r.u64();
  const byteCount = r.u64();
  const flowCount = r.u32();
  r.skip(4);
  return { type: OfType.AGGREGATE_STATS_REPLY, xid: h.xid, flags: h.statFlags, nx, packetCount, byteCount, flowCount };
}

export function encodeAggregateReply(m: AggregateStatsReplyMsg, version: number): Uint8Array {
  if (version >= OFP15_VERSION) {
    const w = startMsg(Kind.ST_REP, OFPMP_AGGREGATE, version, m.xid, m.flags);
    const s = unknownOxs();
    s.packetCount = m.packetCount;
    s.byteCount = m.byteCount;
    s.flowCount = m.flowCount;
    putOxsStats(w, s);
    return finishMsg(w);
  }
  const w = version === OFP10_VERSION && m.nx
    ? startMsg(Kind.NXST_REP, NXST_AGGREGATE, version, m.xid, m.flags)
    : startMsg(Kind.ST_REP, OFPMP_AGGREGATE, version, m.xid, m.flags);
  const z = version === OFP10_VERSION && !m.nx;
  w.u64(z ? unknownToZero(m.packetCount) : m.packetCount).u64(z ? unknownToZero(m.byteCount) : m.byteCount).u32(m.flowCount).zeros(4);
  return finishMsg(w);
}

// --- table stats --------------------------------------------------------------------------------------

function pullTableStats(r: Reader, version: number): TableStatsEntry[] {
  const out: TableStatsEntry[] = [];
  while (r.left > 0) {
    const tableId = r.u8();
    r.skip(3);
    if (version === OFP10_VERSION) {
      const name = r.str(32);
      const wildcards = r.u32();
      const maxEntries = r.u32();
      const activeCount = r.u32();
      out.push({ tableId, name, wildcards, maxEntries, activeCount, lookupCount: r.u64(), matchedCount: r.u64() });
    } else {
      const activeCount = r.u32();
      out.push({ tableId, name: '', wildcards: 0, maxEntries: 0, activeCount, lookupCount: r.u64(), matchedCount: r.u64() });
    }
  }
  return out;
}

function putTableStats(w: Writer, e: TableStatsEntry, version: number): void {
  w.u8(e.tableId).zeros(3);
  if (version === OFP10_VERSION) w.str(e.name, 32).u32(e.wildcards).u32(e.maxEntries);
  w.u32(e.activeCount).u64(e.lookupCount).u64(e.matchedCount);
}

// --- port and queue stats -----------------------------------------------------------------------------

function pullPortStats(r: Reader, version: number): PortStatsEntry[] {
  const out: PortStatsEntry[] = [];
  while (r.left > 0) {
    if (version >= OFP14_VERSION) {
      const start = r.pos;
      const length = r.u16();
      r.skip(2);
      if (length < 80 || start + length > r.end) fail('OFPBRC_BAD_LEN', `port stats length ${length}`);
      const portNo = port11(r.u32());
      const durationSec = r.u32();
      const durationNsec = r.u32();
      const c = [r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64()];
      let rxFrameErr = U64_MAX;
      let rxOverErr = U64_MAX;
      let rxCrcErr = U64_MAX;
      let collisions = U64_MAX;
      const props = new Reader(r.buf, r.pos, start + length, 'OFPBPC_BAD_LEN');
      while (props.left > 0) {
        const p = pullProp(props);
        if (p.type === 0 && !p.experimenter) {
          if (p.body.left < 36) fail('OFPBPC_BAD_LEN');
          p.body.skip(4);
          rxFrameErr = p.body.u64();
          rxOverErr = p.body.u64();
          rxCrcErr = p.body.u64();
          collisions = p.body.u64();
        }
      }
      r.pos = start + length;
      out.push({
        portNo, rxPackets: c[0]!, txPackets: c[1]!, rxBytes: c[2]!, txBytes: c[3]!, rxDropped: c[4]!, txDropped: c[5]!,
        rxErrors: c[6]!, txErrors: c[7]!, rxFrameErr, rxOverErr, rxCrcErr, collisions, durationSec, durationNsec,
      });
      continue;
    }
    const portNo = version === OFP10_VERSION ? r.u16() : port11(r.u32());
    r.skip(version === OFP10_VERSION ? 6 : 4);
    const c: bigint[] = [];
    for (let i = 0; i < 12; i++) c.push(r.u64());
    let durationSec = 0xffffffff;
    let durationNsec = 0xffffffff;
    if (version >= OFP13_VERSION) {
      durationSec = r.u32();
      durationNsec = r.u32();
    }
    out.push({
      portNo, rxPackets: c[0]!, txPackets: c[1]!, rxBytes: c[2]!, txBytes: c[3]!, rxDropped: c[4]!, txDropped: c[5]!,
      rxErrors: c[6]!, txErrors: c[7]!, rxFrameErr: c[8]!, rxOverErr: c[9]!, rxCrcErr: c[10]!, collisions: c[11]!,
      durationSec, durationNsec,
    });
  }
  return out;
}

function putPortStats(w: Writer, e: PortStatsEntry, version: number): void {
  if (version >= OFP14_VERSION) {
    const start = w.len;
    w.u16(0).zeros(2).u32(portToOfp11(e.portNo)).u32(e.durationSec).u32(e.durationNsec);
    for (const x of [e.rxPackets, e.txPackets, e.rxBytes, e.txBytes, e.rxDropped, e.txDropped, e.rxErrors, e.txErrors]) w.u64(x);
    w.u16(0).u16(40).zeros(4).u64(e.rxFrameErr).u64(e.rxOverErr).u64(e.rxCrcErr).u64(e.collisions);
    w.set16(start, w.len - start);
    return;
  }
  if (version === OFP10_VERSION) w.u16(e.portNo).zeros(6);
  else w.u32(portToOfp11(e.portNo)).zeros(4);
  for (const x of [e.rxPackets, e.txPackets, e.rxBytes, e.txBytes, e.rxDropped, e.txDropped, e.rxErrors, e.txErrors,
    e.rxFrameErr, e.rxOverErr, e.rxCrcErr, e.collisions]) w.u64(x);
  if (version >= OFP13_VERSION) w.u32(e.durationSec).u32(e.durationNsec);
}

function pullQueueStats(r: Reader, version: number): QueueStatsEntry[] {
  const out: QueueStatsEntry[] = [];
  while (r.left > 0) {
    let end = -1;
    if (version >= OFP14_VERSION) {
      const start = r.pos;
      const length = r.u16();
      r.skip(6);
      if (length < 48 || start + length > r.end) fail('OFPBRC_BAD_LEN', `queue stats length ${length}`);
      end = start + length;
    }
    const portNo = version === OFP10_VERSION ? r.u16() : port11(r.u32());
    if (version === OFP10_VERSION) r.skip(2);
    const queueId = r.u32();
    const txBytes = r.u64();
    const txPackets = r.u64();
    const txErrors = r.u64();
    let durationSec = 0xffffffff;
    let durationNsec = 0xffffffff;
    if (version >= OFP13_VERSION) {
      durationSec = r.u32();
      durationNsec = r.u32();
    }
    if (end >= 0) r.pos = end;
    out.push({ portNo, queueId, txBytes, txPackets, txErrors, durationSec, durationNsec });
  }
  return out;
}

function putQueueStats(w: Writer, e: QueueStatsEntry, version: number): void {
  if (version >= OFP14_VERSION) w.u16(48).zeros(6);
  if (version === OFP10_VERSION) w.u16(e.portNo).zeros(2);
  else w.u32(portToOfp11(e.portNo));
  w.u32(e.queueId).u64(e.txBytes).u64(e.txPackets).u64(e.txErrors);
  if (version >= OFP13_VERSION) w.u32(e.durationSec).u32(e.durationNsec);
}

// --- table features -----------------------------------------------------------------------------------

function pullTableFeatures(r: Reader): TableFeatures[] {
  const out: TableFeatures[] = [];
  while (r.left > 0) {
    if (r.left < 64) fail('OFPBRC_BAD_LEN', 'table features leftover bytes');
    const start = r.pos;
    const length = r.u16();
    if (length < 64 || start + length > r.end) fail('OFPBRC_BAD_LEN', `table features length ${length}`);
    const tableId = r.u8();
    r.skip(5);
    const name = r.str(32);
    const metadataMatch = r.u64();
    const metadataWrite = r.u64();
    const config = r.u32();
    const maxEntries = r.u32();
    const props: Array<{ type: number; data: Uint8Array }> = [];
    const pr = new Reader(r.buf, r.pos, start + length, 'OFPBPC_BAD_LEN');
    while (pr.left > 0) {
      const p = pullProp(pr, 8, 0xfffe);
      const bodyStart = p.experimenter ? p.body.pos - 8 : p.body.pos;
      props.push({ type: p.type, data: r.buf.slice(bodyStart, p.body.end) });
    }
    r.pos = start + length;
    out.push({ tableId, name, metadataMatch, metadataWrite, config, maxEntries, props });
  }
  return out;
}

function putTableFeatures(w: Writer, t: TableFeatures): void {
  const start = w.len;
  w.u16(0).u8(t.tableId).zeros(5).str(t.name, 32).u64(t.metadataMatch).u64(t.metadataWrite).u32(t.config).u32(t.maxEntries);
  for (const p of t.props) {
    const at = w.len;
    w.u16(p.type).u16(4 + p.data.length).bytes(p.data);
    w.pad(8, at);
  }
  w.set16(start, w.len - start);
}

// --- generic entry-list replies ---------------------------------------------------------------------------

type EntryReply =
  | FlowStatsReplyMsg
  | TableStatsReplyMsg
  | PortStatsReplyMsg
  | QueueStatsReplyMsg
  | GroupStatsReplyMsg
  | GroupDescReplyMsg
  | MeterStatsReplyMsg
  | MeterConfigReplyMsg
  | PortDescReplyMsg
  | TableFeaturesMsg;

function replyHeader(m: EntryReply, version: number): { kind: Kind; num: number } {
  const v10 = version === OFP10_VERSION;
  const req = m.type === OfType.TABLE_FEATURES_STATS_REQUEST;
  switch (m.type) {
    case OfType.FLOW_STATS_REPLY:
      return v10 && m.nx ? { kind: Kind.NXST_REP, num: NXST_FLOW } : { kind: Kind.ST_REP, num: OFPMP_FLOW };
    case OfType.TABLE_STATS_REPLY: return { kind: Kind.ST_REP, num: OFPMP_TABLE };
    case OfType.PORT_STATS_REPLY: return { kind: Kind.ST_REP, num: OFPMP_PORT_STATS };
    case OfType.QUEUE_STATS_REPLY: return { kind: Kind.ST_REP, num: OFPMP_QUEUE_STATS };
    case OfType.GROUP_STATS_REPLY: return v10 ? { kind: Kind.NXST_REP, num: NXST_GROUP } : { kind: Kind.ST_REP, num: OFPMP_GROUP };
    case OfType.GROUP_DESC_STATS_REPLY:
      return v10 ? { kind: Kind.NXST_REP, num: NXST_GROUP_DESC } : { kind: Kind.ST_REP, num: OFPMP_GROUP_DESC };
    case OfType.METER_STATS_REPLY: return { kind: Kind.ST_REP, num: OFPMP_METER };
    case OfType.METER_CONFIG_STATS_REPLY: return { kind: Kind.ST_REP, num: OFPMP_METER_CONFIG };
    case OfType.PORT_DESC_STATS_REPLY: return { kind: Kind.ST_REP, num: OFPMP_PORT_DESC };
    default: return { kind: req ? Kind.ST_REQ : Kind.ST_REP, num: OFPMP_TABLE_FEATURES };
  }
}

function entryWriters(m: EntryReply, version: number): Array<(w: Writer) => void> {
  switch (m.type) {
    case OfType.FLOW_STATS_REPLY: return m.entries.map((e) => (w: Writer) => putFlowStats(w, e, version, m.nx));
    case OfType.TABLE_STATS_REPLY: return m.entries.map((e) => (w: Writer) => putTableStats(w, e, version));
    case OfType.PORT_STATS_REPLY: return m.entries.map((e) => (w: Writer) => putPortStats(w, e, version));
    case OfType.QUEUE_STATS_REPLY: return m.entries.map((e) => (w: Writer) => putQueueStats(w, e, version));
    case OfType.GROUP_STATS_REPLY: return m.entries.map((e) => (w: Writer) => putGroupStats(w, e, version));
    case OfType.GROUP_DESC_STATS_REPLY: return m.entries.map((e) => (w: Writer) => putGroupDesc(w, e, version));
    case OfType.METER_STATS_REPLY: return m.entries.map((e) => (w: Writer) => putMeterStats(w, e));
    case OfType.METER_CONFIG_STATS_REPLY: return m.entries.map((e) => (w: Writer) => putMeterConfig(w, e));
    case OfType.PORT_DESC_STATS_REPLY: return m.ports.map((p) => (w: Writer) => putPortDesc(w, p, version));
    default: return m.tables.map((t) => (w: Writer) => putTableFeatures(w, t));
  }
}

export function isEntryReply(m: OfMessage): m is EntryReply {
  switch (m.type) {
    case OfType.FLOW_STATS_REPLY:
    case OfType.TABLE_STATS_REPLY:
    case OfType.PORT_STATS_REPLY:
    case OfType.QUEUE_STATS_REPLY:
    case OfType.GROUP_STATS_REPLY:
    case OfType.GROUP_DESC_STATS_REPLY:
    case OfType.METER_STATS_REPLY:
    case OfType.METER_CONFIG_STATS_REPLY:
    case OfType.PORT_DESC_STATS_REPLY:
    case OfType.TABLE_FEATURES_STATS_REPLY:
    case OfType.TABLE_FEATURES_STATS_REQUEST:
      return true;
    default:
      return false;
  }
}

/**
 * Encodes an entry-list reply as one or more messages of at most 65535 bytes, with
 * OFPMPF_REPLY_MORE set on all but the last (OVS ofpmp_postappend). An entry too big for any
 * message is dropped, as OVS does.
 */
export function encodeMultipartReplies(m: EntryReply, version: number): Uint8Array[] {
  const { kind, num } = replyHeader(m, version);
  const hdrLen = startMsg(kind, num, version, m.xid).len;
  const out: Uint8Array[] = [];
  let w = startMsg(kind, num, version, m.xid, m.flags);
  let count = 0;
  for (const put of entryWriters(m, version)) {
    const e = new Writer(128);
    put(e);
    if (e.len > 0xffff - hdrLen) continue;
    if (w.len + e.len > 0xffff) {
      w.set16(10, (m.flags | OFPSF_REPLY_MORE) & 0xffff);
      out.push(finishMsg(w));
      w = startMsg(kind, num, version, m.xid, m.flags);
      count = 0;
    }
    w.bytes(e.finish());
    count++;
  }
  void count;
  out.push(finishMsg(w));
  return out;
}

/** Encodes an entry-list reply as a single message (RangeError if it does not fit). */
export function encodeEntryReply(m: EntryReply, version: number): Uint8Array {
  const { kind, num } = replyHeader(m, version);
  const w = startMsg(kind, num, version, m.xid, m.flags, 256);
  for (const put of entryWriters(m, version)) put(w);
  return finishMsg(w);
}

// --- simple requests and replies ----------------------------------------------------------------------

export function encodeEmptyMp(m: EmptyMpMsg, version: number): Uint8Array {
  switch (m.type) {
    case OfType.DESC_STATS_REQUEST: return finishMsg(startMsg(Kind.ST_REQ, OFPMP_DESC, version, m.xid, m.flags));
    case OfType.TABLE_STATS_REQUEST: return finishMsg(startMsg(Kind.ST_REQ, OFPMP_TABLE, version, m.xid, m.flags));
    case OfType.GROUP_FEATURES_STATS_REQUEST:
      return finishMsg(version < 3 ? startMsg(Kind.NXST_REQ, NXST_GROUP_FEATURES, version, m.xid, m.flags)
        : startMsg(Kind.ST_REQ, OFPMP_GROUP_FEATURES, version, m.xid, m.flags));
    case OfType.METER_FEATURES_STATS_REQUEST: return finishMsg(startMsg(Kind.ST_REQ, OFPMP_METER_FEATURES, version, m.xid, m.flags));
  }
}

export function encodeDescReply(m: DescStatsReplyMsg, version: number): Uint8Array {
  const w = startMsg(Kind.ST_REP, OFPMP_DESC, version, m.xid, m.flags, 1100);
  w.str(m.mfrDesc, 256).str(m.hwDesc, 256).str(m.swDesc, 256).str(m.serialNum, 32).str(m.dpDesc, 256);
  return finishMsg(w);
}

export function encodePortStatsRequest(m: PortStatsRequestMsg, version: number): Uint8Array {
  if (m.type === OfType.PORT_DESC_STATS_REQUEST) {
    const w = startMsg(Kind.ST_REQ, OFPMP_PORT_DESC, version, m.xid, m.flags);
    if (version >= OFP15_VERSION) w.u32(portToOfp11(m.portNo)).zeros(4);
    return finishMsg(w);
  }
  const w = startMsg(Kind.ST_REQ, OFPMP_PORT_STATS, version, m.xid, m.flags);
  if (version === OFP10_VERSION) w.u16(m.portNo === OFPP_ANY ? 0xffff : m.portNo).zeros(6);
  else w.u32(portToOfp11(m.portNo)).zeros(4);
  return finishMsg(w);
}

export function encodeQueueStatsRequest(m: QueueStatsRequestMsg, version: number): Uint8Array {
  const w = startMsg(Kind.ST_REQ, OFPMP_QUEUE_STATS, version, m.xid, m.flags);
  if (version === OFP10_VERSION) w.u16(m.portNo).zeros(2).u32(m.queueId);
  else w.u32(portToOfp11(m.portNo)).u32(m.queueId);
  return finishMsg(w);
}

export function encodeGroupStatsRequest(m: GroupStatsRequestMsg, version: number): Uint8Array {
  const v10 = version === OFP10_VERSION;
  if (m.type === OfType.GROUP_STATS_REQUEST) {
    const w = v10 ? startMsg(Kind.NXST_REQ, NXST_GROUP, version, m.xid, m.flags) : startMsg(Kind.ST_REQ, OFPMP_GROUP, version, m.xid, m.flags);
    w.u32(m.groupId).zeros(4);
    return finishMsg(w);
  }
  const w = v10 ? startMsg(Kind.NXST_REQ, NXST_GROUP_DESC, version, m.xid, m.flags) : startMsg(Kind.ST_REQ, OFPMP_GROUP_DESC, version, m.xid, m.flags);
  if (v10 || version >= OFP15_VERSION) w.u32(m.groupId).zeros(4);
  return finishMsg(w);
}

export function encodeGroupFeaturesReply(m: GroupFeaturesReplyMsg, version: number): Uint8Array {
  const w = version < 3 ? startMsg(Kind.NXST_REP, NXST_GROUP_FEATURES, version, m.xid, m.flags)
    : startMsg(Kind.ST_REP, OFPMP_GROUP_FEATURES, version, m.xid, m.flags);
  w.u32(m.types).u32(m.capabilities);
  for (let i = 0; i < 4; i++) w.u32(m.maxGroups[i] ?? 0);
  for (let i = 0; i < 4; i++) w.u32(m.actions[i] ?? 0);
  return finishMsg(w);
}

export function encodeMeterStatsRequest(m: MeterStatsRequestMsg, version: number): Uint8Array {
  const w = startMsg(Kind.ST_REQ, m.type === OfType.METER_STATS_REQUEST ? OFPMP_METER : OFPMP_METER_CONFIG, version, m.xid, m.flags);
  w.u32(m.meterId).zeros(4);
  return finishMsg(w);
}

export function encodeMeterFeaturesReply(m: MeterFeaturesReplyMsg, version: number): Uint8Array {
  const w = startMsg(Kind.ST_REP, OFPMP_METER_FEATURES, version, m.xid, m.flags);
  w.u32(m.maxMeter).u32(m.bandTypes).u32(m.capabilities).u8(m.maxBands).u8(m.maxColor).zeros(2);
  return finishMsg(w);
}

// --- decoding table ---------------------------------------------------------------------------------------

const mp = <T extends OfMessage>(f: (r: Reader, h: MsgHeader) => T) => f;

export const MULTIPART_DEFS: MsgDef[] = [
  def('OFPST_DESC_REQUEST', Kind.ST_REQ, OFPMP_DESC, '1.0+', 0, 0, (_r, h) => ({ type: OfType.DESC_STATS_REQUEST, xid: h.xid, flags: h.statFlags })),
  def('OFPST_DESC_REPLY', Kind.ST_REP, OFPMP_DESC, '1.0+', 1056, 0, decodeDesc),
  def('OFPST10_FLOW_REQUEST', Kind.ST_REQ, OFPMP_FLOW, '1.0', 44, 0, (r, h) => decodeFlowReq10(r, h, false)),
  def('OFPST11_FLOW_REQUEST', Kind.ST_REQ, OFPMP_FLOW, '1.1+', 32, 8, (r, h) => decodeFlowReq11(r, h, false)),
  def('NXST_FLOW_REQUEST', Kind.NXST_REQ, NXST_FLOW, '1.0', 8, 8, (r, h) => decodeNxFlowReq(r, h, false)),
  def('OFPST10_FLOW_REPLY', Kind.ST_REP, OFPMP_FLOW, '1.0', 0, 1, mp((r, h) => ({ type: OfType.FLOW_STATS_REPLY, xid: h.xid, flags: h.statFlags, nx: false, entries: pullFlowStats(r, h.version, 'of10') }))),
  def('OFPST11_FLOW_REPLY', Kind.ST_REP, OFPMP_FLOW, '1.1-1.4', 0, 1, mp((r, h) => ({ type: OfType.FLOW_STATS_REPLY, xid: h.xid, flags: h.statFlags, nx: false, entries: pullFlowStats(r, h.version, 'of11') }))),
  def('OFPST15_FLOW_REPLY', Kind.ST_REP, OFPMP_FLOW, '1.5+', 0, 1, mp((r, h) => ({ type: OfType.FLOW_STATS_REPLY, xid: h.xid, flags: h.statFlags, nx: false, entries: pullFlowStats(r, h.version, 'of15') }))),
  def('NXST_FLOW_REPLY', Kind.NXST_REP, NXST_FLOW, '1.0', 0, 1, mp((r, h) => ({ type: OfType.FLOW_STATS_REPLY, xid: h.xid, flags: h.statFlags, nx: true, entries: pullFlowStats(r, h.version, 'nx') }))),
  def('OFPST10_AGGREGATE_REQUEST', Kind.ST_REQ, OFPMP_AGGREGATE, '1.0', 44, 0, (r, h) => decodeFlowReq10(r, h, true)),
  def('OFPST11_AGGREGATE_REQUEST', Kind.ST_REQ, OFPMP_AGGREGATE, '1.1+', 32, 8, (r, h) => decodeFlowReq11(r, h, true)),
  def('NXST_AGGREGATE_REQUEST', Kind.NXST_REQ, NXST_AGGREGATE, '1.0', 8, 8, (r, h) => decodeNxFlowReq(r, h, true)),
  def('OFPST_AGGREGATE_REPLY', Kind.ST_REP, OFPMP_AGGREGATE, '1.0-1.4', 24, 0, (r, h) => decodeAggReply(r, h, false)),
  def('OFPST15_AGGREGATE_REPLY', Kind.ST_REP, OFPMP_AGGREGATE, '1.5+', 0, 1, (r, h) => decodeAggReply(r, h, false)),
  def('NXST_AGGREGATE_REPLY', Kind.NXST_REP, NXST_AGGREGATE, '1.0', 24, 0, (r, h) => decodeAggReply(r, h, true)),
  def('OFPST_TABLE_REQUEST', Kind.ST_REQ, OFPMP_TABLE, '1.0+', 0, 0, (_r, h) => ({ type: OfType.TABLE_STATS_REQUEST, xid: h.xid, flags: h.statFlags })),
  def('OFPST10_TABLE_REPLY', Kind.ST_REP, OFPMP_TABLE, '1.0', 0, 64, mp((r, h) => ({ type: OfType.TABLE_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullTableStats(r, h.version) }))),
  def('OFPST13_TABLE_REPLY', Kind.ST_REP, OFPMP_TABLE, '1.3+', 0, 24, mp((r, h) => ({ type: OfType.TABLE_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullTableStats(r, h.version) }))),
  def('OFPST10_PORT_REQUEST', Kind.ST_REQ, OFPMP_PORT_STATS, '1.0', 8, 0, (r, h) => ({ type: OfType.PORT_STATS_REQUEST, xid: h.xid, flags: h.statFlags, portNo: r.u16() })),
  def('OFPST11_PORT_REQUEST', Kind.ST_REQ, OFPMP_PORT_STATS, '1.1+', 8, 0, (r, h) => ({ type: OfType.PORT_STATS_REQUEST, xid: h.xid, flags: h.statFlags, portNo: port11(r.u32()) })),
  def('OFPST10_PORT_REPLY', Kind.ST_REP, OFPMP_PORT_STATS, '1.0', 0, 104, mp((r, h) => ({ type: OfType.PORT_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullPortStats(r, h.version) }))),
  def('OFPST13_PORT_REPLY', Kind.ST_REP, OFPMP_PORT_STATS, '1.3', 0, 112, mp((r, h) => ({ type: OfType.PORT_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullPortStats(r, h.version) }))),
  def('OFPST14_PORT_REPLY', Kind.ST_REP, OFPMP_PORT_STATS, '1.4+', 0, 8, mp((r, h) => ({ type: OfType.PORT_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullPortStats(r, h.version) }))),
  def('OFPST10_QUEUE_REQUEST', Kind.ST_REQ, OFPMP_QUEUE_STATS, '1.0', 8, 0, (r, h) => {
    const portNo = r.u16();
    r.skip(2);
    return { type: OfType.QUEUE_STATS_REQUEST, xid: h.xid, flags: h.statFlags, portNo, queueId: r.u32() };
  }),
  def('OFPST11_QUEUE_REQUEST', Kind.ST_REQ, OFPMP_QUEUE_STATS, '1.1+', 8, 0, (r, h) => {
    const portNo = port11(r.u32());
    return { type: OfType.QUEUE_STATS_REQUEST, xid: h.xid, flags: h.statFlags, portNo, queueId: r.u32() };
  }),
  def('OFPST10_QUEUE_REPLY', Kind.ST_REP, OFPMP_QUEUE_STATS, '1.0', 0, 32, mp((r, h) => ({ type: OfType.QUEUE_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullQueueStats(r, h.version) }))),
  def('OFPST13_QUEUE_REPLY', Kind.ST_REP, OFPMP_QUEUE_STATS, '1.3', 0, 40, mp((r, h) => ({ type: OfType.QUEUE_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullQueueStats(r, h.version) }))),
  def('OFPST14_QUEUE_REPLY', Kind.ST_REP, OFPMP_QUEUE_STATS, '1.4+', 0, 8, mp((r, h) => ({ type: OfType.QUEUE_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullQueueStats(r, h.version) }))),
  def('NXST_GROUP_REQUEST', Kind.NXST_REQ, NXST_GROUP, '1.0', 8, 0, (r, h) => ({ type: OfType.GROUP_STATS_REQUEST, xid: h.xid, flags: h.statFlags, groupId: r.u32() })),
  def('OFPST11_GROUP_REQUEST', Kind.ST_REQ, OFPMP_GROUP, '1.1+', 8, 0, (r, h) => ({ type: OfType.GROUP_STATS_REQUEST, xid: h.xid, flags: h.statFlags, groupId: r.u32() })),
  def('NXST_GROUP_REPLY', Kind.NXST_REP, NXST_GROUP, '1.0', 0, 8, mp((r, h) => ({ type: OfType.GROUP_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullGroupStats(r, h.version) }))),
  def('OFPST13_GROUP_REPLY', Kind.ST_REP, OFPMP_GROUP, '1.3+', 0, 8, mp((r, h) => ({ type: OfType.GROUP_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullGroupStats(r, h.version) }))),
  def('NXST_GROUP_DESC_REQUEST', Kind.NXST_REQ, NXST_GROUP_DESC, '1.0', 8, 0, (r, h) => ({ type: OfType.GROUP_DESC_STATS_REQUEST, xid: h.xid, flags: h.statFlags, groupId: r.u32() })),
  def('OFPST11_GROUP_DESC_REQUEST', Kind.ST_REQ, OFPMP_GROUP_DESC, '1.1-1.4', 0, 0, (_r, h) => ({ type: OfType.GROUP_DESC_STATS_REQUEST, xid: h.xid, flags: h.statFlags, groupId: OFPG_ALL })),
  def('OFPST15_GROUP_DESC_REQUEST', Kind.ST_REQ, OFPMP_GROUP_DESC, '1.5+', 8, 0, (r, h) => ({ type: OfType.GROUP_DESC_STATS_REQUEST, xid: h.xid, flags: h.statFlags, groupId: r.u32() })),
  def('NXST_GROUP_DESC_REPLY', Kind.NXST_REP, NXST_GROUP_DESC, '1.0', 0, 8, mp((r, h) => ({ type: OfType.GROUP_DESC_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullGroupDesc(r, h.version) }))),
  def('OFPST11_GROUP_DESC_REPLY', Kind.ST_REP, OFPMP_GROUP_DESC, '1.1+', 0, 8, mp((r, h) => ({ type: OfType.GROUP_DESC_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullGroupDesc(r, h.version) }))),
  def('NXST_GROUP_FEATURES_REQUEST', Kind.NXST_REQ, NXST_GROUP_FEATURES, '1.0-1.1', 0, 0, (_r, h) => ({ type: OfType.GROUP_FEATURES_STATS_REQUEST, xid: h.xid, flags: h.statFlags })),
  def('OFPST12_GROUP_FEATURES_REQUEST', Kind.ST_REQ, OFPMP_GROUP_FEATURES, '1.2+', 0, 0, (_r, h) => ({ type: OfType.GROUP_FEATURES_STATS_REQUEST, xid: h.xid, flags: h.statFlags })),
  ...(['NXST_GROUP_FEATURES_REPLY', 'OFPST12_GROUP_FEATURES_REPLY'] as const).map((n) =>
    def(n, n[0] === 'N' ? Kind.NXST_REP : Kind.ST_REP, n[0] === 'N' ? NXST_GROUP_FEATURES : OFPMP_GROUP_FEATURES,
      n[0] === 'N' ? '1.0-1.1' : '1.2+', 40, 0, (r, h): OfMessage => {
        const types = r.u32();
        const capabilities = r.u32();
        const maxGroups = [r.u32(), r.u32(), r.u32(), r.u32()];
        const actions = [r.u32(), r.u32(), r.u32(), r.u32()];
        return { type: OfType.GROUP_FEATURES_STATS_REPLY, xid: h.xid, flags: h.statFlags, types, capabilities, maxGroups, actions };
      })),
  def('OFPST13_METER_REQUEST', Kind.ST_REQ, OFPMP_METER, '1.3+', 8, 0, (r, h) => ({ type: OfType.METER_STATS_REQUEST, xid: h.xid, flags: h.statFlags, meterId: r.u32() })),
  def('OFPST13_METER_REPLY', Kind.ST_REP, OFPMP_METER, '1.3+', 0, 8, mp((r, h) => ({ type: OfType.METER_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullMeterStats(r) }))),
  def('OFPST13_METER_CONFIG_REQUEST', Kind.ST_REQ, OFPMP_METER_CONFIG, '1.3+', 8, 0, (r, h) => ({ type: OfType.METER_CONFIG_STATS_REQUEST, xid: h.xid, flags: h.statFlags, meterId: r.u32() })),
  def('OFPST13_METER_CONFIG_REPLY', Kind.ST_REP, OFPMP_METER_CONFIG, '1.3+', 0, 8, mp((r, h) => ({ type: OfType.METER_CONFIG_STATS_REPLY, xid: h.xid, flags: h.statFlags, entries: pullMeterConfig(r) }))),
  def('OFPST13_METER_FEATURES_REQUEST', Kind.ST_REQ, OFPMP_METER_FEATURES, '1.3+', 0, 0, (_r, h) => ({ type: OfType.METER_FEATURES_STATS_REQUEST, xid: h.xid, flags: h.statFlags })),
  def('OFPST13_METER_FEATURES_REPLY', Kind.ST_REP, OFPMP_METER_FEATURES, '1.3+', 16, 0, (r, h) => {
    const maxMeter = r.u32();
    const bandTypes = r.u32();
    const capabilities = r.u32();
    const maxBands = r.u8();
    const maxColor = r.u8();
    return { type: OfType.METER_FEATURES_STATS_REPLY, xid: h.xid, flags: h.statFlags, maxMeter, bandTypes, capabilities, maxBands, maxColor };
  }),
  def('OFPST13_TABLE_FEATURES_REQUEST', Kind.ST_REQ, OFPMP_TABLE_FEATURES, '1.3+', 0, 8, mp((r, h) => ({ type: OfType.TABLE_FEATURES_STATS_REQUEST, xid: h.xid, flags: h.statFlags, tables: pullTableFeatures(r) }))),
  def('OFPST13_TABLE_FEATURES_REPLY', Kind.ST_REP, OFPMP_TABLE_FEATURES, '1.3+', 64, 8, mp((r, h) => ({ type: OfType.TABLE_FEATURES_STATS_REPLY, xid: h.xid, flags: h.statFlags, tables: pullTableFeatures(r) }))),
  def('OFPST10_PORT_DESC_REQUEST', Kind.ST_REQ, OFPMP_PORT_DESC, '1.0-1.4', 0, 0, (_r, h) => ({ type: OfType.PORT_DESC_STATS_REQUEST, xid: h.xid, flags: h.statFlags, portNo: OFPP_ANY })),
  def('OFPST15_PORT_DESC_REQUEST', Kind.ST_REQ, OFPMP_PORT_DESC, '1.5+', 8, 0, (r, h) => ({ type: OfType.PORT_DESC_STATS_REQUEST, xid: h.xid, flags: h.statFlags, portNo: port11(r.u32()) })),
  def('OFPST10_PORT_DESC_REPLY', Kind.ST_REP, OFPMP_PORT_DESC, '1.0', 0, 48, mp((r, h) => portDescReply(r, h))),
  def('OFPST11_PORT_DESC_REPLY', Kind.ST_REP, OFPMP_PORT_DESC, '1.1-1.3', 0, 64, mp((r, h) => portDescReply(r, h))),
  def('OFPST14_PORT_DESC_REPLY', Kind.ST_REP, OFPMP_PORT_DESC, '1.4+', 0, 8, mp((r, h) => portDescReply(r, h))),
];

function portDescReply(r: Reader, h: MsgHeader): PortDescReplyMsg {
  const ports = [];
  while (r.left > 0) ports.push(pullPortDesc(r, h.version));
  return { type: OfType.PORT_DESC_STATS_REPLY, xid: h.xid, flags: h.statFlags, ports };
}

export { portDescLen, OFP10_MATCH_LEN };
