/*
 * 32-bit key hashing over FlowKey words (murmur3 style, like OVS's hash_add/hash_finish):
 * whole word ranges, masked word lists (megaflow subtables), and a cheap packet hash over
 * the words that tell traffic apart (the exact-match cache's index, like an RSS hash).
 */
import {
  FLOW_WORDS,
  W_CT,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_ETH_TYPE,
  W_IN_PORT,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_IPV6_DST,
  W_IPV6_SRC,
  W_NW,
  W_RECIRC_ID,
  W_TP,
  W_TUN_ID,
  W_VLAN0,
} from './layout.js';

/** One murmur3 round: mix word `w` into hash `h`. */
export function hashAdd(h: number, w: number): number {
  w = Math.imul(w, 0xcc9e2d51);
  w = (w << 15) | (w >>> 17);
  h ^= Math.imul(w, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3 finalizer (OVS hash_finish); `nBytes` is the length hashed. Result is unsigned. */
export function hashFinish(h: number, nBytes: number): number {
  return hashFinishSigned(h, nBytes) >>> 0;
}

/**
 * The same finalizer with a signed 32-bit result, for hot paths: an unsigned value above
 * 2^31 is boxed as a heap number whenever it crosses a call that is not inlined.
 */
export function hashFinishSigned(h: number, nBytes: number): number {
  h ^= nBytes;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Hash of words [from, to) of `key` (unsigned). */
export function hashWords(key: Uint32Array, from: number, to: number, basis: number): number {
  let h = basis | 0;
  for (let i = from; i < to; i++) h = hashAdd(h, key[i]!);
  return hashFinish(h, (to - from) << 2);
}

/**
 * Hash of the masked key restricted to a word list: word idx[j] of `key` ANDed with
 * maskWords[j], for j in [0, n). A megaflow subtable hashes a packet key this way and
 * gets the same value as for its stored masked key.
 */
export function hashMaskedWords(
  key: Uint32Array,
  idx: Uint8Array,
  maskWords: Uint32Array,
  n: number,
  basis: number,
): number {
  let h = basis | 0;
  for (let j = 0; j < n; j++) h = hashAdd(h, key[idx[j]!]! & maskWords[j]!);
  return hashFinish(h, n << 2);
}

/** Hash of already-compressed words w[off .. off+n) (same value as hashMaskedWords gives, unsigned). */
export function hashCompressed(w: Uint32Array, off: number, n: number, basis: number): number {
  let h = basis | 0;
  for (let j = 0; j < n; j++) h = hashAdd(h, w[off + j]!);
  return hashFinish(h, n << 2);
}

/** Word mix for the sum hashes: fold the high half down, then multiply by an odd constant (a bijection). */
export function mulMix(w: number, c: number): number {
  return Math.imul(w ^ (w >>> 16), c);
}

/** Odd per-word-position multipliers for hashMaskedSum (one per FlowKey word). */
export const WORD_MULT: Int32Array = (() => {
  const m = new Int32Array(FLOW_WORDS);
  for (let i = 0; i < FLOW_WORDS; i++) m[i] = hashFinishSigned(Math.imul(i + 1, 0x9e3779b9), 0x51ed270b) | 1;
  return m;
})();

/**
 * The megaflow subtables' hash of a masked key: word idx[j] of `key` ANDed with
 * maskWords[j], mixed on its own with its position's multiplier, summed, then finalized.
 * Words do not depend on each other, so the CPU hashes them in parallel; a key that
 * differs from another in a single word never collides with it. Signed 32-bit result.
 */
export function hashMaskedSum(
  key: Uint32Array,
  idx: Uint8Array,
  maskWords: Int32Array,
  n: number,
  basis: number,
): number {
  let s = basis | 0;
  for (let j = 0; j < n; j++) {
    const i = idx[j]!;
    s = (s + mulMix(key[i]! & maskWords[j]!, WORD_MULT[i]!)) | 0;
  }
  return hashFinishSigned(s, n << 2);
}

/**
 * Cheap hash of a packet's key over the words that usually tell flows apart (in_port,
 * recirc_id, conntrack, tunnel id, Ethernet, VLAN, IP addresses, protocol, ports), like the
 * RSS hash OVS's exact-match cache is indexed by. Keys that differ only elsewhere collide,
 * which costs cache hits, never correctness: a cache hit is always verified.
 * Each word is mixed on its own and the results summed (no serial dependency between words,
 * about twice as fast as a murmur chain), then finalized. Signed 32-bit result.
 */
export function hashPacketKey(key: Uint32Array, basis: number): number {
  let s = basis | 0;
  s = (s + mulMix(key[W_IN_PORT]!, 0x9e3779b1)) | 0;
  s = (s + mulMix(key[W_RECIRC_ID]!, 0x85ebca6b)) | 0;
  s = (s + mulMix(key[W_CT]!, 0xc2b2ae35)) | 0;
  s = (s + mulMix(key[W_TUN_ID + 1]!, 0x27d4eb2f)) | 0;
  s = (s + mulMix(key[W_ETH_HI]!, 0x165667b1)) | 0;
  s = (s + mulMix(key[W_ETH_DST]!, 0xd3a2646d)) | 0;
  s = (s + mulMix(key[W_ETH_SRC]!, 0xfd7046c5)) | 0;
  s = (s + mulMix(key[W_ETH_TYPE]! ^ (key[W_VLAN0]! << 3), 0xb55a4f09)) | 0;
  s = (s + mulMix(key[W_IPV4_SRC]! ^ key[W_IPV6_SRC + 3]!, 0x7feb352d)) | 0;
  s = (s + mulMix(key[W_IPV4_DST]! ^ key[W_IPV6_DST + 3]!, 0x846ca68b)) | 0;
  s = (s + mulMix(key[W_NW]!, 0x2c1b3c6d)) | 0;
  s = (s + mulMix(key[W_TP]!, 0x297a2d39)) | 0;
  return hashFinishSigned(s, 48);
}
