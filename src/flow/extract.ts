/*
 * Flow key extraction (OVS's ovs_flow_extract / lib/flow.c miniflow_extract): fills the
 * datapath words of a FlowKey from a packet's metadata and frame bytes and records the
 * packet's l2.5/l3/l4 offsets. Per-packet hot path: no allocation, plain integer ops.
 *
 * Behaviour follows lib/flow.c, including its quirks:
 * - A frame shorter than an Ethernet header yields metadata only; all offsets stay -1.
 * - 802.2 frames get eth_type 0x05ff unless they carry SNAP with OUI 0 and a real type.
 * - A VLAN tag is parsed only when 6 bytes (tag + next type) remain; at most vlanLimit tags,
 *   a further tag's TPID becomes eth_type.
 * - MPLS: the stack is walked to BoS, the first 3 LSEs are kept, L3 is not parsed.
 * - IPv4/IPv6 that fail the length sanity checks keep no L3 fields (l3Ofs is still set);
 *   IPv6 whose extension headers are truncated keeps only its addresses.
 * - ct_zone/ct_mark/ct_label are part of the key only when ct_state is non-zero.
 * - ND (NS/NA, code 0): the first SLL/TLL option type goes into the tcp_flags word (OVS's
 *   nd_options_type shares tcp_flags); a repeated SLL or TLL clears nd_target and both MACs.
 * Not in the layout (so not extracted): IGMP group, ND reserved word, NSH, ct original tuple.
 */
import type { Packet } from '../packet/packet.js';
import {
  type FlowKey,
  DP_KEY_WORDS,
  FRAG_ANY,
  FRAG_LATER,
  MAX_VLAN_HEADERS,
  VLAN_CFI,
  W_ARP_HI,
  W_ARP_SHA,
  W_ARP_THA,
  W_CT,
  W_CT_LABEL,
  W_CT_MARK,
  W_DP_HASH,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_ETH_TYPE,
  W_IN_PORT,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_IPV6_DST,
  W_IPV6_LABEL,
  W_IPV6_SRC,
  W_MPLS0,
  W_ND_TARGET,
  W_NW,
  W_RECIRC_ID,
  W_SKB_MARK,
  W_SKB_PRIORITY,
  W_TCP_FLAGS,
  W_TP,
  W_TUN_DST,
  W_TUN_GBP,
  W_TUN_ID,
  W_TUN_IPV6_DST,
  W_TUN_IPV6_SRC,
  W_TUN_MISC,
  W_TUN_SRC,
  W_TUN_TP,
  W_VLAN0,
  W_VLAN1,
} from './layout.js';
import { ETH_TYPE_NONE } from '../packet/constants.js';

// The zero helpers below store to literal word indices; refuse to load if the layout moved.
if (
  W_CT_LABEL + 3 !== 10 ||
  W_TUN_ID !== 11 ||
  W_TUN_GBP !== 25 ||
  W_ETH_HI !== 26 ||
  W_MPLS0 + 2 !== 34 ||
  W_IPV4_SRC !== 35 ||
  W_ND_TARGET + 3 !== 55 ||
  DP_KEY_WORDS !== 56
) {
  throw new Error('flow/extract: FlowKey layout changed; update the zero helpers');
}

let vlanLimit = MAX_VLAN_HEADERS;

/**
 * Limit the number of VLAN headers parsed into the key (OVS flow_limit_vlans, set from
 * other_config:vlan-limit; vswitchd's default there is 1). 0 or less means the maximum (2).
 */
export function setVlanLimit(n: number): void {
  vlanLimit = n <= 0 ? MAX_VLAN_HEADERS : Math.min(n, MAX_VLAN_HEADERS);
}

export function getVlanLimit(): number {
  return vlanLimit;
}

/** Fill the datapath words [0, DP_KEY_WORDS) of `key` from `packet`; OpenFlow-only words are untouched. */
export function extract(packet: Packet, key: FlowKey): void {
  // Every datapath word is stored explicitly (value or 0) with constant indices: much
  // faster than a zeroing loop or fill() on the hot path.

  // --- metadata ---
  key[W_IN_PORT] = packet.inPort;
  key[W_SKB_PRIORITY] = packet.skbPriority;
  key[W_SKB_MARK] = packet.pktMark;
  key[W_RECIRC_ID] = packet.recircId;
  key[W_DP_HASH] = packet.dpHash;
  if (packet.ctState !== 0) {
    key[W_CT] = (packet.ctState & 0xff) | (packet.ctZone << 16);
    key[W_CT_MARK] = packet.ctMark;
    const lb = packet.ctLabel;
    key[W_CT_LABEL] = lb[0]!;
    key[W_CT_LABEL + 1] = lb[1]!;
    key[W_CT_LABEL + 2] = lb[2]!;
    key[W_CT_LABEL + 3] = lb[3]!;
  } else {
    key[W_CT] = 0;
    key[W_CT_MARK] = 0;
    key[W_CT_LABEL] = 0;
    key[W_CT_LABEL + 1] = 0;
    key[W_CT_LABEL + 2] = 0;
    key[W_CT_LABEL + 3] = 0;
  }
  if (packet.tunnel.isSet()) extractTunnel(packet, key);
  else zeroTunnel(key);

  packet.l2_5Ofs = -1;
  packet.l3Ofs = -1;
  packet.l4Ofs = -1;
  zeroL3(key);

  // --- Ethernet ---
  const b = packet.buf;
  const s = packet.start;
  let end = s + packet.len;
  if (packet.len < 14) {
    zeroL2(key);
    return;
  }
  key[W_ETH_HI] = (b[s]! << 24) | (b[s + 1]! << 16) | (b[s + 6]! << 8) | b[s + 7]!;
  key[W_ETH_DST] = rd32(b, s + 2);
  key[W_ETH_SRC] = rd32(b, s + 8);

  let p = s + 12;
  let type = rd16(b, p);
  let vlan0 = 0;
  let vlan1 = 0;
  if ((type === 0x8100 || type === 0x88a8) && vlanLimit > 0 && end - p >= 6) {
    vlan0 = rd32(b, p) | VLAN_CFI;
    p += 4;
    type = rd16(b, p);
    if ((type === 0x8100 || type === 0x88a8) && vlanLimit > 1 && end - p >= 6) {
      vlan1 = rd32(b, p) | VLAN_CFI;
      p += 4;
      type = rd16(b, p);
    }
  }
  key[W_VLAN0] = vlan0;
  key[W_VLAN1] = vlan1;
  p += 2;
  if (type < 0x600) {
    type = ETH_TYPE_NONE;
    if (
      end - p >= 8 &&
      b[p] === 0xaa &&
      b[p + 1] === 0xaa &&
      b[p + 2] === 3 &&
      b[p + 3] === 0 &&
      b[p + 4] === 0 &&
      b[p + 5] === 0
    ) {
      const snapType = rd16(b, p + 6);
      p += 8;
      if (snapType >= 0x600) type = snapType;
    }
  }
  key[W_ETH_TYPE] = type;

  // --- MPLS ---
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  if (type === 0x8847 || type === 0x8848) {
    packet.l2_5Ofs = p - s;
    let n = 0;
    while (end - p >= 4) {
      const lse = rd32(b, p);
      if (n === 0) m0 = lse;
      else if (n === 1) m1 = lse;
      else if (n === 2) m2 = lse;
      n++;
      p += 4;
      if ((lse & 0x100) !== 0) break;
    }
  }
  key[W_MPLS0] = m0;
  key[W_MPLS0 + 1] = m1;
  key[W_MPLS0 + 2] = m2;

  // --- network layer ---
  packet.l3Ofs = p - s;
  let proto: number;
  let frag = 0;
  if (type === 0x0800) {
    const size = end - p;
    if (size < 20) return;
    const ihl = (b[p]! & 0x0f) << 2;
    if (ihl < 20 || size < ihl) return;
    const totLen = rd16(b, p + 2);
    if (totLen > size || ihl > totLen || size - totLen > 0xffff) return;
    key[W_IPV4_SRC] = rd32(b, p + 12);
    key[W_IPV4_DST] = rd32(b, p + 16);
    const fragOff = rd16(b, p + 6);
    if ((fragOff & 0x3fff) !== 0) frag = (fragOff & 0x1fff) !== 0 ? FRAG_ANY | FRAG_LATER : FRAG_ANY;
    proto = b[p + 9]!;
    key[W_NW] = (proto << 24) | (b[p + 1]! << 16) | (b[p + 8]! << 8) | frag;
    end = p + totLen;
    p += ihl;
  } else if (type === 0x86dd) {
    const size = end - p;
    if (size < 40) return;
    const plen = rd16(b, p + 4);
    if (plen + 40 > size || size - (plen + 40) > 0xffff) return;
    for (let i = 0; i < 4; i++) {
      key[W_IPV6_SRC + i] = rd32(b, p + 8 + 4 * i);
      key[W_IPV6_DST + i] = rd32(b, p + 24 + 4 * i);
    }
    const tcFlow = rd32(b, p);
    const ttl = b[p + 7]!;
    proto = b[p + 6]!;
    end = p + 40 + plen;
    p += 40;
    // extension headers
    for (;;) {
      if (proto !== 0 && proto !== 43 && proto !== 60 && proto !== 51 && proto !== 44) break;
      if (end - p < 8) return;
      if (proto === 44) {
        proto = b[p]!;
        const offlg = rd16(b, p + 2);
        p += 8;
        if (offlg !== 0) {
          frag = FRAG_ANY;
          if ((offlg & 0xfff8) !== 0) {
            frag = FRAG_ANY | FRAG_LATER;
            proto = 44;
            break;
          }
        }
      } else {
        const hl = proto === 51 ? (b[p + 1]! + 2) << 2 : (b[p + 1]! + 1) << 3;
        proto = b[p]!;
        if (end - p < hl) return;
        p += hl;
      }
    }
    key[W_IPV6_LABEL] = tcFlow & 0xfffff;
    key[W_NW] = (proto << 24) | (((tcFlow >>> 20) & 0xff) << 16) | (ttl << 8) | frag;
  } else {
    if (type === 0x0806 || type === 0x8035) extractArp(b, p, end, key);
    return;
  }

  // --- transport layer ---
  packet.l4Ofs = p - s;
  if ((frag & FRAG_LATER) !== 0) return;
  const size = end - p;
  switch (proto) {
    case 6: // TCP
      if (size >= 20) {
        const ctl = rd16(b, p + 12);
        const hl = (ctl >>> 12) << 2;
        if (hl >= 20 && size >= hl) {
          key[W_TCP_FLAGS] = ctl & 0x0fff;
          key[W_TP] = rd32(b, p);
        }
      }
      break;
    case 17: // UDP
      if (size >= 8) key[W_TP] = rd32(b, p);
      break;
    case 132: // SCTP
      if (size >= 12) key[W_TP] = rd32(b, p);
      break;
    case 1: // ICMP
    case 2: // IGMP (type/code; the group address has no word in the key)
      if (size >= 8) key[W_TP] = (b[p]! << 16) | b[p + 1]!;
      break;
    case 58: // ICMPv6
      if (size >= 8) {
        const icmpType = b[p]!;
        const code = b[p + 1]!;
        key[W_TP] = (icmpType << 16) | code;
        if (code === 0 && (icmpType === 135 || icmpType === 136)) extractNd(b, p + 8, end, key);
      }
      break;
    default:
      break;
  }
}

/** Big-endian 16 bits. */
function rd16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** Big-endian 32 bits as an int32 (the key is a Uint32Array, so the sign does not matter). */
function rd32(b: Uint8Array, o: number): number {
  return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}

function zeroTunnel(key: FlowKey): void {
  key[11] = 0;
  key[12] = 0;
  key[13] = 0;
  key[14] = 0;
  key[15] = 0;
  key[16] = 0;
  key[17] = 0;
  key[18] = 0;
  key[19] = 0;
  key[20] = 0;
  key[21] = 0;
  key[22] = 0;
  key[23] = 0;
  key[24] = 0;
  key[25] = 0;
}

/** L2 words (Ethernet, VLAN, MPLS). */
function zeroL2(key: FlowKey): void {
  key[26] = 0;
  key[27] = 0;
  key[28] = 0;
  key[29] = 0;
  key[30] = 0;
  key[31] = 0;
  key[32] = 0;
  key[33] = 0;
  key[34] = 0;
}

/** L3, L4, ARP and ND words. */
function zeroL3(key: FlowKey): void {
  key[35] = 0;
  key[36] = 0;
  key[37] = 0;
  key[38] = 0;
  key[39] = 0;
  key[40] = 0;
  key[41] = 0;
  key[42] = 0;
  key[43] = 0;
  key[44] = 0;
  key[45] = 0;
  key[46] = 0;
  key[47] = 0;
  key[48] = 0;
  key[49] = 0;
  key[50] = 0;
  key[51] = 0;
  key[52] = 0;
  key[53] = 0;
  key[54] = 0;
  key[55] = 0;
}

function extractTunnel(packet: Packet, key: FlowKey): void {
  const t = packet.tunnel;
  key[W_TUN_ID] = t.idHi;
  key[W_TUN_ID + 1] = t.idLo;
  key[W_TUN_SRC] = t.ipv4Src;
  key[W_TUN_DST] = t.ipv4Dst;
  const s6 = t.ipv6Src;
  const d6 = t.ipv6Dst;
  for (let i = 0; i < 4; i++) {
    key[W_TUN_IPV6_SRC + i] = s6[i]!;
    key[W_TUN_IPV6_DST + i] = d6[i]!;
  }
  key[W_TUN_MISC] = ((t.tos & 0xff) << 24) | ((t.ttl & 0xff) << 16) | (t.flags & 0xffff);
  key[W_TUN_TP] = ((t.tpSrc & 0xffff) << 16) | (t.tpDst & 0xffff);
  key[W_TUN_GBP] = ((t.gbpId & 0xffff) << 16) | ((t.gbpFlags & 0xff) << 8);
}

/** ARP/RARP for Ethernet + IPv4 only (OVS checks hrd, pro, hln, pln). */
function extractArp(b: Uint8Array, p: number, end: number, key: FlowKey): void {
  if (end - p < 28) return;
  if (rd16(b, p) !== 1 || rd16(b, p + 2) !== 0x0800 || b[p + 4] !== 6 || b[p + 5] !== 4) return;
  const op = rd16(b, p + 6);
  key[W_IPV4_SRC] = rd32(b, p + 14);
  key[W_IPV4_DST] = rd32(b, p + 24);
  if (op <= 0xff) key[W_NW] = op << 24; // only the low 8 bits of the opcode are matchable
  key[W_ARP_HI] = (b[p + 8]! << 24) | (b[p + 9]! << 16) | (b[p + 18]! << 8) | b[p + 19]!;
  key[W_ARP_SHA] = rd32(b, p + 10);
  key[W_ARP_THA] = rd32(b, p + 20);
}

/** ND NS/NA body at `p` (after the 8-byte ICMPv6 header): target and SLL/TLL options. */
function extractNd(b: Uint8Array, p: number, end: number, key: FlowKey): void {
  if (end - p < 16) return;
  const t = p;
  p += 16;
  let sllHi = 0;
  let sllLo = 0;
  let tllHi = 0;
  let tllLo = 0;
  let optType = 0;
  let valid = true;
  while (end - p >= 8) {
    const optLen = b[p + 1]! << 3;
    if (optLen === 0 || optLen > end - p) break;
    const ot = b[p]!;
    if (optLen === 8 && (ot === 1 || ot === 2)) {
      const hi = (b[p + 2]! << 8) | b[p + 3]!;
      const lo = rd32(b, p + 4);
      if (ot === 1) {
        if ((sllHi | sllLo) !== 0) {
          valid = false;
          break;
        }
        sllHi = hi;
        sllLo = lo;
      } else {
        if ((tllHi | tllLo) !== 0) {
          valid = false;
          break;
        }
        tllHi = hi;
        tllLo = lo;
      }
      if (optType === 0) optType = ot;
    }
    p += optLen;
  }
  key[W_TCP_FLAGS] = optType;
  if (!valid) return;
  key[W_ND_TARGET] = rd32(b, t);
  key[W_ND_TARGET + 1] = rd32(b, t + 4);
  key[W_ND_TARGET + 2] = rd32(b, t + 8);
  key[W_ND_TARGET + 3] = rd32(b, t + 12);
  key[W_ARP_HI] = (sllHi << 16) | tllHi;
  key[W_ARP_SHA] = sllLo;
  key[W_ARP_THA] = tllLo;
}
