/*
 * ParsedFrame: the plain-object tree parseFrame() returns. Addresses are text (MAC
 * "aa:bb:..", IPv4 dotted quad, IPv6 RFC 5952); byte fields are views into the input.
 */

export interface ParsedEth {
  dst: string;
  src: string;
  /** The Ethertype after any VLAN tags (and LLC/SNAP); 0x05ff (ETH_TYPE_NONE) for plain 802.3. */
  type: number;
}

export interface ParsedLlc {
  /** The 802.3 length field. */
  length: number;
  dsap: number;
  ssap: number;
  control: number;
  /** Present for SNAP (dsap = ssap = 0xaa, control 3). */
  snap?: { oui: number; type: number };
}

export interface ParsedVlan {
  tpid: number;
  tci: number;
  vid: number;
  pcp: number;
  dei: boolean;
}

export interface ParsedMpls {
  label: number;
  tc: number;
  bos: boolean;
  ttl: number;
}

export interface ParsedArp {
  htype: number;
  ptype: number;
  hlen: number;
  plen: number;
  op: number;
  /** Addresses: set only for Ethernet/IPv4 ARP (hlen 6, plen 4), else ''. */
  sha: string;
  spa: string;
  tha: string;
  tpa: string;
}

/** An IPv4 option, IPv6 hop-by-hop / destination option or TCP option. */
export interface ParsedOption {
  type: number;
  /** Total length in bytes (1 for single-byte options). */
  len: number;
  data: Uint8Array;
}

export interface ParsedIpv4 {
  version: number;
  ihl: number;
  headerLen: number;
  tos: number;
  dscp: number;
  ecn: number;
  totalLen: number;
  id: number;
  df: boolean;
  mf: boolean;
  /** In 8-byte units, as on the wire. */
  fragOffset: number;
  ttl: number;
  proto: number;
  checksum: number;
  src: string;
  dst: string;
  options: ParsedOption[];
}

export interface ParsedIpv6Ext {
  /** Protocol number of this header (0 hop-by-hop, 43 routing, 44 fragment, 60 dest opts, 51 AH). */
  type: number;
  nextHeader: number;
  /** Length in bytes. */
  len: number;
  /** Hop-by-hop and destination options. */
  options?: ParsedOption[];
  routingType?: number;
  segmentsLeft?: number;
  /** Routing types 0, 2 and 4 (SRH). */
  addresses?: string[];
  /** Fragment header: offset in 8-byte units, more-fragments bit, identification. */
  fragOffset?: number;
  mf?: boolean;
  id?: number;
}

export interface ParsedIpv6 {
  version: number;
  tc: number;
  dscp: number;
  ecn: number;
  flowLabel: number;
  payloadLen: number;
  nextHeader: number;
  hopLimit: number;
  src: string;
  dst: string;
  ext: ParsedIpv6Ext[];
  /** Upper-layer protocol after the extension headers. */
  proto: number;
  fragment?: { offset: number; mf: boolean; id: number };
  /** Destination used by the L4 pseudo-header (last routing address when segments are left). */
  finalDst: string;
  finalDstOfs: number;
}

export interface ParsedTcp {
  kind: 'tcp';
  src: number;
  dst: number;
  seq: number;
  ack: number;
  dataOffset: number;
  headerLen: number;
  /** 12 flag bits. */
  flags: number;
  /** "syn|ack" as OVS prints them. */
  flagsText: string;
  window: number;
  checksum: number;
  urgent: number;
  options: ParsedOption[];
}

export interface ParsedVxlan {
  flags: number;
  vni: number;
  gbpId: number;
  gbpFlags: number;
  inner: ParsedFrame;
}

export interface ParsedGeneveOption {
  cls: number;
  type: number;
  critical: boolean;
  data: Uint8Array;
}

export interface ParsedGeneve {
  version: number;
  optLen: number;
  oam: boolean;
  critical: boolean;
  proto: number;
  vni: number;
  options: ParsedGeneveOption[];
  /** Present when proto is 0x6558 (Ethernet). */
  inner?: ParsedFrame;
}

export interface ParsedUdp {
  kind: 'udp';
  src: number;
  dst: number;
  length: number;
  checksum: number;
  /** Decoded when the destination port is 4789 / 6081. */
  vxlan?: ParsedVxlan;
  geneve?: ParsedGeneve;
}

export interface ParsedSctpChunk {
  type: number;
  flags: number;
  length: number;
}

export interface ParsedSctp {
  kind: 'sctp';
  src: number;
  dst: number;
  vtag: number;
  checksum: number;
  chunks: ParsedSctpChunk[];
}

export interface ParsedIcmp {
  kind: 'icmp';
  type: number;
  code: number;
  checksum: number;
  /** Bytes 4..7 as one number. */
  rest: number;
  /** Echo and timestamp messages. */
  id?: number;
  seq?: number;
}

export interface ParsedNdOption {
  type: number;
  /** Length in bytes (the wire field times 8). */
  len: number;
  data: Uint8Array;
  /** Link-layer address options (types 1 and 2) of length 8. */
  mac?: string;
}

export interface ParsedNd {
  target?: string;
  dest?: string;
  /** NA flags word (bits ND_NA_*). */
  flags: number;
  router: boolean;
  solicited: boolean;
  override: boolean;
  options: ParsedNdOption[];
  /** First source / target link-layer address option. */
  sll?: string;
  tll?: string;
}

export interface ParsedIcmpv6 {
  kind: 'icmpv6';
  type: number;
  code: number;
  checksum: number;
  rest: number;
  id?: number;
  seq?: number;
  /** Types 133..137. */
  nd?: ParsedNd;
}

export type ParsedL4 = ParsedTcp | ParsedUdp | ParsedSctp | ParsedIcmp | ParsedIcmpv6;

/** OVS's nw_frag: not a fragment, first fragment, later fragment. */
export type FragKind = 'no' | 'first' | 'later';

export interface ParsedOffsets {
  /** Start of the MPLS stack, of L3, of L4, of the payload; -1 when absent. */
  l2_5: number;
  l3: number;
  l4: number;
  payload: number;
  /** End of the L3 packet (the IP total length); trailing bytes after it are padding. */
  l3End: number;
}

export interface ParsedFrame {
  len: number;
  eth?: ParsedEth;
  llc?: ParsedLlc;
  vlans: ParsedVlan[];
  mpls: ParsedMpls[];
  arp?: ParsedArp;
  ipv4?: ParsedIpv4;
  ipv6?: ParsedIpv6;
  frag: FragKind;
  /** The same object as the matching field below. */
  l4?: ParsedL4;
  tcp?: ParsedTcp;
  udp?: ParsedUdp;
  sctp?: ParsedSctp;
  icmp?: ParsedIcmp;
  icmpv6?: ParsedIcmpv6;
  /** Bytes after the last parsed header, up to the end of the L3 packet. */
  payload: Uint8Array;
  /** Bytes after the end of the L3 packet (Ethernet padding). */
  padding: number;
  offsets: ParsedOffsets;
  /** Truncation and malformation found; the fields above hold what could be read. */
  errors: string[];
}
