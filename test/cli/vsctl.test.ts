/*
 * tsovs-vsctl against a real tsovs-vswitchd process in a temporary run directory: every verb,
 * the generic database commands, `--` transactions (all or nothing), output formats, and the
 * error cases (one `tsovs-vsctl: ...` line, non-zero exit, OVS wording).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { vsctlMain } from '../../src/cli/vsctl/vsctl.js';
import type { Output } from '../../src/cli/cli-util.js';
import { killAll, runBin, spawnDaemon, tmpRundir, type RunningDaemon } from './daemon-process.js';

let daemon: RunningDaemon;

before(async () => {
  daemon = await spawnDaemon(tmpRundir());
});
after(async () => {
  await daemon?.stop();
  killAll();
});

interface Result {
  code: number;
  out: string;
  err: string;
}

async function vs(...args: string[]): Promise<Result> {
  const r = { out: '', err: '' };
  const io: Output = { out: (s) => (r.out += s), err: (s) => (r.err += s) };
  const code = await vsctlMain([`--rundir=${daemon.rundir}`, ...args], io);
  return { code, ...r };
}

/** Runs and expects success; returns stdout. */
async function ok(...args: string[]): Promise<string> {
  const r = await vs(...args);
  assert.equal(r.err, '', `${args.join(' ')}: ${r.err}`);
  assert.equal(r.code, 0, args.join(' '));
  return r.out;
}

/** Runs and expects one error line with status 1. */
async function fails(expected: string, ...args: string[]): Promise<void> {
  const r = await vs(...args);
  assert.equal(r.code, 1, `${args.join(' ')} succeeded`);
  assert.equal(r.err, `tsovs-vsctl: ${expected}\n`);
  assert.equal(r.out, '');
}

async function reset(): Promise<void> {
  for (const b of (await ok('list-br')).split('\n').filter((x) => x)) await ok('del-br', b);
}

test('bridges: add-br, --may-exist, conflicts, list-br, br-exists, del-br', async () => {
  await reset();
  await ok('add-br', 'br0');
  await ok('--may-exist', 'add-br', 'br0');
  await ok('add-br', 'br1', '--', '--may-exist', 'add-br', 'br1');
  assert.equal(await ok('list-br'), 'br0\nbr1\n');
  await fails('cannot create a bridge named br0 because a bridge named br0 already exists', 'add-br', 'br0');
  await fails('bridge name must not be empty string', 'add-br', '');
  await fails('fake bridges (add-br BRIDGE PARENT VLAN) are not supported by tsovs', 'add-br', 'br5', 'br0', '10');
  assert.equal((await vs('br-exists', 'br0')).code, 0);
  const missing = await vs('br-exists', 'br9');
  assert.deepEqual(missing, { code: 2, out: '', err: '' });
  assert.equal(await ok('br-to-vlan', 'br0'), '0\n');
  assert.equal(await ok('br-to-parent', 'br0'), 'br0\n');
  await ok('br-set-external-id', 'br0', 'owner', 'me');
  assert.equal(await ok('br-get-external-id', 'br0', 'owner'), 'me\n');
  assert.equal(await ok('br-get-external-id', 'br0'), 'owner=me\n');
  await ok('br-set-external-id', 'br0', 'owner');
  assert.equal(await ok('br-get-external-id', 'br0'), '');
  await ok('del-br', 'br1');
  await fails('no bridge named br1', 'del-br', 'br1');
  await ok('--if-exists', 'del-br', 'br1');
  assert.equal(await ok('list-br'), 'br0\n');
  // The bridge's local port and interface are gone with it.
  await ok('add-br', 'br1');
  assert.equal(await ok('list-ifaces', 'br1'), '');
});

test('ports: add-port with settings, --may-exist, list, port-to-br, iface-to-br, del-port', async () => {
  await reset();
  await ok('add-br', 'br0', '--', 'add-br', 'br1');
  await ok('add-port', 'br0', 'p1', 'tag=10', 'other_config:priority-tags=true');
  await ok('add-port', 'br0', 'p2', 'trunks=10,20', 'vlan_mode=trunk');
  await ok('add-port', 'br1', 'p3');
  assert.equal(await ok('list-ports', 'br0'), 'p1\np2\n');
  assert.equal(await ok('list-ifaces', 'br0'), 'p1\np2\n');
  assert.equal(await ok('port-to-br', 'p3'), 'br1\n');
  assert.equal(await ok('iface-to-br', 'p2'), 'br0\n');
  assert.equal(await ok('get', 'Port', 'p1', 'tag', 'other_config:priority-tags'), '10\n"true"\n');
  assert.equal(await ok('get', 'Port', 'p2', 'trunks', 'vlan_mode'), '[10, 20]\ntrunk\n');
  await ok('--may-exist', 'add-port', 'br0', 'p1');
  await fails('"--may-exist add-port br1 p1" but p1 is actually attached to bridge br0', '--may-exist', 'add-port', 'br1', 'p1');
  await fails('cannot create a port named p1 because a port named p1 already exists on bridge br0', 'add-port', 'br1', 'p1');
  await fails('cannot create a port named br1 because a bridge named br1 already exists', 'add-port', 'br0', 'br1');
  await fails('no bridge named br9', 'add-port', 'br9', 'p9');
  await fails('no port named p9', 'port-to-br', 'p9');
  await fails('no port named br0', 'port-to-br', 'br0');
  await fails('no interface named p9', 'iface-to-br', 'p9');
  await fails('bridge br1 does not have a port p1', 'del-port', 'br1', 'p1');
  await fails(
    'cannot delete port br0 because it is the local port for bridge br0 (deleting this port requires deleting the entire bridge)',
    'del-port', 'br0',
  );
  await fails('no port named p9', 'del-port', 'p9');
  await ok('--if-exists', 'del-port', 'p9');
  await ok('del-port', 'br0', 'p1');
  await ok('--with-iface', 'del-port', 'p2');
  assert.equal(await ok('list-ports', 'br0'), '');
  await fails('no row "p1" in table Port', 'get', 'Port', 'p1', 'tag');
});

test('controllers and fail mode', async () => {
  await reset();
  await ok('add-br', 'br0');
  assert.equal(await ok('get-controller', 'br0'), '');
  await ok('set-controller', 'br0', 'tcp:10.0.0.1:6653', 'ptcp:6654');
  assert.equal(await ok('get-controller', 'br0'), 'ptcp:6654\ntcp:10.0.0.1:6653\n');
  await ok('--inactivity-probe=3000', 'set-controller', 'br0', 'tcp:10.0.0.2:6653');
  assert.equal(await ok('get-controller', 'br0'), 'tcp:10.0.0.2:6653\n');
  // A bridge's only controller is addressable by the bridge's name.
  assert.equal(await ok('get', 'Controller', 'br0', 'inactivity_probe', 'target'), '3000\n"tcp:10.0.0.2:6653"\n');
  await ok('set', 'Controller', 'br0', 'connection_mode=out-of-band', 'max_backoff=2000');
  assert.equal(await ok('get', 'Controller', 'br0', 'connection_mode', 'max_backoff'), 'out-of-band\n2000\n');
  await fails('constraint violation: 10 is less than minimum allowed value 100', 'set', 'Controller', 'br0', 'controller_rate_limit=10');
  await ok('del-controller', 'br0');
  assert.equal(await ok('get-controller', 'br0'), '');
  assert.equal(await ok('list', 'Controller'), '');
  assert.equal(await ok('get-fail-mode', 'br0'), '');
  await ok('set-fail-mode', 'br0', 'secure');
  assert.equal(await ok('get-fail-mode', 'br0'), 'secure\n');
  await fails('fail-mode must be "standalone" or "secure"', 'set-fail-mode', 'br0', 'open');
  await ok('del-fail-mode', 'br0');
  assert.equal(await ok('get-fail-mode', 'br0'), '');
});

test('get/set/add/remove/clear on maps, sets and optional columns', async () => {
  await reset();
  await ok('add-br', 'br0', '--', 'add-port', 'br0', 'v1');
  await ok('set', 'Bridge', 'br0', 'other_config:mac-aging-time=60', 'other_config:mac-table-size=4096', 'protocols=OpenFlow10,OpenFlow13');
  assert.equal(await ok('get', 'Bridge', 'br0', 'other_config'), '{mac-aging-time="60", mac-table-size="4096"}\n');
  assert.equal(await ok('get', 'bridge', 'br0', 'other-config:mac-aging-time'), '"60"\n');
  assert.equal(await ok('get', 'Bridge', 'br0', 'protocols'), '[OpenFlow10, OpenFlow13]\n');
  await ok('set', 'Interface', 'v1', 'type=vxlan', 'options:remote_ip=192.168.1.2', 'options:key=flow');
  assert.equal(await ok('get', 'Interface', 'v1', 'options'), '{key=flow, remote_ip="192.168.1.2"}\n');
  await ok('remove', 'Interface', 'v1', 'options', 'key');
  await ok('add', 'Interface', 'v1', 'options', 'dst_port=4790');
  assert.equal(await ok('get', 'Interface', 'v1', 'options'), '{dst_port="4790", remote_ip="192.168.1.2"}\n');
  await ok('remove', 'Interface', 'v1', 'options', 'remote_ip="10.0.0.1"');
  assert.equal(await ok('get', 'Interface', 'v1', 'options:remote_ip'), '"192.168.1.2"\n');
  await ok('remove', 'Interface', 'v1', 'options', 'remote_ip="192.168.1.2"');
  await ok('add', 'Port', 'v1', 'trunks', '1-3', '7');
  await ok('remove', 'Port', 'v1', 'trunks', '2');
  assert.equal(await ok('get', 'Port', 'v1', 'trunks'), '[1, 3, 7]\n');
  await ok('set', 'Port', 'v1', 'tag=5', '--', 'clear', 'Port', 'v1', 'trunks');
  assert.equal(await ok('get', 'Port', 'v1', 'tag', 'trunks'), '5\n[]\n');
  await ok('clear', 'Port', 'v1', 'tag');
  assert.equal(await ok('get', 'Port', 'v1', 'tag'), '[]\n');
  await ok('set', 'Interface', 'v1', 'ofport_request=7', 'mac="00:11:22:33:44:55"');
  assert.equal(await ok('get', 'Interface', 'v1', 'ofport_request', 'mac'), '7\n"00:11:22:33:44:55"\n');
  await ok('set', 'Open_vSwitch', '.', 'other_config:max-idle=20000');
  assert.equal(await ok('get', 'Open_vSwitch', '.', 'other_config'), '{max-idle="20000"}\n');
  const uuid = (await ok('get', 'Bridge', 'br0', '_uuid')).trim();
  assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(await ok('get', 'Bridge', uuid, 'name'), 'br0\n');
  assert.equal(await ok('get', 'Bridge', uuid.slice(0, 8), 'name'), 'br0\n');
  assert.equal(await ok('--if-exists', 'get', 'Bridge', 'br0', 'other_config:nosuch'), '\n');
  assert.equal(await ok('--if-exists', 'get', 'Bridge', 'br9', 'name'), '');

  await fails('no key "nosuch" in Bridge record "br0" column other_config', 'get', 'Bridge', 'br0', 'other_config:nosuch');
  await fails('unknown table "Nope"', 'get', 'Nope', 'x', 'y');
  await fails('Bridge does not contain a column whose name matches "nope"', 'set', 'Bridge', 'br0', 'nope=1');
  await fails('no row "br9" in table Bridge', 'set', 'Bridge', 'br9', 'datapath_type=netdev');
  await fails('cannot modify read-only column name in table Bridge', 'set', 'Bridge', 'br0', 'name=brX');
  await fails('cannot modify read-only column ofport in table Interface', 'set', 'Interface', 'v1', 'ofport=3');
  await fails('cannot specify key to set for non-map column tag', 'set', 'Port', 'v1', 'tag:x=1');
  await fails('"abc" is not a valid integer or range', 'set', 'Port', 'v1', 'tag=abc');
  await fails('tag: argument does not end in "=" followed by a value.', 'set', 'Port', 'v1', 'tag');
  await fails(
    '"clear" operation cannot be applied to column interfaces of table Port, which is not allowed to be empty',
    'clear', 'Port', 'v1', 'interfaces',
  );
  // Table and column names may be abbreviated, case and - vs _ do not matter.
  assert.equal(await ok('--bare', '--columns=name', 'list', 'brid'), 'br0\n');
  assert.equal(await ok('get', 'open', '.', 'other-conf:max-idle'), '"20000"\n');
});

test('list and find output shapes', async () => {
  await reset();
  await ok('add-br', 'br0', '--', 'add-port', 'br0', 'p1', 'tag=10', '--', 'add-port', 'br0', 'p2', 'tag=20');
  const uuid = (await ok('get', 'Port', 'p1', '_uuid')).trim();
  assert.equal(
    await ok('--columns=_uuid,name,tag,trunks', 'list', 'Port', 'p1'),
    `_uuid               : ${uuid}\nname                : p1\ntag                 : 10\ntrunks              : []\n`,
  );
  assert.equal(await ok('--bare', '--columns=name', 'find', 'Port', 'tag=20'), 'p2\n');
  assert.equal(await ok('--bare', '--columns=name', 'find', 'Port', 'tag>15'), 'p2\n');
  assert.equal(await ok('--bare', '--columns=name', 'find', 'Interface', 'type=internal'), 'br0\n');
  assert.equal(await ok('--bare', '--columns=name', 'find', 'Port', 'tag!=[]', 'tag{>=}[]', 'tag<=10'), 'p1\n');
  // As in OVS, an empty set is {in} any set.
  assert.deepEqual((await ok('--bare', '--columns=name', 'find', 'Port', 'tag{in}[5,10,15]')).split('\n').sort(), ['', '', 'br0', 'p1']);
  assert.deepEqual((await ok('--bare', '--columns=name', 'find', 'Port', 'tag!=[]')).split('\n').sort(), ['', '', 'p1', 'p2']);
  assert.equal(await ok('--format=table', '--columns=name,tag', 'list', 'Port', 'p1', 'p2'), 'name tag\n---- ---\np1   10\np2   20\n');
  // Every column of the table, _uuid first, names in alphabetical order.
  const full = await ok('list', 'Interface', 'p1');
  assert.deepEqual(
    full.split('\n').filter((l) => l).map((l) => l.split(':')[0].trim()),
    ['_uuid', 'admin_state', 'error', 'external_ids', 'link_state', 'mac', 'mac_in_use', 'name', 'ofport', 'ofport_request', 'options', 'other_config', 'type'],
  );
  // Two list commands: tables separated by a blank line.
  assert.equal(
    await ok('--columns=name', 'list', 'Bridge', '--', '--columns=name', 'list', 'Port', 'p1'),
    'name                : br0\n\nname                : p1\n',
  );
  assert.equal(await ok('--if-exists', '--columns=name', 'list', 'Port', 'nope', 'p2'), 'name                : p2\n');
  await fails('no row "nope" in table Port', 'list', 'Port', 'nope');
});

test('options before the first command go through getopt: prefixes, values as the next word, table options in order', async () => {
  await reset();
  await ok('add-br', 'br0', '--', 'add-port', 'br0', 'p1', 'tag=10');
  // --colu (a prefix) and --id take the next word as their value there; after "--" only NAME=VALUE.
  assert.equal(await ok('--colu', 'name', '--bare', 'find', 'Port', 'tag=10'), 'p1\n');
  await ok('--id', '@c', 'create', 'Controller', 'target="tcp:1.1.1.1:6653"', '--', 'set', 'Bridge', 'br0', 'controller=@c');
  assert.equal(await ok('get-controller', 'br0'), 'tcp:1.1.1.1:6653\n');
  // Repeated before the first command, the last one counts (as OVS).
  assert.equal(await ok('--columns=tag', '--columns=name', '--bare', 'list', 'Port', 'p1'), 'p1\n');
  // --bare sets list format, bare data and no headings; a later -f/-d/--no-headings changes them again.
  assert.equal(await ok('--bare', '-f', 'table', '--columns=name,tag', 'list', 'Port', 'p1'), 'p1 10\n');
  assert.equal(await ok('-f', 'table', '--bare', '--columns=name,tag', 'list', 'Port', 'p1'), 'p1\n10\n');
  assert.equal(await ok('-ftable', '-dbare', '--no-h', '--columns=name', 'list', 'Port', 'p1'), 'p1\n');
  // A "--" right after the options is getopt's: the options still belong to the first command.
  assert.equal(await ok('--if-exists', '--', 'del-br', 'nosuch'), '');
  await fails("'list-br' command has no '--may-exist' option", '--may-exist', '--', 'list-br');
});

test('show has the shape of ovs-vsctl show', async () => {
  await reset();
  await ok(
    'add-br', 'br0', '--', 'set-controller', 'br0', 'tcp:127.0.0.1:6653', '--', 'set-fail-mode', 'br0', 'secure',
    '--', 'set', 'Bridge', 'br0', 'datapath_type=netdev',
    '--', 'add-port', 'br0', 'p1', 'tag=10', '--', 'set', 'Interface', 'p1', 'type=dummy', 'options:pstream=punix:/tmp/x',
  );
  const root = (await ok('get', 'Open_vSwitch', '.', '_uuid')).trim();
  const portUuid = async (p: string): Promise<string> => (await ok('get', 'Port', p, '_uuid')).trim();
  const blocks: Record<string, string> = {
    br0: '        Port br0\n            Interface br0\n                type: internal\n',
    p1: '        Port p1\n            tag: 10\n            Interface p1\n                type: dummy\n                options: {pstream="punix:/tmp/x"}\n',
  };
  const order = [['br0', await portUuid('br0')], ['p1', await portUuid('p1')]].sort((a, b) => (a[1] < b[1] ? -1 : 1));
  assert.equal(
    await ok('show'),
    `${root}\n` +
      '    Bridge br0\n' +
      '        Controller "tcp:127.0.0.1:6653"\n' +
      '        fail_mode: secure\n' +
      '        datapath_type: netdev\n' +
      order.map(([n]) => blocks[n]).join('') +
      '    ovs_version: "0.1.0"\n',
  );
});

test('-- commands commit together or not at all; output only after commit', async () => {
  await reset();
  const r = await vs('add-br', 'br0', '--', 'add-port', 'br0', 'p1', '--', 'list-br', '--', 'set', 'Port', 'p1', 'tag=99999');
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.equal(r.err, 'tsovs-vsctl: constraint violation: 99999 is not in the valid range 0 to 4095 (inclusive)\n');
  assert.equal(await ok('list-br'), '');
  // Later commands see earlier ones in the same transaction.
  assert.equal(await ok('add-br', 'br0', '--', 'add-port', 'br0', 'p1', '--', 'list-ports', 'br0', '--', 'del-br', 'br0', '--', 'list-br'), 'p1\n');
  assert.equal(await ok('list-br'), '');
  // --dry-run computes but commits nothing.
  assert.equal(await ok('--dry-run', 'add-br', 'brX', '--', 'list-br'), 'brX\n');
  assert.equal(await ok('list-br'), '');
  // create with --id and a reference in the same transaction.
  await ok('add-br', 'br0');
  const out = await ok('--', '--id=@c', 'create', 'Controller', 'target="tcp:1.1.1.1:6653"', '--', 'set', 'Bridge', 'br0', 'controller=@c');
  assert.match(out, /^[0-9a-f-]{36}\n$/);
  assert.equal(await ok('get-controller', 'br0'), 'tcp:1.1.1.1:6653\n');
  await fails('row id "@x" is referenced but never created (e.g. with "-- --id=@x create ...")', 'set', 'Bridge', 'br0', 'controller=@x');
  await fails(
    'transaction error: referential integrity violation: Table Bridge column controller row ' +
      (await ok('get', 'Bridge', 'br0', '_uuid')).trim() +
      ' references nonexistent row ' +
      (await ok('get', 'Controller', 'br0', '_uuid')).trim() +
      ' in table Controller',
    'destroy', 'Controller', 'br0',
  );
  assert.equal(await ok('--oneline', 'list-br', '--', 'get-controller', 'br0'), 'br0\ntcp:1.1.1.1:6653\n');
  await ok('add-br', 'br1');
  assert.equal(await ok('--oneline', 'list-br'), 'br0\\nbr1\n');
});

test('command-line errors', async () => {
  await fails("unknown command 'frob'; use --help for help", 'frob');
  await fails('missing command name (use --help for help)');
  await fails("'add-br' command requires at least 1 arguments", 'add-br');
  await fails("'del-br' command takes at most 1 arguments", 'del-br', 'a', 'b');
  await fails(
    "'del-br' command takes at most 1 arguments (note that options must precede command names and follow a \"--\" argument)",
    'del-br', 'a', '--if-exists',
  );
  await fails("'list-br' command has no '--may-exist' option", '--may-exist', 'list-br');
  await fails("'--if-exists' option specified multiple times", '--', '--if-exists', '--if-exists', 'del-br', 'x');
  // As ovs-vsctl: getopt takes the first "--" (the options given before it belong to the first
  // command); an empty command after it carrying options is an error.
  assert.equal(await ok('--if-exists', '--', 'del-br', 'x'), '');
  await fails('missing command name (use --help for help)', '--if-exists', '--', '--', 'del-br', 'x');
  await fails("missing argument to '--columns' option on 'list' command", '--', '--columns', 'list', 'Bridge');
  await fails("unrecognized option '--frob'", '--frob', 'list-br');
  await fails('value 0 on -t or --timeout is invalid', '-t', '0', 'list-br');
  assert.match(await ok('--help'), /^tsovs-vsctl: tsovs-vswitchd management utility\n/);
  assert.equal(await ok('--version'), 'tsovs-vsctl (tsovs) 0.1.0\n');
});

test('the installed binary: exit statuses and one-line errors, daemon not running', async () => {
  const bin = await runBin('tsovs-vsctl', [`--rundir=${daemon.rundir}`, 'del-br', 'nosuch']);
  assert.deepEqual(bin, { code: 1, stdout: '', stderr: 'tsovs-vsctl: no bridge named nosuch\n' });
  assert.equal((await runBin('tsovs-vsctl', [`--rundir=${daemon.rundir}`, 'br-exists', 'nosuch'])).code, 2);
  assert.equal((await runBin('tsovs-vsctl', [`--rundir=${daemon.rundir}`, '-t', '5', 'list-br'])).code, 0);
  const empty = tmpRundir();
  const down = await runBin('tsovs-vsctl', [`--rundir=${empty}`, 'list-br']);
  assert.deepEqual(down, {
    code: 1,
    stdout: '',
    stderr: `tsovs-vsctl: unix:${empty}/tsovs-vswitchd.pid: database connection failed (No such file or directory)\n`,
  });
  const db = await runBin('tsovs-vsctl', [`--db=unix:${empty}/nope.ctl`, 'list-br']);
  assert.deepEqual(db, {
    code: 1,
    stdout: '',
    stderr: `tsovs-vsctl: unix:${empty}/nope.ctl: database connection failed (No such file or directory)\n`,
  });
  // TSOVS_RUNDIR is honoured.
  const env = await runBin('tsovs-vsctl', ['list-br'], { ...process.env, TSOVS_RUNDIR: daemon.rundir });
  assert.equal(env.code, 0);
});

test('--timeout: a daemon that never answers', async () => {
  const { createServer } = await import('node:net');
  const sock = `${tmpRundir()}/mute.ctl`;
  const server = createServer(() => undefined);
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    const r = { out: '', err: '' };
    const t0 = Date.now();
    const code = await vsctlMain([`--db=unix:${sock}`, '--timeout=1', 'list-br'], { out: (s) => (r.out += s), err: (s) => (r.err += s) });
    assert.equal(code, 1);
    assert.equal(r.err, 'tsovs-vsctl: timeout expired\n');
    assert.ok(Date.now() - t0 >= 900);
  } finally {
    server.close();
  }
});

test('concurrent clients: each transaction commits once, conflicts are retried', async () => {
  await reset();
  const names = Array.from({ length: 8 }, (_, i) => `cbr${i}`);
  const results = await Promise.all(names.map((n) => vs('add-br', n, '--', 'add-port', n, `${n}p`)));
  assert.deepEqual(results.map((r) => r.code), names.map(() => 0));
  assert.equal(await ok('list-br'), names.map((n) => `${n}\n`).join(''));
  for (const n of names) assert.equal(await ok('list-ports', n), `${n}p\n`);
});
