/*
 * 32-bit key hashing over FlowKey words (murmur3 style, like OVS's hash_add/hash_finish):
 * whole word ranges, masked word lists (megaflow subtables), and a cheap packet hash over
 * the words that tell traffic apart (the exact-match cache's index, like an RSS hash).
 */
import {
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

/**
 * Cheap hash of a packet's key over the words that usually tell flows apart (in_port,
 * recirc_id, conntrack, tunnel id, Ethernet, VLAN, IP addresses, protocol, ports), like the
 * RSS hash OVS's exact-match cache is indexed by. Keys that differ only elsewhere collide,
 * which costs cache hits, never correctness: a cache hit is always verified.
 * Signed 32-bit result (see hashFinishSigned).
 */
export function hashPacketKey(key: Uint32Array, basis: number): number {
  let h = basis | 0;
  h = hashAdd(h, key[W_IN_PORT]! ^ key[W_RECIRC_ID]! ^ key[W_CT]!);
  h = hashAdd(h, key[W_TUN_ID + 1]! ^ key[W_ETH_HI]!);
  h = hashAdd(h, key[W_ETH_DST]!);
  h = hashAdd(h, key[W_ETH_SRC]! ^ key[W_ETH_TYPE]! ^ key[W_VLAN0]!);
  h = hashAdd(h, key[W_IPV4_SRC]! ^ key[W_IPV6_SRC + 3]!);
  h = hashAdd(h, key[W_IPV4_DST]! ^ key[W_IPV6_DST + 3]!);
  h = hashAdd(h, key[W_NW]! ^ key[W_TP]!);
  return hashFinishSigned(h, 28);
}
