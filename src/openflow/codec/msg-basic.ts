/*
 * Codecs of the small fixed-layout messages: hello (with version bitmap), error, echo,
 * features, switch config, barrier, port status, port-mod, table-mod, roles and role status,
 * asynchronous configuration, request-forward, bundles, queue config, and the Nicira
 * connection-setting messages (flow format, flow_mod_table_id, packet-in format, controller
 * id, flow age, ct flush zone, flow monitor cancel/paused/resumed).
 */

import { portFromOfp11, portToOfp11 } from '../../flow/ofp-port.js';
import { fail, Reader, type Writer } from './bytes.js';
import {
  NX_ROLE_MASTER,
  NX_ROLE_OTHER,
  NX_ROLE_SLAVE,
  OFP10_VERSION,
  OFP13_VERSION,
  OFP14_VERSION,
  OFPCR12_ROLE_EQUAL,
  OFPCR12_ROLE_MASTER,
  OFPCR12_ROLE_SLAVE,
  U64_MAX,
} from './constants.js';
import {
  OfType,
  type AsyncConfigMsg,
  type AsyncProp,
  type BundleAddMsg,
  type BundleControlMsg,
  type EchoMsg,
  type EmptyMsg,
  type ErrorMsg,
  type FeaturesReplyMsg,
  type HelloMsg,
  type OfMessage,
  type PortDesc,
  type PortModMsg,
  type QueueConfig,
  type RoleMsg,
  type RoleStatusMsg,
  type SwitchConfigMsg,
  type TableModMsg,
} from './messages.js';
import { def, finishMsg, Kind, startMsg, type MsgDef } from './msg-core.js';
import { NX_VENDOR, ONF_VENDOR, ofperrDecode, ofperrTriplet } from './ofperr.js';
import { featuresFromOfp10, featuresToOfp10, portDescLen, pullPortDesc, putPortDesc } from './port.js';
import { pullProp } from './props.js';

const NXET_VENDOR = 0xb0c2;
const NXVC_VENDOR_ERROR = 0;
const OFPET12_EXPERIMENTER = 0xffff;
const OFPHET_VERSIONBITMAP = 1;

function rest(r: Reader): Uint8Array {
  return r.bytes(r.left);
}

function port11(p: number, code = 'OFPBRC_BAD_PORT'): number {
  const q = portFromOfp11(p);
  if (q === null) fail(code, `bad port 0x${p.toString(16)}`);
  return q;
}

// --- hello, error, echo ---------------------------------------------------------------------------

function decodeHello(r: Reader, xid: number): HelloMsg {
  let versions: number[] | null = null;
  while (r.left >= 4) {
    const type = r.peek16(0);
    const len = r.peek16(2);
    const padded = Math.ceil(len / 8) * 8;
    if (len < 4 || padded > r.left) break;
    const start = r.pos;
    if (type === OFPHET_VERSIONBITMAP) {
      versions = [];
      const e = new Reader(r.buf, start + 4, start + len);
      for (let word = 0; e.left >= 4; word++) {
        const bits = e.u32();
        for (let i = 0; i < 32; i++) if ((bits >>> i) & 1) versions.push(word * 32 + i);
      }
    }
    r.pos = start + padded;
  }
  r.pos = r.end;
  return { type: OfType.HELLO, xid, versions };
}

export function encodeHello(m: HelloMsg, version: number): Uint8Array {
  const w = startMsg(Kind.T, 0, version, m.xid);
  if (m.versions !== null) {
    const max = m.versions.reduce((a, b) => Math.max(a, b), 0);
    const words = new Array<number>(Math.floor(max / 32) + 1).fill(0);
    for (const v of m.versions) words[v >> 5] = (words[v >> 5]! | (1 << (v & 31))) >>> 0;
    const at = w.len;
    w.u16(OFPHET_VERSIONBITMAP).u16(4 + 4 * words.length);
    for (const x of words) w.u32(x);
    w.pad(8, at);
  }
  return finishMsg(w);
}

function decodeError(r: Reader, version: number, xid: number): ErrorMsg {
  let type = r.u16();
  let code = r.u16();
  let vendor = 0;
  if (type === NXET_VENDOR && code === NXVC_VENDOR_ERROR && r.left >= 8) {
    vendor = r.u32();
    type = r.u16();
    code = r.u16();
  } else if (type === OFPET12_EXPERIMENTER && r.left >= 4) {
    vendor = r.u32();
    type = code;
    code = 0;
  }
  return { type: OfType.ERROR, xid, error: ofperrDecode(version, vendor, type, code), vendor, errType: type, errCode: code, data: rest(r) };
}

export function encodeError(m: ErrorMsg, version: number): Uint8Array {
  let vendor = m.vendor;
  let type = m.errType;
  let code = m.errCode;
  if (m.error !== null) {
    // OVS ofperr_encode_msg__: an error the version cannot express becomes NXBRC_UNENCODABLE_ERROR.
    const dv = version >= 1 && version <= 6 ? version : OFP10_VERSION;
    const use = ofperrTriplet(m.error, dv) ?? ofperrTriplet('NXBRC_UNENCODABLE_ERROR', dv)!;
    vendor = use.vendor;
    type = use.type;
    code = use.code;
  }
  const w = startMsg(Kind.T, 1, version, m.xid, 0, 12 + m.data.length);
  if (!vendor) {
    w.u16(type).u16(code);
  } else if (version <= 2) {
    w.u16(NXET_VENDOR).u16(NXVC_VENDOR_ERROR).u32(vendor).u16(type).u16(code);
  } else {
    w.u16(OFPET12_EXPERIMENTER).u16(type).u32(vendor);
  }
  const room = 0xffff - w.len;
  w.bytes(m.data.length > room ? m.data.subarray(0, room) : m.data);
  return finishMsg(w);
}

export function encodeEcho(m: EchoMsg, version: number): Uint8Array {
  const w = startMsg(Kind.T, m.type === OfType.ECHO_REQUEST ? 2 : 3, version, m.xid);
  w.bytes(m.data);
  return finishMsg(w);
}

// --- features and config --------------------------------------------------------------------------

function decodeFeaturesReply(r: Reader, version: number, xid: number): FeaturesReplyMsg {
  const datapathId = r.u64();
  const nBuffers = r.u32();
  const nTables = r.u8();
  const auxiliaryId = version >= OFP13_VERSION ? r.u8() : (r.skip(1), 0);
  r.skip(2);
  const capabilities = r.u32();
  const actions = r.u32();
  const ports: PortDesc[] = [];
  if (version < OFP13_VERSION) {
    while (r.left > 0) ports.push(pullPortDesc(r, version));
  }
  return {
    type: OfType.FEATURES_REPLY, xid, datapathId, nBuffers, nTables, auxiliaryId, capabilities,
    actions: version === OFP10_VERSION ? actions : 0, ports,
  };
}

export function encodeFeaturesReply(m: FeaturesReplyMsg, version: number): Uint8Array {
  const w = startMsg(Kind.T, 6, version, m.xid);
  w.u64(m.datapathId).u32(m.nBuffers).u8(m.nTables).u8(version >= OFP13_VERSION ? m.auxiliaryId : 0).zeros(2);
  w.u32(m.capabilities).u32(version === OFP10_VERSION ? m.actions : 0);
  if (version < OFP13_VERSION) for (const p of m.ports) putPortDesc(w, p, version);
  return finishMsg(w);
}

export function encodeSwitchConfig(m: SwitchConfigMsg, version: number): Uint8Array {
  const w = startMsg(Kind.T, m.type === OfType.GET_CONFIG_REPLY ? 8 : 9, version, m.xid);
  w.u16(m.flags).u16(m.missSendLen);
  return finishMsg(w);
}

// --- port status, port mod, table mod -------------------------------------------------------------

export function encodePortStatus(m: { xid: number; reason: number; desc: PortDesc }, version: number): Uint8Array {
  const w = startMsg(Kind.T, 12, version, m.xid, 0, 16 + portDescLen(version));
  w.u8(m.reason).zeros(7);
  putPortDesc(w, m.desc, version);
  return finishMsg(w);
}

function decodePortMod(r: Reader, version: number, xid: number): PortModMsg {
  if (version === OFP10_VERSION) {
    const portNo = r.u16();
    const hwAddr = r.mac();
    const config = r.u32() & 0x7f;
    const mask = r.u32() & 0x7f;
    const advertise = featuresFromOfp10(r.u32());
    return { type: OfType.PORT_MOD, xid, portNo, hwAddr, config, mask, advertise };
  }
  const portNo = port11(r.u32(), 'OFPPMFC_BAD_PORT');
  r.skip(4);
  const hwAddr = r.mac();
  r.skip(2);
  const config = r.u32() & 0x65;
  const mask = r.u32() & 0x65;
  let advertise = 0;
  if (version < OFP14_VERSION) {
    advertise = r.u32() & 0xffff;
  } else {
    while (r.left > 0) {
      const p = pullProp(r);
      if (p.type === 0) {
        if (p.body.left !== 4) fail('OFPBPC_BAD_LEN');
        advertise = p.body.u32() & 0xffff;
      } else if (p.experimenter || p.type !== 0) {
        fail(p.experimenter ? 'OFPBPC_BAD_EXP_TYPE' : 'OFPBPC_BAD_TYPE');
      }
    }
  }
  r.pos = r.end;
  return { type: OfType.PORT_MOD, xid, portNo, hwAddr, config, mask, advertise };
}

export function encodePortMod(m: PortModMsg, version: number): Uint8Array {
  if (version === OFP10_VERSION) {
    const w = startMsg(Kind.T, 15, version, m.xid);
    w.u16(m.portNo).mac(m.hwAddr).u32(m.config & 0x7f).u32(m.mask & 0x7f).u32(featuresToOfp10(m.advertise)).zeros(4);
    return finishMsg(w);
  }
  const w = startMsg(Kind.T, 16, version, m.xid);
  w.u32(portToOfp11(m.portNo)).zeros(4).mac(m.hwAddr).zeros(2).u32(m.config & 0x65).u32(m.mask & 0x65);
  if (version < OFP14_VERSION) {
    w.u32(m.advertise).zeros(4);
  } else if (m.advertise) {
    w.u16(0).u16(8).u32(m.advertise);
  }
  return finishMsg(w);
}

function decodeTableMod(r: Reader, xid: number): TableModMsg {
  const tableId = r.u8();
  r.skip(3);
  const config = r.u32();
  r.pos = r.end; // OF1.4 properties (eviction, vacancy) are not modelled
  return { type: OfType.TABLE_MOD, xid, tableId, config };
}

export function encodeTableMod(m: TableModMsg, version: number): Uint8Array {
  const w = startMsg(Kind.T, 17, version, m.xid);
  w.u8(m.tableId).zeros(3).u32(m.config);
  return finishMsg(w);
}

// --- roles -----------------------------------------------------------------------------------------

function nxRoleToOf(role: number): number {
  switch (role) {
    case NX_ROLE_OTHER: return OFPCR12_ROLE_EQUAL;
    case NX_ROLE_MASTER: return OFPCR12_ROLE_MASTER;
    case NX_ROLE_SLAVE: return OFPCR12_ROLE_SLAVE;
    default: return fail('OFPRRFC_BAD_ROLE', `bad NX role ${role}`);
  }
}

function ofRoleToNx(role: number): number {
  return role === OFPCR12_ROLE_MASTER ? NX_ROLE_MASTER : role === OFPCR12_ROLE_SLAVE ? NX_ROLE_SLAVE : NX_ROLE_OTHER;
}

function decodeRole(r: Reader, h: { version: number; xid: number }, nx: boolean, reply: boolean): RoleMsg {
  const type = reply ? OfType.ROLE_REPLY : OfType.ROLE_REQUEST;
  if (nx) return { type, xid: h.xid, nx: true, role: nxRoleToOf(r.u32()), generationId: U64_MAX };
  const role = r.u32();
  if (role > OFPCR12_ROLE_SLAVE) fail('OFPRRFC_BAD_ROLE', `bad role ${role}`);
  r.skip(4);
  const generationId = r.u64();
  return { type, xid: h.xid, nx: false, role, generationId };
}

export function encodeRole(m: RoleMsg, version: number): Uint8Array {
  const reply = m.type === OfType.ROLE_REPLY;
  if (m.nx || version < 3) {
    const w = startMsg(Kind.NXT, reply ? 11 : 10, version, m.xid);
    w.u32(ofRoleToNx(m.role));
    return finishMsg(w);
  }
  const w = startMsg(Kind.T, reply ? 25 : 24, version, m.xid);
  w.u32(m.role).zeros(4).u64(m.generationId);
  return finishMsg(w);
}

function decodeRoleStatus(r: Reader, xid: number): RoleStatusMsg {
  const role = r.u32();
  const reason = r.u8();
  r.skip(3);
  const generationId = r.u64();
  r.pos = r.end;
  return { type: OfType.ROLE_STATUS, xid, role, reason, generationId };
}

export function encodeRoleStatus(m: RoleStatusMsg, version: number): Uint8Array {
  const w = version === OFP13_VERSION ? startMsg(Kind.ONFT, 1911, version, m.xid) : startMsg(Kind.T, 30, version, m.xid);
  w.u32(m.role).u8(m.reason).zeros(3).u64(m.generationId);
  return finishMsg(w);
}

// --- asynchronous configuration ----------------------------------------------------------------

/** ofp13_async_config masks [master, slave] -> property types (OFPACPT_*: slave even, master odd). */
function decodeAsync13(r: Reader): AsyncProp[] {
  const props: AsyncProp[] = [];
  for (let kind = 0; kind < 3; kind++) {
    const master = r.u32();
    const slave = r.u32();
    props.push({ type: 2 * kind + 1, mask: master }, { type: 2 * kind, mask: slave });
  }
  return props;
}

/** Reason bits each async property may hold, per OpenFlow 1.0-1.3 and 1.4+ (OVS async_props). */
const ASYNC_ALLOWED: ReadonlyArray<readonly [number, number]> = [
  [0x07, 0x3f], // packet-in: OFPR_*
  [0x07, 0x07], // port status: OFPPR_*
  [0x3f, 0x3f], // flow removed: OFPRR_*
  [0x07, 0x07], // role status: OFPCRR_*
  [0x18, 0x18], // table status: OFPTR_VACANCY_*
  [0x03, 0x03], // request forward: OFPRFR_*
];

function decodeAsyncProps(r: Reader, version: number): AsyncProp[] {
  const props: AsyncProp[] = [];
  while (r.left > 0) {
    const p = pullProp(r, 8, 0xfffe);
    if (p.experimenter) fail('OFPBPC_BAD_EXP_TYPE', `async property ${p.type}`);
    if (p.type > 11) fail('OFPACFC_UNSUPPORTED', `async property ${p.type}`);
    if (p.body.left !== 4) fail('OFPBPC_BAD_LEN');
    const mask = p.body.u32();
    const allowed = ASYNC_ALLOWED[p.type >> 1]![version >= OFP14_VERSION ? 1 : 0]!;
    if (mask & ~allowed) fail('OFPACFC_INVALID', `async mask 0x${mask.toString(16)} for property ${p.type}`);
    props.push({ type: p.type, mask });
  }
  return props;
}

function maskOf(props: readonly AsyncProp[], type: number): number {
  for (const p of props) if (p.type === type) return p.mask;
  return 0;
}

export function encodeAsync(m: AsyncConfigMsg, version: number): Uint8Array {
  const reply = m.type === OfType.GET_ASYNC_REPLY;
  let w: Writer;
  let asStruct: boolean;
  if (version >= OFP14_VERSION) {
    w = startMsg(Kind.T, reply ? 27 : 28, version, m.xid);
    asStruct = false;
  } else if (version === OFP13_VERSION && !m.nx) {
    w = startMsg(Kind.T, reply ? 27 : 28, version, m.xid);
    asStruct = true;
  } else {
    if (reply) throw new RangeError('get-async reply does not exist before OpenFlow 1.3');
    w = startMsg(Kind.NXT, 19, version, m.xid);
    asStruct = true;
  }
  if (asStruct) {
    for (let kind = 0; kind < 3; kind++) w.u32(maskOf(m.props, 2 * kind + 1)).u32(maskOf(m.props, 2 * kind));
  } else {
    for (const p of m.props) w.u16(p.type).u16(8).u32(p.mask);
  }
  return finishMsg(w);
}

// --- bundles ----------------------------------------------------------------------------------------

export function encodeBundleControl(m: BundleControlMsg, version: number): Uint8Array {
  const w = version === OFP13_VERSION ? startMsg(Kind.ONFT, 2300, version, m.xid) : startMsg(Kind.T, 33, version, m.xid);
  w.u32(m.bundleId).u16(m.ctrlType).u16(m.flags);
  return finishMsg(w);
}

export function encodeBundleAdd(m: BundleAddMsg, version: number): Uint8Array {
  const w = version === OFP13_VERSION ? startMsg(Kind.ONFT, 2301, version, m.xid) : startMsg(Kind.T, 34, version, m.xid);
  w.u32(m.bundleId).u16(0).u16(m.flags).bytes(m.message);
  return finishMsg(w);
}

function decodeBundleAdd(r: Reader, version: number, xid: number): BundleAddMsg {
  const bundleId = r.u32();
  r.skip(2);
  const flags = r.u16();
  if (r.left < 8) fail('OFPBFC_MSG_BAD_LEN', 'bundled message shorter than a header');
  if (r.buf[r.pos] !== version) fail('OFPBFC_BAD_VERSION');
  const innerLen = r.peek16(2);
  if (innerLen < 8 || innerLen > r.left) fail('OFPBFC_MSG_BAD_LEN', `bundled message length ${innerLen}`);
  if (r.peek32(4) !== xid >>> 0) fail('OFPBFC_MSG_BAD_XID');
  const message = r.bytes(innerLen);
  r.pos = r.end;
  return { type: OfType.BUNDLE_ADD_MESSAGE, xid, bundleId, flags, message };
}

// --- queue config -----------------------------------------------------------------------------------

const OFPQT_MIN_RATE = 1;
const OFPQT_MAX_RATE = 2;

function decodeQueueConfigReply(r: Reader, version: number, xid: number): OfMessage {
  const portNo = version === OFP10_VERSION ? r.u16() : port11(r.u32());
  r.skip(version === OFP10_VERSION ? 6 : 4);
  const queues: QueueConfig[] = [];
  while (r.left > 0) {
    const start = r.pos;
    const queueId = r.u32();
    const qport = portNo;
    if (version !== OFP10_VERSION) r.skip(4); // the queue's own port: OVS uses the reply's
    const len = r.u16();
    const hdr = version === OFP10_VERSION ? 8 : 16;
    if (len < hdr || start + len > r.end) fail('OFPBRC_BAD_LEN', `queue length ${len}`);
    r.pos = start + hdr;
    let minRate = 0xffff;
    let maxRate = 0xffff;
    while (r.pos < start + len) {
      const ps = r.pos;
      const property = r.u16();
      const plen = r.u16();
      if (plen < 8 || ps + plen > start + len) fail('OFPBRC_BAD_LEN', `queue property length ${plen}`);
      r.skip(4);
      if ((property === OFPQT_MIN_RATE || property === OFPQT_MAX_RATE) && plen >= 16) {
        const rate = r.u16();
        if (property === OFPQT_MIN_RATE) minRate = rate;
        else maxRate = rate;
      }
      r.pos = ps + plen;
    }
    queues.push({ queueId, portNo: qport, minRate, maxRate });
  }
  return { type: OfType.QUEUE_GET_CONFIG_REPLY, xid, portNo, queues };
}

/** OFPMP_QUEUE_DESC reply (OpenFlow 1.4+): ofp14_queue_desc entries with rate properties. */
function decodeQueueDescReply(r: Reader, h: { xid: number }): OfMessage {
  const queues: QueueConfig[] = [];
  let firstPort = 0xffff;
  while (r.left > 0) {
    const start = r.pos;
    const portNo = port11(r.u32());
    const queueId = r.u32();
    const len = r.u16();
    r.skip(6);
    if (len < 16 || start + len > r.end) fail('OFPBRC_BAD_LEN', `queue desc length ${len}`);
    let minRate = 0xffff;
    let maxRate = 0xffff;
    const props = new Reader(r.buf, r.pos, start + len, 'OFPBPC_BAD_LEN');
    while (props.left > 0) {
      const p = pullProp(props);
      if ((p.type === OFPQT_MIN_RATE || p.type === OFPQT_MAX_RATE) && p.body.left >= 2) {
        const rate = p.body.u16();
        if (p.type === OFPQT_MIN_RATE) minRate = rate;
        else maxRate = rate;
      }
    }
    r.pos = start + len;
    if (queues.length === 0) firstPort = portNo;
    queues.push({ queueId, portNo, minRate, maxRate });
  }
  return { type: OfType.QUEUE_GET_CONFIG_REPLY, xid: h.xid, portNo: firstPort, queues };
}

export function encodeQueueConfigRequest(m: { xid: number; portNo: number }, version: number): Uint8Array {
  if (version >= OFP14_VERSION) {
    const w = startMsg(Kind.ST_REQ, 15, version, m.xid);
    w.u32(portToOfp11(m.portNo)).u32(0xffffffff);
    return finishMsg(w);
  }
  const w = startMsg(Kind.T, version === OFP10_VERSION ? 20 : 22, version, m.xid);
  if (version === OFP10_VERSION) w.u16(m.portNo).zeros(2);
  else w.u32(portToOfp11(m.portNo)).zeros(4);
  return finishMsg(w);
}

export function encodeQueueConfigReply(m: { xid: number; portNo: number; queues: readonly QueueConfig[] }, version: number): Uint8Array {
  if (version >= OFP14_VERSION) {
    const w = startMsg(Kind.ST_REP, 15, version, m.xid);
    for (const q of m.queues) {
      const start = w.len;
      w.u32(portToOfp11(q.portNo)).u32(q.queueId).u16(0).zeros(6);
      if (q.minRate !== 0xffff) w.u16(OFPQT_MIN_RATE).u16(8).u16(q.minRate).zeros(2);
      if (q.maxRate !== 0xffff) w.u16(OFPQT_MAX_RATE).u16(8).u16(q.maxRate).zeros(2);
      w.set16(start + 8, w.len - start);
    }
    return finishMsg(w);
  }
  const w = startMsg(Kind.T, version === OFP10_VERSION ? 21 : 23, version, m.xid);
  if (version === OFP10_VERSION) w.u16(m.portNo).zeros(6);
  else w.u32(portToOfp11(m.portNo)).zeros(4);
  for (const q of m.queues) {
    const start = w.len;
    w.u32(q.queueId);
    if (version === OFP10_VERSION) w.u16(0).zeros(2);
    else w.u32(portToOfp11(q.portNo)).u16(0).zeros(6);
    for (const [prop, rate] of [[OFPQT_MIN_RATE, q.minRate], [OFPQT_MAX_RATE, q.maxRate]] as const) {
      if (rate === 0xffff) continue;
      w.u16(prop).u16(16).zeros(4).u16(rate).zeros(6);
    }
    w.set16(start + (version === OFP10_VERSION ? 4 : 8), w.len - start);
  }
  return finishMsg(w);
}

// --- Nicira connection settings -------------------------------------------------------------------

export function encodeNxU32(sub: number, m: { xid: number }, v: number, version: number): Uint8Array {
  const w = startMsg(Kind.NXT, sub, version, m.xid);
  w.u32(v);
  return finishMsg(w);
}

export function encodeEmpty(m: EmptyMsg, version: number): Uint8Array {
  switch (m.type) {
    case OfType.FEATURES_REQUEST: return finishMsg(startMsg(Kind.T, 5, version, m.xid));
    case OfType.GET_CONFIG_REQUEST: return finishMsg(startMsg(Kind.T, 7, version, m.xid));
    case OfType.BARRIER_REQUEST: return finishMsg(startMsg(Kind.T, version === OFP10_VERSION ? 18 : 20, version, m.xid));
    case OfType.BARRIER_REPLY: return finishMsg(startMsg(Kind.T, version === OFP10_VERSION ? 19 : 21, version, m.xid));
    case OfType.GET_ASYNC_REQUEST: return finishMsg(startMsg(Kind.T, 26, version, m.xid));
    case OfType.FLOW_AGE: return finishMsg(startMsg(Kind.NXT, 18, version, m.xid));
    case OfType.FLOW_MONITOR_PAUSED:
    case OfType.FLOW_MONITOR_RESUMED: {
      const paused = m.type === OfType.FLOW_MONITOR_PAUSED;
      if (version >= OFP14_VERSION) {
        // OpenFlow 1.4: a flow monitor reply holding one OFPFME_PAUSED / RESUMED update.
        const w = startMsg(Kind.ST_REP, 16, version, m.xid);
        w.u16(8).u16(paused ? 5 : 6).zeros(4);
        return finishMsg(w);
      }
      if (version === OFP13_VERSION) return finishMsg(startMsg(Kind.ONFT, paused ? 1871 : 1872, version, m.xid));
      return finishMsg(startMsg(Kind.NXT, paused ? 22 : 23, version, m.xid));
    }
  }
}

const empty = (type: EmptyMsg['type']) => (_r: Reader, h: { xid: number }): OfMessage => ({ type, xid: h.xid }) as EmptyMsg;

export const BASIC_DEFS: MsgDef[] = [
  def('OFPT_HELLO', Kind.T, 0, 'all', 0, 1, (r, h) => decodeHello(r, h.xid)),
  def('OFPT_ERROR', Kind.T, 1, 'all', 4, 1, (r, h) => decodeError(r, h.version, h.xid)),
  def('OFPT_ECHO_REQUEST', Kind.T, 2, 'all', 0, 1, (r, h) => ({ type: OfType.ECHO_REQUEST, xid: h.xid, data: rest(r) })),
  def('OFPT_ECHO_REPLY', Kind.T, 3, 'all', 0, 1, (r, h) => ({ type: OfType.ECHO_REPLY, xid: h.xid, data: rest(r) })),
  def('OFPT_FEATURES_REQUEST', Kind.T, 5, '1.0+', 0, 0, empty(OfType.FEATURES_REQUEST)),
  def('OFPT10_FEATURES_REPLY', Kind.T, 6, '1.0', 24, 48, (r, h) => decodeFeaturesReply(r, h.version, h.xid)),
  def('OFPT11_FEATURES_REPLY', Kind.T, 6, '1.1-1.2', 24, 64, (r, h) => decodeFeaturesReply(r, h.version, h.xid)),
  def('OFPT13_FEATURES_REPLY', Kind.T, 6, '1.3+', 24, 0, (r, h) => decodeFeaturesReply(r, h.version, h.xid)),
  def('OFPT_GET_CONFIG_REQUEST', Kind.T, 7, '1.0+', 0, 0, empty(OfType.GET_CONFIG_REQUEST)),
  def('OFPT_GET_CONFIG_REPLY', Kind.T, 8, '1.0+', 4, 0, (r, h) => ({ type: OfType.GET_CONFIG_REPLY, xid: h.xid, flags: r.u16(), missSendLen: r.u16() })),
  def('OFPT_SET_CONFIG', Kind.T, 9, '1.0+', 4, 0, (r, h) => {
    const flags = r.u16();
    // OFPC_FRAG_* (and OFPC_INVALID_TTL_TO_CONTROLLER before OF1.3) are the only flags.
    if (flags & ~(h.version < OFP13_VERSION ? 7 : 3)) fail('OFPSCFC_BAD_FLAGS', `switch config flags 0x${flags.toString(16)}`);
    return { type: OfType.SET_CONFIG, xid: h.xid, flags, missSendLen: r.u16() };
  }),
  def('OFPT10_PORT_STATUS', Kind.T, 12, '1.0', 56, 0, (r, h) => {
    const reason = r.u8();
    r.skip(7);
    return { type: OfType.PORT_STATUS, xid: h.xid, reason, desc: pullPortDesc(r, h.version) };
  }),
  def('OFPT11_PORT_STATUS', Kind.T, 12, '1.1-1.3', 72, 0, (r, h) => {
    const reason = r.u8();
    r.skip(7);
    return { type: OfType.PORT_STATUS, xid: h.xid, reason, desc: pullPortDesc(r, h.version) };
  }),
  def('OFPT14_PORT_STATUS', Kind.T, 12, '1.4+', 48, 8, (r, h) => {
    const reason = r.u8();
    r.skip(7);
    return { type: OfType.PORT_STATUS, xid: h.xid, reason, desc: pullPortDesc(r, h.version) };
  }),
  def('OFPT10_PORT_MOD', Kind.T, 15, '1.0', 24, 0, (r, h) => decodePortMod(r, h.version, h.xid)),
  def('OFPT11_PORT_MOD', Kind.T, 16, '1.1-1.3', 32, 0, (r, h) => decodePortMod(r, h.version, h.xid)),
  def('OFPT14_PORT_MOD', Kind.T, 16, '1.4+', 24, 8, (r, h) => decodePortMod(r, h.version, h.xid)),
  def('OFPT11_TABLE_MOD', Kind.T, 17, '1.1-1.3', 8, 0, (r, h) => decodeTableMod(r, h.xid)),
  def('OFPT14_TABLE_MOD', Kind.T, 17, '1.4+', 8, 8, (r, h) => decodeTableMod(r, h.xid)),
  def('OFPT10_BARRIER_REQUEST', Kind.T, 18, '1.0', 0, 0, empty(OfType.BARRIER_REQUEST)),
  def('OFPT11_BARRIER_REQUEST', Kind.T, 20, '1.1+', 0, 0, empty(OfType.BARRIER_REQUEST)),
  def('OFPT10_BARRIER_REPLY', Kind.T, 19, '1.0', 0, 0, empty(OfType.BARRIER_REPLY)),
  def('OFPT11_BARRIER_REPLY', Kind.T, 21, '1.1+', 0, 0, empty(OfType.BARRIER_REPLY)),
  def('OFPT10_QUEUE_GET_CONFIG_REQUEST', Kind.T, 20, '1.0', 4, 0, (r, h) => {
    const portNo = r.u16();
    return { type: OfType.QUEUE_GET_CONFIG_REQUEST, xid: h.xid, portNo };
  }),
  def('OFPT11_QUEUE_GET_CONFIG_REQUEST', Kind.T, 22, '1.1-1.3', 8, 0, (r, h) => {
    const portNo = port11(r.u32());
    return { type: OfType.QUEUE_GET_CONFIG_REQUEST, xid: h.xid, portNo };
  }),
  def('OFPST14_QUEUE_DESC_REQUEST', Kind.ST_REQ, 15, '1.4+', 8, 0, (r, h) => {
    const portNo = port11(r.u32());
    return { type: OfType.QUEUE_GET_CONFIG_REQUEST, xid: h.xid, portNo };
  }),
  def('OFPST14_QUEUE_DESC_REPLY', Kind.ST_REP, 15, '1.4+', 0, 8, (r, h) => decodeQueueDescReply(r, h)),
  def('OFPT10_QUEUE_GET_CONFIG_REPLY', Kind.T, 21, '1.0', 8, 8, (r, h) => decodeQueueConfigReply(r, h.version, h.xid)),
  def('OFPT11_QUEUE_GET_CONFIG_REPLY', Kind.T, 23, '1.1-1.3', 8, 8, (r, h) => decodeQueueConfigReply(r, h.version, h.xid)),
  def('OFPT12_ROLE_REQUEST', Kind.T, 24, '1.2+', 16, 0, (r, h) => decodeRole(r, h, false, false)),
  def('NXT_ROLE_REQUEST', Kind.NXT, 10, '1.0+', 4, 0, (r, h) => decodeRole(r, h, true, false)),
  def('OFPT12_ROLE_REPLY', Kind.T, 25, '1.2+', 16, 0, (r, h) => decodeRole(r, h, false, true)),
  def('NXT_ROLE_REPLY', Kind.NXT, 11, '1.0+', 4, 0, (r, h) => decodeRole(r, h, true, true)),
  def('OFPT13_GET_ASYNC_REQUEST', Kind.T, 26, '1.3+', 0, 0, empty(OfType.GET_ASYNC_REQUEST)),
  def('OFPT13_GET_ASYNC_REPLY', Kind.T, 27, '1.3', 24, 0, (r, h) => ({ type: OfType.GET_ASYNC_REPLY, xid: h.xid, nx: false, props: decodeAsync13(r) })),
  def('OFPT14_GET_ASYNC_REPLY', Kind.T, 27, '1.4+', 0, 8, (r, h) => ({ type: OfType.GET_ASYNC_REPLY, xid: h.xid, nx: false, props: decodeAsyncProps(r, h.version) })),
  def('OFPT13_SET_ASYNC', Kind.T, 28, '1.3', 24, 0, (r, h) => ({ type: OfType.SET_ASYNC_CONFIG, xid: h.xid, nx: false, props: decodeAsync13(r) })),
  def('NXT_SET_ASYNC_CONFIG', Kind.NXT, 19, '1.0+', 24, 0, (r, h) => ({ type: OfType.SET_ASYNC_CONFIG, xid: h.xid, nx: true, props: decodeAsync13(r) })),
  def('NXT_SET_ASYNC_CONFIG2', Kind.NXT, 27, '1.0-1.3', 0, 8, (r, h) => ({ type: OfType.SET_ASYNC_CONFIG, xid: h.xid, nx: true, props: decodeAsyncProps(r, h.version) })),
  def('OFPT14_SET_ASYNC', Kind.T, 28, '1.4+', 0, 8, (r, h) => ({ type: OfType.SET_ASYNC_CONFIG, xid: h.xid, nx: false, props: decodeAsyncProps(r, h.version) })),
  def('ONFT13_ROLE_STATUS', Kind.ONFT, 1911, '1.3', 16, 8, (r, h) => decodeRoleStatus(r, h.xid)),
  def('OFPT14_ROLE_STATUS', Kind.T, 30, '1.4+', 16, 8, (r, h) => decodeRoleStatus(r, h.xid)),
  ...(['NXT_REQUESTFORWARD', 'ONFT13_REQUESTFORWARD', 'OFPT14_REQUESTFORWARD'] as const).map((n) =>
    def(n, n[0] === 'N' ? Kind.NXT : n[0] === 'O' && n[1] === 'N' ? Kind.ONFT : Kind.T,
      n === 'NXT_REQUESTFORWARD' ? 132 : n === 'ONFT13_REQUESTFORWARD' ? 2350 : 32,
      n === 'NXT_REQUESTFORWARD' ? '1.0-1.2' : n === 'ONFT13_REQUESTFORWARD' ? '1.3' : '1.4+', 8, 8, (r, h) => {
        const len = r.peek16(2);
        if (len !== r.left) fail('OFPBRC_BAD_LEN', 'forwarded request length');
        return { type: OfType.REQUESTFORWARD, xid: h.xid, request: rest(r) };
      })),
  def('OFPT14_BUNDLE_CONTROL', Kind.T, 33, '1.4+', 8, 8, (r, h) => decodeBundleCtrl(r, h.xid)),
  def('ONFT13_BUNDLE_CONTROL', Kind.ONFT, 2300, '1.3', 8, 8, (r, h) => decodeBundleCtrl(r, h.xid)),
  def('OFPT14_BUNDLE_ADD_MESSAGE', Kind.T, 34, '1.4+', 8, 1, (r, h) => decodeBundleAdd(r, h.version, h.xid)),
  def('ONFT13_BUNDLE_ADD_MESSAGE', Kind.ONFT, 2301, '1.3', 8, 1, (r, h) => decodeBundleAdd(r, h.version, h.xid)),
  def('NXT_SET_FLOW_FORMAT', Kind.NXT, 12, '1.0', 4, 0, (r, h) => {
    const format = r.u32();
    if (format !== 0 && format !== 2) fail('OFPBRC_EPERM', `bad flow format ${format}`);
    return { type: OfType.SET_FLOW_FORMAT, xid: h.xid, format };
  }),
  def('NXT_FLOW_MOD_TABLE_ID', Kind.NXT, 15, '1.0+', 8, 0, (r, h) => ({ type: OfType.FLOW_MOD_TABLE_ID, xid: h.xid, enable: r.u8() !== 0 })),
  def('NXT_SET_PACKET_IN_FORMAT', Kind.NXT, 16, '1.0+', 4, 0, (r, h) => {
    const format = r.u32();
    if (format > 2) fail('OFPBRC_EPERM', `bad packet-in format ${format}`);
    return { type: OfType.SET_PACKET_IN_FORMAT, xid: h.xid, format };
  }),
  def('NXT_FLOW_AGE', Kind.NXT, 18, '1.0+', 0, 0, empty(OfType.FLOW_AGE)),
  def('NXT_SET_CONTROLLER_ID', Kind.NXT, 20, '1.0+', 8, 0, (r, h) => {
    r.skip(6);
    return { type: OfType.SET_CONTROLLER_ID, xid: h.xid, controllerId: r.u16() };
  }),
  def('NXT_CT_FLUSH_ZONE', Kind.NXT, 29, '1.0+', 8, 0, (r, h) => {
    r.skip(6);
    return { type: OfType.CT_FLUSH_ZONE, xid: h.xid, zoneId: r.u16() };
  }),
  def('ONFT13_FLOW_MONITOR_CANCEL', Kind.ONFT, 1870, '1.3', 4, 0, (r, h) => ({ type: OfType.FLOW_MONITOR_CANCEL, xid: h.xid, id: r.u32() })),
  def('NXT_FLOW_MONITOR_CANCEL', Kind.NXT, 21, '1.0-1.2', 4, 0, (r, h) => ({ type: OfType.FLOW_MONITOR_CANCEL, xid: h.xid, id: r.u32() })),
  def('ONFT13_FLOW_MONITOR_PAUSED', Kind.ONFT, 1871, '1.3', 0, 0, empty(OfType.FLOW_MONITOR_PAUSED)),
  def('NXT_FLOW_MONITOR_PAUSED', Kind.NXT, 22, '1.0-1.2', 0, 0, empty(OfType.FLOW_MONITOR_PAUSED)),
  def('ONFT13_FLOW_MONITOR_RESUMED', Kind.ONFT, 1872, '1.3', 0, 0, empty(OfType.FLOW_MONITOR_RESUMED)),
  def('NXT_FLOW_MONITOR_RESUMED', Kind.NXT, 23, '1.0-1.2', 0, 0, empty(OfType.FLOW_MONITOR_RESUMED)),
];

function decodeBundleCtrl(r: Reader, xid: number): BundleControlMsg {
  const bundleId = r.u32();
  const ctrlType = r.u16();
  const flags = r.u16();
  r.pos = r.end;
  return { type: OfType.BUNDLE_CONTROL, xid, bundleId, ctrlType, flags };
}

/** NX vendor ids re-exported for the dispatcher. */
export { NX_VENDOR, ONF_VENDOR };
