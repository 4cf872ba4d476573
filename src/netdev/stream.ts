/*
 * The `stream` netdev: QEMU's `-netdev stream` wire format (each Ethernet frame preceded
 * by its length as a 4-byte big-endian number) over a unix or TCP stream socket, so a
 * QEMU guest (or anything speaking that format) plugs straight into a tsovs port.
 *
 * Options: path=/run/x.sock (unix) or host=H,port=P (TCP); server=true listens (one peer
 * at a time, like QEMU), else connects as a client and, after losing the connection,
 * reconnects every `reconnect` seconds (default 1, 0 = never). The link is up while a
 * peer is connected.
 */
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Packet } from '../packet/packet.js';
import { SoftNetdev } from './netdev-base.js';
import { registerNetdevType } from './netdev.js';
import { boolOption, checkOptions, intOption, type Options } from './options.js';

const KNOWN = ['path', 'host', 'port', 'server', 'reconnect'] as const;
/** Largest frame accepted from a peer (QEMU's NET_BUFSIZE is 4096 + 65536). */
export const STREAM_MAX_FRAME = 69632;
/** Bytes queued on the socket beyond which frames are dropped instead of buffered. */
const TX_QUEUE_LIMIT = 4 << 20;

export class StreamNetdev extends SoftNetdev {
  /** Called with asynchronous socket errors (listen/connect); default: ignored after counting. */
  onError: ((err: Error) => void) | null = null;
  /** Resolves once listening (server) or at the first connection attempt's outcome (client). */
  readonly ready: Promise<void>;
  private readonly isServer: boolean;
  private readonly reconnectMs: number;
  private readonly target: { path: string } | { host: string; port: number };
  private server: Server | null = null;
  private sock: Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  // receive reassembly
  private acc = Buffer.alloc(1 << 16);
  private accLen = 0;
  // transmit burst
  private txChunk = Buffer.allocUnsafe(1 << 16);
  private txUsed = 0;
  private txScheduled = false;
  private readonly flushFn = (): void => this.flushTx();

  constructor(name: string, options: Options = {}) {
    checkOptions(name, 'stream', options, KNOWN);
    super(name, 'stream', STREAM_MAX_FRAME + 256);
    const path = options['path'];
    if (path !== undefined && path !== '') this.target = { path };
    else if (options['port'] !== undefined) {
      this.target = { host: options['host'] ?? '127.0.0.1', port: intOption(name, options, 'port', 0, 1, 65535) };
    } else throw new Error(`${name}: stream interface needs options:path or options:port`);
    this.isServer = boolOption(name, options, 'server', false);
    this.reconnectMs = intOption(name, options, 'reconnect', 1, 0, 3600) * 1000;
    this.ready = this.isServer ? this.listen() : this.connect();
    this.ready.catch(() => {}); // reported through onError; awaiting it is optional
  }

  private fail(err: Error): void {
    const cb = this.onError;
    if (cb !== null) cb(err);
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const srv = createServer((s) => this.accept(s));
      this.server = srv;
      srv.on('error', (e) => {
        this.fail(e);
        reject(e);
      });
      if ('path' in this.target) {
        const p = this.target.path;
        // A stale socket file from an earlier run would make listen fail.
        if (existsSync(p) && lstatSync(p).isSocket()) unlinkSync(p);
        srv.listen(p, () => resolve());
      } else {
        srv.listen(this.target.port, this.target.host, () => resolve());
      }
    });
  }

  private accept(s: Socket): void {
    if (this.sock !== null || this.closed) {
      s.destroy(); // one peer at a time
      return;
    }
    this.attach(s);
  }

  private connect(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const s = 'path' in this.target ? createConnection(this.target.path) : createConnection(this.target.port, this.target.host);
      s.once('connect', () => {
        this.attach(s);
        resolve();
      });
      s.once('error', (e) => {
        if (this.sock !== s) {
          this.fail(e);
          this.scheduleReconnect();
          resolve();
        }
      });
    });
  }

  private scheduleReconnect(): void {
    if (this.closed || this.isServer || this.reconnectMs === 0 || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, this.reconnectMs);
    this.timer.unref();
  }

  private attach(s: Socket): void {
    this.sock = s;
    this.accLen = 0;
    s.setNoDelay(true);
    s.on('data', (d: Buffer) => this.onData(s, d));
    s.on('error', (e) => this.fail(e));
    s.on('close', () => {
      if (this.sock !== s) return;
      this.sock = null;
      this.txUsed = 0;
      this.setLinkUp(false);
      this.scheduleReconnect();
    });
    this.setLinkUp(true);
  }

  private onData(s: Socket, d: Buffer): void {
    if (this.accLen + d.length > this.acc.length) {
      const bigger = Buffer.alloc(Math.max(this.acc.length * 2, this.accLen + d.length));
      this.acc.copy(bigger, 0, 0, this.accLen);
      this.acc = bigger;
    }
    d.copy(this.acc, this.accLen);
    this.accLen += d.length;
    const a = this.acc;
    let ofs = 0;
    while (this.accLen - ofs >= 4) {
      const len = a.readUInt32BE(ofs);
      if (len > STREAM_MAX_FRAME) {
        this.stats.rxErrors++;
        s.destroy(new Error(`${this.name}: peer sent a frame length of ${len} (protocol error)`));
        return;
      }
      if (this.accLen - ofs - 4 < len) break;
      if (this.rx.add(a, ofs + 4, len) !== null) this.rx.commit();
      ofs += 4 + len;
    }
    if (ofs > 0) {
      a.copy(a, 0, ofs, this.accLen);
      this.accLen -= ofs;
    }
  }

  send(packet: Packet): boolean {
    const s = this.sock;
    if (s === null || s.writableLength > TX_QUEUE_LIMIT) {
      this.stats.txDropped++;
      return false;
    }
    const len = packet.len;
    if (this.txUsed + 4 + len > this.txChunk.length) this.flushTx();
    if (4 + len > this.txChunk.length) this.txChunk = Buffer.allocUnsafe(4 + len);
    const c = this.txChunk;
    c.writeUInt32BE(len, this.txUsed);
    c.set(packet.buf.subarray(packet.start, packet.start + len), this.txUsed + 4);
    this.txUsed += 4 + len;
    this.stats.txPackets++;
    this.stats.txBytes += len;
    if (!this.txScheduled) {
      this.txScheduled = true;
      queueMicrotask(this.flushFn);
    }
    return true;
  }

  private flushTx(): void {
    this.txScheduled = false;
    const s = this.sock;
    if (this.txUsed === 0) return;
    if (s !== null) s.write(Buffer.from(this.txChunk.subarray(0, this.txUsed)));
    this.txUsed = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flushTx();
    this.markClosed();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const s = this.sock;
    this.sock = null;
    if (s !== null) s.end();
    if (this.server !== null) this.server.close();
    this.server = null;
  }
}

registerNetdevType('stream', (name, options) => new StreamNetdev(name, options));
