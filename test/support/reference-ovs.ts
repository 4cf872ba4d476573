/*
 * Starts and stops a private reference Open vSwitch (Debian's ovsdb-server + ovs-vswitchd,
 * userspace only, dummy datapath enabled) in a directory of its own, for differential tests.
 * .ci/run installs openvswitch-switch, so a missing OVS is an error, never a skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';

export class ReferenceOvs {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  private started = false;

  constructor(prefix = 'tsovs-ref.') {
    // Unix socket paths are limited to ~107 bytes: keep the directory short.
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.env = { ...process.env, PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin` };
    for (const k of ['OVS_RUNDIR', 'OVS_LOGDIR', 'OVS_DBDIR', 'OVS_SYSCONFDIR']) this.env[k] = this.dir;
  }

  /** Run a command with the sandbox environment; throws with its output on failure. */
  run(cmd: string, args: readonly string[], input?: string): string {
    const r = spawnSync(cmd, args, { env: this.env, encoding: 'utf8', input, timeout: 30_000 });
    if (r.error !== undefined) throw new Error(`${cmd}: ${r.error.message} (is openvswitch-switch installed? .ci/run installs it)`);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /** Like run() but returns status and output instead of throwing on a non-zero exit. */
  tryRun(cmd: string, args: readonly string[], input?: string): { status: number; out: string } {
    const r = spawnSync(cmd, args, { env: this.env, encoding: 'utf8', input, timeout: 30_000 });
    return { status: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? '') };
  }

  /** `dummy`: the --enable-dummy level ('override' makes every datapath and port type a dummy). */
  start(dummy: '' | 'override' | 'system' = ''): void {
    const db = join(this.dir, 'conf.db');
    this.run('ovsdb-tool', ['create', db, SCHEMA]);
    this.run('ovsdb-server', [
      '--detach', '--no-chdir', '--pidfile', '-vconsole:off', '--log-file',
      `--remote=punix:${join(this.dir, 'db.sock')}`, db,
    ]);
    this.started = true;
    this.run('ovs-vsctl', ['--no-wait', '--', 'init']);
    this.run('ovs-vswitchd', [
      '--detach', '--no-chdir', '--pidfile', '-vconsole:off', '--log-file',
      dummy === '' ? '--enable-dummy' : `--enable-dummy=${dummy}`, '--disable-system', '--disable-system-route', `unix:${join(this.dir, 'db.sock')}`,
    ]);
    this.run('ovs-appctl', ['version']);
  }

  /**
   * One `ovs-vsctl` transaction: bridge br0 on the dummy datapath, fail-mode secure, with the
   * `bridge` settings, and dummy ports p1..pN (ofport i) with `iface(i)`'s interface settings.
   */
  addDummyBridge(nPorts: number, bridge: readonly string[] = [], iface: (i: number) => readonly string[] = () => []): void {
    const ports: string[] = [];
    for (let i = 1; i <= nPorts; i++) ports.push('--', 'add-port', 'br0', `p${i}`, '--', 'set', 'interface', `p${i}`, 'type=dummy', `ofport_request=${i}`, ...iface(i));
    this.run('ovs-vsctl', ['add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath_type=dummy', 'fail-mode=secure', ...bridge, ...ports]);
  }

  stop(): void {
    if (this.started) {
      this.tryRun('ovs-appctl', ['-t', 'ovs-vswitchd', 'exit', '--cleanup']);
      this.tryRun('ovs-appctl', ['-t', 'ovsdb-server', 'exit']);
      this.started = false;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
