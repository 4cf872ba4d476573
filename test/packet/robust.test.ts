// parseFrame never throws: random bytes, random bytes behind plausible headers, every
// truncation of valid frames (which must report an error when L3 data is cut), and
// random corruption of valid frames. verifyChecksums must not throw either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildFrame } from '../../src/packet/build.js';
import { parseFrame } from '../../src/packet/parse.js';
import type { ParsedFrame } from '../../src/packet/parse.js';
import { verifyChecksums } from '../../src/packet/verify.js';
import { frameSpec } from './gen.js';

const SEED = 424242;

function noInternal(p: ParsedFrame): void {
  for (const e of p.errors) assert.ok(!e.startsWith('internal'), e);
  const inner = p.udp?.vxlan?.inner ?? p.udp?.geneve?.inner;
  if (inner) noInternal(inner);
}

function parseSafely(b: Uint8Array): ParsedFrame {
  const p = parseFrame(b);
  noInternal(p);
  verifyChecksums(b);
  return p;
}

test('parseFrame never throws on random bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      parseSafely(b);
    }),
    { seed: SEED, numRuns: 3000 },
  );
});

test('parseFrame never throws on random bytes behind plausible headers', () => {
  const types = [0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8, 0x8847, 0x0030];
  const protos = [6, 17, 132, 1, 58, 0, 43, 44, 60, 51];
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 14, maxLength: 200 }),
      fc.constantFrom(...types),
      fc.constantFrom(...protos),
      fc.constantFrom(4789, 6081, 53),
      (b, type, proto, port) => {
        b[12] = type >>> 8;
        b[13] = type & 0xff;
        if (b.length > 34) {
          if (type === 0x0800) {
            b[14] = 0x45;
            b[23] = proto;
            b[16] = 0;
            b[17] = Math.min(255, b.length - 14);
            b[20] = 0;
            b[21] = 0;
            if (proto === 17 && b.length > 38) {
              b[36] = port >>> 8;
              b[37] = port & 0xff;
            }
          } else if (type === 0x86dd && b.length > 54) {
            b[14] = 0x60;
            b[20] = proto;
            b[18] = 0;
            b[19] = Math.min(255, b.length - 54);
          }
        }
        parseSafely(b);
      },
    ),
    { seed: SEED, numRuns: 3000 },
  );
});

test('every truncation of valid frames parses without throwing and reports cut L3 data', () => {
  fc.assert(
    fc.property(frameSpec, (s) => {
      const f = buildFrame(s);
      const full = parseFrame(f);
      for (let n = 0; n < f.length; n++) {
        const p = parseSafely(f.subarray(0, n));
        if (n < 14) assert.ok(p.errors.length > 0, `no error at length ${n}`);
        if (full.offsets.l3End >= 0 && n < full.offsets.l3End) {
          assert.ok(p.errors.length > 0, `no error for ${n} of ${full.offsets.l3End} L3 bytes`);
        }
      }
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('random corruption of valid frames (incl. tunnels) never throws', () => {
  fc.assert(
    fc.property(
      frameSpec,
      fc.boolean(),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      (s, tunnel, flips) => {
        let f = buildFrame(s);
        if (tunnel) f = buildFrame({ ipv4: {}, udp: { geneve: { vni: 1, options: [{ cls: 1, type: 2, data: [1] }] } }, payload: f });
        for (const [pos, val] of flips) f[pos % f.length] = val;
        parseSafely(f);
      },
    ),
    { seed: SEED, numRuns: 1500 },
  );
});
