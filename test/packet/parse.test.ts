// parseFrame on specific shapes: LLC/SNAP, VLAN stacks, MPLS, IPv4 option and length
// errors, IPv6 extension headers and fragments, ND option errors, Ethernet padding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame, ndNeighborAdvert, udpFrame } from '../../src/packet/build.js';
import { hexToBytes } from '../../src/packet/hex.js';
import { parseFrame } from '../../src/packet/parse.js';

test('802.3 frames: plain LLC gets type 0x05ff, SNAP with OUI 0 gives its Ethertype', () => {
  const llc = parseFrame(hexToBytes('000000000002 000000000001 0026 424203 0000000000'));
  assert.equal(llc.eth!.type, 0x05ff);
  assert.deepEqual(llc.llc, { length: 0x26, dsap: 0x42, ssap: 0x42, control: 3 });
  assert.deepEqual(llc.errors, []);
  // SNAP carrying IPv4: parsed on as IPv4.
  const ip = udpFrame().subarray(14);
  const snap = new Uint8Array(14 + 8 + ip.length);
  snap.set(hexToBytes('000000000002 000000000001'), 0);
  snap[12] = 0;
  snap[13] = 8 + ip.length;
  snap.set(hexToBytes('aaaa03 000000 0800'), 14);
  snap.set(ip, 22);
  const p = parseFrame(snap);
  assert.equal(p.eth!.type, 0x0800);
  assert.deepEqual(p.llc!.snap, { oui: 0, type: 0x0800 });
  assert.equal(p.udp!.dst, 5678);
  assert.equal(p.offsets.l3, 22);
  // SNAP with a non-zero OUI stays "no type".
  const cisco = parseFrame(hexToBytes('000000000002 000000000001 0010 aaaa03 00000c 2000 00'));
  assert.equal(cisco.eth!.type, 0x05ff);
  assert.deepEqual(cisco.llc!.snap, { oui: 0x0c, type: 0x2000 });
});

test('VLAN stacks: 802.1ad + 802.1Q, and a truncated tag', () => {
  const f = buildFrame({ vlans: [{ vid: 100, pcp: 5 }, { vid: 200, dei: true }], ipv4: {}, udp: {} });
  const p = parseFrame(f);
  assert.deepEqual(
    p.vlans.map((v) => [v.tpid, v.vid, v.pcp, v.dei, v.tci]),
    [
      [0x88a8, 100, 5, false, 0xa064],
      [0x8100, 200, 0, true, 0x10c8],
    ],
  );
  assert.equal(p.offsets.l3, 22);
  const t = parseFrame(f.subarray(0, 16));
  assert.deepEqual(t.errors, ['vlan: truncated tag']);
});

test('MPLS label stack: fields, bottom of stack, payload after it', () => {
  const f = buildFrame({ mpls: [{ label: 16, tc: 1, ttl: 9 }, { label: 0xfffff, ttl: 255 }], payload: [0x45, 1, 2] });
  const p = parseFrame(f);
  assert.equal(p.eth!.type, 0x8847);
  assert.deepEqual(p.mpls, [
    { label: 16, tc: 1, bos: false, ttl: 9 },
    { label: 0xfffff, tc: 0, bos: true, ttl: 255 },
  ]);
  assert.equal(p.offsets.l2_5, 14);
  assert.deepEqual(Array.from(p.payload), [0x45, 1, 2]);
  // No bottom-of-stack bit before the end.
  const nb = parseFrame(buildFrame({ mpls: [{ label: 1, bos: false }] }));
  assert.deepEqual(nb.errors, ['mpls: truncated label stack entry']);
});

test('IPv4 options are parsed; bad lengths are reported', () => {
  const f = buildFrame({ ipv4: { options: [{ type: 148, data: [0, 0] }, { type: 1 }, { type: 7, data: [4, 0, 0, 0] }] }, udp: {} });
  const p = parseFrame(f);
  assert.deepEqual(p.errors, []);
  assert.equal(p.ipv4!.headerLen, 32);
  assert.deepEqual(p.ipv4!.options.map((o) => [o.type, o.len]), [[148, 4], [1, 1], [7, 6], [0, 1]]);
  const bad = parseFrame(buildFrame({ ipv4: { rawOptions: [7, 40, 0, 0] }, udp: {} }));
  assert.deepEqual(bad.errors, ['ipv4: option 7 has bad length 40']);
  assert.equal(bad.udp!.dst, 5678); // the rest of the packet is still parsed
});

test('IPv4 length errors: IHL, version, total length; padding is not payload', () => {
  assert.deepEqual(parseFrame(buildFrame({ ipv4: { ihl: 4 }, udp: {} })).errors, ['ipv4: header length 16 below 20']);
  assert.deepEqual(parseFrame(buildFrame({ ipv4: { version: 5 } })).errors, ['ipv4: version 5']);
  const long = parseFrame(buildFrame({ ipv4: { totalLen: 100 }, udp: {} }));
  assert.deepEqual(long.errors, ['ipv4: truncated (total length 100, 28 bytes present)']);
  const padded = parseFrame(buildFrame({ ipv4: {}, udp: {}, payload: [9], padTo60: true }));
  assert.deepEqual(padded.errors, []);
  assert.equal(padded.len, 60);
  assert.equal(padded.padding, 60 - 14 - 29);
  assert.deepEqual(Array.from(padded.payload), [9]);
});

test('IPv4 fragments: first fragment has L4, later fragments do not', () => {
  const first = parseFrame(buildFrame({ ipv4: { mf: true, id: 5 }, udp: {}, payloadLen: 8 }));
  assert.equal(first.frag, 'first');
  assert.equal(first.udp!.src, 1234);
  const later = parseFrame(buildFrame({ ipv4: { fragOffset: 3, proto: 17 }, payloadLen: 8 }));
  assert.equal(later.frag, 'later');
  assert.equal(later.l4, undefined);
  assert.equal(later.ipv4!.fragOffset, 3);
  assert.equal(later.payload.length, 8);
});

test('IPv6 extension headers: hop-by-hop, routing, fragment, destination options', () => {
  const f = buildFrame({
    ipv6: {
      ext: [
        { kind: 'hop', options: [{ type: 5, data: [0, 0] }] },
        { kind: 'dst', options: [{ type: 0x1e, data: [1, 2, 3] }] },
        { kind: 'routing', routingType: 2, segmentsLeft: 1, addresses: ['2001:db8::5'] },
        { kind: 'fragment', mf: true, id: 0xdeadbeef },
      ],
    },
    tcp: { flags: 'syn' },
  });
  const p = parseFrame(f);
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.ipv6!.ext.map((x) => [x.type, x.nextHeader, x.len]), [
    [0, 60, 8],
    [60, 43, 8],
    [43, 44, 24],
    [44, 6, 8],
  ]);
  assert.deepEqual(p.ipv6!.ext[0]!.options!.map((o) => [o.type, o.len]), [[5, 4], [1, 2]]);
  assert.deepEqual(p.ipv6!.ext[1]!.options!.map((o) => [o.type, o.len]), [[0x1e, 5], [0, 1]]);
  assert.deepEqual(p.ipv6!.fragment, { offset: 0, mf: true, id: 0xdeadbeef });
  assert.equal(p.ipv6!.proto, 6);
  assert.equal(p.frag, 'first');
  assert.equal(p.ipv6!.finalDst, '2001:db8::5');
  assert.equal(p.tcp!.flagsText, 'syn');
  // A truncated extension header.
  const cut = parseFrame(buildFrame({ ipv6: { ext: [{ kind: 'hop' }], payloadLen: 2 } }));
  assert.deepEqual(cut.errors, ['ipv6: truncated extension header 0 (2 of 8 bytes)']);
});

test('ND: NA flags and TLL; an option of length 0 is an error', () => {
  const p = parseFrame(ndNeighborAdvert({ mac: '00:11:22:33:44:55', ipSrc: 'fe80::5', router: true }));
  const nd = p.icmpv6!.nd!;
  assert.equal(nd.target, 'fe80::5');
  assert.deepEqual([nd.router, nd.solicited, nd.override], [true, true, true]);
  assert.equal(nd.flags >>> 0, 0xe0000000);
  assert.equal(nd.tll, '00:11:22:33:44:55');
  assert.equal(p.eth!.dst, '33:33:00:00:00:01');
  const bad = parseFrame(buildFrame({ ipv6: {}, icmpv6: { type: 135, nd: { target: '::1' } }, payload: [1, 0, 0, 0, 0, 0, 0, 0] }));
  assert.deepEqual(bad.errors, ['icmpv6: ND option 1 has length 0']);
});

test('TCP: data offset below 5 and options past the segment are errors', () => {
  assert.deepEqual(parseFrame(buildFrame({ ipv4: {}, tcp: { dataOffset: 4 } })).errors, ['tcp: data offset 4 below 5']);
  assert.deepEqual(parseFrame(buildFrame({ ipv4: {}, tcp: { dataOffset: 15 } })).errors, [
    'tcp: truncated options (20 of 60 header bytes)',
  ]);
});

test('UDP length field shorter than the IP payload limits the payload', () => {
  const p = parseFrame(buildFrame({ ipv4: {}, udp: { length: 10 }, payloadLen: 6 }));
  assert.deepEqual(p.errors, []);
  assert.deepEqual(Array.from(p.payload), [0, 1]);
  assert.deepEqual(parseFrame(buildFrame({ ipv4: {}, udp: { length: 40 }, payloadLen: 6 })).errors, [
    'udp: truncated (length 40, 14 bytes present)',
  ]);
});
