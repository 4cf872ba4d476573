/*
 * Userspace-action userdata: controller cookies round-trip (property), malformed bytes are
 * rejected, and the text matches OVS's format_odp_userspace_action.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeControllerUserdata,
  decodeSlowPathUserdata,
  encodeControllerUserdata,
  encodeSlowPathUserdata,
  formatUserdata,
  type ControllerCookie,
} from '../../src/ofproto/xlate/userdata.js';
import { SLOW_ACTION, SLOW_MATCH } from '../../src/ofproto/xlate/commit.js';

const cookieArb: fc.Arbitrary<ControllerCookie> = fc.record({
  reason: fc.integer({ min: 0, max: 7 }),
  dontSend: fc.boolean(),
  continuation: fc.boolean(),
  recircId: fc.integer({ min: 0, max: 0xffffffff }),
  ruleCookie: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  controllerId: fc.integer({ min: 0, max: 0xffff }),
  maxLen: fc.integer({ min: 0, max: 0xffff }),
  tableId: fc.integer({ min: 0, max: 254 }),
  bridge: fc.string({ minLength: 1, maxLength: 15 }),
  inPort: fc.integer({ min: 0, max: 0xffff }),
  metadata: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  regs: fc.uint32Array({ minLength: 16, maxLength: 16 }),
  userdata: fc.uint8Array({ maxLength: 20 }),
});

test('property: controller userdata round-trips', () => {
  fc.assert(
    fc.property(cookieArb, (c) => {
      const d = decodeControllerUserdata(encodeControllerUserdata(c))!;
      assert.deepEqual({ ...d, regs: [...d.regs], userdata: [...d.userdata] }, { ...c, regs: [...c.regs], userdata: [...c.userdata] });
    }),
    { seed: 5, numRuns: 300 },
  );
});

test('malformed userdata is rejected, never thrown on', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
      decodeControllerUserdata(b);
      decodeSlowPathUserdata(b);
      formatUserdata(b);
    }),
    { seed: 6, numRuns: 500 },
  );
  const good = encodeControllerUserdata({
    reason: 1, dontSend: false, continuation: false, recircId: 0, ruleCookie: 0n, controllerId: 0, maxLen: 65535,
    tableId: 0, bridge: 'br0', inPort: 1, metadata: 0n, regs: new Uint32Array(16), userdata: new Uint8Array(0),
  });
  assert.equal(decodeControllerUserdata(good.subarray(0, good.length - 1)), null, 'truncated');
  assert.equal(decodeControllerUserdata(null), null);
});

test('text forms follow OVS', () => {
  const u = encodeControllerUserdata({
    reason: 2, dontSend: false, continuation: true, recircId: 7, ruleCookie: 0xabcn, controllerId: 3, maxLen: 128,
    tableId: 1, bridge: 'br0', inPort: 1, metadata: 0n, regs: new Uint32Array(16), userdata: new Uint8Array(0),
  });
  assert.equal(formatUserdata(u), ',controller(reason=2,dont_send=0,continuation=1,recirc_id=7,rule_cookie=0xabc,controller_id=3,max_len=128)');
  assert.equal(formatUserdata(encodeSlowPathUserdata(SLOW_ACTION)), ',slow_path(action)');
  assert.equal(formatUserdata(encodeSlowPathUserdata(SLOW_ACTION | SLOW_MATCH)), ',slow_path(action,match)');
  assert.equal(decodeSlowPathUserdata(encodeSlowPathUserdata(SLOW_ACTION)), SLOW_ACTION);
  assert.equal(formatUserdata(new Uint8Array([1, 2, 3])), null);
});
