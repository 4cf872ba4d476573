/*
 * Binary prefix trie (path-compressed, up to 32 bits per node) over a 32- or 128-bit field,
 * as OVS's classifier uses for IP prefix tracking and for a subtable's transport ports.
 * A lookup walks the trie along a packet's value and reports which prefix lengths hold
 * rules matching the value, and how many leading bits of the value decided the walk: any
 * value that agrees on those bits sees the same prefix lengths, so a lookup that skips a
 * subtable because of the trie only needs to un-wildcard those bits.
 */

class TrieNode {
  /** The node's bits, left-aligned in a 32-bit word (low bits beyond nBits are 0). */
  prefix: number;
  nBits: number;
  /** Number of rules whose prefix ends exactly at this node. */
  nRules: number;
  e0: TrieNode | null = null;
  e1: TrieNode | null = null;
  constructor(prefix: number, nBits: number, nRules: number) {
    this.prefix = prefix | 0;
    this.nBits = nBits;
    this.nRules = nRules;
  }
}

/** The top `n` bits set (n in 0..32). */
export function topBits(n: number): number {
  return n <= 0 ? 0 : n >= 32 ? -1 : -1 << (32 - n);
}

export class PrefixTrie {
  /** Width of the field in bits (32 or 128). */
  readonly nBits: number;
  private readonly nWords: number;
  /** Sentinel with no bits of its own. */
  private readonly root = new TrieNode(0, 0, 0);

  constructor(nBits: number) {
    this.nBits = nBits;
    this.nWords = nBits >>> 5;
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
    let node = this.root;
    let len = 0;
    const total = this.nBits;
    for (;;) {
      if (len === total) return len;
      const b = (v[ofs + (len >>> 5)]! >>> (31 - (len & 31))) & 1;
      const next = b === 0 ? node.e0 : node.e1;
      if (next === null) {
        // Nothing longer down this way; the bit itself matters only if the other way exists.
        return (b === 0 ? node.e1 : node.e0) === null ? len : len + 1;
      }
      const eq = Math.clz32(next.prefix ^ this.bitsAt(v, ofs, len));
      if (eq < next.nBits) return len + eq + 1; // includes the first differing bit
      len += next.nBits;
      if (next.nRules > 0) {
        const i = len - 1;
        plens[pOfs + (i >>> 5)] = plens[pOfs + (i >>> 5)]! | (1 << (i & 31));
      }
      node = next;
    }
  }

  /** Add one rule with the first `plen` bits (1..nBits) of the value in v[ofs..]. */
  insert(v: Uint32Array, ofs: number, plen: number): void {
    let node = this.root;
    let len = 0;
    for (;;) {
      if (len === plen) {
        node.nRules++;
        return;
      }
      const b = (v[ofs + (len >>> 5)]! >>> (31 - (len & 31))) & 1;
      const next = b === 0 ? node.e0 : node.e1;
      if (next === null) {
        this.setEdge(node, b, this.chain(v, ofs, len, plen));
        return;
      }
      const n = Math.min(next.nBits, plen - len);
      const eq = Math.min(Math.clz32(next.prefix ^ this.bitsAt(v, ofs, len)), n);
      if (eq === next.nBits) {
        len += eq;
        node = next;
        continue;
      }
      // Split `next` after its first `eq` bits (eq >= 1: the edge's first bit is b).
      const mid = new TrieNode(next.prefix & topBits(eq), eq, 0);
      next.prefix = next.prefix << eq;
      next.nBits -= eq;
      this.setEdge(mid, (next.prefix >>> 31) & 1, next);
      this.setEdge(node, b, mid);
      node = mid;
      len += eq;
    }
  }

  /** Remove one rule added with insert(v, ofs, plen); false if there was none. */
  remove(v: Uint32Array, ofs: number, plen: number): boolean {
    const path: TrieNode[] = [this.root];
    let node = this.root;
    let len = 0;
    while (len < plen) {
      const b = (v[ofs + (len >>> 5)]! >>> (31 - (len & 31))) & 1;
      const next = b === 0 ? node.e0 : node.e1;
      if (next === null || next.nBits > plen - len) return false;
      if (Math.clz32(next.prefix ^ this.bitsAt(v, ofs, len)) < next.nBits) return false;
      len += next.nBits;
      node = next;
      path.push(node);
    }
    if (node.nRules === 0) return false;
    node.nRules--;
    // Prune empty leaves, then merge a rule-less node into its only child when it fits.
    for (let i = path.length - 1; i > 0; i--) {
      const n = path[i]!;
      if (n.nRules > 0) break;
      if (n.e0 === null && n.e1 === null) {
        const parent = path[i - 1]!;
        if (parent.e0 === n) parent.e0 = null;
        else parent.e1 = null;
        continue;
      }
      if (n.e0 === null || n.e1 === null) {
        const c = (n.e0 ?? n.e1)!;
        if (n.nBits + c.nBits <= 32) {
          n.prefix = n.prefix | (c.prefix >>> n.nBits);
          n.nBits += c.nBits;
          n.nRules = c.nRules;
          n.e0 = c.e0;
          n.e1 = c.e1;
        }
      }
      break;
    }
    return true;
  }

  /** True if the trie holds no rule. */
  get empty(): boolean {
    return this.root.e0 === null && this.root.e1 === null && this.root.nRules === 0;
  }

  /** A chain of nodes for bits [from, plen) of the value, the last one holding one rule. */
  private chain(v: Uint32Array, ofs: number, from: number, plen: number): TrieNode {
    const n = Math.min(32, plen - from);
    const node = new TrieNode(this.bitsAt(v, ofs, from) & topBits(n), n, 0);
    if (from + n === plen) node.nRules = 1;
    else this.setEdge(node, (this.bitsAt(v, ofs, from + n) >>> 31) & 1, this.chain(v, ofs, from + n, plen));
    return node;
  }

  private setEdge(node: TrieNode, b: number, child: TrieNode): void {
    if (b === 0) node.e0 = child;
    else node.e1 = child;
  }
}
