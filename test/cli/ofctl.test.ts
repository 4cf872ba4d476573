/*
 * tsovs-ofctl against a tsovs switch (ofproto + connection manager listening on
 * <dir>/br0.mgmt, the socket tsovs-vswitchd gives each bridge), compared line by line with
 * the real ovs-ofctl (Debian's openvswitch-common) on a twin switch: every verb, the
 * OpenFlow versions, --names/--sort/--no-stats/--strict/--bundle, files, errors (the
 * switch's error replies printed with the offending request, parse errors naming the
 * token, connection errors), and monitor. Both tools must print the same bytes, transaction
 * ids included, after durations and ages are masked.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ofctlMain } from '../../src/cli/ofctl/ofctl.js';
import type { Output } from '../../src/cli/cli-util.js';
import { ofctl as ovsOfctl, startSwitch, waitFor, type Fixture } from '../openflow/switch-fixture.js';

interface Result {
  code: number;
  out: string;
  err: string;
}

async function tsovs(args: string[], o: { stdin?: string; signal?: AbortSignal; io?: Output } = {}): Promise<Result> {
  const r = { out: '', err: '' };
  const io: Output = o.io ?? { out: (s) => (r.out += s), err: (s) => (r.err += s) };
  const code = await ofctlMain(args, io, {
    interactive: false,
    ...(o.stdin !== undefined ? { stdin: async () => o.stdin! } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  return { code, ...r };
}

/** Masks what legitimately differs between runs: times, ages, the program and socket names. */
function norm(s: string, f: Fixture): string {
  return s
    .split(f.dir).join('DIR')
    .replace(/duration[=:][0-9.]+s/g, 'duration=D')
    .replace(/idle_age=[0-9]+/g, 'idle_age=I')
    .replace(/ hard_age=[0-9]+,/g, '') // shown only when it differs from the duration in whole seconds: timing
    .replace(/tsovs-ofctl|ovs-ofctl/g, 'PROG')
    .split('\n')
    .filter((l) => !/^20\d\d-\d\d-\d\dT[\d:.]+Z\|\d+\|/.test(l)) // ovs-ofctl's log lines
    .join('\n');
}

let A: Fixture; // driven by ovs-ofctl
let B: Fixture; // driven by tsovs-ofctl

before(async () => {
  A = await startSwitch({ ports: 3, failMode: 'secure' });
  B = await startSwitch({ ports: 3, failMode: 'secure' });
});

after(async () => {
  await A?.close();
  await B?.close();
});

/** Runs the same command with both tools (SW stands for the switch) and asserts equal output. */
async function same(...args: string[]): Promise<Result> {
  const ra = await ovsOfctl(args.map((a) => a.split('SW').join(A.mgmt)));
  const rb = await tsovs(args.map((a) => a.split('SW').join(B.mgmt)));
  const label = args.join(' ');
  assert.equal(norm(rb.err, B), norm(ra.stderr, A), `stderr of ${label}`);
  assert.equal(norm(rb.out, B), norm(ra.stdout, A), `stdout of ${label}`);
  assert.equal(rb.code, ra.code, `exit status of ${label}`);
  return rb;
}

async function sameAll(lines: string[][]): Promise<void> {
  for (const l of lines) await same(...l);
}

describe('same output as ovs-ofctl', () => {
  test('switch description, tables, ports in every version', async () => {
    for (const v of [[], ['-O', 'OpenFlow13'], ['-O', 'OpenFlow14'], ['-O', 'OpenFlow15'], ['-O', 'OpenFlow10,OpenFlow13']]) {
      for (const verb of ['show', 'dump-desc', 'dump-tables', 'dump-ports', 'dump-ports-desc', 'dump-flows', 'dump-aggregate', 'get-frags', 'probe']) {
        await same(...v, verb, 'SW');
      }
    }
    const r = await same('show', 'SW');
    assert.match(r.out, /^OFPT_FEATURES_REPLY \(xid=0x2\): dpid:0000aa55aa550000\n/);
    assert.match(r.out, /\n 1\(p1\): addr:aa:55:aa:55:00:01\n {5}config: {5}0\n/);
    assert.match(r.out, /\nOFPT_GET_CONFIG_REPLY \(xid=0x4\): frags=normal miss_send_len=0\n$/);
    const p = await same('dump-ports', 'SW');
    assert.match(p.out, /^OFPST_PORT reply \(xid=0x2\): 4 ports\n {2}port {2}1: rx pkts=0, bytes=0, drop=0, errs=0, frame=\?, over=\?, crc=\?\n/);
  });

  test('flow table verbs with names, sorting, filters, strict, versions', async () => {
    await sameAll([
      ['del-flows', 'SW'],
      ['add-flow', 'SW', 'priority=10,ip,nw_dst=10.0.0.1,actions=output:2'],
      ['add-flow', 'SW', 'table=1,priority=5,reg0=5,actions=resubmit(,2)'],
      ['add-flow', 'SW', 'cookie=0x10,in_port=p1,actions=output:p2'],
      ['add-flow', 'SW', 'ipv6,ipv6_src=::1,actions=drop'],
      ['add-flow', 'SW', 'tcp,tp_dst=80,idle_timeout=60,hard_timeout=100,actions=mod_nw_dst:1.2.3.4,output:3'],
      ['add-flow', 'SW', 'udp,tp_src=53,priority=7,send_flow_rem,actions=output:1'],
      ['add-flow', 'SW', 'arp,priority=7,actions=NORMAL'],
      ['dump-flows', 'SW'],
      ['dump-flows', 'SW', '--names'],
      ['dump-flows', 'SW', '--no-stats'],
      ['--sort', 'dump-flows', 'SW'],
      ['--rsort=in_port', 'dump-flows', 'SW'],
      ['--sort=tp_dst', '--rsort=nw_dst', 'dump-flows', 'SW'],
      ['dump-flows', 'SW', 'table=1'],
      ['dump-flows', 'SW', 'cookie=0x10/-1'],
      ['dump-flows', 'SW', 'in_port=1'],
      ['dump-flows', 'SW', 'out_port=2'],
      ['-O', 'OpenFlow13', 'dump-flows', 'SW'],
      ['-O', 'OpenFlow15', 'dump-flows', 'SW', '--names'],
      ['-O', 'OpenFlow13', 'dump-flows', 'SW', '--no-stats', '--names', 'table=1'],
      // getopt_long's rules: unique prefixes, grouped short options, a value in the same word, the last -O wins.
      ['--rso=in_port', '--no-st', 'dump-flows', 'SW', '--nam'],
      ['-mO', 'OpenFlow13', 'dump-flows', 'SW'],
      ['-OOpenFlow10', '-O', 'OpenFlow14', '--names', '--no-names', 'dump-flows', 'SW', '--', 'table=0'],
      ['dump-aggregate', 'SW', 'ip'],
      ['-O', 'OpenFlow13', 'dump-aggregate', 'SW'],
      ['mod-flows', 'SW', 'ip,actions=drop'],
      ['--strict', 'mod-flows', 'SW', 'priority=7,udp,actions=output:2'],
      ['dump-flows', 'SW'],
      ['--strict', 'del-flows', 'SW', 'priority=10,ip,nw_dst=10.0.0.1'],
      ['del-flows', 'SW', 'tcp'],
      ['del-flows', 'SW', 'cookie=0x10/-1'],
      ['dump-flows', 'SW'],
      ['-O', 'OpenFlow13', 'add-flow', 'SW', 'table=9,ip,actions=meter:1,goto_table:10'],
      ['-O', 'OpenFlow15', 'dump-flows', 'SW'],
    ]);
  });

  test('errors from the switch and from parsing', async () => {
    await sameAll([
      ['add-flow', 'SW', 'in_port=1,actions=group:5'],
      ['-O', 'OpenFlow13', 'add-flow', 'SW', 'in_port=1,actions=group:5'],
      ['add-flow', 'SW', 'in_port=1,actions=foo'],
      ['add-flow', 'SW', 'in_port=1,frob=3,actions=drop'],
      ['add-flow', 'SW', 'table=300,actions=drop'],
      ['add-flow', 'SW', 'priority=70000,actions=drop'],
      ['add-flow', 'SW', 'tcp,tp_dst=99999,actions=drop'],
      ['add-flow', 'SW', 'in_port=1'],
      ['add-flow', 'SW', 'cookie=5/-1,actions=drop'],
      ['del-flows', 'SW', 'cookie=5'],
      ['dump-flows', 'SW', 'in_port=1,actions=drop'],
      ['add-flow', 'SW', 'ip,actions=meter:1,output:1'],
      ['add-flow', 'SW'],
      ['add-flow', 'SW', 'actions=drop', 'extra'],
      ['frob', 'SW'],
      ['show'],
      ['-t', '0', 'show', 'SW'],
      ['-O', 'OpenFlow99', 'show', 'SW'],
      ['-O', 'OpenFlow11', 'show', 'SW'],
      ['--sort=frob', 'dump-flows', 'SW'],
      ['show', 'tcp:127.0.0.1:1'],
      ['show', 'unix:/nonexistent/br0.mgmt'],
      ['show', 'foo:bar'],
      ['show', '/nonexistent/socket'],
      ['dump-ports', 'SW', 'p9'],
      ['mod-port', 'SW', 'p9', 'up'],
      ['mod-port', 'SW', 'p2', 'frob'],
      ['set-frags', 'SW', 'frob'],
    ]);
  });

  test('groups and meters', async () => {
    await sameAll([
      ['add-group', 'SW', 'group_id=1,type=all,bucket=output:1,bucket=output:2'],
      ['-O', 'OpenFlow13', 'add-group', 'SW', 'group_id=2,type=select,bucket=weight:10,actions=output:1,bucket=weight:20,actions=output:2'],
      ['-O', 'OpenFlow15', 'add-group', 'SW', 'group_id=3,type=ff,bucket=watch_port:1,actions=output:1,bucket=watch_port:2,actions=output:2'],
      ['add-group', 'SW', 'group_id=4,type=indirect,bucket=actions=mod_dl_src:00:11:22:33:44:55,output:3'],
      ['add-group', 'SW', 'group_id=1,type=all,bucket=output:1'],
      ['add-group', 'SW', 'group_id=5,type=foo'],
      ['add-group', 'SW', 'group_id=5,type=indirect,bucket=output:1,bucket=output:2'],
      ['add-group', 'SW', 'type=all'],
      ['dump-groups', 'SW'],
      ['-O', 'OpenFlow13', 'dump-groups', 'SW'],
      ['-O', 'OpenFlow15', 'dump-groups', 'SW'],
      ['-O', 'OpenFlow15', 'dump-groups', 'SW', '2'],
      ['dump-group-stats', 'SW'],
      ['-O', 'OpenFlow13', 'dump-group-stats', 'SW', 'group_id=2'],
      ['dump-group-features', 'SW'],
      ['-O', 'OpenFlow13', 'dump-group-features', 'SW'],
      ['mod-group', 'SW', 'group_id=1,type=all,bucket=output:3'],
      ['mod-group', 'SW', 'group_id=9,type=all,bucket=output:3'],
      ['--may-create', 'mod-group', 'SW', 'group_id=9,type=all,bucket=output:3'],
      ['-O', 'OpenFlow15', 'insert-buckets', 'SW', 'group_id=1,command_bucket_id=last,bucket=bucket_id:7,actions=output:2'],
      ['-O', 'OpenFlow15', 'remove-buckets', 'SW', 'group_id=1,command_bucket_id=7'],
      ['-O', 'OpenFlow15', 'dump-groups', 'SW', '1'],
      ['del-groups', 'SW', 'group_id=9'],
      ['del-groups', 'SW'],
      ['dump-groups', 'SW'],
      ['add-meter', 'SW', 'meter=1,kbps,band=type=drop,rate=1000'],
      ['-O', 'OpenFlow13', 'add-meter', 'SW', 'meter=1,kbps,burst,stats,band=type=drop,rate=1000,burst_size=10'],
      ['-O', 'OpenFlow13', 'add-meter', 'SW', 'meter=2,pktps,band=type=dscp_remark,rate=100,prec_level=1,type=drop,rate=200'],
      ['-O', 'OpenFlow13', 'add-meter', 'SW', 'meter=3,pktps,band=type=drop,rate=200'],
      ['-O', 'OpenFlow13', 'add-meter', 'SW', 'meter=4,pktps'],
      ['-O', 'OpenFlow13', 'add-meter', 'SW', 'meter=5,kbps,band=type=drop,rate=1,burst_size=3'],
      ['-O', 'OpenFlow13', 'dump-meters', 'SW'],
      ['-O', 'OpenFlow13', 'dump-meters', 'SW', 'meter=3'],
      ['-O', 'OpenFlow13', 'dump-meters', 'SW', 'meter=9'],
      ['-O', 'OpenFlow13', 'meter-stats', 'SW'],
      ['-O', 'OpenFlow15', 'meter-stats', 'SW', 'meter=1'],
      ['-O', 'OpenFlow13', 'meter-features', 'SW'],
      ['-O', 'OpenFlow13', 'mod-meter', 'SW', 'meter=3,kbps,band=type=drop,rate=300'],
      ['-O', 'OpenFlow13', 'mod-meter', 'SW', 'meter=9,kbps,band=type=drop,rate=300'],
      ['-O', 'OpenFlow13', 'del-meters', 'SW', 'meter=3'],
      ['-O', 'OpenFlow13', 'del-meters', 'SW'],
      ['-O', 'OpenFlow13', 'dump-meters', 'SW'],
    ]);
  });

  test('flow files: add-flows, replace-flows, diff-flows, --bundle', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-ofctl-'));
    const write = (name: string, text: string): string => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, text);
      return p;
    };
    const f1 = write('flows1.txt', 'priority=5,in_port=1,actions=output:2\n# comment\n\ntable=1,ip,actions=drop   # trailing\ncookie=0x5,arp,actions=NORMAL\n');
    const f2 = write('flows2.txt', 'priority=5,in_port=1,actions=output:3\ncookie=0x5,arp,actions=NORMAL\nudp,actions=drop\n');
    const bad = write('bad.txt', 'in_port=1,actions=bogus\n');
    const d1 = write('d1.txt', 'priority=5,in_port=1,actions=output:2\ntable=1,ip,actions=drop\ncookie=0x5,arp,actions=NORMAL\ntcp,tp_dst=80,actions=drop\nudp,actions=drop\npriority=100,ip,nw_src=1.2.3.4,actions=drop\n');
    const d2 = write('d2.txt', 'priority=5,in_port=1,actions=output:3\nicmp,actions=drop\ntcp,tp_dst=81,actions=drop\npriority=100,ip,nw_src=1.2.3.5,actions=drop\n');
    const mixed = write('mixed.txt', 'add priority=9,in_port=2,actions=output:1\ndelete in_port=1\nmodify arp,actions=drop\n');
    await sameAll([
      ['del-flows', 'SW'],
      ['add-flows', 'SW', f1],
      ['dump-flows', 'SW'],
      ['add-flows', 'SW', bad],
      ['add-flows', 'SW', path.join(dir, 'missing.txt')],
      ['add-flows', 'SW', mixed],
      ['dump-flows', 'SW'],
      ['replace-flows', 'SW', f2],
      ['dump-flows', 'SW'],
      ['diff-flows', 'SW', f1],
      ['diff-flows', f1, f2],
      ['diff-flows', f2, 'SW'],
      ['diff-flows', d1, d2],
      ['diff-flows', d2, d1],
      ['diff-flows', f1, f1],
      ['--readd', 'replace-flows', 'SW', f2],
      ['--bundle', 'replace-flows', 'SW', f1],
      ['--bundle', 'add-flow', 'SW', 'in_port=3,actions=output:1'],
      ['--bundle', 'add-flows', 'SW', f2],
      ['-O', 'OpenFlow13', 'dump-flows', 'SW'],
      ['--bundle', 'add-flow', 'SW', 'in_port=3,actions=group:99'],
      ['dump-flows', 'SW'],
    ]);
    // "-" reads the flows from standard input.
    const r = await tsovs(['add-flows', B.mgmt, '-'], { stdin: 'priority=77,in_port=2,actions=drop\n' });
    assert.equal(r.code, 0, r.err);
    assert.match((await tsovs(['dump-flows', B.mgmt])).out, / priority=77,in_port=2 actions=drop\n/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('ports and packets: dump-ports, mod-port, packet-out', async () => {
    const arp = 'ffffffffffff00112233445508060001080006040001001122334455c0a80001000000000000c0a80002';
    await sameAll([
      ['dump-ports', 'SW', '2'],
      ['dump-ports', 'SW', 'p3'],
      ['dump-ports', 'SW', 'LOCAL'],
      ['-O', 'OpenFlow13', 'dump-ports', 'SW', '1'],
      ['dump-ports-desc', 'SW', '1'],
      ['-O', 'OpenFlow15', 'dump-ports-desc', 'SW', '1'],
      ['mod-port', 'SW', 'p1', 'down'],
      ['mod-port', 'SW', 'p2', 'no-flood'],
      ['mod-port', 'SW', 'p2', 'noreceive'],
      ['dump-ports-desc', 'SW'],
      ['mod-port', 'SW', '1', 'up'],
      ['-O', 'OpenFlow13', 'show', 'SW'],
      ['packet-out', 'SW', `in_port=1,packet=${arp},actions=output:2`],
      ['packet-out', 'SW', 'in_port=1 packet=ffffffffffff001122334455 actions=output:2'],
      ['packet-out', 'SW', 'in_port=1 packet=zz actions=output:2'],
      ['packet-out', 'SW', 'in_port=1 actions=output:2'],
      ['packet-out', 'SW', `in_port=p1 packet=${arp} actions=output:p2,bogus`],
      ['packet-out', 'SW', '1', 'output:2', arp, arp],
      ['packet-out', 'SW', '1', 'output:2'],
      ['-O', 'OpenFlow15', 'packet-out', 'SW', `in_port=1,packet=${arp},actions=output:2`],
      ['-O', 'OpenFlow13', 'packet-out', 'SW', `in_port=LOCAL,packet=${arp},actions=group:77`],
      ['dump-ports', 'SW'],
      ['set-frags', 'SW', 'drop'],
      ['get-frags', 'SW'],
      ['queue-stats', 'SW'],
      ['-O', 'OpenFlow13', 'queue-stats', 'SW', '1'],
      ['queue-get-config', 'SW'],
      ['-O', 'OpenFlow14', 'queue-get-config', 'SW', '1'],
      ['ct-flush-zone', 'SW', '5'],
      ['ct-flush-zone', 'SW', 'x'],
    ]);
    const p = await tsovs(['ping', B.mgmt, '10']);
    assert.equal(p.code, 0, p.err);
    const lines = p.out.split('\n').filter((l) => l);
    assert.equal(lines.length, 10);
    for (const l of lines) assert.match(l, new RegExp(`^10 bytes from ${B.mgmt}: xid=[0-9a-f]{8} time=\\d+\\.\\d ms$`));
  });
});

test('monitor prints what the switch sends, as ovs-ofctl monitor does', async () => {
  const arp = 'ffffffffffff00112233445508060001080006040001001122334455c0a80001000000000000c0a80002';
  const ctl = path.join(A.dir, 'monitor.ctl');
  const ovs = spawn('ovs-ofctl', [`--unixctl=${ctl}`, 'monitor', A.mgmt, '65535', 'watch:table=4'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let ovsErr = '';
  let ovsOut = '';
  ovs.stderr.on('data', (d: Buffer) => (ovsErr += d.toString()));
  ovs.stdout.on('data', (d: Buffer) => (ovsOut += d.toString()));
  const abort = new AbortController();
  let ourErr = '';
  let ourOut = '';
  const mon = tsovs(['monitor', B.mgmt, '65535', 'watch:table=4'], { signal: abort.signal, io: { out: (s) => (ourOut += s), err: (s) => (ourErr += s) } });
  // ovs-ofctl creates its control socket once the switch has its miss_send_len, flow monitor
  // and packet-in format; tsovs-ofctl's connection to B shows the same settings there.
  await waitFor(() => fs.existsSync(ctl), 10000, `ovs-ofctl monitor ready (${ovsErr})`);
  await waitFor(() => B.mgr.conns.some((c) => c.monitors.size > 0 && c.packetInFormat === 2 && c.missSendLen === 65535), 10000, `tsovs-ofctl monitor ready (${ourErr})`);
  for (const f of [A, B]) {
    const r = await ovsOfctl(['packet-out', f.mgmt, `in_port=1,packet=${arp},actions=controller`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await ovsOfctl(['mod-port', f.mgmt, 'p3', 'down'])).code, 0);
    assert.equal((await ovsOfctl(['mod-port', f.mgmt, 'p3', 'up'])).code, 0);
    for (const args of [['add-flow', f.mgmt, 'table=4,priority=9,tcp,actions=output:2'], ['mod-flows', f.mgmt, 'table=4,tcp,actions=output:3'], ['del-flows', f.mgmt, 'table=4,tcp'], ['add-flow', f.mgmt, 'table=5,actions=drop']]) {
      assert.equal((await ovsOfctl(args)).code, 0);
    }
  }
  await waitFor(() => ovsErr.split('DELETED').length === 2 && ourErr.split('DELETED').length === 2, 10000, 'both monitors print the DELETED update');
  ovs.kill('SIGTERM');
  abort.abort();
  assert.equal((await mon).code, 0);
  const expected = ovsErr.split('\n').filter((l) => !l.includes('|fatal_signal|')).join('\n');
  assert.equal(ourErr, expected);
  assert.equal(ourOut, ovsOut);
  assert.match(ourOut, /^NXST_FLOW_MONITOR reply \(xid=0x[0-9a-f]+\):\n$/);
  assert.match(ourErr, /\nNXST_FLOW_MONITOR reply \(xid=0x0\):\n event=MODIFIED table=4 cookie=0 tcp actions=output:3\n/);
  assert.match(ourErr, /^NXT_PACKET_IN2 \(xid=0x0\): total_len=42 in_port=1 \(via action\) data_len=42 \(unbuffered\)\narp,vlan_tci=0x0000,dl_src=00:11:22:33:44:55,/);
  assert.match(ourErr, /OFPT_PORT_STATUS \(xid=0x0\): MOD: 3\(p3\): addr:aa:55:aa:55:00:03\n {5}config: {5}PORT_DOWN\n/);
});

test('a bridge name is found in the run directory; a missing one is an error', async () => {
  const r = await tsovs([`--rundir=${B.dir}`, 'dump-flows', 'br0']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^NXST_FLOW reply \(xid=0x4\):\n/);
  const e = await tsovs([`--rundir=${B.dir}`, 'show', 'br9']);
  assert.equal(e.code, 1);
  assert.equal(e.err, 'tsovs-ofctl: br9 is not a bridge or a socket\n');
  assert.equal(e.out, '');
});

test('help, version and option errors', async () => {
  const h = await tsovs(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.out, /^tsovs-ofctl: OpenFlow switch management utility\nusage: tsovs-ofctl \[OPTIONS\] COMMAND \[ARG\.\.\.\]\n/);
  const v = await tsovs(['-V']);
  assert.match(v.out, /^tsovs-ofctl \(tsovs\) \d+\.\d+\.\d+\nOpenFlow versions 0x1:0x6\n$/);
  assert.deepEqual(await tsovs(['--frob']), { code: 1, out: '', err: "tsovs-ofctl: unrecognized option '--frob'\n" });
  assert.deepEqual(await tsovs([]), { code: 1, out: '', err: 'tsovs-ofctl: missing command name; use --help for help\n' });
});
