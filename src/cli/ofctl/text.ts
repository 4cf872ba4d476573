/*
 * Small text helpers in OVS's shapes for ovs-ofctl output: the hex dump (ds_put_hex_dump),
 * bit-name lists (ofp_print_bit_names), printable escapes (ds_put_printable), and the
 * hex-string parser ovs-ofctl uses for packets (ofpbuf_put_hex: "0a 0b", "0a.0b" or "0a0b").
 */

/** OVS ds_put_hex_dump: 16 bytes a line, offset, '-' after the 8th byte, optional ASCII column. */
export function hexDump(buf: Uint8Array, ofs = 0, ascii = true): string {
  const perLine = 16;
  let s = '';
  let pos = 0;
  let size = buf.length;
  while (size > 0) {
    const start = ofs % perLine;
    let end = perLine;
    if (end - start > size) end = start + size;
    const n = end - start;
    s += (ofs - start).toString(16).padStart(8, '0') + '  ';
    let line = '';
    let i = 0;
    for (; i < start; i++) line += '   ';
    for (; i < end; i++) line += buf[pos + i - start]!.toString(16).padStart(2, '0') + (i === perLine / 2 - 1 ? '-' : ' ');
    if (ascii) {
      for (; i < perLine; i++) line += '   ';
      line += '|';
      for (i = 0; i < start; i++) line += ' ';
      for (; i < end; i++) {
        const c = buf[pos + i - start]!;
        line += c >= 32 && c < 127 ? String.fromCharCode(c) : '.';
      }
      for (; i < perLine; i++) line += ' ';
      line += '|';
    } else if (line.endsWith(' ')) {
      line = line.slice(0, -1);
    }
    s += line + '\n';
    ofs += n;
    pos += n;
    size -= n;
  }
  return s;
}

/** OVS ofp_print_bit_names: names of the set bits, unknown leftovers as hex, "0" for none. */
export function bitNames(bits: number, name: (bit: number) => string | null, sep = ' '): string {
  bits >>>= 0;
  if (bits === 0) return '0';
  const parts: string[] = [];
  for (let i = 0; i < 32; i++) {
    const bit = (1 << i) >>> 0;
    if (bits & bit) {
      const n = name(bit);
      if (n !== null) {
        parts.push(n);
        bits = (bits & ~bit) >>> 0;
      }
    }
  }
  let s = parts.join(sep);
  if (bits) s += (parts.length ? sep : '') + '0x' + bits.toString(16);
  return s;
}

/** OVS ds_put_printable. */
export function printable(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c < 0x20 || c > 0x7e || c === 0x5c || c === 0x22) s += '\\' + c.toString(8).padStart(3, '0');
    else s += String.fromCharCode(c);
  }
  return s;
}

/**
 * Parses hex digits into bytes as OVS ofpbuf_put_hex: pairs of digits, white space and '.'
 * allowed between pairs. Returns null on anything else (OVS: "Trailing garbage").
 */
export function parseHex(s: string): Uint8Array | null {
  const out: number[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '.' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const pair = s.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) return null;
    out.push(Number.parseInt(pair, 16));
    i += 2;
  }
  return Uint8Array.from(out);
}

/** A u64 (bigint) as a decimal string. */
export function u64(v: bigint): string {
  return BigInt.asUintN(64, v).toString();
}

/** Lower-case hex of `b` without separators. */
export function hexString(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}
