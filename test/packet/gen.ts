// fast-check arbitraries for random FrameSpecs (shared by the packet property tests).
import fc from 'fast-check';
import type {
  FrameSpec,
  Icmpv6Spec,
  Ipv4Spec,
  Ipv6ExtSpec,
  Ipv6Spec,
  SctpSpec,
  TcpSpec,
  UdpSpec,
  VlanSpec,
} from '../../src/packet/build.js';

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const mac = fc.tuple(fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 0xffffff })).map(([a, b]) => a * 0x1000000 + b);
export const ip6 = fc.tuple(u32, u32, u32, u32).map((w) => Uint32Array.from(w));
export const bytesArb = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });

const vlan: fc.Arbitrary<VlanSpec> = fc.record({
  tpid: fc.constantFrom(0x8100, 0x88a8),
  vid: fc.integer({ min: 0, max: 4095 }),
  pcp: fc.integer({ min: 0, max: 7 }),
  dei: fc.boolean(),
});

/** IPv4 options without END (0): NOPs and TLVs, at most 40 bytes in total. */
const ipv4Options = fc
  .array(fc.oneof(fc.constant({ type: 1 }), fc.record({ type: fc.integer({ min: 2, max: 255 }), data: bytesArb(6) })), { maxLength: 5 })
  .filter((opts) => opts.reduce((n, o) => n + (o.type === 1 ? 1 : 2 + ('data' in o ? o.data.length : 0)), 0) <= 40);

const ipv4: fc.Arbitrary<Ipv4Spec> = fc.record({
  src: u32,
  dst: u32,
  tos: u8,
  ttl: u8,
  id: u16,
  df: fc.boolean(),
  mf: fc.boolean(),
  fragOffset: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 0x1fff })),
  options: ipv4Options,
});

const ip6opts = fc.array(fc.record({ type: fc.integer({ min: 2, max: 255 }), data: bytesArb(10) }), { maxLength: 3 });

const ext: fc.Arbitrary<Ipv6ExtSpec> = fc.oneof(
  fc.record({ kind: fc.constantFrom('hop' as const, 'dst' as const), options: ip6opts }),
  fc.record({
    kind: fc.constant('routing' as const),
    routingType: fc.constantFrom(0, 2, 4, 3),
    segmentsLeft: fc.integer({ min: 0, max: 3 }),
    addresses: fc.array(ip6, { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('fragment' as const),
    offset: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0x1fff })),
    mf: fc.boolean(),
    id: u32,
  }),
);

const ipv6: fc.Arbitrary<Ipv6Spec> = fc.record({
  src: ip6,
  dst: ip6,
  tc: u8,
  flowLabel: fc.integer({ min: 0, max: 0xfffff }),
  hopLimit: u8,
  ext: fc.array(ext, { maxLength: 3 }),
});

/** TCP options: NOPs and TLVs (kind >= 2), at most 40 bytes. */
const tcpOptions = fc
  .array(fc.oneof(fc.constant([1]), fc.tuple(fc.integer({ min: 2, max: 255 }), bytesArb(6)).map(([k, d]) => [k, d.length + 2, ...d])), {
    maxLength: 5,
  })
  .map((parts) => parts.flat())
  .filter((b) => b.length <= 40);

const notTunnelPort = u16.filter((p) => p !== 4789 && p !== 6081);

const tcp: fc.Arbitrary<TcpSpec> = fc.record({
  src: u16,
  dst: u16,
  seq: u32,
  ack: u32,
  flags: fc.integer({ min: 0, max: 0xfff }),
  window: u16,
  urgent: u16,
  options: tcpOptions,
});
const udp: fc.Arbitrary<UdpSpec> = fc.record({ src: u16, dst: notTunnelPort });
const sctp: fc.Arbitrary<SctpSpec> = fc.record({
  src: u16,
  dst: u16,
  vtag: u32,
  chunks: fc.array(fc.record({ type: u8, flags: u8, data: bytesArb(9) }), { maxLength: 3 }),
});
const icmp = fc.record({ type: u8, code: u8, rest: u32 });
const icmpv6: fc.Arbitrary<Icmpv6Spec> = fc.oneof(
  fc.record({ type: fc.constantFrom(128, 129), id: u16, seq: u16 }),
  fc.record({
    type: fc.constantFrom(135, 136),
    nd: fc.record({
      target: ip6,
      router: fc.boolean(),
      solicited: fc.boolean(),
      override: fc.boolean(),
      sll: fc.option(mac, { nil: undefined }),
      tll: fc.option(mac, { nil: undefined }),
      options: fc.array(fc.record({ type: fc.integer({ min: 3, max: 255 }), data: bytesArb(12) }), { maxLength: 2 }),
    }),
  }),
  fc.record({ type: fc.integer({ min: 0, max: 127 }), code: u8, rest: u32 }),
);

export type L3Kind = 'none' | 'arp' | 'ipv4' | 'ipv6';

/** A random FrameSpec; MPLS only without L3 (parseFrame does not look past a label stack). */
export const frameSpec: fc.Arbitrary<FrameSpec> = fc
  .record({
    src: mac,
    dst: mac,
    vlans: fc.array(vlan, { maxLength: 2 }),
    l3: fc.constantFrom<L3Kind>('none', 'arp', 'ipv4', 'ipv4', 'ipv6', 'ipv6'),
    mpls: fc.array(fc.record({ label: fc.integer({ min: 0, max: 0xfffff }), tc: fc.integer({ min: 0, max: 7 }), ttl: u8 }), {
      minLength: 1,
      maxLength: 3,
    }),
    useMpls: fc.boolean(),
    arp: fc.record({ op: u16, sha: mac, spa: u32, tha: mac, tpa: u32 }),
    ipv4,
    ipv6,
    l4: fc.constantFrom('none', 'tcp', 'udp', 'sctp', 'icmp'),
    tcp,
    udp,
    sctp,
    icmp,
    icmpv6,
    payload: bytesArb(40),
    padTo60: fc.boolean(),
  })
  .map((r) => {
    const s: FrameSpec = { eth: { src: r.src, dst: r.dst }, vlans: r.vlans, payload: r.payload, padTo60: r.padTo60 };
    if (r.l3 === 'none') {
      if (r.useMpls) s.mpls = r.mpls;
      else s.eth!.type = 0x88b5;
      return s;
    }
    if (r.l3 === 'arp') {
      s.arp = r.arp;
      s.payload = [];
      return s;
    }
    if (r.l3 === 'ipv4') s.ipv4 = r.ipv4;
    else s.ipv6 = r.ipv6;
    const l4 = r.l4 === 'icmp' && r.l3 === 'ipv6' ? 'icmpv6' : r.l4;
    if (l4 === 'tcp') s.tcp = r.tcp;
    else if (l4 === 'udp') s.udp = r.udp;
    else if (l4 === 'sctp') {
      s.sctp = r.sctp;
      s.payload = [];
    } else if (l4 === 'icmp') s.icmp = r.icmp;
    else if (l4 === 'icmpv6') {
      s.icmpv6 = r.icmpv6;
      if (s.icmpv6.nd) s.payload = [];
    }
    return s;
  });
