/*
 * IPv4 header (RFC 791): field offsets, option types, header checksum.
 */

import { foldSum, get16, internetChecksum, onesSum, put16 } from './checksum.js';
import { IP_FRAG_OFF_MASK, IP_MF } from './constants.js';

export const IPV4_VER_IHL_OFS = 0;
export const IPV4_TOS_OFS = 1;
export const IPV4_TOT_LEN_OFS = 2;
export const IPV4_ID_OFS = 4;
export const IPV4_FRAG_OFS = 6;
export const IPV4_TTL_OFS = 8;
export const IPV4_PROTO_OFS = 9;
export const IPV4_CSUM_OFS = 10;
export const IPV4_SRC_OFS = 12;
export const IPV4_DST_OFS = 16;

export const IPOPT_END = 0;
export const IPOPT_NOP = 1;
export const IPOPT_RR = 7;
export const IPOPT_TS = 68;
export const IPOPT_LSRR = 131;
export const IPOPT_SSRR = 137;
export const IPOPT_RA = 148;

/** Header length in bytes from the IHL field. */
export function ipv4HeaderLen(buf: Uint8Array, l3: number): number {
  return (buf[l3]! & 0x0f) * 4;
}

/** Checksum the header at `l3` should carry (its checksum field counted as zero). */
export function ipv4HeaderChecksum(buf: Uint8Array, l3: number): number {
  const hl = ipv4HeaderLen(buf, l3);
  return ~foldSum(onesSum(buf, l3, IPV4_CSUM_OFS) + onesSum(buf, l3 + IPV4_SRC_OFS, hl - IPV4_SRC_OFS)) & 0xffff;
}

/** Compute and store the header checksum of the IPv4 header at `l3`. */
export function setIpv4Checksum(buf: Uint8Array, l3: number): void {
  put16(buf, l3 + IPV4_CSUM_OFS, 0);
  put16(buf, l3 + IPV4_CSUM_OFS, internetChecksum(buf, l3, ipv4HeaderLen(buf, l3)));
}

/** True for any fragment (MF set or non-zero offset). */
export function ipv4IsFragment(buf: Uint8Array, l3: number): boolean {
  return (get16(buf, l3 + IPV4_FRAG_OFS) & (IP_MF | IP_FRAG_OFF_MASK)) !== 0;
}

/** True for a fragment that is not the first one (its L4 header is elsewhere). */
export function ipv4IsLaterFragment(buf: Uint8Array, l3: number): boolean {
  return (get16(buf, l3 + IPV4_FRAG_OFS) & IP_FRAG_OFF_MASK) !== 0;
}
