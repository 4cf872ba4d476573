/*
 * ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861): offsets, NA flags, ND option
 * types and where each ND message's options start.
 */

import {
  ICMPV6_ECHO_REPLY,
  ICMPV6_ECHO_REQUEST,
  ND_NEIGHBOR_ADVERT,
  ND_NEIGHBOR_SOLICIT,
  ND_ROUTER_ADVERT,
  ND_ROUTER_SOLICIT,
} from './constants.js';

export const ICMPV6_TYPE_OFS = 0;
export const ICMPV6_CODE_OFS = 1;
export const ICMPV6_CSUM_OFS = 2;
export const ICMPV6_ID_OFS = 4;
export const ICMPV6_SEQ_OFS = 6;

export const ND_REDIRECT = 137;

/** NS/NA: reserved-or-flags word at 4, target address at 8, options at 24. */
export const ND_FLAGS_OFS = 4;
export const ND_TARGET_OFS = 8;
export const ND_NS_NA_OPTS_OFS = 24;

/** Neighbor Advertisement flag bits (in the 32-bit word at ND_FLAGS_OFS). */
export const ND_NA_ROUTER = 0x80000000;
export const ND_NA_SOLICITED = 0x40000000;
export const ND_NA_OVERRIDE = 0x20000000;

export const ND_OPT_PREFIX_INFO = 3;
export const ND_OPT_REDIRECTED_HEADER = 4;
export const ND_OPT_MTU = 5;

export function icmpv6IsEcho(type: number): boolean {
  return type === ICMPV6_ECHO_REQUEST || type === ICMPV6_ECHO_REPLY;
}

/** True for NS and NA, the ND messages OVS extracts a target and link-layer address from. */
export function isNdNsNa(type: number, code: number): boolean {
  return code === 0 && (type === ND_NEIGHBOR_SOLICIT || type === ND_NEIGHBOR_ADVERT);
}

/** Offset of the options within an ND message of this type, or -1 if it is not an ND message. */
export function ndOptionsOffset(type: number): number {
  switch (type) {
    case ND_ROUTER_SOLICIT:
      return 8;
    case ND_ROUTER_ADVERT:
      return 16;
    case ND_NEIGHBOR_SOLICIT:
    case ND_NEIGHBOR_ADVERT:
      return ND_NS_NA_OPTS_OFS;
    case ND_REDIRECT:
      return 40;
    default:
      return -1;
  }
}

/** Solicited-node multicast address ff02::1:ffXX:XXXX for the IPv6 address in `words` (4 words). */
export function solicitedNodeMulticast(words: ArrayLike<number>): Uint32Array {
  return Uint32Array.of(0xff020000, 0, 1, (0xff000000 | (words[3]! & 0xffffff)) >>> 0);
}

/** Ethernet multicast MAC 33:33:xx:xx:xx:xx for an IPv6 multicast address (4 words). */
export function ipv6MulticastMac(words: ArrayLike<number>): number {
  return 0x3333 * 0x100000000 + (words[3]! >>> 0);
}
