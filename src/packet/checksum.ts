/*
 * Internet checksum (RFC 1071) over byte ranges, the IPv4/IPv6 pseudo-headers for L4
 * checksums, and incremental update (RFC 1624: HC' = ~(~HC + ~m + m')) used when an
 * action rewrites a field so the whole packet need not be summed again.
 */

/** One's-complement sum of buf[off, off+len) as 16-bit big-endian words, not folded or inverted. */
export function onesSum(buf: Uint8Array, off: number, len: number, initial = 0): number {
  let sum = initial;
  const end = off + len;
  let i = off;
  for (; i + 1 < end; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) sum += buf[i]! << 8;
  return sum;
}

/** Fold a 32-bit-or-wider one's-complement sum to 16 bits. */
export function foldSum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The Internet checksum of a byte range (the value to store in the header). */
export function internetChecksum(buf: Uint8Array, off: number, len: number, initial = 0): number {
  return ~foldSum(onesSum(buf, off, len, initial)) & 0xffff;
}

/** Sum of the IPv4 pseudo-header for an L4 checksum (addresses read from the IPv4 header at l3). */
export function ipv4PseudoSum(buf: Uint8Array, l3: number, proto: number, l4Len: number): number {
  return onesSum(buf, l3 + 12, 8) + proto + l4Len;
}

/** Sum of the IPv6 pseudo-header for an L4 checksum (addresses read from the IPv6 header at l3). */
export function ipv6PseudoSum(buf: Uint8Array, l3: number, proto: number, l4Len: number): number {
  return onesSum(buf, l3 + 8, 32) + proto + (l4Len >>> 16) + (l4Len & 0xffff);
}

/** RFC 1624: new checksum after one 16-bit word of the covered data went from `oldWord` to `newWord`. */
export function csumUpdate16(csum: number, oldWord: number, newWord: number): number {
  const sum = (~csum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  return ~foldSum(sum) & 0xffff;
}

/** RFC 1624 for a 32-bit value (e.g. an IPv4 address) changing from `oldVal` to `newVal`. */
export function csumUpdate32(csum: number, oldVal: number, newVal: number): number {
  const sum =
    (~csum & 0xffff) +
    (~(oldVal >>> 16) & 0xffff) +
    (~oldVal & 0xffff) +
    ((newVal >>> 16) & 0xffff) +
    (newVal & 0xffff);
  return ~foldSum(sum) & 0xffff;
}

/** Read a big-endian 16-bit value. */
export function get16(buf: Uint8Array, off: number): number {
  return (buf[off]! << 8) | buf[off + 1]!;
}

/** Write a big-endian 16-bit value. */
export function put16(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 8) & 0xff;
  buf[off + 1] = v & 0xff;
}

/** Read a big-endian 32-bit value as an unsigned number. */
export function get32(buf: Uint8Array, off: number): number {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}

/** Write a big-endian 32-bit value. */
export function put32(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 24) & 0xff;
  buf[off + 1] = (v >>> 16) & 0xff;
  buf[off + 2] = (v >>> 8) & 0xff;
  buf[off + 3] = v & 0xff;
}
