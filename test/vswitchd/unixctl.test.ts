/*
 * The control socket: JSON-RPC round trips, OVS error texts for unknown commands and argument
 * counts, handler errors, pipelined and fragmented requests, concurrent clients, client errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { UnixctlServer, UnixctlError, unixctlTransact, UnixctlClientError } from '../../src/vswitchd/unixctl.js';
import { JsonSplitter, JsonStreamError } from '../../src/vswitchd/json-stream.js';

async function server(): Promise<UnixctlServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-ux-'));
  const s = await UnixctlServer.listen(path.join(dir, 'x.ctl'), { version: 'tsovs-test (tsovs) 9.9' });
  s.register('echo/args', 'ARG...', 0, 3, (args) => args.join('|'));
  s.register('fail', '', 0, 0, () => {
    throw new UnixctlError('it failed');
  });
  s.register('slow', 'MS', 1, 1, async ([ms]) => {
    await new Promise((r) => setTimeout(r, Number(ms)));
    return `slept ${ms}`;
  });
  return s;
}

test('round trips: result, built-ins, errors as OVS words them', async () => {
  const s = await server();
  try {
    assert.deepEqual(await unixctlTransact(s.path, 'echo/args', ['a', 'b c']), { result: 'a|b c', error: null });
    assert.deepEqual(await unixctlTransact(s.path, 'version', []), { result: 'tsovs-test (tsovs) 9.9\n', error: null });
    const list = (await unixctlTransact(s.path, 'list-commands', [])).result!;
    assert.match(list, /^The available commands are:\n/);
    assert.match(list, /\n {2}echo\/args {15}ARG\.\.\.\n/);
    assert.deepEqual(await unixctlTransact(s.path, 'nope', []), {
      result: null,
      error: '"nope" is not a valid command (use "list-commands" to see a list of valid commands)',
    });
    assert.equal((await unixctlTransact(s.path, 'echo/args', ['1', '2', '3', '4'])).error, '"echo/args" command takes at most 3 arguments');
    assert.equal((await unixctlTransact(s.path, 'slow', [])).error, '"slow" command requires at least 1 arguments');
    assert.equal((await unixctlTransact(s.path, 'fail', [])).error, 'it failed');
  } finally {
    await s.close();
  }
  assert.ok(!fs.existsSync(s.path));
});

test('raw JSON-RPC: pipelined, fragmented, non-string params, replies keep ids', async () => {
  const s = await server();
  try {
    const sock = net.createConnection(s.path);
    await new Promise((r) => sock.once('connect', r));
    const text =
      JSON.stringify({ id: 'a', method: 'slow', params: ['30'] }) +
      '\n' +
      JSON.stringify({ id: 7, method: 'echo/args', params: ['}{"'] }) +
      JSON.stringify({ id: 8, method: 'echo/args', params: [1] });
    for (const ch of text) sock.write(ch);
    const splitter = new JsonSplitter();
    const replies: unknown[] = [];
    await new Promise<void>((resolve) => {
      sock.on('data', (d) => {
        replies.push(...splitter.push(d.toString()));
        if (replies.length === 3) resolve();
      });
    });
    sock.destroy();
    assert.deepEqual(replies, [
      { id: 'a', result: 'slept 30', error: null },
      { id: 7, result: '}{"', error: null },
      { id: 8, result: null, error: '"echo/args" command has non-string argument' },
    ]);
  } finally {
    await s.close();
  }
});

test('concurrent clients are all answered', async () => {
  const s = await server();
  try {
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => unixctlTransact(s.path, 'echo/args', [String(i)])));
    assert.deepEqual(
      replies.map((r) => r.result),
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
  } finally {
    await s.close();
  }
});

test('client errors carry the errno name; timeouts expire', async () => {
  const s = await server();
  try {
    await assert.rejects(unixctlTransact(s.path, 'slow', ['500'], 50), (e: unknown) => e instanceof UnixctlClientError && e.code === 'ETIMEDOUT');
  } finally {
    await s.close();
  }
  await assert.rejects(unixctlTransact(s.path, 'version', []), (e: unknown) => e instanceof UnixctlClientError && e.code === 'ENOENT');
});

test('garbage on the socket closes that connection only', async () => {
  const s = await server();
  try {
    const sock = net.createConnection(s.path);
    await new Promise((r) => sock.once('connect', r));
    sock.write('hello');
    await new Promise((r) => sock.once('close', r));
    assert.equal((await unixctlTransact(s.path, 'echo/args', ['ok'])).result, 'ok');
  } finally {
    await s.close();
  }
});

test('JsonSplitter handles strings with braces, escapes and bad input', () => {
  const sp = new JsonSplitter();
  assert.deepEqual(sp.push('{"a":"x\\"}"}  {"b"'), [{ a: 'x"}' }]);
  assert.deepEqual(sp.push(':[1,{"c":2}]}\n'), [{ b: [1, { c: 2 }] }]);
  assert.throws(() => new JsonSplitter().push('x'), JsonStreamError);
  assert.throws(() => new JsonSplitter().push('{"a":}'), JsonStreamError);
  assert.throws(() => new JsonSplitter(10).push('{"aaaaaaaaaaaaaa'), /too long/);
});
