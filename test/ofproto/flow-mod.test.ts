/*
 * Flow-mod semantics as OVS implements them: add / replace / check_overlap, modify loose and
 * strict (and modify adding a flow), delete loose and strict, cookie masks, out_port and
 * out_group filters, errors, flow-removed events, timeouts, table limits and eviction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLOW_WORDS } from '../../src/flow/layout.js';
import { makeFlowMod, OFPFC_ADD, OFPFC_DELETE } from '../../src/ofproto/flow-mod.js';
import { OfpactType } from '../../src/ofproto/ofp-actions.js';
import type { FlowRemovedEvent, RuleChangeEvent } from '../../src/ofproto/ofproto-events.js';
import { OFPRR_DELETE, OFPRR_HARD_TIMEOUT, OFPRR_IDLE_TIMEOUT, OFPRR_EVICTION } from '../../src/ofproto/ofproto-events.js';
import { dump, makeSwitch, ofctl, ofctlError, OFPFC, ruleWith } from './bridge-helpers.js';

function secureSwitch() {
  return makeSwitch(3, { failMode: 'secure' });
}

test('standalone bridge starts with priority=0 actions=NORMAL, secure with nothing', () => {
  assert.deepEqual(dump(makeSwitch().br), ['priority=0 actions=NORMAL']);
  assert.deepEqual(dump(secureSwitch().br), []);
});

test('fail-mode change and controller changes flush the tables (OVS connmgr_flushed)', () => {
  const { br } = makeSwitch();
  ofctl(br, 'priority=5,in_port=1,actions=drop');
  // del-flows removes NORMAL too: OVS does not put it back on a plain delete.
  ofctl(br, '', OFPFC.DELETE);
  assert.deepEqual(dump(br), []);
  br.setFailMode('secure');
  assert.deepEqual(dump(br), []);
  br.setFailMode('standalone');
  assert.deepEqual(dump(br), ['priority=0 actions=NORMAL']);
  ofctl(br, 'priority=5,in_port=1,actions=drop');
  br.setHasControllers(true); // controllers configured: flush, no NORMAL
  assert.deepEqual(dump(br), []);
  ofctl(br, 'priority=5,in_port=1,actions=drop');
  br.setHasControllers(false);
  assert.deepEqual(dump(br), ['priority=0 actions=NORMAL']);
});

test('add replaces an identical rule; counters kept unless reset_counts', () => {
  const { br, clock } = secureSwitch();
  ofctl(br, 'priority=10,in_port=1,actions=output:2');
  const r1 = ruleWith(br, 'in_port=1');
  r1.credit(5, 500, clock.now());
  clock.advance(2000);
  ofctl(br, 'priority=10,in_port=1,actions=output:3');
  assert.deepEqual(dump(br), ['priority=10,in_port=1 actions=output:3']);
  const r2 = ruleWith(br, 'in_port=1');
  assert.equal(r2.packetCount, 5);
  assert.equal(r2.byteCount, 500);
  assert.equal(r2.created, clock.now(), 'add starts a new duration');
  // Stats still credited to the replaced rule (by datapath flows) reach the new one.
  r1.credit(1, 100, clock.now());
  assert.equal(r2.packetCount, 6);
  ofctl(br, 'reset_counts,priority=10,in_port=1,actions=output:4');
  const r3 = ruleWith(br, 'in_port=1');
  assert.equal(r3.packetCount, 0);
  assert.equal(r3.byteCount, 0);
  // Different priority is a different rule.
  ofctl(br, 'priority=11,in_port=1,actions=drop');
  assert.equal(dump(br).length, 2);
});

test('check_overlap refuses an overlapping rule of the same priority only', () => {
  const { br } = secureSwitch();
  ofctl(br, 'priority=10,ip,actions=drop');
  assert.equal(ofctlError(br, 'check_overlap,priority=10,ip,nw_src=1.2.3.4,actions=drop'), 'OFPFMFC_OVERLAP');
  assert.equal(ofctlError(br, 'check_overlap,priority=10,in_port=1,actions=drop'), 'OFPFMFC_OVERLAP');
  assert.equal(ofctlError(br, 'check_overlap,priority=10,arp,actions=drop'), 'ok');
  assert.equal(ofctlError(br, 'check_overlap,priority=11,ip,nw_src=1.2.3.4,actions=drop'), 'ok');
  // An identical rule is replaced, not an overlap.
  assert.equal(ofctlError(br, 'check_overlap,priority=10,ip,actions=output:1'), 'ok');
  assert.deepEqual(dump(br), [
    'check_overlap priority=10,arp actions=drop',
    'check_overlap priority=10,ip actions=output:1',
    'check_overlap priority=11,ip,nw_src=1.2.3.4 actions=drop',
  ]);
});

test('modify (loose) changes every rule at least as specific; strict only the exact one', () => {
  const { br } = secureSwitch();
  ofctl(br, 'priority=10,in_port=1,ip,actions=output:2');
  ofctl(br, 'priority=20,in_port=1,arp,actions=output:2');
  ofctl(br, 'priority=10,in_port=2,actions=output:1');
  ofctl(br, 'in_port=1,actions=output:3', OFPFC.MODIFY);
  assert.deepEqual(dump(br), [
    'priority=10,in_port=2 actions=output:1',
    'priority=10,ip,in_port=1 actions=output:3',
    'priority=20,arp,in_port=1 actions=output:3',
  ]);
  ofctl(br, 'priority=20,in_port=1,arp,actions=drop', OFPFC.MODIFY_STRICT);
  ofctl(br, 'priority=99,in_port=1,arp,actions=output:1', OFPFC.MODIFY_STRICT); // no match: adds
  assert.deepEqual(dump(br), [
    'priority=10,in_port=2 actions=output:1',
    'priority=10,ip,in_port=1 actions=output:3',
    'priority=20,arp,in_port=1 actions=drop',
    'priority=99,arp,in_port=1 actions=output:1',
  ]);
});

test('modify keeps timeouts, flags, importance and creation time; cookie only when given', () => {
  const { br, clock } = secureSwitch();
  ofctl(br, 'send_flow_rem,cookie=0x5,idle_timeout=30,hard_timeout=60,importance=7,priority=10,in_port=1,actions=output:2');
  const created = clock.now();
  clock.advance(3000);
  ofctl(br, 'in_port=1,actions=output:3', OFPFC.MODIFY);
  const r = ruleWith(br, 'in_port=1');
  assert.equal(r.idleTimeout, 30);
  assert.equal(r.hardTimeout, 60);
  assert.equal(r.importance, 7);
  assert.equal(r.flags & 1, 1);
  assert.equal(r.cookie, 5n);
  assert.equal(r.created, created);
  assert.equal(r.modified, clock.now(), 'modify restarts the hard timeout');
  ofctl(br, 'cookie=0x9,in_port=1,actions=output:3', OFPFC.MODIFY);
  assert.equal(ruleWith(br, 'in_port=1').cookie, 9n);
});

test('modify with a cookie mask filters, and never adds', () => {
  const { br } = secureSwitch();
  ofctl(br, 'cookie=0x1,priority=10,in_port=1,actions=output:2');
  ofctl(br, 'cookie=0x2,priority=10,in_port=2,actions=output:1');
  ofctl(br, 'cookie=0x2/0xff,actions=drop', OFPFC.MODIFY);
  assert.deepEqual(dump(br), ['cookie=0x1, priority=10,in_port=1 actions=output:2', 'cookie=0x2, priority=10,in_port=2 actions=drop']);
  ofctl(br, 'cookie=0x7/-1,in_port=3,actions=drop', OFPFC.MODIFY);
  assert.equal(dump(br).length, 2);
  // Without a mask and no match it adds (OVS modify_may_add_flow), with cookie 0.
  ofctl(br, 'in_port=3,actions=drop', OFPFC.MODIFY);
  assert.equal(dump(br).length, 3);
});

test('delete loose and strict, cookie masks, out_port and out_group filters', () => {
  const { br } = secureSwitch();
  const load = (): void => {
    ofctl(br, '', OFPFC.DELETE);
    ofctl(br, 'cookie=0x11,priority=10,in_port=1,actions=output:2');
    ofctl(br, 'cookie=0x12,priority=20,in_port=1,ip,actions=output:3');
    ofctl(br, 'cookie=0x21,priority=10,in_port=2,actions=output:1,output:3');
    ofctl(br, 'cookie=0x22,table=1,priority=10,in_port=2,actions=output:2');
  };
  load();
  ofctl(br, 'in_port=1', OFPFC.DELETE);
  assert.deepEqual(dump(br).map((l) => l.slice(0, 11)), ['cookie=0x21', 'cookie=0x22']);
  load();
  ofctl(br, 'priority=10,in_port=1', OFPFC.DELETE_STRICT);
  assert.equal(dump(br).length, 3);
  assert.ok(!dump(br).some((l) => l.startsWith('cookie=0x11')));
  load();
  ofctl(br, 'cookie=0x10/0xf0', OFPFC.DELETE);
  assert.deepEqual(dump(br).map((l) => l.slice(0, 11)), ['cookie=0x21', 'cookie=0x22']);
  load();
  ofctl(br, 'out_port=3', OFPFC.DELETE);
  assert.deepEqual(dump(br).map((l) => l.slice(0, 11)), ['cookie=0x11', 'cookie=0x22']);
  load();
  ofctl(br, 'table=1', OFPFC.DELETE);
  assert.equal(dump(br).length, 3);
  load();
  // Strict needs the same priority and match: nothing removed.
  ofctl(br, 'priority=11,in_port=1', OFPFC.DELETE_STRICT);
  assert.equal(dump(br).length, 4);
  // out_group: only rules that output to the group.
  assert.equal(br.groupMod({ command: 0, groupId: 5, type: 'all', buckets: [{ actions: [] }] }).ok, true);
  ofctl(br, 'priority=30,in_port=3,actions=group:5');
  ofctl(br, 'out_group=5', OFPFC.DELETE);
  assert.equal(dump(br).length, 4);
});

test('flow-removed: DELETE only for send_flow_rem rules, with final counters', () => {
  const { br, clock } = secureSwitch();
  const removed: FlowRemovedEvent[] = [];
  const changes: RuleChangeEvent[] = [];
  br.events.on('flow-removed', (e) => removed.push(e));
  br.events.on('rule-change', (e) => changes.push(e));
  ofctl(br, 'send_flow_rem,cookie=0x3,priority=10,in_port=1,actions=output:2');
  ofctl(br, 'priority=10,in_port=2,actions=output:1');
  ruleWith(br, 'in_port=1').credit(2, 120, clock.now());
  clock.advance(1500);
  ofctl(br, '', OFPFC.DELETE);
  assert.equal(removed.length, 1);
  const e = removed[0]!;
  assert.equal(e.reason, OFPRR_DELETE);
  assert.equal(e.bridge, 'br0');
  assert.equal(e.rule.cookie, 3n);
  assert.equal(e.rule.priority, 10);
  assert.equal(e.rule.packetCount, 2);
  assert.equal(e.rule.byteCount, 120);
  assert.equal(e.rule.durationMs, 1500);
  assert.deepEqual(
    changes.map((c) => c.event),
    ['added', 'added', 'removed', 'removed'],
  );
});

test('idle and hard timeouts expire rules with the right reasons', () => {
  const { br, clock } = secureSwitch();
  const removed: FlowRemovedEvent[] = [];
  br.events.on('flow-removed', (e) => removed.push(e));
  ofctl(br, 'send_flow_rem,idle_timeout=10,priority=10,in_port=1,actions=output:2');
  ofctl(br, 'send_flow_rem,hard_timeout=5,idle_timeout=2,priority=10,in_port=2,actions=output:1');
  ofctl(br, 'idle_timeout=1,priority=10,in_port=3,actions=output:1');
  const v0 = br.version;
  clock.advance(1000);
  br.run();
  assert.equal(dump(br).length, 3, 'exactly at the timeout nothing expires (OVS: now > used + timeout)');
  clock.advance(1);
  br.run();
  assert.equal(dump(br).length, 2, 'idle_timeout=1 rule expired');
  assert.equal(removed.length, 0, 'no send_flow_rem: no event');
  assert.ok(br.version > v0);
  // Traffic keeps the in_port=2 rule alive past its idle timeout, not past its hard timeout.
  for (let t = 0; t < 3; t++) {
    clock.advance(1000);
    ruleWith(br, 'in_port=2').credit(1, 60, clock.now());
    br.run();
  }
  clock.advance(999); // 5 s after creation: the hard timeout is due only after that
  br.run();
  assert.equal(removed.length, 0);
  clock.advance(1);
  br.run();
  assert.equal(removed.length, 1);
  assert.equal(removed[0]!.reason, OFPRR_HARD_TIMEOUT);
  assert.equal(removed[0]!.rule.packetCount, 3);
  clock.advance(10000);
  br.run();
  assert.equal(removed.length, 2);
  assert.equal(removed[1]!.reason, OFPRR_IDLE_TIMEOUT);
  assert.deepEqual(dump(br), []);
});

test('errors: bad table, read-only table, unknown group / meter, goto_table backwards, buffer', () => {
  const { br } = secureSwitch();
  const bad = makeFlowMod({ command: OFPFC_ADD, tableId: 300 });
  assert.equal(br.flowMod(bad).ok ? 'ok' : (br.flowMod(bad) as { error: { code: string } }).error.code, 'OFPBRC_BAD_TABLE_ID');
  const del = br.flowMod(makeFlowMod({ command: OFPFC_DELETE, tableId: 256 }));
  assert.ok(!del.ok && del.error.code === 'OFPBRC_BAD_TABLE_ID' && del.error.type === 'OFPET_BAD_REQUEST');
  assert.equal(ofctlError(br, 'table=254,actions=drop'), 'OFPBRC_EPERM');
  assert.equal(ofctlError(br, 'actions=group:7'), 'OFPBAC_BAD_OUT_GROUP');
  assert.equal(ofctlError(br, 'actions=meter:3,output:1'), 'OFPMMFC_INVALID_METER');
  // (ovs-ofctl's parser rejects these too; the bridge checks flow-mods from any source.)
  const gotoErr = (from: number, to: number): string => {
    const r = br.flowMod(makeFlowMod({ command: OFPFC_ADD, tableId: from, actions: [{ type: OfpactType.GOTO_TABLE, tableId: to }] }));
    return r.ok ? 'ok' : r.error.code;
  };
  assert.equal(gotoErr(3, 2), 'OFPBIC_BAD_TABLE_ID');
  assert.equal(gotoErr(3, 3), 'OFPBIC_BAD_TABLE_ID');
  assert.equal(gotoErr(3, 255), 'OFPBIC_BAD_TABLE_ID');
  assert.equal(gotoErr(3, 4), 'ok');
  ofctl(br, 'table=3', OFPFC.DELETE);
  const buf = br.flowMod(makeFlowMod({ command: OFPFC_ADD, bufferId: 7 }));
  assert.ok(!buf.ok && buf.error.code === 'OFPBRC_BUFFER_UNKNOWN');
  const cmd = br.flowMod(makeFlowMod({ command: 9 }));
  assert.ok(!cmd.ok && cmd.error.code === 'OFPFMFC_BAD_COMMAND');
  assert.equal(dump(br).length, 0, 'failed flow-mods changed nothing');
});

test('a full table refuses adds (TABLE_FULL) unless eviction removes a rule with a timeout', () => {
  const { br } = secureSwitch();
  br.setTableConfig(0, { maxFlows: 2 });
  ofctl(br, 'priority=1,in_port=1,actions=drop');
  ofctl(br, 'idle_timeout=50,importance=3,priority=1,in_port=2,actions=drop');
  assert.equal(ofctlError(br, 'priority=1,in_port=3,actions=drop'), 'OFPFMFC_TABLE_FULL');
  // Replacing an existing rule needs no room.
  assert.equal(ofctlError(br, 'priority=1,in_port=1,actions=output:2'), 'ok');
  br.setTableConfig(0, { eviction: true });
  const removed: FlowRemovedEvent[] = [];
  br.events.on('rule-change', (e) => {
    if (e.event === 'removed') removed.push({ bridge: e.bridge, reason: e.reason, rule: e.rule });
  });
  assert.equal(ofctlError(br, 'priority=1,in_port=3,actions=drop'), 'ok');
  assert.equal(removed.length, 1);
  assert.equal(removed[0]!.reason, OFPRR_EVICTION);
  assert.deepEqual(dump(br), ['priority=1,in_port=1 actions=output:2', 'priority=1,in_port=3 actions=drop']);
  // Nothing evictable (no timeouts) -> full again.
  assert.equal(ofctlError(br, 'priority=1,in_port=4,actions=drop'), 'OFPFMFC_TABLE_FULL');
});

test('add with table=255 (all) goes to table 0; masks are applied to the key', () => {
  const { br } = secureSwitch();
  const key = new Uint32Array(FLOW_WORDS).fill(0xffffffff);
  const mask = new Uint32Array(FLOW_WORDS);
  mask[0] = 0xffff; // in_port low bits only
  const r = br.flowMod(makeFlowMod({ command: OFPFC_ADD, match: { key, mask }, priority: 3 }));
  assert.ok(r.ok);
  const rule = r.value.added[0]!;
  assert.equal(rule.tableId, 0);
  assert.equal(rule.key[0], 0xffff);
  assert.equal(rule.key[1], 0);
});

test('a flow-mod not built by makeFlowMod (a decoded message) is masked and copied, not kept', () => {
  const { br } = secureSwitch();
  const key = new Uint32Array(FLOW_WORDS).fill(0xffffffff);
  const mask = new Uint32Array(FLOW_WORDS);
  mask[0] = 0xff;
  const fm = { ...makeFlowMod({ command: OFPFC_ADD, priority: 4 }), match: { key, mask } };
  const r = br.flowMod(fm);
  assert.ok(r.ok);
  const rule = r.value.added[0]!;
  assert.equal(rule.key[0], 0xff);
  assert.equal(rule.key[1], 0);
  key.fill(0);
  mask[0] = 0xffffffff;
  assert.equal(rule.key[0], 0xff);
  assert.equal(rule.mask[0], 0xff);
  // Loose delete with the caller's (now changed) match: in_port=0 under a full mask selects nothing.
  const d = br.flowMod({ ...fm, command: OFPFC_DELETE, match: { key, mask } });
  assert.ok(d.ok && d.value.removed.length === 0);
});
