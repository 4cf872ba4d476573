/*
 * The upcall handler end to end with dummy ports: miss -> translate -> install -> execute,
 * NORMAL learning two hosts, packet-ins from controller actions, drops, the flow limit,
 * learn actions, and the counters the first packet leaves on rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PacketInEvent } from '../../src/ofproto/ofproto-events.js';
import { arpRequest, buildFrame, tcpFrame, udpFrame } from '../../src/packet/build.js';
import { dpFlows, dump, makeSwitch, ofctl, OFPFC, ruleWith, type Switch } from './bridge-helpers.js';

const A = 0x0a0000000001;
const B = 0x0a0000000002;
const C = 0x0a0000000003;

function counts(s: Switch): string {
  return Object.entries(s.dev)
    .map(([n, d]) => `${n}:${d.takeSent().length}`)
    .join(' ');
}

test('NORMAL: first packet floods, the reply is unicast, megaflows are installed', () => {
  const s = makeSwitch(3);
  const local = s.br.bridgePort(0xfffe)!.netdev as unknown as { takeSent(): Uint8Array[] };
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  assert.equal(s.sw.handleUpcalls(), 1);
  assert.equal(counts(s), 'p1:0 p2:1 p3:1');
  assert.equal(local.takeSent().length, 1, 'flooded to LOCAL too');
  s.dev.p2!.receive(udpFrame({ ethSrc: B, ethDst: A }));
  assert.equal(s.sw.handleUpcalls(), 1);
  assert.equal(counts(s), 'p1:1 p2:0 p3:0');
  assert.deepEqual(dpFlows(s), [
    'recirc_id(0),in_port(1),eth(src=0a:00:00:00:00:01,dst=0a:00:00:00:00:02),eth_type(0x0800),ipv4(frag=no), actions:2,3,100',
    'recirc_id(0),in_port(2),eth(src=0a:00:00:00:00:02,dst=0a:00:00:00:00:01),eth_type(0x0800),ipv4(frag=no), actions:1',
  ]);
  // Later packets of the reply flow stay in the datapath.
  const dp = s.sw.backer('dummy')!.dpif;
  const before = dp.getStats();
  s.dev.p2!.receive(udpFrame({ ethSrc: B, ethDst: A, sport: 999 }));
  assert.equal(s.sw.handleUpcalls(), 0);
  assert.equal(dp.getStats().nHit, before.nHit + 1);
  assert.equal(counts(s), 'p1:1 p2:0 p3:0');
  assert.match(s.br.macs.fdbShow(s.clock.now()), /1 +0 +0a:00:00:00:00:01/);
});

test('the upcalled packet counts for the rules it hit; datapath hits count after a stats push', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  ofctl(s.br, 'priority=10,in_port=1,actions=output:2');
  const f = udpFrame({ ethSrc: A, ethDst: B, payload: 10 });
  s.dev.p1!.receive(f);
  s.sw.handleUpcalls();
  const r = ruleWith(s.br, 'in_port=1');
  assert.equal(r.packetCount, 1);
  assert.equal(r.byteCount, f.length);
  for (let i = 0; i < 3; i++) s.dev.p1!.receive(f);
  assert.equal(s.sw.handleUpcalls(), 0);
  assert.equal(r.packetCount, 1, 'not yet pushed');
  s.sw.pushStats();
  assert.equal(r.packetCount, 4);
  assert.equal(r.byteCount, 4 * f.length);
  s.sw.pushStats();
  assert.equal(r.packetCount, 4, 'a second push credits nothing new');
  assert.equal(s.dev.p2!.takeSent().length, 4);
  const t = s.br.tables.tables[0]!;
  assert.equal(t.nLookup, 4);
  assert.equal(t.nMatched, 4);
});

test('table miss in secure mode installs a drop flow', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.sw.handleUpcalls();
  assert.deepEqual(dpFlows(s), ['recirc_id(0),in_port(1),eth_type(0x0800),ipv4(frag=no), actions:drop']);
  assert.equal(s.dev.p2!.takeSent().length, 0);
});

test('controller action: packet-in event with reason, table, cookie, in_port, truncation, registers', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  const pins: PacketInEvent[] = [];
  s.br.events.on('packet-in', (e) => pins.push(e));
  ofctl(s.br, 'priority=5,in_port=1,actions=load:0x2a->NXM_NX_REG3[],resubmit(,3)');
  ofctl(s.br, 'table=3,cookie=0xabc,priority=7,ip,actions=controller(max_len=20),output:2');
  const f = udpFrame({ ethSrc: A, ethDst: B, payload: 40 });
  s.dev.p1!.receive(f);
  s.sw.handleUpcalls();
  assert.equal(pins.length, 1);
  const p = pins[0]!;
  assert.equal(p.bridge, 'br0');
  assert.equal(p.reason, 1); // OFPR_ACTION
  assert.equal(p.tableId, 3);
  assert.equal(p.cookie, 0xabcn);
  assert.equal(p.inPort, 1);
  assert.equal(p.maxLen, 20);
  assert.equal(p.totalLen, f.length);
  assert.deepEqual([...p.packet], [...f.subarray(0, 20)]);
  assert.equal(p.regs[3], 0x2a);
  assert.equal(p.flow[0], 1, 'flow in_port is the OpenFlow port');
  assert.equal(s.dev.p2!.takeSent().length, 1);
  // The megaflow carries the userspace action; the next packet is a packet-in without a miss.
  const flows = dpFlows(s);
  assert.equal(flows.length, 1);
  assert.match(flows[0]!, /actions:userspace\(pid=0,controller\(reason=1,.*max_len=20\)\),2$/);
  const stats = s.sw.backer('dummy')!.handler.stats;
  s.dev.p1!.receive(f);
  s.sw.handleUpcalls();
  assert.equal(pins.length, 2);
  assert.equal(stats.misses, 1);
  assert.equal(stats.packetIns, 2);
  assert.equal(s.dev.p2!.takeSent().length, 1);
});

test('table-miss packet-in for an OpenFlow 1.0 controller (implicit-miss reason, full packet)', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  s.br.setHasControllers(true);
  s.br.setWantsPacketInOnMiss(true);
  const pins: PacketInEvent[] = [];
  s.br.events.on('packet-in', (e) => pins.push(e));
  const f = arpRequest({ sha: A });
  s.dev.p2!.receive(f);
  s.sw.handleUpcalls();
  assert.equal(pins.length, 1);
  assert.equal(pins[0]!.reason, 7); // OVS's internal implicit miss (sent as OFPR_NO_MATCH on the wire)
  assert.equal(pins[0]!.inPort, 2);
  assert.equal(pins[0]!.packet.length, f.length);
});

test('flow limit: the handler stops installing but still forwards', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  s.sw.setFlowLimit(2);
  ofctl(s.br, 'priority=10,udp,in_port=1,actions=output:2');
  ofctl(s.br, 'priority=9,in_port=1,actions=output:2');
  // Three flows that need three megaflows (udp ports differ only for udp rule... use three protocols).
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.dev.p1!.receive(tcpFrame({ ethSrc: A, ethDst: B }));
  s.dev.p1!.receive(arpRequest({ sha: A }));
  s.sw.handleUpcalls();
  const b = s.sw.backer('dummy')!;
  assert.equal(b.nFlows, 2);
  assert.equal(b.handler.stats.limited, 1);
  assert.equal(s.dev.p2!.takeSent().length, 3, 'all three forwarded');
});

test('learn action adds a rule in the target table; an identical learn only refreshes it', () => {
  const s = makeSwitch(3, { failMode: 'secure' });
  ofctl(
    s.br,
    'priority=1,actions=learn(table=1,hard_timeout=60,priority=5,cookie=0x77,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[]),resubmit(,1)',
  );
  ofctl(s.br, 'table=1,priority=0,actions=flood');
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.sw.handleUpcalls();
  assert.ok(dump(s.br).includes('cookie=0x77, table=1, hard_timeout=60, priority=5,dl_dst=0a:00:00:00:00:01 actions=output:1'), dump(s.br).join('\n'));
  const learned = ruleWith(s.br, 'cookie=0x77, table=1');
  s.clock.advance(5000);
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: C }));
  s.sw.handleUpcalls();
  assert.equal(ruleWith(s.br, 'cookie=0x77, table=1'), learned, 'same rule object: refreshed, not replaced');
  assert.equal(learned.modified, s.clock.now());
  // B answers A: table 1 now sends to port 1 only.
  s.dev.p2!.receive(udpFrame({ ethSrc: B, ethDst: A }));
  s.sw.handleUpcalls();
  assert.equal(s.dev.p1!.takeSent().length, 1);
  assert.equal(s.dev.p3!.takeSent().length, 2, 'p3 got only the two floods of A');
});

test('an unknown in_port (port deleted after the packet was queued) is dropped quietly', () => {
  const s = makeSwitch(2);
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.br.delPort('p1');
  assert.equal(s.sw.handleUpcalls(), 1);
  assert.equal(s.sw.backer('dummy')!.nFlows, 0);
  assert.equal(dump(s.br).length, 1);
  void OFPFC;
});

test('recirculation: an MPLS pop recirculates and the second pass is a megaflow of its own', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  ofctl(s.br, 'priority=1,mpls,in_port=1,actions=pop_mpls:0x0800,resubmit(,1)');
  ofctl(s.br, 'table=1,priority=1,ip,actions=output:2');
  const f = buildFrame({ eth: { src: A, dst: B }, mpls: [{ label: 100, ttl: 64 }], ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { src: 1, dst: 2 } });
  s.dev.p1!.receive(f);
  assert.equal(s.sw.handleUpcalls(), 2, 'the miss, then the recirculated miss');
  assert.deepEqual(dpFlows(s), [
    'recirc_id(0),in_port(1),eth_type(0x8847),mpls(label=0/0x0,tc=0/0,ttl=0/0x0,bos=1/1), actions:pop_mpls(eth_type=0x800),recirc(0x1)',
    'recirc_id(0x1),in_port(1),eth_type(0x0800),ipv4(frag=no), actions:2',
  ]);
  assert.equal(s.dev.p2!.takeSent().length, 1);
  s.dev.p1!.receive(f);
  assert.equal(s.sw.handleUpcalls(), 0, 'both passes now in the datapath');
  assert.equal(s.dev.p2!.takeSent().length, 1);
  s.sw.revalidate();
  assert.equal(ruleWith(s.br, 'table=1').packetCount, 2);
  assert.equal(ruleWith(s.br, 'mpls').packetCount, 2);
});

test('learned rules stay fresh while the learning flow has traffic; delete_learned removes them with the learner', () => {
  const s = makeSwitch(3, { failMode: 'secure' });
  ofctl(
    s.br,
    'priority=1,in_port=1,actions=learn(table=1,hard_timeout=10,priority=5,cookie=0x99,delete_learned,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[]),output:2',
  );
  ofctl(s.br, 'priority=1,in_port=2,actions=output:3');
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.sw.handleUpcalls();
  const learned = (): number => dump(s.br).filter((l) => l.includes('cookie=0x99, table=1')).length;
  assert.equal(learned(), 1);
  // 20 s of traffic that never leaves the datapath: revalidation keeps refreshing the learned rule.
  for (let t = 0; t < 40; t++) {
    s.clock.advance(500);
    s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
    assert.equal(s.sw.handleUpcalls(), 0);
    s.sw.revalidate();
    s.sw.run();
  }
  assert.equal(learned(), 1, 'still there after twice its hard timeout');
  s.clock.advance(10001);
  s.sw.revalidate();
  s.sw.run();
  assert.equal(learned(), 0, 'expires once the traffic stops');
  // Learn again, then delete the learning rule: delete_learned takes the learned rule with it.
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: C }));
  s.sw.handleUpcalls();
  assert.equal(learned(), 1);
  ofctl(s.br, 'priority=1,in_port=1', OFPFC.DELETE_STRICT);
  assert.equal(learned(), 0);
  assert.deepEqual(dump(s.br), ['priority=1,in_port=2 actions=output:3']);
});

test('a burst of one new flow: every packet is a miss, one megaflow is installed', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  ofctl(s.br, 'priority=1,in_port=1,actions=output:2');
  const f = udpFrame({ ethSrc: A, ethDst: B });
  s.dev.p1!.receiveMany([f, f, f, f, f]);
  assert.equal(s.sw.handleUpcalls(), 5);
  const st = s.sw.backer('dummy')!.handler.stats;
  assert.deepEqual([st.misses, st.installed, st.duplicates, st.failed], [5, 1, 4, 0]);
  assert.equal(s.dev.p2!.takeSent().length, 5);
  assert.equal(ruleWith(s.br, 'in_port=1').packetCount, 5);
});
