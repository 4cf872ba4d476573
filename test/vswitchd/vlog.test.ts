/*
 * vlog: OVS line format (console without, file with milliseconds), sequence numbers,
 * per-module and per-destination levels, vlog/set specs and errors, the vlog/list table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Vlog, formatTimestamp } from '../../src/vswitchd/vlog.js';

const T0 = Date.UTC(2026, 10, 24, 23, 20, 0, 123);

function setup(): { vlog: Vlog; lines: string[] } {
  const lines: string[] = [];
  const vlog = new Vlog({ console: (l) => lines.push(l), now: () => T0 });
  return { vlog, lines };
}

test('timestamps as OVS prints them', () => {
  assert.equal(formatTimestamp(new Date(T0), true), '2026-11-24T23:20:00.123Z');
  assert.equal(formatTimestamp(new Date(T0), false), '2026-11-24T23:20:00Z');
  assert.equal(formatTimestamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), true), '2026-01-02T03:04:05.006Z');
});

test('console and file lines, sequence numbers, default level info', () => {
  const { vlog, lines } = setup();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-vlog-'));
  const file = path.join(dir, 'x.log');
  vlog.setLogFile(file);
  const bridge = vlog.module('bridge');
  bridge.info('added interface p1 on port 1');
  bridge.dbg('not shown');
  bridge.warn('careful');
  assert.deepEqual(lines, [
    '2026-11-24T23:20:00Z|00001|bridge|INFO|added interface p1 on port 1\n',
    '2026-11-24T23:20:00Z|00002|bridge|WARN|careful\n',
  ]);
  vlog.closeFile();
  assert.equal(
    fs.readFileSync(file, 'utf8'),
    '2026-11-24T23:20:00.123Z|00001|bridge|INFO|added interface p1 on port 1\n2026-11-24T23:20:00.123Z|00002|bridge|WARN|careful\n',
  );
});

test('vlog/set specs: module, destination and level in any order, ANY, default dbg', () => {
  const { vlog, lines } = setup();
  const a = vlog.module('bridge');
  const b = vlog.module('ofproto');
  assert.equal(vlog.setFromString('bridge:console:dbg'), null);
  a.dbg('a');
  b.dbg('b');
  assert.equal(lines.length, 1);
  assert.equal(vlog.setFromString('dbg:ofproto'), null);
  b.dbg('b2');
  assert.equal(lines.length, 2);
  assert.equal(vlog.setFromString('ANY:console:off'), null);
  a.emer('x');
  assert.equal(lines.length, 2);
  assert.equal(vlog.setFromString('console:warn'), null);
  a.warn('w');
  a.info('i');
  assert.equal(lines.length, 3);
  // A module created after "all modules" changes gets the new levels too.
  vlog.module('late').info('hidden');
  assert.equal(lines.length, 3);
  assert.equal(vlog.setFromString('ANY:dbg'), null);
  assert.deepEqual(a.levels, ['dbg', 'dbg', 'dbg']);
});

test('vlog/set errors', () => {
  const { vlog } = setup();
  vlog.module('bridge');
  assert.equal(vlog.setFromString('nosuch'), 'no destination, level, or module "nosuch"');
  assert.equal(vlog.setFromString('console:file'), 'cannot specify multiple destinations');
  assert.equal(vlog.setFromString('info:dbg'), 'cannot specify multiple levels');
  assert.equal(vlog.setFromString('bridge bridge'), 'cannot specify multiple modules');
});

test('vlog/list in OVS table shape, modules sorted', () => {
  const { vlog } = setup();
  vlog.module('vswitchd');
  vlog.module('bridge');
  vlog.setFromString('bridge:file:dbg');
  vlog.setFromString('vswitchd:console:off');
  assert.equal(
    vlog.listLevels(),
    '                 console    syslog    file\n' +
      '                 -------    ------    ------\n' +
      'bridge            INFO       INFO        DBG\n' +
      'vswitchd           OFF       INFO       INFO\n',
  );
});
