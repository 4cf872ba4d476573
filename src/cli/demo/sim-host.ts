/*
 * A simulated host for the demo (and tests): one MAC and IPv4 address behind a dummy port.
 * It answers ARP requests and pings for its address, resolves next hops with ARP before
 * sending, and counts what it receives. Frames it sends go to an outbox (never injected from
 * inside the switch's own send path): the demo's loop or a test delivers them.
 */
import { buildFrame } from '../../packet/build.js';
import { parseFrame } from '../../packet/parse.js';
import { formatMac, parseIpv4 } from '../../packet/addr.js';
import type { DummyNetdev } from '../../netdev/dummy.js';

export interface Outbox {
  push(host: SimHost, frame: Uint8Array): void;
}

export class SimHost {
  readonly arp = new Map<string, string>();
  pingsAnswered = 0;
  /** Sequence numbers of the echo replies received, in arrival order. */
  readonly echoReplySeqs: number[] = [];
  udpReceived = 0;
  framesReceived = 0;
  /** Unicast frames addressed to another host (a switch that floods what it should not). */
  framesForOthers = 0;
  private readonly pending = new Map<string, Array<() => Uint8Array>>();

  constructor(
    readonly name: string,
    readonly mac: string,
    readonly ip: string,
    readonly port: DummyNetdev,
    private readonly outbox: Outbox,
    private readonly log: (line: string) => void,
  ) {
    port.onSend = (frame) => this.receive(frame);
  }

  get echoRepliesReceived(): number {
    return this.echoReplySeqs.length;
  }

  /** Send an ICMP echo request (after ARP if the address is not yet known). */
  ping(dstIp: string, seq: number): void {
    this.sendIp(dstIp, (dstMac) =>
      buildFrame({ eth: { src: this.mac, dst: dstMac }, ipv4: { src: this.ip, dst: dstIp }, icmp: { type: 8, id: 0x7501, seq }, payloadLen: 56 }),
    );
  }

  /** Send one UDP datagram of `len` payload bytes. */
  udp(dstIp: string, dport: number, len: number): void {
    this.sendIp(dstIp, (dstMac) =>
      buildFrame({ eth: { src: this.mac, dst: dstMac }, ipv4: { src: this.ip, dst: dstIp }, udp: { src: 40000, dst: dport }, payloadLen: len }),
    );
  }

  private sendIp(dstIp: string, make: (dstMac: string) => Uint8Array): void {
    const mac = this.arp.get(dstIp);
    if (mac !== undefined) {
      this.outbox.push(this, make(mac));
      return;
    }
    const waiting = this.pending.get(dstIp);
    if (waiting !== undefined) {
      waiting.push(() => make(this.arp.get(dstIp)!));
      return;
    }
    this.pending.set(dstIp, [() => make(this.arp.get(dstIp)!)]);
    this.log(`${this.name}: ARP who-has ${dstIp} tell ${this.ip}`);
    this.outbox.push(
      this,
      buildFrame({
        eth: { src: this.mac, dst: 'ff:ff:ff:ff:ff:ff' },
        arp: { op: 1, sha: this.mac, spa: this.ip, tha: '00:00:00:00:00:00', tpa: dstIp },
        padTo60: true,
      }),
    );
  }

  private receive(frame: Uint8Array): void {
    this.framesReceived++;
    const f = parseFrame(frame);
    const dst = f.eth?.dst;
    if (dst !== this.mac && dst !== 'ff:ff:ff:ff:ff:ff') {
      this.framesForOthers++; // flooded frame for someone else
      return;
    }
    if (f.arp !== undefined) {
      const a = f.arp;
      if (a.op === 1 && a.tpa === this.ip) {
        this.log(`${this.name}: ARP reply ${this.ip} is-at ${this.mac}`);
        this.outbox.push(
          this,
          buildFrame({
            eth: { src: this.mac, dst: a.sha },
            arp: { op: 2, sha: this.mac, spa: this.ip, tha: a.sha, tpa: a.spa },
            padTo60: true,
          }),
        );
      } else if (a.op === 2 && a.tpa === this.ip) {
        this.arp.set(a.spa, a.sha);
        const waiting = this.pending.get(a.spa) ?? [];
        this.pending.delete(a.spa);
        for (const make of waiting) this.outbox.push(this, make());
      }
      return;
    }
    const ip = f.ipv4;
    if (ip === undefined || ip.dst !== this.ip) return;
    if (f.icmp !== undefined && f.icmp.type === 8) {
      this.pingsAnswered++;
      this.arp.set(ip.src, f.eth!.src);
      this.outbox.push(
        this,
        buildFrame({
          eth: { src: this.mac, dst: f.eth!.src },
          ipv4: { src: this.ip, dst: ip.src },
          icmp: { type: 0, id: f.icmp.id ?? 0, seq: f.icmp.seq ?? 0 },
          payloadLen: 56,
        }),
      );
    } else if (f.icmp !== undefined && f.icmp.type === 0) {
      this.echoReplySeqs.push(f.icmp.seq ?? 0);
      this.log(`${this.name}: 64 bytes from ${ip.src}: icmp_seq=${f.icmp.seq ?? 0}`);
    } else if (f.udp !== undefined) {
      this.udpReceived++;
    }
  }
}

export function hostMac(i: number): string {
  return formatMac(0x505400000000 + i);
}

export function hostIp(i: number): string {
  const a = parseIpv4('10.0.0.0')! + i;
  return `10.0.0.${a & 0xff}`;
}
