/*
 * Megaflow table benchmark: lookups per second with exact-match cache hits and through
 * 1, 10 and 50 subtables at 1k, 100k and 1M flows (cache off), bytes per megaflow at 1M
 * flows, and heap growth per million lookups. Rates are per second of this process's CPU
 * time. Run alone: node --expose-gc dist/bench/megaflow.bench.js
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
import { cpuSeconds, mix, type BenchResult } from './result.js';

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

/** The words a packet key of this benchmark may have non-zero, in pool order. */
const POOL_WORDS = [W_IN_PORT, W_ETH_HI, W_ETH_DST, W_ETH_SRC, W_ETH_TYPE, W_IPV4_SRC, W_IPV4_DST, W_NW, W_TP];
const PW = POOL_WORDS.length;

export interface Built {
  table: MegaflowTable<number>;
  /**
   * Packet keys of random installed flows, compact (PW words each, power-of-two count):
   * each lookup writes one into a scratch key, as extraction would, so the key is hot and
   * the benchmark measures the table, not a cold pool of 304-byte keys.
   */
  pool: Uint32Array;
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
  const pool = new Uint32Array(poolSize * PW);
  for (let p = 0; p < poolSize; p++) {
    const f = mix(p, 99) % nFlows;
    packetKey(k, f % nSub, f);
    for (let j = 0; j < PW; j++) pool[p * PW + j] = k[POOL_WORDS[j]!]!;
  }
  return { table, pool };
}

/** Pool size: a power of two at least the flow count (so big tables are looked up all over). */
function poolFor(nFlows: number): number {
  let p = 1024;
  while (p < nFlows) p *= 2;
  return p;
}

const scratch = new Uint32Array(FLOW_WORDS);

export function lookups(table: MegaflowTable<number>, pool: Uint32Array, n: number): number {
  const m = pool.length / PW - 1;
  const k = scratch;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const o = (i & m) * PW;
    k[W_IN_PORT] = pool[o]!;
    k[W_ETH_HI] = pool[o + 1]!;
    k[W_ETH_DST] = pool[o + 2]!;
    k[W_ETH_SRC] = pool[o + 3]!;
    k[W_ETH_TYPE] = pool[o + 4]!;
    k[W_IPV4_SRC] = pool[o + 5]!;
    k[W_IPV4_DST] = pool[o + 6]!;
    k[W_NW] = pool[o + 7]!;
    k[W_TP] = pool[o + 8]!;
    if (table.lookup(k) >= 0) hits++;
  }
  return hits;
}

/** Lookups per CPU second over `keys` (warm-up first); every lookup must hit. */
function rate(b: Built, n: number): number {
  lookups(b.table, b.pool, Math.min(n, 200000));
  const t0 = cpuSeconds();
  const hits = lookups(b.table, b.pool, n);
  const secs = cpuSeconds() - t0;
  if (hits !== n) throw new Error(`megaflow bench: ${n - hits} lookups missed`);
  return n / secs;
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

function heapNow(): number {
  if (gc) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const mpps = (v: number): number => Math.round(v / 1e4) / 100;
const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/** One measurement, run in a process of its own (see benchMegaflow). */
function runCase(name: string): BenchResult[] {
  const [kind, a, b] = name.split(':');
  const nSub = Number(a);
  const nFlows = Number(b);
  switch (kind) {
    case 'emc': {
      // A working set that fits the cache. (Below EMC_MIN_MASKS subtables the table skips the cache.)
      const t = build(nSub, nFlows, 8192, 1024);
      const r = rate(t, 20_000_000);
      if (t.table.nCacheHit < 20_000_000) throw new Error(`megaflow bench: only ${t.table.nCacheHit} EMC hits`);
      return [{ name: `megaflow lookup, EMC hit, ${nFlows / 1000}k flows, ${plural(nSub, 'subtable')}`, value: mpps(r), unit: 'Mlookups/s' }];
    }
    case 'emcmiss': {
      const t = build(nSub, nFlows, 8192, poolFor(nFlows));
      return [{ name: `megaflow lookup, EMC on but mostly missing, ${nFlows / 1000}k flows, ${plural(nSub, 'subtable')}`, value: mpps(rate(t, 2_000_000)), unit: 'Mlookups/s' }];
    }
    case 'cls': {
      const t = build(nSub, nFlows, 0, poolFor(nFlows));
      const n = nSub === 1 ? 10_000_000 : nSub === 10 ? 4_000_000 : 1_000_000;
      return [{ name: `megaflow lookup, no EMC, ${plural(nSub, 'subtable')}, ${nFlows / 1000}k flows`, value: mpps(rate(t, n)), unit: 'Mlookups/s' }];
    }
    case 'mem': {
      // Bytes per megaflow: the table's own count, and as seen by the heap.
      const before = heapNow();
      const t = build(nSub, nFlows, 8192, 2);
      const after = heapNow();
      const what = `bytes per megaflow, ${nFlows / 1e6}M flows, ${plural(nSub, 'subtable')}`;
      return [
        { name: `${what} (memoryBytes)`, value: Math.round(t.table.memoryBytes() / t.table.size), unit: 'B' },
        { name: `${what} (heap delta)`, value: Math.round((after - before) / t.table.size), unit: 'B' },
      ];
    }
    case 'heap': {
      // Heap growth per million lookups: the steady state must not allocate.
      const emc = nFlows === 0 ? 0 : 8192;
      // Warm up until the JIT has settled, then take the median of three rounds.
      const t = build(nSub, 100_000, emc, poolFor(100_000));
      lookups(t.table, t.pool, 8_000_000);
      const rounds: number[] = [];
      for (let r = 0; r < 3; r++) {
        heapNow();
        const m0 = process.memoryUsage().heapUsed;
        lookups(t.table, t.pool, 1_000_000);
        rounds.push(Math.max(0, process.memoryUsage().heapUsed - m0));
      }
      const grown = rounds.sort((x, y) => x - y)[1]!;
      const note = gc ? '' : ' (no --expose-gc: approximate)';
      return [{ name: `heap growth per 1M lookups, ${plural(nSub, 'subtable')}, 100k flows, EMC ${emc ? 'on' : 'off'}${note}`, value: grown, unit: 'B' }];
    }
    default:
      throw new Error(`megaflow bench: unknown case ${name}`);
  }
}

const CASES = [
  'emc:3:1000',
  'emc:10:1000',
  'emcmiss:10:100000',
  ...[1, 10, 50].flatMap((s) => [1000, 100_000, 1_000_000].map((f) => `cls:${s}:${f}`)),
  'mem:1:1000000',
  'mem:10:1000000',
  'heap:10:1',
  'heap:10:0',
];

/**
 * Every measurement, each in a fresh Node process so that one case's JIT feedback (EMC on
 * or off, other mask shapes) does not slow the next: a switch has one table, not twelve.
 */
export function benchMegaflow(): BenchResult[] {
  const self = fileURLToPath(import.meta.url);
  const out: BenchResult[] = [];
  for (const c of CASES) {
    const text = execFileSync(process.execPath, ['--expose-gc', self, '--case', c], { encoding: 'utf8' });
    out.push(...(JSON.parse(text) as BenchResult[]));
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--case');
  if (i > 0) {
    process.stdout.write(JSON.stringify(runCase(process.argv[i + 1] ?? '')));
  } else {
    for (const r of benchMegaflow()) console.log(`${r.name.padEnd(80)} ${String(r.value).padStart(10)} ${r.unit}`);
  }
}
