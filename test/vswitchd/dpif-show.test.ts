/*
 * dpif/show prints the type of the port that really exists: a bridge's LOCAL port is `tap`
 * only when it is a TAP device, `dummy-internal` when it is in memory (dummy datapath,
 * --enable-dummy=override, or the daemon's fallback when no TAP can be made) - the text
 * compared with a reference OVS run with --enable-dummy=override, and, in a network
 * namespace, a daemon with a real TAP next to one that fell back.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Daemon } from '../../src/vswitchd/daemon.js';
import { Vlog } from '../../src/vswitchd/vlog.js';
import { ofprotoHostFactory } from '../../src/vswitchd/ofproto-host.js';
import { unixctlTransact } from '../../src/vswitchd/unixctl.js';
import { vsctlMain } from '../../src/cli/vsctl/vsctl.js';
import { Ofproto } from '../../src/ofproto/ofproto.js';
import { formatDpifShow } from '../../src/ofproto/dpif-show.js';
import { DummyNetdev } from '../../src/netdev/dummy.js';
import type { Netdev } from '../../src/netdev/netdev.js';
import { ReferenceOvs } from '../support/reference-ovs.js';
import { Sandbox, netnsSkipReason } from '../netdev/netns.js';
import { killAll, runBin, spawnDaemon, tmpRundir } from '../cli/daemon-process.js';

/** The same configuration for both switches: a dummy bridge and a netdev bridge, explicit port types. */
const VSCTL = [
  'add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath_type=dummy',
  '--', 'add-port', 'br0', 'p1', '--', 'set', 'interface', 'p1', 'type=dummy', 'ofport_request=1',
  '--', 'add-port', 'br0', 'p2', '--', 'set', 'interface', 'p2', 'type=dummy', 'ofport_request=2',
  '--', 'add-br', 'br1', '--', 'set', 'bridge', 'br1', 'datapath_type=netdev',
  '--', 'add-port', 'br1', 'q1', '--', 'set', 'interface', 'q1', 'type=dummy', 'ofport_request=5',
];

/**
 * dpif/show text per datapath, sorted (OVS lists datapaths in hash order), with datapath port
 * numbers left out: OVS's override numbers a netdev datapath's ports as its dummy one does.
 */
function normalize(text: string): string[] {
  return text
    .replace(/hit:\d+ missed:\d+/g, 'hit:H missed:M')
    .replace(/ (\d+)\/\d+: /g, ' $1/N: ')
    .split(/\n(?=\S)/)
    .map((b) => b.trimEnd())
    .sort();
}

test('dpif/show: in-memory LOCAL ports are dummy-internal, as OVS with --enable-dummy=override', async () => {
  const rundir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-dps-'));
  const d = await Daemon.start({ rundir, vlog: new Vlog({ console: () => undefined }), bridgeHost: ofprotoHostFactory({ dummy: 'override' }) });
  let ours: string;
  try {
    const io = { out: () => undefined, err: (s: string) => assert.fail(s) };
    assert.equal(await vsctlMain([`--db=unix:${d.socketPath}`, ...VSCTL], io), 0);
    ours = (await unixctlTransact(d.socketPath, 'dpif/show', [])).result!;
  } finally {
    await d.stop();
  }
  assert.match(ours, /\n {4}br0 65534\/\d+: \(dummy-internal\)\n/);
  assert.match(ours, /\n {4}br1 65534\/\d+: \(dummy-internal\)\n/);
  assert.doesNotMatch(ours, /\(tap\)/);

  const ovs = new ReferenceOvs('tsovs-dps.');
  try {
    ovs.start('override');
    ovs.run('ovs-vsctl', VSCTL);
    const theirs = ovs.run('ovs-appctl', ['dpif/show']);
    assert.deepEqual(normalize(ours), normalize(theirs));
  } finally {
    ovs.stop();
  }
});

/** A stand-in for a LOCAL port that is a host device (what InternalNetdev is), without the OS. */
class HostDeviceStandIn implements Netdev {
  readonly type = 'internal';
  constructor(readonly name: string) {}
  setReceiveHandler(): void {}
  send(): boolean {
    return true;
  }
  isUp(): boolean {
    return true;
  }
  getMac(): number {
    return 0x020000000001;
  }
  getMtu(): number {
    return 1500;
  }
  close(): void {}
}

test('formatDpifShow: a LOCAL host device is tap, an in-memory one dummy-internal, on either datapath', () => {
  const sw = new Ofproto();
  sw.addBridge('br0', { datapathType: 'netdev', localNetdev: new HostDeviceStandIn('br0') });
  sw.addBridge('br1', { datapathType: 'netdev' });
  sw.addBridge('br2', { datapathType: 'netdev', localNetdev: new DummyNetdev('br2', 'internal') });
  sw.addBridge('br9', { datapathType: 'dummy' });
  sw.bridge('br1')!.addPort({ name: 'vif1', type: 'internal' });
  assert.equal(
    formatDpifShow(sw),
    'netdev@ovs-netdev: hit:0 missed:0\n' +
      '  br0:\n    br0 65534/1: (tap)\n' +
      '  br1:\n    br1 65534/2: (dummy-internal)\n    vif1 1/4: (dummy-internal)\n' +
      '  br2:\n    br2 65534/3: (dummy-internal)\n' +
      'dummy@ovs-dummy: hit:0 missed:0\n' +
      '  br9:\n    br9 65534/109: (dummy-internal)\n',
  );
});

// Below, the real daemon without --enable-dummy: it makes TAP devices, so it runs in a namespace.
const problem = netnsSkipReason();
if (problem !== null) throw new Error(`cannot run: ${problem}`);

const sb = new Sandbox();
after(() => {
  killAll();
  sb.cleanup();
});

test('the daemon without --enable-dummy: a real TAP LOCAL port shows tap, a fallback one dummy-internal', async () => {
  const ns = sb.netns('dps');
  const rundir = tmpRundir();
  const d = await spawnDaemon(rundir, [], { dummy: false, netns: ns });
  const env = { ...process.env, TSOVS_RUNDIR: rundir };
  const br = sb.ifname('br');
  // Too long for a Linux interface name: no TAP device can exist, the daemon falls back.
  const long = 'brlongerthanifnamsiz';
  const v = await runBin('tsovs-vsctl', ['add-br', br, '--', 'add-br', long], env);
  assert.equal(v.code, 0, v.stderr);
  assert.match(sb.exec(ns, 'ip', '-o', 'link', 'show', br), new RegExp(`^\\d+: ${br}:`));
  const show = await runBin('tsovs-appctl', ['dpif/show'], env);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, new RegExp(`\\n {4}${br} 65534/\\d+: \\(tap\\)\\n`));
  assert.match(show.stdout, new RegExp(`\\n {4}${long} 65534/\\d+: \\(dummy-internal\\)\\n`));
  assert.match(d.stderr(), new RegExp(`bridge ${long}: LOCAL port is not a host interface`));
  assert.equal(await d.stop(), 0);
});
