/*
 * Micro benchmark: extract() throughput in Mpps on 64-byte IPv4/UDP frames, processed in
 * batches of 32 packets (one preallocated key per batch slot), like a port poll. The rate
 * is packets per second of process CPU time (the loop allocates nothing, so that is this
 * thread's time), which keeps the figure stable on a shared machine.
 */
import { extract } from '../src/flow/extract.js';
import { newFlowKey, type FlowKey, W_TP } from '../src/flow/layout.js';
import { Packet } from '../src/packet/packet.js';
import { cpuSeconds, type BenchResult } from './result.js';

const BATCH = 32;
const FRAME_LEN = 64;

function udpFrame(i: number): Uint8Array {
  const f = new Uint8Array(FRAME_LEN);
  f.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00], 0);
  const ipLen = FRAME_LEN - 14;
  f.set([0x45, 0, ipLen >> 8, ipLen & 0xff, 0, 0, 0x40, 0, 64, 17, 0, 0], 14);
  f.set([10, 0, 0, 1, 10, 0, (i >> 8) & 0xff, i & 0xff], 26);
  const sport = 1024 + i;
  const udpLen = ipLen - 20;
  f.set([sport >> 8, sport & 0xff, 0x00, 0x35, udpLen >> 8, udpLen & 0xff, 0, 0], 34);
  return f;
}

export function benchExtract(durationMs = 1000): BenchResult[] {
  const pkts: Packet[] = [];
  const keys: FlowKey[] = [];
  for (let i = 0; i < BATCH; i++) {
    pkts.push(Packet.from(udpFrame(i)));
    keys.push(newFlowKey());
  }
  const runBatches = (n: number): void => {
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < BATCH; i++) extract(pkts[i]!, keys[i]!);
    }
  };
  runBatches(20000); // warm up (JIT)
  let batches = 0;
  const c0 = cpuSeconds();
  const t0 = performance.now();
  while (performance.now() - t0 < durationMs) {
    runBatches(1000);
    batches += 1000;
  }
  const secs = cpuSeconds() - c0;
  if (keys[0]![W_TP] !== ((1024 << 16) | 53)) throw new Error('benchExtract: wrong key');
  const mpps = (batches * BATCH) / secs / 1e6;
  return [{ name: 'flow extract (64B IPv4/UDP, batch 32)', value: mpps, unit: 'Mpps' }];
}
