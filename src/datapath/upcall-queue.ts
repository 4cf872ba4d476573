/*
 * The bounded upcall queue between the datapath and the handlers (the kernel's netlink
 * upcall socket buffer). A full queue refuses the upcall; the datapath counts it in n_lost.
 *
 * Upcall records (key, packet copy) are pooled: a record handed out by drain() is lent to
 * the caller until its next drain() (OVS dpif_recv reuses its buffer the same way), then it
 * is filled again by a later upcall. A flow setup therefore allocates no packet or key.
 */
import { FLOW_WORDS } from '../flow/layout.js';
import { DEFAULT_BUFFER_SIZE, DEFAULT_HEADROOM, Packet } from '../packet/packet.js';
import { UpcallType, type Upcall } from './dpif.js';

export class UpcallQueue {
  private readonly ring: (Upcall | undefined)[];
  private head = 0;
  private n = 0;
  /** Records free for the next upcall, and those lent out by the last drain(). */
  private readonly free: Upcall[] = [];
  private readonly lent: Upcall[] = [];

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('upcall queue capacity must be at least 1');
    this.ring = new Array<Upcall | undefined>(capacity).fill(undefined);
  }

  get length(): number {
    return this.n;
  }

  isFull(): boolean {
    return this.n === this.capacity;
  }

  /**
   * Queues an upcall of `packet` (copied) with `key` (FLOW_WORDS, copied); false when full.
   * `userdata` is kept by reference: it belongs to an installed action and is never written.
   */
  push(type: UpcallType, packet: Packet, key: Uint32Array, userdata: Uint8Array | null, pid: number): boolean {
    if (this.n === this.capacity) return false;
    const u = this.record(packet.len);
    u.type = type;
    u.key.set(key);
    packet.copyTo(u.packet);
    u.userdata = userdata;
    u.pid = pid;
    this.ring[(this.head + this.n) % this.capacity] = u;
    this.n++;
    return true;
  }

  /** A free record whose packet holds `len` bytes plus headroom on both sides. */
  private record(len: number): Upcall {
    const size = len + 2 * DEFAULT_HEADROOM;
    const u = this.free.pop();
    if (u === undefined) {
      return { type: UpcallType.MISS, key: new Uint32Array(FLOW_WORDS), packet: new Packet(Math.max(size, DEFAULT_BUFFER_SIZE)), userdata: null, pid: 0 };
    }
    if (u.packet.buf.length < size) u.packet = new Packet(size);
    return u;
  }

  /**
   * Moves up to `max` upcalls into `out` (appended); returns how many. The records of the
   * previous drain() are taken back: they may be overwritten from now on.
   */
  drain(out: Upcall[], max: number): number {
    this.reclaim();
    let k = 0;
    while (k < max && this.n > 0) {
      const u = this.ring[this.head]!;
      out.push(u);
      this.lent.push(u);
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.n--;
      k++;
    }
    return k;
  }

  clear(): void {
    this.reclaim();
    while (this.n > 0) {
      this.free.push(this.ring[this.head]!);
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.n--;
    }
    this.head = 0;
  }

  private reclaim(): void {
    for (let i = 0; i < this.lent.length; i++) {
      const u = this.lent[i]!;
      u.userdata = null;
      this.free.push(u);
    }
    this.lent.length = 0;
  }
}
