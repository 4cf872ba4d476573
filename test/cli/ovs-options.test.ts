/*
 * Command-line errors of tsovs-ofctl and tsovs-dpctl (commander with GNU getopt rules,
 * src/cli/ovs-command.ts) against the real ovs-ofctl / ovs-dpctl 3.1: every case fails (or
 * prints help, the version or the option list) before any switch or datapath is touched, and
 * both tools must print the same stderr and exit with the same status, program names aside.
 * The expected text is also written out, so the cases say what OVS prints.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ofctlMain } from '../../src/cli/ofctl/ofctl.js';
import { dpctlMain } from '../../src/cli/dpctl/dpctl.js';
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

function real(prog: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(prog, args, { encoding: 'utf8', timeout: 10000 }, (e, out, err) => {
      const code = e === null ? 0 : typeof e.code === 'number' ? e.code : 1;
      resolve({ code, out, err });
    });
  });
}

const hasOvs = (prog: string): boolean => ['/usr/bin', '/usr/local/bin'].some((d) => fs.existsSync(`${d}/${prog}`));

/** Program names and versions masked. */
function norm(s: string): string {
  return s.replace(/\b(tsovs|ovs)-(ofctl|dpctl)\b/g, 'PROG').replace(/\((tsovs|Open vSwitch)\) [0-9.]+/, '(V)');
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

describe('tsovs-ofctl', { skip: !hasOvs('ovs-ofctl') && 'ovs-ofctl is not installed' }, () => {
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

describe('tsovs-dpctl', { skip: !hasOvs('ovs-dpctl') && 'ovs-dpctl is not installed' }, () => {
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
