/*
 * NORMAL switching: VLAN modes on input and output, learning and moves, drops (wrong VLAN,
 * reserved MACs, learned input port), no-flood ports, gratuitous-ARP wildcarding,
 * packet-out input, MAC refresh for cached flows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { W_IPV4_DST, W_IPV4_SRC, W_NW, W_VLAN0 } from '../../src/flow/layout.js';
import { OfpactType as T } from '../../src/ofproto/ofp-actions.js';
import { OFPP_NONE, OFPP_NORMAL, type OfPort } from '../../src/ofproto/ofp-port.js';
import { formatXlateActions } from '../../src/ofproto/trace.js';
import { refreshMacLearning } from '../../src/ofproto/xlate/normal.js';
import { xlate } from '../../src/ofproto/xlate/xlate.js';
import { FakeBridge, flowFrom } from './xlate-fake-bridge.js';
import { flowVlans, normalizeDpActions } from './oracle-harness.js';

function normalBridge(cfg: Record<number, Partial<OfPort>> = {}, nPorts = 4): FakeBridge {
  const br = new FakeBridge('br0', nPorts);
  for (const [p, c] of Object.entries(cfg)) Object.assign(br.port(Number(p))!, c);
  br.add('priority=0', [{ type: T.OUTPUT, port: OFPP_NORMAL, maxLen: 0 }]);
  return br;
}

function run(br: FakeBridge, text: string, now = 0, side = true) {
  const flow = flowFrom(text);
  const r = xlate(br, flow, { sideEffects: side, now, ofInPort: true, trace: [] });
  return { ...r, text: formatXlateActions(r.actions), norm: normalizeDpActions(formatXlateActions(r.actions), flowVlans(flow, W_VLAN0)) };
}

const pkt = (inPort: number, src: number, dst: string, extra = ''): string =>
  `in_port=${inPort}${extra},dl_src=00:00:00:00:00:${src.toString(16).padStart(2, '0')},dl_dst=${dst},dl_type=0x1234`;
const BC = 'ff:ff:ff:ff:ff:ff';

test('access ports: untagged in, tagged on trunks, untagged on same-VLAN access, nothing to other VLANs', () => {
  const br = normalBridge({ 1: { tag: 10 }, 2: { tag: 10 }, 3: { tag: 20 }, 4: { trunks: [10, 20] } });
  const r = run(br, pkt(1, 1, BC));
  assert.equal(
    r.norm,
    normalizeDpActions('2,push_vlan(vid=10,pcp=0),4,100'),
    'p2 untagged, p4 and LOCAL (trunk of all VLANs) tagged 10, p3 (VLAN 20) nothing',
  );
  assert.equal(br.macs.lookup(0x01, 10)?.port, 1, 'learned in VLAN 10');
});

test('VLAN checks: tagged frame on an access port and VLAN not trunked are dropped with OVS messages', () => {
  const br = normalBridge({ 1: { tag: 10 }, 4: { trunks: [10, 20] } });
  let r = run(br, pkt(1, 1, BC, ',dl_vlan=10'));
  assert.equal(r.text, 'drop');
  assert.equal(r.errorText, null, 'a NORMAL drop is not a translation error');
  r = run(br, pkt(4, 4, BC, ',dl_vlan=30'));
  assert.equal(r.text, 'drop');
  assert.equal(br.macs.size, 0, 'nothing learned from dropped frames');
  const trace: never[] = [];
  const x = xlate(br, flowFrom(pkt(1, 1, BC, ',dl_vlan=10')), { sideEffects: false, now: 0, ofInPort: true, trace });
  assert.match(JSON.stringify(trace), /dropping VLAN 10 tagged packet received on port p1 configured as VLAN 10 access port/);
  assert.equal(x.mask[W_VLAN0], 0x1fff, 'VID and CFI matched (PCP and TPID not)');
});

test('native-untagged: untagged input is the native VLAN; output untagged in native, tagged otherwise', () => {
  const br = normalBridge({ 1: { vlanMode: 'native-untagged', tag: 10, trunks: [20] }, 2: { tag: 10 }, 3: { tag: 20 }, 4: { vlanMode: 'native-tagged', tag: 20 } });
  let r = run(br, pkt(1, 1, BC));
  assert.equal(r.norm, normalizeDpActions('2,push_vlan(vid=10,pcp=0),4,100'));
  r = run(br, pkt(3, 3, BC));
  assert.equal(r.norm, normalizeDpActions('push_vlan(vid=20,pcp=0),1,4,100'), 'native-tagged p4 keeps the tag of its native VLAN');
  r = run(br, pkt(4, 4, BC));
  assert.equal(r.norm, normalizeDpActions('push_vlan(vid=20,pcp=0),1,100,pop_vlan,3'), 'native-tagged untagged input is VLAN 20');
  r = run(br, pkt(1, 5, BC, ',dl_vlan=10'));
  assert.equal(r.norm, normalizeDpActions('4,100,pop_vlan,2', ['vid=10,pcp=0']), 'the native VLAN is also accepted tagged');
  assert.equal(run(br, pkt(1, 6, BC, ',dl_vlan=30')).text, 'drop');
});

test('learning: reply is unicast, learned input port drops, moves bump the version', () => {
  const br = normalBridge();
  run(br, pkt(1, 1, '00:00:00:00:00:02'));
  let r = run(br, pkt(2, 2, '00:00:00:00:00:01'));
  assert.equal(r.text, '1');
  r = run(br, pkt(1, 2, '00:00:00:00:00:01'));
  assert.equal(br.macs.lookup(2, 0)?.port, 1, 'MAC 2 moved to port 1');
  assert.equal(r.text, 'drop', 'destination learned on the input port');
  const v = br.macs.version;
  run(br, pkt(3, 2, BC));
  assert.equal(br.macs.version, v + 1);
  assert.equal(br.macs.lookup(2, 0)?.port, 3);
});

test('no-flood ports are left out of NORMAL flooding; reserved MACs dropped unless forward-bpdu', () => {
  const br = normalBridge({ 3: { noFlood: true } });
  assert.equal(run(br, pkt(1, 1, BC)).norm, normalizeDpActions('2,4,100'));
  assert.equal(run(br, pkt(1, 1, '01:80:c2:00:00:00')).text, 'drop');
  br.forwardBpdu = true;
  assert.equal(run(br, pkt(1, 1, '01:80:c2:00:00:00')).norm, normalizeDpActions('2,4,100'));
});

test('gratuitous ARP check un-wildcards ARP op and addresses for broadcasts', () => {
  const br = normalBridge();
  const r = run(br, 'in_port=1,arp,dl_src=00:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.1');
  assert.equal(r.mask[W_NW]! >>> 24, 0xff);
  assert.equal(r.mask[W_IPV4_SRC], 0xffffffff);
  assert.equal(r.mask[W_IPV4_DST], 0xffffffff);
  assert.equal(r.normals[0]!.isGratArp, true);
  const u = run(br, 'in_port=1,arp,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:09,arp_op=1');
  assert.equal(u.mask[W_NW]! >>> 24, 0, 'unicast ARP: op not examined');
});

test('packet-out from the controller (in_port NONE) floods everywhere and learns nothing', () => {
  const br = normalBridge();
  const r = run(br, pkt(OFPP_NONE, 1, BC));
  assert.equal(r.norm, normalizeDpActions('1,2,3,4,100'));
  assert.equal(br.macs.size, 0);
});

test('no side effects: nothing learned; refreshMacLearning keeps cached sources alive', () => {
  const br = normalBridge();
  const r = run(br, pkt(1, 1, BC), 0, false);
  assert.equal(br.macs.size, 0);
  assert.equal(r.normals.length, 1);
  refreshMacLearning(br, r.normals[0]!, 1000);
  assert.equal(br.macs.lookup(1, 0)?.port, 1);
  refreshMacLearning(br, r.normals[0]!, 299_000);
  br.macs.run(301_000);
  assert.equal(br.macs.lookup(1, 0)?.port, 1, 'refreshed at 299 s, alive at 301 s');
});
