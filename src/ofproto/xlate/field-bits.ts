/*
 * Reading bits of field values (big-endian byte arrays) and recording a field's bits in a
 * wildcard mask with OVS's special cases for the VLAN fields (mf_mask_field_masked).
 */
import { VLAN_CFI, VLAN_PCP_MASK, VLAN_VID_MASK, W_VLAN0 } from '../../flow/layout.js';
import { getValueBits, MFF, type MfField } from '../../flow/meta-flow.js';

/** Bits [ofs, ofs + n) (n <= 32) of a big-endian byte array, as an unsigned number. */
export function valueBits(v: Uint8Array, ofs: number, n: number): number {
  const last = v.length - 1 - (ofs >> 3);
  let first = v.length - 1 - ((ofs + n - 1) >> 3);
  if (first < 0) first = 0;
  let acc = 0;
  for (let b = first; b <= last; b++) acc = acc * 256 + v[b]!;
  acc = Math.floor(acc / (1 << (ofs & 7)));
  return n >= 32 ? acc % 0x100000000 >>> 0 : (acc % (1 << n)) >>> 0;
}

/** Writes the bits of `mask` into wc for field `f` (OVS mf_mask_field_masked). */
export function maskFieldMasked(f: MfField, mask: Uint8Array, wc: Uint32Array): void {
  const id = f.id;
  if (id === MFF.DL_VLAN || id === MFF.VLAN_VID || id === MFF.DL_VLAN_PCP || id === MFF.VLAN_PCP || id === MFF.VLAN_TCI) {
    let bits: number;
    if (id === MFF.DL_VLAN) bits = getValueBits(mask, 0, 16) & VLAN_VID_MASK ? VLAN_VID_MASK | VLAN_CFI : 0;
    else if (id === MFF.VLAN_VID) bits = getValueBits(mask, 0, 16) & (VLAN_VID_MASK | VLAN_CFI);
    else if (id === MFF.VLAN_TCI) bits = getValueBits(mask, 0, 16);
    else bits = getValueBits(mask, 0, 3) ? VLAN_PCP_MASK | VLAN_CFI : 0;
    wc[W_VLAN0] = (wc[W_VLAN0]! | bits) >>> 0;
    return;
  }
  for (const s of f.segments) {
    const m = valueBits(mask, s.fieldOfs, s.bits);
    wc[s.word] = (wc[s.word]! | ((m << s.shift) >>> 0)) >>> 0;
  }
}
