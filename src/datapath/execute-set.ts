/*
 * set / masked set execution (OVS odp_execute_set_action / odp_execute_masked_set_action
 * and the packet_set_* helpers): rewrite header fields in place, only under the mask,
 * keeping every checksum right incrementally (RFC 1624). A set for a header the packet does
 * not have is skipped. After a rewrite the key's words for that attribute follow the new
 * values, so later actions (hash) see the packet as it now is.
 */
import type { Packet } from '../packet/packet.js';
import { DpActionType, SetAttr, type SetAction } from './actions.js';
import { SET_ATTR_MASKS, SET_ATTR_WORDS } from './set-fields.js';
import {
  FRAG_LATER,
  W_ARP_HI,
  W_ARP_SHA,
  W_ARP_THA,
  W_CT,
  W_CT_LABEL,
  W_CT_MARK,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_ETH_TYPE,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_IPV6_DST,
  W_IPV6_LABEL,
  W_IPV6_SRC,
  W_MPLS0,
  W_ND_TARGET,
  W_NW,
  W_SKB_MARK,
  W_SKB_PRIORITY,
  W_TP,
  W_TUN_DST,
  W_TUN_GBP,
  W_TUN_ID,
  W_TUN_IPV6_DST,
  W_TUN_IPV6_SRC,
  W_TUN_MISC,
  W_TUN_SRC,
  W_TUN_TP,
} from '../flow/layout.js';
import { csumUpdate16, csumUpdate32, foldSum, get16, get32, put16, put32 } from '../packet/checksum.js';
import { sctpChecksum, getSctpChecksum, putSctpChecksum } from '../packet/sctp.js';
import {
  ETH_TYPE_ARP,
  ETH_TYPE_IPV4,
  ETH_TYPE_IPV6,
  ETH_TYPE_RARP,
  IPPROTO_AH,
  IPPROTO_FRAGMENT,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_ROUTING,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ND_NEIGHBOR_ADVERT,
  ND_NEIGHBOR_SOLICIT,
  ND_OPT_SOURCE_LINKADDR,
  ND_OPT_TARGET_LINKADDR,
} from '../packet/constants.js';
import { isIpv6ExtHeader } from '../packet/ipv6.js';

/**
 * (old & ~m) | (v & m) as an int32. Values stay int32 (small integers to V8) on the hot
 * path: a uint32 above 2^31 passed to or returned from a call would be boxed (allocated).
 */
function mix(old: number, v: number, m: number): number {
  return (old & ~m) | (v & m);
}

/** One's-complement difference terms for a 32-bit value changing from `o` to `n` (RFC 1624 ~m + m'). */
function diff32(o: number, n: number): number {
  return (~(o >>> 16) & 0xffff) + (~o & 0xffff) + (n >>> 16) + (n & 0xffff);
}

/** Apply accumulated difference terms to a stored checksum. */
function applyDiff(csum: number, diff: number): number {
  return ~foldSum((~csum & 0xffff) + diff) & 0xffff;
}

/** Write the masked key words of `attr` into the executor's key copy. */
function updateKey(key: Uint32Array, a: SetAction): void {
  const ws = SET_ATTR_WORDS[a.attr]!;
  const am = SET_ATTR_MASKS[a.attr]!;
  const k = a.key;
  const m = a.mask;
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    const mm = m[w]! & am[w]!;
    if (mm !== 0) key[w] = mix(key[w]!, k[w]!, mm);
  }
}

/** Absolute end of the L3 payload (IP total/payload length, clamped to the frame); -1 if unknown. */
function l3End(p: Packet, ethType: number): number {
  const s = p.start;
  const end = s + p.len;
  const l3 = s + p.l3Ofs;
  if (p.l3Ofs < 0) return -1;
  let e: number;
  if (ethType === ETH_TYPE_IPV4) {
    if (l3 + 20 > end) return -1;
    e = l3 + get16(p.buf, l3 + 2);
  } else {
    if (l3 + 40 > end) return -1;
    e = l3 + 40 + get16(p.buf, l3 + 4);
  }
  return e < end ? e : end;
}

/** Run a set or masked set action on `p` (and `key`). */
export function executeSet(p: Packet, key: Uint32Array, a: SetAction): void {
  let applied: boolean;
  switch (a.attr) {
    case SetAttr.PRIORITY:
      p.skbPriority = mix(p.skbPriority, a.key[W_SKB_PRIORITY]!, a.mask[W_SKB_PRIORITY]!) >>> 0;
      applied = true;
      break;
    case SetAttr.SKB_MARK:
      p.pktMark = mix(p.pktMark, a.key[W_SKB_MARK]!, a.mask[W_SKB_MARK]!) >>> 0;
      applied = true;
      break;
    case SetAttr.TUNNEL:
      // the whole tunnel key is replaced (OVS has no masked tunnel set), key words too
      setTunnel(p, a.key);
      for (let w = W_TUN_ID; w < W_TUN_GBP; w++) key[w] = a.key[w]!;
      key[W_TUN_GBP] = a.key[W_TUN_GBP]! & 0xffffff00;
      applied = false;
      break;
    case SetAttr.CT_STATE:
      setCt(p, a.key, a.mask);
      applied = true;
      break;
    case SetAttr.ETH:
      applied = setEth(p, a.key, a.mask);
      break;
    case SetAttr.MPLS:
      applied = setMpls(p, a.key, a.mask);
      break;
    case SetAttr.IPV4:
      applied = setIpv4(p, key, a.key, a.mask);
      break;
    case SetAttr.IPV6:
      applied = setIpv6(p, key, a.key, a.mask);
      break;
    case SetAttr.TCP:
      applied = setPorts(p, key, a.key, a.mask, IPPROTO_TCP);
      break;
    case SetAttr.UDP:
      applied = setPorts(p, key, a.key, a.mask, IPPROTO_UDP);
      break;
    case SetAttr.SCTP:
      applied = setPorts(p, key, a.key, a.mask, IPPROTO_SCTP);
      break;
    case SetAttr.ICMP:
      applied = setIcmp(p, key, a.key, a.mask, ETH_TYPE_IPV4, IPPROTO_ICMP);
      break;
    case SetAttr.ICMPV6:
      applied = setIcmp(p, key, a.key, a.mask, ETH_TYPE_IPV6, IPPROTO_ICMPV6);
      break;
    case SetAttr.ARP:
      applied = setArp(p, key, a.key, a.mask, a.type === DpActionType.SET);
      break;
    case SetAttr.ND:
      // updates the key itself: only the link-layer option actually present changes
      setNd(p, key, a.key, a.mask);
      applied = false;
      break;
    default:
      applied = false;
  }
  if (applied) updateKey(key, a);
}

function setTunnel(p: Packet, k: Uint32Array): void {
  const t = p.tunnel;
  t.idHi = k[W_TUN_ID]!;
  t.idLo = k[W_TUN_ID + 1]!;
  t.ipv4Src = k[W_TUN_SRC]!;
  t.ipv4Dst = k[W_TUN_DST]!;
  for (let i = 0; i < 4; i++) {
    t.ipv6Src[i] = k[W_TUN_IPV6_SRC + i]!;
    t.ipv6Dst[i] = k[W_TUN_IPV6_DST + i]!;
  }
  const misc = k[W_TUN_MISC]!;
  t.tos = misc >>> 24;
  t.ttl = (misc >>> 16) & 0xff;
  t.flags = misc & 0xffff;
  const tp = k[W_TUN_TP]!;
  t.tpSrc = tp >>> 16;
  t.tpDst = tp & 0xffff;
  const gbp = k[W_TUN_GBP]!;
  t.gbpId = gbp >>> 16;
  t.gbpFlags = (gbp >>> 8) & 0xff;
  t.optLen = 0;
}

function setCt(p: Packet, k: Uint32Array, m: Uint32Array): void {
  const ct = mix((p.ctState & 0xff) | ((p.ctZone & 0xffff) << 16), k[W_CT]!, m[W_CT]! & 0xffff00ff);
  p.ctState = ct & 0xff;
  p.ctZone = (ct >>> 16) & 0xffff;
  p.ctMark = mix(p.ctMark, k[W_CT_MARK]!, m[W_CT_MARK]!) >>> 0;
  const lb = p.ctLabel;
  for (let i = 0; i < 4; i++) lb[i] = mix(lb[i]!, k[W_CT_LABEL + i]!, m[W_CT_LABEL + i]!);
}

/** Masked write of a MAC (hi 16 bits + lo 32 bits) at `off`; returns checksum difference terms. */
function writeMac(b: Uint8Array, off: number, vHi: number, vLo: number, mHi: number, mLo: number): number {
  const oHi = get16(b, off);
  const oLo = get32(b, off + 2) | 0;
  const nHi = mix(oHi, vHi, mHi) & 0xffff;
  const nLo = mix(oLo, vLo, mLo);
  put16(b, off, nHi);
  put32(b, off + 2, nLo);
  return (~oHi & 0xffff) + nHi + diff32(oLo, nLo);
}

function setEth(p: Packet, k: Uint32Array, m: Uint32Array): boolean {
  if (p.len < 14) return false;
  const b = p.buf;
  const s = p.start;
  const kh = k[W_ETH_HI]! | 0;
  const mh = m[W_ETH_HI]! | 0;
  writeMac(b, s, kh >>> 16, k[W_ETH_DST]! | 0, mh >>> 16, m[W_ETH_DST]! | 0);
  writeMac(b, s + 6, kh & 0xffff, k[W_ETH_SRC]! | 0, mh & 0xffff, m[W_ETH_SRC]! | 0);
  return true;
}

function setMpls(p: Packet, k: Uint32Array, m: Uint32Array): boolean {
  const o = p.l2_5Ofs;
  if (o < 0 || o + 4 > p.len) return false;
  const at = p.start + o;
  put32(p.buf, at, mix(get32(p.buf, at), k[W_MPLS0]!, m[W_MPLS0]!));
  return true;
}

function setIpv4(p: Packet, key: Uint32Array, k: Uint32Array, m: Uint32Array): boolean {
  if ((key[W_ETH_TYPE]! & 0xffff) !== ETH_TYPE_IPV4 || p.l3Ofs < 0) return false;
  const b = p.buf;
  const s = p.start;
  const l3 = s + p.l3Ofs;
  if (l3 + 20 > s + p.len) return false;
  const proto = b[l3 + 9]!;
  // Where the L4 checksum covering the addresses lives (-1: none to fix).
  let l4cs = -1;
  let isUdp = false;
  if (p.l4Ofs >= 0 && (get16(b, l3 + 6) & 0x1fff) === 0) {
    const l4 = s + p.l4Ofs;
    const end = l3End(p, ETH_TYPE_IPV4);
    if (proto === IPPROTO_TCP && end - l4 >= 20) l4cs = l4 + 16;
    else if (proto === IPPROTO_UDP && end - l4 >= 8 && get16(b, l4 + 6) !== 0) {
      l4cs = l4 + 6;
      isUdp = true;
    }
  }
  let ipCsum = get16(b, l3 + 10);
  for (let i = 0; i < 2; i++) {
    const mw = m[W_IPV4_SRC + i]!;
    if (mw === 0) continue;
    const at = l3 + 12 + 4 * i;
    const o = get32(b, at) | 0;
    const n = mix(o, k[W_IPV4_SRC + i]!, mw);
    if (n === o) continue;
    ipCsum = csumUpdate32(ipCsum, o, n);
    if (l4cs >= 0) {
      let c = csumUpdate32(get16(b, l4cs), o, n);
      if (isUdp && c === 0) c = 0xffff;
      put16(b, l4cs, c);
    }
    put32(b, at, n);
  }
  const nw = k[W_NW]!;
  const mnw = m[W_NW]!;
  const mTos = (mnw >>> 16) & 0xff;
  if (mTos !== 0) {
    const o = b[l3 + 1]!;
    const n = mix(o, nw >>> 16, mTos) & 0xff;
    if (n !== o) {
      const hi = b[l3]! << 8;
      ipCsum = csumUpdate16(ipCsum, hi | o, hi | n);
      b[l3 + 1] = n;
    }
  }
  const mTtl = (mnw >>> 8) & 0xff;
  if (mTtl !== 0) {
    const o = b[l3 + 8]!;
    const n = mix(o, nw >>> 8, mTtl) & 0xff;
    if (n !== o) {
      ipCsum = csumUpdate16(ipCsum, (o << 8) | proto, (n << 8) | proto);
      b[l3 + 8] = n;
    }
  }
  put16(b, l3 + 10, ipCsum);
  return true;
}

/**
 * True if an IPv6 routing header with segments left sits between the fixed header and L4:
 * then the pseudo-header uses the final destination, so rewriting ip6_dst leaves L4 alone.
 */
function ipv6RoutingPending(b: Uint8Array, l3: number, l4: number): boolean {
  let nh = b[l3 + 6]!;
  let q = l3 + 40;
  while (q + 8 <= l4 && isIpv6ExtHeader(nh)) {
    if (nh === IPPROTO_ROUTING && b[q + 3]! !== 0) return true;
    const len = nh === IPPROTO_FRAGMENT ? 8 : nh === IPPROTO_AH ? (b[q + 1]! + 2) << 2 : (b[q + 1]! + 1) << 3;
    nh = b[q]!;
    q += len;
  }
  return false;
}

function setIpv6(p: Packet, key: Uint32Array, k: Uint32Array, m: Uint32Array): boolean {
  if ((key[W_ETH_TYPE]! & 0xffff) !== ETH_TYPE_IPV6 || p.l3Ofs < 0) return false;
  const b = p.buf;
  const s = p.start;
  const l3 = s + p.l3Ofs;
  if (l3 + 40 > s + p.len) return false;
  let l4cs = -1;
  let isUdp = false;
  let l4 = -1;
  if (p.l4Ofs >= 0 && (key[W_NW]! & FRAG_LATER) === 0) {
    l4 = s + p.l4Ofs;
    const proto = key[W_NW]! >>> 24;
    const end = l3End(p, ETH_TYPE_IPV6);
    if (proto === IPPROTO_TCP && end - l4 >= 20) l4cs = l4 + 16;
    else if (proto === IPPROTO_UDP && end - l4 >= 8 && get16(b, l4 + 6) !== 0) {
      l4cs = l4 + 6;
      isUdp = true;
    } else if (proto === IPPROTO_ICMPV6 && end - l4 >= 4) l4cs = l4 + 2;
  }
  // Difference terms of the source (i < 4) and destination address rewrites.
  let srcDiff = 0;
  let dstDiff = 0;
  for (let i = 0; i < 8; i++) {
    const w = i < 4 ? W_IPV6_SRC + i : W_IPV6_DST + i - 4;
    const mw = m[w]!;
    if (mw === 0) continue;
    const at = l3 + 8 + 4 * i;
    const o = get32(b, at) | 0;
    const n = mix(o, k[w]!, mw);
    if (n === o) continue;
    if (i < 4) srcDiff += diff32(o, n);
    else dstDiff += diff32(o, n);
    put32(b, at, n);
  }
  if (dstDiff !== 0 && l4cs >= 0 && ipv6RoutingPending(b, l3, l4)) dstDiff = 0;
  if (l4cs >= 0 && srcDiff + dstDiff !== 0) {
    let c = applyDiff(get16(b, l4cs), srcDiff + dstDiff);
    if (isUdp && c === 0) c = 0xffff;
    put16(b, l4cs, c);
  }
  const nw = k[W_NW]!;
  const mnw = m[W_NW]!;
  const mTc = (mnw >>> 16) & 0xff;
  const mLabel = m[W_IPV6_LABEL]! & 0xfffff;
  if ((mTc | mLabel) !== 0) {
    const o = get32(b, l3);
    const tc = mix((o >>> 20) & 0xff, nw >>> 16, mTc) & 0xff;
    const label = mix(o & 0xfffff, k[W_IPV6_LABEL]!, mLabel) & 0xfffff;
    put32(b, l3, (o & 0xf0000000) | (tc << 20) | label);
  }
  const mHl = (mnw >>> 8) & 0xff;
  if (mHl !== 0) b[l3 + 7] = mix(b[l3 + 7]!, nw >>> 8, mHl) & 0xff;
  return true;
}

/**
 * The absolute L4 offset if the packet is IPv4/IPv6 carrying `proto` with at least `need`
 * bytes of L4 header (first fragment or unfragmented), else -1. Also returns the L4 end in l4EndOut.
 */
let l4EndOut = 0;
function l4For(p: Packet, key: Uint32Array, ethType: number, proto: number, need: number): number {
  const et = key[W_ETH_TYPE]! & 0xffff;
  if (ethType !== 0 ? et !== ethType : et !== ETH_TYPE_IPV4 && et !== ETH_TYPE_IPV6) return -1;
  const nw = key[W_NW]!;
  if (nw >>> 24 !== proto || (nw & FRAG_LATER) !== 0 || p.l4Ofs < 0) return -1;
  const l4 = p.start + p.l4Ofs;
  const end = l3End(p, et);
  if (end - l4 < need) return -1;
  l4EndOut = end;
  return l4;
}

function setPorts(p: Packet, key: Uint32Array, k: Uint32Array, m: Uint32Array, proto: number): boolean {
  const need = proto === IPPROTO_TCP ? 20 : proto === IPPROTO_UDP ? 8 : 12;
  const l4 = l4For(p, key, 0, proto, need);
  if (l4 < 0) return false;
  const b = p.buf;
  const o = get32(b, l4) | 0;
  const n = mix(o, k[W_TP]!, m[W_TP]!);
  if (n === o) return true;
  if (proto === IPPROTO_SCTP) {
    // CRC32c cannot be updated incrementally; keep a wrong checksum wrong (as OVS does).
    const len = l4EndOut - l4;
    const stored = getSctpChecksum(b, l4);
    const oldCorrect = sctpChecksum(b, l4, len);
    put32(b, l4, n);
    putSctpChecksum(b, l4, stored ^ oldCorrect ^ sctpChecksum(b, l4, len));
    return true;
  }
  const at = l4 + (proto === IPPROTO_TCP ? 16 : 6);
  const cs = get16(b, at);
  if (proto === IPPROTO_TCP || cs !== 0) {
    let c = csumUpdate32(cs, o, n);
    if (proto === IPPROTO_UDP && c === 0) c = 0xffff;
    put16(b, at, c);
  }
  put32(b, l4, n);
  return true;
}

function setIcmp(p: Packet, key: Uint32Array, k: Uint32Array, m: Uint32Array, ethType: number, proto: number): boolean {
  const l4 = l4For(p, key, ethType, proto, 8);
  if (l4 < 0) return false;
  const b = p.buf;
  const tp = k[W_TP]!;
  const mtp = m[W_TP]!;
  const o = get16(b, l4);
  const type = mix(o >>> 8, tp >>> 16, (mtp >>> 16) & 0xff) & 0xff;
  const code = mix(o & 0xff, tp, mtp & 0xff) & 0xff;
  const n = (type << 8) | code;
  if (n !== o) {
    put16(b, l4 + 2, csumUpdate16(get16(b, l4 + 2), o, n));
    put16(b, l4, n);
  }
  return true;
}

/** `whole`: a non-masked set writes the 16-bit opcode (OVS's key holds htons(nw_proto)). */
function setArp(p: Packet, key: Uint32Array, k: Uint32Array, m: Uint32Array, whole: boolean): boolean {
  const et = key[W_ETH_TYPE]! & 0xffff;
  if ((et !== ETH_TYPE_ARP && et !== ETH_TYPE_RARP) || p.l3Ofs < 0 || p.l3Ofs + 28 > p.len) return false;
  const b = p.buf;
  const l3 = p.start + p.l3Ofs;
  const mOp = m[W_NW]! >>> 24;
  if (mOp !== 0) {
    const op = get16(b, l3 + 6);
    put16(b, l3 + 6, (whole ? 0 : op & 0xff00) | (mix(op & 0xff, k[W_NW]! >>> 24, mOp) & 0xff));
  }
  const kh = k[W_ARP_HI]! | 0;
  const mh = m[W_ARP_HI]! | 0;
  writeMac(b, l3 + 8, kh >>> 16, k[W_ARP_SHA]! | 0, mh >>> 16, m[W_ARP_SHA]! | 0);
  put32(b, l3 + 14, mix(get32(b, l3 + 14), k[W_IPV4_SRC]!, m[W_IPV4_SRC]!));
  writeMac(b, l3 + 18, kh & 0xffff, k[W_ARP_THA]! | 0, mh & 0xffff, m[W_ARP_THA]! | 0);
  put32(b, l3 + 24, mix(get32(b, l3 + 24), k[W_IPV4_DST]!, m[W_IPV4_DST]!));
  return true;
}

function setNd(p: Packet, key: Uint32Array, k: Uint32Array, m: Uint32Array): void {
  const l4 = l4For(p, key, ETH_TYPE_IPV6, IPPROTO_ICMPV6, 24);
  if (l4 < 0) return;
  const b = p.buf;
  const type = b[l4]!;
  if ((type !== ND_NEIGHBOR_SOLICIT && type !== ND_NEIGHBOR_ADVERT) || b[l4 + 1] !== 0) return;
  let diff = 0;
  for (let i = 0; i < 4; i++) {
    const w = W_ND_TARGET + i;
    const mw = m[w]!;
    if (mw === 0) continue;
    const at = l4 + 8 + 4 * i;
    const o = get32(b, at) | 0;
    const n = mix(o, k[w]!, mw);
    key[w] = mix(key[w]!, k[w]!, mw);
    if (n !== o) {
      diff += diff32(o, n);
      put32(b, at, n);
    }
  }
  // The first SLL or TLL option (a packet carries one of them) gets the new address.
  const end = l4EndOut;
  const kh = k[W_ARP_HI]! | 0;
  const mh = m[W_ARP_HI]! | 0;
  for (let q = l4 + 24; end - q >= 8; ) {
    const len = b[q + 1]! << 3;
    if (len === 0 || len > end - q) break;
    const ot = b[q]!;
    if (len === 8 && ot === ND_OPT_SOURCE_LINKADDR) {
      diff += writeMac(b, q + 2, kh >>> 16, k[W_ARP_SHA]! | 0, mh >>> 16, m[W_ARP_SHA]! | 0);
      key[W_ARP_HI] = mix(key[W_ARP_HI]!, kh, mh & 0xffff0000);
      key[W_ARP_SHA] = mix(key[W_ARP_SHA]!, k[W_ARP_SHA]!, m[W_ARP_SHA]!);
      break;
    }
    if (len === 8 && ot === ND_OPT_TARGET_LINKADDR) {
      diff += writeMac(b, q + 2, kh & 0xffff, k[W_ARP_THA]! | 0, mh & 0xffff, m[W_ARP_THA]! | 0);
      key[W_ARP_HI] = mix(key[W_ARP_HI]!, kh, mh & 0xffff);
      key[W_ARP_THA] = mix(key[W_ARP_THA]!, k[W_ARP_THA]!, m[W_ARP_THA]!);
      break;
    }
    q += len;
  }
  if (diff !== 0) put16(b, l4 + 2, applyDiff(get16(b, l4 + 2), diff));
}
