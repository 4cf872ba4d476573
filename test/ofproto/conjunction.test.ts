/*
 * Conjunctive matches end to end on a bridge (flow-mods, tables, translation, the upcall
 * handler, statistics): the ip_src x tcp_dst example of ovs-fields(7), OVS's trace text,
 * packets through the datapath crediting the conj_id rule only, modify and delete turning
 * clauses on and off (with revalidation of installed megaflows), what OVS accepts and
 * refuses in flow text, and the no-op conjunction action of a packet-out trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatActions } from '../../src/openflow/flow-syntax/actions-format.js';
import { parseActions } from '../../src/openflow/flow-syntax/actions-parse.js';
import { parseFlowMod } from '../../src/openflow/flow-syntax/flow-mod.js';
import { traceText } from '../../src/ofproto/trace.js';
import { tcpFrame, udpFrame } from '../../src/packet/build.js';
import { flowFrom } from './xlate-fake-bridge.js';
import { dpFlows, dump, makeSwitch, ofctl, OFPFC, ruleWith, type Switch } from './bridge-helpers.js';

const opts = { now: 0, formatActions: formatActions };

/** ovs-fields(7)'s example with ip_src in {10.0.0.1, 10.0.0.4} and tcp_dst in {80, 443}. */
function example(): Switch {
  const s = makeSwitch(4, { failMode: 'secure' });
  for (const l of [
    'priority=200,conj_id=1234,tcp,actions=mod_nw_tos:16,output:3',
    'priority=100,ip,nw_src=10.0.0.1,actions=conjunction(1234,1/2)',
    'priority=100,ip,nw_src=10.0.0.4,actions=conjunction(1234,1/2),note:01.02',
    'priority=100,tcp,tp_dst=80,actions=conjunction(1234,2/2)',
    'priority=100,tcp,tp_dst=443,actions=conjunction(1234,2/2)',
    'priority=0,actions=output:2',
  ]) {
    ofctl(s.br, l);
  }
  return s;
}

const dpActions = (s: Switch, pkt: string): string => traceText(s.br, flowFrom(pkt), opts).text.match(/Datapath actions: (.*)/)![1]!;

test('ip_src x tcp_dst: every combination, and the trace OVS prints', () => {
  const s = example();
  for (const src of [1, 2, 4, 5]) {
    for (const dst of [22, 80, 443]) {
      for (const proto of ['tcp', 'udp']) {
        const pkt = `in_port=1,${proto},nw_src=10.0.0.${src},nw_dst=10.0.0.9,nw_ttl=64,${proto}_src=1000,${proto}_dst=${dst}`;
        const conj = (src === 1 || src === 4) && (dst === 80 || dst === 443) && proto === 'tcp';
        assert.equal(dpActions(s, pkt), conj ? 'set(ipv4(tos=0x10/0xfc)),3' : '2', pkt);
      }
    }
  }
  // Text and megaflow as OVS 3.1 prints them (captured from ovs-appctl ofproto/trace).
  const t = traceText(s.br, flowFrom('in_port=1,tcp,nw_src=10.0.0.4,nw_dst=10.0.0.9,nw_ttl=64,tcp_src=1000,tcp_dst=443'), opts);
  assert.equal(
    t.text,
    `Flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=10.0.0.4,nw_dst=10.0.0.9,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1000,tp_dst=443,tcp_flags=0

bridge("br0")
-------------
 0. conj_id=1234,tcp, priority 200
    mod_nw_tos:16
    output:3

Final flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=10.0.0.4,nw_dst=10.0.0.9,nw_tos=16,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1000,tp_dst=443,tcp_flags=0
Megaflow: recirc_id=0,eth,tcp,in_port=1,nw_src=10.0.0.4,nw_tos=0,nw_frag=no,tp_dst=443
Datapath actions: set(ipv4(tos=0x10/0xfc)),3
`,
  );
  const miss = traceText(s.br, flowFrom('in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.9,nw_ttl=64,tcp_src=1000,tcp_dst=22'), opts);
  assert.match(miss.text, /\n 0\. priority 0\n    output:2\n/);
  assert.match(miss.text, /Megaflow: recirc_id=0,eth,tcp,in_port=1,nw_src=10.0.0.1,nw_frag=no,tp_dst=0x0\/0xffc0\n/);
  // The flow's conj_id is never left set.
  assert.match(t.text, /^Final flow: (?!.*conj_id)/m);
});

test('packets through the datapath: the conj_id rule gets the statistics, the clauses none', () => {
  const s = example();
  const conj = ruleWith(s.br, 'conj_id=1234');
  const clause = ruleWith(s.br, 'nw_src=10.0.0.4');
  const dflt = ruleWith(s.br, 'priority=0');
  const hit = tcpFrame({ ipSrc: '10.0.0.4', ipDst: '10.0.0.9', sport: 1000, dport: 443 });
  s.dev.p1!.receive(hit);
  s.dev.p1!.receive(tcpFrame({ ipSrc: '10.0.0.4', ipDst: '10.0.0.9', sport: 1000, dport: 22 }));
  s.dev.p1!.receive(udpFrame({ ipSrc: '10.0.0.4', ipDst: '10.0.0.9', sport: 1000, dport: 443 }));
  assert.equal(s.sw.handleUpcalls(), 3);
  assert.equal(s.dev.p3!.takeSent().length, 1);
  assert.equal(s.dev.p2!.takeSent().length, 2);
  assert.equal(conj.packetCount, 1);
  assert.equal(dflt.packetCount, 2);
  assert.equal(clause.packetCount, 0);
  // The megaflow is OVS's: source, tos (rewritten) and destination port, nothing else.
  assert.ok(
    dpFlows(s).some((l) => /eth_type\(0x0800\),ipv4\(src=10\.0\.0\.4,proto=6,tos=0\/0xfc,frag=no\),tcp\(dst=443\), actions:set\(ipv4\(tos=0x10\/0xfc\)\),3$/.test(l)),
    dpFlows(s).join('\n'),
  );
  // Later packets of the megaflow stay in the datapath and credit the conj_id rule.
  s.dev.p1!.receive(tcpFrame({ ipSrc: '10.0.0.4', ipDst: '10.0.0.77', sport: 5, dport: 443 }));
  assert.equal(s.sw.handleUpcalls(), 0);
  s.sw.pushStats();
  assert.equal(conj.packetCount, 2);
  assert.equal(clause.packetCount, 0);
});

test('modify and delete turn clauses on and off; installed megaflows follow after revalidation', () => {
  const s = example();
  const pkt = 'in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.9,nw_ttl=64,tcp_src=1000,tcp_dst=80';
  assert.equal(dpActions(s, pkt), 'set(ipv4(tos=0x10/0xfc)),3');
  s.dev.p1!.receive(tcpFrame({ ipSrc: '10.0.0.1', ipDst: '10.0.0.9', sport: 1000, dport: 80 }));
  s.sw.handleUpcalls();
  assert.equal(s.dev.p3!.takeSent().length, 1);
  // A clause rule modified into an ordinary rule: it matches by itself now.
  ofctl(s.br, 'priority=100,tcp,tp_dst=80,actions=output:4', OFPFC.MODIFY_STRICT);
  assert.equal(dpActions(s, pkt), '4');
  s.sw.revalidate();
  s.dev.p1!.receive(tcpFrame({ ipSrc: '10.0.0.1', ipDst: '10.0.0.9', sport: 1000, dport: 80 }));
  s.sw.handleUpcalls();
  assert.equal(s.dev.p3!.takeSent().length, 0, 'the old megaflow is gone');
  assert.equal(s.dev.p4!.takeSent().length, 1);
  // And back into a clause.
  ofctl(s.br, 'priority=100,tcp,tp_dst=80,actions=conjunction(1234,2/2)', OFPFC.MODIFY_STRICT);
  assert.equal(dpActions(s, pkt), 'set(ipv4(tos=0x10/0xfc)),3');
  // Without the conj_id rule the conjunction has nowhere to go: the default rule matches.
  ofctl(s.br, 'conj_id=1234', OFPFC.DELETE);
  assert.equal(dpActions(s, pkt), '2');
  // Deleting every clause of one dimension ends the conjunctive match too.
  ofctl(s.br, 'priority=200,conj_id=1234,tcp,actions=output:3');
  assert.equal(dpActions(s, pkt), '3');
  ofctl(s.br, 'ip,nw_src=10.0.0.0/24', OFPFC.DELETE);
  assert.equal(dpActions(s, pkt), '2');
  assert.equal(s.br.tables.tables[0]!.cls.nSoft, 2);
  ofctl(s.br, 'tcp', OFPFC.DELETE);
  assert.equal(s.br.tables.tables[0]!.cls.nSoft, 0);
});

test('dump-flows shows the clauses with their conjunction actions', () => {
  const s = example();
  assert.deepEqual(dump(s.br), [
    'priority=0 actions=output:2',
    'priority=100,ip,nw_src=10.0.0.1 actions=conjunction(1234,1/2)',
    'priority=100,ip,nw_src=10.0.0.4 actions=conjunction(1234,1/2),note:01.02',
    'priority=100,tcp,tp_dst=443 actions=conjunction(1234,2/2)',
    'priority=100,tcp,tp_dst=80 actions=conjunction(1234,2/2)',
    'priority=200,conj_id=1234,tcp actions=mod_nw_tos:16,output:3',
  ]);
});

test('flow text: what OVS accepts and refuses with conjunction actions', () => {
  const err = (text: string): string => {
    const r = parseFlowMod(text, OFPFC.ADD);
    return r.ok ? 'ok' : r.error;
  };
  // OVS tests/classifier.at "conjunctive match and other actions" and ofp-actions.at.
  assert.equal(err('actions=conjunction(3,1/2),note:41.42.43.44.45.46'), 'ok');
  assert.equal(err('actions=note:41.42.43.44.45.46,conjunction(3,1/2)'), 'ok');
  const other = '"conjunction" actions may be used along with "note" but not any other kind of action (such as the "output" action used here)';
  assert.equal(err('actions=output:1,conjunction(3,1/2)'), other);
  assert.equal(err('actions=conjunction(3,1/2),output:1'), other);
  assert.equal(err('actions=conjunction(1, 1/1)'), 'conjunction must have at least 2 clauses');
  assert.equal(err('actions=conjunction(1, 1/65)'), 'conjunction must have at most 64 clauses');
  // OVS does not check conjunctions against the match or each other: a clause that also
  // matches conj_id is accepted (and, being a clause, never matches by itself), and so are
  // clauses of one id with different n.
  const s = makeSwitch(2, { failMode: 'secure' });
  ofctl(s.br, 'priority=5,conj_id=7,ip,actions=conjunction(8,1/2)');
  ofctl(s.br, 'priority=5,ip,nw_src=10.0.0.1,actions=conjunction(9,1/2)');
  ofctl(s.br, 'priority=5,ip,nw_dst=10.0.0.2,actions=conjunction(9,2/3)');
  ofctl(s.br, 'priority=1,actions=output:2');
  assert.equal(dpActions(s, 'in_port=1,ip,nw_src=10.0.0.1,nw_dst=10.0.0.2'), '2');
});

test('a conjunction action that is executed (packet-out) does nothing, as OVS reports', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  const acts = parseActions('conjunction(1,1/2),note:01');
  assert.ok(acts.ok);
  const t = traceText(s.br, flowFrom('in_port=1,ip'), { ...opts, actions: acts.value });
  assert.equal(
    t.text,
    `Flow: ip,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_proto=0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no

bridge("br0")
-------------
    conjunction(1,1/2)
     >>>> executing no-op conjunction action <<<<
    note:01

Final flow: unchanged
Megaflow: recirc_id=0,eth,ip,in_port=1,nw_frag=no
Datapath actions: drop
`,
  );
});

test('conjunctive matches in a resubmitted-to table', () => {
  const s = makeSwitch(4, { failMode: 'secure' });
  for (const l of [
    'table=0,priority=1,actions=resubmit(,1)',
    'table=1,priority=9,in_port=1,actions=conjunction(5,1/2)',
    'table=1,priority=9,ip,nw_dst=10.0.0.2,actions=conjunction(5,2/2)',
    'table=1,conj_id=5,actions=output:4',
    'table=1,priority=0,actions=output:3',
  ]) {
    ofctl(s.br, l);
  }
  assert.equal(dpActions(s, 'in_port=1,ip,nw_dst=10.0.0.2'), '4');
  assert.equal(dpActions(s, 'in_port=2,ip,nw_dst=10.0.0.2'), '3');
  const t = traceText(s.br, flowFrom('in_port=1,ip,nw_dst=10.0.0.2'), opts);
  assert.match(t.text, /\n 0\. priority 1\n    resubmit\(,1\)\n 1\. conj_id=5, priority 32768\n    output:4\n/);
});
