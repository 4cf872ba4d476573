/*
 * Nicira (and ONF) extension actions, NXAST_*: decoding with OVS's checks and errors, and
 * encoding in the form OVS picks (e.g. NXAST_CONTROLLER2 only when the simple form cannot
 * express the action). Wire layouts as in OVS lib/ofp-actions.c.
 */

import { MF_FIELDS, MFF, type MfField, type MfSubfield } from '../../flow/meta-flow.js';
import { OFPP_IN_PORT, OFPP_NONE } from '../../flow/ofp-port.js';
import {
  LearnDst,
  LearnSrc,
  NxLearnFlags,
  OfpactType as T,
  type BundleAct,
  type ControllerAct,
  type LearnAct,
  type LearnSpec,
  type MultipathAct,
  type NestAct,
  type OfpAction,
  type SampleAct,
} from '../../ofproto/ofp-actions.js';
import { fail, isAllZero, Reader, type Writer } from './bytes.js';
import { RawAct, type RawActInfo } from './actions-table.js';
import {
  beginAct,
  checkDst,
  checkOutputPort,
  checkSrc,
  decodeNbits,
  decodeOfs,
  encodeOfsNbits,
  endAct,
  putSimple,
  simpleArg,
  simpleArg64,
  type ActDecodeCtx,
  type ActEncodeCtx,
} from './actions-util.js';
import { fieldOfNxmHeader32, nxmHeader32, pullActionEntry, pullFieldHeader, putOxmHeader } from './match-oxm.js';
import { parsePropU16, parsePropU32, parsePropU8, pullProp, unknownProp } from './props.js';

const NXAC2PT_MAX_LEN = 0;
const NXAC2PT_CONTROLLER_ID = 1;
const NXAC2PT_REASON = 2;
const NXAC2PT_USERDATA = 3;
const NXAC2PT_PAUSE = 4;
const NXAC2PT_METER_ID = 5;
const OFPR_ACTION = 1;

/** The field named by a 32-bit NXM header in an action; unknown -> OFPBMC_BAD_FIELD (OVS mf_vl_mff_mf_from_nxm_header). */
function fieldOf32(h: number): MfField {
  const f = fieldOfNxmHeader32(h);
  if (!f) fail('OFPBMC_BAD_FIELD', `unknown NXM header 0x${h.toString(16)}`);
  return f;
}

/** Header of `f` for an NXAST action that has room for only a 32-bit header. */
function header32(f: MfField): number {
  return nxmHeader32(f);
}

function subfield(field: MfField, ofsNbits: number): MfSubfield {
  return { field, ofs: decodeOfs(ofsNbits), nBits: decodeNbits(ofsNbits) };
}

const HASH_FIELDS_MAX = 6;

export function decodeNxAction(info: RawActInfo, r: Reader, ctx: ActDecodeCtx): OfpAction {
  const base = r.pos;
  const len = r.end - r.pos;
  const at = (o: number): Reader => new Reader(r.buf, base + o, r.end, 'OFPBAC_BAD_LEN');
  switch (info.raw) {
    case RawAct.RESUBMIT:
      return { type: T.RESUBMIT, inPort: simpleArg(r, info), tableId: 255, withCtOrig: false, rawResubmit: true };
    case RawAct.RESUBMIT_TABLE:
    case RawAct.RESUBMIT_TABLE_CT: {
      const x = at(10);
      const inPort = x.u16();
      const tableId = x.u8();
      if (!x.zeros(3)) fail('OFPBAC_BAD_ARGUMENT', 'resubmit pad must be zero');
      return { type: T.RESUBMIT, inPort, tableId, withCtOrig: info.raw === RawAct.RESUBMIT_TABLE_CT };
    }
    case RawAct.SET_TUNNEL:
      return { type: T.SET_TUNNEL, tunId: BigInt(simpleArg(r, info)), tun64: false };
    case RawAct.SET_TUNNEL64:
      return { type: T.SET_TUNNEL, tunId: simpleArg64(r, info), tun64: true };
    case RawAct.POP_QUEUE:
      return { type: T.POP_QUEUE };
    case RawAct.EXIT:
      return { type: T.EXIT };
    case RawAct.CT_CLEAR:
      return { type: T.CT_CLEAR };
    case RawAct.NOTE:
      return { type: T.NOTE, data: r.buf.slice(base + 10, base + len) };
    case RawAct.FIN_TIMEOUT: {
      const x = at(10);
      return { type: T.FIN_TIMEOUT, idleTimeout: x.u16(), hardTimeout: x.u16() };
    }
    case RawAct.CONTROLLER: {
      const x = at(10);
      const maxLen = x.u16();
      const controllerId = x.u16();
      const reason = x.u8();
      return { type: T.CONTROLLER, maxLen, controllerId, reason, userdata: null, pause: false, meterId: 0 };
    }
    case RawAct.CONTROLLER2:
      return decodeController2(r, base, len);
    case RawAct.OUTPUT_REG: {
      const x = at(10);
      const ofsNbits = x.u16();
      const src = x.u32();
      const maxLen = x.u16();
      if (!x.zeros(6)) fail('OFPBAC_BAD_ARGUMENT', 'output_reg zero field must be zero');
      const sf = subfield(fieldOf32(src), ofsNbits);
      checkSrc(sf);
      return { type: T.OUTPUT_REG, src: sf, maxLen };
    }
    case RawAct.OUTPUT_REG2: {
      const x = at(10);
      const ofsNbits = x.u16();
      const maxLen = x.u16();
      const h = pullFieldHeader(x);
      if (h.masked) fail('OFPBMC_BAD_MASK');
      if (!isAllZero(r.buf, x.pos, r.end)) fail('NXBRC_MUST_BE_ZERO');
      const sf = subfield(h.field, ofsNbits);
      checkSrc(sf);
      return { type: T.OUTPUT_REG, src: sf, maxLen };
    }
    case RawAct.BUNDLE:
    case RawAct.BUNDLE_LOAD:
      return decodeBundle(info.raw === RawAct.BUNDLE_LOAD, r, base, len);
    case RawAct.REG_MOVE:
    case RawAct.COPY_FIELD13:
    case RawAct.COPY_FIELD15: {
      const x = at(info.raw === RawAct.REG_MOVE ? 10 : info.raw === RawAct.COPY_FIELD13 ? 10 : 4);
      let nBits: number;
      let srcOfs: number;
      let dstOfs: number;
      if (info.raw === RawAct.REG_MOVE) {
        nBits = x.u16();
        srcOfs = x.u16();
        dstOfs = x.u16();
      } else {
        if (info.raw === RawAct.COPY_FIELD13) x.skip(2);
        nBits = x.u16();
        srcOfs = x.u16();
        dstOfs = x.u16();
        x.skip(2);
      }
      const s = pullFieldHeader(x);
      const d = pullFieldHeader(x);
      if (s.masked || d.masked) fail('OFPBMC_BAD_MASK');
      if (!isAllZero(r.buf, x.pos, r.end)) fail('NXBRC_MUST_BE_ZERO');
      const src = { field: s.field, ofs: srcOfs, nBits };
      const dst = { field: d.field, ofs: dstOfs, nBits };
      checkSrc(src);
      checkDst(dst);
      return { type: T.REG_MOVE, src, dst };
    }
    case RawAct.REG_LOAD:
      return decodeRegLoad(at(10));
    case RawAct.REG_LOAD2: {
      const x = at(10);
      const e = pullActionEntry(x, true);
      if (!isAllZero(r.buf, x.pos, r.end)) fail('OFPBAC_BAD_SET_ARGUMENT', 'reg_load2 trailing bytes');
      if (!e.field.writable) fail('OFPBAC_BAD_SET_ARGUMENT', `${e.field.name} is not writable`);
      const mask = e.mask ?? new Uint8Array(e.field.nBytes).fill(0xff);
      return { type: T.SET_FIELD, field: e.field, value: e.value.map((b, i) => b & mask[i]!), mask, viaLoad: true };
    }
    case RawAct.STACK_PUSH:
    case RawAct.STACK_POP: {
      const x = at(10);
      const ofs = x.u16();
      const h = pullFieldHeader(x);
      if (h.masked) fail('OFPBMC_BAD_MASK');
      const nBits = x.u16();
      if (!isAllZero(r.buf, x.pos, r.end)) fail('NXBRC_MUST_BE_ZERO');
      const sf = { field: h.field, ofs, nBits };
      if (info.raw === RawAct.STACK_PUSH) checkSrc(sf);
      else checkDst(sf);
      return { type: info.raw === RawAct.STACK_PUSH ? T.STACK_PUSH : T.STACK_POP, subfield: sf };
    }
    case RawAct.DEC_TTL_CNT_IDS: {
      const x = at(10);
      const n = x.u16();
      if (!x.zeros(4)) fail('NXBRC_MUST_BE_ZERO');
      if (len - 16 < 2 * n) fail('OFPBAC_BAD_LEN', 'dec_ttl_cnt_ids too short');
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push(x.u16());
      return { type: T.DEC_TTL, controllerIds: ids, explicitIds: true };
    }
    case RawAct.WRITE_METADATA: {
      const x = at(10);
      if (!x.zeros(6)) fail('NXBRC_MUST_BE_ZERO');
      const metadata = x.u64();
      const mask = x.u64();
      return { type: T.WRITE_METADATA, metadata, mask };
    }
    case RawAct.MULTIPATH:
      return decodeMultipath(at(10));
    case RawAct.LEARN:
    case RawAct.LEARN2:
      return decodeLearn(info.raw === RawAct.LEARN2, r, base, len);
    case RawAct.CONJUNCTION: {
      const x = at(10);
      const clause = x.u8();
      const nClauses = x.u8();
      const id = x.u32();
      if (nClauses < 2 || nClauses > 64 || clause >= nClauses) fail('NXBAC_BAD_CONJUNCTION');
      return { type: T.CONJUNCTION, id, clause, nClauses };
    }
    case RawAct.SAMPLE:
    case RawAct.SAMPLE2:
    case RawAct.SAMPLE3:
    case RawAct.SAMPLE4:
      return decodeSample(info.raw, at(10));
    case RawAct.OUTPUT_TRUNC: {
      const x = at(10);
      const port = x.u16();
      const maxLen = x.u32();
      if (maxLen < 14) fail('OFPBAC_BAD_ARGUMENT', 'output_trunc max_len < 14');
      return { type: T.OUTPUT_TRUNC, port, maxLen };
    }
    case RawAct.CLONE: {
      if (!isAllZero(r.buf, base + 10, base + 16)) fail('NXBRC_MUST_BE_ZERO');
      const x = at(16);
      const acts = ctx.nested(x, len - 16);
      return { type: T.CLONE, actions: acts };
    }
    default:
      return fail('OFPBAC_BAD_VENDOR_TYPE', `unhandled action ${info.raw}`);
  }
}

function decodeController2(r: Reader, base: number, len: number): ControllerAct {
  if (!isAllZero(r.buf, base + 10, base + 16)) fail('NXBRC_MUST_BE_ZERO');
  const props = new Reader(r.buf, base + 16, base + len, 'OFPBPC_BAD_LEN');
  let maxLen = 0xffff;
  let controllerId = 0;
  let reason = OFPR_ACTION;
  let userdata: Uint8Array | null = null;
  let pause = false;
  let meterId = 0;
  while (props.left > 0) {
    const p = pullProp(props);
    switch (p.type) {
      case NXAC2PT_MAX_LEN: maxLen = parsePropU16(p); break;
      case NXAC2PT_CONTROLLER_ID: controllerId = parsePropU16(p); break;
      case NXAC2PT_REASON: reason = parsePropU8(p); break;
      case NXAC2PT_USERDATA: userdata = p.body.bytes(p.body.left); break;
      case NXAC2PT_PAUSE: pause = true; break;
      case NXAC2PT_METER_ID: meterId = parsePropU32(p); break;
      default: unknownProp(p);
    }
  }
  return { type: T.CONTROLLER, maxLen, controllerId, reason, userdata, pause, meterId };
}

function decodeBundle(load: boolean, r: Reader, base: number, len: number): BundleAct {
  const x = new Reader(r.buf, base + 10, base + len, 'OFPBAC_BAD_LEN');
  const algorithm = x.u16();
  const fields = x.u16();
  const basis = x.u16();
  const memberType = x.u32();
  const nMembers = x.u16();
  const ofsNbits = x.u16();
  const dstH = x.u32();
  const zeroOk = x.zeros(4);
  let error: string | null = null;
  if (fields > HASH_FIELDS_MAX || nMembers > 2048 || (algorithm !== 0 && algorithm !== 1) || memberType !== 0x00000002) {
    error = 'OFPBAC_BAD_ARGUMENT';
  }
  if (!zeroOk) error = 'OFPBAC_BAD_ARGUMENT';
  let dst: MfSubfield | null = null;
  if (load) {
    dst = subfield(fieldOf32(dstH), ofsNbits);
    if (dst.nBits < 16) error = 'OFPBAC_BAD_ARGUMENT';
  } else if (ofsNbits || dstH) {
    error = 'OFPBAC_BAD_ARGUMENT';
  }
  const members: number[] = [];
  if (len - 32 < 2 * nMembers) {
    error = 'OFPBAC_BAD_LEN';
  } else {
    for (let i = 0; i < nMembers; i++) members.push(x.u16());
  }
  if (error) fail(error, 'bad bundle action');
  if (dst) checkDst(dst);
  for (const m of members) {
    if (m !== OFPP_NONE) checkOutputPort(m);
    if (m === 0xfffd) fail('OFPBAC_BAD_OUT_PORT', 'controller bundle member');
  }
  return { type: T.BUNDLE, algorithm, fields, basis, members, dst };
}

function decodeRegLoad(x: Reader): OfpAction {
  const ofsNbits = x.u16();
  const dstH = x.u32();
  const value = x.u64();
  const dst = subfield(fieldOf32(dstH), ofsNbits);
  checkDst(dst);
  if (dst.nBits < 64 && value >> BigInt(dst.nBits)) fail('OFPBAC_BAD_ARGUMENT', 'load value too wide');
  const f = dst.field;
  const v = new Uint8Array(f.nBytes);
  const m = new Uint8Array(f.nBytes);
  for (let i = 0; i < dst.nBits; i++) {
    const bit = dst.ofs + i;
    const byte = f.nBytes - 1 - (bit >> 3);
    m[byte] = m[byte]! | (1 << (bit & 7));
    if ((value >> BigInt(i)) & 1n) v[byte] = v[byte]! | (1 << (bit & 7));
  }
  return { type: T.SET_FIELD, field: f, value: v, mask: m, viaLoad: true };
}

function decodeMultipath(x: Reader): MultipathAct {
  const fields = x.u16();
  const basis = x.u16();
  x.skip(2);
  const algorithm = x.u16();
  const maxLink = x.u16();
  const arg = x.u32();
  x.skip(2);
  const ofsNbits = x.u16();
  const dstH = x.u32();
  const dst = subfield(fieldOf32(dstH), ofsNbits);
  const nLinks = maxLink + 1;
  const minBits = Math.ceil(Math.log2(nLinks));
  if (fields > HASH_FIELDS_MAX) fail('OFPBAC_BAD_ARGUMENT', 'multipath fields');
  if (algorithm > 3) fail('OFPBAC_BAD_ARGUMENT', 'multipath algorithm');
  if (dst.nBits < minBits) fail('OFPBAC_BAD_ARGUMENT', 'multipath destination too narrow');
  checkDst(dst);
  return { type: T.MULTIPATH, fields, basis, algorithm, maxLink, arg, dst };
}

const NX_LEARN_N_BITS_MASK = 0x3ff;
const NX_LEARN_SRC_IMMEDIATE = 1 << 13;
const NX_LEARN_DST_SHIFT = 11;

function decodeLearn(v2: boolean, r: Reader, base: number, len: number): LearnAct {
  const x = new Reader(r.buf, base + 10, base + len, 'OFPBAC_BAD_LEN');
  const idleTimeout = x.u16();
  const hardTimeout = x.u16();
  const priority = x.u16();
  const cookie = x.u64();
  const flags = x.u16();
  const tableId = x.u8();
  const pad = x.u8();
  const finIdleTimeout = x.u16();
  const finHardTimeout = x.u16();
  if (v2) {
    // nx_action_learn2: limit, result_dst_ofs, pad2 (checked first, as OVS does).
    if (r.buf[base + 38] || r.buf[base + 39]) fail('NXBAC_MUST_BE_ZERO');
  }
  if (pad) fail('OFPBAC_BAD_ARGUMENT', 'learn pad');
  if (tableId === 0xff) fail('OFPBAC_BAD_ARGUMENT', 'learn table 255');
  let limit = 0;
  let resultDst: MfSubfield | null = null;
  if (v2) {
    limit = x.u32();
    const resultOfs = x.u16();
    x.skip(2);
    const allowed = NxLearnFlags.SEND_FLOW_REM | NxLearnFlags.DELETE_LEARNED | NxLearnFlags.WRITE_RESULT;
    if (flags & ~allowed) fail('OFPBAC_BAD_ARGUMENT', 'learn flags');
    if (flags & NxLearnFlags.WRITE_RESULT) {
      const h = pullFieldHeader(x);
      if (h.masked) fail('OFPBMC_BAD_MASK');
      if (!h.field.writable) fail('OFPBAC_BAD_SET_ARGUMENT');
      resultDst = { field: h.field, ofs: resultOfs, nBits: 1 };
    } else if (resultOfs) {
      fail('OFPBAC_BAD_ARGUMENT', 'learn result_dst_ofs');
    }
  } else if (flags & ~(NxLearnFlags.SEND_FLOW_REM | NxLearnFlags.DELETE_LEARNED)) {
    fail('OFPBAC_BAD_ARGUMENT', 'learn flags');
  }
  const specs: LearnSpec[] = [];
  while (x.left > 0) {
    if (x.left < 2) break;
    const header = x.u16();
    if (!header) break;
    const srcType = header & NX_LEARN_SRC_IMMEDIATE ? LearnSrc.IMMEDIATE : LearnSrc.FIELD;
    const dstType = (header >>> NX_LEARN_DST_SHIFT) & 3;
    const nBits = header & NX_LEARN_N_BITS_MASK;
    if (!(dstType === LearnDst.MATCH || dstType === LearnDst.LOAD || (dstType === LearnDst.OUTPUT && srcType === LearnSrc.FIELD))) {
      fail('OFPBAC_BAD_ARGUMENT', 'learn spec types');
    }
    let minLen = srcType === LearnSrc.FIELD ? 6 : 2 * Math.ceil(nBits / 16);
    if (dstType !== LearnDst.OUTPUT) minLen += 6;
    if (x.left < minLen) fail('OFPBAC_BAD_LEN', 'learn spec overruns action');
    let src: MfSubfield | null = null;
    let srcImm: Uint8Array | null = null;
    if (srcType === LearnSrc.FIELD) {
      const f = fieldOf32(x.u32());
      src = { field: f, ofs: x.u16(), nBits };
    } else {
      const pBytes = 2 * Math.ceil(nBits / 16);
      const immBytes = Math.ceil(nBits / 8);
      const all = x.bytes(pBytes);
      srcImm = all.slice(pBytes - immBytes);
    }
    let dst: MfSubfield | null = null;
    if (dstType !== LearnDst.OUTPUT) {
      const f = fieldOf32(x.u32());
      dst = { field: f, ofs: x.u16(), nBits };
    }
    specs.push({ srcType, dstType, nBits, src, srcImm, dst });
  }
  if (!isAllZero(r.buf, x.pos, x.end)) fail('OFPBAC_BAD_ARGUMENT', 'learn trailing bytes');
  return {
    type: T.LEARN, idleTimeout, hardTimeout, finIdleTimeout, finHardTimeout, priority, cookie, flags, tableId,
    limit, resultDst, specs,
  };
}

function decodeSampleObs(srcH: number, word: number): { src: MfSubfield | null; imm: number } {
  if (!srcH) return { src: null, imm: word >>> 0 };
  const sf = subfield(fieldOf32(srcH), word >>> 16);
  checkSrc(sf);
  if (sf.nBits > 32) fail('OFPBAC_BAD_ARGUMENT', 'observation id source wider than 32 bits');
  return { src: sf, imm: 0 };
}

function decodeSample(raw: RawAct, x: Reader): SampleAct {
  const probability = x.u16();
  const collectorSetId = x.u32();
  if (raw === RawAct.SAMPLE4) {
    const domSrc = x.u32();
    const domWord = x.u32();
    const ptSrc = x.u32();
    const ptWord = x.u32();
    const samplingPort = x.u16();
    const direction = x.u8();
    if (!x.zeros(5)) fail('NXBRC_MUST_BE_ZERO');
    if (direction > 2) fail('OFPBAC_BAD_ARGUMENT', 'sample direction');
    if (probability === 0) fail('OFPBAC_BAD_ARGUMENT', 'sample probability 0');
    const d = decodeSampleObs(domSrc, domWord);
    const p = decodeSampleObs(ptSrc, ptWord);
    return {
      type: T.SAMPLE, probability, collectorSetId, obsDomainImm: d.imm, obsDomainSrc: d.src,
      obsPointImm: p.imm, obsPointSrc: p.src, samplingPort, direction,
    };
  }
  const obsDomainImm = x.u32();
  const obsPointImm = x.u32();
  let samplingPort = OFPP_NONE;
  let direction = 0;
  if (raw !== RawAct.SAMPLE) {
    samplingPort = x.u16();
    const dir = x.u8();
    if (raw === RawAct.SAMPLE3) {
      if (!x.zeros(5)) fail('NXBRC_MUST_BE_ZERO');
      if (dir > 2) fail('OFPBAC_BAD_ARGUMENT', 'sample direction');
      direction = dir;
    }
  }
  if (probability === 0) fail('OFPBAC_BAD_ARGUMENT', 'sample probability 0');
  return {
    type: T.SAMPLE, probability, collectorSetId, obsDomainImm, obsDomainSrc: null, obsPointImm, obsPointSrc: null,
    samplingPort, direction,
  };
}

// --- encoding ----------------------------------------------------------------------------------------

export function encodeController(w: Writer, a: ControllerAct, version: number): void {
  const ud = a.userdata;
  if ((ud && ud.length) || a.pause || a.meterId !== 0) {
    const b = beginAct(w, RawAct.CONTROLLER2, version);
    w.zeros(6);
    const prop = (type: number, body: (() => void) | null): void => {
      const at = w.len;
      w.u16(type).u16(4);
      if (body) body();
      w.set16(at + 2, w.len - at);
      w.pad(8, b.start);
    };
    // 16-bit properties are 8 bytes long with the padding counted (OVS ofpprop_put_be16).
    if (a.maxLen !== 0xffff) prop(NXAC2PT_MAX_LEN, () => w.u16(a.maxLen).u16(0));
    if (a.controllerId !== 0) prop(NXAC2PT_CONTROLLER_ID, () => w.u16(a.controllerId).u16(0));
    if (a.reason !== OFPR_ACTION) prop(NXAC2PT_REASON, () => w.u8(a.reason));
    if (ud && ud.length) prop(NXAC2PT_USERDATA, () => w.bytes(ud));
    if (a.pause) prop(NXAC2PT_PAUSE, null);
    if (a.meterId !== 0) prop(NXAC2PT_METER_ID, () => w.u32(a.meterId));
    endAct(w, b);
    return;
  }
  const b = beginAct(w, RawAct.CONTROLLER, version);
  w.u16(a.maxLen).u16(a.controllerId).u8(a.reason).u8(0);
  endAct(w, b);
}

export function encodeOutputReg(w: Writer, src: MfSubfield, maxLen: number, version: number): void {
  const h = header32(src.field);
  if (h) {
    const b = beginAct(w, RawAct.OUTPUT_REG, version);
    w.u16(encodeOfsNbits(src.ofs, src.nBits)).u32(h).u16(maxLen).zeros(6);
    endAct(w, b);
  } else {
    const b = beginAct(w, RawAct.OUTPUT_REG2, version);
    w.u16(encodeOfsNbits(src.ofs, src.nBits)).u16(maxLen);
    putOxmHeader(w, src.field, 0, false);
    endAct(w, b);
  }
}

export function encodeBundle(w: Writer, a: BundleAct, version: number): void {
  const b = beginAct(w, a.dst ? RawAct.BUNDLE_LOAD : RawAct.BUNDLE, version);
  w.u16(a.algorithm).u16(a.fields).u16(a.basis).u32(0x00000002).u16(a.members.length);
  if (a.dst) w.u16(encodeOfsNbits(a.dst.ofs, a.dst.nBits)).u32(header32(a.dst.field));
  else w.u16(0).u32(0);
  w.zeros(4);
  for (const m of a.members) w.u16(m);
  endAct(w, b);
}

export function encodeRegMove(w: Writer, src: MfSubfield, dst: MfSubfield, version: number): void {
  if (version >= 6) {
    const b = beginAct(w, RawAct.COPY_FIELD15, version);
    w.u16(dst.nBits).u16(src.ofs).u16(dst.ofs).u16(0);
    putOxmHeader(w, src.field, version, false);
    putOxmHeader(w, dst.field, version, false);
    endAct(w, b);
    return;
  }
  const b = beginAct(w, RawAct.REG_MOVE, version);
  w.u16(dst.nBits).u16(src.ofs).u16(dst.ofs);
  putOxmHeader(w, src.field, 0, false);
  putOxmHeader(w, dst.field, 0, false);
  endAct(w, b);
}

/** reg_load of one contiguous run of at most 64 bits. */
export function encodeRegLoad(w: Writer, dst: MfSubfield, value: bigint, version: number): void {
  const b = beginAct(w, RawAct.REG_LOAD, version);
  w.u16(encodeOfsNbits(dst.ofs, dst.nBits)).u32(header32(dst.field)).u64(value);
  endAct(w, b);
}

export function encodeRegLoad2(w: Writer, f: MfField, value: Uint8Array, mask: Uint8Array, version: number): void {
  // The OXM entry starts at offset 10, where ext_action_header's pad would be.
  const b = beginAct(w, RawAct.REG_LOAD2, version);
  let allOnes = true;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0xff) allOnes = false;
  putOxmHeader(w, f, 0, !allOnes);
  w.bytes(value);
  if (!allOnes) w.bytes(mask);
  endAct(w, b);
}

export function encodeStack(w: Writer, push: boolean, sf: MfSubfield, version: number): void {
  const b = beginAct(w, push ? RawAct.STACK_PUSH : RawAct.STACK_POP, version);
  w.u16(sf.ofs);
  putOxmHeader(w, sf.field, 0, false);
  w.u16(sf.nBits);
  endAct(w, b);
}

export function encodeDecTtlIds(w: Writer, ids: readonly number[], version: number): void {
  const b = beginAct(w, RawAct.DEC_TTL_CNT_IDS, version);
  w.u16(ids.length).zeros(4);
  for (const id of ids) w.u16(id);
  endAct(w, b);
}

export function encodeMultipath(w: Writer, a: MultipathAct, version: number): void {
  const b = beginAct(w, RawAct.MULTIPATH, version);
  w.u16(a.fields).u16(a.basis).u16(0).u16(a.algorithm).u16(a.maxLink).u32(a.arg).u16(0);
  w.u16(encodeOfsNbits(a.dst.ofs, a.dst.nBits)).u32(header32(a.dst.field));
  endAct(w, b);
}

export function encodeLearn(w: Writer, a: LearnAct, version: number): void {
  const v2 = a.limit !== 0 || (a.flags & NxLearnFlags.WRITE_RESULT) !== 0;
  const b = beginAct(w, v2 ? RawAct.LEARN2 : RawAct.LEARN, version);
  w.u16(a.idleTimeout).u16(a.hardTimeout).u16(a.priority).u64(a.cookie).u16(a.flags).u8(a.tableId).u8(0);
  w.u16(a.finIdleTimeout).u16(a.finHardTimeout);
  if (v2) {
    w.u32(a.limit).u16(a.resultDst ? a.resultDst.ofs : 0).u16(0);
    if (a.flags & NxLearnFlags.WRITE_RESULT && a.resultDst) putOxmHeader(w, a.resultDst.field, 0, false);
  }
  for (const s of a.specs) {
    w.u16(s.nBits | (s.dstType << NX_LEARN_DST_SHIFT) | (s.srcType === LearnSrc.IMMEDIATE ? NX_LEARN_SRC_IMMEDIATE : 0));
    if (s.srcType === LearnSrc.FIELD) {
      w.u32(header32(s.src!.field)).u16(s.src!.ofs);
    } else {
      const nDst = 2 * Math.ceil(s.nBits / 16);
      const imm = s.srcImm ?? new Uint8Array(0);
      const nBytes = Math.ceil(s.nBits / 8);
      w.zeros(nDst - nBytes);
      if (imm.length >= nBytes) w.bytes(imm.subarray(imm.length - nBytes));
      else w.zeros(nBytes - imm.length).bytes(imm);
    }
    if (s.dstType === LearnDst.MATCH || s.dstType === LearnDst.LOAD) w.u32(header32(s.dst!.field)).u16(s.dst!.ofs);
  }
  endAct(w, b);
}

export function encodeSample(w: Writer, a: SampleAct, version: number): void {
  if (a.obsDomainSrc || a.obsPointSrc) {
    const b = beginAct(w, RawAct.SAMPLE4, version);
    w.u16(a.probability).u32(a.collectorSetId);
    const obs = (src: MfSubfield | null, imm: number): void => {
      if (src) w.u32(header32(src.field)).u16(encodeOfsNbits(src.ofs, src.nBits)).u16(0);
      else w.u32(0).u32(imm);
    };
    obs(a.obsDomainSrc, a.obsDomainImm);
    obs(a.obsPointSrc, a.obsPointImm);
    w.u16(a.samplingPort).u8(a.direction).zeros(5);
    endAct(w, b);
  } else if (a.direction !== 0 || a.samplingPort !== OFPP_NONE) {
    const b = beginAct(w, a.direction !== 0 ? RawAct.SAMPLE3 : RawAct.SAMPLE2, version);
    w.u16(a.probability).u32(a.collectorSetId).u32(a.obsDomainImm).u32(a.obsPointImm);
    w.u16(a.samplingPort).u8(a.direction).zeros(5);
    endAct(w, b);
  } else {
    const b = beginAct(w, RawAct.SAMPLE, version);
    w.u16(a.probability).u32(a.collectorSetId).u32(a.obsDomainImm).u32(a.obsPointImm);
    endAct(w, b);
  }
}

export function encodeClone(w: Writer, a: NestAct, ctx: ActEncodeCtx): void {
  const b = beginAct(w, RawAct.CLONE, ctx.version);
  w.zeros(6);
  ctx.nested(w, a.actions);
  w.set16(b.start + 2, w.len - b.start);
}

/** OVS encode_RESUBMIT: NXAST_RESUBMIT only for one that came in as such (`raw`). */
export function encodeResubmit(w: Writer, inPort: number, tableId: number, withCtOrig: boolean, version: number, raw = false): void {
  if (tableId === 255 && raw) {
    putSimple(w, RawAct.RESUBMIT, version, inPort);
    return;
  }
  const b = beginAct(w, withCtOrig ? RawAct.RESUBMIT_TABLE_CT : RawAct.RESUBMIT_TABLE, version);
  w.u16(inPort).u8(tableId).zeros(3);
  endAct(w, b);
}

/** goto_table in OpenFlow 1.0: resubmit(,table). */
export function encodeGotoTable10(w: Writer, tableId: number): void {
  encodeResubmit(w, OFPP_IN_PORT, tableId, false, 1);
}

export function encodeWriteMetadata10(w: Writer, metadata: bigint, mask: bigint): void {
  const b = beginAct(w, RawAct.WRITE_METADATA, 1);
  w.zeros(6).u64(metadata).u64(mask);
  endAct(w, b);
}

/** A set of field `id` as an NXAST_REG_LOAD (OpenFlow 1.0 forms of mod_nw_ttl and mod_nw_ecn). */
export function encodeLoadField(w: Writer, id: number, value: number, nBits: number, version: number): void {
  encodeRegLoad(w, { field: MF_FIELDS[id]!, ofs: 0, nBits }, BigInt(value), version);
}

export const NX_LOAD_IP_TTL = MFF.IP_TTL;
export const NX_LOAD_IP_ECN = MFF.IP_ECN;
