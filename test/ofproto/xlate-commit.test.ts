/*
 * commitOdpActions: flow changes -> set / masked set / push / pop datapath actions, in OVS
 * order, with the wildcard bits OVS records.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DpActionType, SetAttr } from '../../src/datapath/actions.js';
import type { DpAction, SetAction } from '../../src/datapath/actions.js';
import {
  FLOW_WORDS,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_TYPE,
  W_IPV4_DST,
  W_MPLS0,
  W_NW,
  W_TP,
  W_VLAN0,
  W_ARP_SHA,
  W_SKB_MARK,
  setEthDst,
  setEthSrc,
} from '../../src/flow/layout.js';
import { commitOdpActions, SLOW_ACTION } from '../../src/ofproto/xlate/commit.js';
import { mplsLse } from '../../src/ofproto/xlate/flow-ops.js';

function ipv4Udp(): Uint32Array {
  const f = new Uint32Array(FLOW_WORDS);
  setEthSrc(f, 0x000000000001);
  setEthDst(f, 0x000000000002);
  f[W_ETH_TYPE] = 0x0800;
  f[W_IPV4_DST] = 0x0a000002;
  f[W_NW] = (17 << 24) | (64 << 8);
  f[W_TP] = (1000 << 16) | 2000;
  return f;
}

function run(flow: Uint32Array, base: Uint32Array, wc: Uint32Array): { acts: DpAction[]; slow: number } {
  const acts: DpAction[] = [];
  const slow = commitOdpActions(flow, base, wc, acts, true);
  return { acts, slow };
}

test('no change, no actions', () => {
  const f = ipv4Udp();
  const r = run(f, f.slice(), new Uint32Array(FLOW_WORDS));
  assert.deepEqual(r.acts, []);
});

test('eth dst change gives a masked set of dst only; base catches up', () => {
  const f = ipv4Udp();
  const base = f.slice();
  const wc = new Uint32Array(FLOW_WORDS);
  setEthDst(f, 0x001122334455);
  wc[W_ETH_HI] |= 0xffff0000;
  wc[W_ETH_DST] = 0xffffffff;
  const r = run(f, base, wc);
  assert.equal(r.acts.length, 1);
  const a = r.acts[0] as SetAction;
  assert.equal(a.type, DpActionType.SET_MASKED);
  assert.equal(a.attr, SetAttr.ETH);
  assert.equal(a.mask[W_ETH_HI], 0xffff0000);
  assert.equal(a.mask[W_ETH_DST], 0xffffffff);
  assert.equal(a.key[W_ETH_DST], 0x22334455);
  assert.equal(a.key[W_ETH_HI]! >>> 16, 0x0011);
  assert.deepEqual(base, f);
  assert.deepEqual(run(f, base, wc).acts, [], 'committing twice emits nothing');
});

test('both MACs fully masked give a plain set', () => {
  const f = ipv4Udp();
  const base = f.slice();
  const wc = new Uint32Array(FLOW_WORDS);
  setEthDst(f, 0x001122334455);
  setEthSrc(f, 0x00aabbccddee);
  wc[W_ETH_HI] = 0xffffffff;
  wc[W_ETH_DST] = 0xffffffff;
  wc[28] = 0xffffffff;
  const a = run(f, base, wc).acts[0] as SetAction;
  assert.equal(a.type, DpActionType.SET);
});

test('both ports written give a full set; un-masked changed bits are still written', () => {
  const f = ipv4Udp();
  const base = f.slice();
  const wc = new Uint32Array(FLOW_WORDS);
  wc[W_TP] = 0xffffffff;
  f[W_TP] = (1001 << 16) | 80;
  let a = run(f, base, wc).acts[0] as SetAction;
  assert.equal(a.type, DpActionType.SET);
  assert.equal(a.attr, SetAttr.UDP);
  const f2 = ipv4Udp();
  const b2 = f2.slice();
  f2[W_TP] = (1000 << 16) | 80; // changed without a wildcard bit (not done by real actions)
  a = run(f2, b2, new Uint32Array(FLOW_WORDS)).acts[0] as SetAction;
  assert.equal(a.type, DpActionType.SET_MASKED);
  assert.equal(a.key[W_TP]! & a.mask[W_TP]!, 80 & a.mask[W_TP]!);
  assert.deepEqual(b2, f2);
});

test('partial tos write commits as set(ipv4(tos=0x20/0xfc)); proto/frag never in the mask', () => {
  const f = ipv4Udp();
  const base = f.slice();
  const wc = new Uint32Array(FLOW_WORDS);
  f[W_NW] = (f[W_NW]! | (0x20 << 16)) >>> 0;
  wc[W_NW] = (0xfc << 16) | 0xff000000 | 0xff;
  const a = run(f, base, wc).acts[0] as SetAction;
  assert.equal(a.type, DpActionType.SET_MASKED);
  assert.equal(a.attr, SetAttr.IPV4);
  assert.equal(a.mask[W_NW], 0xfc << 16);
  assert.equal(a.key[W_NW], 0x20 << 16);
});

test('IPv4 with nw_proto 0 commits no L3 change (OVS: no L3 header)', () => {
  const f = ipv4Udp();
  f[W_NW] = 64 << 8;
  f[W_TP] = 0;
  const base = f.slice();
  f[W_IPV4_DST] = 0x0a090909;
  assert.deepEqual(run(f, base, new Uint32Array(FLOW_WORDS)).acts, []);
});

test('order: eth, ipv4, udp, vlan, mark', () => {
  const f = ipv4Udp();
  const base = f.slice();
  const wc = new Uint32Array(FLOW_WORDS).fill(0xffffffff);
  setEthDst(f, 0x000000000009);
  f[W_IPV4_DST] = 0x0a090909;
  f[W_TP] = (1000 << 16) | 53;
  f[W_VLAN0] = (0x8100 << 16) | 0x1000 | 10;
  f[W_SKB_MARK] = 7;
  const r = run(f, base, wc);
  assert.deepEqual(
    r.acts.map((a) => (a.type === DpActionType.SET || a.type === DpActionType.SET_MASKED ? `set${a.attr}` : `t${a.type}`)),
    [`set${SetAttr.ETH}`, `set${SetAttr.IPV4}`, `set${SetAttr.UDP}`, `t${DpActionType.PUSH_VLAN}`, `set${SetAttr.SKB_MARK}`],
  );
});

test('VLAN: pop marks the popped tag exact in wc; push carries tpid and tci', () => {
  const f = ipv4Udp();
  f[W_VLAN0] = (0x8100 << 16) | 0x1000 | 10;
  const base = f.slice();
  const wc = new Uint32Array(FLOW_WORDS);
  f[W_VLAN0] = 0;
  let r = run(f, base, wc);
  assert.deepEqual(r.acts, [{ type: DpActionType.POP_VLAN }]);
  assert.equal(wc[W_VLAN0], 0xffffffff);
  // Retag: pop then push a different VID.
  const b2 = ipv4Udp();
  b2[W_VLAN0] = (0x8100 << 16) | 0x1000 | 10;
  const f2 = b2.slice();
  f2[W_VLAN0] = (0x8100 << 16) | 0x1000 | 20;
  r = run(f2, b2, new Uint32Array(FLOW_WORDS));
  assert.deepEqual(r.acts, [{ type: DpActionType.POP_VLAN }, { type: DpActionType.PUSH_VLAN, tpid: 0x8100, tci: 0x1000 | 20 }]);
});

test('VLAN: pushing an outer tag keeps the inner one', () => {
  const base = ipv4Udp();
  base[W_VLAN0] = (0x8100 << 16) | 0x1000 | 10;
  const f = base.slice();
  f[W_VLAN0 + 1] = f[W_VLAN0]!;
  f[W_VLAN0] = (0x88a8 << 16) | 0x1000 | 100;
  const r = run(f, base, new Uint32Array(FLOW_WORDS));
  assert.deepEqual(r.acts, [{ type: DpActionType.PUSH_VLAN, tpid: 0x88a8, tci: 0x1000 | 100 }]);
});

test('MPLS push and pop', () => {
  const base = ipv4Udp();
  const f = base.slice();
  f[W_ETH_TYPE] = 0x8847;
  f[W_MPLS0] = mplsLse(64, 0, 1, 100);
  let r = run(f, base, new Uint32Array(FLOW_WORDS));
  assert.deepEqual(r.acts, [{ type: DpActionType.PUSH_MPLS, ethertype: 0x8847, lse: mplsLse(64, 0, 1, 100) }]);
  // pop back to IPv4
  const f2 = ipv4Udp();
  const b2 = f.slice();
  r = run(f2, b2, new Uint32Array(FLOW_WORDS));
  assert.deepEqual(r.acts[0], { type: DpActionType.POP_MPLS, ethertype: 0x0800 });
  // label rewrite
  const b3 = f.slice();
  const f3 = f.slice();
  f3[W_MPLS0] = mplsLse(63, 0, 1, 100);
  r = run(f3, b3, new Uint32Array(FLOW_WORDS));
  assert.equal(r.acts.length, 1);
  assert.equal((r.acts[0] as SetAction).attr, SetAttr.MPLS);
  assert.equal((r.acts[0] as SetAction).key[W_MPLS0], mplsLse(63, 0, 1, 100));
});

test('ARP rewrite is a masked set and asks for the slow path', () => {
  const f = new Uint32Array(FLOW_WORDS);
  f[W_ETH_TYPE] = 0x0806;
  f[W_NW] = 1 << 24;
  const base = f.slice();
  const wc = new Uint32Array(FLOW_WORDS);
  f[W_ARP_SHA] = 0x12345678;
  wc[W_ARP_SHA] = 0xffffffff;
  const r = run(f, base, wc);
  assert.equal(r.slow, SLOW_ACTION);
  assert.equal((r.acts[0] as SetAction).attr, SetAttr.ARP);
  assert.equal((r.acts[0] as SetAction).type, DpActionType.SET_MASKED);
});

test('property: applying the committed actions to base yields flow (datapath fields)', () => {
  fc.assert(
    fc.property(
      fc.record({
        dst: fc.integer({ min: 0, max: 0xffffffff }),
        ip: fc.integer({ min: 0, max: 0xffffffff }),
        tos: fc.integer({ min: 0, max: 255 }),
        ttl: fc.integer({ min: 0, max: 255 }),
        tp: fc.integer({ min: 0, max: 0xffffffff }),
        vlan: fc.option(fc.integer({ min: 0, max: 4095 })),
        baseVlan: fc.option(fc.integer({ min: 0, max: 4095 })),
        wcAll: fc.boolean(),
      }),
      (p) => {
        const base = ipv4Udp();
        if (p.baseVlan !== null) base[W_VLAN0] = (0x8100 << 16) | 0x1000 | p.baseVlan;
        const f = base.slice();
        f[W_ETH_DST] = p.dst >>> 0;
        f[W_IPV4_DST] = p.ip >>> 0;
        f[W_NW] = ((17 << 24) | (p.tos << 16) | (p.ttl << 8)) >>> 0;
        f[W_TP] = p.tp >>> 0;
        f[W_VLAN0] = p.vlan === null ? 0 : (0x8100 << 16) | 0x1000 | p.vlan;
        const wc = new Uint32Array(FLOW_WORDS);
        if (p.wcAll) wc.fill(0xffffffff);
        const acts: DpAction[] = [];
        const pkt = base.slice();
        commitOdpActions(f, base, wc, acts, true);
        for (const a of acts) {
          switch (a.type) {
            case DpActionType.SET:
            case DpActionType.SET_MASKED:
              for (let w = 0; w < FLOW_WORDS; w++) pkt[w] = ((pkt[w]! & ~a.mask[w]!) | (a.key[w]! & a.mask[w]!)) >>> 0;
              break;
            case DpActionType.POP_VLAN:
              pkt[W_VLAN0] = pkt[W_VLAN0 + 1]!;
              pkt[W_VLAN0 + 1] = 0;
              break;
            case DpActionType.PUSH_VLAN:
              pkt[W_VLAN0 + 1] = pkt[W_VLAN0]!;
              pkt[W_VLAN0] = ((a.tpid << 16) | a.tci) >>> 0;
              break;
            default:
              assert.fail('unexpected action');
          }
        }
        assert.deepEqual(pkt, f);
        assert.deepEqual(base, f);
      },
    ),
    { seed: 7, numRuns: 300 },
  );
});
