/*
 * Select-group selection methods on the wire against the real Open vSwitch (Debian's 3.1):
 * the group-mods that ovs-ofctl and tsovs-ofctl send for the same text (recorded by a
 * proxy in front of the switch) must be the same bytes, in OpenFlow 1.0 (NXT_GROUP_MOD) and
 * 1.5; tsovs decodes them to the same properties; the group descriptions that tsovs and OVS
 * send back for the same groups must be the same bytes, and dump-groups prints the same in
 * 1.0, 1.3 and 1.5.
 */
import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ofctlMain } from '../../src/cli/ofctl/ofctl.js';
import { decodeMessage, isDecodeError, OfType } from '../../src/openflow/codec/index.js';
import { ReferenceOvs } from '../support/reference-ovs.js';
import { ofctl, startSwitch, type Fixture } from './switch-fixture.js';

let f: Fixture;
let ref: ReferenceOvs;

before(async () => {
  ref = new ReferenceOvs('grpsel.');
  ref.start();
  ref.addDummyBridge(3, ['protocols=OpenFlow10,OpenFlow13,OpenFlow15']);
  f = await startSwitch({ ports: 3 });
});

after(async () => {
  await f?.close();
  ref?.stop();
});

/** The OpenFlow messages each way through a proxy on a unix socket in front of `upstream`. */
interface Recording {
  toSwitch: Uint8Array[];
  toClient: Uint8Array[];
}

function splitMessages(chunks: readonly Buffer[]): Uint8Array[] {
  const all = Buffer.concat(chunks);
  const out: Uint8Array[] = [];
  for (let p = 0; p + 8 <= all.length;) {
    const len = all.readUInt16BE(p + 2);
    if (len < 8) break;
    out.push(new Uint8Array(all.subarray(p, p + len)));
    p += len;
  }
  return out;
}

let proxies = 0;

/** Runs `run(target)` with target = a recording proxy to the unix socket `upstream`. */
async function recorded(upstream: string, run: (target: string) => Promise<void>): Promise<Recording> {
  const path = join(f.dir, `proxy${proxies++}.sock`);
  const up: Buffer[] = [];
  const down: Buffer[] = [];
  const server: Server = createServer((client) => {
    const sw = connect(upstream);
    client.on('data', (d: Buffer) => {
      up.push(d);
      sw.write(d);
    });
    sw.on('data', (d: Buffer) => {
      down.push(d);
      client.write(d);
    });
    client.on('close', () => sw.destroy());
    sw.on('close', () => client.destroy());
    client.on('error', () => sw.destroy());
    sw.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  try {
    await run(`unix:${path}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return { toSwitch: splitMessages(up), toClient: splitMessages(down) };
}

async function ovsOfctlOk(args: string[]): Promise<string> {
  const r = await ofctl(args);
  assert.equal(r.code, 0, `ovs-ofctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function tsovsOfctlOk(args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await ofctlMain(args, { out: (s) => (out += s), err: (s) => (err += s) }, { interactive: false });
  assert.equal(code, 0, `tsovs-ofctl ${args.join(' ')}: ${err}`);
  return out;
}

function isGroupMod(m: Uint8Array): boolean {
  if (m[0] === 1) return m[1] === 4 && m.length >= 16 && m[11] === 0x20 && m[15] === 31; // NXT_GROUP_MOD
  return m[1] === 15;
}

function isGroupDescReply(m: Uint8Array): boolean {
  if (m[0] === 1) return m[1] === 17 && m[19] === 8; // NXST_GROUP_DESC reply
  return m[1] === 19 && m[9] === 7;
}

/** The message without its xid. */
function noXid(m: Uint8Array): string {
  return Buffer.from(m.subarray(0, 4)).toString('hex') + '........' + Buffer.from(m.subarray(8)).toString('hex');
}

const GROUPS: ReadonlyArray<readonly [number, string]> = [
  [1, 'type=select,selection_method=hash,fields(ip_src,nw_proto),selection_method_param=7,bucket=output:1,bucket=output:2'],
  [2, 'type=select,selection_method=dp_hash,selection_method_param=0x100000005,bucket=weight:3,output:1,bucket=output:2'],
  [3, 'type=select,selection_method=hash,fields(ip_dst=255.255.255.0,tcp_src,eth_dst=ff:ff:ff:00:00:00),bucket=bucket_id:7,output:3'],
  [4, 'type=select,selection_method=hash,bucket=output:1'],
  [5, 'type=select,selection_method=hash,fields=ipv6_src=ffff:ffff::,bucket=output:2'],
  [6, 'type=select,selection_method=hash,fields(in_port,reg0=0xff00,tcp_flags,vlan_tci=0x0fff,udp_dst=0xff),bucket=output:2'],
  [7, 'type=select,bucket=output:1,bucket=output:3'],
];

const VERSIONS: ReadonlyArray<readonly [string, number]> = [['OpenFlow10', 0], ['OpenFlow15', 100]];

describe('group-mods with selection methods: ovs-ofctl and tsovs-ofctl send the same bytes', () => {
  for (const [proto, base] of VERSIONS) {
    test(`${proto}: NXT_GROUP_MOD / OFPT_GROUP_MOD bytes, decoded properties`, async () => {
      for (const [id, spec] of GROUPS) {
        const text = `group_id=${base + id},${spec}`;
        const theirs = await recorded(join(f.dir, 'br0.mgmt'), (t) => ovsOfctlOk(['-O', proto, 'add-group', t, text]).then(() => undefined));
        const mine = await recorded(join(f.dir, 'br0.mgmt'), (t) => tsovsOfctlOk(['-O', proto, 'mod-group', t, text]).then(() => undefined));
        const a = theirs.toSwitch.filter(isGroupMod);
        const b = mine.toSwitch.filter(isGroupMod);
        assert.equal(a.length, 1, text);
        assert.equal(b.length, 1, text);
        // Same bytes but the command (add vs modify) and the xid.
        const cmdAt = a[0]![0] === 1 ? 16 : 8;
        const bm = Uint8Array.from(b[0]!);
        bm[cmdAt + 1] = a[0]![cmdAt + 1]!;
        assert.equal(noXid(bm), noXid(a[0]!), text);
        const d = decodeMessage(a[0]!);
        assert.ok(!isDecodeError(d) && d.type === OfType.GROUP_MOD, text);
        const selection = /selection_method=(\w+)/.exec(spec)?.[1] ?? '';
        assert.equal(d.props?.selectionMethod ?? '', selection, text);
      }
    });
  }
});

describe('group descriptions: tsovs answers with the bytes OVS sends', () => {
  before(async () => {
    for (const [proto, base] of VERSIONS) {
      for (const [id, spec] of GROUPS) ref.run('ovs-ofctl', ['-O', proto, 'add-group', 'br0', `group_id=${base + id},${spec}`]);
    }
  });

  for (const [proto, base] of VERSIONS) {
    test(`${proto}: one group at a time`, async () => {
      for (const [id] of GROUPS) {
        const args = (t: string): string[] => ['-O', proto, 'dump-groups', t, String(base + id)];
        let theirsText = '';
        let mineText = '';
        const theirs = await recorded(join(ref.dir, 'br0.mgmt'), async (t) => void (theirsText = await ovsOfctlOk(args(t))));
        const mine = await recorded(join(f.dir, 'br0.mgmt'), async (t) => void (mineText = await ovsOfctlOk(args(t))));
        const a = theirs.toClient.filter(isGroupDescReply);
        const b = mine.toClient.filter(isGroupDescReply);
        assert.equal(a.length, 1, `group ${base + id}`);
        assert.deepEqual(b.map(noXid), a.map(noXid), `group ${base + id}`);
        assert.equal(mineText, theirsText);
        assert.equal(await tsovsOfctlOk(args(`unix:${join(f.dir, 'br0.mgmt')}`)), theirsText);
      }
    });
  }

  test('OpenFlow 1.3 has no room for the properties: the groups print without them', async () => {
    const lines = (s: string): string[] => s.trim().split('\n').slice(1).sort();
    const theirs = lines(ref.run('ovs-ofctl', ['-O', 'OpenFlow13', 'dump-groups', 'br0']));
    assert.equal(theirs.length, GROUPS.length * 2);
    assert.ok(!theirs.some((l) => l.includes('selection_method')));
    assert.deepEqual(lines(await ovsOfctlOk(['-O', 'OpenFlow13', 'dump-groups', f.mgmt])), theirs);
    assert.deepEqual(lines(await tsovsOfctlOk(['-O', 'OpenFlow13', 'dump-groups', f.mgmt])), theirs);
  });
});
