/*
 * OpenFlow 1.4-style TLV properties (OVS lib/ofp-prop.c): a 16-bit type and 16-bit length
 * (header included), padded to 8 bytes; types at or above `minExp` (0xffff by default) are
 * experimenter properties with a 32-bit experimenter id and exp_type after the header.
 */

import { fail, Reader, Writer } from './bytes.js';

export interface Prop {
  readonly type: number;
  /** Experimenter id and exp_type for experimenter properties, else 0. */
  readonly experimenter: number;
  readonly expType: number;
  /** The property body (after the header or experimenter header). */
  readonly body: Reader;
}

/** Pulls one property from `r` (OVS ofpprop_pull__); length problems fail with OFPBPC_BAD_LEN. */
export function pullProp(r: Reader, alignment = 8, minExp = 0xffff): Prop {
  if (r.left < 4) fail('OFPBPC_BAD_LEN');
  const type = r.peek16(0);
  const len = r.peek16(2);
  const padded = Math.ceil(len / alignment) * alignment;
  if (len < 4 || padded > r.left) fail('OFPBPC_BAD_LEN', `property length ${len}`);
  const start = r.pos;
  let experimenter = 0;
  let expType = 0;
  let bodyStart = start + 4;
  if (type >= minExp) {
    if (len < 12) fail('OFPBPC_BAD_LEN');
    experimenter = r.peek32(4);
    expType = r.peek32(8);
    if (experimenter === 0) fail('OFPBPC_BAD_EXPERIMENTER');
    bodyStart = start + 12;
  }
  r.pos = start + padded;
  return { type, experimenter, expType, body: new Reader(r.buf, bodyStart, start + len, 'OFPBPC_BAD_LEN') };
}

/** The error OVS returns for an unknown property in strict parsing. */
export function unknownProp(p: Prop): never {
  return fail(p.experimenter ? 'OFPBPC_BAD_EXP_TYPE' : 'OFPBPC_BAD_TYPE', `unknown property ${p.type}`);
}

/** Starts a property; returns its offset for endProp. */
export function startProp(w: Writer, type: number): number {
  const at = w.len;
  w.u16(type).u16(4);
  return at;
}

/** Sets the property's length and pads it to 8 bytes (counted from `base`, the message start). */
export function endProp(w: Writer, at: number, base = 0): void {
  w.set16(at + 2, w.len - at);
  w.pad(8, base);
}

export function putPropU16(w: Writer, type: number, v: number, base = 0): void {
  const at = startProp(w, type);
  w.u16(v);
  endProp(w, at, base);
}

export function putPropU32(w: Writer, type: number, v: number, base = 0): void {
  const at = startProp(w, type);
  w.u32(v);
  endProp(w, at, base);
}

export function putPropU8(w: Writer, type: number, v: number, base = 0): void {
  const at = startProp(w, type);
  w.u8(v);
  endProp(w, at, base);
}

export function putPropBytes(w: Writer, type: number, b: Uint8Array, base = 0): void {
  const at = startProp(w, type);
  w.bytes(b);
  endProp(w, at, base);
}

export function parsePropU16(p: Prop): number {
  if (p.body.left < 2) fail('OFPBPC_BAD_LEN');
  return p.body.u16();
}

export function parsePropU8(p: Prop): number {
  if (p.body.left < 1) fail('OFPBPC_BAD_LEN');
  return p.body.u8();
}

export function parsePropU32(p: Prop): number {
  if (p.body.left !== 4) fail('OFPBPC_BAD_LEN');
  return p.body.u32();
}

/** A 64-bit property: 4 bytes of padding after the 4-byte header align the value (OVS ofpprop_put_be64). */
export function parsePropU64(p: Prop): bigint {
  if (p.body.left !== 12) fail('OFPBPC_BAD_LEN');
  p.body.skip(4);
  return p.body.u64();
}
