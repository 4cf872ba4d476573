/*
 * The FlowKey layout: every field of the flow has a fixed word and bit position in a
 * Uint32Array of FLOW_WORDS words. A Mask has the same layout; masked key = key & mask.
 *
 * Words [0, DP_KEY_WORDS) are the datapath key (what OVS's sw_flow_key holds); the words
 * after them are OpenFlow-only fields (metadata, registers) that the datapath never sees.
 * Multi-byte values are stored in network order within the word (first byte = most
 * significant), so printing and masking behave like the wire form.
 */

export type FlowKey = Uint32Array;
export type FlowMask = Uint32Array;

// --- metadata -------------------------------------------------------------
export const W_IN_PORT = 0;
export const W_SKB_PRIORITY = 1;
export const W_SKB_MARK = 2; // pkt_mark in OpenFlow
export const W_RECIRC_ID = 3;
export const W_DP_HASH = 4;
/** ct_state in bits 0-7, ct_nw_proto in bits 8-15 (reserved), ct_zone in bits 16-31. */
export const W_CT = 5;
export const W_CT_MARK = 6;
/** ct_label: 128 bits, W_CT_LABEL is the most significant word. */
export const W_CT_LABEL = 7; // .. 10

// --- tunnel metadata --------------------------------------------------------
/** tun_id (VNI / key), 64 bits: W_TUN_ID = high word, W_TUN_ID + 1 = low word. */
export const W_TUN_ID = 11; // .. 12
export const W_TUN_SRC = 13;
export const W_TUN_DST = 14;
export const W_TUN_IPV6_SRC = 15; // .. 18
export const W_TUN_IPV6_DST = 19; // .. 22
/** tun_tos << 24 | tun_ttl << 16 | tun_flags (16 bits, TUN_FLAG_*). */
export const W_TUN_MISC = 23;
/** tun_tp_src << 16 | tun_tp_dst. */
export const W_TUN_TP = 24;
/** tun_gbp_id << 16 | tun_gbp_flags << 8. */
export const W_TUN_GBP = 25;

// --- L2 -----------------------------------------------------------------
/** eth_dst bytes 0-1 << 16 | eth_src bytes 0-1. */
export const W_ETH_HI = 26;
/** eth_dst bytes 2-5. */
export const W_ETH_DST = 27;
/** eth_src bytes 2-5. */
export const W_ETH_SRC = 28;
/** eth_type in bits 0-15; an 802.2 frame with no Ethertype gets 0x05ff (OVS's FLOW_DL_TYPE_NONE). */
export const W_ETH_TYPE = 29;
/** Outer VLAN: tpid << 16 | tci, tci has VLAN_CFI (0x1000) set when the tag is present. */
export const W_VLAN0 = 30;
/** Inner VLAN (802.1ad double tagging), same encoding. */
export const W_VLAN1 = 31;
/** MPLS label stack entries (label << 12 | tc << 9 | bos << 8 | ttl), outermost first. */
export const W_MPLS0 = 32; // .. 34
export const MAX_VLAN_HEADERS = 2;
export const MAX_MPLS_LABELS = 3;

// --- L3 -----------------------------------------------------------------
/** IPv4 source; for ARP, the sender protocol address (arp_spa), as in OVS. */
export const W_IPV4_SRC = 35;
/** IPv4 destination; for ARP, the target protocol address (arp_tpa). */
export const W_IPV4_DST = 36;
export const W_IPV6_SRC = 37; // .. 40
export const W_IPV6_DST = 41; // .. 44
/** IPv6 flow label, 20 bits. */
export const W_IPV6_LABEL = 45;
/** nw_proto << 24 | nw_tos << 16 | nw_ttl << 8 | nw_frag. For ARP nw_proto holds the opcode (low 8 bits). */
export const W_NW = 46;

// --- L4 -----------------------------------------------------------------
/** tp_src << 16 | tp_dst. For ICMP/ICMPv6: type << 16 | code. */
export const W_TP = 47;
/** TCP flags (12 bits) in bits 0-15. */
export const W_TCP_FLAGS = 48;

// --- ARP / ND -------------------------------------------------------------
/** arp_sha bytes 0-1 << 16 | arp_tha bytes 0-1. ND reuses these: sll = sha, tll = tha. */
export const W_ARP_HI = 49;
export const W_ARP_SHA = 50;
export const W_ARP_THA = 51;
export const W_ND_TARGET = 52; // .. 55

/** Number of words of the datapath key. */
export const DP_KEY_WORDS = 56;

// --- OpenFlow-only fields (never set by extract, never seen by the datapath) ---
/** OpenFlow metadata, 64 bits: high word first. */
export const W_METADATA = 56; // .. 57
/** reg0..reg15 (xreg N = reg 2N:2N+1, xxreg N = reg 4N..4N+3, high word first). */
export const W_REG0 = 58; // .. 73
export const N_REGS = 16;
export const W_CONJ_ID = 74;
export const W_ACTSET_OUTPUT = 75;

/** Number of words of the whole flow (datapath key + OpenFlow-only fields). */
export const FLOW_WORDS = 76;

// --- bit positions inside packed words ------------------------------------
export const CT_STATE_SHIFT = 0;
export const CT_STATE_MASK = 0xff;
export const CT_ZONE_SHIFT = 16;
export const CT_ZONE_MASK = 0xffff;

export const NW_PROTO_SHIFT = 24;
export const NW_TOS_SHIFT = 16;
export const NW_TTL_SHIFT = 8;
export const NW_FRAG_SHIFT = 0;

/** nw_frag bits (OVS FLOW_NW_FRAG_*): ANY = the packet is a fragment, LATER = not the first one. */
export const FRAG_ANY = 1;
export const FRAG_LATER = 2;
export const FRAG_MASK = 3;

export const VLAN_CFI = 0x1000;
export const VLAN_VID_MASK = 0x0fff;
export const VLAN_PCP_MASK = 0xe000;
export const VLAN_PCP_SHIFT = 13;

/** ct_state bits (OVS CS_*). */
export const CS_NEW = 0x01;
export const CS_ESTABLISHED = 0x02;
export const CS_RELATED = 0x04;
export const CS_REPLY_DIR = 0x08;
export const CS_INVALID = 0x10;
export const CS_TRACKED = 0x20;
export const CS_SRC_NAT = 0x40;
export const CS_DST_NAT = 0x80;

/** tun_flags bits (OVS FLOW_TNL_F_*). */
export const TUN_FLAG_DONT_FRAGMENT = 0x1;
export const TUN_FLAG_CSUM = 0x2;
export const TUN_FLAG_KEY = 0x4;
export const TUN_FLAG_OAM = 0x8;

export function newFlowKey(): FlowKey {
  return new Uint32Array(FLOW_WORDS);
}

// --- accessors used off the hot path (text forms, tests, ofproto) ---------

/** Read a 48-bit MAC stored as (hiWord >>> hiShift) & 0xffff : loWord, as a number. */
function getMac48(k: Uint32Array, hiWord: number, hiShift: number, loWord: number): number {
  return ((k[hiWord]! >>> hiShift) & 0xffff) * 0x100000000 + k[loWord]!;
}

function setMac48(k: Uint32Array, hiWord: number, hiShift: number, loWord: number, mac: number): void {
  const hi = Math.floor(mac / 0x100000000) & 0xffff;
  const keep = hiShift === 16 ? 0x0000ffff : 0xffff0000;
  k[hiWord] = ((k[hiWord]! & keep) | (hi << hiShift)) >>> 0;
  k[loWord] = mac >>> 0;
}

export const getEthDst = (k: Uint32Array): number => getMac48(k, W_ETH_HI, 16, W_ETH_DST);
export const getEthSrc = (k: Uint32Array): number => getMac48(k, W_ETH_HI, 0, W_ETH_SRC);
export const setEthDst = (k: Uint32Array, mac: number): void => setMac48(k, W_ETH_HI, 16, W_ETH_DST, mac);
export const setEthSrc = (k: Uint32Array, mac: number): void => setMac48(k, W_ETH_HI, 0, W_ETH_SRC, mac);
export const getArpSha = (k: Uint32Array): number => getMac48(k, W_ARP_HI, 16, W_ARP_SHA);
export const getArpTha = (k: Uint32Array): number => getMac48(k, W_ARP_HI, 0, W_ARP_THA);
export const setArpSha = (k: Uint32Array, mac: number): void => setMac48(k, W_ARP_HI, 16, W_ARP_SHA, mac);
export const setArpTha = (k: Uint32Array, mac: number): void => setMac48(k, W_ARP_HI, 0, W_ARP_THA, mac);

export const getNwProto = (k: Uint32Array): number => k[W_NW]! >>> NW_PROTO_SHIFT;
export const getNwTos = (k: Uint32Array): number => (k[W_NW]! >>> NW_TOS_SHIFT) & 0xff;
export const getNwTtl = (k: Uint32Array): number => (k[W_NW]! >>> NW_TTL_SHIFT) & 0xff;
export const getNwFrag = (k: Uint32Array): number => k[W_NW]! & 0xff;
export const getTpSrc = (k: Uint32Array): number => k[W_TP]! >>> 16;
export const getTpDst = (k: Uint32Array): number => k[W_TP]! & 0xffff;
export const getEthType = (k: Uint32Array): number => k[W_ETH_TYPE]! & 0xffff;
export const getCtState = (k: Uint32Array): number => (k[W_CT]! >>> CT_STATE_SHIFT) & CT_STATE_MASK;
export const getCtZone = (k: Uint32Array): number => (k[W_CT]! >>> CT_ZONE_SHIFT) & CT_ZONE_MASK;

/**
 * A field of the flow as a run of bits: `words` consecutive words starting at `word`
 * (most significant first) when `bits` is a multiple of 32, or `bits` bits at `shift`
 * inside `word` otherwise. MAC fields are the exception: they are split (see MAC_FIELDS).
 */
export interface FieldBits {
  readonly word: number;
  readonly shift: number;
  readonly bits: number;
}

function f(word: number, shift: number, bits: number): FieldBits {
  return { word, shift, bits };
}

/** Scalar and wide fields by their OVS datapath / OpenFlow name. */
export const FIELD_BITS = {
  in_port: f(W_IN_PORT, 0, 32),
  skb_priority: f(W_SKB_PRIORITY, 0, 32),
  skb_mark: f(W_SKB_MARK, 0, 32),
  recirc_id: f(W_RECIRC_ID, 0, 32),
  dp_hash: f(W_DP_HASH, 0, 32),
  ct_state: f(W_CT, CT_STATE_SHIFT, 8),
  ct_zone: f(W_CT, CT_ZONE_SHIFT, 16),
  ct_mark: f(W_CT_MARK, 0, 32),
  ct_label: f(W_CT_LABEL, 0, 128),
  tun_id: f(W_TUN_ID, 0, 64),
  tun_src: f(W_TUN_SRC, 0, 32),
  tun_dst: f(W_TUN_DST, 0, 32),
  tun_ipv6_src: f(W_TUN_IPV6_SRC, 0, 128),
  tun_ipv6_dst: f(W_TUN_IPV6_DST, 0, 128),
  tun_tos: f(W_TUN_MISC, 24, 8),
  tun_ttl: f(W_TUN_MISC, 16, 8),
  tun_flags: f(W_TUN_MISC, 0, 16),
  tun_tp_src: f(W_TUN_TP, 16, 16),
  tun_tp_dst: f(W_TUN_TP, 0, 16),
  tun_gbp_id: f(W_TUN_GBP, 16, 16),
  tun_gbp_flags: f(W_TUN_GBP, 8, 8),
  eth_type: f(W_ETH_TYPE, 0, 16),
  vlan0_tpid: f(W_VLAN0, 16, 16),
  vlan0_tci: f(W_VLAN0, 0, 16),
  vlan1_tpid: f(W_VLAN1, 16, 16),
  vlan1_tci: f(W_VLAN1, 0, 16),
  mpls0: f(W_MPLS0, 0, 32),
  mpls1: f(W_MPLS0 + 1, 0, 32),
  mpls2: f(W_MPLS0 + 2, 0, 32),
  ipv4_src: f(W_IPV4_SRC, 0, 32),
  ipv4_dst: f(W_IPV4_DST, 0, 32),
  ipv6_src: f(W_IPV6_SRC, 0, 128),
  ipv6_dst: f(W_IPV6_DST, 0, 128),
  ipv6_label: f(W_IPV6_LABEL, 0, 20),
  nw_proto: f(W_NW, NW_PROTO_SHIFT, 8),
  nw_tos: f(W_NW, NW_TOS_SHIFT, 8),
  nw_ttl: f(W_NW, NW_TTL_SHIFT, 8),
  nw_frag: f(W_NW, NW_FRAG_SHIFT, 8),
  tp_src: f(W_TP, 16, 16),
  tp_dst: f(W_TP, 0, 16),
  tcp_flags: f(W_TCP_FLAGS, 0, 16),
  nd_target: f(W_ND_TARGET, 0, 128),
  metadata: f(W_METADATA, 0, 64),
  conj_id: f(W_CONJ_ID, 0, 32),
  actset_output: f(W_ACTSET_OUTPUT, 0, 32),
} as const satisfies Record<string, FieldBits>;

export type FieldName = keyof typeof FIELD_BITS;

/** 48-bit MAC fields: high 16 bits at (hiWord, hiShift), low 32 bits in loWord. */
export interface MacBits {
  readonly hiWord: number;
  readonly hiShift: number;
  readonly loWord: number;
}

export const MAC_FIELDS = {
  eth_dst: { hiWord: W_ETH_HI, hiShift: 16, loWord: W_ETH_DST },
  eth_src: { hiWord: W_ETH_HI, hiShift: 0, loWord: W_ETH_SRC },
  arp_sha: { hiWord: W_ARP_HI, hiShift: 16, loWord: W_ARP_SHA },
  arp_tha: { hiWord: W_ARP_HI, hiShift: 0, loWord: W_ARP_THA },
} as const satisfies Record<string, MacBits>;

export type MacFieldName = keyof typeof MAC_FIELDS;

/** Read a field of at most 32 bits. */
export function getField(k: Uint32Array, fb: FieldBits): number {
  if (fb.bits >= 32) return k[fb.word]!;
  return (k[fb.word]! >>> fb.shift) & ((1 << fb.bits) - 1);
}

/** Write a field of at most 32 bits, leaving the other bits of its word alone. */
export function setField(k: Uint32Array, fb: FieldBits, value: number): void {
  if (fb.bits >= 32) {
    k[fb.word] = value >>> 0;
    return;
  }
  const m = ((1 << fb.bits) - 1) << fb.shift;
  k[fb.word] = ((k[fb.word]! & ~m) | ((value << fb.shift) & m)) >>> 0;
}

export function getMacField(k: Uint32Array, mb: MacBits): number {
  return getMac48(k, mb.hiWord, mb.hiShift, mb.loWord);
}

export function setMacField(k: Uint32Array, mb: MacBits, mac: number): void {
  setMac48(k, mb.hiWord, mb.hiShift, mb.loWord, mac);
}

/** reg N as a field (N in 0..15). */
export function regField(n: number): FieldBits {
  return f(W_REG0 + n, 0, 32);
}
