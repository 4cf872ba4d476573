// ExactCache: entry placement (2-way), reuse of dead entries, clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMC_GEN, EMC_HASH, EMC_ID1, EMC_SLOT, ExactCache } from '../../src/datapath/exact-cache.js';

test('size rounds up to a power of two', () => {
  assert.equal(new ExactCache(8192).mask, 8191);
  assert.equal(new ExactCache(1000).mask, 1023);
  assert.equal(new ExactCache(0).mask, 1);
});

test('insert: same flow updates in place, a second flow takes the other way, then eviction', () => {
  const c = new ExactCache(16);
  const gens = new Int32Array(8);
  const h = 0x12345673;
  const p0 = c.pos0(h);
  const p1 = c.pos1(h);
  assert.notEqual(p0, p1);
  const entry = (p: number): number[] => [c.entries[p + EMC_HASH]!, c.entries[p + EMC_ID1]!, c.entries[p + EMC_GEN]!, c.entries[p + EMC_SLOT]!];
  c.insert(h, 1, 0, 5, gens);
  assert.deepEqual(entry(p0), [h, 2, 0, 5]);
  // Same flow, same hash, new slot: updated in place.
  c.insert(h, 1, 0, 6, gens);
  assert.deepEqual(entry(p0), [h, 2, 0, 6]);
  assert.equal(c.entries[p1 + EMC_ID1], 0);
  // Another flow under the same hash: the second way, so both stay cached.
  c.insert(h, 2, 0, 7, gens);
  assert.deepEqual(entry(p0), [h, 2, 0, 6]);
  assert.deepEqual(entry(p1), [h, 3, 0, 7]);
  // Flow 1 removed (generation bumped): its entry is the one reused.
  gens[1] = 1;
  c.insert(h, 3, 0, 8, gens);
  assert.deepEqual(entry(p0), [h, 4, 0, 8]);
  assert.deepEqual(entry(p1), [h, 3, 0, 7]);
  // Both live: one of them is evicted.
  c.insert(h, 4, 0, 9, gens);
  const ids = [c.entries[p0 + EMC_ID1], c.entries[p1 + EMC_ID1]];
  assert.ok(ids.includes(5) && (ids.includes(4) || ids.includes(3)));
  c.clear();
  assert.ok(c.entries.every((v) => v === 0));
});
