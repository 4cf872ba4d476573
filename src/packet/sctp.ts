/*
 * SCTP common header (RFC 9260) and chunk header; its CRC32c checksum, which is stored
 * least-significant byte first.
 */

import { crc32cUpdate } from './crc32c.js';

export const SCTP_SRC_OFS = 0;
export const SCTP_DST_OFS = 2;
export const SCTP_VTAG_OFS = 4;
export const SCTP_CSUM_OFS = 8;
export const SCTP_CHUNK_HEADER_LEN = 4;

export const SCTP_CHUNK_DATA = 0;
export const SCTP_CHUNK_INIT = 1;
export const SCTP_CHUNK_INIT_ACK = 2;
export const SCTP_CHUNK_SACK = 3;
export const SCTP_CHUNK_HEARTBEAT = 4;
export const SCTP_CHUNK_ABORT = 6;
export const SCTP_CHUNK_SHUTDOWN = 7;
export const SCTP_CHUNK_COOKIE_ECHO = 10;
export const SCTP_CHUNK_COOKIE_ACK = 11;

const ZERO4 = new Uint8Array(4);

/** CRC32c the SCTP packet buf[l4, l4+len) should carry (checksum field counted as zero). */
export function sctpChecksum(buf: Uint8Array, l4: number, len: number): number {
  let c = crc32cUpdate(0xffffffff, buf, l4, SCTP_CSUM_OFS);
  c = crc32cUpdate(c, ZERO4, 0, 4);
  c = crc32cUpdate(c, buf, l4 + SCTP_CSUM_OFS + 4, len - SCTP_CSUM_OFS - 4);
  return ~c >>> 0;
}

/** The checksum stored in the SCTP header at `l4` (as a number, read little-endian). */
export function getSctpChecksum(buf: Uint8Array, l4: number): number {
  const o = l4 + SCTP_CSUM_OFS;
  return (buf[o]! | (buf[o + 1]! << 8) | (buf[o + 2]! << 16) | (buf[o + 3]! << 24)) >>> 0;
}

/** Store a checksum value in the SCTP header at `l4` (little-endian). */
export function putSctpChecksum(buf: Uint8Array, l4: number, crc: number): void {
  const o = l4 + SCTP_CSUM_OFS;
  buf[o] = crc & 0xff;
  buf[o + 1] = (crc >>> 8) & 0xff;
  buf[o + 2] = (crc >>> 16) & 0xff;
  buf[o + 3] = (crc >>> 24) & 0xff;
}

/** Compute and store the checksum of the SCTP packet buf[l4, l4+len). */
export function setSctpChecksum(buf: Uint8Array, l4: number, len: number): void {
  putSctpChecksum(buf, l4, sctpChecksum(buf, l4, len));
}
