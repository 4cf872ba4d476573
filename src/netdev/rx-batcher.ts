/*
 * Receive batching for the providers that copy frames into pooled Packets (all but the
 * native ones). Fed by Node sockets (stream, dgram, vxlan, geneve): add()/commit() hand
 * bursts of up to 32 to the datapath, either when a burst is full or in a setImmediate after
 * the socket callbacks of this event-loop turn (libuv reads several datagrams per readable
 * event, so they share one burst). Frames injected by code (dummy, pcap): deliver() hands
 * them over at once.
 */
import { DEFAULT_BUFFER_SIZE, DEFAULT_HEADROOM, PacketPool, type Packet } from '../packet/packet.js';
import { NETDEV_MAX_BURST, type NetdevStats, type PacketBatch, type ReceiveHandler } from './netdev.js';

/** Sees each injected packet before the handler does (pcap's rxq file). */
export type RxTap = (p: Packet) => void;

export class RxBatcher {
  handler: ReceiveHandler | null = null;
  private readonly pool: PacketPool;
  private readonly batch: PacketBatch = { packets: [], count: 0 };
  private pending: Packet | null = null;
  private scheduled = false;
  private readonly flushFn = (): void => this.flush();

  constructor(
    private readonly stats: NetdevStats,
    bufferSize: number = DEFAULT_BUFFER_SIZE,
  ) {
    this.pool = new PacketPool(bufferSize);
  }

  /**
   * A packet holding a copy of buf[start, start + len), metadata cleared, for the caller to
   * annotate (tunnel metadata) before commit(). Null when nobody listens or it does not fit.
   */
  add(buf: Uint8Array, start: number, len: number): Packet | null {
    if (this.handler === null) {
      this.stats.rxDropped++;
      return null;
    }
    const p = this.pool.alloc();
    if (len + DEFAULT_HEADROOM > p.buf.length) {
      this.pool.release(p);
      this.stats.rxErrors++;
      return null;
    }
    p.start = DEFAULT_HEADROOM;
    p.len = len;
    p.buf.set(buf.subarray(start, start + len), DEFAULT_HEADROOM);
    this.pending = p;
    return p;
  }

  /** Queues the packet from add(); a full burst is delivered at once. */
  commit(): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    this.stats.rxPackets++;
    this.stats.rxBytes += p.len;
    const b = this.batch;
    b.packets[b.count++] = p;
    if (b.count >= NETDEV_MAX_BURST) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushFn);
    }
  }

  /** Drops the packet from add() (it turned out bad). */
  discard(): void {
    if (this.pending !== null) this.pool.release(this.pending);
    this.pending = null;
  }

  /** Delivers the queued burst now. */
  flush(): void {
    this.scheduled = false;
    const b = this.batch;
    const n = b.count;
    if (n === 0) return;
    const h = this.handler;
    if (h !== null) h(b);
    else this.stats.rxDropped += n;
    for (let i = 0; i < n; i++) this.pool.release(b.packets[i]!);
    b.count = 0;
  }

  /**
   * Delivers copies of frames[from, to) now, in bursts of up to 32, to the handler set when
   * called; frames too big for a buffer count as rx errors, all of them as dropped when
   * nobody listens. Returns how many were handed over. Not mixed with add()/commit().
   */
  deliver(frames: readonly Uint8Array[], from: number, to: number, tap: RxTap | null = null): number {
    const h = this.handler;
    if (h === null) {
      this.stats.rxDropped += to - from;
      return 0;
    }
    const b = this.batch;
    let delivered = 0;
    let i = from;
    while (i < to) {
      const end = Math.min(i + NETDEV_MAX_BURST, to);
      b.count = 0;
      for (; i < end; i++) {
        const p = this.pool.alloc();
        if (!p.load(frames[i]!)) {
          this.pool.release(p);
          this.stats.rxErrors++;
          continue;
        }
        if (tap !== null) tap(p);
        this.stats.rxPackets++;
        this.stats.rxBytes += p.len;
        b.packets[b.count++] = p;
      }
      const n = b.count;
      h(b);
      delivered += n;
      for (let j = 0; j < n; j++) this.pool.release(b.packets[j]!);
      b.count = 0;
    }
    return delivered;
  }
}
