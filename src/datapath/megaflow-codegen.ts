/*
 * Specialised lookup code for megaflow subtables (the analogue of OVS's dpcls lookup
 * functions specialised per miniflow shape). For each set of mask word positions we
 * generate, once, straight-line JavaScript with those positions as constants: the masked
 * words are loaded once into locals, hashed (the same value as hashMaskedSum) and compared
 * without index arrays. That is about three times faster than the generic loops. The code
 * is built from integers only. Where code generation is not allowed (a strict CSP), or
 * for very wide masks, the caller keeps its generic methods.
 */
import { WORD_MULT } from '../flow/hash.js';

/** Generated hot-path methods; `this` is the subtable (see MegaflowSubtable). */
export interface SubtableView {
  readonly maskWords: Int32Array;
  tab: Int32Array;
  meta: Uint8Array;
  capMask: number;
  cap: number;
  lastSlot: number;
}
export type LookupFn = (this: SubtableView, key: Uint32Array) => number;
export type MatchFn = (this: SubtableView, key: Uint32Array, slot: number, id: number) => boolean;
export interface SubtableFns {
  lookup: LookupFn;
  matchesAt: MatchFn;
}

/** Masks with more non-zero words than this use the generic loops. */
export const MAX_SPECIALISED_WORDS = 24;

const cache = new Map<string, SubtableFns | null>();
let codegenWorks = true;

/** hashFinishSigned as source text over variable `h`, with `nBytes` folded in. */
function finishSrc(nBytes: number): string {
  return (
    `h ^= ${nBytes}; h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); ` +
    `h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;`
  );
}

function buildSource(idx: Uint8Array, basis: number): { lookup: string; matchesAt: string } {
  const n = idx.length;
  const stride = n + 2;
  const load: string[] = [];
  const hash: string[] = [];
  const cmp: string[] = [];
  for (let j = 0; j < n; j++) {
    const i = idx[j]!;
    load.push(`const w${j} = key[${i}] & mw[${j}];`);
    hash.push(`h = (h + Math.imul(w${j} ^ (w${j} >>> 16), ${WORD_MULT[i]!})) | 0;`);
    cmp.push(`tab[b + ${j + 2}] === w${j}`);
  }
  const cond = cmp.length > 0 ? cmp.join(' && ') : 'true';
  const lookup = `
    const mw = this.maskWords;
    ${load.join('\n')}
    let h = ${basis | 0};
    ${hash.join('\n')}
    ${finishSrc(n << 2)}
    const meta = this.meta;
    const fp = 0x80 | ((h >>> 24) & 0x7f);
    const tab = this.tab;
    const m = this.capMask;
    let pos = h & m;
    for (;;) {
      const f = meta[pos];
      if (f === 0) return -1;
      if (f === fp) {
        const b = pos * ${stride};
        if (tab[b] === h && ${cond}) { this.lastSlot = pos; return tab[b + 1] - 1; }
      }
      pos = (pos + 1) & m;
    }`;
  const matchesAt = `
    if (slot >= this.cap) return false;
    const tab = this.tab;
    const b = slot * ${stride};
    if (tab[b + 1] !== id + 1) return false;
    const mw = this.maskWords;
    ${load.join('\n')}
    return ${cond};`;
  return { lookup, matchesAt };
}

/**
 * Specialised methods for a subtable whose mask has non-zero words at positions `idx`
 * (ascending), hashing with `basis`; null if not available (then use the generic code).
 */
export function subtableFns(idx: Uint8Array, basis: number): SubtableFns | null {
  if (!codegenWorks || idx.length > MAX_SPECIALISED_WORDS) return null;
  const shape = `${basis}:${idx.join(',')}`;
  const hit = cache.get(shape);
  if (hit !== undefined) return hit;
  let fns: SubtableFns | null = null;
  try {
    const src = buildSource(idx, basis);
    fns = {
      lookup: new Function('key', src.lookup) as LookupFn,
      matchesAt: new Function('key', 'slot', 'id', src.matchesAt) as MatchFn,
    };
  } catch {
    codegenWorks = false; // e.g. a Content-Security-Policy without 'unsafe-eval'
  }
  cache.set(shape, fns);
  return fns;
}
