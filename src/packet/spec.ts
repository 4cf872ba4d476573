/*
 * FrameSpec: the plain-object description of a frame that buildFrame() turns into bytes.
 * Every field has a default, so tests write only what matters to them. Addresses may be
 * text or numbers (MAC: 48-bit number, IPv4: 32-bit number, IPv6: four network-order words).
 */

export type MacLike = string | number;
export type Ip4Like = string | number;
export type Ip6Like = string | ArrayLike<number>;
export type BytesLike = Uint8Array | readonly number[];

export interface EthSpec {
  /** Default 00:00:00:00:00:02. */
  dst?: MacLike;
  /** Default 00:00:00:00:00:01. */
  src?: MacLike;
  /** Ethertype (or 802.3 length); default from the next layer (0x88b5 "local experimental" if none). */
  type?: number;
}

export interface VlanSpec {
  /** Default 0x8100 for the innermost tag, 0x88a8 for outer tags when there are several. */
  tpid?: number;
  vid: number;
  pcp?: number;
  dei?: boolean;
}

export interface MplsSpec {
  label: number;
  tc?: number;
  /** Default 64. */
  ttl?: number;
  /** Default: set on the last entry only. */
  bos?: boolean;
}

export interface ArpSpec {
  /** Default 1 (request). */
  op?: number;
  htype?: number;
  ptype?: number;
  sha?: MacLike;
  spa?: Ip4Like;
  tha?: MacLike;
  tpa?: Ip4Like;
}

export interface Ipv4OptionSpec {
  /** Option type; 0 (end) and 1 (nop) are single bytes, the rest type/length/data. */
  type: number;
  data?: BytesLike;
}

export interface Ipv4Spec {
  /** Default 10.0.0.1. */
  src?: Ip4Like;
  /** Default 10.0.0.2. */
  dst?: Ip4Like;
  /** Whole TOS byte; or dscp/ecn separately. */
  tos?: number;
  dscp?: number;
  ecn?: number;
  /** Default 64. */
  ttl?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  /** Fragment offset in 8-byte units, as on the wire. */
  fragOffset?: number;
  /** Protocol; default from the L4 spec (0xfd "experimental" if none). */
  proto?: number;
  options?: Ipv4OptionSpec[];
  /** Raw option bytes (padded with zeros to a multiple of 4); used instead of `options`. */
  rawOptions?: BytesLike;
  /** Overrides for malformed-frame tests. */
  ihl?: number;
  totalLen?: number;
  checksum?: number;
  version?: number;
}

export interface Ipv6OptionSpec {
  type: number;
  data?: BytesLike;
}

export type Ipv6ExtSpec =
  | { kind: 'hop' | 'dst'; options?: Ipv6OptionSpec[] }
  | {
      kind: 'routing';
      /** Default 0. Type 4 (SRH) writes last-entry/flags/tag before the addresses. */
      routingType?: number;
      segmentsLeft?: number;
      addresses?: Ip6Like[];
    }
  | { kind: 'fragment'; /** 8-byte units. */ offset?: number; mf?: boolean; id?: number };

export interface Ipv6Spec {
  /** Default fe80::1. */
  src?: Ip6Like;
  /** Default fe80::2. */
  dst?: Ip6Like;
  /** Traffic class byte. */
  tc?: number;
  flowLabel?: number;
  /** Default 64. */
  hopLimit?: number;
  ext?: Ipv6ExtSpec[];
  /** Next header after the last extension header; default from the L4 spec (59 "no next header" if none). */
  proto?: number;
  /** Overrides for malformed-frame tests. */
  payloadLen?: number;
  version?: number;
}

export interface TcpSpec {
  /** Default 1234. */
  src?: number;
  /** Default 80. */
  dst?: number;
  seq?: number;
  ack?: number;
  /** Bits (TCP_SYN | TCP_ACK) or text ("syn|ack", "SA"). Default ACK. */
  flags?: number | string;
  /** Default 65535. */
  window?: number;
  urgent?: number;
  /** Option bytes, padded with zeros (EOL) to a multiple of 4. */
  options?: BytesLike;
  checksum?: number;
  /** Data offset override (32-bit words). */
  dataOffset?: number;
}

export interface VxlanSpec {
  vni: number;
  gbpId?: number;
  gbpFlags?: number;
}

export interface GeneveOptionSpec {
  cls: number;
  type: number;
  /** Padded with zeros to a multiple of 4. */
  data?: BytesLike;
}

export interface GeneveSpec {
  vni: number;
  /** Default 0x6558 (Ethernet). */
  proto?: number;
  /** GENEVE_FLAG_OAM / GENEVE_FLAG_CRITICAL. */
  flags?: number;
  options?: GeneveOptionSpec[];
}

export interface UdpSpec {
  /** Default 1234. */
  src?: number;
  /** Default 5678, or 4789 / 6081 with vxlan / geneve. */
  dst?: number;
  /** A fixed value; 0 means "no checksum" over IPv4. Default: computed. */
  checksum?: number;
  length?: number;
  /** A VXLAN or Geneve header placed before the payload (the payload is then the inner frame). */
  vxlan?: VxlanSpec;
  geneve?: GeneveSpec;
}

export interface SctpChunkSpec {
  type: number;
  flags?: number;
  /** Chunk value (after the 4-byte chunk header); padded to a multiple of 4 on the wire. */
  data?: BytesLike;
}

export interface SctpSpec {
  src?: number;
  dst?: number;
  vtag?: number;
  /** Chunks; when absent the payload (if any) goes in one DATA chunk value. */
  chunks?: SctpChunkSpec[];
  checksum?: number;
}

export interface IcmpSpec {
  /** Default 8 (echo request). */
  type?: number;
  code?: number;
  id?: number;
  seq?: number;
  /** Bytes 4..7 as one 32-bit value (overrides id/seq). */
  rest?: number;
  checksum?: number;
}

export interface NdOptionSpec {
  /** ND_OPT_SOURCE_LINKADDR (1), ND_OPT_TARGET_LINKADDR (2), ... */
  type: number;
  /** For link-layer address options. */
  mac?: MacLike;
  /** Raw option body (after type and length); padded so the option is a multiple of 8 bytes. */
  data?: BytesLike;
}

export interface NdSpec {
  /** NS/NA/redirect target address. */
  target?: Ip6Like;
  /** Redirect destination address. */
  dest?: Ip6Like;
  /** NA flags word (ND_NA_ROUTER | ...), or the booleans below. */
  flags?: number;
  router?: boolean;
  solicited?: boolean;
  override?: boolean;
  /** Shortcuts for the source / target link-layer address options (written before `options`). */
  sll?: MacLike;
  tll?: MacLike;
  options?: NdOptionSpec[];
}

export interface Icmpv6Spec {
  /** Default 128 (echo request). */
  type?: number;
  code?: number;
  id?: number;
  seq?: number;
  /** Bytes 4..7 for non-echo, non-ND types. */
  rest?: number;
  /** ND body for types 133..137. */
  nd?: NdSpec;
  checksum?: number;
}

export interface FrameSpec {
  eth?: EthSpec;
  /** Outermost first. */
  vlans?: VlanSpec[];
  /** Outermost first. */
  mpls?: MplsSpec[];
  arp?: ArpSpec;
  ipv4?: Ipv4Spec;
  ipv6?: Ipv6Spec;
  tcp?: TcpSpec;
  udp?: UdpSpec;
  sctp?: SctpSpec;
  icmp?: IcmpSpec;
  icmpv6?: Icmpv6Spec;
  payload?: BytesLike;
  /** Payload of this many bytes (i & 0xff), when `payload` is absent. */
  payloadLen?: number;
  /** Pad the frame with zeros to 60 bytes (minimum Ethernet frame without FCS). */
  padTo60?: boolean;
}
