/*
 * xlate(): datapath actions and megaflow masks for basic pipelines (output, reserved
 * ports, set fields, VLAN, TTL, resubmit/goto_table, limits, action sets, groups,
 * patch ports, controller, learn).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDpActions } from '../../src/datapath/odp-actions-format.js';
import { DpActionType } from '../../src/datapath/actions.js';
import {
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_ETH_TYPE,
  W_IN_PORT,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_NW,
  W_RECIRC_ID,
  W_REG0,
  W_TP,
  W_VLAN0,
  DP_KEY_WORDS,
  FLOW_WORDS,
} from '../../src/flow/layout.js';
import { mfFromName } from '../../src/flow/meta-flow.js';
import { OfpactType as T, type OfpAction } from '../../src/ofproto/ofp-actions.js';
import { OFPP_ALL, OFPP_CONTROLLER, OFPP_FLOOD, OFPP_IN_PORT, OFPP_LOCAL, OFPP_NORMAL } from '../../src/ofproto/ofp-port.js';
import { xlate } from '../../src/ofproto/xlate/xlate.js';
import { decodeControllerUserdata, formatUserdata } from '../../src/ofproto/xlate/userdata.js';
import { FakeBridge, flowFrom, mkPort } from './xlate-fake-bridge.js';

const out = (port: number): OfpAction => ({ type: T.OUTPUT, port, maxLen: 0 });
const resubmit = (tableId: number, inPort = OFPP_IN_PORT): OfpAction => ({ type: T.RESUBMIT, inPort, tableId, withCtOrig: false });
const setField = (name: string, bytes: number[]): OfpAction => {
  const field = mfFromName(name)!;
  const value = Uint8Array.from(bytes);
  return { type: T.SET_FIELD, field, value, mask: new Uint8Array(field.nBytes).fill(0xff), viaLoad: false };
};

function run(br: FakeBridge, flowText: string, sideEffects = false) {
  const flow = flowFrom(flowText);
  const r = xlate(br, flow, { sideEffects, now: 0 });
  return { ...r, text: formatDpActions(r.actions, { userdataFormatter: (u) => formatUserdata(u)?.slice(1) }) };
}

const UDP = 'in_port=1,udp,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64,tp_src=1000,tp_dst=2000';

test('output to a port; base megaflow fields are always matched', () => {
  const br = new FakeBridge();
  br.add('priority=100,in_port=1', [out(2)]);
  const r = run(br, UDP);
  assert.equal(r.text, '2');
  assert.equal(r.mask[W_IN_PORT], 0xffffffff);
  assert.equal(r.mask[W_RECIRC_ID], 0xffffffff);
  assert.equal(r.mask[W_ETH_TYPE]! & 0xffff, 0xffff);
  assert.equal(r.mask[W_NW]! & 3, 3, 'nw_frag for IP');
  assert.equal(r.mask[W_IPV4_DST], 0);
  assert.equal(r.rules.length, 1);
  for (let w = DP_KEY_WORDS; w < FLOW_WORDS; w++) assert.equal(r.mask[w], 0);
});

test('output to the input port is skipped; in_port action sends it back', () => {
  const br = new FakeBridge();
  br.add('priority=100', [out(1), out(2)]);
  assert.equal(run(br, UDP).text, '2');
  const br2 = new FakeBridge();
  br2.add('priority=100', [out(OFPP_IN_PORT)]);
  assert.equal(run(br2, UDP).text, '1');
});

test('datapath in_port is translated to the OpenFlow port', () => {
  const br = new FakeBridge('br0', 0);
  br.addPort(mkPort(5, 9, 'p5'));
  br.addPort(mkPort(6, 12, 'p6'));
  br.add('priority=100,in_port=5', [out(6)]);
  const f = flowFrom(UDP);
  f[W_IN_PORT] = 9; // datapath port of OpenFlow port 5
  const r = xlate(br, f, { sideEffects: false, now: 0 });
  assert.equal(formatDpActions(r.actions), '12');
  assert.equal(r.finalFlow[W_IN_PORT], 5);
});

test('FLOOD and ALL exclude the input port, FLOOD skips no-flood ports; order by port number', () => {
  const br = new FakeBridge();
  br.port(3)!.noFlood = true;
  br.add('priority=100', [out(OFPP_FLOOD)]);
  assert.equal(run(br, UDP).text, '2,4,100');
  const br2 = new FakeBridge();
  br2.port(3)!.noFlood = true;
  br2.add('priority=100', [out(OFPP_ALL)]);
  assert.equal(run(br2, UDP).text, '2,3,4,100');
  const br3 = new FakeBridge();
  br3.add('priority=100', [out(OFPP_LOCAL)]);
  assert.equal(run(br3, UDP).text, '100');
});

test('mod_dl_dst commits before output and un-wildcards dl_dst', () => {
  const br = new FakeBridge();
  br.add('priority=50,ip,nw_dst=10.0.0.2', [{ type: T.SET_ETH_DST, mac: 0x505400000003 }, out(3)]);
  const r = run(br, UDP);
  assert.equal(r.text, 'set(eth(dst=50:54:00:00:00:03)),3');
  assert.equal(r.mask[W_ETH_DST], 0xffffffff);
  assert.equal(r.mask[W_ETH_HI], 0xffff0000);
  assert.equal(r.mask[W_IPV4_DST], 0xffffffff);
});

test('set_field ip_dst + eth_dst + dec_ttl (OVS oracle: vlan-setfield packet 4)', () => {
  const br = new FakeBridge();
  br.add('priority=100,in_port=3,ip', [
    setField('ip_dst', [10, 9, 9, 9]),
    setField('eth_dst', [0x00, 0x11, 0x22, 0x33, 0x44, 0x55]),
    { type: T.DEC_TTL, controllerIds: [0], explicitIds: false },
    out(4),
  ]);
  const r = run(br, 'in_port=3,tcp,dl_src=00:00:00:00:00:03,dl_dst=00:00:00:00:00:04,nw_src=10.0.0.3,nw_dst=10.0.0.4,nw_ttl=64,tp_src=5555,tp_dst=80');
  assert.equal(r.text, 'set(eth(dst=00:11:22:33:44:55)),set(ipv4(dst=10.9.9.9,ttl=63)),4');
  assert.equal(r.mask[W_NW]! >>> 24, 0xff, 'nw_proto matched');
  assert.equal((r.mask[W_NW]! >>> 8) & 0xff, 0xff, 'nw_ttl matched');
  assert.equal(r.mask[W_TP], 0);
  assert.equal(r.mask[W_IPV4_SRC], 0);
});

test('dec_ttl at ttl 1 sends to the controller (invalid_ttl) and stops the table', () => {
  const br = new FakeBridge();
  br.add('priority=100,ip', [setField('eth_dst', [0, 0x11, 0x22, 0x33, 0x44, 0x55]), { type: T.DEC_TTL, controllerIds: [0], explicitIds: false }, out(4)]);
  const r = run(br, 'in_port=3,ip,dl_src=00:00:00:00:00:03,dl_dst=00:00:00:00:00:04,nw_src=10.0.0.3,nw_dst=10.0.0.4,nw_ttl=1');
  assert.equal(
    r.text,
    'set(eth(dst=00:11:22:33:44:55)),userspace(pid=0,controller(reason=2,dont_send=0,continuation=0,recirc_id=1,rule_cookie=0,controller_id=0,max_len=65535))',
  );
  assert.equal(r.packetIns.length, 1);
  assert.equal(r.packetIns[0]!.reason, 2);
});

test('push_vlan + set_field vlan_vid; pop_vlan; mod_vlan_vid on untagged pushes', () => {
  const br = new FakeBridge();
  br.add('priority=100,in_port=1', [{ type: T.PUSH_VLAN, ethertype: 0x8100 }, setField('vlan_vid', [0x10, 0x0a]), out(2)]);
  br.add('priority=100,in_port=2,dl_vlan=10', [{ type: T.STRIP_VLAN, popVlan: true }, out(1)]);
  br.add('priority=90,in_port=3', [
    { type: T.SET_VLAN_VID, vid: 20, pushVlanIfNeeded: true },
    { type: T.SET_VLAN_PCP, pcp: 5, pushVlanIfNeeded: true },
    out(4),
  ]);
  let r = run(br, 'in_port=1,ip,nw_ttl=64');
  assert.equal(r.text, 'push_vlan(vid=10,pcp=0),2');
  assert.equal(r.mask[W_VLAN0], 0, 'untagged input: no VLAN match');
  r = run(br, 'in_port=2,dl_vlan=10,ip,nw_ttl=64');
  assert.equal(r.text, 'pop_vlan,1');
  assert.equal(r.mask[W_VLAN0], 0xffffffff);
  r = run(br, 'in_port=3,arp,arp_op=1');
  assert.equal(r.text, 'push_vlan(vid=20,pcp=5),4');
});

test('resubmit and goto_table follow the pipeline; registers are not in the megaflow', () => {
  const br = new FakeBridge();
  br.add('table=0,priority=10,ip', [{ type: T.GOTO_TABLE, tableId: 1 }]);
  br.add('table=0,priority=0', [resubmit(2)]);
  br.add('table=1,priority=10,ip,nw_dst=10.0.0.0/24', [setField('reg0', [0, 0, 0, 5]), resubmit(3)]);
  br.add('table=1,priority=0', []);
  br.add('table=2,priority=10,arp', [out(4)]);
  br.add('table=3,priority=20,reg0=5,udp,udp_dst=53', [out(3)]);
  br.add('table=3,priority=10,reg0=5', [{ type: T.SET_IP_DSCP, dscp: 32 }, out(2)]);
  let r = run(br, UDP.replace('tp_dst=2000', 'tp_dst=53').replace('nw_dst=10.0.0.2', 'nw_dst=10.0.0.7'));
  assert.equal(r.text, '3');
  assert.equal(r.finalFlow[W_REG0], 5);
  assert.equal(r.mask[W_REG0], 0);
  assert.equal(r.rules.length, 3);
  r = run(br, UDP.replace('tp_dst=2000', 'tp_dst=54'));
  assert.equal(r.text, 'set(ipv4(tos=0x20/0xfc)),2');
  r = run(br, UDP.replace('nw_dst=10.0.0.2', 'nw_dst=10.1.0.7'));
  assert.equal(r.text, 'drop');
  r = run(br, 'in_port=2,arp,arp_op=1');
  assert.equal(r.text, '4');
});

test('resubmit loops hit the depth limit with a clear error; the flow drops', () => {
  const br = new FakeBridge();
  br.add('table=0,priority=0', [resubmit(0)]);
  const r = run(br, UDP);
  assert.equal(r.text, 'drop');
  assert.equal(r.error, 2);
  assert.equal(r.errorText, 'over max translation depth 64');
});

test('too many resubmits (4096) is an error', () => {
  const br = new FakeBridge();
  // Table N resubmits twice to N+1 (depth grows by at most 12, resubmit count doubles).
  for (let t = 0; t < 12; t++) br.add(`table=${t},priority=0`, [resubmit(t + 1), resubmit(t + 1)]);
  br.add('table=12,priority=0', [out(2)]);
  const r = run(br, UDP);
  assert.equal(r.error, 3);
  assert.equal(r.errorText, 'over 4096 resubmit actions');
  assert.equal(r.text, 'drop');
});

test('write_actions runs at the end of the pipeline in action-set order; clear_actions empties it', () => {
  const br = new FakeBridge();
  br.add('table=0,priority=0', [
    { type: T.WRITE_ACTIONS, actions: [out(3), setField('eth_dst', [0, 0, 0, 0, 0, 9])] },
    { type: T.GOTO_TABLE, tableId: 1 },
  ]);
  br.add('table=1,priority=0', [out(2)]);
  assert.equal(run(br, UDP).text, '2,set(eth(dst=00:00:00:00:00:09)),3');
  const br2 = new FakeBridge();
  br2.add('table=0,priority=0', [{ type: T.WRITE_ACTIONS, actions: [out(3)] }, { type: T.GOTO_TABLE, tableId: 1 }]);
  br2.add('table=1,priority=0', [{ type: T.CLEAR_ACTIONS }, out(2)]);
  assert.equal(run(br2, UDP).text, '2');
});

test('table miss: OpenFlow 1.0 default drops without a controller, "continue" goes on, "controller" sends a packet-in', () => {
  const br = new FakeBridge();
  assert.equal(run(br, UDP).text, 'drop');
  br.packetInOnMiss = true;
  let r = run(br, UDP);
  assert.match(r.text, /^userspace\(pid=0,controller\(reason=7,/, 'OVS: implicit miss');
  const br2 = new FakeBridge();
  br2.misses.set(0, 'continue');
  br2.add('table=1,priority=0', [out(2)]);
  assert.equal(run(br2, UDP).text, '2');
  const br3 = new FakeBridge();
  br3.misses.set(0, 'controller');
  r = run(br3, UDP);
  assert.equal(r.packetIns[0]!.reason, 7);
});

test('controller action encodes a decodable packet-in; table-miss rule gives explicit-miss reason', () => {
  const br = new FakeBridge();
  br.add('priority=0', [{ type: T.OUTPUT, port: OFPP_CONTROLLER, maxLen: 128 }], 0x1234n);
  const r = run(br, UDP);
  const ud = r.actions[0]!.type === DpActionType.USERSPACE ? r.actions[0]!.userdata : null;
  const c = decodeControllerUserdata(ud)!;
  assert.equal(c.reason, 6);
  assert.equal(c.maxLen, 128);
  assert.equal(c.ruleCookie, 0x1234n);
  assert.equal(c.inPort, 1);
  assert.equal(c.bridge, 'br0');
  assert.equal(r.text, 'userspace(pid=0,controller(reason=6,dont_send=0,continuation=0,recirc_id=1,rule_cookie=0x1234,controller_id=0,max_len=128))');
});

test('groups: all outputs every bucket, ff the first live one, select is deterministic', () => {
  const br = new FakeBridge();
  const b = (id: number, port: number, watch = 0xffff) => ({ bucketId: id, weight: 1, watchPort: watch, watchGroup: 0xffffffff, actions: [out(port)] });
  br.groups.set(1, { groupId: 1, type: 'all', buckets: [b(0, 2), b(1, 3)], selectionFields: [] });
  br.groups.set(2, { groupId: 2, type: 'ff', buckets: [b(0, 2, 2), b(1, 3, 3)], selectionFields: [] });
  br.groups.set(3, { groupId: 3, type: 'select', buckets: [b(0, 2), b(1, 3), b(2, 4)], selectionFields: [] });
  br.add('priority=0,in_port=1', [{ type: T.GROUP, groupId: 1 }]);
  br.add('priority=0,in_port=2', [{ type: T.GROUP, groupId: 2 }]);
  br.add('priority=0,in_port=3', [{ type: T.GROUP, groupId: 3 }]);
  assert.equal(run(br, UDP).text, '2,3');
  br.port(2)!.linkDown = true;
  assert.equal(run(br, UDP.replace('in_port=1', 'in_port=2')).text, '3');
  const sel = new FakeBridge();
  // selection_method=hash without fields: OVS's slow-path symmetric L4 hash.
  sel.groups.set(3, { groupId: 3, type: 'select', buckets: [b(0, 2), b(1, 3), b(2, 4)], selectionFields: [], selectionMethod: 'hash' });
  sel.add('priority=0', [{ type: T.GROUP, groupId: 3 }]);
  const s1 = run(sel, UDP);
  assert.equal(run(sel, UDP).text, s1.text);
  assert.match(s1.text, /^[234]$/);
  assert.equal(s1.mask[W_IPV4_SRC], 0xffffffff, 'select hashes the addresses');
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++) seen.add(run(sel, UDP.replace('nw_src=10.0.0.1', `nw_src=10.0.1.${i}`)).text);
  assert.equal(seen.size, 3, 'select spreads flows over all buckets');
  // Symmetric: the reverse direction picks the same bucket.
  const rev = 'in_port=1,udp,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01,nw_src=10.0.0.2,nw_dst=10.0.0.1,nw_ttl=64,tp_src=2000,tp_dst=1000';
  assert.equal(run(sel, rev).text, s1.text);
});

test('patch ports continue in the peer bridge with in_port = peer port and cleared registers', () => {
  const a = new FakeBridge('br0', 2);
  const b = new FakeBridge('br1', 0);
  b.addPort(mkPort(5, 7, 'q5'));
  a.addPort(mkPort(3, -1, 'patch-a', { type: 'patch', patchPeer: { bridge: 'br1', ofPort: 1 } }));
  b.addPort(mkPort(1, -1, 'patch-b', { type: 'patch', patchPeer: { bridge: 'br0', ofPort: 3 } }));
  a.peers.set('br1', b);
  b.peers.set('br0', a);
  a.add('priority=0,in_port=1', [setField('reg0', [0, 0, 0, 7]), out(3)]);
  b.add('priority=10,in_port=1,reg0=0', [out(5)]);
  b.add('priority=0', []);
  const r = run(a, UDP);
  assert.equal(r.text, '7');
  assert.equal(r.rules.length, 2);
});

test('learn calls the bridge only with side effects and un-wildcards the fields it reads', () => {
  const br = new FakeBridge();
  const learn: OfpAction = {
    type: T.LEARN,
    idleTimeout: 0, hardTimeout: 0, finIdleTimeout: 0, finHardTimeout: 0, priority: 1, cookie: 0n, flags: 0, tableId: 1, limit: 0,
    resultDst: null,
    specs: [{ srcType: 0, dstType: 0, nBits: 48, src: { field: mfFromName('eth_src')!, ofs: 0, nBits: 48 }, srcImm: null, dst: { field: mfFromName('eth_dst')!, ofs: 0, nBits: 48 } }],
  };
  br.add('priority=0', [learn, out(2)]);
  let r = run(br, UDP, false);
  assert.equal(br.learned.length, 0);
  assert.equal(r.mask[W_ETH_SRC], 0xffffffff);
  r = run(br, UDP, true);
  assert.equal(br.learned.length, 1);
  assert.equal(r.text, '2');
});

test('NORMAL floods unknown, learns, then forwards; megaflow has MACs (OVS oracle: normal)', () => {
  const br = new FakeBridge();
  br.add('priority=0', [out(OFPP_NORMAL)]);
  let r = run(br, UDP, true);
  assert.equal(r.text, '2,3,4,100');
  assert.equal(r.mask[W_ETH_SRC], 0xffffffff);
  assert.equal(r.mask[W_VLAN0], 0, 'untagged input: VLAN mask cleared');
  r = run(br, 'in_port=2,udp,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01,nw_src=10.0.0.2,nw_dst=10.0.0.1', true);
  assert.equal(r.text, '1');
  r = run(br, UDP, true);
  assert.equal(r.text, '2');
  assert.equal(br.macs.size, 2);
});

test('select groups use dp_hash by default: hash and recirculate, then pick by the hash', () => {
  const br = new FakeBridge();
  const b = (id: number, port: number, weight = 1) => ({ bucketId: id, weight, watchPort: 0xffff, watchGroup: 0xffffffff, actions: [out(port)] });
  br.groups.set(7, { groupId: 7, type: 'select', buckets: [b(0, 2), b(1, 3, 3)], selectionFields: [] });
  br.add('priority=0', [{ type: T.GROUP, groupId: 7 }, out(4)]);
  const r1 = run(br, UDP);
  assert.equal(r1.text, 'hash(sym_l4(0)),recirc(0x1)');
  const counts = new Map<string, number>();
  for (let h = 1; h <= 16; h++) {
    const f = flowFrom(UDP);
    f[W_RECIRC_ID] = 1;
    f[4] = h; // W_DP_HASH
    const r = xlate(br, f, { sideEffects: false, now: 0 });
    const t = formatDpActions(r.actions);
    counts.set(t, (counts.get(t) ?? 0) + 1);
    assert.equal(r.mask[4], 15, 'dp_hash matched on the 16-value table');
  }
  assert.deepEqual([...counts.entries()].sort(), [['2,4', 4], ['3,4', 12]], 'weights 1:3 over 16 hash values');
});

test('property: valueBits reads the same bits as the field table helper', async () => {
  const fc = (await import('fast-check')).default;
  const { valueBits } = await import('../../src/ofproto/xlate/field-bits.js');
  const { getValueBits } = await import('../../src/flow/meta-flow.js');
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.nat(), fc.integer({ min: 1, max: 32 }), (v, o, n) => {
      const ofs = o % (v.length * 8);
      assert.equal(valueBits(v, ofs, n), getValueBits(v, ofs, n));
    }),
    { seed: 11, numRuns: 2000 },
  );
});
