/*
 * The megaflow table (OVS's ovs_flow_tbl / dpcls + EMC): subtables, one per distinct mask,
 * probed in rank order (most hits first, re-ranked every SORT_INTERVAL classifier lookups),
 * behind an exact-match cache. Flows are small integer ids; everything per flow lives in
 * typed arrays indexed by id (no object per flow), the actions in one array of payloads.
 */
import { DP_KEY_WORDS } from '../flow/layout.js';
import { hashPacketKey, hashWords } from '../flow/hash.js';
import { MegaflowSubtable } from './megaflow-subtable.js';
import { EMC_GEN, EMC_HASH, EMC_ID1, EMC_SLOT, ExactCache } from './exact-cache.js';

export interface MegaflowTableOptions {
  /** Exact-match cache entries (rounded up to a power of two); 0 disables it. Default 8192. */
  emcEntries?: number;
  /** Initial flow capacity (per-flow arrays grow by doubling). Default 1024. */
  initialCapacity?: number;
  /** Use lookup code specialised per mask shape (default true; false = generic loops). */
  specialise?: boolean;
}

const DEFAULT_EMC_ENTRIES = 8192;
const DEFAULT_CAPACITY = 1024;
/** Classifier lookups between two re-rankings of the subtables. */
const SORT_INTERVAL = 1 << 14;
const EMC_BASIS = 0x6a09e667;
/**
 * The exact-match cache is consulted only with at least this many subtables: a cache hit
 * costs about as much as probing 2.5 subtables (bench/megaflow.bench.ts), so with one or
 * two the classifier alone is faster. Results are the same either way.
 */
export const EMC_MIN_MASKS = 3;
const MASK_BASIS = 0x3c6ef372;

export class MegaflowTable<A> {
  /** Subtables probed (EMC hits count one), as OVS's n_mask_hit. */
  nMaskHit = 0;
  /** Lookups answered by the exact-match cache. */
  nCacheHit = 0;
  // Per-flow stats by id. Replaced when capacity grows: never keep a reference.
  packets: Float64Array;
  bytes: Float64Array;
  used: Float64Array;
  tcpFlags: Uint16Array;

  private cap: number;
  /** Registry index of the flow's subtable, -1 if the id is free. */
  private flowSub: Int32Array;
  /** The flow's subtable hash (to find its slot again). */
  private flowHash: Int32Array;
  /** Bumped when a flow is removed, so cache entries naming it die. */
  private flowGen: Int32Array;
  private flowActions: (A | undefined)[] = [];
  /** Stack of free ids below highId. */
  private freeIds: Int32Array;
  private nFree = 0;
  /** Ids in [0, highId) have been handed out at least once. */
  private highId = 0;
  private live = 0;

  /** Subtables by registry index (stable while the subtable exists). */
  private subs: (MegaflowSubtable | null)[] = [];
  /** Subtables in lookup order. */
  private ranked: MegaflowSubtable[] = [];
  private byMaskHash = new Map<number, MegaflowSubtable[]>();
  private sortCountdown = SORT_INTERVAL;
  private readonly emc: ExactCache | null;
  private readonly specialise: boolean;

  constructor(opts: MegaflowTableOptions = {}) {
    const emcEntries = opts.emcEntries ?? DEFAULT_EMC_ENTRIES;
    this.emc = emcEntries > 0 ? new ExactCache(emcEntries) : null;
    this.specialise = opts.specialise ?? true;
    const cap = Math.max(16, opts.initialCapacity ?? DEFAULT_CAPACITY) | 0;
    this.cap = cap;
    this.packets = new Float64Array(cap);
    this.bytes = new Float64Array(cap);
    this.used = new Float64Array(cap);
    this.tcpFlags = new Uint16Array(cap);
    this.flowSub = new Int32Array(cap).fill(-1);
    this.flowHash = new Int32Array(cap);
    this.flowGen = new Int32Array(cap);
    this.freeIds = new Int32Array(cap);
    for (let i = 0; i < cap; i++) this.flowActions.push(undefined);
  }

  get size(): number {
    return this.live;
  }

  get maskCount(): number {
    return this.ranked.length;
  }

  /**
   * Hot path: id of the flow matching the full packet key, or -1. Tries the exact-match
   * cache first when there are EMC_MIN_MASKS subtables or more.
   */
  lookup(key: Uint32Array): number {
    const emc = this.emc;
    // With few subtables the classifier is cheaper than the cache check (measured).
    if (emc === null || this.ranked.length < EMC_MIN_MASKS) return this.classify(key, 0, null);
    const h = hashPacketKey(key, EMC_BASIS);
    const e = emc.entries;
    let p = emc.pos0(h);
    for (let way = 0; way < 2; way++) {
      if (e[p + EMC_HASH] === h) {
        const id1 = e[p + EMC_ID1]!;
        if (id1 !== 0) {
          const id = id1 - 1;
          if (this.flowGen[id] === e[p + EMC_GEN]) {
            const sub = this.subs[this.flowSub[id]!]!;
            if (sub.matchesAt(key, e[p + EMC_SLOT]!, id)) {
              this.nCacheHit++;
              this.nMaskHit++;
              return id;
            }
          }
        }
      }
      p = emc.pos1(h);
    }
    return this.classify(key, h, emc);
  }

  /** Probe the subtables in rank order; on a hit, remember it in `emc` under hash `h`. */
  private classify(key: Uint32Array, h: number, emc: ExactCache | null): number {
    if (--this.sortCountdown <= 0) this.rerank();
    const ranked = this.ranked;
    const n = ranked.length;
    for (let i = 0; i < n; i++) {
      const sub = ranked[i]!;
      const id = sub.lookup(key);
      if (id >= 0) {
        this.nMaskHit += i + 1;
        sub.hits++;
        if (emc !== null) emc.insert(h, id, this.flowGen[id]!, sub.lastSlot, this.flowGen);
        return id;
      }
    }
    this.nMaskHit += n;
    return -1;
  }

  /** Id of the flow whose mask and masked key equal these exactly, or -1. */
  find(key: Uint32Array, mask: Uint32Array): number {
    const sub = this.subtableFor(mask);
    return sub === null ? -1 : sub.lookup(key);
  }

  /**
   * Insert a new flow (key is masked here); the caller has checked find() === -1. Returns its
   * id. `sub` is subtableFor(mask) when the caller has it already (flow put looks it up once).
   */
  insert(key: Uint32Array, mask: Uint32Array, actions: A, sub: MegaflowSubtable | null = this.subtableFor(mask)): number {
    if (sub === null) sub = this.addSubtable(mask);
    const id = this.allocId();
    this.flowHash[id] = sub.insert(key, id);
    this.flowSub[id] = sub.regIndex;
    this.flowActions[id] = actions;
    this.packets[id] = 0;
    this.bytes[id] = 0;
    this.used[id] = 0;
    this.tcpFlags[id] = 0;
    this.live++;
    return id;
  }

  remove(id: number): void {
    if (!this.isLive(id)) return;
    const sub = this.subs[this.flowSub[id]!]!;
    sub.remove(id, this.flowHash[id]!);
    this.flowSub[id] = -1;
    this.flowGen[id] = (this.flowGen[id]! + 1) | 0;
    this.flowActions[id] = undefined;
    this.freeIds[this.nFree++] = id;
    this.live--;
    if (sub.count === 0) this.dropSubtable(sub);
  }

  isLive(id: number): boolean {
    return id >= 0 && id < this.highId && this.flowSub[id]! >= 0;
  }

  actionsOf(id: number): A {
    if (!this.isLive(id)) throw new RangeError(`megaflow ${id} does not exist`);
    return this.flowActions[id] as A;
  }

  setActions(id: number, actions: A): void {
    if (!this.isLive(id)) throw new RangeError(`megaflow ${id} does not exist`);
    this.flowActions[id] = actions;
  }

  /** Copy of the flow's masked key (FLOW_WORDS words). */
  keyOf(id: number): Uint32Array {
    const sub = this.subOf(id);
    const slot = sub.slotOf(id, this.flowHash[id]!);
    return sub.keyAt(slot);
  }

  /** Copy of the flow's mask (FLOW_WORDS words). */
  maskOf(id: number): Uint32Array {
    return this.subOf(id).mask.slice();
  }

  /** Ids of all live flows, ascending. */
  ids(): number[] {
    const out: number[] = [];
    for (let id = 0; id < this.highId; id++) if (this.flowSub[id]! >= 0) out.push(id);
    return out;
  }

  /** Remove every flow (capacity is kept; ids start again from 0). */
  clear(): void {
    this.flowSub.fill(-1);
    for (let id = 0; id < this.highId; id++) {
      this.flowGen[id] = (this.flowGen[id]! + 1) | 0;
      this.flowActions[id] = undefined;
    }
    this.highId = 0;
    this.nFree = 0;
    this.live = 0;
    this.subs = [];
    this.ranked = [];
    this.byMaskHash.clear();
    this.emc?.clear();
  }

  /** Bytes held by the table: typed arrays, plus 8 per flow slot for the actions array. */
  memoryBytes(): number {
    let total =
      this.packets.byteLength +
      this.bytes.byteLength +
      this.used.byteLength +
      this.tcpFlags.byteLength +
      this.flowSub.byteLength +
      this.flowHash.byteLength +
      this.flowGen.byteLength +
      this.freeIds.byteLength +
      this.flowActions.length * 8;
    for (const sub of this.ranked) total += sub.memoryBytes();
    if (this.emc !== null) total += this.emc.memoryBytes();
    return total;
  }

  /** Subtables' masks in current rank order with their flow counts (for tools and tests). */
  subtables(): Array<{ mask: Uint32Array; flows: number }> {
    return this.ranked.map((s) => ({ mask: s.mask.slice(), flows: s.count }));
  }

  private subOf(id: number): MegaflowSubtable {
    if (!this.isLive(id)) throw new RangeError(`megaflow ${id} does not exist`);
    return this.subs[this.flowSub[id]!]!;
  }

  private allocId(): number {
    if (this.nFree > 0) return this.freeIds[--this.nFree]!;
    if (this.highId === this.cap) this.grow(this.cap * 2);
    return this.highId++;
  }

  private grow(newCap: number): void {
    const g64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(newCap);
      b.set(a);
      return b;
    };
    const g32 = (a: Int32Array, fill: number): Int32Array => {
      const b = new Int32Array(newCap);
      if (fill !== 0) b.fill(fill, a.length);
      b.set(a);
      return b;
    };
    this.packets = g64(this.packets);
    this.bytes = g64(this.bytes);
    this.used = g64(this.used);
    const tf = new Uint16Array(newCap);
    tf.set(this.tcpFlags);
    this.tcpFlags = tf;
    this.flowSub = g32(this.flowSub, -1);
    this.flowHash = g32(this.flowHash, 0);
    this.flowGen = g32(this.flowGen, 0);
    this.freeIds = g32(this.freeIds, 0);
    for (let i = this.cap; i < newCap; i++) this.flowActions.push(undefined);
    this.cap = newCap;
  }

  private static maskHash(mask: Uint32Array): number {
    return hashWords(mask, 0, DP_KEY_WORDS, MASK_BASIS) | 0;
  }

  /** The subtable holding flows with exactly this mask, or null. */
  subtableFor(mask: Uint32Array): MegaflowSubtable | null {
    const list = this.byMaskHash.get(MegaflowTable.maskHash(mask));
    if (list !== undefined) for (const sub of list) if (sub.sameMask(mask)) return sub;
    return null;
  }

  private addSubtable(mask: Uint32Array): MegaflowSubtable {
    let reg = this.subs.indexOf(null);
    if (reg < 0) reg = this.subs.length;
    const sub = new MegaflowSubtable(mask, reg, this.specialise);
    if (reg === this.subs.length) this.subs.push(sub);
    else this.subs[reg] = sub;
    this.ranked.push(sub); // new masks go last, as in OVS
    const mh = MegaflowTable.maskHash(mask);
    const list = this.byMaskHash.get(mh);
    if (list === undefined) this.byMaskHash.set(mh, [sub]);
    else list.push(sub);
    return sub;
  }

  private dropSubtable(sub: MegaflowSubtable): void {
    this.subs[sub.regIndex] = null;
    this.ranked.splice(this.ranked.indexOf(sub), 1);
    const mh = MegaflowTable.maskHash(sub.mask);
    const list = this.byMaskHash.get(mh)!;
    if (list.length === 1) this.byMaskHash.delete(mh);
    else list.splice(list.indexOf(sub), 1);
  }

  /** Re-rank subtables by recent hits (stable insertion sort, no allocation), then decay. */
  private rerank(): void {
    this.sortCountdown = SORT_INTERVAL;
    const r = this.ranked;
    for (let i = 1; i < r.length; i++) {
      const s = r[i]!;
      let j = i - 1;
      while (j >= 0 && r[j]!.hits < s.hits) {
        r[j + 1] = r[j]!;
        j--;
      }
      r[j + 1] = s;
    }
    for (let i = 0; i < r.length; i++) r[i]!.hits >>>= 1;
  }
}
