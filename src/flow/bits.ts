/*
 * Bit copies between big-endian byte arrays (OVS's bitwise_copy / bitwise_one), used for
 * subfields of field values: bit 0 is the least significant bit of the last byte.
 */

function getBit(b: Uint8Array, bit: number): number {
  const byte = b.length - 1 - (bit >> 3);
  return byte >= 0 ? (b[byte]! >> (bit & 7)) & 1 : 0;
}

function setBit(b: Uint8Array, bit: number, v: number): void {
  const byte = b.length - 1 - (bit >> 3);
  if (byte < 0) return;
  if (v) b[byte] = b[byte]! | (1 << (bit & 7));
  else b[byte] = b[byte]! & ~(1 << (bit & 7));
}

/** Copies `n` bits from `src` at `srcOfs` to `dst` at `dstOfs`. */
export function bitwiseCopy(src: Uint8Array, srcOfs: number, dst: Uint8Array, dstOfs: number, n: number): void {
  for (let i = 0; i < n; i++) setBit(dst, dstOfs + i, getBit(src, srcOfs + i));
}

/** Sets `n` bits of `dst` at `ofs` to one. */
export function bitwiseOne(dst: Uint8Array, ofs: number, n: number): void {
  for (let i = 0; i < n; i++) setBit(dst, ofs + i, 1);
}

/** True if bits [ofs, ofs + n) of `b` are all zero. */
export function bitwiseIsAllZeros(b: Uint8Array, ofs: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (getBit(b, ofs + i)) return false;
  return true;
}
