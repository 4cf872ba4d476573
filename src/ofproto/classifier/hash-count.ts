/*
 * A multiset of 32-bit hashes (OVS's ccmap): the per-stage index of a classifier subtable.
 * Open addressing with linear probing over typed arrays; a slot is free when its count is 0,
 * and removal shifts later entries back so no tombstones are needed.
 */

export class HashCount {
  private hashes: Int32Array;
  private counts: Int32Array;
  private mask: number;
  /** Number of distinct hashes stored. */
  size = 0;

  constructor(capacity = 8) {
    let cap = 8;
    while (cap < capacity) cap <<= 1;
    this.hashes = new Int32Array(cap);
    this.counts = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** True if `hash` was added (more times than removed). */
  has(hash: number): boolean {
    const hashes = this.hashes;
    const counts = this.counts;
    const mask = this.mask;
    const h = hash | 0;
    let i = h & mask;
    while (counts[i] !== 0) {
      if (hashes[i] === h) return true;
      i = (i + 1) & mask;
    }
    return false;
  }

  add(hash: number): void {
    const h = hash | 0;
    let i = h & this.mask;
    while (this.counts[i] !== 0) {
      if (this.hashes[i] === h) {
        this.counts[i]!++;
        return;
      }
      i = (i + 1) & this.mask;
    }
    this.hashes[i] = h;
    this.counts[i] = 1;
    this.size++;
    if (this.size * 2 > this.mask + 1) this.grow();
  }

  /** Remove one occurrence of `hash`; returns false if it was not there. */
  remove(hash: number): boolean {
    const h = hash | 0;
    const mask = this.mask;
    let i = h & mask;
    while (this.counts[i] !== 0) {
      if (this.hashes[i] === h) {
        if (--this.counts[i]! === 0) this.shiftBack(i);
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  /** Slot `hole` just became free: move later members of its probe run back into it. */
  private shiftBack(hole: number): void {
    const mask = this.mask;
    const hashes = this.hashes;
    const counts = this.counts;
    this.size--;
    let j = hole;
    for (;;) {
      j = (j + 1) & mask;
      if (counts[j] === 0) break;
      const home = hashes[j]! & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        hashes[hole] = hashes[j]!;
        counts[hole] = counts[j]!;
        counts[j] = 0;
        hole = j;
      }
    }
  }

  private grow(): void {
    const oldH = this.hashes;
    const oldC = this.counts;
    const cap = oldH.length * 2;
    this.hashes = new Int32Array(cap);
    this.counts = new Int32Array(cap);
    this.mask = cap - 1;
    for (let k = 0; k < oldH.length; k++) {
      const c = oldC[k]!;
      if (c === 0) continue;
      const h = oldH[k]!;
      let i = h & this.mask;
      while (this.counts[i] !== 0) i = (i + 1) & this.mask;
      this.hashes[i] = h;
      this.counts[i] = c;
    }
  }
}
