/*
 * `tsovs demo` (README's first command): a bridge in fail_mode standalone (OVS's default
 * priority=0 NORMAL flow) with simulated hosts on dummy ports. The hosts ARP, ping each other
 * and send UDP through NORMAL switching; then the demo prints what the switch did, with the
 * same commands and output shapes as OVS: fdb/show, dpctl/dump-flows, dpif/show,
 * ofctl dump-flows and the port counters. Needs no root.
 */
import { DummyNetdev } from '../../netdev/dummy.js';
import { Ofproto } from '../../ofproto/ofproto.js';
import type { Bridge } from '../../ofproto/bridge.js';
import { formatDpifShow } from '../../ofproto/dpif-show.js';
import { formatDumpFlows } from '../../datapath/dpctl.js';
import { formatUserdata } from '../../ofproto/xlate/userdata.js';
import { formatFlowStats } from '../../openflow/flow-syntax/flow-stats.js';
import { ruleFlowStats } from '../../openflow/rule-stats.js';
import { portMapFrom } from '../../flow/ofp-port.js';
import { SimHost, hostIp, hostMac, type Outbox } from './sim-host.js';

/**
 * What the switch did, with the commands and output shapes of OVS: fdb/show,
 * dpctl/dump-flows, dpif/show, dump-flows and the datapath port counters.
 */
export function switchReport(sw: Ofproto, br: Bridge): string {
  const out: string[] = [];
  const log = (l: string): void => {
    out.push(l);
  };
  sw.revalidate(); // pushes datapath stats into the OpenFlow rules, as the revalidators do
  const now = sw.clock.now();
  const names = new Map<number, string>();
  for (const p of br.ports()) names.set(p.ofPort, p.name);
  const dp = br.backer.dpif;

  log('');
  log('$ tsovs-appctl fdb/show br0');
  out.push(br.macs.fdbShow(now, (p) => names.get(p) ?? String(p)).trimEnd());
  log('');
  log('$ tsovs-appctl dpctl/dump-flows');
  out.push(formatDumpFlows(dp, { now, userdataFormatter: (u) => formatUserdata(u)?.slice(1) }).trimEnd());
  log('');
  log('$ tsovs-appctl dpif/show');
  out.push(formatDpifShow(sw).trimEnd());
  log('');
  log('$ tsovs-ofctl dump-flows br0');
  const ports = portMapFrom([...names].map(([n, s]) => [s, n] as const));
  const rules = br.flows();
  if (rules.ok) {
    for (const r of rules.value) out.push(' ' + formatFlowStats(ruleFlowStats(r, now), { ports }));
  }
  log('');
  log('$ tsovs-ofctl dump-ports br0   (datapath port counters)');
  for (const p of dp.portDump()) {
    const s = p.stats;
    out.push(`  port ${p.name.padEnd(8)} rx pkts=${s.rxPackets}, bytes=${s.rxBytes}   tx pkts=${s.txPackets}, bytes=${s.txBytes}, drop=${s.txDropped}`);
  }
  return out.join('\n');
}

export interface DemoResult {
  text: string;
  hosts: SimHost[];
  ofproto: Ofproto;
}

/** Runs the demo and returns its report (the CLI prints it). */
export function runDemo(opts: { hosts?: number } = {}): DemoResult {
  const nHosts = Math.max(2, Math.min(opts.hosts ?? 3, 16));
  const out: string[] = [];
  const log = (l: string): void => {
    out.push(l);
  };
  const sw = new Ofproto();
  const br = sw.addBridge('br0', { datapathType: 'dummy', failMode: 'standalone' });
  const queue: Array<{ host: SimHost; frame: Uint8Array }> = [];
  const outbox: Outbox = { push: (host, frame) => queue.push({ host, frame }) };
  const hosts: SimHost[] = [];
  for (let i = 1; i <= nHosts; i++) {
    const port = new DummyNetdev(`p${i}`, 'dummy', { capture: false });
    br.addPort({ name: `p${i}`, netdev: port, ofportRequest: i });
    hosts.push(new SimHost(`h${i}`, hostMac(i), hostIp(i), port, outbox, log));
  }
  /** Deliver queued frames into the switch and let the slow path answer misses until quiet. */
  const settle = (): void => {
    for (let rounds = 0; rounds < 10_000 && (queue.length > 0 || sw.handleUpcalls() > 0); rounds++) {
      const next = queue.shift();
      if (next !== undefined) next.host.port.receive(next.frame);
    }
  };

  log(`bridge br0 (datapath_type=dummy, fail_mode=standalone), ${nHosts} hosts on p1..p${nHosts}`);
  for (const h of hosts) log(`  ${h.name}: ${h.mac} ${h.ip} on ${h.port.name}`);
  log('');
  const [h1, h2] = [hosts[0]!, hosts[1]!];
  const last = hosts[hosts.length - 1]!;
  log(`$ ${h1.name} ping -c 3 ${h2.ip}`);
  for (let seq = 1; seq <= 3; seq++) {
    h1.ping(h2.ip, seq);
    settle();
  }
  log(`$ ${last.name} ping -c 2 ${h1.ip}`);
  for (let seq = 1; seq <= 2; seq++) {
    last.ping(h1.ip, seq);
    settle();
  }
  log(`$ ${h2.name} sends 100 UDP datagrams to ${last.ip}:5001`);
  for (let i = 0; i < 100; i++) {
    h2.udp(last.ip, 5001, 64);
    settle();
  }
  log(`  ${last.name} received ${last.udpReceived} of 100`);
  out.push(switchReport(sw, br));
  return { text: out.join('\n') + '\n', hosts, ofproto: sw };
}
