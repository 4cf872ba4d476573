/*
 * ICMPv4 (RFC 792): offsets and the types whose second word is id/sequence.
 */

import { ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST } from './constants.js';

export const ICMP_TYPE_OFS = 0;
export const ICMP_CODE_OFS = 1;
export const ICMP_CSUM_OFS = 2;
export const ICMP_ID_OFS = 4;
export const ICMP_SEQ_OFS = 6;

export const ICMP_TIMESTAMP = 13;
export const ICMP_TIMESTAMP_REPLY = 14;

/** Types whose bytes 4..7 are identifier and sequence number. */
export function icmpHasIdSeq(type: number): boolean {
  return type === ICMP_ECHO_REQUEST || type === ICMP_ECHO_REPLY || type === ICMP_TIMESTAMP || type === ICMP_TIMESTAMP_REPLY;
}
