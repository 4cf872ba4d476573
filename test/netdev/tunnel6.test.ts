/*
 * IPv6 underlay for the tunnel ports: options (IPv6 remote_ip/local_ip, address families,
 * OVS's errors), and on the IPv6 loopback: a port sending to ::1 receives its own datagram
 * with tun_ipv6_src/tun_ipv6_dst (and the csum flag) in the packet and the flow key, a
 * plain udp6 socket's datagrams are demultiplexed by key, an IPv4 and an IPv6 port share a
 * UDP port, a remote_ip=flow port sends IPv4 or IPv6 as the metadata says, and Geneve
 * options travel over IPv6.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import {
  newFlowKey,
  TUN_FLAG_CSUM,
  TUN_FLAG_KEY,
  W_TUN_DST,
  W_TUN_ID,
  W_TUN_IPV6_DST,
  W_TUN_IPV6_SRC,
  W_TUN_MISC,
  W_TUN_SRC,
  W_TUN_TP,
} from '../../src/flow/layout.js';
import { formatDpKey } from '../../src/flow/odp-key-format.js';
import { openNetdev, type Netdev } from '../../src/netdev/netdev.js';
import { GeneveNetdev } from '../../src/netdev/geneve.js';
import { CSUM_DEFAULT, CSUM_DISABLED, CSUM_ENABLED, FLOW, formatTunnelConfig, parseTunnelConfig, tunnelConfigOf } from '../../src/netdev/tunnel-config.js';
import { localAddress6For } from '../../src/netdev/tunnel-endpoint.js';
import { VxlanNetdev } from '../../src/netdev/vxlan.js';
import { formatIpv6, parseIpv6 } from '../../src/packet/addr.js';
import { udpFrame } from '../../src/packet/build.js';
import { Packet } from '../../src/packet/packet.js';
import { until as untilMs } from '../support/wait.js';
import { collect, vxlanDatagram } from './tunnel-datagrams.js';

/** Waits up to 2 s (this file's devices and datagrams). */
const until = (cond: () => boolean, ms = 2000): Promise<boolean> => untilMs(cond, ms);


const LO6 = (() => {
  const w = new Uint32Array(4);
  parseIpv6('::1', w);
  return w;
})();

function ip6(text: string): number[] {
  const w = new Uint32Array(4);
  assert.ok(parseIpv6(text, w), text);
  return [...w];
}

/** A UDP port free for both udp4 (any) and udp6 (any). */
async function freeDualPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const s4 = createSocket('udp4');
    await new Promise<void>((r) => s4.bind(0, '0.0.0.0', () => r()));
    const p = s4.address().port;
    const s6 = createSocket({ type: 'udp6', ipv6Only: true });
    const ok = await new Promise<boolean>((r) => {
      s6.once('error', () => r(false));
      s6.bind(p, '::', () => r(true));
    });
    await new Promise<void>((r) => s4.close(() => r()));
    if (ok) await new Promise<void>((r) => s6.close(() => r()));
    if (ok) return p;
  }
  throw new Error('no free UDP port');
}

const inner = udpFrame({ sport: 4343, payload: 32 });

describe('tunnel options with IPv6 addresses', () => {
  test('IPv6 remote_ip and local_ip, families, defaults', () => {
    const c = parseTunnelConfig('v', 'vxlan', { remote_ip: 'fd00::2', local_ip: 'fd00::1', key: '5' }, 4789);
    assert.equal(c.family, 6);
    assert.equal(c.remoteIp, 0);
    assert.deepEqual([...c.remoteIp6!], ip6('fd00::2'));
    assert.deepEqual([...c.localIp6!], ip6('fd00::1'));
    assert.equal(c.outKeyPresent, true);
    assert.equal(c.csum, CSUM_DEFAULT);
    assert.equal(c.dontFragment, true);
    const f = parseTunnelConfig('v', 'vxlan', { remote_ip: 'flow', local_ip: 'fd00::1' }, 4789);
    assert.equal(f.family, 6);
    assert.equal(f.remoteIp, FLOW);
    assert.equal(f.outKeyPresent, false);
    assert.equal(parseTunnelConfig('v', 'geneve', { remote_ip: 'flow' }, 6081).family, 0);
    assert.equal(parseTunnelConfig('v', 'geneve', { remote_ip: 'flow', local_ip: 'flow' }, 6081).family, 0);
    assert.equal(parseTunnelConfig('v', 'vxlan', { remote_ip: '10.0.0.1' }, 4789).family, 4);
    // an IPv4-mapped IPv6 address is the IPv4 address
    const m = parseTunnelConfig('v', 'vxlan', { remote_ip: '::ffff:10.1.2.3' }, 4789);
    assert.equal(m.family, 4);
    assert.equal(m.remoteIp, 0x0a010203);
    const o = parseTunnelConfig('v', 'vxlan', { remote_ip: 'fd00::2', csum: 'false', df_default: 'false' }, 4789);
    assert.equal(o.csum, CSUM_DISABLED);
    assert.equal(o.dontFragment, false);
    assert.equal(parseTunnelConfig('v', 'vxlan', { remote_ip: 'fd00::2', csum: 'true' }, 4789).csum, CSUM_ENABLED);
  });

  test('the options as dpif/show prints them (OVS get_tunnel_config)', () => {
    const f = (type: 'vxlan' | 'geneve', o: Record<string, string>): string => formatTunnelConfig(type, parseTunnelConfig('v', type, o, type === 'vxlan' ? 4789 : 6081));
    assert.equal(f('vxlan', { remote_ip: '2001:cafe::1' }), 'remote_ip=2001:cafe::1');
    assert.equal(f('vxlan', { remote_ip: 'fd00::2', key: '5' }), 'key=5, remote_ip=fd00::2');
    assert.equal(
      f('vxlan', { remote_ip: '1.1.1.1', local_ip: '2.2.2.3', df_default: 'false', ttl: '1', csum: 'true' }),
      'csum=true, df_default=false, local_ip=2.2.2.3, remote_ip=1.1.1.1, ttl=1',
    );
    assert.equal(f('geneve', { remote_ip: 'flow', local_ip: 'flow', key: 'flow', dst_port: '6082' }), 'dst_port=6082, key=flow, local_ip=flow, remote_ip=flow');
    assert.equal(f('vxlan', { remote_ip: 'flow', in_key: '3', out_key: 'flow' }), 'in_key=3, out_key=flow, remote_ip=flow');
  });

  test('errors as OVS reports them', () => {
    assert.throws(() => openNetdev('vxlan', 'v', { remote_ip: 'fd00::2', local_ip: '10.0.0.1' }), /v: 'remote_ip' and 'local_ip' has to be of the same address family/);
    assert.throws(() => openNetdev('vxlan', 'v', { remote_ip: '10.0.0.2', local_ip: 'fd00::1' }), /same address family/);
    assert.throws(() => openNetdev('vxlan', 'v', { remote_ip: 'ff02::1' }), /v: multicast remote_ip=ff02::1 not allowed/);
    assert.throws(() => openNetdev('vxlan', 'v', { remote_ip: '239.1.1.1' }), /multicast remote_ip=239.1.1.1 not allowed/);
    assert.throws(() => openNetdev('geneve', 'v', { remote_ip: 'fd00::2', local_ip: 'flow' }), /v: geneve type requires 'remote_ip=flow' with 'local_ip=flow'/);
    assert.throws(() => openNetdev('vxlan', 'v', { remote_ip: 'fd00::g' }), /not an IPv4 or IPv6 address/);
    assert.throws(() => openNetdev('vxlan', 'v', { remote_ip: '::' }), /not a usable address/);
  });

  test('the local address facing a remote: longest matching prefix, ::1 on loopback', () => {
    const out = new Uint32Array(4);
    localAddress6For(LO6, out);
    assert.equal(formatIpv6(out), '::1');
    // a remote on no local prefix gets a global address or none, never a link-local one
    localAddress6For(new Uint32Array(ip6('2001:db8:ffff::1')), out);
    assert.ok(out[0]! >>> 22 !== 0x3fa, formatIpv6(out));
  });
});

describe('tunnel ports on the IPv6 loopback', { timeout: 30000 }, () => {
  let port = 0;
  let peer: Socket;
  let peerPort = 0;
  const open: Netdev[] = [];

  before(async () => {
    port = await freeDualPort();
    peer = createSocket({ type: 'udp6', ipv6Only: true });
    await new Promise<void>((r) => peer.bind(0, '::1', () => r()));
    peerPort = peer.address().port;
  });

  after(() => {
    for (const d of open) d.close();
    peer.close();
  });

  function vx(name: string, opts: Record<string, string>): VxlanNetdev {
    const d = new VxlanNetdev(name, { dst_port: String(port), ...opts });
    open.push(d);
    return d;
  }

  test('a port sending to ::1 receives its own datagram with IPv6 tunnel metadata', async () => {
    const d = vx('vx6a', { remote_ip: '::1', local_ip: '::1', key: '7', ttl: '5' });
    assert.equal(tunnelConfigOf(d)?.family, 6);
    await d.ready;
    assert.ok(d.isUp());
    const got = collect(d);
    assert.ok(d.send(Packet.from(inner)));
    assert.ok(await until(() => got.length === 1), JSON.stringify(d.getStats()));
    const r = got[0]!;
    assert.deepEqual(r.frame, inner);
    assert.equal(r.tunnel.idLo, 7);
    assert.equal(r.tunnel.ipv4Src, 0);
    assert.equal(r.tunnel.ipv4Dst, 0);
    assert.deepEqual(r.tunnel.ipv6Src, [...LO6]);
    assert.deepEqual(r.tunnel.ipv6Dst, [...LO6]);
    assert.equal(r.tunnel.tpSrc, port);
    assert.equal(r.tunnel.tpDst, port);
    assert.equal(r.tunnel.flags, TUN_FLAG_KEY | TUN_FLAG_CSUM);
    assert.equal(r.key[W_TUN_SRC], 0);
    assert.equal(r.key[W_TUN_DST], 0);
    assert.deepEqual([...r.key.subarray(W_TUN_IPV6_SRC, W_TUN_IPV6_SRC + 4)], [...LO6]);
    assert.deepEqual([...r.key.subarray(W_TUN_IPV6_DST, W_TUN_IPV6_DST + 4)], [...LO6]);
    const tmask = newFlowKey();
    for (const w of [W_TUN_ID, W_TUN_ID + 1, W_TUN_MISC, W_TUN_TP]) tmask[w] = 0xffffffff;
    for (let i = 0; i < 4; i++) tmask[W_TUN_IPV6_SRC + i] = tmask[W_TUN_IPV6_DST + i] = 0xffffffff;
    assert.match(formatDpKey(r.key, tmask), new RegExp(`tunnel\\(tun_id=0x7,ipv6_src=::1,ipv6_dst=::1,tos=0,ttl=0,tp_src=${port},tp_dst=${port},flags\\(csum\\|key\\)\\)`));
    d.close();
  });

  test('datagrams from a udp6 socket are demultiplexed by remote and key', async () => {
    // (same local address: a socket on [::]:port and one on [::1]:port cannot both be bound)
    const exact = vx('vx6b', { remote_ip: '::1', key: '100', local_ip: '::1' });
    const any = vx('vx6c', { remote_ip: 'flow', key: 'flow', local_ip: '::1' });
    await Promise.all([exact.ready, any.ready]);
    const ge = collect(exact);
    const ga = collect(any);
    peer.send(vxlanDatagram(100, inner), port, '::1');
    peer.send(vxlanDatagram(101, inner), port, '::1');
    assert.ok(await until(() => ge.length === 1 && ga.length === 1));
    assert.equal(ge[0]!.tunnel.idLo, 100);
    assert.equal(ge[0]!.tunnel.tpSrc, peerPort);
    assert.equal(ga[0]!.tunnel.idLo, 101);
    assert.deepEqual(ga[0]!.tunnel.ipv6Dst, [...LO6]);
    assert.throws(() => vx('vx6d', { remote_ip: '::1', key: '100', local_ip: '::1' }), /same remote_ip, key and dst_port as tunnel port vx6b/);
    exact.close();
    any.close();
  });

  test('an IPv4 and an IPv6 port share the UDP port (dual stack)', async () => {
    const v4 = vx('vx4e', { remote_ip: '127.0.0.1', key: '9' });
    const v6 = vx('vx6e', { remote_ip: '::1', key: '9' });
    await Promise.all([v4.ready, v6.ready]);
    const g4 = collect(v4);
    const g6 = collect(v6);
    assert.ok(v4.send(Packet.from(inner)));
    assert.ok(v6.send(Packet.from(inner)));
    assert.ok(await until(() => g4.length === 1 && g6.length === 1));
    assert.equal(g4[0]!.tunnel.ipv4Src, 0x7f000001);
    assert.deepEqual(g4[0]!.tunnel.ipv6Src, [0, 0, 0, 0]);
    assert.equal(g4[0]!.tunnel.flags, TUN_FLAG_KEY);
    assert.deepEqual(g6[0]!.tunnel.ipv6Src, [...LO6]);
    assert.equal(g6[0]!.tunnel.ipv4Src, 0);
    v4.close();
    v6.close();
  });

  test('remote_ip=flow without local_ip sends IPv4 or IPv6 as the metadata says', async () => {
    const f = vx('vxfl', { remote_ip: 'flow', key: 'flow' });
    assert.equal(tunnelConfigOf(f)?.family, 0);
    await f.ready;
    const got = collect(f);
    const p = Packet.from(inner);
    assert.equal(f.send(p), false, 'no destination');
    p.tunnel.ipv6Dst.set(LO6);
    p.tunnel.idLo = 0x123456;
    p.tunnel.ttl = 2;
    assert.ok(f.send(p));
    assert.ok(await until(() => got.length === 1));
    assert.equal(got[0]!.tunnel.idLo, 0x123456);
    assert.deepEqual(got[0]!.tunnel.ipv6Src, [...LO6]);
    const q = Packet.from(inner);
    q.tunnel.ipv4Dst = 0x7f000001;
    q.tunnel.idLo = 42;
    assert.ok(f.send(q));
    assert.ok(await until(() => got.length === 2));
    assert.equal(got[1]!.tunnel.idLo, 42);
    assert.equal(got[1]!.tunnel.ipv4Src, 0x7f000001);
    assert.deepEqual(got[1]!.tunnel.ipv6Src, [0, 0, 0, 0]);
    f.close();
    // an IPv6-only flow port cannot send to an IPv4 destination
    const f6 = vx('vxf6', { remote_ip: 'flow', local_ip: '::1' });
    await f6.ready;
    assert.equal(f6.send(q), false);
    assert.equal(f6.stats.txDropped, 1);
    f6.close();
  });

  test('geneve over IPv6 carries options from the flow metadata', async () => {
    const g = new GeneveNetdev('gn6', { remote_ip: 'flow', key: 'flow', local_ip: '::1', dst_port: String(port) });
    open.push(g);
    await g.ready;
    const got = collect(g);
    const opts = [0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef];
    const p = Packet.from(inner);
    p.tunnel.ipv6Dst.set(LO6);
    p.tunnel.idLo = 300;
    p.tunnel.opts.set(opts);
    p.tunnel.optLen = opts.length;
    assert.ok(g.send(p));
    assert.ok(await until(() => got.length === 1));
    assert.equal(got[0]!.tunnel.idLo, 300);
    assert.deepEqual(got[0]!.tunnel.opts, opts);
    assert.deepEqual(got[0]!.tunnel.ipv6Dst, [...LO6]);
    assert.deepEqual(got[0]!.frame, inner);
    g.close();
  });
});
