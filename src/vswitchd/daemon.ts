/*
 * The daemon core (ovs-vswitchd without the bridges): takes the pidfile, opens the config
 * store, listens on the control socket, registers the built-in commands (exit, vlog/*,
 * config/get, config/transact) and drives the bridge host: applyConfig() after load and after
 * every client change, then the host's results written back to the store. main.ts wraps it in
 * a process; tests start it in-process.
 */
import * as fs from 'node:fs';
import { ConfigStore } from './config-store.js';
import { rootRow } from './config-doc.js';
import { TxnError } from './config-txn.js';
import { resolveConfig, type VswitchConfig } from './config-view.js';
import { UnixctlServer, UnixctlError } from './unixctl.js';
import { Vlog, vlog as globalVlog, type VlogModule } from './vlog.js';
import { pidfilePath, removePidfile, socketPath, writePidfile } from './rundir.js';
import { programVersion, TSOVS_VERSION } from './version.js';
import { statusOps } from './status-ops.js';
import type { BridgeHost, BridgeHostFactory, DaemonServices, StatusReport } from './bridge-host.js';

export interface DaemonOptions {
  rundir: string;
  /** Configuration file (default `<rundir>/conf.json`). */
  configFile?: string;
  /** Pidfile (default `<rundir>/tsovs-vswitchd.pid`). */
  pidfile?: string;
  /** Control socket (default `<rundir>/tsovs-vswitchd.<pid>.ctl`). */
  unixctlPath?: string;
  logFile?: string | null;
  vlog?: Vlog;
  bridgeHost?: BridgeHostFactory;
}

/** Startup failed; the message is one line for the user. */
export class DaemonError extends Error {}

export class Daemon {
  private host: BridgeHost | null = null;
  private applying: Promise<void> = Promise.resolve();
  private dirty = true;
  private appliedConfig: VswitchConfig;
  private stopping: Promise<void> | null = null;
  private resolveStopped!: () => void;
  /** Resolves once the daemon has stopped (after `exit` or stop()). */
  readonly stopped: Promise<void> = new Promise((r) => (this.resolveStopped = r));
  private readonly log: VlogModule;

  private constructor(
    readonly rundir: string,
    readonly pidfile: string,
    readonly store: ConfigStore,
    readonly unixctl: UnixctlServer,
    readonly vlog: Vlog,
  ) {
    this.log = vlog.module('vswitchd');
    this.appliedConfig = resolveConfig(store.snapshot());
  }

  get socketPath(): string {
    return this.unixctl.path;
  }

  static async start(opts: DaemonOptions): Promise<Daemon> {
    const vlog = opts.vlog ?? globalVlog;
    const rundir = opts.rundir;
    const pidfile = opts.pidfile ?? pidfilePath(rundir);
    try {
      fs.mkdirSync(rundir, { recursive: true, mode: 0o755 });
    } catch (e) {
      throw new DaemonError(`${rundir}: cannot create run directory (${(e as Error).message})`);
    }
    if (opts.logFile) {
      try {
        vlog.setLogFile(opts.logFile);
      } catch (e) {
        throw new DaemonError(`${opts.logFile}: cannot open log file (${(e as Error).message})`);
      }
    }
    const pidErr = writePidfile(pidfile);
    if (pidErr) throw new DaemonError(pidErr);
    let store: ConfigStore | null = null;
    let unixctl: UnixctlServer | null = null;
    try {
      store = await ConfigStore.open(opts.configFile ?? `${rundir}/conf.json`);
      const path = opts.unixctlPath ?? socketPath(rundir, process.pid);
      unixctl = UnixctlServer.create(path, { version: programVersion('tsovs-vswitchd'), log: vlog.module('unixctl') });
      const d = new Daemon(rundir, pidfile, store, unixctl, vlog);
      await d.init(opts.bridgeHost);
      // Listen last: once the socket answers, the configuration has been applied.
      try {
        await unixctl.start();
      } catch (e) {
        await d.host?.close();
        throw new DaemonError(`${path}: cannot listen (${(e as Error).message})`);
      }
      d.log.info(`${programVersion('tsovs-vswitchd')} started, configuration ${store.file}`);
      return d;
    } catch (e) {
      await unixctl?.close();
      await store?.close();
      removePidfile(pidfile);
      if (e instanceof DaemonError) throw e;
      throw new DaemonError((e as Error).message);
    }
  }

  private async init(factory: BridgeHostFactory | undefined): Promise<void> {
    this.registerCommands();
    this.store.onChange((c) => {
      if (c.origin === 'daemon') return;
      this.dirty = true;
      this.applying = this.applying.then(() => this.applyNow()).catch((e: Error) => this.log.err(e.message));
    });
    const { uuid } = rootRow(this.store.snapshot());
    await this.store.transact([{ op: 'update', table: 'Open_vSwitch', uuid, row: { ovs_version: [TSOVS_VERSION] } }], 'daemon');
    if (factory) {
      const services: DaemonServices = {
        commands: this.unixctl,
        vlog: this.vlog,
        rundir: this.rundir,
        currentConfig: () => this.appliedConfig,
        reportStatus: (r) => this.reportStatus(r),
      };
      this.host = await factory(services);
    }
    this.applying = this.applying.then(() => this.applyNow());
    await this.applying;
  }

  private async applyNow(): Promise<void> {
    if (!this.dirty || this.stopping) return;
    this.dirty = false;
    const config = resolveConfig(this.store.snapshot());
    this.appliedConfig = config;
    if (!this.host) return;
    try {
      const report = await this.host.applyConfig(config);
      if (report) await this.reportStatus(report);
    } catch (e) {
      this.log.err(`applying configuration generation ${config.generation} failed: ${(e as Error).stack ?? String(e)}`);
    }
  }

  /** Writes a host's results to the read-only columns (no re-apply follows). */
  async reportStatus(report: StatusReport): Promise<void> {
    if (this.stopping) return;
    const ops = statusOps(this.store.snapshot(), report);
    if (!ops.length) return;
    try {
      await this.store.transact(ops, 'daemon');
    } catch (e) {
      this.log.warn(`recording status failed: ${(e as Error).message}`);
    }
  }

  /** The configuration as last applied. */
  currentConfig(): VswitchConfig {
    return this.appliedConfig;
  }

  private registerCommands(): void {
    const u = this.unixctl;
    u.register('exit', '[--cleanup]', 0, 1, () => {
      setImmediate(() => void this.stop());
      return '';
    });
    u.register('vlog/list', '', 0, 0, () => this.vlog.listLevels());
    u.register('vlog/set', '{spec | PATTERN:destination:pattern}', 0, Number.MAX_SAFE_INTEGER, (args) => {
      if (!args.length) this.vlog.setLevels(null, 'any', 'dbg');
      for (const a of args) {
        const err = this.vlog.setFromString(a);
        if (err) throw new UnixctlError(err);
      }
      return '';
    });
    u.register('vlog/reopen', '', 0, 0, () => {
      const err = this.vlog.reopen();
      if (err) throw new UnixctlError(err);
      return '';
    });
    u.register('vlog/close', '', 0, 0, () => {
      this.vlog.closeFile();
      return '';
    });
    u.register('config/get', '', 0, 0, () => JSON.stringify(this.store.snapshot()));
    u.register('config/transact', 'OPERATIONS-JSON', 1, 1, async ([text]) => {
      let ops: unknown;
      try {
        ops = JSON.parse(text);
      } catch (e) {
        throw new UnixctlError(`config/transact: invalid JSON (${(e as Error).message})`);
      }
      try {
        const r = await this.store.transact(ops, 'client');
        if (r.changed) await this.applying;
        return JSON.stringify({ generation: this.store.generation, inserted: r.inserted });
      } catch (e) {
        if (e instanceof TxnError) throw new UnixctlError(e.message);
        throw new UnixctlError(`transaction failed: ${(e as Error).message}`);
      }
    });
  }

  /** Closes the host, the socket and the store, removes the pidfile. Idempotent. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = (async () => {
        this.log.info('exiting');
        await this.applying.catch(() => undefined);
        try {
          await this.host?.close();
        } catch (e) {
          this.log.err(`closing bridges failed: ${(e as Error).message}`);
        }
        await this.unixctl.close();
        await this.store.close();
        removePidfile(this.pidfile);
        this.resolveStopped();
      })();
    }
    return this.stopping;
  }
}
