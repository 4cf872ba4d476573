/*
 * `npm run bench`: runs every benchmark, prints a table and writes
 * bench-results/latest.json (figures, machine, date) for docs/PERFORMANCE.md.
 * `npm run bench -- NAME...` runs only the groups named (extract, megaflow, datapath, tunnel, ...).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { BenchResult } from './result.js';

type Group = { name: string; run: () => Promise<BenchResult[]> };

const groups: Group[] = [
  { name: 'extract', run: async () => (await import('./extract.bench.js')).benchExtract() },
  { name: 'megaflow', run: async () => (await import('./megaflow.bench.js')).benchMegaflow() },
  { name: 'datapath', run: async () => (await import('./datapath.bench.js')).benchDatapath() },
  { name: 'classifier', run: async () => (await import('./classifier.bench.js')).benchClassifier() },
  { name: 'ofproto', run: async () => (await import('./ofproto.bench.js')).benchOfproto() },
  { name: 'openflow', run: async () => (await import('./openflow.bench.js')).benchOpenflow() },
  { name: 'veth', run: async () => (await import('./veth.bench.js')).benchVeth() },
  { name: 'tunnel', run: async () => (await import('./tunnel.bench.js')).benchTunnel() },
];

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const all: Array<BenchResult & { group: string }> = [];
  for (const g of groups) {
    if (wanted.length > 0 && !wanted.includes(g.name)) continue;
    let results: BenchResult[];
    try {
      results = await g.run();
    } catch (e) {
      console.error(`bench ${g.name}: ${(e as Error).message}`);
      process.exitCode = 1;
      continue;
    }
    for (const r of results) {
      all.push({ group: g.name, ...r });
      console.log(`${g.name.padEnd(11)} ${r.name.padEnd(72)} ${fmt(r.value).padStart(10)} ${r.unit}`);
    }
  }
  const cpus = os.cpus();
  const out = {
    date: new Date().toISOString(),
    machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    results: all,
  };
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/latest.json', JSON.stringify(out, null, 2) + '\n');
  console.log(`\nwrote bench-results/latest.json (${out.machine.cpu}, ${out.machine.cores} cores, ${out.date})`);
}

void main();
