/*
 * veth throughput: [ns gen] gen-veth <-> sw-port1 [ns sw: tsovs, 2 system ports] sw-port2
 * <-> sink-veth [ns sink]. A generator (trafgen, or a small C sender compiled here) sends
 * 60-byte UDP frames (64 on the wire) for a few seconds; the switch has the output action
 * (in_port=1 -> 2, in_port=2 -> 1, installed by the tiny slow path), with 1 and 10,000
 * distinct UDP source ports. Counted: what the generator sent, what reached the sink, what
 * was lost. Real OVS (userspace datapath, AF_PACKET ports) runs the same cases through
 * /work/shared/reference-ovs/ovs-veth-bench.sh in the same run, for the ratio.
 *
 * Needs root, iproute2, the native addon; tsovs is pinned to CPU 1 and the generator to
 * CPU 0 as the OVS script does. TSOVS_BENCH_VETH_SECONDS (default 5) sets the duration,
 * TSOVS_REFERENCE_OVS (default /work/shared/reference-ovs) where the OVS script lives.
 */
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Datapath } from '../src/datapath/datapath.js';
import { AfPacketNetdev } from '../src/netdev/af-packet.js';
import { nativeAvailable } from '../src/netdev/native.js';
import { crossConnect } from '../test/netdev/slow-path.js';
import type { BenchResult } from './result.js';

const SECONDS = Number(process.env['TSOVS_BENCH_VETH_SECONDS'] ?? '5');
const OVS_DIR = process.env['TSOVS_REFERENCE_OVS'] ?? '/work/shared/reference-ovs';
const GEN_IP = '10.11.0.1';
const SINK_IP = '10.11.0.2';

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function counter(ns: string, ifname: string, what: string): number {
  return Number(sh('ip', ['netns', 'exec', ns, 'cat', `/sys/class/net/${ifname}/statistics/${what}`]).trim());
}

function macOf(ns: string, ifname: string): string {
  const m = /link\/ether ([0-9a-f:]+)/.exec(sh('ip', ['-n', ns, '-o', 'link', 'show', ifname]));
  if (m === null) throw new Error(`no MAC on ${ifname}`);
  return m[1]!;
}

function pingAsync(ns: string, addr: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', ns, 'ping', '-c', '2', '-i', '0.2', '-W', '1', '-q', addr], (err) => resolve(err === null));
  });
}

/** Our own sender for machines without trafgen: sendmmsg bursts of 60-byte UDP frames on AF_PACKET. */
const SENDER_C = `
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
enum { N = 64, LEN = 60 };
static uint16_t sum16(const uint8_t *p, int n) {
  uint32_t s = 0;
  for (int i = 0; i < n; i += 2) s += (uint32_t)(p[i] << 8 | p[i + 1]);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return (uint16_t)~s;
}
static double secs(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int c, char **v) {
  if (c != 8) { fprintf(stderr, "usage: IF DST SRC SIP DIP FLOWS SECONDS\\n"); return 2; }
  unsigned d[6], s[6];
  sscanf(v[2], "%x:%x:%x:%x:%x:%x", &d[0], &d[1], &d[2], &d[3], &d[4], &d[5]);
  sscanf(v[3], "%x:%x:%x:%x:%x:%x", &s[0], &s[1], &s[2], &s[3], &s[4], &s[5]);
  int flows = atoi(v[6]); double dur = atof(v[7]);
  int fd = socket(AF_PACKET, SOCK_RAW, 0);
  struct sockaddr_ll a = { .sll_family = AF_PACKET, .sll_ifindex = (int)if_nametoindex(v[1]) };
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("socket"); return 1; }
  int one = 1; setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
  static uint8_t f[N][LEN]; struct mmsghdr m[N]; struct iovec io[N];
  uint32_t sip, dip; inet_pton(AF_INET, v[4], &sip); inet_pton(AF_INET, v[5], &dip);
  for (int i = 0; i < N; i++) {
    uint8_t *p = f[i]; memset(p, 0, LEN);
    for (int j = 0; j < 6; j++) { p[j] = (uint8_t)d[j]; p[6 + j] = (uint8_t)s[j]; }
    p[12] = 8; p[14] = 0x45; p[17] = LEN - 14; p[22] = 64; p[23] = 17;
    memcpy(p + 26, &sip, 4); memcpy(p + 30, &dip, 4);
    uint16_t ck = sum16(p + 14, 20); p[24] = ck >> 8; p[25] = ck & 255;
    p[37] = 9; p[39] = LEN - 34;
    io[i].iov_base = p; io[i].iov_len = LEN;
    memset(&m[i], 0, sizeof m[i]); m[i].msg_hdr.msg_iov = &io[i]; m[i].msg_hdr.msg_iovlen = 1;
  }
  unsigned long long sent = 0, k = 0; double t0 = secs();
  while (secs() - t0 < dur) {
    for (int i = 0; i < N; i++) { unsigned sp = 10000 + (unsigned)(k++ % (unsigned)flows); f[i][34] = sp >> 8; f[i][35] = sp & 255; }
    int r = sendmmsg(fd, m, N, 0); if (r > 0) sent += (unsigned)r;
  }
  printf("sent %llu\\n", sent);
  return 0;
}
`;

interface Run {
  genTx: number;
  sinkRx: number;
  seconds: number;
  portRx: number;
  kernelDrops: number;
  cpu: number;
}

class Topology {
  readonly tag = `tsvb${process.pid % 100000}`;
  readonly nsGen = `${this.tag}-gen`;
  readonly nsSw = `${this.tag}-sw`;
  readonly nsSink = `${this.tag}-sink`;

  create(): void {
    for (const ns of [this.nsGen, this.nsSw, this.nsSink]) {
      sh('ip', ['netns', 'add', ns]);
      sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
      sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    sh('ip', ['link', 'add', 'gen-veth', 'netns', this.nsGen, 'type', 'veth', 'peer', 'name', 'sw-port1', 'netns', this.nsSw]);
    sh('ip', ['link', 'add', 'sw-port2', 'netns', this.nsSw, 'type', 'veth', 'peer', 'name', 'sink-veth', 'netns', this.nsSink]);
    sh('ip', ['-n', this.nsGen, 'addr', 'add', `${GEN_IP}/24`, 'dev', 'gen-veth']);
    sh('ip', ['-n', this.nsSink, 'addr', 'add', `${SINK_IP}/24`, 'dev', 'sink-veth']);
    for (const [ns, i] of [
      [this.nsGen, 'gen-veth'],
      [this.nsSink, 'sink-veth'],
      [this.nsSw, 'sw-port1'],
      [this.nsSw, 'sw-port2'],
    ] as const) {
      sh('ip', ['-n', ns, 'link', 'set', i, 'up']);
    }
  }

  destroy(): void {
    for (const ns of [this.nsGen, this.nsSw, this.nsSink]) spawnSync('ip', ['netns', 'del', ns]);
  }
}

function generatorCommand(workdir: string, topo: Topology, flows: number): string[] {
  const dmac = macOf(topo.nsSink, 'sink-veth');
  const smac = macOf(topo.nsGen, 'gen-veth');
  if (has('trafgen')) {
    const sp = flows <= 1 ? '10000' : `dinc(10000, ${10000 + flows - 1})`;
    const conf = join(workdir, 'udp.trafgen');
    writeFileSync(conf, `{\n  eth(da=${dmac}, sa=${smac}),\n  ipv4(sa=${GEN_IP}, da=${SINK_IP}, ttl=64),\n  udp(sp=${sp}, dp=9),\n  fill(0x00, 18)\n}\n`);
    return ['timeout', '-s', 'INT', String(SECONDS), 'trafgen', '--dev', 'gen-veth', '--conf', conf, '-P', '1', '--no-sock-mem'];
  }
  const bin = join(workdir, 'sender');
  if (!existsSync(bin)) {
    writeFileSync(`${bin}.c`, SENDER_C);
    sh('gcc', ['-O2', '-o', bin, `${bin}.c`]);
  }
  return ['taskset', '-c', '0', bin, 'gen-veth', dmac, smac, GEN_IP, SINK_IP, String(flows), String(SECONDS)];
}

function runGenerator(ns: string, cmd: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('ip', ['netns', 'exec', ns, ...cmd], { stdio: 'ignore' });
    p.on('exit', () => resolve());
    p.on('error', reject);
  });
}

async function runTsovs(workdir: string, flows: number): Promise<Run> {
  const topo = new Topology();
  topo.create();
  const a = new AfPacketNetdev('sw-port1', { netns: topo.nsSw });
  const b = new AfPacketNetdev('sw-port2', { netns: topo.nsSw });
  const dp = new Datapath('veth-bench', 'netdev');
  try {
    dp.portAdd(a, 1);
    dp.portAdd(b, 2);
    const sp = crossConnect(dp, [[1, 2]]);
    await pingAsync(topo.nsSink, GEN_IP);
    await pingAsync(topo.nsGen, SINK_IP);
    const cmd = generatorCommand(workdir, topo, flows);
    const g0 = counter(topo.nsGen, 'gen-veth', 'tx_packets');
    const s0 = counter(topo.nsSink, 'sink-veth', 'rx_packets');
    const r0 = a.getStats();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await runGenerator(topo.nsGen, cmd);
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    const g1 = counter(topo.nsGen, 'gen-veth', 'tx_packets');
    await new Promise((r) => setTimeout(r, 1000)); // let queues drain
    const s1 = counter(topo.nsSink, 'sink-veth', 'rx_packets');
    const r1 = a.getStats();
    sp.stop();
    const seconds = (t1 - t0) / 1000;
    return {
      genTx: g1 - g0,
      sinkRx: s1 - s0,
      seconds,
      portRx: r1.rxPackets - r0.rxPackets,
      kernelDrops: r1.rxDropped - r0.rxDropped,
      cpu: (c1.user + c1.system) / 1e6 / seconds,
    };
  } finally {
    a.close();
    b.close();
    topo.destroy();
  }
}

interface OvsRun {
  gen_tx: number;
  sink_rx: number;
  seconds: number;
  vswitchd_cores: number;
}

function runOvs(flows: number): Promise<OvsRun | null> {
  const script = join(OVS_DIR, 'ovs-veth-bench.sh');
  if (!existsSync(script) || !existsSync('/usr/sbin/ovs-vswitchd')) return Promise.resolve(null);
  const args = [script, '--mode', 'output', '--flows', String(flows), '--duration', String(SECONDS)];
  if (!has('trafgen')) args.push('--gen', 'c');
  return new Promise((resolve) => {
    execFile('bash', args, { encoding: 'utf8', timeout: (SECONDS + 60) * 1000 }, (_err, stdout) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      resolve(line === undefined ? null : (JSON.parse(line.slice(7)) as OvsRun));
    });
  });
}

function pin(cpu: string): void {
  spawnSync('taskset', ['-a', '-p', '-c', cpu, String(process.pid)], { stdio: 'ignore' });
}

export async function benchVeth(): Promise<BenchResult[]> {
  if (process.getuid?.() !== 0 || !has('ip') || !nativeAvailable()) {
    console.error('bench veth: skipped (needs root, iproute2 and the native addon: npx node-gyp rebuild)');
    return [];
  }
  const out: BenchResult[] = [];
  const workdir = mkdtempSync(join(tmpdir(), 'tsovs-vethb-'));
  const nCpu = cpus().length;
  const allCpus = `0-${nCpu - 1}`;
  try {
    for (const flows of [1, 10000]) {
      if (nCpu >= 2) pin('1');
      let t: Run;
      try {
        t = await runTsovs(workdir, flows);
      } finally {
        if (nCpu >= 2) pin(allCpus);
      }
      const label = `veth 60B UDP, output action, ${flows} flow${flows === 1 ? '' : 's'}`;
      const tPps = t.sinkRx / t.seconds;
      out.push({ name: `${label}: tsovs sink rx`, value: tPps / 1e3, unit: 'kpps' });
      out.push({ name: `${label}: tsovs generator tx`, value: t.genTx / t.seconds / 1e3, unit: 'kpps' });
      out.push({ name: `${label}: tsovs lost (of generated)`, value: t.genTx > 0 ? ((t.genTx - t.sinkRx) / t.genTx) * 100 : 0, unit: '%' });
      out.push({ name: `${label}: tsovs AF_PACKET kernel drops`, value: t.kernelDrops / t.seconds / 1e3, unit: 'kpps' });
      out.push({ name: `${label}: tsovs CPU`, value: t.cpu, unit: 'cores' });
      // Forwarded per CPU-second of the switch process: comparable even when other work shares the CPU.
      const tEff = t.cpu > 0 ? tPps / t.cpu : 0;
      out.push({ name: `${label}: tsovs sink rx per switch core`, value: tEff / 1e3, unit: 'kpps/core' });
      const o = await runOvs(flows);
      if (o === null) {
        console.error('bench veth: reference OVS not available (openvswitch-switch and ovs-veth-bench.sh); no comparison');
        continue;
      }
      const oPps = o.sink_rx / o.seconds;
      out.push({ name: `${label}: OVS sink rx`, value: oPps / 1e3, unit: 'kpps' });
      out.push({ name: `${label}: OVS lost (of generated)`, value: o.gen_tx > 0 ? ((o.gen_tx - o.sink_rx) / o.gen_tx) * 100 : 0, unit: '%' });
      out.push({ name: `${label}: OVS CPU`, value: o.vswitchd_cores, unit: 'cores' });
      const oEff = o.vswitchd_cores > 0 ? oPps / o.vswitchd_cores : 0;
      out.push({ name: `${label}: OVS sink rx per switch core`, value: oEff / 1e3, unit: 'kpps/core' });
      out.push({ name: `${label}: tsovs / OVS sink rx`, value: oPps > 0 ? tPps / oPps : 0, unit: 'ratio' });
      out.push({ name: `${label}: tsovs / OVS sink rx per switch core`, value: oEff > 0 ? tEff / oEff : 0, unit: 'ratio' });
    }
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
  return out;
}

// `node dist/bench/veth.bench.js` runs it alone.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  void benchVeth().then((r) => {
    for (const x of r) console.log(`${x.name.padEnd(70)} ${x.value.toFixed(2).padStart(10)} ${x.unit}`);
  });
}
