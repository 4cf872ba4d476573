// Known-answer frames: hand-written or independently computed bytes, parsed, rebuilt and
// checksum-verified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame, arpRequest, ndNeighborSolicit, tcpFrame } from '../../src/packet/build.js';
import { bytesToHex, hexToBytes } from '../../src/packet/hex.js';
import { ipv4HeaderChecksum } from '../../src/packet/ipv4.js';
import { parseFrame } from '../../src/packet/parse.js';
import { verifyChecksums } from '../../src/packet/verify.js';

test('IPv4 header checksum of the classic example header is 0xb861', () => {
  const h = hexToBytes('4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7');
  assert.equal(ipv4HeaderChecksum(h, 0), 0xb861);
  h[10] = 0;
  h[11] = 0;
  assert.equal(ipv4HeaderChecksum(h, 0), 0xb861);
});

test('hand-written IPv4/UDP frame: parse, verify, rebuild', () => {
  // 10.0.0.1:1234 -> 10.0.0.2:5678, payload 00 01 02 03; checksums computed by hand (0x66cb, 0xcecf).
  const hex =
    '000000000002 000000000001 0800' +
    '4500 0020 0000 0000 4011 66cb 0a000001 0a000002' +
    '04d2 162e 000c cecf 00010203';
  const frame = hexToBytes(hex);
  const p = parseFrame(frame);
  assert.deepEqual(p.errors, []);
  assert.equal(p.eth!.type, 0x0800);
  assert.equal(p.ipv4!.src, '10.0.0.1');
  assert.equal(p.ipv4!.checksum, 0x66cb);
  assert.equal(p.udp!.src, 1234);
  assert.equal(p.udp!.dst, 5678);
  assert.equal(p.udp!.checksum, 0xcecf);
  assert.deepEqual(Array.from(p.payload), [0, 1, 2, 3]);
  assert.deepEqual(verifyChecksums(frame), { ok: true, problems: [] });
  const rebuilt = buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { src: 1234, dst: 5678 }, payload: [0, 1, 2, 3] });
  assert.equal(bytesToHex(rebuilt), bytesToHex(frame));
});

test('TCP SYN with MSS option (independently computed checksums)', () => {
  const hex =
    '00112233445566778899aabb0800' +
    '4500002c1c464000400626f9c0a8010a5db8d822' +
    '9c400050123456780000000060027210294c0000020405b4';
  const frame = hexToBytes(hex);
  const p = parseFrame(frame);
  assert.deepEqual(p.errors, []);
  assert.equal(p.ipv4!.df, true);
  assert.equal(p.ipv4!.id, 0x1c46);
  assert.equal(p.tcp!.flagsText, 'syn');
  assert.equal(p.tcp!.seq, 0x12345678);
  assert.deepEqual(p.tcp!.options.map((o) => [o.type, o.len, Array.from(o.data)]), [[2, 4, [0x05, 0xb4]]]);
  assert.ok(verifyChecksums(frame).ok);
  const rebuilt = tcpFrame({
    ethSrc: '66:77:88:99:aa:bb',
    ethDst: '00:11:22:33:44:55',
    ipSrc: '192.168.1.10',
    ipDst: '93.184.216.34',
    sport: 40000,
    dport: 80,
    seq: 0x12345678,
    flags: 'syn',
    window: 29200,
  });
  // Same except the IP id/DF and the MSS option, which the quick builder does not set.
  const full = buildFrame({
    eth: { src: '66:77:88:99:aa:bb', dst: '00:11:22:33:44:55' },
    ipv4: { src: '192.168.1.10', dst: '93.184.216.34', id: 0x1c46, df: true },
    tcp: { src: 40000, dst: 80, seq: 0x12345678, flags: 'syn', window: 29200, options: [2, 4, 0x05, 0xb4] },
  });
  assert.equal(bytesToHex(full), bytesToHex(frame));
  assert.ok(verifyChecksums(rebuilt).ok);
});

test('captured-style ARP request (who-has 24.166.173.159 tell 24.166.172.1)', () => {
  const hex =
    'ffffffffffff 00070daff454 0806 0001 0800 06 04 0001 00070daff454 18a6ac01 000000000000 18a6ad9f' +
    '000000000000000000000000000000000000';
  const frame = hexToBytes(hex);
  assert.equal(frame.length, 60);
  const p = parseFrame(frame);
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.arp, {
    htype: 1,
    ptype: 0x0800,
    hlen: 6,
    plen: 4,
    op: 1,
    sha: '00:07:0d:af:f4:54',
    spa: '24.166.172.1',
    tha: '00:00:00:00:00:00',
    tpa: '24.166.173.159',
  });
  assert.equal(p.padding, 18);
  const rebuilt = arpRequest({ sha: '00:07:0d:af:f4:54', spa: '24.166.172.1', tpa: '24.166.173.159' });
  assert.equal(bytesToHex(rebuilt), bytesToHex(frame));
});

test('ICMPv6 Neighbor Solicitation with SLL option (independently computed checksum 0x7a97)', () => {
  const hex =
    '3333ff000002 000000000001 86dd' +
    '60000000 0020 3a ff fe80000000000000020000fffe000001 ff0200000000000000000001ff000002' +
    '8700 7a97 00000000 fe80000000000000020000fffe000002 0101 000000000001';
  const frame = hexToBytes(hex);
  const p = parseFrame(frame);
  assert.deepEqual(p.errors, []);
  assert.equal(p.ipv6!.src, 'fe80::200:ff:fe00:1');
  assert.equal(p.ipv6!.dst, 'ff02::1:ff00:2');
  assert.equal(p.ipv6!.hopLimit, 255);
  assert.equal(p.icmpv6!.type, 135);
  assert.equal(p.icmpv6!.nd!.target, 'fe80::200:ff:fe00:2');
  assert.equal(p.icmpv6!.nd!.sll, '00:00:00:00:00:01');
  assert.equal(p.icmpv6!.nd!.tll, undefined);
  assert.ok(verifyChecksums(frame).ok);
  const rebuilt = ndNeighborSolicit({ mac: 1, ipSrc: 'fe80::200:ff:fe00:1', target: 'fe80::200:ff:fe00:2' });
  assert.equal(bytesToHex(rebuilt), bytesToHex(frame));
});

test('SCTP INIT with CRC32c stored little-endian (independently computed 0x90bceafc)', () => {
  const hex =
    '000000000002 000000000001 0800' +
    '45000034 00010000 40846441 0a010101 0a010102' +
    '13881389 00000000 fceabc90 01000014deadbeef00010000000a000a00000001';
  const frame = hexToBytes(hex);
  const p = parseFrame(frame);
  assert.deepEqual(p.errors, []);
  assert.equal(p.sctp!.checksum, 0x90bceafc);
  assert.deepEqual(p.sctp!.chunks, [{ type: 1, flags: 0, length: 20 }]);
  assert.ok(verifyChecksums(frame).ok);
  const rebuilt = buildFrame({
    ipv4: { src: '10.1.1.1', dst: '10.1.1.2', id: 1 },
    sctp: { src: 5000, dst: 5001, chunks: [{ type: 1, data: hexToBytes('deadbeef00010000000a000a00000001') }] },
  });
  assert.equal(bytesToHex(rebuilt), bytesToHex(frame));
});

test('UDP over IPv6 checksum (independently computed 0x5c70)', () => {
  const f = buildFrame({
    ipv6: { src: '2001:db8::1', dst: '2001:db8::2' },
    udp: { src: 53, dst: 1000 },
    payload: new TextEncoder().encode('hello'),
  });
  const p = parseFrame(f);
  assert.equal(p.udp!.checksum, 0x5c70);
  assert.ok(verifyChecksums(f).ok);
});
