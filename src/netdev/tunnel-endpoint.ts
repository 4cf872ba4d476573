/*
 * UDP endpoints shared by tunnel ports (OVS's tnl-ports): one Node dgram socket per
 * (local address, UDP port), and the receive demultiplexing to the port configured for
 * (remote_ip, key) in OVS's order of preference: exact remote and key, exact remote with
 * key=flow, remote_ip=flow with exact key, then both flow.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { formatIpv4, parseIpv4 } from '../packet/addr.js';
import { FLOW, type TunnelConfig } from './tunnel-config.js';
import { TunnelRx, type TunnelProto } from './tunnel-proto.js';

/** What an endpoint needs from a tunnel port. */
export interface TunnelPortHandle {
  readonly name: string;
  readonly cfg: TunnelConfig;
  /** A datagram for this port: header described by `rx`, frame after it. */
  deliver(msg: Buffer, rx: TunnelRx, remote: number, srcPort: number, localIp: number): void;
  /** The socket is bound (true) or closed/failed (false). */
  endpointUp(up: boolean, err: Error | null): void;
}

const ipCache = new Map<string, number>();
const textCache = new Map<number, string>();

function ipOf(text: string): number {
  let v = ipCache.get(text);
  if (v === undefined) {
    v = parseIpv4(text) ?? 0;
    if (ipCache.size > 4096) ipCache.clear();
    ipCache.set(text, v);
  }
  return v;
}

function textOf(ip: number): string {
  let s = textCache.get(ip);
  if (s === undefined) {
    s = formatIpv4(ip);
    if (textCache.size > 4096) textCache.clear();
    textCache.set(ip, s);
  }
  return s;
}

const localCache = new Map<number, { ip: number; at: number }>();

/** The local IPv4 address facing `remote`: the interface whose subnet holds it, else the first non-loopback one. */
export function localAddressFor(remote: number): number {
  const now = Date.now();
  const c = localCache.get(remote);
  if (c !== undefined && now - c.at < 5000) return c.ip;
  let best = 0;
  let fallback = 0;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family !== 'IPv4') continue;
      const ip = parseIpv4(a.address);
      const mask = parseIpv4(a.netmask);
      if (ip === null || mask === null) continue;
      if (best === 0 && ((ip & mask) >>> 0) === ((remote & mask) >>> 0)) best = ip;
      if (fallback === 0 && !a.internal) fallback = ip;
    }
  }
  const ip = best !== 0 ? best : fallback;
  localCache.set(remote, { ip, at: now });
  return ip;
}

export class TunnelEndpoint {
  readonly ports: TunnelPortHandle[] = [];
  readonly sock: Socket;
  bound = false;
  /** Datagrams that matched no port, or did not parse. */
  unmatched = 0;
  malformed = 0;
  sendErrors = 0;
  private readonly rx = new TunnelRx();
  private ttl = -1;
  private error: Error | null = null;

  constructor(
    readonly key: string,
    readonly proto: TunnelProto,
    readonly localIp: number,
    readonly port: number,
  ) {
    this.sock = createSocket({ type: 'udp4' });
    this.sock.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    this.sock.on('error', (e) => {
      if (!this.bound) {
        this.error = e;
        for (const p of this.ports) p.endpointUp(false, e);
      } else {
        this.sendErrors++;
      }
    });
    this.sock.bind(port, localIp === 0 ? '0.0.0.0' : formatIpv4(localIp), () => {
      this.bound = true;
      for (const p of this.ports) p.endpointUp(true, null);
    });
  }

  add(p: TunnelPortHandle): void {
    this.ports.push(p);
    if (this.bound) p.endpointUp(true, null);
    else if (this.error !== null) p.endpointUp(false, this.error);
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const rx = this.rx;
    if (!this.proto.parse(msg, msg.length, rx)) {
      this.malformed++;
      return;
    }
    const remote = ipOf(rinfo.address);
    const p = this.lookup(remote, rx.vni);
    if (p === null) {
      this.unmatched++;
      return;
    }
    const local = this.localIp !== 0 ? this.localIp : localAddressFor(remote);
    p.deliver(msg, rx, remote, rinfo.port, local);
  }

  private lookup(remote: number, vni: number): TunnelPortHandle | null {
    const ports = this.ports;
    for (let pass = 0; pass < 4; pass++) {
      const wantRemote = pass < 2;
      const wantKey = pass === 0 || pass === 2;
      for (let i = 0; i < ports.length; i++) {
        const c = ports[i]!.cfg;
        if (wantRemote ? c.remoteIp !== remote : c.remoteIp !== FLOW) continue;
        if (wantKey ? c.inKey !== vni : c.inKey !== FLOW) continue;
        return ports[i]!;
      }
    }
    return null;
  }

  /** Sends one datagram; false when the socket is not usable. */
  send(buf: Buffer, remote: number, ttl: number): boolean {
    if (!this.bound) return false;
    if (ttl !== this.ttl) {
      this.sock.setTTL(ttl);
      this.ttl = ttl;
    }
    this.sock.send(buf, this.port, textOf(remote));
    return true;
  }
}

const endpoints = new Map<string, TunnelEndpoint>();

/** The endpoint for (local address, port), created on first use; one protocol per UDP port. */
export function joinEndpoint(proto: TunnelProto, p: TunnelPortHandle): TunnelEndpoint {
  const local = p.cfg.localIp === FLOW ? 0 : p.cfg.localIp;
  const key = `${formatIpv4(local)}:${p.cfg.dstPort}`;
  let ep = endpoints.get(key);
  if (ep === undefined) {
    ep = new TunnelEndpoint(key, proto, local, p.cfg.dstPort);
    endpoints.set(key, ep);
  } else if (ep.proto !== proto) {
    throw new Error(`${p.name}: UDP port ${p.cfg.dstPort} is already used by ${ep.proto.type} ports`);
  }
  for (const q of ep.ports) {
    if (q.cfg.remoteIp === p.cfg.remoteIp && q.cfg.inKey === p.cfg.inKey) {
      throw new Error(`${p.name}: same remote_ip, key and dst_port as tunnel port ${q.name}`);
    }
  }
  ep.add(p);
  return ep;
}

export function leaveEndpoint(ep: TunnelEndpoint, p: TunnelPortHandle): void {
  const i = ep.ports.indexOf(p);
  if (i >= 0) ep.ports.splice(i, 1);
  if (ep.ports.length === 0 && endpoints.get(ep.key) === ep) {
    endpoints.delete(ep.key);
    try {
      ep.sock.close();
    } catch {
      // already closed after a bind error
    }
  }
}
