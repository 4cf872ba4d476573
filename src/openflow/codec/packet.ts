/*
 * Packet-in (OFPT_PACKET_IN of OpenFlow 1.0 and 1.3+, NXT_PACKET_IN, NXT_PACKET_IN2) and
 * packet-out (OpenFlow 1.0, 1.1-1.4, 1.5) messages, as OVS lib/ofp-packet.c decodes and
 * encodes them. Pipeline metadata travels as a Match (in_port, metadata, registers,
 * tunnel fields...).
 */

import { W_IN_PORT } from '../../flow/layout.js';
import { newMatch, type Match } from '../../flow/match.js';
import { MF_FIELDS, MFF, mfMaskAll, mfPutValue } from '../../flow/meta-flow.js';
import { OFPP_CONTROLLER, portFromOfp11, portToOfp11 } from '../../flow/ofp-port.js';
import { fail, Reader, type Writer } from './bytes.js';
import { NXT_PACKET_IN, NXT_PACKET_IN2, NXT_RESUME, OFP10_VERSION, OFP13_VERSION, OFP14_VERSION, OFP15_VERSION, OFPT_PACKET_IN, OFPT_PACKET_OUT } from './constants.js';
import { pullActions, putActions } from './actions.js';
import { OfType, type PacketInMsg, type PacketOutMsg, type ResumeMsg } from './messages.js';
import { def, finishMsg, Kind, startMsg, type MsgDef, type MsgHeader } from './msg-core.js';
import { decodeOxmEntries, encodeOxmEntries, pullNxMatch, pullOxmMatch, putNxMatch, putOxmMatch } from './match-oxm.js';
import { parsePropU32, parsePropU64, parsePropU8, pullProp } from './props.js';

const NXPINT_PACKET = 0;
const NXPINT_FULL_LEN = 1;
const NXPINT_BUFFER_ID = 2;
const NXPINT_TABLE_ID = 3;
const NXPINT_COOKIE = 4;
const NXPINT_REASON = 5;
const NXPINT_METADATA = 6;
const NXPINT_USERDATA = 7;
const NXPINT_CONTINUATION = 8;

const U64_MAX = 0xffffffffffffffffn;

function inPortMatch(port: number): Match {
  const m = newMatch();
  const f = MF_FIELDS[MFF.IN_PORT]!;
  mfPutValue(f, m.key, new Uint8Array([port >>> 8, port & 0xff]));
  mfMaskAll(f, m.mask);
  return m;
}

/** OVS encode_packet_in_reason: reasons newer than the version are mapped down. */
function wireReason(reason: number, version: number): number {
  if (reason <= 2) return reason;
  if (reason <= 5) return version < OFP14_VERSION ? 1 : reason;
  return 0;
}

function pin(h: MsgHeader, fields: Omit<PacketInMsg, 'type' | 'xid'>): PacketInMsg {
  return { type: OfType.PACKET_IN, xid: h.xid, ...fields };
}

function decodePacketIn10(r: Reader, h: MsgHeader): PacketInMsg {
  const bufferId = r.u32();
  const totalLen = r.u16();
  const inPort = r.u16();
  const reason = r.u8();
  r.skip(1);
  return pin(h, {
    format: 'standard', bufferId, totalLen, reason, tableId: 0, cookie: U64_MAX, match: inPortMatch(inPort),
    data: r.bytes(r.left), userdata: null, continuation: null,
  });
}

function decodePacketIn13(r: Reader, h: MsgHeader): PacketInMsg {
  const bufferId = r.u32();
  const totalLen = r.u16();
  const reason = r.u8();
  const tableId = r.u8();
  const cookie = r.u64();
  const match = pullOxmMatch(r, false);
  if (r.left < 2) fail('OFPBRC_BAD_LEN', 'packet-in lacks the 2 pad bytes');
  r.skip(2);
  return pin(h, { format: 'standard', bufferId, totalLen, reason, tableId, cookie, match, data: r.bytes(r.left), userdata: null, continuation: null });
}

function decodeNxPacketIn(r: Reader, h: MsgHeader): PacketInMsg {
  const bufferId = r.u32();
  const totalLen = r.u16();
  const reason = r.u8();
  const tableId = r.u8();
  const cookie = r.u64();
  const matchLen = r.u16();
  r.skip(6);
  const m = pullNxMatch(r, matchLen, false, false);
  if (r.left < 2) fail('OFPBRC_BAD_LEN', 'packet-in lacks the 2 pad bytes');
  r.skip(2);
  return pin(h, { format: 'nxt', bufferId, totalLen, reason, tableId, cookie, match: m.match, data: r.bytes(r.left), userdata: null, continuation: null });
}

/** The fields NXT_PACKET_IN2 and NXT_RESUME share (OVS decode_nx_packet_in2). */
type PacketIn2Fields = Omit<PacketInMsg, 'type' | 'xid' | 'format'>;

function decodePacketIn2Props(r: Reader, what: string): PacketIn2Fields {
  let data: Uint8Array | null = null;
  let totalLen = 0;
  let bufferId = 0xffffffff;
  let tableId = 0;
  let cookie = U64_MAX;
  let reason = 0;
  let match = newMatch();
  let userdata: Uint8Array | null = null;
  let continuation: Uint8Array | null = null;
  while (r.left > 0) {
    const p = pullProp(r);
    switch (p.type) {
      case NXPINT_PACKET: data = p.body.bytes(p.body.left); break;
      case NXPINT_FULL_LEN: totalLen = parsePropU32(p); break;
      case NXPINT_BUFFER_ID: bufferId = parsePropU32(p); break;
      case NXPINT_TABLE_ID: tableId = parsePropU8(p); break;
      case NXPINT_COOKIE: cookie = parsePropU64(p); break;
      case NXPINT_REASON: reason = parsePropU8(p); break;
      case NXPINT_METADATA: match = decodeOxmEntries(p.body, p.body.left, false, false).match; break;
      case NXPINT_USERDATA: userdata = p.body.bytes(p.body.left); break;
      case NXPINT_CONTINUATION:
        // A nested property (OVS ofpprop_parse_nested): its header is padded to 8 bytes.
        if (p.body.left < 4) fail('OFPBPC_BAD_LEN', 'continuation property has bad length');
        p.body.skip(4);
        continuation = p.body.bytes(p.body.left);
        break;
      default: fail(p.experimenter ? 'OFPBPC_BAD_EXP_TYPE' : 'OFPBPC_BAD_TYPE', `${what} property ${p.type}`);
    }
  }
  if (!data || data.length === 0) fail('OFPBRC_BAD_LEN', `${what} lacks packet`);
  if (!totalLen) totalLen = data.length;
  else if (totalLen < data.length) fail('OFPBRC_BAD_LEN', `${what} full_len < len`);
  return { bufferId, totalLen, reason, tableId, cookie, match, data, userdata, continuation };
}

function decodeNxPacketIn2(r: Reader, h: MsgHeader): PacketInMsg {
  return pin(h, { format: 'nxt2', ...decodePacketIn2Props(r, 'NXT_PACKET_IN2') });
}

function decodeResume(r: Reader, h: MsgHeader): ResumeMsg {
  return { type: OfType.RESUME, xid: h.xid, ...decodePacketIn2Props(r, 'NXT_RESUME') };
}

export const PACKET_DEFS: MsgDef[] = [
  def('OFPT10_PACKET_IN', Kind.T, OFPT_PACKET_IN, '1.0', 10, 1, decodePacketIn10),
  def('OFPT13_PACKET_IN', Kind.T, OFPT_PACKET_IN, '1.3+', 16, 1, decodePacketIn13),
  def('NXT_PACKET_IN', Kind.NXT, NXT_PACKET_IN, '1.0+', 24, 1, decodeNxPacketIn),
  def('NXT_PACKET_IN2', Kind.NXT, NXT_PACKET_IN2, '1.0+', 0, 8, decodeNxPacketIn2),
  def('NXT_RESUME', Kind.NXT, NXT_RESUME, '1.0+', 0, 8, decodeResume),
  def('OFPT10_PACKET_OUT', Kind.T, OFPT_PACKET_OUT, '1.0', 8, 1, (r, h) => decodePacketOut(r, h)),
  def('OFPT11_PACKET_OUT', Kind.T, OFPT_PACKET_OUT, '1.1-1.4', 16, 1, (r, h) => decodePacketOut(r, h)),
  def('OFPT15_PACKET_OUT', Kind.T, OFPT_PACKET_OUT, '1.5+', 8, 1, (r, h) => decodePacketOut(r, h)),
];

/** NXT_PACKET_IN2's properties (OVS ofputil_put_packet_in + the continuation): `data` is all of the packet here. */
function putPacketIn2Props(w: Writer, m: PacketIn2Fields, reason: number, version: number, resume: boolean): void {
  const prop = (type: number, body: () => void): void => {
    const at = w.len;
    w.u16(type).u16(4);
    body();
    w.set16(at + 2, w.len - at);
    w.pad(8);
  };
  prop(NXPINT_PACKET, () => w.bytes(m.data));
  if (m.totalLen !== m.data.length) prop(NXPINT_FULL_LEN, () => w.u32(m.totalLen));
  if (m.bufferId !== 0xffffffff) prop(NXPINT_BUFFER_ID, () => w.u32(m.bufferId));
  prop(NXPINT_TABLE_ID, () => w.u8(m.tableId));
  if (m.cookie !== U64_MAX) prop(NXPINT_COOKIE, () => w.zeros(4).u64(m.cookie));
  prop(NXPINT_REASON, () => w.u8(reason));
  prop(NXPINT_METADATA, () => encodeOxmEntries(w, m.match, version));
  // A packet-in leaves out an empty continuation; NXT_RESUME always has one and no userdata.
  if (m.continuation && (m.continuation.length || resume)) prop(NXPINT_CONTINUATION, () => w.zeros(4).bytes(m.continuation!));
  if (!resume && m.userdata && m.userdata.length) prop(NXPINT_USERDATA, () => w.bytes(m.userdata!));
}

/**
 * NXT_RESUME (OVS ofputil_encode_resume): the packet-in's packet, table, cookie, reason and
 * metadata, and the continuation copied as it came (always present, possibly empty).
 */
export function encodeResume(m: ResumeMsg, version: number): Uint8Array {
  const w = startMsg(Kind.NXT, NXT_RESUME, version, m.xid, 0, 64 + m.data.length);
  const fields: PacketIn2Fields = { ...m, totalLen: m.data.length, bufferId: 0xffffffff, continuation: m.continuation ?? new Uint8Array(0) };
  putPacketIn2Props(w, fields, wireReason(m.reason, version), version, true);
  return finishMsg(w);
}

export function encodePacketIn(m: PacketInMsg, version: number): Uint8Array {
  const reason = wireReason(m.reason, version);
  if (m.format === 'nxt2') {
    const w = startMsg(Kind.NXT, NXT_PACKET_IN2, version, m.xid, 0, 64 + m.data.length);
    putPacketIn2Props(w, m, reason, version, false);
    return finishMsg(w);
  }
  if (m.format === 'nxt' || (version !== OFP10_VERSION && version < OFP13_VERSION)) {
    const w = startMsg(Kind.NXT, NXT_PACKET_IN, version, m.xid, 0, 64 + m.data.length);
    w.u32(m.bufferId).u16(m.totalLen).u8(reason).u8(m.tableId).u64(m.cookie);
    const lenAt = w.len;
    w.u16(0).zeros(6);
    w.set16(lenAt, putNxMatch(w, m.match));
    w.zeros(2).bytes(m.data);
    return finishMsg(w);
  }
  if (version === OFP10_VERSION) {
    const w = startMsg(Kind.T, OFPT_PACKET_IN, version, m.xid, 0, 32 + m.data.length);
    w.u32(m.bufferId).u16(m.totalLen).u16(m.match.key[W_IN_PORT]! & 0xffff).u8(reason).u8(0).bytes(m.data);
    return finishMsg(w);
  }
  const w = startMsg(Kind.T, OFPT_PACKET_IN, version, m.xid, 0, 64 + m.data.length);
  w.u32(m.bufferId).u16(m.totalLen).u8(reason).u8(m.tableId).u64(m.cookie);
  putOxmMatch(w, m.match, version);
  w.zeros(2).bytes(m.data);
  return finishMsg(w);
}

function checkInPort(port: number): void {
  if (port >= 0xff00 && port !== 0xfffe && port !== 0xffff && port !== OFPP_CONTROLLER) {
    fail('OFPBRC_BAD_PORT', `packet-out has bad input port 0x${port.toString(16)}`);
  }
}

function decodePacketOut(r: Reader, h: MsgHeader): PacketOutMsg {
  const v = h.version;
  const bufferId = r.u32();
  let match: Match;
  let actionsLen: number;
  if (v === OFP10_VERSION) {
    const inPort = r.u16();
    actionsLen = r.u16();
    match = inPortMatch(inPort);
  } else if (v < OFP15_VERSION) {
    const p = portFromOfp11(r.u32());
    actionsLen = r.u16();
    r.skip(6);
    if (p === null) fail('OFPBAC_BAD_OUT_PORT', 'bad packet-out in_port');
    match = inPortMatch(p);
  } else {
    actionsLen = r.u16();
    r.skip(2);
    match = pullOxmMatch(r, false, true);
    if (!(match.mask[W_IN_PORT]! & 0xffff)) fail('OFPBRC_BAD_PORT', 'packet-out match lacks in_port');
  }
  const actions = pullActions(r, actionsLen, v);
  const inPort = match.key[W_IN_PORT]! & 0xffff;
  checkInPort(inPort);
  const data = bufferId === 0xffffffff ? r.bytes(r.left) : new Uint8Array(0);
  r.pos = r.end;
  return { type: OfType.PACKET_OUT, xid: h.xid, bufferId, inPort, match, actions, data };
}

export function encodePacketOut(m: PacketOutMsg, version: number): Uint8Array {
  const w = startMsg(Kind.T, OFPT_PACKET_OUT, version, m.xid, 0, 64 + m.data.length);
  let lenAt: number;
  if (version === OFP10_VERSION) {
    w.u32(m.bufferId).u16(m.inPort);
    lenAt = w.len;
    w.u16(0);
  } else if (version < OFP15_VERSION) {
    w.u32(m.bufferId).u32(portToOfp11(m.inPort));
    lenAt = w.len;
    w.u16(0).zeros(6);
  } else {
    w.u32(m.bufferId);
    lenAt = w.len;
    w.u16(0).zeros(2);
    const match: Match = { key: m.match.key.slice(), mask: m.match.mask.slice() };
    match.key[W_IN_PORT] = m.inPort;
    match.mask[W_IN_PORT] = 0xffff;
    putOxmMatch(w, match, version);
  }
  const actStart = w.len;
  putActions(w, m.actions, version);
  w.set16(lenAt, w.len - actStart);
  if (m.bufferId === 0xffffffff) w.bytes(m.data);
  return finishMsg(w);
}

/** A packet-out with in_port as the only metadata. */
export function makePacketOut(xid: number, inPort: number, actions: PacketOutMsg['actions'], data: Uint8Array, bufferId = 0xffffffff): PacketOutMsg {
  return { type: OfType.PACKET_OUT, xid, bufferId, inPort, match: inPortMatch(inPort), actions, data };
}
