/*
 * Test helpers for the OpenFlow classifier: building matches field by field, a seeded PRNG,
 * random rule sets and packets over a handful of fields, and the linear-scan reference
 * classifier the real one is compared with.
 */
import {
  FLOW_WORDS,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_TYPE,
  W_IN_PORT,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_IPV6_DST,
  W_METADATA,
  W_NW,
  W_REG0,
  W_TCP_FLAGS,
  W_TP,
  W_VLAN0,
} from '../../src/flow/layout.js';
import type { ClsRule } from '../../src/ofproto/classifier/classifier.js';

export const ALL = 0xffffffff;

/** Top `n` bits of a 32-bit word, unsigned. */
export function prefixMask(n: number): number {
  return n <= 0 ? 0 : n >= 32 ? ALL : (ALL << (32 - n)) >>> 0;
}

export function ip4(s: string): number {
  const p = s.split('.').map(Number);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

/** Field values for a match: [value, mask] pairs, or a value for an exact match. */
export interface MatchSpec {
  in_port?: number;
  eth_type?: number;
  nw_proto?: number;
  ipv4_src?: [string, number];
  ipv4_dst?: [string, number];
  /** Four words and a prefix length. */
  ipv6_dst?: [number[], number];
  tp_src?: number | [number, number];
  tp_dst?: number | [number, number];
  tcp_flags?: [number, number];
  reg0?: number | [number, number];
  metadata?: number;
  eth_dst?: number;
  vlan_tci?: [number, number];
}

type Pair = [number, number];
const pair = (v: number | Pair, full: number): Pair => (typeof v === 'number' ? [v, full] : v);

/** Build {key, mask} (key already masked) from a spec. */
export function match(spec: MatchSpec): { key: Uint32Array; mask: Uint32Array } {
  const key = new Uint32Array(FLOW_WORDS);
  const mask = new Uint32Array(FLOW_WORDS);
  const set = (w: number, v: number, m: number, shift = 0): void => {
    const mm = (m << shift) >>> 0;
    mask[w] = (mask[w]! | mm) >>> 0;
    key[w] = ((key[w]! & ~mm) | ((v << shift) & mm)) >>> 0;
  };
  if (spec.in_port !== undefined) set(W_IN_PORT, spec.in_port, ALL);
  if (spec.eth_type !== undefined) set(W_ETH_TYPE, spec.eth_type, 0xffff);
  if (spec.nw_proto !== undefined) set(W_NW, spec.nw_proto, 0xff, 24);
  if (spec.ipv4_src !== undefined) set(W_IPV4_SRC, ip4(spec.ipv4_src[0]), prefixMask(spec.ipv4_src[1]));
  if (spec.ipv4_dst !== undefined) set(W_IPV4_DST, ip4(spec.ipv4_dst[0]), prefixMask(spec.ipv4_dst[1]));
  if (spec.ipv6_dst !== undefined) {
    const [ws, plen] = spec.ipv6_dst;
    for (let i = 0; i < 4; i++) set(W_IPV6_DST + i, ws[i]!, prefixMask(plen - 32 * i));
  }
  if (spec.tp_src !== undefined) {
    const [v, m] = pair(spec.tp_src, 0xffff);
    set(W_TP, v, m, 16);
  }
  if (spec.tp_dst !== undefined) {
    const [v, m] = pair(spec.tp_dst, 0xffff);
    set(W_TP, v, m);
  }
  if (spec.tcp_flags !== undefined) set(W_TCP_FLAGS, spec.tcp_flags[0], spec.tcp_flags[1]);
  if (spec.reg0 !== undefined) {
    const [v, m] = pair(spec.reg0, ALL);
    set(W_REG0, v, m);
  }
  if (spec.metadata !== undefined) set(W_METADATA + 1, spec.metadata, ALL);
  if (spec.eth_dst !== undefined) {
    set(W_ETH_HI, Math.floor(spec.eth_dst / 2 ** 32) & 0xffff, 0xffff, 16);
    set(W_ETH_DST, spec.eth_dst >>> 0, ALL);
  }
  if (spec.vlan_tci !== undefined) set(W_VLAN0, spec.vlan_tci[0], spec.vlan_tci[1]);
  return { key, mask };
}

/** A flow (packet key) with the given field values (exact). */
export function flowOf(spec: MatchSpec): Uint32Array {
  return match(spec).key;
}

export function rule<R>(spec: MatchSpec, priority: number, data: R): ClsRule<R> {
  const { key, mask } = match(spec);
  return { key, mask, priority, data };
}

/** mulberry32: a small seeded PRNG. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
}

export function matches(flow: Uint32Array, key: Uint32Array, mask: Uint32Array): boolean {
  for (let w = 0; w < FLOW_WORDS; w++) if (((flow[w]! ^ key[w]!) & mask[w]!) !== 0) return false;
  return true;
}

/** Linear-scan reference: every highest-priority rule matching `flow`. */
export function refWinners<R>(rules: readonly ClsRule<R>[], flow: Uint32Array): ClsRule<R>[] {
  let best: ClsRule<R>[] = [];
  for (const r of rules) {
    if (!matches(flow, r.key, r.mask)) continue;
    if (best.length === 0 || r.priority > best[0]!.priority) best = [r];
    else if (r.priority === best[0]!.priority) best.push(r);
  }
  return best;
}

// --- random rule sets over a handful of fields -----------------------------------

/** Small value pools so that random rules and packets overlap. */
const PORTS = [1, 2, 3, 4];
const ETH_TYPES = [0x0800, 0x0800, 0x0800, 0x86dd, 0x0806];
const PROTOS = [6, 17, 1];
const NETS = ['10.0.0.0', '10.1.0.0', '10.1.2.0', '10.1.2.15', '192.168.0.0', '192.168.1.1', '172.16.5.0', '10.128.0.0'];
const L4 = [22, 53, 79, 80, 443, 8080, 1024, 65535];
const MACS = [0x001122334455, 0x0011223344aa, 0x010000000001, 0x0a0b0c0d0e0f];

/** A mask shape: which fields a rule matches, with prefix lengths / partial masks. */
export interface Shape {
  in_port: boolean;
  eth_type: boolean;
  nw_proto: boolean;
  src: number; // ipv4_src prefix length, 0 = wildcard
  dst: number;
  tp_src: number; // mask, 0 = wildcard
  tp_dst: number;
  reg0: number;
  tcp_flags: number;
  metadata: boolean;
  eth_dst: boolean;
  vlan: number;
  v6dst: number;
}

export function randomShape(rng: Rng): Shape {
  const plen = (): number => (rng.chance(0.5) ? 0 : rng.pick([8, 12, 16, 20, 24, 28, 31, 32, 32]));
  const l4m = (): number => (rng.chance(0.6) ? 0 : rng.pick([0xffff, 0xffff, 0xff00, 0xfff0, 0x8000]));
  return {
    in_port: rng.chance(0.5),
    eth_type: rng.chance(0.7),
    nw_proto: rng.chance(0.4),
    src: plen(),
    dst: plen(),
    tp_src: l4m(),
    tp_dst: l4m(),
    reg0: rng.chance(0.8) ? 0 : rng.pick([ALL, 0xff, 0xf0000000]),
    tcp_flags: rng.chance(0.8) ? 0 : rng.pick([0x008, 0x012, 0xfff]),
    metadata: rng.chance(0.15),
    eth_dst: rng.chance(0.2),
    vlan: rng.chance(0.85) ? 0 : rng.pick([0x1fff, 0x1000]),
    v6dst: rng.chance(0.85) ? 0 : rng.pick([16, 48, 64, 100, 128]),
  };
}

function randomV6(rng: Rng): number[] {
  return [rng.pick([0x20010db8, 0xfe800000, 0x20010db9]), rng.pick([0, 1, 0xffff0000]), rng.int(4), rng.pick([1, 2, 0x80000000])];
}

/** A rule of the given shape with values from the pools. */
export function randomRule(rng: Rng, shape: Shape, priority: number, data: number): ClsRule<number> {
  const spec: MatchSpec = {};
  if (shape.in_port) spec.in_port = rng.pick(PORTS);
  if (shape.eth_type) spec.eth_type = rng.pick(ETH_TYPES);
  if (shape.nw_proto) spec.nw_proto = rng.pick(PROTOS);
  if (shape.src) spec.ipv4_src = [rng.pick(NETS), shape.src];
  if (shape.dst) spec.ipv4_dst = [rng.pick(NETS), shape.dst];
  if (shape.tp_src) spec.tp_src = [rng.pick(L4), shape.tp_src];
  if (shape.tp_dst) spec.tp_dst = [rng.pick(L4), shape.tp_dst];
  if (shape.reg0) spec.reg0 = [rng.pick([0, 1, 7, 0xf0000001]), shape.reg0];
  if (shape.tcp_flags) spec.tcp_flags = [rng.pick([0, 0x008, 0x002, 0x012, 0x010]), shape.tcp_flags];
  if (shape.metadata) spec.metadata = rng.int(3);
  if (shape.eth_dst) spec.eth_dst = rng.pick(MACS);
  if (shape.vlan) spec.vlan_tci = [0x1000 | rng.pick([10, 20]), shape.vlan];
  if (shape.v6dst) spec.ipv6_dst = [randomV6(rng), shape.v6dst];
  return rule(spec, priority, data);
}

/** A random packet key; with a rule given, one that matches it before `noise` mutations. */
export function randomFlow(rng: Rng, base: ClsRule<number> | null, noise: number): Uint32Array {
  const f = flowOf({
    in_port: rng.pick(PORTS),
    eth_type: rng.pick(ETH_TYPES),
    nw_proto: rng.pick(PROTOS),
    ipv4_src: [rng.pick(NETS), 32],
    ipv4_dst: [rng.pick(NETS), 32],
    ipv6_dst: [randomV6(rng), 128],
    tp_src: rng.pick(L4),
    tp_dst: rng.pick(L4),
    reg0: rng.pick([0, 1, 7, 0xf0000001]),
    metadata: rng.int(3),
    eth_dst: rng.pick(MACS),
    vlan_tci: [0x1000 | rng.pick([10, 20]), 0xffff],
  });
  // Low address bits vary too, so prefixes are tested below their length.
  f[W_IPV4_SRC] = (f[W_IPV4_SRC]! ^ (rng.chance(0.5) ? rng.int(256) : 0)) >>> 0;
  f[W_IPV4_DST] = (f[W_IPV4_DST]! ^ (rng.chance(0.5) ? rng.int(256) : 0)) >>> 0;
  f[W_TCP_FLAGS] = rng.chance(0.5) ? rng.pick([0, 0x008, 0x002, 0x012, 0x010]) : rng.int(0x1000);
  if (base !== null) for (let w = 0; w < FLOW_WORDS; w++) f[w] = ((f[w]! & ~base.mask[w]!) | base.key[w]!) >>> 0;
  for (let i = 0; i < noise; i++) {
    const w = rng.pick([W_IN_PORT, W_ETH_TYPE, W_NW, W_IPV4_SRC, W_IPV4_DST, W_TP, W_TCP_FLAGS, W_REG0, W_ETH_DST, W_VLAN0, W_IPV6_DST + 1]);
    f[w] = (f[w]! ^ (1 << rng.int(32))) >>> 0;
  }
  return f;
}
