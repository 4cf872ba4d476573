/*
 * A real OpenFlow 1.3 controller (OS-Ken's osken-manager from Debian, running our own
 * learning-switch app test/openflow/osken_l2_switch.py under /usr/bin/python3) drives a
 * tsovs bridge that connects to it over TCP on loopback. The app installs its table-miss
 * flow, learns from packet-ins and installs flows; two simulated hosts on dummy ports
 * resolve each other with ARP and exchange ICMP echoes through it. Once the flows are in,
 * the echoes no longer reach the controller.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { SimHost, type Outbox } from '../../src/cli/demo/sim-host.js';
import { startSwitch, waitFor, type Fixture } from './switch-fixture.js';
import { freeTcpPort } from '../support/net.js';

const APP = fileURLToPath(new URL('../../../test/openflow/osken_l2_switch.py', import.meta.url));

/** Hosts send through here: frames enter their port on a later turn of the event loop. */
const outbox: Outbox = { push: (host, frame) => setImmediate(() => host.port.receive(frame)) };

/** ARP for `dst` if needed, then one echo request; resolves when the reply arrives. */
async function ping(h: SimHost, dst: string, seq: number): Promise<void> {
  h.ping(dst, seq);
  await waitFor(() => h.echoReplySeqs.includes(seq), 10000, `${h.name}: echo reply ${seq} from ${dst}`);
}

async function listening(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        res(true);
      });
      c.once('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`osken-manager did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let f: Fixture;
let ctl: ChildProcess;
let out = '';

before(async () => {
  const port = await freeTcpPort();
  // Debian's os_ken lives in the system Python: run the manager with it explicitly.
  ctl = spawn('/usr/bin/python3', ['/usr/bin/osken-manager', '--ofp-listen-host', '127.0.0.1', '--ofp-tcp-listen-port', String(port), APP], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  ctl.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  ctl.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await listening(port, 15000);
  f = await startSwitch({ failMode: 'secure', controllers: [{ target: `tcp:127.0.0.1:${port}` }] });
});

after(async () => {
  await f?.close();
  ctl?.kill();
});

test('OS-Ken connects, negotiates OpenFlow 1.3 and installs its table-miss flow', async () => {
  await waitFor(() => /CONNECTED 0000aa55aa550000 n_tables=254/.test(out), 10000, 'controller saw the switch').catch((e) => {
    throw new Error(`${(e as Error).message}: ${out}`);
  });
  const info = f.mgr.controllerInfo().find((c) => c.target.startsWith('tcp:'));
  assert.ok(info?.isConnected);
  assert.equal(info?.state, 'ACTIVE');
  const conn = f.mgr.conns.find((c) => c.type === 'primary');
  assert.equal(conn?.version, 4);
  await waitFor(() => f.br.tables.tables[0]!.nFlows === 1, 10000, 'table-miss flow');
  const r = f.br.flows();
  assert.ok(r.ok);
  assert.deepEqual(r.value.map((x) => x.priority), [0]);
});

test('two hosts resolve each other and ping through the controller-built flows', async () => {
  const a = new SimHost('h1', '00:00:00:00:00:01', '10.0.0.1', f.dev.p1!, outbox, () => {});
  const b = new SimHost('h2', '00:00:00:00:00:02', '10.0.0.2', f.dev.p2!, outbox, () => {});
  await ping(a, '10.0.0.2', 1);
  await ping(b, '10.0.0.1', 2);
  assert.match(out, /PACKET_IN 1 00:00:00:00:00:01 ff:ff:ff:ff:ff:ff FLOOD/);
  assert.match(out, /PACKET_IN 2 00:00:00:00:00:02 00:00:00:00:00:01 1/);
  // The controller's flows (priority 1) forward the rest without packet-ins.
  await waitFor(() => f.br.tables.tables[0]!.nFlows >= 3, 10000, 'learned flows');
  const before = (out.match(/PACKET_IN/g) ?? []).length;
  for (let seq = 10; seq < 20; seq++) await ping(a, '10.0.0.2', seq);
  for (let seq = 20; seq < 25; seq++) await ping(b, '10.0.0.1', seq);
  const afterIns = (out.match(/PACKET_IN/g) ?? []).length;
  assert.equal(afterIns, before, 'no packet-ins once the flows are installed');
  f.sw.pushStats();
  const r = f.br.flows();
  assert.ok(r.ok);
  const learned = r.value.filter((x) => x.priority === 1);
  assert.ok(learned.length >= 2);
  assert.ok(learned.reduce((n, x) => n + x.packetCount, 0) >= 15, 'echoes counted on the learned flows');
  // Only unicast frames for the right host arrived at each port (no flooding of echoes).
  assert.equal(b.framesForOthers, 0);
});
