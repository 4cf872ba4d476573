// RFC 1624 incremental checksum update (csumUpdate16/32 from checksum.ts) equals a full
// recompute after random field rewrites, for the IPv4 header and TCP/UDP over the
// pseudo-header (address changes touch both).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildFrame } from '../../src/packet/build.js';
import { csumUpdate16, csumUpdate32, get16, get32, put16, put32 } from '../../src/packet/checksum.js';
import { ipv4HeaderChecksum } from '../../src/packet/ipv4.js';
import { l4Checksum, pseudoHeaderSum } from '../../src/packet/l4csum.js';
import { verifyChecksums } from '../../src/packet/verify.js';
import { u16, u32, bytesArb } from './gen.js';

const SEED = 1624;
const L3 = 14;
const L4 = 34;

const frameArb = fc.record({
  src: u32,
  dst: u32,
  ttl: fc.integer({ min: 0, max: 255 }),
  tos: fc.integer({ min: 0, max: 255 }),
  id: u16,
  sport: u16,
  dport: u16.filter((p) => p !== 4789 && p !== 6081),
  tcp: fc.boolean(),
  payload: bytesArb(30),
});

/** One rewrite: which field, and the new value. */
const mutation = fc.oneof(
  fc.record({ field: fc.constant('ipSrc' as const), v: u32 }),
  fc.record({ field: fc.constant('ipDst' as const), v: u32 }),
  fc.record({ field: fc.constant('ttl' as const), v: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ field: fc.constant('tos' as const), v: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ field: fc.constant('sport' as const), v: u16 }),
  fc.record({ field: fc.constant('dport' as const), v: u16 }),
);

test('incremental IPv4 + L4 checksum update equals full recompute', () => {
  fc.assert(
    fc.property(frameArb, fc.array(mutation, { minLength: 1, maxLength: 8 }), (r, muts) => {
      const f = buildFrame({
        ipv4: { src: r.src, dst: r.dst, ttl: r.ttl, tos: r.tos, id: r.id },
        ...(r.tcp ? { tcp: { src: r.sport, dst: r.dport } } : { udp: { src: r.sport, dst: r.dport } }),
        payload: r.payload,
      });
      const csOfs = L4 + (r.tcp ? 16 : 6);
      for (const m of muts) {
        let ipc = get16(f, L3 + 10);
        let l4c = get16(f, csOfs);
        switch (m.field) {
          case 'ipSrc':
          case 'ipDst': {
            const at = L3 + (m.field === 'ipSrc' ? 12 : 16);
            const old = get32(f, at);
            put32(f, at, m.v);
            ipc = csumUpdate32(ipc, old, m.v);
            l4c = csumUpdate32(l4c, old, m.v);
            break;
          }
          case 'ttl':
          case 'tos': {
            // TTL shares a word with the protocol, TOS with version/IHL.
            const at = m.field === 'ttl' ? L3 + 8 : L3;
            const old = get16(f, at);
            const nw = m.field === 'ttl' ? (m.v << 8) | (old & 0xff) : (old & 0xff00) | m.v;
            put16(f, at, nw);
            ipc = csumUpdate16(ipc, old, nw);
            break;
          }
          case 'sport':
          case 'dport': {
            const at = L4 + (m.field === 'sport' ? 0 : 2);
            const old = get16(f, at);
            put16(f, at, m.v);
            l4c = csumUpdate16(l4c, old, m.v);
            break;
          }
        }
        put16(f, L3 + 10, ipc);
        put16(f, csOfs, l4c);
        assert.equal(ipc, ipv4HeaderChecksum(f, L3));
        const len = f.length - L4;
        const full = l4Checksum(f, L4, len, csOfs - L4, pseudoHeaderSum(f, L3 + 12, L3 + 16, 4, r.tcp ? 6 : 17, len));
        // UDP transmits a computed 0 as 0xffff; both are the same one's-complement value.
        if (!r.tcp && full === 0) assert.ok(l4c === 0 || l4c === 0xffff);
        else assert.equal(l4c, full);
      }
      assert.deepEqual(verifyChecksums(f).problems, []);
    }),
    { seed: SEED, numRuns: 2000 },
  );
});
