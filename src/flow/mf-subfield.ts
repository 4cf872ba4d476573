/*
 * Subfield syntax (OVS's mf_parse_subfield / mf_format_subfield): "NXM_NX_REG0[0..15]",
 * "reg0[5]", "eth_src[]", "tun_id" (whole field). Names may be NXM/OXM names (with an
 * optional "_W" suffix) or field names.
 */

import { mfFromName, mfFromNxmName, mfSubfieldName, type MfField, type MfSubfield } from './meta-flow.js';

export type SubfieldResult = { ok: true; sf: MfSubfield; end: number } | { ok: false; error: string };

function fieldByName(name: string): MfField | null {
  let n = name;
  if (n.length > 2 && n.endsWith('_W')) {
    const f = mfFromNxmName(n.slice(0, -2));
    if (f) return f;
    n = name;
  }
  return mfFromNxmName(n) ?? mfFromName(n);
}

/** Parses a subfield at the start of `s` (OVS's mf_parse_subfield__); `end` is where it stopped. */
export function parseSubfieldPrefix(s: string): SubfieldResult {
  let nameLen = 0;
  while (nameLen < s.length && s[nameLen] !== '[' && s[nameLen] !== '-') nameLen++;
  const name = s.slice(0, nameLen);
  const field = fieldByName(name);
  if (!field) return { ok: false, error: `${s}: unknown field \`${name}'` };
  let pos = nameLen;
  let start = 0;
  let end = field.nBits - 1;
  if (s[pos] === '[') {
    const rest = s.slice(pos);
    let m: RegExpExecArray | null;
    if (rest.startsWith('[]')) {
      pos += 2;
    } else if ((m = /^\[\s*([-+]?\d+)\s*\.\.\s*([-+]?\d+)\s*\]/.exec(rest))) {
      start = Number(m[1]);
      end = Number(m[2]);
      pos += m[0].length;
    } else if ((m = /^\[\s*([-+]?\d+)\s*\]/.exec(rest))) {
      start = end = Number(m[1]);
      pos += m[0].length;
    } else {
      return { ok: false, error: `${s}: syntax error expecting [] or [<bit>] or [<start>..<end>]` };
    }
  }
  if (start > end) return { ok: false, error: `${s}: starting bit ${start} is after ending bit ${end}` };
  if (start >= field.nBits) {
    return { ok: false, error: `${s}: starting bit ${start} is not valid because field is only ${field.nBits} bits wide` };
  }
  if (end >= field.nBits) {
    return { ok: false, error: `${s}: ending bit ${end} is not valid because field is only ${field.nBits} bits wide` };
  }
  return { ok: true, sf: { field, ofs: start, nBits: end - start + 1 }, end: pos };
}

/** Parses all of `s` as a subfield. */
export function parseSubfield(s: string): { ok: true; sf: MfSubfield } | { ok: false; error: string } {
  const r = parseSubfieldPrefix(s);
  if (!r.ok) return r;
  if (r.end !== s.length) return { ok: false, error: 'unexpected input following field syntax' };
  return { ok: true, sf: r.sf };
}

/** "NXM_NX_REG0[]", "NXM_NX_REG0[3]", "NXM_NX_REG0[0..15]". */
export function formatSubfield(sf: MfSubfield): string {
  const name = mfSubfieldName(sf.field);
  if (sf.ofs === 0 && sf.nBits === sf.field.nBits) return `${name}[]`;
  if (sf.nBits === 1) return `${name}[${sf.ofs}]`;
  return `${name}[${sf.ofs}..${sf.ofs + sf.nBits - 1}]`;
}

/** A subfield covering all of `f`. */
export function wholeField(f: MfField): MfSubfield {
  return { field: f, ofs: 0, nBits: f.nBits };
}
