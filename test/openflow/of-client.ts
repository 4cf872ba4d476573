/*
 * A minimal OpenFlow controller-side client for tests: connects over TCP or a Unix socket,
 * exchanges hellos, then sends messages (encoded by the codec) and waits for replies or
 * asynchronous messages. Echo requests from the switch are answered unless told not to.
 */
import * as net from 'node:net';
import {
  decodeMessage,
  encodeMessage,
  isDecodeError,
  OfFramer,
  isFramerError,
  OfType,
  type OfMessage,
} from '../../src/openflow/codec/index.js';
import { bitmapVersions, highestVersion } from '../../src/openflow/conn/of-wire.js';

export type Where = { port: number; host?: string } | { path: string };

/** How long to wait for a message that must come: generous, for a loaded machine (only a failure waits this long). */
const WAIT_MS = 10000;

export class OfClient {
  version = 0;
  readonly sock: net.Socket;
  private readonly framer = new OfFramer();
  private readonly queue: Array<{ msg: OfMessage | null; raw: Uint8Array }> = [];
  private waiters: Array<() => void> = [];
  private nextXid = 0x1000;
  /** Answer the switch's echo requests (inactivity probes). */
  answerEcho = true;
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(sock: net.Socket) {
    this.sock = sock;
    let resolveClosed!: () => void;
    this.closedPromise = new Promise((r) => (resolveClosed = r));
    sock.on('data', (b: Buffer) => this.onData(b));
    sock.on('close', () => {
      this.closed = true;
      resolveClosed();
      this.wake();
    });
    sock.on('error', () => undefined);
  }

  /** Connects and negotiates; `versions` is a bitmap (default 1.0 only, like ovs-ofctl). */
  static async connect(where: Where, versions = 1 << 1): Promise<OfClient> {
    const sock = 'path' in where ? net.connect(where.path) : net.connect(where.port, where.host ?? '127.0.0.1');
    await new Promise<void>((res, rej) => {
      sock.once('connect', () => res());
      sock.once('error', rej);
    });
    const c = new OfClient(sock);
    const top = highestVersion(versions);
    const contiguous = versions === (((1 << (top + 1)) - 1) & ~1);
    c.sendRaw(encodeMessage({ type: OfType.HELLO, xid: 1, versions: contiguous ? null : bitmapVersions(versions) }, top));
    const hello = await c.recvRaw(WAIT_MS);
    if (hello[1] !== 0) throw new Error(`expected hello, got type ${hello[1]}`);
    const peer = decodeMessage(hello);
    let peerBits = 0;
    if (!isDecodeError(peer) && peer.type === OfType.HELLO && peer.versions !== null) for (const v of peer.versions) peerBits |= 1 << v;
    else peerBits = ((1 << (hello[0]! + 1)) - 1) & ~1;
    c.version = highestVersion(peerBits & versions);
    return c;
  }

  private onData(b: Uint8Array): void {
    this.framer.push(b);
    for (;;) {
      const m = this.framer.next();
      if (m === null) break;
      if (isFramerError(m)) {
        this.sock.destroy();
        break;
      }
      const d = decodeMessage(m);
      const msg = isDecodeError(d) ? null : d;
      if (msg !== null && msg.type === OfType.ECHO_REQUEST && this.answerEcho && this.version !== 0) {
        this.sendRaw(encodeMessage({ type: OfType.ECHO_REPLY, xid: msg.xid, data: msg.data }, m[0]!));
        continue;
      }
      this.queue.push({ msg, raw: m });
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  xid(): number {
    return this.nextXid++;
  }

  sendRaw(b: Uint8Array): void {
    if (!this.sock.destroyed) this.sock.write(b);
  }

  send(msg: OfMessage): void {
    this.sendRaw(encodeMessage(msg, this.version));
  }

  /** The next raw message (any type). */
  async recvRaw(timeoutMs = WAIT_MS): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = this.queue.shift();
      if (e) return e.raw;
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timeout waiting for a message');
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  /** The next message matching `pred`; others before it are dropped, or pushed to `skipped`. */
  async recvWhere(pred: (m: OfMessage) => boolean, timeoutMs = WAIT_MS, skipped?: OfMessage[]): Promise<OfMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const raw = await this.recvRaw(Math.max(1, deadline - Date.now()));
      const d = decodeMessage(raw);
      if (isDecodeError(d)) continue;
      if (pred(d)) return d;
      skipped?.push(d);
    }
  }

  async recv(type: number, timeoutMs = WAIT_MS): Promise<OfMessage> {
    return this.recvWhere((m) => m.type === type, timeoutMs);
  }

  /** Sends `msg` with a fresh xid and returns the first reply or error with that xid. */
  async request(msg: OfMessage, timeoutMs = WAIT_MS): Promise<OfMessage> {
    const xid = this.xid();
    this.send({ ...msg, xid } as OfMessage);
    return this.recvWhere((m) => m.xid === xid, timeoutMs);
  }

  /** All messages received within `ms` (for asserting that nothing arrives). */
  async drain(ms: number): Promise<OfMessage[]> {
    await new Promise((r) => setTimeout(r, ms));
    const out: OfMessage[] = [];
    for (const e of this.queue.splice(0)) if (e.msg) out.push(e.msg);
    return out;
  }

  /** Sends a barrier and waits for its reply; returns the messages that arrived before it. */
  async barrier(): Promise<OfMessage[]> {
    const xid = this.xid();
    const before: OfMessage[] = [];
    this.send({ type: OfType.BARRIER_REQUEST, xid });
    const r = await this.recvWhere((m) => m.xid === xid, WAIT_MS, before);
    if (r.type !== OfType.BARRIER_REPLY) throw new Error(`barrier: got type ${r.type}`);
    return before;
  }

  close(): void {
    this.sock.destroy();
  }
}
