/*
 * Open vSwitch's own hash functions (lib/hash.h murmur-style hash_add/hash_finish as built
 * without SSE4.2, lib/jhash.c Jenkins lookup3), for the places where translation's choice
 * must be the same as OVS's: select-group buckets (hash_int scores, selection_method=hash
 * fields, flow_hash_symmetric_l4). Byte strings are read as little-endian words, as OVS
 * does on x86.
 */

const rot = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

function mhashAdd(hash: number, data: number): number {
  if (data === 0) return hash >>> 0; // OVS: zero data leaves the hash unchanged
  data = Math.imul(data, 0xcc9e2d51);
  data = rot(data >>> 0, 15);
  data = Math.imul(data, 0x1b873593);
  return (hash ^ data) >>> 0;
}

export function hashAdd(hash: number, data: number): number {
  hash = mhashAdd(hash >>> 0, data >>> 0);
  hash = rot(hash, 13);
  return (Math.imul(hash, 5) + 0xe6546b64) >>> 0;
}

export function hashFinish(hash: number, final: number): number {
  hash = (hash ^ final) >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}

export function hash2words(x: number, y: number): number {
  return hashFinish(hashAdd(hashAdd(x, 0), y), 8);
}

export function hashInt(x: number, basis: number): number {
  return hash2words(x, basis);
}

/** OVS hash_uint64_basis; `x` as a bigint (64 bits). */
export function hashUint64Basis(x: bigint, basis: number): number {
  const lo = Number(x & 0xffffffffn);
  const hi = Number((x >> 32n) & 0xffffffffn);
  return hashFinish(hashAdd(hashAdd(basis, lo), hi), 8);
}

function le32(b: Uint8Array, o: number): number {
  return ((b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24)) >>> 0;
}

/** OVS hash_bytes. */
export function hashBytes(b: Uint8Array, basis: number): number {
  let h = basis >>> 0;
  let i = 0;
  for (; i + 4 <= b.length; i += 4) h = hashAdd(h, le32(b, i));
  if (i < b.length) {
    let tmp = 0;
    for (let k = 0; i + k < b.length; k++) tmp |= b[i + k]! << (8 * k);
    h = hashAdd(h, tmp >>> 0);
  }
  return hashFinish(h, b.length);
}

/** OVS jhash_bytes (Bob Jenkins' lookup3). */
export function jhashBytes(p: Uint8Array, basis: number): number {
  let n = p.length;
  let a = (0xdeadbeef + n + basis) >>> 0;
  let b = a;
  let c = a;
  let o = 0;
  while (n >= 12) {
    a = (a + le32(p, o)) >>> 0;
    b = (b + le32(p, o + 4)) >>> 0;
    c = (c + le32(p, o + 8)) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
    n -= 12;
    o += 12;
  }
  if (n) {
    const tmp = new Uint8Array(12);
    tmp.set(p.subarray(o, o + n));
    a = (a + le32(tmp, 0)) >>> 0;
    b = (b + le32(tmp, 4)) >>> 0;
    c = (c + le32(tmp, 8)) >>> 0;
    c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
    a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
    b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
    c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
    a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
    b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
    c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  }
  return c >>> 0;
}
