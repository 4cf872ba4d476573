/*
 * The field table (OVS's mf_field): every OpenFlow-matchable field the FlowKey holds, with
 * its names, NXM/OXM code points, width, maskability, text format, prerequisites and where
 * its bits live in the FlowKey layout (src/flow/layout.ts). Values of fields travel as
 * big-endian byte arrays of the field's width (OVS's union mf_value).
 */

import {
  N_REGS,
  W_ACTSET_OUTPUT,
  W_ARP_HI,
  W_ARP_SHA,
  W_ARP_THA,
  W_CONJ_ID,
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
  W_METADATA,
  W_MPLS0,
  W_ND_TARGET,
  W_NW,
  W_RECIRC_ID,
  W_REG0,
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
  W_VLAN0,
} from './layout.js';

/** How a field's value is written and read as text (OVS's enum mf_string). */
export const MfString = {
  DECIMAL: 0,
  HEXADECIMAL: 1,
  CT_STATE: 2,
  ETHERNET: 3,
  IPV4: 4,
  IPV6: 5,
  OFP_PORT: 6,
  OFP_PORT_OXM: 7,
  FRAG: 8,
  TNL_FLAGS: 9,
  TCP_FLAGS: 10,
} as const;
export type MfString = (typeof MfString)[keyof typeof MfString];

/** Field prerequisites (OVS's enum mf_prereqs). */
export const MfPrereq = {
  NONE: 0,
  ETHERNET: 1,
  ARP: 2,
  VLAN_VID: 3,
  IPV4: 4,
  IPV6: 5,
  IP_ANY: 6,
  MPLS: 7,
  TCP: 8,
  UDP: 9,
  SCTP: 10,
  ICMPV4: 11,
  ICMPV6: 12,
  ND: 13,
  ND_SOLICIT: 14,
  ND_ADVERT: 15,
} as const;
export type MfPrereq = (typeof MfPrereq)[keyof typeof MfPrereq];

/** OXM/NXM classes. */
export const OXM_CLASS_NXM_OF = 0x0000;
export const OXM_CLASS_NXM_NX = 0x0001;
export const OXM_CLASS_OPENFLOW_BASIC = 0x8000;
export const OXM_CLASS_PACKET_REGS = 0x8001;
export const OXM_CLASS_EXPERIMENTER = 0xffff;
export const NX_VENDOR_ID = 0x00002320;
export const ONF_VENDOR_ID = 0x4f4e4600;

/** One NXM/OXM code point of a field. */
export interface NxmCode {
  /** e.g. "NXM_OF_ETH_SRC", "OXM_OF_ETH_SRC". */
  readonly name: string;
  /** OXM class (OXM_CLASS_*). */
  readonly cls: number;
  /** Field number within the class. */
  readonly field: number;
  /** Experimenter id for OXM_CLASS_EXPERIMENTER, else 0. */
  readonly experimenter: number;
  /** Lowest OpenFlow version (wire number: 1 = OF1.0, 3 = OF1.2, 4 = OF1.3, 6 = OF1.5) using it. */
  readonly version: number;
}

/**
 * A run of a field's bits in the FlowKey: field bits [fieldOfs, fieldOfs + bits) live in
 * word bits [shift, shift + bits). Storage may be wider than the field (the field value is
 * zero-extended), as with icmp_type stored in the 16 bits of tp_src.
 */
export interface MfSegment {
  readonly fieldOfs: number;
  readonly word: number;
  readonly shift: number;
  readonly bits: number;
}

export interface MfField {
  /** Index in MF_FIELDS (MFF.*). */
  readonly id: number;
  readonly name: string;
  /** Alternative name accepted in parsing ("dl_src" for eth_src), or null. */
  readonly extraName: string | null;
  readonly nBytes: number;
  readonly nBits: number;
  readonly maskable: boolean;
  readonly string: MfString;
  readonly prereqs: MfPrereq;
  readonly writable: boolean;
  /** Code points; the first NXM_* one (else the first) is the name OVS prints for subfields. */
  readonly nxm: readonly NxmCode[];
  readonly segments: readonly MfSegment[];
}

// --- table construction ----------------------------------------------------

function seg(fieldOfs: number, word: number, shift: number, bits: number): MfSegment {
  return { fieldOfs, word, shift, bits };
}

/** A field of n whole words starting at `word`, most significant word first. */
function words(word: number, n: number): MfSegment[] {
  const out: MfSegment[] = [];
  for (let i = 0; i < n; i++) out.push(seg((n - 1 - i) * 32, word + i, 0, 32));
  return out;
}

function mac(hiWord: number, hiShift: number, loWord: number): MfSegment[] {
  return [seg(0, loWord, 0, 32), seg(32, hiWord, hiShift, 16)];
}

function nxmName(name: string): { cls: number; experimenter: number } {
  if (name.startsWith('NXM_OF_')) return { cls: OXM_CLASS_NXM_OF, experimenter: 0 };
  if (name.startsWith('NXM_NX_')) return { cls: OXM_CLASS_NXM_NX, experimenter: 0 };
  if (name.startsWith('OXM_OF_PKT_REG')) return { cls: OXM_CLASS_PACKET_REGS, experimenter: 0 };
  if (name.startsWith('OXM_OF_')) return { cls: OXM_CLASS_OPENFLOW_BASIC, experimenter: 0 };
  if (name.startsWith('ONFOXM_ET_')) return { cls: OXM_CLASS_EXPERIMENTER, experimenter: ONF_VENDOR_ID };
  if (name.startsWith('NXOXM_ET_')) return { cls: OXM_CLASS_EXPERIMENTER, experimenter: NX_VENDOR_ID };
  throw new Error(`bad NXM name ${name}`);
}

/** "NXM_OF_ETH_SRC:2", "OXM_OF_ETH_SRC:4@3" (field number, then OpenFlow version). */
function codes(...specs: string[]): NxmCode[] {
  return specs.map((sp) => {
    const m = /^(\w+):(\d+)(?:@(\d+))?$/.exec(sp);
    if (!m) throw new Error(`bad NXM spec ${sp}`);
    const name = m[1]!;
    const { cls, experimenter } = nxmName(name);
    return { name, cls, field: Number(m[2]), experimenter, version: m[3] ? Number(m[3]) : 1 };
  });
}

interface FieldDef {
  name: string;
  extraName?: string;
  nBytes: number;
  nBits?: number;
  maskable: boolean;
  string: MfString;
  prereqs?: MfPrereq;
  writable: boolean;
  nxm?: NxmCode[];
  segments: MfSegment[];
}

const S = MfString;
const P = MfPrereq;
const defs: FieldDef[] = [];
const ids: Record<string, number> = {};

function def(key: string, d: FieldDef): void {
  ids[key] = defs.length;
  defs.push(d);
}

// Metadata.
def('DP_HASH', { name: 'dp_hash', nBytes: 4, maskable: true, string: S.HEXADECIMAL, writable: false,
  nxm: codes('NXM_NX_DP_HASH:35', 'NXOXM_ET_DP_HASH:0@4'), segments: words(W_DP_HASH, 1) });
def('RECIRC_ID', { name: 'recirc_id', nBytes: 4, maskable: false, string: S.DECIMAL, writable: false,
  nxm: codes('NXM_NX_RECIRC_ID:36'), segments: words(W_RECIRC_ID, 1) });
def('CONJ_ID', { name: 'conj_id', nBytes: 4, maskable: false, string: S.DECIMAL, writable: false,
  nxm: codes('NXM_NX_CONJ_ID:37'), segments: words(W_CONJ_ID, 1) });
def('TUN_ID', { name: 'tun_id', extraName: 'tunnel_id', nBytes: 8, maskable: true, string: S.HEXADECIMAL,
  writable: true, nxm: codes('NXM_NX_TUN_ID:16', 'OXM_OF_TUNNEL_ID:38@4'), segments: words(W_TUN_ID, 2) });
def('TUN_SRC', { name: 'tun_src', nBytes: 4, maskable: true, string: S.IPV4, writable: true,
  nxm: codes('NXM_NX_TUN_IPV4_SRC:31'), segments: words(W_TUN_SRC, 1) });
def('TUN_DST', { name: 'tun_dst', nBytes: 4, maskable: true, string: S.IPV4, writable: true,
  nxm: codes('NXM_NX_TUN_IPV4_DST:32'), segments: words(W_TUN_DST, 1) });
def('TUN_IPV6_SRC', { name: 'tun_ipv6_src', nBytes: 16, maskable: true, string: S.IPV6, writable: true,
  nxm: codes('NXM_NX_TUN_IPV6_SRC:109'), segments: words(W_TUN_IPV6_SRC, 4) });
def('TUN_IPV6_DST', { name: 'tun_ipv6_dst', nBytes: 16, maskable: true, string: S.IPV6, writable: true,
  nxm: codes('NXM_NX_TUN_IPV6_DST:110'), segments: words(W_TUN_IPV6_DST, 4) });
// OpenFlow sees only the public OAM flag, as bit 0; tsovs keeps it at TUN_FLAG_OAM (bit 3).
def('TUN_FLAGS', { name: 'tun_flags', nBytes: 2, nBits: 1, maskable: true, string: S.TNL_FLAGS, writable: true,
  nxm: codes('NXM_NX_TUN_FLAGS:104'), segments: [seg(0, W_TUN_MISC, 3, 1)] });
def('TUN_TTL', { name: 'tun_ttl', nBytes: 1, maskable: false, string: S.DECIMAL, writable: false,
  segments: [seg(0, W_TUN_MISC, 16, 8)] });
def('TUN_TOS', { name: 'tun_tos', nBytes: 1, maskable: false, string: S.DECIMAL, writable: false,
  segments: [seg(0, W_TUN_MISC, 24, 8)] });
def('TUN_GBP_ID', { name: 'tun_gbp_id', nBytes: 2, maskable: true, string: S.DECIMAL, writable: true,
  nxm: codes('NXM_NX_TUN_GBP_ID:38'), segments: [seg(0, W_TUN_GBP, 16, 16)] });
def('TUN_GBP_FLAGS', { name: 'tun_gbp_flags', nBytes: 1, maskable: true, string: S.HEXADECIMAL, writable: true,
  nxm: codes('NXM_NX_TUN_GBP_FLAGS:39'), segments: [seg(0, W_TUN_GBP, 8, 8)] });
def('METADATA', { name: 'metadata', nBytes: 8, maskable: true, string: S.HEXADECIMAL, writable: true,
  nxm: codes('OXM_OF_METADATA:2@3'), segments: words(W_METADATA, 2) });
def('IN_PORT', { name: 'in_port', nBytes: 2, maskable: false, string: S.OFP_PORT, writable: true,
  nxm: codes('NXM_OF_IN_PORT:0'), segments: [seg(0, W_IN_PORT, 0, 16)] });
def('IN_PORT_OXM', { name: 'in_port_oxm', nBytes: 4, maskable: false, string: S.OFP_PORT_OXM, writable: true,
  nxm: codes('OXM_OF_IN_PORT:0@3'), segments: [seg(0, W_IN_PORT, 0, 16)] });
def('ACTSET_OUTPUT', { name: 'actset_output', nBytes: 4, maskable: false, string: S.OFP_PORT_OXM, writable: false,
  nxm: codes('ONFOXM_ET_ACTSET_OUTPUT:43@4', 'OXM_OF_ACTSET_OUTPUT:43@6'), segments: [seg(0, W_ACTSET_OUTPUT, 0, 16)] });
def('SKB_PRIORITY', { name: 'skb_priority', nBytes: 4, maskable: false, string: S.HEXADECIMAL, writable: false,
  segments: words(W_SKB_PRIORITY, 1) });
def('PKT_MARK', { name: 'pkt_mark', nBytes: 4, maskable: true, string: S.HEXADECIMAL, writable: true,
  nxm: codes('NXM_NX_PKT_MARK:33'), segments: words(W_SKB_MARK, 1) });
def('CT_STATE', { name: 'ct_state', nBytes: 4, maskable: true, string: S.CT_STATE, writable: false,
  nxm: codes('NXM_NX_CT_STATE:105'), segments: [seg(0, W_CT, 0, 8)] });
def('CT_ZONE', { name: 'ct_zone', nBytes: 2, maskable: false, string: S.HEXADECIMAL, writable: false,
  nxm: codes('NXM_NX_CT_ZONE:106'), segments: [seg(0, W_CT, 16, 16)] });
def('CT_MARK', { name: 'ct_mark', nBytes: 4, maskable: true, string: S.HEXADECIMAL, writable: true,
  nxm: codes('NXM_NX_CT_MARK:107'), segments: words(W_CT_MARK, 1) });
def('CT_LABEL', { name: 'ct_label', nBytes: 16, maskable: true, string: S.HEXADECIMAL, writable: true,
  nxm: codes('NXM_NX_CT_LABEL:108'), segments: words(W_CT_LABEL, 4) });
for (let i = 0; i < N_REGS; i++) {
  def(`REG${i}`, { name: `reg${i}`, nBytes: 4, maskable: true, string: S.HEXADECIMAL, writable: true,
    nxm: codes(`NXM_NX_REG${i}:${i}`), segments: words(W_REG0 + i, 1) });
}
for (let i = 0; i < N_REGS / 2; i++) {
  def(`XREG${i}`, { name: `xreg${i}`, nBytes: 8, maskable: true, string: S.HEXADECIMAL, writable: true,
    nxm: codes(`OXM_OF_PKT_REG${i}:${i}@4`), segments: words(W_REG0 + 2 * i, 2) });
}
for (let i = 0; i < N_REGS / 4; i++) {
  def(`XXREG${i}`, { name: `xxreg${i}`, nBytes: 16, maskable: true, string: S.HEXADECIMAL, writable: true,
    nxm: codes(`NXM_NX_XXREG${i}:${111 + i}`), segments: words(W_REG0 + 4 * i, 4) });
}

// L2.
def('ETH_SRC', { name: 'eth_src', extraName: 'dl_src', nBytes: 6, maskable: true, string: S.ETHERNET,
  prereqs: P.ETHERNET, writable: true, nxm: codes('NXM_OF_ETH_SRC:2', 'OXM_OF_ETH_SRC:4@3'),
  segments: mac(W_ETH_HI, 0, W_ETH_SRC) });
def('ETH_DST', { name: 'eth_dst', extraName: 'dl_dst', nBytes: 6, maskable: true, string: S.ETHERNET,
  prereqs: P.ETHERNET, writable: true, nxm: codes('NXM_OF_ETH_DST:1', 'OXM_OF_ETH_DST:3@3'),
  segments: mac(W_ETH_HI, 16, W_ETH_DST) });
def('ETH_TYPE', { name: 'eth_type', extraName: 'dl_type', nBytes: 2, maskable: false, string: S.HEXADECIMAL,
  prereqs: P.ETHERNET, writable: false, nxm: codes('NXM_OF_ETH_TYPE:3', 'OXM_OF_ETH_TYPE:5@3'),
  segments: [seg(0, W_ETH_TYPE, 0, 16)] });
def('VLAN_TCI', { name: 'vlan_tci', nBytes: 2, maskable: true, string: S.HEXADECIMAL, prereqs: P.ETHERNET,
  writable: true, nxm: codes('NXM_OF_VLAN_TCI:4'), segments: [seg(0, W_VLAN0, 0, 16)] });
def('DL_VLAN', { name: 'dl_vlan', nBytes: 2, nBits: 12, maskable: false, string: S.DECIMAL, prereqs: P.ETHERNET,
  writable: true, segments: [seg(0, W_VLAN0, 0, 12)] });
// The OXM value carries the "present" bit 0x1000 next to the 12 VID bits.
def('VLAN_VID', { name: 'vlan_vid', nBytes: 2, nBits: 12, maskable: true, string: S.DECIMAL, prereqs: P.ETHERNET,
  writable: true, nxm: codes('OXM_OF_VLAN_VID:6@3'), segments: [seg(0, W_VLAN0, 0, 13)] });
def('DL_VLAN_PCP', { name: 'dl_vlan_pcp', nBytes: 1, nBits: 3, maskable: false, string: S.DECIMAL,
  prereqs: P.ETHERNET, writable: true, segments: [seg(0, W_VLAN0, 13, 3)] });
def('VLAN_PCP', { name: 'vlan_pcp', nBytes: 1, nBits: 3, maskable: false, string: S.DECIMAL, prereqs: P.VLAN_VID,
  writable: true, nxm: codes('OXM_OF_VLAN_PCP:7@3'), segments: [seg(0, W_VLAN0, 13, 3)] });
def('MPLS_LABEL', { name: 'mpls_label', nBytes: 4, nBits: 20, maskable: false, string: S.DECIMAL, prereqs: P.MPLS,
  writable: true, nxm: codes('OXM_OF_MPLS_LABEL:34@3'), segments: [seg(0, W_MPLS0, 12, 20)] });
def('MPLS_TC', { name: 'mpls_tc', nBytes: 1, nBits: 3, maskable: false, string: S.DECIMAL, prereqs: P.MPLS,
  writable: true, nxm: codes('OXM_OF_MPLS_TC:35@3'), segments: [seg(0, W_MPLS0, 9, 3)] });
def('MPLS_BOS', { name: 'mpls_bos', nBytes: 1, nBits: 1, maskable: false, string: S.DECIMAL, prereqs: P.MPLS,
  writable: false, nxm: codes('OXM_OF_MPLS_BOS:36@4'), segments: [seg(0, W_MPLS0, 8, 1)] });
def('MPLS_TTL', { name: 'mpls_ttl', nBytes: 1, maskable: false, string: S.DECIMAL, prereqs: P.MPLS,
  writable: true, nxm: codes('NXM_NX_MPLS_TTL:30'), segments: [seg(0, W_MPLS0, 0, 8)] });

// L3.
def('IPV4_SRC', { name: 'ip_src', extraName: 'nw_src', nBytes: 4, maskable: true, string: S.IPV4,
  prereqs: P.IPV4, writable: true, nxm: codes('NXM_OF_IP_SRC:7', 'OXM_OF_IPV4_SRC:11@3'),
  segments: words(W_IPV4_SRC, 1) });
def('IPV4_DST', { name: 'ip_dst', extraName: 'nw_dst', nBytes: 4, maskable: true, string: S.IPV4,
  prereqs: P.IPV4, writable: true, nxm: codes('NXM_OF_IP_DST:8', 'OXM_OF_IPV4_DST:12@3'),
  segments: words(W_IPV4_DST, 1) });
def('IPV6_SRC', { name: 'ipv6_src', nBytes: 16, maskable: true, string: S.IPV6, prereqs: P.IPV6, writable: true,
  nxm: codes('NXM_NX_IPV6_SRC:19', 'OXM_OF_IPV6_SRC:26@3'), segments: words(W_IPV6_SRC, 4) });
def('IPV6_DST', { name: 'ipv6_dst', nBytes: 16, maskable: true, string: S.IPV6, prereqs: P.IPV6, writable: true,
  nxm: codes('NXM_NX_IPV6_DST:20', 'OXM_OF_IPV6_DST:27@3'), segments: words(W_IPV6_DST, 4) });
def('IPV6_LABEL', { name: 'ipv6_label', nBytes: 4, nBits: 20, maskable: true, string: S.HEXADECIMAL,
  prereqs: P.IPV6, writable: true, nxm: codes('NXM_NX_IPV6_LABEL:27', 'OXM_OF_IPV6_FLABEL:28@3'),
  segments: [seg(0, W_IPV6_LABEL, 0, 20)] });
def('IP_PROTO', { name: 'nw_proto', extraName: 'ip_proto', nBytes: 1, maskable: false, string: S.DECIMAL,
  prereqs: P.IP_ANY, writable: false, nxm: codes('NXM_OF_IP_PROTO:6', 'OXM_OF_IP_PROTO:10@3'),
  segments: [seg(0, W_NW, 24, 8)] });
// nw_tos is the 8-bit TOS with only the DSCP bits (0xfc); ip_dscp is the same bits shifted down.
def('IP_DSCP', { name: 'nw_tos', nBytes: 1, maskable: false, string: S.DECIMAL, prereqs: P.IP_ANY,
  writable: true, nxm: codes('NXM_OF_IP_TOS:5'), segments: [seg(2, W_NW, 18, 6)] });
def('IP_DSCP_SHIFTED', { name: 'ip_dscp', nBytes: 1, nBits: 6, maskable: false, string: S.DECIMAL,
  prereqs: P.IP_ANY, writable: true, nxm: codes('OXM_OF_IP_DSCP:8@3'), segments: [seg(0, W_NW, 18, 6)] });
def('IP_ECN', { name: 'nw_ecn', extraName: 'ip_ecn', nBytes: 1, nBits: 2, maskable: false, string: S.DECIMAL,
  prereqs: P.IP_ANY, writable: true, nxm: codes('NXM_NX_IP_ECN:28', 'OXM_OF_IP_ECN:9@3'),
  segments: [seg(0, W_NW, 16, 2)] });
def('IP_TTL', { name: 'nw_ttl', nBytes: 1, maskable: false, string: S.DECIMAL, prereqs: P.IP_ANY,
  writable: true, nxm: codes('NXM_NX_IP_TTL:29'), segments: [seg(0, W_NW, 8, 8)] });
def('IP_FRAG', { name: 'ip_frag', extraName: 'nw_frag', nBytes: 1, nBits: 2, maskable: true, string: S.FRAG,
  prereqs: P.IP_ANY, writable: false, nxm: codes('NXM_NX_IP_FRAG:26'), segments: [seg(0, W_NW, 0, 2)] });
def('ARP_OP', { name: 'arp_op', nBytes: 2, maskable: false, string: S.DECIMAL, prereqs: P.ARP, writable: true,
  nxm: codes('NXM_OF_ARP_OP:15', 'OXM_OF_ARP_OP:21@3'), segments: [seg(0, W_NW, 24, 8)] });
def('ARP_SPA', { name: 'arp_spa', nBytes: 4, maskable: true, string: S.IPV4, prereqs: P.ARP, writable: true,
  nxm: codes('NXM_OF_ARP_SPA:16', 'OXM_OF_ARP_SPA:22@3'), segments: words(W_IPV4_SRC, 1) });
def('ARP_TPA', { name: 'arp_tpa', nBytes: 4, maskable: true, string: S.IPV4, prereqs: P.ARP, writable: true,
  nxm: codes('NXM_OF_ARP_TPA:17', 'OXM_OF_ARP_TPA:23@3'), segments: words(W_IPV4_DST, 1) });
def('ARP_SHA', { name: 'arp_sha', nBytes: 6, maskable: true, string: S.ETHERNET, prereqs: P.ARP, writable: true,
  nxm: codes('NXM_NX_ARP_SHA:17', 'OXM_OF_ARP_SHA:24@3'), segments: mac(W_ARP_HI, 16, W_ARP_SHA) });
def('ARP_THA', { name: 'arp_tha', nBytes: 6, maskable: true, string: S.ETHERNET, prereqs: P.ARP, writable: true,
  nxm: codes('NXM_NX_ARP_THA:18', 'OXM_OF_ARP_THA:25@3'), segments: mac(W_ARP_HI, 0, W_ARP_THA) });

// L4.
def('TCP_SRC', { name: 'tcp_src', extraName: 'tp_src', nBytes: 2, maskable: true, string: S.DECIMAL,
  prereqs: P.TCP, writable: true, nxm: codes('NXM_OF_TCP_SRC:9', 'OXM_OF_TCP_SRC:13@3'),
  segments: [seg(0, W_TP, 16, 16)] });
def('TCP_DST', { name: 'tcp_dst', extraName: 'tp_dst', nBytes: 2, maskable: true, string: S.DECIMAL,
  prereqs: P.TCP, writable: true, nxm: codes('NXM_OF_TCP_DST:10', 'OXM_OF_TCP_DST:14@3'),
  segments: [seg(0, W_TP, 0, 16)] });
def('TCP_FLAGS', { name: 'tcp_flags', nBytes: 2, nBits: 12, maskable: true, string: S.TCP_FLAGS, prereqs: P.TCP,
  writable: false, nxm: codes('NXM_NX_TCP_FLAGS:34', 'ONFOXM_ET_TCP_FLAGS:42@4', 'OXM_OF_TCP_FLAGS:42@6'),
  segments: [seg(0, W_TCP_FLAGS, 0, 16)] });
def('UDP_SRC', { name: 'udp_src', nBytes: 2, maskable: true, string: S.DECIMAL, prereqs: P.UDP, writable: true,
  nxm: codes('NXM_OF_UDP_SRC:11', 'OXM_OF_UDP_SRC:15@3'), segments: [seg(0, W_TP, 16, 16)] });
def('UDP_DST', { name: 'udp_dst', nBytes: 2, maskable: true, string: S.DECIMAL, prereqs: P.UDP, writable: true,
  nxm: codes('NXM_OF_UDP_DST:12', 'OXM_OF_UDP_DST:16@3'), segments: [seg(0, W_TP, 0, 16)] });
def('SCTP_SRC', { name: 'sctp_src', nBytes: 2, maskable: true, string: S.DECIMAL, prereqs: P.SCTP, writable: true,
  nxm: codes('OXM_OF_SCTP_SRC:17@3'), segments: [seg(0, W_TP, 16, 16)] });
def('SCTP_DST', { name: 'sctp_dst', nBytes: 2, maskable: true, string: S.DECIMAL, prereqs: P.SCTP, writable: true,
  nxm: codes('OXM_OF_SCTP_DST:18@3'), segments: [seg(0, W_TP, 0, 16)] });
def('ICMPV4_TYPE', { name: 'icmp_type', nBytes: 1, maskable: false, string: S.DECIMAL, prereqs: P.ICMPV4,
  writable: true, nxm: codes('NXM_OF_ICMP_TYPE:13', 'OXM_OF_ICMPV4_TYPE:19@3'), segments: [seg(0, W_TP, 16, 16)] });
def('ICMPV4_CODE', { name: 'icmp_code', nBytes: 1, maskable: false, string: S.DECIMAL, prereqs: P.ICMPV4,
  writable: true, nxm: codes('NXM_OF_ICMP_CODE:14', 'OXM_OF_ICMPV4_CODE:20@3'), segments: [seg(0, W_TP, 0, 16)] });
def('ICMPV6_TYPE', { name: 'icmpv6_type', nBytes: 1, maskable: false, string: S.DECIMAL, prereqs: P.ICMPV6,
  writable: true, nxm: codes('NXM_NX_ICMPV6_TYPE:21', 'OXM_OF_ICMPV6_TYPE:29@3'),
  segments: [seg(0, W_TP, 16, 16)] });
def('ICMPV6_CODE', { name: 'icmpv6_code', nBytes: 1, maskable: false, string: S.DECIMAL, prereqs: P.ICMPV6,
  writable: true, nxm: codes('NXM_NX_ICMPV6_CODE:22', 'OXM_OF_ICMPV6_CODE:30@3'),
  segments: [seg(0, W_TP, 0, 16)] });
def('ND_TARGET', { name: 'nd_target', nBytes: 16, maskable: true, string: S.IPV6, prereqs: P.ND, writable: true,
  nxm: codes('NXM_NX_ND_TARGET:23', 'OXM_OF_IPV6_ND_TARGET:31@3'), segments: words(W_ND_TARGET, 4) });
def('ND_SLL', { name: 'nd_sll', nBytes: 6, maskable: true, string: S.ETHERNET, prereqs: P.ND_SOLICIT,
  writable: true, nxm: codes('NXM_NX_ND_SLL:24', 'OXM_OF_IPV6_ND_SLL:32@3'), segments: mac(W_ARP_HI, 16, W_ARP_SHA) });
def('ND_TLL', { name: 'nd_tll', nBytes: 6, maskable: true, string: S.ETHERNET, prereqs: P.ND_ADVERT,
  writable: true, nxm: codes('NXM_NX_ND_TLL:25', 'OXM_OF_IPV6_ND_TLL:33@3'), segments: mac(W_ARP_HI, 0, W_ARP_THA) });

function freeze(d: FieldDef, id: number): MfField {
  return Object.freeze({
    id,
    name: d.name,
    extraName: d.extraName ?? null,
    nBytes: d.nBytes,
    nBits: d.nBits ?? d.nBytes * 8,
    maskable: d.maskable,
    string: d.string,
    prereqs: d.prereqs ?? P.NONE,
    writable: d.writable,
    nxm: Object.freeze(d.nxm ?? []),
    segments: Object.freeze(d.segments),
  });
}

/** Every field, indexed by id. */
export const MF_FIELDS: readonly MfField[] = Object.freeze(defs.map(freeze));

/** Field ids by OVS-style key (MFF.ETH_SRC, MFF.REG0, ...). */
export const MFF = ids as Readonly<Record<string, number>> & {
  readonly DP_HASH: number; readonly RECIRC_ID: number; readonly CONJ_ID: number; readonly TUN_ID: number;
  readonly TUN_SRC: number; readonly TUN_DST: number; readonly TUN_IPV6_SRC: number; readonly TUN_IPV6_DST: number;
  readonly TUN_FLAGS: number; readonly TUN_TTL: number; readonly TUN_TOS: number; readonly TUN_GBP_ID: number;
  readonly TUN_GBP_FLAGS: number; readonly METADATA: number; readonly IN_PORT: number; readonly IN_PORT_OXM: number;
  readonly ACTSET_OUTPUT: number; readonly SKB_PRIORITY: number; readonly PKT_MARK: number; readonly CT_STATE: number;
  readonly CT_ZONE: number; readonly CT_MARK: number; readonly CT_LABEL: number; readonly REG0: number;
  readonly XREG0: number; readonly XXREG0: number; readonly ETH_SRC: number; readonly ETH_DST: number;
  readonly ETH_TYPE: number; readonly VLAN_TCI: number; readonly DL_VLAN: number; readonly VLAN_VID: number;
  readonly DL_VLAN_PCP: number; readonly VLAN_PCP: number; readonly MPLS_LABEL: number; readonly MPLS_TC: number;
  readonly MPLS_BOS: number; readonly MPLS_TTL: number; readonly IPV4_SRC: number; readonly IPV4_DST: number;
  readonly IPV6_SRC: number; readonly IPV6_DST: number; readonly IPV6_LABEL: number; readonly IP_PROTO: number;
  readonly IP_DSCP: number; readonly IP_DSCP_SHIFTED: number; readonly IP_ECN: number; readonly IP_TTL: number;
  readonly IP_FRAG: number; readonly ARP_OP: number; readonly ARP_SPA: number; readonly ARP_TPA: number;
  readonly ARP_SHA: number; readonly ARP_THA: number; readonly TCP_SRC: number; readonly TCP_DST: number;
  readonly TCP_FLAGS: number; readonly UDP_SRC: number; readonly UDP_DST: number; readonly SCTP_SRC: number;
  readonly SCTP_DST: number; readonly ICMPV4_TYPE: number; readonly ICMPV4_CODE: number; readonly ICMPV6_TYPE: number;
  readonly ICMPV6_CODE: number; readonly ND_TARGET: number; readonly ND_SLL: number; readonly ND_TLL: number;
};

/** The field with id `id`. */
export function mfFromId(id: number): MfField {
  const f = MF_FIELDS[id];
  if (!f) throw new RangeError(`no field ${id}`);
  return f;
}

const byName = new Map<string, MfField>();
const byNxmName = new Map<string, MfField>();
for (const f of MF_FIELDS) {
  byName.set(f.name, f);
  if (f.extraName) byName.set(f.extraName, f);
  for (const c of f.nxm) byNxmName.set(c.name, f);
}

/** Looks a field up by its name or alternative name (OVS's mf_from_name). */
export function mfFromName(name: string): MfField | null {
  return byName.get(name) ?? null;
}

/** Looks a field up by an NXM/OXM name such as "NXM_OF_ETH_SRC". */
export function mfFromNxmName(name: string): MfField | null {
  return byNxmName.get(name) ?? null;
}

/** The name OVS prints for `f` in subfield syntax: its NXM name, else its OXM name, else its name. */
export function mfSubfieldName(f: MfField): string {
  for (const c of f.nxm) if (c.cls === OXM_CLASS_NXM_OF || c.cls === OXM_CLASS_NXM_NX) return c.name;
  return f.nxm[0]?.name ?? f.name;
}

/** True if `f` has an NXM or OXM code point other than an experimenter one (OVS's mf_nxm_header != 0). */
export function mfHasNxmHeader(f: MfField): boolean {
  return f.nxm.some((c) => c.cls !== OXM_CLASS_EXPERIMENTER);
}

// --- bits of byte-array values -----------------------------------------------

/** Reads `n` (<= 32) bits at bit offset `ofs` (0 = least significant) of a big-endian byte array. */
export function getValueBits(v: Uint8Array, ofs: number, n: number): number {
  let r = 0;
  for (let i = n - 1; i >= 0; i--) {
    const bit = ofs + i;
    const byte = v.length - 1 - (bit >> 3);
    const b = byte >= 0 ? (v[byte]! >> (bit & 7)) & 1 : 0;
    r = r * 2 + b;
  }
  return r >>> 0;
}

/** Writes the low `n` (<= 32) bits of `x` at bit offset `ofs` of a big-endian byte array. */
export function setValueBits(v: Uint8Array, ofs: number, n: number, x: number): void {
  for (let i = 0; i < n; i++) {
    const bit = ofs + i;
    const byte = v.length - 1 - (bit >> 3);
    if (byte < 0) continue;
    const b = Math.floor(x / 2 ** i) & 1;
    if (b) v[byte] = v[byte]! | (1 << (bit & 7));
    else v[byte] = v[byte]! & ~(1 << (bit & 7));
  }
}

function wordBits(bits: number): number {
  return bits >= 32 ? 0xffffffff : ((1 << bits) - 1) >>> 0;
}

/** Reads the value of `f` from a FlowKey (or a mask in FlowKey layout) into `out` (f.nBytes bytes). */
export function mfGetValue(f: MfField, key: Uint32Array, out: Uint8Array = new Uint8Array(f.nBytes)): Uint8Array {
  out.fill(0);
  for (const s of f.segments) {
    const x = (key[s.word]! >>> s.shift) & wordBits(s.bits);
    setValueBits(out, s.fieldOfs, Math.min(s.bits, f.nBytes * 8 - s.fieldOfs), x >>> 0);
  }
  if (f.id === MFF.IN_PORT_OXM || f.id === MFF.ACTSET_OUTPUT) {
    // Stored as a 16-bit OpenFlow 1.0 port; the field holds the OpenFlow 1.1+ number.
    const p = getValueBits(out, 0, 16);
    const p11 = p < 0xff00 ? p : (p + 0xffff0000) >>> 0;
    setValueBits(out, 0, 32, p11);
  }
  return out;
}

/** Writes the storage bits of `f` in `key` from `value`, leaving other bits alone. */
export function mfPutValue(f: MfField, key: Uint32Array, value: Uint8Array): void {
  let v = value;
  if (f.id === MFF.IN_PORT_OXM || f.id === MFF.ACTSET_OUTPUT) {
    const p11 = getValueBits(value, 0, 32);
    const p = p11 < 0xff00 ? p11 : p11 >= 0xffffff00 ? (p11 - 0xffff0000) >>> 0 : 0;
    v = new Uint8Array(4);
    setValueBits(v, 0, 16, p);
  }
  for (const s of f.segments) {
    const m = (wordBits(s.bits) << s.shift) >>> 0;
    const x = getValueBits(v, s.fieldOfs, s.bits);
    key[s.word] = ((key[s.word]! & ~m) | ((x << s.shift) & m)) >>> 0;
  }
}

/** Sets every storage bit of `f` in `mask` (exact match of the whole field). */
export function mfMaskAll(f: MfField, mask: Uint32Array): void {
  for (const s of f.segments) mask[s.word] = (mask[s.word]! | (wordBits(s.bits) << s.shift)) >>> 0;
}

/** Clears every storage bit of `f` in `arr`. */
export function mfClearAll(f: MfField, arr: Uint32Array): void {
  for (const s of f.segments) arr[s.word] = (arr[s.word]! & ~(wordBits(s.bits) << s.shift)) >>> 0;
}

export function isAllOnes(v: Uint8Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0xff) return false;
  return true;
}

export function isAllZeros(v: Uint8Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

// --- subfields ----------------------------------------------------------------

/** A run of bits of a field (OVS's mf_subfield): bits [ofs, ofs + nBits) of `field`'s value. */
export interface MfSubfield {
  readonly field: MfField;
  readonly ofs: number;
  readonly nBits: number;
}

export function mfSubfieldEquals(a: MfSubfield, b: MfSubfield): boolean {
  return a.field === b.field && a.ofs === b.ofs && a.nBits === b.nBits;
}
