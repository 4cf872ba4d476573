/*
 * executeActions(): output, userspace, recirc, drop, trunc, clone, sample, push/pop VLAN
 * and MPLS, hash. Every emitted frame is re-parsed, its checksums verified, and the
 * executor's key compared with a fresh extraction of what it emitted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeActions } from '../../src/datapath/execute.js';
import { DpActionType, SetAttr, type DpAction } from '../../src/datapath/actions.js';
import {
  DP_KEY_WORDS,
  W_DP_HASH,
  W_ETH_TYPE,
  W_MPLS0,
  W_VLAN0,
  W_VLAN1,
  W_IPV4_SRC,
  W_IN_PORT,
  W_SKB_PRIORITY,
  W_TUN_DST,
  newFlowKey,
} from '../../src/flow/layout.js';
import { Packet } from '../../src/packet/packet.js';
import { makeLse } from '../../src/packet/mpls.js';
import { udpFrame, tcpFrame, buildFrame } from '../../src/packet/build.js';
import { extract } from '../../src/flow/extract.js';
import { Recorder, packetOf, keyOf, parsed, assertChecksums, setAct, maskedAct, out, hex } from './execute-helpers.js';

const A = DpActionType;

function run(frame: Uint8Array, actions: DpAction[], randoms: number[] = []): { rec: Recorder; p: Packet; key: Uint32Array } {
  const { p, key } = packetOf(frame);
  const rec = new Recorder(randoms);
  executeActions(rec, p, key, actions);
  assert.equal(rec.scratchOut, 0, 'every scratch packet was released');
  return { rec, p, key };
}

/** The executor's key agrees with extracting the packet as it now is (datapath words, metadata aside). */
function assertKeyFollows(key: Uint32Array, bytes: Uint8Array, skip: number[] = []): void {
  const k2 = keyOf(bytes);
  for (let w = 0; w < DP_KEY_WORDS; w++) {
    if (w <= W_DP_HASH || skip.includes(w)) continue;
    assert.equal(key[w]! >>> 0, k2[w]! >>> 0, `key word ${w}`);
  }
}

test('output emits the packet as it is at that point; the packet stays usable', () => {
  const frame = udpFrame();
  const setSrc = setAct(SetAttr.ETH, { eth_src: 0x0a0000000001, eth_dst: 0x0a0000000002 });
  const { rec, p } = run(frame, [out(1), setSrc, out(2), out(3)]);
  assert.deepEqual(
    rec.out.map((e) => e.arg),
    [1, 2, 3],
  );
  assert.equal(hex(rec.out[0]!.bytes), hex(frame));
  const f = parsed(rec.out[1]!.bytes);
  assert.equal(f.eth!.src, '0a:00:00:00:00:01');
  assert.equal(f.eth!.dst, '0a:00:00:00:00:02');
  assert.equal(hex(rec.out[2]!.bytes), hex(rec.out[1]!.bytes));
  assert.equal(hex(p.bytes()), hex(rec.out[2]!.bytes));
});

test('drop stops the list; an empty list does nothing', () => {
  const { rec } = run(udpFrame(), [out(1), { type: A.DROP, reason: 0 }, out(2)]);
  assert.deepEqual(
    rec.out.map((e) => e.arg),
    [1],
  );
  assert.equal(run(udpFrame(), []).rec.out.length, 0);
});

test('userspace and recirc hand the current packet to their hooks and the list continues', () => {
  const ua: DpAction = { type: A.USERSPACE, pid: 7, userdata: Uint8Array.of(1, 2) };
  const { rec } = run(udpFrame(), [ua, { type: A.RECIRC, id: 42 }, out(3)]);
  assert.deepEqual(
    rec.out.map((e) => [e.kind, e.arg]),
    [
      ['userspace', 7],
      ['recirc', 42],
      ['output', 3],
    ],
  );
});

test('push_vlan inserts the tag after the MACs with CFI cleared, outermost last pushed; offsets move', () => {
  const frame = udpFrame({ payload: 10 });
  const { rec, key } = run(frame, [
    { type: A.PUSH_VLAN, tpid: 0x8100, tci: 0x1000 | (5 << 13) | 100 },
    out(1),
    { type: A.PUSH_VLAN, tpid: 0x88a8, tci: 0x1000 | 200 },
    out(2),
  ]);
  const f1 = parsed(rec.out[0]!.bytes);
  assert.equal(f1.vlans.length, 1);
  assert.deepEqual([f1.vlans[0]!.tpid, f1.vlans[0]!.vid, f1.vlans[0]!.pcp, f1.vlans[0]!.dei], [0x8100, 100, 5, false]);
  assert.equal(rec.out[0]!.l3Ofs, 18);
  assert.equal(rec.out[0]!.l4Ofs, 38);
  assert.equal(f1.udp!.dst, 5678);
  assertChecksums(rec.out[0]!.bytes);
  const f2 = parsed(rec.out[1]!.bytes);
  assert.deepEqual(
    f2.vlans.map((v) => [v.tpid, v.vid]),
    [
      [0x88a8, 200],
      [0x8100, 100],
    ],
  );
  assert.equal(rec.out[1]!.l3Ofs, 22);
  assert.equal(rec.out[1]!.bytes.length, frame.length + 8);
  assert.equal(hex(rec.out[1]!.bytes.subarray(22)), hex(frame.subarray(14)));
  assertKeyFollows(key, rec.out[1]!.bytes);
  assert.equal(key[W_VLAN0], ((0x88a8 << 16) | 0x1000 | 200) >>> 0);
  assert.equal(key[W_VLAN1], ((0x8100 << 16) | 0x1000 | (5 << 13) | 100) >>> 0);
});

test('pop_vlan removes the outer tag; on an untagged packet it does nothing', () => {
  const frame = buildFrame({ vlans: [{ tpid: 0x88a8, vid: 10 }, { vid: 20 }], ipv4: {}, tcp: {} });
  const { rec, key } = run(frame, [{ type: A.POP_VLAN }, out(1), { type: A.POP_VLAN }, out(2), { type: A.POP_VLAN }, out(3)]);
  const f1 = parsed(rec.out[0]!.bytes);
  assert.deepEqual(
    f1.vlans.map((v) => v.vid),
    [20],
  );
  assert.equal(rec.out[0]!.l3Ofs, 18);
  const f2 = parsed(rec.out[1]!.bytes);
  assert.equal(f2.vlans.length, 0);
  assert.equal(rec.out[1]!.l3Ofs, 14);
  assert.equal(rec.out[1]!.l4Ofs, 34);
  assert.equal(hex(rec.out[2]!.bytes), hex(rec.out[1]!.bytes));
  assertChecksums(rec.out[2]!.bytes);
  assertKeyFollows(key, rec.out[2]!.bytes);
});

test('pop_vlan on a triple-tagged frame: the third tag becomes the inner one in the key', () => {
  const frame = buildFrame({ vlans: [{ vid: 1 }, { vid: 2 }, { vid: 3 }], ipv4: {}, udp: {} });
  const { rec, key } = run(frame, [{ type: A.POP_VLAN }, out(1)]);
  assert.deepEqual(
    parsed(rec.out[0]!.bytes).vlans.map((v) => v.vid),
    [2, 3],
  );
  // L3 was never parsed (too many tags when extracted), so compare the L2 words only.
  const k2 = keyOf(rec.out[0]!.bytes);
  for (const w of [W_VLAN0, W_VLAN1, W_ETH_TYPE]) assert.equal(key[w], k2[w], `word ${w}`);
});

test('push_mpls after L2 (and after VLAN tags); the Ethertype becomes MPLS; pop_mpls restores the frame', () => {
  for (const vlans of [[], [{ vid: 7 }]]) {
    const frame = buildFrame({ vlans, ipv4: { src: '1.2.3.4' }, udp: {}, payloadLen: 20 });
    const l2 = 14 + 4 * vlans.length;
    const lse1 = makeLse(100, 1, true, 64);
    const lse2 = makeLse(200, 2, false, 63);
    const { rec, key, p } = run(frame, [
      { type: A.PUSH_MPLS, ethertype: 0x8847, lse: lse1 },
      out(1),
      { type: A.PUSH_MPLS, ethertype: 0x8848, lse: lse2 },
      out(2),
      { type: A.POP_MPLS, ethertype: 0x8847 },
      out(3),
      { type: A.POP_MPLS, ethertype: 0x0800 },
      out(4),
    ]);
    const f1 = parsed(rec.out[0]!.bytes);
    assert.equal(f1.eth!.type, 0x8847);
    assert.deepEqual(
      f1.mpls.map((m) => [m.label, m.tc, m.bos, m.ttl]),
      [[100, 1, true, 64]],
    );
    assert.equal(f1.vlans.length, vlans.length);
    assert.equal(rec.out[0]!.l2_5Ofs, l2);
    assert.equal(rec.out[0]!.l3Ofs, l2 + 4);
    assert.equal(rec.out[0]!.l4Ofs, l2 + 24);
    const f2 = parsed(rec.out[1]!.bytes);
    assert.equal(f2.eth!.type, 0x8848);
    assert.deepEqual(
      f2.mpls.map((m) => m.label),
      [200, 100],
    );
    assert.equal(rec.out[1]!.l2_5Ofs, l2);
    assert.equal(rec.out[1]!.l3Ofs, l2 + 8);
    // one pop: back to the first stack
    assert.equal(hex(rec.out[2]!.bytes), hex(rec.out[0]!.bytes));
    assert.equal(rec.out[2]!.l2_5Ofs, l2);
    // second pop (BoS): the original IPv4 frame, offsets as extraction gives them
    assert.equal(hex(rec.out[3]!.bytes), hex(frame));
    assert.equal(rec.out[3]!.l2_5Ofs, -1);
    assert.equal(rec.out[3]!.l3Ofs, l2);
    assert.equal(rec.out[3]!.l4Ofs, l2 + 20);
    assertChecksums(rec.out[3]!.bytes);
    assertKeyFollows(key, p.bytes());
  }
});

test('push_mpls key words: label stack shifts, eth_type follows', () => {
  const frame = udpFrame();
  const lse1 = makeLse(1, 0, true, 9);
  const lse2 = makeLse(2, 0, false, 8);
  const { rec, key } = run(frame, [
    { type: A.PUSH_MPLS, ethertype: 0x8847, lse: lse1 },
    { type: A.PUSH_MPLS, ethertype: 0x8847, lse: lse2 },
    out(1),
  ]);
  assert.equal(key[W_ETH_TYPE], 0x8847);
  assert.equal(key[W_MPLS0], lse2);
  assert.equal(key[W_MPLS0 + 1], lse1);
  const k2 = keyOf(rec.out[0]!.bytes);
  for (const w of [W_ETH_TYPE, W_MPLS0, W_MPLS0 + 1, W_MPLS0 + 2]) assert.equal(key[w], k2[w]);
});

test('pop_mpls of a received MPLS packet, then a set works at the moved L3 offset', () => {
  const frame = buildFrame({ mpls: [{ label: 5 }], ipv4: { src: '10.1.1.1' }, tcp: {} });
  const { rec } = run(frame, [
    { type: A.POP_MPLS, ethertype: 0x0800 },
    setAct(SetAttr.IPV4, { ipv4_src: 0x0a020202, ipv4_dst: 0x0a000002, nw_tos: 0, nw_ttl: 64 }),
    out(1),
  ]);
  const f = parsed(rec.out[0]!.bytes);
  assert.equal(f.mpls.length, 0);
  assert.equal(f.ipv4!.src, '10.2.2.2');
  // L4 was never extracted under MPLS, so only the IPv4 header checksum is kept right;
  // that is why the validator refuses L3 sets after pop_mpls (OVS recirculates instead).
  assert.equal(f.ipv4!.checksum, parsed(buildFrame({ ipv4: { src: '10.2.2.2' }, tcp: {} })).ipv4!.checksum);
});

test('push_mpls/pop_mpls with an unknown or missing stack do nothing harmful', () => {
  const frame = udpFrame();
  const { rec } = run(frame, [{ type: A.POP_MPLS, ethertype: 0x0800 }, out(1)]);
  assert.equal(hex(rec.out[0]!.bytes), hex(frame));
});

test('trunc cuts only the next output (and userspace), not the packet', () => {
  const frame = udpFrame({ payload: 100 });
  const ua: DpAction = { type: A.USERSPACE, pid: 1, userdata: null };
  const { rec, p } = run(frame, [
    { type: A.TRUNC, maxLen: 60 },
    out(1),
    out(2),
    { type: A.TRUNC, maxLen: 50 },
    ua,
    out(3),
    { type: A.TRUNC, maxLen: 5000 },
    out(4),
  ]);
  assert.deepEqual(
    rec.out.map((e) => e.bytes.length),
    [60, frame.length, 50, frame.length, frame.length],
  );
  assert.equal(hex(rec.out[0]!.bytes), hex(frame.subarray(0, 60)));
  assert.equal(p.len, frame.length);
});

test('trunc then push_vlan: the cut fixed at trunc time applies (the kernel keeps bytes-to-cut)', () => {
  const frame = udpFrame({ payload: 100 });
  const { rec } = run(frame, [{ type: A.TRUNC, maxLen: 60 }, { type: A.PUSH_VLAN, tpid: 0x8100, tci: 0x1001 }, out(1)]);
  assert.equal(rec.out[0]!.bytes.length, 64);
});

test('clone runs on a copy: its changes do not reach the original; scratch is released', () => {
  const frame = tcpFrame();
  const inner = setAct(SetAttr.IPV4, { ipv4_src: 0x01020304, ipv4_dst: 0x05060708, nw_tos: 0, nw_ttl: 9 });
  const { rec, p, key } = run(frame, [{ type: A.CLONE, actions: [inner, { type: A.PUSH_VLAN, tpid: 0x8100, tci: 0x1003 }, out(2)] }, out(1)]);
  assert.deepEqual(
    rec.out.map((e) => e.arg),
    [2, 1],
  );
  const f = parsed(rec.out[0]!.bytes);
  assert.equal(f.ipv4!.src, '1.2.3.4');
  assert.equal(f.ipv4!.ttl, 9);
  assert.equal(f.vlans[0]!.vid, 3);
  assertChecksums(rec.out[0]!.bytes);
  assert.equal(hex(rec.out[1]!.bytes), hex(frame));
  assert.equal(hex(p.bytes()), hex(frame));
  assert.equal(key[W_IPV4_SRC], keyOf(frame)[W_IPV4_SRC]);
  assert.equal(key[W_VLAN0], 0);
  assert.equal(rec.pool.available, 1, 'one scratch packet was used');
});

test('clone as the last action works on the packet itself (no scratch)', () => {
  const frame = tcpFrame();
  const { rec, p } = run(frame, [out(1), { type: A.CLONE, actions: [{ type: A.PUSH_VLAN, tpid: 0x8100, tci: 0x1001 }, out(2)] }]);
  assert.equal(rec.pool.available, 0);
  assert.equal(p.len, frame.length + 4);
  assert.equal(rec.out[1]!.bytes.length, frame.length + 4);
});

test('nested clones three deep keep each level separate', () => {
  const frame = udpFrame();
  const pv = (vid: number): DpAction => ({ type: A.PUSH_VLAN, tpid: 0x8100, tci: 0x1000 | vid });
  const { rec } = run(frame, [
    pv(1),
    { type: A.CLONE, actions: [pv(2), { type: A.CLONE, actions: [pv(3), { type: A.CLONE, actions: [pv(4), out(4)] }, out(3)] }, out(2)] },
    out(1),
  ]);
  assert.deepEqual(
    rec.out.map((e) => [e.arg, parsed(e.bytes).vlans.map((v) => v.vid).join(',')]),
    [
      [4, '4,3,2,1'],
      [3, '3,2,1'],
      [2, '2,1'],
      [1, '1'],
    ],
  );
});

test('sample: probability 0 never, 0xffffffff always (without drawing), otherwise random < probability', () => {
  const frame = udpFrame();
  const samp = (probability: number): DpAction => ({
    type: A.SAMPLE,
    probability,
    actions: [{ type: A.USERSPACE, pid: probability, userdata: null }],
  });
  const r1 = run(frame, [samp(0), samp(0xffffffff), out(1)], [0]);
  assert.deepEqual(
    r1.rec.out.map((e) => [e.kind, e.arg]),
    [
      ['userspace', 0xffffffff],
      ['output', 1],
    ],
  );
  const half = 0x80000000;
  const r2 = run(frame, [samp(half), samp(half), out(1)], [0x7fffffff, 0x80000000]);
  assert.deepEqual(
    r2.rec.out.map((e) => e.kind),
    ['userspace', 'output'],
  );
});

test('sample changes stay inside it unless it is the last action', () => {
  const frame = udpFrame();
  const pv: DpAction = { type: A.PUSH_VLAN, tpid: 0x8100, tci: 0x1009 };
  const s = { type: A.SAMPLE, probability: 0xffffffff, actions: [pv, out(2)] } as const;
  const r1 = run(frame, [s, out(1)]);
  assert.equal(r1.rec.out[1]!.bytes.length, frame.length);
  assert.equal(r1.rec.out[0]!.bytes.length, frame.length + 4);
  const r2 = run(frame, [out(1), s]);
  assert.equal(r2.p.len, frame.length + 4);
  assert.equal(r2.rec.pool.available, 0);
});

test('recirc inside a clone hands over the clone, then the original continues', () => {
  const frame = udpFrame();
  const { rec } = run(frame, [
    { type: A.CLONE, actions: [{ type: A.PUSH_VLAN, tpid: 0x8100, tci: 0x1002 }, { type: A.RECIRC, id: 5 }] },
    out(1),
  ]);
  assert.equal(rec.out[0]!.kind, 'recirc');
  assert.equal(rec.out[0]!.bytes.length, frame.length + 4);
  assert.equal(rec.out[1]!.bytes.length, frame.length);
});

test('metadata sets: skb_priority, skb_mark (masked), tunnel, conntrack', () => {
  const frame = udpFrame();
  const { rec, key } = run(frame, [
    setAct(SetAttr.PRIORITY, { skb_priority: 0xfffffff7 }),
    { ...setAct(SetAttr.SKB_MARK, { skb_mark: 0xabcd }), type: A.SET_MASKED, mask: maskWord(2, 0x00ff) },
    setAct(SetAttr.TUNNEL, { tun_id: [0, 5000], tun_dst: 0x0a000063, tun_ttl: 64 }),
    maskedAct(SetAttr.CT_STATE, { ct_state: 0x21, ct_zone: 9, ct_mark: 0x80000001 }, { ct_state: 0xff, ct_zone: 0xffff, ct_mark: 0xffffffff }),
    out(1),
  ]);
  const e = rec.out[0]!;
  assert.equal(e.skbPriority, 0xfffffff7);
  assert.equal(e.pktMark, 0xcd);
  assert.equal(e.tunIdLo, 5000);
  assert.equal(e.tunDst, 0x0a000063);
  assert.deepEqual([e.ctState, e.ctZone, e.ctMark], [0x21, 9, 0x80000001]);
  assert.equal(hex(e.bytes), hex(frame));
  assert.equal(key[W_TUN_DST], 0x0a000063);
  assert.equal(key[W_SKB_PRIORITY], 0xfffffff7);
});

function maskWord(w: number, v: number): Uint32Array {
  const m = new Uint32Array(76);
  m[w] = v;
  return m;
}

test('hash: sets dp_hash in the packet and key; depends on basis and on rewritten fields', () => {
  const frame = tcpFrame();
  const h = (acts: DpAction[]): { dp: number; key: Uint32Array } => {
    const r = run(frame, [...acts, out(1)]);
    assert.equal(r.rec.out[0]!.dpHash, r.key[W_DP_HASH]);
    return { dp: r.rec.out[0]!.dpHash, key: r.key };
  };
  const a = h([{ type: A.HASH, alg: 0, basis: 0 }]).dp;
  assert.equal(h([{ type: A.HASH, alg: 0, basis: 0 }]).dp, a);
  assert.notEqual(h([{ type: A.HASH, alg: 0, basis: 1 }]).dp, a);
  const setSrc = setAct(SetAttr.IPV4, { ipv4_src: 0x01010101, ipv4_dst: 0x0a000002, nw_tos: 0, nw_ttl: 64 });
  assert.notEqual(h([setSrc, { type: A.HASH, alg: 0, basis: 0 }]).dp, a);
});

test('symmetric hash is the same both ways; L4 hash is not', () => {
  const fwd = tcpFrame({ ipSrc: '10.0.0.1', ipDst: '10.9.9.9', sport: 1000, dport: 80 });
  const rev = tcpFrame({ ipSrc: '10.9.9.9', ipDst: '10.0.0.1', sport: 80, dport: 1000 });
  const dp = (f: Uint8Array, alg: number): number => run(f, [{ type: A.HASH, alg, basis: 3 }]).p.dpHash;
  assert.equal(dp(fwd, 1), dp(rev, 1));
  assert.notEqual(dp(fwd, 0), dp(rev, 0));
});

test('a hook that re-enters executeActions does not disturb an outer clone', () => {
  const frame = udpFrame({ ipSrc: '10.0.0.1' });
  const other = udpFrame({ ipSrc: '10.7.7.7' });
  const rec = new Recorder();
  const base = rec.output.bind(rec);
  let reentered = false;
  rec.output = (p: Packet, port: number): void => {
    base(p, port);
    if (port === 9 && !reentered) {
      reentered = true;
      const { p: p2, key: k2 } = packetOf(other);
      executeActions(rec, p2, k2, [{ type: A.CLONE, actions: [{ type: A.HASH, alg: 0, basis: 0 }, out(20)] }, out(21)]);
    }
  };
  const { p, key } = packetOf(frame);
  executeActions(rec, p, key, [{ type: A.CLONE, actions: [out(9), { type: A.HASH, alg: 0, basis: 0 }, out(2)] }, out(1)]);
  const byPort = new Map(rec.out.map((e) => [e.arg, e]));
  const ref = run(frame, [{ type: A.HASH, alg: 0, basis: 0 }]).p.dpHash;
  assert.equal(byPort.get(2)!.dpHash, ref, 'outer clone hashed its own key');
  assert.notEqual(byPort.get(20)!.dpHash, ref);
  assert.equal(rec.scratchOut, 0);
});

test('the executor does not touch the in_port word or words it has no reason to', () => {
  const frame = udpFrame();
  const { p, key } = packetOf(frame, 3);
  const before = key.slice();
  executeActions(new Recorder(), p, key, [out(1), { type: A.TRUNC, maxLen: 20 }, out(2)]);
  assert.deepEqual(key, before);
  assert.equal(key[W_IN_PORT], 3);
});

test('a packet whose buffer has no headroom left still gets its tag (the frame is moved)', () => {
  const frame = udpFrame();
  const p = new Packet(frame.length + 200, 0);
  p.load(frame, 0);
  const key = newFlowKey();
  extract(p, key);
  const rec = new Recorder();
  executeActions(rec, p, key, [{ type: A.PUSH_VLAN, tpid: 0x8100, tci: 0x1001 }, out(1)]);
  assert.equal(parsed(rec.out[0]!.bytes).vlans[0]!.vid, 1);
  assertChecksums(rec.out[0]!.bytes);
});
