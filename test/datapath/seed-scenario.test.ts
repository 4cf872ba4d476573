/*
 * The seed document's receive path end to end: a frame arrives on a vport, rx stats count it,
 * the key is extracted, the megaflow lookup misses, the packet goes up as a MISS upcall; the
 * "slow path" (the test) puts a megaflow and executes the packet; the next packet hits.
 * Every counter on the way is asserted.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { Datapath } from '../../src/datapath/datapath.js';
import { DpActionType, type DpAction } from '../../src/datapath/actions.js';
import { DpifError, FlowPutFlags, UpcallType, type Upcall } from '../../src/datapath/dpif.js';
import { DummyNetdev } from '../../src/netdev/dummy.js';
import { buildFrame } from '../../src/packet/build.js';
import {
  DP_KEY_WORDS,
  FLOW_WORDS,
  W_ETH_TYPE,
  W_IN_PORT,
  W_IPV4_DST,
  W_NW,
  W_RECIRC_ID,
  getEthSrc,
  getNwProto,
  getTpDst,
} from '../../src/flow/layout.js';
import { parseMac, parseIpv4 } from '../../src/packet/addr.js';
import { ManualClock } from '../../src/util/clock.js';

function udp(dst: string, dport = 53, len = 0): Uint8Array {
  return buildFrame({
    eth: { src: '50:54:00:00:00:01', dst: '50:54:00:00:00:02' },
    ipv4: { src: '10.0.0.1', dst },
    udp: { src: 1234, dst: dport },
    payloadLen: len,
  });
}

function setup(opts: { upcallQueueSize?: number } = {}) {
  const clock = new ManualClock(5000);
  const dp = new Datapath('dp0', 'dummy', { clock, ...opts });
  const p1 = new DummyNetdev('p1');
  const p2 = new DummyNetdev('p2');
  assert.equal(dp.portAdd(p1, 1), 1);
  assert.equal(dp.portAdd(p2, 2), 2);
  return { dp, p1, p2, clock };
}

/** A megaflow on in_port, eth_type, recirc_id and the IPv4 destination. */
function megaflowFor(up: Upcall): { key: Uint32Array; mask: Uint32Array } {
  const mask = new Uint32Array(FLOW_WORDS);
  mask[W_IN_PORT] = 0xffffffff;
  mask[W_RECIRC_ID] = 0xffffffff;
  mask[W_ETH_TYPE] = 0xffff;
  mask[W_IPV4_DST] = 0xffffffff;
  mask[W_NW] = 0x000000ff; // nw_frag
  return { key: up.key, mask };
}

test('first packet misses and is upcalled, the flow is put, the next packet hits', () => {
  const { dp, p1, p2, clock } = setup();
  const frame = udp('10.0.0.2', 53, 18);

  // 1. Miss: rx counted on the vport, n_missed, one MISS upcall with the key and the packet.
  assert.equal(p1.receive(frame), true);
  let st = dp.getStats();
  assert.deepEqual([st.nHit, st.nMissed, st.nLost, st.nFlows], [0, 1, 0, 0]);
  const port1 = dp.portQuery(1)!;
  assert.equal(port1.stats.rxPackets, 1);
  assert.equal(port1.stats.rxBytes, frame.length);
  const ups: Upcall[] = [];
  assert.equal(dp.recvUpcalls(ups, 10), 1);
  const up = ups[0]!;
  assert.equal(up.type, UpcallType.MISS);
  assert.equal(up.userdata, null);
  assert.equal(up.key[W_IN_PORT], 1);
  assert.equal(up.key[W_ETH_TYPE], 0x0800);
  assert.equal(getNwProto(up.key), 17);
  assert.equal(getTpDst(up.key), 53);
  assert.equal(getEthSrc(up.key), parseMac('50:54:00:00:00:01'));
  assert.equal(up.key[W_IPV4_DST], parseIpv4('10.0.0.2'));
  assert.deepEqual(up.packet.bytes(), frame);
  assert.equal(up.packet.inPort, 1);
  assert.equal(p2.sent.length, 0, 'nothing forwarded before userspace answers');

  // 2. The slow path installs the megaflow and executes the packet.
  const actions: DpAction[] = [{ type: DpActionType.OUTPUT, port: 2 }];
  const { key, mask } = megaflowFor(up);
  dp.flowPut({ key, mask, actions, flags: FlowPutFlags.CREATE });
  dp.execute(up.packet, actions);
  assert.equal(p2.takeSent().length, 1);
  st = dp.getStats();
  assert.equal(st.nFlows, 1);
  assert.equal(st.nMasks, 1);
  // The executed packet is not counted in the flow (as in OVS).
  assert.equal(dp.flowDump()[0]!.stats.packets, 0);

  // 3. The next packets hit: n_hit, flow stats, tx stats on p2.
  clock.advance(250);
  p1.receive(frame);
  p1.receive(udp('10.0.0.2', 99, 40)); // another port, same megaflow (ports wildcarded)
  st = dp.getStats();
  assert.deepEqual([st.nHit, st.nMissed, st.nLost], [2, 1, 0]);
  assert.ok(st.nMaskHit >= 1);
  const flow = dp.flowDump()[0]!;
  assert.equal(flow.stats.packets, 2);
  assert.equal(flow.stats.bytes, frame.length + udp('10.0.0.2', 99, 40).length);
  assert.equal(flow.stats.used, 5250);
  // The terse dump (what the revalidator reads) carries the same ufid and stats.
  assert.deepEqual(dp.flowDumpTerse(), [{ ufid: flow.ufid, ...flow.stats }]);
  const sent = p2.takeSent();
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[0], frame);
  const port2 = dp.portQuery(2)!;
  assert.equal(port2.stats.txPackets, 3);
  assert.equal(dp.portQuery(1)!.stats.rxPackets, 3);

  // 4. A different destination misses again.
  p1.receive(udp('10.0.0.3'));
  st = dp.getStats();
  assert.deepEqual([st.nHit, st.nMissed], [2, 2]);
  assert.equal(dp.recvUpcalls([], 10), 1);
});

test('a full upcall queue loses upcalls and counts them in n_lost', () => {
  const { dp, p1 } = setup({ upcallQueueSize: 2 });
  for (let i = 0; i < 5; i++) p1.receive(udp(`10.0.1.${i}`));
  const st = dp.getStats();
  assert.equal(st.nMissed, 5);
  assert.equal(st.nLost, 3);
  assert.equal(dp.recvUpcalls([], 100), 2);
});

test('the upcall notify callback fires when the queue becomes non-empty', () => {
  const { dp, p1 } = setup();
  let wakeups = 0;
  dp.setUpcallNotify(() => wakeups++);
  p1.receive(udp('10.0.0.9'));
  p1.receive(udp('10.0.0.10'));
  assert.equal(wakeups, 1);
  dp.recvUpcalls([], 10);
  p1.receive(udp('10.0.0.11'));
  assert.equal(wakeups, 2);
});

test('flow put: create, modify, duplicate, missing, flow limit, delete, clear stats, flush', () => {
  const { dp, p1 } = setup();
  p1.receive(udp('10.0.0.2'));
  const ups: Upcall[] = [];
  dp.recvUpcalls(ups, 1);
  const { key, mask } = megaflowFor(ups[0]!);
  const out2: DpAction[] = [{ type: DpActionType.OUTPUT, port: 2 }];
  dp.flowPut({ key, mask, actions: out2, flags: FlowPutFlags.CREATE });
  assert.throws(
    () => dp.flowPut({ key, mask, actions: out2, flags: FlowPutFlags.CREATE }),
    (e: unknown) => e instanceof DpifError && e.code === 'EEXIST',
  );
  // Modify: new actions, stats kept unless ZERO_STATS.
  p1.receive(udp('10.0.0.2'));
  dp.flowPut({ key, mask, actions: [], flags: FlowPutFlags.MODIFY });
  assert.deepEqual(dp.flowGet(key, mask)!.actions, []);
  assert.equal(dp.flowGet(key, mask)!.stats.packets, 1);
  dp.flowPut({ key, mask, actions: out2, flags: FlowPutFlags.CREATE | FlowPutFlags.MODIFY | FlowPutFlags.ZERO_STATS });
  assert.equal(dp.flowGet(key, mask)!.stats.packets, 0);
  // Modify of an absent flow.
  const other = key.slice();
  other[W_IPV4_DST] = parseIpv4('10.9.9.9')!;
  assert.throws(
    () => dp.flowPut({ key: other, mask, actions: out2, flags: FlowPutFlags.MODIFY }),
    (e: unknown) => e instanceof DpifError && e.code === 'ENOENT',
  );
  // Flow limit.
  dp.flowLimit = 1;
  assert.throws(
    () => dp.flowPut({ key: other, mask, actions: out2, flags: FlowPutFlags.CREATE }),
    (e: unknown) => e instanceof DpifError && e.code === 'E2BIG',
  );
  dp.flowLimit = 10;
  dp.flowPut({ key: other, mask, actions: out2, flags: FlowPutFlags.CREATE });
  assert.equal(dp.getStats().nFlows, 2);
  // The key is stored masked, words beyond the mask are zero.
  const f = dp.flowGet(other, mask)!;
  for (let i = 0; i < DP_KEY_WORDS; i++) assert.equal(f.key[i], other[i]! & mask[i]!);
  // Clear stats by ufid, delete by key and by ufid.
  p1.receive(udp('10.9.9.9'));
  assert.equal(dp.flowClearStats(f.ufid).packets, 1);
  assert.equal(dp.flowGetByUfid(f.ufid)!.stats.packets, 0);
  dp.flowDel(key, mask);
  assert.throws(() => dp.flowDel(key, mask), (e: unknown) => e instanceof DpifError && e.code === 'ENOENT');
  dp.flowDelByUfid(f.ufid);
  assert.equal(dp.getStats().nFlows, 0);
  // A ufid already in use refuses the put and leaves the owner of the ufid alone.
  dp.flowPut({ key, mask, actions: out2, flags: FlowPutFlags.CREATE, ufid: 'ab'.repeat(16) });
  assert.throws(
    () => dp.flowPut({ key: other, mask, actions: [], flags: FlowPutFlags.CREATE, ufid: 'ab'.repeat(16) }),
    (e: unknown) => e instanceof DpifError && e.code === 'EEXIST',
  );
  assert.equal(dp.getStats().nFlows, 1);
  assert.equal(dp.flowGet(other, mask), undefined);
  assert.deepEqual(dp.flowGetByUfid('ab'.repeat(16))!.actions, out2);
  dp.flowFlush();
  assert.equal(dp.flowDump().length, 0);
  assert.equal(dp.getStats().nMasks, 0);
});

test('flow put refuses invalid actions and masks on OpenFlow-only fields', () => {
  const { dp } = setup();
  const key = new Uint32Array(FLOW_WORDS);
  const mask = new Uint32Array(FLOW_WORDS);
  mask[W_IN_PORT] = 0xffffffff;
  assert.throws(
    () => dp.flowPut({ key, mask, actions: [{ type: DpActionType.PUSH_VLAN, tpid: 0x1234, tci: 0x1000 }], flags: FlowPutFlags.CREATE }),
    (e: unknown) => e instanceof DpifError && e.code === 'EINVAL' && /tpid/.test(e.message),
  );
  const badMask = mask.slice();
  badMask[DP_KEY_WORDS] = 1;
  assert.throws(
    () => dp.flowPut({ key, mask: badMask, actions: [], flags: FlowPutFlags.CREATE }),
    (e: unknown) => e instanceof DpifError && e.code === 'EINVAL',
  );
});

test('a userspace action produces an ACTION upcall with its userdata', () => {
  const { dp, p1 } = setup();
  p1.receive(udp('10.0.0.2'));
  const ups: Upcall[] = [];
  dp.recvUpcalls(ups, 1);
  const { key, mask } = megaflowFor(ups[0]!);
  const userdata = new Uint8Array([1, 2, 3, 4]);
  dp.flowPut({ key, mask, actions: [{ type: DpActionType.USERSPACE, pid: 7, userdata }], flags: FlowPutFlags.CREATE });
  p1.receive(udp('10.0.0.2'));
  const got: Upcall[] = [];
  assert.equal(dp.recvUpcalls(got, 10), 1);
  assert.equal(got[0]!.type, UpcallType.ACTION);
  assert.equal(got[0]!.pid, 7);
  assert.deepEqual(got[0]!.userdata, userdata);
  assert.deepEqual([dp.getStats().nHit, dp.getStats().nMissed], [1, 1]);
});

test('ports: numbering, duplicates, deletion stops delivery', () => {
  const { dp } = setup();
  const p3 = new DummyNetdev('p3');
  assert.equal(dp.portAdd(p3), 3);
  assert.throws(() => dp.portAdd(new DummyNetdev('p3')), (e: unknown) => e instanceof DpifError && e.code === 'EEXIST');
  assert.throws(() => dp.portAdd(new DummyNetdev('px'), 1), (e: unknown) => e instanceof DpifError && e.code === 'EBUSY');
  assert.deepEqual(dp.portDump().map((p) => p.name), ['p1', 'p2', 'p3']);
  dp.portDel(3);
  assert.equal(p3.receive(udp('10.0.0.2')), false);
  assert.equal(dp.getStats().nMissed, 0);
  assert.equal(dp.portQueryByName('p3'), undefined);
});
