/*
 * Flow-removed messages: OpenFlow 1.0 (ofp10_match), NXT_FLOW_REMOVED (NXM), OpenFlow
 * 1.1-1.4 (OXM) and 1.5 (OXM match + OXS statistics), as OVS ofputil_decode_flow_removed /
 * ofputil_encode_flow_removed.
 */

import { fail, Reader } from './bytes.js';
import { NXT_FLOW_REMOVED, OFP10_VERSION, OFP15_VERSION, OFPT_FLOW_REMOVED } from './constants.js';
import { OfType, type FlowRemovedMsg } from './messages.js';
import { def, finishMsg, Kind, startMsg, type MsgDef, type MsgHeader } from './msg-core.js';
import { pullOfp10Match, putOfp10Match } from './match-of10.js';
import { pullNxMatch, pullOxmMatch, putNxMatch, putOxmMatch } from './match-oxm.js';
import { pullOxsStats, putOxsStats, unknownOxs } from './oxs.js';
import { isOf10Expressible } from './flow-mod.js';

function fr(h: MsgHeader, f: Omit<FlowRemovedMsg, 'type' | 'xid'>): FlowRemovedMsg {
  return { type: OfType.FLOW_REMOVED, xid: h.xid, ...f };
}

function decode10(r: Reader, h: MsgHeader): FlowRemovedMsg {
  const match = pullOfp10Match(r);
  const cookie = r.u64();
  const priority = r.u16();
  const reason = r.u8();
  r.skip(1);
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const idleTimeout = r.u16();
  r.skip(2);
  const packetCount = r.u64();
  const byteCount = r.u64();
  return fr(h, { nx: false, match, cookie, priority, reason, tableId: 255, durationSec, durationNsec, idleTimeout, hardTimeout: 0, packetCount, byteCount });
}

function decodeNx(r: Reader, h: MsgHeader): FlowRemovedMsg {
  const cookie = r.u64();
  const priority = r.u16();
  const reason = r.u8();
  const tableId = r.u8();
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const idleTimeout = r.u16();
  const matchLen = r.u16();
  const packetCount = r.u64();
  const byteCount = r.u64();
  const m = pullNxMatch(r, matchLen, true, false);
  if (r.left) fail('OFPBRC_BAD_LEN', 'NXT_FLOW_REMOVED trailing bytes');
  return fr(h, {
    nx: true, match: m.match, cookie, priority, reason, tableId: tableId ? tableId - 1 : 255, durationSec, durationNsec,
    idleTimeout, hardTimeout: 0, packetCount, byteCount,
  });
}

function decode11(r: Reader, h: MsgHeader): FlowRemovedMsg {
  const cookie = r.u64();
  const priority = r.u16();
  const reason = r.u8();
  const tableId = r.u8();
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const packetCount = r.u64();
  const byteCount = r.u64();
  const match = pullOxmMatch(r, false);
  r.pos = r.end;
  return fr(h, { nx: false, match, cookie, priority, reason, tableId, durationSec, durationNsec, idleTimeout, hardTimeout, packetCount, byteCount });
}

function decode15(r: Reader, h: MsgHeader): FlowRemovedMsg {
  const tableId = r.u8();
  const reason = r.u8();
  const priority = r.u16();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const cookie = r.u64();
  const match = pullOxmMatch(r, false);
  const s = pullOxsStats(r).stats;
  r.pos = r.end;
  return fr(h, {
    nx: false, match, cookie, priority, reason, tableId, durationSec: s.durationSec, durationNsec: s.durationNsec,
    idleTimeout, hardTimeout, packetCount: s.packetCount, byteCount: s.byteCount,
  });
}

export const FLOW_REMOVED_DEFS: MsgDef[] = [
  def('OFPT10_FLOW_REMOVED', Kind.T, OFPT_FLOW_REMOVED, '1.0', 80, 0, decode10),
  def('OFPT11_FLOW_REMOVED', Kind.T, OFPT_FLOW_REMOVED, '1.1-1.4', 40, 8, decode11),
  def('OFPT15_FLOW_REMOVED', Kind.T, OFPT_FLOW_REMOVED, '1.5+', 16, 8, decode15),
  def('NXT_FLOW_REMOVED', Kind.NXT, NXT_FLOW_REMOVED, '1.0+', 40, 8, decodeNx),
];

export function encodeFlowRemoved(m: FlowRemovedMsg, version: number): Uint8Array {
  if (version === OFP10_VERSION && !m.nx && isOf10Expressible(m.match)) {
    const w = startMsg(Kind.T, OFPT_FLOW_REMOVED, version, m.xid);
    putOfp10Match(w, m.match);
    w.u64(m.cookie).u16(m.priority).u8(m.reason).u8(0).u32(m.durationSec).u32(m.durationNsec);
    w.u16(m.idleTimeout).zeros(2).u64(m.packetCount).u64(m.byteCount);
    return finishMsg(w);
  }
  if (version === OFP10_VERSION || m.nx) {
    const w = startMsg(Kind.NXT, NXT_FLOW_REMOVED, version, m.xid);
    w.u64(m.cookie).u16(m.priority).u8(m.reason).u8(m.tableId === 255 ? 0 : m.tableId + 1);
    w.u32(m.durationSec).u32(m.durationNsec).u16(m.idleTimeout);
    const lenAt = w.len;
    w.u16(0).u64(m.packetCount).u64(m.byteCount);
    w.set16(lenAt, putNxMatch(w, m.match));
    return finishMsg(w);
  }
  if (version < OFP15_VERSION) {
    const w = startMsg(Kind.T, OFPT_FLOW_REMOVED, version, m.xid);
    w.u64(m.cookie).u16(m.priority).u8(m.reason).u8(m.tableId).u32(m.durationSec).u32(m.durationNsec);
    w.u16(m.idleTimeout).u16(m.hardTimeout).u64(m.packetCount).u64(m.byteCount);
    putOxmMatch(w, m.match, version);
    return finishMsg(w);
  }
  const w = startMsg(Kind.T, OFPT_FLOW_REMOVED, version, m.xid);
  w.u8(m.tableId).u8(m.reason).u16(m.priority).u16(m.idleTimeout).u16(m.hardTimeout).u64(m.cookie);
  putOxmMatch(w, m.match, version);
  const s = unknownOxs();
  s.durationSec = m.durationSec;
  s.durationNsec = m.durationNsec;
  s.packetCount = m.packetCount;
  s.byteCount = m.byteCount;
  putOxsStats(w, s);
  return finishMsg(w);
}
