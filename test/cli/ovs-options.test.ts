/*
 * Command-line errors of tsovs-ofctl, tsovs-dpctl, tsovs-vsctl and tsovs-appctl (commander with
 * GNU getopt rules, src/cli/ovs-command.ts) against the real ovs-ofctl / ovs-dpctl / ovs-vsctl /
 * ovs-appctl 3.1: every case fails (or prints help, the version or the option list) before any
 * switch, datapath or daemon is reached, or fails to reach one the same way, and both tools must
 * print the same stderr and exit with the same status, program names aside. The expected text
 * is also written out, so the cases say what OVS prints.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ofctlMain } from '../../src/cli/ofctl/ofctl.js';
import { dpctlMain } from '../../src/cli/dpctl/dpctl.js';
import { vsctlMain } from '../../src/cli/vsctl/vsctl.js';
import { appctlMain } from '../../src/cli/appctl.js';
import type { Output } from '../../src/cli/cli-util.js';

interface Result {
  code: number;
  out: string;
  err: string;
}

type Main = (argv: string[], io: Output) => Promise<number>;

async function ours(main: Main, args: string[]): Promise<Result> {
  const r = { out: '', err: '' };
  const code = await main(args, { out: (s) => (r.out += s), err: (s) => (r.err += s) });
  return { code, ...r };
}

/** An empty run directory for the real tools (OVS_RUNDIR) and ours (TSOVS_RUNDIR). */
const RUNDIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-options-'));
process.env.TSOVS_RUNDIR = RUNDIR;
after(() => fs.rmSync(RUNDIR, { recursive: true, force: true }));

function real(prog: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const env = { ...process.env, OVS_RUNDIR: RUNDIR };
    execFile(prog, args, { encoding: 'utf8', timeout: 10000, env }, (e, out, err) => {
      const code = e === null ? 0 : typeof e.code === 'number' ? e.code : 1;
      resolve({ code, out, err });
    });
  });
}

const hasOvs = (prog: string): boolean => ['/usr/bin', '/usr/local/bin'].some((d) => fs.existsSync(`${d}/${prog}`));
// .ci/run installs openvswitch-common and -switch: a missing tool is an error, never a skip.
for (const prog of ['ovs-ofctl', 'ovs-dpctl', 'ovs-vsctl', 'ovs-appctl']) {
  if (!hasOvs(prog)) throw new Error(`${prog} (reference Open vSwitch) is not installed`);
}

/** Program names and versions masked, OVS's log lines (failed connections) dropped. */
function norm(s: string): string {
  return s
    .replace(/^\d{4}-\d\d-\d\dT[^|\n]*\|\d+\|[^\n]*\n/gm, '')
    .replace(/\b(tsovs|ovs)-(ofctl|dpctl|vsctl|appctl)\b/g, 'PROG')
    .replace(/\((tsovs|Open vSwitch)\) [0-9.]+/, '(V)');
}

interface Case {
  args: string[];
  /** stderr with PROG for the program name; exit status 1 unless `code` says otherwise. */
  err: string;
  code?: number;
}

async function check(prog: string, main: Main, cases: readonly Case[], compare: boolean): Promise<void> {
  for (const c of cases) {
    const label = `${prog} ${c.args.join(' ')}`;
    const r = await ours(main, c.args);
    assert.equal(norm(r.err), c.err, `stderr of ${label}`);
    assert.equal(r.code, c.code ?? 1, `exit status of ${label}`);
    if (c.err) assert.equal(r.out, '', `stdout of ${label}`);
    if (!compare) continue;
    const o = await real(prog, c.args);
    assert.equal(norm(o.err), c.err, `stderr of real ${label}`);
    assert.equal(o.code, c.code ?? 1, `exit status of real ${label}`);
  }
}

/** What both tools reject the same way (ofctl and dpctl share the option lexer). */
const COMMON: readonly Case[] = [
  { args: [], err: 'PROG: missing command name; use --help for help\n' },
  { args: ['--'], err: 'PROG: missing command name; use --help for help\n' },
  { args: ['frobnicate', 'br0'], err: "PROG: unknown command 'frobnicate'; use --help for help\n" },
  { args: ['-'], err: "PROG: unknown command '-'; use --help for help\n" },
  { args: ['--bogus', 'show', 'br0'], err: "PROG: unrecognized option '--bogus'\n" },
  { args: ['--bogus=3', 'show'], err: "PROG: unrecognized option '--bogus=3'\n" },
  { args: ['-x', 'show'], err: "PROG: invalid option -- 'x'\n" },
  { args: ['-mx', 'show'], err: "PROG: invalid option -- 'x'\n" },
  { args: ['-5'], err: "PROG: invalid option -- '5'\n" },
  { args: ['-t'], err: "PROG: option requires an argument -- 't'\n" },
  { args: ['--timeout'], err: "PROG: option '--timeout' requires an argument\n" },
  { args: ['--timeo'], err: "PROG: option '--timeout' requires an argument\n" },
  { args: ['-t', '0', 'show'], err: 'PROG: value 0 on -t or --timeout is invalid\n' },
  { args: ['-tabc', 'show'], err: 'PROG: value abc on -t or --timeout is invalid\n' },
  { args: ['-t', '-5', 'show'], err: 'PROG: value -5 on -t or --timeout is invalid\n' },
  { args: ['-t', '4294967296', 'show'], err: 'PROG: value 4294967296 on -t or --timeout is invalid\n' },
  { args: ['-t', '5x', 'show'], err: 'PROG: value 5x on -t or --timeout is invalid\n' },
  { args: ['--timeout=', 'show'], err: 'PROG: value  on -t or --timeout is invalid\n' },
  { args: ['--names=1', 'show'], err: "PROG: option '--names' doesn't allow an argument\n" },
  { args: ['--no-n=1'], err: "PROG: option '--no-names' doesn't allow an argument\n" },
  { args: ['--he=x'], err: "PROG: option '--help' doesn't allow an argument\n" },
  // In command-line order: what comes first wins, options before a bad one take effect.
  { args: ['-t', 'x', '--bogus'], err: 'PROG: value x on -t or --timeout is invalid\n' },
  { args: ['--bogus', '-t', 'x'], err: "PROG: unrecognized option '--bogus'\n" },
  { args: ['-V', '--bogus'], err: '', code: 0 },
  { args: ['-mV', '-x'], err: '', code: 0 },
  { args: ['--vers'], err: '', code: 0 },
  { args: ['--ver'], err: "PROG: option '--ver' is ambiguous; possibilities: '--version' '--verbose'\n" },
  { args: ['-h', '--bogus'], err: '', code: 0 },
  { args: ['frob', '--help'], err: '', code: 0 },
];

describe('tsovs-ofctl', () => {
  const main: Main = (argv, io) => ofctlMain(argv, io, { interactive: false });

  test('option and argument errors as ovs-ofctl', async () => {
    await check('ovs-ofctl', main, [
      ...COMMON,
      { args: ['add-flow'], err: "PROG: 'add-flow' command requires at least 2 arguments\n" },
      { args: ['add-flow', 'br0'], err: "PROG: 'add-flow' command requires at least 2 arguments\n" },
      { args: ['add-flow', 'a', 'b', 'c'], err: "PROG: 'add-flow' command takes at most 2 arguments\n" },
      { args: ['--', 'show'], err: "PROG: 'show' command requires at least 1 arguments\n" },
      { args: ['-O'], err: "PROG: option requires an argument -- 'O'\n" },
      { args: ['--protocols'], err: "PROG: option '--protocols' requires an argument\n" },
      { args: ['-O', 'bogus', 'show', 'br0'], err: 'PROG: Unknown OpenFlow version: "bogus"\n' },
      { args: ['--protocols=OpenFlow13,foo', 'show', 'x'], err: 'PROG: Unknown OpenFlow version: "foo"\n' },
      { args: ['-O', 'bogus', '--frob'], err: 'PROG: Unknown OpenFlow version: "bogus"\n' },
      { args: ['--frob', '-O', 'bogus'], err: "PROG: unrecognized option '--frob'\n" },
      { args: ['--strict=1', 'show', 'x'], err: "PROG: option '--strict' doesn't allow an argument\n" },
      { args: ['--s', 'show', 'x'], err: "PROG: option '--s' is ambiguous; possibilities: '--strict' '--sort' '--stats' '--syslog-method' '--syslog-target' '--ssl-protocols' '--ssl-ciphers'\n" },
      { args: ['--time=5', 'show', 'x'], err: "PROG: option '--time=5' is ambiguous; possibilities: '--timeout' '--timestamp'\n" },
      { args: ['--no', 'show', 'x'], err: "PROG: option '--no' is ambiguous; possibilities: '--no-names' '--no-stats' '--no-self-confinement' '--no-chdir'\n" },
      // Accepted prefixes and optional values: a bare --sort or -v leaves the next word alone.
      { args: ['--str', 'add-flow'], err: "PROG: 'add-flow' command requires at least 2 arguments\n" },
      { args: ['--sort', 'dump-flows'], err: "PROG: 'dump-flows' command requires at least 1 arguments\n" },
      { args: ['-v', 'show'], err: "PROG: 'show' command requires at least 1 arguments\n" },
      { args: ['--sort=foo', 'dump-flows', 'x'], err: 'PROG: foo: unknown field name\n' },
      { args: ['--sort=', 'dump-flows', 'x'], err: 'PROG: : unknown field name\n' },
      { args: ['--rsort=x', 'dump-flows', 'x'], err: 'PROG: x: unknown field name\n' },
      { args: ['-F', 'bad', 'show', 'x'], err: 'PROG: bad: unknown flow protocol\n' },
      { args: ['-F'], err: "PROG: option requires an argument -- 'F'\n" },
      { args: ['-Pfoo', 'show', 'x'], err: "PROG: unknown packet-in format `foo'\n" },
      { args: ['--color=bad', 'show', 'x'], err: "PROG: incorrect value `bad' for --color\n" },
      { args: ['--read-only', 'add-flow', 'x', 'y'], err: "PROG: 'add-flow' command does not work in read only mode\n" },
      { args: ['--read-only', 'mod-port', 'x', 'p1', 'up'], err: "PROG: 'mod-port' command does not work in read only mode\n" },
    ], true);
  });

  test('-V, --option and list-commands as ovs-ofctl; --option adds --rundir', async () => {
    const v = await ours(main, ['-O', 'OpenFlow13', '--version', 'show']);
    assert.deepEqual({ ...v, out: norm(v.out) }, { code: 0, out: 'PROG (V)\nOpenFlow versions 0x1:0x6\n', err: '' });
    assert.equal(norm(v.out), norm((await real('ovs-ofctl', ['-V'])).out));
    const o = await ours(main, ['-m', '--option']);
    assert.equal(o.code, 0);
    assert.equal(o.out, `${(await real('ovs-ofctl', ['--option'])).out}--rundir=ARG\n`);
    const l = await ours(main, ['list-commands']);
    const all = new Set((await real('ovs-ofctl', ['list-commands'])).out.split('\n'));
    assert.ok(l.out.startsWith('The available commands are:\n  show                    switch\n'), l.out);
    for (const line of l.out.split('\n')) assert.ok(all.has(line), `ovs-ofctl list-commands has ${JSON.stringify(line)}`);
    const h = await ours(main, ['help', 'x']);
    assert.equal(h.out, (await ours(main, ['--he'])).out);
    assert.match(h.out, /^tsovs-ofctl: OpenFlow switch management utility\n/);
  });
});

describe('tsovs-dpctl', () => {
  const main: Main = (argv, io) => dpctlMain(argv, io);

  test('option and argument errors as ovs-dpctl', async () => {
    await check('ovs-dpctl', main, [
      ...COMMON,
      { args: ['add-flow', 'x'], err: "PROG: 'add-flow' command requires at least 2 arguments\n" },
      { args: ['dump-dps', 'x'], err: "PROG: 'dump-dps' command takes at most 0 arguments\n" },
      { args: ['--statistics=1', 'show'], err: "PROG: option '--statistics' doesn't allow an argument\n" },
      { args: ['-smx'], err: "PROG: invalid option -- 'x'\n" },
      { args: ['--s', 'show'], err: "PROG: option '--s' is ambiguous; possibilities: '--statistics' '--syslog-method' '--syslog-target'\n" },
      { args: ['--m', 'show'], err: "PROG: option '--m' is ambiguous; possibilities: '--may-create' '--more'\n" },
      { args: ['--read-only', 'del-flows'], err: "PROG: 'del-flows' command does not work in read only mode\n" },
      { args: ['--read-only', 'add-flow', 'a', 'b'], err: "PROG: 'add-flow' command does not work in read only mode\n" },
      { args: ['--cl', '-v', 'dump-dps', 'x'], err: "PROG: 'dump-dps' command takes at most 0 arguments\n" },
    ], true);
  });

  test('-V, --option and list-commands as ovs-dpctl; --option adds --rundir', async () => {
    const v = await ours(main, ['-V']);
    assert.deepEqual({ ...v, out: norm(v.out) }, { code: 0, out: 'PROG (V)\n', err: '' });
    assert.equal(norm(v.out), norm((await real('ovs-dpctl', ['--version'])).out));
    const o = await ours(main, ['-o']);
    assert.equal(o.out, `${(await real('ovs-dpctl', ['-o'])).out}--rundir=ARG\n`);
    const l = await ours(main, ['list-commands']);
    const all = new Set((await real('ovs-dpctl', ['list-commands'])).out.split('\n'));
    for (const line of l.out.split('\n')) assert.ok(all.has(line), `ovs-dpctl list-commands has ${JSON.stringify(line)}`);
    assert.match(l.out, /\n {2}del-flows {15}\[dp\] \[file\]\n {2}help {20}\n/);
    assert.match((await ours(main, ['help'])).out, /^tsovs-dpctl: tsovs datapath management utility\n/);
  });
});

/**
 * ovs-vsctl: getopt in "+" mode up to the first command word, with every command option also
 * known to getopt there (prefixes, values as the next word); then `--`-separated commands whose
 * own options are taken literally. The cases with --db fail to connect after a good parse.
 */
const VSCTL: readonly Case[] = [
  { args: [], err: 'PROG: missing command name (use --help for help)\n' },
  { args: ['--'], err: 'PROG: missing command name (use --help for help)\n' },
  { args: ['--db='], err: 'PROG: missing command name (use --help for help)\n' },
  { args: ['--if-exists'], err: 'PROG: missing command name (use --help for help)\n' },
  { args: ['--if-exists', '--'], err: 'PROG: missing command name (use --help for help)\n' },
  { args: ['--may-exist', '--', '--', 'list-br'], err: 'PROG: missing command name (use --help for help)\n' },
  { args: ['--dry-run', '--', '--if-exists'], err: 'PROG: missing command name (use --help for help)\n' },
  { args: ['show', '--', '--frob'], err: 'PROG: missing command name (use --help for help)\n' },
  { args: ['--id', '@x'], err: 'PROG: missing command name (use --help for help)\n' },
  { args: ['--max-column-width', 'show'], err: 'PROG: missing command name (use --help for help)\n' },
  { args: ['--verb'], err: 'PROG: missing command name (use --help for help)\n' },
  { args: ['frob'], err: "PROG: unknown command 'frob'; use --help for help\n" },
  { args: ['add-br', 'x', '--', 'frob'], err: "PROG: unknown command 'frob'; use --help for help\n" },
  { args: ['--bogus', 'show'], err: "PROG: unrecognized option '--bogus'\n" },
  { args: ['--bogus=1', 'show'], err: "PROG: unrecognized option '--bogus=1'\n" },
  { args: ['-x', 'show'], err: "PROG: invalid option -- 'x'\n" },
  { args: ['-t'], err: "PROG: option requires an argument -- 't'\n" },
  { args: ['--timeout'], err: "PROG: option '--timeout' requires an argument\n" },
  { args: ['--db'], err: "PROG: option '--db' requires an argument\n" },
  { args: ['--id'], err: "PROG: option '--id' requires an argument\n" },
  { args: ['-t', 'bad', 'show'], err: 'PROG: value bad on -t or --timeout is invalid\n' },
  { args: ['-t5', '-t', '0', 'show'], err: 'PROG: value 0 on -t or --timeout is invalid\n' },
  { args: ['--dry-run=1', 'show'], err: "PROG: option '--dry-run' doesn't allow an argument\n" },
  { args: ['--may-exist=1', 'add-br', 'x'], err: "PROG: option '--may-exist' doesn't allow an argument\n" },
  { args: ['--o', 'show'], err: "PROG: option '--o' is ambiguous; possibilities: '--oneline' '--options'\n" },
  { args: ['--i'], err: "PROG: option '--i' is ambiguous; possibilities: '--if-exists' '--id' '--inactivity-probe'\n" },
  { args: ['--ver'], err: "PROG: option '--ver' is ambiguous; possibilities: '--version' '--verbose'\n" },
  { args: ['--f', 'show'], err: "PROG: option '--f' is ambiguous; possibilities: '--format' '--fake' '--fake-iface'\n" },
  { args: ['--b'], err: "PROG: option '--b' is ambiguous; possibilities: '--bare' '--bootstrap-ca-cert' '--bootstrap'\n" },
  { args: ['--c'], err: "PROG: option '--c' is ambiguous; possibilities: '--commands' '--certificate' '--ca-cert' '--columns'\n" },
  {
    args: ['--no', 'show'],
    err: "PROG: option '--no' is ambiguous; possibilities: '--no-syslog' '--no-wait' '--no-leader-only' '--no-shuffle-remotes' '--no-headings'\n",
  },
  { args: ['--format=bad', 'show'], err: 'PROG: unknown output format "bad"\n' },
  { args: ['-fbad', 'show'], err: 'PROG: unknown output format "bad"\n' },
  { args: ['-d', 'bad', 'show'], err: 'PROG: unknown data format "bad"\n' },
  { args: ['-f', 'bad', '--bogus'], err: 'PROG: unknown output format "bad"\n' },
  { args: ['--bogus', '-f', 'bad'], err: "PROG: unrecognized option '--bogus'\n" },
  { args: ['-V', '--bogus'], err: '', code: 0 },
  { args: ['-h', '--bogus'], err: '', code: 0 },
  { args: ['-h=1'], err: '', code: 0 },
  { args: ['--commands', '-x'], err: '', code: 0 },
  { args: ['--options', '-x'], err: '', code: 0 },
  // Command options: before the first command through getopt, after a "--" literally.
  { args: ['-', 'show'], err: "PROG: 'show' command has no '-' option\n" },
  { args: ['--may', 'show'], err: "PROG: 'show' command has no '--may-exist' option\n" },
  { args: ['--w', 'show'], err: "PROG: 'show' command has no '--with-iface' option\n" },
  { args: ['--may-exist', '--', 'list-br'], err: "PROG: 'list-br' command has no '--may-exist' option\n" },
  { args: ['--', '--may-exist', 'list-br'], err: "PROG: 'list-br' command has no '--may-exist' option\n" },
  { args: ['--fake-iface', 'add-port', 'a', 'b'], err: "PROG: 'add-port' command has no '--fake-iface' option\n" },
  { args: ['--may-e', 'add-br'], err: "PROG: 'add-br' command requires at least 1 arguments\n" },
  { args: ['--inactivity-probe', '5', 'set-controller'], err: "PROG: 'set-controller' command requires at least 1 arguments\n" },
  { args: ['--id=@a', '--id=@b', 'create'], err: "PROG: 'create' command requires at least 2 arguments\n" },
  { args: ['--', '--id=@a', '--id=@b', 'create'], err: "PROG: '--id=@b' option specified multiple times\n" },
  { args: ['--if-exists', '--', '--if-exists', 'del-br', 'x'], err: "PROG: '--if-exists' option specified multiple times\n" },
  { args: ['--', '--columns', 'list', 'Bridge'], err: "PROG: missing argument to '--columns' option on 'list' command\n" },
  { args: ['--', '--if-exists=1', 'del-br', 'x'], err: "PROG: '--if-exists' option on 'del-br' does not accept an argument\n" },
  {
    args: ['show', '--bogus'],
    err: 'PROG: \'show\' command takes at most 0 arguments (note that options must precede command names and follow a "--" argument)\n',
  },
  { args: ['del-br', 'a', 'b'], err: "PROG: 'del-br' command takes at most 1 arguments\n" },
  // Parsed; then the database cannot be reached.
  { args: ['--db=x', 'show'], err: 'PROG: x: database connection failed (Address family not supported by protocol)\n' },
  { args: ['--db=', 'show'], err: 'PROG: : database connection failed (Address family not supported by protocol)\n' },
  { args: ['--db', 'x', '--db=y', 'show'], err: 'PROG: y: database connection failed (Address family not supported by protocol)\n' },
  { args: ['--db=unix:/nonexistent/db', 'show'], err: 'PROG: unix:/nonexistent/db: database connection failed (No such file or directory)\n' },
  { args: ['--db=x', '--if-exists', '--', 'del-br', 'y'], err: 'PROG: x: database connection failed (Address family not supported by protocol)\n' },
  { args: ['--db=x', '--if-exists', '--if-exists', 'del-br', 'y'], err: 'PROG: x: database connection failed (Address family not supported by protocol)\n' },
  { args: ['--db=x', '--id', '@a', 'create', 'Bridge', 'name=a'], err: 'PROG: x: database connection failed (Address family not supported by protocol)\n' },
  {
    args: ['--db=x', '--bare', '-f', 'table', '--no-headings', '--dry', '--one', '--no-w', '-t', '5', 'list-br', '--', 'del-br', '-'],
    err: 'PROG: x: database connection failed (Address family not supported by protocol)\n',
  },
];

describe('tsovs-vsctl', () => {
  const main: Main = (argv, io) => vsctlMain(argv, io);

  test('option, command and argument errors as ovs-vsctl', async () => {
    await check('ovs-vsctl', main, VSCTL, true);
    await check('ovs-vsctl', main, [
      // --rundir is ours: it joins the possibilities of --r.
      { args: ['--r'], err: "PROG: option '--r' is ambiguous; possibilities: '--retry' '--rundir' '--real'\n" },
      // OVS's answer depends on its working directory.
      { args: ['--db=unix:', 'show'], err: 'PROG: unix:: database connection failed (No such file or directory)\n' },
      // Formats OVS has and tsovs does not.
      { args: ['--format=json', 'show'], err: 'PROG: output format "json" is not supported by PROG\n' },
      { args: ['-d', 'json', 'show'], err: 'PROG: data format "json" is not supported by PROG\n' },
    ], false);
  });

  test('--options, --commands and -V as ovs-vsctl; --options adds --rundir', async () => {
    const o = await ours(main, ['--dry-run', '--options', 'show']);
    assert.equal(o.code, 0);
    assert.equal(o.out, `${(await real('ovs-vsctl', ['--options'])).out}--rundir=ARG\n`);
    const c = await ours(main, ['--commands']);
    const all = new Set((await real('ovs-vsctl', ['--commands'])).out.split('\n'));
    assert.match(c.out, /^,init,\n,show,\n,comment,\*ARG\n\[--may-exist\] ,add-br,!NEW-BRIDGE \?PARENT \?NEW-VLAN\n/);
    for (const line of c.out.split('\n')) assert.ok(all.has(line), `ovs-vsctl --commands has ${JSON.stringify(line)}`);
    const v = await ours(main, ['-V']);
    assert.deepEqual({ ...v, out: norm(v.out) }, { code: 0, out: 'PROG (V)\n', err: '' });
    assert.match((await ours(main, ['--he'])).out, /^tsovs-vsctl: tsovs-vswitchd management utility\n/);
  });
});

/** A control socket that answers every request "ok" and records it (method and params). */
async function recordingServer(sock: string): Promise<{ requests: unknown[]; close: () => void }> {
  const requests: unknown[] = [];
  const server = net.createServer((c) => {
    let buf = '';
    c.on('data', (d: Buffer) => {
      buf += d.toString();
      let req: { id: unknown; method: string; params: string[] };
      try {
        req = JSON.parse(buf) as typeof req;
      } catch {
        return;
      }
      buf = '';
      requests.push([req.method, ...req.params]);
      c.write(JSON.stringify({ id: req.id, result: 'ok\n', error: null }));
    });
  });
  await new Promise<void>((r) => server.listen(sock, r));
  return { requests, close: () => server.close() };
}

describe('tsovs-appctl', () => {
  const main: Main = (argv, io) => appctlMain(argv, io);
  const none = '/nonexistent/x.ctl';
  const unreachable = `PROG: cannot connect to "${none}" (No such file or directory)\n`;

  test('option errors as ovs-appctl; the command and its words are not options', async () => {
    await check('ovs-appctl', main, [
      { args: [], err: 'PROG: at least one non-option argument is required (use --help for help)\n' },
      { args: ['--'], err: 'PROG: at least one non-option argument is required (use --help for help)\n' },
      { args: ['-T', '5', '-e'], err: 'PROG: at least one non-option argument is required (use --help for help)\n' },
      { args: ['--bogus', 'version'], err: "PROG: unrecognized option '--bogus'\n" },
      { args: ['--format=json', 'version'], err: "PROG: unrecognized option '--format=json'\n" },
      { args: ['-x'], err: "PROG: invalid option -- 'x'\n" },
      { args: ['-t'], err: "PROG: option requires an argument -- 't'\n" },
      { args: ['--target'], err: "PROG: option '--target' requires an argument\n" },
      { args: ['-T'], err: "PROG: option requires an argument -- 'T'\n" },
      { args: ['--t'], err: "PROG: option '--t' is ambiguous; possibilities: '--target' '--timeout'\n" },
      { args: ['--v'], err: "PROG: option '--v' is ambiguous; possibilities: '--version' '--verbose'\n" },
      { args: ['-t', 'x', '-t', 'y', 'version'], err: 'PROG: -t or --target may be specified only once\n' },
      { args: ['-tx', '--tar=y'], err: 'PROG: -t or --target may be specified only once\n' },
      { args: ['-e', '-e', 'version'], err: 'PROG: -e or --execute may be speciifed only once\n' },
      { args: ['-ee'], err: 'PROG: -e or --execute may be speciifed only once\n' },
      { args: ['-T', '0', 'version'], err: 'PROG: value 0 on -T or --timeout is invalid\n' },
      { args: ['-Tx', 'version'], err: 'PROG: value x on -T or --timeout is invalid\n' },
      { args: ['--timeout=', 'version'], err: 'PROG: value  on -T or --timeout is invalid\n' },
      { args: ['-T', 'x', '--bogus'], err: 'PROG: value x on -T or --timeout is invalid\n' },
      { args: ['--help=1'], err: "PROG: option '--help' doesn't allow an argument\n" },
      { args: ['-V', '--bogus'], err: '', code: 0 },
      { args: ['-h', '-x'], err: '', code: 0 },
      { args: ['-o', '--bogus'], err: '', code: 0 },
      // Everything from the command on goes to the daemon, which cannot be reached.
      { args: ['-t', none, 'version', '--bogus'], err: unreachable },
      { args: ['-t', none, '--', '-x'], err: unreachable },
      { args: ['-t', none, '-', '-t'], err: unreachable },
      { args: [`--ta=${none}`, '-e', 'version', '-e', '-e'], err: unreachable },
    ], true);
  });

  test('-o and -V as ovs-appctl; -o adds --rundir', async () => {
    const o = await ours(main, ['-T', '5', '--opt']);
    assert.deepEqual(o, { code: 0, out: `${(await real('ovs-appctl', ['-o'])).out}--rundir=ARG\n`, err: '' });
    const v = await ours(main, ['--version']);
    assert.deepEqual({ ...v, out: norm(v.out) }, { code: 0, out: 'PROG (V)\n', err: '' });
    assert.match((await ours(main, ['-h'])).out, /^tsovs-appctl, for querying and controlling tsovs daemons\n/);
  });

  test('the command words reach the daemon as ovs-appctl sends them', async () => {
    const sock = path.join(RUNDIR, 'recorder.ctl');
    const server = await recordingServer(sock);
    try {
      const cases = [
        ['version'],
        ['vlog/set', '-x', '--bogus', '--', 'a=b'],
        ['--', '-t', 'x'],
        ['-', '-T', '0'],
        ['list-commands', '-h', '-V'],
      ];
      for (const words of cases) {
        for (const args of [['-t', sock, ...words], ['-e', `--target=${sock}`, '-T', '5', ...words]]) {
          server.requests.length = 0;
          const r = await ours(main, args);
          assert.deepEqual(r, { code: 0, out: 'ok\n', err: '' }, args.join(' '));
          const o = await real('ovs-appctl', args);
          assert.deepEqual(o, { code: 0, out: 'ok\n', err: '' }, `ovs-appctl ${args.join(' ')}`);
          const sent = words[0] === '--' ? words.slice(1) : words;
          assert.deepEqual(server.requests, [sent, sent], args.join(' '));
        }
      }
    } finally {
      server.close();
    }
  });
});
