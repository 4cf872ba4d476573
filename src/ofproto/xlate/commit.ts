/*
 * Turning flow changes into datapath actions (OVS commit_odp_actions in lib/odp-util.c).
 * Translation edits `flow` freely; `base` is what the packet in the datapath looks like
 * so far. Before anything that emits the packet, commit() appends the set / masked set,
 * push/pop VLAN and push/pop MPLS actions that turn `base` into `flow`, in OVS's order
 * (Ethernet, MPLS pop, L3, L4, ICMP, MPLS, VLAN, priority, mark), and records in `wc`
 * the bits those actions depend on.
 */
import type { DpAction, SetAttr } from '../../datapath/actions.js';
import { DpActionType, SetAttr as A } from '../../datapath/actions.js';
import { SET_ATTR_FIELDS } from '../../datapath/set-fields.js';
import {
  FLOW_WORDS,
  MAX_VLAN_HEADERS,
  W_MPLS0,
  W_NW,
  W_TP,
  W_VLAN0,
} from '../../flow/layout.js';
import {
  ETH_TYPE_ARP,
  ETH_TYPE_IPV4,
  ETH_TYPE_IPV6,
  ETH_TYPE_MPLS,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
} from '../../packet/constants.js';
import {
  countCommonMplsLabels,
  countMplsLabels,
  countVlanHeaders,
  ethType,
  isIpAny,
  isMplsEthType,
  popMpls,
  pushMpls,
} from './flow-ops.js';

/** Slow-path reasons (OVS enum slow_path_reason bits). */
export const SLOW_CFM = 1 << 0;
export const SLOW_BFD = 1 << 1;
export const SLOW_LACP = 1 << 2;
export const SLOW_STP = 1 << 3;
export const SLOW_LLDP = 1 << 4;
export const SLOW_ACTION = 1 << 5;
export const SLOW_MATCH = 1 << 6;

const ALL = 0xffffffff;

interface AttrDesc {
  readonly attr: SetAttr;
  /** (word, bit mask) parts of all fields, flattened: [w0, m0, w1, m1, ...]. */
  readonly parts: Int32Array;
  /** Index in `parts` where each field ends. */
  readonly fieldEnd: Int32Array;
  /** Per part: the bits the datapath cannot write (never part of a masked set). */
  readonly readOnly: Int32Array;
}

/** The commit form of an attribute's fields (src/datapath/set-fields.ts's table). */
function desc(attr: SetAttr): AttrDesc {
  const parts: number[] = [];
  const ends: number[] = [];
  const ro: number[] = [];
  for (const fl of SET_ATTR_FIELDS[attr]!) {
    for (const [w, m] of fl.parts) {
      parts.push(w, m | 0);
      ro.push(fl.writable ? 0 : m | 0);
    }
    ends.push(parts.length);
  }
  return { attr, parts: Int32Array.from(parts), fieldEnd: Int32Array.from(ends), readOnly: Int32Array.from(ro) };
}

const ETH = desc(A.ETH);
const IPV4 = desc(A.IPV4);
const IPV6 = desc(A.IPV6);
const TCP = desc(A.TCP);
const UDP = desc(A.UDP);
const SCTP = desc(A.SCTP);
const ICMP = desc(A.ICMP);
const ICMPV6 = desc(A.ICMPV6);
const ARP = desc(A.ARP);
const ND = desc(A.ND);
const PRIORITY = desc(A.PRIORITY);
const SKB_MARK = desc(A.SKB_MARK);

/**
 * OVS commit(): if `flow` and `base` differ in `d`, appends a set (or masked set) action,
 * makes `base` equal to `flow` there and ORs the bits the action relies on into `wc`.
 */
function commitAttr(d: AttrDesc, flow: Uint32Array, base: Uint32Array, wc: Uint32Array, out: DpAction[], useMasked: boolean): boolean {
  const parts = d.parts;
  const n = parts.length;
  // Fast path: nothing to do unless some bit of the attribute differs.
  let i = 0;
  for (; i < n; i += 2) if (((flow[parts[i]!]! ^ base[parts[i]!]!) & parts[i + 1]!) !== 0) break;
  if (i === n) return false;

  // Mask: what translation read or wrote, minus read-only bits, only for fields that
  // differ (plus every bit that changed, recorded or not).
  const mask = new Uint32Array(FLOW_WORDS);
  let p = 0;
  for (let f = 0; f < d.fieldEnd.length; f++) {
    const e = d.fieldEnd[f]!;
    let same = true;
    for (let j = p; j < e; j += 2) if (((flow[parts[j]!]! ^ base[parts[j]!]!) & parts[j + 1]!) !== 0) same = false;
    if (!same) {
      for (let j = p; j < e; j += 2) {
        const w = parts[j]!;
        const m = parts[j + 1]!;
        const bits = ((wc[w]! & ~d.readOnly[j >> 1]!) | (flow[w]! ^ base[w]!)) & m;
        mask[w] = (mask[w]! | bits) >>> 0;
      }
    }
    p = e;
  }
  let fully = true;
  for (let j = 0; j < n; j += 2) if (((mask[parts[j]!]! & parts[j + 1]!) | 0) !== parts[j + 1]) fully = false;
  const key = new Uint32Array(FLOW_WORDS);
  if (useMasked && !fully) {
    for (let j = 0; j < n; j += 2) {
      const w = parts[j]!;
      key[w] = (key[w]! | (flow[w]! & mask[w]! & parts[j + 1]!)) >>> 0;
    }
    out.push({ type: DpActionType.SET_MASKED, attr: d.attr, key, mask });
  } else {
    for (let j = 0; j < n; j += 2) {
      const w = parts[j]!;
      const m = parts[j + 1]!;
      mask[w] = (mask[w]! | m) >>> 0;
      key[w] = (key[w]! | (flow[w]! & m)) >>> 0;
    }
    out.push({ type: DpActionType.SET, attr: d.attr, key, mask });
  }
  for (let j = 0; j < n; j += 2) {
    const w = parts[j]!;
    const m = parts[j + 1]!;
    base[w] = ((base[w]! & ~m) | (flow[w]! & m)) >>> 0;
    wc[w] = (wc[w]! | (mask[w]! & m)) >>> 0;
  }
  return true;
}

const nwProto = (k: Uint32Array): number => k[W_NW]! >>> 24;

function commitNw(flow: Uint32Array, base: Uint32Array, wc: Uint32Array, out: DpAction[], useMasked: boolean): number {
  if (!nwProto(flow)) return 0;
  switch (ethType(base)) {
    case ETH_TYPE_IPV4:
      commitAttr(IPV4, flow, base, wc, out, useMasked);
      return 0;
    case ETH_TYPE_IPV6:
      commitAttr(IPV6, flow, base, wc, out, useMasked);
      if (nwProto(base) === IPPROTO_ICMPV6 && commitAttr(ND, flow, base, wc, out, useMasked)) return SLOW_ACTION;
      return 0;
    case ETH_TYPE_ARP:
      return commitAttr(ARP, flow, base, wc, out, true) ? SLOW_ACTION : 0;
  }
  return 0;
}

function commitPorts(flow: Uint32Array, base: Uint32Array, wc: Uint32Array, out: DpAction[], useMasked: boolean): void {
  const p = nwProto(flow);
  if (!p || !isIpAny(base)) return;
  const d = p === IPPROTO_TCP ? TCP : p === IPPROTO_UDP ? UDP : p === IPPROTO_SCTP ? SCTP : null;
  if (d) commitAttr(d, flow, base, wc, out, useMasked);
}

function commitIcmp(flow: Uint32Array, base: Uint32Array, wc: Uint32Array, out: DpAction[]): number {
  const t = ethType(flow);
  const p = nwProto(flow);
  let d: AttrDesc | null = null;
  if (t === ETH_TYPE_IPV4 && p === IPPROTO_ICMP) d = ICMP;
  else if (t === ETH_TYPE_IPV6 && p === IPPROTO_ICMPV6) d = ICMPV6;
  if (!d || !commitAttr(d, flow, base, wc, out, false)) return 0;
  // OVS copies the 8-bit ICMP key mask back into the 16-bit tp_src / tp_dst masks
  // (put_icmp_key): the high bytes, even ones a match set, end up wildcarded.
  wc[W_TP] = (wc[W_TP]! & 0x00ff00ff) >>> 0;
  return SLOW_ACTION;
}

/** OVS commit_mpls_action (wildcarding was done when the MPLS actions were translated). */
export function commitMpls(flow: Uint32Array, base: Uint32Array, out: DpAction[]): void {
  let baseN = countMplsLabels(base, null);
  const flowN = countMplsLabels(flow, null);
  let commonN = countCommonMplsLabels(flow, flowN, base, baseN, null);
  while (baseN > commonN) {
    if (baseN - 1 === commonN && flowN > commonN) {
      // Rewrite the top LSE of base in place.
      const lse = flow[W_MPLS0 + flowN - baseN]!;
      const key = new Uint32Array(FLOW_WORDS);
      const mask = new Uint32Array(FLOW_WORDS);
      key[W_MPLS0] = lse;
      mask[W_MPLS0] = ALL;
      out.push({ type: DpActionType.SET, attr: A.MPLS, key, mask });
      base[W_MPLS0] = lse;
      commonN++;
    } else {
      const fType = ethType(flow);
      const dlType = !isMplsEthType(fType) && baseN > 1 ? ETH_TYPE_MPLS : fType;
      out.push({ type: DpActionType.POP_MPLS, ethertype: dlType });
      popMpls(base, baseN, fType, null);
      baseN--;
    }
  }
  while (baseN < flowN) {
    const lse = flow[W_MPLS0 + flowN - baseN - 1]!;
    out.push({ type: DpActionType.PUSH_MPLS, ethertype: ethType(flow), lse });
    pushMpls(base, baseN, ethType(flow), null, false);
    base[W_MPLS0] = lse;
    baseN++;
  }
}

/** OVS commit_vlan_action: pop base's VLANs that differ, push flow's. */
function commitVlan(flow: Uint32Array, base: Uint32Array, wc: Uint32Array, out: DpAction[]): void {
  let bn = countVlanHeaders(base) - 1;
  let fn = countVlanHeaders(flow) - 1;
  for (; bn >= 0 && fn >= 0; bn--, fn--) if (base[W_VLAN0 + bn] !== flow[W_VLAN0 + fn]) break;
  for (; bn >= 0; bn--) {
    out.push({ type: DpActionType.POP_VLAN });
    wc[W_VLAN0 + bn] = ALL;
  }
  for (; fn >= 0; fn--) {
    const q = flow[W_VLAN0 + fn]!;
    out.push({ type: DpActionType.PUSH_VLAN, tpid: q >>> 16, tci: q & 0xffff });
  }
  for (let i = 0; i < MAX_VLAN_HEADERS; i++) base[W_VLAN0 + i] = flow[W_VLAN0 + i]!;
}

/**
 * Appends to `out` the datapath actions that turn `base` into `flow`, updates `base`,
 * and un-wildcards in `wc` what they depend on. Returns slow-path reasons (SLOW_ACTION
 * when a header with no fast-path set action, such as ARP, had to change).
 */
export function commitOdpActions(flow: Uint32Array, base: Uint32Array, wc: Uint32Array, out: DpAction[], useMasked = true): number {
  commitAttr(ETH, flow, base, wc, out, useMasked);
  let mplsDone = false;
  if (isMplsEthType(ethType(base)) && !isMplsEthType(ethType(flow))) {
    commitMpls(flow, base, out);
    mplsDone = true;
  }
  const slow1 = commitNw(flow, base, wc, out, useMasked);
  commitPorts(flow, base, wc, out, useMasked);
  const slow2 = commitIcmp(flow, base, wc, out);
  if (!mplsDone) commitMpls(flow, base, out);
  commitVlan(flow, base, wc, out);
  commitAttr(PRIORITY, flow, base, wc, out, useMasked);
  commitAttr(SKB_MARK, flow, base, wc, out, useMasked);
  return slow1 || slow2;
}

