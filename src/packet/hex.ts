/*
 * Hex text <-> bytes for tests, tools and known-answer frames. hexToBytes accepts spaces,
 * newlines, ':' or '-' separators and an optional leading 0x per token.
 */

/** "00 1b 21 ..." / "0x001b21..." / "00:1b:21" -> bytes. Throws on odd length or a non-hex digit. */
export function hexToBytes(s: string): Uint8Array {
  const clean = s.replace(/0x/gi, '').replace(/[\s:.-]/g, '');
  if (clean.length % 2 !== 0) throw new Error(`hexToBytes: odd number of hex digits (${clean.length})`);
  if (!/^[0-9a-fA-F]*$/.test(clean)) throw new Error('hexToBytes: non-hex character');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

const HEX = '0123456789abcdef';

/** Bytes -> lowercase hex; `sep` goes between bytes (default none). */
export function bytesToHex(b: ArrayLike<number>, sep = ''): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    if (i > 0 && sep) s += sep;
    const v = b[i]! & 0xff;
    s += HEX[v >>> 4]! + HEX[v & 0xf]!;
  }
  return s;
}
