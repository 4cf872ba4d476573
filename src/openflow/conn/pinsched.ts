/*
 * Packet-in rate limiting (OVS ofproto/pinsched.c + token-bucket.c): a token bucket of
 * `rate` packets per second with room for `burst` packets. While tokens last and nothing
 * is queued, packet-ins go straight out; otherwise they wait in one queue per input port,
 * drained round-robin as tokens come back, so one busy port cannot starve the others. When
 * `burst` packets are waiting, the longest queue loses its oldest packet.
 */
import type { Clock } from '../../util/clock.js';

export interface PinschedStats {
  /** Waiting now. */
  nQueued: number;
  /** Sent without waiting. */
  nNormal: number;
  /** Queued because of the limit. */
  nLimited: number;
  /** Dropped because the queues were full. */
  nQueueDropped: number;
}

/** OVS adjust_limits: rate 1000/s when unset, burst a quarter of the rate, at least 1. */
export function adjustLimits(rate: number, burst: number): { rate: number; burst: number } {
  const r = rate > 0 ? rate : 1000;
  let b = burst > 0 ? burst : Math.floor(r / 4);
  if (b < 1) b = 1;
  return { rate: r, burst: b };
}

export class Pinsched<T> {
  rate = 0;
  burst = 0;
  private tokens = 0;
  private lastFill = -Infinity;
  private readonly queues = new Map<number, T[]>();
  /** Round-robin position: the ports in queue order. */
  private order: number[] = [];
  private next = 0;
  readonly stats: PinschedStats = { nQueued: 0, nNormal: 0, nLimited: 0, nQueueDropped: 0 };

  constructor(
    rate: number,
    burst: number,
    private readonly clock: Clock,
    /** Picks among equally long queues when dropping (tests pass a fixed one). */
    private readonly random: (n: number) => number = (n) => Math.floor(Math.random() * n),
  ) {
    this.setLimits(rate, burst);
  }

  setLimits(rate: number, burst: number): void {
    const l = adjustLimits(rate, burst);
    this.rate = l.rate;
    this.burst = l.burst;
    if (this.tokens > this.burst) this.tokens = this.burst;
    while (this.stats.nQueued > this.burst) this.dropPacket();
  }

  /** Token bucket withdraw of one packet (OVS token_bucket_withdraw). */
  private getToken(): boolean {
    if (this.tokens < 1) {
      const now = this.clock.now();
      if (now > this.lastFill) {
        const add = ((now - this.lastFill) * this.rate) / 1000;
        this.tokens = Math.min(this.burst, this.tokens + add);
        this.lastFill = now;
      }
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** ms until a token is available (for a wake-up timer), 0 when one is. */
  msUntilToken(): number {
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) * 1000) / this.rate);
  }

  /**
   * Offers a packet-in from `port`; returns the packets to send now (the packet itself when
   * it passes, else nothing: it waits for run()).
   */
  send(port: number, packet: T, out: T[]): void {
    if (this.stats.nQueued === 0 && this.getToken()) {
      this.stats.nNormal++;
      out.push(packet);
      return;
    }
    if (this.stats.nQueued >= this.burst) this.dropPacket();
    let q = this.queues.get(port);
    if (q === undefined) {
      q = [];
      this.queues.set(port, q);
      this.order.push(port);
    }
    q.push(packet);
    this.stats.nQueued++;
    this.stats.nLimited++;
  }

  /** Drains queued packets as tokens allow (at most 50 per call, like OVS). */
  run(out: T[]): void {
    for (let i = 0; i < 50 && this.stats.nQueued > 0 && this.getToken(); i++) out.push(this.dequeueNext());
  }

  private removeQueue(port: number): void {
    this.queues.delete(port);
    const i = this.order.indexOf(port);
    this.order.splice(i, 1);
    if (this.next > i) this.next--;
    if (this.next >= this.order.length) this.next = 0;
  }

  private dequeueNext(): T {
    if (this.next >= this.order.length) this.next = 0;
    const port = this.order[this.next]!;
    const q = this.queues.get(port)!;
    const p = q.shift()!;
    this.stats.nQueued--;
    this.next++;
    if (q.length === 0) this.removeQueue(port);
    return p;
  }

  private dropPacket(): void {
    this.stats.nQueueDropped++;
    let longest = -1;
    let longestLen = 0;
    let nLongest = 0;
    for (const port of this.order) {
      const n = this.queues.get(port)!.length;
      if (longest < 0 || n > longestLen) {
        longest = port;
        longestLen = n;
        nLongest = 1;
      } else if (n === longestLen) {
        nLongest++;
        if (this.random(nLongest) === 0) longest = port;
      }
    }
    if (longest < 0) return;
    const q = this.queues.get(longest)!;
    q.shift();
    this.stats.nQueued--;
    if (q.length === 0) this.removeQueue(longest);
  }
}
