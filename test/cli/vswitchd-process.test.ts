/*
 * tsovs-vswitchd as a process: pidfile and socket naming, clean exit on SIGTERM and on
 * `exit` (files removed), restart with the configuration intact, a corrupt configuration
 * refused at startup (and left as it was), a second daemon refused, --log-file and -v,
 * and --detach.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { killAll, runBin, spawnDaemon, tmpRundir, waitFor } from './daemon-process.js';
import { isPidAlive } from '../../src/vswitchd/rundir.js';
import { vsctlMain } from '../../src/cli/vsctl/vsctl.js';
import { appctlMain } from '../../src/cli/appctl.js';
import { parseOptions } from '../../src/vswitchd/main.js';

after(() => killAll());

/** The tools run in-process (their binaries are covered by vsctl.test and appctl.test). */
async function vsctl(rundir: string, ...args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await vsctlMain([`--rundir=${rundir}`, ...args], { out: (s) => (stdout += s), err: () => undefined });
  return { code, stdout };
}

async function appctl(rundir: string, ...args: string[]): Promise<number> {
  return appctlMain([`--rundir=${rundir}`, ...args], { out: () => undefined, err: () => undefined });
}

test('SIGTERM exits cleanly; a restart keeps the configuration', async () => {
  const rundir = tmpRundir();
  const d = await spawnDaemon(rundir);
  assert.equal(fs.readFileSync(path.join(rundir, 'tsovs-vswitchd.pid'), 'utf8').trim(), String(d.proc.pid));
  assert.ok(fs.existsSync(d.socket));
  assert.equal(
    (await vsctl(rundir, 'add-br', 'br0', '--', 'add-port', 'br0', 'p1', 'tag=3', '--', 'set-fail-mode', 'br0', 'secure')).code,
    0,
  );
  const before = (await vsctl(rundir, 'show')).stdout;
  assert.equal(await d.stop(), 0);
  assert.deepEqual(fs.readdirSync(rundir).sort(), ['conf.json']);
  const d2 = await spawnDaemon(rundir);
  try {
    assert.equal((await vsctl(rundir, 'show')).stdout, before);
    assert.equal((await vsctl(rundir, 'get', 'Port', 'p1', 'tag')).stdout, '3\n');
  } finally {
    await d2.stop();
  }
});

test('`exit` stops the daemon; the stderr log has OVS lines', async () => {
  const rundir = tmpRundir();
  const d = await spawnDaemon(rundir);
  assert.equal(await appctl(rundir, 'exit'), 0);
  assert.equal(await d.stop(), 0);
  assert.match(d.stderr(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|00001\|vswitchd\|INFO\|tsovs-vswitchd \(tsovs\) 0\.1\.0 started/);
  assert.match(d.stderr(), /\|vswitchd\|INFO\|exiting\n/);
});

test('a corrupt configuration is refused at startup and left as it was', async () => {
  const rundir = tmpRundir();
  const conf = path.join(rundir, 'conf.json');
  fs.writeFileSync(conf, '{"format": "tsovs-config", "tables": ');
  const r = await runBin('tsovs-vswitchd', [`--rundir=${rundir}`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^tsovs-vswitchd: ${conf}: configuration is not valid JSON \\(.*\\); refusing to use it\\n$`));
  assert.equal(fs.readFileSync(conf, 'utf8'), '{"format": "tsovs-config", "tables": ');
  assert.deepEqual(fs.readdirSync(rundir), ['conf.json']);
});

test('a second daemon on the same run directory is refused', async () => {
  const rundir = tmpRundir();
  const d = await spawnDaemon(rundir);
  try {
    const r = await runBin('tsovs-vswitchd', [`--rundir=${rundir}`]);
    assert.deepEqual(r, {
      code: 1,
      stdout: '',
      stderr: `tsovs-vswitchd: ${rundir}/tsovs-vswitchd.pid: already running as pid ${d.proc.pid}, aborting\n`,
    });
  } finally {
    await d.stop();
  }
});

test('--log-file with -v levels; bad options are one line', async () => {
  const rundir = tmpRundir();
  const log = path.join(rundir, 'd.log');
  const d = await spawnDaemon(rundir, [`--log-file=${log}`, '-vconsole:off', '-vvswitchd:file:dbg', `--config=${path.join(rundir, 'other.json')}`]);
  await d.stop();
  assert.equal(d.stderr(), '');
  const text = fs.readFileSync(log, 'utf8');
  assert.match(text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|00001\|vswitchd\|INFO\|tsovs-vswitchd \(tsovs\) 0\.1\.0 started, configuration .*other\.json\n/);
  assert.ok(fs.existsSync(path.join(rundir, 'other.json')));
  const bad = await runBin('tsovs-vswitchd', [`--rundir=${rundir}`, '-vnosuch:dbg']);
  assert.deepEqual(bad, { code: 1, stdout: '', stderr: 'tsovs-vswitchd: -vnosuch:dbg: no destination, level, or module "nosuch"\n' });
  assert.throws(() => parseOptions(['--frobnicate']), /^Error: unknown option '--frobnicate'$/);
  assert.throws(() => parseOptions(['--enable-dummy=bogus']), /^Error: bogus: unknown dummy level$/);
  // OVS dummy_enable(): the bare option overrides nothing.
  const levels = (argv: string[]): unknown => {
    const p = parseOptions(argv);
    return typeof p === 'object' ? [p.dummy, p.disableSystem] : p;
  };
  assert.deepEqual(levels(['--enable-dummy', '--disable-system', '--disable-system-route']), ['none', true]);
  assert.deepEqual(levels(['--enable-dummy=']), ['none', false]);
  assert.deepEqual(levels(['--enable-dummy=system']), ['system', false]);
  assert.deepEqual(levels(['--enable-dummy=override']), ['override', false]);
  let printed = '';
  assert.equal(parseOptions(['--version'], (s) => (printed += s)), 0);
  assert.equal(printed, 'tsovs-vswitchd (tsovs) 0.1.0\n');
  const o = parseOptions(['--rundir=/r', '--pidfile', '--log-file', '-v', '-vbridge:dbg', '--detach']);
  assert.ok(typeof o === 'object');
  assert.deepEqual(
    [o.rundir, o.pidfile, o.config, o.logFile, o.verbose, o.detach, o.dummy],
    ['/r', '/r/tsovs-vswitchd.pid', '/r/conf.json', '/r/tsovs-vswitchd.log', ['', 'bridge:dbg'], true, null],
  );
});

test('--disable-system: a system or unknown datapath type is refused with OVS\'s messages; dummy bridges work', async () => {
  const rundir = tmpRundir();
  const log = path.join(rundir, 'd.log');
  const d = await spawnDaemon(rundir, ['--enable-dummy', '--disable-system', '--disable-system-route', `--log-file=${log}`, '-vconsole:off'], { dummy: false });
  try {
    const run = async (...args: string[]): Promise<{ code: number; err: string }> => {
      let err = '';
      const code = await vsctlMain([`--rundir=${rundir}`, ...args], { out: () => undefined, err: (s) => (err += s) });
      return { code, err };
    };
    for (const [br, type] of [['b1', 'system'], ['b2', 'frob']]) {
      assert.deepEqual(await run('add-br', br!, '--', 'set', 'bridge', br!, `datapath_type=${type}`), {
        code: 65,
        err: `tsovs-vsctl: Error detected while setting up '${br}'.  See tsovs-vswitchd log for details.\ntsovs-vsctl: The default log directory is "${rundir}".\n`,
      });
      const text = fs.readFileSync(log, 'utf8');
      assert.match(text, new RegExp(`\\|ofproto\\|WARN\\|could not create datapath ${br} of unknown type ${type}\n`));
      assert.match(text, new RegExp(`\\|bridge\\|ERR\\|failed to create bridge ${br}: Address family not supported by protocol\n`));
    }
    assert.deepEqual(await run('add-br', 'b3', '--', 'set', 'bridge', 'b3', 'datapath_type=dummy', '--', 'add-port', 'b3', 'p1', '--', 'set', 'interface', 'p1', 'type=dummy'), { code: 0, err: '' });
    assert.equal((await vsctl(rundir, 'get', 'interface', 'p1', 'ofport')).stdout, '1\n');
  } finally {
    await d.stop();
  }
});

test('--detach returns once the daemon is up; it keeps running until exit', async () => {
  const rundir = tmpRundir();
  const r = await runBin('tsovs-vswitchd', [`--rundir=${rundir}`, '--detach']);
  assert.deepEqual(r, { code: 0, stdout: '', stderr: '' });
  const pid = Number(fs.readFileSync(path.join(rundir, 'tsovs-vswitchd.pid'), 'utf8'));
  try {
    assert.ok(isPidAlive(pid));
    assert.equal((await vsctl(rundir, 'add-br', 'br0')).code, 0);
    assert.equal((await vsctl(rundir, 'list-br')).stdout, 'br0\n');
    // A detached start that fails reports why and exits non-zero.
    const again = await runBin('tsovs-vswitchd', [`--rundir=${rundir}`, '--detach']);
    assert.deepEqual(again, { code: 1, stdout: '', stderr: `tsovs-vswitchd: ${rundir}/tsovs-vswitchd.pid: already running as pid ${pid}, aborting\n` });
    assert.equal(await appctl(rundir, 'exit'), 0);
    await waitFor('detached daemon exit', () => (isPidAlive(pid) ? null : true));
  } finally {
    if (isPidAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  assert.ok(!fs.existsSync(path.join(rundir, 'tsovs-vswitchd.pid')));
});
