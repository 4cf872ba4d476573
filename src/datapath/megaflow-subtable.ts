/*
 * One megaflow subtable: every flow of one mask (OVS's sw_flow_mask + its flows, or a dpcls
 * subtable). Only the mask's non-zero datapath words are hashed and stored (compressed, like
 * a miniflow). Flows live in an open-addressing robin-hood hash table over one Int32Array:
 * slot = [hash, id + 1 (0 = empty), masked word 0 .. n-1], with a parallel byte array of
 * fingerprints (0 = empty, else 0x80 | 7 hash bits). A lookup scans the dense fingerprint
 * bytes and reads a (cache-cold) slot only when its fingerprint matches, so probing a
 * subtable that does not hold the packet's flow rarely touches the big slot array.
 * Deletion shifts the cluster back (robin-hood order), so there are no tombstones.
 * lookup() and matchesAt() are code specialised to the mask's word positions when the
 * platform allows it (megaflow-codegen.ts), else the generic loops below.
 */
import { DP_KEY_WORDS, FLOW_WORDS } from '../flow/layout.js';
import { hashMaskedSum, mulMix, WORD_MULT, hashFinishSigned } from '../flow/hash.js';
import { subtableFns } from './megaflow-codegen.js';

/** Basis of the subtable key hash. */
const SUBTABLE_BASIS = 0x2d358dcc;
const MIN_CAPACITY = 8;

/** Slot fingerprint of a hash: never 0 (0 marks an empty slot); independent of the home bits for tables below 2^24 slots. */
export function fingerprint(h: number): number {
  return 0x80 | ((h >>> 24) & 0x7f);
}

export class MegaflowSubtable {
  /** The full mask (FLOW_WORDS words; words at or past DP_KEY_WORDS are zero). */
  readonly mask: Uint32Array;
  /** Positions of the mask's non-zero words, and those mask words. */
  readonly idx: Uint8Array;
  readonly maskWords: Int32Array;
  readonly n: number;
  /** Words per slot: hash, id + 1, then n masked key words. */
  readonly stride: number;
  tab: Int32Array;
  /** Fingerprint of each slot: 0 = empty, else fingerprint(hash). */
  meta: Uint8Array;
  cap: number;
  capMask: number;
  count = 0;
  /** Classifier hits since the last re-ranking (the table decays them). */
  hits = 0;
  /** This subtable's index in the owning table's registry. */
  readonly regIndex: number;
  /** Slot of the last successful lookup() (a hint for the exact-match cache). */
  lastSlot = 0;
  /** Scratch entries used while inserting (robin-hood swaps). */
  private readonly carry: Int32Array;
  private readonly tmp: Int32Array;
  /** Id of the flow whose masked key equals key & mask, or -1. Sets lastSlot on a hit. */
  readonly lookup: (key: Uint32Array) => number;
  /** True if slot `slot` holds flow `id` and the flow matches `key` (cache-hit check). */
  readonly matchesAt: (key: Uint32Array, slot: number, id: number) => boolean;

  /** `specialise` false keeps the generic lookup loops (tests compare both). */
  constructor(mask: Uint32Array, regIndex: number, specialise = true) {
    this.regIndex = regIndex;
    this.mask = new Uint32Array(FLOW_WORDS);
    let n = 0;
    for (let i = 0; i < DP_KEY_WORDS; i++) if (mask[i] !== 0) n++;
    this.idx = new Uint8Array(n);
    this.maskWords = new Int32Array(n);
    let j = 0;
    for (let i = 0; i < DP_KEY_WORDS; i++) {
      const w = mask[i]!;
      if (w === 0) continue;
      this.mask[i] = w;
      this.idx[j] = i;
      this.maskWords[j] = w | 0;
      j++;
    }
    this.n = n;
    this.stride = n + 2;
    this.cap = MIN_CAPACITY;
    this.capMask = MIN_CAPACITY - 1;
    this.tab = new Int32Array(MIN_CAPACITY * this.stride);
    this.meta = new Uint8Array(MIN_CAPACITY);
    this.carry = new Int32Array(this.stride);
    this.tmp = new Int32Array(this.stride);
    const fns = specialise ? subtableFns(this.idx, SUBTABLE_BASIS) : null;
    this.lookup = fns !== null ? fns.lookup : this.lookupGeneric;
    this.matchesAt = fns !== null ? fns.matchesAt : this.matchesAtGeneric;
  }

  /** Subtable hash of `key` under this mask (signed 32-bit). */
  hashKey(key: Uint32Array): number {
    return hashMaskedSum(key, this.idx, this.maskWords, this.n, SUBTABLE_BASIS);
  }

  /** Generic lookup (see lookup). */
  lookupGeneric(key: Uint32Array): number {
    const idx = this.idx;
    const mw = this.maskWords;
    const n = this.n;
    let h = SUBTABLE_BASIS;
    for (let j = 0; j < n; j++) {
      const i = idx[j]!;
      h = (h + mulMix(key[i]! & mw[j]!, WORD_MULT[i]!)) | 0;
    }
    h = hashFinishSigned(h, n << 2);
    const meta = this.meta;
    const fp = fingerprint(h);
    const tab = this.tab;
    const stride = this.stride;
    const m = this.capMask;
    let pos = h & m;
    for (;;) {
      const f = meta[pos]!;
      if (f === 0) return -1;
      if (f === fp) {
        const base = pos * stride;
        if (tab[base] === h) {
          const off = base + 2;
          let j = 0;
          while (j < n && (key[idx[j]!]! & mw[j]!) === tab[off + j]!) j++;
          if (j === n) {
            this.lastSlot = pos;
            return tab[base + 1]! - 1;
          }
        }
      }
      pos = (pos + 1) & m;
    }
  }

  /** Generic cache-hit check (see matchesAt). */
  matchesAtGeneric(key: Uint32Array, slot: number, id: number): boolean {
    if (slot >= this.cap) return false;
    const tab = this.tab;
    const base = slot * this.stride;
    if (tab[base + 1] !== id + 1) return false;
    const idx = this.idx;
    const mw = this.maskWords;
    const n = this.n;
    const off = base + 2;
    for (let j = 0; j < n; j++) if ((key[idx[j]!]! & mw[j]!) !== tab[off + j]!) return false;
    return true;
  }

  /** Add flow `id` for `key` (masked here). Returns the flow's subtable hash. */
  insert(key: Uint32Array, id: number): number {
    if ((this.count + 1) * 4 > this.cap * 3) this.resize(this.cap * 2);
    const c = this.carry;
    const idx = this.idx;
    const mw = this.maskWords;
    for (let j = 0; j < this.n; j++) c[j + 2] = key[idx[j]!]! & mw[j]!;
    const h = this.hashKey(key);
    c[0] = h;
    c[1] = id + 1;
    this.place(c);
    this.count++;
    return h;
  }

  /** Robin-hood insert of entry `c` (clobbers c). */
  private place(c: Int32Array): void {
    const tab = this.tab;
    const meta = this.meta;
    const stride = this.stride;
    const m = this.capMask;
    const t = this.tmp;
    let pos = c[0]! & m;
    let dist = 0;
    for (;;) {
      const base = pos * stride;
      if (meta[pos] === 0) {
        for (let j = 0; j < stride; j++) tab[base + j] = c[j]!;
        meta[pos] = fingerprint(c[0]!);
        return;
      }
      const ed = (pos - (tab[base]! & m)) & m;
      if (ed < dist) {
        // The resident is closer to home than we are: take its slot, carry it on.
        for (let j = 0; j < stride; j++) {
          t[j] = tab[base + j]!;
          tab[base + j] = c[j]!;
          c[j] = t[j]!;
        }
        meta[pos] = fingerprint(tab[base]!);
        dist = ed;
      }
      pos = (pos + 1) & m;
      dist++;
    }
  }

  /** Slot holding flow `id` whose subtable hash is `h`, or -1. */
  slotOf(id: number, h: number): number {
    const tab = this.tab;
    const stride = this.stride;
    const m = this.capMask;
    const id1 = id + 1;
    let pos = h & m;
    for (let dist = 0; dist <= this.cap; dist++) {
      const base = pos * stride;
      const e1 = tab[base + 1]!;
      if (e1 === 0) return -1;
      if (e1 === id1) return pos;
      pos = (pos + 1) & m;
    }
    return -1;
  }

  /** Remove flow `id` (hash `h`). Returns false if it is not here. */
  remove(id: number, h: number): boolean {
    let pos = this.slotOf(id, h);
    if (pos < 0) return false;
    const tab = this.tab;
    const stride = this.stride;
    const m = this.capMask;
    // Backward-shift deletion: pull following displaced entries one slot back.
    for (;;) {
      const next = (pos + 1) & m;
      const nb = next * stride;
      const base = pos * stride;
      if (this.meta[next] === 0 || ((next - (tab[nb]! & m)) & m) === 0) {
        for (let j = 0; j < stride; j++) tab[base + j] = 0;
        this.meta[pos] = 0;
        break;
      }
      for (let j = 0; j < stride; j++) tab[base + j] = tab[nb + j]!;
      this.meta[pos] = this.meta[next]!;
      pos = next;
    }
    this.count--;
    if (this.cap > MIN_CAPACITY && this.count * 8 < this.cap) this.resize(this.cap >>> 1);
    return true;
  }

  /** Masked key of the flow at `slot`, expanded to FLOW_WORDS words. */
  keyAt(slot: number): Uint32Array {
    const out = new Uint32Array(FLOW_WORDS);
    const off = slot * this.stride + 2;
    for (let j = 0; j < this.n; j++) out[this.idx[j]!] = this.tab[off + j]!;
    return out;
  }

  /** Append the ids of every flow here to `out`. */
  collectIds(out: number[]): void {
    const tab = this.tab;
    for (let base = 1; base < tab.length; base += this.stride) if (tab[base] !== 0) out.push(tab[base]! - 1);
  }

  /** True if `mask`'s datapath words equal this subtable's mask. */
  sameMask(mask: Uint32Array): boolean {
    const own = this.mask;
    for (let i = 0; i < DP_KEY_WORDS; i++) if (own[i] !== mask[i]) return false;
    return true;
  }

  memoryBytes(): number {
    return this.tab.byteLength + this.meta.byteLength + this.carry.byteLength * 2 + this.mask.byteLength + this.idx.byteLength + this.maskWords.byteLength;
  }

  private resize(newCap: number): void {
    const old = this.tab;
    const stride = this.stride;
    this.tab = new Int32Array(newCap * stride);
    this.meta = new Uint8Array(newCap);
    this.cap = newCap;
    this.capMask = newCap - 1;
    const c = this.carry;
    for (let base = 0; base < old.length; base += stride) {
      if (old[base + 1] === 0) continue;
      for (let j = 0; j < stride; j++) c[j] = old[base + j]!;
      this.place(c);
    }
  }
}
