/*
 * Bridge basics: the LOCAL port, OpenFlow and datapath port numbering (ofport_request, the
 * dummy datapath's name-based numbers), port-status events, port-mod, port VLAN settings
 * for NORMAL, versions, shared backers, and bridge deletion.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DummyNetdev } from '../../src/netdev/dummy.js';
import { OFPPC_NO_FLOOD, OFPPC_PORT_DOWN, OFPPS_LINK_DOWN, OFPPS_LIVE } from '../../src/ofproto/bridge-port.js';
import { Ofproto } from '../../src/ofproto/ofproto.js';
import type { PortStatusEvent } from '../../src/ofproto/ofproto-events.js';
import { OFPPR_ADD, OFPPR_DELETE, OFPPR_MODIFY } from '../../src/ofproto/ofproto-events.js';
import { OFPP_LOCAL } from '../../src/ofproto/ofp-port.js';
import { udpFrame } from '../../src/packet/build.js';
import { ManualClock } from '../../src/util/clock.js';
import { dpFlows, dump, fm, makeSwitch, ofctl, OFPFC, ruleWith } from './bridge-helpers.js';
import { OfpactType } from '../../src/ofproto/ofp-actions.js';

test('a bridge has a LOCAL port on an internal netdev; dummy datapaths number ports like OVS', () => {
  const { sw, br } = makeSwitch(2);
  const local = br.bridgePort(OFPP_LOCAL)!;
  assert.equal(local.name, 'br0');
  assert.equal(local.type, 'internal');
  assert.equal(local.dpPort, 100, 'OVS dummy dpif: "br0" -> 100');
  assert.equal(br.portByName('p1')!.dpPort, 1);
  assert.equal(br.portByName('p2')!.dpPort, 2);
  const dp = sw.backer('dummy')!.dpif;
  assert.equal(dp.name, 'ovs-dummy');
  assert.deepEqual(
    dp.portDump().map((p) => `${p.portNo}:${p.name}`),
    ['0:ovs-dummy', '1:p1', '2:p2', '100:br0'],
  );
  assert.equal(local.mac, br.hwaddr);
  assert.equal(br.datapathId, BigInt(br.hwaddr));
});

test('OpenFlow port numbers: ofport_request honoured when free, else the first free from 1', () => {
  const clock = new ManualClock();
  const sw = new Ofproto({ clock });
  const br = sw.addBridge('br0');
  assert.equal(br.addPort({ name: 'a', netdev: new DummyNetdev('a'), ofportRequest: 10 }).ofPort, 10);
  assert.equal(br.addPort({ name: 'b', netdev: new DummyNetdev('b') }).ofPort, 1);
  assert.equal(br.addPort({ name: 'c', netdev: new DummyNetdev('c'), ofportRequest: 10 }).ofPort, 2);
  assert.equal(br.addPort({ name: 'd', netdev: new DummyNetdev('d'), ofportRequest: 0xff00 }).ofPort, 3);
  assert.throws(() => br.addPort({ name: 'a', netdev: new DummyNetdev('a') }), /already exists/);
  assert.equal(sw.backer('netdev')!.dpif.name, 'ovs-netdev');
  // A second bridge of the same type shares the datapath; names stay unique switch-wide.
  const br1 = sw.addBridge('br1');
  assert.equal(br1.backer, br.backer);
  assert.throws(() => br1.addPort({ name: 'b', netdev: new DummyNetdev('b') }), /already exists/);
  assert.throws(() => sw.addBridge('br1'), /already exists/);
  assert.ok(br.delPort('b'));
  assert.ok(!br.delPort('b'));
  assert.ok(!br.delPort(OFPP_LOCAL), 'LOCAL cannot be deleted');
  assert.equal(br.addPort({ name: 'e', netdev: new DummyNetdev('e') }).ofPort, 1, 'freed number reused');
});

test('port-status events on add, delete, port-mod and link changes', () => {
  const { br, dev } = makeSwitch(1);
  const ev: PortStatusEvent[] = [];
  br.events.on('port-status', (e) => ev.push(e));
  const d = new DummyNetdev('p9');
  br.addPort({ name: 'p9', netdev: d });
  const p = br.portByName('p9')!;
  assert.equal(p.state, OFPPS_LIVE);
  const v = br.version;
  const r = br.portMod(p.ofPort, OFPPC_PORT_DOWN | OFPPC_NO_FLOOD, OFPPC_PORT_DOWN | OFPPC_NO_FLOOD);
  assert.ok(r.ok);
  assert.ok(p.adminDown && p.noFlood);
  assert.equal(p.state, 0, 'not live while administratively down');
  assert.ok(br.version > v);
  assert.equal(br.portMod(p.ofPort, 0, OFPPC_NO_FLOOD).ok, true);
  assert.ok(p.adminDown && !p.noFlood, 'only bits under the mask change');
  const bad = br.portMod(77, 0, 1);
  assert.ok(!bad.ok && bad.error.code === 'OFPPMFC_BAD_PORT');
  const badMac = br.portMod(p.ofPort, 0, 1, 0x123);
  assert.ok(!badMac.ok && badMac.error.code === 'OFPPMFC_BAD_HW_ADDR');
  dev.p1!.setUp(false);
  br.run();
  assert.equal(br.portByName('p1')!.state, OFPPS_LINK_DOWN);
  br.run();
  br.delPort('p9');
  assert.deepEqual(
    ev.map((e) => `${e.reason}:${e.name}`),
    [`${OFPPR_ADD}:p9`, `${OFPPR_MODIFY}:p9`, `${OFPPR_MODIFY}:p9`, `${OFPPR_MODIFY}:p1`, `${OFPPR_DELETE}:p9`],
  );
});

test('no_flood ports are left out of NORMAL flooding', () => {
  const s = makeSwitch(3);
  s.br.portMod(3, OFPPC_NO_FLOOD, OFPPC_NO_FLOOD);
  s.dev.p1!.receive(udpFrame({ ethSrc: 1, ethDst: 2 }));
  s.sw.handleUpcalls();
  assert.match(dpFlows(s)[0]!, /actions:2,100$/);
});

test('VLAN access ports: NORMAL tags and untags between an access and a trunk port', () => {
  const s = makeSwitch(3);
  s.br.setPortVlan('p1', { vlanMode: 'access', tag: 10 });
  s.br.setPortVlan('p3', { vlanMode: 'access', tag: 20 });
  s.dev.p1!.receive(udpFrame({ ethSrc: 1, ethDst: 2 }));
  s.sw.handleUpcalls();
  const sent = s.dev.p2!.takeSent();
  assert.equal(sent.length, 1, 'trunk port p2 carries VLAN 10');
  assert.equal((sent[0]![12]! << 8) | sent[0]![13]!, 0x8100);
  assert.equal(((sent[0]![14]! << 8) | sent[0]![15]!) & 0xfff, 10);
  assert.equal(s.dev.p3!.takeSent().length, 0, 'access port of VLAN 20 gets nothing');
});

test('deleting a bridge removes its ports from the datapath; its flows go at revalidation', () => {
  const s = makeSwitch(2);
  s.dev.p1!.receive(udpFrame({ ethSrc: 1, ethDst: 2 }));
  s.sw.handleUpcalls();
  assert.equal(dpFlows(s).length, 1);
  assert.ok(s.sw.delBridge('br0'));
  assert.ok(!s.sw.delBridge('br0'));
  const dp = s.sw.backer('dummy')!.dpif;
  assert.deepEqual(dp.portDump().map((p) => p.name), ['ovs-dummy']);
  s.sw.revalidate();
  assert.equal(dpFlows(s).length, 0);
  // The name is free again.
  const br = s.sw.addBridge('br0', { datapathType: 'dummy' });
  assert.deepEqual(dump(br), ['priority=0 actions=NORMAL']);
});

test('version bumps on table, group, meter and port changes', () => {
  const { br } = makeSwitch(1, { failMode: 'secure' });
  let v = br.version;
  const bumped = (): boolean => {
    const b = br.version > v;
    v = br.version;
    return b;
  };
  ofctl(br, 'priority=1,actions=drop');
  assert.ok(bumped());
  br.groupMod({ command: 0, groupId: 1, type: 'all', buckets: [] });
  assert.ok(bumped());
  br.meterMod({ command: 0, meterId: 1, flags: 1, bands: [{ type: 1, rate: 10, burstSize: 0 }] });
  assert.ok(bumped());
  br.addPort({ name: 'x', netdev: new DummyNetdev('x') });
  assert.ok(bumped());
  br.tableMod(0, 'controller');
  assert.ok(bumped());
  assert.equal(br.tableMiss(0), 'controller');
  ofctl(br, 'in_port=9', OFPFC.DELETE);
  assert.ok(!bumped(), 'a delete that matched nothing changes nothing');
});

test('flow-mod batches are atomic: a failure undoes earlier changes and sends no event', () => {
  const { br } = makeSwitch(2, { failMode: 'secure' });
  ofctl(br, 'send_flow_rem,priority=5,in_port=1,actions=output:2');
  ofctl(br, 'priority=6,in_port=2,actions=output:1');
  const before = dump(br);
  const events: string[] = [];
  br.events.on('flow-removed', () => events.push('removed'));
  br.events.on('rule-change', (e) => events.push(e.event));
  const r = br.flowModBatch([
    fm('priority=5,in_port=1,actions=drop'), // replaces
    fm('in_port=2', OFPFC.DELETE),
    fm('priority=7,in_port=3,actions=output:1'),
    fm('priority=8,actions=group:99'), // fails: no such group
  ]);
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'OFPBAC_BAD_OUT_GROUP');
  assert.equal(r.index, 3);
  assert.deepEqual(dump(br), before);
  assert.deepEqual(events, []);
  // Traffic still finds the original rules.
  const ok = br.flowModBatch([fm('send_flow_rem,priority=5,in_port=1,actions=drop'), fm('in_port=2', OFPFC.DELETE)]);
  assert.ok(ok.ok);
  assert.deepEqual(dump(br), ['send_flow_rem priority=5,in_port=1 actions=drop']);
  assert.deepEqual(events, ['added', 'removed']);
});

test('packet-out runs actions on a frame from a given in_port', () => {
  const s = makeSwitch(3, { failMode: 'secure' });
  const f = udpFrame({ ethSrc: 1, ethDst: 2 });
  const out = (port: number) => [{ type: OfpactType.OUTPUT, port, maxLen: 0 }] as const;
  assert.ok(s.br.packetOut(f, 0xfffd, out(2)).ok);
  assert.equal(s.dev.p2!.takeSent().length, 1);
  // OFPP_IN_PORT goes back out of the given in_port; OFPP_TABLE runs the pipeline.
  assert.ok(s.br.packetOut(f, 3, out(0xfff8)).ok);
  assert.equal(s.dev.p3!.takeSent().length, 1);
  ofctl(s.br, 'priority=1,in_port=1,actions=output:2,output:3');
  assert.ok(s.br.packetOut(f, 1, out(0xfff9)).ok);
  assert.equal(s.dev.p2!.takeSent().length, 1);
  assert.equal(s.dev.p3!.takeSent().length, 1);
  assert.equal(ruleWith(s.br, 'in_port=1').packetCount, 1);
  const bad = s.br.packetOut(f, 0xff10, out(2));
  assert.ok(!bad.ok && bad.error.code === 'OFPBRC_BAD_PORT');
  const badGroup = s.br.packetOut(f, 1, [{ type: OfpactType.GROUP, groupId: 4 }]);
  assert.ok(!badGroup.ok && badGroup.error.code === 'OFPBAC_BAD_OUT_GROUP');
});

test('start() runs the switch on real timers; stop() ends it', async () => {
  const sw = new Ofproto();
  const br = sw.addBridge('br0', { datapathType: 'dummy' });
  const a = new DummyNetdev('a');
  const b = new DummyNetdev('b');
  br.addPort({ name: 'a', netdev: a });
  br.addPort({ name: 'b', netdev: b });
  sw.start();
  a.receive(udpFrame({ ethSrc: 1, ethDst: 2 }));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(b.takeSent().length, 1, 'handled without calling handleUpcalls()');
  sw.stop();
  a.receive(udpFrame({ ethSrc: 1, ethDst: 3 }));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(b.takeSent().length, 0);
  assert.equal(sw.handleUpcalls(), 1);
  assert.equal(b.takeSent().length, 1);
});
