/*
 * UDP endpoints shared by tunnel ports (OVS's tnl-ports): one Node dgram socket per
 * (address family, local address, UDP port), and the receive demultiplexing to the port
 * configured for (remote_ip, key) in OVS's order of preference: exact remote and key, exact
 * remote with key=flow, remote_ip=flow with exact key, then both flow.
 *
 * IPv4 and IPv6 endpoints are separate sockets (udp6 with IPV6_V6ONLY), so an IPv4 and an
 * IPv6 tunnel on the same UDP port coexist. Node does not tell which local address a
 * datagram came to (no IP_PKTINFO): for a socket bound to the any address, tun_dst is the
 * local address on the remote's subnet (else the first global one).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../packet/addr.js';
import { FLOW, sameIp6, type TunnelConfig } from './tunnel-config.js';
import { TunnelRx, type TunnelProto } from './tunnel-proto.js';

/** What an endpoint needs from a tunnel port. */
export interface TunnelPortHandle {
  readonly name: string;
  readonly cfg: TunnelConfig;
  /** A datagram for this port: header and outer addresses described by `rx`, frame after the header. */
  deliver(msg: Buffer, rx: TunnelRx): void;
  /** Endpoint `ep` is bound (true) or closed/failed (false). */
  endpointUp(ep: TunnelEndpoint, up: boolean, err: Error | null): void;
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

const LOCAL_TTL_MS = 5000;
const localCache = new Map<number, { ip: number; at: number }>();

/** The local IPv4 address facing `remote`: the interface whose subnet holds it, else the first non-loopback one. */
export function localAddressFor(remote: number): number {
  const now = Date.now();
  const c = localCache.get(remote);
  if (c !== undefined && now - c.at < LOCAL_TTL_MS) return c.ip;
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

/** Whether the first `bits` bits of a and b (4 words each) agree. */
function prefixMatch(a: Uint32Array, b: Uint32Array, bits: number): boolean {
  for (let i = 0; i < 4 && bits > 0; i++, bits -= 32) {
    const m = bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    if (((a[i]! ^ b[i]!) & m) >>> 0 !== 0) return false;
  }
  return true;
}

/** Text without a zone (fe80::1%eth0 -> fe80::1). */
function noZone(text: string): string {
  const z = text.indexOf('%');
  return z < 0 ? text : text.slice(0, z);
}

/**
 * The local IPv6 address facing `remote` into `out`: an address whose prefix holds it (the
 * longest such prefix), else the first global non-loopback one; all zero when there is none.
 */
export function localAddress6For(remote: Uint32Array, out: Uint32Array): void {
  const w = new Uint32Array(4);
  let bestLen = -1;
  let haveFallback = false;
  out.fill(0);
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family !== 'IPv6' || !parseIpv6(noZone(a.address), w)) continue;
      const slash = a.cidr === null ? -1 : a.cidr.lastIndexOf('/');
      const len = slash < 0 ? 128 : Number(a.cidr!.slice(slash + 1));
      if (len > bestLen && prefixMatch(w, remote, len)) {
        bestLen = len;
        out.set(w);
      }
      const linkLocal = w[0]! >>> 22 === 0x3fa; // fe80::/10
      if (bestLen < 0 && !haveFallback && !a.internal && !linkLocal) {
        haveFallback = true;
        out.set(w);
      }
    }
  }
}

/** A remote IPv6 address seen on receive, with the local address facing it. */
interface Remote6 {
  readonly addr: Uint32Array;
  readonly local: Uint32Array;
  at: number;
}

const ZERO6 = new Uint32Array(4);

/** IPv6 text for 4 words, cached in a small direct-mapped table (no allocation on a hit). */
class Ip6TextCache {
  private static readonly SIZE = 256;
  private readonly words = new Uint32Array(Ip6TextCache.SIZE * 4);
  private readonly texts: string[] = new Array<string>(Ip6TextCache.SIZE).fill('');

  text(w: Uint32Array): string {
    let h = Math.imul(w[0]! ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ w[1]!, 0xc2b2ae35);
    h = Math.imul(h ^ w[2]!, 0x85ebca6b);
    h = Math.imul(h ^ w[3]!, 0xc2b2ae35);
    const i = (h >>> 24) & (Ip6TextCache.SIZE - 1);
    const o = i * 4;
    const c = this.words;
    if (this.texts[i] !== '' && c[o] === w[0] && c[o + 1] === w[1] && c[o + 2] === w[2] && c[o + 3] === w[3]) return this.texts[i]!;
    c.set(w.subarray(0, 4), o);
    const t = formatIpv6(w);
    this.texts[i] = t;
    return t;
  }
}

const ip6Texts = new Ip6TextCache();

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
  private readonly remotes6 = new Map<string, Remote6>();

  constructor(
    readonly key: string,
    readonly proto: TunnelProto,
    /** 4 or 6. */
    readonly family: 4 | 6,
    /** IPv4 local address or 0 (family 4). */
    readonly localIp: number,
    /** IPv6 local address or null for any (family 6). */
    readonly localIp6: Uint32Array | null,
    readonly port: number,
  ) {
    this.sock = family === 6 ? createSocket({ type: 'udp6', ipv6Only: true }) : createSocket({ type: 'udp4' });
    this.sock.on('message', (msg, rinfo) => (family === 6 ? this.onMessage6(msg, rinfo) : this.onMessage(msg, rinfo)));
    this.sock.on('error', (e) => {
      if (!this.bound) {
        this.error = e;
        for (const p of this.ports) p.endpointUp(this, false, e);
      } else {
        this.sendErrors++;
      }
    });
    const addr = family === 6 ? (localIp6 === null ? '::' : formatIpv6(localIp6)) : localIp === 0 ? '0.0.0.0' : formatIpv4(localIp);
    this.sock.bind(port, addr, () => {
      this.bound = true;
      for (const p of this.ports) p.endpointUp(this, true, null);
    });
  }

  add(p: TunnelPortHandle): void {
    this.ports.push(p);
    if (this.bound) p.endpointUp(this, true, null);
    else if (this.error !== null) p.endpointUp(this, false, this.error);
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const rx = this.rx;
    if (!this.proto.parse(msg, msg.length, rx)) {
      this.malformed++;
      return;
    }
    const remote = ipOf(rinfo.address);
    const p = this.lookup(remote, null, rx.vni);
    if (p === null) {
      this.unmatched++;
      return;
    }
    rx.is6 = false;
    rx.ipv4Src = remote;
    rx.ipv4Dst = this.localIp !== 0 ? this.localIp : localAddressFor(remote);
    rx.ipv6Src = ZERO6;
    rx.ipv6Dst = ZERO6;
    rx.srcPort = rinfo.port;
    p.deliver(msg, rx);
  }

  private onMessage6(msg: Buffer, rinfo: RemoteInfo): void {
    const rx = this.rx;
    if (!this.proto.parse(msg, msg.length, rx)) {
      this.malformed++;
      return;
    }
    const r = this.remote6(rinfo.address);
    if (r === null) {
      this.malformed++;
      return;
    }
    const p = this.lookup(0, r.addr, rx.vni);
    if (p === null) {
      this.unmatched++;
      return;
    }
    rx.is6 = true;
    rx.ipv4Src = 0;
    rx.ipv4Dst = 0;
    rx.ipv6Src = r.addr;
    rx.ipv6Dst = r.local;
    rx.srcPort = rinfo.port;
    p.deliver(msg, rx);
  }

  /** The cached words of a remote IPv6 address and the local address facing it (refreshed now and then). */
  private remote6(text: string): Remote6 | null {
    const now = Date.now();
    let r = this.remotes6.get(text);
    if (r === undefined) {
      const addr = new Uint32Array(4);
      if (!parseIpv6(noZone(text), addr)) return null;
      if (this.remotes6.size > 4096) this.remotes6.clear();
      r = { addr, local: new Uint32Array(4), at: -LOCAL_TTL_MS };
      this.remotes6.set(text, r);
    }
    if (now - r.at >= LOCAL_TTL_MS) {
      if (this.localIp6 !== null) r.local.set(this.localIp6);
      else localAddress6For(r.addr, r.local);
      r.at = now;
    }
    return r;
  }

  /** The port for a datagram from `remote` (IPv4) or `remote6` with `vni`, in OVS's order of preference. */
  private lookup(remote: number, remote6: Uint32Array | null, vni: number): TunnelPortHandle | null {
    const ports = this.ports;
    for (let pass = 0; pass < 4; pass++) {
      const wantRemote = pass < 2;
      const wantKey = pass === 0 || pass === 2;
      for (let i = 0; i < ports.length; i++) {
        const c = ports[i]!.cfg;
        if (wantRemote) {
          if (remote6 === null ? c.remoteIp !== remote : !sameIp6(c.remoteIp6, remote6)) continue;
        } else if (c.remoteIp !== FLOW) continue;
        if (wantKey ? c.inKey !== vni : c.inKey !== FLOW) continue;
        return ports[i]!;
      }
    }
    return null;
  }

  /** Sends one datagram to an IPv4 remote; false when the socket is not usable. */
  send(buf: Buffer, remote: number, ttl: number): boolean {
    if (!this.bound) return false;
    this.setTtl(ttl);
    this.sock.send(buf, this.port, textOf(remote));
    return true;
  }

  /** Sends one datagram to an IPv6 remote (4 words); false when the socket is not usable. */
  send6(buf: Buffer, remote: Uint32Array, ttl: number): boolean {
    if (!this.bound) return false;
    this.setTtl(ttl);
    this.sock.send(buf, this.port, ip6Texts.text(remote));
    return true;
  }

  /** The outer TTL (IPv4) or unicast hop limit (IPv6) of what the socket sends. */
  private setTtl(ttl: number): void {
    if (ttl !== this.ttl) {
      this.sock.setTTL(ttl);
      this.ttl = ttl;
    }
  }
}

const endpoints = new Map<string, TunnelEndpoint>();

function sameRemote(a: TunnelConfig, b: TunnelConfig): boolean {
  return a.remoteIp === b.remoteIp && sameIp6(a.remoteIp6, b.remoteIp6);
}

/** Where an endpoint of family `fam` for port config `c` binds. */
function endpointAddr(fam: 4 | 6, c: TunnelConfig): { key: string; local4: number; local6: Uint32Array | null } {
  if (fam === 4) {
    const local4 = c.localIp !== FLOW ? c.localIp : 0;
    return { key: `${formatIpv4(local4)}:${c.dstPort}`, local4, local6: null };
  }
  return { key: `[${c.localIp6 === null ? '::' : formatIpv6(c.localIp6)}]:${c.dstPort}`, local4: 0, local6: c.localIp6 };
}

/**
 * The endpoints a port receives and sends on, created on first use (one protocol per UDP
 * port): one of its family, or an IPv4 and an IPv6 one for a port of either family.
 */
export function joinEndpoints(proto: TunnelProto, p: TunnelPortHandle): TunnelEndpoint[] {
  const c = p.cfg;
  const where = (c.family === 0 ? ([4, 6] as const) : [c.family]).map((fam) => ({ fam, ...endpointAddr(fam, c) }));
  for (const w of where) {
    const ep = endpoints.get(w.key);
    if (ep === undefined) continue;
    if (ep.proto !== proto) throw new Error(`${p.name}: UDP port ${c.dstPort} is already used by ${ep.proto.type} ports`);
    for (const q of ep.ports) {
      if (sameRemote(q.cfg, c) && q.cfg.inKey === c.inKey) {
        throw new Error(`${p.name}: same remote_ip, key and dst_port as tunnel port ${q.name}`);
      }
    }
  }
  const eps: TunnelEndpoint[] = [];
  for (const w of where) {
    let ep = endpoints.get(w.key);
    if (ep === undefined) {
      ep = new TunnelEndpoint(w.key, proto, w.fam, w.local4, w.local6, c.dstPort);
      endpoints.set(w.key, ep);
    }
    eps.push(ep);
  }
  for (const ep of eps) ep.add(p);
  return eps;
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
