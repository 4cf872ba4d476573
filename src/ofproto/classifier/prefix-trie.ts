/*
 * Binary prefix trie (path-compressed, up to 32 bits per node) over a 32- or 128-bit field,
 * as OVS's classifier uses for IP prefix tracking and for a subtable's transport ports.
 * A lookup walks the trie along a packet's value and reports which prefix lengths hold
 * rules matching the value, and how many leading bits of the value decided the walk: any
 * value that agrees on those bits sees the same prefix lengths, so a lookup that skips a
 * subtable because of the trie only needs to un-wildcard those bits.
 *
 * Nodes live in one Int32Array, 4 words each (one cache line or less per step of a walk):
 * [bits left-aligned, nBits | nRules << 6, child for bit 0, child for bit 1]. Node 0 is the
 * root (no bits of its own); child 0 means none. Freed nodes are chained through word 2.
 */

const PREFIX = 0;
const INFO = 1;
const E0 = 2;
const NBITS_MASK = 63;
const NRULES_SHIFT = 6;
const NRULES_ONE = 1 << NRULES_SHIFT;

/** The top `n` bits set (n in 0..32). */
export function topBits(n: number): number {
  return n <= 0 ? 0 : n >= 32 ? -1 : -1 << (32 - n);
}

export class PrefixTrie {
  /** Width of the field in bits (32 or 128). */
  readonly nBits: number;
  private readonly nWords: number;
  private t: Int32Array;
  /** First never-used node, and the head of the free list (0 = empty). */
  private next = 1;
  private free = 0;

  constructor(nBits: number) {
    this.nBits = nBits;
    this.nWords = nBits >>> 5;
    this.t = new Int32Array(4 * 16);
  }

  /** 32 bits of the value (words v[ofs..]) starting at bit `p`, left-aligned; bits past the field are 0. */
  private bitsAt(v: Uint32Array, ofs: number, p: number): number {
    const wi = p >>> 5;
    const s = p & 31;
    let x = v[ofs + wi]! << s;
    if (s !== 0 && wi + 1 < this.nWords) x |= v[ofs + wi + 1]! >>> (32 - s);
    return x;
  }

  /**
   * Walk the trie along the value in v[ofs..]. For every prefix length L (1..nBits) at which
   * some rule's prefix equals the value's first L bits, sets bit L-1 of the bitmap
   * plens[pOfs..] (bit i in word i>>>5, position i&31). Returns the number of leading bits
   * of the value that decided the walk: every value agreeing on them sets the same bits.
   */
  lookup(v: Uint32Array, ofs: number, plens: Uint32Array, pOfs: number): number {
    const t = this.t;
    const total = this.nBits;
    let node = 0;
    let len = 0;
    for (;;) {
      if (len === total) return len;
      const b = (v[ofs + (len >>> 5)]! >>> (31 - (len & 31))) & 1;
      const base = node << 2;
      const nx = t[base + E0 + b]!;
      if (nx === 0) {
        // Nothing longer down this way; the bit itself matters only if the other way exists.
        return t[base + E0 + 1 - b] === 0 ? len : len + 1;
      }
      const nb = nx << 2;
      const info = t[nb + INFO]!;
      const bits = info & NBITS_MASK;
      const eq = Math.clz32(t[nb + PREFIX]! ^ this.bitsAt(v, ofs, len));
      if (eq < bits) return len + eq + 1; // includes the first differing bit
      len += bits;
      if (info >>> NRULES_SHIFT !== 0) {
        const i = len - 1;
        plens[pOfs + (i >>> 5)] = plens[pOfs + (i >>> 5)]! | (1 << (i & 31));
      }
      node = nx;
    }
  }

  /** Add one rule with the first `plen` bits (1..nBits) of the value in v[ofs..]. */
  insert(v: Uint32Array, ofs: number, plen: number): void {
    let node = 0;
    let len = 0;
    for (;;) {
      if (len === plen) {
        this.t[(node << 2) + INFO]! += NRULES_ONE;
        return;
      }
      const b = (v[ofs + (len >>> 5)]! >>> (31 - (len & 31))) & 1;
      const nx = this.t[(node << 2) + E0 + b]!;
      if (nx === 0) {
        const c = this.chain(v, ofs, len, plen);
        this.t[(node << 2) + E0 + b] = c;
        return;
      }
      const nBits = this.t[(nx << 2) + INFO]! & NBITS_MASK;
      const n = Math.min(nBits, plen - len);
      const eq = Math.min(Math.clz32(this.t[(nx << 2) + PREFIX]! ^ this.bitsAt(v, ofs, len)), n);
      if (eq === nBits) {
        len += eq;
        node = nx;
        continue;
      }
      // Split `nx` after its first `eq` bits (eq >= 1: the edge's first bit is b).
      const prefix = this.t[(nx << 2) + PREFIX]!;
      const mid = this.alloc(prefix & topBits(eq), eq, 0);
      const rest = prefix << eq;
      const t = this.t; // alloc may have grown it
      t[(nx << 2) + PREFIX] = rest;
      t[(nx << 2) + INFO] = t[(nx << 2) + INFO]! - eq;
      t[(mid << 2) + E0 + ((rest >>> 31) & 1)] = nx;
      t[(node << 2) + E0 + b] = mid;
      node = mid;
      len += eq;
    }
  }

  /** Remove one rule added with insert(v, ofs, plen); false if there was none. */
  remove(v: Uint32Array, ofs: number, plen: number): boolean {
    const t = this.t;
    const path: number[] = [0];
    let node = 0;
    let len = 0;
    while (len < plen) {
      const b = (v[ofs + (len >>> 5)]! >>> (31 - (len & 31))) & 1;
      const nx = t[(node << 2) + E0 + b]!;
      if (nx === 0) return false;
      const bits = t[(nx << 2) + INFO]! & NBITS_MASK;
      if (bits > plen - len) return false;
      if (Math.clz32(t[(nx << 2) + PREFIX]! ^ this.bitsAt(v, ofs, len)) < bits) return false;
      len += bits;
      node = nx;
      path.push(node);
    }
    if (t[(node << 2) + INFO]! >>> NRULES_SHIFT === 0) return false;
    t[(node << 2) + INFO]! -= NRULES_ONE;
    // Prune empty leaves, then merge a rule-less node into its only child when it fits.
    for (let i = path.length - 1; i > 0; i--) {
      const n = path[i]!;
      const nb = n << 2;
      if (t[nb + INFO]! >>> NRULES_SHIFT !== 0) break;
      const c0 = t[nb + E0]!;
      const c1 = t[nb + E0 + 1]!;
      if (c0 === 0 && c1 === 0) {
        const pb = path[i - 1]! << 2;
        if (t[pb + E0] === n) t[pb + E0] = 0;
        else t[pb + E0 + 1] = 0;
        this.release(n);
        continue;
      }
      if (c0 === 0 || c1 === 0) {
        const c = c0 === 0 ? c1 : c0;
        const cb = c << 2;
        const nBits = t[nb + INFO]! & NBITS_MASK;
        const cInfo = t[cb + INFO]!;
        if (nBits + (cInfo & NBITS_MASK) <= 32) {
          t[nb + PREFIX] = t[nb + PREFIX]! | (t[cb + PREFIX]! >>> nBits);
          t[nb + INFO] = cInfo + nBits;
          t[nb + E0] = t[cb + E0]!;
          t[nb + E0 + 1] = t[cb + E0 + 1]!;
          this.release(c);
        }
      }
      break;
    }
    return true;
  }

  /** True if the trie holds no rule. */
  get empty(): boolean {
    return this.t[E0] === 0 && this.t[E0 + 1] === 0 && this.t[INFO]! >>> NRULES_SHIFT === 0;
  }

  /** A chain of nodes for bits [from, plen) of the value, the last one holding one rule. */
  private chain(v: Uint32Array, ofs: number, from: number, plen: number): number {
    const n = Math.min(32, plen - from);
    if (from + n === plen) return this.alloc(this.bitsAt(v, ofs, from) & topBits(n), n, 1);
    const child = this.chain(v, ofs, from + n, plen);
    const node = this.alloc(this.bitsAt(v, ofs, from) & topBits(n), n, 0);
    this.t[(node << 2) + E0 + ((this.bitsAt(v, ofs, from + n) >>> 31) & 1)] = child;
    return node;
  }

  private alloc(prefix: number, nBits: number, nRules: number): number {
    let node = this.free;
    if (node !== 0) this.free = this.t[(node << 2) + E0]!;
    else {
      node = this.next++;
      if (node << 2 >= this.t.length) {
        const bigger = new Int32Array(this.t.length * 2);
        bigger.set(this.t);
        this.t = bigger;
      }
    }
    const b = node << 2;
    this.t[b + PREFIX] = prefix;
    this.t[b + INFO] = nBits | (nRules << NRULES_SHIFT);
    this.t[b + E0] = 0;
    this.t[b + E0 + 1] = 0;
    return node;
  }

  private release(node: number): void {
    const b = node << 2;
    this.t[b + INFO] = 0;
    this.t[b + E0 + 1] = 0;
    this.t[b + E0] = this.free;
    this.free = node;
  }
}
