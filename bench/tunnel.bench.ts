/*
 * Tunnel benchmarks (vxlan over loopback), per CPU second of this process:
 *  - the set(tunnel(...)) action alone: dummy -> dummy with and without it before the output;
 *  - send: dummy port -> set(tunnel(...)),output:<vxlan> -> encapsulation -> a real UDP send,
 *    IPv4 to a counting sink in a child process, and IPv4 / IPv6 to the port's own socket
 *    (loopback has one IPv6 address, so the IPv6 datagram cannot go to another socket on
 *    the same UDP port): there it is received and dropped as matching no port (in_key
 *    differs), which costs this process a receive; the IPv4 pair shows how much;
 *  - receive: vxlan datagrams from a child process -> decapsulation -> extract -> megaflow
 *    hit -> output to a dummy port. The sender's CPU is the child's, not counted here.
 * The kernel's loopback delivery runs in the sending process's system time.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { Datapath } from '../src/datapath/datapath.js';
import { DpActionType, type DpAction } from '../src/datapath/actions.js';
import { FlowPutFlags } from '../src/datapath/dpif.js';
import { parseDpActions } from '../src/datapath/odp-actions-parse.js';
import { DummyNetdev } from '../src/netdev/dummy.js';
import { NETDEV_MAX_BURST, type Netdev, type PacketBatch } from '../src/netdev/netdev.js';
import { VxlanNetdev } from '../src/netdev/vxlan.js';
import { buildFrame } from '../src/packet/build.js';
import { Packet } from '../src/packet/packet.js';
import { FLOW_WORDS, W_ETH_TYPE, W_IN_PORT, W_IPV4_DST, W_NW, W_RECIRC_ID, W_TUN_ID, W_TUN_IPV6_SRC, W_TUN_SRC } from '../src/flow/layout.js';
import { cpuSeconds, type BenchResult } from './result.js';

const DST = 0x0a000002;

/** 64-byte Ethernet frame (60 bytes without FCS): eth + IPv4 + UDP + 18 bytes of payload. */
function frame64(): Uint8Array {
  return buildFrame({
    eth: { src: '50:54:00:00:00:01', dst: '50:54:00:00:00:02' },
    ipv4: { src: '10.0.0.1', dst: DST },
    udp: { src: 1234, dst: 5001 },
    payloadLen: 18,
  });
}

function yieldLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function freeUdpPort(family: 4 | 6): Promise<number> {
  const s = family === 6 ? createSocket({ type: 'udp6', ipv6Only: true }) : createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, family === 6 ? '::1' : '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

/*
 * The child: `sink FAMILY ADDR` binds ADDR on a free port, prints "port N", and answers each
 * stdin line with "count N" (vxlan datagrams received). `source FAMILY ADDR PORT SRCADDR HEX`
 * sends the datagram HEX from SRCADDR to ADDR:PORT as fast as it can between "start" and
 * "stop" lines. It exits when stdin closes.
 */
const CHILD = `
const dgram = require('node:dgram');
const [mode, fam, addr, portS, srcAddr, hex] = process.argv.slice(1);
const s = dgram.createSocket(fam === '6' ? { type: 'udp6', ipv6Only: true } : 'udp4');
const out = (l) => process.stdout.write(l + '\\n');
process.stdin.on('end', () => process.exit(0));
if (mode === 'sink') {
  let n = 0;
  s.on('message', (m) => { if (m[0] === 8) n++; });
  s.bind(0, addr, () => out('port ' + s.address().port));
  process.stdin.on('data', () => out('count ' + n));
} else {
  const buf = Buffer.from(hex, 'hex');
  let running = false, sent = 0;
  const burst = () => {
    if (!running) return;
    for (let i = 0; i < 64; i++) s.send(buf);
    sent += 64;
    setImmediate(burst);
  };
  s.on('error', () => {});
  s.bind(0, srcAddr, () => s.connect(Number(portS), addr, () => out('ready')));
  process.stdin.on('data', (d) => {
    const t = String(d);
    if (t.includes('start') && !running) { running = true; setImmediate(burst); }
    if (t.includes('stop')) { running = false; out('sent ' + sent); }
  });
}
`;

class Child {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buf = '';
  private waiters: Array<{ prefix: string; resolve: (v: string) => void }> = [];

  constructor(args: string[]) {
    this.proc = spawn(process.execPath, ['-e', CHILD, ...args]);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d: string) => {
      this.buf += d;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        const i = this.waiters.findIndex((w) => line.startsWith(w.prefix));
        if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(line.slice(line.indexOf(' ') + 1));
      }
    });
  }

  /** Sends `cmd` (may be empty) and waits for a line starting with `prefix`; its rest. */
  async ask(cmd: string | null, prefix: string): Promise<string> {
    const p = new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`tunnel bench: child did not answer ${prefix}`)), 5000);
      this.waiters.push({
        prefix,
        resolve: (v) => {
          clearTimeout(t);
          resolve(v);
        },
      });
    });
    if (cmd !== null) this.proc.stdin.write(cmd + '\n');
    return p;
  }

  tell(cmd: string): void {
    this.proc.stdin.write(cmd + '\n');
  }

  close(): void {
    this.proc.stdin.end();
  }
}

function makeBatches(frame: Uint8Array): PacketBatch[] {
  const b: PacketBatch = { packets: [], count: 0 };
  for (let j = 0; j < NETDEV_MAX_BURST; j++) b.packets[b.count++] = Packet.from(frame);
  return [b];
}

/** Datapath with dummy port 1 and `out` as port 2; one exact flow for the bench frame with `actions`. */
function txDatapath(out: Netdev, actions: readonly DpAction[]): { dp: Datapath; inPort: DummyNetdev } {
  const dp = new Datapath('bench', 'dummy');
  const inPort = new DummyNetdev('p1', 'dummy', { capture: false });
  dp.portAdd(inPort, 1);
  dp.portAdd(out, 2);
  const mask = new Uint32Array(FLOW_WORDS);
  mask[W_IN_PORT] = 0xffffffff;
  mask[W_RECIRC_ID] = 0xffffffff;
  mask[W_ETH_TYPE] = 0xffff;
  mask[W_NW] = 0xff;
  mask[W_IPV4_DST] = 0xffffffff;
  const key = new Uint32Array(FLOW_WORDS);
  key[W_IN_PORT] = 1;
  key[W_ETH_TYPE] = 0x0800;
  key[W_IPV4_DST] = DST;
  dp.flowPut({ key, mask, actions, flags: FlowPutFlags.CREATE });
  return { dp, inPort };
}

/**
 * Packets through `inPort` for `cpuBudget` CPU seconds (after a warm-up) in chunks of `chunk`
 * packets; with `yieldEvery`, the event loop runs between chunks (UDP sends complete there).
 * Mpps per CPU second.
 */
async function pumpFor(inPort: DummyNetdev, batches: PacketBatch[], cpuBudget: number, chunk: number, yieldEvery: boolean): Promise<{ mpps: number; sent: number }> {
  let sent = 0;
  const run = async (budget: number): Promise<number> => {
    const t0 = cpuSeconds();
    let n = 0;
    let t = t0;
    while (t - t0 < budget) {
      for (let i = 0; i < chunk; i += NETDEV_MAX_BURST) {
        inPort.receiveBatch(batches[0]!);
        n += batches[0]!.count;
      }
      if (yieldEvery) await yieldLoop();
      t = cpuSeconds();
    }
    sent += n;
    await yieldLoop();
    return n / (cpuSeconds() - t0) / 1e6;
  };
  await run(0.3); // warm-up
  const mpps = await run(cpuBudget);
  return { mpps, sent };
}

/** set(tunnel(...)) alone: dummy -> dummy with and without it (exact-cache hits). */
async function benchSetTunnelAction(): Promise<BenchResult[]> {
  const batches = makeBatches(frame64());
  const res: number[] = [];
  for (const text of ['2', 'set(skb_mark(0x1)),2', 'set(tunnel(tun_id=0x5,dst=127.0.0.1,ttl=64,tp_dst=4789,flags(df|key))),2']) {
    const out = new DummyNetdev('p2', 'dummy', { capture: false });
    const actions = parseDpActions(text);
    if (actions[actions.length - 1]!.type !== DpActionType.OUTPUT) throw new Error('tunnel bench: bad actions');
    const { inPort } = txDatapath(out, actions);
    const { mpps, sent } = await pumpFor(inPort, batches, 1.5, 1 << 20, false);
    if (out.stats.txPackets !== sent) throw new Error('set(tunnel) bench did not forward');
    res.push(mpps);
  }
  const [plain, withMark, withTun] = res as [number, number, number];
  return [
    { name: 'dummy -> output:dummy (exact-cache hit, 64B UDP, batch 32)', value: plain, unit: 'Mpps' },
    { name: 'dummy -> set(skb_mark),output:dummy (a cheap set, for comparison)', value: withMark, unit: 'Mpps' },
    { name: 'dummy -> set(tunnel(tun_id,dst,ttl,tp_dst,flags)),output:dummy', value: withTun, unit: 'Mpps' },
    { name: 'cost of the set(tunnel) action', value: (1e3 / withTun - 1e3 / plain), unit: 'ns/pkt' },
  ];
}

/**
 * dummy -> set(tunnel(...)),output:vxlan -> UDP on loopback. `sink`: to a child's socket on
 * 127.0.0.1 (the port bound on 127.0.0.2); otherwise to the port's own socket, where the
 * datagram is received and dropped as unmatched (in_key=1, sent with key 5).
 */
async function benchSend(family: 4 | 6, sink: boolean): Promise<BenchResult[]> {
  const loop = family === 6 ? '::1' : '127.0.0.1';
  let child: Child | null = null;
  let port: number;
  let opts: Record<string, string>;
  if (sink) {
    child = new Child(['sink', String(family), loop]);
    port = Number(await child.ask(null, 'port'));
    opts = { remote_ip: 'flow', key: 'flow', local_ip: '127.0.0.2', dst_port: String(port) };
  } else {
    port = await freeUdpPort(family);
    opts = { remote_ip: 'flow', in_key: '1', out_key: 'flow', local_ip: loop, dst_port: String(port) };
  }
  const vx = new VxlanNetdev('vx0', opts);
  try {
    await vx.ready;
    const dst = family === 6 ? 'ipv6_dst=::1' : 'dst=127.0.0.1';
    const actions = parseDpActions(`set(tunnel(tun_id=0x5,${dst},ttl=64,tp_dst=${port},flags(df|key))),2`);
    const { inPort } = txDatapath(vx, actions);
    const { mpps, sent } = await pumpFor(inPort, makeBatches(frame64()), 2, 512, true);
    await sleep(100);
    if (vx.stats.txPackets !== sent) throw new Error(`tunnel send bench: ${vx.stats.txPackets} of ${sent} sent`);
    const counters = vx.socketCounters();
    const sendErrors = counters.sendErrors;
    if (sendErrors > 0) throw new Error(`tunnel send bench: ${sendErrors} send errors`);
    let arrived: number;
    if (child !== null) arrived = Number(await child.ask('count', 'count'));
    else arrived = counters.unmatched;
    if (arrived < sent / 100) throw new Error(`tunnel send bench: only ${arrived} of ${sent} datagrams arrived`);
    const where = sink ? 'sink in a child process' : "the port's own socket (received, dropped)";
    return [
      { name: `dummy -> set(tunnel),output:vxlan, IPv${family} loopback, to ${where}`, value: mpps * 1e3, unit: 'kpps' },
      { name: `  (same) datagrams read by the receiving socket`, value: (arrived / sent) * 100, unit: '%' },
    ];
  } finally {
    vx.close();
    child?.close();
  }
}

/** vxlan datagram (flags I, VNI) around `frame`, as hex. */
function vxlanHex(vni: number, frame: Uint8Array): string {
  const b = Buffer.alloc(8 + frame.length);
  b[0] = 0x08;
  b[4] = vni >>> 16;
  b[5] = (vni >>> 8) & 255;
  b[6] = vni & 255;
  b.set(frame, 8);
  return b.toString('hex');
}

/** A child sends vxlan datagrams to a vxlan port (1) whose megaflow outputs to dummy port 2. */
async function benchReceive(family: 4 | 6): Promise<BenchResult[]> {
  const local = family === 6 ? '::1' : '127.0.0.1';
  const peer = family === 6 ? '::1' : '127.0.0.2';
  const port = await freeUdpPort(family);
  const vx = new VxlanNetdev('vx0', { remote_ip: peer, local_ip: local, key: '5', dst_port: String(port) });
  const child = new Child(['source', String(family), local, String(port), peer, vxlanHex(5, frame64())]);
  try {
    await vx.ready;
    await child.ask(null, 'ready');
    const dp = new Datapath('bench', 'dummy', { emcEntries: 0 });
    const out = new DummyNetdev('p2', 'dummy', { capture: false });
    dp.portAdd(vx, 1);
    dp.portAdd(out, 2);
    const mask = new Uint32Array(FLOW_WORDS);
    const key = new Uint32Array(FLOW_WORDS);
    mask[W_IN_PORT] = 0xffffffff;
    mask[W_RECIRC_ID] = 0xffffffff;
    mask[W_ETH_TYPE] = 0xffff;
    mask[W_TUN_ID] = mask[W_TUN_ID + 1] = 0xffffffff;
    key[W_IN_PORT] = 1;
    key[W_ETH_TYPE] = 0x0800;
    key[W_TUN_ID + 1] = 5;
    if (family === 4) {
      mask[W_TUN_SRC] = 0xffffffff;
      key[W_TUN_SRC] = 0x7f000002;
    } else {
      for (let i = 0; i < 4; i++) mask[W_TUN_IPV6_SRC + i] = 0xffffffff;
      key[W_TUN_IPV6_SRC + 3] = 1;
    }
    dp.flowPut({ key, mask, actions: [{ type: DpActionType.OUTPUT, port: 2 }], flags: FlowPutFlags.CREATE });
    child.tell('start');
    await sleep(400);
    const c0 = cpuSeconds();
    const w0 = performance.now();
    const n0 = out.stats.txPackets;
    await sleep(2000);
    const n = out.stats.txPackets - n0;
    const cpu = cpuSeconds() - c0;
    const wall = (performance.now() - w0) / 1e3;
    const childSent = Number(await child.ask('stop', 'sent'));
    const st = dp.getStats();
    if (st.nMissed !== 0) throw new Error(`tunnel receive bench: ${st.nMissed} misses`);
    if (n < 1000) throw new Error(`tunnel receive bench: only ${n} packets forwarded (child sent ${childSent})`);
    return [
      { name: `vxlan IPv${family} rx -> decap -> megaflow hit (cache off) -> output:dummy`, value: n / cpu / 1e3, unit: 'kpps' },
      { name: `  (same) CPU share of this process while receiving`, value: (cpu / wall) * 100, unit: '%' },
    ];
  } finally {
    vx.close();
    child.close();
  }
}

export async function benchTunnel(): Promise<BenchResult[]> {
  const res: BenchResult[] = [];
  res.push(...(await benchSetTunnelAction()));
  res.push(...await benchSend(4, true));
  res.push(...await benchSend(4, false));
  res.push(...await benchSend(6, false));
  res.push(...(await benchReceive(4)));
  res.push(...(await benchReceive(6)));
  return res;
}
