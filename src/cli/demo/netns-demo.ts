/*
 * `tsovs demo --netns` (root): the demo with real hosts. Each host is a network namespace
 * with a veth whose other end sits in a switch namespace and is a `system` (AF_PACKET) port
 * of a tsovs bridge doing NORMAL switching; the hosts ping each other with the real `ping`,
 * then the same report as the in-memory demo is printed. Every namespace it makes is
 * removed again, also on failure.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { AfPacketNetdev } from '../../netdev/af-packet.js';
import { Ofproto } from '../../ofproto/ofproto.js';
import { switchReport } from './demo.js';

function sh(cmd: string, args: readonly string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function ping(ns: string, addr: string, count: number): Promise<string> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', ns, 'ping', '-c', String(count), '-i', '0.2', '-W', '2', addr], { encoding: 'utf8' }, (_e, stdout) =>
      resolve(stdout),
    );
  });
}

export async function runNetnsDemo(opts: { hosts: number }): Promise<string> {
  if (process.getuid?.() !== 0) throw new Error('demo --netns needs root (it creates network namespaces)');
  const n = Math.max(2, Math.min(opts.hosts, 8));
  const tag = `tsd${process.pid % 10000}`;
  const swNs = `${tag}-sw`;
  const made: string[] = [];
  const out: string[] = [];
  const sw = new Ofproto({ autoHandle: true });
  try {
    sh('ip', ['netns', 'add', swNs]);
    made.push(swNs);
    const br = sw.addBridge('br0', { datapathType: 'netdev' });
    out.push(`bridge br0 (datapath_type=netdev, fail_mode=standalone) in namespace ${swNs}, ${n} host namespaces`);
    for (let i = 1; i <= n; i++) {
      const ns = `${tag}-h${i}`;
      const port = `${tag}p${i}`;
      sh('ip', ['netns', 'add', ns]);
      made.push(ns);
      sh('ip', ['link', 'add', 'name', port, 'netns', swNs, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      sh('ip', ['-n', ns, 'addr', 'add', `10.0.0.${i}/24`, 'dev', 'eth0']);
      for (const [where, dev] of [[ns, 'eth0'], [ns, 'lo'], [swNs, port]] as const) sh('ip', ['-n', where, 'link', 'set', dev, 'up']);
      // The userspace datapath cannot take offloaded (unchecksummed, oversized) frames, as in OVS.
      sh('ip', ['netns', 'exec', ns, 'ethtool', '-K', 'eth0', 'tx', 'off']);
      br.addPort({ name: port, netdev: new AfPacketNetdev(port, { netns: swNs }), ofportRequest: i });
      out.push(`  h${i}: namespace ${ns}, eth0 10.0.0.${i}/24 <-> ${port} (port ${i})`);
    }
    out.push('');
    for (const [from, to, count] of [[1, 2, 3], [n, 1, 2]] as const) {
      out.push(`$ ip netns exec ${tag}-h${from} ping -c ${count} 10.0.0.${to}`);
      const text = await ping(`${tag}-h${from}`, `10.0.0.${to}`, count);
      for (const l of text.split('\n')) if (/bytes from|packets transmitted/.test(l)) out.push(l);
    }
    out.push(switchReport(sw, br));
  } finally {
    sw.stop();
    for (const b of sw.bridges()) {
      for (const p of [...b.portsList]) p.netdev?.close();
      sw.delBridge(b.name);
    }
    for (const ns of made.reverse()) spawnSync('ip', ['netns', 'del', ns]);
  }
  return out.join('\n') + '\n';
}
