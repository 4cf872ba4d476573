/*
 * One OpenFlow connection over a byte stream (OVS struct vconn): sends a hello announcing
 * the allowed versions as soon as the stream is up, negotiates the highest common version
 * from the peer's hello (version bitmap or header version), answers a failed negotiation
 * with OFPHFC_INCOMPATIBLE ("We support ..., you support ..., no common versions.") and
 * closes; afterwards splits the stream into messages, rejecting those of another version
 * with OFPBRC_BAD_VERSION (hello, error and echo excepted). A malformed stream (length
 * below 8, message before hello) closes the connection cleanly.
 */
import type * as net from 'node:net';
import {
  bitmapToString,
  decodeHelloVersions,
  encodeErrorReply,
  encodeHelloFailed,
  encodeHelloMsg,
  isFramerError,
  OfFramer,
  highestVersion,
  OFPT_ECHO_REPLY,
  OFPT_ECHO_REQUEST,
  OFPT_ERROR,
  OFPT_HELLO,
} from './of-wire.js';
import { coverageCounter } from '../../util/coverage.js';

const COV_OPEN = coverageCounter('vconn_open');
const COV_RECEIVED = coverageCounter('vconn_received');
const COV_SENT = coverageCounter('vconn_sent');

/** Where connection code logs (a vlog module fits). */
export interface ConnLog {
  info(msg: string): void;
  warn(msg: string): void;
  err(msg: string): void;
  dbg(msg: string): void;
}

export const silentLog: ConnLog = { info: () => undefined, warn: () => undefined, err: () => undefined, dbg: () => undefined };

export interface VconnHandlers {
  /** Version negotiation succeeded. */
  connected(v: Vconn): void;
  /** One whole message of the negotiated version (or hello / error / echo of any version). */
  message(v: Vconn, msg: Uint8Array): void;
  /** The connection is gone; `error` is null for an orderly close by the peer or by us. */
  closed(v: Vconn, error: string | null): void;
}

export type VconnState = 'connecting' | 'hello' | 'connected' | 'closed';

/** Bytes queued for sending above which reading stops until the peer catches up. */
const TX_HIGH_WATER = 4 << 20;

export class Vconn {
  state: VconnState;
  /** Negotiated version (0 until connected). */
  version = 0;
  peerVersions = 0;
  /** Why the connection closed (null: orderly). */
  error: string | null = null;
  private readonly framer = new OfFramer();
  private handlers: VconnHandlers | null = null;
  private paused = false;
  private helloXid = 0;

  constructor(
    readonly sock: net.Socket,
    readonly name: string,
    readonly allowedVersions: number,
    readonly log: ConnLog = silentLog,
    /** The socket is still connecting (active open): wait for 'connect' before the hello. */
    connecting = false,
  ) {
    this.state = connecting ? 'connecting' : 'hello';
    if (connecting) COV_OPEN.count++; // OVS counts active opens (vconn_open), not accepted ones
    sock.on('data', (chunk: Buffer) => this.onData(chunk));
    sock.on('error', (e: NodeJS.ErrnoException) => this.fail(e.code ?? e.message));
    sock.on('close', () => this.fail(null));
    // The peer is done sending: answer what it sent, then close (replies are flushed first).
    sock.on('end', () => this.close(null));
    sock.on('drain', () => this.maybeResume());
    if (connecting) sock.once('connect', () => this.start());
    else queueMicrotask(() => this.start());
  }

  /** Starts delivering events (set once, right after construction). */
  setHandlers(h: VconnHandlers): void {
    this.handlers = h;
  }

  private start(): void {
    if (this.state === 'closed') return;
    this.state = 'hello';
    this.write(encodeHelloMsg(this.allowedVersions, this.helloXid));
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  get isConnected(): boolean {
    return this.state === 'connected';
  }

  /** Bytes accepted for sending but not yet written to the socket. */
  get txBacklog(): number {
    return this.sock.writableLength;
  }

  private write(b: Uint8Array): boolean {
    if (this.state === 'closed' || this.sock.destroyed) return false;
    COV_SENT.count++;
    this.sock.write(b);
    if (!this.paused && this.sock.writableLength > TX_HIGH_WATER) {
      this.paused = true;
      this.sock.pause();
    }
    return true;
  }

  private maybeResume(): void {
    if (this.paused && this.sock.writableLength <= TX_HIGH_WATER / 2) {
      this.paused = false;
      if (this.state !== 'closed') this.sock.resume();
    }
  }

  /** Sends one encoded message; false when the connection is not up. */
  send(msg: Uint8Array): boolean {
    if (this.state !== 'connected') return false;
    return this.write(msg);
  }

  private onData(chunk: Uint8Array): void {
    if (this.state === 'closed') return;
    this.framer.push(chunk);
    for (;;) {
      if (this.isClosed()) return;
      const m = this.framer.next();
      if (m === null) return;
      if (isFramerError(m)) {
        this.log.err(`${this.name}: ${m.detail}`);
        this.close('EPROTO');
        return;
      }
      COV_RECEIVED.count++;
      if (this.state === 'hello') this.recvHello(m);
      else this.recv(m);
    }
  }

  private recvHello(m: Uint8Array): void {
    if (m[1] !== OFPT_HELLO) {
      this.log.warn(`${this.name}: received message while expecting hello`);
      this.close('EPROTO');
      return;
    }
    const { bitmap, ok } = decodeHelloVersions(m);
    if (!ok) this.log.warn(`${this.name}: unknown data in hello`);
    this.peerVersions = bitmap;
    const common = (bitmap & this.allowedVersions) >>> 0;
    const local = bitmapToString(this.allowedVersions);
    const peer = bitmapToString(bitmap);
    if (common === 0) {
      this.version = highestVersion(bitmap);
      this.log.warn(`${this.name}: version negotiation failed (we support ${local}, peer supports ${peer})`);
      this.write(encodeHelloFailed(`We support ${local}, you support ${peer}, no common versions.`, this.version || 1));
      this.close('EPROTO');
      return;
    }
    this.version = highestVersion(common);
    this.state = 'connected';
    this.log.dbg(`${this.name}: negotiated OpenFlow version 0x0${this.version} (we support ${local}, peer supports ${peer})`);
    this.handlers?.connected(this);
  }

  private recv(m: Uint8Array): void {
    const type = m[1]!;
    if (m[0] !== this.version && type !== OFPT_HELLO && type !== OFPT_ERROR && type !== OFPT_ECHO_REQUEST && type !== OFPT_ECHO_REPLY) {
      this.log.err(`${this.name}: received OpenFlow version 0x${m[0]!.toString(16).padStart(2, '0')} != expected 0${this.version}`);
      this.write(encodeErrorReply('OFPBRC_BAD_VERSION', m));
      return;
    }
    this.handlers?.message(this, m);
  }

  private fail(error: string | null): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.error = error;
    if (!this.sock.destroyed) this.sock.destroy();
    this.handlers?.closed(this, error);
  }

  /**
   * Closes the connection after what was already sent is flushed (OVS vconn_close).
   * `error` is recorded as the reason (null: orderly).
   */
  close(error: string | null = null): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.error = error;
    const sock = this.sock;
    if (!sock.destroyed) {
      sock.end();
      // A peer that never reads must not keep the socket alive.
      const t = setTimeout(() => sock.destroy(), 1000);
      t.unref();
      sock.once('close', () => clearTimeout(t));
    }
    this.handlers?.closed(this, error);
  }
}
