/*
 * Controllers configured the OVS way: `tsovs-vsctl set-controller` on a running
 * tsovs-vswitchd makes the bridge connect to a real OS-Ken controller on loopback; the
 * Controller row then shows is_connected=true, the controller installs its table-miss flow
 * (seen with tsovs-ofctl over BRIDGE.mgmt), and del-controller disconnects it.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { killAll, runBin, spawnDaemon, tmpRundir, waitFor } from './daemon-process.js';
import { freeTcpPort } from '../support/net.js';

const APP = fileURLToPath(new URL('../../../test/openflow/osken_l2_switch.py', import.meta.url));

let ctl: ChildProcess | undefined;
after(() => {
  ctl?.kill();
  killAll();
});

test('set-controller connects the bridge to OS-Ken; the Controller row reports it', async () => {
  const port = await freeTcpPort();
  let out = '';
  ctl = spawn('/usr/bin/python3', ['/usr/bin/osken-manager', '--ofp-listen-host', '127.0.0.1', '--ofp-tcp-listen-port', String(port), APP], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  ctl.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  ctl.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const d = await spawnDaemon(tmpRundir());
  const env = { ...process.env, TSOVS_RUNDIR: d.rundir };
  const vsctl = (...a: string[]): ReturnType<typeof runBin> => runBin('tsovs-vsctl', a, env);
  assert.equal((await vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'protocols=OpenFlow13', '--', 'add-port', 'br0', 'p1')).code, 0);
  // osken-manager may still be starting: the bridge's rconn retries with backoff, as OVS's does.
  const set = await vsctl('set-controller', 'br0', `tcp:127.0.0.1:${port}`);
  assert.equal(set.code, 0, set.stderr);
  assert.equal((await vsctl('get-controller', 'br0')).stdout, `tcp:127.0.0.1:${port}\n`);
  await waitFor(
    'is_connected=true',
    async () => ((await vsctl('--bare', '--columns=is_connected', 'list', 'controller')).stdout.trim() === 'true' ? true : null),
    20000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}\ncontroller output:\n${out}\ndaemon:\n${d.stderr()}`);
  });
  // The controller's table-miss flow, read back over the management socket.
  await waitFor(
    'table-miss flow',
    async () => {
      const r = await runBin('tsovs-ofctl', ['-O', 'OpenFlow13', 'dump-flows', 'br0'], env);
      return /priority=0 actions=CONTROLLER:65535/.test(r.stdout) ? true : null;
    },
    10000,
  );
  assert.equal((await vsctl('del-controller', 'br0')).code, 0);
  await waitFor(
    'disconnected',
    async () => ((await vsctl('--bare', '--columns=target', 'list', 'controller')).stdout.trim() === '' ? true : null),
    10000,
  );
  assert.equal(await d.stop(), 0);
});
