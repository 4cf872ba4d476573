/*
 * The OpenFlow 1.0 match (struct ofp10_match, 40 bytes) <-> Match, as OVS's
 * ofputil_match_from_ofp10_match / ofputil_match_to_ofp10_match: wildcard bits, CIDR
 * wildcards for nw_src/nw_dst, dl_vlan 0xffff for "no VLAN", DSCP-only nw_tos.
 */

import { W_ETH_TYPE, W_IN_PORT, W_IPV4_DST, W_IPV4_SRC, W_NW, W_TP, W_VLAN0, VLAN_CFI } from '../../flow/layout.js';
import { matchZeroWildcarded, newMatch, type Match } from '../../flow/match.js';
import { MF_FIELDS, MFF, mfMaskAll, mfPutValue, isAllZeros } from '../../flow/meta-flow.js';
import { getFieldBytes } from './match-oxm.js';
import { Reader, Writer } from './bytes.js';

export const OFP10_MATCH_LEN = 40;

export const OFPFW10_IN_PORT = 1 << 0;
export const OFPFW10_DL_VLAN = 1 << 1;
export const OFPFW10_DL_SRC = 1 << 2;
export const OFPFW10_DL_DST = 1 << 3;
export const OFPFW10_DL_TYPE = 1 << 4;
export const OFPFW10_NW_PROTO = 1 << 5;
export const OFPFW10_TP_SRC = 1 << 6;
export const OFPFW10_TP_DST = 1 << 7;
export const OFPFW10_NW_SRC_SHIFT = 8;
export const OFPFW10_NW_DST_SHIFT = 14;
export const OFPFW10_DL_VLAN_PCP = 1 << 20;
export const OFPFW10_NW_TOS = 1 << 21;
export const OFPFW10_ALL = (1 << 22) - 1;
const OFP10_VLAN_NONE = 0xffff;
const DSCP_BITS = 0x00fc0000; // nw_tos DSCP bits in W_NW

function wcbitsToNetmask(wcbits: number): number {
  const b = wcbits & 0x3f;
  return b < 32 ? (~((1 << b) - 1) >>> 0) >>> 0 : 0;
}

function netmaskToWcbits(mask: number): number {
  // Number of zero bits of a CIDR mask (counts trailing zeros like OVS for non-CIDR masks).
  let n = 0;
  let m = mask >>> 0;
  if (m === 0) return 32;
  while ((m & 1) === 0) {
    n++;
    m >>>= 1;
  }
  return n;
}

function putMac(m: Match, id: number, mac: Uint8Array, exact: boolean): void {
  const f = MF_FIELDS[id]!;
  if (!exact) return;
  mfPutValue(f, m.key, mac);
  mfMaskAll(f, m.mask);
}

/** Reads an ofp10_match (40 bytes) into a Match. */
export function pullOfp10Match(r: Reader): Match {
  const ofpfw = r.u32() & OFPFW10_ALL;
  const inPort = r.u16();
  const dlSrc = r.bytes(6);
  const dlDst = r.bytes(6);
  const dlVlan = r.u16();
  const dlVlanPcp = r.u8();
  r.skip(1);
  const dlType = r.u16();
  const nwTos = r.u8();
  const nwProto = r.u8();
  r.skip(2);
  const nwSrc = r.u32();
  const nwDst = r.u32();
  const tpSrc = r.u16();
  const tpDst = r.u16();

  const m = newMatch();
  const k = m.key;
  const mk = m.mask;
  if (!(ofpfw & OFPFW10_IN_PORT)) {
    k[W_IN_PORT] = inPort;
    mk[W_IN_PORT] = 0xffff;
  }
  if (!(ofpfw & OFPFW10_NW_TOS)) {
    mk[W_NW] = (mk[W_NW]! | DSCP_BITS) >>> 0;
    k[W_NW] = (k[W_NW]! | ((nwTos & 0xfc) << 16)) >>> 0;
  }
  if (!(ofpfw & OFPFW10_NW_PROTO)) {
    mk[W_NW] = (mk[W_NW]! | 0xff000000) >>> 0;
    k[W_NW] = (k[W_NW]! | (nwProto << 24)) >>> 0;
  }
  mk[W_IPV4_SRC] = wcbitsToNetmask(ofpfw >>> OFPFW10_NW_SRC_SHIFT);
  mk[W_IPV4_DST] = wcbitsToNetmask(ofpfw >>> OFPFW10_NW_DST_SHIFT);
  k[W_IPV4_SRC] = nwSrc;
  k[W_IPV4_DST] = nwDst;
  if (!(ofpfw & OFPFW10_TP_SRC)) {
    mk[W_TP] = (mk[W_TP]! | 0xffff0000) >>> 0;
    k[W_TP] = (k[W_TP]! | (tpSrc << 16)) >>> 0;
  }
  if (!(ofpfw & OFPFW10_TP_DST)) {
    mk[W_TP] = (mk[W_TP]! | 0xffff) >>> 0;
    k[W_TP] = (k[W_TP]! | tpDst) >>> 0;
  }
  putMac(m, MFF.ETH_SRC, dlSrc, !(ofpfw & OFPFW10_DL_SRC));
  putMac(m, MFF.ETH_DST, dlDst, !(ofpfw & OFPFW10_DL_DST));
  if (!(ofpfw & OFPFW10_DL_TYPE)) {
    mk[W_ETH_TYPE] = 0xffff;
    k[W_ETH_TYPE] = dlType;
  }

  let tciMask = 0;
  if (!(ofpfw & OFPFW10_DL_VLAN_PCP)) tciMask |= 0xe000 | VLAN_CFI;
  if (!(ofpfw & OFPFW10_DL_VLAN)) tciMask |= 0x0fff | VLAN_CFI;
  let tci: number;
  if (!(ofpfw & OFPFW10_DL_VLAN) && dlVlan === OFP10_VLAN_NONE) {
    tci = 0;
    tciMask = 0xffff;
  } else {
    tci = ((dlVlan & 0x0fff) | ((dlVlanPcp << 13) & 0xe000) | VLAN_CFI) & tciMask;
  }
  mk[W_VLAN0] = ((mk[W_VLAN0]! & 0xffff0000) | tciMask) >>> 0;
  k[W_VLAN0] = ((k[W_VLAN0]! & 0xffff0000) | tci) >>> 0;

  matchZeroWildcarded(m);
  return m;
}

/** Writes `m` as an ofp10_match (fields OpenFlow 1.0 cannot express are dropped, as OVS does). */
export function putOfp10Match(w: Writer, m: Match): void {
  const k = m.key;
  const mk = m.mask;
  let ofpfw = 0;
  if (!(mk[W_IN_PORT]! & 0xffff)) ofpfw |= OFPFW10_IN_PORT;
  if (!(mk[W_ETH_TYPE]! & 0xffff)) ofpfw |= OFPFW10_DL_TYPE;
  if (!(mk[W_NW]! & 0xff000000)) ofpfw |= OFPFW10_NW_PROTO;
  ofpfw |= netmaskToWcbits(mk[W_IPV4_SRC]!) << OFPFW10_NW_SRC_SHIFT;
  ofpfw |= netmaskToWcbits(mk[W_IPV4_DST]!) << OFPFW10_NW_DST_SHIFT;
  if (!(mk[W_NW]! & DSCP_BITS)) ofpfw |= OFPFW10_NW_TOS;
  if (!(mk[W_TP]! >>> 16)) ofpfw |= OFPFW10_TP_SRC;
  if (!(mk[W_TP]! & 0xffff)) ofpfw |= OFPFW10_TP_DST;
  const src = MF_FIELDS[MFF.ETH_SRC]!;
  const dst = MF_FIELDS[MFF.ETH_DST]!;
  if (isAllZeros(getFieldBytes(src, mk))) ofpfw |= OFPFW10_DL_SRC;
  if (isAllZeros(getFieldBytes(dst, mk))) ofpfw |= OFPFW10_DL_DST;

  let dlVlan = 0;
  let dlVlanPcp = 0;
  const tciMask = mk[W_VLAN0]! & 0xffff;
  const tci = k[W_VLAN0]! & 0xffff;
  if (tciMask === 0) {
    ofpfw |= OFPFW10_DL_VLAN | OFPFW10_DL_VLAN_PCP;
  } else if (tciMask & VLAN_CFI && !(tci & VLAN_CFI)) {
    dlVlan = OFP10_VLAN_NONE;
  } else {
    if (!(tciMask & 0x0fff)) ofpfw |= OFPFW10_DL_VLAN;
    else dlVlan = tci & 0x0fff;
    if (!(tciMask & 0xe000)) ofpfw |= OFPFW10_DL_VLAN_PCP;
    else dlVlanPcp = tci >>> 13;
  }

  w.u32(ofpfw >>> 0);
  w.u16(k[W_IN_PORT]! & 0xffff);
  w.bytes(getFieldBytes(src, k));
  w.bytes(getFieldBytes(dst, k));
  w.u16(dlVlan);
  w.u8(dlVlanPcp);
  w.u8(0);
  w.u16(k[W_ETH_TYPE]! & 0xffff);
  w.u8((k[W_NW]! >>> 16) & 0xfc);
  w.u8(k[W_NW]! >>> 24);
  w.u16(0);
  w.u32(k[W_IPV4_SRC]!);
  w.u32(k[W_IPV4_DST]!);
  w.u16(k[W_TP]! >>> 16);
  w.u16(k[W_TP]! & 0xffff);
}
