/*
 * CRC32c (Castagnoli, reflected polynomial 0x82f63b78), as used by the SCTP checksum
 * (RFC 4960 appendix B / RFC 3309). Table driven, no allocation per call.
 */

const TABLE = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  TABLE[i] = c >>> 0;
}

/** Running CRC32c state update (no initial/final inversion). */
export function crc32cUpdate(crc: number, buf: Uint8Array, off: number, len: number): number {
  let c = crc >>> 0;
  const end = off + len;
  for (let i = off; i < end; i++) c = TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return c >>> 0;
}

/** CRC32c of buf[off, off+len) (initial 0xffffffff, final inversion). */
export function crc32c(buf: Uint8Array, off = 0, len = buf.length - off): number {
  return ~crc32cUpdate(0xffffffff, buf, off, len) >>> 0;
}
