/*
 * MPLS label stack entry (RFC 3032): label:20, TC:3, bottom-of-stack:1, TTL:8, in one
 * 32-bit big-endian word.
 */

import { ETH_TYPE_MPLS, ETH_TYPE_MPLS_MCAST } from './constants.js';

export const MPLS_LABEL_SHIFT = 12;
export const MPLS_LABEL_MASK = 0xfffff000;
export const MPLS_TC_SHIFT = 9;
export const MPLS_TC_MASK = 0x00000e00;
export const MPLS_BOS = 0x00000100;
export const MPLS_TTL_MASK = 0x000000ff;

export function isMplsEthType(t: number): boolean {
  return t === ETH_TYPE_MPLS || t === ETH_TYPE_MPLS_MCAST;
}

export function makeLse(label: number, tc = 0, bos = true, ttl = 64): number {
  return (((label & 0xfffff) << MPLS_LABEL_SHIFT) | ((tc & 7) << MPLS_TC_SHIFT) | (bos ? MPLS_BOS : 0) | (ttl & 0xff)) >>> 0;
}

export function lseLabel(lse: number): number {
  return lse >>> MPLS_LABEL_SHIFT;
}

export function lseTc(lse: number): number {
  return (lse >>> MPLS_TC_SHIFT) & 7;
}

export function lseBos(lse: number): boolean {
  return (lse & MPLS_BOS) !== 0;
}

export function lseTtl(lse: number): number {
  return lse & MPLS_TTL_MASK;
}
