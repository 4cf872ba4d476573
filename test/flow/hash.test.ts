// Key hashing: known murmur3 values, masked/compressed agreement, packet hash coverage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hashCompressed, hashMaskedWords, hashPacketKey, hashWords } from '../../src/flow/hash.js';
import { FLOW_WORDS, W_IN_PORT, W_IPV4_DST, W_TP, W_TCP_FLAGS } from '../../src/flow/layout.js';

test('hashWords is murmur3_32 over little-endian words', () => {
  // Reference values of MurmurHash3_x86_32 for the bytes of the words (little-endian).
  assert.equal(hashWords(new Uint32Array(0), 0, 0, 0), 0);
  assert.equal(hashWords(new Uint32Array(0), 0, 0, 1), 0x514e28b7);
  // "test" = 0x74736574 little-endian, seed 0 -> 0xba6bd213
  assert.equal(hashWords(new Uint32Array([0x74736574]), 0, 1, 0), 0xba6bd213);
  // "aaaa" seed 0x9747b28c -> 0x5a97808a
  assert.equal(hashWords(new Uint32Array([0x61616161]), 0, 1, 0x9747b28c), 0x5a97808a);
});

test('range bounds and basis matter', () => {
  const k = new Uint32Array([1, 2, 3, 4]);
  assert.notEqual(hashWords(k, 0, 4, 0), hashWords(k, 1, 4, 0));
  assert.notEqual(hashWords(k, 0, 4, 0), hashWords(k, 0, 4, 1));
  assert.equal(hashWords(k, 1, 3, 7), hashWords(new Uint32Array([2, 3]), 0, 2, 7));
});

test('hashMaskedWords equals hashCompressed of the masked words', () => {
  fc.assert(
    fc.property(
      fc.uint32Array({ minLength: FLOW_WORDS, maxLength: FLOW_WORDS }),
      fc.uniqueArray(fc.integer({ min: 0, max: FLOW_WORDS - 1 }), { maxLength: 12 }),
      fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 12, maxLength: 12 }),
      fc.integer(),
      (key, words, maskVals, basis) => {
        const idx = Uint8Array.from(words);
        const mw = new Uint32Array(words.length);
        const comp = new Uint32Array(words.length + 3);
        for (let j = 0; j < words.length; j++) {
          mw[j] = maskVals[j]!;
          comp[j + 3] = key[words[j]!]! & maskVals[j]!;
        }
        assert.equal(hashMaskedWords(key, idx, mw, words.length, basis), hashCompressed(comp, 3, words.length, basis));
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

test('hashPacketKey looks at the 5-tuple-like words and ignores others', () => {
  const k = new Uint32Array(FLOW_WORDS);
  const h0 = hashPacketKey(k, 0);
  for (const w of [W_IN_PORT, W_IPV4_DST, W_TP]) {
    const k2 = k.slice();
    k2[w] = 1;
    assert.notEqual(hashPacketKey(k2, 0), h0, `word ${w}`);
  }
  const k3 = k.slice();
  k3[W_TCP_FLAGS] = 0x12;
  assert.equal(hashPacketKey(k3, 0), h0, 'tcp_flags vary within a connection: not hashed');
});
