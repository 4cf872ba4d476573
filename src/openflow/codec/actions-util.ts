/*
 * Shared helpers for the action codecs: writing action headers (standard and extension),
 * simple one-argument actions, 8-byte padding with the length fixed up, NXM ofs_nbits, and
 * the decode context that nested actions (clone) and set-field checks need.
 */

import type { Match } from '../../flow/match.js';
import type { MfSubfield } from '../../flow/meta-flow.js';
import type { OfpAction } from '../../ofproto/ofp-actions.js';
import { fail, type Reader, Writer } from './bytes.js';
import { rawActInfo, type RawAct, type RawActInfo } from './actions-table.js';

export interface ActDecodeCtx {
  readonly version: number;
  /** Decodes a nested action list (clone) of `len` bytes at r's position. */
  nested(r: Reader, len: number): OfpAction[];
}

export interface ActEncodeCtx {
  readonly version: number;
  /** The flow's match, when known (OVS uses it to choose push_vlan and the L4 set-field). */
  readonly match: Match | null;
  nested(w: Writer, acts: readonly OfpAction[]): void;
}

/** Writes the header of `raw` for the context's version; returns the action start. */
export function beginAct(w: Writer, raw: RawAct, version: number): { start: number; info: RawActInfo } {
  const info = rawActInfo(raw, version);
  const start = w.len;
  if (info.vendor) {
    w.u16(0xffff).u16(info.minLen).u32(info.vendor).u16(info.type);
  } else {
    w.u16(info.type).u16(info.minLen);
  }
  return { start, info };
}

/** Pads the action to 8 bytes (at least its minimum length) and sets its length. */
export function endAct(w: Writer, a: { start: number; info: RawActInfo }): void {
  const cur = w.len - a.start;
  if (cur < a.info.minLen) w.zeros(a.info.minLen - cur);
  w.pad(8, a.start);
  w.set16(a.start + 2, w.len - a.start);
}

/** A one-argument (or no-argument) action. */
export function putSimple(w: Writer, raw: RawAct, version: number, arg = 0, arg64 = 0n): void {
  const a = beginAct(w, raw, version);
  const { argOfs, argLen } = a.info;
  if (argLen) {
    w.zeros(a.start + argOfs - w.len);
    if (argLen === 1) w.u8(arg);
    else if (argLen === 2) w.u16(arg);
    else if (argLen === 4) w.u32(arg);
    else w.u64(arg64);
  }
  endAct(w, a);
}

/** Reads the integer argument of a simple action from a reader positioned at the action start. */
export function simpleArg(r: Reader, info: RawActInfo): number {
  const p = r.pos + info.argOfs;
  const b = r.buf;
  switch (info.argLen) {
    case 1: return b[p]!;
    case 2: return (b[p]! << 8) | b[p + 1]!;
    case 4: return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    default: return 0;
  }
}

export function simpleArg64(r: Reader, info: RawActInfo): bigint {
  const p = r.pos + info.argOfs;
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(r.buf[p + i]!);
  return v;
}

export function encodeOfsNbits(ofs: number, nBits: number): number {
  return ((ofs << 6) | (nBits - 1)) & 0xffff;
}

export function decodeOfs(ofsNbits: number): number {
  return ofsNbits >>> 6;
}

export function decodeNbits(ofsNbits: number): number {
  return (ofsNbits & 0x3f) + 1;
}

/** OVS mf_check_src: the subfield must fit its field. */
export function checkSrc(sf: MfSubfield): void {
  if (!sf.nBits) fail('OFPBAC_BAD_SET_LEN', `zero-bit ${sf.field.name}`);
  if (sf.ofs >= sf.field.nBits || sf.ofs + sf.nBits > sf.field.nBits) {
    fail('OFPBAC_BAD_SET_LEN', `bits ${sf.ofs}+${sf.nBits} exceed ${sf.field.name}`);
  }
}

/** OVS mf_check_dst: as checkSrc, and the field must be writable. */
export function checkDst(sf: MfSubfield): void {
  checkSrc(sf);
  if (!sf.field.writable) fail('OFPBAC_BAD_SET_ARGUMENT', `${sf.field.name} is not writable`);
}

/** OVS ofpact_check_output_port with OFPP_MAX. */
export function checkOutputPort(port: number): void {
  if (port >= 0xfff8 && port <= 0xfffe) return;
  if (port === 0xffff || port >= 0xff00) fail('OFPBAC_BAD_OUT_PORT', `bad output port ${port}`);
}
