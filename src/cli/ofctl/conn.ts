/*
 * ovs-ofctl's side of an OpenFlow connection: opening a switch by bridge name
 * (<rundir>/<bridge>.mgmt, as OVS open_vconn__) or by target (tcp:HOST:PORT, unix:PATH),
 * hello negotiation (the connection layer's Vconn), and the request patterns ovs-ofctl uses:
 * transact (one reply), transact-noreply (requests followed by a barrier; an error reply is
 * returned), dump (multipart replies until the last), and receive for monitor. Transaction
 * ids come from one counter per process, as in OVS, so header lines print the same xids.
 */
import type * as net from 'node:net';
import * as path from 'node:path';
import { OfType, decodeMessage, encodeMessage, isDecodeError, type EncodeOptions, type OfMessage } from '../../openflow/codec/index.js';
import { encodeEchoReply, headerXid, OFPT_ECHO_REQUEST, OFPT_ERROR } from '../../openflow/conn/of-wire.js';
import { connectStream } from '../../openflow/conn/stream.js';
import { parseTarget, isPassive, type ActiveTarget } from '../../openflow/conn/target.js';
import { silentLog, Vconn, type ConnLog } from '../../openflow/conn/vconn.js';
import { CliError } from '../cli-util.js';

const ERRNO: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ECONNREFUSED: 'Connection refused',
  EACCES: 'Permission denied',
  ETIMEDOUT: 'Connection timed out',
  EPIPE: 'Broken pipe',
  ECONNRESET: 'Connection reset by peer',
  ENOTSOCK: 'Socket operation on non-socket',
  EPROTO: 'Protocol error',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ENOTDIR: 'Not a directory',
  EINVAL: 'Invalid argument',
  ENAMETOOLONG: 'File name too long',
  EOF: 'End of file',
};

export function strerror(code: string | null | undefined): string {
  if (!code) return 'End of file';
  return ERRNO[code] ?? code;
}

let xidCounter = 1;

/** The next transaction id (OVS alloc_xid). */
export function nextXid(): number {
  const x = xidCounter;
  xidCounter = (xidCounter + 1) >>> 0;
  return x;
}

/** Restarts the xid sequence (each tool run starts at 1, as a fresh ovs-ofctl process). */
export function resetXids(): void {
  xidCounter = 1;
}

export interface OpenOptions {
  /** Bitmap of allowed versions (bit v for wire version v). */
  versions: number;
  rundir: string;
  /** Where connection warnings go (OVS logs them to the console). */
  log?: ConnLog;
}

/** The multipart "more" flag of a statistics reply. */
export function mpMore(b: Uint8Array): boolean {
  return b.length >= 12 && ((b[10]! << 8) | b[11]!) & 1 ? true : false;
}

function isStatsReply(b: Uint8Array): boolean {
  return b[0] === 1 ? b[1] === 17 : b[1] === 19;
}

export class OfConnection {
  private readonly queue: Uint8Array[] = [];
  private waiter: (() => void) | null = null;
  private closedError: string | null | undefined = undefined;

  private constructor(
    private readonly vconn: Vconn,
    /** The vconn name ("unix:/run/tsovs/br0.mgmt", "tcp:127.0.0.1:6653"). */
    readonly name: string,
  ) {}

  get version(): number {
    return this.vconn.version;
  }

  /** Opens `switchName` as ovs-ofctl does; throws CliError with OVS's messages. */
  static async open(switchName: string, o: OpenOptions): Promise<OfConnection> {
    if (switchName.includes(':')) {
      const t = parseTarget(switchName);
      if (!t.ok || isPassive(t.target)) throw new CliError(`connecting to ${switchName} (${strerror('EAFNOSUPPORT')})`);
      const r = await connectTarget(t.target);
      if (typeof r === 'string') throw new CliError(`connecting to ${switchName} (${strerror(r)})`);
      return OfConnection.negotiate(r, switchName, switchName, o);
    }
    const at = switchName.indexOf('@');
    const dpName = at >= 0 ? switchName.slice(at + 1) : switchName;
    for (const p of [switchName, path.join(o.rundir, `${switchName}.mgmt`), path.join(o.rundir, `${dpName}.mgmt`)]) {
      const r = await connectTarget({ kind: 'unix', path: p });
      if (r === 'ENOENT') continue;
      if (typeof r === 'string') throw new CliError(`${p}: failed to open socket (${strerror(r)})`);
      return OfConnection.negotiate(r, `unix:${p}`, switchName, o);
    }
    throw new CliError(`${switchName} is not a bridge or a socket`);
  }

  private static negotiate(sock: net.Socket, vconnName: string, userName: string, o: OpenOptions): Promise<OfConnection> {
    nextXid(); // the hello's
    return new Promise((resolve, reject) => {
      const v = new Vconn(sock, vconnName, o.versions >>> 0, o.log ?? silentLog);
      let c: OfConnection | null = null;
      v.setHandlers({
        connected: () => {
          c = new OfConnection(v, vconnName);
          resolve(c);
        },
        message: (_v, msg) => c?.onMessage(msg),
        closed: (_v, error) => {
          if (c) c.onClosed(error);
          else reject(new CliError(`${userName}: failed to connect to socket (${strerror(error ?? 'EPROTO')})`));
        },
      });
    });
  }

  private onMessage(msg: Uint8Array): void {
    if (msg[1] === OFPT_ECHO_REQUEST) this.vconn.send(encodeEchoReply(msg));
    this.queue.push(msg);
    this.wake();
  }

  private onClosed(error: string | null): void {
    this.closedError = error;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Encodes `msg` with a fresh xid for this connection's version. */
  encode(msg: OfMessage, opts: EncodeOptions = {}): Uint8Array {
    return encodeMessage({ ...msg, xid: nextXid() } as OfMessage, this.version, opts);
  }

  /** Sends an encoded message. */
  send(b: Uint8Array): void {
    if (this.closedError !== undefined || !this.vconn.send(b)) throw new CliError(`failed to send packet to switch (${strerror(this.closedError ?? 'EPIPE')})`);
  }

  /** The next message from the switch (echo requests included; they are answered already). */
  async recv(): Promise<Uint8Array> {
    for (;;) {
      const m = this.queue.shift();
      if (m) return m;
      if (this.closedError !== undefined) throw new CliError(`OpenFlow receive failed (${strerror(this.closedError ?? 'EOF')})`);
      await new Promise<void>((r) => (this.waiter = r));
    }
  }

  /** The next message whose xid is `xid` (others are dropped, as OVS's vconn_recv_xid). */
  async recvXid(xid: number): Promise<Uint8Array> {
    for (;;) {
      const m = await this.recv();
      if (headerXid(m) === xid && m[1] !== OFPT_ECHO_REQUEST) return m;
    }
  }

  /** Sends `request` and returns its reply (OVS vconn_transact). */
  async transact(request: Uint8Array): Promise<Uint8Array> {
    this.send(request);
    return this.recvXid(headerXid(request));
  }

  /**
   * Sends `requests` then a barrier; returns the first error reply to one of them, or null
   * once the barrier reply arrives (OVS vconn_transact_multiple_noreply).
   */
  async transactNoReply(requests: readonly Uint8Array[]): Promise<Uint8Array | null> {
    const xids = new Set<number>();
    for (const r of requests) {
      xids.add(headerXid(r));
      this.send(r);
    }
    const barrier = this.encode({ type: OfType.BARRIER_REQUEST, xid: 0 });
    const bx = headerXid(barrier);
    this.send(barrier);
    for (;;) {
      const m = await this.recv();
      const x = headerXid(m);
      if (x === bx) return null;
      if (xids.has(x) && m[1] === OFPT_ERROR) return m;
    }
  }

  /**
   * Sends a statistics request and collects the replies with its xid until the last part
   * (or an error, which ends the list). `onReply` sees each as it arrives.
   */
  async dump(request: Uint8Array, onReply?: (m: Uint8Array) => void): Promise<Uint8Array[]> {
    const xid = headerXid(request);
    this.send(request);
    const out: Uint8Array[] = [];
    for (;;) {
      const m = await this.recvXid(xid);
      out.push(m);
      onReply?.(m);
      if (m[1] === OFPT_ERROR) return out;
      if (!isStatsReply(m)) return out;
      if (!mpMore(m)) return out;
    }
  }

  /** A bundle control request and its reply (errors with other xids are collected). */
  private async bundleControl(ctrlType: number, flags: number, errors: Uint8Array[]): Promise<string | null> {
    const req = this.encode({ type: OfType.BUNDLE_CONTROL, xid: 0, bundleId: 0, ctrlType, flags });
    const xid = headerXid(req);
    this.send(req);
    for (;;) {
      const m = await this.recv();
      if (headerXid(m) !== xid) {
        if (m[1] === OFPT_ERROR) errors.push(m);
        continue;
      }
      if (m[1] === OFPT_ERROR) {
        errors.push(m);
        return 'EPROTO';
      }
      const d = decodeMessage(m);
      if (isDecodeError(d) || d.type !== OfType.BUNDLE_CONTROL || d.ctrlType !== ctrlType + 1 || d.bundleId !== 0) return 'EPROTO';
      return null;
    }
  }

  /**
   * Sends `requests` in one atomic, ordered bundle (OVS vconn_bundle_transact): open, add
   * each (carrying the request's xid), barrier, then commit if no error arrived, else
   * discard. Returns the error replies and an errno name (null on success).
   */
  async bundleTransact(requests: readonly Uint8Array[], flags: number): Promise<{ errors: Uint8Array[]; error: string | null }> {
    const errors: Uint8Array[] = [];
    let error = await this.bundleControl(0, flags, errors);
    if (error) return { errors, error };
    for (const r of requests) {
      this.send(encodeMessage({ type: OfType.BUNDLE_ADD_MESSAGE, xid: headerXid(r), bundleId: 0, flags, message: r }, this.version));
    }
    const barrier = this.encode({ type: OfType.BARRIER_REQUEST, xid: 0 });
    const bx = headerXid(barrier);
    this.send(barrier);
    for (;;) {
      const m = await this.recv();
      if (headerXid(m) === bx) break;
      if (m[1] === OFPT_ERROR) errors.push(m);
    }
    if (errors.length) error = 'EPROTO';
    if (!error) error = await this.bundleControl(4, flags, errors);
    else await this.bundleControl(6, flags, errors);
    return { errors, error };
  }

  close(): void {
    this.vconn.close(null);
  }
}

/** Connects a stream; resolves the socket or the errno name. */
function connectTarget(t: ActiveTarget): Promise<net.Socket | string> {
  return new Promise((resolve) => {
    const sock = connectStream(t);
    const onError = (e: NodeJS.ErrnoException): void => {
      sock.destroy();
      resolve(e.code ?? 'EIO');
    };
    sock.once('error', onError);
    sock.once('connect', () => {
      sock.off('error', onError);
      resolve(sock);
    });
  });
}
