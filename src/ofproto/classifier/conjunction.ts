/*
 * Conjunctive matches in the OpenFlow classifier (OVS "conjunction(id,k/n)" actions, the
 * conj_id field). A rule whose actions are only conjunctions is a "soft" match: it is one
 * clause of one or more conjunctive flows. This file holds a soft rule's clause list as the
 * lookup wants it (ConjSet) and the per-lookup table that counts which clauses of which
 * conjunction ids were seen (ConjMatches), over typed arrays so a lookup allocates nothing.
 */

/** One conjunction(id, k/n) of a rule: `clause` is k - 1 (0-based), `nClauses` is n (2..64). */
export interface ClsConjunction {
  readonly id: number;
  readonly clause: number;
  readonly nClauses: number;
}

/** The conjunctions of one soft rule (OVS struct cls_conjunction_set). */
export class ConjSet {
  readonly n: number;
  readonly ids: Uint32Array;
  readonly clauses: Uint8Array;
  readonly nClauses: Uint8Array;
  /** Smallest n among them: with fewer soft matches at this priority none can complete. */
  readonly minClauses: number;

  constructor(conjs: readonly ClsConjunction[]) {
    this.n = conjs.length;
    this.ids = Uint32Array.from(conjs, (c) => c.id);
    this.clauses = Uint8Array.from(conjs, (c) => c.clause);
    this.nClauses = Uint8Array.from(conjs, (c) => c.nClauses);
    let min = 64;
    for (const c of conjs) if (c.nClauses < min) min = c.nClauses;
    this.minClauses = min;
  }
}

/** A ConjSet for a non-empty list, else null (the rule is an ordinary, "hard" one). */
export function conjSetOf(conjs: readonly ClsConjunction[] | null | undefined): ConjSet | null {
  return conjs === null || conjs === undefined || conjs.length === 0 ? null : new ConjSet(conjs);
}

/**
 * Clauses seen per conjunction id during one step of a lookup: open addressing keyed by id,
 * with a generation stamp so clearing is O(1). Each id has a 64-bit clause bitmap (two
 * words) that starts with the bits at and above its n set, as OVS does (UINT64_MAX << (n & 63),
 * so for n = 64 the bitmap starts full and any one clause completes it: OVS's behaviour).
 */
export class ConjMatches {
  private cap = 32;
  private ids = new Uint32Array(this.cap);
  private lo = new Int32Array(this.cap);
  private hi = new Int32Array(this.cap);
  private stamp = new Int32Array(this.cap);
  private gen = 1;
  private count = 0;
  /** The conjunction id add() completed. */
  matchedId = 0;

  clear(): void {
    this.count = 0;
    if (++this.gen === 0x7fffffff) {
      this.stamp.fill(0);
      this.gen = 1;
    }
  }

  /**
   * Records the soft rule's clauses that may still complete with `maxClauses` soft matches
   * at its priority; true if they complete a conjunction (its id is then in matchedId).
   */
  add(set: ConjSet, maxClauses: number): boolean {
    if (maxClauses < set.minClauses) return false;
    for (let i = 0; i < set.n; i++) {
      const n = set.nClauses[i]!;
      if (n > maxClauses) continue;
      const id = set.ids[i]!;
      let s = this.slot(id);
      if (this.stamp[s] !== this.gen) {
        if ((this.count + 1) * 2 > this.cap) {
          this.grow();
          s = this.slot(id);
        }
        this.stamp[s] = this.gen;
        this.ids[s] = id;
        const sh = n & 63;
        this.lo[s] = sh >= 32 ? 0 : -1 << sh;
        this.hi[s] = sh <= 32 ? -1 : -1 << (sh - 32);
        this.count++;
      }
      const k = set.clauses[i]!;
      if (k < 32) this.lo[s] = this.lo[s]! | (1 << k);
      else this.hi[s] = this.hi[s]! | (1 << (k - 32));
      if (this.lo[s] === -1 && this.hi[s] === -1) {
        this.matchedId = id;
        return true;
      }
    }
    return false;
  }

  /** The slot holding `id` in this generation, or the free slot where it would go. */
  private slot(id: number): number {
    const m = this.cap - 1;
    let i = Math.imul(id ^ (id >>> 16), 0x45d9f3b) & m;
    while (this.stamp[i] === this.gen && this.ids[i] !== id) i = (i + 1) & m;
    return i;
  }

  private grow(): void {
    const { ids, lo, hi, stamp, gen } = this;
    this.cap *= 2;
    this.ids = new Uint32Array(this.cap);
    this.lo = new Int32Array(this.cap);
    this.hi = new Int32Array(this.cap);
    this.stamp = new Int32Array(this.cap);
    for (let i = 0; i < ids.length; i++) {
      if (stamp[i] !== gen) continue;
      const s = this.slot(ids[i]!);
      this.stamp[s] = gen;
      this.ids[s] = ids[i]!;
      this.lo[s] = lo[i]!;
      this.hi[s] = hi[i]!;
    }
  }
}
