/*
 * Patch ports: two bridges on one datapath joined by a patch pair carry traffic in one
 * megaflow (translation crosses into the peer's pipeline), rule stats land on both
 * bridges, packet-ins come from the bridge whose pipeline asked, and peers resolve only
 * when both ends name each other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DummyNetdev } from '../../src/netdev/dummy.js';
import { Ofproto } from '../../src/ofproto/ofproto.js';
import type { PacketInEvent } from '../../src/ofproto/ofproto-events.js';
import { udpFrame } from '../../src/packet/build.js';
import { ManualClock } from '../../src/util/clock.js';
import { dpFlows, ofctl, ruleWith, type Switch } from './bridge-helpers.js';

const A = 0x0a0000000001;
const B = 0x0a0000000002;

function twoBridges(failMode: 'standalone' | 'secure' = 'standalone') {
  const clock = new ManualClock(1000);
  const sw = new Ofproto({ clock });
  const br0 = sw.addBridge('br0', { datapathType: 'dummy', failMode });
  const br1 = sw.addBridge('br1', { datapathType: 'dummy', failMode });
  const p1 = new DummyNetdev('p1');
  const p2 = new DummyNetdev('p2');
  br0.addPort({ name: 'p1', netdev: p1 });
  br0.addPort({ name: 'patch0', type: 'patch', options: { peer: 'patch1' } });
  br1.addPort({ name: 'p2', netdev: p2 });
  br1.addPort({ name: 'patch1', type: 'patch', options: { peer: 'patch0' } });
  const s = { clock, sw, br: br0, dev: {}, port: {} } as Switch;
  return { clock, sw, br0, br1, p1, p2, s };
}

test('patch ports resolve to each other and carry NORMAL traffic across bridges', () => {
  const { sw, br0, br1, p1, p2, s } = twoBridges();
  const patch0 = br0.portByName('patch0')!;
  assert.equal(patch0.dpPort, -1, 'no vport for a patch port');
  assert.deepEqual(patch0.patchPeer, { bridge: 'br1', ofPort: br1.portByName('patch1')!.ofPort });
  p1.receive(udpFrame({ ethSrc: A, ethDst: B }));
  sw.handleUpcalls();
  assert.equal(p2.takeSent().length, 1);
  p2.receive(udpFrame({ ethSrc: B, ethDst: A }));
  sw.handleUpcalls();
  assert.equal(p1.takeSent().length, 1);
  sw.revalidate();
  // One megaflow per direction, covering both bridges' pipelines.
  const flows = dpFlows(s);
  assert.equal(flows.length, 2);
  assert.match(flows[0]!, /in_port\(1\).*actions:2$/);
  assert.match(flows[1]!, /in_port\(2\).*actions:1$/);
  p1.receive(udpFrame({ ethSrc: A, ethDst: B }));
  assert.equal(sw.handleUpcalls(), 0);
  assert.equal(p2.takeSent().length, 1);
  sw.pushStats();
  assert.equal(ruleWith(br0, 'NORMAL').packetCount, 3);
  assert.equal(ruleWith(br1, 'NORMAL').packetCount, 3);
  assert.equal(br1.macs.lookup(A, 0)!.port, br1.portByName('patch1')!.ofPort, 'br1 learned A behind its patch port');
});

test('packet-ins come from the bridge whose pipeline sent them', () => {
  const { sw, br0, br1, p1 } = twoBridges('secure');
  ofctl(br0, 'priority=1,in_port=1,actions=output:2'); // patch0 is port 2
  ofctl(br1, 'priority=1,in_port=2,actions=controller');
  const got: string[] = [];
  br0.events.on('packet-in', () => got.push('br0'));
  br1.events.on('packet-in', (e: PacketInEvent) => got.push(`br1 in_port=${e.inPort}`));
  p1.receive(udpFrame({ ethSrc: A, ethDst: B }));
  sw.handleUpcalls();
  assert.deepEqual(got, ['br1 in_port=2']);
});

test('a peer must name the port back; deleting one end unlinks the other', () => {
  const clock = new ManualClock(1000);
  const sw = new Ofproto({ clock });
  const br0 = sw.addBridge('br0', { datapathType: 'dummy' });
  const br1 = sw.addBridge('br1', { datapathType: 'dummy' });
  br0.addPort({ name: 'pa', type: 'patch', options: { peer: 'pb' } });
  assert.equal(br0.portByName('pa')!.patchPeer, null, 'peer missing');
  br1.addPort({ name: 'pb', type: 'patch', options: { peer: 'zz' } });
  assert.equal(br0.portByName('pa')!.patchPeer, null, 'peer does not name us');
  br1.delPort('pb');
  const v = br0.version;
  br1.addPort({ name: 'pb', type: 'patch', options: { peer: 'pa' } });
  assert.deepEqual(br0.portByName('pa')!.patchPeer, { bridge: 'br1', ofPort: 1 });
  assert.ok(br0.version > v, 'the peer change bumps the version');
  sw.delBridge('br1');
  assert.equal(br0.portByName('pa')!.patchPeer, null);
  assert.throws(() => br0.addPort({ name: 'pc', type: 'patch' }), /requires valid 'peer'/);
  // Bridges on different datapath types are not linked.
  const br2 = sw.addBridge('br2', { datapathType: 'netdev' });
  br2.addPort({ name: 'pb', type: 'patch', options: { peer: 'pa' } });
  assert.equal(br0.portByName('pa')!.patchPeer, null);
});
