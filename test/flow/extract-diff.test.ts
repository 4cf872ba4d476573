/*
 * extract() against an independent dissector: random well-formed frames (the packet
 * layer's FrameSpec generator + buildFrame) are extracted, and the key must equal the one
 * derived, by OVS's rules, from parseFrame()'s reading of the same bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildFrame } from '../../src/packet/build.js';
import { parseFrame, type ParsedFrame } from '../../src/packet/parse.js';
import { parseIpv4, parseIpv6, parseMac } from '../../src/packet/addr.js';
import { frameSpec } from '../packet/gen.js';
import { run, assertKey, type Expect } from './extract-frames.js';

const mac = (s: string): number => parseMac(s)!;
const ip4 = (s: string): number => parseIpv4(s)!;
function ip6(s: string): number[] {
  const w = new Uint32Array(4);
  assert.ok(parseIpv6(s, w));
  return [...w];
}

/** The flow key OVS's miniflow_extract would produce for a parsed, well-formed frame. */
function expectedFromParsed(f: ParsedFrame): { e: Expect; l2_5: number; l3: number; l4: number } {
  const eth = f.eth!;
  const e: Expect = { eth_dst: mac(eth.dst), eth_src: mac(eth.src), eth_type: eth.type };
  f.vlans.slice(0, 2).forEach((v, i) => {
    e[i === 0 ? 'vlan0_tpid' : 'vlan1_tpid'] = v.tpid;
    e[i === 0 ? 'vlan0_tci' : 'vlan1_tci'] = v.tci | 0x1000;
  });
  if (f.mpls.length > 0) {
    e.mpls = f.mpls.slice(0, 3).map((m) => ((m.label << 12) | (m.tc << 9) | (m.bos ? 0x100 : 0) | m.ttl) >>> 0);
  }
  let l4 = -1;
  const frag = f.frag === 'no' ? 0 : f.frag === 'first' ? 1 : 3;
  if (f.arp) {
    const a = f.arp;
    if (a.htype === 1 && a.ptype === 0x0800 && a.hlen === 6 && a.plen === 4) {
      e.ipv4_src = ip4(a.spa);
      e.ipv4_dst = ip4(a.tpa);
      e.arp_sha = mac(a.sha);
      e.arp_tha = mac(a.tha);
      if (a.op <= 0xff) e.nw_proto = a.op;
    }
  } else if (f.ipv4) {
    const h = f.ipv4;
    e.ipv4_src = ip4(h.src);
    e.ipv4_dst = ip4(h.dst);
    e.nw_tos = h.tos;
    e.nw_ttl = h.ttl;
    e.nw_proto = h.proto;
    e.nw_frag = frag;
    l4 = f.offsets.l4;
  } else if (f.ipv6) {
    const h = f.ipv6;
    e.ipv6_src = ip6(h.src);
    e.ipv6_dst = ip6(h.dst);
    e.ipv6_label = h.flowLabel;
    e.nw_tos = h.tc;
    e.nw_ttl = h.hopLimit;
    e.nw_proto = frag === 3 ? 44 : h.proto;
    e.nw_frag = frag;
    l4 = f.offsets.l4;
  }
  if (frag !== 3) {
    if (f.tcp) {
      e.tp_src = f.tcp.src;
      e.tp_dst = f.tcp.dst;
      e.tcp_flags = f.tcp.flags;
    } else if (f.udp || f.sctp) {
      e.tp_src = (f.udp ?? f.sctp)!.src;
      e.tp_dst = (f.udp ?? f.sctp)!.dst;
    } else if (f.icmp || f.icmpv6) {
      const i = (f.icmp ?? f.icmpv6)!;
      e.tp_src = i.type;
      e.tp_dst = i.code;
      const nd = f.icmpv6?.nd;
      if (nd && i.code === 0 && (i.type === 135 || i.type === 136)) {
        e.nd_target = ip6(nd.target!);
        if (nd.sll) e.arp_sha = mac(nd.sll);
        if (nd.tll) e.arp_tha = mac(nd.tll);
        const first = nd.options.find((o) => (o.type === 1 || o.type === 2) && o.len === 8);
        if (first) e.tcp_flags = first.type;
      }
    }
  }
  return { e, l2_5: f.offsets.l2_5, l3: f.offsets.l3, l4 };
}

test('random well-formed frames: extract() agrees with parseFrame() read by OVS rules', () => {
  let checked = 0;
  fc.assert(
    fc.property(frameSpec, (spec) => {
      const bytes = buildFrame(spec);
      const parsed = parseFrame(bytes);
      fc.pre(parsed.errors.length === 0);
      const { e, l2_5, l3, l4 } = expectedFromParsed(parsed);
      const { key, pkt } = run(bytes);
      assertKey(key, e);
      assert.equal(pkt.l2_5Ofs, l2_5, 'l2_5Ofs');
      if (l3 !== -1) assert.equal(pkt.l3Ofs, l3, 'l3Ofs');
      if (l4 !== -1) assert.equal(pkt.l4Ofs, l4, 'l4Ofs');
      checked++;
    }),
    { seed: 0x0f10, numRuns: 2000 },
  );
  assert.ok(checked > 1500, `only ${checked} frames were well-formed`);
});
