/*
 * Whole flow lines (add-flow / mod-flows / del-flows / dump-flows filters) and the dump-flows
 * line: known answers from Open vSwitch 3.1's `ovs-ofctl -F NXM+table_id parse-flows`, OVS's
 * error texts, per-command rules, and dump-flows lines fed back into the parser.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFlowMod, FlowModFlags, OFPFC, parseFlowMod, U64_MAX } from '../../src/openflow/flow-syntax/flow-mod.js';
import { formatDuration, formatFlowStats, type FlowStats } from '../../src/openflow/flow-syntax/flow-stats.js';
import { parseMatch } from '../../src/flow/match-parse.js';
import { parseActions } from '../../src/openflow/flow-syntax/actions-parse.js';
import { matchEquals } from '../../src/flow/match.js';
import { portMapFrom, OFPP_ANY } from '../../src/flow/ofp-port.js';

const KNOWN: Array<[string, string]> = [
  ["tcp,tp_src=123,actions=flood", "ADD table:255 tcp,tp_src=123 actions=FLOOD"],
  ["in_port=LOCAL dl_vlan=9 dl_src=00:0A:E4:25:6B:B0 actions=drop", "ADD table:255 in_port=LOCAL,dl_vlan=9,dl_src=00:0a:e4:25:6b:b0 actions=drop"],
  ["udp dl_vlan_pcp=7 idle_timeout=5 actions=strip_vlan output:0", "ADD table:255 udp,dl_vlan_pcp=7 idle:5 actions=strip_vlan,output:0"],
  ["tcp,nw_src=192.168.0.3,tp_dst=80 actions=set_queue:37,output:1", "ADD table:255 tcp,nw_src=192.168.0.3,tp_dst=80 actions=set_queue:37,output:1"],
  ["cookie=0x123456789abcdef hard_timeout=10 priority=60000 actions=controller", "ADD table:255 priority=60000 cookie:0x123456789abcdef hard:10 actions=CONTROLLER:65535"],
  ["table=1,actions=drop", "ADD table:1 actions=drop"],
  ["send_flow_rem,check_overlap,actions=output:1", "ADD table:255 send_flow_rem check_overlap actions=output:1"],
  ["priority=100", "ERR must specify an action"],
  ["actions", "ERR must specify an action"],
  ["in_port=1,actions=foo", "ERR unknown action foo"],
  ["in_port=1,actions=output:ANY", "ERR actions are invalid with specified match (OFPBAC_BAD_OUT_PORT)"],
  ["tcp,actions=move:NXM_OF_TCP_SRC[]->reg0[0..15]", "ADD table:255 tcp actions=move:NXM_OF_TCP_SRC[]->NXM_NX_REG0[0..15]"],
  ["actions=move:NXM_OF_TCP_SRC[]->reg0[0..15]", "ERR actions are invalid with specified match (OFPBAC_MATCH_INCONSISTENT)"],
  ["ip,actions=load:1->NXM_OF_IP_TOS[2..7]", "ADD table:255 ip actions=load:0x1->NXM_OF_IP_TOS[2..7]"],
  [" cookie=0x0, duration=0.036s, table=0, n_packets=1, n_bytes=106, idle_age=0, priority=100,in_port=1,dl_dst=50:54:00:00:00:02 actions=output:2", "ADD priority=100,in_port=1,dl_dst=50:54:00:00:00:02 actions=output:2"],
  ["idle_timeout=70000,actions=drop", "ERR invalid idle_timeout \"70000\""],
  ["table=300,actions=drop", "ERR unknown table \"300\""],
];

function fmt(line: string, command: Parameters<typeof parseFlowMod>[1] = OFPFC.ADD): string {
  const r = parseFlowMod(line, command);
  return r.ok ? formatFlowMod(r.value) : 'ERR ' + r.error;
}

test('flow lines print as ovs-ofctl prints the flow_mod', () => {
  for (const [input, want] of KNOWN) assert.equal(fmt(input), want, input);
});

test('commands, cookies and per-command keywords', () => {
  assert.equal(fmt('add priority=100,in_port=1,actions=NORMAL', 'auto'), 'ADD table:255 priority=100,in_port=1 actions=NORMAL');
  assert.equal(fmt('mod in_port=1,actions=output:2', 'auto'), 'MOD table:255 in_port=1 actions=output:2');
  assert.equal(fmt('modify_strict priority=100,in_port=1,actions=output:2', 'auto'), 'MOD_STRICT table:255 priority=100,in_port=1 actions=output:2');
  assert.equal(fmt('delete in_port=1', 'auto'), 'DEL table:255 in_port=1 actions=drop');
  assert.equal(fmt('delete_strict priority=100,in_port=1', 'auto'), 'DEL_STRICT table:255 priority=100,in_port=1 actions=drop');
  assert.equal(fmt('in_port=1,actions=drop', 'auto'), 'ADD table:255 in_port=1 actions=drop');
  assert.equal(fmt('cookie=0x1/-1', OFPFC.DELETE), 'DEL table:255 cookie:0x1/0xffffffffffffffff actions=drop');
  assert.equal(fmt('out_port=2,table=3', OFPFC.DELETE), 'DEL table:3 out_port:2 actions=drop');
  assert.equal(fmt('cookie=0x1/-1,actions=drop'), 'ERR flow additions cannot use a cookie mask');
  assert.equal(fmt('cookie=0x1', OFPFC.DELETE), 'ERR cannot set cookie (to match on a cookie, specify a mask, e.g. cookie=0x1/-1)');
  assert.equal(fmt('priority=100,in_port=1,idle_timeout=5', OFPFC.DELETE_STRICT), 'ERR unknown keyword idle_timeout');
  assert.equal(fmt('out_port=foo', OFPFC.DELETE), 'ERR foo is not a valid OpenFlow port');
  assert.equal(fmt('out_port=1,actions=drop'), 'ERR unknown keyword out_port');
  assert.equal(fmt('table', OFPFC.DELETE), 'ERR field table missing value');
  const m = parseFlowMod('cookie=0x5,in_port=1,actions=output:2', OFPFC.MODIFY);
  assert.ok(m.ok);
  assert.equal(m.value.newCookie, 5n);
  assert.equal(m.value.modifyCookie, true);
  const m2 = parseFlowMod('in_port=1,actions=output:2', OFPFC.MODIFY);
  assert.ok(m2.ok);
  assert.equal(m2.value.newCookie, 0n, 'a modify without a cookie adds with cookie 0');
  const d = parseFlowMod('in_port=1,out_group=5', OFPFC.DELETE);
  assert.ok(d.ok);
  assert.equal(d.value.outGroup, 5);
  assert.equal(d.value.outPort, OFPP_ANY);
  const a = parseFlowMod('importance=7,reset_counts,no_packet_counts,no_byte_counts,actions=drop', OFPFC.ADD);
  assert.ok(a.ok);
  assert.equal(a.value.importance, 7);
  assert.equal(a.value.flags, FlowModFlags.RESET_COUNTS | FlowModFlags.NO_PKT_COUNTS | FlowModFlags.NO_BYT_COUNTS);
  assert.equal(a.value.newCookie, 0n);
  const st = parseFlowMod('table=2,cookie=0x10/0xf0,out_port=LOCAL,ip', 'stats');
  assert.ok(st.ok);
  assert.deepEqual([st.value.tableId, st.value.cookie, st.value.cookieMask], [2, 0x10n, 0xf0n]);
  assert.equal(parseFlowMod('actions=drop', 'stats').ok, false);
  assert.notEqual(U64_MAX, 0n);
});

test('goto_table must move forward and actions must fit the match', () => {
  assert.equal(fmt('table=2,actions=goto_table:1'), 'ERR actions are invalid with specified match (OFPBIC_BAD_TABLE_ID)');
  assert.equal(fmt('table=2,actions=goto_table:3'), 'ADD table:2 actions=goto_table:3');
  assert.equal(fmt('actions=meter:0'), 'ERR actions are invalid with specified match (OFPMMFC_INVALID_METER)');
  assert.equal(fmt('actions=set_field:5->vlan_vid'), 'ERR actions are invalid with specified match (OFPBAC_MATCH_INCONSISTENT)');
  assert.equal(fmt('actions=push_vlan:0x8100,set_field:4101->vlan_vid'), 'ADD table:255 actions=push_vlan:0x8100,set_field:4101->vlan_vid');
  assert.equal(fmt('actions=push_mpls:0x8847,set_mpls_label(5),set_field:7->mpls_label'), 'ADD table:255 actions=push_mpls:0x8847,set_mpls_label(5),set_field:7->mpls_label');
  assert.equal(fmt('ip,actions=resubmit(,1,ct)'), 'ERR actions are invalid with specified match (OFPBAC_MATCH_INCONSISTENT)');
  assert.equal(fmt('ct_state=+trk,ip,actions=resubmit(,1,ct)'), 'ADD table:255 ct_state=+trk,ip actions=resubmit(,1,ct)');
});

function stats(line: string, extra: Partial<FlowStats> = {}): FlowStats {
  const m = parseMatch(line.split(' ')[0]!);
  const a = parseActions(line.split(' ')[1]!.replace(/^actions=/, ''));
  assert.ok(m.ok && a.ok);
  return {
    tableId: 0, durationSec: 0, durationNsec: 36000000, priority: m.value.priority, idleTimeout: 0, hardTimeout: 0, flags: 0,
    importance: 0, cookie: 0n, packetCount: 1n, byteCount: 106n, idleAge: 0, hardAge: -1, match: m.value.match, actions: a.value,
    ...extra,
  };
}

test('dump-flows lines', () => {
  const fs = stats('priority=100,in_port=1,dl_dst=50:54:00:00:00:02 actions=output:2');
  assert.equal(formatFlowStats(fs), 'cookie=0x0, duration=0.036s, table=0, n_packets=1, n_bytes=106, idle_age=0, priority=100,in_port=1,dl_dst=50:54:00:00:00:02 actions=output:2');
  assert.equal(
    formatFlowStats({ ...fs, tableId: 3, idleTimeout: 60, hardTimeout: 120, flags: FlowModFlags.SEND_FLOW_REM, importance: 4, cookie: 0xabn, durationSec: 7, durationNsec: 0, idleAge: 2, hardAge: 5 }),
    'cookie=0xab, duration=7s, table=3, n_packets=1, n_bytes=106, idle_timeout=60, hard_timeout=120, send_flow_rem importance=4, idle_age=2, hard_age=5, priority=100,in_port=1,dl_dst=50:54:00:00:00:02 actions=output:2',
  );
  assert.equal(formatFlowStats({ ...fs, hardAge: 0, durationSec: 0 }), formatFlowStats(fs), 'hard_age equal to duration is not shown');
  assert.equal(formatFlowStats({ ...fs, idleAge: -1, packetCount: -1 }), 'cookie=0x0, duration=0.036s, table=0, n_packets=?, n_bytes=106, priority=100,in_port=1,dl_dst=50:54:00:00:00:02 actions=output:2');
  assert.equal(formatFlowStats(fs, { showStats: false }), 'priority=100,in_port=1,dl_dst=50:54:00:00:00:02 actions=output:2');
  const ports = portMapFrom([['p1', 1], ['p2', 2]]);
  assert.equal(formatFlowStats(fs, { showStats: false, ports }), 'priority=100,in_port=p1,dl_dst=50:54:00:00:00:02 actions=output:p2');
  const catchall = stats('priority=32768 actions=NORMAL');
  assert.equal(formatFlowStats(catchall, { showStats: false }), 'actions=NORMAL');
  assert.equal(formatDuration(1, 500), '1.0000005s');
  assert.equal(formatDuration(12, 0), '12s');
  assert.equal(formatDuration(0, 1000000), '0.001s');
});

test('dump-flows output parses back into the same flow', () => {
  const fs = stats('priority=100,tcp,in_port=1,nw_dst=10.0.0.0/24,tp_dst=80 actions=mod_dl_dst:50:54:00:00:00:03,output:3', { cookie: 0x42n, idleTimeout: 5 });
  const line = ' ' + formatFlowStats(fs);
  const r = parseFlowMod(line, OFPFC.ADD);
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.ok(matchEquals(r.value.match, fs.match));
  assert.equal(r.value.priority, 100);
  assert.equal(r.value.newCookie, 0x42n);
  assert.equal(r.value.idleTimeout, 5);
  assert.deepEqual(r.value.actions, fs.actions);
});
