/*
 * IPv6 tunnels configured the way OVS users do it: two tsovs-vswitchd daemons in two
 * namespaces joined by an IPv6 underlay, `tsovs-vsctl add-port br vx0 -- set interface vx0
 * type=vxlan options:remote_ip=fd00::2 options:key=5`, NORMAL switching, and hosts behind
 * them ping each other; dpif/show, dpif/dump-flows and ofproto/trace show the IPv6 tunnel
 * fields as OVS prints them. Then a remote_ip=flow port driven by an OpenFlow
 * `set_field:fd00::2->tun_ipv6_dst` carries the pings instead.
 *
 *   [nsH1 eth0] -- sA [nsU1: vswitchd brA] u1 ==fd00::/64== u2 [nsU2: vswitchd brB] sB -- [nsH2 eth0]
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { killAll, runBin, spawnDaemon, tmpRundir, type RunningDaemon } from '../cli/daemon-process.js';
import { requireNetns, run, Sandbox } from './netns.js';

requireNetns('ethtool');

interface Side {
  d: RunningDaemon;
  br: string;
  sys: string;
  env: NodeJS.ProcessEnv;
}

/** The datapath port number of `name` in dpif/show text. */
function dpPort(show: string, name: string): number {
  const m = new RegExp(` ${name} \\d+/(\\d+): `).exec(show);
  assert.ok(m, show);
  return Number(m[1]);
}

async function ok(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runBin(name, args, env);
  assert.equal(r.code, 0, `${name} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('tsovs-vswitchd with VXLAN over an IPv6 underlay', { timeout: 90000 }, () => {
  const sb = new Sandbox();
  let nsU1 = '';
  let nsU2 = '';
  let nsH1 = '';
  let nsH2 = '';
  let a: Side;
  let b: Side;
  const rundirs: string[] = [];

  before(async () => {
    nsU1 = sb.netns('u1');
    nsU2 = sb.netns('u2');
    nsH1 = sb.netns('h1');
    nsH2 = sb.netns('h2');
    sb.veth('u1', nsU1, 'u2', nsU2);
    for (const [ns, dev, a6] of [
      [nsU1, 'u1', 'fd00::1/64'],
      [nsU2, 'u2', 'fd00::2/64'],
    ] as const) {
      sb.exec(ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=0', `net.ipv6.conf.${dev}.disable_ipv6=0`);
      run('ip', ['-n', ns, 'addr', 'add', a6, 'dev', dev, 'nodad']);
    }
    const sA = sb.ifname('sa');
    const sB = sb.ifname('sb');
    sb.veth(sA, nsU1, 'eth0', nsH1, '192.168.86.1/24');
    sb.veth(sB, nsU2, 'eth0', nsH2, '192.168.86.2/24');
    for (const ns of [nsH1, nsH2]) {
      sb.noOffload(ns, 'eth0');
      run('ip', ['-n', ns, 'link', 'set', 'eth0', 'mtu', '1400']);
    }
    const side = async (ns: string, sys: string, brSuffix: string): Promise<Side> => {
      const rundir = tmpRundir();
      rundirs.push(rundir);
      const d = await spawnDaemon(rundir, [], { dummy: false, netns: ns });
      return { d, br: sb.ifname(brSuffix), sys, env: { ...process.env, TSOVS_RUNDIR: rundir } };
    };
    a = await side(nsU1, sA, 'ba');
    b = await side(nsU2, sB, 'bb');
  });

  after(() => {
    killAll();
    sb.cleanup();
    for (const d of rundirs) rmSync(d, { recursive: true, force: true });
  });

  test('vsctl adds vxlan ports with remote_ip=IPv6; hosts ping through NORMAL; dump-flows and trace show the tunnel', async () => {
    for (const [s, peer] of [
      [a, 'fd00::2'],
      [b, 'fd00::1'],
    ] as const) {
      await ok('tsovs-vsctl', ['add-br', s.br, '--', 'set', 'bridge', s.br, 'datapath_type=netdev', '--', 'add-port', s.br, s.sys,
        '--', 'add-port', s.br, 'vx0', '--', 'set', 'interface', 'vx0', 'type=vxlan', `options:remote_ip=${peer}`, 'options:key=5',
        'ofport_request=2'], s.env);
    }
    const show = await ok('tsovs-appctl', ['dpif/show'], a.env);
    assert.match(show, / vx0 2\/\d+: \(vxlan: key=5, remote_ip=fd00::2\)/);
    const vxB = dpPort(await ok('tsovs-appctl', ['dpif/show'], b.env), 'vx0');
    const r = await sb.ping(nsH1, '192.168.86.2', 3);
    assert.ok(r.ok, r.output + (await runBin('tsovs-appctl', ['dpif/dump-flows', a.br], a.env)).stdout);
    const r2 = await sb.ping(nsH2, '192.168.86.1', 2);
    assert.ok(r2.ok, r2.output);
    // received over IPv6: the megaflow matches the outer IPv6 addresses; sent: set(tunnel(ipv6_dst=...))
    const fb = await ok('tsovs-appctl', ['dpif/dump-flows', b.br], b.env);
    assert.match(fb, new RegExp(`tunnel\\(tun_id=0x5,ipv6_src=fd00::1,ipv6_dst=fd00::2,tos=0,flags\\(-df\\+csum\\+key\\)\\),recirc_id\\(0\\),in_port\\(${vxB}\\)`));
    assert.match(fb, new RegExp(`actions:set\\(tunnel\\(tun_id=0x5,ipv6_dst=fd00::1,ttl=64,tp_dst=4789,flags\\(df\\|csum\\|key\\)\\)\\),${vxB}\n`));
    const t = await ok('tsovs-appctl', ['ofproto/trace', a.br, 'in_port=vx0,tun_id=5,tun_ipv6_src=fd00::2,tun_ipv6_dst=fd00::1,dl_dst=ff:ff:ff:ff:ff:ff'], a.env);
    assert.match(t, /Megaflow: .*tun_id=0x5,tun_ipv6_src=fd00::2,tun_ipv6_dst=fd00::1,/);
    const t2 = await ok('tsovs-appctl', ['ofproto/trace', a.br, `in_port=${a.sys},dl_dst=ff:ff:ff:ff:ff:ff`], a.env);
    assert.match(t2, /-> output to kernel tunnel/);
    assert.match(t2, /Datapath actions: set\(tunnel\(tun_id=0x5,ipv6_dst=fd00::2,ttl=64,tp_dst=4789,flags\(df\|csum\|key\)\)\),vx0,/);
  });

  test('a remote_ip=flow port sends where set_field:fd00::2->tun_ipv6_dst says', async () => {
    await ok('tsovs-vsctl', ['del-port', a.br, 'vx0', '--', 'add-port', a.br, 'vxf', '--', 'set', 'interface', 'vxf', 'type=vxlan',
      'options:remote_ip=flow', 'options:key=5', 'ofport_request=3'], a.env);
    const ofctl = (...args: string[]): Promise<string> => ok('tsovs-ofctl', [`--rundir=${a.d.rundir}`, ...args], a.env);
    await ofctl('del-flows', a.br);
    await ofctl('add-flow', a.br, `in_port=${a.sys},actions=set_field:fd00::2->tun_ipv6_dst,output:vxf`);
    await ofctl('add-flow', a.br, `in_port=vxf,tun_ipv6_src=fd00::2,actions=output:${a.sys}`);
    await ok('tsovs-appctl', ['revalidator/purge'], a.env);
    const vxf = dpPort(await ok('tsovs-appctl', ['dpif/show'], a.env), 'vxf');
    const r = await sb.ping(nsH1, '192.168.86.2', 3);
    const fa = await ok('tsovs-appctl', ['dpif/dump-flows', a.br], a.env);
    assert.ok(r.ok, r.output + fa);
    assert.match(fa, new RegExp(`actions:set\\(tunnel\\(tun_id=0x5,ipv6_dst=fd00::2,ttl=64,tp_dst=4789,flags\\(df\\|csum\\|key\\)\\)\\),${vxf}\n`));
    assert.match(fa, new RegExp(`tunnel\\(tun_id=0x5,ipv6_src=fd00::2,ipv6_dst=fd00::1,tos=0,flags\\(-df\\+csum\\+key\\)\\),recirc_id\\(0\\),in_port\\(${vxf}\\),.* actions:\\d+\n`));
  });
});
