// buildFrame -> parseFrame round trip over random specs of every protocol (fast-check,
// fixed seed), with verifyChecksums on every built frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIpv4, formatIpv6, formatMac } from '../../src/packet/addr.js';
import { buildFrame, toIpv6, toMac } from '../../src/packet/build.js';
import type { FrameSpec, Ip6Like } from '../../src/packet/build.js';
import { parseFrame } from '../../src/packet/parse.js';
import type { ParsedFrame } from '../../src/packet/parse.js';
import { verifyChecksums } from '../../src/packet/verify.js';
import { frameSpec } from './gen.js';

const SEED = 20240611;
const v6 = (a: Ip6Like): string => formatIpv6(toIpv6(a));
const arr = (b: ArrayLike<number> | undefined): number[] => Array.from(b ?? []);

function checkL4(s: FrameSpec, p: ParsedFrame): void {
  if (p.frag === 'later') {
    assert.equal(p.l4, undefined);
    return;
  }
  if (s.tcp) {
    const t = p.tcp!;
    assert.equal(p.l4, t);
    assert.equal(t.src, s.tcp.src);
    assert.equal(t.dst, s.tcp.dst);
    assert.equal(t.seq, s.tcp.seq);
    assert.equal(t.ack, s.tcp.ack);
    assert.equal(t.flags, s.tcp.flags);
    assert.equal(t.window, s.tcp.window);
    assert.equal(t.urgent, s.tcp.urgent);
    // Options as sent, then zero (EOL) padding.
    const optBytes = t.options.flatMap((o) => (o.len === 1 ? [o.type] : [o.type, o.len, ...o.data]));
    const sent = arr(s.tcp.options);
    assert.deepEqual(optBytes.slice(0, sent.length), sent);
  } else if (s.udp) {
    assert.equal(p.udp!.src, s.udp.src);
    assert.equal(p.udp!.dst, s.udp.dst);
    assert.equal(p.udp!.length, 8 + arr(s.payload).length);
  } else if (s.sctp) {
    const c = p.sctp!;
    assert.equal(c.vtag, s.sctp.vtag);
    assert.deepEqual(
      c.chunks,
      (s.sctp.chunks ?? []).map((k) => ({ type: k.type, flags: k.flags, length: 4 + arr(k.data).length })),
    );
    return;
  } else if (s.icmp) {
    assert.equal(p.icmp!.type, s.icmp.type);
    assert.equal(p.icmp!.code, s.icmp.code);
    assert.equal(p.icmp!.rest, s.icmp.rest);
  } else if (s.icmpv6) {
    const ic = p.icmpv6!;
    assert.equal(ic.type, s.icmpv6.type ?? 128);
    if (ic.type === 128 || ic.type === 129) {
      assert.equal(ic.id, s.icmpv6.id);
      assert.equal(ic.seq, s.icmpv6.seq);
    }
    const nd = s.icmpv6.nd;
    if (nd) {
      const pn = ic.nd!;
      assert.equal(pn.target, v6(nd.target!));
      if (ic.type === 136) {
        assert.equal(pn.router, nd.router);
        assert.equal(pn.solicited, nd.solicited);
        assert.equal(pn.override, nd.override);
      }
      assert.equal(pn.sll, nd.sll === undefined ? undefined : formatMac(toMac(nd.sll)));
      assert.equal(pn.tll, nd.tll === undefined ? undefined : formatMac(toMac(nd.tll)));
      const extra = pn.options.filter((o) => o.type > 2);
      assert.deepEqual(
        extra.map((o) => [o.type, arr(o.data).slice(0, arr((nd.options ?? [])[extra.indexOf(o)]?.data).length)]),
        (nd.options ?? []).map((o) => [o.type, arr(o.data)]),
      );
      return;
    }
  } else {
    return;
  }
  assert.deepEqual(arr(p.payload), arr(s.payload));
}

function checkFrame(s: FrameSpec): void {
  const f = buildFrame(s);
  const p = parseFrame(f);
  assert.deepEqual(p.errors, []);
  if (s.padTo60) assert.ok(f.length >= 60);
  assert.equal(p.eth!.src, formatMac(toMac(s.eth!.src!)));
  assert.equal(p.eth!.dst, formatMac(toMac(s.eth!.dst!)));
  assert.deepEqual(
    p.vlans.map((v) => [v.tpid, v.vid, v.pcp, v.dei]),
    (s.vlans ?? []).map((v) => [v.tpid, v.vid, v.pcp, v.dei]),
  );
  if (s.mpls) {
    assert.deepEqual(
      p.mpls.map((m) => [m.label, m.tc, m.ttl, m.bos]),
      s.mpls.map((m, i) => [m.label, m.tc, m.ttl, i === s.mpls!.length - 1]),
    );
  }
  if (s.arp) {
    const a = p.arp!;
    assert.equal(a.op, s.arp.op);
    assert.equal(a.sha, formatMac(toMac(s.arp.sha!)));
    assert.equal(a.tha, formatMac(toMac(s.arp.tha!)));
    assert.equal(a.spa, formatIpv4(Number(s.arp.spa)));
    assert.equal(a.tpa, formatIpv4(Number(s.arp.tpa)));
  }
  if (s.ipv4) {
    const i = p.ipv4!;
    const q = s.ipv4;
    assert.equal(i.src, formatIpv4(Number(q.src)));
    assert.equal(i.dst, formatIpv4(Number(q.dst)));
    assert.equal(i.tos, q.tos);
    assert.equal(i.ttl, q.ttl);
    assert.equal(i.id, q.id);
    assert.equal(i.df, q.df);
    assert.equal(i.mf, q.mf);
    assert.equal(i.fragOffset, q.fragOffset);
    assert.deepEqual(
      i.options.filter((o) => o.type !== 0).map((o) => [o.type, arr(o.data)]),
      (q.options ?? []).map((o) => [o.type, arr(o.data)]),
    );
    assert.equal(p.frag, q.fragOffset ? 'later' : q.mf ? 'first' : 'no');
    assert.equal(i.totalLen, f.length - p.padding - p.offsets.l3);
  }
  if (s.ipv6) {
    const i = p.ipv6!;
    const q = s.ipv6;
    assert.equal(i.src, v6(q.src!));
    assert.equal(i.dst, v6(q.dst!));
    assert.equal(i.tc, q.tc);
    assert.equal(i.flowLabel, q.flowLabel);
    assert.equal(i.hopLimit, q.hopLimit);
    // Extension headers up to and including a later fragment's fragment header.
    const exts = q.ext ?? [];
    let n = exts.findIndex((e) => e.kind === 'fragment' && (e.offset ?? 0) !== 0);
    n = n < 0 ? exts.length : n + 1;
    assert.equal(i.ext.length, n);
    for (let k = 0; k < n; k++) {
      const e = exts[k]!;
      const x = i.ext[k]!;
      if (e.kind === 'fragment') {
        assert.equal(x.type, 44);
        assert.equal(x.fragOffset, e.offset);
        assert.equal(x.mf, e.mf);
        assert.equal(x.id, e.id);
      } else if (e.kind === 'routing') {
        assert.equal(x.type, 43);
        assert.equal(x.routingType, e.routingType);
        assert.equal(x.segmentsLeft, e.segmentsLeft);
        if (e.routingType !== 3) assert.deepEqual(x.addresses, (e.addresses ?? []).map(v6));
      } else {
        assert.equal(x.type, e.kind === 'hop' ? 0 : 60);
        assert.deepEqual(
          x.options!.filter((o) => o.type > 1).map((o) => [o.type, arr(o.data)]),
          (e.options ?? []).map((o) => [o.type, arr(o.data)]),
        );
      }
    }
    const firstFrag = exts.find((e) => e.kind === 'fragment');
    const later = exts.slice(0, n).some((e) => e.kind === 'fragment' && (e.offset ?? 0) !== 0);
    const anyFrag = exts.slice(0, n).some((e) => e.kind === 'fragment' && ((e.offset ?? 0) !== 0 || e.mf));
    assert.equal(p.frag, later ? 'later' : anyFrag ? 'first' : 'no');
    if (firstFrag === undefined) assert.equal(i.fragment, undefined);
  }
  if (s.ipv4 || s.ipv6) checkL4(s, p);
  else if (!s.arp) assert.deepEqual(arr(p.payload.subarray(0, arr(s.payload).length)), arr(s.payload));
  const v = verifyChecksums(f);
  assert.deepEqual(v.problems, []);
}

test('build -> parse round trip over random frames of every protocol', () => {
  fc.assert(fc.property(frameSpec, (s) => checkFrame(s)), { seed: SEED, numRuns: 1500 });
});

test('build -> parse round trip for VXLAN and Geneve with an inner frame', () => {
  fc.assert(
    fc.property(frameSpec, fc.integer({ min: 0, max: 0xffffff }), fc.boolean(), fc.boolean(), (inner, vni, geneve, outerV6) => {
      const innerBytes = buildFrame(inner);
      const s: FrameSpec = {
        payload: innerBytes,
        udp: geneve ? { geneve: { vni, options: [{ cls: 0x0102, type: 0x80, data: [1, 2, 3, 4, 5] }] } } : { vxlan: { vni } },
      };
      if (outerV6) s.ipv6 = {};
      else s.ipv4 = {};
      const f = buildFrame(s);
      const p = parseFrame(f);
      assert.deepEqual(p.errors, []);
      const t = geneve ? p.udp!.geneve! : p.udp!.vxlan!;
      assert.equal(p.udp!.dst, geneve ? 6081 : 4789);
      assert.equal(t.vni, vni);
      if (geneve) {
        assert.deepEqual(
          p.udp!.geneve!.options.map((o) => [o.cls, o.type, o.critical, arr(o.data)]),
          [[0x0102, 0x80, true, [1, 2, 3, 4, 5, 0, 0, 0]]],
        );
      }
      assert.deepEqual(arr(p.payload), arr(innerBytes));
      assert.deepEqual(t.inner, parseFrame(innerBytes));
      assert.deepEqual(verifyChecksums(f).problems, []);
    }),
    { seed: SEED, numRuns: 300 },
  );
});
