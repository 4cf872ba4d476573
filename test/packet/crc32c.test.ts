// CRC32c known answers (RFC 3720 appendix B.4 and the common "123456789" check value).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c, crc32cUpdate } from '../../src/packet/crc32c.js';

test('CRC32c check values', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
});

test('CRC32c over a sub-range and in pieces', () => {
  const b = new TextEncoder().encode('xx123456789yy');
  assert.equal(crc32c(b, 2, 9), 0xe3069283);
  const c = crc32cUpdate(crc32cUpdate(0xffffffff, b, 2, 4), b, 6, 5);
  assert.equal(~c >>> 0, 0xe3069283);
});
