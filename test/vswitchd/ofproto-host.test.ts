/*
 * The daemon with the real bridge layer (ofproto-host.ts, dummy ports): bridges and ports
 * follow the configuration, ofport_request and results land in the store, VLAN changes apply
 * in place, type/option changes re-add a port, fail_mode controls the NORMAL rule, a frame
 * received on one port floods out of the other, bad interfaces report an error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Daemon } from '../../src/vswitchd/daemon.js';
import { Vlog } from '../../src/vswitchd/vlog.js';
import { OfprotoHost, ofprotoHostFactory, type DummyMode } from '../../src/vswitchd/ofproto-host.js';
import type { BridgeHostFactory } from '../../src/vswitchd/bridge-host.js';
import { DummyNetdev } from '../../src/netdev/dummy.js';
import { getVlanLimit, setVlanLimit } from '../../src/flow/extract.js';
import { vsctlMain } from '../../src/cli/vsctl/vsctl.js';

async function start(dummy: DummyMode): Promise<{ d: Daemon; host: () => OfprotoHost; logs: string[] }> {
  const rundir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-oh-'));
  const logs: string[] = [];
  let host: OfprotoHost | null = null;
  const inner = ofprotoHostFactory({ dummy });
  const factory: BridgeHostFactory = async (s) => (host = (await inner(s)) as OfprotoHost);
  const d = await Daemon.start({ rundir, vlog: new Vlog({ console: (l) => logs.push(l) }), bridgeHost: factory });
  return { d, host: () => host!, logs };
}

async function vs(d: Daemon, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = { out: '', err: '' };
  const code = await vsctlMain([`--db=unix:${d.socketPath}`, ...args], { out: (s) => (r.out += s), err: (s) => (r.err += s) });
  return { code, ...r };
}

test('bridges and ports follow the configuration', async () => {
  const { d, host, logs } = await start('override');
  try {
    assert.equal((await vs(d, 'add-br', 'br0', '--', 'add-port', 'br0', 'p1', '--', 'set', 'Interface', 'p1', 'ofport_request=7', '--', 'add-port', 'br0', 'p2', 'tag=10')).code, 0);
    const br = host().ofproto.bridge('br0')!;
    assert.deepEqual(br.portsList.map((p) => [p.name, p.ofPort]), [['p2', 1], ['p1', 7], ['br0', 65534]]);
    assert.equal(br.portByName('p2')!.tag, 10);
    assert.equal((await vs(d, 'get', 'Interface', 'p1', 'ofport')).out, '7\n');
    assert.equal((await vs(d, 'get', 'Interface', 'br0', 'ofport', 'admin_state', 'link_state')).out, '65534\nup\nup\n');
    assert.match((await vs(d, 'get', 'Interface', 'br0', 'mac_in_use')).out, /^"([0-9a-f]{2}:){5}[0-9a-f]{2}"\n$/);
    assert.match((await vs(d, 'get', 'Bridge', 'br0', 'datapath_id')).out, /^"[0-9a-f]{16}"\n$/);
    assert.ok(logs.some((l) => l.endsWith('|bridge|INFO|bridge br0: added interface p1 on port 7\n')), logs.join(''));

    // VLAN settings change in place: same port object.
    const p2 = br.portByName('p2');
    await vs(d, 'set', 'Port', 'p2', 'tag=20', 'trunks=[]', 'vlan_mode=access');
    assert.equal(br.portByName('p2'), p2);
    assert.equal(p2!.tag, 20);
    assert.equal(p2!.vlanMode, 'access');
    // A new ofport_request re-adds the port under the new number.
    await vs(d, 'set', 'Interface', 'p2', 'ofport_request=3');
    assert.equal(br.portByName('p2')!.ofPort, 3);
    assert.equal((await vs(d, 'get', 'Interface', 'p2', 'ofport')).out, '3\n');

    // Bridge settings.
    await vs(d, 'set', 'Bridge', 'br0', 'other_config:datapath-id=0000000000000abc', 'other_config:hwaddr=02:00:00:00:00:09');
    assert.equal(br.datapathId, 0xabcn);
    assert.equal(br.hwaddr, 0x020000000009);
    assert.equal((await vs(d, 'get', 'Bridge', 'br0', 'datapath_id')).out, '"0000000000000abc"\n');

    await vs(d, 'del-port', 'p1');
    assert.equal(br.portByName('p1'), undefined);
    // A port moves to another bridge in one transaction.
    await vs(d, 'add-br', 'br1', '--', 'del-port', 'p2', '--', 'add-port', 'br1', 'p2');
    assert.equal(br.portByName('p2'), undefined);
    assert.ok(host().ofproto.bridge('br1')!.portByName('p2'));
    await vs(d, 'del-br', 'br0');
    assert.equal(host().ofproto.bridge('br0'), undefined);
    assert.deepEqual(host().ofproto.bridges().map((b) => b.name), ['br1']);
  } finally {
    await d.stop();
  }
  assert.deepEqual(host().ofproto.bridges(), []);
});

test('protocols OpenFlow11/12, which tsovs does not speak, are reported once per change', async () => {
  const { d, logs } = await start('override');
  const warnings = (): string[] => logs.filter((l) => l.includes('|bridge|WARN|bridge br0: tsovs does not speak'));
  try {
    assert.equal((await vs(d, 'add-br', 'br0', '--', 'set', 'bridge', 'br0', 'protocols=OpenFlow11,OpenFlow13')).code, 0);
    await vs(d, 'add-port', 'br0', 'p1');
    assert.deepEqual(warnings().map((l) => l.replace(/^.*WARN\|/, '')), ['bridge br0: tsovs does not speak OpenFlow11 (only OpenFlow10, OpenFlow13-15)\n']);
    await vs(d, 'set', 'bridge', 'br0', 'protocols=OpenFlow12');
    assert.equal(warnings().at(-1)!.replace(/^.*WARN\|/, ''), 'bridge br0: tsovs does not speak OpenFlow12 (only OpenFlow10, OpenFlow13-15); allowing all it speaks\n');
    assert.equal(warnings().length, 2);
  } finally {
    await d.stop();
  }
});

test('fail_mode: standalone has the NORMAL rule, secure has none; frames flood between ports', async () => {
  const { d, host } = await start('override');
  try {
    await vs(d, 'add-br', 'br0', '--', 'add-port', 'br0', 'p1', '--', 'add-port', 'br0', 'p2');
    const br = host().ofproto.bridge('br0')!;
    const rules = (): number => {
      const r = br.flows();
      assert.ok(r.ok);
      return r.value.length;
    };
    assert.equal(rules(), 1);
    const frame = new Uint8Array(60);
    frame.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0xb5]);
    const p1 = br.portByName('p1')!.netdev as DummyNetdev;
    const p2 = br.portByName('p2')!.netdev as DummyNetdev;
    p1.receive(frame);
    host().ofproto.handleUpcalls();
    const out = p2.takeSent();
    assert.equal(out.length, 1);
    assert.deepEqual(out[0], frame);

    await vs(d, 'set-fail-mode', 'br0', 'secure');
    assert.equal(rules(), 0);
    // The revalidator fixes the flooding megaflow the datapath still caches.
    host().ofproto.revalidate();
    p1.receive(frame);
    host().ofproto.handleUpcalls();
    assert.equal(p2.takeSent().length, 0);
    await vs(d, 'del-fail-mode', 'br0');
    assert.equal(rules(), 1);

    // Link state changes reach the Interface table without a configuration change.
    p2.setUp(false);
    host().ofproto.run();
    for (const end = Date.now() + 10000; Date.now() < end && (await vs(d, 'get', 'Interface', 'p2', 'link_state')).out !== 'down\n'; ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal((await vs(d, 'get', 'Interface', 'p2', 'link_state', 'admin_state')).out, 'down\nup\n');
  } finally {
    await d.stop();
  }
});

test('an interface that cannot be opened gets an error and ofport -1', async () => {
  const { d, host } = await start(null);
  try {
    await vs(d, 'add-br', 'br0');
    const r = await vs(d, 'add-port', 'br0', 'x1', '--', 'set', 'Interface', 'x1', 'type=nosuchtype');
    assert.equal(r.code, 65);
    assert.match(r.err, /^tsovs-vsctl: Error detected while setting up 'x1': .*unknown interface type 'nosuchtype'.*\.  See tsovs-vswitchd log for details\.\ntsovs-vsctl: The default log directory is ".*"\.\n$/);
    assert.equal((await vs(d, 'get', 'Interface', 'x1', 'ofport')).out, '-1\n');
    assert.equal(host().ofproto.bridge('br0')!.portByName('x1'), undefined);
    // Fixing the type brings it up.
    assert.equal((await vs(d, 'set', 'Interface', 'x1', 'type=dummy')).code, 0);
    assert.equal((await vs(d, 'get', 'Interface', 'x1', 'ofport', 'error')).out, '1\n[]\n');
  } finally {
    await d.stop();
  }
});

test('appctl: fdb/show, fdb/flush, dpif/show, dpctl/show, dpctl/dump-flows, revalidator/purge', async () => {
  const { d, host } = await start('override');
  const app = async (method: string, ...params: string[]): Promise<{ result: string | null; error: string | null }> => {
    const { unixctlTransact } = await import('../../src/vswitchd/unixctl.js');
    return unixctlTransact(d.socketPath, method, params);
  };
  try {
    await vs(d, 'add-br', 'br0', '--', 'add-port', 'br0', 'p1', '--', 'add-port', 'br0', 'p2');
    const br = host().ofproto.bridge('br0')!;
    const frame = new Uint8Array(60);
    frame.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0xb5]);
    (br.portByName('p1')!.netdev as DummyNetdev).receive(frame);
    host().ofproto.handleUpcalls();

    const fdb = (await app('fdb/show', 'br0')).result!;
    assert.match(fdb, /^ port {2}VLAN {2}MAC {16}Age\n/);
    assert.match(fdb, /\n +p1 +0 {2}00:00:00:00:00:01 +\d+\n/);
    assert.equal((await app('fdb/show', 'br9')).error, 'no such bridge');
    assert.equal((await app('fdb/flush', 'br0')).result, 'table successfully flushed\n');
    assert.doesNotMatch((await app('fdb/show', 'br0')).result!, /00:00:00:00:00:01/);

    const dpif = (await app('dpif/show')).result!;
    assert.match(dpif, /^\S+@\S+: hit:\d+ missed:1\n {2}br0:\n/);
    assert.match(dpif, /\n {4}p1 1\/\d+: \(dummy\)\n/);
    assert.match((await app('dpctl/show')).result!, /\n {2}flows: 1\n/);
    const flows = (await app('dpctl/dump-flows')).result!;
    assert.match(flows, /^flow-dump from the main thread:\n.*eth_type\(0x88b5\).*packets:0, bytes:0, used:never, actions:/s);
    assert.match((await app('dpctl/dump-flows', '-m')).result!, /ufid:/);
    assert.equal((await app('dpctl/dump-flows', 'nosuch')).error, 'datapath not found (Invalid argument)');
    assert.equal((await app('revalidator/purge')).result, '');
    assert.equal((await app('dpctl/dump-flows')).result, 'flow-dump from the main thread:\n');
  } finally {
    await d.stop();
  }
});

test('other_config:vlan-limit sets how many VLAN headers extraction parses (OVS default 1)', async () => {
  const { d } = await start('override');
  try {
    assert.equal(getVlanLimit(), 1);
    assert.equal((await vs(d, 'set', 'Open_vSwitch', '.', 'other_config:vlan-limit=2')).code, 0);
    assert.equal(getVlanLimit(), 2);
    assert.equal((await vs(d, 'set', 'Open_vSwitch', '.', 'other_config:vlan-limit=0')).code, 0);
    assert.equal(getVlanLimit(), 2); // 0 = as many as supported
    assert.equal((await vs(d, 'remove', 'Open_vSwitch', '.', 'other_config', 'vlan-limit')).code, 0);
    assert.equal(getVlanLimit(), 1);
  } finally {
    await d.stop();
    setVlanLimit(2); // the library default, for tests that follow in this process
  }
});
