/*
 * The hash action's dp_hash against a literal transcription of OVS's recipe (lib/hash.h
 * murmur hash_add/hash_finish, miniflow_hash_5tuple then hash_int with the basis, and
 * flow_hash_symmetric_l3l4), working on frame bytes read as little-endian words the way
 * OVS reads network-order struct fields on x86.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { executeActions } from '../../src/datapath/execute.js';
import { DpActionType } from '../../src/datapath/actions.js';
import { buildFrame, type FrameSpec } from '../../src/packet/build.js';
import { parseFrame } from '../../src/packet/parse.js';
import { Recorder, packetOf } from './execute-helpers.js';

// --- reference, written from OVS's definitions ---------------------------------------
function rot(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
function hashAdd(h: number, d: number): number {
  d >>>= 0;
  if (d !== 0) {
    d = Math.imul(d, 0xcc9e2d51) >>> 0;
    d = rot(d, 15);
    d = Math.imul(d, 0x1b873593) >>> 0;
    h = (h ^ d) >>> 0;
  }
  h = rot(h, 13);
  return (Math.imul(h, 5) + 0xe6546b64) >>> 0;
}
function hashFinish(h: number, fin: number): number {
  h = (h ^ fin) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
const le32 = (b: Uint8Array, o: number): number => new DataView(b.buffer, b.byteOffset).getUint32(o, true);
const le16 = (b: Uint8Array, o: number): number => new DataView(b.buffer, b.byteOffset).getUint16(o, true);

function refL4(frame: Uint8Array, basis: number): number {
  const f = parseFrame(frame);
  const l3 = f.offsets.l3;
  let h = 0;
  let proto = 0;
  if (f.ipv6) {
    for (let i = 0; i < 8; i++) h = hashAdd(h, le32(frame, l3 + 8 + 4 * i));
    proto = f.ipv6.proto;
  } else if (f.ipv4) {
    h = hashAdd(h, le32(frame, l3 + 12));
    h = hashAdd(h, le32(frame, l3 + 16));
    proto = f.ipv4.proto;
  } else {
    return hashFinish(hashAdd(hashAdd(hashFinish(0, 42), 0), basis), 8);
  }
  h = hashAdd(h, proto);
  if ([6, 17, 132].includes(proto)) h = hashAdd(h, le32(frame, f.offsets.l4));
  else if (proto === 1 || proto === 58) h = hashAdd(h, frame[f.offsets.l4]! << 8 | (frame[f.offsets.l4 + 1]! << 24));
  const rss = hashFinish(h, 42);
  return hashFinish(hashAdd(hashAdd(rss, 0), basis), 8); // hash_int(rss, basis)
}

function refSym(frame: Uint8Array, basis: number): number {
  const f = parseFrame(frame);
  const l3 = f.offsets.l3;
  let h = basis;
  let proto = 0;
  if (f.ipv4) {
    h = hashAdd(h, le32(frame, l3 + 12) ^ le32(frame, l3 + 16));
    proto = f.ipv4.proto;
  } else if (f.ipv6) {
    for (let i = 0; i < 4; i++) h = hashAdd(h, le32(frame, l3 + 8 + 4 * i) ^ le32(frame, l3 + 24 + 4 * i));
    proto = f.ipv6.proto;
  } else {
    throw new Error('reference covers IP only');
  }
  h = hashAdd(h, proto);
  if (f.frag === 'no' && (proto === 6 || proto === 132)) {
    h = hashAdd(h, le16(frame, f.offsets.l4) ^ le16(frame, f.offsets.l4 + 2));
  }
  return hashFinish(h, basis);
}

function dpHash(frame: Uint8Array, alg: number, basis: number): number {
  const { p, key } = packetOf(frame);
  executeActions(new Recorder(), p, key, [{ type: DpActionType.HASH, alg, basis }]);
  return p.dpHash;
}

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const ipFrames = fc
  .record({
    v6: fc.boolean(),
    a: fc.uint32Array({ minLength: 8, maxLength: 8 }),
    proto: fc.constantFrom('tcp', 'udp', 'sctp', 'icmp', 'other'),
    sp: u16,
    dp: u16,
  })
  .map(({ v6, a, proto, sp, dp }): Uint8Array => {
    const spec: FrameSpec = {};
    if (v6) spec.ipv6 = { src: [a[0]!, a[1]!, a[2]!, a[3]!], dst: [a[4]!, a[5]!, a[6]!, a[7]!] };
    else spec.ipv4 = { src: a[0]!, dst: a[1]! };
    if (proto === 'tcp') spec.tcp = { src: sp, dst: dp };
    else if (proto === 'udp') spec.udp = { src: sp, dst: dp === 4789 || dp === 6081 ? 1 : dp };
    else if (proto === 'sctp') spec.sctp = { src: sp, dst: dp };
    else if (proto === 'icmp') {
      if (v6) spec.icmpv6 = { type: 128 + (sp & 1), code: dp & 0xff };
      else spec.icmp = { type: sp & 0xff, code: dp & 0xff };
    } else if (v6) spec.ipv6!.proto = 253;
    else spec.ipv4!.proto = 253;
    return buildFrame(spec);
  });

test('hash alg L4 equals OVS hash_int(miniflow_hash_5tuple(flow, 0), basis)', () => {
  fc.assert(
    fc.property(ipFrames, u32, (frame, basis) => {
      assert.equal(dpHash(frame, 0, basis), refL4(frame, basis));
    }),
    { seed: 11, numRuns: 500 },
  );
  const nonIp = buildFrame({ eth: { type: 0x88cc }, payloadLen: 20 });
  assert.equal(dpHash(nonIp, 0, 5), refL4(nonIp, 5));
});

test('hash alg SYM_L4 equals OVS flow_hash_symmetric_l3l4(flow, basis, false) and is symmetric', () => {
  fc.assert(
    fc.property(ipFrames, u32, (frame, basis) => {
      assert.equal(dpHash(frame, 1, basis), refSym(frame, basis));
    }),
    { seed: 12, numRuns: 500 },
  );
});

test('symmetric hash of non-IP frames falls back to the L2 hash: swapping MACs gives the same value', () => {
  const a = buildFrame({ eth: { src: 0x0a0000000001, dst: 0x0b0000000002, type: 0x88cc }, vlans: [{ vid: 5 }], payloadLen: 10 });
  const b = buildFrame({ eth: { src: 0x0b0000000002, dst: 0x0a0000000001, type: 0x88cc }, vlans: [{ vid: 5 }], payloadLen: 10 });
  const c = buildFrame({ eth: { src: 0x0b0000000002, dst: 0x0a0000000001, type: 0x88cc }, vlans: [{ vid: 6 }], payloadLen: 10 });
  assert.equal(dpHash(a, 1, 9), dpHash(b, 1, 9));
  assert.notEqual(dpHash(a, 1, 9), dpHash(c, 1, 9));
});
