/*
 * Receive batching for providers fed by Node sockets (stream, dgram, vxlan, geneve): frames
 * are copied into pooled Packets and handed to the datapath in bursts of up to 32, either
 * when a burst is full or in a setImmediate after the socket callbacks of this event-loop
 * turn (libuv reads several datagrams per readable event, so they share one burst).
 */
import { DEFAULT_BUFFER_SIZE, DEFAULT_HEADROOM, PacketPool, type Packet } from '../packet/packet.js';
import { NETDEV_MAX_BURST, type NetdevStats, type PacketBatch, type ReceiveHandler } from './netdev.js';

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
}
