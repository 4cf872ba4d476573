/*
 * The attributes of the datapath (ODP) flow key text form, as numeric ids with their
 * OVS names, and for the attributes a set action can write, the FlowKey bits the
 * attribute covers (what a non-masked set writes).
 */

import {
  FLOW_WORDS,
  FRAG_MASK,
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
  W_TP,
  W_TUN_DST,
  W_TUN_GBP,
  W_TUN_ID,
  W_TUN_IPV6_DST,
  W_TUN_IPV6_SRC,
  W_TUN_MISC,
  W_TUN_SRC,
  W_TUN_TP,
} from './layout.js';

/**
 * ODP key attributes. Ids 1-15 equal SetAttr's (src/datapath/actions.ts) so a set
 * action's attr converts directly.
 */
export const OdpAttr = {
  PRIORITY: 1,
  SKB_MARK: 2,
  TUNNEL: 3,
  ETH: 4,
  MPLS: 5,
  IPV4: 6,
  IPV6: 7,
  TCP: 8,
  UDP: 9,
  SCTP: 10,
  ICMP: 11,
  ICMPV6: 12,
  ARP: 13,
  ND: 14,
  CT_STATE: 15,
  CT_ZONE: 16,
  CT_MARK: 17,
  CT_LABEL: 18,
  RECIRC_ID: 19,
  DP_HASH: 20,
  IN_PORT: 21,
  ETH_TYPE: 22,
  VLAN: 23,
  ENCAP: 24,
  TCP_FLAGS: 25,
  PACKET_TYPE: 26,
} as const;
export type OdpAttr = (typeof OdpAttr)[keyof typeof OdpAttr];

/** Text names, as OVS prints them. */
export const ODP_ATTR_NAME: Readonly<Record<OdpAttr, string>> = {
  [OdpAttr.PRIORITY]: 'skb_priority',
  [OdpAttr.SKB_MARK]: 'skb_mark',
  [OdpAttr.TUNNEL]: 'tunnel',
  [OdpAttr.ETH]: 'eth',
  [OdpAttr.MPLS]: 'mpls',
  [OdpAttr.IPV4]: 'ipv4',
  [OdpAttr.IPV6]: 'ipv6',
  [OdpAttr.TCP]: 'tcp',
  [OdpAttr.UDP]: 'udp',
  [OdpAttr.SCTP]: 'sctp',
  [OdpAttr.ICMP]: 'icmp',
  [OdpAttr.ICMPV6]: 'icmpv6',
  [OdpAttr.ARP]: 'arp',
  [OdpAttr.ND]: 'nd',
  [OdpAttr.CT_STATE]: 'ct_state',
  [OdpAttr.CT_ZONE]: 'ct_zone',
  [OdpAttr.CT_MARK]: 'ct_mark',
  [OdpAttr.CT_LABEL]: 'ct_label',
  [OdpAttr.RECIRC_ID]: 'recirc_id',
  [OdpAttr.DP_HASH]: 'dp_hash',
  [OdpAttr.IN_PORT]: 'in_port',
  [OdpAttr.ETH_TYPE]: 'eth_type',
  [OdpAttr.VLAN]: 'vlan',
  [OdpAttr.ENCAP]: 'encap',
  [OdpAttr.TCP_FLAGS]: 'tcp_flags',
  [OdpAttr.PACKET_TYPE]: 'packet_type',
};

/** Name -> attribute id. */
export const ODP_ATTR_BY_NAME: ReadonlyMap<string, OdpAttr> = new Map(
  (Object.entries(ODP_ATTR_NAME) as [string, string][]).map(([id, name]) => [name, Number(id) as OdpAttr]),
);

const ALL = 0xffffffff;

function fullMaskOf(attr: OdpAttr): Uint32Array {
  const m = new Uint32Array(FLOW_WORDS);
  const fill = (w: number, n: number): void => {
    for (let i = 0; i < n; i++) m[w + i] = ALL;
  };
  switch (attr) {
    case OdpAttr.PRIORITY:
      fill(W_SKB_PRIORITY, 1);
      break;
    case OdpAttr.SKB_MARK:
      fill(W_SKB_MARK, 1);
      break;
    case OdpAttr.RECIRC_ID:
      fill(W_RECIRC_ID, 1);
      break;
    case OdpAttr.DP_HASH:
      fill(W_DP_HASH, 1);
      break;
    case OdpAttr.IN_PORT:
      fill(W_IN_PORT, 1);
      break;
    case OdpAttr.CT_STATE:
      m[W_CT] = 0xff;
      break;
    case OdpAttr.CT_ZONE:
      m[W_CT] = 0xffff0000;
      break;
    case OdpAttr.CT_MARK:
      fill(W_CT_MARK, 1);
      break;
    case OdpAttr.CT_LABEL:
      fill(W_CT_LABEL, 4);
      break;
    case OdpAttr.TUNNEL:
      fill(W_TUN_ID, 2);
      fill(W_TUN_SRC, 1);
      fill(W_TUN_DST, 1);
      fill(W_TUN_IPV6_SRC, 4);
      fill(W_TUN_IPV6_DST, 4);
      m[W_TUN_MISC] = 0xffff000f;
      fill(W_TUN_TP, 1);
      m[W_TUN_GBP] = 0xffffff00;
      break;
    case OdpAttr.ETH:
      fill(W_ETH_HI, 1);
      fill(W_ETH_DST, 1);
      fill(W_ETH_SRC, 1);
      break;
    case OdpAttr.MPLS:
      fill(W_MPLS0, 1);
      break;
    case OdpAttr.IPV4:
      fill(W_IPV4_SRC, 1);
      fill(W_IPV4_DST, 1);
      m[W_NW] = 0xffffff00 | FRAG_MASK;
      break;
    case OdpAttr.IPV6:
      fill(W_IPV6_SRC, 4);
      fill(W_IPV6_DST, 4);
      m[W_IPV6_LABEL] = 0x000fffff;
      m[W_NW] = 0xffffff00 | FRAG_MASK;
      break;
    case OdpAttr.TCP:
    case OdpAttr.UDP:
    case OdpAttr.SCTP:
      fill(W_TP, 1);
      break;
    case OdpAttr.ICMP:
    case OdpAttr.ICMPV6:
      m[W_TP] = 0x00ff00ff;
      break;
    case OdpAttr.ARP:
      fill(W_IPV4_SRC, 1);
      fill(W_IPV4_DST, 1);
      m[W_NW] = 0xff000000;
      fill(W_ARP_HI, 1);
      fill(W_ARP_SHA, 1);
      fill(W_ARP_THA, 1);
      break;
    case OdpAttr.ND:
      fill(W_ND_TARGET, 4);
      fill(W_ARP_HI, 1);
      fill(W_ARP_SHA, 1);
      fill(W_ARP_THA, 1);
      break;
    default:
      break;
  }
  return m;
}

const FULL_MASKS = new Map<OdpAttr, Uint32Array>();

/**
 * The FlowKey bits attribute `attr` covers: the mask of a non-masked set action of that
 * attribute (the tunnel's tos/ttl/flags, gbp and the ICMP type/code are packed: see
 * layout.ts). Returns a shared array: do not modify it.
 */
export function dpAttrFullMask(attr: OdpAttr): Uint32Array {
  let m = FULL_MASKS.get(attr);
  if (m === undefined) {
    m = fullMaskOf(attr);
    FULL_MASKS.set(attr, m);
  }
  return m;
}
