/*
 * The attributes of the datapath (ODP) flow key text form, as numeric ids with their
 * OVS names.
 */

/**
 * ODP key attributes. src/datapath/actions.ts builds SetAttr from ids 1-15, so a set
 * action's attr is its key attribute's id.
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
