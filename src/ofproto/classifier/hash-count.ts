/*
 * A multiset of 32-bit hashes (OVS's ccmap): the per-stage index of a classifier subtable.
 * Open addressing with linear probing over one Int32Array of [hash, count] pairs (one
 * memory access per probe); a slot is free when its count is 0, and removal shifts later
 * entries back so no tombstones are needed.
 */

export class HashCount {
  private s: Int32Array;
  private mask: number;
  /** Number of distinct hashes stored. */
  size = 0;

  constructor(capacity = 8) {
    let cap = 8;
    while (cap < capacity) cap <<= 1;
    this.s = new Int32Array(cap * 2);
    this.mask = cap - 1;
  }

  /** True if `hash` was added (more times than removed). */
  has(hash: number): boolean {
    const s = this.s;
    const mask = this.mask;
    const h = hash | 0;
    let i = h & mask;
    for (;;) {
      const p = i << 1;
      if (s[p + 1] === 0) return false;
      if (s[p] === h) return true;
      i = (i + 1) & mask;
    }
  }

  add(hash: number): void {
    const h = hash | 0;
    let i = h & this.mask;
    for (;;) {
      const p = i << 1;
      if (this.s[p + 1] === 0) break;
      if (this.s[p] === h) {
        this.s[p + 1]!++;
        return;
      }
      i = (i + 1) & this.mask;
    }
    this.s[i << 1] = h;
    this.s[(i << 1) + 1] = 1;
    this.size++;
    if (this.size * 2 > this.mask + 1) this.grow();
  }

  /** Remove one occurrence of `hash`; returns false if it was not there. */
  remove(hash: number): boolean {
    const h = hash | 0;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const p = i << 1;
      if (this.s[p + 1] === 0) return false;
      if (this.s[p] === h) {
        if (--this.s[p + 1]! === 0) this.shiftBack(i);
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  /** Slot `hole` just became free: move later members of its probe run back into it. */
  private shiftBack(hole: number): void {
    const mask = this.mask;
    const s = this.s;
    this.size--;
    let j = hole;
    for (;;) {
      j = (j + 1) & mask;
      if (s[(j << 1) + 1] === 0) break;
      const home = s[j << 1]! & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        s[hole << 1] = s[j << 1]!;
        s[(hole << 1) + 1] = s[(j << 1) + 1]!;
        s[(j << 1) + 1] = 0;
        hole = j;
      }
    }
  }

  private grow(): void {
    const old = this.s;
    const cap = old.length; // doubles: old.length is 2 * old capacity
    this.s = new Int32Array(cap * 2);
    this.mask = cap - 1;
    for (let k = 0; k < old.length; k += 2) {
      const c = old[k + 1]!;
      if (c === 0) continue;
      const h = old[k]!;
      let i = h & this.mask;
      while (this.s[(i << 1) + 1] !== 0) i = (i + 1) & this.mask;
      this.s[i << 1] = h;
      this.s[(i << 1) + 1] = c;
    }
  }
}
