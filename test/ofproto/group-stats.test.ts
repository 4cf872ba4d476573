/*
 * Group and bucket statistics as Open vSwitch keeps them: the translation records the
 * groups it went through and the bucket each ran (every bucket for all / indirect), and the
 * packet of the upcall plus every later push of the datapath flow's stats credits them.
 * A group with no live bucket counts nothing; a dp_hash select group counts in the
 * translation after the recirculation; counters follow revalidation after a bucket dies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OFPGC_ADD, OFPGC_MODIFY, type GroupMod } from '../../src/ofproto/group-table.js';
import { OfpactType, type OfpAction } from '../../src/ofproto/ofp-actions.js';
import { icmpEcho, tcpFrame, udpFrame } from '../../src/packet/build.js';
import { makeSwitch, ofctl, ruleWith, type Switch } from './bridge-helpers.js';

const out = (port: number): OfpAction[] => [{ type: OfpactType.OUTPUT, port, maxLen: 0 }];
const toGroup = (groupId: number): OfpAction[] => [{ type: OfpactType.GROUP, groupId }];

function addGroup(s: Switch, g: Partial<GroupMod> & { groupId: number }): void {
  const r = s.br.groupMod({ command: OFPGC_ADD, type: 'all', buckets: [], ...g });
  assert.ok(r.ok, r.ok ? '' : r.error.code);
}

/** Receives `frame` on `port` `n` times, handling the upcalls after each. */
function send(s: Switch, port: string, frame: Uint8Array, n = 1): void {
  for (let i = 0; i < n; i++) {
    s.dev[port]!.receive(frame);
    s.sw.handleUpcalls();
  }
}

/** "packets/bytes" of a group, then of each bucket. */
function counts(s: Switch, groupId: number): string[] {
  const st = s.br.groupStats(groupId);
  assert.ok(st, `group ${groupId}`);
  return [`${st.packetCount}/${st.byteCount}`, ...st.buckets.map((b) => `${b.packetCount}/${b.byteCount}`)];
}

function sentOn(s: Switch, port: string): number {
  return s.dev[port]!.takeSent().length;
}

test('all group: the upcall packet counts at once, the rest on each revalidator push; once per packet, every bucket', () => {
  const s = makeSwitch(3, { failMode: 'secure' });
  addGroup(s, { groupId: 7, buckets: [{ actions: out(2) }, { actions: out(3) }] });
  ofctl(s.br, 'priority=10,in_port=1,actions=group:7');
  const f = udpFrame({ payload: 20 });
  const n = f.length;
  send(s, 'p1', f, 3);
  assert.deepEqual(counts(s, 7), [`1/${n}`, `1/${n}`, `1/${n}`], 'before any push only the upcalled packet');
  s.sw.revalidate();
  assert.deepEqual(counts(s, 7), [`3/${3 * n}`, `3/${3 * n}`, `3/${3 * n}`]);
  s.sw.revalidate();
  assert.deepEqual(counts(s, 7), [`3/${3 * n}`, `3/${3 * n}`, `3/${3 * n}`], 'a pass with no new packets adds nothing');
  send(s, 'p1', f, 2);
  s.sw.pushStats();
  assert.deepEqual(counts(s, 7), [`5/${5 * n}`, `5/${5 * n}`, `5/${5 * n}`]);
  assert.equal(ruleWith(s.br, 'group:7').packetCount, 5);
});

test('groups in an action set (write_actions) and groups inside buckets count like the rest', () => {
  const s = makeSwitch(3, { failMode: 'secure' });
  addGroup(s, { groupId: 2, buckets: [{ actions: out(2) }, { actions: out(3) }] });
  addGroup(s, { groupId: 1, type: 'indirect', buckets: [{ actions: toGroup(2) }] });
  ofctl(s.br, 'priority=10,in_port=1,actions=write_actions(group:1)');
  const f = tcpFrame({ payload: 10 });
  const n = f.length;
  send(s, 'p1', f, 4);
  s.sw.revalidate();
  assert.deepEqual(counts(s, 1), [`4/${4 * n}`, `4/${4 * n}`]);
  assert.deepEqual(counts(s, 2), [`4/${4 * n}`, `4/${4 * n}`, `4/${4 * n}`]);
  assert.equal(sentOn(s, 'p2'), 4);
  assert.equal(sentOn(s, 'p3'), 4);
});

/** Sends flows with 12 source addresses (1 to 3 packets each) on p1; returns the total and its bytes. */
function spread(s: Switch): { packets: number; bytes: number } {
  let packets = 0;
  let bytes = 0;
  for (let i = 0; i < 12; i++) {
    const f = udpFrame({ ipSrc: `10.0.1.${i + 1}`, ipDst: '10.0.2.1', sport: 1000 + i, dport: 53, payload: i });
    const k = 1 + (i % 3);
    send(s, 'p1', f, k);
    packets += k;
    bytes += k * f.length;
  }
  return { packets, bytes };
}

/** Checks that each bucket (output to p2, p3, p4) counted what its port sent, and that they add up. */
function checkSelect(s: Switch, groupId: number, total: { packets: number; bytes: number }): void {
  const st = s.br.groupStats(groupId)!;
  assert.equal(st.packetCount, total.packets);
  assert.equal(st.byteCount, total.bytes);
  const sent = ['p2', 'p3', 'p4'].map((p) => s.dev[p]!.takeSent());
  let used = 0;
  st.buckets.forEach((b, i) => {
    assert.equal(b.packetCount, sent[i]!.length, `bucket ${i} counted what p${i + 2} sent`);
    assert.equal(b.byteCount, sent[i]!.reduce((a, x) => a + x.length, 0));
    if (b.packetCount > 0) used++;
  });
  assert.ok(used >= 2, 'the flows spread over the buckets');
}

test('select group with hash fields: each packet counts in the bucket that sent it', () => {
  const s = makeSwitch(4, { failMode: 'secure' });
  addGroup(s, {
    groupId: 3,
    type: 'select',
    selectionMethod: 'hash',
    selectionFields: ['ip_src'],
    buckets: [2, 3, 4].map((p) => ({ weight: 1, actions: out(p) })),
  });
  ofctl(s.br, 'priority=10,in_port=1,actions=group:3');
  const total = spread(s);
  s.sw.revalidate();
  checkSelect(s, 3, total);
});

test('select group by dp_hash: counted after the recirculation, once per packet', () => {
  const s = makeSwitch(4, { failMode: 'secure' });
  addGroup(s, { groupId: 4, type: 'select', buckets: [2, 3, 4].map((p) => ({ weight: 1, actions: out(p) })) });
  ofctl(s.br, 'priority=10,in_port=1,actions=group:4');
  const total = spread(s);
  s.sw.revalidate();
  checkSelect(s, 4, total);
  assert.equal(ruleWith(s.br, 'group:4').packetCount, total.packets);
});

test('fast failover: the live bucket counts; after its port goes down and revalidation, the next one; none live counts nothing', () => {
  const s = makeSwitch(3, { failMode: 'secure' });
  addGroup(s, {
    groupId: 5,
    type: 'ff',
    buckets: [
      { watchPort: 2, actions: out(2) },
      { watchPort: 3, actions: out(3) },
    ],
  });
  ofctl(s.br, 'priority=10,in_port=1,actions=group:5');
  const f = udpFrame({ payload: 30 });
  const n = f.length;
  send(s, 'p1', f, 2);
  s.sw.revalidate();
  assert.deepEqual(counts(s, 5), [`2/${2 * n}`, `2/${2 * n}`, '0/0']);

  s.dev.p2!.setUp(false);
  s.br.run();
  s.sw.revalidate(); // re-translates the flow: now through bucket 1
  send(s, 'p1', f, 3);
  s.sw.revalidate();
  assert.deepEqual(counts(s, 5), [`5/${5 * n}`, `2/${2 * n}`, `3/${3 * n}`]);
  assert.equal(sentOn(s, 'p2'), 2);
  assert.equal(sentOn(s, 'p3'), 3);

  s.dev.p3!.setUp(false);
  s.br.run();
  s.sw.revalidate();
  send(s, 'p1', f, 2);
  s.sw.revalidate();
  assert.deepEqual(counts(s, 5), [`5/${5 * n}`, `2/${2 * n}`, `3/${3 * n}`], 'no live bucket: the group counts nothing (as OVS)');
  assert.equal(ruleWith(s.br, 'group:5').packetCount, 7);
});

test('a modified group starts over; flows revalidated after the change count in the new one', () => {
  const s = makeSwitch(3, { failMode: 'secure' });
  addGroup(s, { groupId: 6, type: 'indirect', buckets: [{ actions: out(2) }] });
  ofctl(s.br, 'priority=10,in_port=1,actions=group:6');
  const f = udpFrame({});
  const n = f.length;
  send(s, 'p1', f, 2);
  s.sw.revalidate();
  assert.deepEqual(counts(s, 6), [`2/${2 * n}`, `2/${2 * n}`]);
  assert.ok(s.br.groupMod({ command: OFPGC_MODIFY, groupId: 6, type: 'all', buckets: [{ actions: out(3) }, { actions: out(2) }] }).ok);
  assert.deepEqual(counts(s, 6), ['0/0', '0/0', '0/0']);
  send(s, 'p1', f, 3); // hits the installed flow, translated before the change
  s.sw.revalidate();
  assert.deepEqual(counts(s, 6), [`3/${3 * n}`, `3/${3 * n}`, `3/${3 * n}`]);
});

test('packet-out through a group counts the packet', () => {
  const s = makeSwitch(3, { failMode: 'secure' });
  addGroup(s, { groupId: 8, type: 'ff', buckets: [{ watchPort: 3, actions: out(3) }] });
  const f = udpFrame({});
  assert.ok(s.br.packetOut(f, 1, toGroup(8)).ok);
  assert.deepEqual(counts(s, 8), [`1/${f.length}`, `1/${f.length}`]);
  assert.equal(sentOn(s, 'p3'), 1);
});

test('a slow-path flow through a group counts each packet once', () => {
  const s = makeSwitch(3, { failMode: 'secure' });
  addGroup(s, { groupId: 9, buckets: [{ actions: out(2) }] });
  // Rewriting the ICMP type cannot be done in the datapath: every packet comes up.
  ofctl(s.br, 'priority=10,icmp,in_port=1,actions=set_field:0->icmp_type,group:9');
  const f = icmpEcho({});
  send(s, 'p1', f, 3);
  assert.equal(sentOn(s, 'p2'), 3);
  s.sw.revalidate();
  assert.deepEqual(counts(s, 9), [`3/${3 * f.length}`, `3/${3 * f.length}`]);
  assert.equal(ruleWith(s.br, 'group:9').packetCount, 3);
});
