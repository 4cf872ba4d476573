/*
 * VXLAN and Geneve ports on loopback, against a plain UDP socket written here: received
 * datagrams are decapsulated with the right tunnel metadata (and show up in the flow key),
 * malformed ones are dropped, frames sent are encapsulated with the port's options or,
 * with remote_ip=flow/key=flow, with the packet's tunnel metadata (Geneve options too),
 * demultiplexing picks the most specific port, and bad options are clear errors.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { TUN_FLAG_KEY, TUN_FLAG_OAM, W_TUN_DST, W_TUN_ID, W_TUN_SRC, W_TUN_TP } from '../../src/flow/layout.js';
import { openNetdev, type Netdev } from '../../src/netdev/netdev.js';
import { GeneveNetdev } from '../../src/netdev/geneve.js';
import { VxlanNetdev } from '../../src/netdev/vxlan.js';
import { udpFrame } from '../../src/packet/build.js';
import { Packet } from '../../src/packet/packet.js';
import { until as untilMs } from '../support/wait.js';
import { collect, geneveDatagram, vxlanDatagram } from './tunnel-datagrams.js';

/** Waits up to 2 s (this file's devices and datagrams). */
const until = (cond: () => boolean, ms = 2000): Promise<boolean> => untilMs(cond, ms);


const LOCAL = 0x7f000001; // 127.0.0.1: the tsovs side
const PEER = 0x7f000002; // 127.0.0.2: the test's UDP socket

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.2', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

const inner = udpFrame({ sport: 4242, payload: 40 });

describe('tunnel ports on loopback', { timeout: 30000 }, () => {
  let port = 0;
  let peer: Socket;
  const fromTsovs: Buffer[] = [];
  const open: Netdev[] = [];

  before(async () => {
    port = await freePort();
    peer = createSocket('udp4');
    peer.on('message', (m) => fromTsovs.push(m));
    await new Promise<void>((r) => peer.bind(port, '127.0.0.2', () => r()));
  });

  after(() => {
    for (const d of open) d.close();
    peer.close();
  });

  function vx(opts: Record<string, string>): VxlanNetdev {
    const d = new VxlanNetdev(`vx${open.length}`, { local_ip: '127.0.0.1', dst_port: String(port), ...opts });
    open.push(d);
    return d;
  }

  const send = (b: Buffer): void => peer.send(b, port, '127.0.0.1');

  test('vxlan receive: decapsulated frame, tunnel metadata in packet and flow key', async () => {
    const d = vx({ remote_ip: '127.0.0.2', key: '100' });
    await d.ready;
    assert.ok(d.isUp());
    const got = collect(d);
    send(vxlanDatagram(100, inner));
    send(vxlanDatagram(100, inner, 0x00)); // no I flag: dropped
    send(vxlanDatagram(100, inner, 0x88, 7)); // GBP without exts=gbp: dropped
    send(vxlanDatagram(101, inner)); // no port for this VNI
    assert.ok(await until(() => got.length === 1 && d.stats.rxErrors === 1));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(got.length, 1);
    assert.deepEqual(got[0]!.frame, inner);
    assert.deepEqual(got[0]!.tunnel, {
      idLo: 100,
      ipv4Src: PEER,
      ipv4Dst: LOCAL,
      ipv6Src: [0, 0, 0, 0],
      ipv6Dst: [0, 0, 0, 0],
      tpSrc: port,
      tpDst: port,
      flags: TUN_FLAG_KEY,
      gbpId: 0,
      opts: [],
    });
    const k = got[0]!.key;
    assert.equal(k[W_TUN_ID + 1], 100);
    assert.equal(k[W_TUN_SRC], PEER);
    assert.equal(k[W_TUN_DST], LOCAL);
    assert.equal(k[W_TUN_TP], ((port << 16) | port) >>> 0);
    // The datagram without the I flag did not parse; the one for VNI 101 found no port.
    assert.deepEqual(d.socketCounters(), { unmatched: 1, malformed: 1, sendErrors: 0 });
    d.close();
  });

  test('vxlan send: port options, then remote_ip=flow/key=flow from the packet metadata', async () => {
    const d = vx({ remote_ip: '127.0.0.2', key: '5000', ttl: '9' });
    await d.ready;
    fromTsovs.length = 0;
    assert.ok(d.send(Packet.from(inner)));
    assert.ok(await until(() => fromTsovs.length === 1));
    assert.deepEqual(fromTsovs[0], vxlanDatagram(5000, inner));
    d.close();

    const f = vx({ remote_ip: 'flow', key: 'flow' });
    await f.ready;
    const p = Packet.from(inner);
    assert.equal(f.send(p), false, 'no tunnel destination: dropped');
    assert.equal(f.stats.txDropped, 1);
    p.tunnel.ipv4Dst = PEER;
    p.tunnel.idLo = 0xabcdef;
    p.tunnel.ttl = 3;
    assert.ok(f.send(p));
    assert.ok(await until(() => fromTsovs.length === 2));
    assert.deepEqual(fromTsovs[1], vxlanDatagram(0xabcdef, inner));
    // and it receives any VNI from anyone
    const got = collect(f);
    send(vxlanDatagram(77, inner));
    assert.ok(await until(() => got.length === 1));
    assert.equal(got[0]!.tunnel.idLo, 77);
    f.close();
  });

  test('vxlan demultiplexing prefers exact remote and key over flow', async () => {
    const any = vx({ remote_ip: 'flow', key: 'flow' });
    const keyed = vx({ remote_ip: 'flow', key: '9' });
    const exact = vx({ remote_ip: '127.0.0.2', key: '9' });
    const remoteOnly = vx({ remote_ip: '127.0.0.2', key: 'flow' });
    await Promise.all([any.ready, keyed.ready, exact.ready, remoteOnly.ready]);
    const g = [any, keyed, exact, remoteOnly].map(collect);
    send(vxlanDatagram(9, inner));
    send(vxlanDatagram(10, inner));
    assert.ok(await until(() => g[2]!.length === 1 && g[3]!.length === 1));
    assert.equal(g[0]!.length + g[1]!.length, 0);
    exact.close();
    remoteOnly.close();
    send(vxlanDatagram(9, inner));
    send(vxlanDatagram(10, inner));
    assert.ok(await until(() => g[1]!.length === 1 && g[0]!.length === 1));
    assert.throws(() => vx({ remote_ip: 'flow', key: '9' }), /same remote_ip, key and dst_port/);
    assert.throws(
      () => new GeneveNetdev('gclash', { remote_ip: '1.2.3.4', local_ip: '127.0.0.1', dst_port: String(port) }),
      /already used by vxlan ports/,
    );
    any.close();
    keyed.close();
  });

  test('geneve: options and OAM flag carried on receive, options sent again from flow metadata', async () => {
    const g = new GeneveNetdev('gn0', { remote_ip: 'flow', key: 'flow', local_ip: '127.0.0.1', dst_port: String(port) });
    open.push(g);
    await g.ready;
    const got = collect(g);
    const opts = [0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef];
    send(geneveDatagram(300, inner, opts, true));
    send(geneveDatagram(300, inner, [], false, 0x0800)); // not Ethernet: dropped
    assert.ok(await until(() => got.length === 1));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(got.length, 1);
    assert.deepEqual(got[0]!.frame, inner);
    assert.equal(got[0]!.tunnel.idLo, 300);
    assert.equal(got[0]!.tunnel.flags, TUN_FLAG_KEY | TUN_FLAG_OAM);
    assert.deepEqual(got[0]!.tunnel.opts, opts);
    // send back using the metadata of a received packet
    fromTsovs.length = 0;
    const p = Packet.from(inner);
    p.tunnel.ipv4Dst = PEER;
    p.tunnel.idLo = 300;
    p.tunnel.opts.set(opts);
    p.tunnel.optLen = opts.length;
    assert.ok(g.send(p));
    assert.ok(await until(() => fromTsovs.length === 1));
    assert.deepEqual(fromTsovs[0], geneveDatagram(300, inner, opts, false));
    g.close();
  });

  test('options are checked', () => {
    assert.throws(() => openNetdev('vxlan', 'v', {}), /needs options:remote_ip/);
    assert.throws(() => openNetdev('vxlan', 'v', { remote_ip: '1.2.3' }), /not an IPv4 or IPv6 address/);
    assert.throws(() => openNetdev('vxlan', 'v', { remote_ip: '1.2.3.4', key: '16777216' }), /out of range/);
    assert.throws(() => openNetdev('geneve', 'v', { remote_ip: '1.2.3.4', exts: 'gbp' }), /does not support options:exts/);
    assert.throws(() => openNetdev('vxlan', 'v', { remote_ip: '1.2.3.4', tos: '8' }), /tos=8 is not supported/);
  });
});
