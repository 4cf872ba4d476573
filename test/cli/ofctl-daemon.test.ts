/*
 * tsovs-ofctl end to end: the executable against tsovs-vswitchd's per-bridge management
 * socket (<rundir>/<bridge>.mgmt, as OVS), the bridge named as ovs-ofctl users name it, with
 * the real ovs-ofctl on the same socket printing the same.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { vsctlMain } from '../../src/cli/vsctl/vsctl.js';
import type { Output } from '../../src/cli/cli-util.js';
import { ofctl as ovsOfctl } from '../openflow/switch-fixture.js';
import { killAll, runBin, spawnDaemon, tmpRundir, waitFor, type RunningDaemon } from './daemon-process.js';

let daemon: RunningDaemon;
let mgmt: string;

before(async () => {
  daemon = await spawnDaemon(tmpRundir());
  let err = '';
  const io: Output = { out: () => undefined, err: (s) => (err += s) };
  const code = await vsctlMain([`--rundir=${daemon.rundir}`, 'add-br', 'br0', '--', 'set-fail-mode', 'br0', 'secure', '--', 'add-port', 'br0', 'p1', '--', 'add-port', 'br0', 'p2'], io);
  assert.equal(code, 0, err);
  mgmt = path.join(daemon.rundir, 'br0.mgmt');
  await waitFor('management socket', () => (fs.existsSync(mgmt) ? true : null), 10000);
});

after(async () => {
  await daemon?.stop();
  killAll();
  if (daemon) fs.rmSync(daemon.rundir, { recursive: true, force: true });
});

function mask(s: string): string {
  return s.replace(/duration=[0-9.]+s/g, 'duration=D').replace(/idle_age=[0-9]+/g, 'idle_age=I').replace(/tsovs-ofctl|ovs-ofctl/g, 'PROG');
}

test('tsovs-ofctl by bridge name against tsovs-vswitchd, same output as ovs-ofctl', async () => {
  const run = (args: string[]): ReturnType<typeof runBin> => runBin('tsovs-ofctl', [`--rundir=${daemon.rundir}`, ...args]);
  const add = await run(['add-flow', 'br0', 'priority=5,in_port=p1,actions=output:p2']);
  assert.equal(add.code, 0, add.stderr);
  for (const args of [['show'], ['dump-flows'], ['-O', 'OpenFlow13', 'dump-ports'], ['dump-ports-desc'], ['dump-tables']]) {
    const ours = await run([...args.slice(0, -1), args[args.length - 1]!, 'br0']);
    const theirs = await ovsOfctl([...args.slice(0, -1), args[args.length - 1]!, `unix:${mgmt}`]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(mask(ours.stdout), mask(theirs.stdout), args.join(' '));
  }
  const flows = await run(['dump-flows', 'br0']);
  assert.match(flows.stdout, /priority=5,in_port=1 actions=output:2\n/);
  const bad = await run(['add-flow', 'br0', 'in_port=1,actions=frob']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'tsovs-ofctl: unknown action frob\n');
});

test('a bridge that does not exist', async () => {
  const r = await runBin('tsovs-ofctl', [`--rundir=${daemon.rundir}`, 'show', 'br9']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'tsovs-ofctl: br9 is not a bridge or a socket\n');
  assert.equal(r.stdout, '');
});
