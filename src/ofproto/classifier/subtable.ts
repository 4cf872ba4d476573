/*
 * One subtable of the OpenFlow classifier: all rules sharing one mask (tuple space search).
 * It keeps the mask as a compact list of its non-zero words in stage order, one hash index
 * per stage except the last (a multiset of the cumulative stage hashes, used to rule a packet
 * out early), and a table of entries keyed by the hash of the whole masked key. An entry is
 * one distinct match; it lists its rules (same match, different priorities) by priority.
 */
import { FLOW_WORDS, W_TP } from '../../flow/layout.js';
import { hashAdd, hashFinish } from '../../flow/hash.js';
import { HashCount } from './hash-count.js';
import { PrefixTrie } from './prefix-trie.js';
import { N_STAGES, STAGE_L3, STAGE_L4, STAGE_OF_WORD } from './stages.js';

/** An OpenFlow match (masked key + mask, FlowKey layout) with a priority and a payload. */
export interface ClsRule<R> {
  readonly key: Uint32Array;
  readonly mask: Uint32Array;
  readonly priority: number;
  readonly data: R;
}

/** One distinct match of a subtable and its rules, highest priority first. */
export class ClsEntry<R> {
  constructor(
    readonly hash: number,
    /** The masked key restricted to the subtable's words (compact form). */
    readonly key: Int32Array,
    readonly rules: ClsRule<R>[],
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

  private hashes: Int32Array;
  private slots: (ClsEntry<R> | null)[];
  private tmask: number;
  nEntries = 0;

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
    this.hashes = new Int32Array(16);
    this.slots = new Array<ClsEntry<R> | null>(16).fill(null);
    this.tmask = 15;
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

  /** Cumulative hash of the first `s + 1` stages of a compact key. */
  stageHash(k: Int32Array, s: number): number {
    let h = 0;
    const end = this.stageEnd[s]!;
    for (let j = 0; j < end; j++) h = hashAdd(h, k[j]!);
    return hashFinish(h, end << 2) | 0;
  }

  /** The entry matching `flow` among those with this full hash, or null. */
  findFlow(flow: Uint32Array, hash: number): ClsEntry<R> | null {
    const hashes = this.hashes;
    const slots = this.slots;
    const m = this.tmask;
    const words = this.words;
    const mv = this.maskVals;
    const n = this.nWords;
    let i = hash & m;
    for (;;) {
      const e = slots[i]!;
      if (e === null) return null;
      if (hashes[i] === hash) {
        const k = e.key;
        let j = 0;
        while (j < n && (flow[words[j]!]! & mv[j]!) === k[j]) j++;
        if (j === n) return e;
      }
      i = (i + 1) & m;
    }
  }

  /** The entry with this compact key, or null. */
  findCompact(k: Int32Array, hash: number): ClsEntry<R> | null {
    let i = hash & this.tmask;
    for (;;) {
      const e = this.slots[i]!;
      if (e === null) return null;
      if (this.hashes[i] === hash && sameKey(e.key, k)) return e;
      i = (i + 1) & this.tmask;
    }
  }

  /** Add a new entry (its key must not be present) and its stage hashes. */
  addEntry(e: ClsEntry<R>): void {
    if ((this.nEntries + 1) * 2 > this.tmask + 1) this.grow();
    this.place(e);
    this.nEntries++;
    for (let s = 0; s < this.nStages - 1; s++) this.indices[s]!.add(this.stageHash(e.key, s));
    if (this.portsTrie !== null) this.portsTrie.insert(portsValue(e, this), 0, this.portsLen);
  }

  /** Remove an entry added with addEntry. */
  removeEntry(e: ClsEntry<R>): void {
    const m = this.tmask;
    let i = e.hash & m;
    while (this.slots[i] !== e) {
      if (this.slots[i] === null) return;
      i = (i + 1) & m;
    }
    this.slots[i] = null;
    this.nEntries--;
    // Shift later members of the probe run back into the hole.
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & m;
      const x = this.slots[j]!;
      if (x === null) break;
      const home = this.hashes[j]! & m;
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        this.slots[hole] = x;
        this.hashes[hole] = this.hashes[j]!;
        this.slots[j] = null;
        hole = j;
      }
    }
    for (let s = 0; s < this.nStages - 1; s++) this.indices[s]!.remove(this.stageHash(e.key, s));
    if (this.portsTrie !== null) this.portsTrie.remove(portsValue(e, this), 0, this.portsLen);
  }

  /** Every entry (off the hot path). */
  entries(): ClsEntry<R>[] {
    const out: ClsEntry<R>[] = [];
    for (const e of this.slots) if (e !== null) out.push(e);
    return out;
  }

  /** Recompute maxPriority/maxCount from the entries. */
  recomputeMax(): void {
    let max = 0;
    let count = 0;
    let first = true;
    for (const e of this.slots) {
      if (e === null) continue;
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

  private place(e: ClsEntry<R>): void {
    let i = e.hash & this.tmask;
    while (this.slots[i] !== null) i = (i + 1) & this.tmask;
    this.slots[i] = e;
    this.hashes[i] = e.hash;
  }

  private grow(): void {
    const old = this.slots;
    const cap = old.length * 2;
    this.hashes = new Int32Array(cap);
    this.slots = new Array<ClsEntry<R> | null>(cap).fill(null);
    this.tmask = cap - 1;
    for (const e of old) if (e !== null) this.place(e);
  }
}

function sameKey(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The entry's masked ports word as a one-word value for the ports trie. */
function portsValue<R>(e: ClsEntry<R>, st: Subtable<R>): Uint32Array {
  const v = new Uint32Array(1);
  for (let j = 0; j < st.nWords; j++) if (st.words[j] === W_TP) v[0] = e.key[j]!;
  return v;
}
