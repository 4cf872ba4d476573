/*
 * The bounded upcall queue between the datapath and the handlers (the kernel's netlink
 * upcall socket buffer). A full queue refuses the upcall; the datapath counts it in n_lost.
 */
import type { Upcall } from './dpif.js';

export class UpcallQueue {
  private readonly ring: (Upcall | undefined)[];
  private head = 0;
  private n = 0;

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

  /** Append; false when full. */
  push(u: Upcall): boolean {
    if (this.n === this.capacity) return false;
    this.ring[(this.head + this.n) % this.capacity] = u;
    this.n++;
    return true;
  }

  /** Move up to `max` upcalls into `out` (appended); returns how many. */
  drain(out: Upcall[], max: number): number {
    let k = 0;
    while (k < max && this.n > 0) {
      out.push(this.ring[this.head]!);
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.n--;
      k++;
    }
    return k;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.n = 0;
  }
}
