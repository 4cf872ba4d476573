/*
 * Flow monitors (OVS lib/ofp-monitor.c): NXST_FLOW_MONITOR (OpenFlow 1.0-1.2, NXM),
 * ONFST_FLOW_MONITOR (OpenFlow 1.3, OXM) and OFPMP_FLOW_MONITOR (1.4+) requests and update
 * replies, plus the monitor cancel message. The model uses Nicira numbering for flags
 * (NXFMF_*) and events (NXFME_*); OpenFlow 1.4 values are translated.
 */

import { newMatch } from '../../flow/match.js';
import { portFromOfp11, portToOfp11 } from '../../flow/ofp-port.js';
import { fail, Reader, type Writer } from './bytes.js';
import { NXST_FLOW_MONITOR, OFP13_VERSION, OFP14_VERSION, OFPG_ANY, OFPMP_FLOW_MONITOR, ONFST_FLOW_MONITOR } from './constants.js';
import { pullActions, pullInstructions, putActions, putInstructions } from './actions.js';
import {
  OfType,
  type FlowMonitorCancelMsg,
  type FlowMonitorReplyMsg,
  type FlowMonitorRequest,
  type FlowMonitorRequestMsg,
  type FlowUpdate,
  type EmptyMsg,
} from './messages.js';

type FlowMonitorPauseMsg = EmptyMsg & { type: typeof OfType.FLOW_MONITOR_PAUSED | typeof OfType.FLOW_MONITOR_RESUMED };
import { def, finishMsg, Kind, startMsg, type MsgDef, type MsgHeader } from './msg-core.js';
import { pullNxMatch, pullOxmMatch, putNxMatch, putOxmMatch } from './match-oxm.js';

const NXFMF_INITIAL = 1;
const NXFMF_ADD = 2;
const NXFMF_DELETE = 4;
const NXFMF_MODIFY = 8;
const NXFMF_ACTIONS = 16;
const NXFMF_OWN = 32;
const NX_ALL = NXFMF_INITIAL | NXFMF_ADD | NXFMF_DELETE | NXFMF_MODIFY | NXFMF_ACTIONS | NXFMF_OWN;
const OFPFMF_ONLY_OWN = 64;

export const NXFME_ADDED = 0;
export const NXFME_DELETED = 1;
export const NXFME_MODIFIED = 2;
export const NXFME_ABBREV = 3;

function of14FlagsToNx(f: number): number {
  return (f & 0x1f) | (f & OFPFMF_ONLY_OWN ? NXFMF_OWN : 0);
}

function nxFlagsToOf14(f: number): number {
  return (f & 0x1f) | (f & NXFMF_OWN ? OFPFMF_ONLY_OWN : 0);
}

function port11(p: number): number {
  const q = portFromOfp11(p);
  if (q === null) fail('OFPBAC_BAD_OUT_PORT', 'bad out_port');
  return q;
}

function flavor(version: number): 'nx' | 'onf' | 'of14' {
  return version >= OFP14_VERSION ? 'of14' : version === OFP13_VERSION ? 'onf' : 'nx';
}

function decodeRequests(r: Reader, h: MsgHeader, fl: 'nx' | 'onf' | 'of14'): FlowMonitorRequestMsg {
  const requests: FlowMonitorRequest[] = [];
  while (r.left > 0) {
    if (r.left < 16) fail('OFPBRC_BAD_LEN', 'flow monitor request leftover bytes');
    if (fl === 'of14') {
      const id = r.u32();
      const outPortW = r.u32();
      const outGroup = r.u32();
      const flags = r.u16();
      const tableId = r.u8();
      const command = r.u8();
      if (command !== 2) {
        if (!(flags & (NXFMF_ADD | NXFMF_DELETE | NXFMF_MODIFY)) || flags & ~(0x1f | OFPFMF_ONLY_OWN)) fail('OFPMOFC_BAD_FLAGS');
      }
      const outPort = command === 2 ? portFromOfp11(outPortW) ?? 0xffff : port11(outPortW);
      const match = pullOxmMatch(r, false);
      requests.push({ id, flags: of14FlagsToNx(flags), outPort, outGroup, tableId, command, match });
      continue;
    }
    const id = r.u32();
    const flags = r.u16();
    let outPort: number;
    let matchLen: number;
    let tableId: number;
    let zerosOk: boolean;
    if (fl === 'nx') {
      outPort = r.u16();
      matchLen = r.u16();
      tableId = r.u8();
      zerosOk = r.zeros(5);
    } else {
      matchLen = r.u16();
      outPort = port11(r.u32());
      tableId = r.u8();
      zerosOk = r.zeros(3);
    }
    if (!(flags & (NXFMF_ADD | NXFMF_DELETE | NXFMF_MODIFY)) || flags & ~NX_ALL) fail('OFPMOFC_BAD_FLAGS');
    if (!zerosOk) fail('NXBRC_MUST_BE_ZERO');
    const match = fl === 'nx' ? pullNxMatch(r, matchLen, true, false).match : pullOxmMatch(r, false);
    requests.push({ id, flags, outPort, outGroup: OFPG_ANY, tableId, command: 0, match });
  }
  return { type: OfType.FLOW_MONITOR_STATS_REQUEST, xid: h.xid, flags: h.statFlags, requests };
}

function decodeUpdates(r: Reader, h: MsgHeader, fl: 'nx' | 'onf' | 'of14'): FlowMonitorReplyMsg | FlowMonitorPauseMsg {
  // OpenFlow 1.4 signals pause / resume as a reply holding just that event.
  if (fl === 'of14' && r.left === 8 && r.peek16(0) === 8 && (r.peek16(2) === 5 || r.peek16(2) === 6)) {
    const type = r.peek16(2) === 5 ? OfType.FLOW_MONITOR_PAUSED : OfType.FLOW_MONITOR_RESUMED;
    r.pos = r.end;
    return { type, xid: h.xid };
  }
  const updates: FlowUpdate[] = [];
  while (r.left > 0) {
    if (r.left < 4) fail('OFPBRC_BAD_LEN');
    const start = r.pos;
    const length = r.u16();
    let event = r.u16();
    if (length > r.end - start || length % 8) fail('OFPBRC_BAD_LEN', `flow update length ${length}`);
    if (fl === 'of14') {
      if (event === 4) event = NXFME_ABBREV;
      else if (event === 5 || event === 6) {
        if (length !== 8) fail('OFPBRC_BAD_LEN');
        r.pos = start + 8;
        continue;
      } else if (event <= 3) event = event === 2 ? NXFME_DELETED : event === 3 ? NXFME_MODIFIED : NXFME_ADDED;
      else fail('NXBRC_FM_BAD_EVENT');
    }
    if (event === NXFME_ABBREV) {
      if (length !== 8) fail('OFPBRC_BAD_LEN');
      updates.push({ event, xid: r.u32(), reason: 0, idleTimeout: 0, hardTimeout: 0, tableId: 0, priority: 0, cookie: 0n, match: newMatch(), actions: null });
      continue;
    }
    if (event > NXFME_MODIFIED) fail('NXBRC_FM_BAD_EVENT', `flow update event ${event}`);
    if (length < 24) fail('OFPBRC_BAD_LEN');
    let reason: number;
    let priority: number;
    let idleTimeout: number;
    let hardTimeout: number;
    let tableId: number;
    let matchLen = 0;
    if (fl === 'of14') {
      tableId = r.u8();
      reason = r.u8();
      idleTimeout = r.u16();
      hardTimeout = r.u16();
      priority = r.u16();
      r.skip(4);
    } else {
      reason = r.u16();
      priority = r.u16();
      idleTimeout = r.u16();
      hardTimeout = r.u16();
      matchLen = r.u16();
      tableId = r.u8();
      r.skip(1);
    }
    const cookie = r.u64();
    let match;
    let actions;
    const end = start + length;
    if (fl === 'nx') {
      if (24 + matchLen > length) fail('OFPBRC_BAD_LEN');
      match = pullNxMatch(r, matchLen, true, false).match;
      actions = pullActions(r, end - r.pos, h.version);
    } else {
      match = pullOxmMatch(r, false);
      actions = pullInstructions(r, end - r.pos, h.version);
    }
    updates.push({ event, xid: 0, reason, idleTimeout, hardTimeout, tableId, priority, cookie, match, actions });
  }
  return { type: OfType.FLOW_MONITOR_STATS_REPLY, xid: h.xid, flags: h.statFlags, updates };
}

export const FLOW_MONITOR_DEFS: MsgDef[] = [
  def('NXST_FLOW_MONITOR_REQUEST', Kind.NXST_REQ, NXST_FLOW_MONITOR, '1.0-1.2', 0, 8, (r, h) => decodeRequests(r, h, 'nx')),
  def('ONFST13_FLOW_MONITOR_REQUEST', Kind.ONFST_REQ, ONFST_FLOW_MONITOR, '1.3', 0, 8, (r, h) => decodeRequests(r, h, 'onf')),
  def('OFPST14_FLOW_MONITOR_REQUEST', Kind.ST_REQ, OFPMP_FLOW_MONITOR, '1.4+', 0, 8, (r, h) => decodeRequests(r, h, 'of14')),
  def('NXST_FLOW_MONITOR_REPLY', Kind.NXST_REP, NXST_FLOW_MONITOR, '1.0-1.2', 0, 8, (r, h) => decodeUpdates(r, h, 'nx')),
  def('ONFST13_FLOW_MONITOR_REPLY', Kind.ONFST_REP, ONFST_FLOW_MONITOR, '1.3', 0, 8, (r, h) => decodeUpdates(r, h, 'onf')),
  def('OFPST14_FLOW_MONITOR_REPLY', Kind.ST_REP, OFPMP_FLOW_MONITOR, '1.4+', 0, 8, (r, h) => decodeUpdates(r, h, 'of14')),
];

function mpKind(fl: 'nx' | 'onf' | 'of14', reply: boolean): { kind: Kind; num: number } {
  if (fl === 'nx') return { kind: reply ? Kind.NXST_REP : Kind.NXST_REQ, num: NXST_FLOW_MONITOR };
  if (fl === 'onf') return { kind: reply ? Kind.ONFST_REP : Kind.ONFST_REQ, num: ONFST_FLOW_MONITOR };
  return { kind: reply ? Kind.ST_REP : Kind.ST_REQ, num: OFPMP_FLOW_MONITOR };
}

export function encodeFlowMonitorRequest(m: FlowMonitorRequestMsg, version: number): Uint8Array {
  const fl = flavor(version);
  const k = mpKind(fl, false);
  const w = startMsg(k.kind, k.num, version, m.xid, m.flags);
  for (const q of m.requests) {
    if (fl === 'of14') {
      w.u32(q.id).u32(portToOfp11(q.outPort)).u32(q.outGroup).u16(nxFlagsToOf14(q.flags)).u8(q.tableId).u8(q.command);
      putOxmMatch(w, q.match, version);
    } else if (fl === 'nx') {
      const at = w.len;
      w.u32(q.id).u16(q.flags).u16(q.outPort).u16(0).u8(q.tableId).zeros(5);
      w.set16(at + 8, putNxMatch(w, q.match));
    } else {
      const at = w.len;
      w.u32(q.id).u16(q.flags).u16(0).u32(portToOfp11(q.outPort)).u8(q.tableId).zeros(3);
      w.set16(at + 6, putOxmMatch(w, q.match, version));
    }
  }
  return finishMsg(w);
}

/** Writes one flow update (for replies). */
export function putFlowUpdate(w: Writer, u: FlowUpdate, version: number): void {
  const fl = flavor(version);
  const start = w.len;
  if (u.event === NXFME_ABBREV) {
    w.u16(8).u16(fl === 'of14' ? 4 : NXFME_ABBREV).u32(u.xid);
    return;
  }
  if (fl === 'of14') {
    const ev = u.event === NXFME_DELETED ? 2 : u.event === NXFME_MODIFIED ? 3 : 1;
    w.u16(0).u16(ev).u8(u.tableId).u8(u.reason).u16(u.idleTimeout).u16(u.hardTimeout).u16(u.priority).zeros(4).u64(u.cookie);
    putOxmMatch(w, u.match, version);
    if (u.actions) putInstructions(w, u.actions, version, u.match);
  } else {
    w.u16(0).u16(u.event).u16(u.reason).u16(u.priority).u16(u.idleTimeout).u16(u.hardTimeout);
    const lenAt = w.len;
    w.u16(0).u8(u.tableId).u8(0).u64(u.cookie);
    if (fl === 'nx') {
      w.set16(lenAt, putNxMatch(w, u.match));
      if (u.actions) putActions(w, u.actions, version, u.match);
    } else {
      w.set16(lenAt, putOxmMatch(w, u.match, version));
      if (u.actions) putInstructions(w, u.actions, version, u.match);
    }
  }
  w.set16(start, w.len - start);
}

export function encodeFlowMonitorReply(m: FlowMonitorReplyMsg, version: number): Uint8Array {
  const k = mpKind(flavor(version), true);
  const w = startMsg(k.kind, k.num, version, m.xid, m.flags, 256);
  for (const u of m.updates) putFlowUpdate(w, u, version);
  return finishMsg(w);
}

export function encodeFlowMonitorCancel(m: FlowMonitorCancelMsg, version: number): Uint8Array {
  if (version >= OFP14_VERSION) {
    // OpenFlow 1.4 cancels with a flow monitor request whose command is DELETE.
    const w = startMsg(Kind.ST_REQ, OFPMP_FLOW_MONITOR, version, m.xid);
    w.u32(m.id).zeros(10).u8(2);
    w.u16(1).u16(4).zeros(4);
    return finishMsg(w);
  }
  const w = version === OFP13_VERSION ? startMsg(Kind.ONFT, 1870, version, m.xid) : startMsg(Kind.NXT, 21, version, m.xid);
  w.u32(m.id);
  return finishMsg(w);
}
