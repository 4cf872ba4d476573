/*
 * The hash fields of select groups (selection_method=hash) as text, the form GroupMod and
 * Group carry them in: "ip_src" (the whole field) or "ip_dst=255.255.255.0" (the field under
 * a mask), as ovs-ofctl writes them. A mask whose usual text would not read back the same
 * (flag fields, ip_frag) is written as raw hex bytes ("tcp_flags=0x0fff"), so wire masks
 * survive the trip. Parsed forms are cached per list.
 */
import { isAllOnes, mfFromName, type MfField } from '../flow/meta-flow.js';
import { mfFormat, mfParseValue } from '../flow/mf-value.js';

export interface SelectionField {
  readonly field: MfField;
  /** nBytes long; all ones = the whole field. */
  readonly mask: Uint8Array;
}

function hexBytes(b: Uint8Array): string {
  let s = '0x';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function parseMask(f: MfField, text: string): Uint8Array | null {
  if (text.length === 2 + 2 * f.nBytes && /^0x[0-9a-f]+$/i.test(text)) {
    const out = new Uint8Array(f.nBytes);
    for (let i = 0; i < f.nBytes; i++) out[i] = parseInt(text.slice(2 + 2 * i, 4 + 2 * i), 16);
    return out;
  }
  const r = mfParseValue(f, text);
  return r.ok ? r.value : null;
}

/** One field as text: "name", or "name=mask". */
export function selectionFieldText(f: MfField, mask: Uint8Array): string {
  if (isAllOnes(mask)) return f.name;
  const text = mfFormat(f, mask, null);
  const back = parseMask(f, text);
  const same = back !== null && back.length === mask.length && back.every((x, i) => x === mask[i]);
  return `${f.name}=${same ? text : hexBytes(mask)}`;
}

/** One field from text; null if the name or the mask does not parse. */
export function parseSelectionField(spec: string): SelectionField | null {
  const eq = spec.indexOf('=');
  const f = mfFromName(eq < 0 ? spec : spec.slice(0, eq));
  if (!f) return null;
  if (eq < 0) return { field: f, mask: new Uint8Array(f.nBytes).fill(0xff) };
  const mask = parseMask(f, spec.slice(eq + 1));
  return mask && mask.length === f.nBytes ? { field: f, mask } : null;
}

const cache = new WeakMap<readonly string[], readonly SelectionField[]>();

/** The fields of a list that parse, in field-id order (OVS's field_array order); cached per list. */
export function parseSelectionFields(specs: readonly string[]): readonly SelectionField[] {
  let out = cache.get(specs);
  if (out === undefined) {
    const list: SelectionField[] = [];
    for (const s of specs) {
      const p = parseSelectionField(s);
      if (p && !list.some((x) => x.field.id === p.field.id)) list.push(p);
    }
    out = list.sort((a, b) => a.field.id - b.field.id);
    cache.set(specs, out);
  }
  return out;
}
