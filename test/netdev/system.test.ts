/*
 * `system` ports (AF_PACKET) on veth pairs in network namespaces made by the test:
 * two hosts ping and move a TCP stream through a tsovs Datapath (tiny slow path and
 * ofproto NORMAL), link state follows the device (down, deleted, back), VLAN tags the
 * kernel strips are reinserted, and a missing device is a clear error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Datapath } from '../../src/datapath/datapath.js';
import { AfPacketNetdev } from '../../src/netdev/af-packet.js';
import { Packet } from '../../src/packet/packet.js';
import { Ofproto } from '../../src/ofproto/ofproto.js';
import { crossConnect } from './slow-path.js';
import { requireNetns, run, Sandbox, tcpTransfer } from './netns.js';
import { until as untilMs } from '../support/wait.js';

/** Waits up to 10 s (this file's devices and datagrams). */
const until = (cond: () => boolean, ms = 10000): Promise<boolean> => untilMs(cond, ms);

requireNetns('ethtool');

describe('system ports (AF_PACKET)', { timeout: 90000 }, () => {
  const sb = new Sandbox();
  let nsSw = '';
  let nsA = '';
  let nsB = '';
  let swA = '';
  let swB = '';
  const opened: AfPacketNetdev[] = [];

  function open(name: string): AfPacketNetdev {
    const d = new AfPacketNetdev(name, { netns: nsSw });
    opened.push(d);
    return d;
  }

  before(() => {
    nsSw = sb.netns('sw');
    nsA = sb.netns('a');
    nsB = sb.netns('b');
    swA = sb.ifname('s1');
    swB = sb.ifname('s2');
    sb.veth(swA, nsSw, 'eth0', nsA, '10.99.0.1/24');
    sb.veth(swB, nsSw, 'eth0', nsB, '10.99.0.2/24');
    sb.noOffload(nsA, 'eth0');
    sb.noOffload(nsB, 'eth0');
  });

  after(() => {
    for (const d of opened) d.close();
    sb.cleanup();
  });

  test('ping and a TCP transfer through a Datapath with a tiny slow path', async () => {
    const a = open(swA);
    const b = open(swB);
    const dp = new Datapath('dp-sys', 'netdev');
    dp.portAdd(a, 1);
    dp.portAdd(b, 2);
    const sp = crossConnect(dp, [[1, 2]]);
    try {
      const p1 = await sb.ping(nsA, '10.99.0.2');
      assert.ok(p1.ok, p1.output);
      const p2 = await sb.ping(nsB, '10.99.0.1');
      assert.ok(p2.ok, p2.output);
      // both directions got a megaflow; later packets hit them
      assert.equal(dp.flowDump().length, 2);
      assert.ok(dp.getStats().nHit >= 4, JSON.stringify(dp.getStats()));
      const r = await tcpTransfer(nsB, nsA, '10.99.0.2', 5001, 2_000_000);
      assert.equal(r.got, r.sent);
      const sa = a.getStats();
      const sbs = b.getStats();
      assert.ok(sa.rxPackets > 100 && sa.txPackets > 100, JSON.stringify(sa));
      assert.ok(sbs.rxPackets > 100 && sbs.txPackets > 100, JSON.stringify(sbs));
      assert.equal(sa.rxErrors + sbs.rxErrors, 0);
    } finally {
      sp.stop();
      dp.portDel(1);
      dp.portDel(2);
      a.close();
      b.close();
    }
  });

  test('ping and TCP through an ofproto bridge doing NORMAL', async () => {
    const a = open(swA);
    const b = open(swB);
    const sw = new Ofproto({ autoHandle: true });
    const br = sw.addBridge('br0', { datapathType: 'netdev' });
    br.addPort({ name: swA, netdev: a });
    br.addPort({ name: swB, netdev: b });
    try {
      const p1 = await sb.ping(nsA, '10.99.0.2');
      assert.ok(p1.ok, p1.output);
      const r = await tcpTransfer(nsB, nsA, '10.99.0.2', 5002, 1_000_000);
      assert.equal(r.got, r.sent);
      // NORMAL learned both hosts' MACs on their ports
      assert.ok(br.macs.size >= 2, `mac table has ${br.macs.size}`);
    } finally {
      sw.delBridge('br0');
      a.close();
      b.close();
    }
  });

  test('a missing device is ENODEV naming the device', () => {
    assert.throws(
      () => new AfPacketNetdev('tsovsnosuch0', { netns: nsSw }),
      (e: Error & { code?: string }) => e.code === 'ENODEV' && /tsovsnosuch0/.test(e.message) && /No such device/.test(e.message),
    );
    assert.throws(() => new AfPacketNetdev(swA, { netns: nsSw, colour: 'red' }), /does not support options:colour/);
  });

  test('link state follows the device: down, up, deleted, created again', async () => {
    const a = open(swA);
    const changes: boolean[] = [];
    a.onLinkChange = (up) => changes.push(up);
    const got: number[] = [];
    a.setReceiveHandler((batch) => {
      for (let i = 0; i < batch.count; i++) got.push(batch.packets[i]!.len);
    });
    assert.ok(await until(() => a.isUp()), 'comes up');
    run('ip', ['-n', nsSw, 'link', 'set', swA, 'down']);
    assert.ok(await until(() => !a.isUp()), 'admin down seen');
    run('ip', ['-n', nsSw, 'link', 'set', swA, 'up']);
    assert.ok(await until(() => a.isUp()), 'up again');
    const idx = a.ifIndex;
    run('ip', ['-n', nsSw, 'link', 'del', swA]);
    assert.ok(await until(() => !a.isUp() && a.ifIndex === 0), 'deleted device seen as down');
    assert.equal(a.send(fakeFrame()), false, 'send on a vanished device drops');
    sb.veth(swA, nsSw, 'eth0', nsA, '10.99.0.1/24');
    sb.noOffload(nsA, 'eth0');
    assert.ok(await until(() => a.isUp()), 'recreated device reopened');
    assert.notEqual(a.ifIndex, idx);
    assert.ok(changes.includes(false) && changes[changes.length - 1] === true, changes.join(','));
    // frames flow on the new device
    got.length = 0;
    await sb.ping(nsA, '10.99.0.77', 1, 1);
    assert.ok(got.length > 0, 'received frames after recovery');
    a.close();
  });

  test('VLAN tags stripped by the kernel are put back in the frame', async () => {
    const a = open(swA);
    const frames: Uint8Array[] = [];
    a.setReceiveHandler((batch) => {
      for (let i = 0; i < batch.count; i++) frames.push(batch.packets[i]!.bytes().slice());
    });
    // Inject an 802.1Q frame on the host side (AF_PACKET in nsA); the receiving veth untags it.
    const host = new AfPacketNetdev('eth0', { netns: nsA });
    opened.push(host);
    const f = new Uint8Array(64);
    f.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x81, 0x00, 0x20, 0x0a, 0x08, 0x06]);
    f.fill(0x5a, 18);
    assert.ok(host.send(Packet.from(f)));
    host.flushNow();
    assert.ok(await until(() => frames.some((x) => x.length === 64 && x[63] === 0x5a)), `got ${frames.length} frames`);
    const tagged = frames.find((x) => x.length === 64 && x[63] === 0x5a)!;
    assert.deepEqual([...tagged.subarray(0, 18)], [...f.subarray(0, 18)], 'tag (pcp 1, vid 10) back in place');
    assert.equal(host.getStats().txPackets, 1);
    host.close();
    a.close();
  });
});

function fakeFrame(): Packet {
  const bytes = new Uint8Array(60);
  bytes.fill(0xff, 0, 6);
  return Packet.from(bytes);
}
