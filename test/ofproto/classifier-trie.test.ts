/*
 * The classifier's prefix trie against brute force: after random inserts and removals,
 * a lookup reports exactly the prefix lengths whose stored prefixes match the value, and
 * every value agreeing on the bits the lookup says decided it gets the same report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PrefixTrie } from '../../src/ofproto/classifier/prefix-trie.js';

function bit(v: Uint32Array, i: number): number {
  return (v[i >>> 5]! >>> (31 - (i & 31))) & 1;
}

function samePrefix(a: Uint32Array, b: Uint32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (bit(a, i) !== bit(b, i)) return false;
  return true;
}

/** Prefix lengths (sorted) of stored prefixes matching `v`. */
function brute(stored: Array<[Uint32Array, number]>, v: Uint32Array): number[] {
  const s = new Set<number>();
  for (const [p, n] of stored) if (samePrefix(p, v, n)) s.add(n);
  return [...s].sort((a, b) => a - b);
}

function fromBitmap(plens: Uint32Array, nBits: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < nBits; i++) if ((plens[i >>> 5]! >>> (i & 31)) & 1) out.push(i + 1);
  return out;
}

/** A value that keeps the first `n` bits of `v` and takes the rest from `r`. */
function keepPrefix(v: Uint32Array, r: Uint32Array, n: number): Uint32Array {
  const out = new Uint32Array(v.length);
  for (let i = 0; i < v.length * 32; i++) {
    const b = i < n ? bit(v, i) : bit(r, i);
    out[i >>> 5] = (out[i >>> 5]! | (b << (31 - (i & 31)))) >>> 0;
  }
  return out;
}

for (const nBits of [32, 128]) {
  const nw = nBits / 32;
  // Values from a few bit patterns with a few flipped bits, so prefixes share long paths.
  const bases = [0x0a010200, 0xc0a80000, 0x0a01020f, 0x80000000].map((x) => Uint32Array.from({ length: nw }, (_, i) => (x ^ (i * 0x01010101)) >>> 0));
  const value = fc
    .tuple(fc.constantFrom(...bases), fc.array(fc.nat(nBits - 1), { maxLength: 3 }))
    .map(([b, flips]) => {
      const v = b.slice();
      for (const f of flips) v[f >>> 5] = (v[f >>> 5]! ^ (1 << (31 - (f & 31)))) >>> 0;
      return v;
    });
  const prefix = fc.tuple(value, fc.integer({ min: 1, max: nBits }));

  test(`prefix trie (${nBits} bits) matches brute force`, () => {
    fc.assert(
      fc.property(fc.array(prefix, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 20 }), fc.array(value, { minLength: 1, maxLength: 20 }), fc.array(value, { minLength: 1, maxLength: 5 }), (adds, dels, queries, others) => {
        const trie = new PrefixTrie(nBits);
        const stored: Array<[Uint32Array, number]> = [];
        for (const [v, n] of adds) {
          trie.insert(v, 0, n);
          stored.push([v, n]);
        }
        for (const d of dels) {
          if (stored.length === 0) break;
          const [v, n] = stored.splice(d % stored.length, 1)[0]!;
          assert.equal(trie.remove(v, 0, n), true);
        }
        const plens = new Uint32Array(4);
        for (const q of queries) {
          plens.fill(0);
          const stop = trie.lookup(q, 0, plens, 0);
          assert.ok(stop >= 0 && stop <= nBits);
          assert.deepEqual(fromBitmap(plens, nBits), brute(stored, q));
          for (const r of others) {
            const u = keepPrefix(q, r, stop);
            plens.fill(0);
            trie.lookup(u, 0, plens, 0);
            assert.deepEqual(fromBitmap(plens, nBits), brute(stored, q), 'a value agreeing on the deciding bits differs');
          }
          // Removing a prefix that is not stored fails and changes nothing.
          const n = 1 + (q[0]! % nBits);
          if (!stored.some(([p, m]) => m === n && samePrefix(p, q, n))) assert.equal(trie.remove(q, 0, n), false);
        }
        for (const [v, n] of stored) assert.equal(trie.remove(v, 0, n), true);
        assert.equal(trie.empty, true);
      }),
      { seed: 20240611 + nBits, numRuns: 300 },
    );
  });
}

test('prefix trie: lookups stop at the first differing bit', () => {
  const t = new PrefixTrie(32);
  const v = (x: number): Uint32Array => Uint32Array.of(x >>> 0);
  t.insert(v(0x0a010000), 0, 16); // 10.1.0.0/16
  const plens = new Uint32Array(1);
  assert.equal(t.lookup(v(0xc0a80101), 0, plens, 0), 1); // 192.168.1.1: first bit
  assert.equal(plens[0], 0);
  assert.equal(t.lookup(v(0x0a030001), 0, plens, 0), 15); // 10.3.0.1: differs in bit 14
  assert.equal(t.lookup(v(0x0a01ffff), 0, plens, 0), 16); // inside: leaf at 16
  assert.equal(plens[0], 1 << 15);
  t.insert(v(0x0a010200), 0, 24);
  plens[0] = 0;
  assert.equal(t.lookup(v(0x0a01ff00), 0, plens, 0), 17); // below the /16, the /24 branch is excluded by one more bit
  assert.equal(plens[0], 1 << 15);
});
