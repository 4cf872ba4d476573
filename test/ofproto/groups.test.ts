/*
 * Group table semantics (OVS group-mod handling and ofputil_check_group_mod errors),
 * rules removed with their group, and group statistics from datapath traffic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OFPG_ALL,
  OFPG_BUCKET_FIRST,
  OFPG_BUCKET_LAST,
  OFPGC_ADD,
  OFPGC_ADD_OR_MOD,
  OFPGC_DELETE,
  OFPGC_INSERT_BUCKET,
  OFPGC_MODIFY,
  OFPGC_REMOVE_BUCKET,
  type GroupMod,
} from '../../src/ofproto/group-table.js';
import { OfpactType, type OfpAction } from '../../src/ofproto/ofp-actions.js';
import type { FlowRemovedEvent } from '../../src/ofproto/ofproto-events.js';
import { OFPRR_GROUP_DELETE } from '../../src/ofproto/ofproto-events.js';
import { udpFrame } from '../../src/packet/build.js';
import { dump, makeSwitch, ofctl, ruleWith } from './bridge-helpers.js';

const out = (port: number): OfpAction[] => [{ type: OfpactType.OUTPUT, port, maxLen: 0 }];

function gm(br: ReturnType<typeof makeSwitch>['br'], g: Partial<GroupMod> & { command: number; groupId: number }): string {
  const r = br.groupMod({ type: 'all', buckets: [], ...g });
  return r.ok ? 'ok' : r.error.code;
}

test('group-mod add / modify / add-or-mod / delete with OVS errors', () => {
  const { br } = makeSwitch(3, { failMode: 'secure' });
  assert.equal(gm(br, { command: OFPGC_ADD, groupId: 1, buckets: [{ actions: out(1) }, { actions: out(2) }] }), 'ok');
  assert.equal(gm(br, { command: OFPGC_ADD, groupId: 1, buckets: [{ actions: out(1) }] }), 'OFPGMFC_GROUP_EXISTS');
  assert.equal(gm(br, { command: OFPGC_ADD, groupId: 0xffffff01, buckets: [] }), 'OFPGMFC_INVALID_GROUP');
  assert.equal(gm(br, { command: OFPGC_MODIFY, groupId: 9, buckets: [] }), 'OFPGMFC_UNKNOWN_GROUP');
  assert.equal(gm(br, { command: 77, groupId: 1 }), 'OFPGMFC_BAD_COMMAND');
  // ofputil_check_group_mod.
  assert.equal(gm(br, { command: OFPGC_ADD, groupId: 2, type: 'indirect', buckets: [] }), 'OFPGMFC_INVALID_GROUP');
  assert.equal(gm(br, { command: OFPGC_ADD, groupId: 2, type: 'all', buckets: [{ weight: 5, actions: [] }] }), 'OFPGMFC_INVALID_GROUP');
  assert.equal(gm(br, { command: OFPGC_ADD, groupId: 2, type: 'all', buckets: [{ watchPort: 1, actions: [] }] }), 'OFPGMFC_WATCH_UNSUPPORTED');
  assert.equal(gm(br, { command: OFPGC_ADD, groupId: 2, type: 'ff', buckets: [{ actions: [] }] }), 'OFPGMFC_INVALID_GROUP');
  assert.equal(gm(br, { command: OFPGC_ADD, groupId: 2, type: 'ff', buckets: [{ watchPort: 1, actions: out(1) }] }), 'ok');
  assert.equal(gm(br, { command: OFPGC_ADD, groupId: 3, type: 'select', buckets: [{ weight: 2, actions: out(1) }, { weight: 1, actions: out(2) }] }), 'ok');
  assert.equal(br.groups.get(3)!.buckets.map((b) => b.bucketId).join(','), '0,1');
  assert.equal(gm(br, { command: OFPGC_MODIFY, groupId: 1, type: 'indirect', buckets: [{ actions: out(3) }] }), 'ok');
  assert.equal(br.groups.get(1)!.type, 'indirect');
  assert.equal(gm(br, { command: OFPGC_ADD_OR_MOD, groupId: 4, buckets: [{ actions: out(1) }] }), 'ok');
  assert.equal(gm(br, { command: OFPGC_ADD_OR_MOD, groupId: 4, buckets: [{ actions: out(2) }] }), 'ok');
  assert.equal(br.groups.size, 4);
  assert.equal(gm(br, { command: OFPGC_DELETE, groupId: 99 }), 'ok', 'deleting a missing group is fine');
  assert.equal(gm(br, { command: OFPGC_DELETE, groupId: 4 }), 'ok');
  assert.equal(br.groups.size, 3);
  assert.equal(gm(br, { command: OFPGC_DELETE, groupId: OFPG_ALL }), 'ok');
  assert.equal(br.groups.size, 0);
});

test('insert-bucket and remove-bucket keep the type and ids', () => {
  const { br } = makeSwitch(3, { failMode: 'secure' });
  gm(br, { command: OFPGC_ADD, groupId: 1, type: 'select', buckets: [{ bucketId: 10, actions: out(1) }, { bucketId: 20, actions: out(2) }] });
  const ids = (): string => br.groups.get(1)!.buckets.map((b) => b.bucketId).join(',');
  assert.equal(gm(br, { command: OFPGC_INSERT_BUCKET, groupId: 1, type: 'all', commandBucketId: OFPG_BUCKET_FIRST, buckets: [{ bucketId: 5, actions: out(3) }] }), 'ok');
  assert.equal(ids(), '5,10,20');
  assert.equal(br.groups.get(1)!.type, 'select', 'insert keeps the type');
  assert.equal(gm(br, { command: OFPGC_INSERT_BUCKET, groupId: 1, commandBucketId: 10, buckets: [{ bucketId: 15, actions: out(3) }] }), 'ok');
  assert.equal(ids(), '5,10,15,20');
  assert.equal(gm(br, { command: OFPGC_INSERT_BUCKET, groupId: 1, commandBucketId: OFPG_BUCKET_LAST, buckets: [{ actions: out(3) }] }), 'ok');
  assert.equal(ids(), '5,10,15,20,21');
  assert.equal(gm(br, { command: OFPGC_INSERT_BUCKET, groupId: 1, commandBucketId: 10, buckets: [{ bucketId: 20, actions: [] }] }), 'OFPGMFC_BUCKET_EXISTS');
  assert.equal(gm(br, { command: OFPGC_INSERT_BUCKET, groupId: 1, commandBucketId: 99, buckets: [{ actions: [] }] }), 'OFPGMFC_UNKNOWN_BUCKET');
  assert.equal(gm(br, { command: OFPGC_REMOVE_BUCKET, groupId: 1, commandBucketId: 15 }), 'ok');
  assert.equal(ids(), '5,10,20,21');
  assert.equal(gm(br, { command: OFPGC_REMOVE_BUCKET, groupId: 1, commandBucketId: OFPG_BUCKET_FIRST }), 'ok');
  assert.equal(gm(br, { command: OFPGC_REMOVE_BUCKET, groupId: 1, commandBucketId: OFPG_BUCKET_LAST }), 'ok');
  assert.equal(ids(), '10,20');
  assert.equal(gm(br, { command: OFPGC_REMOVE_BUCKET, groupId: 1, commandBucketId: 77 }), 'OFPGMFC_UNKNOWN_BUCKET');
  assert.equal(gm(br, { command: OFPGC_REMOVE_BUCKET, groupId: 1, buckets: [{ actions: [] }] }), 'OFPGMFC_BAD_BUCKET');
  assert.equal(gm(br, { command: OFPGC_REMOVE_BUCKET, groupId: 1, commandBucketId: 0xffffffff }), 'ok');
  assert.equal(ids(), '');
});

test('deleting a group deletes the rules that use it (GROUP_DELETE); modify keeps them', () => {
  const { br } = makeSwitch(3, { failMode: 'secure' });
  const removed: FlowRemovedEvent[] = [];
  br.events.on('flow-removed', (e) => removed.push(e));
  gm(br, { command: OFPGC_ADD, groupId: 1, buckets: [{ actions: out(2) }] });
  gm(br, { command: OFPGC_ADD, groupId: 2, buckets: [{ actions: out(3) }] });
  ofctl(br, 'send_flow_rem,priority=10,in_port=1,actions=group:1');
  ofctl(br, 'priority=10,in_port=2,actions=clone(group:2)');
  ofctl(br, 'priority=10,in_port=3,actions=output:1');
  gm(br, { command: OFPGC_MODIFY, groupId: 1, buckets: [{ actions: out(3) }] });
  assert.equal(dump(br).length, 3);
  assert.equal(br.groupStats(1)!.refCount, 1);
  gm(br, { command: OFPGC_DELETE, groupId: OFPG_ALL });
  assert.deepEqual(dump(br), ['priority=10,in_port=3 actions=output:1']);
  assert.equal(removed.length, 1);
  assert.equal(removed[0]!.reason, OFPRR_GROUP_DELETE);
});

test('group traffic: all-group floods to its buckets, stats count packets per group and bucket', () => {
  const s = makeSwitch(3, { failMode: 'secure' });
  gm(s.br, { command: OFPGC_ADD, groupId: 7, buckets: [{ actions: out(2) }, { actions: out(3) }] });
  ofctl(s.br, 'priority=10,in_port=1,actions=group:7');
  const f = udpFrame({ payload: 20 });
  for (let i = 0; i < 3; i++) {
    s.dev.p1!.receive(f);
    s.sw.handleUpcalls();
  }
  assert.equal(s.dev.p2!.takeSent().length, 3);
  assert.equal(s.dev.p3!.takeSent().length, 3);
  s.sw.revalidate();
  const st = s.br.groupStats(7)!;
  assert.equal(st.packetCount, 3);
  assert.equal(st.byteCount, 3 * f.length);
  assert.deepEqual(st.buckets, [
    { packetCount: 3, byteCount: 3 * f.length },
    { packetCount: 3, byteCount: 3 * f.length },
  ]);
  assert.equal(ruleWith(s.br, 'group:7').packetCount, 3);
  // Modify starts the counters over (ofproto-dpif builds a new group).
  gm(s.br, { command: OFPGC_MODIFY, groupId: 7, buckets: [{ actions: out(2) }] });
  assert.equal(s.br.groupStats(7)!.packetCount, 0);
});
