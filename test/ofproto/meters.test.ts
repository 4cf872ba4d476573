/*
 * Meter table semantics (OVS handle_meter_mod + dpif-netdev meter_set errors), rules
 * removed with their meter, and meter input statistics from datapath traffic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OFPM_ALL,
  OFPM_CONTROLLER,
  OFPMBT_DROP,
  OFPMBT_DSCP_REMARK,
  OFPMC_ADD,
  OFPMC_DELETE,
  OFPMC_MODIFY,
  OFPMF_BURST,
  OFPMF_KBPS,
  OFPMF_PKTPS,
  OFPMF_STATS,
  type MeterMod,
} from '../../src/ofproto/meter-table.js';
import type { FlowRemovedEvent } from '../../src/ofproto/ofproto-events.js';
import { OFPRR_METER_DELETE } from '../../src/ofproto/ofproto-events.js';
import { udpFrame } from '../../src/packet/build.js';
import { formatDpActions } from '../../src/datapath/odp-actions-format.js';
import { dump, makeSwitch, ofctl, ofctlError } from './bridge-helpers.js';

const drop = (rate: number, burstSize = 0) => ({ type: OFPMBT_DROP, rate, burstSize });

function mm(br: ReturnType<typeof makeSwitch>['br'], m: Partial<MeterMod> & { command: number; meterId: number }): string {
  const r = br.meterMod({ flags: OFPMF_KBPS, bands: [], ...m });
  return r.ok ? 'ok' : r.error.code;
}

test('meter-mod add / modify / delete with OVS errors', () => {
  const { br } = makeSwitch(2, { failMode: 'secure' });
  assert.equal(mm(br, { command: OFPMC_ADD, meterId: 1, bands: [drop(1000)] }), 'ok');
  assert.equal(br.meters.get(1)!.bands[0]!.burstSize, 1000, 'burst defaults to the rate');
  assert.equal(mm(br, { command: OFPMC_ADD, meterId: 1, bands: [drop(1000)] }), 'OFPMMFC_METER_EXISTS');
  assert.equal(mm(br, { command: OFPMC_ADD, meterId: 0 }), 'OFPMMFC_INVALID_METER');
  assert.equal(mm(br, { command: OFPMC_ADD, meterId: 0xffff0001 }), 'OFPMMFC_INVALID_METER');
  assert.equal(mm(br, { command: OFPMC_ADD, meterId: OFPM_CONTROLLER, bands: [drop(10)] }), 'ok');
  assert.equal(mm(br, { command: OFPMC_ADD, meterId: 2, flags: OFPMF_KBPS | OFPMF_PKTPS }), 'OFPMMFC_BAD_FLAGS');
  assert.equal(mm(br, { command: OFPMC_ADD, meterId: 2, flags: 0x100 }), 'OFPMMFC_BAD_FLAGS');
  assert.equal(mm(br, { command: OFPMC_ADD, meterId: 2, bands: [{ type: OFPMBT_DSCP_REMARK, rate: 5, burstSize: 0, precLevel: 1 }] }), 'OFPMMFC_BAD_BAND');
  assert.equal(mm(br, { command: OFPMC_ADD, meterId: 2, bands: Array.from({ length: 9 }, () => drop(1)) }), 'OFPMMFC_OUT_OF_BANDS');
  assert.equal(mm(br, { command: OFPMC_ADD, meterId: 2, bands: [drop(0)] }), 'OFPMMFC_BAD_RATE');
  assert.equal(mm(br, { command: 9, meterId: 2 }), 'OFPMMFC_BAD_COMMAND');
  assert.equal(mm(br, { command: OFPMC_MODIFY, meterId: 5, bands: [drop(1)] }), 'OFPMMFC_UNKNOWN_METER');
  assert.equal(mm(br, { command: OFPMC_MODIFY, meterId: 1, flags: OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS, bands: [drop(50, 10)] }), 'ok');
  assert.equal(br.meters.get(1)!.flags, OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS);
  assert.equal(mm(br, { command: OFPMC_DELETE, meterId: 42 }), 'ok', 'deleting a missing meter is fine');
  assert.equal(mm(br, { command: OFPMC_DELETE, meterId: 0 }), 'ok');
  assert.equal(br.meters.size, 2);
  assert.equal(mm(br, { command: OFPMC_DELETE, meterId: OFPM_ALL }), 'ok');
  assert.equal(br.meters.size, 0);
});

test('rules need their meter; deleting it deletes them (METER_DELETE)', () => {
  const { br } = makeSwitch(2, { failMode: 'secure' });
  assert.equal(ofctlError(br, 'priority=1,actions=meter:3,output:2'), 'OFPMMFC_INVALID_METER');
  mm(br, { command: OFPMC_ADD, meterId: 3, bands: [drop(100)] });
  const removed: FlowRemovedEvent[] = [];
  br.events.on('flow-removed', (e) => removed.push(e));
  ofctl(br, 'send_flow_rem,priority=1,in_port=1,actions=meter:3,output:2');
  ofctl(br, 'priority=1,in_port=2,actions=output:1');
  assert.equal(br.meterStats(3)!.flowCount, 1);
  mm(br, { command: OFPMC_DELETE, meterId: 3 });
  assert.deepEqual(dump(br), ['priority=1,in_port=2 actions=output:1']);
  assert.equal(removed.length, 1);
  assert.equal(removed[0]!.reason, OFPRR_METER_DELETE);
});

test('meter input counters follow the traffic of its rules; the band drops the excess', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  mm(s.br, { command: OFPMC_ADD, meterId: 1, flags: OFPMF_PKTPS | OFPMF_STATS, bands: [drop(1)] });
  ofctl(s.br, 'priority=1,in_port=1,actions=meter:1,output:2');
  const f = udpFrame({ payload: 30 });
  for (let i = 0; i < 5; i++) s.dev.p1!.receive(f);
  s.sw.handleUpcalls();
  s.sw.revalidate();
  const st = s.br.meterStats(1)!;
  assert.equal(st.packetInCount, 5);
  assert.equal(st.byteInCount, 5 * f.length);
  // Burst defaults to the rate: one packet passes at one instant, the band drops the rest.
  assert.deepEqual(st.bands, [{ packetCount: 4, byteCount: 4 * f.length }]);
  assert.equal(s.dev.p2!.takeSent().length, 1);
});

test('a 10 pktps meter passes its burst at one instant, refills with time, and counts drops per band', () => {
  const s = makeSwitch(2, { failMode: 'secure' });
  mm(s.br, { command: OFPMC_ADD, meterId: 1, flags: OFPMF_PKTPS | OFPMF_STATS, bands: [drop(10)] });
  ofctl(s.br, 'priority=1,in_port=1,actions=meter:1,output:2');
  const f = udpFrame({ payload: 30 });
  // Install the megaflow first (the upcall's packet goes through the meter too).
  s.dev.p1!.receive(f);
  s.sw.handleUpcalls();
  assert.equal(dpFlowActions(s), 'meter(0),2');
  for (let i = 0; i < 99; i++) s.dev.p1!.receive(f);
  assert.equal(s.dev.p2!.takeSent().length, 10, 'the full bucket (burst = rate = 10 packets) passes');
  let st = s.br.meterStats(1)!;
  assert.equal(st.packetInCount, 100);
  assert.deepEqual(st.bands, [{ packetCount: 90, byteCount: 90 * f.length }]);
  // 500 ms refill 5 packets at 10 pktps.
  s.clock.advance(500);
  for (let i = 0; i < 20; i++) s.dev.p1!.receive(f);
  assert.equal(s.dev.p2!.takeSent().length, 5);
  st = s.br.meterStats(1)!;
  assert.equal(st.packetInCount, 120);
  assert.equal(st.bands[0]!.packetCount, 105);
  // Modifying the meter starts its counters (and a full bucket) over, as dpif-netdev.
  mm(s.br, { command: OFPMC_MODIFY, meterId: 1, flags: OFPMF_PKTPS | OFPMF_STATS, bands: [drop(10, 3)] });
  s.sw.handleUpcalls();
  s.sw.revalidate();
  for (let i = 0; i < 10; i++) s.dev.p1!.receive(f);
  assert.equal(s.dev.p2!.takeSent().length, 3);
  assert.deepEqual(s.br.meterStats(1)!.bands, [{ packetCount: 7, byteCount: 7 * f.length }]);
  // Deleting the meter frees its datapath meter; a new one takes datapath id 0 again.
  mm(s.br, { command: OFPMC_DELETE, meterId: 1 });
  assert.equal(s.br.backer.dpif.meterStats(0), undefined);
  mm(s.br, { command: OFPMC_ADD, meterId: 7, flags: OFPMF_KBPS, bands: [drop(1000)] });
  assert.equal(s.br.dpMeterId(7), 0);
});

function dpFlowActions(s: ReturnType<typeof makeSwitch>): string {
  const flows = s.br.backer.dpif.flowDump();
  assert.equal(flows.length, 1);
  return formatDpActions(flows[0]!.actions);
}
