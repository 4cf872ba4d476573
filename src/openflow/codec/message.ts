/*
 * The codec's entry points: decodeMessage() (never throws; returns the decoded message or
 * the OpenFlow error OVS would reply with), encodeMessage() / encodeMessages(), the error
 * reply builder, and the header-level classification OVS calls ofptype_decode. The header
 * is classified as OVS's ofphdrs_decode does (vendor, statistics and vendor statistics
 * headers), then the body length is checked against the message's table entry before its
 * decoder runs.
 */

import { fail, OfpFail, Reader } from './bytes.js';
import {
  isSupportedVersion,
  NX_VENDOR_ID,
  NXT_CT_FLUSH_ZONE,
  NXT_FLOW_MOD_TABLE_ID,
  NXT_GROUP_MOD,
  NXT_REQUESTFORWARD,
  NXT_SET_CONTROLLER_ID,
  NXT_SET_FLOW_FORMAT,
  NXT_SET_PACKET_IN_FORMAT,
  OFP10_VERSION,
  OFP13_VERSION,
  OFP15_VERSION,
  OFPMP_VENDOR,
  OFPT_VENDOR,
  OFPT11_GROUP_MOD,
  OFPT13_METER_MOD,
  OFPT14_REQUESTFORWARD,
  ONF_VENDOR_ID,
  ONFT_REQUESTFORWARD,
} from './constants.js';
import { encodeFlowMod, FLOW_MOD_DEFS } from './flow-mod.js';
import { encodeFlowRemoved, FLOW_REMOVED_DEFS } from './flow-removed.js';
import { encodeFlowMonitorCancel, encodeFlowMonitorReply, encodeFlowMonitorRequest, FLOW_MONITOR_DEFS } from './flow-monitor.js';
import { decodeGroupMod, decodeMeterMod, putBands, putGroupModBody } from './group-meter.js';
import { isDecodeError, OfType, type ErrorMsg, type OfDecodeError, type OfMessage } from './messages.js';
import {
  BASIC_DEFS,
  encodeAsync,
  encodeBundleAdd,
  encodeBundleControl,
  encodeEcho,
  encodeEmpty,
  encodeError,
  encodeFeaturesReply,
  encodeHello,
  encodeNxU32,
  encodePortMod,
  encodePortStatus,
  encodeQueueConfigReply,
  encodeQueueConfigRequest,
  encodeRole,
  encodeRoleStatus,
  encodeSwitchConfig,
  encodeTableMod,
} from './msg-basic.js';
import { def, finishMsg, Kind, startMsg, type DecodeOptions, type EncodeOptions, type MsgDef, type MsgHeader } from './msg-core.js';
import {
  encodeAggregateReply,
  encodeDescReply,
  encodeEmptyMp,
  encodeEntryReply,
  encodeFlowStatsRequest,
  encodeGroupFeaturesReply,
  encodeGroupStatsRequest,
  encodeMeterFeaturesReply,
  encodeMeterStatsRequest,
  encodeMultipartReplies,
  encodePortStatsRequest,
  encodeQueueStatsRequest,
  isEntryReply,
  MULTIPART_DEFS,
} from './multipart.js';
import { ofperrCategory } from './ofperr.js';
import { encodePacketIn, encodePacketOut, encodeResume, PACKET_DEFS } from './packet.js';

export type { DecodeOptions, EncodeOptions } from './msg-core.js';

const MOD_DEFS: MsgDef[] = [
  def('NXT_GROUP_MOD', Kind.NXT, NXT_GROUP_MOD, '1.0', 16, 8, (r, h) => decodeGroupMod(r, h.version, h.xid)),
  def('OFPT11_GROUP_MOD', Kind.T, OFPT11_GROUP_MOD, '1.1-1.4', 8, 8, (r, h) => decodeGroupMod(r, h.version, h.xid)),
  def('OFPT15_GROUP_MOD', Kind.T, OFPT11_GROUP_MOD, '1.5+', 16, 8, (r, h) => decodeGroupMod(r, h.version, h.xid)),
  def('OFPT13_METER_MOD', Kind.T, OFPT13_METER_MOD, '1.3+', 8, 8, (r, h) => decodeMeterMod(r, h.xid)),
];

const ALL_DEFS: MsgDef[] = [
  ...BASIC_DEFS, ...FLOW_MOD_DEFS, ...FLOW_REMOVED_DEFS, ...PACKET_DEFS, ...MULTIPART_DEFS, ...FLOW_MONITOR_DEFS, ...MOD_DEFS,
];

/** Registry: "version:kind:num" -> def. Definitions for "all" versions are registered for 1..255. */
const REGISTRY = new Map<string, MsgDef>();
for (const d of ALL_DEFS) {
  for (let v = d.lo; v <= Math.min(d.hi, 255); v++) {
    const key = `${v}:${d.kind}:${d.num}`;
    if (REGISTRY.has(key)) throw new Error(`duplicate message definition ${key} (${d.name})`);
    REGISTRY.set(key, d);
  }
}

interface Classified {
  readonly h: MsgHeader;
  readonly def: MsgDef;
}

/** OVS ofphdrs_decode + ofpraw_from_ofphdrs + ofpraw_check_length. */
function classify(b: Uint8Array): Classified {
  const r = new Reader(b);
  if (b.length < 8) fail('OFPBRC_BAD_LEN', `message of ${b.length} bytes is shorter than a header`);
  const version = r.u8();
  const type = r.u8();
  const length = r.u16();
  const xid = r.u32();
  if (length !== b.length) fail('OFPBRC_BAD_LEN', `header length ${length} != ${b.length} bytes given`);
  let stat = -1;
  let statFlags = 0;
  let vendor = 0;
  let subtype = 0;
  let hdrsLen = 8;
  let kind: Kind = Kind.T;
  let num = type;
  const isStatReq = version === OFP10_VERSION ? type === 16 : type === 18;
  const isStatRep = version === OFP10_VERSION ? type === 17 : type === 19;
  if (type === OFPT_VENDOR) {
    if (length < 16) fail('OFPBRC_BAD_LEN', 'vendor message shorter than its header');
    vendor = r.u32();
    if (vendor !== NX_VENDOR_ID && vendor !== ONF_VENDOR_ID) fail('OFPBRC_BAD_VENDOR', `unknown vendor 0x${vendor.toString(16)}`);
    subtype = r.u32();
    hdrsLen = 16;
    kind = vendor === NX_VENDOR_ID ? Kind.NXT : Kind.ONFT;
    num = subtype;
  } else if (isStatReq || isStatRep) {
    const v10 = version === OFP10_VERSION;
    if (length < (v10 ? 12 : 16)) fail('OFPBRC_BAD_LEN', 'statistics message shorter than its header');
    stat = r.u16();
    statFlags = r.u16();
    hdrsLen = v10 ? 12 : 16;
    kind = isStatRep ? Kind.ST_REP : Kind.ST_REQ;
    num = stat;
    if (stat === OFPMP_VENDOR) {
      if (length < (v10 ? 16 : 24)) fail('OFPBRC_BAD_LEN', 'vendor statistics message shorter than its header');
      if (!v10) r.skip(4);
      vendor = r.u32();
      if (vendor === NX_VENDOR_ID || (!v10 && vendor === ONF_VENDOR_ID)) {
        if (length < 24) fail('OFPBRC_BAD_LEN', 'vendor statistics message shorter than its header');
        subtype = r.u32();
      } else {
        fail('OFPBRC_BAD_VENDOR', `unknown statistics vendor 0x${vendor.toString(16)}`);
      }
      hdrsLen = 24;
      const nx = vendor === NX_VENDOR_ID;
      kind = isStatRep ? (nx ? Kind.NXST_REP : Kind.ONFST_REP) : nx ? Kind.NXST_REQ : Kind.ONFST_REQ;
      num = subtype;
    }
  }
  const d = REGISTRY.get(`${version}:${kind}:${num}`);
  if (!d) {
    if (vendor) fail('OFPBRC_BAD_SUBTYPE', `unknown vendor subtype ${subtype}`);
    if (stat >= 0) fail('OFPBRC_BAD_STAT', `unknown statistics type ${stat}`);
    fail('OFPBRC_BAD_TYPE', `unknown message type ${type} in version ${version}`);
  }
  const body = length - hdrsLen;
  if (d.extra === 0 ? body !== d.minBody : body < d.minBody || (d.extra > 1 && (body - d.minBody) % d.extra !== 0)) {
    fail('OFPBRC_BAD_LEN', `${d.name} with body length ${body}`);
  }
  return { h: { version, type, length, xid, stat, statFlags, vendor, subtype, hdrsLen }, def: d };
}

function isImmutable(type: number): boolean {
  return type <= 3; // hello, error, echo request, echo reply
}

function decodeError(b: Uint8Array, e: OfpFail): OfDecodeError {
  const version = b.length > 0 ? b[0]! : 0;
  const msgType = b.length > 1 ? b[1]! : 0;
  const xid = b.length >= 8 ? ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0 : 0;
  return { kind: 'decode-error', error: e.code, version, msgType, xid, detail: e.detail };
}

const BUNDLABLE = new Set<number>([OfType.PORT_MOD, OfType.FLOW_MOD, OfType.GROUP_MOD, OfType.PACKET_OUT]);

/**
 * Decodes one whole OpenFlow message. Returns the message, or an OfDecodeError naming the
 * OpenFlow error OVS would send back (OFPBRC_BAD_LEN, OFPBRC_BAD_TYPE, OFPBAC_BAD_TYPE,
 * OFPBMC_BAD_PREREQ, ...). Never throws.
 */
export function decodeMessage(bytes: Uint8Array, opts: DecodeOptions = {}): OfMessage | OfDecodeError {
  try {
    if (bytes.length >= 8) {
      const version = bytes[0]!;
      const type = bytes[1]!;
      if (!isImmutable(type)) {
        if (opts.version !== undefined ? version !== opts.version : !isSupportedVersion(version)) {
          fail('OFPBRC_BAD_VERSION', `OpenFlow version 0x${version.toString(16)} not expected`);
        }
      }
    }
    const c = classify(bytes);
    const r = new Reader(bytes, c.h.hdrsLen, bytes.length, 'OFPBRC_BAD_LEN');
    const msg = c.def.decode(r, c.h, opts);
    if (msg.type === OfType.BUNDLE_ADD_MESSAGE) {
      const inner = decodeMessage(msg.message, { ...opts, version: c.h.version });
      let innerType: number | null = null;
      if (!isDecodeError(inner)) innerType = inner.type;
      else {
        try {
          innerType = classifyType(msg.message);
        } catch {
          innerType = null;
        }
      }
      if (innerType === null || !BUNDLABLE.has(innerType)) fail('OFPBFC_MSG_UNSUP', 'message not allowed in a bundle');
    }
    return msg;
  } catch (e) {
    if (e instanceof OfpFail) return decodeError(bytes, e);
    // A decoder bug must not take the connection down: report it as a bad request.
    const detail = e instanceof Error ? `internal decoder error: ${e.message}` : 'internal decoder error';
    return decodeError(bytes, new OfpFail('OFPBRC_BAD_LEN', detail));
  }
}

/** The OfType of a message from its header alone (OVS ofptype_decode); throws OfpFail. */
function classifyType(b: Uint8Array): number {
  const c = classify(b);
  // Decode the body only to learn the semantic type; its errors do not matter here.
  try {
    return c.def.decode(new Reader(b, c.h.hdrsLen, b.length), c.h, {}).type;
  } catch {
    const name = c.def.name;
    if (name.includes('FLOW_MOD')) return OfType.FLOW_MOD;
    if (name.includes('GROUP_MOD')) return OfType.GROUP_MOD;
    if (name.includes('PORT_MOD')) return OfType.PORT_MOD;
    if (name.includes('PACKET_OUT')) return OfType.PACKET_OUT;
    return -1;
  }
}

/**
 * The header fields of a message, or null if it is shorter than a header: for error replies
 * and logging before a full decode.
 */
export function peekHeader(bytes: Uint8Array): { version: number; type: number; length: number; xid: number } | null {
  if (bytes.length < 8) return null;
  return {
    version: bytes[0]!,
    type: bytes[1]!,
    length: (bytes[2]! << 8) | bytes[3]!,
    xid: ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0,
  };
}

/**
 * The OFPT_ERROR message OVS sends for `error` in reply to `request` (OVS
 * ofperr_encode_reply): same version (OpenFlow 1.0 if unknown) and xid, and the request's
 * bytes as data (as much as fits).
 */
export function encodeErrorReply(error: string, request: Uint8Array): Uint8Array {
  const h = peekHeader(request);
  const version = h && h.version >= 1 && h.version <= 6 ? h.version : OFP10_VERSION;
  const data = h ? request.subarray(0, Math.min(request.length, h.length)) : request;
  const m: ErrorMsg = { type: OfType.ERROR, xid: h ? h.xid : 0, error, vendor: 0, errType: 0, errCode: 0, data };
  return encodeError(m, version);
}

/** A hello-failed error (OVS ofperr_encode_hello) carrying an explanatory text. */
export function encodeHelloError(error: 'OFPHFC_INCOMPATIBLE' | 'OFPHFC_EPERM', version: number, text: string): Uint8Array {
  const data = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) data[i] = text.charCodeAt(i) & 0xff;
  return encodeError({ type: OfType.ERROR, xid: 0, error, vendor: 0, errType: 0, errCode: 0, data }, version >= 1 && version <= 6 ? version : 1);
}

/** ofproto's OfpErr ({ type: 'OFPET_...', code }) for an error name. */
export function toOfpErr(error: string): { type: string; code: string } {
  return { type: ofperrCategory(error), code: error };
}

function encodeGroupMod(m: Extract<OfMessage, { type: typeof OfType.GROUP_MOD }>, version: number): Uint8Array {
  const w = version === OFP10_VERSION ? startMsg(Kind.NXT, NXT_GROUP_MOD, version, m.xid) : startMsg(Kind.T, OFPT11_GROUP_MOD, version, m.xid);
  putGroupModBody(w, m, version);
  return finishMsg(w);
}

function needVersion(ok: boolean, what: string, version: number): void {
  if (!ok) throw new RangeError(`${what} cannot be encoded for OpenFlow version 0x${version.toString(16)}`);
}

/**
 * Encodes `msg` for OpenFlow `version` (wire number: 1 = 1.0, 4 = 1.3, 5 = 1.4, 6 = 1.5). Throws
 * RangeError when the message does not exist in that version or does not fit in 65535 bytes
 * (use encodeMessages for multipart replies that may need splitting).
 */
export function encodeMessage(msg: OfMessage, version: number, opts: EncodeOptions = {}): Uint8Array {
  switch (msg.type) {
    case OfType.HELLO: return encodeHello(msg, version);
    case OfType.ERROR: return encodeError(msg, version);
    case OfType.ECHO_REQUEST:
    case OfType.ECHO_REPLY: return encodeEcho(msg, version);
    case OfType.FEATURES_REQUEST:
    case OfType.GET_CONFIG_REQUEST:
    case OfType.BARRIER_REQUEST:
    case OfType.BARRIER_REPLY:
    case OfType.GET_ASYNC_REQUEST:
    case OfType.FLOW_AGE:
    case OfType.FLOW_MONITOR_PAUSED:
    case OfType.FLOW_MONITOR_RESUMED:
      if (msg.type === OfType.GET_ASYNC_REQUEST) needVersion(version >= OFP13_VERSION, 'get-async', version);
      return encodeEmpty(msg, version);
    case OfType.FEATURES_REPLY: return encodeFeaturesReply(msg, version);
    case OfType.GET_CONFIG_REPLY:
    case OfType.SET_CONFIG: return encodeSwitchConfig(msg, version);
    case OfType.PACKET_IN: return encodePacketIn(msg, version);
    case OfType.RESUME: return encodeResume(msg, version);
    case OfType.FLOW_REMOVED: return encodeFlowRemoved(msg, version);
    case OfType.PORT_STATUS: return encodePortStatus(msg, version);
    case OfType.PACKET_OUT: return encodePacketOut(msg, version);
    case OfType.FLOW_MOD: return encodeFlowMod(msg, version, opts);
    case OfType.GROUP_MOD: return encodeGroupMod(msg, version);
    case OfType.PORT_MOD: return encodePortMod(msg, version);
    case OfType.TABLE_MOD:
      needVersion(version > OFP10_VERSION, 'table-mod', version);
      return encodeTableMod(msg, version);
    case OfType.METER_MOD: {
      needVersion(version >= OFP13_VERSION, 'meter-mod', version);
      const w = startMsg(Kind.T, OFPT13_METER_MOD, version, msg.xid);
      w.u16(msg.command).u16(msg.flags).u32(msg.meterId);
      putBands(w, msg.bands);
      return finishMsg(w);
    }
    case OfType.QUEUE_GET_CONFIG_REQUEST: return encodeQueueConfigRequest(msg, version);
    case OfType.QUEUE_GET_CONFIG_REPLY: return encodeQueueConfigReply(msg, version);
    case OfType.ROLE_REQUEST:
    case OfType.ROLE_REPLY: return encodeRole(msg, version);
    case OfType.ROLE_STATUS:
      needVersion(version >= OFP13_VERSION, 'role-status', version);
      return encodeRoleStatus(msg, version);
    case OfType.GET_ASYNC_REPLY:
    case OfType.SET_ASYNC_CONFIG: return encodeAsync(msg, version);
    case OfType.REQUESTFORWARD: {
      const w = version < OFP13_VERSION ? startMsg(Kind.NXT, NXT_REQUESTFORWARD, version, msg.xid)
        : version === OFP13_VERSION ? startMsg(Kind.ONFT, ONFT_REQUESTFORWARD, version, msg.xid)
          : startMsg(Kind.T, OFPT14_REQUESTFORWARD, version, msg.xid);
      w.bytes(msg.request);
      return finishMsg(w);
    }
    case OfType.BUNDLE_CONTROL:
      needVersion(version >= OFP13_VERSION, 'bundle-control', version);
      return encodeBundleControl(msg, version);
    case OfType.BUNDLE_ADD_MESSAGE:
      needVersion(version >= OFP13_VERSION, 'bundle-add', version);
      return encodeBundleAdd(msg, version);
    case OfType.DESC_STATS_REQUEST:
    case OfType.TABLE_STATS_REQUEST:
    case OfType.GROUP_FEATURES_STATS_REQUEST:
    case OfType.METER_FEATURES_STATS_REQUEST:
      if (msg.type === OfType.METER_FEATURES_STATS_REQUEST) needVersion(version >= OFP13_VERSION, 'meter-features', version);
      return encodeEmptyMp(msg, version);
    case OfType.DESC_STATS_REPLY: return encodeDescReply(msg, version);
    case OfType.FLOW_STATS_REQUEST:
    case OfType.AGGREGATE_STATS_REQUEST: return encodeFlowStatsRequest(msg, version);
    case OfType.AGGREGATE_STATS_REPLY: return encodeAggregateReply(msg, version);
    case OfType.PORT_STATS_REQUEST:
    case OfType.PORT_DESC_STATS_REQUEST: return encodePortStatsRequest(msg, version);
    case OfType.QUEUE_STATS_REQUEST: return encodeQueueStatsRequest(msg, version);
    case OfType.GROUP_STATS_REQUEST:
    case OfType.GROUP_DESC_STATS_REQUEST: return encodeGroupStatsRequest(msg, version);
    case OfType.GROUP_FEATURES_STATS_REPLY: return encodeGroupFeaturesReply(msg, version);
    case OfType.METER_STATS_REQUEST:
    case OfType.METER_CONFIG_STATS_REQUEST:
      needVersion(version >= OFP13_VERSION, 'meter stats', version);
      return encodeMeterStatsRequest(msg, version);
    case OfType.METER_FEATURES_STATS_REPLY: return encodeMeterFeaturesReply(msg, version);
    case OfType.FLOW_MONITOR_STATS_REQUEST: return encodeFlowMonitorRequest(msg, version);
    case OfType.FLOW_MONITOR_STATS_REPLY: return encodeFlowMonitorReply(msg, version);
    case OfType.FLOW_MONITOR_CANCEL: return encodeFlowMonitorCancel(msg, version);
    case OfType.SET_FLOW_FORMAT:
      needVersion(version === OFP10_VERSION, 'set-flow-format', version);
      return encodeNxU32(NXT_SET_FLOW_FORMAT, msg, msg.format, version);
    case OfType.FLOW_MOD_TABLE_ID: {
      const w = startMsg(Kind.NXT, NXT_FLOW_MOD_TABLE_ID, version, msg.xid);
      w.u8(msg.enable ? 1 : 0).zeros(7);
      return finishMsg(w);
    }
    case OfType.SET_PACKET_IN_FORMAT: return encodeNxU32(NXT_SET_PACKET_IN_FORMAT, msg, msg.format, version);
    case OfType.SET_CONTROLLER_ID: {
      const w = startMsg(Kind.NXT, NXT_SET_CONTROLLER_ID, version, msg.xid);
      w.zeros(6).u16(msg.controllerId);
      return finishMsg(w);
    }
    case OfType.CT_FLUSH_ZONE: {
      const w = startMsg(Kind.NXT, NXT_CT_FLUSH_ZONE, version, msg.xid);
      w.zeros(6).u16(msg.zoneId);
      return finishMsg(w);
    }
    default:
      if (isEntryReply(msg)) {
        if (msg.type === OfType.METER_STATS_REPLY || msg.type === OfType.METER_CONFIG_STATS_REPLY || msg.type === OfType.TABLE_FEATURES_STATS_REPLY || msg.type === OfType.TABLE_FEATURES_STATS_REQUEST) {
          needVersion(version >= OFP13_VERSION, 'meter and table-features statistics', version);
        }
        return encodeEntryReply(msg, version);
      }
      throw new RangeError(`cannot encode message type ${(msg as { type: number }).type}`);
  }
}

/**
 * Encodes `msg` as one or more messages: multipart replies with entry lists are split over
 * several messages (OFPMPF_REPLY_MORE on all but the last) when they exceed 65535 bytes;
 * every other message gives exactly one.
 */
export function encodeMessages(msg: OfMessage, version: number, opts: EncodeOptions = {}): Uint8Array[] {
  if (isEntryReply(msg) && msg.type !== OfType.TABLE_FEATURES_STATS_REQUEST) return encodeMultipartReplies(msg, version);
  return [encodeMessage(msg, version, opts)];
}

/** Highest version this codec speaks. */
export const MAX_VERSION = OFP15_VERSION;
