/*
 * Protocol numbers and header sizes shared by the parsers, builders, flow extraction and
 * the action executor.
 */

export const ETH_HEADER_LEN = 14;
export const ETH_ADDR_LEN = 6;
export const VLAN_HEADER_LEN = 4;
export const MPLS_HEADER_LEN = 4;
export const ARP_ETH_IPV4_LEN = 28;
export const IPV4_HEADER_MIN_LEN = 20;
export const IPV6_HEADER_LEN = 40;
export const TCP_HEADER_MIN_LEN = 20;
export const UDP_HEADER_LEN = 8;
export const SCTP_HEADER_LEN = 12;
export const ICMP_HEADER_LEN = 8;
export const ICMPV6_HEADER_LEN = 4;
export const VXLAN_HEADER_LEN = 8;
export const GENEVE_HEADER_LEN = 8;

/** Smallest value of the type/length field that is an Ethertype (below: 802.3 length). */
export const ETH_TYPE_MIN = 0x0600;
/** OVS's FLOW_DL_TYPE_NONE: the eth_type of a frame with no Ethertype (802.2 LLC). */
export const ETH_TYPE_NONE = 0x05ff;

export const ETH_TYPE_IPV4 = 0x0800;
export const ETH_TYPE_ARP = 0x0806;
export const ETH_TYPE_RARP = 0x8035;
export const ETH_TYPE_VLAN = 0x8100; // 802.1Q
export const ETH_TYPE_VLAN_8021AD = 0x88a8; // 802.1ad (QinQ S-tag)
export const ETH_TYPE_IPV6 = 0x86dd;
export const ETH_TYPE_MPLS = 0x8847;
export const ETH_TYPE_MPLS_MCAST = 0x8848;
export const ETH_TYPE_LLDP = 0x88cc;
export const ETH_TYPE_TEB = 0x6558; // transparent Ethernet bridging (Geneve/GRE payload)

export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_IGMP = 2;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_GRE = 47;
export const IPPROTO_ESP = 50;
export const IPPROTO_AH = 51;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_NONE = 59;
export const IPPROTO_DSTOPTS = 60;
export const IPPROTO_SCTP = 132;
export const IPPROTO_MH = 135; // mobility header

export const ARP_HTYPE_ETH = 1;
export const ARP_OP_REQUEST = 1;
export const ARP_OP_REPLY = 2;

export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_ECHO_REQUEST = 8;
export const ICMP_TIME_EXCEEDED = 11;

export const ICMPV6_ECHO_REQUEST = 128;
export const ICMPV6_ECHO_REPLY = 129;
export const ND_ROUTER_SOLICIT = 133;
export const ND_ROUTER_ADVERT = 134;
export const ND_NEIGHBOR_SOLICIT = 135;
export const ND_NEIGHBOR_ADVERT = 136;
export const ND_OPT_SOURCE_LINKADDR = 1;
export const ND_OPT_TARGET_LINKADDR = 2;

/** TCP flag bits as they sit in the low 12 bits of the flags/offset word. */
export const TCP_FIN = 0x001;
export const TCP_SYN = 0x002;
export const TCP_RST = 0x004;
export const TCP_PSH = 0x008;
export const TCP_ACK = 0x010;
export const TCP_URG = 0x020;
export const TCP_ECE = 0x040;
export const TCP_CWR = 0x080;
export const TCP_NS = 0x100;

/** IPv4 fragment bits in the flags/offset field. */
export const IP_DF = 0x4000;
export const IP_MF = 0x2000;
export const IP_FRAG_OFF_MASK = 0x1fff;

export const VXLAN_DEFAULT_PORT = 4789;
export const GENEVE_DEFAULT_PORT = 6081;
