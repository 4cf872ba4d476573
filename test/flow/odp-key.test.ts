/*
 * Datapath (ODP) flow key text form: known answers from Open vSwitch 3.1's dpctl/dump-flows
 * and tests/odp.at, round trips of random consistent keys/masks through format and parse
 * (verbose with unmasked keys, non-verbose with masked keys), error messages, and parse
 * robustness on random input.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDpKey } from '../../src/flow/odp-key-format.js';
import { parseDpKey } from '../../src/flow/odp-key-parse.js';
import { extract } from '../../src/flow/extract.js';
import { Packet } from '../../src/packet/packet.js';
import { hexToBytes } from '../../src/packet/hex.js';
import {
  FLOW_WORDS,
  FRAG_ANY,
  FRAG_LATER,
  FRAG_MASK,
  VLAN_CFI,
  W_ARP_HI,
  W_ARP_SHA,
  W_ARP_THA,
  W_CT,
  W_CT_LABEL,
  W_CT_MARK,
  W_DP_HASH,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_ETH_TYPE,
  W_IN_PORT,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_IPV6_DST,
  W_IPV6_LABEL,
  W_IPV6_SRC,
  W_MPLS0,
  W_ND_TARGET,
  W_NW,
  W_RECIRC_ID,
  W_SKB_MARK,
  W_SKB_PRIORITY,
  W_TCP_FLAGS,
  W_TP,
  W_TUN_DST,
  W_TUN_GBP,
  W_TUN_ID,
  W_TUN_IPV6_DST,
  W_TUN_IPV6_SRC,
  W_TUN_MISC,
  W_TUN_SRC,
  W_TUN_TP,
  W_VLAN0,
  DP_KEY_WORDS,
} from '../../src/flow/layout.js';

const portName = (n: number): string | undefined => (n === 100 ? 'br0' : n >= 1 && n <= 9 ? `p${n}` : undefined);
const portNumber = (s: string): number | undefined => (s === 'br0' ? 100 : /^p[1-9]$/.test(s) ? Number(s.slice(1)) : undefined);

/** Parse and format again, printing port names only when the input used them. */
function reformat(text: string, verbose = false): string {
  const { key, mask } = parseDpKey(text, { portNumber });
  const names = /in_port\((p[1-9]|br0)\)/.test(text);
  return formatDpKey(key, mask, { verbose, portName: names ? portName : undefined });
}

// --- known answers ---------------------------------------------------------------------

// `ovs-appctl dpctl/dump-flows -m` on OVS 3.1 (reference-ovs README section 2).
const README_V1 =
  'skb_priority(0/0),skb_mark(0/0),ct_state(0/0),ct_zone(0/0),ct_mark(0/0),ct_label(0/0),recirc_id(0),dp_hash(0/0),in_port(p1),packet_type(ns=0,id=0),eth(src=50:54:00:00:00:01/00:00:00:00:00:00,dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1/0.0.0.0,dst=10.0.0.2/0.0.0.0,proto=17/0,tos=0/0,ttl=64/0,frag=no),udp(src=1234/0,dst=80/0)';
const README_V2 =
  'skb_priority(0/0),skb_mark(0/0),ct_state(0/0),ct_zone(0/0),ct_mark(0/0),ct_label(0/0),recirc_id(0),dp_hash(0/0),in_port(p1),packet_type(ns=0,id=0),eth(src=50:54:00:00:00:01/00:00:00:00:00:00,dst=50:54:00:00:00:09),eth_type(0x0800),ipv4(src=10.0.0.1/0.0.0.0,dst=10.0.0.3,proto=17/0,tos=0/0,ttl=64/0,frag=no),udp(src=1234/0,dst=80/0)';
const stripPt = (s: string): string => s.replace('packet_type(ns=0,id=0),', '');

test('README dump-flows lines: non-verbose and verbose forms', () => {
  assert.equal(reformat(README_V1), 'recirc_id(0),in_port(p1),eth(dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(frag=no)');
  assert.equal(reformat(README_V2), 'recirc_id(0),in_port(p1),eth(dst=50:54:00:00:00:09),eth_type(0x0800),ipv4(dst=10.0.0.3,frag=no)');
  assert.equal(reformat(README_V1, true), stripPt(README_V1));
  assert.equal(reformat(README_V2, true), stripPt(README_V2));
});

// Non-verbose lines OVS prints in tests/ofproto-dpif.at and tests/dpif-netdev.at
// (packet_type(ns=0,id=0) removed, which tsovs does not print).
const OVS_DUMPS = [
  'recirc_id(0),in_port(1),eth_type(0x1234)',
  'recirc_id(0),in_port(90),eth_type(0x0800),ipv4(frag=later)',
  'recirc_id(0),in_port(90),eth_type(0x0800),ipv4(proto=6,frag=later)',
  'recirc_id(0),in_port(90),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=16/0xfff0)',
  'recirc_id(0),in_port(1),eth_type(0x0800),ipv4(tos=0xfd/0x3,frag=no)',
  'recirc_id(0),in_port(3),eth_type(0x0800),ipv4(tos=0x1,ttl=64,frag=no)',
  'recirc_id(0),in_port(1),eth_type(0x0800),ipv4(proto=1,frag=no),icmp(type=8)',
  'recirc_id(0),in_port(1),eth_type(0x86dd),ipv6(proto=58,frag=no),icmpv6(type=128)',
  'recirc_id(0),in_port(1),eth_type(0x8100),vlan(vid=99,pcp=7/0x0),encap(eth_type(0x1234))',
  'recirc_id(0),in_port(1),eth_type(0x8100),vlan(vid=99,pcp=7),encap(eth_type(0x0806))',
  'recirc_id(0),in_port(1),eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0800),ipv4(frag=no))',
  'recirc_id(0),in_port(4),eth(src=50:54:00:00:00:09,dst=ff:ff:ff:ff:ff:ff),eth_type(0x8035)',
  'recirc_id(0),in_port(1),eth_type(0x0800),ipv4(src=10.0.0.2/255.255.255.252,frag=no)',
  'recirc_id(0),in_port(1),eth_type(0x86dd),ipv6(src=2001:db8:3c4d:5:4:3:2:1/ffff:ffff:ffff:fffc::,frag=no)',
  'recirc_id(0),in_port(1),eth_type(0x0800),ipv4(proto=17,frag=no),udp(src=1)',
  'recirc_id(0),in_port(p1),eth(src=50:54:00:00:00:05,dst=50:54:00:00:00:07),eth_type(0x0800),ipv4(frag=no)',
  'ct_state(-new-est-rel-rpl-inv-trk-snat-dnat),recirc_id(0),in_port(1),eth_type(0x0800),ipv4(frag=no)',
  'ct_state(-new+est+trk),recirc_id(0x1),in_port(1),eth_type(0x0800),ipv4(frag=no)',
];

test('OVS non-verbose dump lines parse and print back unchanged', () => {
  for (const line of OVS_DUMPS) assert.equal(reformat(line), line, line);
});

// tests/odp.at "wildcarded key parsing and formatting - valid forms": OVS prints these back unchanged.
const ODP_WC_BASE = [
  'in_port(1/0xff),eth(src=00:01:02:03:04:05/ff:ff:ff:ff:ff:f0,dst=10:11:12:13:14:15/ff:ff:ff:ff:ff:f0)',
  'in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x1234/0xfff0)',
  'in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41/255.255.255.0,dst=172.16.0.20/255.255.255.0,proto=5/0xf0,tos=0x80/0xf0,ttl=128/0xf0,frag=no)',
  'in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=6,tos=0,ttl=128,frag=no),tcp(src=80/0xff00,dst=8080/0xff)',
  'in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=17,tos=0,ttl=128,frag=no),udp(src=81/0xff00,dst=6632/0xff)',
  'in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=35.8.2.41,dst=172.16.0.20,proto=1,tos=0,ttl=128,frag=no),icmp(type=1/0xf0,code=2)',
  'in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x86dd),ipv6(src=::1/::255,dst=::2/::255,label=0/0xf0,proto=10/0xf0,tclass=0x70/0xf0,hlimit=128/0xf0,frag=no)',
  'in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x86dd),ipv6(src=::1,dst=::2,label=0,proto=6,tclass=0,hlimit=128,frag=no),tcp(src=80/0xff00,dst=8080/0xff)',
  'in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x86dd),ipv6(src=::1,dst=::2,label=0,proto=58,tclass=0,hlimit=128,frag=no),icmpv6(type=1/0xf0,code=2)',
  'in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x86dd),ipv6(src=::1,dst=::2,label=0,proto=58,tclass=0,hlimit=128,frag=no),icmpv6(type=135,code=0),nd(target=::3/::250)',
  'in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x86dd),ipv6(src=::1,dst=::2,label=0,proto=58,tclass=0,hlimit=128,frag=no),icmpv6(type=136,code=0),nd(target=::3/::250,sll=00:05:06:07:08:09/ff:ff:ff:ff:ff:00,tll=00:0a:0b:0c:0d:0e/ff:ff:ff:ff:ff:00)',
  'in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0806),arp(sip=1.2.3.4/255.255.255.250,tip=5.6.7.8/255.255.255.250,op=1/0xf0,sha=00:0f:10:11:12:13/ff:ff:ff:ff:ff:00,tha=00:14:15:16:17:18/ff:ff:ff:ff:ff:00)',
  'skb_mark(0x1234/0xfff0),in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x86dd),ipv6(src=::1,dst=::2,label=0,proto=58,tclass=0,hlimit=128,frag=no),icmpv6(type=136,code=0),nd(target=::3,sll=00:05:06:07:08:09,tll=00:0a:0b:0c:0d:0e)',
];

test('odp.at wildcarded forms print back unchanged (plain, tunnel, VLAN, MPLS, QoS prefixes)', () => {
  const variants: Array<(l: string) => string> = [
    (l) => l,
    (l) => 'tunnel(tun_id=0x7f10354/0xff,src=10.10.10.10/255.255.255.0,dst=20.20.20.20/255.255.255.0,ttl=64,vxlan(gbp(id=10/0xff,flags=0xb)),flags(oam|csum|key)),' + l,
    (l) => 'tunnel(tun_id=0x7f10354/0xff,src=10.10.10.10/255.255.255.0,dst=20.20.20.20/255.255.255.0,ttl=64,flags(-df+csum+key)),' + l,
    (l) => 'skb_priority(0x1234/0xff),' + l,
    (l) => 'skb_priority(0x1234),tunnel(tun_id=0xfedcba9876543210,src=10.10.10.10,dst=20.20.20.20,tos=0x8,ttl=64,flags(key)),' + l,
    (l) => l.replace(/(eth\([^)]*\)),?(.*)$/, (_m, eth: string, rest: string) => `${eth},eth_type(0x8100),vlan(vid=99,pcp=7),encap(${rest})`),
  ];
  for (const base of ODP_WC_BASE) {
    for (const v of variants) {
      const line = v(base);
      if (line.startsWith('skb_priority') && line.includes('skb_mark')) continue; // skb_mark sorts before in_port only
      assert.equal(reformat(line), line, line);
    }
  }
  const mpls = 'in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x8847),mpls(label=100/0xff,tc=7/7,ttl=64/0xff,bos=1/1)';
  assert.equal(reformat(mpls), mpls);
  const twoLabels = 'in_port(1),eth_type(0x8847),mpls(label=100,tc=3,ttl=64,bos=0,label=200,tc=0,ttl=63,bos=1)';
  assert.equal(reformat(twoLabels), twoLabels);
});

test('the brief example: fields given without a mask are exact, the rest wildcarded', () => {
  const text =
    'recirc_id(0),in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1/255.255.255.0,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=no),udp(src=1234,dst=53)';
  const { key, mask } = parseDpKey(text);
  assert.equal(key[W_IN_PORT], 1);
  assert.equal(mask[W_IN_PORT], 0xffffffff);
  assert.equal(mask[W_SKB_PRIORITY], 0);
  assert.equal(mask[W_DP_HASH], 0);
  assert.equal(mask[W_CT], 0);
  assert.equal(key[W_ETH_TYPE], 0x0800);
  assert.equal(mask[W_ETH_TYPE], 0xffff);
  assert.equal(key[W_IPV4_SRC], 0x0a000001);
  assert.equal(mask[W_IPV4_SRC], 0xffffff00);
  assert.equal(key[W_NW], (17 << 24) | (64 << 8));
  assert.equal(mask[W_NW], (0xffffff00 | FRAG_MASK) >>> 0);
  assert.equal(key[W_TP], ((1234 << 16) | 53) >>> 0);
  assert.equal(mask[W_TP], 0xffffffff);
  assert.equal(key[W_ETH_SRC], 0x00000001);
  assert.equal(key[W_ETH_DST], 0x00000002);
  assert.equal(key[W_ETH_HI], 0x50545054);
  assert.equal(formatDpKey(key, mask), text);
});

test('port names: in_port(p1) when exact, number with mask otherwise', () => {
  const { key, mask } = parseDpKey('in_port(p2),eth_type(0x0800)', { portNumber });
  assert.equal(key[W_IN_PORT], 2);
  assert.equal(formatDpKey(key, mask, { portName }), 'in_port(p2),eth_type(0x0800)');
  assert.equal(formatDpKey(key, mask), 'in_port(2),eth_type(0x0800)');
  mask[W_IN_PORT] = 0xff;
  assert.equal(formatDpKey(key, mask, { portName }), 'in_port(2/0xff),eth_type(0x0800)');
  key[W_IN_PORT] = 42;
  mask[W_IN_PORT] = 0xffffffff;
  assert.equal(formatDpKey(key, mask, { portName }), 'in_port(42),eth_type(0x0800)');
});

test('flag fields: tcp_flags, ct_state and tunnel flags as OVS prints them', () => {
  assert.equal(
    reformat('in_port(1),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=80),tcp_flags(syn|ack)'),
    'in_port(1),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=80),tcp_flags(syn|ack)',
  );
  assert.equal(
    reformat('eth_type(0x0800),ipv4(proto=6),tcp(),tcp_flags(+syn-ack)'),
    'eth_type(0x0800),ipv4(proto=6),tcp_flags(+syn-ack)',
  );
  assert.equal(reformat('eth_type(0x0800),ipv4(proto=6),tcp(),tcp_flags(0x012/0x013)'), 'eth_type(0x0800),ipv4(proto=6),tcp_flags(-fin+syn+ack)');
  assert.equal(reformat('ct_state(trk|est)'), 'ct_state(-new+est-rel-rpl-inv+trk-snat-dnat)');
  assert.equal(reformat('ct_state(+trk)'), 'ct_state(+trk)');
  assert.equal(reformat('ct_state(+trk)', true).startsWith('skb_priority(0/0),skb_mark(0/0),ct_state(0x20/0x20),'), true);
  assert.equal(
    reformat('tunnel(tun_id=0x5,src=2.2.2.2,dst=1.1.1.1,tos=0x1,ttl=64,flags(df|key)),in_port(3)'),
    'tunnel(tun_id=0x5,src=2.2.2.2,dst=1.1.1.1,tos=0x1,ttl=64,flags(df|key)),in_port(3)',
  );
  assert.equal(
    reformat('tunnel(ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,ttl=64/0,tp_dst=4789,flags(+csum)),in_port(3)'),
    'tunnel(ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,tp_dst=4789,flags(+csum)),in_port(3)',
  );
});

test('802.2 frames: eth_type(0/0xffff), stored as 0x05ff as extract does', () => {
  const { key, mask } = parseDpKey('in_port(1),eth(dst=01:80:c2:00:00:00),eth_type(0/0xffff)');
  assert.equal(key[W_ETH_TYPE], 0x05ff);
  assert.equal(mask[W_ETH_TYPE], 0xffff);
  assert.equal(formatDpKey(key, mask), 'in_port(1),eth(dst=01:80:c2:00:00:00),eth_type(0/0xffff)');
});

test('VLAN: double tags, truncated tag (cfi=0), 802.1ad TPID', () => {
  const qinq = 'in_port(1),eth_type(0x88a8),vlan(vid=100,pcp=0),encap(eth_type(0x8100),vlan(vid=17,pcp=0),encap(eth_type(0x0800),ipv4(frag=no)))';
  assert.equal(reformat(qinq), qinq);
  const { key, mask } = parseDpKey(qinq);
  assert.equal(key[W_VLAN0], ((0x88a8 << 16) | VLAN_CFI | 100) >>> 0);
  assert.equal(key[W_VLAN0 + 1], ((0x8100 << 16) | VLAN_CFI | 17) >>> 0);
  assert.equal(mask[W_VLAN0], 0xffffffff);
  assert.equal(key[W_ETH_TYPE], 0x0800);
  const trunc = 'in_port(1),eth_type(0x8100),vlan(cfi=0),encap()';
  const t = parseDpKey(trunc);
  assert.equal(t.key[W_ETH_TYPE], 0x8100);
  assert.equal(t.key[W_VLAN0], 0);
  assert.equal(formatDpKey(t.key, t.mask), trunc);
  // A VLAN tag whose TCI is wildcarded still shows its encap().
  assert.equal(reformat('eth_type(0x8100),encap(eth_type(0x0800))'), 'eth_type(0x8100),encap(eth_type(0x0800))');
});

test('implied eth_type for an L3 attribute without one', () => {
  const { key, mask } = parseDpKey('in_port(1),ipv4(dst=10.0.0.1)');
  assert.equal(key[W_ETH_TYPE], 0x0800);
  assert.equal(mask[W_ETH_TYPE], 0xffff);
  assert.equal(formatDpKey(key, mask), 'in_port(1),eth_type(0x0800),ipv4(dst=10.0.0.1)');
});

test('ufid prefix and packet_type are accepted; tsovs never prints packet_type', () => {
  const r = reformat('ufid:c36f39d0-c997-4961-be79-6e889dadfad2 recirc_id(0),in_port(1),packet_type(ns=0,id=0),eth_type(0x0800),ipv4(frag=no)');
  assert.equal(r, 'recirc_id(0),in_port(1),eth_type(0x0800),ipv4(frag=no)');
});

// --- extract -> format: what dump-flows shows for real frames ------------------------

function extracted(hex: string, inPort: number): Uint32Array {
  const pkt = Packet.from(hexToBytes(hex));
  pkt.inPort = inPort;
  const key = new Uint32Array(FLOW_WORDS);
  extract(pkt, key);
  return key;
}

test('extracted frames with an exact mask print every header field, and parse back', () => {
  const full = new Uint32Array(FLOW_WORDS);
  full.fill(0xffffffff, 0, DP_KEY_WORDS);
  const udp =
    '505400000002' + '505400000001' + '0800' +
    '45000020' + '00004000' + '4011' + '0000' + '0a000001' + '0a000002' +
    '04d20050' + '000c0000' + 'deadbeef';
  const k = extracted(udp, 1);
  const text = formatDpKey(k, full, { portName });
  assert.equal(
    text,
    'skb_priority(0),skb_mark(0),ct_state(-new-est-rel-rpl-inv-trk-snat-dnat),ct_zone(0),ct_mark(0),ct_label(0),recirc_id(0),dp_hash(0),in_port(p1),' +
      'eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=no),udp(src=1234,dst=80)',
  );
  const back = parseDpKey(text, { portNumber });
  for (let w = 0; w < DP_KEY_WORDS; w++) if (back.mask[w] !== 0) assert.equal(back.key[w], k[w], `word ${w}`);
  const arp =
    'ffffffffffff' + '505400000005' + '0806' + '0001080006040001' + '505400000005' + 'c0a80001' + '000000000000' + 'c0a80002';
  const ka = extracted(arp, 4);
  const m = new Uint32Array(FLOW_WORDS);
  m[W_IN_PORT] = 0xffffffff;
  m[W_ETH_TYPE] = 0xffff;
  m[W_NW] = 0xff000000;
  m[W_IPV4_DST] = 0xffffffff;
  assert.equal(formatDpKey(ka, m, { portName }), 'in_port(p4),eth_type(0x0806),arp(tip=192.168.0.2,op=1)');
});

// --- round trips -------------------------------------------------------------------------

class Rng {
  private i = 0;
  constructor(private readonly words: number[]) {}
  u32(): number {
    const v = this.words[this.i % this.words.length]! ^ Math.imul(this.i, 0x9e3779b1);
    this.i++;
    return v >>> 0;
  }
  below(n: number): number {
    return this.u32() % n;
  }
  chance(pctTrue: number): boolean {
    return this.below(100) < pctTrue;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
  /** A mask: 0, all ones, or random bits (within `full`). */
  mask(full: number): number {
    const c = this.below(4);
    return (c === 0 ? 0 : c === 1 ? full : this.u32() & full) >>> 0;
  }
}

interface KM {
  key: Uint32Array;
  mask: Uint32Array;
}

/** A random unmasked key and a consistent mask (fields of absent headers are zero in both). */
function randomKeyMask(r: Rng): KM {
  const k = new Uint32Array(FLOW_WORDS);
  const m = new Uint32Array(FLOW_WORDS);
  const word = (w: number, full = 0xffffffff): void => {
    k[w] = r.u32() & full;
    m[w] = r.mask(full);
  };
  word(W_SKB_PRIORITY);
  word(W_SKB_MARK);
  word(W_RECIRC_ID);
  word(W_DP_HASH);
  k[W_IN_PORT] = r.below(10);
  m[W_IN_PORT] = r.mask(0xffffffff);
  k[W_CT] = r.u32() & 0xffff00ff;
  m[W_CT] = ((r.mask(0xff) | (r.mask(0xffff) << 16)) >>> 0);
  word(W_CT_MARK);
  for (let i = 0; i < 4; i++) word(W_CT_LABEL + i);

  if (r.chance(40)) {
    if (r.chance(50)) {
      k[W_TUN_DST] = r.u32() | 1;
      m[W_TUN_DST] = 0xffffffff;
      word(W_TUN_SRC);
    } else {
      for (let i = 0; i < 4; i++) {
        k[W_TUN_IPV6_DST + i] = r.u32() | 1;
        m[W_TUN_IPV6_DST + i] = 0xffffffff;
        word(W_TUN_IPV6_SRC + i);
      }
    }
    word(W_TUN_ID);
    word(W_TUN_ID + 1);
    word(W_TUN_MISC, 0xffff000f);
    // Flags print as +flag/-flag under their mask, even in verbose: unmatched flag bits are not shown.
    k[W_TUN_MISC] = (k[W_TUN_MISC]! & (0xffff0000 | m[W_TUN_MISC]!)) >>> 0;
    word(W_TUN_TP);
    word(W_TUN_GBP, 0xffffff00);
  }

  // Ethernet addresses: random 48-bit values and masks.
  for (const w of [W_ETH_DST, W_ETH_SRC]) word(w);
  word(W_ETH_HI);

  const nVlans = r.pick([0, 0, 1, 2]);
  for (let i = 0; i < nVlans; i++) {
    const tpid = r.pick([0x8100, 0x88a8]);
    k[W_VLAN0 + i] = ((tpid << 16) | VLAN_CFI | (r.u32() & 0xefff)) >>> 0;
    m[W_VLAN0 + i] = ((0xffff << 16) | VLAN_CFI | r.mask(0xefff)) >>> 0;
  }

  const kind = r.pick(['ipv4', 'ipv4', 'ipv4', 'ipv6', 'ipv6', 'ipv6', 'arp', 'rarp', 'mpls', 'mpls_mc', 'other', 'none', 'wild'] as const);
  const ipCommon = (v6: boolean): void => {
    const l4Masked = r.chance(60);
    const proto = r.pick(v6 ? [6, 17, 132, 58, 58, 47] : [6, 17, 132, 1, 47]);
    const frag = r.pick([0, 0, FRAG_ANY, FRAG_ANY | FRAG_LATER]);
    const fragMask = frag !== 0 || r.chance(50) ? FRAG_MASK : 0;
    const kFrag = fragMask === 0 ? 0 : frag;
    k[W_NW] = ((proto << 24) | (r.u32() & 0x00ffff00) | kFrag) >>> 0;
    const protoMask = l4Masked ? 0xff : r.mask(0xff);
    m[W_NW] = ((protoMask << 24) | (r.mask(0xffff) << 8) | fragMask) >>> 0;
    if (kFrag & FRAG_LATER) return;
    const l4 = (w: number, full: number): void => {
      k[w] = r.u32() & full;
      m[w] = l4Masked ? r.mask(full) : 0;
    };
    if (proto === 6) {
      l4(W_TP, 0xffffffff);
      l4(W_TCP_FLAGS, 0xfff);
      if (m[W_TCP_FLAGS] !== 0xfff) k[W_TCP_FLAGS] = k[W_TCP_FLAGS]! & m[W_TCP_FLAGS]!;
    } else if (proto === 17 || proto === 132) {
      l4(W_TP, 0xffffffff);
    } else if ((proto === 1 && !v6) || (proto === 58 && v6)) {
      const type = proto === 58 ? r.pick([128, 135, 136, r.below(256)]) : r.below(256);
      const code = r.chance(70) ? 0 : r.below(256);
      k[W_TP] = ((type << 16) | code) >>> 0;
      m[W_TP] = l4Masked ? ((r.mask(0xff) << 16) | r.mask(0xff)) >>> 0 : 0;
      if (proto === 58 && (type === 135 || type === 136) && code === 0) {
        const ndMasked = (m[W_TP]! & 0x00ff00ff) === 0x00ff00ff;
        for (const w of [W_ND_TARGET, W_ND_TARGET + 1, W_ND_TARGET + 2, W_ND_TARGET + 3, W_ARP_HI, W_ARP_SHA, W_ARP_THA]) {
          k[w] = r.u32();
          m[w] = ndMasked ? r.mask(0xffffffff) : 0;
        }
      }
    }
  };
  switch (kind) {
    case 'ipv4':
      k[W_ETH_TYPE] = 0x0800;
      m[W_ETH_TYPE] = 0xffff;
      word(W_IPV4_SRC);
      word(W_IPV4_DST);
      ipCommon(false);
      break;
    case 'ipv6':
      k[W_ETH_TYPE] = 0x86dd;
      m[W_ETH_TYPE] = 0xffff;
      for (let i = 0; i < 4; i++) {
        word(W_IPV6_SRC + i);
        word(W_IPV6_DST + i);
      }
      word(W_IPV6_LABEL, 0xfffff);
      ipCommon(true);
      break;
    case 'arp':
    case 'rarp':
      k[W_ETH_TYPE] = kind === 'arp' ? 0x0806 : 0x8035;
      m[W_ETH_TYPE] = 0xffff;
      word(W_IPV4_SRC);
      word(W_IPV4_DST);
      k[W_NW] = r.below(256) << 24;
      m[W_NW] = r.mask(0xff) << 24;
      word(W_ARP_HI);
      word(W_ARP_SHA);
      word(W_ARP_THA);
      break;
    case 'mpls':
    case 'mpls_mc': {
      k[W_ETH_TYPE] = kind === 'mpls' ? 0x8847 : 0x8848;
      m[W_ETH_TYPE] = 0xffff;
      const n = 1 + r.below(3);
      for (let i = 0; i < n; i++) {
        k[W_MPLS0 + i] = ((r.u32() & 0xfffffeff) | (i === n - 1 ? 0x100 : 0)) >>> 0;
        m[W_MPLS0 + i] = (r.mask(0xffffffff) | 0x100) >>> 0;
      }
      break;
    }
    case 'other':
      k[W_ETH_TYPE] = r.pick([0x88cc, 0x1234, 0x9000, 0x0806 + 1]);
      m[W_ETH_TYPE] = r.pick([0xffff, 0xfff0]);
      break;
    case 'none':
      k[W_ETH_TYPE] = 0x05ff;
      m[W_ETH_TYPE] = 0xffff;
      break;
    case 'wild':
      k[W_ETH_TYPE] = r.pick([0x0800, 0x86dd, 0x1234]);
      m[W_ETH_TYPE] = 0;
      break;
  }
  return { key: k, mask: m };
}

function masked(km: KM): KM {
  const key = km.key.map((v, i) => v & km.mask[i]!);
  return { key, mask: km.mask };
}

function assertSame(got: KM, want: KM, text: string): void {
  for (let w = 0; w < FLOW_WORDS; w++) {
    if (got.key[w] !== want.key[w] || got.mask[w] !== want.mask[w]) {
      assert.fail(
        `word ${w}: key ${got.key[w]!.toString(16)} mask ${got.mask[w]!.toString(16)}, ` +
          `want key ${want.key[w]!.toString(16)} mask ${want.mask[w]!.toString(16)}\n${text}`,
      );
    }
  }
}

const entropy = fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 64, maxLength: 64 });

test('round trip: verbose form of unmasked keys restores key and mask exactly', () => {
  fc.assert(
    fc.property(entropy, (words) => {
      const km = randomKeyMask(new Rng(words));
      const text = formatDpKey(km.key, km.mask, { verbose: true, portName });
      assertSame(parseDpKey(text, { portNumber }), km, text);
    }),
    { seed: 0x0d9, numRuns: 3000, includeErrorInReport: true },
  );
});

test('round trip: non-verbose form of masked keys restores key and mask exactly', () => {
  fc.assert(
    fc.property(entropy, (words) => {
      const km = masked(randomKeyMask(new Rng(words)));
      const text = formatDpKey(km.key, km.mask, { portName });
      assertSame(parseDpKey(text, { portNumber }), km, text);
      // Formatting is a fixed point of parse.
      const again = parseDpKey(text, { portNumber });
      assert.equal(formatDpKey(again.key, again.mask, { portName }), text);
    }),
    { seed: 0x0da, numRuns: 3000, includeErrorInReport: true },
  );
});

// --- errors --------------------------------------------------------------------------

const ERRORS: Array<[string, RegExp]> = [
  ['ipv4(src=10.0.0.300)', /^ipv4\(src=10\.0\.0\.300\): invalid IPv4 address$/],
  ['eth_type(0x0800),ipv4(src=10.0.0.1/255.0.0.x)', /^ipv4\(src=10\.0\.0\.1\/255\.0\.0\.x\): invalid IPv4 mask$/],
  ['eth_type(0x0800),ipv4(proto=300)', /^ipv4\(proto=300\): value out of range \(max 255\)$/],
  ['eth_type(0x0800),ipv4(frag=maybe)', /^ipv4\(frag=maybe\): frag must be no, first or later$/],
  ['eth_type(0x0800),ipv4(foo=1)', /^ipv4\(foo=1\): unknown field 'foo'/],
  ['eth(src=50:54:00:00:00)', /^eth\(src=50:54:00:00:00\): invalid Ethernet address$/],
  ['eth_type(0x86dd),ipv6(src=::g)', /^ipv6\(src=::g\): invalid IPv6 address$/],
  ['in_port(p7)', /^in_port\(p7\): unknown port name 'p7'$/],
  ['in_port(1),in_port(2)', /duplicate attribute 'in_port'/],
  ['frobnicate(1)', /unknown attribute 'frobnicate'/],
  ['in_port=1,dl_src=50:54:00:00:00:01', /expected attribute\(\.\.\.\)/],
  ['in_port(1', /missing '\)'/],
  ['in_port(1))', /unexpected '\)'/],
  ['in_port(1)x(2)', /syntax error at "x\(2\)"/],
  ['eth_type(0x0800),ipv4(proto=17),tcp(dst=80)', /^tcp\(dst=80\): requires ipv4\(\) or ipv6\(\) with proto=6$/],
  ['eth_type(0x0800),ipv4(proto=6,frag=later),tcp(dst=80)', /^tcp\(dst=80\): not allowed with frag=later$/],
  ['eth_type(0x86dd),ipv4(dst=1.2.3.4)', /^ipv4\(dst=1\.2\.3\.4\): requires eth_type\(0x0800\)$/],
  ['tcp_flags(syn)', /^tcp_flags\(syn\): requires ipv4\(\) or ipv6\(\) with proto=6$/],
  ['eth_type(0x0800),ipv4(proto=6),tcp(),tcp_flags(syn|bogus)', /unknown flag 'bogus'/],
  ['ct_state(+trk+trk)', /given twice/],
  ['eth_type(0x8100),vlan(vid=5000)', /^vlan\(vid=5000\): value out of range \(max 4095\)$/],
  ['eth_type(0x8100),vlan(vid=1),encap(eth_type(0x8100),vlan(vid=2),encap(eth_type(0x8100),vlan(vid=3),encap()))', /more than 2 VLAN headers/],
  ['eth_type(0x8100),vlan(vid=1),ipv4()', /must be inside encap\(\)/],
  ['eth_type(0x8100),vlan(vid=1),encap(in_port(1))', /not allowed inside encap\(\)/],
  ['tunnel(dst=1.1.1.1,geneve({class=0}))', /geneve tunnel options are not supported/],
  ['packet_type(ns=1,id=0x894f)', /only Ethernet packets/],
  ['eth_type(0x8847),mpls(label=1,label=2,label=3,label=4)', /more than 3 MPLS label/],
  ['ct_label(0x1234567890abcdef1234567890abcdef12)', /invalid 128-bit number/],
  ['eth_type(0x86dd),ipv6(proto=58),icmpv6(type=128),nd(target=::1)', /requires icmpv6\(type=135 or 136,code=0\)/],
  ['skb_mark(1,2)', /expected one value/],
];

test('malformed keys give clear errors naming the bad token', () => {
  for (const [text, re] of ERRORS) {
    assert.throws(() => parseDpKey(text), (e: unknown) => e instanceof Error && re.test(e.message), text);
  }
});

// --- robustness ----------------------------------------------------------------------

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789(),=/:.|+-_ x%{}'.split('');

function neverThrowsNonError(s: string): void {
  try {
    const { key, mask } = parseDpKey(s, { portNumber });
    formatDpKey(key, mask);
  } catch (e) {
    assert.ok(e instanceof Error && e.constructor === Error, `non-Error thrown for ${JSON.stringify(s)}: ${String(e)}`);
  }
}

test('parse throws only Error on random strings and mutated valid keys', () => {
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 80 }), neverThrowsNonError), {
    seed: 0x0db,
    numRuns: 3000,
  });
  const corpus = [stripPt(README_V1), ...OVS_DUMPS, ...ODP_WC_BASE];
  fc.assert(
    fc.property(
      fc.constantFrom(...corpus),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(...ALPHABET), fc.boolean()), { minLength: 1, maxLength: 4 }),
      (base, edits) => {
        let s = base;
        for (const [pos, ch, del] of edits) {
          const i = pos % (s.length + 1);
          s = del ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + ch + s.slice(i);
        }
        neverThrowsNonError(s);
      },
    ),
    { seed: 0x0dc, numRuns: 3000 },
  );
  neverThrowsNonError('('.repeat(100000));
  neverThrowsNonError('in_port(' + '9'.repeat(500) + ')');
});
