/*
 * ovs-ofctl against tsovs and against the real Open vSwitch (Debian's, in a private
 * sandbox), with the same commands: the outputs must be the same text once the values that
 * legitimately differ (durations, ages, xids, MAC addresses, buffer counts) are masked.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ReferenceOvs } from '../support/reference-ovs.js';
import { normalizeDump, ofctlOk, startSwitch, type Fixture } from './switch-fixture.js';

let f: Fixture;
let ref: ReferenceOvs;
let flowsFile: string;

const FLOWS = [
  'priority=100,in_port=1,dl_dst=aa:55:aa:55:00:02,actions=output:2',
  'cookie=0x12,priority=50,ip,nw_dst=10.0.0.0/24,actions=mod_nw_tos:16,output:3',
  'table=1,priority=10,tcp,tp_dst=80,actions=drop',
  'idle_timeout=60,hard_timeout=120,priority=30,arp,arp_tpa=10.0.0.9,actions=NORMAL',
  'priority=20,dl_vlan=10,actions=strip_vlan,resubmit(,1)',
  'priority=5,udp,nw_src=192.168.0.0/16,tp_src=53,actions=load:0x5->NXM_NX_REG0[],output:1',
  'table=2,priority=1,actions=CONTROLLER:64',
  'send_flow_rem,priority=7,icmp,icmp_type=8,actions=output:2,output:3',
];

function ofctlRef(args: readonly string[]): string {
  return ref.run('ovs-ofctl', args);
}

function norm(s: string): string[] {
  return normalizeDump(s)
    .replace(/addr:[0-9a-f:]{17}/g, 'addr:?')
    .replace(/n_buffers:\d+/g, 'n_buffers:?')
    .replace(/duration=[0-9.]+s/g, 'duration=?')
    .trim()
    .split('\n')
    .filter((l) => !/fatal_signal/.test(l));
}

/** Flow lines compared as a set (the dump order of rules with equal priority is not specified). */
function sortedFlows(s: string): string[] {
  const l = norm(s);
  return [l[0]!, ...l.slice(1).sort()];
}

before(async () => {
  ref = new ReferenceOvs('h14ref.');
  ref.start();
  ref.addDummyBridge(3, ['other-config:datapath-id=0000aa55aa550000']);
  f = await startSwitch();
  flowsFile = join(f.dir, 'flows.txt');
  writeFileSync(flowsFile, FLOWS.join('\n') + '\n');
  ofctlRef(['add-flows', 'br0', flowsFile]);
  await ofctlOk(['add-flows', f.mgmt, flowsFile]);
});

after(async () => {
  await f?.close();
  ref?.stop();
});

for (const v of [[], ['-O', 'OpenFlow13'], ['-O', 'OpenFlow15']]) {
  const name = v.length ? v[1] : 'default protocols';
  test(`dump-flows matches Open vSwitch (${name})`, async () => {
    const mine = sortedFlows(await ofctlOk([...v, 'dump-flows', f.mgmt]));
    const theirs = sortedFlows(ofctlRef([...v, 'dump-flows', 'br0']));
    assert.deepEqual(mine, theirs);
  });
}

test('filtered dump-flows, dump-aggregate and --names match Open vSwitch', async () => {
  for (const args of [
    ['dump-flows', 'table=1'],
    ['dump-flows', 'ip'],
    ['dump-flows', 'cookie=0x12/-1'],
    ['dump-aggregate'],
    ['-O', 'OpenFlow13', 'dump-aggregate', 'table=0'],
    ['--names', 'dump-flows'],
  ]) {
    const at = args.indexOf('dump-flows') >= 0 ? args.indexOf('dump-flows') : args.indexOf('dump-aggregate');
    const a = [...args];
    a.splice(at + 1, 0, f.mgmt);
    const b = [...args];
    b.splice(at + 1, 0, 'br0');
    assert.deepEqual(sortedFlows(await ofctlOk(a)), sortedFlows(ofctlRef(b)), args.join(' '));
  }
});

test('show, dump-ports-desc and dump-tables match Open vSwitch (addresses masked)', async () => {
  for (const args of [['show'], ['-O', 'OpenFlow13', 'show'], ['dump-ports-desc'], ['-O', 'OpenFlow15', 'dump-ports-desc']]) {
    assert.deepEqual(norm(await ofctlOk([...args, f.mgmt])), norm(ofctlRef([...args, 'br0'])), args.join(' '));
  }
  const mineTables = norm(await ofctlOk(['-O', 'OpenFlow13', 'dump-tables', f.mgmt]));
  const refTables = norm(ofctlRef(['-O', 'OpenFlow13', 'dump-tables', 'br0']));
  assert.deepEqual(mineTables, refTables);
});

test('groups and meters read back as Open vSwitch prints them', async () => {
  const cmds: string[][] = [
    ['-O', 'OpenFlow13', 'add-group', '@', 'group_id=1,type=all,bucket=output:1,bucket=output:2'],
    ['-O', 'OpenFlow13', 'add-group', '@', 'group_id=2,type=select,bucket=weight:5,output:1,bucket=weight:7,output:3'],
    ['-O', 'OpenFlow13', 'add-group', '@', 'group_id=3,type=ff,bucket=watch_port:1,output:1,bucket=watch_port:2,output:2'],
    ['-O', 'OpenFlow13', 'add-meter', '@', 'meter=1,pktps,burst,band=type=drop,rate=100,burst_size=10'],
  ];
  for (const c of cmds) {
    await ofctlOk(c.map((x) => (x === '@' ? f.mgmt : x)));
    ofctlRef(c.map((x) => (x === '@' ? 'br0' : x)));
  }
  for (const args of [['-O', 'OpenFlow13', 'dump-groups'], ['-O', 'OpenFlow15', 'dump-groups'], ['dump-groups'], ['-O', 'OpenFlow13', 'dump-meters']]) {
    assert.deepEqual(sortedFlows(await ofctlOk([...args, f.mgmt])), sortedFlows(ofctlRef([...args, 'br0'])), args.join(' '));
  }
});
