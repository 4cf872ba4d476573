/*
 * OpenFlow connection benchmarks, over TCP on loopback against a bridge with dummy ports:
 *   - packet-in round trip: a frame arrives on p1, its packet-in reaches a controller that
 *     answers at once with a packet-out to p2; time until the frame leaves p2 (p50 / p99);
 *   - flow-mods applied per second: a burst of distinct adds followed by a barrier, timed to
 *     the barrier reply;
 *   - dump-flows with 100k rules: one flow-stats request until the last reply part arrives.
 */
import * as net from 'node:net';
import { DummyNetdev } from '../src/netdev/dummy.js';
import { newMatch } from '../src/flow/match.js';
import { Ofproto } from '../src/ofproto/ofproto.js';
import { BridgeSwitch } from '../src/openflow/bridge-switch.js';
import {
  decodeMessage,
  encodeMessage,
  isDecodeError,
  isFramerError,
  makeFlowModMsg,
  makePacketOut,
  OfFramer,
  OfType,
  type OfMessage,
} from '../src/openflow/codec/index.js';
import { ConnMgr } from '../src/openflow/connmgr.js';
import { parseActions } from '../src/openflow/flow-syntax/actions-parse.js';
import { parseFlowMod, OFPFC } from '../src/openflow/flow-syntax/flow-mod.js';
import { udpFrame } from '../src/packet/build.js';
import type { BenchResult } from './result.js';

const V13 = 4;

/** A bare controller: hello, then decoded messages to a callback. */
class Ctl {
  private readonly framer = new OfFramer();
  onMessage: (m: OfMessage, raw: Uint8Array) => void = () => undefined;

  private constructor(readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (b: Buffer) => {
      this.framer.push(b);
      for (;;) {
        const m = this.framer.next();
        if (m === null || isFramerError(m)) break;
        if (m[1] === OfType.HELLO) continue;
        const d = decodeMessage(m);
        if (!isDecodeError(d)) this.onMessage(d, m);
      }
    });
  }

  static async connect(port: number): Promise<Ctl> {
    const sock = net.connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const c = new Ctl(sock);
    c.send({ type: OfType.HELLO, xid: 1, versions: null });
    await c.barrier();
    return c;
  }

  send(m: OfMessage): void {
    this.sock.write(encodeMessage(m, V13));
  }

  barrier(xid = 0x7fff0000): Promise<void> {
    return new Promise((res) => {
      const prev = this.onMessage;
      this.onMessage = (m, raw) => {
        if (m.type === OfType.BARRIER_REPLY && m.xid === xid) {
          this.onMessage = prev;
          res();
        } else prev(m, raw);
      };
      this.send({ type: OfType.BARRIER_REQUEST, xid });
    });
  }
}

async function rig(): Promise<{ sw: Ofproto; mgr: ConnMgr; p1: DummyNetdev; p2: DummyNetdev; port: number; bsw: BridgeSwitch }> {
  const sw = new Ofproto({ autoHandle: true });
  const br = sw.addBridge('br0', { datapathType: 'dummy', failMode: 'secure' });
  const p1 = new DummyNetdev('p1', 'dummy', { capture: false });
  const p2 = new DummyNetdev('p2', 'dummy', { capture: false });
  br.addPort({ name: 'p1', netdev: p1, ofportRequest: 1 });
  br.addPort({ name: 'p2', netdev: p2, ofportRequest: 2 });
  const bsw = new BridgeSwitch(br);
  const mgr = new ConnMgr(bsw);
  await mgr.setControllers([{ target: 'ptcp:0:127.0.0.1', type: 'primary', probeIntervalMs: 0 }]);
  return { sw, mgr, p1, p2, port: mgr.listenerPort('ptcp:0:127.0.0.1')!, bsw };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function packetInRoundTrip(): Promise<BenchResult[]> {
  const r = await rig();
  const ctl = await Ctl.connect(r.port);
  const fm = parseFlowMod('in_port=1,actions=controller', OFPFC.ADD);
  if (!fm.ok) throw new Error(fm.error);
  r.bsw.flowMod(fm.value);
  const out = parseActions('output:2');
  if (!out.ok) throw new Error(out.error);
  ctl.onMessage = (m) => {
    if (m.type === OfType.PACKET_IN) ctl.send(makePacketOut(0, 1, out.value, m.data));
  };
  const frame = udpFrame({ payload: 64 });
  const samples: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const t0 = process.hrtime.bigint();
    const done = new Promise<void>((res) => {
      r.p2.onSend = () => {
        r.p2.onSend = null;
        res();
      };
    });
    r.p1.receive(frame);
    await done;
    if (i >= 500) samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  ctl.sock.destroy();
  await r.mgr.close();
  return [
    { name: 'packet-in round trip via controller, p50', value: pct(samples, 50), unit: 'us' },
    { name: 'packet-in round trip via controller, p99', value: pct(samples, 99), unit: 'us' },
  ];
}

async function flowModRate(): Promise<BenchResult[]> {
  const r = await rig();
  const ctl = await Ctl.connect(r.port);
  const acts = parseActions('output:2');
  if (!acts.ok) throw new Error(acts.error);
  const n = 50000;
  const msgs: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const m = newMatch();
    const fm = parseFlowMod(`tcp,nw_dst=10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255},tp_dst=80,actions=output:2`, OFPFC.ADD);
    if (!fm.ok) throw new Error(fm.error);
    void m;
    msgs.push(encodeMessage(makeFlowModMsg({ command: 0, xid: i, match: fm.value.match, priority: 100, actions: acts.value }), V13));
  }
  const big = Buffer.concat(msgs);
  const t0 = performance.now();
  ctl.sock.write(big);
  await ctl.barrier();
  const secs = (performance.now() - t0) / 1000;
  ctl.sock.destroy();
  await r.mgr.close();
  return [{ name: 'flow-mods applied per second (OF1.3, with barrier)', value: n / secs, unit: 'flow-mods/s' }];
}

async function dumpFlows(): Promise<BenchResult[]> {
  const r = await rig();
  const acts = parseActions('output:2');
  if (!acts.ok) throw new Error(acts.error);
  for (let i = 0; i < 100000; i++) {
    const fm = parseFlowMod(`tcp,nw_dst=10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255},tp_dst=80,actions=output:2`, OFPFC.ADD);
    if (!fm.ok) throw new Error(fm.error);
    const x = r.bsw.flowMod(fm.value);
    if (!x.ok) throw new Error(x.error.code);
  }
  const ctl = await Ctl.connect(r.port);
  const t0 = performance.now();
  let entries = 0;
  await new Promise<void>((res) => {
    ctl.onMessage = (m) => {
      if (m.type !== OfType.FLOW_STATS_REPLY) return;
      entries += m.entries.length;
      if (!(m.flags & 1)) res();
    };
    ctl.send({ type: OfType.FLOW_STATS_REQUEST, xid: 5, flags: 0, nx: false, tableId: 0xff, outPort: 0xffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: newMatch() });
  });
  const ms = performance.now() - t0;
  if (entries !== 100000) throw new Error(`dump returned ${entries} flows`);
  ctl.sock.destroy();
  await r.mgr.close();
  return [{ name: 'dump-flows of 100k rules (OF1.3 flow stats, all parts)', value: ms, unit: 'ms' }];
}

export async function benchOpenflow(): Promise<BenchResult[]> {
  return [...(await packetInRoundTrip()), ...(await flowModRate()), ...(await dumpFlows())];
}
