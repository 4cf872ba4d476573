/*
 * An OpenFlow match: a FlowKey-layout key and mask (key is kept masked). Field-level
 * operations follow OVS's match_set_* / mf_set semantics, including the special handling of
 * VLAN fields (dl_vlan sets the CFI bit, wildcarding the VID keeps a PCP match) and of the
 * TOS bits. Also the prerequisite checks (mf_are_prereqs_ok) and OpenFlow 1.0-style
 * normalization (drop fields whose prerequisites the match does not state).
 */

import {
  FLOW_WORDS,
  FRAG_LATER,
  MAX_MPLS_LABELS,
  W_MPLS0,
  W_ETH_TYPE,
  W_NW,
  W_TP,
  W_VLAN0,
  VLAN_CFI,
  VLAN_PCP_MASK,
  VLAN_VID_MASK,
} from './layout.js';
import {
  getValueBits,
  isAllOnes,
  isAllZeros,
  MF_FIELDS,
  MFF,
  mfClearAll,
  mfGetValue,
  mfMaskAll,
  mfPutValue,
  MfPrereq,
  type MfField,
} from './meta-flow.js';

export interface Match {
  readonly key: Uint32Array;
  readonly mask: Uint32Array;
}

export function newMatch(): Match {
  return { key: new Uint32Array(FLOW_WORDS), mask: new Uint32Array(FLOW_WORDS) };
}

export function cloneMatch(m: Match): Match {
  return { key: m.key.slice(), mask: m.mask.slice() };
}

export function matchEquals(a: Match, b: Match): boolean {
  for (let i = 0; i < FLOW_WORDS; i++) {
    if (a.key[i] !== b.key[i] || a.mask[i] !== b.mask[i]) return false;
  }
  return true;
}

/** True if the match wildcards everything. */
export function matchIsCatchall(m: Match): boolean {
  for (let i = 0; i < FLOW_WORDS; i++) if (m.mask[i] !== 0) return false;
  return true;
}

/** Re-establishes key == key & mask. */
export function matchZeroWildcarded(m: Match): void {
  for (let i = 0; i < FLOW_WORDS; i++) m.key[i] = (m.key[i]! & m.mask[i]!) >>> 0;
}

/** Current value and mask of a field in the match. */
export function matchGetField(m: Match, f: MfField): { value: Uint8Array; mask: Uint8Array } {
  return { value: mfGetValue(f, m.key), mask: mfGetValue(f, m.mask) };
}

// --- word-level helpers for the fields with special rules ---------------------------

function setBitsMasked(m: Match, word: number, bits: number, value: number, mask: number): void {
  // bits: which storage bits this operation owns; mask: which of them to match.
  m.mask[word] = ((m.mask[word]! & ~bits) | (mask & bits)) >>> 0;
  m.key[word] = ((m.key[word]! & ~bits) | (value & mask & bits)) >>> 0;
}

function tci(m: Match): { key: number; mask: number } {
  return { key: m.key[W_VLAN0]! & 0xffff, mask: m.mask[W_VLAN0]! & 0xffff };
}

function setTci(m: Match, key: number, mask: number): void {
  setBitsMasked(m, W_VLAN0, 0xffff, key, mask);
}

/** OVS's match_set_any_vid. */
function setAnyVid(m: Match): void {
  const t = tci(m);
  if (t.mask & VLAN_PCP_MASK) setTci(m, t.key & ~VLAN_VID_MASK, t.mask & ~VLAN_VID_MASK);
  else setTci(m, 0, 0);
}

/** OVS's match_set_any_pcp. */
function setAnyPcp(m: Match): void {
  const t = tci(m);
  if (t.mask & VLAN_VID_MASK) setTci(m, t.key & ~VLAN_PCP_MASK, t.mask & ~VLAN_PCP_MASK);
  else setTci(m, 0, 0);
}

/** OVS's match_set_dl_vlan: 0xffff (OFP10_VLAN_NONE) matches untagged packets. */
export function matchSetDlVlan(m: Match, vid: number): void {
  const t = tci(m);
  if (vid === 0xffff) {
    setTci(m, 0, 0xffff);
  } else {
    setTci(m, (t.key & ~VLAN_VID_MASK) | VLAN_CFI | (vid & VLAN_VID_MASK), t.mask | VLAN_VID_MASK | VLAN_CFI);
  }
}

/** OVS's match_set_vlan_vid_masked: `vid` is an OpenFlow 1.2 value (VID | 0x1000 present bit). */
export function matchSetVlanVidMasked(m: Match, vid: number, mask: number): void {
  const t = tci(m);
  const mk = mask & (VLAN_VID_MASK | VLAN_CFI);
  const key = (t.key & ~(VLAN_VID_MASK | VLAN_CFI)) | (vid & mk);
  setTci(m, key, mk | (t.mask & VLAN_PCP_MASK));
}

/** OVS's match_set_dl_vlan_pcp. */
export function matchSetDlVlanPcp(m: Match, pcp: number): void {
  const t = tci(m);
  setTci(m, (t.key & ~VLAN_PCP_MASK) | ((pcp & 7) << 13) | VLAN_CFI, t.mask | VLAN_CFI | VLAN_PCP_MASK);
}

/** Sets eth_type to an exact value. */
export function matchSetDlType(m: Match, type: number): void {
  setBitsMasked(m, W_ETH_TYPE, 0xffff, type, 0xffff);
}

/** Sets nw_proto to an exact value. */
export function matchSetNwProto(m: Match, proto: number): void {
  setBitsMasked(m, W_NW, 0xff000000, proto << 24, 0xff000000);
}

// --- setting fields (OVS's mf_set) -------------------------------------------------------

/**
 * Makes `m` match field `f` against `value` under `mask` (null = exact), with OVS's rules.
 * An all-zero mask wildcards the field.
 */
export function matchSetField(m: Match, f: MfField, value: Uint8Array, mask: Uint8Array | null): void {
  const exact = mask === null || isAllOnes(mask);
  const wild = !exact && isAllZeros(mask!);
  const id = f.id;
  if (id === MFF.DL_VLAN || id === MFF.VLAN_VID) {
    if (wild) setAnyVid(m);
    else if (id === MFF.DL_VLAN) matchSetDlVlan(m, getValueBits(value, 0, 16));
    else matchSetVlanVidMasked(m, getValueBits(value, 0, 16), exact ? 0xffff : getValueBits(mask!, 0, 16));
    return;
  }
  if (id === MFF.DL_VLAN_PCP || id === MFF.VLAN_PCP) {
    if (wild) setAnyPcp(m);
    else matchSetDlVlanPcp(m, value[0]!);
    return;
  }
  if (id === MFF.VLAN_TCI) {
    const v = getValueBits(value, 0, 16);
    const mk = exact ? 0xffff : getValueBits(mask!, 0, 16);
    setTci(m, v, mk);
    return;
  }
  if (id === MFF.IP_FRAG && !exact && !wild) {
    const mk = mask![0]! & 3;
    setBitsMasked(m, W_NW, 3, value[0]!, mk);
    return;
  }
  if (wild) {
    mfClearAll(f, m.key);
    mfClearAll(f, m.mask);
    return;
  }
  if (exact) {
    mfPutValue(f, m.key, value);
    mfMaskAll(f, m.mask);
    // Keep only the meaningful bits of fields narrower than their bytes (nw_tos, ip_frag...).
    maskKey(m, f);
    return;
  }
  mfPutValue(f, m.mask, mask!);
  mfPutValue(f, m.key, value);
  maskKey(m, f);
}

function maskKey(m: Match, f: MfField): void {
  for (const s of f.segments) m.key[s.word] = (m.key[s.word]! & (m.mask[s.word]! | ~segBits(s.shift, s.bits))) >>> 0;
}

function segBits(shift: number, bits: number): number {
  return ((bits >= 32 ? 0xffffffff : (1 << bits) - 1) << shift) >>> 0;
}

/** Wildcards field `f` (OVS's mf_set_wild). */
export function matchSetWild(m: Match, f: MfField): void {
  matchSetField(m, f, new Uint8Array(f.nBytes), new Uint8Array(f.nBytes));
}

// --- prerequisites ------------------------------------------------------------------------

function ethType(key: Uint32Array): number {
  return key[W_ETH_TYPE]! & 0xffff;
}

function isIpAny(key: Uint32Array): boolean {
  const t = ethType(key);
  return t === 0x0800 || t === 0x86dd;
}

function nwProto(key: Uint32Array): number {
  return key[W_NW]! >>> 24;
}

function unmask(wc: Uint32Array | undefined, word: number, bits: number): void {
  if (wc) wc[word] = (wc[word]! | bits) >>> 0;
}

/**
 * True if `key` meets the prerequisites of `f` (OVS's mf_are_prereqs_ok). When `wc` is given
 * the bits examined are set in it (for translation's wildcard tracking).
 */
export function mfArePrereqsOk(f: MfField, key: Uint32Array, wc?: Uint32Array): boolean {
  switch (f.prereqs) {
    case MfPrereq.NONE:
    case MfPrereq.ETHERNET:
      return true;
    case MfPrereq.ARP: {
      const t = ethType(key);
      return t === 0x0806 || t === 0x8035;
    }
    case MfPrereq.IPV4:
      return ethType(key) === 0x0800;
    case MfPrereq.IPV6:
      return ethType(key) === 0x86dd;
    case MfPrereq.VLAN_VID:
      unmask(wc, W_VLAN0, VLAN_CFI);
      return (key[W_VLAN0]! & VLAN_CFI) !== 0;
    case MfPrereq.MPLS: {
      const t = ethType(key);
      return t === 0x8847 || t === 0x8848;
    }
    case MfPrereq.IP_ANY:
      return isIpAny(key);
    case MfPrereq.TCP:
    case MfPrereq.UDP:
    case MfPrereq.SCTP: {
      const want = f.prereqs === MfPrereq.TCP ? 6 : f.prereqs === MfPrereq.UDP ? 17 : 132;
      if (!isIpAny(key)) return false;
      unmask(wc, W_NW, 0xff000000);
      return nwProto(key) === want && (key[W_NW]! & FRAG_LATER) === 0;
    }
    case MfPrereq.ICMPV4:
      if (ethType(key) !== 0x0800) return false;
      unmask(wc, W_NW, 0xff000000);
      return nwProto(key) === 1;
    case MfPrereq.ICMPV6:
      if (ethType(key) !== 0x86dd) return false;
      unmask(wc, W_NW, 0xff000000);
      return nwProto(key) === 58;
    case MfPrereq.ND:
    case MfPrereq.ND_SOLICIT:
    case MfPrereq.ND_ADVERT: {
      if (ethType(key) !== 0x86dd) return false;
      unmask(wc, W_NW, 0xff000000);
      if (nwProto(key) !== 58) return false;
      unmask(wc, W_TP, 0x0000ffff);
      if ((key[W_TP]! & 0xffff) !== 0) return false;
      unmask(wc, W_TP, 0xffff0000);
      const type = key[W_TP]! >>> 16;
      if (f.prereqs === MfPrereq.ND_SOLICIT) return type === 135;
      if (f.prereqs === MfPrereq.ND_ADVERT) return type === 136;
      return type === 135 || type === 136;
    }
  }
}

/** True if some storage bit of `f` is matched. */
export function matchHasField(m: Match, f: MfField): boolean {
  for (const s of f.segments) if ((m.mask[s.word]! & segBits(s.shift, s.bits)) !== 0) return true;
  return false;
}

/**
 * The first matched field whose prerequisites the match does not meet (the check an OpenFlow
 * switch makes with NXM/OXM, failing with OFPBMC_BAD_PREREQ), or null if all are met.
 * Fields sharing storage (tp_src as tcp_src/udp_src...) count as met if any alias is.
 */
export function matchFirstBadPrereq(m: Match): MfField | null {
  const checked = new Set<string>();
  for (const f of MF_FIELDS) {
    if (f.prereqs === MfPrereq.NONE || !matchHasField(m, f)) continue;
    const storage = STORAGE_KEY[f.id]!;
    if (checked.has(storage)) continue;
    if (!ALIASES.get(storage)!.some((g) => mfArePrereqsOk(g, m.key))) return f;
    checked.add(storage);
  }
  return null;
}

/** Fields grouped by the storage they share (tcp_src/udp_src/sctp_src/icmp_type, arp_spa/ip_src, ...). */
const STORAGE_KEY: readonly string[] = MF_FIELDS.map((f) => f.segments.map((s) => `${s.word}:${s.shift}:${s.bits}`).join(','));
const ALIASES = new Map<string, MfField[]>();
for (const f of MF_FIELDS) {
  const k = STORAGE_KEY[f.id]!;
  const list = ALIASES.get(k);
  if (list) list.push(f);
  else ALIASES.set(k, [f]);
}

/**
 * OpenFlow 1.0-style normalization (OVS's ofputil_normalize_match): wildcards L3/L4 fields
 * that the match's eth_type / nw_proto make meaningless. Returns true if anything changed.
 */
export function matchNormalize(m: Match): boolean {
  const before = m.mask.slice();
  const t = ethType(m.key) & (m.mask[W_ETH_TYPE]! & 0xffff);
  const proto = nwProto(m.key);
  const MAY_NW_ADDR = 1, MAY_TP_ADDR = 2, MAY_NW_PROTO = 4, MAY_IPVX = 8, MAY_ARP_SHA = 16, MAY_ARP_THA = 32;
  const MAY_IPV6 = 64, MAY_ND_TARGET = 128, MAY_MPLS = 256;
  let may = 0;
  if (t === 0x0800) {
    may |= MAY_NW_PROTO | MAY_IPVX | MAY_NW_ADDR;
    if (proto === 6 || proto === 17 || proto === 132 || proto === 1) may |= MAY_TP_ADDR;
  } else if (t === 0x86dd) {
    may |= MAY_NW_PROTO | MAY_IPVX | MAY_IPV6;
    if (proto === 6 || proto === 17 || proto === 132) may |= MAY_TP_ADDR;
    else if (proto === 58) {
      may |= MAY_TP_ADDR;
      const type = m.key[W_TP]! >>> 16;
      if (type === 135) may |= MAY_ND_TARGET | MAY_ARP_SHA;
      else if (type === 136) may |= MAY_ND_TARGET | MAY_ARP_THA;
    }
  } else if (t === 0x0806 || t === 0x8035) {
    may |= MAY_NW_PROTO | MAY_NW_ADDR | MAY_ARP_SHA | MAY_ARP_THA;
  } else if (t === 0x8847 || t === 0x8848) {
    may |= MAY_MPLS;
  }
  const clear = (id: number): void => mfClearAll(MF_FIELDS[id]!, m.mask);
  if (!(may & MAY_NW_ADDR)) {
    clear(MFF.IPV4_SRC);
    clear(MFF.IPV4_DST);
  }
  if (!(may & MAY_TP_ADDR)) {
    clear(MFF.TCP_SRC);
    clear(MFF.TCP_DST);
  }
  if (!(may & MAY_NW_PROTO)) clear(MFF.IP_PROTO);
  if (!(may & MAY_IPVX)) {
    m.mask[W_NW] = (m.mask[W_NW]! & ~0x00ffff00) >>> 0; // nw_tos and nw_ttl
  }
  if (!(may & MAY_ARP_SHA)) clear(MFF.ARP_SHA);
  if (!(may & MAY_ARP_THA)) clear(MFF.ARP_THA);
  if (!(may & MAY_IPV6)) {
    clear(MFF.IPV6_SRC);
    clear(MFF.IPV6_DST);
    clear(MFF.IPV6_LABEL);
  }
  if (!(may & MAY_ND_TARGET)) clear(MFF.ND_TARGET);
  if (!(may & MAY_MPLS)) {
    for (let i = 0; i < MAX_MPLS_LABELS; i++) m.mask[W_MPLS0 + i] = 0;
  }
  let changed = false;
  for (let i = 0; i < FLOW_WORDS; i++) if (before[i] !== m.mask[i]) changed = true;
  if (changed) matchZeroWildcarded(m);
  return changed;
}
