/*
 * A reliable or unreliable OpenFlow connection (OVS lib/rconn.c).
 *
 * Reliable (an active target, "tcp:..." / "unix:..."): connects, and after a failure or a
 * disconnection waits and reconnects with exponential backoff, 1 s doubling up to
 * max_backoff (default 8 s); the backoff starts over when the last connection lasted
 * longer than the backoff. Unreliable (a connection accepted by a listener): once
 * disconnected it stays so.
 *
 * Both send inactivity probes: after probe_interval with nothing received (or sent) an echo
 * request goes out (state IDLE); if nothing arrives within another probe_interval the
 * connection is dropped ("no response to inactivity probe"). Admission (the controller
 * sent something beyond the handshake, or 30 s passed) feeds fail-open's failure duration.
 */
import { systemClock, type Clock } from '../../util/clock.js';
import { encodeEchoRequest } from './of-wire.js';
import { connectStream } from './stream.js';
import { parseTarget, isPassive, type ActiveTarget } from './target.js';
import { silentLog, Vconn, type ConnLog } from './vconn.js';

export type RconnState = 'VOID' | 'BACKOFF' | 'CONNECTING' | 'ACTIVE' | 'IDLE' | 'DISCONNECTED';

export interface RconnOptions {
  /** Name for logs, e.g. "br0<->tcp:127.0.0.1:6653". */
  readonly name: string;
  /** Bitmap of allowed OpenFlow versions. */
  readonly allowedVersions: number;
  /** Inactivity probe interval in ms; 0 disables probing. */
  readonly probeIntervalMs: number;
  /** Longest wait between reconnection attempts, ms (OVS default 8 s). */
  readonly maxBackoffMs?: number;
  readonly clock?: Clock;
  readonly log?: ConnLog;
}

export interface RconnHandlers {
  connected(rc: Rconn): void;
  message(rc: Rconn, msg: Uint8Array): void;
  disconnected(rc: Rconn, error: string | null): void;
  /** An unreliable connection is gone for good (also after a failed handshake). */
  dead?(rc: Rconn): void;
}

/** Header types that do not show the controller accepted us (OVS is_admitted_msg). */
function isAdmittedMsg(m: Uint8Array): boolean {
  const t = m[1]!;
  return t > 9; // hello, error, echo, vendor, features, get/set config are handshake traffic
}

export class Rconn {
  state: RconnState = 'VOID';
  version = 0;
  lastError: string | null = null;
  /** Clock ms; -Infinity when never. */
  lastConnected = -Infinity;
  lastDisconnected = -Infinity;
  private lastAdmitted: number;
  private probablyAdmitted = false;
  private stateEntered: number;
  private lastActivity: number;
  private backoff = 0;
  private backoffDeadline = Infinity;
  private vconn: Vconn | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private handlers: RconnHandlers | null = null;
  private readonly clock: Clock;
  private readonly log: ConnLog;
  private destroyed = false;
  probeIntervalMs: number;
  maxBackoffMs: number;

  private constructor(
    readonly opts: RconnOptions,
    /** The active target (reliable) or null (unreliable). */
    readonly target: ActiveTarget | null,
    readonly targetName: string,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLog;
    this.probeIntervalMs = opts.probeIntervalMs;
    this.maxBackoffMs = Math.max(1000, opts.maxBackoffMs ?? 8000);
    const now = this.clock.now();
    this.stateEntered = now;
    this.lastActivity = now;
    this.lastAdmitted = now;
  }

  /** A reliable connection to `target` ("tcp:IP[:PORT]" or "unix:PATH"); throws on a bad name. */
  static active(target: string, opts: RconnOptions, handlers: RconnHandlers): Rconn {
    const r = parseTarget(target);
    if (!r.ok) throw new Error(r.error);
    if (isPassive(r.target)) throw new Error(`${target}: not an active connection target`);
    const rc = new Rconn(opts, r.target, target);
    rc.handlers = handlers;
    rc.reconnect();
    return rc;
  }

  /** An unreliable connection over an accepted stream (its Vconn already says hello). */
  static accepted(vconn: Vconn, opts: RconnOptions, handlers: RconnHandlers): Rconn {
    const rc = new Rconn(opts, null, vconn.name);
    rc.handlers = handlers;
    rc.attach(vconn);
    return rc;
  }

  get name(): string {
    return this.opts.name;
  }

  /** OVS rconn_logging_connection_attempts__: quiet once retries are at the longest backoff. */
  private get logAttempts(): boolean {
    return this.backoff < this.maxBackoffMs;
  }

  get reliable(): boolean {
    return this.target !== null;
  }

  get isConnected(): boolean {
    return this.state === 'ACTIVE' || this.state === 'IDLE';
  }

  /** Connected, or (reliable) trying to be (OVS rconn_is_alive). */
  get isAlive(): boolean {
    return this.state !== 'VOID' && this.state !== 'DISCONNECTED';
  }

  /** Connected and the peer has shown it accepted us. */
  get isAdmitted(): boolean {
    return this.isConnected && this.lastAdmitted >= this.lastConnected;
  }

  /** Seconds since the peer last was admitted (0 while it is). */
  failureDuration(): number {
    return this.isAdmitted ? 0 : Math.floor((this.clock.now() - this.lastAdmitted) / 1000);
  }

  /** Bytes waiting to be written. */
  get txBacklog(): number {
    return this.vconn?.txBacklog ?? 0;
  }

  private transition(s: RconnState): void {
    this.state = s;
    this.stateEntered = this.clock.now();
    this.schedule();
  }

  private reconnect(): void {
    if (this.destroyed || this.target === null) return;
    if (this.logAttempts) this.log.info(`${this.name}: connecting...`);
    const sock = connectStream(this.target);
    const v = new Vconn(sock, this.targetName, this.opts.allowedVersions, this.log, true);
    this.backoffDeadline = this.clock.now() + this.backoff;
    this.attach(v);
  }

  private attach(v: Vconn): void {
    this.vconn = v;
    v.setHandlers({
      connected: (vc) => {
        if (vc !== this.vconn) return;
        this.version = vc.version;
        this.lastConnected = this.clock.now();
        this.lastActivity = this.lastConnected;
        this.probablyAdmitted = false;
        if (this.reliable) this.log.info(`${this.name}: connected`);
        this.transition('ACTIVE');
        this.handlers?.connected(this);
      },
      message: (vc, msg) => {
        if (vc !== this.vconn) return;
        const now = this.clock.now();
        if (this.probablyAdmitted || isAdmittedMsg(msg) || now - this.lastConnected >= 30000) {
          this.probablyAdmitted = true;
          this.lastAdmitted = now;
        }
        this.lastActivity = now;
        if (this.state === 'IDLE') this.transition('ACTIVE');
        this.handlers?.message(this, msg);
      },
      closed: (vc, error) => {
        if (vc !== this.vconn) return;
        if (error !== null && (this.isConnected || this.logAttempts)) {
          this.log.info(`${this.name}: ${this.isConnected ? 'connection dropped' : 'connection failed'} (${error})`);
        }
        this.disconnect(error);
      },
    });
    this.transition('CONNECTING');
  }

  /** OVS rconn disconnect(): closes the vconn and backs off (reliable) or stops. */
  private disconnect(error: string | null): void {
    const wasUp = this.state === 'CONNECTING' || this.state === 'ACTIVE' || this.state === 'IDLE';
    const wasConnected = this.isConnected;
    this.lastError = error;
    const v = this.vconn;
    this.vconn = null;
    if (v) v.close(error);
    const now = this.clock.now();
    if (this.reliable && !this.destroyed) {
      if (wasUp) this.lastDisconnected = now;
      if (now >= this.backoffDeadline) {
        this.backoff = 1000;
      } else if (this.backoff < this.maxBackoffMs / 2) {
        this.backoff = Math.max(1000, 2 * this.backoff);
        this.log.info(`${this.name}: waiting ${this.backoff / 1000} seconds before reconnect`);
      } else {
        if (this.logAttempts) this.log.info(`${this.name}: continuing to retry connections in the background but suppressing further logging`);
        this.backoff = this.maxBackoffMs;
      }
      this.backoffDeadline = now + this.backoff;
      this.transition('BACKOFF');
    } else {
      this.lastDisconnected = now;
      this.transition('DISCONNECTED');
    }
    if (wasConnected) this.handlers?.disconnected(this, error);
    if (!this.reliable) this.handlers?.dead?.(this);
  }

  /** Milliseconds from state entry until the state times out (OVS timeout_<STATE>). */
  private timeout(): number {
    switch (this.state) {
      case 'BACKOFF':
        return this.backoff;
      case 'CONNECTING':
        return Math.max(1000, this.backoff);
      case 'ACTIVE':
        if (!this.probeIntervalMs) return Infinity;
        return Math.max(this.lastActivity, this.stateEntered) + this.probeIntervalMs - this.stateEntered;
      case 'IDLE':
        return this.probeIntervalMs || Infinity;
      default:
        return Infinity;
    }
  }

  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.destroyed) return;
    const t = this.timeout();
    if (t === Infinity) return;
    const wait = Math.max(0, this.stateEntered + t - this.clock.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, wait + 1);
    this.timer.unref();
  }

  /** Acts on timeouts (OVS rconn_run); called by the timer, callable by tests. */
  run(): void {
    if (this.destroyed) return;
    const now = this.clock.now();
    const t = this.timeout();
    if (now < this.stateEntered + t) {
      this.schedule();
      return;
    }
    switch (this.state) {
      case 'BACKOFF':
        this.reconnect();
        break;
      case 'CONNECTING':
        if (this.logAttempts) this.log.info(`${this.name}: connection timed out`);
        this.backoffDeadline = Infinity;
        this.disconnect('ETIMEDOUT');
        break;
      case 'ACTIVE': {
        const idle = Math.floor((now - Math.max(this.lastActivity, this.stateEntered)) / 1000);
        this.log.dbg(`${this.name}: idle ${idle} seconds, sending inactivity probe`);
        this.transition('IDLE');
        this.vconn?.send(encodeEchoRequest(this.version, 0));
        break;
      }
      case 'IDLE':
        this.log.err(
          `${this.name}: no response to inactivity probe after ${Math.floor((now - this.stateEntered) / 1000)} seconds, disconnecting`,
        );
        this.disconnect('ETIMEDOUT');
        break;
      default:
        break;
    }
  }

  /** Sends one message; false when not connected (the message is dropped). */
  send(msg: Uint8Array): boolean {
    if (!this.isConnected || this.vconn === null) return false;
    this.lastActivity = this.clock.now();
    return this.vconn.send(msg);
  }

  setProbeInterval(ms: number): void {
    this.probeIntervalMs = ms;
    this.schedule();
  }

  setMaxBackoff(ms: number): void {
    this.maxBackoffMs = Math.max(1000, ms);
    if (this.state === 'BACKOFF' && this.backoff > this.maxBackoffMs) {
      this.backoff = this.maxBackoffMs;
      this.schedule();
    }
  }

  /** Drops the connection so a reliable rconn reconnects (OVS rconn_reconnect). */
  reconnectNow(): void {
    if (this.isConnected || this.state === 'CONNECTING') this.disconnect(null);
  }

  /** Closes for good. */
  destroy(): void {
    if (this.destroyed) return;
    const wasConnected = this.isConnected;
    this.destroyed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const v = this.vconn;
    this.vconn = null;
    v?.close(null);
    this.state = 'VOID';
    if (wasConnected) this.handlers?.disconnected(this, null);
  }
}
