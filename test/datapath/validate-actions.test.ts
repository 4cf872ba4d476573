/*
 * validateActions(): what the datapath refuses at flow put (as the kernel does with EINVAL),
 * each case checked by its error text, and the lists it must accept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateActions, MAX_ACTION_NESTING } from '../../src/datapath/validate-actions.js';
import { DpActionType, SetAttr, type DpAction } from '../../src/datapath/actions.js';
import { DP_KEY_WORDS, FLOW_WORDS, W_ETH_TYPE, W_IPV6_LABEL, W_MPLS0, W_NW, W_TP } from '../../src/flow/layout.js';
import { buildFrame, tcpFrame, udpFrame, icmpv6Echo, ndNeighborSolicit, arpRequest } from '../../src/packet/build.js';
import { makeLse } from '../../src/packet/mpls.js';
import { keyOf, setAct, maskedAct, out } from './execute-helpers.js';

const A = DpActionType;

/** The extracted key of `frame` and a mask pinning eth_type, plus nw_proto / icmp type when asked. */
function flow(frame: Uint8Array, pin: { proto?: boolean; tp?: boolean; mpls?: boolean; ethType?: boolean } = {}): { key: Uint32Array; mask: Uint32Array } {
  const key = keyOf(frame);
  const mask = new Uint32Array(FLOW_WORDS);
  if (pin.ethType !== false) mask[W_ETH_TYPE] = 0xffff;
  if (pin.proto) mask[W_NW] = 0xff000000;
  if (pin.tp) mask[W_TP] = 0xffffffff;
  if (pin.mpls) mask[W_MPLS0] = mask[W_MPLS0 + 1] = mask[W_MPLS0 + 2] = 0xffffffff;
  for (let i = 0; i < FLOW_WORDS; i++) key[i] = key[i]! & mask[i]!;
  return { key, mask };
}

function check(actions: DpAction[], f: { key: Uint32Array; mask: Uint32Array }, opts = {}): string | null {
  return validateActions(actions, f.key, f.mask, opts);
}

const tcp4 = flow(tcpFrame(), { proto: true });
const udp6 = flow(udpFrame({ v6: true }), { proto: true });
const ip4set = setAct(SetAttr.IPV4, { ipv4_src: 1, ipv4_dst: 2, nw_tos: 0, nw_ttl: 9 });
const tcpSet = setAct(SetAttr.TCP, { tp_src: 1, tp_dst: 2 });

test('ordinary lists are accepted', () => {
  assert.equal(check([], tcp4), null);
  assert.equal(
    check(
      [
        ip4set,
        tcpSet,
        setAct(SetAttr.ETH, { eth_src: 5 }),
        setAct(SetAttr.PRIORITY, { skb_priority: 3 }),
        maskedAct(SetAttr.SKB_MARK, { skb_mark: 1 }, { skb_mark: 1 }),
        setAct(SetAttr.TUNNEL, { tun_id: [0, 7], tun_dst: 0x0a000001 }),
        { type: A.PUSH_VLAN, tpid: 0x8100, tci: 0x1064 },
        { type: A.POP_VLAN },
        { type: A.HASH, alg: 0, basis: 0 },
        { type: A.TRUNC, maxLen: 14 },
        { type: A.USERSPACE, pid: 0, userdata: Uint8Array.of(1) },
        { type: A.SAMPLE, probability: 0x80000000, actions: [out(2)] },
        { type: A.CLONE, actions: [out(3)] },
        out(0),
        { type: A.RECIRC, id: 9 },
        out(65534),
        { type: A.DROP, reason: 0 },
      ],
      tcp4,
    ),
    null,
  );
  assert.equal(check([setAct(SetAttr.IPV6, { ipv6_label: 5 }), setAct(SetAttr.UDP, { tp_src: 1 })], udp6), null);
});

test('output: port range and the optional port check', () => {
  assert.equal(check([out(65535)], tcp4), 'actions: output: port 65535 is out of range (0-65534)');
  assert.equal(check([out(-1)], tcp4), 'actions: output: port -1 is out of range (0-65534)');
  assert.equal(check([out(1.5)], tcp4), 'actions: output: port 1.5 is out of range (0-65534)');
  assert.equal(check([out(300)], tcp4, { maxPort: 255 }), 'actions: output: port 300 is out of range (0-255)');
  assert.equal(check([out(4)], tcp4, { isPortValid: (p: number) => p !== 4 }), 'actions: output: no port 4');
  assert.equal(check([out(5)], tcp4, { isPortValid: (p: number) => p !== 4 }), null);
});

test('push_vlan: TPID must be 802.1Q or 802.1ad and the TCI must carry CFI', () => {
  assert.equal(check([{ type: A.PUSH_VLAN, tpid: 0x1234, tci: 0x1000 }], tcp4), 'actions: push_vlan: tpid 0x1234 is not 0x8100 or 0x88a8');
  assert.equal(
    check([{ type: A.PUSH_VLAN, tpid: 0x8100, tci: 0x0064 }], tcp4),
    'actions: push_vlan: tci 0x0064 lacks the CFI (tag present) bit 0x1000',
  );
  assert.equal(check([{ type: A.PUSH_VLAN, tpid: 0x88a8, tci: 0x10000 }], tcp4), 'actions: push_vlan: tci 65536 is not a 16-bit value');
  assert.equal(check([{ type: A.PUSH_VLAN, tpid: 0x88a8, tci: 0xf001 }], tcp4), null);
});

test('set(ipv4)/set(ipv6) need eth_type matched exactly', () => {
  assert.equal(check([ip4set], tcp4), null);
  assert.equal(
    check([ip4set], flow(tcpFrame(), { ethType: false })),
    'actions: set(ipv4): needs a flow that matches eth_type 0x0800 exactly (eth_type not known exactly here)',
  );
  assert.equal(check([ip4set], udp6), 'actions: set(ipv4): needs a flow that matches eth_type 0x0800 exactly (eth_type is 0x86dd)');
  assert.match(check([setAct(SetAttr.IPV6, {})], tcp4)!, /^actions: set\(ipv6\): needs a flow that matches eth_type 0x86dd exactly/);
});

test('set(tcp/udp/sctp) need nw_proto matched exactly', () => {
  assert.equal(check([tcpSet], tcp4), null);
  assert.equal(
    check([tcpSet], flow(tcpFrame())),
    'actions: set(tcp): needs a flow that matches eth_type 0x0800 or 0x86dd and nw_proto 6 exactly (eth_type is 0x0800, nw_proto not known exactly)',
  );
  assert.equal(
    check([setAct(SetAttr.UDP, {})], tcp4),
    'actions: set(udp): needs a flow that matches eth_type 0x0800 or 0x86dd and nw_proto 17 exactly (eth_type is 0x0800, nw_proto is 6)',
  );
  assert.match(check([setAct(SetAttr.SCTP, {})], udp6)!, /set\(sctp\): needs .* nw_proto 132 exactly/);
});

test('set(icmp), set(icmpv6), set(nd), set(arp) prerequisites', () => {
  const icmp6 = flow(icmpv6Echo(), { proto: true, tp: true });
  assert.equal(check([setAct(SetAttr.ICMPV6, { tp_src: 129 })], icmp6), null);
  assert.match(check([setAct(SetAttr.ICMP, {})], icmp6)!, /set\(icmp\): needs .*eth_type 0x0800 and nw_proto 1/);
  assert.match(check([setAct(SetAttr.ND, {})], icmp6)!, /set\(nd\): needs a flow that matches an ICMPv6 neighbor solicitation/);
  assert.equal(check([setAct(SetAttr.ND, {})], flow(ndNeighborSolicit(), { proto: true, tp: true })), null);
  assert.match(check([setAct(SetAttr.ND, {})], flow(ndNeighborSolicit(), { proto: true }))!, /set\(nd\)/);
  assert.equal(check([setAct(SetAttr.ARP, { nw_proto: 2 })], flow(arpRequest())), null);
  assert.match(check([setAct(SetAttr.ARP, {})], tcp4)!, /set\(arp\): needs .*0x0806 or 0x8035/);
});

test('masks: bits outside the attribute refused; non-masked set must be whole; tunnel set not masked', () => {
  const badLabel = maskedAct(SetAttr.IPV6, {}, {});
  badLabel.mask[W_IPV6_LABEL] = 0x100000; // the flow label has 20 bits
  assert.equal(
    check([maskedAct(SetAttr.IPV4, { nw_proto: 17 }, { nw_proto: 0xff })], tcp4),
    'actions: set_masked(ipv4): mask covers bits outside the ipv4 fields (nw_proto)',
  );
  assert.equal(
    check([maskedAct(SetAttr.TCP, { ipv4_src: 1 }, { ipv4_src: 1 })], tcp4),
    'actions: set_masked(tcp): mask covers bits outside the tcp fields (ipv4_src)',
  );
  assert.equal(
    check([badLabel], udp6),
    'actions: set_masked(ipv6): mask covers bits outside the ipv6 fields (word 45 bits 0x100000)',
  );
  assert.equal(
    check([maskedAct(SetAttr.ETH, {}, { metadata: [0, 1] })], tcp4),
    'actions: set_masked(eth): mask covers bits outside the eth fields (metadata)',
  );
  const partial = { ...maskedAct(SetAttr.IPV4, { ipv4_src: 1 }, { ipv4_src: 0xffffffff }), type: A.SET } as DpAction;
  assert.equal(check([partial], tcp4), 'actions: set(ipv4): a non-masked set must cover every ipv4 field (use set_masked)');
  const tun = { ...setAct(SetAttr.TUNNEL, { tun_dst: 1 }), type: A.SET_MASKED } as DpAction;
  assert.equal(check([tun], tcp4), 'actions: set_masked(tunnel): masked set of tunnel metadata is not supported');
  assert.equal(check([maskedAct(SetAttr.IPV4, {}, {})], tcp4), null, 'an empty mask is a no-op, allowed');
});

test('unknown action types and attributes; malformed arguments', () => {
  assert.equal(check([{ type: 99 } as unknown as DpAction], tcp4), 'actions: unknown action type 99');
  assert.equal(check([{ ...ip4set, attr: 99 } as unknown as DpAction], tcp4), 'actions: set: unknown attribute 99');
  assert.equal(
    check([{ ...ip4set, key: new Uint32Array(3) } as DpAction], tcp4),
    'actions: set(ipv4): key and mask must be FlowKey arrays',
  );
  assert.equal(check([{ type: A.HASH, alg: 2, basis: 0 }], tcp4), 'actions: hash: unknown algorithm 2');
  assert.equal(check([{ type: A.RECIRC, id: -1 }], tcp4), 'actions: recirc: id -1 is not a uint32');
  assert.equal(check([{ type: A.USERSPACE, pid: 1, userdata: [1] as unknown as Uint8Array }], tcp4), 'actions: userspace: userdata is not bytes');
  assert.equal(validateActions([], new Uint32Array(4), new Uint32Array(DP_KEY_WORDS), {}), 'actions: flow key or mask is too short');
});

test('trunc needs at least an Ethernet header; drop must be last; sample probability is a uint32', () => {
  assert.equal(check([{ type: A.TRUNC, maxLen: 13 }, out(1)], tcp4), 'actions: trunc: max_len 13 is less than 14');
  assert.equal(check([{ type: A.DROP, reason: 0 }, out(1)], tcp4), 'actions: drop: must be the last action');
  for (const p of [-1, 1.5, 0x100000000]) {
    assert.equal(
      check([{ type: A.SAMPLE, probability: p, actions: [] }], tcp4),
      `actions: sample: probability ${p} is not an integer in 0..4294967295`,
    );
  }
  assert.equal(check([{ type: A.SAMPLE, probability: 0, actions: [] }], tcp4), null);
});

test('nested lists: errors name their path; nesting is limited', () => {
  assert.equal(
    check([{ type: A.CLONE, actions: [{ type: A.SAMPLE, probability: 1, actions: [out(70000)] }] }], tcp4),
    'actions: clone: sample: output: port 70000 is out of range (0-65534)',
  );
  const nest = (n: number): DpAction[] => {
    let acts: DpAction[] = [out(1)];
    for (let i = 0; i < n; i++) acts = [{ type: A.CLONE, actions: acts }];
    return acts;
  };
  assert.equal(check(nest(MAX_ACTION_NESTING), tcp4), null);
  assert.match(check(nest(MAX_ACTION_NESTING + 1), tcp4)!, /actions nested deeper than 16 levels$/);
  // drop ends only its own list
  assert.equal(check([{ type: A.CLONE, actions: [{ type: A.DROP, reason: 0 }] }, out(1)], tcp4), null);
});

test('push_mpls: allowed ethertypes and inner types; it changes what later sets may touch', () => {
  const push: DpAction = { type: A.PUSH_MPLS, ethertype: 0x8847, lse: makeLse(10) };
  assert.equal(check([push, setAct(SetAttr.MPLS, { mpls0: 5 })], tcp4), null);
  assert.equal(
    check([push, tcpSet], tcp4),
    'actions: set(tcp): needs a flow that matches eth_type 0x0800 or 0x86dd and nw_proto 6 exactly (eth_type is 0x8847, nw_proto is 6)',
  );
  assert.equal(check([{ type: A.PUSH_MPLS, ethertype: 0x0800, lse: 0 }], tcp4), 'actions: push_mpls: ethertype 0x0800 is not 0x8847 or 0x8848');
  assert.equal(
    check([push], flow(buildFrame({ eth: { type: 0x88cc }, payloadLen: 10 }))),
    'actions: push_mpls: needs a packet whose eth_type the flow matches exactly as IPv4, IPv6, ARP, RARP or MPLS (eth_type is 0x88cc)',
  );
  // a clone's push does not leak into the rest of the list
  assert.equal(check([{ type: A.CLONE, actions: [push] }, tcpSet], tcp4), null);
  // push then pop (back to a non-MPLS type): L3 is unknown until recirculation, as in the kernel
  assert.match(check([push, { type: A.POP_MPLS, ethertype: 0x0800 }, ip4set], tcp4)!, /set\(ipv4\).*eth_type not known exactly here/);
});

test('pop_mpls: only on MPLS, and no more often than there are labels', () => {
  const two = flow(buildFrame({ mpls: [{ label: 1 }, { label: 2 }], ipv4: {}, udp: {} }), { mpls: true });
  const one = flow(buildFrame({ mpls: [{ label: 1 }], ipv4: {}, udp: {} }), { mpls: true });
  const pop = (ethertype: number): DpAction => ({ type: A.POP_MPLS, ethertype });
  assert.equal(check([pop(0x0800)], one), null);
  assert.equal(check([pop(0x8847), pop(0x0800)], two), null);
  assert.equal(check([pop(0x8847), setAct(SetAttr.MPLS, {})], two), null);
  assert.equal(check([pop(0x8847), pop(0x8847)], one), 'actions: pop_mpls: the packet is not MPLS here (eth_type not known exactly here)');
  assert.equal(check([pop(0x8847), pop(0x8847), pop(0x0800)], two), 'actions: pop_mpls: the packet is not MPLS here (eth_type not known exactly here)');
  assert.equal(check([pop(0x0800)], tcp4), 'actions: pop_mpls: the packet is not MPLS here (eth_type is 0x0800)');
  assert.equal(check([pop(0x10000)], one), 'actions: pop_mpls: ethertype 65536 is not a 16-bit value');
  // BoS not in the mask: up to three labels assumed
  const unpinned = flow(buildFrame({ mpls: [{ label: 1 }], ipv4: {}, udp: {} }));
  assert.equal(check([pop(0x8847), pop(0x8847), pop(0x0800)], unpinned), null);
});
