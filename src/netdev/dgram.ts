/*
 * The `dgram` netdev: QEMU's `-netdev dgram` (one Ethernet frame per datagram, no header).
 *   unix:  local_path=/run/a.sock, remote_path=/run/b.sock  (unix datagram sockets; these
 *          need the native addon, Node has no unix datagram sockets)
 *   inet:  local_host=H (default 0.0.0.0), local_port=P, remote_host=H, remote_port=P (UDP)
 * The link is up while the socket is open (datagrams have no peer state).
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Packet } from '../packet/packet.js';
import { FdNetdev } from './fd-netdev.js';
import { SoftNetdev } from './netdev-base.js';
import { registerNetdevType } from './netdev.js';
import { checkOptions, intOption, type Options } from './options.js';

const KNOWN = ['local_path', 'remote_path', 'local_host', 'local_port', 'remote_host', 'remote_port'] as const;

/** Unix datagram sockets through the native addon (batched like a system port). */
export class UnixDgramNetdev extends FdNetdev {
  constructor(name: string, localPath: string, remotePath: string) {
    super(name, 'dgram');
    this.attach(this.addon.openUnixDgram(localPath, remotePath));
    this.setLinkUp(true);
  }
}

/** UDP datagrams through Node's dgram. */
export class InetDgramNetdev extends SoftNetdev {
  onError: ((err: Error) => void) | null = null;
  /** Resolves once the socket is bound. */
  readonly ready: Promise<void>;
  private readonly sock: Socket;

  constructor(
    name: string,
    localHost: string,
    localPort: number,
    private readonly remoteHost: string,
    private readonly remotePort: number,
  ) {
    super(name, 'dgram');
    this.sock = createSocket({ type: localHost.includes(':') ? 'udp6' : 'udp4' });
    this.sock.on('message', (msg) => {
      if (this.rx.add(msg, 0, msg.length) !== null) this.rx.commit();
    });
    this.ready = new Promise((resolve, reject) => {
      this.sock.once('error', (e) => {
        this.onError?.(e);
        reject(e);
      });
      this.sock.bind(localPort, localHost, () => {
        this.setLinkUp(true); // bound
        resolve();
      });
    });
    this.ready.catch(() => {});
  }

  send(packet: Packet): boolean {
    if (!this.isUp() || this.remotePort === 0) {
      this.stats.txDropped++;
      return false;
    }
    const b = Buffer.allocUnsafe(packet.len);
    b.set(packet.buf.subarray(packet.start, packet.start + packet.len));
    this.sock.send(b, this.remotePort, this.remoteHost);
    this.stats.txPackets++;
    this.stats.txBytes += packet.len;
    return true;
  }

  /** The bound local address (after `ready`). */
  localAddress(): { address: string; port: number } {
    const a = this.sock.address();
    return { address: a.address, port: a.port };
  }

  close(): void {
    if (!this.markClosed()) return;
    this.sock.close();
  }
}

export function openDgram(name: string, options: Options): FdNetdev | InetDgramNetdev {
  checkOptions(name, 'dgram', options, KNOWN);
  const lp = options['local_path'];
  const rp = options['remote_path'];
  if ((lp ?? '') !== '' || (rp ?? '') !== '') return new UnixDgramNetdev(name, lp ?? '', rp ?? '');
  const localPort = intOption(name, options, 'local_port', 0, 0, 65535);
  const remotePort = intOption(name, options, 'remote_port', 0, 0, 65535);
  if (localPort === 0 && remotePort === 0) {
    throw new Error(`${name}: dgram interface needs options:local_path/remote_path or local_port/remote_port`);
  }
  return new InetDgramNetdev(name, options['local_host'] ?? '0.0.0.0', localPort, options['remote_host'] ?? '127.0.0.1', remotePort);
}

registerNetdevType('dgram', (name, options) => openDgram(name, options));
