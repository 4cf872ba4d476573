/*
 * Datapath flow key text form, as `ovs-dpctl dump-flows` prints it (OVS 3.1's
 * odp_flow_format): `recirc_id(0),in_port(1),eth(dst=..),eth_type(0x0800),ipv4(frag=no)`.
 * Attributes follow OVS 3.1's order; which L2.5-L4 attributes exist follows the key's
 * values (eth_type, nw_proto, nw_frag, VLAN tags), as odp_flow_key_from_flow does. The
 * non-verbose form omits wildcarded attributes and fields; verbose (`-m`) prints every
 * attribute with /mask where the mask is not exact. tsovs prints no packet_type(): its
 * packets are always Ethernet, so a wildcarded eth() is omitted as on OVS's netdev
 * datapath.
 */

import { formatIpv4, formatIpv6, formatMac } from '../packet/addr.js';
import {
  CS_DST_NAT,
  CS_ESTABLISHED,
  CS_INVALID,
  CS_NEW,
  CS_RELATED,
  CS_REPLY_DIR,
  CS_SRC_NAT,
  CS_TRACKED,
  FRAG_ANY,
  FRAG_LATER,
  MAX_MPLS_LABELS,
  MAX_VLAN_HEADERS,
  TUN_FLAG_CSUM,
  TUN_FLAG_DONT_FRAGMENT,
  TUN_FLAG_KEY,
  TUN_FLAG_OAM,
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
  VLAN_CFI,
  FLOW_WORDS,
  getArpSha,
  getArpTha,
  getEthDst,
  getEthSrc,
} from './layout.js';
import { ODP_ATTR_NAME, OdpAttr } from './odp-attr.js';
import { hexBig, hx, hx04, wordsToBig } from './odp-text.js';

export interface DpKeyFormatOptions {
  /** Print every attribute and field with its mask (`dpctl/dump-flows -m`). */
  verbose?: boolean;
  /** Port number -> name, used for an exactly matched in_port (`in_port(p1)`). */
  portName?: (portNo: number) => string | undefined;
}

const ETH_TYPE_MIN = 0x0600;
/** OVS's FLOW_DL_TYPE_NONE: what extract stores for a frame with no Ethertype. */
export const ETH_TYPE_NONE = 0x05ff;
const ETH_TYPE_IP = 0x0800;
const ETH_TYPE_IPV6 = 0x86dd;
const ETH_TYPE_ARP = 0x0806;
const ETH_TYPE_RARP = 0x8035;
const ETH_TYPE_MPLS = 0x8847;
const ETH_TYPE_MPLS_MCAST = 0x8848;
const ETH_TYPE_VLAN = 0x8100;
const ETH_TYPE_VLAN_8021AD = 0x88a8;
const MAC_ALL = 0xffffffffffff;
const ZERO_KEY = new Uint32Array(FLOW_WORDS);

export function isVlanEthType(t: number): boolean {
  return t === ETH_TYPE_VLAN || t === ETH_TYPE_VLAN_8021AD;
}

// --- flag names ---------------------------------------------------------------

/** ct_state bits from the lowest, as OVS names them. */
export const CT_STATE_NAMES: ReadonlyArray<readonly [number, string]> = [
  [CS_NEW, 'new'],
  [CS_ESTABLISHED, 'est'],
  [CS_RELATED, 'rel'],
  [CS_REPLY_DIR, 'rpl'],
  [CS_INVALID, 'inv'],
  [CS_TRACKED, 'trk'],
  [CS_SRC_NAT, 'snat'],
  [CS_DST_NAT, 'dnat'],
];

/** TCP flag bits (12) from the lowest, as OVS names them. */
export const TCP_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x001, 'fin'],
  [0x002, 'syn'],
  [0x004, 'rst'],
  [0x008, 'psh'],
  [0x010, 'ack'],
  [0x020, 'urg'],
  [0x040, 'ece'],
  [0x080, 'cwr'],
  [0x100, 'ns'],
  [0x200, '[200]'],
  [0x400, '[400]'],
  [0x800, '[800]'],
];

/** Tunnel flags in OVS's bit order (oam, df, csum, key), with tsovs's TUN_FLAG_* bits. */
export const TUN_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [TUN_FLAG_OAM, 'oam'],
  [TUN_FLAG_DONT_FRAGMENT, 'df'],
  [TUN_FLAG_CSUM, 'csum'],
  [TUN_FLAG_KEY, 'key'],
];

/** OVS's format_flags: names joined by '|', "0" when empty, unknown bits as hex. */
function fmtFlags(names: ReadonlyArray<readonly [number, string]>, flags: number): string {
  if (flags === 0) return '0';
  const out: string[] = [];
  let rest = flags >>> 0;
  for (const [bit, name] of names) {
    if (rest & bit) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) out.push('0x' + rest.toString(16));
  return out.join('|');
}

/** OVS's format_flags_masked: full mask -> fmtFlags, else +name/-name per masked bit. */
function fmtFlagsMasked(names: ReadonlyArray<readonly [number, string]>, flags: number, mask: number, max: number): string {
  if (mask === max) return fmtFlags(names, flags);
  if (mask === 0) return '0/0';
  let s = '';
  for (const [bit, name] of names) {
    if (mask & bit) s += (flags & bit ? '+' : '-') + name;
  }
  return s;
}

// --- field printers (OVS's format_u8u, format_ipv4, ...) -----------------------------
// `m === null` means "no mask" (fully masked); a zero mask omits the field unless verbose.

function fU8u(p: string[], name: string, k: number, m: number | null, v: boolean): void {
  if (m === 0 && !v) return;
  p.push(m === null || m === 0xff ? `${name}=${k}` : `${name}=${k}/${hx(m)}`);
}

function fU8x(p: string[], name: string, k: number, m: number | null, v: boolean): void {
  if (m === 0 && !v) return;
  p.push(m === null || m === 0xff ? `${name}=${hx(k)}` : `${name}=${hx(k)}/${hx(m)}`);
}

function fBe16(p: string[], name: string, k: number, m: number | null, v: boolean): void {
  if (m === 0 && !v) return;
  p.push(m === null || m === 0xffff ? `${name}=${k}` : `${name}=${k}/${hx(m)}`);
}

function fIpv4(p: string[], name: string, k: number, m: number | null, v: boolean): void {
  if (m === 0 && !v) return;
  p.push(m === null || m >>> 0 === 0xffffffff ? `${name}=${formatIpv4(k)}` : `${name}=${formatIpv4(k)}/${formatIpv4(m)}`);
}

/** IPv6 text as glibc's inet_ntop prints it (it also writes IPv4-compatible ::a.b.c.d). */
export function fmtIn6(w: ArrayLike<number>, off: number): string {
  if (w[off] === 0 && w[off + 1] === 0 && w[off + 2] === 0 && w[off + 3]! >>> 16 !== 0) {
    return '::' + formatIpv4(w[off + 3]!);
  }
  return formatIpv6(w, off);
}

function fIn6(p: string[], name: string, k: Uint32Array, off: number, m: Uint32Array | null, v: boolean): void {
  const empty = m !== null && (m[off]! | m[off + 1]! | m[off + 2]! | m[off + 3]!) === 0;
  if (empty && !v) return;
  const full = m === null || (m[off]! & m[off + 1]! & m[off + 2]! & m[off + 3]!) >>> 0 === 0xffffffff;
  p.push(full ? `${name}=${fmtIn6(k, off)}` : `${name}=${fmtIn6(k, off)}/${fmtIn6(m!, off)}`);
}

function fEth(p: string[], name: string, k: number, m: number | null, v: boolean): void {
  if (m === 0 && !v) return;
  p.push(m === null || m === MAC_ALL ? `${name}=${formatMac(k)}` : `${name}=${formatMac(k)}/${formatMac(m)}`);
}

/** ODP frag value from nw_frag bits: 0 no, 1 first, 2 later. */
function odpFrag(nwFrag: number): number {
  return !(nwFrag & FRAG_ANY) ? 0 : nwFrag & FRAG_LATER ? 2 : 1;
}

const FRAG_NAMES = ['no', 'first', 'later'];

/** frag prints only when matched (even in verbose), as OVS's format_frag. */
function fFrag(p: string[], k: Uint32Array, m: Uint32Array | null): void {
  if (m !== null && !(m[W_NW]! & FRAG_ANY)) return;
  p.push('frag=' + FRAG_NAMES[odpFrag(k[W_NW]!)]!);
}

const mget = (m: Uint32Array | null, w: number): number | null => (m === null ? null : m[w]!);

// --- attribute bodies -------------------------------------------------------------

function ipv4Body(k: Uint32Array, m: Uint32Array | null, v: boolean): string {
  const p: string[] = [];
  fIpv4(p, 'src', k[W_IPV4_SRC]!, mget(m, W_IPV4_SRC), v);
  fIpv4(p, 'dst', k[W_IPV4_DST]!, mget(m, W_IPV4_DST), v);
  const nw = k[W_NW]!;
  const mn = mget(m, W_NW);
  fU8u(p, 'proto', nw >>> 24, mn === null ? null : mn >>> 24, v);
  fU8x(p, 'tos', (nw >>> 16) & 0xff, mn === null ? null : (mn >>> 16) & 0xff, v);
  fU8u(p, 'ttl', (nw >>> 8) & 0xff, mn === null ? null : (mn >>> 8) & 0xff, v);
  fFrag(p, k, m);
  return p.join(',');
}

function ipv6Body(k: Uint32Array, m: Uint32Array | null, v: boolean): string {
  const p: string[] = [];
  fIn6(p, 'src', k, W_IPV6_SRC, m, v);
  fIn6(p, 'dst', k, W_IPV6_DST, m, v);
  const lm = mget(m, W_IPV6_LABEL);
  if (lm !== 0 || v) {
    const lk = k[W_IPV6_LABEL]!;
    p.push(lm === null || (lm & 0xfffff) === 0xfffff ? `label=${hx(lk)}` : `label=${hx(lk)}/${hx(lm)}`);
  }
  const nw = k[W_NW]!;
  const mn = mget(m, W_NW);
  fU8u(p, 'proto', nw >>> 24, mn === null ? null : mn >>> 24, v);
  fU8x(p, 'tclass', (nw >>> 16) & 0xff, mn === null ? null : (mn >>> 16) & 0xff, v);
  fU8u(p, 'hlimit', (nw >>> 8) & 0xff, mn === null ? null : (mn >>> 8) & 0xff, v);
  fFrag(p, k, m);
  return p.join(',');
}

function tpBody(k: Uint32Array, m: Uint32Array | null, v: boolean): string {
  const p: string[] = [];
  const mt = mget(m, W_TP);
  fBe16(p, 'src', k[W_TP]! >>> 16, mt === null ? null : mt >>> 16, v);
  fBe16(p, 'dst', k[W_TP]! & 0xffff, mt === null ? null : mt & 0xffff, v);
  return p.join(',');
}

function icmpBody(k: Uint32Array, m: Uint32Array | null, v: boolean): string {
  const p: string[] = [];
  const mt = mget(m, W_TP);
  fU8u(p, 'type', (k[W_TP]! >>> 16) & 0xff, mt === null ? null : (mt >>> 16) & 0xff, v);
  fU8u(p, 'code', k[W_TP]! & 0xff, mt === null ? null : mt & 0xff, v);
  return p.join(',');
}

/** ARP opcode mask in ODP form: OVS widens an exact 8-bit nw_proto mask to 0xffff. */
function arpOpMask(mn: number): number {
  const b = mn >>> 24;
  return b === 0xff ? 0xffff : b;
}

function arpBody(k: Uint32Array, m: Uint32Array | null, v: boolean): string {
  const p: string[] = [];
  fIpv4(p, 'sip', k[W_IPV4_SRC]!, mget(m, W_IPV4_SRC), v);
  fIpv4(p, 'tip', k[W_IPV4_DST]!, mget(m, W_IPV4_DST), v);
  fBe16(p, 'op', k[W_NW]! >>> 24, m === null ? null : arpOpMask(m[W_NW]!), v);
  fEth(p, 'sha', getArpSha(k), m === null ? null : getArpSha(m), v);
  fEth(p, 'tha', getArpTha(k), m === null ? null : getArpTha(m), v);
  return p.join(',');
}

function ndBody(k: Uint32Array, m: Uint32Array | null, v: boolean): string {
  const p: string[] = [];
  fIn6(p, 'target', k, W_ND_TARGET, m, v);
  fEth(p, 'sll', getArpSha(k), m === null ? null : getArpSha(m), v);
  fEth(p, 'tll', getArpTha(k), m === null ? null : getArpTha(m), v);
  return p.join(',');
}

function ethBody(k: Uint32Array, m: Uint32Array | null, v: boolean): string {
  const p: string[] = [];
  fEth(p, 'src', getEthSrc(k), m === null ? null : getEthSrc(m), v);
  fEth(p, 'dst', getEthDst(k), m === null ? null : getEthDst(m), v);
  return p.join(',');
}

/** MPLS label stack entry fields. */
function lseLabel(x: number): number {
  return x >>> 12;
}
function lseTc(x: number): number {
  return (x >>> 9) & 7;
}
function lseBos(x: number): number {
  return (x >>> 8) & 1;
}
function lseTtl(x: number): number {
  return x & 0xff;
}

/** "label=..,tc=..,ttl=..,bos=.." of one LSE, as OVS's format_mpls_lse. */
export function fmtMplsLse(x: number): string {
  return `label=${lseLabel(x)},tc=${lseTc(x)},ttl=${lseTtl(x)},bos=${lseBos(x)}`;
}

/** Number of MPLS labels in the key, as OVS's flow_count_mpls_labels. */
function countMplsLabels(k: Uint32Array): number {
  let cnt = 0;
  for (let i = 0; i < MAX_MPLS_LABELS; i++) {
    const x = k[W_MPLS0 + i]!;
    if (x & 0x100) return i + 1;
    if (x !== 0) cnt++;
  }
  return cnt;
}

function mplsBody(k: Uint32Array, m: Uint32Array | null, n: number): string {
  let exact = true;
  if (m !== null) for (let i = 0; i < n; i++) if (m[W_MPLS0 + i]! >>> 0 !== 0xffffffff) exact = false;
  const p: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = k[W_MPLS0 + i]!;
    if (exact) {
      p.push(fmtMplsLse(x));
    } else {
      const y = m![W_MPLS0 + i]!;
      p.push(
        `label=${lseLabel(x)}/0x${lseLabel(y).toString(16)},tc=${lseTc(x)}/${lseTc(y).toString(16)},` +
          `ttl=${lseTtl(x)}/0x${lseTtl(y).toString(16)},bos=${lseBos(x)}/${lseBos(y).toString(16)}`,
      );
    }
  }
  return p.join(',');
}

/** VLAN TCI fields, as OVS's format_vlan_tci. */
export function fmtVlanTci(tci: number, mask: number, v: boolean): string {
  const p: string[] = [];
  const vid = tci & 0xfff;
  const vidM = mask & 0xfff;
  if (v || vid !== 0 || vidM !== 0) p.push(vidM === 0xfff ? `vid=${vid}` : `vid=${vid}/0x${vidM.toString(16)}`);
  const pcp = (tci >>> 13) & 7;
  const pcpM = (mask >>> 13) & 7;
  if (v || pcp !== 0 || pcpM !== 0) p.push(pcpM === 7 ? `pcp=${pcp}` : `pcp=${pcp}/0x${pcpM.toString(16)}`);
  if (!(tci & VLAN_CFI)) p.push('cfi=0');
  return p.join(',');
}

function tcpFlagsBody(k: Uint32Array, m: Uint32Array | null): string {
  const f = k[W_TCP_FLAGS]! & 0xffff;
  const mf = m === null ? 0xffff : m[W_TCP_FLAGS]! & 0xffff;
  if (mf === 0xffff) return fmtFlags(TCP_FLAG_NAMES, f);
  return fmtFlagsMasked(TCP_FLAG_NAMES, f, mf & 0xfff, 0xfff);
}

/** ct_state: tsovs keeps 8 bits, so a matched ct_state is never OVS's all-ones u32 mask. */
function ctStateBody(k: Uint32Array, m: Uint32Array | null, v: boolean): string {
  const s = k[W_CT]! & 0xff;
  if (m === null) return v ? hx(s) : fmtFlags(CT_STATE_NAMES, s);
  const ms = m[W_CT]! & 0xff;
  if (v) return `${hx(s)}/${hx(ms)}`;
  return fmtFlagsMasked(CT_STATE_NAMES, s, ms, 0xffffffff);
}

/** A u32 attribute printed as %#x with /%#x when not exact. */
function u32Body(k: number, m: number | null): string {
  return m === null || m >>> 0 === 0xffffffff ? hx(k) : `${hx(k)}/${hx(m)}`;
}

function ctZoneBody(k: Uint32Array, m: Uint32Array | null): string {
  const z = k[W_CT]! >>> 16;
  const mz = m === null ? 0xffff : m[W_CT]! >>> 16;
  return mz === 0xffff ? hx(z) : `${hx(z)}/${hx(mz)}`;
}

function ctLabelBody(k: Uint32Array, m: Uint32Array | null): string {
  const v = hexBig(wordsToBig(k, W_CT_LABEL, 4));
  if (m === null) return v;
  const mv = wordsToBig(m, W_CT_LABEL, 4);
  return mv === (1n << 128n) - 1n ? v : `${v}/${hexBig(mv)}`;
}

/** True when the tunnel key has an outer address (OVS prints tunnel() only then). */
export function tunnelPresent(k: Uint32Array): boolean {
  if (k[W_TUN_SRC] !== 0 || k[W_TUN_DST] !== 0) return true;
  for (let i = 0; i < 4; i++) if (k[W_TUN_IPV6_SRC + i] !== 0 || k[W_TUN_IPV6_DST + i] !== 0) return true;
  return false;
}

const nz4 = (a: Uint32Array, w: number): boolean => (a[w]! | a[w + 1]! | a[w + 2]! | a[w + 3]!) !== 0;

/**
 * Tunnel fields. With a mask, a field prints when its key or mask is non-zero (OVS
 * checks the key only, which loses matches on zero values); with no mask (a set
 * action), by OVS's tun_key_to_attr rules.
 */
function tunnelBody(k: Uint32Array, m: Uint32Array | null, v: boolean): string {
  const p: string[] = [];
  const flags = k[W_TUN_MISC]! & 0xf;
  const has = (kv: boolean, mv: boolean): boolean => kv || (m !== null && mv);
  const idHi = k[W_TUN_ID]!;
  const idLo = k[W_TUN_ID + 1]!;
  if (has((idHi | idLo) !== 0 || (flags & TUN_FLAG_KEY) !== 0, m !== null && (m[W_TUN_ID]! | m[W_TUN_ID + 1]!) !== 0)) {
    const kv = wordsToBig(k, W_TUN_ID, 2);
    const mv = m === null ? null : wordsToBig(m, W_TUN_ID, 2);
    if (v || mv !== 0n) {
      p.push(mv === null || mv === 0xffffffffffffffffn ? `tun_id=0x${kv.toString(16)}` : `tun_id=0x${kv.toString(16)}/${hexBig(mv)}`);
    }
  }
  if (has(k[W_TUN_SRC] !== 0, m !== null && m[W_TUN_SRC] !== 0)) fIpv4(p, 'src', k[W_TUN_SRC]!, mget(m, W_TUN_SRC), v);
  if (has(k[W_TUN_DST] !== 0, m !== null && m[W_TUN_DST] !== 0)) fIpv4(p, 'dst', k[W_TUN_DST]!, mget(m, W_TUN_DST), v);
  if (has(nz4(k, W_TUN_IPV6_SRC), m !== null && nz4(m, W_TUN_IPV6_SRC))) fIn6(p, 'ipv6_src', k, W_TUN_IPV6_SRC, m, v);
  if (has(nz4(k, W_TUN_IPV6_DST), m !== null && nz4(m, W_TUN_IPV6_DST))) fIn6(p, 'ipv6_dst', k, W_TUN_IPV6_DST, m, v);
  const misc = k[W_TUN_MISC]!;
  const mm = mget(m, W_TUN_MISC);
  if (has(misc >>> 24 !== 0, mm !== null && mm >>> 24 !== 0)) fU8x(p, 'tos', misc >>> 24, mm === null ? null : mm >>> 24, v);
  fU8u(p, 'ttl', (misc >>> 16) & 0xff, mm === null ? null : (mm >>> 16) & 0xff, v);
  const tp = k[W_TUN_TP]!;
  const mtp = mget(m, W_TUN_TP);
  if (has(tp >>> 16 !== 0, mtp !== null && mtp >>> 16 !== 0)) fBe16(p, 'tp_src', tp >>> 16, mtp === null ? null : mtp >>> 16, v);
  if (has((tp & 0xffff) !== 0, mtp !== null && (mtp & 0xffff) !== 0)) {
    fBe16(p, 'tp_dst', tp & 0xffff, mtp === null ? null : mtp & 0xffff, v);
  }
  const gbp = k[W_TUN_GBP]!;
  const mg = mget(m, W_TUN_GBP);
  if (has((gbp & 0xffffff00) !== 0, mg !== null && (mg & 0xffffff00) !== 0)) {
    const g: string[] = [];
    fBe16(g, 'id', gbp >>> 16, mg === null ? null : mg >>> 16, v);
    fU8x(g, 'flags', (gbp >>> 8) & 0xff, mg === null ? null : (mg >>> 8) & 0xff, v);
    p.push(`vxlan(gbp(${g.join(',')}))`);
  }
  if (m === null) {
    p.push(`flags(${fmtFlags(TUN_FLAG_NAMES, flags)})`);
  } else {
    const mf = m[W_TUN_MISC]! & 0xf;
    if (v || mf !== 0) p.push(`flags(${fmtFlagsMasked(TUN_FLAG_NAMES, flags, mf, 0xf)})`);
  }
  return p.join(',');
}

function inPortBody(k: Uint32Array, m: Uint32Array | null, portName?: (portNo: number) => string | undefined): string {
  const port = k[W_IN_PORT]!;
  const mp = m === null ? 0xffffffff : m[W_IN_PORT]! >>> 0;
  if (mp === 0xffffffff) return (portName && portName(port)) ?? String(port);
  return `${port}/${hx(mp)}`;
}

/**
 * The body (text inside the parentheses) of one attribute. `mask === null` prints the
 * key as fully masked (a non-masked set action). MPLS prints the outermost label only;
 * VLAN/ENCAP/ETH_TYPE are handled by formatDpKey.
 */
export function formatDpAttrBody(
  attr: OdpAttr,
  key: Uint32Array,
  mask: Uint32Array | null,
  verbose: boolean,
  portName?: (portNo: number) => string | undefined,
): string {
  switch (attr) {
    case OdpAttr.PRIORITY:
      return u32Body(key[W_SKB_PRIORITY]!, mget(mask, W_SKB_PRIORITY));
    case OdpAttr.SKB_MARK:
      return u32Body(key[W_SKB_MARK]!, mget(mask, W_SKB_MARK));
    case OdpAttr.RECIRC_ID:
      return u32Body(key[W_RECIRC_ID]!, mget(mask, W_RECIRC_ID));
    case OdpAttr.DP_HASH:
      return u32Body(key[W_DP_HASH]!, mget(mask, W_DP_HASH));
    case OdpAttr.CT_MARK:
      return u32Body(key[W_CT_MARK]!, mget(mask, W_CT_MARK));
    case OdpAttr.CT_STATE:
      return ctStateBody(key, mask, verbose);
    case OdpAttr.CT_ZONE:
      return ctZoneBody(key, mask);
    case OdpAttr.CT_LABEL:
      return ctLabelBody(key, mask);
    case OdpAttr.IN_PORT:
      return inPortBody(key, mask, portName);
    case OdpAttr.TUNNEL:
      return tunnelBody(key, mask, verbose);
    case OdpAttr.ETH:
      return ethBody(key, mask, verbose);
    case OdpAttr.MPLS:
      return mplsBody(key, mask, 1);
    case OdpAttr.IPV4:
      return ipv4Body(key, mask, verbose);
    case OdpAttr.IPV6:
      return ipv6Body(key, mask, verbose);
    case OdpAttr.TCP:
    case OdpAttr.UDP:
    case OdpAttr.SCTP:
      return tpBody(key, mask, verbose);
    case OdpAttr.TCP_FLAGS:
      return tcpFlagsBody(key, mask);
    case OdpAttr.ICMP:
    case OdpAttr.ICMPV6:
      return icmpBody(key, mask, verbose);
    case OdpAttr.ARP:
      return arpBody(key, mask, verbose);
    case OdpAttr.ND:
      return ndBody(key, mask, verbose);
    case OdpAttr.ETH_TYPE:
      return hx04(key[W_ETH_TYPE]!);
    default:
      return '';
  }
}

/** `name(body)` of one attribute (see formatDpAttrBody). */
export function formatDpAttr(
  attr: OdpAttr,
  key: Uint32Array,
  mask: Uint32Array | null,
  verbose: boolean,
  portName?: (portNo: number) => string | undefined,
): string {
  return `${ODP_ATTR_NAME[attr]}(${formatDpAttrBody(attr, key, mask, verbose, portName)})`;
}

/** True when the attribute's mask, in ODP form, is all zeros (non-verbose omits it). */
function attrWild(attr: OdpAttr, m: Uint32Array): boolean {
  switch (attr) {
    case OdpAttr.PRIORITY:
      return m[W_SKB_PRIORITY] === 0;
    case OdpAttr.SKB_MARK:
      return m[W_SKB_MARK] === 0;
    case OdpAttr.RECIRC_ID:
      return m[W_RECIRC_ID] === 0;
    case OdpAttr.DP_HASH:
      return m[W_DP_HASH] === 0;
    case OdpAttr.CT_MARK:
      return m[W_CT_MARK] === 0;
    case OdpAttr.CT_STATE:
      return (m[W_CT]! & 0xff) === 0;
    case OdpAttr.CT_ZONE:
      return m[W_CT]! >>> 16 === 0;
    case OdpAttr.CT_LABEL:
      return !nz4(m, W_CT_LABEL);
    case OdpAttr.IN_PORT:
      return m[W_IN_PORT] === 0;
    case OdpAttr.ETH:
      return getEthSrc(m) === 0 && getEthDst(m) === 0;
    case OdpAttr.IPV4:
      return m[W_IPV4_SRC] === 0 && m[W_IPV4_DST] === 0 && (m[W_NW]! & 0xffffff00) === 0 && !(m[W_NW]! & FRAG_ANY);
    case OdpAttr.IPV6:
      return (
        !nz4(m, W_IPV6_SRC) && !nz4(m, W_IPV6_DST) && m[W_IPV6_LABEL] === 0 && (m[W_NW]! & 0xffffff00) === 0 && !(m[W_NW]! & FRAG_ANY)
      );
    case OdpAttr.TCP:
    case OdpAttr.UDP:
    case OdpAttr.SCTP:
      return m[W_TP] === 0;
    case OdpAttr.TCP_FLAGS:
      return (m[W_TCP_FLAGS]! & 0xffff) === 0;
    case OdpAttr.ICMP:
    case OdpAttr.ICMPV6:
      return (m[W_TP]! & 0x00ff00ff) === 0;
    case OdpAttr.ARP:
      return (
        m[W_IPV4_SRC] === 0 && m[W_IPV4_DST] === 0 && m[W_NW]! >>> 24 === 0 && getArpSha(m) === 0 && getArpTha(m) === 0
      );
    case OdpAttr.ND:
      return !nz4(m, W_ND_TARGET) && getArpSha(m) === 0 && getArpTha(m) === 0;
    default:
      return false;
  }
}

/**
 * Format a datapath flow key and mask (FlowKey layout). Attributes and fields wildcarded
 * by `mask` are left out unless `opts.verbose`.
 */
export function formatDpKey(key: Uint32Array, mask: Uint32Array, opts?: DpKeyFormatOptions): string {
  const v = opts?.verbose === true;
  const out: string[] = [];
  const put = (attr: OdpAttr, m: Uint32Array = mask): void => {
    if (v || !attrWild(attr, m)) out.push(formatDpAttr(attr, key, m, v, opts?.portName));
  };
  put(OdpAttr.PRIORITY);
  if (tunnelPresent(key)) out.push(formatDpAttr(OdpAttr.TUNNEL, key, mask, v));
  put(OdpAttr.SKB_MARK);
  put(OdpAttr.CT_STATE);
  put(OdpAttr.CT_ZONE);
  put(OdpAttr.CT_MARK);
  put(OdpAttr.CT_LABEL);
  put(OdpAttr.RECIRC_ID);
  put(OdpAttr.DP_HASH);
  put(OdpAttr.IN_PORT);
  put(OdpAttr.ETH);
  formatL2Onward(key, mask, 0, v, out);
  return out.join(',');
}

/** eth_type / VLAN encapsulation / L3 / L4 attributes from VLAN level `level` inward. */
function formatL2Onward(k: Uint32Array, m: Uint32Array, level: number, v: boolean, out: string[]): void {
  const dlType = k[W_ETH_TYPE]! & 0xffff;
  const dlMask = m[W_ETH_TYPE]! & 0xffff;
  if (level < MAX_VLAN_HEADERS) {
    const vw = k[W_VLAN0 + level]!;
    const vm = m[W_VLAN0 + level]!;
    let tci = vw & 0xffff;
    let tpid = vw >>> 16;
    let tpidMask = vm >>> 16;
    const truncated = tci === 0 && isVlanEthType(dlType);
    if (tci !== 0 || truncated) {
      if (truncated) {
        // A VLAN header cut short: OVS keeps its TPID in dl_type.
        tpid = dlType;
        tpidMask = dlMask;
        tci = 0;
      }
      if (v || tpidMask !== 0) out.push(`eth_type(${tpidMask === 0xffff ? hx04(tpid) : `${hx04(tpid)}/${hx04(tpidMask)}`})`);
      if (v || (vm & 0xffff) !== 0) out.push(`vlan(${fmtVlanTci(tci, vm & 0xffff, v)})`);
      const inner: string[] = [];
      if (!truncated) formatL2Onward(k, m, level + 1, v, inner);
      out.push(`encap(${inner.join(',')})`);
      return;
    }
  }
  if (dlType < ETH_TYPE_MIN) {
    // No Ethertype (802.2, stored as 0x05ff): OVS prints only the mask, as eth_type(0/0xffff).
    if (v || dlMask !== 0) {
      const shown = dlType === 0 || dlType === ETH_TYPE_NONE ? '0' : hx04(dlType);
      out.push(`eth_type(${shown}/${hx04(dlMask)})`);
    }
    return;
  }
  if (v || dlMask !== 0) out.push(`eth_type(${dlMask === 0xffff ? hx04(dlType) : `${hx04(dlType)}/${hx04(dlMask)}`})`);
  if (isVlanEthType(dlType)) return;

  const put = (attr: OdpAttr, mm: Uint32Array = m): void => {
    if (v || !attrWild(attr, mm)) out.push(formatDpAttr(attr, k, mm, v));
  };
  let isIp = false;
  switch (dlType) {
    case ETH_TYPE_IP:
      put(OdpAttr.IPV4);
      isIp = true;
      break;
    case ETH_TYPE_IPV6:
      put(OdpAttr.IPV6);
      isIp = true;
      break;
    case ETH_TYPE_ARP:
    case ETH_TYPE_RARP:
      put(OdpAttr.ARP);
      break;
    case ETH_TYPE_MPLS:
    case ETH_TYPE_MPLS_MCAST: {
      const n = countMplsLabels(k);
      let wild = true;
      for (let i = 0; i < n; i++) if (m[W_MPLS0 + i] !== 0) wild = false;
      if (n > 0 && (v || !wild)) out.push(`mpls(${mplsBody(k, m, n)})`);
      break;
    }
    default:
      break;
  }
  if (!isIp || k[W_NW]! & FRAG_LATER) return;
  const proto = k[W_NW]! >>> 24;
  if (proto === 6) {
    put(OdpAttr.TCP);
    if ((k[W_TCP_FLAGS]! & 0xffff) !== 0 || (m[W_TCP_FLAGS]! & 0xffff) !== 0) put(OdpAttr.TCP_FLAGS);
  } else if (proto === 17) {
    put(OdpAttr.UDP);
  } else if (proto === 132) {
    put(OdpAttr.SCTP);
  } else if (proto === 1 && dlType === ETH_TYPE_IP) {
    put(OdpAttr.ICMP);
  } else if (proto === 58 && dlType === ETH_TYPE_IPV6) {
    put(OdpAttr.ICMPV6);
    const type = k[W_TP]! >>> 16;
    if ((type === 135 || type === 136) && (k[W_TP]! & 0xffff) === 0) {
      // OVS 3.1 exports the ND mask only when ICMPv6 type and code are exact.
      const mt = m[W_TP]!;
      put(OdpAttr.ND, (mt & 0x00ff00ff) === 0x00ff00ff ? m : ZERO_KEY);
    }
  }
}
