/*
 * Tunnels between namespaces: two tsovs datapaths (child processes, one per namespace)
 * joined by VXLAN and by Geneve carry pings between hosts behind them; tsovs talks VXLAN
 * with the Linux kernel's own vxlan device (fixed options, and remote_ip=flow/key=flow
 * with a set(tunnel) action); tsovs talks Geneve with the kernel's geneve device where the
 * kernel has one; tshark dissects the Geneve tsovs puts on the wire.
 *
 *   [nsH1 eth0] -- s1 [nsU1: tsovs] u1 ==underlay== u2 [nsU2: tsovs or kernel] s2 -- [nsH2 eth0]
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

describe('tunnels between namespaces', { timeout: 120000 }, () => {
  const sb = new Sandbox();
  const procs = new SwitchProcs();
  let nsU1 = '';
  let nsU2 = '';
  let nsH1 = '';
  let nsH2 = '';
  let s1 = '';
  let s2 = '';
  let dir = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsovs-tun-'));
    nsU1 = sb.netns('u1');
    nsU2 = sb.netns('u2');
    nsH1 = sb.netns('h1');
    nsH2 = sb.netns('h2');
    s1 = sb.ifname('s1');
    s2 = sb.ifname('s2');
    sb.veth('u1', nsU1, 'u2', nsU2);
    run('ip', ['-n', nsU1, 'addr', 'add', '10.96.0.1/24', 'dev', 'u1']);
    run('ip', ['-n', nsU2, 'addr', 'add', '10.96.0.2/24', 'dev', 'u2']);
    sb.veth(s1, nsU1, 'eth0', nsH1, '192.168.50.1/24');
    sb.veth(s2, nsU2, 'eth0', nsH2, '192.168.50.2/24');
    for (const ns of [nsH1, nsH2]) {
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

  test('VXLAN between two tsovs datapaths', async () => {
    const a = await start(nsU1, tunnelSwitch(s1, 'vxlan', { remote_ip: '10.96.0.2', key: '100' }));
    const b = await start(nsU2, tunnelSwitch(s2, 'vxlan', { remote_ip: '10.96.0.1', key: '100' }));
    try {
      const r = await sb.ping(nsH1, '192.168.50.2', 3);
      assert.ok(r.ok, r.output);
      const r2 = await sb.ping(nsH2, '192.168.50.1', 3);
      assert.ok(r2.ok, r2.output);
      const sa = await a.stats();
      const sbb = await b.stats();
      assert.ok(sa.ports['vxlan0']!.up && sa.ports['vxlan0']!.tx >= 3 && sa.ports['vxlan0']!.rx >= 3, JSON.stringify(sa));
      // the tunnel fields are in the flow key of the upcall
      const k = sbb.tunnelKeys[0] ?? '';
      assert.match(k, /^tunnel\(tun_id=0x64,src=10\.96\.0\.1,dst=10\.96\.0\.2,.*tp_dst=4789.*flags\(key\)\)/);
    } finally {
      await stopAll();
    }
  });

  test('VXLAN between tsovs and the Linux kernel vxlan device', async () => {
    run('ip', ['-n', nsU2, 'link', 'add', 'vxk', 'type', 'vxlan', 'id', '200', 'remote', '10.96.0.1', 'local', '10.96.0.2', 'dstport', '4789', 'dev', 'u2']);
    run('ip', ['-n', nsU2, 'addr', 'add', '192.168.60.2/24', 'dev', 'vxk']);
    run('ip', ['-n', nsU2, 'link', 'set', 'vxk', 'up']);
    run('ip', ['-n', nsH1, 'addr', 'add', '192.168.60.1/24', 'dev', 'eth0']);
    try {
      const k = await start(nsU1, tunnelSwitch(s1, 'vxlan', { remote_ip: '10.96.0.2', key: '200' }));
      const r = await sb.ping(nsH1, '192.168.60.2', 3);
      assert.ok(r.ok, r.output + JSON.stringify(await k.stats()) + run('ip', ['-n', nsU2, '-s', 'link', 'show', 'vxk']));
      const r2 = await sb.ping(nsU2, '192.168.60.1', 3);
      assert.ok(r2.ok, r2.output);
      await stopAll();
      // the same with the tunnel taken from the flow: set(tunnel(tun_id=200,dst=10.96.0.2)),2
      const c = await start(nsU1, {
        ...tunnelSwitch(s1, 'vxlan', { remote_ip: 'flow', key: 'flow' }),
        setTunnel: { port: 2, tunId: 200, dst: '10.96.0.2' },
      });
      const r3 = await sb.ping(nsH1, '192.168.60.2', 3);
      assert.ok(r3.ok, r3.output + JSON.stringify(await c.stats()));
      const st = await c.stats();
      assert.match(st.tunnelKeys[0] ?? '', /tun_id=0xc8,src=10\.96\.0\.2,dst=10\.96\.0\.1/);
    } finally {
      await stopAll();
      run('ip', ['-n', nsU2, 'link', 'del', 'vxk']);
      run('ip', ['-n', nsH1, 'addr', 'del', '192.168.60.1/24', 'dev', 'eth0']);
    }
  });

  test('Geneve between two tsovs datapaths; tshark dissects it', async () => {
    await start(nsU1, tunnelSwitch(s1, 'geneve', { remote_ip: '10.96.0.2', key: '300' }));
    const b = await start(nsU2, tunnelSwitch(s2, 'geneve', { remote_ip: '10.96.0.1', key: '300' }));
    const pcap = join(dir, 'geneve.pcap');
    const cap = await capture(nsU2, 'u2', 'udp port 6081', 4, pcap);
    try {
      const r = await sb.ping(nsH1, '192.168.50.2', 3);
      assert.ok(r.ok, r.output);
      const st = await b.stats();
      assert.match(st.tunnelKeys[0] ?? '', /^tunnel\(tun_id=0x12c,src=10\.96\.0\.1,dst=10\.96\.0\.2,.*tp_dst=6081.*flags\(key\)\)/);
      const stopper = setTimeout(() => cap.stop(), 3000); // in case fewer than 4 packets came
      await cap.done;
      clearTimeout(stopper);
      const d = spawnSync('tshark', ['-r', pcap, '-Y', 'geneve.vni == 300 && icmp', '-T', 'fields', '-e', 'geneve.vni', '-e', 'ip.dst'], {
        encoding: 'utf8',
      });
      assert.equal(d.status, 0, d.stderr);
      const lines = d.stdout.trim().split('\n').filter((l) => l !== '');
      assert.ok(lines.length >= 2, `tshark saw: ${d.stdout}`);
      // vni (tshark prints it in hex), then outer and inner ip.dst
      assert.ok(lines.every((l) => Number(l.split('\t')[0]) === 300), d.stdout);
      assert.ok(lines.some((l) => l.endsWith('10.96.0.2,192.168.50.2')), d.stdout);
    } finally {
      cap.stop();
      await stopAll();
    }
  });

  const geneveSkip = !kernelHas('geneve', ['id', '1', 'remote', '10.0.0.1']) ? 'kernel has no geneve device (CONFIG_GENEVE)' : false;

  test('Geneve between tsovs and the Linux kernel geneve device', { skip: geneveSkip }, async () => {
    run('ip', ['-n', nsU2, 'link', 'add', 'gnk', 'type', 'geneve', 'id', '400', 'remote', '10.96.0.1']);
    run('ip', ['-n', nsU2, 'addr', 'add', '192.168.70.2/24', 'dev', 'gnk']);
    run('ip', ['-n', nsU2, 'link', 'set', 'gnk', 'up']);
    run('ip', ['-n', nsH1, 'addr', 'add', '192.168.70.1/24', 'dev', 'eth0']);
    try {
      await start(nsU1, tunnelSwitch(s1, 'geneve', { remote_ip: '10.96.0.2', key: '400' }));
      const r = await sb.ping(nsH1, '192.168.70.2', 3);
      assert.ok(r.ok, r.output);
      const r2 = await sb.ping(nsU2, '192.168.70.1', 3);
      assert.ok(r2.ok, r2.output);
    } finally {
      await stopAll();
      run('ip', ['-n', nsU2, 'link', 'del', 'gnk']);
      run('ip', ['-n', nsH1, 'addr', 'del', '192.168.70.1/24', 'dev', 'eth0']);
    }
  });
});
