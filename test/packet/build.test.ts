// buildFrame spec handling and the convenience builders' defaults; small per-protocol helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  arpReply,
  arpRequest,
  buildFrame,
  icmpEcho,
  icmpv6Echo,
  ndNeighborSolicit,
  tcpFrame,
  toIpv6,
  udpFrame,
} from '../../src/packet/build.js';
import { formatIpv6 } from '../../src/packet/addr.js';
import { isBroadcastMac, isMulticastMac } from '../../src/packet/ethernet.js';
import { ipv6MulticastMac, solicitedNodeMulticast } from '../../src/packet/icmpv6.js';
import { lseBos, lseLabel, lseTc, lseTtl, makeLse } from '../../src/packet/mpls.js';
import { parseFrame } from '../../src/packet/parse.js';
import { formatTcpFlags, parseTcpFlags } from '../../src/packet/tcp.js';
import { makeTci, tciDei, tciPcp, tciVid } from '../../src/packet/vlan.js';
import { verifyChecksums } from '../../src/packet/verify.js';

test('convenience builders: defaults and valid checksums', () => {
  const u = parseFrame(udpFrame({ vlan: 7, payload: 3 }));
  assert.deepEqual([u.eth!.src, u.eth!.dst, u.vlans[0]!.vid, u.ipv4!.src, u.ipv4!.dst, u.udp!.src, u.udp!.dst], [
    '00:00:00:00:00:01',
    '00:00:00:00:00:02',
    7,
    '10.0.0.1',
    '10.0.0.2',
    1234,
    5678,
  ]);
  assert.deepEqual(Array.from(u.payload), [0, 1, 2]);
  const t = parseFrame(tcpFrame({ v6: true, flags: 'syn|ack', seq: 1, ack: 2 }));
  assert.deepEqual([t.ipv6!.src, t.ipv6!.dst, t.tcp!.flagsText, t.tcp!.seq, t.tcp!.ack, t.tcp!.dst], ['fe80::1', 'fe80::2', 'syn|ack', 1, 2, 80]);
  const e = parseFrame(icmpEcho({ id: 3, seq: 4, reply: true }));
  assert.deepEqual([e.icmp!.type, e.icmp!.id, e.icmp!.seq], [0, 3, 4]);
  const e6 = parseFrame(icmpv6Echo({ id: 3, seq: 4 }));
  assert.deepEqual([e6.icmpv6!.type, e6.icmpv6!.id, e6.icmpv6!.seq], [128, 3, 4]);
  for (const f of [udpFrame(), tcpFrame(), icmpEcho(), icmpv6Echo(), ndNeighborSolicit(), arpRequest()]) assert.ok(verifyChecksums(f).ok);
});

test('ARP request is broadcast and padded; reply goes to the target MAC', () => {
  const rq = arpRequest({ sha: '02:00:00:00:00:0a', spa: '192.168.0.1', tpa: '192.168.0.2' });
  assert.equal(rq.length, 60);
  const p = parseFrame(rq);
  assert.deepEqual([p.eth!.dst, p.eth!.src, p.arp!.op, p.arp!.tha], ['ff:ff:ff:ff:ff:ff', '02:00:00:00:00:0a', 1, '00:00:00:00:00:00']);
  const rp = parseFrame(arpReply({ sha: 5, tha: '02:00:00:00:00:0a', spa: '192.168.0.2', tpa: '192.168.0.1' }));
  assert.deepEqual([rp.eth!.dst, rp.arp!.op, rp.arp!.sha], ['02:00:00:00:00:0a', 2, '00:00:00:00:00:05']);
});

test('NS goes to the solicited-node group; DAD (source ::) carries no SLL', () => {
  const p = parseFrame(ndNeighborSolicit({ target: '2001:db8::abcd:1234', mac: '02:00:00:00:00:01', ipSrc: '2001:db8::1' }));
  assert.equal(p.ipv6!.dst, 'ff02::1:ffcd:1234');
  assert.equal(p.eth!.dst, '33:33:ff:cd:12:34');
  assert.equal(p.ipv6!.hopLimit, 255);
  assert.equal(p.icmpv6!.nd!.sll, '02:00:00:00:00:01');
  const dad = parseFrame(ndNeighborSolicit({ ipSrc: '::' }));
  assert.equal(dad.icmpv6!.nd!.options.length, 0);
  assert.ok(verifyChecksums(ndNeighborSolicit({ ipSrc: '::' })).ok);
});

test('spec errors throw; VLAN default TPIDs; padTo60; eth.type override', () => {
  assert.throws(() => buildFrame({ ipv4: { src: '1.2.3' } }), /bad IPv4/);
  assert.throws(() => buildFrame({ ipv6: { dst: 'zz::' } }), /bad IPv6/);
  assert.throws(() => buildFrame({ eth: { src: 'nope' } }), /bad MAC/);
  assert.throws(() => buildFrame({ ipv4: {}, ipv6: {} }), /more than one/);
  assert.throws(() => buildFrame({ tcp: {} }), /without ipv4/);
  assert.throws(() => buildFrame({ ipv4: { options: [{ type: 7, data: new Uint8Array(40) }] } }), /longer than 40/);
  const v = parseFrame(buildFrame({ vlans: [{ vid: 1 }, { vid: 2 }, { vid: 3 }] }));
  assert.deepEqual(v.vlans.map((x) => x.tpid), [0x88a8, 0x88a8, 0x8100]);
  assert.equal(buildFrame({ payloadLen: 1, padTo60: true }).length, 60);
  assert.equal(buildFrame({ payloadLen: 100, padTo60: true }).length, 114);
  assert.equal(parseFrame(buildFrame({ eth: { type: 0x88cc } })).eth!.type, 0x88cc);
});

test('VXLAN GBP and Geneve flags', () => {
  const vx = parseFrame(buildFrame({ ipv4: {}, udp: { vxlan: { vni: 0xabcdef, gbpId: 0x1234, gbpFlags: 0x40 } }, payload: udpFrame() }));
  assert.deepEqual([vx.udp!.vxlan!.flags, vx.udp!.vxlan!.vni, vx.udp!.vxlan!.gbpId, vx.udp!.vxlan!.gbpFlags], [0x88, 0xabcdef, 0x1234, 0x40]);
  const gn = parseFrame(buildFrame({ ipv4: {}, udp: { geneve: { vni: 1, flags: 0xc0, proto: 0x0800 } }, payloadLen: 4 }));
  const g = gn.udp!.geneve!;
  assert.deepEqual([g.oam, g.critical, g.proto, g.optLen, g.inner], [true, true, 0x0800, 0, undefined]);
});

test('TCP flag text', () => {
  assert.equal(formatTcpFlags(0x012), 'syn|ack');
  assert.equal(formatTcpFlags(0x1ff), 'fin|syn|rst|psh|ack|urg|ece|cwr|ns');
  assert.equal(formatTcpFlags(0), '');
  assert.equal(parseTcpFlags('syn|ack'), 0x012);
  assert.equal(parseTcpFlags('FIN,ACK'), 0x011);
  assert.equal(parseTcpFlags('SA'), 0x012);
  assert.equal(parseTcpFlags('R'), 0x004);
  assert.equal(parseTcpFlags(0x1002), 0x002);
  assert.equal(parseTcpFlags('bogus'), null);
});

test('VLAN TCI, MPLS LSE and multicast address helpers', () => {
  const tci = makeTci(4095, 7, true);
  assert.equal(tci, 0xffff);
  assert.deepEqual([tciVid(tci), tciPcp(tci), tciDei(tci)], [4095, 7, true]);
  assert.equal(makeTci(10, 3), 0x600a);
  const lse = makeLse(0xabcde, 5, true, 200);
  assert.equal(lse, 0xabcdebc8);
  assert.deepEqual([lseLabel(lse), lseTc(lse), lseBos(lse), lseTtl(lse)], [0xabcde, 5, true, 200]);
  assert.equal(formatIpv6(solicitedNodeMulticast(toIpv6('fe80::1:2:3'))), 'ff02::1:ff02:3');
  assert.equal(ipv6MulticastMac(toIpv6('ff02::1')), 0x333300000001);
  assert.ok(isMulticastMac(0x333300000001));
  assert.ok(isMulticastMac(0xffffffffffff) && isBroadcastMac(0xffffffffffff));
  assert.ok(!isMulticastMac(0x020000000001));
});
