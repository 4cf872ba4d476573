// ExactCache: entry placement (2-way), reuse of dead entries, clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMC_GEN, EMC_HASH, EMC_ID1, EMC_SLOT, ExactCache } from '../../src/datapath/exact-cache.js';

test('size rounds up to a power of two', () => {
  assert.equal(new ExactCache(8192).mask, 8191);
  assert.equal(new ExactCache(1000).mask, 1023);
  assert.equal(new ExactCache(0).mask, 1);
});

test('insert fills the first position, then the second, then evicts one of them', () => {
  const c = new ExactCache(16);
  const gens = new Int32Array(8);
  const h = 0x12345673;
  const p0 = c.pos0(h);
  const p1 = c.pos1(h);
  assert.notEqual(p0, p1);
  c.insert(h, 1, 0, 5, gens);
  assert.deepEqual([...c.entries.subarray(p0, p0 + 4)], [h, 2, 0, 5]);
  // Same hash: the entry is updated in place.
  c.insert(h, 2, 0, 6, gens);
  assert.equal(c.entries[p0 + EMC_ID1], 3);
  assert.equal(c.entries[p1 + EMC_ID1], 0);
  // A different hash sharing the first position takes the second one when the first is live.
  const h2 = (h & c.mask) | ((c.pos1(h) / 4 + 1) << c.shift);
  assert.equal(c.pos0(h2), p0);
  c.insert(h2, 3, 0, 7, gens);
  const q1 = c.pos1(h2);
  assert.deepEqual([c.entries[q1 + EMC_HASH], c.entries[q1 + EMC_ID1], c.entries[q1 + EMC_GEN], c.entries[q1 + EMC_SLOT]], [h2, 4, 0, 7]);
  // Once flow 2 is gone (generation bumped), its entry is the one reused.
  gens[2] = 1;
  const h3 = (h & c.mask) | ((q1 / 4 + 2) << c.shift);
  c.insert(h3, 4, 0, 8, gens);
  assert.equal(c.entries[p0 + EMC_HASH], h3);
  c.clear();
  assert.ok(c.entries.every((v) => v === 0));
});
