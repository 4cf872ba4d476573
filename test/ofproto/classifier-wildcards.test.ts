/*
 * Which bits a classifier lookup un-wildcards, on the rule sets of OVS's own tests
 * (tests/classifier.at: lookup segmentation, final stage and prefix lookup): with
 * ovsWildcards the classifier's share of OVS's megaflows exactly; by default the same or
 * fewer bits. Plus the cases the design calls out: a short prefix for a far-away address,
 * an early stage ruling a subtable out, IPv6 prefixes across words, and no trie for ARP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLOW_WORDS, W_ETH_TYPE, W_ND_TARGET, W_NW, W_TCP_FLAGS } from '../../src/flow/layout.js';
import { Classifier } from '../../src/ofproto/classifier/classifier.js';
import type { ClassifierOptions, ClsRule } from '../../src/ofproto/classifier/classifier.js';
import { flowOf, match, rule } from './classifier-helpers.js';
import type { MatchSpec } from './classifier-helpers.js';

const TCP = { eth_type: 0x0800, nw_proto: 6 };
const IP = { eth_type: 0x0800 };

function classifier(opts: ClassifierOptions, rules: Array<[MatchSpec, number, string]>): Classifier<string> {
  const cls = new Classifier<string>(opts);
  for (const [spec, pri, name] of rules) cls.insert(rule(spec, pri, name));
  return cls;
}

function lookup(cls: Classifier<string>, flow: Uint32Array): { r: ClsRule<string> | null; wc: Uint32Array } {
  const wc = new Uint32Array(FLOW_WORDS);
  return { r: cls.lookup(flow, wc), wc };
}

/** Expected wildcards: the mask of a match spec, with extra words OR'ed in. */
function wcOf(spec: MatchSpec, extra: Array<[number, number]> = []): Uint32Array {
  const m = match(spec).mask;
  for (const [w, v] of extra) m[w] = (m[w]! | v) >>> 0;
  return m;
}

function assertWc(got: Uint32Array, want: Uint32Array, what: string): void {
  const diff: string[] = [];
  for (let w = 0; w < FLOW_WORDS; w++) {
    if (got[w] !== want[w]) diff.push(`word ${w}: got ${got[w]!.toString(16)} want ${want[w]!.toString(16)}`);
  }
  assert.deepEqual(diff, [], what);
}

const PKT = { ...TCP, ipv4_src: ['192.168.0.1', 32] as [string, number], tp_src: 8 };

test('OVS "lookup segmentation": same wildcards in both modes', () => {
  const rules: Array<[MatchSpec, number, string]> = [
    [{ in_port: 1, ...TCP, ipv4_dst: ['10.1.0.0', 16] }, 16, 'out3'],
    [{ in_port: 1, ...TCP, ipv4_dst: ['10.1.2.15', 32] }, 32, 'out2'],
    [{ in_port: 1, ...TCP, ipv4_dst: ['10.1.2.15', 32], tp_dst: 80 }, 33, 'drop'],
    [{ in_port: 1, ...IP }, 0, 'drop0'],
    [{ in_port: 2, ...TCP, ipv4_dst: ['192.168.0.0', 16] }, 16, 'out1'],
    [{ in_port: 2, ...IP }, 0, 'drop2'],
    [{ in_port: 3, ...TCP, ipv4_src: ['10.1.0.0', 16] }, 16, 'out1b'],
    [{ in_port: 3, ...IP }, 0, 'drop3'],
  ];
  for (const opts of [{ ovsWildcards: true }, {}]) {
    const cls = classifier(opts, rules);
    let x = lookup(cls, flowOf({ ...PKT, in_port: 2, ipv4_dst: ['192.168.0.2', 32], tp_dst: 80 }));
    assert.equal(x.r?.data, 'out1');
    assertWc(x.wc, wcOf({ in_port: 2, ...TCP, ipv4_dst: ['0.0.0.0', 16] }), 'in_port=2,tcp,nw_dst=192.168.0.0/16');
    x = lookup(cls, flowOf({ ...PKT, in_port: 1, ipv4_dst: ['11.1.2.15', 32], tp_dst: 80 }));
    assert.equal(x.r?.data, 'drop0');
    assertWc(x.wc, wcOf({ in_port: 1, ...IP, ipv4_dst: ['0.0.0.0', 8] }), 'in_port=1,ip,nw_dst=11.0.0.0/8');
    x = lookup(cls, flowOf({ ...PKT, in_port: 1, ipv4_dst: ['10.1.2.15', 32], tp_dst: 80 }));
    assert.equal(x.r?.data, 'drop');
    assertWc(x.wc, wcOf({ in_port: 1, ...TCP, ipv4_dst: ['0.0.0.0', 32], tp_dst: 0 }), 'nw_dst=10.1.2.15,tp_dst=80');
    x = lookup(cls, flowOf({ ...PKT, in_port: 1, ipv4_dst: ['10.1.2.15', 32], tp_dst: 79 }));
    assert.equal(x.r?.data, 'out2');
    assertWc(x.wc, wcOf({ in_port: 1, ...TCP, ipv4_dst: ['0.0.0.0', 32], tp_dst: [0, 0xfff0] }), 'tp_dst=0x40/0xfff0');
  }
});

test('OVS "lookup segmentation - final stage": ports trie, tcp_flags and nd_target', () => {
  const ND = (w: number[]): Array<[number, number]> => w.map((v, i) => [W_ND_TARGET + i, v]);
  const rules: Array<[MatchSpec, number, string]> = [
    [{ in_port: 1, ...TCP, tp_dst: 80, tcp_flags: [0x008, 0x008] }, 33, 'out2'],
    [{ in_port: 1, ...IP }, 0, 'drop'],
    [{ in_port: 2, eth_type: 0x86dd, nw_proto: 58, tp_src: 135, tp_dst: 0 }, 16, 'nd'],
    [{ in_port: 2, ...IP }, 0, 'drop2'],
  ];
  const ovs = classifier({ ovsWildcards: true }, rules);
  const def = classifier({}, rules);
  // The ND rule also matches nw_ttl=255 and nd_target=1000::1: add those words by hand.
  for (const cls of [ovs, def]) {
    const r = cls.rules().find((x) => x.data === 'nd')!;
    cls.remove(r);
    const key = r.key.slice();
    const mask = r.mask.slice();
    key[W_NW] = (key[W_NW]! | (255 << 8)) >>> 0;
    mask[W_NW] = (mask[W_NW]! | 0xff00) >>> 0;
    key[W_ND_TARGET] = 0x10000000;
    key[W_ND_TARGET + 3] = 1;
    for (let i = 0; i < 4; i++) mask[W_ND_TARGET + i] = 0xffffffff;
    cls.insert({ key, mask, priority: 16, data: 'nd' });
  }
  const tcp = (tp_dst: number, flags: number): Uint32Array => {
    const f = flowOf({ ...PKT, in_port: 1, ipv4_dst: ['192.168.0.2', 32], tp_dst });
    f[W_TCP_FLAGS] = flags;
    return f;
  };
  const base = { in_port: 1, ...TCP };
  const psh: Array<[number, number]> = [[W_TCP_FLAGS, 0x008]];
  // syn, port 80: the ports match, tcp_flags decided => both modes fold the whole stage.
  for (const cls of [ovs, def]) {
    const x = lookup(cls, tcp(80, 0x002));
    assert.equal(x.r?.data, 'drop');
    assertWc(x.wc, wcOf({ ...base, tp_dst: 0 }, psh), 'tp_dst=80,tcp_flags=-psh');
    const y = lookup(cls, tcp(80, 0x018));
    assert.equal(y.r?.data, 'out2');
    assertWc(y.wc, wcOf({ ...base, tp_dst: 0 }, psh), 'tp_dst=80,tcp_flags=+psh');
  }
  // Port 79: OVS keeps tcp_flags although the ports trie alone rules the rule out.
  assertWc(lookup(ovs, tcp(79, 0)).wc, wcOf({ ...base, tp_dst: [0, 0xfff0] }, psh), 'ovs: tp_dst=0x40/0xfff0,tcp_flags=-psh');
  assertWc(lookup(def, tcp(79, 0)).wc, wcOf({ ...base, tp_dst: [0, 0xfff0] }), 'default: tp_dst=0x40/0xfff0');
  assertWc(lookup(ovs, tcp(81, 0)).wc, wcOf({ ...base, tp_dst: 0 }, psh), 'ovs: tp_dst=81,tcp_flags=-psh');
  assertWc(lookup(def, tcp(81, 0)).wc, wcOf({ ...base, tp_dst: 0 }), 'default: tp_dst=81');

  const icmp6 = (type: number, nd: number[]): Uint32Array => {
    const f = flowOf({ in_port: 2, eth_type: 0x86dd, nw_proto: 58, tp_src: type, tp_dst: 0 });
    f[W_NW] = (f[W_NW]! | (255 << 8)) >>> 0;
    for (let i = 0; i < 4; i++) f[W_ND_TARGET + i] = nd[i]!;
    return f;
  };
  const v6 = { in_port: 2, eth_type: 0x86dd, nw_proto: 58 };
  const ttl: Array<[number, number]> = [[W_NW, 0xff00]];
  const ndAll = ND([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
  // Echo request (128): the ports trie rules the ND rule out on icmp_type=0x80/0xfc.
  let x = lookup(ovs, icmp6(128, [0, 0, 0, 0]));
  assert.equal(x.r, null);
  assertWc(x.wc, wcOf({ ...v6, tp_src: [0, 0xfffc] }, [...ttl, ...ndAll]), 'ovs: icmp_type=0x80/0xfc,nd_target=::');
  assertWc(lookup(def, icmp6(128, [0, 0, 0, 0])).wc, wcOf({ ...v6, tp_src: [0, 0xfffc] }, ttl), 'default: icmp_type=0x80/0xfc');
  for (const cls of [ovs, def]) {
    x = lookup(cls, icmp6(135, [0, 0, 0, 0]));
    assert.equal(x.r, null);
    assertWc(x.wc, wcOf({ ...v6, tp_src: 0, tp_dst: 0 }, [...ttl, ...ndAll]), 'icmp_type=135,icmp_code=0,nd_target=::');
    x = lookup(cls, icmp6(135, [0x10000000, 0, 0, 1]));
    assert.equal(x.r?.data, 'nd');
    assertWc(x.wc, wcOf({ ...v6, tp_src: 0, tp_dst: 0 }, [...ttl, ...ndAll]), 'nd_target=1000::1');
  }
});

test('OVS "prefix lookup": nw_dst=192.168.0.0/16 for a packet to 192.168.0.2 on in_port 1', () => {
  const rules: Array<[MatchSpec, number, string]> = [
    [{ in_port: 1, ...TCP, ipv4_dst: ['10.1.0.0', 16] }, 16, 'out3'],
    [{ in_port: 1, ...TCP, ipv4_dst: ['10.1.2.0', 24], tp_src: 79 }, 32, 'out2'],
    [{ in_port: 1, ...TCP, ipv4_dst: ['10.1.2.15', 32], tp_dst: 80 }, 33, 'drop'],
    [{ in_port: 1, ...TCP, ipv4_dst: ['10.1.2.15', 32], tp_dst: 8080 }, 33, 'out2b'],
    [{ in_port: 1, ...TCP, ipv4_dst: ['10.1.2.15', 32], tp_dst: 192 }, 33, 'out2c'],
    [{ in_port: 1, ...IP }, 0, 'drop0'],
    [{ in_port: 2, ...TCP, ipv4_dst: ['192.168.0.0', 16] }, 16, 'out1'],
    [{ in_port: 2, ...IP }, 0, 'drop2'],
    [{ in_port: 3, ...TCP, ipv4_src: ['10.1.0.0', 16] }, 16, 'out1b'],
    [{ in_port: 3, ...IP }, 0, 'drop3'],
  ];
  const flow = flowOf({ ...PKT, in_port: 1, ipv4_dst: ['192.168.0.2', 32], tp_dst: 80 });
  for (const opts of [{}, { ovsWildcards: true }, { prefixFields: ['ipv4_dst' as const] }]) {
    const x = lookup(classifier(opts, rules), flow);
    assert.equal(x.r?.data, 'drop0');
    assertWc(x.wc, wcOf({ in_port: 1, ...TCP, ipv4_dst: ['0.0.0.0', 16] }), 'tcp,in_port=1,nw_dst=192.168.0.0/16');
  }
  // Without prefix tracking the /32 subtables un-wildcard the whole address.
  const x = lookup(classifier({ prefixFields: [] }, rules), flow);
  assertWc(x.wc, wcOf({ in_port: 1, ...TCP, ipv4_dst: ['0.0.0.0', 32] }), 'no prefixes: nw_dst=192.168.0.2');
});

test('a far-away address gets a short prefix, not /32', () => {
  const cls = classifier({}, [[{ ...IP, ipv4_dst: ['10.1.0.0', 16] }, 10, 'ten']]);
  const x = lookup(cls, flowOf({ ...IP, ipv4_dst: ['192.168.1.1', 32] }));
  assert.equal(x.r, null);
  // 192 and 10 differ in the first bit: nw_dst=128.0.0.0/1 (and the eth_type of the L2 stage).
  assertWc(x.wc, wcOf({ ...IP, ipv4_dst: ['0.0.0.0', 1] }), 'nw_dst=128.0.0.0/1');
  const y = lookup(cls, flowOf({ ...IP, ipv4_dst: ['10.3.0.1', 32] }));
  assertWc(y.wc, wcOf({ ...IP, ipv4_dst: ['0.0.0.0', 15] }), 'nw_dst=10.2.0.0/15');
  // A packet in the prefix matches and gets the rule's /16.
  const z = lookup(cls, flowOf({ ...IP, ipv4_dst: ['10.1.200.7', 32] }));
  assert.equal(z.r?.data, 'ten');
  assertWc(z.wc, wcOf({ ...IP, ipv4_dst: ['0.0.0.0', 16] }), 'nw_dst=10.1.0.0/16');
});

test('a prefix length no rule has along the path: that many bits (OVS: the whole L3 stage)', () => {
  // The trie walk for 10.1.2.15 goes all the way down (a /32 rule), but no /24 rule is on
  // its path, so the /24 subtable is ruled out by the first 24 bits alone.
  const rules: Array<[MatchSpec, number, string]> = [
    [{ ...TCP, ipv4_dst: ['10.1.3.0', 24] }, 20, 'net'],
    [{ in_port: 5, ...IP, ipv4_dst: ['10.1.2.15', 32] }, 10, 'host'],
  ];
  const flow = flowOf({ ...PKT, in_port: 1, ipv4_dst: ['10.1.2.15', 32], tp_dst: 1 });
  const def = lookup(classifier({}, rules), flow);
  assert.equal(def.r, null);
  assertWc(def.wc, wcOf({ in_port: 0, ...IP, ipv4_dst: ['0.0.0.0', 24] }), 'default: nw_dst/24, no nw_proto');
  const ovs = lookup(classifier({ ovsWildcards: true }, rules), flow);
  assert.equal(ovs.r, null);
  assertWc(ovs.wc, wcOf({ in_port: 0, ...TCP, ipv4_dst: ['0.0.0.0', 24] }), 'ovs: the L3 stage of the /24 subtable');
});

test('staged lookup: a rule on in_port + tp_dst does not un-wildcard tp_dst for another in_port', () => {
  const cls = classifier({}, [[{ in_port: 1, ...TCP, tp_dst: 80 }, 10, 'web']]);
  const x = lookup(cls, flowOf({ ...PKT, in_port: 2, ipv4_dst: ['1.2.3.4', 32], tp_dst: 80 }));
  assert.equal(x.r, null);
  assertWc(x.wc, wcOf({ in_port: 0 }), 'in_port only');
  // Right port, wrong protocol: metadata, L2 and L3 stages, still no ports.
  const y = lookup(cls, flowOf({ ...PKT, in_port: 1, nw_proto: 17, ipv4_dst: ['1.2.3.4', 32], tp_dst: 80 }));
  assertWc(y.wc, wcOf({ in_port: 0, ...TCP }), 'in_port,eth_type,nw_proto');
  // Non-IP: ruled out at the L2 stage.
  const z = lookup(cls, flowOf({ in_port: 1, eth_type: 0x0806 }));
  assertWc(z.wc, wcOf({ in_port: 0, eth_type: 0 }), 'in_port,eth_type');
});

test('IPv6 prefix trie: bits across words', () => {
  const rules: Array<[MatchSpec, number, string]> = [[{ eth_type: 0x86dd, ipv6_dst: [[0x20010db8, 0x00010000, 0, 0], 48] }, 5, 'v6']];
  const cls = classifier({ prefixFields: ['ipv6_dst'] }, rules);
  const f = (ws: number[]): Uint32Array => flowOf({ eth_type: 0x86dd, ipv6_dst: [ws, 128] });
  let x = lookup(cls, f([0xfe800000, 0, 0, 1]));
  assertWc(x.wc, wcOf({ eth_type: 0x86dd, ipv6_dst: [[0, 0, 0, 0], 1] }), 'fe80::1 -> /1');
  x = lookup(cls, f([0x20010db8, 0x00020000, 0, 1]));
  assertWc(x.wc, wcOf({ eth_type: 0x86dd, ipv6_dst: [[0, 0, 0, 0], 47] }), '2001:db8:2::1 -> /47');
  x = lookup(cls, f([0x20010db8, 0x0001ffff, 5, 1]));
  assert.equal(x.r?.data, 'v6');
  assertWc(x.wc, wcOf({ eth_type: 0x86dd, ipv6_dst: [[0, 0, 0, 0], 48] }), 'match -> /48');
  // Without the ipv6 trie (the default prefixes) the whole /48 is un-wildcarded.
  x = lookup(classifier({}, rules), f([0xfe800000, 0, 0, 1]));
  assertWc(x.wc, wcOf({ eth_type: 0x86dd, ipv6_dst: [[0, 0, 0, 0], 48] }), 'no ipv6 trie');
});

test('no prefix trie for ARP (arp_tpa shares the ipv4_dst word)', () => {
  const cls = classifier({}, [[{ ipv4_dst: ['10.1.0.0', 16] }, 1, 'tpa']]);
  const arp = flowOf({ eth_type: 0x0806, ipv4_dst: ['192.168.1.1', 32] });
  const x = lookup(cls, arp);
  assert.equal(x.r, null);
  assertWc(x.wc, wcOf({ ipv4_dst: ['0.0.0.0', 16] }), 'whole /16 for ARP');
  assert.equal(x.wc[W_ETH_TYPE], 0);
});
