/*
 * Timeout option values (-t/-T) as OVS's tools read them (str_to_uint, base 10): leading white
 * space and a sign are allowed, 1 to UINT_MAX; anything else is "value V on NAME is invalid".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError, parseSeconds } from '../../src/cli/cli-util.js';

test('timeouts OVS accepts', () => {
  for (const [v, n] of [['5', 5], ['+5', 5], [' 5', 5], ['\t7', 7], ['007', 7], ['2147483648', 2147483648], ['4294967295', 4294967295]] as const) {
    assert.equal(parseSeconds('-t or --timeout', v), n, JSON.stringify(v));
  }
});

test('timeouts OVS refuses, with its message', () => {
  for (const v of ['0', '+0', '-0', '-1', '4294967296', '5x', 'x', '', '5 ', '0x10', '1.5']) {
    assert.throws(
      () => parseSeconds('-t or --timeout', v),
      (e: unknown) => e instanceof CliError && e.message === `value ${v} on -t or --timeout is invalid`,
      JSON.stringify(v),
    );
  }
});
