/*
 * extract() under bad input: random bytes, mutated valid frames and every truncation of
 * every valid frame. Never throws, never reads past the frame (the bytes after it in the
 * buffer cannot change the result), offsets stay inside the frame, OpenFlow-only words
 * are untouched, and a truncated frame's key only holds fields its prefix carries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { extract } from '../../src/flow/extract.js';
import { Packet } from '../../src/packet/packet.js';
import { DP_KEY_WORDS, FLOW_WORDS, W_ETH_TYPE, W_TP, W_TCP_FLAGS, W_NW, newFlowKey } from '../../src/flow/layout.js';
import { bytes, ethHdr, ipv4Hdr, ipv6Hdr, DST_HEX, SRC_HEX, CANARY, hex16 } from './extract-frames.js';

const UDP = '04d2 0035 0010 0000 0102030405060708';
const TCP = '1f90 c350 00000001 00000002 5012 ffff 0000 0000';
const TARGET = 'fe800000 00000000 021122ff fe334455';
const arp = '0001 0800 06 04 0001 aabbccddeeff c0a80001 112233445566 c0a800fe';
const v4 = (proto: number, l4: string, extra: Partial<Parameters<typeof ipv4Hdr>[0]> = {}): Uint8Array => {
  const b = bytes(l4);
  return bytes(ethHdr(0x0800), ipv4Hdr({ proto, payloadLen: b.length, ...extra }), b);
};
const v6 = (nxt: number, l4: string): Uint8Array => {
  const b = bytes(l4);
  return bytes(ethHdr(0x86dd), ipv6Hdr({ nxt, plen: b.length }), b);
};

/** Valid frames of every protocol the extractor knows. */
const CORPUS: Uint8Array[] = [
  bytes(ethHdr(0x88cc), '0102030405060708'),
  v4(17, UDP),
  v4(6, TCP),
  v4(6, TCP, { options: '01010100' }),
  v4(132, '0b590b5a1122334455667788'),
  v4(1, '0800f7ff00010001'),
  v4(2, '16000000e0000016'),
  v4(17, UDP, { fragOff: 0x2000 }),
  v4(17, UDP, { fragOff: 100 }),
  v6(17, UDP),
  v6(6, TCP),
  v6(0, '11 00 0104000000 00' + UDP),
  v6(43, '3c02 0000 00000000' + '00'.repeat(16) + '0600 010400000000' + TCP),
  v6(51, '1104 0000 00000001 00000002' + '00'.repeat(12) + UDP),
  v6(44, '1100 0001 12345678' + UDP),
  v6(44, '1100 0320 12345678' + UDP),
  v6(58, '8000 0000 1234 0001'),
  v6(58, '8700 0000 00000000' + TARGET + '0101aabbccddeeff'),
  v6(58, '8800 0000 60000000' + TARGET + '0201112233445566 0101aabbccddeeff'),
  bytes(ethHdr(0x0806), arp),
  bytes(ethHdr(0x8035), arp),
  bytes(DST_HEX + SRC_HEX, '8100 6005 0800', v4(17, UDP).subarray(14)),
  bytes(DST_HEX + SRC_HEX, '88a8 0001 8100 0002 86dd', v6(6, TCP).subarray(14)),
  bytes(ethHdr(0x8847), '00064140 000651ff', v4(17, UDP).subarray(14)),
  bytes(ethHdr(0x0026), 'aaaa03 000000 0800', v4(17, UDP).subarray(14)),
  bytes(ethHdr(0x0026), '424203', '00'.repeat(35)),
];

const pkt = new Packet();
const keyA = newFlowKey();
const keyB = newFlowKey();

interface Outcome {
  key: Uint32Array;
  ofs: [number, number, number];
}

/** Extract `frame` with the buffer after the frame filled with `tail`. */
function extractWith(frame: Uint8Array, tail: number, key: Uint32Array): Outcome {
  pkt.resetMetadata();
  pkt.start = 100;
  pkt.buf.fill(tail);
  pkt.buf.set(frame, pkt.start);
  pkt.len = frame.length;
  key.fill(CANARY);
  extract(pkt, key);
  return { key, ofs: [pkt.l2_5Ofs, pkt.l3Ofs, pkt.l4Ofs] };
}

/** The invariants every extraction must keep; returns the key (copy). */
function check(frame: Uint8Array): Uint32Array {
  const a = extractWith(frame, 0x00, keyA);
  const b = extractWith(frame, 0xff, keyB);
  assert.deepEqual(a.ofs, b.ofs, 'offsets depend on bytes past the frame');
  assert.deepEqual(a.key, b.key, 'key depends on bytes past the frame');
  for (let i = DP_KEY_WORDS; i < FLOW_WORDS; i++) assert.equal(a.key[i], CANARY);
  const [l25, l3, l4] = a.ofs;
  for (const o of a.ofs) assert.ok(o === -1 || (Number.isInteger(o) && o >= 0 && o <= frame.length));
  if (l4 !== -1) assert.ok(l3 !== -1 && l4 >= l3 + 20);
  if (l25 !== -1) assert.ok(l3 >= l25);
  if (frame.length < 14) assert.deepEqual(a.ofs, [-1, -1, -1]);
  else assert.ok(l3 >= 14);
  return a.key.slice(0, DP_KEY_WORDS);
}

/**
 * Every field of `k` is either absent (zero) or equal to the same field of `full`. Fields
 * are compared by 16-bit halves because some words pack two fields (ARP/ND MACs).
 */
function assertSubKey(k: Uint32Array, full: Uint32Array, skipWord: number, msg: string): void {
  for (let w = 0; w < DP_KEY_WORDS; w++) {
    if (w === skipWord) continue;
    const hi = k[w]! >>> 16;
    const lo = k[w]! & 0xffff;
    if (hi !== 0) assert.equal(hi, full[w]! >>> 16, `${msg}: word ${w} high half`);
    if (lo !== 0) assert.equal(lo, full[w]! & 0xffff, `${msg}: word ${w} low half`);
  }
}

test('corpus frames extract cleanly', () => {
  for (const f of CORPUS) {
    const k = check(f);
    assert.notEqual(k[W_ETH_TYPE], 0);
  }
});

test('every truncation of every valid frame: no throw, fields only from the prefix', () => {
  for (const f of CORPUS) {
    const full = check(f);
    for (let n = 0; n < f.length; n++) {
      const k = check(f.subarray(0, n));
      // a cut VLAN tag or SNAP header changes eth_type, as in OVS
      assertSubKey(k, full, W_ETH_TYPE, `frame ${CORPUS.indexOf(f)} cut at ${n}`);
      // the IP length fields now exceed the frame: OVS keeps no nw/tp fields at all
      if (full[W_ETH_TYPE] === 0x0800 || full[W_ETH_TYPE] === 0x86dd) {
        assert.equal(k[W_NW], 0);
        assert.equal(k[W_TP], 0);
      }
    }
  }
});

/**
 * Make the IP length field of `f` (IPv4 tot_len or IPv6 payload length, at L3 offset
 * `l3`) agree with the frame's length, so a cut frame still passes the sanity checks.
 */
function fixIpLength(f: Uint8Array, l3: number, ethType: number): void {
  if (ethType === 0x0800 && f.length >= l3 + 4) f.set(bytes(hex16(f.length - l3)), l3 + 2);
  else if (ethType === 0x86dd && f.length >= l3 + 6) f.set(bytes(hex16(Math.max(0, f.length - l3 - 40))), l3 + 4);
}

test('every consistent cut of every IP frame (length fields fixed): fields only from the prefix', () => {
  for (const f of CORPUS) {
    const full = check(f);
    const type = full[W_ETH_TYPE]!;
    if (type !== 0x0800 && type !== 0x86dd) continue;
    const l3 = pkt.l3Ofs;
    for (let n = l3 + (type === 0x0800 ? 20 : 40); n < f.length; n++) {
      const g = f.slice(0, n);
      fixIpLength(g, l3, type);
      const k = check(g);
      assertSubKey(k, full, -1, `frame ${CORPUS.indexOf(f)} cut at ${n}`);
    }
  }
});

/**
 * Cut an IPv4 UDP/TCP frame inside its L4 header but keep it consistent (tot_len fixed):
 * the network fields stay, the transport fields go.
 */
test('consistent cut inside the L4 header: nw fields kept, tp and tcp_flags zero', () => {
  for (const [proto, l4, hdr] of [
    [17, UDP, 8],
    [6, TCP, 20],
    [132, '0b590b5a1122334455667788', 12],
    [1, '0800f7ff00010001', 8],
  ] as const) {
    const full = v4(proto, l4);
    const fullKey = check(full);
    assert.notEqual(fullKey[W_TP], 0);
    for (let cut = 0; cut <= hdr; cut++) {
      const f = full.slice(0, 34 + cut);
      f.set(bytes(hex16(20 + cut)), 16);
      const k = check(f);
      assert.equal(k[W_NW], fullKey[W_NW]);
      if (cut < hdr) {
        assert.equal(k[W_TP], 0, `proto ${proto} cut ${cut}`);
        assert.equal(k[W_TCP_FLAGS], 0);
      } else {
        assert.equal(k[W_TP], fullKey[W_TP]);
        assert.equal(k[W_TCP_FLAGS], fullKey[W_TCP_FLAGS]);
      }
    }
  }
});

test('random bytes of random lengths', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 160 }), (f) => {
      check(f);
    }),
    { seed: 0x5eed, numRuns: 3000 },
  );
});

test('random Ethernet headers with known Ethertypes and random payloads', () => {
  const types = [0x0800, 0x86dd, 0x0806, 0x8035, 0x8100, 0x88a8, 0x8847, 0x8848, 0x0030, 0x88cc];
  fc.assert(
    fc.property(
      fc.constantFrom(...types),
      fc.constantFrom(...types),
      fc.uint8Array({ minLength: 0, maxLength: 120 }),
      (t1, t2, payload) => {
        check(bytes(DST_HEX + SRC_HEX, hex16(t1), '0005', hex16(t2), payload));
        check(bytes(ethHdr(t1), payload));
      },
    ),
    { seed: 0xf00d, numRuns: 3000 },
  );
});

test('mutated valid frames', () => {
  fc.assert(
    fc.property(
      fc.nat(CORPUS.length - 1),
      fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      fc.nat(220),
      fc.boolean(),
      (i, muts, len, fix) => {
        const orig = CORPUS[i]!;
        const full = check(orig);
        const l3 = pkt.l3Ofs;
        const f = orig.slice(0, Math.min(len, orig.length));
        if (fix) fixIpLength(f, l3, full[W_ETH_TYPE]!);
        for (const [pos, v] of muts) if (pos < f.length) f[pos] = v;
        check(f);
      },
    ),
    { seed: 0xbad, numRuns: 5000 },
  );
});
