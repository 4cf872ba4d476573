/*
 * extract(): IPv4 (options, fragments, length sanity checks, padding) and IPv6 (extension
 * headers, fragments, truncation), checked field by field with the header offsets.
 */
import { test } from 'node:test';
import { bytes, ethHdr, ipv4Hdr, ipv6Hdr, run, assertKey, assertOffsets, ETH, IP4_SRC, IP4_DST, IP6_SRC, IP6_DST } from './extract-frames.js';

const UDP = '04d2 0035 0008 0000'; // 1234 -> 53, header only
const TCP = '1f90 c350 00000001 00000002 5012 ffff 0000 0000'; // 8080 -> 50000, SYN|ACK
const V4 = { ...ETH, eth_type: 0x0800, ipv4_src: IP4_SRC, ipv4_dst: IP4_DST } as const;
const V6 = { ...ETH, eth_type: 0x86dd, ipv6_src: IP6_SRC, ipv6_dst: IP6_DST } as const;

test('IPv4 UDP: addresses, tos (whole byte), ttl, proto, ports', () => {
  const { key, pkt } = run(bytes(ethHdr(0x0800), ipv4Hdr({ proto: 17, payloadLen: 8, tos: 0xb9, ttl: 17 }), UDP));
  assertKey(key, { ...V4, nw_proto: 17, nw_tos: 0xb9, nw_ttl: 17, tp_src: 1234, tp_dst: 53 });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 34 });
});

test('IPv4 with options: L4 after the options', () => {
  const { key, pkt } = run(bytes(ethHdr(0x0800), ipv4Hdr({ proto: 6, payloadLen: 20, options: '01010100' }), TCP));
  assertKey(key, { ...V4, nw_proto: 6, nw_ttl: 64, tp_src: 8080, tp_dst: 50000, tcp_flags: 0x012 });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 38 });
});

test('IPv4 with the maximum 40 bytes of options', () => {
  const { key, pkt } = run(bytes(ethHdr(0x0800), ipv4Hdr({ proto: 17, payloadLen: 8, options: '01'.repeat(40) }), UDP));
  assertKey(key, { ...V4, nw_proto: 17, nw_ttl: 64, tp_src: 1234, tp_dst: 53 });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 74 });
});

test('IPv4 DF only is not a fragment', () => {
  const { key } = run(bytes(ethHdr(0x0800), ipv4Hdr({ proto: 17, payloadLen: 8, fragOff: 0x4000 }), UDP));
  assertKey(key, { ...V4, nw_proto: 17, nw_ttl: 64, tp_src: 1234, tp_dst: 53 });
});

test('IPv4 first fragment (MF, offset 0): frag=first, L4 parsed', () => {
  const { key } = run(bytes(ethHdr(0x0800), ipv4Hdr({ proto: 17, payloadLen: 8, fragOff: 0x2000 }), UDP));
  assertKey(key, { ...V4, nw_proto: 17, nw_ttl: 64, nw_frag: 1, tp_src: 1234, tp_dst: 53 });
});

test('IPv4 later fragments (offset != 0, with or without MF): frag=later, no L4 fields', () => {
  for (const fragOff of [0x2000 | 185, 185, 0x4000 | 1]) {
    const { key, pkt } = run(bytes(ethHdr(0x0800), ipv4Hdr({ proto: 17, payloadLen: 8, fragOff }), UDP));
    assertKey(key, { ...V4, nw_proto: 17, nw_ttl: 64, nw_frag: 3 });
    assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 34 });
  }
});

test('IPv4 later fragment of TCP keeps nw_proto 6 and no tcp_flags', () => {
  const { key } = run(bytes(ethHdr(0x0800), ipv4Hdr({ proto: 6, payloadLen: 20, fragOff: 3 }), TCP));
  assertKey(key, { ...V4, nw_proto: 6, nw_ttl: 64, nw_frag: 3 });
});

test('IPv4 failing the sanity checks: no L3 fields, l3Ofs set, l4Ofs absent', () => {
  const cases = [
    ipv4Hdr({ proto: 17, payloadLen: 8, ihl: 4 }) + UDP, // IHL < 5
    ipv4Hdr({ proto: 17, payloadLen: 8, ihl: 0 }) + UDP,
    ipv4Hdr({ proto: 17, payloadLen: 8, ihl: 15, totLen: 28 }) + UDP, // IHL beyond the frame
    ipv4Hdr({ proto: 17, payloadLen: 8, totLen: 29 }) + UDP, // tot_len beyond the frame
    ipv4Hdr({ proto: 17, payloadLen: 8, options: '01010101', totLen: 22 }) + UDP, // tot_len < IHL
    ipv4Hdr({ proto: 17, payloadLen: 0 }).slice(0, 38), // 19 bytes
  ];
  for (const c of cases) {
    const { key, pkt } = run(bytes(ethHdr(0x0800), c));
    assertKey(key, { ...ETH, eth_type: 0x0800 }, c);
    assertOffsets(pkt, { l2_5: -1, l3: 14, l4: -1 });
  }
});

test('IPv4 version nibble is not checked (as OVS)', () => {
  const h = ipv4Hdr({ proto: 17, payloadLen: 8 });
  const { key } = run(bytes(ethHdr(0x0800), '65' + h.slice(2), UDP));
  assertKey(key, { ...V4, nw_proto: 17, nw_ttl: 64, tp_src: 1234, tp_dst: 53 });
});

test('IPv4 tot_len bounds L4: Ethernet padding ignored, short L4 not parsed', () => {
  const padded = run(bytes(ethHdr(0x0800), ipv4Hdr({ proto: 17, payloadLen: 8 }), UDP, '00'.repeat(18)));
  assertKey(padded.key, { ...V4, nw_proto: 17, nw_ttl: 64, tp_src: 1234, tp_dst: 53 });
  // UDP header present in the frame, but tot_len says only 7 bytes of it belong to the packet
  const cut = run(bytes(ethHdr(0x0800), ipv4Hdr({ proto: 17, payloadLen: 7 }), UDP, '00'.repeat(10)));
  assertKey(cut.key, { ...V4, nw_proto: 17, nw_ttl: 64 });
  assertOffsets(cut.pkt, { l2_5: -1, l3: 14, l4: 34 });
});

test('IPv4 unknown protocol: L3 only', () => {
  const { key, pkt } = run(bytes(ethHdr(0x0800), ipv4Hdr({ proto: 47, payloadLen: 4 }), '00006558'));
  assertKey(key, { ...V4, nw_proto: 47, nw_ttl: 64 });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 34 });
});

test('IPv6 UDP: addresses, label, traffic class, hop limit', () => {
  const { key, pkt } = run(bytes(ethHdr(0x86dd), ipv6Hdr({ nxt: 17, plen: 8, tc: 0xb9, label: 0xabcde, hlim: 7 }), UDP));
  assertKey(key, { ...V6, ipv6_label: 0xabcde, nw_proto: 17, nw_tos: 0xb9, nw_ttl: 7, tp_src: 1234, tp_dst: 53 });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 54 });
});

const ext8 = (nxt: number): string => nxt.toString(16).padStart(2, '0') + '00' + '010400000000'; // 8 bytes, len 0
const frag = (nxt: number, offlg: number): string =>
  nxt.toString(16).padStart(2, '0') + '00' + offlg.toString(16).padStart(4, '0') + '12345678';

test('IPv6 hop-by-hop then UDP', () => {
  const { key, pkt } = run(bytes(ethHdr(0x86dd), ipv6Hdr({ nxt: 0, plen: 16 }), ext8(17), UDP));
  assertKey(key, { ...V6, nw_proto: 17, nw_ttl: 255, tp_src: 1234, tp_dst: 53 });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 62 });
});

test('IPv6 hop-by-hop, routing (24 bytes), destination options, then TCP', () => {
  const routing = '3c02 0000 00000000' + '00'.repeat(16); // nxt=dstopts, len 2 -> 24 bytes
  const { key, pkt } = run(bytes(ethHdr(0x86dd), ipv6Hdr({ nxt: 0, plen: 8 + 24 + 8 + 20 }), ext8(43), routing, ext8(6), TCP));
  assertKey(key, { ...V6, nw_proto: 6, nw_ttl: 255, tp_src: 8080, tp_dst: 50000, tcp_flags: 0x012 });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 54 + 40 });
});

test('IPv6 AH: length in 4-byte units plus 2', () => {
  const ah = '1104 0000' + '00000001 00000002' + '00'.repeat(12); // nxt=UDP, len 4 -> 24 bytes
  const { key, pkt } = run(bytes(ethHdr(0x86dd), ipv6Hdr({ nxt: 51, plen: 24 + 8 }), ah, UDP));
  assertKey(key, { ...V6, nw_proto: 17, nw_ttl: 255, tp_src: 1234, tp_dst: 53 });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 78 });
});

test('IPv6 first fragment: frag=first, L4 parsed', () => {
  const { key, pkt } = run(bytes(ethHdr(0x86dd), ipv6Hdr({ nxt: 44, plen: 16 }), frag(17, 0x0001), UDP));
  assertKey(key, { ...V6, nw_proto: 17, nw_ttl: 255, nw_frag: 1, tp_src: 1234, tp_dst: 53 });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 62 });
});

test('IPv6 later fragment: frag=later, nw_proto 44, no L4', () => {
  for (const offlg of [100 << 3, (100 << 3) | 1]) {
    const { key, pkt } = run(bytes(ethHdr(0x86dd), ipv6Hdr({ nxt: 0, plen: 24 }), ext8(44), frag(17, offlg), UDP));
    assertKey(key, { ...V6, nw_proto: 44, nw_ttl: 255, nw_frag: 3 });
    assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 70 });
  }
});

test('IPv6 atomic fragment header (offset 0, M 0): not a fragment', () => {
  const { key } = run(bytes(ethHdr(0x86dd), ipv6Hdr({ nxt: 44, plen: 16 }), frag(17, 0), UDP));
  assertKey(key, { ...V6, nw_proto: 17, nw_ttl: 255, tp_src: 1234, tp_dst: 53 });
});

test('IPv6 ESP / no-next-header / unknown: terminal, no L4 fields', () => {
  for (const nxt of [50, 59, 253]) {
    const { key, pkt } = run(bytes(ethHdr(0x86dd), ipv6Hdr({ nxt, plen: 8 }), UDP));
    assertKey(key, { ...V6, nw_proto: nxt, nw_ttl: 255 });
    assertOffsets(pkt, { l2_5: -1, l3: 14, l4: 54 });
  }
});

test('IPv6 truncated extension header: addresses only, no label/nw word, no l4', () => {
  const cases = [
    bytes(ipv6Hdr({ nxt: 0, plen: 7, label: 5 }), ext8(17).slice(0, 14)), // < 8 bytes left
    bytes(ipv6Hdr({ nxt: 60, plen: 8, label: 5 }), '1101 0000 00000000'), // needs 16 bytes, has 8
    bytes(ipv6Hdr({ nxt: 51, plen: 8, label: 5 }), '1101 0000 00000000'), // AH needs 12
    bytes(ipv6Hdr({ nxt: 0, plen: 12, label: 5 }), ext8(44), '11000001'), // fragment header cut
  ];
  for (const c of cases) {
    const { key, pkt } = run(bytes(ethHdr(0x86dd), c, '00'.repeat(16)));
    assertKey(key, V6);
    assertOffsets(pkt, { l2_5: -1, l3: 14, l4: -1 });
  }
});

test('IPv6 failing the sanity checks: no L3 fields', () => {
  const short = run(bytes(ethHdr(0x86dd), ipv6Hdr({ nxt: 17, plen: 0 }).slice(0, 78)));
  assertKey(short.key, { ...ETH, eth_type: 0x86dd });
  assertOffsets(short.pkt, { l2_5: -1, l3: 14, l4: -1 });
  const long = run(bytes(ethHdr(0x86dd), ipv6Hdr({ nxt: 17, plen: 9 }), UDP));
  assertKey(long.key, { ...ETH, eth_type: 0x86dd });
  assertOffsets(long.pkt, { l2_5: -1, l3: 14, l4: -1 });
});

test('IPv6 payload length bounds L4: padding ignored, short L4 not parsed', () => {
  const padded = run(bytes(ethHdr(0x86dd), ipv6Hdr({ nxt: 17, plen: 8 }), UDP, '0000'));
  assertKey(padded.key, { ...V6, nw_proto: 17, nw_ttl: 255, tp_src: 1234, tp_dst: 53 });
  const cut = run(bytes(ethHdr(0x86dd), ipv6Hdr({ nxt: 17, plen: 7 }), UDP));
  assertKey(cut.key, { ...V6, nw_proto: 17, nw_ttl: 255 });
  assertOffsets(cut.pkt, { l2_5: -1, l3: 14, l4: 54 });
});

test('IPv6 inside QinQ', () => {
  const { key, pkt } = run(bytes('0a0b0c0d0e0f020304050607', '88a8 0064', '8100 00c8', '86dd', ipv6Hdr({ nxt: 17, plen: 8 }), UDP));
  assertKey(key, {
    ...V6,
    vlan0_tpid: 0x88a8,
    vlan0_tci: 0x1064,
    vlan1_tpid: 0x8100,
    vlan1_tci: 0x10c8,
    nw_proto: 17,
    nw_ttl: 255,
    tp_src: 1234,
    tp_dst: 53,
  });
  assertOffsets(pkt, { l2_5: -1, l3: 22, l4: 62 });
});
