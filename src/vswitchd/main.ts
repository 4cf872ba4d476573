/*
 * tsovs-vswitchd's process: command-line options (OVS-style: --detach, --pidfile, --rundir,
 * --config, --log-file, -v), detaching into the background, signal handling, and wiring of
 * the bridge layer (src/vswitchd/ofproto-host.ts).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { Daemon, DaemonError } from './daemon.js';
import { defaultRundir, pidfilePath, DAEMON_NAME } from './rundir.js';
import { vlog } from './vlog.js';
import { programVersion } from './version.js';
import type { DummyMode } from './ofproto-host.js';

const PROG = DAEMON_NAME;

/** Modules known up front, so `vlog/set bridge:dbg` works before the bridge layer logs. */
const KNOWN_MODULES = [
  'vswitchd', 'unixctl', 'bridge', 'ofproto', 'ofproto_dpif', 'ofproto_dpif_upcall', 'ofproto_dpif_xlate',
  'connmgr', 'rconn', 'vconn', 'dpif', 'dpif_netdev', 'netdev', 'netdev_dummy', 'mac_learning',
];
const DETACHED_ENV = 'TSOVS_VSWITCHD_DETACHED';

interface Options {
  detach: boolean;
  pidfile: string;
  rundir: string;
  config: string;
  logFile: string | null;
  unixctl: string | undefined;
  verbose: string[];
  dummy: DummyMode;
  disableSystem: boolean;
}

class UsageError extends Error {}

/** Splits out OVS's -v/-vSPEC/--verbose[=SPEC] (commander cannot repeat optional values). */
function extractVerbose(argv: string[]): { rest: string[]; specs: string[] } {
  const rest: string[] = [];
  const specs: string[] = [];
  for (const a of argv) {
    if (a === '-v' || a === '--verbose') specs.push('');
    else if (a.startsWith('--verbose=')) specs.push(a.slice('--verbose='.length));
    else if (a.startsWith('-v') && !a.startsWith('--')) specs.push(a.slice(2));
    else rest.push(a);
  }
  return { rest, specs };
}

export function parseOptions(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s)): Options | number {
  const { rest, specs } = extractVerbose(argv);
  const cmd = new Command(PROG)
    .description('tsovs virtual switch daemon (Open vSwitch in TypeScript)')
    .option('--detach', 'run in the background')
    .option('--pidfile [FILE]', 'pidfile (default RUNDIR/tsovs-vswitchd.pid)')
    .option('--rundir <DIR>', 'run directory (default $TSOVS_RUNDIR, $XDG_RUNTIME_DIR/tsovs, ~/.local/state/tsovs/run)')
    .option('--config <FILE>', 'configuration file (default RUNDIR/conf.json)')
    .option('--log-file [FILE]', 'log to FILE (default RUNDIR/tsovs-vswitchd.log)')
    .option('--unixctl <SOCKET>', 'control socket (default RUNDIR/tsovs-vswitchd.PID.ctl)')
    .option('--no-chdir', 'accepted for OVS compatibility')
    .option('--enable-dummy [MODE]', 'dummy ports and datapaths (tests); system: system devices are dummies; override: every port type is')
    .option('--disable-system', 'no `system` datapath type')
    .option('--disable-system-route', 'accepted for OVS compatibility (tsovs keeps no copy of the kernel routes)')
    .option('-V, --version', 'print the version and exit')
    .addHelpText('after', '\n  -v, --verbose[=SPEC]  set logging levels (MODULE:DESTINATION:LEVEL, default ANY:dbg)\n')
    .helpOption('-h, --help', 'print this help and exit')
    .configureOutput({ writeOut: out, writeErr: (s) => process.stderr.write(s), outputError: () => undefined })
    .exitOverride()
    .allowExcessArguments(false);
  try {
    cmd.parse(rest, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') return 0;
      throw new UsageError(e.message.replace(/^error: /, ''));
    }
    throw e;
  }
  const o = cmd.opts<{
    detach?: boolean;
    pidfile?: string | true;
    rundir?: string;
    config?: string;
    logFile?: string | true;
    unixctl?: string;
    version?: boolean;
    enableDummy?: string | true;
    disableSystem?: boolean;
  }>();
  // OVS dummy_enable(): no level (or an empty one) overrides nothing.
  const dummy = o.enableDummy === undefined ? null : o.enableDummy === true || o.enableDummy === '' ? 'none' : o.enableDummy;
  if (dummy !== null && dummy !== 'none' && dummy !== 'system' && dummy !== 'override') {
    throw new UsageError(`${dummy}: unknown dummy level`);
  }
  if (o.version) {
    out(`${programVersion(PROG)}\n`);
    return 0;
  }
  const rundir = defaultRundir(o.rundir);
  return {
    detach: !!o.detach,
    rundir,
    pidfile: typeof o.pidfile === 'string' ? path.resolve(o.pidfile) : pidfilePath(rundir),
    config: o.config ? path.resolve(o.config) : path.join(rundir, 'conf.json'),
    logFile: o.logFile === undefined ? null : o.logFile === true ? path.join(rundir, `${PROG}.log`) : path.resolve(o.logFile),
    unixctl: o.unixctl ? path.resolve(o.unixctl) : undefined,
    verbose: specs,
    dummy,
    disableSystem: !!o.disableSystem,
  };
}

/** Re-runs this program in the background and waits until it reports it is up. */
function detach(argv: string[]): Promise<number> {
  const script = fileURLToPath(new URL('../cli/tsovs-vswitchd.js', import.meta.url));
  const args = argv.filter((a) => a !== '--detach');
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, [DETACHED_ENV]: '1' },
  });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (code: number, msg?: string): void => {
      if (settled) return;
      settled = true;
      if (msg) process.stderr.write(`${PROG}: ${msg}\n`);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
      resolve(code);
    };
    child.on('message', (m: { ready?: boolean; error?: string }) => settle(m.ready ? 0 : 1, m.error));
    child.on('exit', (code) => settle(code || 1, `daemon exited during startup (status ${code ?? 'signal'})`));
    child.on('error', (e) => settle(1, `cannot start daemon (${e.message})`));
  });
}

/** Runs the daemon; resolves with the exit status when it stops. */
export async function main(argv: string[]): Promise<number> {
  let opts: Options | number;
  try {
    opts = parseOptions(argv);
  } catch (e) {
    process.stderr.write(`${PROG}: ${(e as Error).message} (use --help for help)\n`);
    return 1;
  }
  if (typeof opts === 'number') return opts;
  if (opts.detach && !process.env[DETACHED_ENV]) return detach(argv);
  const detached = !!process.env[DETACHED_ENV];
  const fail = (msg: string): number => {
    if (detached && process.send) process.send({ error: msg });
    else process.stderr.write(`${PROG}: ${msg}\n`);
    return 1;
  };
  for (const m of KNOWN_MODULES) vlog.module(m);
  for (const spec of opts.verbose) {
    const err = spec === '' ? (vlog.setLevels(null, 'any', 'dbg'), null) : vlog.setFromString(spec);
    if (err) return fail(`-v${spec}: ${err}`);
  }
  // Signals are handled from the start: one arriving during startup stops the daemon once it is up.
  const { dummy, disableSystem } = opts;
  let daemon: Daemon | null = null;
  let stopRequested = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    vlog.module('vswitchd').info(`${sig} received`);
    stopRequested = true;
    void daemon?.stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', () => vlog.reopen());
  try {
    daemon = await Daemon.start({
      rundir: opts.rundir,
      configFile: opts.config,
      pidfile: opts.pidfile,
      unixctlPath: opts.unixctl,
      logFile: opts.logFile,
      vlog,
      // Loaded once the configuration opened: --version and startup errors stay quick.
      bridgeHost: async (services) => (await import('./ofproto-host.js')).ofprotoHostFactory({ dummy, disableSystem })(services),
    });
  } catch (e) {
    return fail(e instanceof DaemonError ? e.message : ((e as Error).stack ?? String(e)));
  }
  if (stopRequested) void daemon.stop();
  if (detached && process.send) {
    process.send({ ready: true });
    process.disconnect();
  }
  await daemon.stopped;
  // The signal handlers stay: a SIGTERM during the last moments must not kill us uncleanly.
  return 0;
}
