/*
 * End-to-end datapath benchmarks: frames enter a dummy vport in batches of 32 and go
 * through rx stats, extract, megaflow lookup and an output action to a dummy port that
 * only counts. Cases: exact-cache hits, megaflow hits with several subtables and many
 * flows (cache off), misses that become upcalls, and heap growth in steady state.
 */
import { Datapath } from '../src/datapath/datapath.js';
import { DpActionType, type DpAction } from '../src/datapath/actions.js';
import { FlowPutFlags, type Upcall } from '../src/datapath/dpif.js';
import { DummyNetdev } from '../src/netdev/dummy.js';
import { NETDEV_MAX_BURST, type PacketBatch } from '../src/netdev/netdev.js';
import { Packet } from '../src/packet/packet.js';
import { buildFrame } from '../src/packet/build.js';
import { FLOW_WORDS, W_ETH_TYPE, W_IN_PORT, W_IPV4_DST, W_IPV4_SRC, W_NW, W_RECIRC_ID, W_TP } from '../src/flow/layout.js';
import { ManualClock, type Clock } from '../src/util/clock.js';
import { cpuSeconds, type BenchResult } from './result.js';

const OUT: DpAction[] = [{ type: DpActionType.OUTPUT, port: 2 }];

/** 64-byte Ethernet frame on the wire = 60 bytes without FCS: eth + IPv4 + UDP + 18 bytes of payload. */
function frame64(dst: number, sport = 1234): Uint8Array {
  return buildFrame({
    eth: { src: '50:54:00:00:00:01', dst: '50:54:00:00:00:02' },
    ipv4: { src: '10.0.0.1', dst },
    udp: { src: sport, dst: 5001 },
    payloadLen: 18,
  });
}

function makeDp(emcEntries?: number, clock?: Clock): { dp: Datapath; inPort: DummyNetdev; out: DummyNetdev } {
  const dp = new Datapath('bench', 'dummy', {
    flowLimit: 2_000_000,
    ...(emcEntries === undefined ? {} : { emcEntries }),
    ...(clock === undefined ? {} : { clock }),
  });
  const inPort = new DummyNetdev('p1', 'dummy', { capture: false });
  const out = new DummyNetdev('p2', 'dummy', { capture: false });
  dp.portAdd(inPort, 1);
  dp.portAdd(out, 2);
  return { dp, inPort, out };
}

function baseMask(): Uint32Array {
  const m = new Uint32Array(FLOW_WORDS);
  m[W_IN_PORT] = 0xffffffff;
  m[W_RECIRC_ID] = 0xffffffff;
  m[W_ETH_TYPE] = 0xffff;
  m[W_NW] = 0xff;
  return m;
}

function baseKey(): Uint32Array {
  const k = new Uint32Array(FLOW_WORDS);
  k[W_IN_PORT] = 1;
  k[W_ETH_TYPE] = 0x0800;
  return k;
}

/** Batches over a fixed set of frames, reloaded (cheap copy) before each pass. */
function makeBatches(frames: Uint8Array[]): PacketBatch[] {
  const batches: PacketBatch[] = [];
  for (let i = 0; i < frames.length; i += NETDEV_MAX_BURST) {
    const b: PacketBatch = { packets: [], count: 0 };
    for (let j = i; j < Math.min(i + NETDEV_MAX_BURST, frames.length); j++) b.packets[b.count++] = Packet.from(frames[j]!);
    batches.push(b);
  }
  return batches;
}

function pump(inPort: DummyNetdev, batches: PacketBatch[], packets: number): number {
  const t0 = cpuSeconds();
  let sent = 0;
  let bi = 0;
  while (sent < packets) {
    const b = batches[bi]!;
    inPort.receiveBatch(b);
    sent += b.count;
    bi = bi + 1 === batches.length ? 0 : bi + 1;
  }
  return sent / (cpuSeconds() - t0) / 1e6;
}

function ip(n: number): number {
  return (0x0a000000 + n) >>> 0;
}

export function benchExactCacheHit(): BenchResult[] {
  const { dp, inPort, out } = makeDp();
  const mask = baseMask();
  mask[W_IPV4_DST] = 0xffffffff;
  const key = baseKey();
  key[W_IPV4_DST] = ip(2);
  dp.flowPut({ key, mask, actions: OUT, flags: FlowPutFlags.CREATE });
  const batches = makeBatches(Array.from({ length: 32 }, () => frame64(ip(2))));
  pump(inPort, batches, 2_000_000); // warm up
  const mpps = pump(inPort, batches, 10_000_000);
  const st = dp.getStats();
  if (st.nMissed !== 0 || out.stats.txPackets < 12_000_000) throw new Error('exact-cache bench did not forward');
  return [{ name: 'forward, exact-cache hit (64B UDP, batch 32)', value: mpps, unit: 'Mpps' }];
}

/**
 * Megaflow hits with `nSub` subtables and `nFlows` flows, exact cache off. Subtable i matches
 * the IPv4 destination under a /(32-i) prefix plus, for i > 0, the source address, so
 * every subtable is a distinct mask; traffic spreads over all flows.
 */
export function benchMegaflowHits(nSub: number, nFlows: number): BenchResult {
  const { dp, inPort } = makeDp(0);
  const perSub = Math.ceil(nFlows / nSub);
  const frames: Uint8Array[] = [];
  const framesWanted = 4096;
  for (let s = 0; s < nSub; s++) {
    const mask = baseMask();
    mask[W_IPV4_DST] = 0xffffffff;
    // Subtable 0: destination only; then source prefixes /32../1, with source port or both ports.
    mask[W_IPV4_SRC] = s === 0 ? 0 : (0xffffffff << (s % 32)) >>> 0;
    mask[W_TP] = s === 0 ? 0 : s < 32 ? 0xffff0000 : 0xffffffff;
    for (let f = 0; f < perSub; f++) {
      const key = baseKey();
      key[W_IPV4_DST] = ip(s * perSub + f + 1);
      key[W_IPV4_SRC] = 0x0a000001 & mask[W_IPV4_SRC]!;
      key[W_TP] = (((1234 << 16) | 5001) & mask[W_TP]!) >>> 0;
      dp.flowPut({ key, mask, actions: OUT, flags: FlowPutFlags.CREATE });
    }
  }
  // Traffic: frames spread over the flows, visiting subtables evenly.
  for (let i = 0; i < framesWanted; i++) {
    const s = i % nSub;
    const f = Math.floor((i * 7919) % perSub);
    frames.push(frame64(ip(s * perSub + f + 1)));
  }
  const batches = makeBatches(frames);
  pump(inPort, batches, 300_000);
  const mpps = pump(inPort, batches, 3_000_000);
  const st = dp.getStats();
  if (st.nMissed !== 0) throw new Error(`megaflow bench missed ${st.nMissed}`);
  if (st.nMasks !== nSub) throw new Error(`megaflow bench: ${st.nMasks} masks, wanted ${nSub}`);
  return { name: `forward, megaflow hit, ${nSub} subtable(s), ${nFlows} flows, cache off`, value: mpps, unit: 'Mpps' };
}

export function benchMissToUpcall(): BenchResult[] {
  const { dp, inPort } = makeDp();
  const frames = Array.from({ length: 1024 }, (_, i) => frame64(ip(i + 1)));
  const batches = makeBatches(frames);
  const sink: Upcall[] = [];
  const total = 500_000;
  const t0 = cpuSeconds();
  let sent = 0;
  let bi = 0;
  while (sent < total) {
    inPort.receiveBatch(batches[bi]!);
    sent += batches[bi]!.count;
    bi = (bi + 1) % batches.length;
    sink.length = 0;
    dp.recvUpcalls(sink, 64);
  }
  const mpps = sent / (cpuSeconds() - t0) / 1e6;
  if (dp.getStats().nMissed !== total || dp.getStats().nLost !== 0) throw new Error('miss bench: counters off');
  return [{ name: 'miss -> upcall queued and received', value: mpps, unit: 'Mpps' }];
}

/** Heap growth over 1M forwarded packets (64 flows, exact cache), with the given clock. */
function heapGrowth(clock: Clock | undefined): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('heap benchmark needs node --expose-gc');
  const { dp, inPort } = makeDp(undefined, clock);
  const mask = baseMask();
  mask[W_IPV4_DST] = 0xffffffff;
  for (let i = 0; i < 64; i++) {
    const key = baseKey();
    key[W_IPV4_DST] = ip(i + 1);
    dp.flowPut({ key, mask, actions: OUT, flags: FlowPutFlags.CREATE });
  }
  const batches = makeBatches(Array.from({ length: 64 }, (_, i) => frame64(ip(i + 1))));
  pump(inPort, batches, 2_000_000);
  gc();
  const before = process.memoryUsage().heapUsed;
  pump(inPort, batches, 5_000_000);
  // No gc in between: what the heap grew by is what was allocated (per million packets).
  return (process.memoryUsage().heapUsed - before) / 1024 / 5;
}

export function benchSteadyStateHeap(): BenchResult[] {
  return [
    { name: 'heap growth per 1M forwarded packets (system clock)', value: heapGrowth(undefined), unit: 'KiB' },
    { name: 'heap growth per 1M forwarded packets (manual clock)', value: heapGrowth(new ManualClock()), unit: 'KiB' },
  ];
}

export function benchDatapath(): BenchResult[] {
  const res: BenchResult[] = [];
  res.push(...benchExactCacheHit());
  for (const nSub of [1, 10, 50]) for (const n of [1000, 100_000]) res.push(benchMegaflowHits(nSub, n));
  res.push(benchMegaflowHits(1, 1_000_000));
  res.push(...benchMissToUpcall());
  res.push(...benchSteadyStateHeap());
  return res;
}
