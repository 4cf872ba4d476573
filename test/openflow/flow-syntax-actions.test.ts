/*
 * ovs-ofctl action syntax: known answers from Open vSwitch 3.1's ovs-ofctl (the action text
 * as `ovs-ofctl parse-flow` prints it, where the wire encoding does not change it), OVS's
 * error texts, the forms OVS only prints after a wire round trip, and round trips of random
 * action lists through format and parse.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseActions, parseInstructions } from '../../src/openflow/flow-syntax/actions-parse.js';
import { formatActions } from '../../src/openflow/flow-syntax/actions-format.js';
import { OfpactType as T, type OfpAction } from '../../src/ofproto/ofp-actions.js';
import { portMapFrom, OFPP_CONTROLLER, OFPP_IN_PORT, OFPP_NORMAL } from '../../src/flow/ofp-port.js';
import { mfFromName } from '../../src/flow/meta-flow.js';

function fmt(s: string): string {
  const r = parseInstructions(s);
  return r.ok ? formatActions(r.value) : 'ERR ' + r.error;
}

const KNOWN: Array<[string, string]> = [
  ["mod_dl_dst:50:54:00:00:00:03,output:3", "mod_dl_dst:50:54:00:00:00:03,output:3"],
  ["NORMAL", "NORMAL"],
  ["normal", "NORMAL"],
  ["flood,all,local,in_port", "FLOOD,ALL,LOCAL,IN_PORT"],
  ["output:2,output:65534", "output:2,LOCAL"],
  ["controller", "CONTROLLER:65535"],
  ["CONTROLLER:65535", "CONTROLLER:65535"],
  ["controller:100", "CONTROLLER:100"],
  ["controller(max_len=123,reason=invalid_ttl,id=555)", "controller(reason=invalid_ttl,max_len=123,id=555)"],
  ["controller(userdata=01.02.03,pause)", "controller(userdata=01.02.03,pause)"],
  ["controller(reason=no_match)", "controller(reason=no_match)"],
  ["drop", "drop"],
  ["resubmit(,1)", "resubmit(,1)"],
  ["resubmit:1,resubmit(2),resubmit(,3),resubmit(2,3)", "resubmit:1,resubmit:2,resubmit(,3),resubmit(2,3)"],
  ["load:0x1->NXM_NX_REG0[]", "load:0x1->NXM_NX_REG0[]"],
  ["load:1->reg1", "load:0x1->NXM_NX_REG1[]"],
  ["load:0xaa->NXM_NX_PKT_MARK[]", "load:0xaa->NXM_NX_PKT_MARK[]"],
  ["load:0x1234567890abcdef->NXM_NX_CT_LABEL[32..95]", "ERR cannot set CT fields outside of ct action"],
  ["load:0->NXM_OF_ETH_DST[0..15]", "load:0->NXM_OF_ETH_DST[0..15]"],
  ["move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]", "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]"],
  ["move:reg0[0..15]->reg1[16..31]", "move:NXM_NX_REG0[0..15]->NXM_NX_REG1[16..31]"],
  ["strip_vlan", "strip_vlan"],
  ["mod_vlan_vid:5,mod_vlan_pcp:3", "mod_vlan_vid:5,mod_vlan_pcp:3"],
  ["mod_dl_src:00:0A:E4:25:6B:B0", "mod_dl_src:00:0a:e4:25:6b:b0"],
  ["mod_tp_src:80,mod_tp_dst:443", "mod_tp_src:80,mod_tp_dst:443"],
  ["dec_ttl", "dec_ttl"],
  ["dec_ttl(1,2,3)", "dec_ttl(1,2,3)"],
  ["set_mpls_label(10),set_mpls_tc(3),set_mpls_ttl(200),dec_mpls_ttl", "set_mpls_label(10),set_mpls_tc(3),set_mpls_ttl(200),dec_mpls_ttl"],
  ["push_mpls:0x8847", "push_mpls:0x8847"],
  ["pop_mpls:0x0800", "pop_mpls:0x0800"],
  ["set_tunnel:0x1234,set_tunnel64:0x9876,set_tunnel:0x123456789", "set_tunnel:0x1234,set_tunnel64:0x9876,set_tunnel64:0x123456789"],
  ["set_queue:37,pop_queue", "set_queue:37,pop_queue"],
  ["fin_timeout(idle_timeout=5,hard_timeout=15)", "fin_timeout(idle_timeout=5,hard_timeout=15)"],
  ["note:41.42.43.44.45.46", "note:41.42.43.44.45.46"],
  ["group:5", "group:5"],
  ["enqueue:1:2", "enqueue:1:2"],
  ["enqueue(3,4)", "enqueue:3:4"],
  ["multipath(eth_src, 50, hrw, 12, 0, NXM_NX_REG0[0..3]),multipath(symmetric_l4, 1024, iter_hash, 5000, 5050, reg0[0..12])", "multipath(eth_src,50,hrw,12,0,NXM_NX_REG0[0..3]),multipath(symmetric_l4,1024,iter_hash,5000,5050,NXM_NX_REG0[0..12])"],
  ["bundle(eth_src,50,active_backup,ofport,members:1)", "bundle(eth_src,50,active_backup,ofport,members:1)"],
  ["bundle(symmetric_l4,60,hrw,ofport,members:2,3)", "bundle(symmetric_l4,60,hrw,ofport,members:2,3)"],
  ["bundle_load(symmetric_l3,60,hrw,ofport,reg0[0..15],members:[2,3])", "bundle_load(symmetric_l3,60,hrw,ofport,NXM_NX_REG0[0..15],members:2,3)"],
  ["bundle(symmetric_l4,60,hrw,ofport,slaves:2,3)", "bundle(symmetric_l4,60,hrw,ofport,members:2,3)"],
  ["output:NXM_NX_REG0,output:reg1[16..31]", "output:NXM_NX_REG0[],output:NXM_NX_REG1[16..31]"],
  ["output(port=100,max_len=123)", "output(port=100,max_len=123)"],
  ["output(max_len=100,port=LOCAL)", "output(port=LOCAL,max_len=100)"],
  ["exit", "exit"],
  ["sample(probability=12345,collector_set_id=23456,obs_domain_id=34567,obs_point_id=45678)", "sample(probability=12345,collector_set_id=23456,obs_domain_id=34567,obs_point_id=45678)"],
  ["clone(output:1,mod_dl_src:00:00:00:00:00:01,clone(output:2))", "clone(output:1,mod_dl_src:00:00:00:00:00:01,clone(output:2))"],
  ["conjunction(1,1/2)", "conjunction(1,1/2)"],
  ["push:NXM_NX_REG0[],pop:NXM_NX_REG1[0..15]", "push:NXM_NX_REG0[],pop:NXM_NX_REG1[0..15]"],
  ["learn(table=1,hard_timeout=60,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])", "learn(table=1,hard_timeout=60,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])"],
  ["learn(table=2,idle_timeout=10,hard_timeout=20,fin_idle_timeout=5,fin_hard_timeout=10,priority=10,cookie=0xfedcba9876543210,in_port=99,eth_dst=00:11:22:33:44:55,NXM_NX_REG0[1..3]=5,load:NXM_NX_REG1[]->NXM_NX_REG2[],load:0x5->NXM_NX_REG3[])", "learn(table=2,idle_timeout=10,hard_timeout=20,fin_idle_timeout=5,fin_hard_timeout=10,priority=10,cookie=0xfedcba9876543210,in_port=99,eth_dst=00:11:22:33:44:55,NXM_NX_REG0[1..3]=0x5,load:NXM_NX_REG1[]->NXM_NX_REG2[],load:0x5->NXM_NX_REG3[])"],
  ["learn(send_flow_rem,delete_learned,limit=10,result_dst=reg0[0],ip,nw_proto=6,tcp_src=NXM_OF_TCP_DST[])", "ERR send_flow_rem,delete_learned,limit=10,result_dst=reg0[0],ip,nw_proto=6,tcp_src=NXM_OF_TCP_DST[]: unknown keyword ip"],
  ["learn(table=1,dl_vlan=5)", "ERR table=1,dl_vlan=5: experimenter OXM field 'dl_vlan' not supported"],
  ["learn(table=1,eth_type=0x800,ip_dst=10.0.0.1)", "learn(table=1,eth_type=0x800,ip_dst=10.0.0.1)"],
  ["write_metadata:0x1234", "write_metadata:0x1234"],
  ["write_metadata:0x1/0xff", "write_metadata:0x1/0xff"],
  ["write_actions(output:1),goto_table:2", "write_actions(output:1),goto_table:2"],
  ["meter:1,output:1,clear_actions,write_actions(output:1,set_queue:1),write_metadata:0x5,goto_table:3", "meter:1,output:1,clear_actions,write_actions(output:1,set_queue:1),write_metadata:0x5,goto_table:3"],
  ["set_field:0x1->reg1,set_field:00:00:00:00:00:01->eth_dst", "set_field:0x1->reg1,set_field:00:00:00:00:00:01->eth_dst"],
  ["clone(meter:1)", "ERR clone action doesn't support nested action meter"],
  ["write_actions(goto_table:1)", "ERR goto_table instruction not allowed here"],
  ["goto_table:1,output:1", "ERR invalid instruction ordering: apply_actions must appear before goto_table, for OpenFlow 1.1+ compatibility"],
  ["output:1,drop", "ERR \"drop\" must not be accompanied by any other action or instruction"],
  ["foo", "ERR unknown action foo"],
  ["conjunction(1,1/2),output:1", "ERR \"conjunction\" actions may be used along with \"note\" but not any other kind of action (such as the \"output\" action used here)"],
  ["goto_table:1,goto_table:2", "ERR duplicate goto_table instruction not allowed, for OpenFlow 1.1+ compatibility"],
  ["apply_actions(output:1)", "ERR apply_actions is the default instruction"],
  ["output:bogus", "ERR bogus: output to unknown port"],
  ["output:NXM_NX_REG0[40]", "ERR NXM_NX_REG0[40]: output to unknown port"],
  ["controller(reason=foo)", "ERR unknown reason \"foo\""],
  ["controller(bogus=1)", "ERR unknown key \"bogus\" parsing controller action"],
  ["controller(max_len=70000)", "ERR invalid max_len \"70000\""],
  ["controller(userdata=1)", "ERR bad hex digit in `controller' action `userdata'"],
  ["resubmit(,,bogus)", "ERR bogus: unknown parameter"],
  ["resubmit(,300)", "ERR 300: resubmit to unknown table"],
  ["resubmit(x)", "ERR x: resubmit to unknown port"],
  ["resubmit", "ERR at least one \"in_port\" or \"table\" must be specified on resubmit"],
  ["load:1", "ERR 1: missing `->'"],
  ["load:1->", "ERR 1->: missing field name following `->'"],
  ["load:xyz->reg0", "ERR xyz->reg0: cannot parse integer value"],
  ["load:0x10->reg0[0..3]", "ERR 0x10->reg0[0..3]: value 0x10 does not fit into 4 bits"],
  ["load:1->foo[]", "ERR foo[]: unknown field `foo'"],
  ["move:reg0[0..3]->reg1[0..4]", "ERR reg0[0..3]->reg1[0..4]: source field is 4 bits wide but destination is 5 bits wide"],
  ["move:reg0", "ERR reg0: missing `->' following source"],
  ["move:reg0->foo", "ERR foo: unknown field `foo'"],
  ["set_field:1", "ERR 1: missing `->'"],
  ["set_field:1->foo", "ERR foo is not a valid OXM field name"],
  ["set_field:1->eth_type", "ERR eth_type is read-only"],
  ["set_field:3->nw_tos", "ERR 3 is not a valid value for field nw_tos"],
  ["mod_vlan_vid:4096", "ERR 4096: not a valid VLAN VID"],
  ["mod_vlan_pcp:8", "ERR 8: not a valid VLAN PCP"],
  ["mod_dl_src:00:11:22:33:44", "ERR invalid mac address 00:11:22:33:44"],
  ["mod_nw_src:1.2.3", "ERR 1.2.3: could not convert to IP address"],
  ["mod_tp_src:70000", "ERR invalid source port \"70000\""],
  ["mod_nw_tos:3", "ERR 3: not a valid TOS"],
  ["mod_nw_ecn:4", "ERR 4: not a valid ECN"],
  ["mod_nw_ttl:256", "ERR invalid TTL \"256\""],
  ["push_vlan:0x1234", "ERR 0x1234: not a valid VLAN ethertype"],
  ["set_mpls_label(0x100000)", "ERR 0x100000: not a valid MPLS label"],
  ["set_mpls_tc(8)", "ERR 8: not a valid MPLS TC"],
  ["set_mpls_label", "ERR set_mpls_label: expected label."],
  ["push_mpls", "ERR invalid push_mpls \"\""],
  ["group:x", "ERR invalid numeric format x"],
  ["enqueue:1", "ERR \"enqueue\" syntax is \"enqueue:PORT:QUEUE\" or \"enqueue(PORT,QUEUE)\""],
  ["enqueue:x:1", "ERR x: enqueue to unknown port"],
  ["note:4", "ERR bad hex digit in `note' argument"],
  ["note:zz", "ERR bad hex digit in `note' argument"],
  ["multipath(eth_src, 50, hrw, 12, 0)", "ERR eth_src, 50, hrw, 12, 0: not enough arguments to multipath action"],
  ["multipath(foo, 50, hrw, 12, 0, reg0)", "ERR foo, 50, hrw, 12, 0, reg0: unknown fields `foo'"],
  ["multipath(eth_src, 50, foo, 12, 0, reg0)", "ERR eth_src, 50, foo, 12, 0, reg0: unknown algorithm `foo'"],
  ["multipath(eth_src, 50, hrw, 0, 0, reg0)", "ERR eth_src, 50, hrw, 0, 0, reg0: n_links 0 is not in valid range 1 to 65536"],
  ["multipath(eth_src, 50, hrw, 17, 0, reg0[0..3])", "ERR eth_src, 50, hrw, 17, 0, reg0[0..3]: 4-bit destination field has 16 possible values, less than specified n_links 17"],
  ["bundle(eth_src,50,active_backup,ofport)", "ERR eth_src,50,active_backup,ofport: not enough arguments to bundle action"],
  ["bundle(eth_src,50,active_backup,ofport,foo:1)", "ERR eth_src,50,active_backup,ofport,foo:1: missing member delimiter, expected `members', got `foo'"],
  ["bundle(eth_src,50,active_backup,ofport,members:x)", "ERR x: bad port number"],
  ["bundle(foo,50,active_backup,ofport,members:1)", "ERR foo,50,active_backup,ofport,members:1: unknown fields `foo'"],
  ["bundle(eth_src,50,foo,ofport,members:1)", "ERR eth_src,50,foo,ofport,members:1: unknown algorithm `foo'"],
  ["bundle(eth_src,50,hrw,foo,members:1)", "ERR eth_src,50,hrw,foo,members:1: unknown member_type `foo'"],
  ["sample(probability=0)", "ERR invalid probability value \"0\""],
  ["sample(collector_set_id=1)", "ERR non-zero \"probability\" must be specified on sample"],
  ["sample(probability=1,foo=2)", "ERR invalid key \"foo\" in \"sample\" argument"],
  ["conjunction(1,3/2)", "ERR clause index must be less than or equal to number of clauses"],
  ["conjunction(1,0/2)", "ERR clause index must be positive"],
  ["conjunction(1,1/1)", "ERR conjunction must have at least 2 clauses"],
  ["conjunction(1,1/65)", "ERR conjunction must have at most 64 clauses"],
  ["conjunction(1)", "ERR \"conjunction\" syntax is \"conjunction(id,i/n)\""],
  ["fin_timeout(foo=1)", "ERR invalid key 'foo' in 'fin_timeout' argument"],
  ["output(port=1,max_len=10)", "ERR max_len 10 is less than the minimum value 14"],
  ["output(port=1,max_len=100,foo=1)", "ERR invalid key 'foo' in output_trunc argument"],
  ["learn(foo=1)", "ERR foo=1: unknown keyword foo"],
  ["learn(table=255)", "ERR table=255: table id 255 not valid for `learn' action"],
  ["learn(NXM_NX_REG0[0..3]=NXM_NX_REG1[0..4])", "ERR NXM_NX_REG0[0..3]=NXM_NX_REG1[0..4]: bit widths of NXM_NX_REG0[0..3] (5) and NXM_NX_REG1[0..4] (4) differ"],
  ["learn(NXM_NX_REG0[0..3]=0x10)", "ERR NXM_NX_REG0[0..3]=0x10: NXM_NX_REG0[0..3] value 0x10 cannot be parsed as a subfield (0x10: unknown field `0x10') or an immediate value (NXM_NX_REG0[0..3]=0x10: value 0x10 does not fit into 4 bits)"],
  ["learn(eth_dst=xyz)", "ERR eth_dst=xyz: eth_dst value xyz cannot be parsed as a subfield (xyz: unknown field `xyz') or an immediate value (xyz: invalid Ethernet address)"],
  ["learn(load:->reg0)", "ERR load: missing source before `->' in `->reg0'"],
  ["learn(load:1)", "ERR load: missing `->' in `1'"],
  ["learn(load:1x->reg0[])", "ERR load: garbage before `->' in `1x->reg0[]'"],
  ["learn(load:0x10->reg0[0..3])", "ERR 0x10->reg0[0..3]: value does not fit into 4 bits"],
  ["learn(output:foo)", "ERR foo: unknown field `foo'"],
  ["learn(result_dst=reg0[0..1])", "ERR result_dst in 'learn' action must be a single bit"],
  ["learn(result_dst=nw_proto[0])", "ERR nw_proto[0] is read-only"],
  ["dec_ttl(,)", "ERR dec_ttl_cnt_ids: expected at least one controller id."],
  ["write_metadata:xyz", "ERR invalid numeric format xyz"],
  ["set_tunnel:xyz", "ERR invalid numeric format xyz"],
];

test('actions print as ovs-ofctl prints them', () => {
  for (const [input, want] of KNOWN) assert.equal(fmt(input), want, input);
});

test('forms that OVS changes only on the wire print as written', () => {
  const cases: Array<[string, string]> = [
    ['set_vlan_vid:5,set_vlan_pcp:3', 'set_vlan_vid:5,set_vlan_pcp:3'],
    ['mod_nw_ecn:2,mod_nw_ttl:64,set_nw_ttl:5', 'mod_nw_ecn:2,mod_nw_ttl:64,mod_nw_ttl:5'],
    ['goto_table:1', 'goto_table:1'],
    ['clear_actions', 'clear_actions'],
    ['meter:1', 'meter:1'],
    ['pop_vlan', 'pop_vlan'],
    ['note:00', 'note:00'],
    ['set_field:0x1->reg1', 'set_field:0x1->reg1'],
    ['set_field:0x1/0x3->reg0', 'set_field:0x1/0x3->reg0'],
    ['set_field:0x12/0xff->tcp_src', 'set_field:18/0xff->tcp_src'],
    ['set_field:00:00:00:00:00:01->eth_dst', 'set_field:00:00:00:00:00:01->eth_dst'],
    ['set_field:LOCAL->in_port', 'set_field:LOCAL->in_port'],
    ['load:0x1234567890->OXM_OF_METADATA[]', 'load:0x1234567890->OXM_OF_METADATA[]'],
    ['load:0x5->xxreg0[64..127]', 'load:0x5->NXM_NX_XXREG0[64..127]'],
    ['mod_nw_src:1.2.3', 'ERR 1.2.3: could not convert to IP address'],
    ['set_queue:-1', 'ERR invalid numeric format -1'],
    ['ct(commit)', 'ERR ct: action not supported by tsovs'],
  ];
  for (const [input, want] of cases) assert.equal(fmt(input), want, input);
});

test('action values in the model', () => {
  const r = parseActions('output:2,NORMAL,controller,resubmit(,3),load:1->reg0[4..7]');
  assert.ok(r.ok);
  const [out, normal, ctl, resub, load] = r.value as [OfpAction, OfpAction, OfpAction, OfpAction, OfpAction];
  assert.deepEqual(out, { type: T.OUTPUT, port: 2, maxLen: 0 });
  assert.deepEqual(normal, { type: T.OUTPUT, port: OFPP_NORMAL, maxLen: 0 });
  assert.deepEqual(ctl, { type: T.OUTPUT, port: OFPP_CONTROLLER, maxLen: 65535 });
  assert.deepEqual(resub, { type: T.RESUBMIT, inPort: OFPP_IN_PORT, tableId: 3, withCtOrig: false });
  assert.equal(load.type, T.SET_FIELD);
  if (load.type === T.SET_FIELD) {
    assert.equal(load.field, mfFromName('reg0'));
    assert.deepEqual([...load.value], [0, 0, 0, 0x10]);
    assert.deepEqual([...load.mask], [0, 0, 0, 0xf0]);
    assert.equal(load.viaLoad, true);
  }
  assert.deepEqual(parseActions('goto_table:1'), { ok: false, error: 'goto_table instruction not allowed here' });
  const ports = portMapFrom([['p1', 1], ['uplink', 7]]);
  const p = parseActions('output:p1,uplink,enqueue(p1,3)', { ports });
  assert.ok(p.ok);
  assert.equal(formatActions(p.value, { ports }), 'output:p1,output:uplink,enqueue:p1:3');
  assert.equal(formatActions(p.value), 'output:1,output:7,enqueue:1:3');
  assert.equal(formatActions([]), 'drop');
});

// --- random action lists ----------------------------------------------------------------------

const u = (bits: number) => fc.integer({ min: 0, max: 2 ** bits - 1 });
const hexN = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }).map((v) => '0x' + v.toString(16));
const mac = fc.array(u(8), { minLength: 6, maxLength: 6 }).map((b) => b.map((x) => x.toString(16).padStart(2, '0')).join(':'));
const ip = fc.tuple(u(8), u(8), u(8), u(8)).map((b) => b.join('.'));
const port = fc.oneof(fc.integer({ min: 0, max: 0xfeff }).map(String), fc.constantFrom('LOCAL', 'IN_PORT', 'NORMAL', 'FLOOD', 'ALL', 'TABLE'));
const reg = fc.integer({ min: 0, max: 15 });
const subfield = fc.tuple(reg, fc.integer({ min: 0, max: 31 }), fc.integer({ min: 1, max: 32 }))
  .map(([r, ofs, n]) => `reg${r}[${ofs}..${Math.min(31, ofs + n - 1)}]`);
const sameWidth = fc.tuple(reg, reg, fc.integer({ min: 1, max: 32 }), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 31 }))
  .map(([a, b, n, x, y]) => {
    const w = Math.min(n, 32 - x, 32 - y);
    return `reg${a}[${x}..${x + w - 1}]->reg${b}[${y}..${y + w - 1}]`;
  });

const simple: fc.Arbitrary<string> = fc.oneof(
  port.map((p) => `output:${p}`),
  fc.integer({ min: 0, max: 65535 }).map((n) => `CONTROLLER:${n}`),
  fc.tuple(fc.constantFrom('no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'), u(16), u(16), fc.boolean())
    .map(([r, m, id, p]) => `controller(reason=${r},max_len=${m},id=${id}${p ? ',pause' : ''})`),
  u(32).map((g) => `group:${g}`),
  fc.tuple(fc.integer({ min: 0, max: 0xfeff }), u(32)).map(([p, q]) => `enqueue:${p}:${q}`),
  subfield.map((s) => `output:${s}`),
  fc.tuple(reg, hexN(32)).map(([r, v]) => `set_field:${v}->reg${r}`),
  fc.tuple(hexN(64), hexN(64)).map(([v, m]) => `set_field:${v}/${m}->metadata`),
  mac.map((m) => `set_field:${m}->eth_src`),
  fc.tuple(u(12), fc.boolean()).map(([v, p]) => `${p ? 'mod' : 'set'}_vlan_vid:${v}`),
  fc.tuple(u(3), fc.boolean()).map(([v, p]) => `${p ? 'mod' : 'set'}_vlan_pcp:${v}`),
  fc.constantFrom('strip_vlan', 'pop_vlan', 'push_vlan:0x8100', 'push_vlan:0x88a8', 'dec_mpls_ttl', 'pop_queue', 'exit', 'ct_clear', 'dec_ttl'),
  mac.map((m) => `mod_dl_src:${m}`),
  mac.map((m) => `mod_dl_dst:${m}`),
  ip.map((a) => `mod_nw_src:${a}`),
  ip.map((a) => `mod_nw_dst:${a}`),
  u(6).map((v) => `mod_nw_tos:${v << 2}`),
  u(2).map((v) => `mod_nw_ecn:${v}`),
  u(8).map((v) => `mod_nw_ttl:${v}`),
  u(16).map((v) => `mod_tp_src:${v}`),
  u(16).map((v) => `mod_tp_dst:${v}`),
  sameWidth.map((s) => `move:${s}`),
  subfield.map((s) => `push:${s}`),
  subfield.map((s) => `pop:${s}`),
  fc.array(u(16), { minLength: 1, maxLength: 4 }).map((ids) => `dec_ttl(${ids.join(',')})`),
  u(20).map((v) => `set_mpls_label(${v})`),
  u(3).map((v) => `set_mpls_tc(${v})`),
  u(8).map((v) => `set_mpls_ttl(${v})`),
  fc.constantFrom('push_mpls:0x8847', 'push_mpls:0x8848', 'pop_mpls:0x0800', 'pop_mpls:0x86dd'),
  hexN(64).map((v) => `set_tunnel64:${v}`),
  hexN(32).map((v) => `set_tunnel:${v}`),
  u(32).map((v) => `set_queue:${v}`),
  fc.tuple(u(16), u(16)).map(([a, b]) => `fin_timeout(idle_timeout=${a},hard_timeout=${b})`),
  fc.tuple(fc.option(port), fc.option(u(8).filter((t) => t !== 255)), fc.boolean())
    .filter(([p, t]) => (p !== null && p !== 'IN_PORT') || t !== null)
    .map(([p, t, ct]) => `resubmit(${p ?? ''},${t ?? ''}${ct ? ',ct' : ''})`),
  fc.uint8Array({ maxLength: 8 }).map((b) => `note:${[...b].map((x) => x.toString(16).padStart(2, '0')).join('.')}`),
  fc.tuple(u(16).filter((p) => p > 0), u(32), u(32), u(32)).map(([p, c, d, q]) => `sample(probability=${p},collector_set_id=${c},obs_domain_id=${d},obs_point_id=${q})`),
  fc.tuple(fc.integer({ min: 0, max: 0xfeff }), fc.integer({ min: 14, max: 65535 })).map(([p, m]) => `output(port=${p},max_len=${m})`),
  fc.tuple(fc.constantFrom('eth_src', 'symmetric_l4', 'symmetric_l3l4', 'symmetric_l3l4+udp', 'nw_src', 'nw_dst', 'symmetric_l3'), u(16),
    fc.constantFrom('modulo_n', 'hash_threshold', 'hrw', 'iter_hash'), fc.integer({ min: 1, max: 16 }), u(16), reg)
    .map(([f, b, a, n, arg, r]) => `multipath(${f},${b},${a},${n},${arg},NXM_NX_REG${r}[0..3])`),
  fc.tuple(fc.constantFrom('eth_src', 'symmetric_l4', 'nw_dst'), u(16), fc.constantFrom('active_backup', 'hrw'),
    fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 4 }), fc.option(reg))
    .map(([f, b, a, m, r]) => r === null ? `bundle(${f},${b},${a},ofport,members:${m.join(',')})`
      : `bundle_load(${f},${b},${a},ofport,NXM_NX_REG${r}[],members:${m.join(',')})`),
  fc.tuple(u(8).filter((t) => t !== 255), u(16), u(16), u(16), fc.boolean(), reg, mac)
    .map(([t, i, h, p, f, r, m]) => `learn(table=${t},idle_timeout=${i},hard_timeout=${h},priority=${p}${f ? ',send_flow_rem' : ''},NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],eth_src=${m},load:NXM_NX_REG${r}[]->NXM_NX_REG1[],load:0x5->NXM_NX_REG2[0..3],output:NXM_OF_IN_PORT[])`),
);

const actionList = fc.array(simple, { minLength: 0, maxLength: 6 }).chain((acts) =>
  fc.oneof(
    fc.constant(acts),
    simple.map((inner) => [...acts, `clone(${inner})`]),
  ));

const instructions = fc.tuple(
  fc.option(u(32).filter((m) => m > 0)),
  actionList,
  fc.boolean(),
  fc.option(actionList),
  fc.option(fc.tuple(hexN(64), hexN(64))),
  fc.option(u(8)),
).map(([meter, apply, clear, write, meta, gotoT]) => {
  const parts: string[] = [];
  if (meter !== null) parts.push(`meter:${meter}`);
  parts.push(...apply);
  if (clear) parts.push('clear_actions');
  if (write !== null && write.length) parts.push(`write_actions(${write.join(',')})`);
  if (meta !== null) parts.push(`write_metadata:${meta[0]}/${meta[1]}`);
  if (gotoT !== null) parts.push(`goto_table:${gotoT}`);
  return parts.length ? parts.join(',') : 'drop';
});

test('random action lists: parse(format(parse(x))) == parse(x) (seeded)', () => {
  fc.assert(
    fc.property(instructions, (text) => {
      const a = parseInstructions(text);
      assert.ok(a.ok, `${text}: ${a.ok ? '' : a.error}`);
      const s = formatActions(a.value);
      const b = parseInstructions(s);
      assert.ok(b.ok, `${s}: ${b.ok ? '' : b.error}`);
      assert.deepEqual(b.value, a.value, `${text} -> ${s}`);
      assert.equal(formatActions(b.value), s);
    }),
    { seed: 1234567, numRuns: 1500 },
  );
});
