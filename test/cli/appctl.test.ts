/*
 * tsovs-appctl against a real daemon process: results printed as sent, server errors on
 * stderr with "server returned an error" and exit 2, -t with a socket path, and the daemon
 * unreachable (exit 1, one line), each failure compared with real ovs-appctl.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { BIN, killAll, runBin, spawnDaemon, tmpRundir, type RunningDaemon } from './daemon-process.js';
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

test('daemon not running: exit 1 with one line (the binary)', async () => {
  const empty = tmpRundir();
  assert.deepEqual(await runBin('tsovs-appctl', [`--rundir=${empty}`, 'version']), {
    code: 1,
    stdout: '',
    stderr: `tsovs-appctl: cannot read pidfile "${empty}/tsovs-vswitchd.pid" (No such file or directory)\n`,
  });
  assert.deepEqual(await runBin('tsovs-appctl', ['-t', `${empty}/x.ctl`, 'version']), {
    code: 1,
    stdout: '',
    stderr: `tsovs-appctl: cannot connect to "${empty}/x.ctl" (No such file or directory)\n`,
  });
  const ok = await runBin('tsovs-appctl', [`--rundir=${daemon.rundir}`, 'version']);
  assert.deepEqual(ok, { code: 0, stdout: 'tsovs-vswitchd (tsovs) 0.1.0\n', stderr: '' });
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * What a user sees from each tool: exit code or signal and the last stderr line, with the
 * program and default daemon names made the same (ovs-appctl also logs a vlog WARN line first).
 */
function outcome(r: Exit): { code: number | null; signal: NodeJS.Signals | null; stdout: string; last: string } {
  const lines = r.stderr.trimEnd().split('\n');
  const last = (lines[lines.length - 1] ?? '').replace(/^tsovs-appctl: /, 'APPCTL: ').replace(/^ovs-appctl: /, 'APPCTL: ').replace(/\b(tsovs|ovs)-vswitchd\.pid\b/, 'DAEMON.pid');
  return { code: r.code, signal: r.signal, stdout: r.stdout, last };
}

test('unreachable daemon, dropped connection, -T expiring: as ovs-appctl (exit 1, same text; SIGALRM)', async () => {
  const dir = tmpRundir();
  const plain = path.join(dir, 'plain.ctl');
  fs.writeFileSync(plain, '');
  // One server closes the connection on the request, the other never answers.
  const closer = net.createServer((c) => c.on('data', () => c.destroy()));
  const silent = net.createServer((c) => c.on('data', () => undefined));
  const closing = path.join(dir, 'closing.ctl');
  const hanging = path.join(dir, 'hanging.ctl');
  await new Promise<void>((r) => closer.listen(closing, r));
  await new Promise<void>((r) => silent.listen(hanging, r));
  const ours = (args: string[]): Promise<Exit> => exec(process.execPath, [BIN('tsovs-appctl'), `--rundir=${dir}`, ...args]);
  const theirs = (args: string[]): Promise<Exit> => exec('ovs-appctl', args, { ...process.env, OVS_RUNDIR: dir });
  try {
    const cases: Array<{ args: string[]; last: string; code: number | null; signal?: NodeJS.Signals }> = [
      { args: ['version'], code: 1, last: `APPCTL: cannot read pidfile "${dir}/DAEMON.pid" (No such file or directory)` },
      { args: ['-t', path.join(dir, 'none.ctl'), 'version'], code: 1, last: `APPCTL: cannot connect to "${dir}/none.ctl" (No such file or directory)` },
      { args: ['-t', plain, 'version'], code: 1, last: `APPCTL: cannot connect to "${plain}" (Connection refused)` },
      { args: ['-t', closing, 'version'], code: 1, last: `APPCTL: ${closing}: transaction error (End of file)` },
      { args: ['-T', '1', '-t', hanging, 'version'], code: null, signal: 'SIGALRM', last: '' },
    ];
    const results = await Promise.all(cases.map(async (c) => ({ c, ours: await ours(c.args), theirs: await theirs(c.args) })));
    for (const { c, ours: o, theirs: t } of results) {
      const want = { code: c.code, signal: c.signal ?? null, stdout: '' };
      assert.deepEqual({ ...outcome(t), last: c.signal ? '' : outcome(t).last }, { ...want, last: c.last }, `ovs-appctl ${c.args.join(' ')}: ${t.stderr}`);
      if (c.signal) {
        assert.deepEqual({ ...outcome(o), last: '' }, { ...want, last: '' });
        assert.equal(o.stderr, 'tsovs-appctl: timeout expired\n');
      } else {
        assert.deepEqual(outcome(o), { ...want, last: c.last }, `tsovs-appctl ${c.args.join(' ')}`);
        assert.equal(o.stderr.split('\n').length, 2, 'one line');
      }
    }
  } finally {
    closer.close();
    silent.close();
  }
});
