/*
 * Datapath meters: token buckets in virtual time (pktps and kbps rates, burst, refill cap,
 * highest-rate band fires), and a datapath flow `meter(1),2` dropping above the rate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DpMeterTable, DP_MAX_METERS } from '../../src/datapath/dp-meters.js';
import { Datapath } from '../../src/datapath/datapath.js';
import { DpifError, FlowPutFlags } from '../../src/datapath/dpif.js';
import { parseDpActions } from '../../src/datapath/odp-actions-parse.js';
import { FLOW_WORDS, W_IN_PORT } from '../../src/flow/layout.js';
import { DummyNetdev } from '../../src/netdev/dummy.js';
import { buildFrame } from '../../src/packet/build.js';
import { ManualClock } from '../../src/util/clock.js';

function passes(t: DpMeterTable, id: number, n: number, len: number, now: number): number {
  let ok = 0;
  for (let i = 0; i < n; i++) if (t.apply(id, len, now)) ok++;
  return ok;
}

test('pktps: a full bucket of burst packets, then rate * time; drops counted in the band', () => {
  const t = new DpMeterTable();
  assert.equal(t.set(1, { pktps: true, bands: [{ rate: 10, burst: 20 }] }, 0), null);
  assert.equal(passes(t, 1, 100, 64, 0), 20);
  assert.deepEqual(t.stats(1), { packets: 100, bytes: 6400, bands: [{ packets: 80, bytes: 5120 }] });
  assert.equal(passes(t, 1, 100, 64, 100), 1, '100 ms at 10 pktps = 1 packet');
  assert.equal(passes(t, 1, 100, 64, 350), 2, 'thousandths of a packet carry over');
  assert.equal(passes(t, 1, 100, 64, 3_600_000), 20, 'an idle hour refills only up to the burst');
  assert.equal(passes(t, 1, 5, 64, 1000), 0, 'time going back refills nothing');
});

test('pktps without a burst uses the rate as burst', () => {
  const t = new DpMeterTable();
  t.set(3, { pktps: true, bands: [{ rate: 10 }] }, 1000);
  assert.equal(passes(t, 3, 100, 60, 1000), 10);
  assert.equal(t.stats(3)!.bands[0]!.packets, 90);
});

test('kbps: the bucket holds burst kbits and drains packet bits', () => {
  const t = new DpMeterTable();
  // 1000 kbps, burst 8 kbit = 8000 bits = ten 100-byte packets.
  t.set(2, { pktps: false, bands: [{ rate: 1000, burst: 8 }] }, 0);
  assert.equal(passes(t, 2, 15, 100, 0), 10);
  assert.equal(passes(t, 2, 15, 100, 4), 5, '4 ms at 1000 kbps = 4000 bits = 5 packets');
  assert.equal(passes(t, 2, 1, 1000, 5), 0, 'a big packet the bucket cannot cover is dropped');
  assert.equal(passes(t, 2, 1, 100, 5), 1, '... while a small one still fits (1000 bits left)');
  const st = t.stats(2)!;
  assert.equal(st.packets, 32);
  assert.deepEqual(st.bands, [{ packets: 16, bytes: 15 * 100 + 1000 }]);
});

test('several bands: the exceeded band with the highest rate fires', () => {
  const t = new DpMeterTable();
  t.set(1, { pktps: true, bands: [{ rate: 5, burst: 5 }, { rate: 2, burst: 2 }] }, 0);
  assert.equal(passes(t, 1, 10, 50, 0), 2);
  // Packets 3..5 exceed only the rate-2 band; 6..10 exceed both and fire the rate-5 band.
  assert.deepEqual(t.stats(1)!.bands, [
    { packets: 5, bytes: 250 },
    { packets: 3, bytes: 150 },
  ]);
});

test('set replaces (counters restart), del removes, unknown meters pass, bad ids fail', () => {
  const t = new DpMeterTable();
  t.set(1, { pktps: true, bands: [{ rate: 1 }] }, 0);
  passes(t, 1, 5, 10, 0);
  t.set(1, { pktps: true, bands: [{ rate: 1 }] }, 0);
  assert.deepEqual(t.stats(1), { packets: 0, bytes: 0, bands: [{ packets: 0, bytes: 0 }] });
  assert.equal(t.del(1), true);
  assert.equal(t.del(1), false);
  assert.equal(t.stats(1), undefined);
  assert.equal(passes(t, 1, 5, 10, 0), 5);
  assert.equal(t.set(DP_MAX_METERS, { pktps: true, bands: [] }, 0), 'EFBIG');
  assert.equal(t.set(4, { pktps: true, bands: [{ rate: 0 }] }, 0), 'EINVAL');
  assert.equal(t.set(4, { pktps: true, bands: Array.from({ length: 9 }, () => ({ rate: 1 })) }, 0), 'EINVAL');
});

test('datapath: a flow meter(1),2 forwards up to the rate and drops the rest', () => {
  const clock = new ManualClock(5000);
  const dp = new Datapath('dp0', 'dummy', { clock });
  const p1 = new DummyNetdev('p1');
  const p2 = new DummyNetdev('p2');
  dp.portAdd(p1, 1);
  dp.portAdd(p2, 2);
  assert.throws(() => dp.meterSet(DP_MAX_METERS, { pktps: true, bands: [{ rate: 1 }] }), DpifError);
  dp.meterSet(1, { pktps: true, bands: [{ rate: 100, burst: 10 }] });
  const key = new Uint32Array(FLOW_WORDS);
  const mask = new Uint32Array(FLOW_WORDS);
  key[W_IN_PORT] = 1;
  mask[W_IN_PORT] = 0xffffffff;
  dp.flowPut({ key, mask, actions: parseDpActions('meter(1),2'), flags: FlowPutFlags.CREATE });
  const frame = buildFrame({
    eth: { src: '50:54:00:00:00:01', dst: '50:54:00:00:00:02' },
    ipv4: { src: '10.0.0.1', dst: '10.0.0.2' },
    udp: { src: 1, dst: 2 },
    payloadLen: 20,
  });
  for (let i = 0; i < 50; i++) p1.receive(frame);
  assert.equal(p2.takeSent().length, 10);
  clock.advance(50); // 5 packets at 100 pktps
  for (let i = 0; i < 50; i++) p1.receive(frame);
  assert.equal(p2.takeSent().length, 5);
  assert.equal(dp.flowDump()[0]!.stats.packets, 100, 'the flow counts what the meter dropped too');
  assert.deepEqual(dp.meterStats(1), {
    packets: 100,
    bytes: 100 * frame.length,
    bands: [{ packets: 85, bytes: 85 * frame.length }],
  });
  const last = dp.meterDel(1);
  assert.equal(last?.packets, 100);
  assert.equal(dp.meterStats(1), undefined);
  for (let i = 0; i < 20; i++) p1.receive(frame);
  assert.equal(p2.takeSent().length, 20, 'a deleted meter lets everything through');
});
