/*
 * UDP tunnel ports (the common part of `vxlan` and `geneve`), as the kernel's tunnel vports:
 * receive decapsulates and fills packet.tunnel (tun_id = VNI, tun_src/tun_dst or
 * tun_ipv6_src/tun_ipv6_dst = outer addresses, tp_src/tp_dst = outer UDP ports, flags with
 * key (and csum over IPv6, where the UDP checksum is mandatory), Geneve options carried) so
 * the tunnel fields appear in the flow key; send encapsulates toward remote_ip with key, or,
 * for options given as `flow`, with what the packet's tunnel metadata says (set by a
 * set(tunnel(...)) action; an IPv4 or IPv6 destination picks the socket family). UDP goes
 * through Node's dgram (see tunnel-endpoint.ts).
 *
 * Not visible through dgram: the outer TTL/hop limit, TOS/traffic class and DF bit of
 * received packets (tun_ttl and tun_tos read 0, tun_flags has no df); sent packets always
 * leave from the local UDP port dst_port rather than a per-flow source port, with traffic
 * class 0 and the kernel's checksum and fragmentation defaults; only the TTL / hop limit
 * can be set.
 */
import { TUN_FLAG_CSUM } from '../flow/layout.js';
import type { Packet } from '../packet/packet.js';
import { SoftNetdev } from './netdev-base.js';
import type { Options } from './options.js';
import { FLOW, parseTunnelConfig, type TunnelConfig, type TunnelConfigSource } from './tunnel-config.js';
import { joinEndpoints, leaveEndpoint, type TunnelEndpoint, type TunnelPortHandle } from './tunnel-endpoint.js';
import type { TunnelProto, TunnelRx } from './tunnel-proto.js';

export class TunnelNetdev extends SoftNetdev implements TunnelPortHandle, TunnelConfigSource {
  readonly cfg: TunnelConfig;
  /** Resolves when a UDP socket is bound; rejects with the bind error when none could be. */
  readonly ready: Promise<void>;
  private resolveReady: () => void = () => {};
  private rejectReady: (e: Error) => void = () => {};
  /** The IPv4 and IPv6 endpoints (null where the port's family has none). */
  private readonly ep4: TunnelEndpoint | null;
  private readonly ep6: TunnelEndpoint | null;
  private readonly eps: TunnelEndpoint[];
  /** Per endpoint: 0 pending, 1 bound, 2 failed. */
  private readonly epState = [0, 0];

  constructor(
    name: string,
    private readonly proto: TunnelProto,
    options: Options,
  ) {
    super(name, proto.type);
    this.cfg = parseTunnelConfig(name, proto.type, options, proto.defaultPort);
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {});
    this.eps = joinEndpoints(proto, this);
    this.ep4 = this.eps.find((e) => e.family === 4) ?? null;
    this.ep6 = this.eps.find((e) => e.family === 6) ?? null;
  }

  get tunnelConfig(): TunnelConfig {
    return this.cfg;
  }

  endpointUp(ep: TunnelEndpoint, ok: boolean, err: Error | null): void {
    // joinEndpoints reports endpoints already bound before it returns: index by family then.
    const i = this.cfg.family === 0 ? (ep.family === 4 ? 0 : 1) : 0;
    this.epState[i] = ok ? 1 : err !== null ? 2 : 0;
    const n = this.cfg.family === 0 ? 2 : 1;
    let bound = 0;
    let failed = 0;
    for (let j = 0; j < n; j++) {
      if (this.epState[j] === 1) bound++;
      else if (this.epState[j] === 2) failed++;
    }
    if (bound > 0) this.resolveReady();
    else if (failed === n && err !== null) this.rejectReady(new Error(`${this.name}: UDP port ${this.cfg.dstPort}: ${err.message}`));
    this.setLinkUp(bound > 0);
  }

  deliver(msg: Buffer, h: TunnelRx): void {
    if (h.hasGbp && !this.cfg.gbp) {
      this.stats.rxErrors++; // G flag without exts=gbp: an unknown flag, dropped as Linux does
      return;
    }
    const p = this.rx.add(msg, h.hdrLen, msg.length - h.hdrLen);
    if (p === null) return;
    const t = p.tunnel;
    t.idHi = 0;
    t.idLo = h.vni;
    t.ipv4Src = h.ipv4Src;
    t.ipv4Dst = h.ipv4Dst;
    t.ipv6Src.set(h.ipv6Src);
    t.ipv6Dst.set(h.ipv6Dst);
    t.tpSrc = h.srcPort;
    t.tpDst = this.cfg.dstPort;
    t.flags = h.is6 ? h.flags | TUN_FLAG_CSUM : h.flags;
    t.ttl = 0;
    t.tos = 0;
    t.gbpId = h.gbpId;
    t.gbpFlags = h.gbpFlags;
    t.optLen = h.optLen;
    if (h.optLen > 0) t.opts.set(msg.subarray(h.optOfs, h.optOfs + h.optLen));
    this.rx.commit();
  }

  send(packet: Packet): boolean {
    const c = this.cfg;
    const t = packet.tunnel;
    if (this.closed) {
      this.stats.txDropped++;
      return false;
    }
    // The destination: the port's remote_ip, or the packet's tunnel metadata for remote_ip=flow.
    let remote = 0;
    let remote6: Uint32Array | null = null;
    if (c.remoteIp !== FLOW) {
      remote = c.remoteIp;
      remote6 = c.remoteIp6;
    } else if (c.family !== 6 && t.ipv4Dst !== 0) {
      remote = t.ipv4Dst;
    } else if (c.family !== 4 && (t.ipv6Dst[0]! | t.ipv6Dst[1]! | t.ipv6Dst[2]! | t.ipv6Dst[3]!) !== 0) {
      remote6 = t.ipv6Dst;
    }
    const ep = remote6 !== null ? this.ep6 : remote !== 0 ? this.ep4 : null;
    if (ep === null) {
      this.stats.txDropped++; // no tunnel destination (remote_ip=flow without set(tunnel), or of the wrong family)
      return false;
    }
    const vni = c.outKey === FLOW ? t.idLo & 0xffffff : c.outKey;
    const fromFlow = c.remoteIp === FLOW || c.outKey === FLOW;
    const ttl = c.remoteIp === FLOW && t.ttl !== 0 ? t.ttl : c.ttl;
    const optLen = fromFlow && this.proto.type === 'geneve' ? t.optLen : 0;
    const hl = this.proto.headerLen(optLen);
    const b = Buffer.allocUnsafe(hl + packet.len);
    const gbp = c.gbp && fromFlow;
    this.proto.write(b, 0, vni, fromFlow ? t.flags : 0, gbp ? t.gbpId : 0, gbp ? t.gbpFlags : 0, t.opts, optLen);
    b.set(packet.buf.subarray(packet.start, packet.start + packet.len), hl);
    if (!(remote6 !== null ? ep.send6(b, remote6, ttl) : ep.send(b, remote, ttl))) {
      this.stats.txDropped++;
      return false;
    }
    this.stats.txPackets++;
    this.stats.txBytes += packet.len;
    return true;
  }

  /**
   * Counters of the UDP sockets this port uses (shared with the other tunnel ports on the same
   * UDP port and address): datagrams that matched no port or did not parse, and failed sends.
   */
  socketCounters(): { unmatched: number; malformed: number; sendErrors: number } {
    const c = { unmatched: 0, malformed: 0, sendErrors: 0 };
    for (const ep of this.eps) {
      c.unmatched += ep.unmatched;
      c.malformed += ep.malformed;
      c.sendErrors += ep.sendErrors;
    }
    return c;
  }

  close(): void {
    if (!this.markClosed()) return;
    for (const ep of this.eps) leaveEndpoint(ep, this);
  }
}
