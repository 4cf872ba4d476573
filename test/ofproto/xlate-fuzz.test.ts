/*
 * Robustness of translation: random multi-table pipelines over every action kind (with
 * groups, patch ports, recirculation, learn) and random packets never throw, always give
 * a datapath action list and a mask that keeps the base megaflow fields, and the megaflow
 * is self-consistent: packets that agree with it on its bits get the same actions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDpActions } from '../../src/datapath/odp-actions-format.js';
import { DP_KEY_WORDS, FLOW_WORDS, W_IN_PORT, W_RECIRC_ID } from '../../src/flow/layout.js';
import { parseInstructions } from '../../src/openflow/flow-syntax/actions-parse.js';
import type { OfpAction } from '../../src/ofproto/ofp-actions.js';
import { xlate } from '../../src/ofproto/xlate/xlate.js';
import { FakeBridge, flowFrom, mkPort } from './xlate-fake-bridge.js';

const ACTIONS = [
  'output:1', 'output:2', 'output:3', 'IN_PORT', 'FLOOD', 'ALL', 'LOCAL', 'NORMAL', 'CONTROLLER:128', 'drop',
  'output:10', 'group:1', 'group:2', 'group:3', 'group:9', 'resubmit(,1)', 'resubmit(,2)', 'resubmit(2,1)', 'resubmit(,0)',
  'mod_dl_src:00:00:00:00:00:11', 'mod_dl_dst:00:00:00:00:00:12', 'mod_nw_src:1.2.3.4', 'mod_nw_dst:5.6.7.8', 'mod_nw_tos:8',
  'mod_nw_ecn:1', 'mod_nw_ttl:3', 'mod_tp_src:11', 'mod_tp_dst:12', 'dec_ttl', 'dec_ttl(1,2)', 'mod_vlan_vid:5', 'mod_vlan_pcp:3',
  'strip_vlan', 'push_vlan:0x88a8', 'push_mpls:0x8847', 'pop_mpls:0x0800', 'set_mpls_label:7', 'set_mpls_ttl:2', 'dec_mpls_ttl',
  'set_field:10->reg0', 'set_field:0x5/0xf->reg1', 'set_field:00:00:00:00:00:33->eth_src', 'set_field:9->tcp_dst',
  'set_field:4100->vlan_vid', 'set_field:2001:db8::1->ipv6_dst', 'set_field:1->arp_op', 'set_field:0x5->metadata',
  'load:0x3->NXM_NX_REG2[0..7]', 'move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]', 'move:NXM_NX_REG0[]->NXM_NX_REG3[]',
  'push:NXM_NX_REG0[]', 'pop:NXM_NX_REG4[]', 'set_queue:4', 'pop_queue', 'enqueue:2:5', 'note:01', 'exit',
  'clone(mod_dl_dst:00:00:00:00:00:44,output:2)', 'controller(pause)', 'output:NXM_NX_REG0[0..3]', 'set_tunnel:0x99',
  'learn(table=2,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])', 'fin_timeout(idle_timeout=5)',
  'write_actions(output:2)', 'clear_actions', 'write_metadata:0x1/0x1', 'goto_table:1', 'goto_table:2',
  'multipath(eth_src,50,modulo_n,1,0,NXM_NX_REG0[0..1])', 'conjunction(1,1/2)', 'sample(probability=100,collector_set_id=1)',
];

const INSTRUCTIONS = new Set(['write_actions(output:2)', 'clear_actions', 'write_metadata:0x1/0x1', 'goto_table:1', 'goto_table:2']);

/** Orders actions as instructions must be ordered (apply actions first, then the others). */
function instructionOrder(acts: string[], table: number): string {
  const apply = acts.filter((a) => !INSTRUCTIONS.has(a));
  const order = ['clear_actions', 'write_actions(output:2)', 'write_metadata:0x1/0x1', 'goto_table:1', 'goto_table:2'];
  const inst = order.filter((o) => acts.includes(o));
  // goto_table must move forward; keep only one.
  const gotos = inst.filter((i) => i.startsWith('goto_table') && Number(i.slice(-1)) > table);
  const rest = inst.filter((i) => !i.startsWith('goto_table'));
  return [...apply, ...rest, ...gotos.slice(0, 1)].join(',') || 'drop';
}

const MATCHES = ['', 'in_port=1', 'in_port=2', 'ip', 'udp,tp_dst=53', 'tcp', 'arp', 'mpls', 'dl_vlan=5', 'reg0=10', 'ipv6', 'metadata=0x1'];

const ruleArb = (table: number) =>
  fc
    .record({
      prio: fc.integer({ min: 0, max: 100 }),
      match: fc.constantFrom(...MATCHES),
      acts: fc.array(fc.constantFrom(...ACTIONS), { minLength: 0, maxLength: 5 }),
    })
    .map((r) => `table=${table},priority=${r.prio}${r.match ? ',' + r.match : ''},actions=${instructionOrder(r.acts, table)}`);

const PACKETS = [
  'in_port=1,udp,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64,tp_src=1,tp_dst=53',
  'in_port=2,tcp,dl_src=00:00:00:00:00:02,dl_dst=ff:ff:ff:ff:ff:ff,nw_ttl=1,tp_dst=80',
  'in_port=3,arp,arp_op=1,dl_dst=ff:ff:ff:ff:ff:ff',
  'in_port=1,mpls,mpls_label=5,mpls_ttl=1,mpls_bos=1',
  'in_port=2,dl_vlan=5,ip,nw_ttl=2',
  'in_port=3,ipv6,nw_ttl=64,nw_proto=17',
  'in_port=1,dl_type=0x1234',
  'in_port=10,ip,nw_ttl=9',
];

const stats = { added: 0, rejected: 0, translations: 0, distinct: new Set<string>() };

function bridge(rules: string[]): FakeBridge {
  const br = new FakeBridge('br0', 3);
  const peer = new FakeBridge('br1', 1);
  br.addPort(mkPort(10, -1, 'pa', { type: 'patch', patchPeer: { bridge: 'br1', ofPort: 20 } }));
  peer.addPort(mkPort(20, -1, 'pb', { type: 'patch', patchPeer: { bridge: 'br0', ofPort: 10 } }));
  br.peers.set('br1', peer);
  peer.peers.set('br0', br);
  peer.recirc = br.recirc;
  peer.addFlow('priority=0,actions=output:1,output:20');
  br.executeLearn = true;
  const o = (p: number): OfpAction[] => {
    const r = parseInstructions(`output:${p}`);
    if (!r.ok) throw new Error(r.error);
    return r.value;
  };
  const b = (id: number, p: number, watch = 0xffff) => ({ bucketId: id, weight: id + 1, watchPort: watch, watchGroup: 0xffffffff, actions: o(p) });
  br.groups.set(1, { groupId: 1, type: 'all', buckets: [b(0, 2), b(1, 3)], selectionFields: [] });
  br.groups.set(2, { groupId: 2, type: 'select', buckets: [b(0, 1), b(1, 2), b(2, 10)], selectionFields: [] });
  br.groups.set(3, { groupId: 3, type: 'ff', buckets: [b(0, 1, 1), b(1, 2, 2)], selectionFields: [] });
  for (const r of rules) {
    try {
      br.addFlow(r);
      stats.added++;
    } catch {
      // Combinations ovs-ofctl would reject (e.g. missing prerequisites) are simply skipped.
      stats.rejected++;
    }
  }
  return br;
}

test('property: random pipelines translate without throwing, with consistent megaflows', () => {
  fc.assert(
    fc.property(
      fc.tuple(fc.array(ruleArb(0), { maxLength: 6 }), fc.array(ruleArb(1), { maxLength: 4 }), fc.array(ruleArb(2), { maxLength: 4 })),
      fc.array(fc.constantFrom(...PACKETS), { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      (tables, packets, side) => {
        const br = bridge(tables.flat());
        for (const p of packets) {
          const f = flowFrom(p);
          const r = xlate(br, f, { sideEffects: side, now: 0, ofInPort: true });
          assert.ok(r.actions.length >= 1);
          assert.equal(r.mask.length, FLOW_WORDS);
          assert.equal(r.mask[W_IN_PORT], 0xffffffff);
          assert.equal(r.mask[W_RECIRC_ID], 0xffffffff);
          for (let w = DP_KEY_WORDS; w < FLOW_WORDS; w++) assert.equal(r.mask[w], 0);
          stats.translations++;
          stats.distinct.add(formatDpActions(r.actions));
          // Self-consistency: a packet equal on the megaflow's bits translates the same way.
          const g = f.slice();
          for (let w = 0; w < DP_KEY_WORDS; w++) g[w] = ((f[w]! & r.mask[w]!) | (~f[w]! & ~r.mask[w]! & 0)) >>> 0;
          const r2 = xlate(br, g, { sideEffects: false, now: 0, ofInPort: true });
          if (!side && !r.slowPath) assert.equal(formatDpActions(r2.actions), formatDpActions(r.actions), p);
        }
      },
    ),
    { seed: 31337, numRuns: 500 },
  );
  // The generator must really exercise translation (not just rejected rules and drops).
  assert.ok(stats.added > 1000, `rules added: ${stats.added}, rejected: ${stats.rejected}`);
  assert.ok(stats.distinct.size > 80, `distinct datapath action lists: ${stats.distinct.size}`);
});
