/*
 * ofproto benchmarks: flow setups per second (a frame misses in the datapath, the handler
 * translates it, installs the megaflow and executes the packet) for
 *   - a 1-rule table (megaflows disabled, so every distinct UDP flow is a setup),
 *   - a 1,000-rule pipeline over three tables (distinct destinations, one megaflow each),
 *   - NORMAL (distinct MAC pairs),
 * and the time of a revalidator pass over 100k datapath flows, without and with a table
 * change (which re-translates every flow).
 */
import { DummyNetdev } from '../src/netdev/dummy.js';
import { Ofproto } from '../src/ofproto/ofproto.js';
import type { Bridge } from '../src/ofproto/bridge.js';
import { parseFlowMod, OFPFC } from '../src/openflow/flow-syntax/flow-mod.js';
import { buildFrame } from '../src/packet/build.js';
import { ManualClock } from '../src/util/clock.js';
import { cpuSeconds, type BenchResult } from './result.js';

interface Rig {
  sw: Ofproto;
  br: Bridge;
  p1: DummyNetdev;
}

function rig(failMode: 'standalone' | 'secure'): Rig {
  const clock = new ManualClock(1000);
  const sw = new Ofproto({ clock, datapath: { upcallQueueSize: 4096 } });
  const br = sw.addBridge('br0', { datapathType: 'netdev', failMode, macTableSize: 1_000_000 });
  const p1 = new DummyNetdev('p1', 'dummy', { capture: false });
  br.addPort({ name: 'p1', netdev: p1 });
  for (const n of ['p2', 'p3']) br.addPort({ name: n, netdev: new DummyNetdev(n, 'dummy', { capture: false }) });
  return { sw, br, p1 };
}

function add(br: Bridge, text: string): void {
  const r = parseFlowMod(text, OFPFC.ADD);
  if (!r.ok) throw new Error(`${text}: ${r.error}`);
  const x = br.flowMod(r.value);
  if (!x.ok) throw new Error(`${text}: ${x.error.code}`);
}

function udp(i: number, o: { dstIp?: number; srcMac?: number; dstMac?: number } = {}): Uint8Array {
  return buildFrame({
    eth: { src: o.srcMac ?? 0x505400000001, dst: o.dstMac ?? 0x505400000002 },
    ipv4: { src: '10.0.0.1', dst: o.dstIp ?? 0x0a000002 },
    udp: { src: 1024 + (i & 0xffff), dst: 5001 + (i >>> 16) },
    payloadLen: 18,
  });
}

/** Injects the frames in chunks the upcall queue can hold; returns setups per second. */
function setups(r: Rig, frames: Uint8Array[]): number {
  const chunk = 2048;
  const t0 = cpuSeconds();
  for (let i = 0; i < frames.length; i += chunk) {
    r.p1.receiveMany(frames.slice(i, i + chunk));
    r.sw.handleUpcalls();
  }
  const ms = (cpuSeconds() - t0) * 1000;
  const b = r.sw.backers()[0]!;
  if (b.nFlows < frames.length * 0.99) throw new Error(`only ${b.nFlows} flows for ${frames.length} setups`);
  return frames.length / (ms / 1000);
}

/**
 * Best of `rounds` runs of `n` fresh setups each (flows purged in between), after a warm-up
 * round of the same size (the JIT settles): robust to a busy machine.
 */
function bestSetups(r: Rig, make: (base: number, n: number) => Uint8Array[], n: number, rounds = 5): number {
  const b = r.sw.backers()[0]!;
  setups(r, make(1_000_000, n)); // warm-up
  b.revalidator.purge();
  let best = 0;
  for (let k = 0; k < rounds; k++) {
    best = Math.max(best, setups(r, make(k * 100_000, n)));
    b.revalidator.purge();
  }
  return best;
}

export function oneRule(n: number): number {
  const r = rig('secure');
  add(r.br, 'priority=1,in_port=1,actions=output:2');
  r.sw.backers()[0]!.megaflows = false;
  return bestSetups(r, (base, m) => Array.from({ length: m }, (_, i) => udp(base + i)), n);
}

/** Table 0: 10 rules by in_port / protocol; table 1: 990 /32 routes; table 2: output. */
function pipelineRig(): Rig {
  const r = rig('secure');
  for (let i = 0; i < 9; i++) add(r.br, `priority=${10 + i},in_port=${i + 10},actions=drop`);
  add(r.br, 'priority=5,ip,in_port=1,actions=goto_table:1');
  for (let i = 0; i < 990; i++) {
    add(r.br, `table=1,priority=100,ip,nw_dst=10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)},actions=load:${i}->NXM_NX_REG0[],goto_table:2`);
  }
  add(r.br, 'table=2,priority=1,actions=output:2');
  return r;
}

function pipelineDst(i: number): number {
  const k = i % 990;
  return ((10 << 24) | (((k >> 8) & 255) << 16) | ((k & 255) << 8) | (1 + (k % 200))) >>> 0;
}

/** Frames to `n` routes of the pipeline, with source ports making every frame a distinct flow. */
function pipelineFrames(base: number, n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => udp(base + i, { dstIp: pipelineDst(i) }));
}

export function pipeline(n: number): number {
  // 990 routes give at most 990 megaflows; exact-match flows make every frame a setup.
  const r = pipelineRig();
  r.sw.backers()[0]!.megaflows = false;
  return bestSetups(r, pipelineFrames, n);
}

export function normal(n: number): number {
  // Destinations never learned: every packet floods; each (src, dst) MAC pair is a megaflow.
  const r = rig('standalone');
  const make = (base: number, m: number): Uint8Array[] =>
    Array.from({ length: m }, (_, i) => udp(i, { srcMac: 0x020000000000 + (i % 500), dstMac: 0x040000000000 + base + Math.floor(i / 500) }));
  return bestSetups(r, make, n);
}

function revalidation(nFlows: number): BenchResult[] {
  const r = pipelineRig();
  const b = r.sw.backers()[0]!;
  b.megaflows = false;
  setups(r, pipelineFrames(0, nFlows));
  r.sw.revalidate();
  let steady = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = cpuSeconds();
    const a = r.sw.revalidate()[0]!;
    steady = Math.min(steady, (cpuSeconds() - t0) * 1000);
    if (a.kept !== nFlows) throw new Error(`kept ${a.kept} of ${nFlows}`);
  }
  let changed = Infinity;
  for (let k = 0; k < 2; k++) {
    // Every flow must be re-translated after a table change.
    add(r.br, `table=2,priority=${2 + k},ip,nw_tos=4,actions=output:3`);
    const t0 = cpuSeconds();
    const c = r.sw.revalidate()[0]!;
    changed = Math.min(changed, (cpuSeconds() - t0) * 1000);
    if (c.revalidated !== nFlows) throw new Error(`revalidated ${c.revalidated} of ${nFlows}`);
  }
  return [
    { name: `revalidate ${nFlows / 1000}k flows, nothing changed (dump + stats)`, value: steady, unit: 'ms CPU' },
    { name: `revalidate ${nFlows / 1000}k flows after a table change (re-translate all)`, value: changed, unit: 'ms CPU' },
  ];
}

export function benchOfproto(): BenchResult[] {
  return [
    { name: 'flow setups, 1-rule table (exact-match flows)', value: oneRule(20000) / 1000, unit: 'k setups/s' },
    { name: 'flow setups, 1,000-rule 3-table pipeline (exact-match flows)', value: pipeline(20000) / 1000, unit: 'k setups/s' },
    { name: 'flow setups, NORMAL (distinct MAC pairs, flooding)', value: normal(20000) / 1000, unit: 'k setups/s' },
    ...revalidation(100000),
  ];
}
