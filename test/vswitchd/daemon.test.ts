/*
 * The daemon core in-process, with a stub bridge host that records what it is asked to apply
 * and reports ofports: apply after load and after each change, results written back, host
 * commands, transaction errors, pidfile ownership, exit, restart with the configuration intact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Daemon, DaemonError } from '../../src/vswitchd/daemon.js';
import { Vlog } from '../../src/vswitchd/vlog.js';
import { unixctlTransact } from '../../src/vswitchd/unixctl.js';
import { defaultRundir, pidfilePath } from '../../src/vswitchd/rundir.js';
import type { BridgeHost, BridgeHostFactory, DaemonServices, StatusReport } from '../../src/vswitchd/bridge-host.js';
import type { VswitchConfig } from '../../src/vswitchd/config-view.js';
import { vsctlMain } from '../../src/cli/vsctl/vsctl.js';
import type { Output } from '../../src/cli/cli-util.js';

/** Test-only host: records configurations, numbers interfaces, fails type=bogus. */
class StubHost implements BridgeHost {
  applied: VswitchConfig[] = [];
  closed = false;
  failNext = false;
  constructor(readonly services: DaemonServices) {
    services.commands.register('stub/bridges', '', 0, 0, () => this.applied.at(-1)!.bridges.map((b) => b.name).join(',') + '\n');
  }
  applyConfig(config: VswitchConfig): StatusReport {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('stub failure');
    }
    this.applied.push(config);
    const interfaces: StatusReport['interfaces'] = {};
    for (const b of config.bridges) {
      let next = 1;
      for (const p of b.ports) {
        for (const i of p.interfaces) {
          if (i.type === 'bogus') interfaces[i.name] = { ofport: -1, error: `could not open network device ${i.name} (No such device)` };
          else interfaces[i.name] = { ofport: i.name === b.name ? 65534 : (i.ofportRequest ?? next++), linkState: 'up', error: null };
        }
      }
    }
    return { interfaces, bridges: Object.fromEntries(config.bridges.map((b) => [b.name, { datapathId: '0000000000000001' }])) };
  }
  close(): void {
    this.closed = true;
  }
}

function capture(): Output & { stdout: string; stderr: string } {
  const o = {
    stdout: '',
    stderr: '',
    out: (s: string) => {
      o.stdout += s;
    },
    err: (s: string) => {
      o.stderr += s;
    },
  };
  return o;
}

async function start(rundir: string): Promise<{ d: Daemon; host: () => StubHost; logs: string[] }> {
  const logs: string[] = [];
  let host: StubHost | null = null;
  const factory: BridgeHostFactory = (s) => (host = new StubHost(s));
  const d = await Daemon.start({ rundir, vlog: new Vlog({ console: (l) => logs.push(l) }), bridgeHost: factory });
  return { d, host: () => host!, logs };
}

async function vsctl(d: Daemon, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture();
  const code = await vsctlMain([`--db=unix:${d.socketPath}`, ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

test('applies after load and after every change; results land in read-only columns', async () => {
  const rundir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-d-'));
  const { d, host } = await start(rundir);
  try {
    assert.equal(fs.readFileSync(pidfilePath(rundir), 'utf8').trim(), String(process.pid));
    assert.equal(d.socketPath, path.join(rundir, `tsovs-vswitchd.${process.pid}.ctl`));
    assert.equal(host().applied.length, 1);
    assert.equal(host().applied[0].bridges.length, 0);

    assert.equal((await vsctl(d, 'add-br', 'br0', '--', 'add-port', 'br0', 'p1', '--', 'set', 'Interface', 'p1', 'ofport_request=5')).code, 0);
    assert.equal(host().applied.length, 2);
    const br = host().applied[1].bridges[0];
    assert.equal(br.name, 'br0');
    assert.deepEqual(br.ports.map((p) => p.name), ['br0', 'p1']);
    assert.equal(br.ports[1].interfaces[0].ofportRequest, 5);
    // The reply came after the host applied and its results were recorded.
    assert.equal((await vsctl(d, 'get', 'Interface', 'p1', 'ofport')).stdout, '5\n');
    assert.equal((await vsctl(d, 'get', 'Interface', 'br0', 'ofport', 'link_state')).stdout, '65534\nup\n');
    assert.equal((await vsctl(d, 'get', 'Bridge', 'br0', 'datapath_id')).stdout, '"0000000000000001"\n');
    // Status writes do not trigger another apply.
    assert.equal(host().applied.length, 2);

    // Host commands are on the socket.
    assert.deepEqual(await unixctlTransact(d.socketPath, 'stub/bridges', []), { result: 'br0\n', error: null });

    // A failing transaction reaches neither the store nor the host.
    const bad = await vsctl(d, 'add-port', 'br0', 'p2', '--', 'set', 'Port', 'p2', 'tag=9999');
    assert.equal(bad.code, 1);
    assert.equal(host().applied.length, 2);
    assert.equal((await vsctl(d, 'list-ports', 'br0')).stdout, 'p1\n');
  } finally {
    await d.stop();
  }
  assert.ok(host().closed);
  assert.ok(!fs.existsSync(pidfilePath(rundir)));
  assert.ok(!fs.existsSync(d.socketPath));
});

test('an interface the host cannot set up is reported by tsovs-vsctl with OVS wording', async () => {
  const rundir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-d-'));
  const { d } = await start(rundir);
  try {
    await vsctl(d, 'add-br', 'br0');
    const r = await vsctl(d, 'add-port', 'br0', 'eth9', '--', 'set', 'Interface', 'eth9', 'type=bogus');
    assert.equal(r.code, 65);
    assert.equal(
      r.stderr,
      "tsovs-vsctl: Error detected while setting up 'eth9': could not open network device eth9 (No such device).  See tsovs-vswitchd log for details.\n" +
        `tsovs-vsctl: The default log directory is "${defaultRundir()}".\n`,
    );
    assert.equal((await vsctl(d, 'get', 'Interface', 'eth9', 'error')).stdout, '"could not open network device eth9 (No such device)"\n');
  } finally {
    await d.stop();
  }
});

test('a host failure is logged and the daemon keeps serving', async () => {
  const rundir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-d-'));
  const { d, host, logs } = await start(rundir);
  try {
    host().failNext = true;
    // The bridge's interface got no ofport: tsovs-vsctl says so, as ovs-vsctl does.
    const failed = await vsctl(d, 'add-br', 'br0');
    assert.equal(failed.code, 65);
    assert.match(failed.stderr, /^tsovs-vsctl: Error detected while setting up 'br0'\.  See tsovs-vswitchd log for details\.\n/);
    assert.ok(logs.some((l) => /\|vswitchd\|ERR\|applying configuration generation \d+ failed: Error: stub failure/.test(l)), logs.join(''));
    assert.equal((await vsctl(d, 'add-br', 'br1')).code, 0);
    assert.deepEqual(host().applied.at(-1)!.bridges.map((b) => b.name), ['br0', 'br1']);
  } finally {
    await d.stop();
  }
});

test('one daemon per pidfile; exit stops it; a restart keeps the configuration', async () => {
  const rundir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-d-'));
  const first = await start(rundir);
  await vsctl(first.d, 'add-br', 'br0', '--', 'set-fail-mode', 'br0', 'secure', '--', 'set-controller', 'br0', 'tcp:127.0.0.1:6653');
  // The pidfile holds our own pid here, so simulate another live owner (pid 1).
  fs.writeFileSync(pidfilePath(rundir), '1\n');
  await assert.rejects(start(rundir), (e: unknown) => e instanceof DaemonError && /already running as pid 1, aborting/.test(e.message));
  fs.writeFileSync(pidfilePath(rundir), `${process.pid}\n`);

  assert.deepEqual(await unixctlTransact(first.d.socketPath, 'exit', []), { result: '', error: null });
  await first.d.stopped;
  assert.ok(!fs.existsSync(pidfilePath(rundir)));

  const second = await start(rundir);
  try {
    const cfg = second.host().applied[0];
    assert.equal(cfg.bridges[0].name, 'br0');
    assert.equal(cfg.bridges[0].failMode, 'secure');
    assert.deepEqual(cfg.bridges[0].controllers.map((c) => c.target), ['tcp:127.0.0.1:6653']);
  } finally {
    await second.d.stop();
  }
});

test('vlog/set and vlog/list through the socket', async () => {
  const rundir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-d-'));
  const { d } = await start(rundir);
  try {
    assert.equal((await unixctlTransact(d.socketPath, 'vlog/set', ['vswitchd:console:dbg'])).error, null);
    assert.match((await unixctlTransact(d.socketPath, 'vlog/list', [])).result!, /\nvswitchd {11}DBG {7}INFO {7}INFO\n/);
    assert.equal((await unixctlTransact(d.socketPath, 'vlog/set', ['bogus'])).error, 'no destination, level, or module "bogus"');
    assert.match((await unixctlTransact(d.socketPath, 'config/transact', ['not json'])).error!, /invalid JSON/);
    assert.match((await unixctlTransact(d.socketPath, 'config/transact', ['[{"op":"x"}]'])).error!, /unknown operation "x"/);
  } finally {
    await d.stop();
  }
});
