/*
 * The configuration store on disk: creation, reopening, refusal of corrupt or unreadable
 * files (left untouched), atomic writes acknowledged only once durable, serialised
 * transactions, change listeners, the lock file, and a writer SIGKILLed mid-change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, ConfigStore } from '../../src/vswitchd/config-store.js';
import { rootRow, type ConfigOp } from '../../src/vswitchd/config-doc.js';
import { validateDoc } from '../../src/vswitchd/config-txn.js';

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-store-'));
}

function setOther(store: ConfigStore, key: string, value: string): ConfigOp[] {
  const root = rootRow(store.snapshot());
  return [{ op: 'update', table: 'Open_vSwitch', uuid: root.uuid, row: { other_config: { ...(root.row.other_config as object), [key]: value } } }];
}

async function openError(file: string): Promise<string> {
  try {
    const s = await ConfigStore.open(file);
    await s.close();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message;
  }
  assert.fail('opened');
}

test('creates a new file, persists every change, reopens with it', async () => {
  const dir = tmpdir();
  const file = path.join(dir, 'sub', 'conf.json');
  const s = await ConfigStore.open(file);
  assert.ok(fs.existsSync(file));
  assert.ok(fs.existsSync(`${file}.lock`));
  const seen: number[] = [];
  s.onChange((c) => seen.push(c.doc.generation));
  const r = await s.transact(setOther(s, 'a', '1'));
  assert.equal(r.changed, true);
  // Acknowledged means on disk.
  const onDisk = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(onDisk.generation, r.generation);
  assert.deepEqual(rootRow(onDisk).row.other_config, { a: '1' });
  assert.deepEqual(seen, [r.generation]);
  // No temporary files left behind.
  assert.deepEqual(fs.readdirSync(path.dirname(file)).sort(), ['conf.json', 'conf.json.lock']);
  await s.close();
  assert.ok(!fs.existsSync(`${file}.lock`));
  const s2 = await ConfigStore.open(file);
  assert.deepEqual(rootRow(s2.snapshot()).row.other_config, { a: '1' });
  assert.equal(s2.generation, r.generation);
  await s2.close();
});

test('corrupt, invalid and unreadable files are refused and left intact', async () => {
  const dir = tmpdir();
  const cases: Array<[string, string | null, RegExp]> = [
    ['garbage.json', '{"format": "tsovs-config", "version": 1, ', /not valid JSON/],
    ['empty.json', '', /not valid JSON/],
    ['wrong.json', JSON.stringify({ format: 'tsovs-config', version: 1, generation: 0, tables: { Bridge: { x: {} } } }), /invalid configuration/],
    [
      'dangling.json',
      JSON.stringify({
        format: 'tsovs-config',
        version: 1,
        generation: 3,
        tables: { Open_vSwitch: { '00000000-0000-4000-8000-000000000001': { bridges: ['00000000-0000-4000-8000-000000000002'] } } },
      }),
      /nonexistent row/,
    ],
    ['adir.json', null, /cannot read configuration \(Is a directory\)/],
  ];
  for (const [name, content, re] of cases) {
    const file = path.join(dir, name);
    if (content === null) fs.mkdirSync(file);
    else fs.writeFileSync(file, content);
    const msg = await openError(file);
    assert.match(msg, re, name);
    assert.ok(!msg.includes('\n'));
    if (content !== null) assert.equal(fs.readFileSync(file, 'utf8'), content, `${name} was modified`);
    assert.ok(!fs.existsSync(`${file}.lock`), `${name} lock left behind`);
  }
});

test('create: false refuses a missing file', async () => {
  const dir = tmpdir();
  await assert.rejects(ConfigStore.open(path.join(dir, 'none.json'), { create: false }), /No such file or directory/);
});

test('a second opener is locked out; a dead owner\'s lock is taken over', async () => {
  const dir = tmpdir();
  const file = path.join(dir, 'conf.json');
  const s = await ConfigStore.open(file);
  fs.writeFileSync(`${file}.lock`, '1\n'); // pid 1 is alive
  await assert.rejects(ConfigStore.open(file), /locked by process 1/);
  await s.close();
  fs.writeFileSync(`${file}.lock`, '999999999\n');
  const s2 = await ConfigStore.open(file);
  assert.equal(fs.readFileSync(`${file}.lock`, 'utf8').trim(), String(process.pid));
  await s2.close();
});

test('transactions run one at a time; a stale check conflicts', async () => {
  const dir = tmpdir();
  const s = await ConfigStore.open(path.join(dir, 'conf.json'));
  const g = s.generation;
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) => s.transact([{ op: 'check', generation: g }, ...setOther(s, `k${i}`, 'v')])),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results) if (r.status === 'rejected') assert.match(String(r.reason), /conflict/);
  // Without checks all ten commit, one after the other, in call order.
  const root = rootRow(s.snapshot()).uuid;
  const start = s.generation;
  const all = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      s.transact([{ op: 'update', table: 'Open_vSwitch', uuid: root, row: { other_config: { n: String(i) } } }]),
    ),
  );
  assert.deepEqual(
    all.map((r) => r.generation),
    Array.from({ length: 10 }, (_, i) => start + i + 1),
  );
  assert.deepEqual(rootRow(s.snapshot()).row.other_config, { n: '9' });
  await s.close();
});

test('a failed transaction changes nothing, in memory or on disk', async () => {
  const dir = tmpdir();
  const file = path.join(dir, 'conf.json');
  const s = await ConfigStore.open(file);
  await s.transact(setOther(s, 'a', '1'));
  const before = fs.readFileSync(file, 'utf8');
  const gen = s.generation;
  await assert.rejects(s.transact([...setOther(s, 'b', '2'), { op: 'delete', table: 'Bridge', uuid: '00000000-0000-4000-8000-00000000dead' }]));
  assert.equal(s.generation, gen);
  assert.equal(fs.readFileSync(file, 'utf8'), before);
  assert.ok(Object.isFrozen(s.snapshot()));
  await s.close();
});

test('a writer killed with SIGKILL mid-change leaves the old or the new configuration', async () => {
  const child = fileURLToPath(new URL('./store-writer-child.js', import.meta.url));
  for (let round = 0; round < 3; round++) {
    const dir = tmpdir();
    const file = path.join(dir, 'conf.json');
    const proc = spawn(process.execPath, [child, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acked = 0;
    let buf = '';
    const killAfter = 20 + round * 37;
    await new Promise<void>((resolve) => {
      proc.stdout.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) acked = Math.max(acked, Number(l));
        if (acked >= killAfter && !proc.killed) {
          proc.kill('SIGKILL');
          resolve();
        }
      });
    });
    // 'close', not 'exit': the acks the writer printed before the signal landed are read too
    // (it may have committed more while this process was slow to kill it).
    await new Promise((r) => proc.once('close', r));
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(validateDoc(doc), null);
    // Everything acknowledged is there; at most the change in flight was added.
    assert.ok(doc.generation >= acked && doc.generation <= acked + 1, `generation ${doc.generation}, acked ${acked}`);
    // The stale lock of the dead writer does not block the next opener.
    const s = await ConfigStore.open(file);
    assert.equal(s.generation, doc.generation);
    await s.close();
  }
});
