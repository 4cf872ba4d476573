/*
 * tsovs-dpctl against a real tsovs-vswitchd in a temporary run directory: every verb
 * (dump-dps, show [-s], dump-flows [-m] [filter=], add-flow, mod-flow [--may-create] [-s],
 * get-flow, del-flow, del-flows, add-flows/mod-flows/del-flows FILE and "-"), and the error
 * cases: one "tsovs-dpctl: ..." line (OVS wording), exit 1. The bridge is in secure fail
 * mode with a long max-idle, so the revalidator keeps the hand-made drop flows.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dpctlMain } from '../../src/cli/dpctl/dpctl.js';
import { vsctlMain } from '../../src/cli/vsctl/vsctl.js';
import type { Output } from '../../src/cli/cli-util.js';
import { killAll, runBin, spawnDaemon, tmpRundir, type RunningDaemon } from './daemon-process.js';

let daemon: RunningDaemon;

interface Result {
  code: number;
  out: string;
  err: string;
}

function capture(): { io: Output; r: { out: string; err: string } } {
  const r = { out: '', err: '' };
  return { io: { out: (s) => (r.out += s), err: (s) => (r.err += s) }, r };
}

async function dp(args: string[], stdin?: string): Promise<Result> {
  const { io, r } = capture();
  const code = await dpctlMain([`--rundir=${daemon.rundir}`, ...args], io, stdin === undefined ? {} : { stdin: async () => stdin });
  return { code, ...r };
}

async function ok(...args: string[]): Promise<string> {
  const r = await dp(args);
  assert.equal(r.err, '', `${args.join(' ')}: ${r.err}`);
  assert.equal(r.code, 0, args.join(' '));
  return r.out;
}

async function fails(expected: string, ...args: string[]): Promise<void> {
  const r = await dp(args);
  assert.equal(r.err, `tsovs-dpctl: ${expected}\n`, args.join(' '));
  assert.equal(r.code, 1, args.join(' '));
  assert.equal(r.out, '');
}

const ARP = 'recirc_id(0),in_port(2),eth_type(0x0806)';
const UDP = 'recirc_id(0),in_port(p2),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(src=1.1.1.1,dst=2.2.2.2,proto=17,tos=0,ttl=64,frag=no),udp(src=1,dst=2)';

function flowLines(dump: string): string[] {
  const lines = dump.split('\n').filter((l) => l);
  assert.equal(lines[0], 'flow-dump from the main thread:');
  return lines.slice(1);
}

before(async () => {
  daemon = await spawnDaemon(tmpRundir());
  const { io, r } = capture();
  const code = await vsctlMain([
    `--rundir=${daemon.rundir}`, 'add-br', 'br0', '--', 'set-fail-mode', 'br0', 'secure', '--', 'add-port', 'br0', 'p1',
    '--', 'add-port', 'br0', 'p2', '--', 'set', 'Open_vSwitch', '.', 'other_config:max-idle=600000',
  ], io);
  assert.equal(code, 0, r.err);
});

after(async () => {
  await daemon?.stop();
  killAll();
});

test('dump-dps and show list the datapath and its ports', async () => {
  assert.equal(await ok('dump-dps'), 'netdev@ovs-netdev\n');
  const show = await ok('show');
  assert.match(show, /^netdev@ovs-netdev:\n {2}lookups: hit:\d+ missed:\d+ lost:\d+\n {2}flows: \d+\n/);
  assert.match(show, /\n {2}port 2: p1 \(dummy\)\n {2}port 3: p2 \(dummy\)\n$/);
  assert.equal(await ok('show', 'netdev@ovs-netdev'), show.replace(/flows: \d+/, (m) => m));
  const stats = await ok('-s', 'show');
  assert.match(stats, /\n {2}port 2: p1 \(dummy\)\n {4}RX packets:0 errors:0 dropped:0 overruns:\? frame:\?\n {4}TX packets:0 errors:0 dropped:0 aborted:\? carrier:\?\n {4}collisions:\?\n {4}RX bytes:0 {2}TX bytes:0\n/);
  await fails('opening datapath nosuch failed (No such device)', 'show', 'nosuch');
});

test('add-flow, dump-flows, mod-flow, get-flow, del-flow', async () => {
  await ok('del-flows');
  assert.equal(await ok('add-flow', ARP, 'drop'), '');
  assert.equal(await ok('add-flow', 'netdev@ovs-netdev', UDP, '3'), '');
  const lines = flowLines(await ok('dump-flows'));
  assert.deepEqual(lines.sort(), [
    'recirc_id(0),in_port(2),eth_type(0x0806), packets:0, bytes:0, used:never, actions:drop',
    'recirc_id(0),in_port(3),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(src=1.1.1.1,dst=2.2.2.2,proto=17,tos=0,ttl=64,frag=no),udp(src=1,dst=2), packets:0, bytes:0, used:never, actions:3',
  ]);
  // -m: ufids and port names.
  const verbose = flowLines(await ok('dump-flows', '-m'));
  const udp = verbose.find((l) => l.includes('udp('))!;
  assert.match(udp, /^ufid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}, .*in_port\(p2\).*actions:p2$/);
  const ufid = /^(ufid:[^,]+),/.exec(udp)![1]!;
  assert.match(await ok('get-flow', ufid), /eth_type\(0x0800\).*actions:3\n$/);
  // filter= takes the OpenFlow match syntax.
  assert.deepEqual(flowLines(await ok('dump-flows', 'filter=arp')), [lines.find((l) => l.includes('0x0806'))]);
  assert.deepEqual(flowLines(await ok('dump-flows', 'filter=udp,tp_dst=2')).length, 1);
  assert.deepEqual(flowLines(await ok('dump-flows', 'filter=tcp')), []);

  await fails('updating flow table (File exists)', 'add-flow', ARP, 'drop');
  assert.equal(await ok('mod-flow', ARP, '2'), '');
  assert.match(await ok('dump-flows'), /eth_type\(0x0806\), packets:0, bytes:0, used:never, actions:2\n/);
  await fails('updating flow table (No such file or directory)', 'mod-flow', 'recirc_id(0),in_port(3),eth_type(0x0806)', '2');
  assert.equal(await ok('-s', '--may-create', 'mod-flow', 'recirc_id(0),in_port(3),eth_type(0x0806)', '2'), 'packets:0, bytes:0, used:never\n');
  assert.equal(await ok('-s', 'del-flow', 'recirc_id(0),in_port(3),eth_type(0x0806)'), 'packets:0, bytes:0, used:never\n');
  const r = await dp(['del-flow', 'recirc_id(0),in_port(3),eth_type(0x0806)']);
  assert.equal(r.code, 1);
  assert.equal(r.err, 'tsovs-dpctl: deleting flow (No such file or directory)\nPerhaps you need to specify a UFID?\n');
  assert.equal(await ok('del-flow', ufid), '');
  await fails('getting flow (No such file or directory)', 'get-flow', ufid);
  assert.equal(flowLines(await ok('dump-flows')).length, 1);
  assert.equal(await ok('del-flows'), '');
  assert.deepEqual(flowLines(await ok('dump-flows')), []);
});

test('add-flows, mod-flows and del-flows from a file and from standard input', async () => {
  await ok('del-flows');
  const file = path.join(daemon.rundir, 'flows.txt');
  fs.writeFileSync(file, `# datapath flows\n${ARP} drop\n\nbogus\nadd ${UDP} 3\n`);
  const r = await dp(['add-flows', file]);
  assert.equal(r.code, 0);
  assert.equal(r.err, 'tsovs-dpctl: Failed parsing line number 4, skipped!\n');
  assert.equal(flowLines(await ok('dump-flows')).length, 2);
  const m = await dp(['mod-flows', '-'], `${ARP} 2\n`);
  assert.equal(m.code, 0, m.err);
  assert.match(await ok('dump-flows'), /eth_type\(0x0806\), packets:0, bytes:0, used:never, actions:2\n/);
  const d = await dp(['del-flows', '-'], `${ARP}\ndelete ${UDP}\n${ARP}\n`);
  assert.equal(d.code, 0);
  assert.equal(d.err, 'tsovs-dpctl: deleting flow (No such file or directory)\nPerhaps you need to specify a UFID?\n');
  assert.deepEqual(flowLines(await ok('dump-flows')), []);
  await fails(`Opening file "${file}.missing" failed (No such file or directory)`, 'add-flows', `${file}.missing`);
});

test('errors: bad flows and actions, arguments, unknown verbs, read-only, no daemon', async () => {
  await fails("parsing flow key (in_port(zz): unknown port name 'zz') (Invalid argument)", 'add-flow', 'in_port(zz)', 'drop');
  await fails('parsing actions (Invalid argument)', 'add-flow', ARP, 'frobnicate');
  await fails('datapath not found (Invalid argument)', 'add-flow', 'nosuch', ARP, 'drop');
  await fails("unknown command 'frob'; use --help for help", 'frob');
  await fails('missing command name; use --help for help');
  await fails("'add-flow' command requires at least 2 arguments", 'add-flow', ARP);
  await fails("'dump-dps' command takes at most 0 arguments", 'dump-dps', 'x');
  await fails("'del-flows' command does not work in read only mode", '--read-only', 'del-flows');
  await fails("unrecognized option '--frob'", '--frob', 'show');
  await fails("'add-dp' is not supported: tsovs-vswitchd creates datapaths and ports from its bridges (use tsovs-vsctl)", 'add-dp', 'x');
  const empty = tmpRundir();
  const { io, r } = capture();
  assert.equal(await dpctlMain([`--rundir=${empty}`, 'show'], io), 1);
  assert.equal(r.err, `tsovs-dpctl: cannot read pidfile "${path.join(empty, 'tsovs-vswitchd.pid')}" (No such file or directory)\n`);
  fs.rmSync(empty, { recursive: true, force: true });
});

test('the tsovs-dpctl executable', async () => {
  const r = await runBin('tsovs-dpctl', [`--rundir=${daemon.rundir}`, 'dump-dps']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'netdev@ovs-netdev\n');
  const e = await runBin('tsovs-dpctl', [`--rundir=${daemon.rundir}`, 'add-flow', 'in_port(zz)', 'drop']);
  assert.equal(e.code, 1);
  assert.equal(e.stderr.split('\n').length, 2, 'one line, no stack trace');
});
