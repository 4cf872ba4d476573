// hexToBytes / bytesToHex.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, hexToBytes } from '../../src/packet/hex.js';

test('hexToBytes accepts spaces, newlines, separators and 0x', () => {
  assert.deepEqual(Array.from(hexToBytes('00 1b\n21 ff')), [0x00, 0x1b, 0x21, 0xff]);
  assert.deepEqual(Array.from(hexToBytes('0x001B21FF')), [0x00, 0x1b, 0x21, 0xff]);
  assert.deepEqual(Array.from(hexToBytes('0x00 0x1b 0xff')), [0x00, 0x1b, 0xff]);
  assert.deepEqual(Array.from(hexToBytes('aa:bb-cc')), [0xaa, 0xbb, 0xcc]);
  assert.equal(hexToBytes('').length, 0);
});

test('hexToBytes rejects odd length and bad digits', () => {
  assert.throws(() => hexToBytes('abc'), /odd/);
  assert.throws(() => hexToBytes('zz'), /non-hex/);
});

test('bytesToHex round trips', () => {
  const b = Uint8Array.from([0, 1, 0x7f, 0x80, 0xff]);
  assert.equal(bytesToHex(b), '00017f80ff');
  assert.equal(bytesToHex(b, ' '), '00 01 7f 80 ff');
  assert.deepEqual(hexToBytes(bytesToHex(b, ' ')), b);
});
