/*
 * Round trips of the OpenFlow codec on random inputs (fast-check, fixed seeds): matches in
 * each wire format, action lists and instructions in each version, and messages of every
 * type in OpenFlow 1.0, 1.3, 1.4 and 1.5: decode(encode(x)) equals x, and encoding what was
 * decoded gives the same bytes again.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { matchEquals } from '../../src/flow/match.js';
import { Reader, Writer } from '../../src/openflow/codec/bytes.js';
import { pullOfp10Match, putOfp10Match } from '../../src/openflow/codec/match-of10.js';
import { getFieldBytes, pullNxMatch, pullOxmMatch, putNxMatch, putOxmMatch } from '../../src/openflow/codec/match-oxm.js';
import { FLOW_WORDS } from '../../src/flow/layout.js';
import { MF_FIELDS, mfGetValue } from '../../src/flow/meta-flow.js';
import {
  decodeActionsBytes,
  decodeMessage,
  encodeActionsBytes,
  encodeMessage,
  isDecodeError,
  OF_TYPE_NAMES,
} from '../../src/openflow/codec/index.js';
import { arbActions, arbInstructions, arbMatch, arbMessage } from './codec-gen.js';

const VERSIONS = [1, 4, 5, 6] as const;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('matches', () => {
  test('getFieldBytes equals mfGetValue for every field (seeded)', () => {
    fc.assert(fc.property(fc.uint32Array({ minLength: FLOW_WORDS, maxLength: FLOW_WORDS }), (words) => {
      for (const f of MF_FIELDS) assert.deepEqual(getFieldBytes(f, words), mfGetValue(f, words), f.name);
    }), { seed: 1000, numRuns: 200 });
  });

  test('ofp10_match round trip (seeded)', () => {
    fc.assert(fc.property(arbMatch('of10'), (m) => {
      const w = new Writer();
      putOfp10Match(w, m);
      assert.equal(w.len, 40);
      const back = pullOfp10Match(new Reader(w.finish()));
      assert.ok(matchEquals(back, m));
    }), { seed: 1001, numRuns: 400 });
  });

  test('NXM round trip with cookie (seeded)', () => {
    fc.assert(fc.property(arbMatch('nxm'), fc.bigInt(0n, (1n << 64n) - 1n), fc.bigInt(0n, (1n << 64n) - 1n), (m, ck, mask) => {
      const w = new Writer();
      const len = putNxMatch(w, m, ck & mask, mask);
      assert.equal(w.len % 8, 0);
      const r = pullNxMatch(new Reader(w.finish()), len, true, true);
      assert.ok(matchEquals(r.match, m));
      assert.equal(r.cookieMask, mask);
      assert.equal(r.cookie, ck & mask);
    }), { seed: 1002, numRuns: 400 });
  });

  for (const v of [4, 5, 6]) {
    test(`OXM round trip in version ${v} (seeded)`, () => {
      fc.assert(fc.property(arbMatch('oxm'), (m) => {
        const w = new Writer();
        putOxmMatch(w, m, v);
        assert.equal(w.len % 8, 0);
        assert.ok(matchEquals(pullOxmMatch(new Reader(w.finish()), true), m));
      }), { seed: 1003 + v, numRuns: 400 });
    });
  }
});

describe('actions', () => {
  for (const v of VERSIONS) {
    test(`action lists round trip in version ${v} (seeded)`, () => {
      fc.assert(fc.property(arbActions(v), (acts) => {
        const bytes = encodeActionsBytes(acts, v);
        assert.equal(bytes.length % 8, 0);
        const r = decodeActionsBytes(bytes, v);
        assert.ok(r.ok, r.ok ? '' : r.error);
        assert.deepEqual(r.actions, acts);
        assert.equal(hex(encodeActionsBytes(r.actions, v)), hex(bytes));
      }), { seed: 2000 + v, numRuns: 300 });
    });
    test(`instructions round trip in version ${v} (seeded)`, () => {
      fc.assert(fc.property(arbInstructions(v), (acts) => {
        const bytes = encodeActionsBytes(acts, v, true);
        const r = decodeActionsBytes(bytes, v, true);
        assert.ok(r.ok, r.ok ? '' : r.error);
        assert.deepEqual(r.actions, acts);
        assert.equal(hex(encodeActionsBytes(r.actions, v, true)), hex(bytes));
      }), { seed: 2100 + v, numRuns: 300 });
    });
  }
});

describe('messages', () => {
  for (const v of VERSIONS) {
    test(`every message type round trips in version ${v} (seeded)`, () => {
      const seen = new Set<number>();
      fc.assert(fc.property(arbMessage(v), (m) => {
        seen.add(m.type);
        const bytes = encodeMessage(m, v);
        assert.equal(bytes[0], v);
        assert.equal((bytes[2]! << 8) | bytes[3]!, bytes.length);
        const d = decodeMessage(bytes, { version: v });
        assert.ok(!isDecodeError(d), isDecodeError(d) ? `${OF_TYPE_NAMES[m.type]}: ${d.error} ${d.detail}` : '');
        assert.deepEqual(d, m, OF_TYPE_NAMES[m.type]);
        assert.equal(hex(encodeMessage(d, v)), hex(bytes));
      }), { seed: 3000 + v, numRuns: 1500 });
      assert.ok(seen.size >= 30, `only ${seen.size} message types generated`);
    });
  }
});
