/*
 * extract(): metadata, tunnel words, Ethernet, 802.2 LLC/SNAP, VLAN (802.1Q, QinQ, limit),
 * MPLS and ARP/RARP, each checked field by field and with the header offsets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extract, setVlanLimit, getVlanLimit } from '../../src/flow/extract.js';
import { newFlowKey } from '../../src/flow/layout.js';
import {
  bytes,
  ethHdr,
  ipv4Hdr,
  run,
  assertKey,
  assertOffsets,
  ETH,
  DST_HEX,
  SRC_HEX,
  IP4_SRC,
  IP4_DST,
  packetOf,
} from './extract-frames.js';

const UDP_PAYLOAD = '04d2 0035 000c 0000 01020304';
const ipv4Udp = (): string => ipv4Hdr({ proto: 17, payloadLen: 12 }) + UDP_PAYLOAD;

test('Ethernet with an unknown Ethertype: MACs and type only', () => {
  const { key, pkt } = run(bytes(ethHdr(0x88cc), '0102030405060708'));
  assertKey(key, { ...ETH, eth_type: 0x88cc });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: -1 });
});

test('frame shorter than an Ethernet header: metadata only, no offsets', () => {
  for (let n = 0; n < 14; n++) {
    const { key, pkt } = run(bytes(ethHdr(0x0800)).subarray(0, n), (p) => (p.inPort = 7));
    assertKey(key, { in_port: 7 });
    assertOffsets(pkt, { l2_5: -1, l3: -1, l4: -1 });
  }
});

test('bare 14-byte IPv4 frame: eth_type set, no L3 fields', () => {
  const { key, pkt } = run(bytes(ethHdr(0x0800)));
  assertKey(key, { ...ETH, eth_type: 0x0800 });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: -1 });
});

test('MAC split across words', () => {
  const { key } = run(bytes('ffeeddccbbaa' + '112233445566' + '9000'));
  assert.equal(key[26], 0xffee1122);
  assert.equal(key[27], 0xddccbbaa);
  assert.equal(key[28], 0x33445566);
});

test('802.1Q tag: tpid and tci with CFI set, inner type as eth_type', () => {
  const { key, pkt } = run(bytes(DST_HEX + SRC_HEX, '8100 6005', '0800', ipv4Udp()));
  assertKey(key, {
    ...ETH,
    eth_type: 0x0800,
    vlan0_tpid: 0x8100,
    vlan0_tci: 0x7005,
    ipv4_src: IP4_SRC,
    ipv4_dst: IP4_DST,
    nw_proto: 17,
    nw_ttl: 64,
    tp_src: 1234,
    tp_dst: 53,
  });
  assertOffsets(pkt, { l2_5: -1, l3: 18, l4: 38 });
});

test('VLAN tag with VID 0 and PCP 0 is still present (CFI bit)', () => {
  const { key } = run(bytes(DST_HEX + SRC_HEX, '8100 0000', '88cc', '00'));
  assertKey(key, { ...ETH, eth_type: 0x88cc, vlan0_tpid: 0x8100, vlan0_tci: 0x1000 });
});

test('QinQ: 802.1ad outer, 802.1Q inner', () => {
  const { key, pkt } = run(bytes(DST_HEX + SRC_HEX, '88a8 a064', '8100 200a', '86dd', '00'.repeat(8)));
  assertKey(key, {
    ...ETH,
    eth_type: 0x86dd,
    vlan0_tpid: 0x88a8,
    vlan0_tci: 0xb064,
    vlan1_tpid: 0x8100,
    vlan1_tci: 0x300a,
  });
  assertOffsets(pkt, { l2_5: -1, l3: 22, l4: -1 });
});

test('third VLAN tag stays in the payload: its TPID is eth_type', () => {
  const { key, pkt } = run(bytes(DST_HEX + SRC_HEX, '88a8 0001', '8100 0002', '8100 0003', '0800', ipv4Udp()));
  assertKey(key, {
    ...ETH,
    eth_type: 0x8100,
    vlan0_tpid: 0x88a8,
    vlan0_tci: 0x1001,
    vlan1_tpid: 0x8100,
    vlan1_tci: 0x1002,
  });
  assertOffsets(pkt, { l2_5: -1, l3: 22, l4: -1 });
});

test('setVlanLimit(1) parses one tag (vswitchd default); 0 restores the maximum', () => {
  const frame = bytes(DST_HEX + SRC_HEX, '88a8 0001', '8100 0002', '0800', ipv4Udp());
  assert.equal(getVlanLimit(), 2);
  setVlanLimit(1);
  try {
    const { key, pkt } = run(frame);
    assertKey(key, { ...ETH, eth_type: 0x8100, vlan0_tpid: 0x88a8, vlan0_tci: 0x1001 });
    assertOffsets(pkt, { l2_5: -1, l3: 18, l4: -1 });
    setVlanLimit(5);
    assert.equal(getVlanLimit(), 2);
  } finally {
    setVlanLimit(0);
  }
  assert.equal(getVlanLimit(), 2);
});

test('a tag needs 6 bytes (tag + next type); otherwise its TPID is eth_type', () => {
  const full = bytes(DST_HEX + SRC_HEX, '8100 0064', '0806');
  const r18 = run(full);
  assertKey(r18.key, { ...ETH, eth_type: 0x0806, vlan0_tpid: 0x8100, vlan0_tci: 0x1064 });
  assertOffsets(r18.pkt, { l2_5: -1, l3: 18, l4: -1 });
  for (const n of [14, 15, 16, 17]) {
    const { key, pkt } = run(full.subarray(0, n));
    assertKey(key, { ...ETH, eth_type: 0x8100 });
    assertOffsets(pkt, { l2_5: -1, l3: 14, l4: -1 });
  }
});

test('802.2 LLC without SNAP: eth_type 0x05ff, L3 at the LLC header', () => {
  const { key, pkt } = run(bytes(ethHdr(0x0026), '424203', '0000000000000000000000'));
  assertKey(key, { ...ETH, eth_type: 0x05ff });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: -1 });
});

test('LLC shorter than a SNAP header: 0x05ff', () => {
  const { key, pkt } = run(bytes(ethHdr(0x0007), 'aaaa03000000 08'));
  assertKey(key, { ...ETH, eth_type: 0x05ff });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: -1 });
});

test('SNAP with OUI 0 carries an Ethertype: parsed as that protocol', () => {
  const ip = ipv4Udp();
  const { key, pkt } = run(bytes(ethHdr(8 + ip.replace(/\s/g, '').length / 2), 'aaaa03 000000 0800', ip));
  assertKey(key, {
    ...ETH,
    eth_type: 0x0800,
    ipv4_src: IP4_SRC,
    ipv4_dst: IP4_DST,
    nw_proto: 17,
    nw_ttl: 64,
    tp_src: 1234,
    tp_dst: 53,
  });
  assertOffsets(pkt, { l2_5: -1, l3: 22, l4: 42 });
});

test('SNAP with a non-zero OUI: 0x05ff, nothing pulled', () => {
  const { key, pkt } = run(bytes(ethHdr(0x0010), 'aaaa03 00000c 2000', '0102030405060708'));
  assertKey(key, { ...ETH, eth_type: 0x05ff });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: -1 });
});

test('SNAP with OUI 0 and a length-like type: 0x05ff, SNAP header pulled', () => {
  const { key, pkt } = run(bytes(ethHdr(0x0010), 'aaaa03 000000 0400', '0102030405060708'));
  assertKey(key, { ...ETH, eth_type: 0x05ff });
  assertOffsets(pkt, { l2_5: -1, l3: 22, l4: -1 });
});

test('SNAP inside a VLAN tag', () => {
  const { key, pkt } = run(bytes(DST_HEX + SRC_HEX, '8100 0005', '0010', 'aaaa03 000000 88cc', '00'.repeat(8)));
  assertKey(key, { ...ETH, eth_type: 0x88cc, vlan0_tpid: 0x8100, vlan0_tci: 0x1005 });
  assertOffsets(pkt, { l2_5: -1, l3: 26, l4: -1 });
});

// MPLS LSE: label << 12 | tc << 9 | bos << 8 | ttl
const lse = (label: number, tc: number, bos: number, ttl: number): number =>
  ((label << 12) | (tc << 9) | (bos << 8) | ttl) >>> 0;
const lseHex = (v: number): string => v.toString(16).padStart(8, '0');

test('MPLS, one label: LSE recorded, L3 not parsed', () => {
  const l0 = lse(100, 5, 1, 64);
  const { key, pkt } = run(bytes(ethHdr(0x8847), lseHex(l0), ipv4Udp()));
  assertKey(key, { ...ETH, eth_type: 0x8847, mpls: [l0] });
  assertOffsets(pkt, { l2_5: 14, l3: 18, l4: -1 });
});

test('MPLS, three labels, multicast Ethertype', () => {
  const ls = [lse(0xfffff, 7, 0, 1), lse(16, 0, 0, 2), lse(17, 1, 1, 255)];
  const { key, pkt } = run(bytes(ethHdr(0x8848), ...ls.map(lseHex), ipv4Udp()));
  assertKey(key, { ...ETH, eth_type: 0x8848, mpls: ls });
  assertOffsets(pkt, { l2_5: 14, l3: 26, l4: -1 });
});

test('MPLS, four labels: first three kept, L3 after the whole stack', () => {
  const ls = [lse(1, 0, 0, 1), lse(2, 0, 0, 2), lse(3, 0, 0, 3), lse(4, 0, 1, 4)];
  const { key, pkt } = run(bytes(ethHdr(0x8847), ...ls.map(lseHex), ipv4Udp()));
  assertKey(key, { ...ETH, eth_type: 0x8847, mpls: ls.slice(0, 3) });
  assertOffsets(pkt, { l2_5: 14, l3: 30, l4: -1 });
});

test('MPLS without BoS runs to the end of the frame; partial LSE ignored', () => {
  const ls = [lse(1, 0, 0, 1), lse(2, 0, 0, 2)];
  const { key, pkt } = run(bytes(ethHdr(0x8847), ...ls.map(lseHex), 'aabbcc'));
  assertKey(key, { ...ETH, eth_type: 0x8847, mpls: ls });
  assertOffsets(pkt, { l2_5: 14, l3: 22, l4: -1 });
});

test('MPLS after a VLAN tag', () => {
  const l0 = lse(77, 0, 1, 9);
  const { key, pkt } = run(bytes(DST_HEX + SRC_HEX, '8100 0002', '8847', lseHex(l0), '4500'));
  assertKey(key, { ...ETH, eth_type: 0x8847, vlan0_tpid: 0x8100, vlan0_tci: 0x1002, mpls: [l0] });
  assertOffsets(pkt, { l2_5: 18, l3: 22, l4: -1 });
});

test('metadata words', () => {
  const { key } = run(bytes(ethHdr(0x88cc)), (p) => {
    p.inPort = 3;
    p.skbPriority = 0x10001;
    p.pktMark = 0xfedcba98;
    p.recircId = 12;
    p.dpHash = 0x89abcdef;
  });
  assertKey(key, {
    ...ETH,
    eth_type: 0x88cc,
    in_port: 3,
    skb_priority: 0x10001,
    skb_mark: 0xfedcba98,
    recirc_id: 12,
    dp_hash: 0x89abcdef,
  });
});

test('conntrack words when ct_state is set', () => {
  const { key } = run(bytes(ethHdr(0x88cc)), (p) => {
    p.ctState = 0x22; // trk|est
    p.ctZone = 0xabcd;
    p.ctMark = 0x12345678;
    p.ctLabel.set([1, 2, 3, 0x80000000]);
  });
  assertKey(key, {
    ...ETH,
    eth_type: 0x88cc,
    ct_state: 0x22,
    ct_zone: 0xabcd,
    ct_mark: 0x12345678,
    ct_label: [1, 2, 3, 0x80000000],
  });
});

test('ct_zone/ct_mark/ct_label are not in the key while ct_state is 0 (as OVS)', () => {
  const { key } = run(bytes(ethHdr(0x88cc)), (p) => {
    p.ctZone = 5;
    p.ctMark = 6;
    p.ctLabel.set([7, 7, 7, 7]);
  });
  assertKey(key, { ...ETH, eth_type: 0x88cc });
});

test('tunnel words when the tunnel destination is set (IPv4)', () => {
  const { key } = run(bytes(ethHdr(0x88cc)), (p) => {
    const t = p.tunnel;
    t.idHi = 0x1;
    t.idLo = 0x00abcdef;
    t.ipv4Src = 0x01020304;
    t.ipv4Dst = 0x05060708;
    t.tos = 0xb8;
    t.ttl = 63;
    t.flags = 0x5;
    t.tpSrc = 49152;
    t.tpDst = 4789;
    t.gbpId = 0x1234;
    t.gbpFlags = 0x88;
  });
  assertKey(key, {
    ...ETH,
    eth_type: 0x88cc,
    tun_id: 0x100abcdef,
    tun_src: 0x01020304,
    tun_dst: 0x05060708,
    tun_tos: 0xb8,
    tun_ttl: 63,
    tun_flags: 5,
    tun_tp_src: 49152,
    tun_tp_dst: 4789,
    tun_gbp_id: 0x1234,
    tun_gbp_flags: 0x88,
  });
});

test('tunnel words with IPv6 outer addresses', () => {
  const { key } = run(bytes(ethHdr(0x88cc)), (p) => {
    p.tunnel.ipv6Src.set([0x20010db8, 0, 0, 1]);
    p.tunnel.ipv6Dst.set([0x20010db8, 0, 0, 2]);
    p.tunnel.idLo = 42;
  });
  assertKey(key, {
    ...ETH,
    eth_type: 0x88cc,
    tun_id: 42,
    tun_ipv6_src: [0x20010db8, 0, 0, 1],
    tun_ipv6_dst: [0x20010db8, 0, 0, 2],
  });
});

test('no tunnel words when no tunnel destination is set', () => {
  const { key } = run(bytes(ethHdr(0x88cc)), (p) => {
    p.tunnel.ipv4Src = 0x01020304;
    p.tunnel.idLo = 9;
    p.tunnel.ttl = 5;
  });
  assertKey(key, { ...ETH, eth_type: 0x88cc });
});

const arpBody = (op: number, htype = 1, ptype = 0x0800, hlen = 6, plen = 4): string =>
  [htype, ptype].map((v) => v.toString(16).padStart(4, '0')).join('') +
  hlen.toString(16).padStart(2, '0') +
  plen.toString(16).padStart(2, '0') +
  op.toString(16).padStart(4, '0') +
  'aabbccddeeff c0a80001 112233445566 c0a800fe';

test('ARP request and reply: op, spa/tpa, sha/tha', () => {
  for (const op of [1, 2]) {
    const { key, pkt } = run(bytes(ethHdr(0x0806), arpBody(op), '00'.repeat(18)));
    assertKey(key, {
      ...ETH,
      eth_type: 0x0806,
      nw_proto: op,
      ipv4_src: 0xc0a80001,
      ipv4_dst: 0xc0a800fe,
      arp_sha: 0xaabbccddeeff,
      arp_tha: 0x112233445566,
    });
    assertOffsets(pkt, { l2_5: -1, l3: 14, l4: -1 });
  }
});

test('RARP is parsed like ARP', () => {
  const { key } = run(bytes(ethHdr(0x8035), arpBody(3)));
  assertKey(key, {
    ...ETH,
    eth_type: 0x8035,
    nw_proto: 3,
    ipv4_src: 0xc0a80001,
    ipv4_dst: 0xc0a800fe,
    arp_sha: 0xaabbccddeeff,
    arp_tha: 0x112233445566,
  });
});

test('ARP opcode above 0xff: addresses kept, nw_proto 0', () => {
  const { key } = run(bytes(ethHdr(0x0806), arpBody(0x0101)));
  assertKey(key, {
    ...ETH,
    eth_type: 0x0806,
    ipv4_src: 0xc0a80001,
    ipv4_dst: 0xc0a800fe,
    arp_sha: 0xaabbccddeeff,
    arp_tha: 0x112233445566,
  });
});

test('ARP that is not Ethernet/IPv4, or truncated: no ARP fields', () => {
  const bad = [arpBody(1, 6), arpBody(1, 1, 0x86dd), arpBody(1, 1, 0x0800, 8), arpBody(1, 1, 0x0800, 6, 16)];
  for (const body of bad) {
    const { key } = run(bytes(ethHdr(0x0806), body));
    assertKey(key, { ...ETH, eth_type: 0x0806 });
  }
  const { key, pkt } = run(bytes(ethHdr(0x0806), arpBody(1)).subarray(0, 14 + 27));
  assertKey(key, { ...ETH, eth_type: 0x0806 });
  assertOffsets(pkt, { l2_5: -1, l3: 14, l4: -1 });
});

test('ARP inside 802.1Q', () => {
  const { key, pkt } = run(bytes(DST_HEX + SRC_HEX, '8100 000a', '0806', arpBody(1)));
  assertKey(key, {
    ...ETH,
    eth_type: 0x0806,
    vlan0_tpid: 0x8100,
    vlan0_tci: 0x100a,
    nw_proto: 1,
    ipv4_src: 0xc0a80001,
    ipv4_dst: 0xc0a800fe,
    arp_sha: 0xaabbccddeeff,
    arp_tha: 0x112233445566,
  });
  assertOffsets(pkt, { l2_5: -1, l3: 18, l4: -1 });
});

test('a reused key is fully overwritten and stale offsets are reset', () => {
  const key = newFlowKey();
  const a = packetOf(bytes(DST_HEX + SRC_HEX, '8100 0005', '0800', ipv4Udp()));
  a.ctState = 0x21;
  a.tunnel.ipv4Dst = 1;
  extract(a, key);
  const b = packetOf(bytes(ethHdr(0x88cc)));
  b.l4Ofs = 99;
  b.l2_5Ofs = 5;
  extract(b, key);
  assertKey(key, { ...ETH, eth_type: 0x88cc });
  assertOffsets(b, { l2_5: -1, l3: 14, l4: -1 });
});

test('frame at a non-zero start inside the buffer', () => {
  const p = packetOf(bytes(ethHdr(0x0800), ipv4Udp()));
  p.pushHead(4); // 4 bytes of junk in front; frame now starts earlier
  p.buf.set([0x8a, 0xbb, 0xcc, 0xdd], p.start);
  p.pullHead(4);
  const key = newFlowKey();
  extract(p, key);
  assertKey(key, {
    ...ETH,
    eth_type: 0x0800,
    ipv4_src: IP4_SRC,
    ipv4_dst: IP4_DST,
    nw_proto: 17,
    nw_ttl: 64,
    tp_src: 1234,
    tp_dst: 53,
  });
  assertOffsets(p, { l2_5: -1, l3: 14, l4: 34 });
});
