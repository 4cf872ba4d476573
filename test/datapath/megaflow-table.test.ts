// MegaflowTable against a linear-scan reference on seeded random flows, plus its edge cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMC_MIN_MASKS, MegaflowTable } from '../../src/datapath/megaflow-table.js';
import { DP_KEY_WORDS, FLOW_WORDS, W_IN_PORT, W_IPV4_DST, W_IPV4_SRC, W_TP, W_ETH_TYPE, W_METADATA } from '../../src/flow/layout.js';

/** Seeded PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

interface RefFlow {
  id: number;
  key: Uint32Array;
  mask: Uint32Array;
  actions: string;
}

/** The obvious megaflow table: a list scanned in full. */
class RefTable {
  flows = new Map<number, RefFlow>();
  static matches(f: RefFlow, key: Uint32Array): boolean {
    for (let i = 0; i < DP_KEY_WORDS; i++) if (((key[i]! & f.mask[i]!) >>> 0) !== f.key[i]) return false;
    return true;
  }
  matching(key: Uint32Array): number[] {
    const out: number[] = [];
    for (const f of this.flows.values()) if (RefTable.matches(f, key)) out.push(f.id);
    return out;
  }
  find(key: Uint32Array, mask: Uint32Array): number {
    outer: for (const f of this.flows.values()) {
      for (let i = 0; i < DP_KEY_WORDS; i++) {
        if (f.mask[i] !== mask[i]) continue outer;
        if (((key[i]! & mask[i]!) >>> 0) !== f.key[i]) continue outer;
      }
      return f.id;
    }
    return -1;
  }
}

function masked(key: Uint32Array, mask: Uint32Array): Uint32Array {
  const out = new Uint32Array(FLOW_WORDS);
  for (let i = 0; i < DP_KEY_WORDS; i++) out[i] = key[i]! & mask[i]!;
  return out;
}

/** Random masks over a few words, so flows share subtables and overlap often. */
const WORDS = [W_IN_PORT, W_ETH_TYPE, W_IPV4_SRC, W_IPV4_DST, W_TP, 3, 40, DP_KEY_WORDS - 1];
const PART = [0xffffffff, 0xffff0000, 0x0000ffff, 0xff000000, 0x80000001, 0x3];

function makeMasks(rnd: () => number, n: number): Uint32Array[] {
  const masks: Uint32Array[] = [];
  for (let m = 0; m < n; m++) {
    const mask = new Uint32Array(FLOW_WORDS);
    for (const w of WORDS) if (rnd() % 3 === 0) mask[w] = PART[rnd() % PART.length]!;
    if (m === 0) mask.fill(0); // one catch-all (empty) mask
    masks.push(mask);
  }
  return masks;
}

function randomKey(rnd: () => number): Uint32Array {
  const k = new Uint32Array(FLOW_WORDS);
  // Small value domain so that random packets hit flows.
  for (const w of WORDS) k[w] = (rnd() & 1 ? 0xffffffff : 0) ^ (rnd() % 4) ^ ((rnd() % 2) << 24);
  k[W_METADATA] = rnd(); // OpenFlow-only word: the datapath must ignore it
  return k;
}

function runDifferential(seed: number, emcEntries: number, ops: number, specialise = true): void {
  const rnd = prng(seed);
  const table = new MegaflowTable<string>({ emcEntries, initialCapacity: 16, specialise });
  const ref = new RefTable();
  const masks = makeMasks(rnd, 12);
  const live: number[] = [];
  const removed: number[] = [];
  let lastKey: Uint32Array | null = null;
  for (let op = 0; op < ops; op++) {
    const r = rnd() % 100;
    if (r < 35) {
      const key = randomKey(rnd);
      const mask = masks[rnd() % masks.length]!;
      const want = ref.find(key, mask);
      assert.equal(table.find(key, mask), want, `find, op ${op}`);
      if (want !== -1) continue;
      const actions = `a${op}`;
      const id = table.insert(key, mask, actions);
      assert.ok(!ref.flows.has(id), 'id already in use');
      if (removed.length > 0) assert.equal(id, removed.pop(), 'removed ids are recycled first');
      ref.flows.set(id, { id, key: masked(key, mask), mask, actions });
      live.push(id);
    } else if (r < 50 && live.length > 0) {
      const i = rnd() % live.length;
      const id = live[i]!;
      live[i] = live[live.length - 1]!;
      live.pop();
      table.remove(id);
      ref.flows.delete(id);
      removed.push(id);
      assert.equal(table.isLive(id), false);
    } else {
      // Look up a packet: a live flow's key with its wildcarded bits randomised, or random.
      let key: Uint32Array;
      if (lastKey !== null && rnd() % 4 === 0) {
        // The previous packet with only a word the EMC hash skips changed: same cache entry.
        key = lastKey.slice();
        key[DP_KEY_WORDS - 1] = (rnd() & 1 ? 0xffffffff : 0) ^ (rnd() % 4);
      } else if (live.length > 0 && rnd() % 4 !== 0) {
        const f = ref.flows.get(live[rnd() % live.length]!)!;
        key = randomKey(rnd);
        for (let w = 0; w < DP_KEY_WORDS; w++) key[w] = ((key[w]! & ~f.mask[w]!) | f.key[w]!) >>> 0;
      } else {
        key = randomKey(rnd);
      }
      const got = table.lookup(key);
      const want = ref.matching(key);
      if (want.length === 0) assert.equal(got, -1, `lookup must miss, op ${op}`);
      else assert.ok(want.includes(got), `lookup returned ${got}, matching ${want.join(',')}, op ${op}`);
      // Again: now likely from the exact-match cache.
      assert.equal(table.lookup(key), got, `repeat lookup, op ${op}`);
      lastKey = key;
    }
    if (op % 257 === 0) {
      assert.equal(table.size, ref.flows.size);
      const masksInUse = new Set([...ref.flows.values()].map((f) => f.mask.join(',')));
      assert.equal(table.maskCount, masksInUse.size, 'one subtable per mask in use');
      assert.deepEqual(table.ids(), [...ref.flows.keys()].sort((a, b) => a - b));
      for (const f of ref.flows.values()) {
        assert.deepEqual(table.keyOf(f.id), f.key);
        assert.deepEqual(table.maskOf(f.id), f.mask);
        assert.equal(table.actionsOf(f.id), f.actions);
      }
    }
  }
}

test('differential against a linear scan, EMC on', () => {
  for (const seed of [1, 2, 3]) runDifferential(seed, 8192, 4000);
});

test('differential against a linear scan, EMC off', () => {
  for (const seed of [11, 12]) runDifferential(seed, 0, 4000);
});

test('differential with a tiny EMC (constant eviction and collisions)', () => {
  runDifferential(21, 2, 4000);
});

test('differential with the generic (unspecialised) subtable code', () => {
  runDifferential(31, 8192, 3000, false);
  runDifferential(32, 0, 3000, false);
});

function exactMask(...words: number[]): Uint32Array {
  const m = new Uint32Array(FLOW_WORDS);
  for (const w of words) m[w] = 0xffffffff;
  return m;
}

function keyWith(pairs: Array<[number, number]>): Uint32Array {
  const k = new Uint32Array(FLOW_WORDS);
  for (const [w, v] of pairs) k[w] = v;
  return k;
}

/** Give `t` subtables that match nothing here, so lookups go through the EMC. */
function addDecoy(t: MegaflowTable<string>): void {
  for (let i = 1; i < EMC_MIN_MASKS; i++) t.insert(keyWith([[DP_KEY_WORDS - 1 - i, 0xdead]]), exactMask(DP_KEY_WORDS - 1 - i), 'decoy');
}

test('EMC never returns a removed flow, even when its id is recycled', () => {
  const t = new MegaflowTable<string>();
  addDecoy(t);
  const mask = exactMask(W_IN_PORT, W_IPV4_DST);
  const pkt = keyWith([[W_IN_PORT, 1], [W_IPV4_DST, 0x0a000001], [W_IPV4_SRC, 7]]);
  const id = t.insert(pkt, mask, 'x');
  assert.equal(t.lookup(pkt), id);
  assert.equal(t.lookup(pkt), id);
  assert.equal(t.nCacheHit, 1);
  t.remove(id);
  assert.equal(t.lookup(pkt), -1);
  // Same id, same subtable, same slot, but a different key: the old packet must miss.
  const other = keyWith([[W_IN_PORT, 1], [W_IPV4_DST, 0x0a000002]]);
  const id2 = t.insert(other, mask, 'y');
  assert.equal(id2, id);
  assert.equal(t.lookup(pkt), -1);
  assert.equal(t.lookup(other), id2);
  // Same key re-inserted under a recycled id after another removal: found, with its new actions.
  t.remove(id2);
  const id3 = t.insert(pkt, mask, 'z');
  assert.equal(t.lookup(pkt), id3);
  assert.equal(t.actionsOf(id3), 'z');
});

test('packets that share an EMC entry but match different flows', () => {
  const t = new MegaflowTable<string>();
  addDecoy(t);
  const W = DP_KEY_WORDS - 1; // not part of the EMC's packet hash
  const mask = exactMask(W_IN_PORT, W);
  const a = keyWith([[W_IN_PORT, 1], [W, 1]]);
  const b = keyWith([[W_IN_PORT, 1], [W, 2]]);
  const c = keyWith([[W_IN_PORT, 1], [W, 3]]);
  const ida = t.insert(a, mask, 'a');
  const idb = t.insert(b, mask, 'b');
  for (let i = 0; i < 3; i++) {
    assert.equal(t.lookup(a), ida);
    assert.equal(t.lookup(b), idb);
    assert.equal(t.lookup(c), -1);
  }
  assert.ok(t.nCacheHit > 0);
});

test('a removed flow that the EMC remembered gives way to an overlapping live flow', () => {
  const t = new MegaflowTable<string>();
  addDecoy(t);
  const pkt = keyWith([[W_IN_PORT, 3], [W_IPV4_DST, 9]]);
  const narrow = t.insert(pkt, exactMask(W_IN_PORT, W_IPV4_DST), 'narrow');
  const wide = t.insert(pkt, exactMask(W_IN_PORT), 'wide');
  assert.equal(t.lookup(pkt), narrow);
  assert.equal(t.lookup(pkt), narrow);
  t.remove(narrow);
  assert.equal(t.lookup(pkt), wide);
  assert.equal(t.maskCount, EMC_MIN_MASKS);
});

test('counters: masks probed in rank order, cache hits, misses probe every mask', () => {
  const t = new MegaflowTable<number>({ emcEntries: 0 });
  const a = t.insert(keyWith([[W_IN_PORT, 1]]), exactMask(W_IN_PORT), 1);
  t.insert(keyWith([[W_IPV4_SRC, 1]]), exactMask(W_IPV4_SRC), 2);
  const c = t.insert(keyWith([[W_TP, 5]]), exactMask(W_TP), 3);
  assert.equal(t.maskCount, 3);
  assert.equal(t.lookup(keyWith([[W_IN_PORT, 1]])), a);
  assert.equal(t.nMaskHit, 1);
  assert.equal(t.lookup(keyWith([[W_TP, 5]])), c);
  assert.equal(t.nMaskHit, 4);
  assert.equal(t.lookup(keyWith([[W_TP, 6]])), -1);
  assert.equal(t.nMaskHit, 7);
  assert.equal(t.nCacheHit, 0);

  assert.equal(EMC_MIN_MASKS, 3);
  const e = new MegaflowTable<number>();
  const first = e.insert(keyWith([[W_IPV4_SRC, 1]]), exactMask(W_IPV4_SRC), 2);
  e.insert(keyWith([[W_IPV4_DST, 1]]), exactMask(W_IPV4_DST), 3);
  e.insert(keyWith([[W_IN_PORT, 1]]), exactMask(W_IN_PORT), 1);
  const k = keyWith([[W_IN_PORT, 1], [W_TP, 99]]);
  e.lookup(k); // third subtable: 3 probes
  e.lookup(k); // cache hit: counts 1
  assert.deepEqual([e.nCacheHit, e.nMaskHit], [1, 4]);
  // Below EMC_MIN_MASKS subtables the cache is bypassed (probing is cheaper).
  e.remove(first);
  e.lookup(k);
  e.lookup(k);
  assert.deepEqual([e.nCacheHit, e.nMaskHit], [1, 8]);
});

test('subtables are re-ranked by hits', () => {
  const t = new MegaflowTable<number>({ emcEntries: 0 });
  for (let i = 0; i < 5; i++) t.insert(keyWith([[W_IN_PORT, 1], [W_TP, i]]), exactMask(W_IN_PORT, W_TP), i);
  t.insert(keyWith([[W_IPV4_SRC, 1]]), exactMask(W_IPV4_SRC), 9);
  const hot = t.insert(keyWith([[W_IPV4_DST, 1]]), exactMask(W_IPV4_DST), 10);
  const pkt = keyWith([[W_IPV4_DST, 1]]);
  for (let i = 0; i < 40000; i++) assert.equal(t.lookup(pkt), hot);
  assert.deepEqual(t.subtables()[0]!.mask, exactMask(W_IPV4_DST));
  const before = t.nMaskHit;
  t.lookup(pkt);
  assert.equal(t.nMaskHit - before, 1);
});

test('subtable resize: grow to many flows, shrink back, everything still found', () => {
  const t = new MegaflowTable<number>({ emcEntries: 0, initialCapacity: 16 });
  const mask = exactMask(W_IPV4_SRC, W_TP);
  const ids: number[] = [];
  const N = 20000;
  for (let i = 0; i < N; i++) ids.push(t.insert(keyWith([[W_IPV4_SRC, i * 7919], [W_TP, i & 15]]), mask, i));
  assert.equal(t.size, N);
  assert.equal(t.maskCount, 1);
  for (let i = 0; i < N; i++) assert.equal(t.lookup(keyWith([[W_IPV4_SRC, i * 7919], [W_TP, i & 15]])), ids[i]);
  assert.equal(t.lookup(keyWith([[W_IPV4_SRC, 3], [W_TP, 0]])), -1);
  const bigMem = t.memoryBytes();
  for (let i = 0; i < N; i++) if (i % 100 !== 0) t.remove(ids[i]!);
  assert.equal(t.size, N / 100);
  assert.ok(t.memoryBytes() < bigMem, 'subtable shrinks');
  for (let i = 0; i < N; i++) {
    const want = i % 100 === 0 ? ids[i] : -1;
    assert.equal(t.lookup(keyWith([[W_IPV4_SRC, i * 7919], [W_TP, i & 15]])), want);
  }
  assert.equal(t.find(keyWith([[W_IPV4_SRC, 100 * 7919], [W_TP, 100 & 15]]), mask), ids[100]);
});

test('per-flow stats arrays keep their values when capacity grows', () => {
  const t = new MegaflowTable<number>({ initialCapacity: 16 });
  const mask = exactMask(W_IPV4_SRC);
  const first: number[] = [];
  for (let i = 0; i < 10; i++) {
    const id = t.insert(keyWith([[W_IPV4_SRC, i]]), mask, i);
    first.push(id);
    t.packets[id] = i + 1;
    t.bytes[id] = (i + 1) * 100;
    t.used[id] = 1e12 + i;
    t.tcpFlags[id] = 0x12 + i;
  }
  const oldPackets = t.packets;
  for (let i = 10; i < 5000; i++) t.insert(keyWith([[W_IPV4_SRC, i]]), mask, i);
  assert.notEqual(t.packets, oldPackets, 'arrays replaced on growth');
  assert.ok(t.packets.length >= 5000);
  for (let i = 0; i < 10; i++) {
    const id = first[i]!;
    assert.deepEqual([t.packets[id], t.bytes[id], t.used[id], t.tcpFlags[id]], [i + 1, (i + 1) * 100, 1e12 + i, 0x12 + i]);
    assert.equal(t.actionsOf(id), i);
  }
  // A recycled id starts with zero stats.
  t.remove(first[3]!);
  const id = t.insert(keyWith([[W_IPV4_SRC, 99999]]), mask, -1);
  assert.equal(id, first[3]);
  assert.deepEqual([t.packets[id], t.bytes[id], t.used[id], t.tcpFlags[id]], [0, 0, 0, 0]);
});

test('clear, setActions, errors on dead ids, OpenFlow-only mask words ignored', () => {
  const t = new MegaflowTable<string>();
  const pkt = keyWith([[W_IN_PORT, 2]]);
  const id = t.insert(pkt, exactMask(W_IN_PORT), 'a');
  t.setActions(id, 'b');
  assert.equal(t.actionsOf(id), 'b');
  assert.equal(t.lookup(pkt), id);
  t.clear();
  assert.equal(t.size, 0);
  assert.equal(t.maskCount, 0);
  assert.deepEqual(t.ids(), []);
  assert.equal(t.lookup(pkt), -1);
  assert.equal(t.isLive(id), false);
  assert.throws(() => t.actionsOf(id), RangeError);
  assert.throws(() => t.keyOf(id), RangeError);
  t.remove(id); // no-op
  // A mask word past the datapath key does not make a different subtable.
  const m2 = exactMask(W_IN_PORT, W_METADATA);
  const id2 = t.insert(pkt, m2, 'c');
  assert.equal(t.find(pkt, exactMask(W_IN_PORT)), id2);
  assert.equal(t.maskOf(id2)[W_METADATA], 0);
  assert.equal(t.lookup(keyWith([[W_IN_PORT, 2], [W_METADATA, 5]])), id2);
});

test('memoryBytes counts the typed arrays and grows with flows', () => {
  const t = new MegaflowTable<number>({ emcEntries: 0, initialCapacity: 16 });
  const m0 = t.memoryBytes();
  const mask = exactMask(W_IPV4_SRC, W_IPV4_DST);
  for (let i = 0; i < 4096; i++) t.insert(keyWith([[W_IPV4_SRC, i], [W_IPV4_DST, i]]), mask, i);
  const per = (t.memoryBytes() - m0) / 4096;
  assert.ok(per > 40 && per < 300, `bytes per flow ${per}`);
});

test('a mask wider than the specialised code (generic path) and a catch-all mask', () => {
  const t = new MegaflowTable<string>({ emcEntries: 0 });
  const wide = new Uint32Array(FLOW_WORDS);
  for (let w = 0; w < 40; w++) wide[w] = 0xffff00ff;
  const a = new Uint32Array(FLOW_WORDS);
  for (let w = 0; w < 40; w++) a[w] = w * 0x01010101;
  const b = a.slice();
  b[39] ^= 0x10000; // a bit under the mask
  const c = a.slice();
  c[39] ^= 0x1000; // a bit outside the mask (0xffff00ff): same flow as a
  const ida = t.insert(a, wide, 'a');
  assert.equal(t.lookup(a), ida);
  assert.equal(t.lookup(c), ida);
  assert.equal(t.lookup(b), -1);
  const idb = t.insert(b, wide, 'b');
  assert.equal(t.lookup(b), idb);
  const any = t.insert(new Uint32Array(FLOW_WORDS), new Uint32Array(FLOW_WORDS), 'any');
  assert.equal(t.lookup(keyWith([[W_TP, 1234]])), any);
  assert.deepEqual(t.keyOf(ida), masked(a, wide));
  t.remove(ida);
  assert.equal(t.lookup(a), any);
});
