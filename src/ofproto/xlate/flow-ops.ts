/*
 * Flow edits that translation and commit share (OVS lib/flow.c): VLAN header counting,
 * push and pop, MPLS label stack counting, push and pop, each optionally recording in a
 * wildcard mask the bits it had to look at. All work on FlowKey words in place.
 */
import {
  DP_KEY_WORDS,
  MAX_MPLS_LABELS,
  MAX_VLAN_HEADERS,
  NW_TOS_SHIFT,
  NW_TTL_SHIFT,
  VLAN_CFI,
  W_DP_HASH,
  W_ETH_TYPE,
  W_IPV4_SRC,
  W_MPLS0,
  W_NW,
  W_VLAN0,
} from '../../flow/layout.js';
import { ETH_TYPE_IPV4, ETH_TYPE_IPV6, ETH_TYPE_MPLS, ETH_TYPE_MPLS_MCAST } from '../../packet/constants.js';

export const MPLS_LABEL_MASK = 0xfffff000;
export const MPLS_LABEL_SHIFT = 12;
export const MPLS_TC_MASK = 0x00000e00;
export const MPLS_TC_SHIFT = 9;
export const MPLS_BOS_MASK = 0x00000100;
export const MPLS_TTL_MASK = 0x000000ff;

/** IP DSCP / ECN bits of nw_tos. */
export const IP_DSCP_MASK = 0xfc;
export const IP_ECN_MASK = 0x03;

export function ethType(flow: Uint32Array): number {
  return flow[W_ETH_TYPE]! & 0xffff;
}

export function isIpAny(flow: Uint32Array): boolean {
  const t = flow[W_ETH_TYPE]! & 0xffff;
  return t === ETH_TYPE_IPV4 || t === ETH_TYPE_IPV6;
}

export function isMplsEthType(t: number): boolean {
  return t === ETH_TYPE_MPLS || t === ETH_TYPE_MPLS_MCAST;
}

export function isVlanTpid(t: number): boolean {
  return t === 0x8100 || t === 0x88a8;
}

/** Number of VLAN headers present (tags with the CFI/present bit), outermost first. */
export function countVlanHeaders(flow: Uint32Array): number {
  let i = 0;
  for (; i < MAX_VLAN_HEADERS; i++) if (!(flow[W_VLAN0 + i]! & VLAN_CFI)) break;
  return i;
}

/** Removes the outermost VLAN header (OVS flow_pop_vlan). */
export function popVlan(flow: Uint32Array, wc: Uint32Array | null): void {
  const n = countVlanHeaders(flow);
  if (n > 1) {
    if (wc) for (let i = 1; i < n; i++) wc[W_VLAN0 + i] = 0xffffffff;
    for (let i = 0; i < n - 1; i++) flow[W_VLAN0 + i] = flow[W_VLAN0 + i + 1]!;
  }
  if (n > 0) flow[W_VLAN0 + n - 1] = 0;
}

/** Makes room for a new outermost VLAN header, left zero (OVS flow_push_vlan_uninit). */
export function pushVlanUninit(flow: Uint32Array, wc: Uint32Array | null): void {
  if (wc) {
    const n = countVlanHeaders(flow);
    for (let i = 0; i < n; i++) wc[W_VLAN0 + i] = 0xffffffff;
  }
  for (let i = MAX_VLAN_HEADERS - 1; i > 0; i--) flow[W_VLAN0 + i] = flow[W_VLAN0 + i - 1]!;
  flow[W_VLAN0] = 0;
}

/** Number of MPLS label stack entries (OVS flow_count_mpls_labels). */
export function countMplsLabels(flow: Uint32Array, wc: Uint32Array | null): number {
  if (!isMplsEthType(ethType(flow))) return 0;
  let cnt = 0;
  for (let i = 0; i < MAX_MPLS_LABELS; i++) {
    if (wc) wc[W_MPLS0 + i] = (wc[W_MPLS0 + i]! | MPLS_BOS_MASK) >>> 0;
    const lse = flow[W_MPLS0 + i]!;
    if (lse & MPLS_BOS_MASK) return i + 1;
    if (lse) cnt++;
  }
  return cnt;
}

/** Number of LSEs, counted from the innermost, that `a` and `b` share. */
export function countCommonMplsLabels(a: Uint32Array, an: number, b: Uint32Array, bn: number, wc: Uint32Array | null): number {
  const minN = Math.min(an, bn);
  let common = 0;
  for (let i = 0; i < minN; i++) {
    if (wc) {
      wc[W_MPLS0 + an - 1 - i] = 0xffffffff;
      wc[W_MPLS0 + bn - 1 - i] = 0xffffffff;
    }
    if (a[W_MPLS0 + an - 1 - i] !== b[W_MPLS0 + bn - 1 - i]) break;
    common++;
  }
  return common;
}

export function mplsLse(ttl: number, tc: number, bos: number, label: number): number {
  return ((label << MPLS_LABEL_SHIFT) | ((tc & 7) << MPLS_TC_SHIFT) | ((bos & 1) << 8) | (ttl & 0xff)) >>> 0;
}

/**
 * Pushes a new outermost MPLS label (OVS flow_push_mpls). `n` = countMplsLabels(flow),
 * less than MAX_MPLS_LABELS. With clearL3, L3/L4 fields and dp_hash are zeroed.
 */
export function pushMpls(flow: Uint32Array, n: number, mplsEthType: number, wc: Uint32Array | null, clearL3: boolean): void {
  if (n) {
    if (wc) for (let i = 0; i < n; i++) wc[W_MPLS0 + i] = 0xffffffff;
    for (let i = n; i >= 1; i--) flow[W_MPLS0 + i] = flow[W_MPLS0 + i - 1]!;
    flow[W_MPLS0] = (flow[W_MPLS0 + 1]! & ~MPLS_BOS_MASK) >>> 0;
  } else {
    let label = 0;
    let tc = 0;
    let ttl = 64;
    if (ethType(flow) === ETH_TYPE_IPV6) label = 2;
    if (isIpAny(flow)) {
      const tos = (flow[W_NW]! >>> NW_TOS_SHIFT) & 0xff;
      const t = (flow[W_NW]! >>> NW_TTL_SHIFT) & 0xff;
      tc = (tos & IP_DSCP_MASK) >>> 2;
      if (wc) wc[W_NW] = (wc[W_NW]! | (IP_DSCP_MASK << NW_TOS_SHIFT) | (0xff << NW_TTL_SHIFT)) >>> 0;
      if (t) ttl = t;
    }
    flow[W_MPLS0] = mplsLse(ttl, tc, 1, label);
    if (clearL3) {
      for (let w = W_IPV4_SRC; w < DP_KEY_WORDS; w++) flow[w] = 0;
      flow[W_DP_HASH] = 0;
    }
  }
  flow[W_ETH_TYPE] = ((flow[W_ETH_TYPE]! & 0xffff0000) | mplsEthType) >>> 0;
}

/** Pops the outermost MPLS label (OVS flow_pop_mpls); false if it cannot. */
export function popMpls(flow: Uint32Array, n: number, newEthType: number, wc: Uint32Array | null): boolean {
  if (n === 0) return false;
  if (n === MAX_MPLS_LABELS) {
    if (wc) wc[W_MPLS0 + n - 1] = (wc[W_MPLS0 + n - 1]! | MPLS_BOS_MASK) >>> 0;
    if (!(flow[W_MPLS0 + n - 1]! & MPLS_BOS_MASK)) return false;
  }
  if (wc) for (let i = 1; i < n; i++) wc[W_MPLS0 + i] = 0xffffffff;
  for (let i = 1; i < n; i++) flow[W_MPLS0 + i - 1] = flow[W_MPLS0 + i]!;
  flow[W_MPLS0 + n - 1] = 0;
  flow[W_ETH_TYPE] = ((flow[W_ETH_TYPE]! & 0xffff0000) | newEthType) >>> 0;
  return true;
}
