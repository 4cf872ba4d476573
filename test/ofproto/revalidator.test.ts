/*
 * The revalidator in virtual time: idle flows deleted after max-idle, flows fixed after rule
 * and MAC-table changes (modified in place, or deleted when the new translation needs bits
 * the installed mask wildcards), exact rule counters, flow-limit enforcement, purge, and
 * ukeys of flows that vanished.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { udpFrame } from '../../src/packet/build.js';
import { dpFlows, makeSwitch, ofctl, OFPFC, ruleWith, type Switch } from './bridge-helpers.js';

const A = 0x0a0000000001;
const B = 0x0a0000000002;

function backer(s: Switch) {
  return s.sw.backer('dummy')!;
}

test('idle megaflows are deleted after max-idle (10 s), busy ones stay', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  ofctl(s.br, 'priority=10,udp,in_port=1,actions=output:2');
  ofctl(s.br, 'priority=10,udp,in_port=2,actions=output:1');
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.dev.p2!.receive(udpFrame({ ethSrc: B, ethDst: A }));
  s.sw.handleUpcalls();
  assert.equal(backer(s).nFlows, 2);
  for (let t = 0; t < 20; t++) {
    s.clock.advance(500);
    s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B })); // keeps in_port=1 busy
    s.sw.handleUpcalls();
    s.sw.revalidate();
    // The in_port=2 flow, never hit after its upcall, goes once idle > 10 s (created at t=1000).
    assert.equal(backer(s).nFlows, s.clock.now() - 1000 > 10000 ? 1 : 2, `at ${s.clock.now()}`);
  }
  s.clock.advance(500);
  s.sw.revalidate();
  assert.equal(backer(s).nFlows, 1);
  assert.equal(backer(s).ukeys.size, 1);
  s.sw.setMaxIdle(1000);
  s.clock.advance(1001);
  s.sw.revalidate();
  assert.equal(backer(s).nFlows, 0);
  assert.equal(backer(s).ukeys.size, 0);
  assert.equal(ruleWith(s.br, 'in_port=1').packetCount, 21, 'final stats credited on deletion');
});

test('rule counters are exact after traffic and revalidation', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  ofctl(s.br, 'priority=10,in_port=1,actions=resubmit(,1)');
  ofctl(s.br, 'table=1,priority=10,udp,actions=output:2');
  const sizes = [60, 100, 200, 300];
  let bytes = 0;
  for (const n of sizes) {
    const f = udpFrame({ ethSrc: A, ethDst: B, payload: n });
    bytes += f.length;
    s.dev.p1!.receive(f);
    s.sw.handleUpcalls();
  }
  s.sw.revalidate();
  for (const needle of ['in_port=1', 'table=1']) {
    const r = ruleWith(s.br, needle);
    assert.equal(r.packetCount, sizes.length, needle);
    assert.equal(r.byteCount, bytes, needle);
  }
  s.sw.revalidate();
  assert.equal(ruleWith(s.br, 'table=1').packetCount, sizes.length, 'no double counting');
});

test('a new higher-priority rule changes the installed flow (modified in place)', () => {
  const s = makeSwitch(3, { failMode: 'secure' });
  ofctl(s.br, 'priority=10,in_port=1,actions=output:2');
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.sw.handleUpcalls();
  assert.deepEqual(dpFlows(s), ['recirc_id(0),in_port(1),eth_type(0x0800),ipv4(frag=no), actions:2']);
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  ofctl(s.br, 'priority=20,in_port=1,actions=output:3');
  const r = s.sw.revalidate()[0]!;
  assert.equal(r.modified, 1);
  assert.deepEqual(dpFlows(s), ['recirc_id(0),in_port(1),eth_type(0x0800),ipv4(frag=no), actions:3']);
  // The packet that hit the old flow counts for the rule that took it (OVS pushes to the new translation).
  assert.equal(ruleWith(s.br, 'priority=10').packetCount, 1);
  assert.equal(ruleWith(s.br, 'priority=20').packetCount, 1);
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  assert.equal(s.sw.handleUpcalls(), 0, 'no miss: the modified flow handles it');
  assert.equal(s.dev.p3!.takeSent().length, 1);
});

test('a change that needs more match bits deletes the flow; the next packet re-installs it', () => {
  const s = makeSwitch(3, { failMode: 'secure' });
  ofctl(s.br, 'priority=10,in_port=1,actions=output:2');
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.sw.handleUpcalls();
  ofctl(s.br, 'priority=20,udp,in_port=1,tp_dst=53,actions=output:3');
  const r = s.sw.revalidate()[0]!;
  assert.equal(r.deletedReval, 1);
  assert.equal(backer(s).nFlows, 0);
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B, dport: 53 }));
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B, dport: 54 }));
  s.sw.handleUpcalls();
  assert.equal(backer(s).nFlows, 2);
  assert.equal(s.dev.p3!.takeSent().length, 1);
  assert.equal(s.dev.p2!.takeSent().length, 2);
});

test('MAC learning turns the flood flow into a unicast one at the next revalidation', () => {
  const s = makeSwitch(3);
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.sw.handleUpcalls();
  assert.match(dpFlows(s)[0]!, /actions:2,3,100$/);
  s.dev.p2!.receive(udpFrame({ ethSrc: B, ethDst: A }));
  s.sw.handleUpcalls();
  s.sw.revalidate();
  const flows = dpFlows(s);
  assert.match(flows[0]!, /in_port\(1\).*actions:2$/);
  assert.match(flows[1]!, /in_port\(2\).*actions:1$/);
  // Datapath hits refresh the MAC entries (OVS XC_NORMAL): after 200 s of traffic A is still known.
  for (let i = 0; i < 40; i++) {
    s.clock.advance(5000);
    s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
    s.dev.p2!.receive(udpFrame({ ethSrc: B, ethDst: A }));
    s.sw.handleUpcalls();
    s.sw.revalidate();
    s.sw.run();
  }
  assert.ok(s.br.macs.lookup(A, 0) !== undefined, 'A still learned');
  assert.equal(s.br.macs.lookup(A, 0)!.port, 1);
});

test('flow limit: over the limit the least recently used flows are deleted', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  ofctl(s.br, 'priority=10,udp,in_port=1,actions=output:2');
  ofctl(s.br, 'priority=20,udp,in_port=1,tp_dst=1,actions=output:2');
  ofctl(s.br, 'priority=20,udp,in_port=1,tp_dst=2,actions=output:2');
  ofctl(s.br, 'priority=20,udp,in_port=1,tp_dst=3,actions=output:2');
  ofctl(s.br, 'priority=20,udp,in_port=1,tp_dst=4,actions=output:2');
  for (let d = 1; d <= 4; d++) {
    s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B, dport: d }));
    s.sw.handleUpcalls();
  }
  assert.equal(backer(s).nFlows, 4);
  // Hit them in the order 3, 1, 4, 2 (2 most recent), 10 ms apart.
  for (const d of [3, 1, 4, 2]) {
    s.clock.advance(10);
    s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B, dport: d }));
  }
  s.sw.setFlowLimit(2);
  const r = s.sw.revalidate()[0]!;
  assert.equal(r.deletedLimit, 2);
  const left = dpFlows(s).map((l) => /tp_dst=(\d+)|dst=(\d+)\)/.exec(l.slice(l.indexOf('udp')))?.slice(1).find(Boolean));
  assert.deepEqual(left.sort(), ['2', '4']);
  // The handler refuses to go past the limit.
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B, dport: 1 }));
  s.sw.handleUpcalls();
  assert.equal(backer(s).nFlows, 2);
  // Far over the limit (more than twice): everything goes.
  s.sw.setFlowLimit(0);
  s.sw.revalidate();
  assert.equal(backer(s).nFlows, 0);
});

test('purge deletes every flow and credits its stats; flows removed behind our back drop their ukeys', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  ofctl(s.br, 'priority=10,in_port=1,actions=output:2');
  ofctl(s.br, 'priority=10,in_port=2,actions=output:1');
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.dev.p2!.receive(udpFrame({ ethSrc: B, ethDst: A }));
  s.sw.handleUpcalls();
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  assert.equal(backer(s).revalidator.purge(), 2);
  assert.equal(backer(s).nFlows, 0);
  assert.equal(backer(s).ukeys.size, 0);
  assert.equal(ruleWith(s.br, 'in_port=1').packetCount, 2);
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.sw.handleUpcalls();
  assert.equal(backer(s).ukeys.size, 1);
  backer(s).dpif.flowFlush();
  s.sw.revalidate();
  assert.equal(backer(s).ukeys.size, 0);
});

test('deleting a port or a rule removes or fixes the flows that used it', () => {
  const s = makeSwitch(3, { failMode: 'secure' });
  ofctl(s.br, 'priority=10,in_port=1,actions=output:2');
  ofctl(s.br, 'priority=10,in_port=3,actions=output:2');
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.dev.p3!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.sw.handleUpcalls();
  assert.equal(backer(s).nFlows, 2);
  s.br.delPort('p3');
  ofctl(s.br, 'in_port=1', OFPFC.DELETE);
  s.sw.revalidate();
  assert.deepEqual(dpFlows(s), ['recirc_id(0),in_port(1),eth_type(0x0800),ipv4(frag=no), actions:drop']);
});

test('dpctl-style flows without a ukey are adopted and corrected', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  ofctl(s.br, 'priority=10,in_port=1,actions=output:2');
  s.dev.p1!.receive(udpFrame({ ethSrc: A, ethDst: B }));
  s.sw.handleUpcalls();
  const b = backer(s);
  const [f] = b.dpif.flowDump();
  b.ukeys.clear(); // as if installed by someone else
  b.dpif.flowPut({ key: f!.key, mask: f!.mask, actions: [{ type: 1, port: 1 }], flags: 2 });
  s.sw.revalidate();
  assert.deepEqual(dpFlows(s), ['recirc_id(0),in_port(1),eth_type(0x0800),ipv4(frag=no), actions:2']);
  assert.equal(b.ukeys.size, 1);
});
