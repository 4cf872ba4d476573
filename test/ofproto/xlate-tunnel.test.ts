/*
 * Output to tunnel ports (OVS tnl_port_send + commit_odp_tunnel_action): the datapath
 * actions carry set(tunnel(...)) with the port's IPv4 or IPv6 remote, or with what
 * set_field wrote to tun_ipv6_src/tun_ipv6_dst for remote_ip=flow ports, as OVS's
 * tests/tunnel.at "concomitant IPv6 and IPv4 tunnels" print them; ECN is inherited; a
 * tunnel back to the packet's own source is refused; and end to end on a dummy datapath
 * the megaflow shows the IPv6 tunnel fields and the tunnel port gets the metadata.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TUN_FLAG_CSUM, TUN_FLAG_DONT_FRAGMENT, TUN_FLAG_KEY, W_TUN_MISC } from '../../src/flow/layout.js';
import { DummyNetdev } from '../../src/netdev/dummy.js';
import { parseTunnelConfig, type TunnelConfig } from '../../src/netdev/tunnel-config.js';
import type { OfpAction } from '../../src/ofproto/ofp-actions.js';
import { formatDpifShow } from '../../src/ofproto/dpif-show.js';
import { traceText } from '../../src/ofproto/trace.js';
import { formatActions } from '../../src/openflow/flow-syntax/actions-format.js';
import { parseIpv6 } from '../../src/packet/addr.js';
import { udpFrame } from '../../src/packet/build.js';
import { Packet, type TunnelMetadata } from '../../src/packet/packet.js';
import type { Bridge } from '../../src/ofproto/bridge.js';
import { dpFlows, makeSwitch, ofctl, type Switch } from './bridge-helpers.js';
import { flowFrom } from './xlate-fake-bridge.js';

/** A dummy port that is a tunnel port to ofproto and records the tunnel metadata of what it sends. */
class TunnelDummy extends DummyNetdev {
  readonly sentTunnels: Array<{ dst4: number; dst6: number[]; src6: number[]; id: number; ttl: number; flags: number; tpDst: number }> = [];
  constructor(
    name: string,
    readonly tunnelConfig: TunnelConfig,
  ) {
    super(name, 'dummy');
  }

  override send(p: Packet): boolean {
    const t: TunnelMetadata = p.tunnel;
    this.sentTunnels.push({ dst4: t.ipv4Dst, dst6: [...t.ipv6Dst], src6: [...t.ipv6Src], id: t.idLo, ttl: t.ttl, flags: t.flags, tpDst: t.tpDst });
    return super.send(p);
  }
}

function tunnelPort(br: Bridge, name: string, ofPort: number, options: Record<string, string>): TunnelDummy {
  const d = new TunnelDummy(name, parseTunnelConfig(name, 'vxlan', options, 4789));
  br.addPort({ name, netdev: d, type: 'vxlan', options, ofportRequest: ofPort });
  return d;
}

const opts = (s: Switch) => ({ now: s.clock.now(), formatActions: (a: readonly OfpAction[]) => formatActions(a) });

function lastTwo(text: string): string {
  return text.trimEnd().split('\n').slice(-2).join('\n');
}

test('concomitant IPv6 and IPv4 tunnels: set(tunnel) with the port remote as OVS prints it', () => {
  const s = makeSwitch(0);
  tunnelPort(s.br, 'p1', 1, { remote_ip: '1.1.1.1' });
  tunnelPort(s.br, 'p2', 2, { remote_ip: '2001:cafe::1' });
  ofctl(s.br, 'in_port=1,actions=2');
  ofctl(s.br, 'in_port=2,actions=1');
  const dp1 = s.br.bridgePort(1)!.dpPort;
  const dp2 = s.br.bridgePort(2)!.dpPort;
  const show = formatDpifShow(s.sw);
  assert.ok(show.includes(`    p1 1/${dp1}: (vxlan: remote_ip=1.1.1.1)\n    p2 2/${dp2}: (vxlan: remote_ip=2001:cafe::1)\n`), show);
  const t1 = traceText(s.br, flowFrom('in_port=1,tun_id=0,tun_src=1.1.1.1,tun_dst=1.1.1.2,tun_ttl=64'), opts(s));
  assert.match(t1.text, /Datapath actions: (.*)\n$/);
  assert.equal(t1.text.trimEnd().split('\n').pop(), `Datapath actions: set(tunnel(ipv6_dst=2001:cafe::1,ttl=64,tp_dst=4789,flags(df|csum))),${dp2}`);
  assert.match(t1.text, /output:2\n +-> output to kernel tunnel\n/);
  const t2 = traceText(s.br, flowFrom('in_port=2,tun_id=0,tun_ipv6_src=2001:cafe::1,tun_ipv6_dst=2001:cafe::2,tun_ttl=64'), opts(s));
  assert.equal(t2.text.trimEnd().split('\n').pop(), `Datapath actions: set(tunnel(dst=1.1.1.1,ttl=64,tp_dst=4789,flags(df))),${dp1}`);
});

test('concomitant IPv6 and IPv4 flow based tunnels: set_field to tun_ipv6_src/dst', () => {
  const s = makeSwitch(0);
  tunnelPort(s.br, 'p1', 1, { key: '4', local_ip: 'flow', remote_ip: 'flow' });
  tunnelPort(s.br, 'p2', 2, { key: '6', local_ip: 'flow', remote_ip: 'flow' });
  ofctl(s.br, 'in_port=1,actions=load:0->tun_src,load:0->tun_dst,set_field:2001:cafe::1->tun_ipv6_src,set_field:fc00::2->tun_ipv6_dst,2');
  ofctl(s.br, 'in_port=2,actions=load:0->tun_ipv6_src,load:0->tun_ipv6_dst,set_field:1.1.1.1->tun_src,set_field:4.4.4.4->tun_dst,1');
  const dp1 = s.br.bridgePort(1)!.dpPort;
  const dp2 = s.br.bridgePort(2)!.dpPort;
  // flags(df|csum|key) as received (the match syntax has no way to write df/csum/key)
  const withFlags = (text: string): Uint32Array => {
    const f = flowFrom(text);
    f[W_TUN_MISC] = (f[W_TUN_MISC]! | TUN_FLAG_DONT_FRAGMENT | TUN_FLAG_CSUM | TUN_FLAG_KEY) >>> 0;
    return f;
  };
  const t1 = traceText(s.br, withFlags('in_port=1,tun_id=4,tun_src=4.4.4.4,tun_dst=1.1.1.1,tun_ttl=64'), opts(s));
  assert.equal(
    lastTwo(t1.text),
    'Megaflow: recirc_id=0,eth,tun_id=0x4,tun_src=4.4.4.4,tun_dst=1.1.1.1,tun_tos=0,tun_flags=+df+csum+key,in_port=1,dl_type=0x0000\n' +
      `Datapath actions: set(tunnel(tun_id=0x6,ipv6_src=2001:cafe::1,ipv6_dst=fc00::2,ttl=64,tp_dst=4789,flags(df|csum|key))),${dp2}`,
  );
  const t2 = traceText(s.br, withFlags('in_port=2,tun_id=6,tun_ipv6_src=fc00::2,tun_ipv6_dst=2001:cafe::1,tun_ttl=64'), opts(s));
  assert.equal(
    lastTwo(t2.text),
    'Megaflow: recirc_id=0,eth,tun_id=0x6,tun_ipv6_src=fc00::2,tun_ipv6_dst=2001:cafe::1,tun_tos=0,tun_flags=+df+csum+key,in_port=2,dl_type=0x0000\n' +
      `Datapath actions: set(tunnel(tun_id=0x4,src=1.1.1.1,dst=4.4.4.4,ttl=64,tp_dst=4789,flags(df|key))),${dp1}`,
  );
});

test('local_ip, ttl, csum and df options; the inner ECN goes to the outer TOS; no tunnel to our own address', () => {
  const s = makeSwitch(1);
  tunnelPort(s.br, 'v6', 5, { remote_ip: 'fd00::2', local_ip: 'fd00::1', key: '5', ttl: '9', csum: 'false', df_default: 'false' });
  tunnelPort(s.br, 'back', 6, { remote_ip: 'flow', key: 'flow' });
  ofctl(s.br, 'priority=10,in_port=1,actions=5');
  ofctl(s.br, 'in_port=6,actions=IN_PORT');
  const dp5 = s.br.bridgePort(5)!.dpPort;
  const t = traceText(s.br, flowFrom('in_port=1,udp,nw_ecn=3,nw_ttl=64'), opts(s));
  assert.equal(
    lastTwo(t.text),
    'Megaflow: recirc_id=0,eth,ip,in_port=1,nw_ecn=3,nw_frag=no\n' +
      `Datapath actions: set(tunnel(tun_id=0x5,ipv6_src=fd00::1,ipv6_dst=fd00::2,tos=0x2,ttl=9,tp_dst=4789,flags(key))),${dp5}`,
  );
  // remote_ip=flow back to where the packet came from: its tun_dst is our own address
  const b = traceText(s.br, flowFrom('in_port=6,tun_id=1,tun_ipv6_src=fd00::2,tun_ipv6_dst=fd00::1,tun_ttl=64'), opts(s));
  assert.match(b.text, /Not tunneling to our own address/);
  assert.equal(b.text.trimEnd().split('\n').pop(), 'Datapath actions: drop');
  // remote_ip=flow with no destination set, for a packet that did not come from a tunnel: the same
  ofctl(s.br, 'in_port=1,udp,actions=6');
  const u = traceText(s.br, flowFrom('in_port=1,udp'), opts(s));
  assert.match(u.text, /Not tunneling to our own address/);
  assert.equal(u.text.trimEnd().split('\n').pop(), 'Datapath actions: drop');
});

test('end to end: the megaflow has the IPv6 tunnel fields, the tunnel port gets set(tunnel) metadata', () => {
  const s = makeSwitch(0);
  const rx = tunnelPort(s.br, 'in6', 1, { remote_ip: 'fd00::2', key: '100' });
  const tx = tunnelPort(s.br, 'out6', 2, { remote_ip: 'flow', local_ip: 'fd00::1', key: '200' });
  ofctl(s.br, 'in_port=1,tun_ipv6_src=fd00::2,actions=set_field:fd00::3->tun_ipv6_dst,2');
  const p = Packet.from(udpFrame({}));
  parseIpv6('fd00::2', p.tunnel.ipv6Src);
  parseIpv6('fd00::1', p.tunnel.ipv6Dst);
  p.tunnel.idLo = 100;
  p.tunnel.flags = 0x6; // csum|key
  p.tunnel.tpSrc = 33333;
  p.tunnel.tpDst = 4789;
  rx.receiveBatch({ packets: [p], count: 1 });
  assert.equal(s.sw.handleUpcalls(), 1);
  const flows = dpFlows(s);
  assert.equal(flows.length, 1);
  const inDp = s.br.bridgePort(1)!.dpPort;
  const outDp = s.br.bridgePort(2)!.dpPort;
  assert.match(
    flows[0]!,
    new RegExp(
      `^tunnel\\(tun_id=0x64,ipv6_src=fd00::2,ipv6_dst=fd00::1,tos=0,flags\\(-df\\+csum\\+key\\)\\),recirc_id\\(0\\),in_port\\(${inDp}\\),eth_type\\(0x0800\\),ipv4\\(tos=0/0x3,frag=no\\), ` +
        `actions:set\\(tunnel\\(tun_id=0xc8,ipv6_src=fd00::1,ipv6_dst=fd00::3,ttl=64,tp_dst=4789,flags\\(df\\|csum\\|key\\)\\)\\),${outDp}$`,
    ),
  );
  const d3 = new Uint32Array(4);
  parseIpv6('fd00::3', d3);
  const d1 = new Uint32Array(4);
  parseIpv6('fd00::1', d1);
  assert.deepEqual(tx.sentTunnels, [{ dst4: 0, dst6: [...d3], src6: [...d1], id: 200, ttl: 64, flags: 0x7, tpDst: 4789 }]);
});
