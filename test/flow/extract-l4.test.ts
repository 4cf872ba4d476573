/*
 * extract(): transport layer — TCP (ports, flags, header length checks), UDP, SCTP, ICMP,
 * IGMP, ICMPv6 and Neighbor Discovery (target, SLL/TLL options, malformed options).
 */
import { test } from 'node:test';
import { bytes, ethHdr, ipv4Hdr, ipv6Hdr, run, assertKey, assertOffsets, ETH, IP4_SRC, IP4_DST, IP6_SRC, IP6_DST, hex16 } from './extract-frames.js';

const V4 = { ...ETH, eth_type: 0x0800, ipv4_src: IP4_SRC, ipv4_dst: IP4_DST, nw_ttl: 64 } as const;
const V6 = { ...ETH, eth_type: 0x86dd, ipv6_src: IP6_SRC, ipv6_dst: IP6_DST, nw_ttl: 255 } as const;

const v4 = (proto: number, l4: string | Uint8Array): Uint8Array => {
  const b = bytes(l4);
  return bytes(ethHdr(0x0800), ipv4Hdr({ proto, payloadLen: b.length }), b);
};
const v6 = (nxt: number, l4: string | Uint8Array): Uint8Array => {
  const b = bytes(l4);
  return bytes(ethHdr(0x86dd), ipv6Hdr({ nxt, plen: b.length }), b);
};
const tcp = (ctl: number, opts = ''): string => '0050d4310000000100000000' + hex16(ctl) + 'ffff00000000' + opts;

test('TCP: ports and all 12 flag bits, data offset excluded', () => {
  for (const [ctl, flags] of [
    [0x5002, 0x002],
    [0x5fff, 0xfff],
    [0x5018, 0x018],
    [0x5ed1, 0xed1],
  ] as const) {
    const { key, pkt } = run(v4(6, tcp(ctl)));
    assertKey(key, { ...V4, nw_proto: 6, tp_src: 80, tp_dst: 54321, tcp_flags: flags });
    assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 34 });
  }
});

test('TCP with options (data offset 8)', () => {
  const { key } = run(v4(6, tcp(0x8010, '0101080a0000000100000002')));
  assertKey(key, { ...V4, nw_proto: 6, tp_src: 80, tp_dst: 54321, tcp_flags: 0x010 });
});

test('TCP with a bad data offset or shorter than its header: no L4 fields', () => {
  for (const l4 of [tcp(0x4002), tcp(0x0002), tcp(0x6002), tcp(0x5002).slice(0, 38) /* 19 bytes */]) {
    const { key, pkt } = run(v4(6, l4));
    assertKey(key, { ...V4, nw_proto: 6 }, l4);
    assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 34 });
  }
});

test('TCP over IPv6', () => {
  const { key } = run(v6(6, tcp(0x5011)));
  assertKey(key, { ...V6, nw_proto: 6, tp_src: 80, tp_dst: 54321, tcp_flags: 0x011 });
});

test('UDP ports; 7 bytes is not enough', () => {
  assertKey(run(v4(17, 'ffff 0001 0008 0000')).key, { ...V4, nw_proto: 17, tp_src: 0xffff, tp_dst: 1 });
  assertKey(run(v4(17, 'ffff 0001 0008 00')).key, { ...V4, nw_proto: 17 });
  assertKey(run(v6(17, '0222 0223 0008 0000')).key, { ...V6, nw_proto: 17, tp_src: 546, tp_dst: 547 });
});

test('SCTP ports; needs the 12-byte common header', () => {
  const sctp = '0b590b5a1122334455667788';
  assertKey(run(v4(132, sctp)).key, { ...V4, nw_proto: 132, tp_src: 2905, tp_dst: 2906 });
  assertKey(run(v4(132, sctp.slice(0, 22))).key, { ...V4, nw_proto: 132 });
  assertKey(run(v6(132, sctp)).key, { ...V6, nw_proto: 132, tp_src: 2905, tp_dst: 2906 });
});

test('ICMP: type in tp_src, code in tp_dst; needs 8 bytes', () => {
  assertKey(run(v4(1, '0800 f7ff 0001 0001')).key, { ...V4, nw_proto: 1, tp_src: 8, tp_dst: 0 });
  assertKey(run(v4(1, '0301 0000 00000000 4500')).key, { ...V4, nw_proto: 1, tp_src: 3, tp_dst: 1 });
  assertKey(run(v4(1, '0800 f7ff 0001 00')).key, { ...V4, nw_proto: 1 });
});

test('IGMP: type and code', () => {
  assertKey(run(v4(2, '1600 0000 e0000016')).key, { ...V4, nw_proto: 2, tp_src: 0x16, tp_dst: 0 });
  assertKey(run(v4(2, '1600 0000 e00000')).key, { ...V4, nw_proto: 2 });
});

test('ICMPv6 echo request/reply; needs 8 bytes', () => {
  const { key, pkt } = run(v6(58, '8000 0000 1234 0001 abcd'));
  assertKey(key, { ...V6, nw_proto: 58, tp_src: 128, tp_dst: 0 });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 54 });
  assertKey(run(v6(58, '8100 0000 1234 0001')).key, { ...V6, nw_proto: 58, tp_src: 129, tp_dst: 0 });
  assertKey(run(v6(58, '8000 0000 1234 00')).key, { ...V6, nw_proto: 58 });
});

const TARGET = [0xfe800000, 0, 0x021122ff, 0xfe334455];
const TARGET_HEX = 'fe800000 00000000 021122ff fe334455';
const SLL = '01 01 aabbccddeeff';
const TLL = '02 01 112233445566';
const nd = (type: number, opts = '', code = 0): Uint8Array => v6(58, hex16((type << 8) | code) + '0000 60000000' + TARGET_HEX + opts);

test('ND neighbor solicitation with SLL: target, arp_sha, option type 1 in tcp_flags', () => {
  const { key, pkt } = run(nd(135, SLL));
  assertKey(key, { ...V6, nw_proto: 58, tp_src: 135, tp_dst: 0, nd_target: TARGET, arp_sha: 0xaabbccddeeff, tcp_flags: 1 });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 54 });
});

test('ND neighbor advertisement with TLL', () => {
  const { key } = run(nd(136, TLL));
  assertKey(key, { ...V6, nw_proto: 58, tp_src: 136, tp_dst: 0, nd_target: TARGET, arp_tha: 0x112233445566, tcp_flags: 2 });
});

test('ND with TLL then SLL: both MACs, first option type wins', () => {
  const { key } = run(nd(135, TLL + SLL));
  assertKey(key, {
    ...V6,
    nw_proto: 58,
    tp_src: 135,
    nd_target: TARGET,
    arp_sha: 0xaabbccddeeff,
    arp_tha: 0x112233445566,
    tcp_flags: 2,
  });
});

test('ND without options: target only', () => {
  assertKey(run(nd(135)).key, { ...V6, nw_proto: 58, tp_src: 135, nd_target: TARGET });
});

test('ND with non-zero code, or other ICMPv6 types: not ND', () => {
  assertKey(run(nd(135, SLL, 1)).key, { ...V6, nw_proto: 58, tp_src: 135, tp_dst: 1 });
  assertKey(run(nd(133, SLL)).key, { ...V6, nw_proto: 58, tp_src: 133 });
  assertKey(run(nd(134, SLL)).key, { ...V6, nw_proto: 58, tp_src: 134 });
});

test('ND with a truncated target: type/code only', () => {
  const b = bytes('8700 0000 00000000', TARGET_HEX).subarray(0, 8 + 15);
  assertKey(run(v6(58, b)).key, { ...V6, nw_proto: 58, tp_src: 135 });
});

test('ND with a repeated SLL or TLL: target and MACs cleared, option type kept', () => {
  assertKey(run(nd(135, SLL + SLL)).key, { ...V6, nw_proto: 58, tp_src: 135, tcp_flags: 1 });
  assertKey(run(nd(136, TLL + SLL + TLL)).key, { ...V6, nw_proto: 58, tp_src: 136, tcp_flags: 2 });
});

test('ND option with length 0 or past the end stops parsing, keeping what was found', () => {
  assertKey(run(nd(135, SLL + '02 00 000000000000' + TLL)).key, {
    ...V6,
    nw_proto: 58,
    tp_src: 135,
    nd_target: TARGET,
    arp_sha: 0xaabbccddeeff,
    tcp_flags: 1,
  });
  assertKey(run(nd(135, '02 02 112233445566')).key, { ...V6, nw_proto: 58, tp_src: 135, nd_target: TARGET });
});

test('ND options of other types or lengths are skipped', () => {
  const nonce = '0e01 010203040506';
  const longSll = '0102 aabbccddeeff 0000000000000000';
  assertKey(run(nd(135, nonce + longSll + TLL)).key, {
    ...V6,
    nw_proto: 58,
    tp_src: 135,
    nd_target: TARGET,
    arp_tha: 0x112233445566,
    tcp_flags: 2,
  });
});

test('ND with a trailing partial option (< 8 bytes) ignores it', () => {
  assertKey(run(nd(136, TLL + '0101aabb')).key, {
    ...V6,
    nw_proto: 58,
    tp_src: 136,
    nd_target: TARGET,
    arp_tha: 0x112233445566,
    tcp_flags: 2,
  });
});

test('ICMPv6 later fragment: no ND parsing', () => {
  const body = bytes('8700 0000 00000000', TARGET_HEX, SLL);
  const frame = bytes(ethHdr(0x86dd), ipv6Hdr({ nxt: 44, plen: 8 + body.length }), '3a00 0008 00000001', body);
  assertKey(run(frame).key, { ...V6, nw_proto: 44, nw_frag: 3 });
});

test('protocol numbers are not tied to the IP version (as OVS): ICMP over IPv6', () => {
  assertKey(run(v6(1, '0800 0000 00000000')).key, { ...V6, nw_proto: 1, tp_src: 8 });
});
