/*
 * Geneve header (RFC 8926): ver:2 optlen:6 | O:1 C:1 rsvd:6 | protocol type(2) | VNI(3)
 * reserved(1), then options as TLVs: class(2) type(1) rsvd:3|len:5 (len in 4-byte words).
 */

import { get16, put16 } from './checksum.js';

export const GENEVE_PROTO_OFS = 2;
export const GENEVE_VNI_OFS = 4;
export const GENEVE_OPT_HEADER_LEN = 4;
/** O flag: control packet. */
export const GENEVE_FLAG_OAM = 0x80;
/** C flag: a critical option is present. */
export const GENEVE_FLAG_CRITICAL = 0x40;
/** Option type bit marking an option critical. */
export const GENEVE_OPT_TYPE_CRITICAL = 0x80;

export function geneveVersion(buf: Uint8Array, ofs: number): number {
  return buf[ofs]! >>> 6;
}

/** Length of the options in bytes. */
export function geneveOptLen(buf: Uint8Array, ofs: number): number {
  return (buf[ofs]! & 0x3f) * 4;
}

export function geneveProto(buf: Uint8Array, ofs: number): number {
  return get16(buf, ofs + GENEVE_PROTO_OFS);
}

export function geneveVni(buf: Uint8Array, ofs: number): number {
  return (buf[ofs + 4]! << 16) | (buf[ofs + 5]! << 8) | buf[ofs + 6]!;
}

/** Write the 8-byte Geneve base header; `optLen` in bytes (a multiple of 4, at most 252). */
export function writeGeneve(buf: Uint8Array, ofs: number, vni: number, proto: number, optLen: number, flags = 0): void {
  buf[ofs] = (optLen >>> 2) & 0x3f;
  buf[ofs + 1] = flags & 0xc0;
  put16(buf, ofs + 2, proto);
  buf[ofs + 4] = (vni >>> 16) & 0xff;
  buf[ofs + 5] = (vni >>> 8) & 0xff;
  buf[ofs + 6] = vni & 0xff;
  buf[ofs + 7] = 0;
}
