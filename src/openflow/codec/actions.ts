/*
 * OpenFlow action lists and instructions <-> OfpAction[] (OVS ofpacts_pull_openflow_actions,
 * ofpacts_pull_openflow_instructions, ofpacts_put_openflow_*): the standard OpenFlow 1.0 and
 * 1.1+ actions, set-field, the instruction framing of 1.1+, and OVS's verification of the
 * decoded list (instruction order, conjunction, allowed instructions). Extension actions are
 * in actions-nx.ts. Every failure is the OpenFlow error OVS returns.
 */

import { W_NW, W_VLAN0, VLAN_CFI } from '../../flow/layout.js';
import type { Match } from '../../flow/match.js';
import { MF_FIELDS, MFF, isAllOnes, type MfField } from '../../flow/meta-flow.js';
import { portFromOfp11, portToOfp11 } from '../../flow/ofp-port.js';
import { OfpactType as T, type OfpAction, type SetFieldAct } from '../../ofproto/ofp-actions.js';
import { fail, isAllZero, OfpFail, Reader, Writer } from './bytes.js';
import { NX_VENDOR_ID, ONF_VENDOR_ID, OFP10_VERSION, OFP15_VERSION } from './constants.js';
import { RawAct, rawActLookup, UNSUPPORTED_NX, type RawActInfo } from './actions-table.js';
import {
  beginAct,
  checkOutputPort,
  endAct,
  putSimple,
  simpleArg,
  type ActDecodeCtx,
  type ActEncodeCtx,
} from './actions-util.js';
import {
  decodeNxAction,
  encodeBundle,
  encodeClone,
  encodeController,
  encodeDecTtlIds,
  encodeGotoTable10,
  encodeLearn,
  encodeLoadField,
  encodeMultipath,
  encodeOutputReg,
  encodeRegLoad,
  encodeRegLoad2,
  encodeRegMove,
  encodeResubmit,
  encodeSample,
  encodeStack,
  encodeWriteMetadata10,
} from './actions-nx.js';
import { mfIsValueValid, nxmHeader32, pullActionEntry, putOxmEntry } from './match-oxm.js';

// --- decoding --------------------------------------------------------------------------------------

function decodeStdAction(info: RawActInfo, r: Reader, version: number): OfpAction {
  const base = r.pos;
  const at = (o: number): Reader => new Reader(r.buf, base + o, r.end, 'OFPBAC_BAD_LEN');
  const arg = (): number => simpleArg(r, info);
  switch (info.raw) {
    case RawAct.OUTPUT10: {
      const x = at(4);
      const port = x.u16();
      const maxLen = x.u16();
      checkOutputPort(port);
      return { type: T.OUTPUT, port, maxLen };
    }
    case RawAct.OUTPUT11: {
      const x = at(4);
      const p = portFromOfp11(x.u32());
      const maxLen = x.u16();
      if (p === null) fail('OFPBAC_BAD_OUT_PORT');
      checkOutputPort(p);
      return { type: T.OUTPUT, port: p, maxLen };
    }
    case RawAct.SET_VLAN_VID10:
    case RawAct.SET_VLAN_VID11: {
      const vid = arg();
      if (vid & ~0xfff) fail('OFPBAC_BAD_ARGUMENT', 'bad VLAN VID');
      return { type: T.SET_VLAN_VID, vid, pushVlanIfNeeded: info.raw === RawAct.SET_VLAN_VID10 };
    }
    case RawAct.SET_VLAN_PCP10:
    case RawAct.SET_VLAN_PCP11: {
      const pcp = arg();
      if (pcp & ~7) fail('OFPBAC_BAD_ARGUMENT', 'bad VLAN PCP');
      return { type: T.SET_VLAN_PCP, pcp, pushVlanIfNeeded: info.raw === RawAct.SET_VLAN_PCP10 };
    }
    case RawAct.PUSH_VLAN: {
      const ethertype = arg();
      if (ethertype !== 0x8100 && ethertype !== 0x88a8) fail('OFPBAC_BAD_ARGUMENT', 'bad push_vlan ethertype');
      return { type: T.PUSH_VLAN, ethertype };
    }
    case RawAct.STRIP_VLAN10:
      return { type: T.STRIP_VLAN, popVlan: false };
    case RawAct.POP_VLAN:
      return { type: T.STRIP_VLAN, popVlan: true };
    case RawAct.SET_DL_SRC:
    case RawAct.SET_DL_DST:
      return { type: info.raw === RawAct.SET_DL_SRC ? T.SET_ETH_SRC : T.SET_ETH_DST, mac: at(4).mac() };
    case RawAct.SET_NW_SRC:
    case RawAct.SET_NW_DST:
      return { type: info.raw === RawAct.SET_NW_SRC ? T.SET_IPV4_SRC : T.SET_IPV4_DST, ip: arg() };
    case RawAct.SET_NW_TOS: {
      const dscp = arg();
      if (dscp & ~0xfc) fail('OFPBAC_BAD_ARGUMENT', 'bad nw_tos');
      return { type: T.SET_IP_DSCP, dscp };
    }
    case RawAct.SET_NW_ECN: {
      const ecn = arg();
      if (ecn & ~3) fail('OFPBAC_BAD_ARGUMENT', 'bad nw_ecn');
      return { type: T.SET_IP_ECN, ecn };
    }
    case RawAct.SET_NW_TTL:
      return { type: T.SET_IP_TTL, ttl: arg() };
    case RawAct.SET_TP_SRC:
      return { type: T.SET_L4_SRC_PORT, port: arg() };
    case RawAct.SET_TP_DST:
      return { type: T.SET_L4_DST_PORT, port: arg() };
    case RawAct.ENQUEUE10: {
      const x = at(4);
      const port = x.u16();
      x.skip(6);
      const queue = x.u32();
      if (port >= 0xff00 && port !== 0xfff8 && port !== 0xfffe) fail('OFPBAC_BAD_OUT_PORT');
      return { type: T.ENQUEUE, port, queue };
    }
    case RawAct.SET_MPLS_LABEL:
      return { type: T.SET_MPLS_LABEL, label: arg() };
    case RawAct.SET_MPLS_TC:
      return { type: T.SET_MPLS_TC, tc: arg() };
    case RawAct.SET_MPLS_TTL:
      return { type: T.SET_MPLS_TTL, ttl: arg() };
    case RawAct.DEC_MPLS_TTL:
      return { type: T.DEC_MPLS_TTL };
    case RawAct.PUSH_MPLS: {
      const ethertype = arg();
      if (ethertype !== 0x8847 && ethertype !== 0x8848) fail('OFPBAC_BAD_ARGUMENT', 'bad push_mpls ethertype');
      return { type: T.PUSH_MPLS, ethertype };
    }
    case RawAct.POP_MPLS:
      return { type: T.POP_MPLS, ethertype: arg() };
    case RawAct.SET_QUEUE:
      return { type: T.SET_QUEUE, queueId: arg() };
    case RawAct.GROUP:
      return { type: T.GROUP, groupId: arg() };
    case RawAct.DEC_NW_TTL:
      return { type: T.DEC_TTL, controllerIds: [0], explicitIds: false };
    case RawAct.METER15:
      return { type: T.METER, meterId: arg() };
    case RawAct.SET_FIELD12:
    case RawAct.SET_FIELD15:
      return decodeSetField(at(4), info.raw === RawAct.SET_FIELD15, r.end, version);
    default:
      return fail('OFPBAC_BAD_TYPE', `unhandled action ${info.raw}`);
  }
}

function decodeSetField(x: Reader, mayMask: boolean, end: number, version: number): SetFieldAct {
  let e;
  try {
    e = pullActionEntry(x, mayMask);
  } catch (err) {
    if (err instanceof OfpFail && err.code === 'OFPBMC_BAD_MASK') fail('OFPBAC_BAD_SET_MASK');
    throw err;
  }
  void version;
  if (!isAllZero(x.buf, x.pos, end)) fail('OFPBAC_BAD_SET_ARGUMENT', 'set_field trailing bytes');
  const f = e.field;
  if (f.id === MFF.IN_PORT_OXM) fail('OFPBAC_BAD_SET_ARGUMENT', 'set_field in_port');
  if (!f.writable) fail('OFPBAC_BAD_SET_ARGUMENT', `${f.name} is not writable`);
  const mask = e.mask ?? new Uint8Array(f.nBytes).fill(0xff);
  if (!mfIsValueValid(f, e.value) || (f.id === MFF.VLAN_VID && (!(mask[0]! & 0x10) || !(e.value[0]! & 0x10)))) {
    fail('OFPBAC_BAD_SET_ARGUMENT', `bad value for ${f.name}`);
  }
  return { type: T.SET_FIELD, field: f, value: e.value.map((b, i) => b & mask[i]!), mask, viaLoad: false };
}

/** Raw actions that are standard OpenFlow actions (some have an NX form in OpenFlow 1.0). */
const STD_RAWS = new Set<string>([
  RawAct.OUTPUT10, RawAct.OUTPUT11, RawAct.SET_VLAN_VID10, RawAct.SET_VLAN_PCP10, RawAct.SET_VLAN_VID11,
  RawAct.SET_VLAN_PCP11, RawAct.PUSH_VLAN, RawAct.STRIP_VLAN10, RawAct.POP_VLAN, RawAct.SET_DL_SRC, RawAct.SET_DL_DST,
  RawAct.SET_NW_SRC, RawAct.SET_NW_DST, RawAct.SET_NW_TOS, RawAct.SET_NW_ECN, RawAct.SET_TP_SRC, RawAct.SET_TP_DST,
  RawAct.ENQUEUE10, RawAct.SET_MPLS_LABEL, RawAct.SET_MPLS_TC, RawAct.SET_MPLS_TTL, RawAct.DEC_MPLS_TTL,
  RawAct.PUSH_MPLS, RawAct.POP_MPLS, RawAct.SET_QUEUE, RawAct.GROUP, RawAct.SET_NW_TTL, RawAct.DEC_NW_TTL,
  RawAct.SET_FIELD12, RawAct.SET_FIELD15, RawAct.METER15,
]);

/** Decodes one action list of `len` bytes at r's position (OVS ofpacts_decode), advancing r. */
function decodeList(r: Reader, len: number, version: number): OfpAction[] {
  const end = r.pos + len;
  const out: OfpAction[] = [];
  const ctx: ActDecodeCtx = { version, nested: (nr, nlen) => pullActions(nr, nlen, version, 1 << APPLY) };
  while (r.pos < end) {
    const left = end - r.pos;
    if (left < 8) fail('OFPBAC_BAD_LEN', 'partial action header');
    const type = r.peek16(0);
    let vendor = 0;
    let sub = type;
    if (type === 0xffff) {
      vendor = r.peek32(4);
      if (vendor !== NX_VENDOR_ID && vendor !== ONF_VENDOR_ID) fail('OFPBAC_BAD_VENDOR', `unknown action vendor 0x${vendor.toString(16)}`);
      if (left < 16) fail('OFPBAC_BAD_LEN', 'partial extension action header');
      sub = r.peek16(8);
    }
    const info = rawActLookup(version, vendor, sub);
    if (!info) {
      const known = vendor === NX_VENDOR_ID && UNSUPPORTED_NX.has(sub);
      fail(vendor ? 'OFPBAC_BAD_VENDOR_TYPE' : 'OFPBAC_BAD_TYPE', `${known ? 'unsupported' : 'unknown'} action type ${sub}`);
    }
    const alen = r.peek16(2);
    if (alen > left) fail('OFPBAC_BAD_LEN', `action length ${alen} exceeds ${left}`);
    if (alen < info.minLen || alen > info.maxLen) fail('OFPBAC_BAD_LEN', `action length ${alen} not in [${info.minLen},${info.maxLen}]`);
    if (alen % 8) fail('OFPBAC_BAD_LEN', `action length ${alen} not a multiple of 8`);
    const ar = new Reader(r.buf, r.pos, r.pos + alen, 'OFPBAC_BAD_LEN');
    out.push(STD_RAWS.has(info.raw) ? decodeStdAction(info, ar, version) : decodeNxAction(info, ar, ctx));
    r.pos += alen;
  }
  return out;
}

// OVS ovs_instruction_type values, in their required order.
const METER = 0;
const APPLY = 1;
const CLEAR = 2;
const WRITE = 3;
const METADATA = 4;
const GOTO = 5;
const ALL_INSTS = 0x3f;

function instOf(a: OfpAction, version: number): number {
  switch (a.type) {
    case T.METER: return version >= OFP15_VERSION ? APPLY : METER;
    case T.CLEAR_ACTIONS: return CLEAR;
    case T.WRITE_ACTIONS: return WRITE;
    case T.WRITE_METADATA: return METADATA;
    case T.GOTO_TABLE: return GOTO;
    default: return APPLY;
  }
}

const CT_FIELDS = new Set([MFF.CT_MARK, MFF.CT_LABEL]);

/** OVS ofpacts_verify. */
function verify(acts: readonly OfpAction[], version: number, allowed: number): void {
  let inst = METER;
  for (let i = 0; i < acts.length; i++) {
    const a = acts[i]!;
    if (a.type === T.CONJUNCTION) {
      for (const b of acts) if (b.type !== T.CONJUNCTION && b.type !== T.NOTE) fail('NXBAC_BAD_CONJUNCTION');
      return;
    }
    const dst = a.type === T.SET_FIELD ? a.field : a.type === T.REG_MOVE ? a.dst.field : null;
    if (dst && CT_FIELDS.has(dst.id)) fail('OFPBAC_BAD_SET_ARGUMENT', 'cannot set CT fields outside of ct action');
    const next = instOf(a, version);
    if (i > 0 && (inst === APPLY ? next < inst : next <= inst)) fail('OFPBAC_UNSUPPORTED_ORDER');
    if (!((1 << next) & allowed)) {
      if (next === METER && version >= OFP15_VERSION) fail('OFPBAC_BAD_TYPE');
      fail('OFPBIC_UNSUP_INST', 'instruction not allowed here');
    }
    inst = next;
  }
}

/**
 * Pulls `len` bytes of actions (OVS ofpacts_pull_openflow_actions__): the length must be a
 * multiple of 8 and fit in the message (else OFPBRC_BAD_LEN); `allowed` is a bitmap of the
 * instruction kinds the actions may belong to.
 */
export function pullActions(r: Reader, len: number, version: number, allowed = (1 << APPLY) | (1 << METER)): OfpAction[] {
  if (len % 8) fail('OFPBRC_BAD_LEN', `actions length ${len} is not a multiple of 8`);
  if (len > r.left) fail('OFPBRC_BAD_LEN', `actions length ${len} exceeds message`);
  const sub = new Reader(r.buf, r.pos, r.pos + len, 'OFPBAC_BAD_LEN');
  const acts = decodeList(sub, len, version);
  r.pos += len;
  verify(acts, version, allowed);
  return acts;
}

/** Actions a Write-Actions instruction may hold (OVS action_set_classify != INVALID). */
const ACTION_SET_OK = new Set<number>([
  T.STRIP_VLAN, T.POP_MPLS, T.PUSH_MPLS, T.PUSH_VLAN, T.DEC_TTL, T.DEC_MPLS_TTL, T.CT_CLEAR, T.RESUBMIT, T.OUTPUT,
  T.GROUP, T.SET_FIELD, T.REG_MOVE, T.SET_ETH_DST, T.SET_ETH_SRC, T.SET_IP_DSCP, T.SET_IP_ECN, T.SET_IP_TTL,
  T.SET_IPV4_DST, T.SET_IPV4_SRC, T.SET_L4_DST_PORT, T.SET_L4_SRC_PORT, T.SET_MPLS_LABEL, T.SET_MPLS_TC,
  T.SET_MPLS_TTL, T.SET_QUEUE, T.SET_TUNNEL, T.SET_VLAN_PCP, T.SET_VLAN_VID,
]);

const OFPIT_GOTO_TABLE = 1;
const OFPIT_WRITE_METADATA = 2;
const OFPIT_WRITE_ACTIONS = 3;
const OFPIT_APPLY_ACTIONS = 4;
const OFPIT_CLEAR_ACTIONS = 5;
const OFPIT_METER = 6;
const OFPIT_EXPERIMENTER = 0xffff;

/**
 * Pulls instructions (OpenFlow 1.1+) or, in OpenFlow 1.0, actions where every instruction kind
 * is allowed (OVS ofpacts_pull_openflow_instructions).
 */
export function pullInstructions(r: Reader, len: number, version: number): OfpAction[] {
  if (version === OFP10_VERSION) return pullActions(r, len, version, ALL_INSTS);
  if (len % 8) fail('OFPBIC_BAD_LEN', `instructions length ${len} is not a multiple of 8`);
  if (len > r.left) fail('OFPBIC_BAD_LEN', `instructions length ${len} exceeds message`);
  const start = r.pos;
  const end = start + len;
  const insts: Array<{ start: number; len: number } | null> = [null, null, null, null, null, null];
  let p = start;
  while (p < end) {
    const left = end - p;
    const ilen = (r.buf[p + 2]! << 8) | r.buf[p + 3]!;
    if (ilen % 8 || ilen < 8 || ilen > left) break;
    const itype = (r.buf[p]! << 8) | r.buf[p + 1]!;
    let kind: number;
    switch (itype) {
      case OFPIT_EXPERIMENTER: fail('OFPBIC_BAD_EXPERIMENTER');
      // falls through (fail never returns)
      case OFPIT_METER:
        if (ilen !== 8) fail('OFPBIC_BAD_LEN');
        kind = METER;
        break;
      case OFPIT_APPLY_ACTIONS: kind = APPLY; break;
      case OFPIT_CLEAR_ACTIONS:
        if (ilen !== 8) fail('OFPBIC_BAD_LEN');
        kind = CLEAR;
        break;
      case OFPIT_WRITE_ACTIONS: kind = WRITE; break;
      case OFPIT_WRITE_METADATA:
        if (ilen !== 24) fail('OFPBIC_BAD_LEN');
        kind = METADATA;
        break;
      case OFPIT_GOTO_TABLE:
        if (ilen !== 8) fail('OFPBIC_BAD_LEN');
        kind = GOTO;
        break;
      default:
        return fail('OFPBIC_UNKNOWN_INST', `unknown instruction ${itype}`);
    }
    if (kind === METER && version >= OFP15_VERSION) fail('OFPBIC_UNKNOWN_INST', 'meter is an action in OpenFlow 1.5');
    if (insts[kind]) fail('OFPBIC_DUP_INST');
    insts[kind] = { start: p, len: ilen };
    p += ilen;
  }
  if (p < end) fail('OFPBIC_BAD_LEN', 'bad instruction format');
  r.pos = end;

  const acts: OfpAction[] = [];
  const u32 = (at: number): number => ((r.buf[at]! << 24) | (r.buf[at + 1]! << 16) | (r.buf[at + 2]! << 8) | r.buf[at + 3]!) >>> 0;
  const m = insts[METER];
  if (m) acts.push({ type: T.METER, meterId: u32(m.start + 4) });
  const ap = insts[APPLY];
  if (ap) {
    const sub = new Reader(r.buf, ap.start + 8, ap.start + ap.len, 'OFPBAC_BAD_LEN');
    acts.push(...decodeList(sub, ap.len - 8, version));
  }
  if (insts[CLEAR]) acts.push({ type: T.CLEAR_ACTIONS });
  const wr = insts[WRITE];
  if (wr) {
    const sub = new Reader(r.buf, wr.start + 8, wr.start + wr.len, 'OFPBAC_BAD_LEN');
    const nested = decodeList(sub, wr.len - 8, version);
    for (const a of nested) if (!ACTION_SET_OK.has(a.type)) fail('OFPBAC_BAD_TYPE', 'disallowed action in action set');
    acts.push({ type: T.WRITE_ACTIONS, actions: nested });
  }
  const md = insts[METADATA];
  if (md) {
    const rr = new Reader(r.buf, md.start + 8, md.start + 24);
    const metadata = rr.u64();
    const mask = rr.u64();
    acts.push({ type: T.WRITE_METADATA, metadata, mask });
  }
  const gt = insts[GOTO];
  if (gt) acts.push({ type: T.GOTO_TABLE, tableId: r.buf[gt.start + 4]! });
  verify(acts, version, ALL_INSTS);
  return acts;
}

// --- encoding --------------------------------------------------------------------------------------

function putSetFieldOxm(w: Writer, f: MfField, value: Uint8Array, mask: Uint8Array | null, version: number): void {
  const b = beginAct(w, version >= OFP15_VERSION ? RawAct.SET_FIELD15 : RawAct.SET_FIELD12, version);
  w.len = b.start + 4; // the OXM starts in ofp12_action_set_field's pad
  putOxmEntry(w, f, version, value, mask);
  endAct(w, b);
}

function numToBytes(v: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = v;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = x & 0xff;
    x = Math.floor(x / 256);
  }
  return out;
}

/** OVS put_set_field: an exact set-field of a small integer. */
function putSetFieldNum(w: Writer, id: number, value: number, version: number): void {
  const f = MF_FIELDS[id]!;
  putSetFieldOxm(w, f, numToBytes(value, f.nBytes), null, version);
}

/** OVS set_field_to_nxast: NXAST_REG_LOAD per contiguous run of the mask, or NXAST_REG_LOAD2. */
function setFieldToNxast(w: Writer, a: SetFieldAct, version: number): void {
  const f = a.field;
  if (!nxmHeader32(f)) {
    encodeRegLoad2(w, f, a.value, a.mask, version);
    return;
  }
  const nBits = f.nBits;
  const bit = (arr: Uint8Array, i: number): number => (arr[arr.length - 1 - (i >> 3)]! >> (i & 7)) & 1;
  let start = 0;
  while (start < nBits) {
    let ofs = start;
    while (ofs < nBits && !bit(a.mask, ofs)) ofs++;
    if (ofs >= nBits) break;
    let e = ofs + 1;
    const lim = Math.min(ofs + 64, nBits);
    while (e < lim && bit(a.mask, e)) e++;
    let v = 0n;
    for (let i = e - 1; i >= ofs; i--) v = (v << 1n) | BigInt(bit(a.value, i));
    encodeRegLoad(w, { field: f, ofs, nBits: e - ofs }, v, version);
    start = e;
  }
}

function bytesToNum(b: Uint8Array): number {
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

/** OVS set_field_to_legacy_openflow (OpenFlow 1.0 / 1.1). */
function setFieldToLegacy(w: Writer, a: SetFieldAct, ctx: ActEncodeCtx): void {
  const v = ctx.version;
  const value = bytesToNum(a.value);
  switch (a.field.id) {
    case MFF.VLAN_TCI: {
      const cfi = (value & VLAN_CFI) !== 0;
      if (v === OFP10_VERSION) {
        if (cfi) {
          putSimple(w, RawAct.SET_VLAN_VID10, v, value & 0xfff);
          putSimple(w, RawAct.SET_VLAN_PCP10, v, value >>> 13);
        } else {
          putSimple(w, RawAct.STRIP_VLAN10, v);
        }
      } else if (cfi) {
        if (!flowHasVlan(ctx)) putSimple(w, RawAct.PUSH_VLAN, v, 0x8100);
        putSimple(w, RawAct.SET_VLAN_VID11, v, value & 0xfff);
        putSimple(w, RawAct.SET_VLAN_PCP11, v, value >>> 13);
      } else {
        putSimple(w, RawAct.POP_VLAN, v);
      }
      return;
    }
    case MFF.VLAN_VID:
      putSimple(w, v === OFP10_VERSION ? RawAct.SET_VLAN_VID10 : RawAct.SET_VLAN_VID11, v, value & 0xfff);
      return;
    case MFF.VLAN_PCP:
      putSimple(w, v === OFP10_VERSION ? RawAct.SET_VLAN_PCP10 : RawAct.SET_VLAN_PCP11, v, value);
      return;
    case MFF.ETH_SRC:
    case MFF.ETH_DST: {
      const b = beginAct(w, a.field.id === MFF.ETH_SRC ? RawAct.SET_DL_SRC : RawAct.SET_DL_DST, v);
      w.bytes(a.value);
      endAct(w, b);
      return;
    }
    case MFF.IPV4_SRC:
      putSimple(w, RawAct.SET_NW_SRC, v, value);
      return;
    case MFF.IPV4_DST:
      putSimple(w, RawAct.SET_NW_DST, v, value);
      return;
    case MFF.IP_DSCP:
      putSimple(w, RawAct.SET_NW_TOS, v, value);
      return;
    case MFF.IP_DSCP_SHIFTED:
      putSimple(w, RawAct.SET_NW_TOS, v, (value << 2) & 0xff);
      return;
    case MFF.IP_ECN:
      if (v === OFP10_VERSION) encodeLoadField(w, MFF.IP_ECN, value, 2, v);
      else putSimple(w, RawAct.SET_NW_ECN, v, value);
      return;
    case MFF.TCP_SRC:
    case MFF.UDP_SRC:
      putSimple(w, RawAct.SET_TP_SRC, v, value);
      return;
    case MFF.TCP_DST:
    case MFF.UDP_DST:
      putSimple(w, RawAct.SET_TP_DST, v, value);
      return;
    default:
      setFieldToNxast(w, a, v);
  }
}

function encodeSetField(w: Writer, a: SetFieldAct, ctx: ActEncodeCtx): void {
  const v = ctx.version;
  if (v >= OFP15_VERSION) putSetFieldOxm(w, a.field, a.value, a.mask, v);
  else if (a.viaLoad) setFieldToNxast(w, a, v);
  else if (v === OFP10_VERSION) setFieldToLegacy(w, a, ctx);
  else if (isAllOnes(a.mask)) putSetFieldOxm(w, a.field, a.value, null, v);
  else setFieldToNxast(w, a, v);
}

function flowHasVlan(ctx: ActEncodeCtx): boolean {
  return ctx.match !== null && (ctx.match.key[W_VLAN0]! & VLAN_CFI) !== 0;
}

/** The L4 port field for a set of tp_src/tp_dst given the flow's nw_proto (OVS flow_ip_proto), or -1. */
function l4Field(ctx: ActEncodeCtx, src: boolean): number {
  const proto = ctx.match ? ctx.match.key[W_NW]! >>> 24 : 0;
  if (proto === 6) return src ? MFF.TCP_SRC : MFF.TCP_DST;
  if (proto === 17) return src ? MFF.UDP_SRC : MFF.UDP_DST;
  if (proto === 132) return src ? MFF.SCTP_SRC : MFF.SCTP_DST;
  return -1;
}

function encodeAction(w: Writer, a: OfpAction, ctx: ActEncodeCtx): void {
  const v = ctx.version;
  const v10 = v === OFP10_VERSION;
  switch (a.type) {
    case T.OUTPUT: {
      if (v10) {
        const b = beginAct(w, RawAct.OUTPUT10, v);
        w.u16(a.port).u16(a.maxLen);
        endAct(w, b);
      } else {
        const b = beginAct(w, RawAct.OUTPUT11, v);
        w.u32(portToOfp11(a.port)).u16(a.maxLen).zeros(6);
        endAct(w, b);
      }
      return;
    }
    case T.GROUP: putSimple(w, RawAct.GROUP, v, a.groupId); return;
    case T.CONTROLLER: encodeController(w, a, v); return;
    case T.ENQUEUE: {
      if (v10) {
        const b = beginAct(w, RawAct.ENQUEUE10, v);
        w.u16(a.port).zeros(6).u32(a.queue);
        endAct(w, b);
      } else {
        putSimple(w, RawAct.SET_QUEUE, v, a.queue);
        const b = beginAct(w, RawAct.OUTPUT11, v);
        w.u32(portToOfp11(a.port)).u16(0xffff).zeros(6);
        endAct(w, b);
        putSimple(w, RawAct.POP_QUEUE, v);
      }
      return;
    }
    case T.OUTPUT_REG: encodeOutputReg(w, a.src, a.maxLen, v); return;
    case T.BUNDLE: encodeBundle(w, a, v); return;
    case T.SET_FIELD: encodeSetField(w, a, ctx); return;
    case T.SET_VLAN_VID:
      if (!v10 && a.pushVlanIfNeeded && !flowHasVlan(ctx)) putSimple(w, RawAct.PUSH_VLAN, v, 0x8100);
      if (v10) putSimple(w, RawAct.SET_VLAN_VID10, v, a.vid);
      else putSetFieldNum(w, MFF.VLAN_VID, a.vid | 0x1000, v);
      return;
    case T.SET_VLAN_PCP:
      if (!v10 && a.pushVlanIfNeeded && !flowHasVlan(ctx)) putSimple(w, RawAct.PUSH_VLAN, v, 0x8100);
      if (v10) putSimple(w, RawAct.SET_VLAN_PCP10, v, a.pcp);
      else putSetFieldNum(w, MFF.VLAN_PCP, a.pcp, v);
      return;
    case T.STRIP_VLAN: putSimple(w, v10 ? RawAct.STRIP_VLAN10 : RawAct.POP_VLAN, v); return;
    case T.PUSH_VLAN: if (!v10) putSimple(w, RawAct.PUSH_VLAN, v, a.ethertype); return;
    case T.SET_ETH_SRC:
    case T.SET_ETH_DST: {
      const src = a.type === T.SET_ETH_SRC;
      if (v10) {
        const b = beginAct(w, src ? RawAct.SET_DL_SRC : RawAct.SET_DL_DST, v);
        w.mac(a.mac);
        endAct(w, b);
      } else {
        putSetFieldNum(w, src ? MFF.ETH_SRC : MFF.ETH_DST, a.mac, v);
      }
      return;
    }
    case T.SET_IPV4_SRC:
    case T.SET_IPV4_DST: {
      const src = a.type === T.SET_IPV4_SRC;
      if (v10) putSimple(w, src ? RawAct.SET_NW_SRC : RawAct.SET_NW_DST, v, a.ip);
      else putSetFieldNum(w, src ? MFF.IPV4_SRC : MFF.IPV4_DST, a.ip >>> 0, v);
      return;
    }
    case T.SET_IP_DSCP:
      if (v10) putSimple(w, RawAct.SET_NW_TOS, v, a.dscp);
      else putSetFieldNum(w, MFF.IP_DSCP_SHIFTED, a.dscp >>> 2, v);
      return;
    case T.SET_IP_ECN:
      if (v10) encodeLoadField(w, MFF.IP_ECN, a.ecn, 2, v);
      else putSetFieldNum(w, MFF.IP_ECN, a.ecn, v);
      return;
    case T.SET_IP_TTL:
      if (v10) encodeLoadField(w, MFF.IP_TTL, a.ttl, 8, v);
      else putSimple(w, RawAct.SET_NW_TTL, v, a.ttl);
      return;
    case T.SET_L4_SRC_PORT:
    case T.SET_L4_DST_PORT: {
      const src = a.type === T.SET_L4_SRC_PORT;
      const f = v10 ? -1 : l4Field(ctx, src);
      if (f >= 0) putSetFieldNum(w, f, a.port, v);
      else putSimple(w, src ? RawAct.SET_TP_SRC : RawAct.SET_TP_DST, v, a.port);
      return;
    }
    case T.REG_MOVE: encodeRegMove(w, a.src, a.dst, v); return;
    case T.STACK_PUSH:
    case T.STACK_POP: encodeStack(w, a.type === T.STACK_PUSH, a.subfield, v); return;
    case T.DEC_TTL:
      if (a.explicitIds || a.controllerIds.length !== 1 || a.controllerIds[0] !== 0) encodeDecTtlIds(w, a.controllerIds, v);
      else putSimple(w, RawAct.DEC_NW_TTL, v);
      return;
    case T.SET_MPLS_LABEL:
      if (v10) putSimple(w, RawAct.SET_MPLS_LABEL, v, a.label);
      else putSetFieldNum(w, MFF.MPLS_LABEL, a.label, v);
      return;
    case T.SET_MPLS_TC:
      if (v10) putSimple(w, RawAct.SET_MPLS_TC, v, a.tc);
      else putSetFieldNum(w, MFF.MPLS_TC, a.tc, v);
      return;
    case T.SET_MPLS_TTL: putSimple(w, RawAct.SET_MPLS_TTL, v, a.ttl); return;
    case T.DEC_MPLS_TTL: putSimple(w, RawAct.DEC_MPLS_TTL, v); return;
    case T.PUSH_MPLS: putSimple(w, RawAct.PUSH_MPLS, v, a.ethertype); return;
    case T.POP_MPLS: putSimple(w, RawAct.POP_MPLS, v, a.ethertype); return;
    case T.SET_TUNNEL:
      if (v10) {
        if (a.tunId <= 0xffffffffn && !a.tun64) putSimple(w, RawAct.SET_TUNNEL, v, Number(a.tunId));
        else putSimple(w, RawAct.SET_TUNNEL64, v, 0, a.tunId);
      } else {
        const f = MF_FIELDS[MFF.TUN_ID]!;
        const b = new Uint8Array(8);
        for (let i = 0; i < 8; i++) b[i] = Number((a.tunId >> BigInt(56 - 8 * i)) & 0xffn);
        putSetFieldOxm(w, f, b, null, v);
      }
      return;
    case T.SET_QUEUE: putSimple(w, RawAct.SET_QUEUE, v, a.queueId); return;
    case T.POP_QUEUE: putSimple(w, RawAct.POP_QUEUE, v); return;
    case T.FIN_TIMEOUT: {
      const b = beginAct(w, RawAct.FIN_TIMEOUT, v);
      w.u16(a.idleTimeout).u16(a.hardTimeout).u16(0);
      endAct(w, b);
      return;
    }
    case T.RESUBMIT: encodeResubmit(w, a.inPort, a.tableId, a.withCtOrig, v, a.rawResubmit === true); return;
    case T.LEARN: encodeLearn(w, a, v); return;
    case T.CONJUNCTION: {
      const b = beginAct(w, RawAct.CONJUNCTION, v);
      w.u8(a.clause).u8(a.nClauses).u32(a.id);
      endAct(w, b);
      return;
    }
    case T.MULTIPATH: encodeMultipath(w, a, v); return;
    case T.NOTE: {
      const b = beginAct(w, RawAct.NOTE, v);
      w.bytes(a.data);
      endAct(w, b);
      return;
    }
    case T.EXIT: putSimple(w, RawAct.EXIT, v); return;
    case T.SAMPLE: encodeSample(w, a, v); return;
    case T.CLONE: encodeClone(w, a, ctx); return;
    case T.OUTPUT_TRUNC: {
      const b = beginAct(w, RawAct.OUTPUT_TRUNC, v);
      w.u16(a.port).u32(a.maxLen);
      endAct(w, b);
      return;
    }
    case T.CT_CLEAR: putSimple(w, RawAct.CT_CLEAR, v); return;
    case T.METER:
      if (v >= OFP15_VERSION) putSimple(w, RawAct.METER15, v, a.meterId);
      else if (!v10) w.u16(OFPIT_METER).u16(8).u32(a.meterId);
      return;
    case T.CLEAR_ACTIONS:
      if (!v10) w.u16(OFPIT_CLEAR_ACTIONS).u16(8).u32(0);
      return;
    case T.WRITE_ACTIONS: {
      if (v10) return;
      const at = w.len;
      w.u16(OFPIT_WRITE_ACTIONS).u16(8).u32(0);
      ctx.nested(w, a.actions);
      if (w.len > at + 8) w.set16(at + 2, w.len - at);
      else w.len = at;
      return;
    }
    case T.WRITE_METADATA:
      if (v10) encodeWriteMetadata10(w, a.metadata, a.mask);
      else w.u16(OFPIT_WRITE_METADATA).u16(24).u32(0).u64(a.metadata).u64(a.mask);
      return;
    case T.GOTO_TABLE:
      if (v10) encodeGotoTable10(w, a.tableId);
      else w.u16(OFPIT_GOTO_TABLE).u16(8).u8(a.tableId).zeros(3);
      return;
  }
}

function makeCtx(version: number, match: Match | null): ActEncodeCtx {
  const ctx: ActEncodeCtx = {
    version,
    match,
    nested: (w, acts) => {
      for (const a of acts) encodeAction(w, a, ctx);
    },
  };
  return ctx;
}

/** Writes `acts` as a plain action list (OVS ofpacts_put_openflow_actions); returns its length. */
export function putActions(w: Writer, acts: readonly OfpAction[], version: number, match: Match | null = null): number {
  const start = w.len;
  const ctx = makeCtx(version, match);
  for (const a of acts) encodeAction(w, a, ctx);
  return w.len - start;
}

/**
 * Writes `acts` as OpenFlow 1.1+ instructions (apply-actions runs grouped into one
 * instruction), or as plain actions in OpenFlow 1.0 (OVS ofpacts_put_openflow_instructions).
 */
export function putInstructions(w: Writer, acts: readonly OfpAction[], version: number, match: Match | null = null): number {
  const start = w.len;
  const ctx = makeCtx(version, match);
  if (version === OFP10_VERSION) {
    for (const a of acts) encodeAction(w, a, ctx);
    return w.len - start;
  }
  let i = 0;
  while (i < acts.length) {
    if (instOf(acts[i]!, version) === APPLY) {
      const at = w.len;
      w.u16(OFPIT_APPLY_ACTIONS).u16(8).u32(0);
      while (i < acts.length && instOf(acts[i]!, version) === APPLY) encodeAction(w, acts[i++]!, ctx);
      if (w.len > at + 8) w.set16(at + 2, w.len - at);
      else w.len = at;
    } else {
      encodeAction(w, acts[i++]!, ctx);
    }
  }
  return w.len - start;
}

/** Decodes a standalone action list (e.g. for tests and tools); never throws. */
export function decodeActionsBytes(
  bytes: Uint8Array,
  version: number,
  instructions = false,
): { ok: true; actions: OfpAction[] } | { ok: false; error: string } {
  try {
    const r = new Reader(bytes, 0, bytes.length);
    const acts = instructions ? pullInstructions(r, bytes.length, version) : pullActions(r, bytes.length, version);
    return { ok: true, actions: acts };
  } catch (e) {
    if (e instanceof OfpFail) return { ok: false, error: e.code };
    throw e;
  }
}

/** Encodes a standalone action list (or instructions). */
export function encodeActionsBytes(acts: readonly OfpAction[], version: number, instructions = false, match: Match | null = null): Uint8Array {
  const w = new Writer();
  if (instructions) putInstructions(w, acts, version, match);
  else putActions(w, acts, version, match);
  return w.finish();
}
