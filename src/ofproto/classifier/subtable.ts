/*
 * One subtable of the OpenFlow classifier: all rules sharing one mask (tuple space search).
 * It keeps the mask as a compact list of its non-zero words in stage order, one hash index
 * per stage except the last (a multiset of the cumulative stage hashes, used to rule a packet
 * out early), and a table of entries keyed by the hash of the whole masked key. An entry is
 * one distinct match; it lists its rules (same match, different priorities) by priority.
 * The hash table is one Int32Array of [hash, entry index + 1] pairs and the entries' compact
 * keys sit in one flat Int32Array, so a probe touches few cache lines.
 */
import { FLOW_WORDS, W_TP } from '../../flow/layout.js';
import { hashAdd, hashFinish } from '../../flow/hash.js';
import type { ConjSet } from './conjunction.js';
import { HashCount } from './hash-count.js';
import { PrefixTrie } from './prefix-trie.js';
import { N_STAGES, STAGE_L3, STAGE_L4, STAGE_OF_WORD } from './stages.js';

/**
 * An OpenFlow match (masked key + mask, FlowKey layout, FLOW_WORDS words) with a priority
 * (a 32-bit signed integer; higher wins) and a payload.
 */
export interface ClsRule<R> {
  readonly key: Uint32Array;
  readonly mask: Uint32Array;
  readonly priority: number;
  readonly data: R;
}

/** One distinct match of a subtable and its rules, highest priority first. */
export class ClsEntry<R> {
  constructor(
    /** Hash of the masked key (as the lookup computes it for a matching flow). */
    readonly hash: number,
    /** Position of the entry (and of its compact key) in the subtable's dense arrays. */
    public idx: number,
    readonly rules: ClsRule<R>[],
    /** Per rule (same order): its conjunctions if it is a soft match, else null. */
    readonly conjs: (ConjSet | null)[],
  ) {}
}

export class Subtable<R> {
  /** The full mask (FLOW_WORDS words). */
  readonly mask: Uint32Array;
  /** Non-zero mask words in stage order, and their mask values. */
  readonly words: Int32Array;
  readonly maskVals: Int32Array;
  readonly nWords: number;
  /** Number of non-empty stages (at least 1), and where each one ends in `words`. */
  readonly nStages: number;
  readonly stageEnd: Int32Array;
  /** Index of the L3 stage among the non-empty stages, or -1. */
  readonly l3Stage: number;
  /** Hash indices of every stage but the last. */
  readonly indices: HashCount[];
  /** Per classifier trie: the CIDR prefix length of this mask on the trie's field, or 0. */
  readonly triePlen: Int32Array;
  readonly hasTries: boolean;
  /** When the last stage is L4: the ports mask and its prefix length, and a trie of the rules' ports. */
  readonly portsMask: number;
  readonly portsLen: number;
  readonly portsTrie: PrefixTrie | null;

  maxPriority = 0;
  /** Rules at maxPriority. */
  maxCount = 0;
  nRules = 0;
  /** Order of creation, to keep subtables of equal max priority in a stable order. */
  readonly serial: number;

  /** [hash, entry index + 1 (0 = free)] pairs, open addressing with linear probing. */
  private tab: Int32Array;
  private tmask: number;
  /** Dense entries and their compact keys (entry i at keys[i * nWords ..]). */
  private ents: ClsEntry<R>[] = [];
  private keys: Int32Array;
  /** Priority of each entry's first (highest-priority) rule, by entry index. */
  topPri: Int32Array;

  constructor(mask: Uint32Array, triePlen: Int32Array, serial: number) {
    this.mask = mask.slice(0, FLOW_WORDS);
    this.serial = serial;
    const words: number[] = [];
    const ends: number[] = [];
    let l3 = -1;
    let last = -1;
    for (let s = 0; s < N_STAGES; s++) {
      const before = words.length;
      for (let w = 0; w < FLOW_WORDS; w++) if (STAGE_OF_WORD[w] === s && this.mask[w] !== 0) words.push(w);
      if (words.length > before) {
        if (s === STAGE_L3) l3 = ends.length;
        last = s;
        ends.push(words.length);
      }
    }
    if (ends.length === 0) ends.push(0); // catch-all: one empty stage
    this.nWords = words.length;
    this.words = Int32Array.from(words);
    this.maskVals = Int32Array.from(words, (w) => this.mask[w]! | 0);
    this.nStages = ends.length;
    this.stageEnd = Int32Array.from(ends);
    this.l3Stage = l3;
    this.indices = [];
    for (let s = 0; s < this.nStages - 1; s++) this.indices.push(new HashCount());
    this.triePlen = triePlen;
    let any = false;
    for (let i = 0; i < triePlen.length; i++) if (triePlen[i]! > 0) any = true;
    this.hasTries = any;
    const pm = last === STAGE_L4 ? this.mask[W_TP]! | 0 : 0;
    this.portsMask = pm;
    // Prefix length up to the lowest mask bit (32 - ctz); wildcarded bits inside are 0 in every value.
    this.portsLen = pm === 0 ? 0 : 1 + Math.clz32(pm & -pm);
    this.portsTrie = pm === 0 ? null : new PrefixTrie(32);
    this.tab = new Int32Array(32);
    this.tmask = 15;
    this.keys = new Int32Array(8 * this.nWords);
    this.topPri = new Int32Array(8);
  }

  get nEntries(): number {
    return this.ents.length;
  }

  /** Compact masked key of `key` (any FlowKey; it is masked here). */
  compact(key: Uint32Array): Int32Array {
    const k = new Int32Array(this.nWords);
    for (let j = 0; j < this.nWords; j++) k[j] = key[this.words[j]!]! & this.maskVals[j]!;
    return k;
  }

  /** Hash of a compact key (equal to the lookup's hash of any flow that matches it). */
  hashCompact(k: Int32Array): number {
    let h = 0;
    for (let j = 0; j < this.nWords; j++) h = hashAdd(h, k[j]!);
    return hashFinish(h, this.nWords << 2) | 0;
  }

  /** Cumulative hash of the first `s + 1` stages of the compact key at keys[base..]. */
  private stageHash(keys: Int32Array, base: number, s: number): number {
    let h = 0;
    const end = this.stageEnd[s]!;
    for (let j = 0; j < end; j++) h = hashAdd(h, keys[base + j]!);
    return hashFinish(h, end << 2) | 0;
  }

  /** Index of the entry matching `flow` among those with this full hash, or -1. */
  findFlow(flow: Uint32Array, hash: number): number {
    const tab = this.tab;
    const m = this.tmask;
    const keys = this.keys;
    const words = this.words;
    const mv = this.maskVals;
    const n = this.nWords;
    let i = hash & m;
    for (;;) {
      const p = i << 1;
      const ix = tab[p + 1]!;
      if (ix === 0) return -1;
      if (tab[p] === hash) {
        const base = (ix - 1) * n;
        let j = 0;
        while (j < n && (flow[words[j]!]! & mv[j]!) === keys[base + j]) j++;
        if (j === n) return ix - 1;
      }
      i = (i + 1) & m;
    }
  }

  /** The entry at an index findFlow returned. */
  entryAt(idx: number): ClsEntry<R> {
    return this.ents[idx]!;
  }

  /** Record a change of the entry's first rule. */
  updateTop(e: ClsEntry<R>): void {
    this.topPri[e.idx] = e.rules[0]!.priority;
  }

  /** The entry with this compact key, or null. */
  findCompact(k: Int32Array, hash: number): ClsEntry<R> | null {
    const n = this.nWords;
    let i = hash & this.tmask;
    for (;;) {
      const p = i << 1;
      const ix = this.tab[p + 1]!;
      if (ix === 0) return null;
      if (this.tab[p] === hash) {
        const base = (ix - 1) * n;
        let j = 0;
        while (j < n && this.keys[base + j] === k[j]) j++;
        if (j === n) return this.ents[ix - 1]!;
      }
      i = (i + 1) & this.tmask;
    }
  }

  /** Add a new entry for compact key `k` (not present yet) with its first rule. */
  addEntry(k: Int32Array, hash: number, rule: ClsRule<R>, conj: ConjSet | null): ClsEntry<R> {
    const n = this.nWords;
    const idx = this.ents.length;
    if ((idx + 1) * n > this.keys.length) {
      const bigger = new Int32Array(Math.max(16, 2 * (idx + 1)) * n);
      bigger.set(this.keys);
      this.keys = bigger;
    }
    if (idx >= this.topPri.length) {
      const bigger = new Int32Array(this.topPri.length * 2);
      bigger.set(this.topPri);
      this.topPri = bigger;
    }
    this.keys.set(k, idx * n);
    this.topPri[idx] = rule.priority;
    const e = new ClsEntry<R>(hash, idx, [rule], [conj]);
    this.ents.push(e);
    if (this.ents.length * 2 > this.tmask + 1) this.rehash(this.tab.length);
    else this.place(hash, idx + 1);
    for (let s = 0; s < this.nStages - 1; s++) this.indices[s]!.add(this.stageHash(this.keys, idx * n, s));
    if (this.portsTrie !== null) this.portsTrie.insert(this.portsValue(idx), 0, this.portsLen);
    return e;
  }

  /** Remove an entry added with addEntry. */
  removeEntry(e: ClsEntry<R>): void {
    const n = this.nWords;
    const idx = e.idx;
    for (let s = 0; s < this.nStages - 1; s++) this.indices[s]!.remove(this.stageHash(this.keys, idx * n, s));
    if (this.portsTrie !== null) this.portsTrie.remove(this.portsValue(idx), 0, this.portsLen);
    this.unplace(this.slotOf(e.hash, idx + 1));
    // Keep the arrays dense: the last entry moves into the freed position.
    const last = this.ents.pop()!;
    if (last !== e) {
      const from = last.idx;
      this.keys.copyWithin(idx * n, from * n, from * n + n);
      this.topPri[idx] = this.topPri[from]!;
      this.tab[(this.slotOf(last.hash, from + 1) << 1) + 1] = idx + 1;
      last.idx = idx;
      this.ents[idx] = last;
    }
  }

  /** Every entry (off the hot path). */
  entries(): ClsEntry<R>[] {
    return this.ents.slice();
  }

  /** Recompute maxPriority/maxCount from the entries. */
  recomputeMax(): void {
    let max = 0;
    let count = 0;
    let first = true;
    for (const e of this.ents) {
      for (const r of e.rules) {
        if (first || r.priority > max) {
          max = r.priority;
          count = 1;
          first = false;
        } else if (r.priority === max) count++;
      }
    }
    this.maxPriority = max;
    this.maxCount = count;
  }

  /** The entry's masked ports word as a one-word value for the ports trie. */
  private portsValue(idx: number): Uint32Array {
    const v = new Uint32Array(1);
    for (let j = 0; j < this.nWords; j++) if (this.words[j] === W_TP) v[0] = this.keys[idx * this.nWords + j]!;
    return v;
  }

  private place(hash: number, ix: number): void {
    let i = hash & this.tmask;
    while (this.tab[(i << 1) + 1] !== 0) i = (i + 1) & this.tmask;
    this.tab[i << 1] = hash;
    this.tab[(i << 1) + 1] = ix;
  }

  /** Table slot holding entry index + 1 == ix. */
  private slotOf(hash: number, ix: number): number {
    let i = hash & this.tmask;
    while (this.tab[(i << 1) + 1] !== ix) i = (i + 1) & this.tmask;
    return i;
  }

  /** Free slot `hole`, shifting later members of its probe run back. */
  private unplace(hole: number): void {
    const m = this.tmask;
    const tab = this.tab;
    tab[(hole << 1) + 1] = 0;
    let j = hole;
    for (;;) {
      j = (j + 1) & m;
      if (tab[(j << 1) + 1] === 0) break;
      const home = tab[j << 1]! & m;
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        tab[hole << 1] = tab[j << 1]!;
        tab[(hole << 1) + 1] = tab[(j << 1) + 1]!;
        tab[(j << 1) + 1] = 0;
        hole = j;
      }
    }
  }

  /** Rebuild the table with `cap` slots from the dense entries. */
  private rehash(cap: number): void {
    this.tab = new Int32Array(cap * 2);
    this.tmask = cap - 1;
    for (let i = 0; i < this.ents.length; i++) this.place(this.ents[i]!.hash, i + 1);
  }
}
