/*
 * OpenFlow classifier against a linear-scan reference on seeded random rule sets and
 * packets: the same winner (priority, and rule when unique), the megaflow correctness rule
 * for the returned wildcards (flows agreeing on them get the same result), wildcards only
 * on bits some rule matches on, and the control-path queries (findExact, findLoose,
 * hasOverlap, rules, count) through inserts, replacements and removals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLOW_WORDS } from '../../src/flow/layout.js';
import { Classifier } from '../../src/ofproto/classifier/classifier.js';
import type { ClassifierOptions, ClsRule } from '../../src/ofproto/classifier/classifier.js';
import { Rng, matches, randomFlow, randomRule, randomShape, refWinners, rule } from './classifier-helpers.js';
import type { Shape } from './classifier-helpers.js';

const CONFIGS: Array<[string, ClassifierOptions]> = [
  ['default prefixes', {}],
  ['OVS wildcards', { ovsWildcards: true }],
  ['ipv6 prefixes', { prefixFields: ['ipv4_dst', 'ipv4_src', 'ipv6_dst'] }],
  ['no prefixes', { prefixFields: [] }],
];

interface World {
  cls: Classifier<number>;
  ref: ClsRule<number>[];
}

function build(rng: Rng, opts: ClassifierOptions, nRules: number, nShapes: number): World {
  const shapes: Shape[] = [];
  for (let i = 0; i < nShapes; i++) shapes.push(randomShape(rng));
  const cls = new Classifier<number>(opts);
  const ref: ClsRule<number>[] = [];
  for (let i = 0; i < nRules; i++) {
    const r = randomRule(rng, rng.pick(shapes), rng.int(24), i);
    const old = cls.insert(r);
    if (old !== null) {
      assert.equal(old.priority, r.priority);
      assert.ok(matches(r.key, old.key, old.mask) && old.mask.every((m, w) => m === r.mask[w]));
      ref.splice(ref.indexOf(old), 1);
    } else {
      assert.equal(ref.filter((x) => x.priority === r.priority && sameMatch(x, r)).length, 0);
    }
    ref.push(r);
  }
  assert.equal(cls.count, ref.length);
  return { cls, ref };
}

function sameMatch(a: ClsRule<number>, b: ClsRule<number>): boolean {
  for (let w = 0; w < FLOW_WORDS; w++) if (a.mask[w] !== b.mask[w] || ((a.key[w]! ^ b.key[w]!) & a.mask[w]!) !== 0) return false;
  return true;
}

/** Lookup `flow` and check result and wildcards against the reference; returns the wildcards. */
function check(world: World, rng: Rng, flow: Uint32Array, union: Uint32Array, initial?: Uint32Array): Uint32Array {
  const { cls, ref } = world;
  const wc = initial !== undefined ? initial.slice() : new Uint32Array(FLOW_WORDS);
  const got = cls.lookup(flow, wc);
  if (initial !== undefined) {
    for (let w = 0; w < FLOW_WORDS; w++) assert.equal(initial[w]! & ~wc[w]!, 0, 'a wildcard bit set before the lookup was cleared');
    union = union.map((u, w) => u | initial[w]!);
  }
  const want = refWinners(ref, flow);
  if (want.length === 0) assert.equal(got, null);
  else {
    assert.ok(got !== null, 'expected a match');
    assert.equal(got.priority, want[0]!.priority);
    assert.ok(want.includes(got));
    if (want.length === 1) assert.equal(got, want[0]);
  }
  const noWc = cls.lookup(flow, null);
  assert.equal(noWc?.priority, got?.priority);
  for (let w = 0; w < FLOW_WORDS; w++) assert.equal(wc[w]! & ~union[w]!, 0, `wildcard bits no rule matches on, word ${w}`);
  // Megaflow rule: flows agreeing with `flow` on wc get the same result.
  for (let k = 0; k < 12; k++) {
    const other = k < 6 ? randomFlow(rng, rng.chance(0.7) ? rng.pick(ref) : null, 0) : randomBits(rng);
    const g = new Uint32Array(FLOW_WORDS);
    for (let w = 0; w < FLOW_WORDS; w++) g[w] = ((flow[w]! & wc[w]!) | (other[w]! & ~wc[w]!)) >>> 0;
    const gw = refWinners(ref, g);
    if (got === null) assert.equal(gw.length, 0, 'a flow agreeing on the wildcards matches a rule');
    else {
      assert.ok(matches(g, got.key, got.mask), 'the winner does not match a flow agreeing on the wildcards');
      assert.equal(gw[0]!.priority, got.priority, 'a higher-priority rule matches a flow agreeing on the wildcards');
    }
  }
  return wc;
}

function randomBits(rng: Rng): Uint32Array {
  const a = new Uint32Array(FLOW_WORDS);
  for (let w = 0; w < FLOW_WORDS; w++) a[w] = rng.u32();
  return a;
}

function maskUnion(ref: readonly ClsRule<number>[]): Uint32Array {
  const u = new Uint32Array(FLOW_WORDS);
  for (const r of ref) for (let w = 0; w < FLOW_WORDS; w++) u[w] = (u[w]! | r.mask[w]!) >>> 0;
  return u;
}

for (const [name, opts] of CONFIGS) {
  test(`classifier matches the linear-scan reference, with correct wildcards (${name})`, () => {
    for (let seed = 1; seed <= 12; seed++) {
      const rng = new Rng(seed * 7919);
      const world = build(rng, opts, 60 + rng.int(300), 2 + rng.int(12));
      let union = maskUnion(world.ref);
      for (let p = 0; p < 250; p++) {
        const base = rng.chance(0.75) ? rng.pick(world.ref) : null;
        check(world, rng, randomFlow(rng, base, rng.int(3)), union);
      }
      // Remove about half the rules, then check again.
      for (const r of [...world.ref]) {
        if (!rng.chance(0.5)) continue;
        assert.equal(world.cls.remove(r), true);
        assert.equal(world.cls.remove(r), false);
        world.ref.splice(world.ref.indexOf(r), 1);
      }
      assert.equal(world.cls.count, world.ref.length);
      union = maskUnion(world.ref);
      for (let p = 0; p < 150; p++) {
        const base = rng.chance(0.75) && world.ref.length > 0 ? rng.pick(world.ref) : null;
        check(world, rng, randomFlow(rng, base, rng.int(3)), union);
      }
    }
  });
}

test('wildcards set before the lookup (earlier tables) are kept and still give correct megaflows', () => {
  for (const opts of [{}, { ovsWildcards: true }]) {
    for (let seed = 1; seed <= 6; seed++) {
      const rng = new Rng(seed * 4099);
      const world = build(rng, opts, 250, 8);
      const union = maskUnion(world.ref);
      for (let p = 0; p < 200; p++) {
        const initial = new Uint32Array(FLOW_WORDS);
        for (let w = 0; w < FLOW_WORDS; w++) if (rng.chance(0.1)) initial[w] = union[w]! & rng.u32();
        check(world, rng, randomFlow(rng, rng.chance(0.75) ? rng.pick(world.ref) : null, rng.int(3)), union, initial);
      }
    }
  }
});

test('prefix tracking and the ports trie never un-wildcard more than OVS or than plain staging', () => {
  const modes: ClassifierOptions[] = [{}, { ovsWildcards: true }, { prefixFields: [] }, { prefixFields: [], ovsWildcards: true }];
  // [a, b]: wildcards of mode a are always a subset of those of mode b.
  const subsets = [
    [0, 1],
    [0, 2],
    [1, 3],
  ];
  for (let seed = 1; seed <= 10; seed++) {
    const worlds = modes.map((o) => build(new Rng(seed * 31337), o, 300, 10));
    const rng = new Rng(seed);
    for (let p = 0; p < 300; p++) {
      const flow = randomFlow(rng, rng.chance(0.75) ? rng.pick(worlds[0]!.ref) : null, rng.int(3));
      const wcs = worlds.map((wd) => {
        const wc = new Uint32Array(FLOW_WORDS);
        wd.cls.lookup(flow, wc);
        return wc;
      });
      for (const [a, b] of subsets) {
        for (let w = 0; w < FLOW_WORDS; w++) assert.equal(wcs[a!]![w]! & ~wcs[b!]![w]!, 0, `mode ${a} has bits mode ${b} has not (word ${w})`);
      }
    }
  }
});

test('control-path queries agree with the reference', () => {
  for (let seed = 1; seed <= 8; seed++) {
    const rng = new Rng(seed * 104729);
    const { cls, ref } = build(rng, {}, 200 + rng.int(200), 3 + rng.int(8));
    // rules() and count
    assert.equal(cls.count, ref.length);
    assert.deepEqual(new Set(cls.rules()), new Set(ref));
    // findExact finds every rule, and nothing for an unused priority
    for (const r of ref) {
      assert.equal(cls.findExact(r.key, r.mask, r.priority), r);
      assert.equal(cls.findExact(r.key, r.mask, 1000), null);
    }
    // findLoose and hasOverlap with criteria from random shapes
    for (let k = 0; k < 60; k++) {
      const c = randomRule(rng, randomShape(rng), rng.int(24), -1);
      const loose = new Set(cls.findLoose(c.key, c.mask));
      const wantLoose = ref.filter((r) => {
        for (let w = 0; w < FLOW_WORDS; w++) {
          if ((c.mask[w]! & ~r.mask[w]!) !== 0) return false;
          if (((r.key[w]! ^ c.key[w]!) & c.mask[w]!) !== 0) return false;
        }
        return true;
      });
      assert.deepEqual(loose, new Set(wantLoose));
      const wantOverlap = ref.some((r) => {
        if (r.priority !== c.priority) return false;
        for (let w = 0; w < FLOW_WORDS; w++) if (((r.key[w]! ^ c.key[w]!) & r.mask[w]! & c.mask[w]!) !== 0) return false;
        return true;
      });
      assert.equal(cls.hasOverlap(c.key, c.mask, c.priority), wantOverlap);
    }
    // The empty criteria loosely matches everything.
    assert.equal(cls.findLoose(new Uint32Array(FLOW_WORDS), new Uint32Array(FLOW_WORDS)).length, ref.length);
    for (const r of ref) assert.equal(cls.remove(r), true);
    assert.equal(cls.count, 0);
    assert.equal(cls.nSubtables, 0);
    assert.equal(cls.lookup(randomFlow(rng, null, 0), new Uint32Array(FLOW_WORDS)), null);
  }
});

test('same match with different priorities coexist; replacement needs same priority', () => {
  const cls = new Classifier<string>();
  const spec = { eth_type: 0x0800, ipv4_dst: ['10.0.0.0', 8] as [string, number] };
  const lo = rule(spec, 10, 'lo');
  const hi = rule(spec, 20, 'hi');
  const hi2 = rule(spec, 20, 'hi2');
  assert.equal(cls.insert(lo), null);
  assert.equal(cls.insert(hi), null);
  assert.equal(cls.count, 2);
  const flow = rule({ eth_type: 0x0800, ipv4_dst: ['10.9.9.9', 32] }, 0, '').key;
  assert.equal(cls.lookup(flow, null), hi);
  assert.equal(cls.insert(hi2), hi);
  assert.equal(cls.count, 2);
  assert.equal(cls.lookup(flow, null), hi2);
  assert.equal(cls.remove(hi), false, 'a replaced rule is no longer in the classifier');
  assert.equal(cls.remove(hi2), true);
  assert.equal(cls.lookup(flow, null), lo);
  assert.equal(cls.findExact(lo.key, lo.mask, 10), lo);
  assert.equal(cls.findExact(lo.key, lo.mask, 20), null);
  // A rule object that was never inserted is not removed, even with an equal match.
  assert.equal(cls.remove(rule(spec, 10, 'other')), false);
  assert.equal(cls.remove(lo), true);
  assert.equal(cls.lookup(flow, null), null);
});

test('higher-priority subtables first, early exit, catch-all rule', () => {
  const cls = new Classifier<string>();
  const any = rule({}, 0, 'any');
  const web = rule({ eth_type: 0x0800, nw_proto: 6, tp_dst: 80 }, 100, 'web');
  const port = rule({ in_port: 1 }, 50, 'port1');
  for (const r of [any, web, port]) cls.insert(r);
  const wc = new Uint32Array(FLOW_WORDS);
  const f = rule({ in_port: 1, eth_type: 0x0800, nw_proto: 6, tp_dst: 80 }, 0, '').key;
  assert.equal(cls.lookup(f, wc), web);
  // The web rule beats every other subtable: only its fields were looked at.
  assert.deepEqual([...wc].map((x, w) => (x !== 0 ? w : -1)).filter((w) => w >= 0), [...web.mask].map((x, w) => (x !== 0 ? w : -1)).filter((w) => w >= 0));
  const g = rule({ in_port: 2, eth_type: 0x86dd }, 0, '').key;
  assert.equal(cls.lookup(g, null), any);
});
