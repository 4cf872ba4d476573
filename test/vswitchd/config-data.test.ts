/*
 * Column values: OVS's text forms (quoting, sets, maps, ranges), parse errors and constraint
 * messages as ovs-vsctl prints them, and set algebra.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DataError,
  atomToString,
  datumFromString,
  datumSubtract,
  datumToBare,
  datumToString,
  datumUnion,
  fromDatum,
  stringNeedsQuotes,
  toDatum,
} from '../../src/vswitchd/config-data.js';
import { tableDef, type ColumnType } from '../../src/vswitchd/config-schema.js';

const col = (t: 'Bridge' | 'Port' | 'Interface' | 'Controller' | 'Open_vSwitch', c: string): ColumnType =>
  tableDef(t).byName.get(c)!.type;

const TRUNKS = col('Port', 'trunks');
const TAG = col('Port', 'tag');
const OPTIONS = col('Interface', 'options');
const NAME = col('Bridge', 'name');
const FAIL_MODE = col('Bridge', 'fail_mode');
const IS_CONNECTED = col('Controller', 'is_connected');

test('strings are quoted exactly when OVS quotes them', () => {
  for (const s of ['br0', 'p1', 'internal', 'mac-aging-time', 'a.b_c', '_x']) assert.equal(stringNeedsQuotes(s), false, s);
  for (const s of ['', '1.2.3.4', '60', 'tcp:1.2.3.4:6653', 'a b', 'true', 'false', '3f1e0a4c-0000-4000-8000-000000000001']) {
    assert.equal(stringNeedsQuotes(s), true, s);
  }
  assert.equal(atomToString('tcp:127.0.0.1:6653', { type: 'string' }), '"tcp:127.0.0.1:6653"');
  assert.equal(atomToString('a"b\n', { type: 'string' }), '"a\\"b\\n"');
});

test('sets, optional values and maps print as ovs-vsctl prints them', () => {
  assert.equal(datumToString(toDatum([20, 10], TRUNKS), TRUNKS), '[10, 20]');
  assert.equal(datumToString(toDatum([], TRUNKS), TRUNKS), '[]');
  assert.equal(datumToString(toDatum([10], TAG), TAG), '10');
  assert.equal(datumToString(toDatum([], TAG), TAG), '[]');
  assert.equal(datumToString(toDatum({ remote_ip: '1.2.3.4', key: 'flow' }, OPTIONS), OPTIONS), '{key=flow, remote_ip="1.2.3.4"}');
  assert.equal(datumToString(toDatum({}, OPTIONS), OPTIONS), '{}');
  assert.equal(datumToString(toDatum('br0', NAME), NAME), 'br0');
  assert.equal(datumToString(toDatum(false, IS_CONNECTED), IS_CONNECTED), 'false');
  assert.equal(datumToBare(toDatum({ a: 'x y' }, OPTIONS), OPTIONS), 'a=x y');
  assert.equal(datumToBare(toDatum([1, 2], TRUNKS), TRUNKS), '1 2');
});

test('values parse from every form ovs-vsctl accepts', () => {
  assert.deepEqual(datumFromString('10,20', TRUNKS).keys, [10, 20]);
  assert.deepEqual(datumFromString('[20, 10]', TRUNKS).keys, [10, 20]);
  assert.deepEqual(datumFromString('10 20', TRUNKS).keys, [10, 20]);
  assert.deepEqual(datumFromString('[]', TRUNKS).keys, []);
  assert.deepEqual(datumFromString('1-4,9', TRUNKS).keys, [1, 2, 3, 4, 9]);
  assert.deepEqual(datumFromString('10', TAG).keys, [10]);
  assert.deepEqual(datumFromString('[]', TAG).keys, []);
  const m = datumFromString('{remote_ip="1.2.3.4", key=flow}', OPTIONS);
  assert.deepEqual(fromDatum(m, OPTIONS), { key: 'flow', remote_ip: '1.2.3.4' });
  assert.deepEqual(fromDatum(datumFromString('a=b c=d', OPTIONS), OPTIONS), { a: 'b', c: 'd' });
  assert.deepEqual(datumFromString('"quoted, with comma"', NAME).keys, ['quoted, with comma']);
  assert.deepEqual(datumFromString('secure', FAIL_MODE).keys, ['secure']);
  assert.deepEqual(datumFromString('yes', IS_CONNECTED).keys, [true]);
});

test('bad values are refused with OVS messages', () => {
  const err = (s: string, t: ColumnType): string => {
    try {
      datumFromString(s, t);
    } catch (e) {
      assert.ok(e instanceof DataError);
      return e.message;
    }
    assert.fail(`${s} parsed`);
  };
  assert.equal(err('abc', TAG), '"abc" is not a valid integer or range');
  assert.equal(err('5000', TAG), 'constraint violation: 5000 is not in the valid range 0 to 4095 (inclusive)');
  assert.equal(err('bogus', FAIL_MODE), 'constraint violation: bogus is not one of the allowed values ([secure, standalone])');
  assert.equal(err('', TRUNKS), 'use "[]" to specify the empty set');
  assert.equal(err('', OPTIONS), 'use "{}" to specify the empty map');
  assert.equal(err('1,2', TAG), '1,2: 2 value(s) specified but the maximum number is 1');
  assert.equal(err('[1,2', TRUNKS), '[1,2: missing "]" at end of data');
  assert.equal(err('[1] x', TRUNKS), '[1] x: trailing garbage after "]"');
  assert.equal(err('1,1', TRUNKS), '1,1: set contains duplicate value');
  assert.equal(err('a=1,a=2', OPTIONS), 'a=1,a=2: map contains duplicate key');
  assert.equal(err('a', OPTIONS), 'a: syntax error at "" expecting "="');
  assert.equal(err('maybe', IS_CONNECTED), '"maybe" is not a valid boolean (use "true" or "false")');
  assert.equal(err('"abc', NAME), '"abc: quoted string extends past end of argument');
  assert.equal(err('5-1', TRUNKS), '"5-1" is not a valid range. Range end cannot be before start.');
});

test('union keeps existing map keys, subtract removes keys or exact pairs', () => {
  const a = toDatum({ x: '1', y: '2' }, OPTIONS);
  assert.deepEqual(fromDatum(datumUnion(toDatum({ x: '9' }, OPTIONS), a), OPTIONS), { x: '9', y: '2' });
  assert.deepEqual(fromDatum(datumSubtract(a, { keys: ['x'], values: null }), OPTIONS), { y: '2' });
  assert.deepEqual(fromDatum(datumSubtract(a, { keys: ['x'], values: ['5'] }), OPTIONS), { x: '1', y: '2' });
  assert.deepEqual(fromDatum(datumSubtract(a, { keys: ['x'], values: ['1'] }), OPTIONS), { y: '2' });
});

test('text form round-trips (sets of integers and string maps)', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 4095 }), { maxLength: 20 }), (xs) => {
      const d = toDatum(xs, TRUNKS);
      assert.deepEqual(datumFromString(datumToString(d, TRUNKS), TRUNKS), d);
    }),
    { seed: 11, numRuns: 200 },
  );
  fc.assert(
    fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 6 }), (m) => {
      const d = toDatum(m, OPTIONS);
      assert.deepEqual(datumFromString(datumToString(d, OPTIONS), OPTIONS), d);
    }),
    { seed: 12, numRuns: 300 },
  );
});
