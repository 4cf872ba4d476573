/*
 * Megaflow table benchmark: lookups per second with exact-match cache hits and through
 * 1, 10 and 50 subtables at 1k, 100k and 1M flows (cache off), bytes per megaflow at 1M
 * flows, and heap growth per million lookups. Run alone: node --expose-gc dist/bench/megaflow.bench.js
 */
import { pathToFileURL } from 'node:url';
import { MegaflowTable } from '../src/datapath/megaflow-table.js';
import {
  FLOW_WORDS,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_ETH_TYPE,
  W_IN_PORT,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_NW,
  W_TP,
} from '../src/flow/layout.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

/** Deterministic 32-bit mix of (a, b) for reproducible keys. */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Write into `k` the packet key of flow `i` of subtable `s`: TCP over IPv4, in_port s + 1. */
function packetKey(k: Uint32Array, s: number, i: number): void {
  k.fill(0);
  k[W_IN_PORT] = s + 1;
  k[W_ETH_HI] = mix(i, 1) & 0xfeff_feff;
  k[W_ETH_DST] = mix(i, 2);
  k[W_ETH_SRC] = mix(i, 3);
  k[W_ETH_TYPE] = 0x0800;
  k[W_IPV4_SRC] = mix(i, 4);
  k[W_IPV4_DST] = mix(i, 5);
  k[W_NW] = (6 << 24) | (64 << 8);
  k[W_TP] = mix(i, 6);
}

/** Mask of subtable s: in_port, eth_type, nw_proto, ports, ipv4_dst/(32 - s % 25), ipv4_src if s >= 25. */
function subtableMask(s: number): Uint32Array {
  const m = new Uint32Array(FLOW_WORDS);
  m[W_IN_PORT] = 0xffffffff;
  m[W_ETH_TYPE] = 0xffff;
  m[W_NW] = 0xff000000;
  m[W_TP] = 0xffffffff;
  const plen = 32 - (s % 25);
  m[W_IPV4_DST] = plen === 32 ? 0xffffffff : (0xffffffff << (32 - plen)) >>> 0;
  if (s >= 25) m[W_IPV4_SRC] = 0xffffffff;
  return m;
}

interface Built {
  table: MegaflowTable<number>;
  /** Packet keys of random installed flows (power-of-two count), views into one buffer. */
  keys: Uint32Array[];
}

export function build(nSub: number, nFlows: number, emcEntries: number, poolSize: number): Built {
  const table = new MegaflowTable<number>({ emcEntries, initialCapacity: 1024 });
  const masks: Uint32Array[] = [];
  for (let s = 0; s < nSub; s++) masks.push(subtableMask(s));
  const k = new Uint32Array(FLOW_WORDS);
  const action = 1;
  for (let f = 0; f < nFlows; f++) {
    const s = f % nSub;
    packetKey(k, s, f);
    if (table.find(k, masks[s]!) < 0) table.insert(k, masks[s]!, action);
  }
  const buf = new Uint32Array(poolSize * FLOW_WORDS);
  const keys: Uint32Array[] = [];
  for (let p = 0; p < poolSize; p++) {
    const f = mix(p, 99) % nFlows;
    const view = buf.subarray(p * FLOW_WORDS, (p + 1) * FLOW_WORDS);
    packetKey(view, f % nSub, f);
    keys.push(view);
  }
  return { table, keys };
}

export function lookups(table: MegaflowTable<number>, keys: Uint32Array[], n: number): number {
  const m = keys.length - 1;
  let hits = 0;
  for (let i = 0; i < n; i++) if (table.lookup(keys[i & m]!) >= 0) hits++;
  return hits;
}

/** Lookups per second over `keys` (warm-up first); every lookup must hit. */
function rate(b: Built, n: number): number {
  lookups(b.table, b.keys, Math.min(n, 200000));
  const t0 = performance.now();
  const hits = lookups(b.table, b.keys, n);
  const secs = (performance.now() - t0) / 1000;
  if (hits !== n) throw new Error(`megaflow bench: ${n - hits} lookups missed`);
  return n / secs;
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

function heapNow(): number {
  if (gc) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export function benchMegaflow(): BenchResult[] {
  const out: BenchResult[] = [];
  const mpps = (v: number): number => Math.round(v / 1e4) / 100;

  // Exact-match cache hits: 1k flows, a working set that fits the cache.
  {
    const b = build(1, 1000, 8192, 1024);
    const hit0 = b.table.nCacheHit;
    out.push({ name: 'megaflow lookup, EMC hit (1k flows, 1 subtable)', value: mpps(rate(b, 20_000_000)), unit: 'Mlookups/s' });
    const hits = b.table.nCacheHit - hit0;
    if (hits < 20_000_000) throw new Error(`megaflow bench: only ${hits} EMC hits`);
    const b10 = build(10, 1000, 8192, 1024);
    out.push({ name: 'megaflow lookup, EMC hit (1k flows, 10 subtables)', value: mpps(rate(b10, 20_000_000)), unit: 'Mlookups/s' });
  }

  // Classifier only (EMC off).
  for (const nSub of [1, 10, 50]) {
    for (const nFlows of [1000, 100_000, 1_000_000]) {
      const b = build(nSub, nFlows, 0, 65536);
      const n = nSub === 1 ? 10_000_000 : nSub === 10 ? 4_000_000 : 1_000_000;
      out.push({
        name: `megaflow lookup, no EMC, ${nSub} subtable${nSub > 1 ? 's' : ''}, ${nFlows / 1000}k flows`,
        value: mpps(rate(b, n)),
        unit: 'Mlookups/s',
      });
    }
  }

  // Bytes per megaflow at 1M flows (table's own count, and as seen by the heap).
  for (const nSub of [1, 10]) {
    const before = heapNow();
    const b = build(nSub, 1_000_000, 8192, 2);
    const after = heapNow();
    out.push({ name: `bytes per megaflow, 1M flows, ${nSub} subtable${nSub > 1 ? 's' : ''} (memoryBytes)`, value: Math.round(b.table.memoryBytes() / b.table.size), unit: 'B' });
    out.push({ name: `bytes per megaflow, 1M flows, ${nSub} subtable${nSub > 1 ? 's' : ''} (heap delta)`, value: Math.round((after - before) / b.table.size), unit: 'B' });
  }

  // Heap growth per million lookups (steady state must not allocate).
  for (const emc of [8192, 0]) {
    const b = build(10, 100_000, emc, 65536);
    lookups(b.table, b.keys, 1_000_000);
    const before = heapNow();
    const m0 = process.memoryUsage().heapUsed;
    lookups(b.table, b.keys, 1_000_000);
    const grown = process.memoryUsage().heapUsed - m0;
    void before;
    out.push({ name: `heap growth per 1M lookups (10 subtables, 100k flows, EMC ${emc ? 'on' : 'off'})`, value: Math.max(0, grown), unit: 'B' });
  }
  if (!gc) out.push({ name: 'note: run with --expose-gc for exact heap figures', value: 0, unit: '' });
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of benchMegaflow()) console.log(`${r.name.padEnd(72)} ${String(r.value).padStart(10)} ${r.unit}`);
}
