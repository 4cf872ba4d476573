// verifyChecksums finds a wrong checksum in each protocol (and inside tunnels), accepts
// UDP/IPv4 without checksum, and ignores L4 checksums of fragments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame, icmpEcho, icmpv6Echo, ndNeighborAdvert, tcpFrame, udpFrame } from '../../src/packet/build.js';
import type { FrameSpec } from '../../src/packet/build.js';
import { parseFrame } from '../../src/packet/parse.js';
import { verifyChecksums } from '../../src/packet/verify.js';

function corruptAt(f: Uint8Array, ofs: number): Uint8Array {
  const c = f.slice();
  c[ofs] = c[ofs]! ^ 0x01;
  return c;
}

test('valid frames of every kind verify', () => {
  for (const f of [udpFrame(), udpFrame({ v6: true, payload: 3 }), tcpFrame({ payload: 5 }), tcpFrame({ v6: true }), icmpEcho({ payload: 9 }), icmpv6Echo(), ndNeighborAdvert()]) {
    assert.deepEqual(verifyChecksums(f), { ok: true, problems: [] });
  }
});

test('a flipped payload bit is found by each L4 checksum', () => {
  const specs: [string, FrameSpec][] = [
    ['tcp', { ipv4: {}, tcp: {}, payloadLen: 10 }],
    ['udp', { ipv6: {}, udp: {}, payloadLen: 10 }],
    ['icmp', { ipv4: {}, icmp: {}, payloadLen: 10 }],
    ['icmpv6', { ipv6: {}, icmpv6: {}, payloadLen: 10 }],
    ['sctp', { ipv4: {}, sctp: {}, payloadLen: 10 }],
  ];
  for (const [name, spec] of specs) {
    const f = buildFrame(spec);
    const r = verifyChecksums(corruptAt(f, f.length - 1));
    assert.equal(r.ok, false, name);
    assert.equal(r.problems.length, 1, name);
    assert.match(r.problems[0]!, new RegExp(`^${name}: checksum`), name);
  }
});

test('IPv4 header checksum and pseudo-header address changes are found', () => {
  const f = udpFrame();
  const r = verifyChecksums(corruptAt(f, 14 + 8)); // TTL: IPv4 header only
  assert.deepEqual(r.problems.map((p) => p.split(':')[0]), ['ipv4']);
  const r2 = verifyChecksums(corruptAt(f, 14 + 15)); // source address: IPv4 header and UDP
  assert.deepEqual(r2.problems.map((p) => p.split(':')[0]), ['ipv4', 'udp']);
  assert.match(r2.problems[0]!, /^ipv4: header checksum 0x[0-9a-f]{4}, expected 0x[0-9a-f]{4}$/);
});

test('UDP checksum 0 means none over IPv4 but is an error over IPv6', () => {
  assert.ok(verifyChecksums(buildFrame({ ipv4: {}, udp: { checksum: 0 }, payloadLen: 4 })).ok);
  const r = verifyChecksums(buildFrame({ ipv6: {}, udp: { checksum: 0 }, payloadLen: 4 }));
  assert.deepEqual(r.problems, ['udp: zero checksum over IPv6']);
});

test('L4 checksums of fragments are not checked; the IPv4 header still is', () => {
  const f = buildFrame({ ipv4: { mf: true }, udp: { checksum: 0x1234 }, payloadLen: 8 });
  assert.equal(parseFrame(f).frag, 'first');
  assert.ok(verifyChecksums(f).ok);
  const g = buildFrame({ ipv6: { ext: [{ kind: 'fragment', offset: 10 }] }, payloadLen: 8 });
  assert.ok(verifyChecksums(g).ok);
});

test('checksums inside VXLAN and Geneve are checked', () => {
  const inner = tcpFrame({ payload: 4 });
  const bad = corruptAt(inner, inner.length - 1);
  const vx = buildFrame({ ipv4: {}, udp: { vxlan: { vni: 7 }, checksum: 0 }, payload: bad });
  assert.deepEqual(verifyChecksums(vx).problems.map((p) => p.split(':')[0]), ['inner tcp']);
  const gn = buildFrame({ ipv6: {}, udp: { geneve: { vni: 7 } }, payload: bad });
  assert.deepEqual(verifyChecksums(gn).problems.map((p) => p.split(':')[0]), ['inner tcp']);
  assert.ok(verifyChecksums(buildFrame({ ipv6: {}, udp: { geneve: { vni: 7 } }, payload: inner })).ok);
});

test('IPv6 pseudo-header uses the final destination of a routing header', () => {
  const f = buildFrame({
    ipv6: { dst: '2001:db8::1', ext: [{ kind: 'routing', routingType: 4, segmentsLeft: 1, addresses: ['2001:db8::99', '2001:db8::1'] }] },
    udp: {},
    payloadLen: 6,
  });
  const p = parseFrame(f);
  assert.equal(p.ipv6!.finalDst, '2001:db8::99');
  assert.ok(verifyChecksums(f).ok);
  // The same segment with the header's destination in the pseudo-header would be wrong.
  const g = buildFrame({ ipv6: { dst: '2001:db8::1' }, udp: {}, payloadLen: 6 });
  assert.notEqual(parseFrame(g).udp!.checksum, p.udp!.checksum);
});
