/*
 * The OpenFlow connection manager of one bridge (OVS ofproto/connmgr.c): the configured
 * controllers and listeners ("services": active targets with reconnecting rconns, passive
 * ptcp/punix listeners, including the always-on management socket
 * punix:<rundir>/<bridge>.mgmt), the connections they make, roles with the primary
 * election id, fail-open for standalone bridges, and the asynchronous messages the bridge's
 * events turn into (packet-in with buffering and rate limiting, flow-removed, port-status,
 * flow monitor updates), each sent to the connections whose role and async configuration
 * want it. Requests go to ofp-handler.ts.
 *
 *   const mgr = new ConnMgr(new BridgeSwitch(bridge), { log });
 *   await mgr.setControllers([managementController(rundir, 'br0'), { target: 'tcp:127.0.0.1:6653' }]);
 */
import { systemClock, type Clock } from '../util/clock.js';
import { OfType, OFPCR12_ROLE_EQUAL, OFPCR12_ROLE_MASTER, OFPCR12_ROLE_SLAVE } from './codec/index.js';
import { AsyncRouter, type AsyncHost, type Requester } from './conn/async-router.js';
import { bundlesExpire } from './conn/bundles.js';
import { TSOVS_SW_VERSION, TSOVS_VERSIONS, type ControllerSettings, type SwitchDesc } from './conn/controller-settings.js';
import { FailOpen } from './conn/fail-open.js';
import { DEFAULT_PKTQ_BYTES, OfConn, type OfconnSettings, type OfconnType } from './conn/ofconn.js';
import { Rconn } from './conn/rconn.js';
import { listenStream, type Listener } from './conn/stream.js';
import { isPassive, parseTarget } from './conn/target.js';
import { silentLog, Vconn, type ConnLog } from './conn/vconn.js';
import { handleOpenflow } from './ofp-handler.js';
import type { FailMode, SwitchApi } from './switch-api.js';

export {
  controllerFromConfig,
  managementController,
  TSOVS_SW_VERSION,
  TSOVS_VERSIONS,
  unspokenProtocols,
  versionsFromProtocols,
  type ControllerSettings,
  type SwitchDesc,
} from './conn/controller-settings.js';

export interface ConnMgrOptions {
  clock?: Clock;
  log?: ConnLog;
  /** Version bitmap (default TSOVS_VERSIONS). */
  allowedVersions?: number;
  desc?: Partial<SwitchDesc>;
  /** Run the periodic work (fail-open, bundle expiry) on a timer (default true). */
  timers?: boolean;
}

interface Service {
  readonly target: string;
  readonly type: OfconnType;
  settings: Required<Omit<ControllerSettings, 'type'>>;
  rconn: Rconn | null;
  listener: Listener | null;
  readonly conns: Set<OfConn>;
  closed: boolean;
}

export interface ControllerInfo {
  readonly target: string;
  readonly type: OfconnType;
  readonly isConnected: boolean;
  /** OVS Controller.role: other (equal), master, slave. */
  readonly role: 'other' | 'master' | 'slave';
  /** rconn state (ACTIVE, IDLE, BACKOFF, CONNECTING, ...) for active controllers; LISTENING for listeners. */
  readonly state: string;
  readonly lastError: string | null;
  readonly secSinceConnect: number | null;
  readonly secSinceDisconnect: number | null;
  /** Connections a listener has now. */
  readonly nConnections: number;
  readonly packetInsDropped: number;
}

export class ConnMgr implements AsyncHost {
  readonly clock: Clock;
  readonly log: ConnLog;
  readonly desc: SwitchDesc;
  allowedVersions: number;
  private readonly services = new Map<string, Service>();
  private readonly allConns = new Set<OfConn>();
  private failMode: FailMode;
  private failOpen: FailOpen | null = null;
  private electionId: bigint | null = null;
  private readonly unsubscribe: Array<() => void> = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private pinTimer: ReturnType<typeof setTimeout> | null = null;
  /** The request being handled (flow monitor abbreviations). */
  requester: Requester | null = null;
  /** Turns bridge events into asynchronous messages. */
  readonly async: AsyncRouter;
  /** The port-mod being handled: no port-status to its sender before OpenFlow 1.5. */
  portModSource: OfConn | null = null;
  private closed = false;
  private revalidatePending = false;

  constructor(
    readonly sw: SwitchApi,
    opts: ConnMgrOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLog;
    this.allowedVersions = opts.allowedVersions ?? TSOVS_VERSIONS;
    this.desc = {
      mfr: opts.desc?.mfr ?? 'tsovs',
      hw: opts.desc?.hw ?? 'tsovs',
      sw: opts.desc?.sw ?? TSOVS_SW_VERSION,
      serial: opts.desc?.serial ?? 'None',
      dp: opts.desc?.dp ?? 'None',
    };
    this.failMode = sw.failMode;
    const a = new AsyncRouter(this);
    this.async = a;
    this.unsubscribe.push(
      sw.events.on('packet-in', (ev) => a.onPacketIn(ev)),
      sw.events.on('flow-removed', (ev) => a.defer(() => a.onFlowRemoved(ev))),
      sw.events.on('port-status', (ev) => a.onPortStatus(ev)),
      sw.events.on('rule-change', (ev) => a.defer(() => a.onRuleChange(ev))),
    );
    if (opts.timers ?? true) {
      this.timer = setInterval(() => this.run(), 1000);
      this.timer.unref();
    }
  }

  get name(): string {
    return this.sw.name;
  }

  /** Every live connection (all services). */
  get conns(): OfConn[] {
    return [...this.allConns];
  }

  get liveConns(): ReadonlySet<OfConn> {
    return this.allConns;
  }

  // --- configuration ---------------------------------------------------------------

  /** OVS connmgr_has_controllers: a primary controller is configured (connected or not). */
  hasControllers(): boolean {
    for (const s of this.services.values()) if (s.type === 'primary') return true;
    return false;
  }

  /**
   * Makes the configured services exactly `list` (OVS connmgr_set_controllers): new ones are
   * created, missing ones closed with their connections, changed settings applied. Resolves
   * once new listeners are bound. A change in whether primary controllers exist flushes the
   * flow tables.
   */
  async setControllers(list: readonly ControllerSettings[]): Promise<void> {
    const had = this.hasControllers();
    const wanted = new Map<string, ControllerSettings>();
    for (const c of list) {
      if (wanted.has(c.target)) {
        this.log.warn(`bridge ${this.name}: Duplicate controllers "${c.target}".`);
        continue;
      }
      wanted.set(c.target, c);
    }
    const pending: Promise<void>[] = [];
    for (const [target, c] of wanted) {
      const s = this.services.get(target);
      if (s === undefined) pending.push(this.createService(c));
      else this.reconfigureService(s, c);
    }
    for (const s of [...this.services.values()]) {
      if (!wanted.has(s.target)) {
        this.log.info(`${this.name}: removed ${s.type} controller "${s.target}"`);
        await this.destroyService(s);
      }
    }
    await Promise.all(pending);
    this.updateFailOpen();
    const has = this.hasControllers();
    if (had !== has) this.sw.setHasControllers(has);
    this.updateConnected();
  }

  /** Changing the allowed versions re-creates every service (OVS ofservice_reconfigure -EINVAL). */
  async setAllowedVersions(bitmap: number): Promise<void> {
    if (bitmap === this.allowedVersions) return;
    this.allowedVersions = bitmap >>> 0 || TSOVS_VERSIONS;
    const list = [...this.services.values()].map((s) => ({ ...s.settings, type: s.type }));
    for (const s of [...this.services.values()]) await this.destroyService(s);
    await this.setControllers(list);
  }

  /** OVS connmgr_set_fail_mode. */
  setFailMode(mode: FailMode): void {
    if (mode === this.failMode) return;
    this.failMode = mode;
    this.updateFailOpen();
    this.sw.setFailMode(mode);
  }

  private normalize(c: ControllerSettings): Service['settings'] {
    return {
      target: c.target,
      probeIntervalMs: c.probeIntervalMs ?? 5000,
      maxBackoffMs: c.maxBackoffMs ?? 8000,
      rateLimit: c.rateLimit ?? 0,
      burstLimit: c.burstLimit ?? 0,
      enableAsyncMsgs: c.enableAsyncMsgs ?? true,
      maxPktqBytes: c.maxPktqBytes ?? DEFAULT_PKTQ_BYTES,
    };
  }

  private ofconnSettings(s: Service): OfconnSettings {
    return {
      type: s.type,
      enableAsyncMsgs: s.settings.enableAsyncMsgs,
      rateLimit: s.settings.rateLimit,
      burstLimit: s.settings.burstLimit,
      maxPktqBytes: s.settings.maxPktqBytes,
    };
  }

  private async createService(c: ControllerSettings): Promise<void> {
    const r = parseTarget(c.target);
    if (!r.ok) {
      this.log.warn(`${this.name}: unsupported controller "${c.target}"`);
      return;
    }
    const passive = isPassive(r.target);
    const type: OfconnType = c.type ?? (passive ? 'service' : 'primary');
    const s: Service = { target: c.target, type, settings: this.normalize(c), rconn: null, listener: null, conns: new Set(), closed: false };
    this.services.set(c.target, s);
    this.log.info(`${this.name}: added ${type} controller "${c.target}"`);
    if (!passive) {
      s.rconn = Rconn.active(
        c.target,
        {
          name: `${this.name}<->${c.target}`,
          allowedVersions: this.allowedVersions,
          probeIntervalMs: s.settings.probeIntervalMs,
          maxBackoffMs: s.settings.maxBackoffMs,
          clock: this.clock,
          log: this.log,
        },
        {
          connected: (rc) => {
            if (!s.closed && s.conns.size === 0) this.addConn(s, rc);
          },
          message: (rc, msg) => this.dispatch(s, rc, msg),
          disconnected: (rc) => this.dropConn(s, rc),
        },
      );
      return;
    }
    try {
      s.listener = await listenStream(r.target as Parameters<typeof listenStream>[0], (sock, peer) => this.accept(s, sock, peer));
      if (s.closed) await s.listener.close();
    } catch (e) {
      this.log.err(`${this.name}: ${c.target}: listen failed (${(e as Error).message})`);
      this.services.delete(c.target);
    }
  }

  private accept(s: Service, sock: import('node:net').Socket, peer: string): void {
    if (s.closed || this.closed) {
      sock.destroy();
      return;
    }
    const v = new Vconn(sock, peer, this.allowedVersions, this.log);
    let conn: OfConn | null = null;
    Rconn.accepted(
      v,
      {
        name: `${this.name}<->${peer}`,
        allowedVersions: this.allowedVersions,
        probeIntervalMs: s.settings.probeIntervalMs,
        clock: this.clock,
        log: this.log,
      },
      {
        connected: (rc) => {
          conn = this.addConn(s, rc);
        },
        message: (rc, msg) => this.dispatch(s, rc, msg),
        disconnected: () => undefined,
        dead: (rc) => {
          if (conn !== null) this.dropConn(s, rc);
        },
      },
    );
  }

  private reconfigureService(s: Service, c: ControllerSettings): void {
    s.settings = this.normalize(c);
    if (s.rconn) {
      s.rconn.setProbeInterval(s.settings.probeIntervalMs);
      s.rconn.setMaxBackoff(s.settings.maxBackoffMs);
    }
    for (const conn of s.conns) {
      conn.settings = this.ofconnSettings(s);
      conn.setRateLimit(s.settings.rateLimit, s.settings.burstLimit);
      if (!s.rconn) conn.rconn.setProbeInterval(s.settings.probeIntervalMs);
    }
  }

  private async destroyService(s: Service): Promise<void> {
    s.closed = true;
    this.services.delete(s.target);
    for (const c of [...s.conns]) this.removeConn(s, c);
    s.rconn?.destroy();
    if (s.listener) await s.listener.close();
  }

  // --- connections -------------------------------------------------------------------

  private addConn(s: Service, rc: Rconn): OfConn {
    const conn = new OfConn(rc, this.ofconnSettings(s), s.target, this.clock, this.log);
    s.conns.add(conn);
    this.allConns.add(conn);
    this.updateWantMiss(conn);
    this.updateConnected();
    return conn;
  }

  private findConn(s: Service, rc: Rconn): OfConn | undefined {
    for (const c of s.conns) if (c.rconn === rc) return c;
    return undefined;
  }

  private dropConn(s: Service, rc: Rconn): void {
    const c = this.findConn(s, rc);
    if (c) this.removeConn(s, c);
  }

  private removeConn(s: Service, c: OfConn): void {
    s.conns.delete(c);
    this.allConns.delete(c);
    c.bundles.clear();
    c.monitors.clear();
    if (c.rconn !== s.rconn) c.rconn.destroy();
    c.controllerId = 1; // forces it out of the want-miss count (OVS ofconn_destroy)
    this.updateWantMiss(c);
    this.updateConnected();
  }

  private dispatch(s: Service, rc: Rconn, msg: Uint8Array): void {
    const c = this.findConn(s, rc);
    if (c === undefined) return;
    const v = this.sw.version;
    this.failOpen?.maybeRecover();
    handleOpenflow(this, c, msg);
    this.async.flushMonitorUpdates();
    if (this.sw.version !== v) this.revalidateSoon();
  }

  /** Revalidates datapath flows once the current burst of requests is handled (OVS wakes its revalidators on a table change). */
  private revalidateSoon(): void {
    if (this.revalidatePending || this.closed) return;
    this.revalidatePending = true;
    setImmediate(() => {
      this.revalidatePending = false;
      if (!this.closed) this.sw.revalidate();
    });
  }

  /** OVS update_want_packet_in_on_miss, summed over connections into the bridge. */
  updateWantMiss(c: OfConn): void {
    const v = c.rconn.isConnected ? c.rconn.version : 0;
    c.wantPacketInOnMiss = c.controllerId === 0 && (v === 0 || v < 4) && this.allConns.has(c);
    let any = false;
    for (const x of this.allConns) if (x.wantPacketInOnMiss) any = true;
    this.sw.setWantsPacketInOnMiss(any);
  }

  private updateConnected(): void {
    let any = false;
    for (const s of this.services.values()) if (s.type === 'primary' && s.conns.size > 0) any = true;
    this.sw.setControllerConnected(any);
  }

  // --- roles ---------------------------------------------------------------------------

  /** The primary election generation id, or null when none was set. */
  get generationId(): bigint | null {
    return this.electionId;
  }

  /** OVS ofconn_set_primary_election_id: false when `id` is stale (older than the current one). */
  setGenerationId(id: bigint): boolean {
    if (this.electionId !== null && BigInt.asIntN(64, id - this.electionId) < 0n) return false;
    this.electionId = BigInt.asUintN(64, id);
    return true;
  }

  /** OVS ofconn_set_role: a new primary demotes the old one, which gets a role-status. */
  setRole(c: OfConn, role: number): void {
    if (role !== c.role && role === OFPCR12_ROLE_MASTER) {
      for (const other of this.allConns) {
        if (other.role !== OFPCR12_ROLE_MASTER) continue;
        other.role = OFPCR12_ROLE_SLAVE;
        if (other.version >= 4) {
          other.send({ type: OfType.ROLE_STATUS, xid: 0, role: OFPCR12_ROLE_SLAVE, reason: 0, generationId: this.electionId ?? 0xffffffffffffffffn });
        }
      }
    }
    c.role = role;
  }

  // --- fail-open -------------------------------------------------------------------------

  private updateFailOpen(): void {
    if (this.hasControllers() && this.failMode === 'standalone') {
      if (this.failOpen === null) {
        this.failOpen = new FailOpen(
          {
            failureDuration: () => this.failureDuration(),
            maxProbeIntervalSec: () => this.maxProbeIntervalSec(),
            hasControllers: () => this.hasControllers(),
            anyControllerAdmitted: () => this.anyControllerAdmitted(),
            flushFlows: () => this.sw.flush(),
            setFailOpenRule: (on) => this.sw.setFailOpenRule(on),
          },
          this.log,
        );
      }
    } else if (this.failOpen !== null) {
      this.failOpen.destroy();
      this.failOpen = null;
    }
  }

  get failOpenActive(): boolean {
    return this.failOpen?.active ?? false;
  }

  /** OVS connmgr_failure_duration. */
  failureDuration(): number {
    let min = Infinity;
    for (const s of this.services.values()) {
      if (s.type === 'primary' && s.rconn) min = Math.min(min, s.rconn.failureDuration());
    }
    return min === Infinity ? 0 : min;
  }

  private maxProbeIntervalSec(): number {
    let max = 0;
    for (const s of this.services.values()) if (s.type === 'primary') max = Math.max(max, s.settings.probeIntervalMs / 1000);
    return max;
  }

  private anyControllerAdmitted(): boolean {
    for (const c of this.allConns) if (c.type === 'primary' && c.rconn.isAdmitted) return true;
    return false;
  }

  // --- periodic work -------------------------------------------------------------------

  /** OVS connmgr_run's periodic part: bundle expiry, fail-open, rate-limited packet-ins. */
  run(): void {
    if (this.closed) return;
    const now = this.clock.now();
    for (const c of this.allConns) {
      for (const b of bundlesExpire(c.bundles, now)) c.sendError('OFPBFC_TIMEOUT', b.opener);
    }
    const v = this.sw.version;
    this.failOpen?.run();
    if (this.sw.version !== v) this.revalidateSoon();
    this.runSchedulers();
  }

  runSchedulers(): void {
    let wait = -1;
    for (const c of this.allConns) {
      const w = c.runSchedulers();
      if (w >= 0) wait = wait < 0 ? w : Math.min(wait, w);
    }
    if (wait >= 0 && this.pinTimer === null && !this.closed) {
      this.pinTimer = setTimeout(() => {
        this.pinTimer = null;
        this.runSchedulers();
      }, wait);
      this.pinTimer.unref();
    }
  }


  // --- status ------------------------------------------------------------------------------

  /** Status of every configured service (for the Controller table's is_connected, role, status). */
  controllerInfo(): ControllerInfo[] {
    const now = this.clock.now();
    const out: ControllerInfo[] = [];
    for (const s of this.services.values()) {
      const first = s.conns.values().next().value as OfConn | undefined;
      const role = first?.role === OFPCR12_ROLE_MASTER ? 'master' : first?.role === OFPCR12_ROLE_SLAVE ? 'slave' : 'other';
      const rc = s.rconn;
      let dropped = 0;
      for (const c of s.conns) dropped += c.nPacketInsDropped;
      out.push({
        target: s.target,
        type: s.type,
        isConnected: rc ? rc.isConnected : s.conns.size > 0,
        role: first?.role === OFPCR12_ROLE_EQUAL || first === undefined ? 'other' : role,
        state: rc ? rc.state : 'LISTENING',
        lastError: rc ? rc.lastError : null,
        secSinceConnect: rc && rc.lastConnected > -Infinity ? Math.floor((now - rc.lastConnected) / 1000) : null,
        secSinceDisconnect: rc && rc.lastDisconnected > -Infinity ? Math.floor((now - rc.lastDisconnected) / 1000) : null,
        nConnections: s.conns.size,
        packetInsDropped: dropped,
      });
    }
    return out;
  }

  /** The TCP port a ptcp listener bound (for "ptcp:0"), or undefined. */
  listenerPort(target: string): number | undefined {
    return this.services.get(target)?.listener?.port;
  }

  /** Closes every service and connection and stops listening to the bridge. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    if (this.pinTimer !== null) clearTimeout(this.pinTimer);
    for (const u of this.unsubscribe) u();
    for (const s of [...this.services.values()]) await this.destroyService(s);
    this.failOpen = null;
  }
}

