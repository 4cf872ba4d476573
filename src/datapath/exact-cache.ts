/*
 * Exact-match cache (OVS's EMC) storage: a packet hash picks one of two entries (2-way,
 * the second position from the hash's higher bits). An entry is [hash, flow id + 1 (0 =
 * empty), flow generation, subtable slot hint] in one Int32Array. The megaflow table
 * verifies every candidate (generation = the flow is still alive and the same flow; the
 * packet's words under the flow's mask equal its masked key), so a stale or colliding
 * entry costs a miss, never a wrong answer.
 */

export const EMC_ENTRY_WORDS = 4;
export const EMC_HASH = 0;
export const EMC_ID1 = 1;
export const EMC_GEN = 2;
export const EMC_SLOT = 3;

export class ExactCache {
  readonly entries: Int32Array;
  /** Number of entries - 1 (a power of two minus one). */
  readonly mask: number;
  /** Shift that gives the second position's hash bits. */
  readonly shift: number;
  private victim = 0;

  /** `nEntries` is rounded up to a power of two (at least 2). */
  constructor(nEntries: number) {
    let n = 2;
    let bits = 1;
    while (n < nEntries) {
      n <<= 1;
      bits++;
    }
    this.entries = new Int32Array(n * EMC_ENTRY_WORDS);
    this.mask = n - 1;
    this.shift = bits;
  }

  /** Offset of the first candidate entry for hash `h`. */
  pos0(h: number): number {
    return (h & this.mask) * EMC_ENTRY_WORDS;
  }

  /** Offset of the second candidate entry for hash `h`. */
  pos1(h: number): number {
    return ((h >>> this.shift) & this.mask) * EMC_ENTRY_WORDS;
  }

  /**
   * Remember that packets with hash `h` went to flow `id` (generation `gen`, found at
   * subtable slot `slot`). Reuses the entry that already names this flow under this hash,
   * else an empty entry or one whose flow is gone (its generation no longer equals
   * flowGen[id]), else evicts one of the two (alternately).
   */
  insert(h: number, id: number, gen: number, slot: number, flowGen: Int32Array): void {
    const e = this.entries;
    const p0 = this.pos0(h);
    const p1 = this.pos1(h);
    const id1 = id + 1;
    let p: number;
    if (e[p0 + EMC_HASH] === h && e[p0 + EMC_ID1] === id1) p = p0;
    else if (e[p1 + EMC_HASH] === h && e[p1 + EMC_ID1] === id1) p = p1;
    else if (!this.current(p0, flowGen)) p = p0;
    else if (!this.current(p1, flowGen)) p = p1;
    else {
      this.victim ^= 1;
      p = this.victim === 0 ? p0 : p1;
    }
    e[p + EMC_HASH] = h;
    e[p + EMC_ID1] = id1;
    e[p + EMC_GEN] = gen;
    e[p + EMC_SLOT] = slot;
  }

  /** Forget every entry. */
  clear(): void {
    this.entries.fill(0);
  }

  memoryBytes(): number {
    return this.entries.byteLength;
  }

  private current(p: number, flowGen: Int32Array): boolean {
    const id1 = this.entries[p + EMC_ID1]!;
    return id1 !== 0 && flowGen[id1 - 1] === this.entries[p + EMC_GEN];
  }
}
