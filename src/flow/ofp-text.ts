/*
 * Shared pieces of the ovs-ofctl text syntax: the key[=:(]value tokenizer (OVS's
 * ofputil_parse_key_value) and the small number parsers with OVS's error texts
 * (str_to_u8/u16/u32/u64).
 */

import { scanCNumber, strToIntRange, strToU64 } from './c-num.js';

/** Index of the end of a value: the first delimiter outside parentheses (OVS's parse_value). */
function valueEnd(s: string, start: number, delims: string): number {
  let n = start;
  while (n < s.length && !delims.includes(s[n]!)) {
    if (s[n] === '(') {
      let level = 0;
      do {
        if (n >= s.length) return n;
        if (s[n] === '(') level++;
        else if (s[n] === ')') level--;
        n++;
      } while (level > 0);
    } else {
      n++;
    }
  }
  return n;
}

/**
 * Splits "k1=v1,k2:v2 k3(v3),k4" into key/value pairs the way ovs-ofctl does. A value after
 * '=' or ':' runs to the next white space or comma (parentheses nest); after '(' it runs to
 * the matching ')', extended by a following "->dst" as in "load(...)->x".
 */
export function parseKeyValues(input: string): Array<[string, string]> {
  return parseKeyValuesRest(input).map(([k, v]) => [k, v]);
}

/** parseKeyValues, each pair with the input left after it (OVS error messages quote it). */
export function parseKeyValuesRest(input: string): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  let pos = 0;
  const s = input;
  for (;;) {
    while (pos < s.length && ', \t\r\n'.includes(s[pos]!)) pos++;
    if (pos >= s.length) return out;
    const keyStart = pos;
    while (pos < s.length && !':=(, \t\r\n'.includes(s[pos]!)) pos++;
    const key = s.slice(keyStart, pos);
    const keyDelim = pos < s.length ? s[pos]! : '';
    if (keyDelim !== '') pos++;
    let delims: string;
    if (keyDelim === ':' || keyDelim === '=') delims = ', \t\r\n';
    else if (keyDelim === '(') delims = ')';
    else {
      out.push([key, '', s.slice(pos)]);
      continue;
    }
    const vStart = pos;
    let vEnd = valueEnd(s, vStart, delims);
    if (keyDelim === '(' && s[vEnd] === ')' && s[vEnd + 1] === '-' && s[vEnd + 2] === '>') {
      vEnd = valueEnd(s, vEnd, ', \t\r\n');
    }
    pos = vEnd < s.length ? vEnd + 1 : vEnd;
    out.push([key, s.slice(vStart, vEnd), s.slice(pos)]);
  }
}

export type TextResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** OVS's str_to_u8. */
export function strToU8(s: string, name: string): TextResult<number> {
  const v = strToIntRange(s, 0, 0, 255);
  return v === null ? { ok: false, error: `invalid ${name} "${s}"` } : { ok: true, value: v };
}

/** OVS's str_to_u16. */
export function strToU16(s: string, name: string): TextResult<number> {
  const v = strToIntRange(s, 0, 0, 65535);
  return v === null ? { ok: false, error: `invalid ${name} "${s}"` } : { ok: true, value: v };
}

/** OVS's str_to_u32. */
export function strToU32(s: string): TextResult<number> {
  if (s === '') return { ok: false, error: 'missing required numeric argument' };
  const r = scanCNumber(s);
  if (!r || r.overflow || r.end !== s.length || r.value > 0xffffffffn) {
    return { ok: false, error: `invalid numeric format ${s}` };
  }
  return { ok: true, value: Number(r.value) };
}

/** OVS's str_to_u64 (negative numbers wrap, so "-1" is all ones). */
export function strToU64Text(s: string): TextResult<bigint> {
  if (s === '') return { ok: false, error: 'missing required numeric argument' };
  const v = strToU64(s);
  return v === null ? { ok: false, error: `invalid numeric format ${s}` } : { ok: true, value: v };
}
