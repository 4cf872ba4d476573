/*
 * UDP tunnel ports (the common part of `vxlan` and `geneve`), as the kernel's tunnel vports:
 * receive decapsulates and fills packet.tunnel (tun_id = VNI, tun_src/tun_dst = outer
 * addresses, tp_src/tp_dst = outer UDP ports, flags with key, Geneve options carried) so the
 * tunnel fields appear in the flow key; send encapsulates toward remote_ip with key, or,
 * for options given as `flow`, with what the packet's tunnel metadata says (set by a
 * set(tunnel(...)) action). UDP goes through Node's dgram (see tunnel-endpoint.ts).
 *
 * Not visible through dgram: the outer TTL, TOS and DF bit of received packets (tun_ttl and
 * tun_tos read 0, tun_flags has no df); sent packets always leave from the local UDP port
 * dst_port rather than a per-flow source port.
 */
import type { Packet } from '../packet/packet.js';
import type { LinkChangeCallback, LinkChangeSource, StatsSource } from './link-state.js';
import { newNetdevStats, type Netdev, type NetdevStats, type ReceiveHandler } from './netdev.js';
import type { Options } from './options.js';
import { RxBatcher } from './rx-batcher.js';
import { FLOW, parseTunnelConfig, type TunnelConfig } from './tunnel-config.js';
import { joinEndpoint, leaveEndpoint, type TunnelEndpoint, type TunnelPortHandle } from './tunnel-endpoint.js';
import type { TunnelProto, TunnelRx } from './tunnel-proto.js';

export class TunnelNetdev implements Netdev, LinkChangeSource, StatsSource, TunnelPortHandle {
  readonly type: string;
  readonly cfg: TunnelConfig;
  readonly stats: NetdevStats = newNetdevStats();
  onLinkChange: LinkChangeCallback | null = null;
  /** Resolves when the UDP socket is bound; rejects with the bind error. */
  readonly ready: Promise<void>;
  private resolveReady: () => void = () => {};
  private rejectReady: (e: Error) => void = () => {};
  private readonly rx: RxBatcher;
  private readonly ep: TunnelEndpoint;
  private up = false;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly proto: TunnelProto,
    options: Options,
  ) {
    this.type = proto.type;
    this.cfg = parseTunnelConfig(name, proto.type, options, proto.defaultPort);
    this.rx = new RxBatcher(this.stats);
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {});
    this.ep = joinEndpoint(proto, this);
  }

  endpointUp(up: boolean, err: Error | null): void {
    if (up) this.resolveReady();
    else if (err !== null) this.rejectReady(new Error(`${this.name}: UDP port ${this.cfg.dstPort}: ${err.message}`));
    if (up === this.up || this.closed) return;
    this.up = up;
    const cb = this.onLinkChange;
    if (cb !== null) cb(up, this);
  }

  deliver(msg: Buffer, h: TunnelRx, remote: number, srcPort: number, localIp: number): void {
    if (h.hasGbp && !this.cfg.gbp) {
      this.stats.rxErrors++; // G flag without exts=gbp: an unknown flag, dropped as Linux does
      return;
    }
    const p = this.rx.add(msg, h.hdrLen, msg.length - h.hdrLen);
    if (p === null) return;
    const t = p.tunnel;
    t.idHi = 0;
    t.idLo = h.vni;
    t.ipv4Src = remote;
    t.ipv4Dst = localIp;
    t.tpSrc = srcPort;
    t.tpDst = this.cfg.dstPort;
    t.flags = h.flags;
    t.ttl = 0;
    t.tos = 0;
    t.gbpId = h.gbpId;
    t.gbpFlags = h.gbpFlags;
    t.optLen = h.optLen;
    if (h.optLen > 0) t.opts.set(msg.subarray(h.optOfs, h.optOfs + h.optLen));
    this.rx.commit();
  }

  setReceiveHandler(handler: ReceiveHandler | null): void {
    this.rx.handler = handler;
  }

  send(packet: Packet): boolean {
    const c = this.cfg;
    const t = packet.tunnel;
    const remote = c.remoteIp === FLOW ? t.ipv4Dst : c.remoteIp;
    if (remote === 0 || this.closed) {
      this.stats.txDropped++; // no tunnel destination (remote_ip=flow without set(tunnel))
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
    if (!this.ep.send(b, remote, ttl)) {
      this.stats.txDropped++;
      return false;
    }
    this.stats.txPackets++;
    this.stats.txBytes += packet.len;
    return true;
  }

  isUp(): boolean {
    return this.up && !this.closed;
  }

  getMac(): number {
    return 0;
  }

  getMtu(): number {
    return 1500;
  }

  getStats(): NetdevStats {
    return { ...this.stats };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rx.handler = null;
    this.up = false;
    leaveEndpoint(this.ep, this);
  }
}
