/*
 * The OpenFlow classifier (OVS lib/classifier.c): tuple space search over masked matches
 * with priorities. Subtables (one per mask) are visited in order of their highest priority,
 * stopping once the best match found beats every remaining subtable. With a wildcard mask
 * to fill, each subtable is checked in stages (metadata, L2, L3, L4) and prefix tries on
 * the configured IP fields may rule it out, so a lookup un-wildcards only the bits that
 * decided its outcome: any flow agreeing with the looked-up one on those bits gets the same
 * rule (the megaflow correctness rule).
 *
 * Conjunctive matches (OVS): a rule inserted with conjunctions is a soft match, never a
 * result by itself. When soft matches outrank the best ordinary (hard) match, the lookup
 * checks, priority level by level, whether the soft matches of that level complete every
 * clause of some conjunction id; if so it looks the flow up again with conj_id set to that
 * id (soft matches ignored, conj_id restored afterwards) and returns what that finds. A
 * classifier without soft rules takes the plain lookup path and pays nothing for this.
 */
import { FLOW_WORDS, W_CONJ_ID, W_ETH_TYPE, W_IPV4_DST, W_IPV4_SRC, W_IPV6_DST, W_IPV6_SRC, W_TP } from '../../flow/layout.js';
import { hashAdd, hashFinish, hashWords } from '../../flow/hash.js';
import { ConjMatches, conjSetOf, type ClsConjunction } from './conjunction.js';
import { PrefixTrie, topBits } from './prefix-trie.js';
import { Subtable } from './subtable.js';
import type { ClsEntry, ClsRule } from './subtable.js';

export type { ClsRule } from './subtable.js';
export type { ClsConjunction } from './conjunction.js';

export type PrefixField = 'ipv4_src' | 'ipv4_dst' | 'ipv6_src' | 'ipv6_dst';

export interface ClassifierOptions {
  /** IP fields with prefix tracking (OVS `prefixes`); default ipv4_dst, ipv4_src. */
  prefixFields?: PrefixField[];
  /**
   * Un-wildcard exactly what OVS does, for megaflows identical to OVS's: a prefix trie
   * skips a subtable only when the bits that decided the trie walk are no more than the
   * subtable's prefix length (or already un-wildcarded), and a final-stage miss
   * un-wildcards the whole last stage with only the ports narrowed by the ports trie.
   * Default false: skip with just the subtable's prefix length, and fold only the ports
   * bits the ports trie needed (fewer bits, same correctness).
   */
  ovsWildcards?: boolean;
}

const PREFIX_FIELD_INFO: Record<PrefixField, { word: number; nBits: number; ethType: number }> = {
  ipv4_src: { word: W_IPV4_SRC, nBits: 32, ethType: 0x0800 },
  ipv4_dst: { word: W_IPV4_DST, nBits: 32, ethType: 0x0800 },
  ipv6_src: { word: W_IPV6_SRC, nBits: 128, ethType: 0x86dd },
  ipv6_dst: { word: W_IPV6_DST, nBits: 128, ethType: 0x86dd },
};

/** CIDR prefix length of mask words [w, w + n), or 0 if empty or not a prefix. */
function prefixLen(mask: Uint32Array, w: number, n: number): number {
  let len = 0;
  let k = 0;
  for (; k < n; k++) {
    const m = mask[w + k]!;
    if (m === 0xffffffff) {
      len += 32;
      continue;
    }
    const ones = Math.clz32(~m);
    if ((m | 0) !== topBits(ones)) return 0;
    len += ones;
    k++;
    break;
  }
  for (; k < n; k++) if (mask[w + k] !== 0) return 0;
  return len;
}

export class Classifier<R> {
  private readonly prefixFields: PrefixField[];
  private readonly ovsWildcards: boolean;
  private readonly tries: PrefixTrie[];
  private readonly trieWord: Int32Array;
  private readonly trieWords: Int32Array;
  private readonly trieEthType: Int32Array;
  /** Per-lookup trie state: done flag, deciding bit count (-1: not usable), plens bitmaps (4 words each). */
  private readonly trieDone: Uint8Array;
  private readonly trieStop: Int32Array;
  private readonly triePlens: Uint32Array;

  /** Subtables by descending max priority (creation order among equals). */
  private sorted: Subtable<R>[] = [];
  private readonly byMask = new Map<number, Subtable<R>[]>();
  private serial = 0;
  private nRules = 0;
  private readonly scratch = new Uint32Array(FLOW_WORDS);
  private readonly portsValue = new Uint32Array(1);
  private readonly portsPlens = new Uint32Array(1);

  /** Rules inserted with conjunctions (soft matches); 0 keeps lookups on the plain path. */
  private nSoftRules = 0;
  /** Result of scan(): best hard entry (its first rule) and the soft matches found. */
  private scanHard: ClsEntry<R> | null = null;
  private scanNSoft = 0;
  private scanSoftMax = 0;
  /** Soft matches of a lookup: entry and position of the soft rule in its list (null: gone). */
  private readonly softEnt: (ClsEntry<R> | null)[] = [];
  private readonly softPos: number[] = [];
  private readonly conjMatches = new ConjMatches();

  constructor(opts?: ClassifierOptions) {
    this.prefixFields = [...new Set<PrefixField>(opts?.prefixFields ?? ['ipv4_dst', 'ipv4_src'])];
    const n = this.prefixFields.length;
    this.ovsWildcards = opts?.ovsWildcards ?? false;
    this.tries = this.prefixFields.map((f) => new PrefixTrie(PREFIX_FIELD_INFO[f].nBits));
    this.trieWord = Int32Array.from(this.prefixFields, (f) => PREFIX_FIELD_INFO[f].word);
    this.trieWords = Int32Array.from(this.prefixFields, (f) => PREFIX_FIELD_INFO[f].nBits >>> 5);
    this.trieEthType = Int32Array.from(this.prefixFields, (f) => PREFIX_FIELD_INFO[f].ethType);
    this.trieDone = new Uint8Array(n);
    this.trieStop = new Int32Array(n);
    this.triePlens = new Uint32Array(n * 4);
  }

  get count(): number {
    return this.nRules;
  }

  /** Number of rules inserted with conjunctions (soft matches). */
  get nSoft(): number {
    return this.nSoftRules;
  }

  // --- lookup -------------------------------------------------------------------

  /**
   * Highest-priority rule matching `flow`, or null. ORs into `wc` every bit the lookup
   * depended on (see the file comment). With soft rules present, `flow`'s conj_id word is
   * changed during the lookup and restored before it returns; `conjFlows`, if given,
   * receives the soft rules that made up the conjunctive match that decided the result.
   */
  lookup(flow: Uint32Array, wc: Uint32Array | null, conjFlows?: ClsRule<R>[] | null): ClsRule<R> | null {
    if (this.nSoftRules !== 0) return this.lookupConj(flow, wc, conjFlows ?? null);
    // No soft rules: the plain walk.
    const nt = this.trieDone.length;
    for (let t = 0; t < nt; t++) this.trieDone[t] = 0;
    const subs = this.sorted;
    let bestSt: Subtable<R> | null = null;
    let bestIdx = -1;
    let bestPri = 0;
    for (let i = 0; i < subs.length; i++) {
      const st = subs[i]!;
      if (bestSt !== null && st.maxPriority <= bestPri) break;
      const ix = wc === null ? this.find(st, flow) : this.findWc(st, flow, wc);
      if (ix >= 0) {
        const p = st.topPri[ix]!;
        if (bestSt === null || p > bestPri) {
          bestSt = st;
          bestIdx = ix;
          bestPri = p;
        }
      }
    }
    return bestSt === null ? null : bestSt.entryAt(bestIdx).rules[0]!;
  }

  /**
   * The subtable walk with soft rules present (OVS classifier_lookup__'s main loop): the
   * best hard entry into scanHard, and, if allowed, every subtable's best soft match that
   * outranks it so far into softEnt/softPos. Soft matches do not end the walk.
   */
  private scan(flow: Uint32Array, wc: Uint32Array | null, allowConj: boolean): void {
    const nt = this.trieDone.length;
    for (let t = 0; t < nt; t++) this.trieDone[t] = 0;
    const subs = this.sorted;
    let hard: ClsEntry<R> | null = null;
    let hardPri = 0;
    let nSoft = 0;
    let softMax = 0;
    for (let i = 0; i < subs.length; i++) {
      const st = subs[i]!;
      if (hard !== null && st.maxPriority <= hardPri) break;
      const ix = wc === null ? this.find(st, flow) : this.findWc(st, flow, wc);
      if (ix < 0) continue;
      const p = st.topPri[ix]!;
      if (hard !== null && p <= hardPri) continue;
      const e = st.entryAt(ix);
      if (e.conjs[0] === null) {
        hard = e;
        hardPri = p;
      } else if (allowConj) {
        this.softEnt[nSoft] = e;
        this.softPos[nSoft] = 0;
        if (nSoft === 0 || p > softMax) softMax = p;
        nSoft++;
      }
    }
    this.scanHard = hard;
    this.scanNSoft = nSoft;
    this.scanSoftMax = softMax;
  }

  /**
   * Lookup with soft rules present (OVS classifier_lookup__): soft matches that outrank
   * the best hard match are resolved from the highest priority down; a level whose soft
   * matches complete no conjunction (or whose conj_id lookup finds nothing) gives way to the
   * next lower-priority rules with the same matches.
   */
  private lookupConj(flow: Uint32Array, wc: Uint32Array | null, conjFlows: ClsRule<R>[] | null): ClsRule<R> | null {
    this.scan(flow, wc, true);
    let hard = this.scanHard;
    let hardPos = 0;
    let hardPri = hard === null ? 0 : hard.rules[0]!.priority;
    let nSoft = this.scanNSoft;
    if (nSoft === 0 || (hard !== null && hardPri >= this.scanSoftMax)) return hard === null ? null : hard.rules[0]!;
    const ents = this.softEnt;
    const pos = this.softPos;
    for (;;) {
      // Forget soft matches that are gone or no longer outrank the hard match.
      for (let i = 0; i < nSoft; ) {
        const e = ents[i]!;
        if (e === null || (hard !== null && e.rules[pos[i]!]!.priority <= hardPri)) {
          nSoft--;
          ents[i] = ents[nSoft]!;
          pos[i] = pos[nSoft]!;
        } else i++;
      }
      if (nSoft === 0) break;
      let softPri = 0;
      let nAtPri = 0;
      for (let i = 0; i < nSoft; i++) {
        const p = ents[i]!.rules[pos[i]!]!.priority;
        if (nAtPri === 0 || p > softPri) {
          softPri = p;
          nAtPri = 1;
        } else if (p === softPri) nAtPri++;
      }
      // Does this level complete a conjunction? Then the conj_id lookup decides.
      const cm = this.conjMatches;
      cm.clear();
      for (let i = 0; i < nSoft; i++) {
        const e = ents[i]!;
        const k = pos[i]!;
        if (e.rules[k]!.priority !== softPri || !cm.add(e.conjs[k]!, nAtPri)) continue;
        const id = cm.matchedId;
        const saved = flow[W_CONJ_ID]!;
        flow[W_CONJ_ID] = id;
        this.scan(flow, wc, false);
        flow[W_CONJ_ID] = saved;
        const found = this.scanHard;
        if (found !== null) {
          if (conjFlows !== null) this.collectConjFlows(conjFlows, id, softPri, nSoft);
          return found.rules[0]!;
        }
      }
      // No: fall back to the next lower-priority rule of each soft match's list.
      for (let i = 0; i < nSoft; i++) {
        const e = ents[i]!;
        const k = pos[i]! + 1;
        if (e.rules[k - 1]!.priority !== softPri) continue;
        if (k >= e.rules.length) {
          ents[i] = null;
        } else if (e.conjs[k] === null) {
          const p = e.rules[k]!.priority;
          if (hard === null || p > hardPri) {
            hard = e;
            hardPos = k;
            hardPri = p;
          }
          ents[i] = null;
        } else pos[i] = k;
      }
    }
    return hard === null ? null : hard.rules[hardPos]!;
  }

  /** The soft rules of priority `pri` among the first `n` soft matches that have conjunction `id`. */
  private collectConjFlows(out: ClsRule<R>[], id: number, pri: number, n: number): void {
    for (let i = 0; i < n; i++) {
      const e = this.softEnt[i]!;
      const k = this.softPos[i]!;
      if (e.rules[k]!.priority !== pri) continue;
      const set = e.conjs[k]!;
      for (let j = 0; j < set.n; j++) {
        if (set.ids[j] === id) {
          out.push(e.rules[k]!);
          break;
        }
      }
    }
  }

  /** Plain lookup in one subtable: index of the matching entry or -1. */
  private find(st: Subtable<R>, flow: Uint32Array): number {
    const words = st.words;
    const mv = st.maskVals;
    const n = st.nWords;
    let h = 0;
    for (let j = 0; j < n; j++) h = hashAdd(h, flow[words[j]!]! & mv[j]!);
    return st.findFlow(flow, hashFinish(h, n << 2) | 0);
  }

  /** Staged lookup in one subtable, un-wildcarding what decided the outcome. */
  private findWc(st: Subtable<R>, flow: Uint32Array, wc: Uint32Array): number {
    const words = st.words;
    const mv = st.maskVals;
    const last = st.nStages - 1;
    let h = 0;
    let j = 0;
    for (let s = 0; s < last; s++) {
      if (s === st.l3Stage && st.hasTries && this.checkTries(st, flow, wc)) {
        foldWords(wc, words, mv, j);
        return -1;
      }
      const end = st.stageEnd[s]!;
      for (; j < end; j++) h = hashAdd(h, flow[words[j]!]! & mv[j]!);
      if (!st.indices[s]!.has(hashFinish(h, j << 2))) {
        foldWords(wc, words, mv, j);
        return -1;
      }
    }
    if (last === st.l3Stage && st.hasTries && this.checkTries(st, flow, wc)) {
      foldWords(wc, words, mv, j);
      return -1;
    }
    const beforeLast = j;
    const n = st.nWords;
    for (; j < n; j++) h = hashAdd(h, flow[words[j]!]! & mv[j]!);
    const ix = st.findFlow(flow, hashFinish(h, n << 2) | 0);
    if (ix < 0 && st.portsTrie !== null) {
      // The last stage has ports: if no rule has the flow's ports, the ports trie tells how
      // many port bits rule the subtable out.
      const pm = st.portsMask;
      const value = this.portsValue;
      const plens = this.portsPlens;
      value[0] = flow[W_TP]! & pm;
      plens[0] = 0;
      const ports = (pm & topBits(st.portsTrie.lookup(value, 0, plens, 0))) | wc[W_TP]!;
      // Ports of some rule match: the miss came from another word of the stage.
      const portsMatch = (plens[0]! & (1 << (st.portsLen - 1))) !== 0;
      foldWords(wc, words, mv, this.ovsWildcards || portsMatch ? n : beforeLast);
      wc[W_TP] = ports;
      return -1;
    }
    foldWords(wc, words, mv, n);
    return ix;
  }

  /**
   * Consult the prefix tries for the subtable's IP prefix fields. True if one proves no
   * rule of the subtable can match; the bits that proved it are then set in `wc`.
   * A trie whose walk was decided within the subtable's prefix length, or by bits already
   * un-wildcarded, is used first, as OVS does. Otherwise (unless ovsWildcards) the first
   * `plen` bits alone prove it: no rule anywhere has a prefix of that length matching them.
   */
  private checkTries(st: Subtable<R>, flow: Uint32Array, wc: Uint32Array): boolean {
    const nt = this.trieDone.length;
    let fallback = -1;
    for (let t = 0; t < nt; t++) {
      const plen = st.triePlen[t]!;
      if (plen === 0 || !this.trieRulesOut(t, plen, flow)) continue;
      const stop = this.trieStop[t]!;
      const w = this.trieWord[t]!;
      const nw = this.trieWords[t]!;
      if (stop <= plen) {
        setPrefixBits(wc, w, nw, stop);
        return true;
      }
      if (hasPrefixBits(wc, w, nw, stop)) return true;
      if (fallback < 0) fallback = t;
    }
    if (fallback < 0 || this.ovsWildcards) return false;
    setPrefixBits(wc, this.trieWord[fallback]!, this.trieWords[fallback]!, st.triePlen[fallback]!);
    return true;
  }

  /** Walk trie `t` for this lookup (once), and tell if no rule has a prefix of length `plen` matching the flow. */
  private trieRulesOut(t: number, plen: number, flow: Uint32Array): boolean {
    const plens = this.triePlens;
    const p = t << 2;
    if (this.trieDone[t] === 0) {
      this.trieDone[t] = 1;
      plens[p] = 0;
      plens[p + 1] = 0;
      plens[p + 2] = 0;
      plens[p + 3] = 0;
      // Like OVS, only for flows of the field's protocol (ARP reuses the IPv4 words).
      this.trieStop[t] =
        (flow[W_ETH_TYPE]! & 0xffff) === this.trieEthType[t] ? this.tries[t]!.lookup(flow, this.trieWord[t]!, plens, p) : -1;
    }
    if (this.trieStop[t]! < 0) return false;
    const i = plen - 1;
    return (plens[p + (i >>> 5)]! & (1 << (i & 31))) === 0;
  }

  // --- changes --------------------------------------------------------------------

  /**
   * Add a rule; replaces and returns an existing rule with identical match and priority.
   * A rule given conjunctions (a non-empty list) is a soft match (see the file comment).
   */
  insert(rule: ClsRule<R>, conjunctions?: readonly ClsConjunction[] | null): ClsRule<R> | null {
    const conj = conjSetOf(conjunctions);
    if (conj !== null) this.nSoftRules++;
    let st = this.findSubtable(rule.mask);
    if (st === null) st = this.createSubtable(rule.mask);
    const k = st.compact(rule.key);
    const hash = st.hashCompact(k);
    const e = st.findCompact(k, hash);
    if (e !== null) {
      const rules = e.rules;
      let i = 0;
      while (i < rules.length && rules[i]!.priority > rule.priority) i++;
      if (i < rules.length && rules[i]!.priority === rule.priority) {
        const old = rules[i]!;
        if (e.conjs[i] !== null) this.nSoftRules--;
        rules[i] = rule;
        e.conjs[i] = conj;
        return old;
      }
      rules.splice(i, 0, rule);
      e.conjs.splice(i, 0, conj);
      st.updateTop(e);
    } else {
      st.addEntry(k, hash, rule, conj);
      this.trieUpdate(st, rule, true);
    }
    this.nRules++;
    st.nRules++;
    if (st.nRules === 1 || rule.priority > st.maxPriority) {
      st.maxPriority = rule.priority;
      st.maxCount = 1;
      this.resort();
    } else if (rule.priority === st.maxPriority) st.maxCount++;
    return null;
  }

  /** Remove this rule (the same object that was inserted); false if it is not in the classifier. */
  remove(rule: ClsRule<R>): boolean {
    const st = this.findSubtable(rule.mask);
    if (st === null) return false;
    const k = st.compact(rule.key);
    const e = st.findCompact(k, st.hashCompact(k));
    if (e === null) return false;
    const i = e.rules.indexOf(rule);
    if (i < 0) return false;
    if (e.conjs[i] !== null) this.nSoftRules--;
    e.rules.splice(i, 1);
    e.conjs.splice(i, 1);
    if (e.rules.length === 0) {
      st.removeEntry(e);
      this.trieUpdate(st, rule, false);
    } else st.updateTop(e);
    this.nRules--;
    st.nRules--;
    if (st.nRules === 0) {
      this.dropSubtable(st);
    } else if (rule.priority === st.maxPriority && --st.maxCount === 0) {
      st.recomputeMax();
      this.resort();
    }
    return true;
  }

  // --- queries (control path) ---------------------------------------------------

  /** The rule with exactly this match and priority (strict flow-mod semantics). */
  findExact(key: Uint32Array, mask: Uint32Array, priority: number): ClsRule<R> | null {
    const st = this.findSubtable(mask);
    if (st === null) return null;
    const k = st.compact(key);
    const e = st.findCompact(k, st.hashCompact(k));
    if (e === null) return null;
    for (const r of e.rules) if (r.priority === priority) return r;
    return null;
  }

  /**
   * Rules at least as specific as (key, mask) that agree with it on the mask's bits:
   * every packet such a rule matches also matches (key, mask) (OVS cls_rule_is_loose_match,
   * the non-strict flow-mod and dump selection).
   */
  findLoose(key: Uint32Array, mask: Uint32Array): ClsRule<R>[] {
    const out: ClsRule<R>[] = [];
    const ws: number[] = [];
    for (let w = 0; w < FLOW_WORDS; w++) if (mask[w] !== 0) ws.push(w);
    for (const st of this.sorted) {
      let covers = true;
      for (const w of ws) if ((mask[w]! & ~st.mask[w]!) !== 0) covers = false;
      if (!covers) continue;
      for (const e of st.entries()) {
        const r0 = e.rules[0]!;
        let ok = true;
        for (const w of ws) {
          if (((r0.key[w]! ^ key[w]!) & mask[w]!) !== 0) {
            ok = false;
            break;
          }
        }
        if (ok) for (const r of e.rules) out.push(r);
      }
    }
    return out;
  }

  /** True if some rule of this priority matches a packet that (key, mask) matches too (check_overlap). */
  hasOverlap(key: Uint32Array, mask: Uint32Array, priority: number): boolean {
    for (const st of this.sorted) {
      if (st.maxPriority < priority) break;
      for (const e of st.entries()) {
        let has = false;
        for (const r of e.rules) if (r.priority === priority) has = true;
        if (!has) continue;
        const r0 = e.rules[0]!;
        let ok = true;
        for (let w = 0; w < FLOW_WORDS; w++) {
          if (((r0.key[w]! ^ key[w]!) & st.mask[w]! & mask[w]!) !== 0) {
            ok = false;
            break;
          }
        }
        if (ok) return true;
      }
    }
    return false;
  }

  /** All rules (subtables by descending max priority, entries in table order). */
  rules(): ClsRule<R>[] {
    const out: ClsRule<R>[] = [];
    for (const st of this.sorted) for (const e of st.entries()) for (const r of e.rules) out.push(r);
    return out;
  }

  /** Number of subtables (distinct masks), for tests and statistics. */
  get nSubtables(): number {
    return this.sorted.length;
  }

  // --- internals ------------------------------------------------------------------

  private maskHash(mask: Uint32Array): number {
    return hashWords(mask, 0, FLOW_WORDS, 0);
  }

  private findSubtable(mask: Uint32Array): Subtable<R> | null {
    const list = this.byMask.get(this.maskHash(mask));
    if (list === undefined) return null;
    for (const st of list) {
      let same = true;
      for (let w = 0; w < FLOW_WORDS; w++) {
        if (st.mask[w] !== mask[w]) {
          same = false;
          break;
        }
      }
      if (same) return st;
    }
    return null;
  }

  private createSubtable(mask: Uint32Array): Subtable<R> {
    const plens = Int32Array.from(this.prefixFields, (f) => {
      const info = PREFIX_FIELD_INFO[f];
      return prefixLen(mask, info.word, info.nBits >>> 5);
    });
    const st = new Subtable<R>(mask, plens, this.serial++);
    const h = this.maskHash(mask);
    const list = this.byMask.get(h);
    if (list === undefined) this.byMask.set(h, [st]);
    else list.push(st);
    this.sorted.push(st);
    return st;
  }

  private dropSubtable(st: Subtable<R>): void {
    const h = this.maskHash(st.mask);
    const list = this.byMask.get(h);
    if (list !== undefined) {
      const i = list.indexOf(st);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byMask.delete(h);
    }
    // A new array, so a lookup iterating the old one is not disturbed.
    this.sorted = this.sorted.filter((s) => s !== st);
  }

  private resort(): void {
    this.sorted = [...this.sorted].sort((a, b) => b.maxPriority - a.maxPriority || a.serial - b.serial);
  }

  /** Add or remove a new/gone match's prefixes in the tries. */
  private trieUpdate(st: Subtable<R>, rule: ClsRule<R>, add: boolean): void {
    if (!st.hasTries) return;
    const k = this.scratch;
    for (let w = 0; w < FLOW_WORDS; w++) k[w] = rule.key[w]! & st.mask[w]!;
    for (let t = 0; t < this.tries.length; t++) {
      const plen = st.triePlen[t]!;
      if (plen === 0) continue;
      if (add) this.tries[t]!.insert(k, this.trieWord[t]!, plen);
      else this.tries[t]!.remove(k, this.trieWord[t]!, plen);
    }
  }
}

/** wc |= mask on the first n words of a subtable's word list. */
function foldWords(wc: Uint32Array, words: Int32Array, mv: Int32Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const w = words[j]!;
    wc[w] = wc[w]! | mv[j]!;
  }
}

/** True if the first `bits` bits of the field at words [w, w + nw) are set in `wc`. */
function hasPrefixBits(wc: Uint32Array, w: number, nw: number, bits: number): boolean {
  for (let k = 0; k < nw && bits > 0; k++, bits -= 32) {
    const m = topBits(bits);
    if ((wc[w + k]! & m) !== m) return false;
  }
  return true;
}

/** Set the first `bits` bits of the field at words [w, w + nw) in `wc`. */
function setPrefixBits(wc: Uint32Array, w: number, nw: number, bits: number): void {
  for (let k = 0; k < nw && bits > 0; k++, bits -= 32) wc[w + k] = wc[w + k]! | topBits(bits);
}
