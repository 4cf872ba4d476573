/*
 * Group and bucket counters against the real Open vSwitch (Debian's, dummy datapath): the
 * same groups, flows and packets on both, then `ovs-ofctl dump-group-stats` must print the
 * same counters. Covers select by hash fields (selection_method=hash, whole and masked
 * fields, with a basis) and by dp_hash with recirculation (OVS's default and an explicit
 * selection_method=dp_hash with an algorithm and basis), fast failover before and after its
 * ports go down, all (from an action set), indirect, and a group run from inside another
 * group's bucket. The groups with selection methods reach tsovs through tsovs-ofctl in
 * OpenFlow 1.5 and 1.0 (NXT_GROUP_MOD), end to end.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ofctlMain } from '../../src/cli/ofctl/ofctl.js';
import { udpFrame } from '../../src/packet/build.js';
import { ReferenceOvs } from '../support/reference-ovs.js';
import { mac, ofctlOk, startSwitch, type Fixture } from './switch-fixture.js';

let f: Fixture;
let ref: ReferenceOvs;

/** Groups both switches get through ovs-ofctl (OpenFlow 1.3). */
const GROUPS = [
  'group_id=2,type=ff,bucket=watch_port:2,actions=output:2,bucket=watch_port:3,actions=output:3',
  'group_id=3,type=select,bucket=weight:1,actions=output:2,bucket=weight:1,actions=output:3,bucket=weight:2,actions=output:4',
  'group_id=4,type=all,bucket=actions=output:2,bucket=actions=output:3',
  'group_id=5,type=indirect,bucket=actions=group:4',
];
/** Groups with selection methods (OpenFlow 1.0 or 1.5 only): both switches get them from their own ovs-ofctl. */
const METHOD_GROUPS: ReadonlyArray<readonly [string, string]> = [
  ['OpenFlow15', 'group_id=1,type=select,selection_method=hash,fields(ip_src),bucket=bucket_id:0,weight:1,actions=output:2,bucket=bucket_id:1,weight:1,actions=output:3,bucket=bucket_id:2,weight:1,actions=output:4'],
  ['OpenFlow10', 'group_id=6,type=select,selection_method=hash,fields(ip_src=0.0.0.6,udp_src),selection_method_param=3,bucket=output:2,bucket=output:3,bucket=weight:2,output:4'],
  ['OpenFlow15', 'group_id=7,type=select,selection_method=dp_hash,selection_method_param=0x100000007,bucket=output:2,bucket=output:3,bucket=output:4'],
];

const FLOWS = [
  'priority=10,udp,in_port=1,tp_dst=1,actions=group:1',
  'priority=10,udp,in_port=1,tp_dst=2,actions=group:2',
  'priority=10,udp,in_port=1,tp_dst=3,actions=group:3',
  'priority=10,udp,in_port=1,tp_dst=4,actions=write_actions(group:4)',
  'priority=10,udp,in_port=1,tp_dst=5,actions=group:5',
  'priority=10,udp,in_port=1,tp_dst=6,actions=group:6',
  'priority=10,udp,in_port=1,tp_dst=7,actions=group:7',
];

/** tsovs-ofctl in this process (the switch answers from here too). */
async function tsovsOfctl(args: string[]): Promise<void> {
  let err = '';
  const code = await ofctlMain(args, { out: () => undefined, err: (s) => (err += s) }, { interactive: false });
  assert.equal(code, 0, `tsovs-ofctl ${args.join(' ')}: ${err}`);
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The same packet into both switches' p1. */
async function inject(frame: Uint8Array): Promise<void> {
  ref.run('ovs-appctl', ['netdev-dummy/receive', 'p1', hex(frame)]);
  f.dev.p1!.receive(frame);
  await tick();
}

/** Flows to group `g`'s rule: 8 source addresses, 1 to 3 packets each. */
async function traffic(g: number, seed: number): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const frame = udpFrame({ ethSrc: mac(1), ethDst: mac(9), ipSrc: `10.${seed}.1.${i + 1}`, ipDst: '10.0.2.1', sport: 1000 + i, dport: g, payload: i });
    for (let k = 0; k <= i % 3; k++) await inject(frame);
  }
}

/** A revalidator pass on both (stats pushed, flows re-translated after a change). */
function revalidate(): void {
  ref.run('ovs-appctl', ['revalidator/wait']);
  f.ofproto.revalidate();
}

/** dump-group-stats lines without durations. */
function groupStats(s: string): string[] {
  return s
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.replace(/duration=[0-9.]+s,/, ''))
    .sort();
}

before(async () => {
  ref = new ReferenceOvs('grpref.');
  ref.start();
  ref.addDummyBridge(4, ['protocols=OpenFlow10,OpenFlow13,OpenFlow15']);
  f = await startSwitch({ ports: 4 });
  for (const [v, g] of METHOD_GROUPS) {
    ref.run('ovs-ofctl', ['-O', v, 'add-group', 'br0', g]);
    await tsovsOfctl(['-O', v, 'add-group', f.mgmt, g]);
  }
  for (const g of GROUPS) {
    ref.run('ovs-ofctl', ['-O', 'OpenFlow13', 'add-group', 'br0', g]);
    await ofctlOk(['-O', 'OpenFlow13', 'add-group', f.mgmt, g]);
  }
  for (const fl of FLOWS) {
    ref.run('ovs-ofctl', ['-O', 'OpenFlow13', 'add-flow', 'br0', fl]);
    await ofctlOk(['-O', 'OpenFlow13', 'add-flow', f.mgmt, fl]);
  }
});

after(async () => {
  await f?.close();
  ref?.stop();
});

test('dump-group-stats after the same traffic equals Open vSwitch (group and bucket counters)', async () => {
  for (let g = 1; g <= 7; g++) await traffic(g, 0);
  revalidate();
  // The fast-failover group's first port goes down: its flows move to bucket 1.
  ref.run('ovs-ofctl', ['mod-port', 'br0', 'p2', 'down']);
  await ofctlOk(['mod-port', f.mgmt, 'p2', 'down']);
  revalidate();
  await traffic(2, 1);
  revalidate();
  // Both down: no live bucket, and then neither the group nor a bucket counts (the rule does).
  ref.run('ovs-ofctl', ['mod-port', 'br0', 'p3', 'down']);
  await ofctlOk(['mod-port', f.mgmt, 'p3', 'down']);
  revalidate();
  await traffic(2, 2);
  revalidate();
  // Final stats of every flow, as OVS's group stats tests do.
  ref.run('ovs-appctl', ['revalidator/purge']);
  f.ofproto.backer('dummy')!.revalidator.purge();
  const theirs = groupStats(ref.run('ovs-ofctl', ['-O', 'OpenFlow13', 'dump-group-stats', 'br0']));
  const mine = groupStats(await ofctlOk(['-O', 'OpenFlow13', 'dump-group-stats', f.mgmt]));
  assert.equal(mine.length, 7);
  assert.deepEqual(mine, theirs);
  for (const d of [await ofctlOk(['-O', 'OpenFlow13', 'dump-flows', f.mgmt, 'udp,tp_dst=2']), ref.run('ovs-ofctl', ['-O', 'OpenFlow13', 'dump-flows', 'br0', 'udp,tp_dst=2'])]) {
    assert.match(d.trim().split('\n')[1]!, /n_packets=45,/, 'the rule counts the packets no bucket took');
  }
  assert.match(mine.find((l) => l.startsWith(' group_id=2,'))!, /packet_count=30,/);
  // Not all in one bucket: the select groups spread the flows.
  for (const id of [1, 3, 6, 7]) {
    const line = mine.find((l) => l.startsWith(` group_id=${id},`))!;
    const used = [...line.matchAll(/bucket\d:packet_count=(\d+)/g)].filter((m) => m[1] !== '0').length;
    assert.ok(used >= 2, line);
  }
});

test('dump-groups prints the selection methods as Open vSwitch does', async () => {
  const lines = (s: string): string[] => s.trim().split('\n').slice(1).sort();
  for (const v of ['OpenFlow10', 'OpenFlow15']) {
    const theirs = lines(ref.run('ovs-ofctl', ['-O', v, 'dump-groups', 'br0']));
    assert.deepEqual(lines(await ofctlOk(['-O', v, 'dump-groups', f.mgmt])), theirs);
    assert.ok(theirs.some((l) => l.startsWith(' group_id=6,type=select,selection_method=hash,selection_method_param=3,fields(ip_src=0.0.0.6,udp_src),')), theirs.join('\n'));
  }
});
