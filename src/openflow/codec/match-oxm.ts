/*
 * NXM and OXM TLVs (OVS lib/nx-match.c): headers, single entries (for set_field, reg_load2,
 * learn, reg_move...) and whole matches over the FlowKey layout, using the field table in
 * src/flow/meta-flow.ts. Decoding follows OVS's checks and errors (OFPBMC_BAD_LEN,
 * BAD_FIELD, BAD_WILDCARDS, BAD_MASK, BAD_VALUE, BAD_PREREQ, DUP_FIELD, BAD_TYPE); encoding
 * emits entries in OVS's order (nx_put_raw) with the header OVS prefers for each version.
 *
 * A header is (class:16, field:7, hasmask:1, length:8), followed for the experimenter class
 * (0xffff) by a 32-bit experimenter id that counts in the length.
 */

import { FRAG_MASK, W_ETH_TYPE, W_NW, W_TP, W_VLAN0 } from '../../flow/layout.js';
import { matchHasField, matchSetField, mfArePrereqsOk, newMatch, type Match } from '../../flow/match.js';
import {
  getValueBits,
  isAllOnes,
  isAllZeros,
  MF_FIELDS,
  MFF,
  OXM_CLASS_EXPERIMENTER,
  type MfField,
  type NxmCode,
} from '../../flow/meta-flow.js';
import { portFromOfp11 } from '../../flow/ofp-port.js';
import { fail, Reader, roundUp, Writer } from './bytes.js';
import { OFP15_VERSION } from './constants.js';

/** A parsed header. */
export interface OxmHeader {
  readonly cls: number;
  readonly field: number;
  readonly hasMask: boolean;
  /** Payload length (value + mask), experimenter id excluded. */
  readonly payloadLen: number;
  readonly experimenter: number;
}

interface CodeEntry {
  readonly mf: MfField;
  readonly code: NxmCode;
}

const byHeader = new Map<string, CodeEntry>();
for (const mf of MF_FIELDS) {
  for (const code of mf.nxm) byHeader.set(headerKey(code.cls, code.field, code.experimenter), { mf, code });
}

function headerKey(cls: number, field: number, exp: number): string {
  return cls === OXM_CLASS_EXPERIMENTER ? `${cls}:${field}:${exp >>> 0}` : `${cls}:${field}`;
}

/** NXM_NX_COOKIE pseudo-field (flow-mod and flow-stats matches only). */
const COOKIE_CLASS = 0x0001;
const COOKIE_FIELD = 30;
/** OXM_OF_PACKET_TYPE: only the Ethernet packet type (0) is supported. */
const PACKET_TYPE_CLASS = 0x8000;
const PACKET_TYPE_FIELD = 44;

/** Reads a header (4 or 8 bytes). Truncation or a length shorter than the experimenter id: OFPBMC_BAD_LEN. */
export function pullOxmHeader(r: Reader): OxmHeader {
  r.need(4, 'OFPBMC_BAD_LEN');
  const h = r.u32();
  const cls = h >>> 16;
  const field = (h >>> 9) & 0x7f;
  const hasMask = ((h >>> 8) & 1) === 1;
  let len = h & 0xff;
  let experimenter = 0;
  if (cls === OXM_CLASS_EXPERIMENTER) {
    r.need(4, 'OFPBMC_BAD_LEN');
    experimenter = r.u32();
    if (len < 4) fail('OFPBMC_BAD_LEN', `experimenter OXM length ${len} < 4`);
    len -= 4;
  }
  return { cls, field, hasMask, payloadLen: len, experimenter };
}

/**
 * The field a header names, or null if unknown. OVS requires the length to equal the field's
 * width (twice it when masked).
 */
export function fieldOfHeader(h: OxmHeader): MfField | null {
  const e = byHeader.get(headerKey(h.cls, h.field, h.experimenter));
  if (!e) return null;
  const width = h.hasMask ? h.payloadLen >> 1 : h.payloadLen;
  return width === e.mf.nBytes && (!h.hasMask || (h.payloadLen & 1) === 0) ? e.mf : null;
}

/** True if the header names a known field but with a length that does not fit it. */
function knownWithBadLen(h: OxmHeader): boolean {
  return byHeader.has(headerKey(h.cls, h.field, h.experimenter)) && fieldOfHeader(h) === null;
}

/** The code point OVS uses for `f` in `version` (0 = NXM): the last listed one the version has. */
export function codeFor(f: MfField, version: number): NxmCode | null {
  let c: NxmCode | null = null;
  for (const code of f.nxm) if (c === null || version >= code.version) c = code;
  return c;
}

/** The 32-bit NXM header of `f` (unmasked), or 0 if it only has an experimenter code. */
export function nxmHeader32(f: MfField): number {
  const c = codeFor(f, 0);
  if (!c || c.cls === OXM_CLASS_EXPERIMENTER) return 0;
  return ((c.cls << 16) | (c.field << 9) | f.nBytes) >>> 0;
}

/** The field of a 32-bit NXM header (as in reg_load's dst), or null. */
export function fieldOfNxmHeader32(h: number): MfField | null {
  const cls = h >>> 16;
  if (cls === OXM_CLASS_EXPERIMENTER) return null;
  return fieldOfHeader({ cls, field: (h >>> 9) & 0x7f, hasMask: ((h >>> 8) & 1) === 1, payloadLen: h & 0xff, experimenter: 0 });
}

/** Writes the header of `f` for `version` (0 = NXM) with room for `nBytes` of value (and a mask when masked). */
export function putOxmHeader(w: Writer, f: MfField, version: number, masked: boolean, nBytes = f.nBytes): void {
  const c = codeFor(f, version);
  if (!c) throw new RangeError(`field ${f.name} has no NXM/OXM code`);
  putRawHeader(w, c.cls, c.field, c.experimenter, masked, nBytes);
}

function putRawHeader(w: Writer, cls: number, field: number, exp: number, masked: boolean, nBytes: number): void {
  const isExp = cls === OXM_CLASS_EXPERIMENTER;
  const len = (masked ? 2 * nBytes : nBytes) + (isExp ? 4 : 0);
  w.u32(((cls << 16) | (field << 9) | (masked ? 0x100 : 0) | len) >>> 0);
  if (isExp) w.u32(exp);
}

/** True if `f` can be written by an encoder (has some code point). */
export function hasCode(f: MfField): boolean {
  return f.nxm.length > 0;
}

/** Writes a whole entry; `mask` null or all-ones = exact. */
export function putOxmEntry(w: Writer, f: MfField, version: number, value: Uint8Array, mask: Uint8Array | null): void {
  const masked = mask !== null && !isAllOnes(mask);
  putOxmHeader(w, f, version, masked);
  w.bytes(value);
  if (masked) w.bytes(mask!);
}

export interface OxmEntry {
  readonly field: MfField;
  readonly value: Uint8Array;
  /** null when the entry had no mask. */
  readonly mask: Uint8Array | null;
}

/**
 * Reads one entry for an action (set_field, reg_load2, learn...). Unknown headers fail with
 * OFPBAC_BAD_SET_TYPE (or OFPBAC_BAD_SET_LEN for a known field with a wrong length); a mask
 * where none is allowed with OFPBMC_BAD_MASK.
 */
export function pullActionEntry(r: Reader, allowMask: boolean): OxmEntry {
  const h = pullOxmHeader(r);
  const f = fieldOfHeader(h);
  if (!f) fail(knownWithBadLen(h) && h.payloadLen > 0 ? 'OFPBAC_BAD_SET_LEN' : 'OFPBAC_BAD_SET_TYPE');
  return pullPayload(r, h, f, allowMask);
}

function pullPayload(r: Reader, h: OxmHeader, f: MfField, allowMask: boolean): OxmEntry {
  r.need(h.payloadLen, 'OFPBMC_BAD_LEN');
  const width = h.hasMask ? h.payloadLen >> 1 : h.payloadLen;
  const value = r.bytes(width);
  let mask: Uint8Array | null = null;
  if (h.hasMask) {
    mask = r.bytes(width);
    for (let i = 0; i < width; i++) if (value[i]! & ~mask[i]!) fail('OFPBMC_BAD_WILDCARDS');
    if (!allowMask) fail('OFPBMC_BAD_MASK');
  }
  return { field: f, value, mask };
}

/** Reads a header naming a field for an action (reg_move, output_reg2, ...): unknown -> OFPBAC_BAD_SET_TYPE... as OVS's nx_pull_header. */
export function pullFieldHeader(r: Reader): { field: MfField; masked: boolean } {
  const h = pullOxmHeader(r);
  const f = fieldOfHeader(h);
  if (!f) fail('OFPBMC_BAD_FIELD', `unknown OXM header class ${h.cls} field ${h.field}`);
  return { field: f, masked: h.hasMask };
}

// --- field value validity (OVS mf_is_value_valid) ----------------------------------------------

/** True if `value` is a legal value for `f`. */
export function mfIsValueValid(f: MfField, value: Uint8Array): boolean {
  const v8 = value[value.length - 1]!;
  const v16 = getValueBits(value, 0, 16);
  const v32 = getValueBits(value, 0, 32);
  switch (f.id) {
    case MFF.IN_PORT_OXM:
    case MFF.ACTSET_OUTPUT:
      return portFromOfp11(v32) !== null;
    case MFF.IP_DSCP:
      return (v8 & 0x03) === 0;
    case MFF.IP_DSCP_SHIFTED:
      return (v8 & 0xc0) === 0;
    case MFF.IP_ECN:
      return (v8 & ~3) === 0;
    case MFF.IP_FRAG:
      return (v8 & ~FRAG_MASK) === 0;
    case MFF.TCP_FLAGS:
      return (v16 & ~0x0fff) === 0;
    case MFF.ARP_OP:
      return (v16 & 0xff00) === 0;
    case MFF.DL_VLAN:
      return (v16 & 0xf000) === 0;
    case MFF.VLAN_VID:
      return (v16 & 0xe000) === 0;
    case MFF.DL_VLAN_PCP:
    case MFF.VLAN_PCP:
      return (v8 & ~7) === 0;
    case MFF.IPV6_LABEL:
      return (v32 & ~0xfffff) === 0;
    case MFF.MPLS_LABEL:
      return (v32 & ~0xfffff) === 0;
    case MFF.MPLS_TC:
      return (v8 & ~7) === 0;
    case MFF.MPLS_BOS:
      return (v8 & ~1) === 0;
    case MFF.TUN_FLAGS:
      return (v16 & ~1) === 0;
    case MFF.CT_STATE:
      return (v32 & ~0xff) === 0;
    default:
      return true;
  }
}

// --- whole matches ------------------------------------------------------------------------------

export interface NxMatchResult {
  readonly match: Match;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
}

/**
 * Decodes `len` bytes of NXM/OXM entries (OVS nx_pull_raw). `strict` checks prerequisites and
 * rejects unknown fields (flow-mods); loose skips unknown fields (packet-ins, stats replies).
 * `allowCookie` accepts the NXM_NX_COOKIE pseudo-field.
 */
export function decodeOxmEntries(r: Reader, len: number, strict: boolean, allowCookie: boolean, pipelineOnly = false): NxMatchResult {
  const m = newMatch();
  let cookie = 0n;
  let cookieMask = 0n;
  const sub = new Reader(r.buf, r.pos, r.pos + len, 'OFPBMC_BAD_LEN');
  while (sub.left > 0) {
    const h = pullOxmHeader(sub);
    if (allowCookie && h.cls === COOKIE_CLASS && h.field === COOKIE_FIELD && h.payloadLen === (h.hasMask ? 16 : 8)) {
      sub.need(h.payloadLen, 'OFPBMC_BAD_LEN');
      const v = sub.u64();
      const mk = h.hasMask ? sub.u64() : 0xffffffffffffffffn;
      if (v & ~mk) fail('OFPBMC_BAD_WILDCARDS');
      if (cookieMask) fail('OFPBMC_DUP_FIELD');
      cookie = v;
      cookieMask = mk;
      continue;
    }
    if (h.cls === PACKET_TYPE_CLASS && h.field === PACKET_TYPE_FIELD && h.payloadLen === 4 && !h.hasMask) {
      const pt = sub.u32();
      if (pt !== 0) fail('OFPBMC_BAD_VALUE', `unsupported packet_type 0x${pt.toString(16)}`);
      continue;
    }
    const f = fieldOfHeader(h);
    if (!f) {
      sub.need(h.payloadLen, 'OFPBMC_BAD_LEN');
      if (h.hasMask) {
        const w = h.payloadLen >> 1;
        for (let i = 0; i < w; i++) {
          if (sub.buf[sub.pos + i]! & ~sub.buf[sub.pos + w + i]!) fail('OFPBMC_BAD_WILDCARDS');
        }
      }
      sub.skip(h.payloadLen);
      if (strict) fail('OFPBMC_BAD_FIELD', `unknown OXM class ${h.cls} field ${h.field} len ${h.payloadLen}`);
      continue;
    }
    const e = pullPayload(sub, h, f, true);
    const mask = e.mask;
    if (mask && !f.maskable && !isAllZeros(mask) && !isAllOnes(mask)) fail('OFPBMC_BAD_MASK', `${f.name} is not maskable`);
    if (!mfIsValueValid(f, e.value)) fail('OFPBMC_BAD_VALUE', `bad value for ${f.name}`);
    if (strict && !mfArePrereqsOk(f, m.key)) fail('OFPBMC_BAD_PREREQ', `${f.name} prerequisites not met`);
    if (isWildInMatch(m, f) === false) fail('OFPBMC_DUP_FIELD', `${f.name} given twice`);
    if (pipelineOnly && !isPipelineField(f)) fail('OFPBRC_PIPELINE_FIELDS_ONLY', `${f.name} is not a pipeline field`);
    matchSetField(m, f, e.value, mask);
  }
  r.pos += len;
  return { match: m, cookie, cookieMask };
}

const PIPELINE = new Set<number>([
  MFF.TUN_ID, MFF.TUN_SRC, MFF.TUN_DST, MFF.TUN_IPV6_SRC, MFF.TUN_IPV6_DST, MFF.TUN_FLAGS, MFF.TUN_GBP_ID,
  MFF.TUN_GBP_FLAGS, MFF.METADATA, MFF.IN_PORT, MFF.IN_PORT_OXM,
]);

/** OVS mf_is_pipeline_field: fields a packet carries between tables (tunnel, metadata, in_port, registers). */
export function isPipelineField(f: MfField): boolean {
  if (PIPELINE.has(f.id)) return true;
  return (f.id >= MFF.REG0 && f.id < MFF.REG0 + 16) || (f.id >= MFF.XREG0 && f.id < MFF.XREG0 + 8) || (f.id >= MFF.XXREG0 && f.id < MFF.XXREG0 + 4);
}

/** OVS mf_is_all_wild: false if some bit of the field is already matched. */
function isWildInMatch(m: Match, f: MfField): boolean {
  if (f.id === MFF.VLAN_VID) return (m.mask[W_VLAN0]! & 0x1fff) === 0;
  if (f.id === MFF.VLAN_PCP) return (m.mask[W_VLAN0]! & 0xe000) === 0;
  return !matchHasField(m, f);
}

/** Pulls an NXM match of `matchLen` bytes padded to 8 (OVS nx_pull_match). */
export function pullNxMatch(r: Reader, matchLen: number, strict: boolean, allowCookie: boolean): NxMatchResult {
  r.need(roundUp(matchLen, 8), 'OFPBMC_BAD_LEN');
  const start = r.pos;
  const res = decodeOxmEntries(r, matchLen, strict, allowCookie);
  r.pos = start + roundUp(matchLen, 8);
  return res;
}

/** Pulls an ofp11_match_header + OXM match padded to 8 (OVS oxm_pull_match); returns the match. */
export function pullOxmMatch(r: Reader, strict: boolean, pipelineOnly = false): Match {
  r.need(4, 'OFPBMC_BAD_LEN');
  const type = r.peek16(0);
  const len = r.peek16(2);
  if (len < 4) fail('OFPBMC_BAD_LEN', `match length ${len} < 4`);
  if (type !== 1) fail('OFPBMC_BAD_TYPE', `match type ${type} is not OXM`);
  r.need(roundUp(len, 8), 'OFPBMC_BAD_LEN');
  const start = r.pos;
  r.pos += 4;
  const res = decodeOxmEntries(r, len - 4, strict, false, pipelineOnly);
  r.pos = start + roundUp(len, 8);
  return res.match;
}

// --- encoding ------------------------------------------------------------------------------------

class Put {
  constructor(
    readonly w: Writer,
    readonly version: number,
    readonly m: Match,
  ) {}

  /** Masked put: nothing when wild, exact header when the mask is full. */
  masked(id: number): void {
    const f = MF_FIELDS[id]!;
    if (!anyBits(f, this.m.mask)) return;
    const mask = getFieldBytes(f, this.m.mask);
    if (isAllZeros(mask)) return;
    putOxmEntry(this.w, f, this.version, getFieldBytes(f, this.m.key), mask);
  }

  /** Exact put of the key's value. */
  exact(id: number): void {
    const f = MF_FIELDS[id]!;
    putOxmEntry(this.w, f, this.version, getFieldBytes(f, this.m.key), null);
  }

  /** Exact put when any bit of the field is matched. */
  exactIfAny(id: number): void {
    if (anyBits(MF_FIELDS[id]!, this.m.mask)) this.exact(id);
  }
}

/**
 * The value of `f` in a FlowKey-layout array as big-endian bytes: what mfGetValue returns,
 * computed with whole-byte copies where the storage allows (the encoder's hot spot).
 */
export function getFieldBytes(f: MfField, arr: Uint32Array): Uint8Array {
  const n = f.nBytes;
  const out = new Uint8Array(n);
  for (const s of f.segments) {
    const nb = Math.min(s.bits, n * 8 - s.fieldOfs);
    const x = s.bits >= 32 ? arr[s.word]! >>> 0 : (arr[s.word]! >>> s.shift) & ((1 << s.bits) - 1);
    if ((s.fieldOfs & 7) === 0 && (nb & 7) === 0) {
      const byteOfs = s.fieldOfs >> 3;
      for (let k = 0; k < nb >> 3; k++) out[n - 1 - byteOfs - k] = (x >>> (8 * k)) & 0xff;
    } else {
      for (let i = 0; i < nb; i++) {
        if ((x >>> i) & 1) {
          const bit = s.fieldOfs + i;
          out[n - 1 - (bit >> 3)] = out[n - 1 - (bit >> 3)]! | (1 << (bit & 7));
        }
      }
    }
  }
  if (f.id === MFF.IN_PORT_OXM || f.id === MFF.ACTSET_OUTPUT) {
    // Stored as a 16-bit OpenFlow 1.0 port; the field holds the OpenFlow 1.1+ number.
    const p = (out[2]! << 8) | out[3]!;
    if (p >= 0xff00) {
      out[0] = 0xff;
      out[1] = 0xff;
    }
  }
  return out;
}

/** True if some storage bit of `f` is set in `mask` (cheap test before extracting values). */
function anyBits(f: MfField, mask: Uint32Array): boolean {
  for (const s of f.segments) {
    const bits = s.bits >= 32 ? 0xffffffff : (1 << s.bits) - 1;
    if ((mask[s.word]! >>> s.shift) & bits) return true;
  }
  return false;
}

/** Writes the NXM (version 0) or OXM (version >= 3) entries of `m` in OVS's order; returns their length. */
export function encodeOxmEntries(w: Writer, m: Match, version: number, cookie = 0n, cookieMask = 0n): number {
  const start = w.len;
  const p = new Put(w, version, m);
  const key = m.key;
  const mask = m.mask;

  p.masked(MFF.DP_HASH);
  p.exactIfAny(MFF.RECIRC_ID);
  p.exactIfAny(MFF.CONJ_ID);
  if (mask[0]! & 0xffff) p.exact(version ? MFF.IN_PORT_OXM : MFF.IN_PORT);
  p.exactIfAny(MFF.ACTSET_OUTPUT);

  p.masked(MFF.ETH_SRC);
  p.masked(MFF.ETH_DST);
  p.masked(MFF.ETH_TYPE);

  if (version) {
    const vidMask = mask[W_VLAN0]! & 0x1fff;
    const vid = key[W_VLAN0]! & 0x1fff;
    if (vidMask === 0x1fff) p.exact(MFF.VLAN_VID);
    else if (vidMask) p.masked(MFF.VLAN_VID);
    if (vid && mask[W_VLAN0]! & 0xe000) p.exact(MFF.VLAN_PCP);
  } else {
    p.masked(MFF.VLAN_TCI);
  }

  const dlType = key[W_ETH_TYPE]! & 0xffff;
  if (dlType === 0x8847 || dlType === 0x8848) {
    const lse = mask[MF_FIELDS[MFF.MPLS_LABEL]!.segments[0]!.word]!;
    if (lse & 0x00000e00) p.exact(MFF.MPLS_TC);
    if (lse & 0x00000100) p.exact(MFF.MPLS_BOS);
    if (lse & 0x000000ff) p.exact(MFF.MPLS_TTL);
    if (lse & 0xfffff000) p.exact(MFF.MPLS_LABEL);
  }

  if (dlType === 0x0800 || dlType === 0x86dd) {
    if (dlType === 0x0800) {
      p.masked(MFF.IPV4_SRC);
      p.masked(MFF.IPV4_DST);
    } else {
      p.masked(MFF.IPV6_SRC);
      p.masked(MFF.IPV6_DST);
    }
    const fragMask = mask[W_NW]! & FRAG_MASK;
    if (fragMask) {
      const f = MF_FIELDS[MFF.IP_FRAG]!;
      const v = new Uint8Array([key[W_NW]! & FRAG_MASK]);
      putOxmEntry(w, f, version, v, fragMask === FRAG_MASK ? null : new Uint8Array([fragMask]));
    }
    if (mask[W_NW]! & 0x00fc0000) p.exact(version ? MFF.IP_DSCP_SHIFTED : MFF.IP_DSCP);
    if (mask[W_NW]! & 0x00030000) p.exact(MFF.IP_ECN);
    if (mask[W_NW]! & 0x0000ff00) p.exact(MFF.IP_TTL);
    p.masked(MFF.IPV6_LABEL);
    if (mask[W_NW]! & 0xff000000) {
      p.exact(MFF.IP_PROTO);
      const proto = key[W_NW]! >>> 24;
      if (proto === 6) {
        p.masked(MFF.TCP_SRC);
        p.masked(MFF.TCP_DST);
        p.masked(MFF.TCP_FLAGS);
      } else if (proto === 17) {
        p.masked(MFF.UDP_SRC);
        p.masked(MFF.UDP_DST);
      } else if (proto === 132) {
        p.masked(MFF.SCTP_SRC);
        p.masked(MFF.SCTP_DST);
      } else if (proto === 1 && dlType === 0x0800) {
        if (mask[W_TP]! >>> 16) p.exact(MFF.ICMPV4_TYPE);
        if (mask[W_TP]! & 0xffff) p.exact(MFF.ICMPV4_CODE);
      } else if (proto === 58 && dlType === 0x86dd) {
        if (mask[W_TP]! >>> 16) p.exact(MFF.ICMPV6_TYPE);
        if (mask[W_TP]! & 0xffff) p.exact(MFF.ICMPV6_CODE);
        const type = key[W_TP]! >>> 16;
        const code = key[W_TP]! & 0xffff;
        if ((type === 135 || type === 136) && code === 0) {
          p.masked(MFF.ND_TARGET);
          if (type === 135) p.masked(MFF.ND_SLL);
          if (type === 136) p.masked(MFF.ND_TLL);
        }
      }
    }
  } else if (dlType === 0x0806 || dlType === 0x8035) {
    if (mask[W_NW]! & 0xff000000) p.exact(MFF.ARP_OP);
    p.masked(MFF.ARP_SPA);
    p.masked(MFF.ARP_TPA);
    p.masked(MFF.ARP_SHA);
    p.masked(MFF.ARP_THA);
  }

  p.masked(MFF.TUN_ID);
  p.masked(MFF.TUN_FLAGS);
  p.masked(MFF.TUN_SRC);
  p.masked(MFF.TUN_DST);
  p.masked(MFF.TUN_IPV6_SRC);
  p.masked(MFF.TUN_IPV6_DST);
  p.masked(MFF.TUN_GBP_ID);
  p.masked(MFF.TUN_GBP_FLAGS);

  if (version < OFP15_VERSION) {
    for (let i = 0; i < 16; i++) p.masked(MFF.REG0 + i);
  } else {
    for (let i = 0; i < 8; i++) p.masked(MFF.XREG0 + i);
  }

  p.masked(MFF.PKT_MARK);
  p.masked(MFF.CT_STATE);
  p.masked(MFF.CT_ZONE);
  p.masked(MFF.CT_MARK);
  p.masked(MFF.CT_LABEL);
  p.masked(MFF.METADATA);

  if (cookieMask) {
    const masked = cookieMask !== 0xffffffffffffffffn;
    putRawHeader(w, COOKIE_CLASS, COOKIE_FIELD, 0, masked, 8);
    w.u64(cookie & cookieMask);
    if (masked) w.u64(cookieMask);
  }
  return w.len - start;
}

/** Writes an NXM match padded to 8 bytes; returns the unpadded length (nx_match_len). */
export function putNxMatch(w: Writer, m: Match, cookie = 0n, cookieMask = 0n): number {
  const start = w.len;
  const len = encodeOxmEntries(w, m, 0, cookie, cookieMask);
  w.pad(8, start);
  return len;
}

/** Writes ofp11_match_header + OXM entries padded to 8 bytes; returns the unpadded length. */
export function putOxmMatch(w: Writer, m: Match, version: number): number {
  const start = w.len;
  w.u16(1).u16(0);
  const len = 4 + encodeOxmEntries(w, m, version);
  w.set16(start + 2, len);
  w.pad(8, start);
  return len;
}
