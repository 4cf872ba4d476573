/*
 * IPv6 header (RFC 8200) and its extension headers: offsets, option types, fragment
 * header fields, and which next-header values are extension headers.
 */

import {
  IPPROTO_AH,
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_HOPOPTS,
  IPPROTO_ROUTING,
} from './constants.js';

export const IPV6_VTC_FLOW_OFS = 0;
export const IPV6_PLEN_OFS = 4;
export const IPV6_NEXT_OFS = 6;
export const IPV6_HLIM_OFS = 7;
export const IPV6_SRC_OFS = 8;
export const IPV6_DST_OFS = 24;

export const IPV6_FLOW_LABEL_MASK = 0x000fffff;

/** Hop-by-hop / destination option types. */
export const IP6OPT_PAD1 = 0;
export const IP6OPT_PADN = 1;
export const IP6OPT_ROUTER_ALERT = 5;
export const IP6OPT_JUMBO = 0xc2;

/** Fragment header: next(1) reserved(1) offset:13|res:2|M:1 (2) identification(4). */
export const IPV6_FRAG_HEADER_LEN = 8;
export const IPV6_FRAG_OFF_OFS = 2;
export const IPV6_FRAG_ID_OFS = 4;
export const IPV6_FRAG_MF = 0x0001;
export const IPV6_FRAG_OFF_MASK = 0xfff8;

/** Routing header types. */
export const IPV6_RT_TYPE0 = 0;
export const IPV6_RT_TYPE2 = 2;
export const IPV6_RT_SRH = 4;

/** True for the extension headers OVS walks over (not the mobility header, as lib/flow.c). */
export function isIpv6ExtHeader(nh: number): boolean {
  return (
    nh === IPPROTO_HOPOPTS ||
    nh === IPPROTO_ROUTING ||
    nh === IPPROTO_FRAGMENT ||
    nh === IPPROTO_DSTOPTS ||
    nh === IPPROTO_AH
  );
}

/** Length in bytes of the extension header of type `nh` at `ofs` (caller checks 2 bytes are there). */
export function ipv6ExtHeaderLen(buf: Uint8Array, ofs: number, nh: number): number {
  if (nh === IPPROTO_FRAGMENT) return IPV6_FRAG_HEADER_LEN;
  if (nh === IPPROTO_AH) return (buf[ofs + 1]! + 2) * 4;
  return (buf[ofs + 1]! + 1) * 8;
}
