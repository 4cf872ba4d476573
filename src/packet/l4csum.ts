/*
 * Transport checksums over a pseudo-header (TCP, UDP, ICMPv6), given the offsets of the
 * source and destination addresses. For IPv6 the destination is the final one (the last
 * routing-header address when segments are left, RFC 8200 section 8.1).
 */

import { foldSum, get16, onesSum, put16 } from './checksum.js';

/** One's-complement sum of a pseudo-header whose addresses (4 or 16 bytes each) sit at srcOfs/dstOfs. */
export function pseudoHeaderSum(
  buf: Uint8Array,
  srcOfs: number,
  dstOfs: number,
  addrLen: number,
  proto: number,
  l4Len: number,
): number {
  return onesSum(buf, srcOfs, addrLen) + onesSum(buf, dstOfs, addrLen) + proto + (l4Len >>> 16) + (l4Len & 0xffff);
}

/**
 * Checksum the L4 segment buf[l4, l4+len) should carry, with its checksum field at
 * l4 + csumOfs counted as zero, over the pseudo-header sum `pseudo` (0 for ICMPv4).
 */
export function l4Checksum(buf: Uint8Array, l4: number, len: number, csumOfs: number, pseudo: number): number {
  const stored = csumOfs + 2 <= len ? get16(buf, l4 + csumOfs) : 0;
  const sum = onesSum(buf, l4, len, pseudo) - stored;
  // The subtraction cannot go negative: the full sum includes `stored`.
  return ~foldSum(sum) & 0xffff;
}

/** Compute and store the L4 checksum; UDP over IPv4 sends 0 as 0xffff (0 means "none"). */
export function setL4Checksum(buf: Uint8Array, l4: number, len: number, csumOfs: number, pseudo: number, zeroAsFfff: boolean): number {
  let c = l4Checksum(buf, l4, len, csumOfs, pseudo);
  if (c === 0 && zeroAsFfff) c = 0xffff;
  put16(buf, l4 + csumOfs, c);
  return c;
}
