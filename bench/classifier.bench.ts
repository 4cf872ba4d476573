/*
 * OpenFlow classifier benchmark: lookups per second at 10k and 100k rules of a realistic
 * mix (L2 forwarding, IPv4 routes of many prefix lengths, 5-tuple-ish ACLs, port/VLAN
 * rules, register pipeline stages, a catch-all), with and without wildcard tracking,
 * with prefix tracking off (cheaper lookups, wider megaflow masks), insertion rate, and heap
 * growth per million lookups.
 * Run alone: node --expose-gc dist/bench/classifier.bench.js
 */
import { pathToFileURL } from 'node:url';
import { Classifier } from '../src/ofproto/classifier/classifier.js';
import type { ClassifierOptions, ClsRule } from '../src/ofproto/classifier/classifier.js';
import {
  FLOW_WORDS,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_TYPE,
  W_IN_PORT,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_METADATA,
  W_NW,
  W_REG0,
  W_TP,
  W_VLAN0,
} from '../src/flow/layout.js';
import { cpuSeconds, mix, type BenchResult } from './result.js';

const pfx = (n: number): number => (n === 0 ? 0 : n === 32 ? 0xffffffff : (0xffffffff << (32 - n)) >>> 0);
const ROUTE_PLENS = [8, 12, 16, 16, 20, 22, 24, 24, 24, 24, 26, 28, 30, 32, 32];
const ACL_SRC_PLENS = [16, 24, 32];

/** Rule `i` of the mix (kind chosen by i % 20). */
function makeRule(i: number): ClsRule<number> {
  const key = new Uint32Array(FLOW_WORDS);
  const mask = new Uint32Array(FLOW_WORDS);
  const set = (w: number, v: number, m: number): void => {
    mask[w] = m >>> 0;
    key[w] = (v & m) >>> 0;
  };
  const r = mix(i, 7);
  const k = i % 20;
  let priority: number;
  if (k < 8) {
    // L2 forwarding: metadata (logical switch) + eth_dst.
    set(W_METADATA + 1, r & 63, 0xffffffff);
    set(W_ETH_HI, mix(i, 1) & 0xfeff0000, 0xffff0000);
    set(W_ETH_DST, mix(i, 2), 0xffffffff);
    priority = 50;
  } else if (k < 13) {
    // IPv4 routes: longest prefix first.
    const plen = ROUTE_PLENS[r % ROUTE_PLENS.length]!;
    set(W_ETH_TYPE, 0x0800, 0xffff);
    set(W_IPV4_DST, 0x0a000000 | (mix(i, 3) & 0x00ffffff), pfx(plen));
    priority = 100 + plen;
  } else if (k < 17) {
    // ACLs: ip proto, source prefix, destination port.
    const plen = ACL_SRC_PLENS[r % ACL_SRC_PLENS.length]!;
    set(W_ETH_TYPE, 0x0800, 0xffff);
    set(W_NW, ((r & 1) === 0 ? 6 : 17) << 24, 0xff000000);
    set(W_IPV4_SRC, 0xac100000 | (mix(i, 4) & 0x000fffff), pfx(plen));
    set(W_TP, mix(i, 5) & 0x3ff, 0x0000ffff);
    priority = 1000 + (mix(i, 6) % 1000);
  } else if (k < 19) {
    // Port + VLAN.
    set(W_IN_PORT, 1 + (r % 64), 0xffffffff);
    set(W_VLAN0, 0x1000 | (mix(i, 8) & 0xfff), 0x1fff);
    priority = 200;
  } else {
    // Pipeline stage: reg0 + metadata.
    set(W_REG0, mix(i, 9), 0xffffffff);
    set(W_METADATA + 1, r & 63, 0xffffffff);
    priority = 10;
  }
  return { key, mask, priority, data: i };
}

/** A packet that hits rule `i` (other fields random), or a random packet when `miss`. */
function packetFor(k: Uint32Array, rules: ClsRule<number>[], p: number, miss: boolean): void {
  k.fill(0);
  k[W_IN_PORT] = 1 + (mix(p, 11) % 64);
  k[W_METADATA + 1] = mix(p, 12) & 63;
  k[W_ETH_HI] = (mix(p, 13) & 0xfeff0000) | (mix(p, 14) & 0xffff);
  k[W_ETH_DST] = mix(p, 15);
  k[W_ETH_TYPE] = 0x0800;
  k[W_VLAN0] = 0x1000 | (mix(p, 16) & 0xfff);
  k[W_IPV4_SRC] = 0xac100000 | (mix(p, 17) & 0x000fffff);
  k[W_IPV4_DST] = 0x0a000000 | (mix(p, 18) & 0x00ffffff);
  k[W_NW] = (((mix(p, 19) & 1) === 0 ? 6 : 17) << 24) | (64 << 8);
  k[W_TP] = mix(p, 20) & 0x03ff03ff;
  k[W_REG0] = mix(p, 21);
  if (miss) return;
  const r = rules[mix(p, 22) % rules.length]!;
  for (let w = 0; w < FLOW_WORDS; w++) k[w] = ((k[w]! & ~r.mask[w]!) | r.key[w]!) >>> 0;
}

export interface Built {
  cls: Classifier<number>;
  flows: Uint32Array[];
  insertSecs: number;
}

export function build(nRules: number, nFlows: number, opts: ClassifierOptions = {}): Built {
  const rules: ClsRule<number>[] = [];
  for (let i = 0; i < nRules - 1; i++) rules.push(makeRule(i));
  rules.push({ key: new Uint32Array(FLOW_WORDS), mask: new Uint32Array(FLOW_WORDS), priority: 0, data: -1 });
  const cls = new Classifier<number>(opts);
  const t0 = cpuSeconds();
  for (const r of rules) cls.insert(r);
  const insertSecs = cpuSeconds() - t0;
  const buf = new Uint32Array(nFlows * FLOW_WORDS);
  const flows: Uint32Array[] = [];
  for (let p = 0; p < nFlows; p++) {
    const v = buf.subarray(p * FLOW_WORDS, (p + 1) * FLOW_WORDS);
    packetFor(v, rules, p, p % 5 === 0);
    flows.push(v);
  }
  return { cls, flows, insertSecs };
}

export function run(b: Built, n: number, withWc: boolean): number {
  const wc = new Uint32Array(FLOW_WORDS);
  const m = b.flows.length - 1;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const f = b.flows[i & m]!;
    if (withWc) wc.fill(0);
    const r = b.cls.lookup(f, withWc ? wc : null);
    if (r !== null && r.data >= 0) hits++;
  }
  return hits;
}

/** Lookups per CPU second: the best of 5 rounds of n/5 (the machine may be shared). */
function rate(b: Built, n: number, withWc: boolean): number {
  run(b, Math.min(n, 100_000), withWc);
  let best = 0;
  const per = Math.ceil(n / 5);
  for (let k = 0; k < 5; k++) {
    const t0 = cpuSeconds();
    run(b, per, withWc);
    best = Math.max(best, per / (cpuSeconds() - t0));
  }
  return best;
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

export function benchClassifier(): BenchResult[] {
  const out: BenchResult[] = [];
  const m = (v: number): number => Math.round(v / 1e4) / 100;
  for (const nRules of [10_000, 100_000]) {
    const b = build(nRules, 4096);
    const tag = `${nRules / 1000}k rules, ${b.cls.nSubtables} subtables`;
    out.push({ name: `classifier lookup with wildcards, ${tag}`, value: m(rate(b, 2_000_000, true)), unit: 'Mlookups/s' });
    out.push({ name: `classifier lookup without wildcards, ${tag}`, value: m(rate(b, 2_000_000, false)), unit: 'Mlookups/s' });
    out.push({ name: `classifier insert, ${nRules / 1000}k rules`, value: m(nRules / b.insertSecs), unit: 'Minserts/s' });
    const plain = build(nRules, 4096, { prefixFields: [] });
    out.push({ name: `classifier lookup with wildcards, no prefix tries, ${tag}`, value: m(rate(plain, 2_000_000, true)), unit: 'Mlookups/s' });
    if (nRules === 100_000) {
      // Smallest of 3 rounds: a round can catch unrelated heap activity (JIT, sweeping).
      run(b, 200_000, true);
      let grown = Infinity;
      for (let k = 0; k < 3; k++) {
        if (gc) gc();
        const h0 = process.memoryUsage().heapUsed;
        run(b, 1_000_000, true);
        grown = Math.min(grown, Math.max(0, process.memoryUsage().heapUsed - h0));
      }
      out.push({ name: `heap growth per 1M lookups with wildcards (${tag})`, value: grown, unit: 'B' });
    }
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of benchClassifier()) console.log(`${r.name.padEnd(72)} ${String(r.value).padStart(10)} ${r.unit}`);
}
