/*
 * Shared pieces of the datapath (ODP) text forms: a tokenizer that turns
 * `name(arg,arg(...)),...` into a tree, C-style number parsing (%i: decimal, 0x hex,
 * leading-0 octal) and the number printers OVS's odp-util uses (%#x and friends).
 * Used by the flow key form (odp-key-*.ts) and the datapath action form.
 */

/** One item of an ODP text list: `name` alone, or `name(args...)`. */
export interface OdpNode {
  /** Text before '(' or the whole token when there are no parentheses. */
  readonly name: string;
  /** Items inside the parentheses, or null when the token has none. */
  readonly args: OdpNode[] | null;
  /** Source text of the whole item, for error messages. */
  readonly text: string;
}

/** OVS's odp-util delimiters: between attributes/actions and (leniently) inside them. */
function isDelim(c: string): boolean {
  return c === ',' || c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/** Deeper nesting than this is refused (OVS's MAX_ODP_NESTED is 32). */
export const MAX_ODP_DEPTH = 32;

/**
 * Split `s` into a list of items. Throws Error on unbalanced parentheses, on text
 * glued to a closing parenthesis (`eth(...)x`), or on nesting deeper than MAX_ODP_DEPTH.
 */
export function tokenizeOdp(s: string): OdpNode[] {
  let pos = 0;
  const n = s.length;

  const snippet = (from: number): string => {
    const t = s.slice(from, from + 40);
    return from + 40 < n ? t + '...' : t;
  };

  const parseList = (depth: number): OdpNode[] => {
    const items: OdpNode[] = [];
    for (;;) {
      while (pos < n && isDelim(s[pos]!)) pos++;
      if (pos >= n) {
        if (depth > 0) throw new Error(`missing ')' at end of "${snippet(Math.max(0, n - 40))}"`);
        return items;
      }
      if (s[pos] === ')') {
        if (depth === 0) throw new Error(`unexpected ')' at "${snippet(pos)}"`);
        return items;
      }
      items.push(parseItem(depth));
      if (pos < n && !isDelim(s[pos]!) && s[pos] !== ')') {
        throw new Error(`syntax error at "${snippet(pos)}": expected ',' after "${items[items.length - 1]!.text}"`);
      }
    }
  };

  const parseItem = (depth: number): OdpNode => {
    const start = pos;
    while (pos < n) {
      const c = s[pos]!;
      if (c === '(' || c === ')' || isDelim(c)) break;
      pos++;
    }
    const name = s.slice(start, pos);
    if (pos < n && s[pos] === '(') {
      if (depth + 1 > MAX_ODP_DEPTH) throw new Error(`nesting deeper than ${MAX_ODP_DEPTH} at "${snippet(start)}"`);
      pos++;
      const args = parseList(depth + 1);
      // parseList returns only at ')' when depth + 1 > 0.
      pos++;
      return { name, args, text: s.slice(start, pos) };
    }
    return { name, args: null, text: name };
  };

  return parseList(0);
}

/**
 * Parse an unsigned integer the way C's %i does: decimal, 0x/0X hex, or octal with a
 * leading 0. Returns null if malformed or above `max` (at most 2^53 - 1).
 */
export function parseUintC(text: string, max: number): number | null {
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) {
    const digits = text.slice(2).replace(/^0+/, '');
    if (digits.length > 13) return null;
    v = digits === '' ? 0 : parseInt(digits, 16);
  } else if (/^0[0-7]*$/.test(text)) {
    const digits = text.replace(/^0+/, '');
    if (digits.length > 17) return null;
    v = digits === '' ? 0 : parseInt(digits, 8);
  } else if (/^[1-9][0-9]*$/.test(text)) {
    if (text.length > 16) return null;
    v = parseInt(text, 10);
  } else {
    return null;
  }
  return v <= max ? v : null;
}

/** Like parseUintC for values wider than 53 bits; returns null if malformed or above 2^bits - 1. */
export function parseBigUintC(text: string, bits: number): bigint | null {
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) v = BigInt('0x' + text.slice(2));
  else if (/^0[0-7]*$/.test(text)) v = text.length > 1 ? BigInt('0o' + text.slice(1)) : 0n;
  else if (/^[1-9][0-9]*$/.test(text)) v = BigInt(text);
  else return null;
  return v < 1n << BigInt(bits) ? v : null;
}

/** C's "%#x": "0" for zero, "0x..." otherwise. */
export function hx(v: number): string {
  const u = v >>> 0;
  return u === 0 ? '0' : '0x' + u.toString(16);
}

/** C's "0x%04x". */
export function hx04(v: number): string {
  return '0x' + (v & 0xffff).toString(16).padStart(4, '0');
}

/** Words (most significant first) as a bigint. */
export function wordsToBig(w: ArrayLike<number>, off: number, count: number): bigint {
  let v = 0n;
  for (let i = 0; i < count; i++) v = (v << 32n) | BigInt(w[off + i]! >>> 0);
  return v;
}

/** Write a bigint as `count` words (most significant first). */
export function bigToWords(v: bigint, out: Uint32Array, off: number, count: number): void {
  for (let i = count - 1; i >= 0; i--) {
    out[off + i] = Number(v & 0xffffffffn);
    v >>= 32n;
  }
}

/** OVS's ds_put_hex on a big-endian number: "0" or "0x" + minimal hex digits. */
export function hexBig(v: bigint): string {
  return v === 0n ? '0' : '0x' + v.toString(16);
}

/** Bytes as lowercase hex, two digits each. */
export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

/** Hex digits (even count, optional 0x) -> bytes, or null if malformed. */
export function hexToBytes(text: string): Uint8Array | null {
  const t = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (t.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(t)) return null;
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}
