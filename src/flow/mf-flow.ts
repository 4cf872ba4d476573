/*
 * Reading and writing fields and subfields of a concrete flow (FlowKey), as translation does
 * for set_field, load, move, push/pop and learn (OVS's mf_set_flow_value, mf_read_subfield,
 * mf_write_subfield_flow). Writes keep OVS's side effects: VLAN writes set the CFI bit and a
 * default 802.1Q TPID, ICMP type/code zero the upper byte of tp_src/tp_dst.
 */

import { bitwiseCopy } from './bits.js';
import { VLAN_CFI, W_VLAN0 } from './layout.js';
import { getValueBits, MFF, mfGetValue, mfMaskAll, mfPutValue, type MfField, type MfSubfield } from './meta-flow.js';

function fixVlanTpid(key: Uint32Array): void {
  const w = key[W_VLAN0]!;
  if ((w >>> 16) === 0 && (w & 0xffff) !== 0) key[W_VLAN0] = ((0x8100 << 16) | (w & 0xffff)) >>> 0;
}

/** Sets field `f` of `key` to `value` (f.nBytes bytes), with OVS's side effects. */
export function mfSetFlowValue(f: MfField, key: Uint32Array, value: Uint8Array): void {
  const id = f.id;
  if (id === MFF.DL_VLAN) {
    const vid = getValueBits(value, 0, 16);
    const tci = key[W_VLAN0]! & 0xffff;
    const nt = vid === 0xffff ? 0 : (tci & ~0x0fff) | VLAN_CFI | (vid & 0x0fff);
    key[W_VLAN0] = ((key[W_VLAN0]! & 0xffff0000) | nt) >>> 0;
    fixVlanTpid(key);
    return;
  }
  if (id === MFF.VLAN_VID) {
    mfPutValue(f, key, value);
    fixVlanTpid(key);
    return;
  }
  if (id === MFF.DL_VLAN_PCP || id === MFF.VLAN_PCP) {
    mfPutValue(f, key, new Uint8Array([value[0]! & 7]));
    key[W_VLAN0] = (key[W_VLAN0]! | VLAN_CFI) >>> 0;
    fixVlanTpid(key);
    return;
  }
  mfPutValue(f, key, value);
  if (id === MFF.VLAN_TCI) fixVlanTpid(key);
}

/** The value of subfield `sf` in `key`, as a big-endian byte array of sf.field.nBytes with the bits at offset 0. */
export function mfReadSubfield(sf: MfSubfield, key: Uint32Array): Uint8Array {
  const full = mfGetValue(sf.field, key);
  const out = new Uint8Array(sf.field.nBytes);
  bitwiseCopy(full, sf.ofs, out, 0, sf.nBits);
  return out;
}

/** Writes the low sf.nBits bits of `src` (big-endian, any length) into subfield `sf` of `key`. */
export function mfWriteSubfield(sf: MfSubfield, key: Uint32Array, src: Uint8Array, srcOfs = 0): void {
  const cur = mfGetValue(sf.field, key);
  bitwiseCopy(src, srcOfs, cur, sf.ofs, sf.nBits);
  mfSetFlowValue(sf.field, key, cur);
}

/** Copies subfield `src` of `key` into subfield `dst` (the move action). Widths must match. */
export function mfCopySubfield(src: MfSubfield, dst: MfSubfield, key: Uint32Array): void {
  const v = mfReadSubfield(src, key);
  mfWriteSubfield(dst, key, v);
}

/** Writes `value` under `mask` into field `f` of `key` (set_field / load semantics). */
export function mfSetFlowValueMasked(f: MfField, key: Uint32Array, value: Uint8Array, mask: Uint8Array): void {
  const cur = mfGetValue(f, key);
  for (let i = 0; i < cur.length; i++) cur[i] = (cur[i]! & ~mask[i]!) | (value[i]! & mask[i]!);
  mfSetFlowValue(f, key, cur);
}

/**
 * Marks the storage bits of subfield `sf` in a wildcard mask (FlowKey layout), for
 * translation's megaflow tracking when it reads a subfield.
 */
export function mfMaskSubfield(sf: MfSubfield, wc: Uint32Array): void {
  if (sf.ofs === 0 && sf.nBits === sf.field.nBits) {
    mfMaskAll(sf.field, wc);
    return;
  }
  const ones = new Uint8Array(sf.field.nBytes);
  const bits = new Uint8Array(sf.field.nBytes).fill(0xff);
  bitwiseCopy(bits, 0, ones, sf.ofs, sf.nBits);
  const cur = mfGetValue(sf.field, wc);
  for (let i = 0; i < cur.length; i++) cur[i] = cur[i]! | ones[i]!;
  mfPutValue(sf.field, wc, cur);
}
