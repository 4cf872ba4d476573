/*
 * Tunnels over an IPv6 underlay between namespaces: two tsovs datapaths (child processes)
 * joined by VXLAN over IPv6 carry pings (tshark dissects the outer IPv6/UDP/VXLAN headers,
 * hop limit from options:ttl included); tsovs talks VXLAN over IPv6 with the Linux kernel's
 * vxlan device (fixed remote, and remote_ip=flow/key=flow with set(tunnel(ipv6_dst=...)));
 * Geneve over IPv6 between two tsovs; an IPv4 and an IPv6 tunnel on the same UDP port in
 * one datapath (dual stack).
 *
 *   [nsH1 eth0] -- s1 [nsU1: tsovs] u1 ==fd00::/64 (and 10.97.0.0/24)== u2 [nsU2] s2 -- [nsH2 eth0]
 *   [nsH3 eth0] -- s3 [nsU1]                                                [nsU2] s4 -- [nsH4 eth0]
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { requireNetns, run, Sandbox } from './netns.js';
import type { NsSwitchConfig, NsSwitchProc } from './ns-switch.js';
import { capture, kernelHas, SwitchProcs, tunnelSwitch } from './tunnel-fixture.js';

requireNetns('ethtool', 'tshark');

describe('tunnels over an IPv6 underlay between namespaces', { timeout: 120000 }, () => {
  const sb = new Sandbox();
  const procs = new SwitchProcs();
  let nsU1 = '';
  let nsU2 = '';
  let nsH1 = '';
  let nsH2 = '';
  let nsH3 = '';
  let nsH4 = '';
  let s1 = '';
  let s2 = '';
  let s3 = '';
  let s4 = '';
  let dir = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsovs-tun6-'));
    nsU1 = sb.netns('u1');
    nsU2 = sb.netns('u2');
    nsH1 = sb.netns('h1');
    nsH2 = sb.netns('h2');
    nsH3 = sb.netns('h3');
    nsH4 = sb.netns('h4');
    s1 = sb.ifname('s1');
    s2 = sb.ifname('s2');
    s3 = sb.ifname('s3');
    s4 = sb.ifname('s4');
    sb.veth('u1', nsU1, 'u2', nsU2);
    // The sandbox turns IPv6 off; the underlay needs it on (nodad: usable at once).
    for (const [ns, dev, a6, a4] of [
      [nsU1, 'u1', 'fd00::1/64', '10.97.0.1/24'],
      [nsU2, 'u2', 'fd00::2/64', '10.97.0.2/24'],
    ] as const) {
      sb.exec(ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=0', `net.ipv6.conf.${dev}.disable_ipv6=0`);
      run('ip', ['-n', ns, 'addr', 'add', a6, 'dev', dev, 'nodad']);
      run('ip', ['-n', ns, 'addr', 'add', a4, 'dev', dev]);
    }
    sb.veth(s1, nsU1, 'eth0', nsH1, '192.168.80.1/24');
    sb.veth(s2, nsU2, 'eth0', nsH2, '192.168.80.2/24');
    sb.veth(s3, nsU1, 'eth0', nsH3, '192.168.81.1/24');
    sb.veth(s4, nsU2, 'eth0', nsH4, '192.168.81.2/24');
    for (const ns of [nsH1, nsH2, nsH3, nsH4]) {
      sb.noOffload(ns, 'eth0');
      run('ip', ['-n', ns, 'link', 'set', 'eth0', 'mtu', '1400']); // room for the encapsulation
    }
  });

  after(async () => {
    await procs.stopAll();
    sb.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (ns: string, cfg: NsSwitchConfig): Promise<NsSwitchProc> => procs.start(ns, cfg);
  const stopAll = (): Promise<void> => procs.stopAll();

  test('VXLAN over IPv6 between two tsovs datapaths; tshark dissects the outer headers', async () => {
    await start(nsU1, tunnelSwitch(s1, 'vxlan', { remote_ip: 'fd00::2', local_ip: 'fd00::1', key: '100', ttl: '17' }));
    const b = await start(nsU2, tunnelSwitch(s2, 'vxlan', { remote_ip: 'fd00::1', key: '100' }));
    const pcap = join(dir, 'vxlan6.pcap');
    const cap = await capture(nsU2, 'u2', 'ip6 and udp port 4789', 4, pcap);
    try {
      const r = await sb.ping(nsH1, '192.168.80.2', 3);
      assert.ok(r.ok, r.output);
      const r2 = await sb.ping(nsH2, '192.168.80.1', 3);
      assert.ok(r2.ok, r2.output);
      const st = await b.stats();
      assert.ok(st.ports['vxlan0']!.up && st.ports['vxlan0']!.tx >= 3 && st.ports['vxlan0']!.rx >= 3, JSON.stringify(st));
      // the IPv6 tunnel fields are in the flow key of the upcall (csum: UDP over IPv6 always has one)
      assert.match(st.tunnelKeys[0] ?? '', /^tunnel\(tun_id=0x64,.*ipv6_src=fd00::1,ipv6_dst=fd00::2,.*tp_dst=4789.*flags\(csum\|key\)\)/);
      const stopper = setTimeout(() => cap.stop(), 3000);
      await cap.done;
      clearTimeout(stopper);
      const fields = ['ipv6.src', 'ipv6.dst', 'ipv6.hlim', 'ipv6.tclass', 'udp.dstport', 'vxlan.vni', 'ip.dst'];
      const d = spawnSync('tshark', ['-r', pcap, '-Y', 'vxlan && icmp', '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
      assert.equal(d.status, 0, d.stderr);
      const rows = d.stdout
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t'));
      assert.ok(rows.length >= 2, `tshark saw: ${d.stdout}`);
      // from tsovs in nsU1: hop limit 17 as configured, traffic class 0
      const fromU1 = rows.filter((c) => c[0] === 'fd00::1');
      assert.ok(fromU1.length >= 1, d.stdout);
      for (const c of fromU1) {
        assert.deepEqual(c.slice(1, 3), ['fd00::2', '17'], d.stdout);
        assert.equal(Number(c[3]), 0, d.stdout);
        assert.equal(c[4], '4789', d.stdout);
        assert.equal(Number(c[5]), 100, d.stdout);
        assert.equal(c[6], '192.168.80.2', d.stdout);
      }
    } finally {
      cap.stop();
      await stopAll();
    }
  });

  test('VXLAN over IPv6 between tsovs and the Linux kernel vxlan device', async () => {
    run('ip', ['-n', nsU2, 'link', 'add', 'vxk', 'type', 'vxlan', 'id', '200', 'remote', 'fd00::1', 'local', 'fd00::2', 'dstport', '4789']);
    run('ip', ['-n', nsU2, 'addr', 'add', '192.168.90.2/24', 'dev', 'vxk']);
    run('ip', ['-n', nsU2, 'link', 'set', 'vxk', 'up']);
    run('ip', ['-n', nsH1, 'addr', 'add', '192.168.90.1/24', 'dev', 'eth0']);
    try {
      const k = await start(nsU1, tunnelSwitch(s1, 'vxlan', { remote_ip: 'fd00::2', key: '200' }));
      const r = await sb.ping(nsH1, '192.168.90.2', 3);
      assert.ok(r.ok, r.output + JSON.stringify(await k.stats()) + run('ip', ['-n', nsU2, '-s', 'link', 'show', 'vxk']));
      const r2 = await sb.ping(nsU2, '192.168.90.1', 3);
      assert.ok(r2.ok, r2.output);
      const st0 = await k.stats();
      assert.match(st0.tunnelKeys[0] ?? '', /tun_id=0xc8,.*ipv6_src=fd00::2,ipv6_dst=fd00::1,/);
      await stopAll();
      // the same with the tunnel taken from the flow: set(tunnel(tun_id=200,ipv6_dst=fd00::2)),2
      const c = await start(nsU1, {
        ...tunnelSwitch(s1, 'vxlan', { remote_ip: 'flow', key: 'flow' }),
        setTunnel: { port: 2, tunId: 200, dst: 'fd00::2' },
      });
      const r3 = await sb.ping(nsH1, '192.168.90.2', 3);
      assert.ok(r3.ok, r3.output + JSON.stringify(await c.stats()));
      const st = await c.stats();
      assert.match(st.tunnelKeys[0] ?? '', /tun_id=0xc8,.*ipv6_src=fd00::2,ipv6_dst=fd00::1,/);
    } finally {
      await stopAll();
      run('ip', ['-n', nsU2, 'link', 'del', 'vxk']);
      run('ip', ['-n', nsH1, 'addr', 'del', '192.168.90.1/24', 'dev', 'eth0']);
    }
  });

  test('Geneve over IPv6 between two tsovs datapaths (one side remote_ip=flow)', async () => {
    await start(nsU1, tunnelSwitch(s1, 'geneve', { remote_ip: 'fd00::2', key: '300' }));
    const b = await start(nsU2, {
      ...tunnelSwitch(s2, 'geneve', { remote_ip: 'flow', local_ip: 'fd00::2', key: 'flow' }),
      setTunnel: { port: 2, tunId: 300, dst: 'fd00::1' },
    });
    try {
      const r = await sb.ping(nsH1, '192.168.80.2', 3);
      assert.ok(r.ok, r.output + JSON.stringify(await b.stats()));
      const st = await b.stats();
      assert.match(st.tunnelKeys[0] ?? '', /^tunnel\(tun_id=0x12c,.*ipv6_src=fd00::1,ipv6_dst=fd00::2,.*tp_dst=6081.*flags\(csum\|key\)\)/);
    } finally {
      await stopAll();
    }
  });

  const geneveSkip = !kernelHas('geneve', ['id', '1', 'remote', 'fd00::9']) ? 'kernel has no geneve device (CONFIG_GENEVE)' : false;

  test('Geneve over IPv6 between tsovs and the Linux kernel geneve device', { skip: geneveSkip }, async () => {
    run('ip', ['-n', nsU2, 'link', 'add', 'gnk', 'type', 'geneve', 'id', '400', 'remote', 'fd00::1']);
    run('ip', ['-n', nsU2, 'addr', 'add', '192.168.91.2/24', 'dev', 'gnk']);
    run('ip', ['-n', nsU2, 'link', 'set', 'gnk', 'up']);
    run('ip', ['-n', nsH1, 'addr', 'add', '192.168.91.1/24', 'dev', 'eth0']);
    try {
      await start(nsU1, tunnelSwitch(s1, 'geneve', { remote_ip: 'fd00::2', key: '400' }));
      const r = await sb.ping(nsH1, '192.168.91.2', 3);
      assert.ok(r.ok, r.output);
      const r2 = await sb.ping(nsU2, '192.168.91.1', 3);
      assert.ok(r2.ok, r2.output);
    } finally {
      await stopAll();
      run('ip', ['-n', nsU2, 'link', 'del', 'gnk']);
      run('ip', ['-n', nsH1, 'addr', 'del', '192.168.91.1/24', 'dev', 'eth0']);
    }
  });

  test('an IPv4 and an IPv6 VXLAN tunnel on the same UDP port in one datapath (dual stack)', async () => {
    const dual = (sysA: string, sysB: string, peer6: string, peer4: string): NsSwitchConfig => ({
      ports: [
        { type: 'system', name: sysA, no: 1 },
        { type: 'vxlan', name: 'vx6', no: 2, options: { remote_ip: peer6, key: '500' } },
        { type: 'system', name: sysB, no: 3 },
        { type: 'vxlan', name: 'vx4', no: 4, options: { remote_ip: peer4, key: '500' } },
      ],
      pairs: [
        [1, 2],
        [3, 4],
      ],
    });
    const a = await start(nsU1, dual(s1, s3, 'fd00::2', '10.97.0.2'));
    const b = await start(nsU2, dual(s2, s4, 'fd00::1', '10.97.0.1'));
    try {
      const [r6, r4] = await Promise.all([sb.ping(nsH1, '192.168.80.2', 3), sb.ping(nsH3, '192.168.81.2', 3)]);
      assert.ok(r6.ok, r6.output + JSON.stringify(await a.stats()));
      assert.ok(r4.ok, r4.output + JSON.stringify(await a.stats()));
      const st = await b.stats();
      assert.ok(st.ports['vx6']!.rx >= 3 && st.ports['vx4']!.rx >= 3, JSON.stringify(st));
      assert.ok(st.tunnelKeys.some((k) => /ipv6_src=fd00::1,ipv6_dst=fd00::2/.test(k)), st.tunnelKeys.join('\n'));
      assert.ok(st.tunnelKeys.some((k) => /src=10\.97\.0\.1,dst=10\.97\.0\.2/.test(k)), st.tunnelKeys.join('\n'));
    } finally {
      await stopAll();
    }
  });
});
