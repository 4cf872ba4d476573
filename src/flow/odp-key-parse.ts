/*
 * Parse the datapath flow key text form (what formatDpKey and OVS's odp_flow_format
 * print, and what `ovs-dpctl add-flow` / `netdev-dummy/receive` take) into a FlowKey and
 * mask. A field given without /mask is matched exactly; fields and attributes not given
 * are wildcarded. Errors are thrown as Error naming the bad token, e.g.
 * `ipv4(src=10.0.0.300): invalid IPv4 address`.
 */

import { parseIpv4, parseIpv6, parseMac } from '../packet/addr.js';
import {
  FLOW_WORDS,
  FRAG_ANY,
  FRAG_LATER,
  FRAG_MASK,
  MAX_MPLS_LABELS,
  MAX_VLAN_HEADERS,
  VLAN_CFI,
  W_CT,
  W_CT_LABEL,
  W_CT_MARK,
  W_DP_HASH,
  W_ETH_TYPE,
  W_IN_PORT,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_IPV6_DST,
  W_IPV6_LABEL,
  W_IPV6_SRC,
  W_MPLS0,
  W_ND_TARGET,
  W_NW,
  W_RECIRC_ID,
  W_SKB_MARK,
  W_SKB_PRIORITY,
  W_TCP_FLAGS,
  W_TP,
  W_TUN_DST,
  W_TUN_GBP,
  W_TUN_ID,
  W_TUN_IPV6_DST,
  W_TUN_IPV6_SRC,
  W_TUN_MISC,
  W_TUN_SRC,
  W_TUN_TP,
  W_VLAN0,
  setArpSha,
  setArpTha,
  setEthDst,
  setEthSrc,
} from './layout.js';
import { ODP_ATTR_BY_NAME, OdpAttr } from './odp-attr.js';
import { CT_STATE_NAMES, ETH_TYPE_NONE, TCP_FLAG_NAMES, TUN_FLAG_NAMES, isVlanEthType } from './odp-key-format.js';
import { bigToWords, parseBigUintC, parseUintC, tokenizeOdp, type OdpNode } from './odp-text.js';

export interface DpKeyParseOptions {
  /** Port name -> number, for `in_port(p1)`. */
  portNumber?: (name: string) => number | undefined;
}

export interface ParsedDpKey {
  key: Uint32Array;
  mask: Uint32Array;
}

function fail(where: string, why: string): never {
  throw new Error(`${where}: ${why}`);
}

/** Split "value/mask". */
function splitMask(text: string): [string, string | null] {
  const i = text.indexOf('/');
  return i < 0 ? [text, null] : [text.slice(0, i), text.slice(i + 1)];
}

/** Write `v` (fits `bits`) at `shift` of word `w`, replacing those bits. */
function putBits(a: Uint32Array, w: number, shift: number, bits: number, v: number): void {
  const m = bits >= 32 ? 0xffffffff : ((1 << bits) - 1) << shift;
  a[w] = ((a[w]! & ~m) | ((v << shift) & m)) >>> 0;
}

// --- value parsers: each returns [key, mask] or throws with `where` ---------------------

function uintMasked(where: string, text: string, bits: number): [number, number] {
  const max = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
  const [vs, ms] = splitMask(text);
  const v = parseUintC(vs, max);
  if (v === null) fail(where, parseUintC(vs, Number.MAX_SAFE_INTEGER) === null ? 'invalid number' : `value out of range (max ${max})`);
  if (ms === null) return [v, max];
  const m = parseUintC(ms, max);
  if (m === null) fail(where, parseUintC(ms, Number.MAX_SAFE_INTEGER) === null ? 'invalid mask' : `mask out of range (max ${max})`);
  return [v, m];
}

function ipv4Masked(where: string, text: string): [number, number] {
  const [vs, ms] = splitMask(text);
  const v = parseIpv4(vs);
  if (v === null) fail(where, 'invalid IPv4 address');
  if (ms === null) return [v, 0xffffffff];
  let m = parseIpv4(ms);
  if (m === null && /^[0-9]{1,2}$/.test(ms) && Number(ms) <= 32) {
    const n = Number(ms);
    m = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  }
  if (m === null) fail(where, 'invalid IPv4 mask');
  return [v, m];
}

function ipv6Masked(where: string, text: string, key: Uint32Array, mask: Uint32Array, w: number): void {
  const [vs, ms] = splitMask(text);
  if (!parseIpv6(vs, key, w)) fail(where, 'invalid IPv6 address');
  if (ms === null) {
    mask.fill(0xffffffff, w, w + 4);
    return;
  }
  if (/^[0-9]{1,3}$/.test(ms) && Number(ms) <= 128) {
    let n = Number(ms);
    for (let i = 0; i < 4; i++, n -= 32) mask[w + i] = n >= 32 ? 0xffffffff : n <= 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
    return;
  }
  if (!parseIpv6(ms, mask, w)) fail(where, 'invalid IPv6 mask');
}

const MAC_ALL = 0xffffffffffff;

function macMasked(where: string, text: string): [number, number] {
  const [vs, ms] = splitMask(text);
  const v = parseMac(vs);
  if (v === null) fail(where, 'invalid Ethernet address');
  if (ms === null) return [v, MAC_ALL];
  const m = parseMac(ms);
  if (m === null) fail(where, 'invalid Ethernet mask');
  return [v, m];
}

function bigMasked(where: string, text: string, bits: number): [bigint, bigint] {
  const [vs, ms] = splitMask(text);
  const v = parseBigUintC(vs, bits);
  if (v === null) fail(where, `invalid ${bits}-bit number`);
  const all = (1n << BigInt(bits)) - 1n;
  if (ms === null) return [v, all];
  const m = parseBigUintC(ms, bits);
  if (m === null) fail(where, `invalid ${bits}-bit mask`);
  return [v, m];
}

/**
 * Flags as OVS's parse_flags: `a|b` (exact), `+a-b` (masked: only named bits matched),
 * a number, or `value/mask` numbers. Returns [flags, mask]; `all` is the exact mask.
 */
function flagsMasked(where: string, text: string, names: ReadonlyArray<readonly [number, string]>, all: number): [number, number] {
  const num = /^[0-9][0-9a-fA-FxX]*$/;
  const [vs, ms] = splitMask(text);
  if (ms !== null) {
    const v = num.test(vs) ? parseUintC(vs, all) : null;
    const m = num.test(ms) ? parseUintC(ms, all) : null;
    if (v === null || m === null) fail(where, 'invalid flags/mask');
    return [v, m];
  }
  const byName = new Map(names.map(([b, n]) => [n, b]));
  if (text.startsWith('+') || text.startsWith('-')) {
    let flags = 0;
    let mask = 0;
    const re = /([+-])([^+-]+)/gy;
    let pos = 0;
    for (let mt = re.exec(text); mt !== null; mt = re.exec(text)) {
      const bit = byName.get(mt[2]!);
      if (bit === undefined) fail(where, `unknown flag '${mt[2]}'`);
      if (mask & bit) fail(where, `flag '${mt[2]}' given twice`);
      mask |= bit;
      if (mt[1] === '+') flags |= bit;
      pos = re.lastIndex;
    }
    if (pos !== text.length) fail(where, 'flags must each be preceded by + or -');
    return [flags, mask];
  }
  let flags = 0;
  for (const part of text.split('|')) {
    if (part === '') continue;
    if (num.test(part)) {
      const n = parseUintC(part, all);
      if (n === null) fail(where, `invalid flags '${part}'`);
      flags |= n;
      continue;
    }
    const bit = byName.get(part);
    if (bit === undefined) fail(where, `unknown flag '${part}'`);
    flags |= bit;
  }
  return [flags, all];
}

// --- attribute parsers -----------------------------------------------------------------

/** Fields of an attribute node: `name=value` items, each name at most once. */
function fieldsOf(node: OdpNode, allowed: readonly string[]): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  for (const item of node.args!) {
    const eq = item.name.indexOf('=');
    if (item.args !== null || eq <= 0) fail(`${node.name}(${item.text})`, 'expected field=value');
    const f = item.name.slice(0, eq);
    if (!allowed.includes(f)) fail(`${node.name}(${item.text})`, `unknown field '${f}' (expected ${allowed.join(', ')})`);
    if (out.has(f)) fail(`${node.name}(${item.text})`, `field '${f}' given twice`);
    out.set(f, [item.name.slice(eq + 1), `${node.name}(${item.text})`]);
  }
  return out;
}

/** The single value of `name(value)`. */
function singleArg(node: OdpNode): [string, string] {
  const args = node.args!;
  if (args.length !== 1 || args[0]!.args !== null) fail(node.text, 'expected one value');
  return [args[0]!.name, node.text];
}

function parseFrag(where: string, text: string): number {
  switch (text) {
    case 'no':
      return 0;
    case 'first':
      return FRAG_ANY;
    case 'later':
      return FRAG_ANY | FRAG_LATER;
    default:
      return fail(where, 'frag must be no, first or later');
  }
}

function parseU32Attr(node: OdpNode, k: Uint32Array, m: Uint32Array, w: number): void {
  const [t, where] = singleArg(node);
  const [v, mv] = uintMasked(where, t, 32);
  k[w] = v;
  m[w] = mv;
}

/** Put an 8-bit field of W_NW. */
function putNwByte(k: Uint32Array, m: Uint32Array, shift: number, v: number, mv: number): void {
  putBits(k, W_NW, shift, 8, v);
  putBits(m, W_NW, shift, 8, mv);
}

function parseIpFields(node: OdpNode, k: Uint32Array, m: Uint32Array, v6: boolean): void {
  const f = fieldsOf(node, v6 ? ['src', 'dst', 'label', 'proto', 'tclass', 'hlimit', 'frag'] : ['src', 'dst', 'proto', 'tos', 'ttl', 'frag']);
  for (const [name, [t, where]] of f) {
    switch (name) {
      case 'src':
      case 'dst':
        if (v6) {
          ipv6Masked(where, t, k, m, name === 'src' ? W_IPV6_SRC : W_IPV6_DST);
        } else {
          const [v, mv] = ipv4Masked(where, t);
          k[name === 'src' ? W_IPV4_SRC : W_IPV4_DST] = v;
          m[name === 'src' ? W_IPV4_SRC : W_IPV4_DST] = mv;
        }
        break;
      case 'label': {
        const [v, mv] = uintMasked(where, t, 20);
        k[W_IPV6_LABEL] = v;
        m[W_IPV6_LABEL] = mv;
        break;
      }
      case 'proto': {
        const [v, mv] = uintMasked(where, t, 8);
        putNwByte(k, m, 24, v, mv);
        break;
      }
      case 'tos':
      case 'tclass': {
        const [v, mv] = uintMasked(where, t, 8);
        putNwByte(k, m, 16, v, mv);
        break;
      }
      case 'ttl':
      case 'hlimit': {
        const [v, mv] = uintMasked(where, t, 8);
        putNwByte(k, m, 8, v, mv);
        break;
      }
      case 'frag':
        putNwByte(k, m, 0, parseFrag(where, t), FRAG_MASK);
        break;
    }
  }
}

function parseTpFields(node: OdpNode, k: Uint32Array, m: Uint32Array): void {
  for (const [name, [t, where]] of fieldsOf(node, ['src', 'dst'])) {
    const [v, mv] = uintMasked(where, t, 16);
    const shift = name === 'src' ? 16 : 0;
    putBits(k, W_TP, shift, 16, v);
    putBits(m, W_TP, shift, 16, mv);
  }
}

function parseIcmpFields(node: OdpNode, k: Uint32Array, m: Uint32Array): void {
  for (const [name, [t, where]] of fieldsOf(node, ['type', 'code'])) {
    const [v, mv] = uintMasked(where, t, 8);
    const shift = name === 'type' ? 16 : 0;
    putBits(k, W_TP, shift, 16, v);
    putBits(m, W_TP, shift, 16, mv);
  }
}

function parseMacField(where: string, t: string, k: Uint32Array, m: Uint32Array, set: (a: Uint32Array, v: number) => void): void {
  const [v, mv] = macMasked(where, t);
  set(k, v);
  set(m, mv);
}

function parseArpFields(node: OdpNode, k: Uint32Array, m: Uint32Array): void {
  for (const [name, [t, where]] of fieldsOf(node, ['sip', 'tip', 'op', 'sha', 'tha'])) {
    switch (name) {
      case 'sip':
      case 'tip': {
        const [v, mv] = ipv4Masked(where, t);
        const w = name === 'sip' ? W_IPV4_SRC : W_IPV4_DST;
        k[w] = v;
        m[w] = mv;
        break;
      }
      case 'op': {
        const [v, mv] = uintMasked(where, t, 16);
        if (v > 0xff) fail(where, 'ARP opcode above 255 cannot be matched');
        putNwByte(k, m, 24, v, mv & 0xff);
        break;
      }
      case 'sha':
        parseMacField(where, t, k, m, setArpSha);
        break;
      case 'tha':
        parseMacField(where, t, k, m, setArpTha);
        break;
    }
  }
}

function parseNdFields(node: OdpNode, k: Uint32Array, m: Uint32Array): void {
  for (const [name, [t, where]] of fieldsOf(node, ['target', 'sll', 'tll'])) {
    if (name === 'target') ipv6Masked(where, t, k, m, W_ND_TARGET);
    else parseMacField(where, t, k, m, name === 'sll' ? setArpSha : setArpTha);
  }
}

function parseEthFields(node: OdpNode, k: Uint32Array, m: Uint32Array): void {
  for (const [name, [t, where]] of fieldsOf(node, ['src', 'dst'])) {
    parseMacField(where, t, k, m, name === 'src' ? setEthSrc : setEthDst);
  }
}

/** mpls(label=..,tc=..,ttl=..,bos=..[,label=..,...]): a repeated field starts the next LSE. */
function parseMplsFields(node: OdpNode, k: Uint32Array, m: Uint32Array, maxLabels: number): number {
  const spec: Record<string, [number, number]> = { label: [12, 20], tc: [9, 3], ttl: [0, 8], bos: [8, 1] };
  let idx = 0;
  let seen = new Set<string>();
  for (const item of node.args!) {
    const where = `${node.name}(${item.text})`;
    const eq = item.name.indexOf('=');
    if (item.args !== null || eq <= 0) fail(where, 'expected field=value');
    const f = item.name.slice(0, eq);
    const sp = spec[f];
    if (sp === undefined) fail(where, `unknown field '${f}' (expected label, tc, ttl, bos)`);
    if (seen.has(f)) {
      idx++;
      seen = new Set();
      if (idx >= maxLabels) fail(where, `more than ${maxLabels} MPLS label(s)`);
    }
    seen.add(f);
    const [v, mv] = uintMasked(where, item.name.slice(eq + 1), sp[1]);
    putBits(k, W_MPLS0 + idx, sp[0], sp[1], v);
    putBits(m, W_MPLS0 + idx, sp[0], sp[1], mv);
  }
  return node.args!.length === 0 ? 0 : idx + 1;
}

/** vlan(vid=..,pcp=..,cfi=..) -> [tci, mask]; the CFI (tag present) bit defaults to exact 1. */
function parseVlanTci(node: OdpNode): [number, number] {
  let tci = VLAN_CFI;
  let mask = VLAN_CFI;
  const spec: Record<string, [number, number]> = { vid: [0, 12], pcp: [13, 3], cfi: [12, 1] };
  for (const [name, [t, where]] of fieldsOf(node, ['vid', 'pcp', 'cfi'])) {
    const [shift, bits] = spec[name]!;
    const [v, mv] = uintMasked(where, t, bits);
    const fm = ((1 << bits) - 1) << shift;
    tci = (tci & ~fm) | (v << shift);
    mask = (mask & ~fm) | (mv << shift);
  }
  return [tci & 0xffff, mask & 0xffff];
}

function parseTunnel(node: OdpNode, k: Uint32Array, m: Uint32Array): void {
  const seen = new Set<string>();
  for (const item of node.args!) {
    const where = `tunnel(${item.text})`;
    if (item.args !== null) {
      if (seen.has(item.name)) fail(where, `'${item.name}' given twice`);
      seen.add(item.name);
      if (item.name === 'flags') {
        const [t] = singleArg(item);
        const [f, fm] = flagsMasked(where, t, TUN_FLAG_NAMES, 0xf);
        putBits(k, W_TUN_MISC, 0, 16, f);
        putBits(m, W_TUN_MISC, 0, 16, fm);
      } else if (item.name === 'vxlan') {
        const gbp = item.args;
        if (gbp.length !== 1 || gbp[0]!.name !== 'gbp' || gbp[0]!.args === null) fail(where, 'expected vxlan(gbp(id=..,flags=..))');
        for (const [name, [t, w2]] of fieldsOf(gbp[0]!, ['id', 'flags'])) {
          const [v, mv] = uintMasked(`tunnel(${w2})`, t, name === 'id' ? 16 : 8);
          const shift = name === 'id' ? 16 : 8;
          putBits(k, W_TUN_GBP, shift, name === 'id' ? 16 : 8, v);
          putBits(m, W_TUN_GBP, shift, name === 'id' ? 16 : 8, mv);
        }
      } else if (item.name === 'geneve' || item.name === 'erspan' || item.name === 'gtpu') {
        fail(where, `${item.name} tunnel options are not supported`);
      } else {
        fail(where, `unknown field '${item.name}'`);
      }
      continue;
    }
    const eq = item.name.indexOf('=');
    if (eq <= 0) fail(where, 'expected field=value');
    const f = item.name.slice(0, eq);
    const t = item.name.slice(eq + 1);
    if (seen.has(f)) fail(where, `field '${f}' given twice`);
    seen.add(f);
    switch (f) {
      case 'tun_id': {
        const [v, mv] = bigMasked(where, t, 64);
        bigToWords(v, k, W_TUN_ID, 2);
        bigToWords(mv, m, W_TUN_ID, 2);
        break;
      }
      case 'src':
      case 'dst': {
        const [v, mv] = ipv4Masked(where, t);
        k[f === 'src' ? W_TUN_SRC : W_TUN_DST] = v;
        m[f === 'src' ? W_TUN_SRC : W_TUN_DST] = mv;
        break;
      }
      case 'ipv6_src':
      case 'ipv6_dst':
        ipv6Masked(where, t, k, m, f === 'ipv6_src' ? W_TUN_IPV6_SRC : W_TUN_IPV6_DST);
        break;
      case 'tos':
      case 'ttl': {
        const [v, mv] = uintMasked(where, t, 8);
        const shift = f === 'tos' ? 24 : 16;
        putBits(k, W_TUN_MISC, shift, 8, v);
        putBits(m, W_TUN_MISC, shift, 8, mv);
        break;
      }
      case 'tp_src':
      case 'tp_dst': {
        const [v, mv] = uintMasked(where, t, 16);
        const shift = f === 'tp_src' ? 16 : 0;
        putBits(k, W_TUN_TP, shift, 16, v);
        putBits(m, W_TUN_TP, shift, 16, mv);
        break;
      }
      default:
        fail(where, `unknown field '${f}'`);
    }
  }
}

function parseInPort(node: OdpNode, k: Uint32Array, m: Uint32Array, opts?: DpKeyParseOptions): void {
  const [t, where] = singleArg(node);
  const [vs] = splitMask(t);
  if (/^[0-9]/.test(vs)) {
    parseU32Attr(node, k, m, W_IN_PORT);
    return;
  }
  const port = opts?.portNumber?.(t);
  if (port === undefined) fail(where, `unknown port name '${t}'`);
  k[W_IN_PORT] = port >>> 0;
  m[W_IN_PORT] = 0xffffffff;
}

/**
 * Parse the fields of one attribute node (not encap/vlan/eth_type/mpls stacks) into
 * `k`/`m`. Used by parseDpKey and by the set action parser.
 */
export function parseDpAttrInto(attr: OdpAttr, node: OdpNode, k: Uint32Array, m: Uint32Array, opts?: DpKeyParseOptions): void {
  switch (attr) {
    case OdpAttr.PRIORITY:
      return parseU32Attr(node, k, m, W_SKB_PRIORITY);
    case OdpAttr.SKB_MARK:
      return parseU32Attr(node, k, m, W_SKB_MARK);
    case OdpAttr.RECIRC_ID:
      return parseU32Attr(node, k, m, W_RECIRC_ID);
    case OdpAttr.DP_HASH:
      return parseU32Attr(node, k, m, W_DP_HASH);
    case OdpAttr.CT_MARK:
      return parseU32Attr(node, k, m, W_CT_MARK);
    case OdpAttr.CT_STATE: {
      const [t, where] = singleArg(node);
      const [f, fm] = flagsMasked(where, t, CT_STATE_NAMES, 0xff);
      putBits(k, W_CT, 0, 8, f);
      putBits(m, W_CT, 0, 8, fm);
      return;
    }
    case OdpAttr.CT_ZONE: {
      const [t, where] = singleArg(node);
      const [v, mv] = uintMasked(where, t, 16);
      putBits(k, W_CT, 16, 16, v);
      putBits(m, W_CT, 16, 16, mv);
      return;
    }
    case OdpAttr.CT_LABEL: {
      const [t, where] = singleArg(node);
      const [v, mv] = bigMasked(where, t, 128);
      bigToWords(v, k, W_CT_LABEL, 4);
      bigToWords(mv, m, W_CT_LABEL, 4);
      return;
    }
    case OdpAttr.IN_PORT:
      return parseInPort(node, k, m, opts);
    case OdpAttr.TUNNEL:
      return parseTunnel(node, k, m);
    case OdpAttr.ETH:
      return parseEthFields(node, k, m);
    case OdpAttr.MPLS:
      parseMplsFields(node, k, m, 1);
      return;
    case OdpAttr.IPV4:
      return parseIpFields(node, k, m, false);
    case OdpAttr.IPV6:
      return parseIpFields(node, k, m, true);
    case OdpAttr.TCP:
    case OdpAttr.UDP:
    case OdpAttr.SCTP:
      return parseTpFields(node, k, m);
    case OdpAttr.TCP_FLAGS: {
      const [t, where] = singleArg(node);
      const [f, fm] = flagsMasked(where, t, TCP_FLAG_NAMES, 0xfff);
      putBits(k, W_TCP_FLAGS, 0, 16, f);
      putBits(m, W_TCP_FLAGS, 0, 16, fm);
      return;
    }
    case OdpAttr.ICMP:
    case OdpAttr.ICMPV6:
      return parseIcmpFields(node, k, m);
    case OdpAttr.ARP:
      return parseArpFields(node, k, m);
    case OdpAttr.ND:
      return parseNdFields(node, k, m);
    default:
      fail(node.text, `'${node.name}' cannot be used here`);
  }
}

/** Look up an attribute node's id, or throw naming it. */
export function odpAttrOf(node: OdpNode): OdpAttr {
  const attr = ODP_ATTR_BY_NAME.get(node.name);
  if (attr === undefined || node.args === null) {
    if (node.args === null) fail(node.text, 'expected attribute(...)');
    if (node.name === 'ct_tuple4' || node.name === 'ct_tuple6' || node.name === 'nsh' || node.name === 'nd_ext') {
      fail(node.text, `'${node.name}' is not supported by tsovs`);
    }
    fail(node.text, `unknown attribute '${node.name}'`);
  }
  return attr;
}

const META_ATTRS: ReadonlySet<OdpAttr> = new Set([
  OdpAttr.PRIORITY,
  OdpAttr.SKB_MARK,
  OdpAttr.TUNNEL,
  OdpAttr.CT_STATE,
  OdpAttr.CT_ZONE,
  OdpAttr.CT_MARK,
  OdpAttr.CT_LABEL,
  OdpAttr.RECIRC_ID,
  OdpAttr.DP_HASH,
  OdpAttr.IN_PORT,
  OdpAttr.PACKET_TYPE,
  OdpAttr.ETH,
]);

/** The attributes of one VLAN level (the top list, or the inside of an encap()). */
type Level = Map<OdpAttr, OdpNode>;

function collectLevel(nodes: OdpNode[], top: boolean): Level {
  const level: Level = new Map();
  for (const node of nodes) {
    const attr = odpAttrOf(node);
    if (!top && META_ATTRS.has(attr)) fail(node.text, `'${node.name}' is not allowed inside encap()`);
    if (level.has(attr)) fail(node.text, `duplicate attribute '${node.name}'`);
    level.set(attr, node);
  }
  return level;
}

const L3_ETH_TYPE: ReadonlyArray<readonly [OdpAttr, number]> = [
  [OdpAttr.IPV4, 0x0800],
  [OdpAttr.IPV6, 0x86dd],
  [OdpAttr.ARP, 0x0806],
  [OdpAttr.MPLS, 0x8847],
];

function parseEthType(node: OdpNode): [number, number] {
  const [t, where] = singleArg(node);
  return uintMasked(where, t, 16);
}

/** Apply the eth_type/VLAN/L3/L4 attributes of VLAN level `depth` (0 = outermost). */
function applyLevel(level: Level, depth: number, k: Uint32Array, m: Uint32Array): void {
  const etNode = level.get(OdpAttr.ETH_TYPE);
  const vlanNode = level.get(OdpAttr.VLAN);
  const encapNode = level.get(OdpAttr.ENCAP);
  if (vlanNode !== undefined || encapNode !== undefined) {
    const where = (vlanNode ?? encapNode)!.text;
    if (depth >= MAX_VLAN_HEADERS) fail(where, `more than ${MAX_VLAN_HEADERS} VLAN headers`);
    for (const [attr, node] of level) {
      if (attr !== OdpAttr.ETH_TYPE && attr !== OdpAttr.VLAN && attr !== OdpAttr.ENCAP) {
        fail(node.text, `'${node.name}' must be inside encap() after vlan()`);
      }
    }
    const [tpid, tpidMask] = etNode !== undefined ? parseEthType(etNode) : [0, 0];
    if (etNode !== undefined && !isVlanEthType(tpid) && tpidMask === 0xffff) {
      fail(etNode.text, 'a VLAN header needs eth_type(0x8100) or eth_type(0x88a8)');
    }
    // encap() without vlan(): a tag is present but its TCI is wildcarded.
    const [tci, tciMask] = vlanNode !== undefined ? parseVlanTci(vlanNode) : [VLAN_CFI, 0];
    if (vlanNode !== undefined && !(tci & VLAN_CFI)) {
      // A truncated VLAN header (cfi=0): the TPID stays in eth_type, nothing follows.
      if (encapNode !== undefined && encapNode.args!.length > 0) fail(encapNode.text, 'a VLAN header with cfi=0 cannot have encap() contents');
      k[W_ETH_TYPE] = tpid;
      m[W_ETH_TYPE] = tpidMask;
      k[W_VLAN0 + depth] = tci;
      m[W_VLAN0 + depth] = tciMask;
      return;
    }
    k[W_VLAN0 + depth] = ((tpid << 16) | tci) >>> 0;
    m[W_VLAN0 + depth] = ((tpidMask << 16) | tciMask) >>> 0;
    if (encapNode !== undefined) applyLevel(collectLevel(encapNode.args!, false), depth + 1, k, m);
    return;
  }

  // Ethertype: given, or implied by the L3 attribute (as OVS does for IPv4/IPv6/MPLS).
  let dlType = 0;
  let dlMask = 0;
  if (etNode !== undefined) {
    [dlType, dlMask] = parseEthType(etNode);
    // eth_type(0/0xffff) is how OVS prints "no Ethertype" (802.2), which extract stores as 0x05ff.
    if (dlType === 0 && dlMask !== 0) dlType = ETH_TYPE_NONE;
  } else {
    for (const [attr, t] of L3_ETH_TYPE) {
      if (level.has(attr)) {
        dlType = t;
        dlMask = 0xffff;
      }
    }
  }
  k[W_ETH_TYPE] = dlType;
  m[W_ETH_TYPE] = dlMask;

  const need = (attr: OdpAttr, ok: boolean, what: string): void => {
    const node = level.get(attr);
    if (node !== undefined && !ok) fail(node.text, `requires ${what}`);
  };
  need(OdpAttr.IPV4, dlType === 0x0800, 'eth_type(0x0800)');
  need(OdpAttr.IPV6, dlType === 0x86dd, 'eth_type(0x86dd)');
  need(OdpAttr.ARP, dlType === 0x0806 || dlType === 0x8035, 'eth_type(0x0806) or eth_type(0x8035)');
  need(OdpAttr.MPLS, dlType === 0x8847 || dlType === 0x8848, 'eth_type(0x8847) or eth_type(0x8848)');

  const ipNode = level.get(OdpAttr.IPV4) ?? level.get(OdpAttr.IPV6);
  for (const [attr, node] of level) {
    switch (attr) {
      case OdpAttr.ETH_TYPE:
        break;
      case OdpAttr.MPLS:
        parseMplsFields(node, k, m, MAX_MPLS_LABELS);
        break;
      default:
        parseDpAttrInto(attr, node, k, m);
    }
  }

  // L4 attributes need the IP protocol (and not a later fragment) in the key.
  const proto = k[W_NW]! >>> 24;
  const later = (k[W_NW]! & FRAG_LATER) !== 0;
  const l4 = (attr: OdpAttr, p: number, v6: boolean | null): void => {
    const node = level.get(attr);
    if (node === undefined) return;
    const ipName = v6 === null ? 'ipv4() or ipv6()' : v6 ? 'ipv6()' : 'ipv4()';
    const ipOk = ipNode !== undefined && (v6 === null || (v6 ? level.has(OdpAttr.IPV6) : level.has(OdpAttr.IPV4)));
    if (!ipOk || proto !== p) fail(node.text, `requires ${ipName} with proto=${p}`);
    if (later) fail(node.text, 'not allowed with frag=later');
  };
  l4(OdpAttr.TCP, 6, null);
  l4(OdpAttr.UDP, 17, null);
  l4(OdpAttr.SCTP, 132, null);
  l4(OdpAttr.ICMP, 1, false);
  l4(OdpAttr.ICMPV6, 58, true);
  l4(OdpAttr.TCP_FLAGS, 6, null);
  const nd = level.get(OdpAttr.ND);
  if (nd !== undefined) {
    const type = k[W_TP]! >>> 16;
    if (!level.has(OdpAttr.ICMPV6) || (type !== 135 && type !== 136) || (k[W_TP]! & 0xffff) !== 0) {
      fail(nd.text, 'requires icmpv6(type=135 or 136,code=0)');
    }
  }
}

/**
 * Parse a datapath flow key (`in_port(1),eth(...),eth_type(0x0800),ipv4(...)`). An
 * optional leading `ufid:<uuid>` is skipped; `packet_type(ns=0,id=0)` is accepted and
 * ignored (tsovs packets are Ethernet).
 */
export function parseDpKey(text: string, opts?: DpKeyParseOptions): ParsedDpKey {
  let s = text.trim();
  const ufid = /^ufid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/.exec(s);
  if (ufid !== null) s = s.slice(ufid[0].length);
  const nodes = tokenizeOdp(s);
  const key = new Uint32Array(FLOW_WORDS);
  const mask = new Uint32Array(FLOW_WORDS);
  const top = collectLevel(nodes, true);
  const l2: Level = new Map();
  for (const [attr, node] of top) {
    if (attr === OdpAttr.PACKET_TYPE) {
      for (const [name, [t, where]] of fieldsOf(node, ['ns', 'id'])) {
        const [v] = uintMasked(where, t, 16);
        if (v !== 0) fail(where, `only Ethernet packets (packet_type(ns=0,id=0)) are supported, not ${name}=${t}`);
      }
    } else if (META_ATTRS.has(attr)) {
      parseDpAttrInto(attr, node, key, mask, opts);
    } else {
      l2.set(attr, node);
    }
  }
  applyLevel(l2, 0, key, mask);
  return { key, mask };
}

