/*
 * tsovs-ofctl's select-group selection methods (selection_method=, selection_method_param=,
 * fields(...)) against the real ovs-ofctl driving the real Open vSwitch: the same commands
 * must print the same and exit the same, for parse errors, switch errors, what OpenFlow 1.3
 * does with the OpenFlow 1.5 extensions (OVS 3.1 drops them when a bucket follows, refuses
 * otherwise), and dump-groups in every version. Plus the parser and printer as functions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatGroup, OFPGC, parseGroupMod } from '../../src/cli/ofctl/group-syntax.js';
import { ofctlMain } from '../../src/cli/ofctl/ofctl.js';
import { P, P_ANY, P_OF10_ANY } from '../../src/cli/ofctl/protocol.js';
import { ReferenceOvs } from '../support/reference-ovs.js';
import { startSwitch, type Fixture } from '../openflow/switch-fixture.js';

let ref: ReferenceOvs;
let f: Fixture;

before(async () => {
  ref = new ReferenceOvs('grpcli.');
  ref.start();
  ref.addDummyBridge(3, ['protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15']);
  f = await startSwitch({ ports: 3 });
});

after(async () => {
  await f?.close();
  ref?.stop();
});

interface Result {
  code: number;
  out: string;
  err: string;
}

async function tsovs(args: readonly string[]): Promise<Result> {
  const r = { out: '', err: '' };
  const code = await ofctlMain([...args], { out: (s) => (r.out += s), err: (s) => (r.err += s) }, { interactive: false });
  return { code, ...r };
}

function ovs(args: readonly string[]): Result {
  const r = ref.tryRun('ovs-ofctl', args);
  return { code: r.status, out: r.out, err: '' };
}

/** Output of either tool, comparable: program names masked, OVS's log lines dropped, stdout and stderr together. */
function norm(r: Result): string {
  return (r.out + r.err)
    .replace(/tsovs-ofctl|ovs-ofctl/g, 'PROG')
    .split('\n')
    .filter((l) => !/^20\d\d-\d\d-\d\dT[\d:.]+Z\|\d+\|/.test(l))
    .join('\n');
}

/** Runs `args` (with '@' for the switch) on both and checks they agree; returns OVS's result. */
async function same(args: readonly string[]): Promise<Result> {
  const theirs = ovs(args.map((a) => (a === '@' ? 'br0' : a)));
  const mine = await tsovs(args.map((a) => (a === '@' ? f.mgmt : a)));
  assert.equal(norm(mine), norm(theirs), args.join(' '));
  assert.equal(mine.code === 0, theirs.code === 0, `${args.join(' ')}: exit ${mine.code} vs ${theirs.code}`);
  return theirs;
}

const O15 = ['-O', 'OpenFlow15'];

describe('errors as ovs-ofctl', () => {
  const PARSE: ReadonlyArray<readonly [string, string]> = [
    ['add-group', 'group_id=1,type=select,fields(ip_src),bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method=dp_hash,fields(ip_src),bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method_param=5,bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method=hash,fields(ip_src=0.0.0.0),bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method=hash,fields(ip_src=0.0.0.0,nw_proto),bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method=hash,fields(nw_proto=0xf0),bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method=hash,fields(ip_src,ip_src),bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method=hash,fields(ip_src),fields(nw_dst,ip_src),bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method=hash,fields(foo),bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method=hash,fields(foo,ip_src),bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method=hash,fields(ip_src=1.2.3),bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method=hash,fields(eth_src=ff:ff:ff:00:00:00/ff:00:00:00:00:00),bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method=abcdefghijklmnop,bucket=output:1'],
    ['add-group', 'group_id=1,selection_method=hash,bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method_param=xyz,bucket=output:1'],
    ['add-group', 'group_id=1,type=select,selection_method=hash,selection_method_param=,bucket=output:1'],
    ['del-groups', 'group_id=1,selection_method=hash'],
    ['del-groups', 'group_id=1,selection_method_param=1'],
    ['del-groups', 'group_id=1,fields(ip_src)'],
    ['insert-buckets', 'group_id=1,command_bucket_id=last,selection_method=hash,bucket=output:1'],
    ['remove-buckets', 'group_id=1,fields=ip_src'],
  ];
  test('parse errors', async () => {
    for (const [verb, text] of PARSE) {
      const r = await same([...O15, verb, '@', text]);
      assert.notEqual(r.code, 0, text);
    }
  });

  test('the switch refuses a method on a non-select group and an unknown method (OFPBPC_BAD_VALUE)', async () => {
    for (const text of ['group_id=1,type=all,selection_method=hash,bucket=output:1', 'group_id=2,type=select,selection_method=foo,bucket=output:1']) {
      for (const v of ['OpenFlow10', 'OpenFlow15']) {
        const r = await same(['-O', v, 'add-group', '@', text]);
        assert.match(r.out, /OFPBPC_BAD_VALUE/);
      }
    }
  });
});

describe('groups with selection methods, added and dumped in every version', () => {
  const GROUPS: ReadonlyArray<readonly [string, string]> = [
    ['OpenFlow15', 'group_id=1,type=select,selection_method=hash,fields(ip_src,nw_proto),selection_method_param=7,bucket=output:1,bucket=output:2'],
    ['OpenFlow10', 'group_id=2,type=select,selection_method=dp_hash,selection_method_param=0x100000000,bucket=weight:2,output:1,bucket=output:2'],
    ['OpenFlow15', 'group_id=3,type=select,selection_method=hash,fields=ip_dst=255.255.0.0,bucket=output:3'],
    ['OpenFlow15', 'group_id=4,type=select,selection_method=hash,bucket=output:1'],
    // OpenFlow 1.3: OVS 3.1 sends the group without its properties (the bucket's actions reset what the group needs).
    ['OpenFlow13', 'group_id=5,type=select,selection_method=hash,fields(ip_src),bucket=output:1'],
    ['OpenFlow13', 'group_id=6,type=all,bucket=bucket_id:3,output:1'],
  ];
  before(async () => {
    for (const [v, text] of GROUPS) assert.equal((await same(['-O', v, 'add-group', '@', text])).code, 0, text);
    assert.equal((await same(['-O', 'OpenFlow15', '--may-create', 'mod-group', '@', 'group_id=7,type=select,selection_method=dp_hash,bucket=output:1'])).code, 0);
    // A bucket command keeps the group's properties (its bucket weighs 0: the text names no select type).
    assert.equal((await same([...O15, 'insert-buckets', '@', 'group_id=1,command_bucket_id=first,bucket=bucket_id:9,output:3'])).code, 0);
  });

  for (const v of ['OpenFlow10', 'OpenFlow13', 'OpenFlow15']) {
    test(`dump-groups ${v}`, async () => {
      // OpenFlow 1.1-1.4 requests cannot name a group (and OVS lists groups in hash order).
      if (v !== 'OpenFlow13') {
        for (let id = 1; id <= 7; id++) assert.equal((await same(['-O', v, 'dump-groups', '@', String(id)])).code, 0);
      }
      const all = ovs(['-O', v, 'dump-groups', 'br0']).out.trim().split('\n').slice(1).sort();
      const mine = (await tsovs(['-O', v, 'dump-groups', f.mgmt])).out.trim().split('\n').slice(1).sort();
      assert.deepEqual(mine, all);
      assert.equal(all.length, 7);
      if (v === 'OpenFlow13') assert.ok(!all.some((l) => l.includes('selection_method')));
      else {
        const g1 = ' group_id=1,type=select,selection_method=hash,selection_method_param=7,fields(ip_src,nw_proto),bucket=bucket_id:9,weight:0,actions=output:3,bucket=bucket_id:0,actions=output:1,bucket=bucket_id:1,actions=output:2';
        assert.ok(all.includes(g1), all.join('\n'));
        assert.ok(all.some((l) => l.startsWith(' group_id=5,type=select,bucket=')), 'OpenFlow 1.3 dropped group 5\'s method');
      }
    });
  }

  test('OpenFlow 1.3 without a bucket to reset the protocols: refused before connecting, as OVS', async () => {
    const r = await same(['-O', 'OpenFlow13', 'add-group', '@', 'group_id=8,type=select,selection_method=hash']);
    assert.match(r.out, /none of the usable flow formats \(OpenFlow10,NXM,OXM-OpenFlow15\) is among the allowed flow formats \(OXM-OpenFlow13\)/);
    await same(['-O', 'OpenFlow13', 'remove-buckets', '@', 'group_id=1,command_bucket_id=1']);
  });

  test('in a bundle (OpenFlow 1.5): the properties arrive', async () => {
    assert.equal((await same(['--bundle', ...O15, 'add-group', '@', 'group_id=9,type=select,selection_method=hash,fields(ip_src,tcp_dst),bucket=output:1'])).code, 0);
    const r = await same([...O15, 'dump-groups', '@', '9']);
    assert.match(r.out, /group_id=9,type=select,selection_method=hash,fields\(ip_src,tcp_dst\),bucket=bucket_id:0,actions=output:1/);
  });

  test('OpenFlow 1.3 bucket commands: "needs OpenFlow 1.5", as OVS', async () => {
    const r = await same(['-O', 'OpenFlow13', 'insert-buckets', '@', 'group_id=1,command_bucket_id=last,bucket=output:2']);
    assert.match(r.out, /insert-bucket needs OpenFlow 1.5 or later \('-O OpenFlow15'\)/);
  });
});

test('parseGroupMod: properties, usable protocols, and formatGroup back', () => {
  const g = parseGroupMod('group_id=9,type=select,selection_method=hash,fields(tcp_dst,ip_dst=255.255.255.0),selection_method_param=0x10', OFPGC.ADD);
  assert.ok(g.ok);
  assert.equal(g.value.usable, P_OF10_ANY | P.OF15_OXM);
  const p = g.value.msg.props!;
  assert.deepEqual([p.selectionMethod, p.selectionMethodParam, p.fields.map((x) => x.field.name)], ['hash', 16n, ['ip_dst', 'tcp_dst']]);
  assert.equal(formatGroup(9, 1, null, 6, false, {}, p), 'group_id=9,type=select,selection_method=hash,selection_method_param=16,fields(ip_dst=255.255.255.0,tcp_dst)');
  // A bucket starts the usable protocols over (OVS 3.1).
  const b = parseGroupMod('group_id=9,type=select,selection_method=hash,bucket=bucket_id:1,output:1', OFPGC.ADD);
  assert.ok(b.ok && b.value.usable === P_ANY);
  const dp = parseGroupMod('group_id=9,type=select,selection_method=dp_hash,selection_method_param=18446744073709551615', OFPGC.ADD);
  assert.ok(dp.ok);
  assert.equal(formatGroup(9, 1, [], 6, false, {}, dp.value.msg.props), 'group_id=9,type=select,selection_method=dp_hash,selection_method_param=18446744073709551615');
  const none = parseGroupMod('group_id=9,type=select', OFPGC.ADD);
  assert.ok(none.ok && none.value.msg.props === undefined);
});
