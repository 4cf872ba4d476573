/*
 * Writing fields during translation with OVS's semantics (mf_set_flow_value_masked, the
 * VLAN fields' special meaning, subfield copies and loads) and recording what was read or
 * written in the wildcard mask; trace lines for written subfields.
 */
import {
  VLAN_CFI,
  VLAN_PCP_MASK,
  VLAN_PCP_SHIFT,
  VLAN_VID_MASK,
  W_NW,
  W_VLAN0,
} from '../../flow/layout.js';
import {
  getValueBits,
  mfGetValue,
  mfPutValue,
  MFF,
  type MfField,
  type MfSubfield,
} from '../../flow/meta-flow.js';
import { mfArePrereqsOk } from '../../flow/match.js';
import { formatSubfield } from '../../flow/mf-subfield.js';
import { mfFormat } from '../../flow/mf-value.js';
import { ETH_TYPE_ARP } from '../../packet/constants.js';
import { maskFieldMasked, valueBits } from './field-bits.js';
import { type OfpAction } from '../ofp-actions.js';
import { type XlateCtx } from './context.js';
import { ethType, isIpAny } from './flow-ops.js';
import { TraceNodeType } from './trace-node.js';

type Ctx = XlateCtx<OfpAction>;

/** OVS flow_fix_vlan_tpid. */
export function fixVlanTpid(flow: Uint32Array): void {
  const q = flow[W_VLAN0]!;
  if (q >>> 16 === 0 && (q & 0xffff) !== 0) flow[W_VLAN0] = ((0x8100 << 16) | q) >>> 0;
}

export function setTci(flow: Uint32Array, tci: number): void {
  flow[W_VLAN0] = ((flow[W_VLAN0]! & 0xffff0000) | (tci & 0xffff)) >>> 0;
}

/** OVS mf_set_flow_value_masked: value under mask, with the VLAN fields' special meaning. */
export function setFlowValueMasked(f: MfField, value: Uint8Array, mask: Uint8Array, flow: Uint32Array): void {
  const id = f.id;
  if (
    id !== MFF.VLAN_TCI && id !== MFF.DL_VLAN && id !== MFF.VLAN_VID && id !== MFF.DL_VLAN_PCP &&
    id !== MFF.VLAN_PCP && id !== MFF.IN_PORT_OXM && id !== MFF.ACTSET_OUTPUT
  ) {
    // Plain storage: write value bits under the mask, segment by segment.
    for (const s of f.segments) {
      const m = (valueBits(mask, s.fieldOfs, s.bits) << s.shift) >>> 0;
      const v = (valueBits(value, s.fieldOfs, s.bits) << s.shift) >>> 0;
      flow[s.word] = ((flow[s.word]! & ~m) | (v & m)) >>> 0;
    }
    return;
  }
  const cur = mfGetValue(f, flow);
  const v = new Uint8Array(f.nBytes);
  for (let i = 0; i < f.nBytes; i++) v[i] = (value[i]! & mask[i]!) | (cur[i]! & ~mask[i]!);
  const tci = flow[W_VLAN0]! & 0xffff;
  if (id === MFF.VLAN_TCI) {
    setTci(flow, getValueBits(v, 0, 16));
    fixVlanTpid(flow);
  } else if (id === MFF.DL_VLAN) {
    const vid = getValueBits(v, 0, 16);
    setTci(flow, vid === 0xffff ? 0 : (tci & ~VLAN_VID_MASK) | VLAN_CFI | (vid & VLAN_VID_MASK));
    fixVlanTpid(flow);
  } else if (id === MFF.VLAN_VID) {
    const m = VLAN_VID_MASK | VLAN_CFI;
    setTci(flow, (tci & ~m) | (getValueBits(v, 0, 16) & m));
    fixVlanTpid(flow);
  } else if (id === MFF.DL_VLAN_PCP || id === MFF.VLAN_PCP) {
    const pcp = v[0]! & 7;
    setTci(flow, (tci & ~VLAN_PCP_MASK) | (pcp << VLAN_PCP_SHIFT) | VLAN_CFI);
    fixVlanTpid(flow);
  } else {
    mfPutValue(f, flow, v);
  }
}

export function isTunnelField(f: MfField): boolean {
  return f.name.startsWith('tun_') || f.name === 'tun_id';
}

/** OVS mf_set_mask_l3_prereqs. */
export function maskL3Prereqs(f: MfField, flow: Uint32Array, wc: Uint32Array): void {
  const id = f.id;
  const l3 =
    id === MFF.IPV4_SRC || id === MFF.IPV4_DST || id === MFF.IPV6_SRC || id === MFF.IPV6_DST ||
    id === MFF.IPV6_LABEL || id === MFF.IP_DSCP || id === MFF.IP_ECN || id === MFF.IP_TTL;
  const arp = id === MFF.ARP_OP || id === MFF.ARP_SHA || id === MFF.ARP_THA || id === MFF.ARP_SPA || id === MFF.ARP_TPA;
  if ((isIpAny(flow) && l3) || (ethType(flow) === ETH_TYPE_ARP && arp)) wc[W_NW] = (wc[W_NW]! | 0xff000000) >>> 0;
}

/** Reads bits [ofs, ofs+n) of a subfield's field value as bytes of the field's width. */
export function readSubfield(sf: MfSubfield, flow: Uint32Array): Uint8Array {
  return mfGetValue(sf.field, flow);
}

export function subfieldMask(sf: MfSubfield): Uint8Array {
  const m = new Uint8Array(sf.field.nBytes);
  for (let i = 0; i < sf.nBits; i++) {
    const bit = sf.ofs + i;
    const byte = m.length - 1 - (bit >> 3);
    if (byte >= 0) m[byte] = m[byte]! | (1 << (bit & 7));
  }
  return m;
}

/** Copies `n` bits from src value bits at srcOfs into dst value bits at dstOfs (big-endian byte arrays). */
export function bitwiseCopy(src: Uint8Array, srcOfs: number, dst: Uint8Array, dstOfs: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const sb = srcOfs + i;
    const sbyte = src.length - 1 - (sb >> 3);
    const bit = sbyte >= 0 ? (src[sbyte]! >> (sb & 7)) & 1 : 0;
    const db = dstOfs + i;
    const dbyte = dst.length - 1 - (db >> 3);
    if (dbyte < 0) continue;
    if (bit) dst[dbyte] = dst[dbyte]! | (1 << (db & 7));
    else dst[dbyte] = dst[dbyte]! & ~(1 << (db & 7));
  }
}

/** OVS mf_subfield_copy (the move action). */
export function subfieldCopy(src: MfSubfield, dst: MfSubfield, flow: Uint32Array, wc: Uint32Array): void {
  if (!mfArePrereqsOk(dst.field, flow, wc) || !mfArePrereqsOk(src.field, flow, wc)) return;
  const sv = readSubfield(src, flow);
  const dv = mfGetValue(dst.field, flow);
  bitwiseCopy(sv, src.ofs, dv, dst.ofs, src.nBits);
  const dm = subfieldMask(dst);
  setFlowValueMasked(dst.field, dv, dm, flow);
  maskFieldMasked(src.field, subfieldMask(src), wc);
  maskFieldMasked(dst.field, dm, wc);
}

/** OVS xlate_report_subfield: "<subfield> is now <value>" after a write. */
export function reportSubfield(ctx: Ctx, sf: MfSubfield): void {
  if (ctx.trace === null) return;
  const v = mfGetValue(sf.field, ctx.flow);
  let text: string;
  if (sf.ofs === 0 && sf.nBits >= sf.field.nBits) {
    text = mfFormat(sf.field, v, null);
  } else {
    // The subfield's bits, right-aligned, in hex without leading zeros (OVS ds_put_hex).
    const sub = new Uint8Array(v.length);
    bitwiseCopy(v, sf.ofs, sub, 0, sf.nBits);
    let i = 0;
    while (i < sub.length && sub[i] === 0) i++;
    text = i === sub.length ? '0' : '0x' + sub[i]!.toString(16) + Array.from(sub.subarray(i + 1), (b) => b.toString(16).padStart(2, '0')).join('');
  }
  ctx.report(TraceNodeType.DETAIL, `${formatSubfield(sf)} is now ${text}`);
}



/** OVS nxm_reg_load: writes `value` into a subfield and un-wildcards its bits. */
export function regLoad(ctx: Ctx, sf: MfSubfield, value: number): void {
  const v = new Uint8Array(sf.field.nBytes);
  const src = new Uint8Array(4);
  src[0] = value >>> 24;
  src[1] = (value >>> 16) & 0xff;
  src[2] = (value >>> 8) & 0xff;
  src[3] = value & 0xff;
  const dv = mfGetValue(sf.field, ctx.flow);
  bitwiseCopy(src, 0, v, 0, Math.min(32, sf.nBits));
  bitwiseCopy(v, 0, dv, sf.ofs, sf.nBits);
  const dm = subfieldMask(sf);
  maskFieldMasked(sf.field, dm, ctx.wc);
  setFlowValueMasked(sf.field, dv, dm, ctx.flow);
}
