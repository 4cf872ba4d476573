/*
 * tsovs-appctl against a real daemon process: results printed as sent, server errors on
 * stderr with "server returned an error" and exit 2, -t with a socket path, and the daemon
 * not running (exit 2, one line).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { killAll, runBin, spawnDaemon, tmpRundir, type RunningDaemon } from './daemon-process.js';
import { appctlMain } from '../../src/cli/appctl.js';
import type { Output } from '../../src/cli/cli-util.js';

let daemon: RunningDaemon;

before(async () => {
  daemon = await spawnDaemon(tmpRundir());
});
after(async () => {
  await daemon?.stop();
  killAll();
});

async function app(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = { out: '', err: '' };
  const io: Output = { out: (s) => (r.out += s), err: (s) => (r.err += s) };
  const code = await appctlMain([`--rundir=${daemon.rundir}`, ...args], io);
  return { code, ...r };
}

test('version, list-commands, vlog/list, vlog/set', async () => {
  assert.deepEqual(await app('version'), { code: 0, out: 'tsovs-vswitchd (tsovs) 0.1.0\n', err: '' });
  const list = await app('list-commands');
  assert.equal(list.code, 0);
  for (const c of ['config/get', 'config/transact', 'exit', 'list-commands', 'version', 'vlog/list', 'vlog/set', 'vlog/reopen']) {
    assert.match(list.out, new RegExp(`\\n  ${c.replace('/', '\\/')} `));
  }
  assert.deepEqual(await app('vlog/set', 'bridge:file:warn'), { code: 0, out: '', err: '' });
  const levels = (await app('vlog/list')).out;
  assert.match(levels, /^ {17}console {4}syslog {4}file\n {17}-{7} {4}-{6} {4}-{6}\n/);
  assert.match(levels, /\nbridge {12}INFO {7}INFO {7}WARN\n/);
});

test('server errors: message on stderr, then "server returned an error", exit 2', async () => {
  assert.deepEqual(await app('no/such'), {
    code: 2,
    out: '',
    err:
      '"no/such" is not a valid command (use "list-commands" to see a list of valid commands)\n' +
      'tsovs-appctl: tsovs-vswitchd: server returned an error\n',
  });
  assert.deepEqual(await app('vlog/set', 'nosuchmodule'), {
    code: 2,
    out: '',
    err: 'no destination, level, or module "nosuchmodule"\ntsovs-appctl: tsovs-vswitchd: server returned an error\n',
  });
  assert.equal((await app('version', 'extra')).err.split('\n')[0], '"version" command takes at most 0 arguments');
});

test('-t accepts a socket path; bad usage is one line', async () => {
  const r = await appctlMain(['-t', daemon.socket, 'version'], { out: () => undefined, err: () => undefined });
  assert.equal(r, 0);
  const e = await app();
  assert.deepEqual(e, { code: 1, out: '', err: 'tsovs-appctl: at least one non-option argument is required (use --help for help)\n' });
});

test('daemon not running: exit 2 with one line (the binary)', async () => {
  const empty = tmpRundir();
  assert.deepEqual(await runBin('tsovs-appctl', [`--rundir=${empty}`, 'version']), {
    code: 2,
    stdout: '',
    stderr: `tsovs-appctl: cannot read pidfile "${empty}/tsovs-vswitchd.pid" (No such file or directory)\n`,
  });
  assert.deepEqual(await runBin('tsovs-appctl', ['-t', `${empty}/x.ctl`, 'version']), {
    code: 2,
    stdout: '',
    stderr: `tsovs-appctl: cannot connect to "${empty}/x.ctl" (No such file or directory)\n`,
  });
  const ok = await runBin('tsovs-appctl', [`--rundir=${daemon.rundir}`, 'version']);
  assert.deepEqual(ok, { code: 0, stdout: 'tsovs-vswitchd (tsovs) 0.1.0\n', stderr: '' });
});
