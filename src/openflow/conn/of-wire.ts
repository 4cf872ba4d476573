/*
 * What the connection layer needs from the OpenFlow wire format: the 8-byte header, stream
 * framing (the codec's OfFramer), hello with version bitmaps (OVS ofputil_encode_hello / ofputil_decode_hello
 * semantics), echo, and error replies that carry the first 64 bytes of the offending
 * request (OVS ofperr_encode_reply). Message bodies are the codec's business
 * (src/openflow/codec); this file only adapts to it.
 */
import { encodeErrorReply as codecErrorReply, encodeHelloError, encodeMessage, OfType } from '../codec/index.js';

export { OfFramer, isFramerError } from '../codec/index.js';

export const OFP_HEADER_LEN = 8;
export const OFPT_HELLO = 0;
export const OFPT_ERROR = 1;
export const OFPT_ECHO_REQUEST = 2;
export const OFPT_ECHO_REPLY = 3;

export interface OfHeader {
  readonly version: number;
  readonly type: number;
  readonly length: number;
  readonly xid: number;
}

export function parseHeader(b: Uint8Array): OfHeader {
  return {
    version: b[0]!,
    type: b[1]!,
    length: (b[2]! << 8) | b[3]!,
    xid: ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0,
  };
}

export function headerXid(b: Uint8Array): number {
  return ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0;
}

// --- version bitmaps ------------------------------------------------------------------------

/** Bitmap with every version from 1 to `v` (OVS version_bitmap_from_version). */
export function bitmapUpTo(v: number): number {
  return v >= 31 ? 0xfffffffe : ((1 << (v + 1)) - 1) & ~1;
}

export function highestVersion(bitmap: number): number {
  return bitmap === 0 ? 0 : 31 - Math.clz32(bitmap);
}

export function bitmapVersions(bitmap: number): number[] {
  const out: number[] = [];
  for (let v = 1; v < 32; v++) if ((bitmap >>> v) & 1) out.push(v);
  return out;
}

/** A hello announcing `allowed` (a bitmap); the bitmap element is left out when it says nothing more than the header version. */
export function encodeHelloMsg(allowed: number, xid: number): Uint8Array {
  const top = highestVersion(allowed);
  const contiguous = allowed === bitmapUpTo(top);
  return encodeMessage({ type: OfType.HELLO, xid, versions: contiguous ? null : bitmapVersions(allowed) }, top);
}

/**
 * The peer's versions from its hello (OVS ofputil_decode_hello): the bitmap element if it has
 * a valid one, else every version up to the header's. `ok` is false when the hello had data
 * OVS would warn about (it is still usable).
 */
export function decodeHelloVersions(msg: Uint8Array): { bitmap: number; ok: boolean } {
  const h = parseHeader(msg);
  let bitmap = bitmapUpTo(h.version);
  let ok = true;
  let pos = OFP_HEADER_LEN;
  const end = Math.min(h.length, msg.length);
  while (pos < end) {
    if (end - pos < 4) return { bitmap, ok: false };
    const type = (msg[pos]! << 8) | msg[pos + 1]!;
    const len = (msg[pos + 2]! << 8) | msg[pos + 3]!;
    const padded = (len + 7) & ~7;
    if (len < 4 || pos + padded > end) return { bitmap, ok: false };
    if (type === 1 && len > 4 && (len - 4) % 4 === 0) {
      const w = ((msg[pos + 4]! << 24) | (msg[pos + 5]! << 16) | (msg[pos + 6]! << 8) | msg[pos + 7]!) >>> 0;
      const v = w & ~1;
      if (v === 0 || v !== w) ok = false;
      if (v !== 0) bitmap = v >>> 0;
    } else {
      ok = false;
    }
    pos += padded;
  }
  return { bitmap, ok };
}

/** OVS version_bitmap_to_string: "version 1.3", "version 1.3 and earlier", "versions 1.0, 1.3". */
export function bitmapToString(bitmap: number): string {
  const name = (v: number): string => (v >= 1 && v <= 6 ? `0x0${v}` : `0x${v.toString(16).padStart(2, '0')}`);
  if (bitmap === 0) return 'no versions';
  const top = highestVersion(bitmap);
  if ((bitmap & (bitmap - 1)) === 0) return `version ${name(top)}`;
  if (bitmap === bitmapUpTo(top)) return `version ${name(top)} and earlier`;
  return `versions ${bitmapVersions(bitmap).map(name).join(', ')}`;
}

// --- error, echo ------------------------------------------------------------------------------

/** An error reply to `request`, with its xid and version and the request as data (OVS ofperr_encode_reply). */
export function encodeErrorReply(error: string, request: Uint8Array): Uint8Array {
  return codecErrorReply(error, request);
}

/** OFPHFC_INCOMPATIBLE with an explanatory text (OVS ofperr_encode_hello). */
export function encodeHelloFailed(text: string, version: number): Uint8Array {
  return encodeHelloError('OFPHFC_INCOMPATIBLE', version, text);
}

export function encodeEchoRequest(version: number, xid: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  return encodeMessage({ type: OfType.ECHO_REQUEST, xid, data }, version);
}

/** The echo reply to `request` (same xid, version and payload). */
export function encodeEchoReply(request: Uint8Array): Uint8Array {
  const h = parseHeader(request);
  return encodeMessage({ type: OfType.ECHO_REPLY, xid: h.xid, data: request.slice(OFP_HEADER_LEN, h.length) }, h.version);
}
