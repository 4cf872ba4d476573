/*
 * buildFrame(): FrameSpec -> frame bytes with correct lengths and checksums (IPv4 header,
 * TCP/UDP/ICMPv6 over the pseudo-header, ICMP, SCTP CRC32c), plus convenience builders for
 * common frames. For tests, tools and the demo: allocates freely; throws on a malformed spec.
 */

import { parseIpv4, parseIpv6, parseMac, writeMac } from './addr.js';
import { internetChecksum, put16, put32 } from './checksum.js';
import {
  ARP_OP_REPLY,
  ARP_OP_REQUEST,
  ETH_TYPE_ARP,
  ETH_TYPE_IPV4,
  ETH_TYPE_IPV6,
  ETH_TYPE_MPLS,
  ETH_TYPE_TEB,
  ETH_TYPE_VLAN,
  ETH_TYPE_VLAN_8021AD,
  GENEVE_DEFAULT_PORT,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMPV6_ECHO_REPLY,
  ICMPV6_ECHO_REQUEST,
  IP_DF,
  IP_MF,
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_HOPOPTS,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_NONE,
  IPPROTO_ROUTING,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ND_NEIGHBOR_ADVERT,
  ND_NEIGHBOR_SOLICIT,
  ND_OPT_SOURCE_LINKADDR,
  ND_OPT_TARGET_LINKADDR,
  VXLAN_DEFAULT_PORT,
} from './constants.js';
import { ND_NA_OVERRIDE, ND_NA_ROUTER, ND_NA_SOLICITED, ND_REDIRECT, ipv6MulticastMac, ndOptionsOffset, solicitedNodeMulticast } from './icmpv6.js';
import { setIpv4Checksum } from './ipv4.js';
import { IP6OPT_PAD1, IP6OPT_PADN, IPV6_RT_SRH, IPV6_RT_TYPE0, IPV6_RT_TYPE2 } from './ipv6.js';
import { pseudoHeaderSum, setL4Checksum } from './l4csum.js';
import { makeLse } from './mpls.js';
import { putSctpChecksum, sctpChecksum } from './sctp.js';
import type {
  BytesLike,
  FrameSpec,
  Icmpv6Spec,
  Ip4Like,
  Ip6Like,
  Ipv4Spec,
  Ipv6ExtSpec,
  Ipv6Spec,
  MacLike,
  SctpSpec,
  TcpSpec,
  UdpSpec,
} from './spec.js';
import { parseTcpFlags } from './tcp.js';
import { makeTci } from './vlan.js';
import { writeGeneve } from './geneve.js';
import { writeVxlan } from './vxlan.js';

export type * from './spec.js';

// ---------------------------------------------------------------- address coercion

/** MAC text or 48-bit number -> number. Throws when malformed. */
export function toMac(m: MacLike): number {
  if (typeof m === 'number') {
    if (!Number.isInteger(m) || m < 0 || m > 0xffffffffffff) throw new Error(`bad MAC ${m}`);
    return m;
  }
  const v = parseMac(m);
  if (v === null) throw new Error(`bad MAC "${m}"`);
  return v;
}

/** IPv4 text or number -> 32-bit unsigned number. Throws when malformed. */
export function toIpv4(a: Ip4Like): number {
  if (typeof a === 'number') return a >>> 0;
  const v = parseIpv4(a);
  if (v === null) throw new Error(`bad IPv4 address "${a}"`);
  return v;
}

/** IPv6 text or four words -> four network-order words. Throws when malformed. */
export function toIpv6(a: Ip6Like): Uint32Array {
  const w = new Uint32Array(4);
  if (typeof a === 'string') {
    if (!parseIpv6(a, w)) throw new Error(`bad IPv6 address "${a}"`);
  } else {
    if (a.length !== 4) throw new Error('IPv6 address must be 4 words');
    for (let i = 0; i < 4; i++) w[i] = a[i]! >>> 0;
  }
  return w;
}

function putIpv6(buf: Uint8Array, off: number, a: Ip6Like): void {
  const w = toIpv6(a);
  for (let i = 0; i < 4; i++) put32(buf, off + 4 * i, w[i]!);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function bytes(b: BytesLike | undefined): Uint8Array {
  if (b === undefined) return new Uint8Array(0);
  return b instanceof Uint8Array ? b : Uint8Array.from(b);
}

function pad4(b: Uint8Array): Uint8Array {
  if (b.length % 4 === 0) return b;
  const out = new Uint8Array(b.length + 4 - (b.length % 4));
  out.set(b);
  return out;
}

/** The payload of a spec: `payload`, or `payloadLen` bytes of i & 0xff. */
function payloadOf(spec: FrameSpec): Uint8Array {
  if (spec.payload !== undefined) return bytes(spec.payload);
  const n = spec.payloadLen ?? 0;
  const p = new Uint8Array(n);
  for (let i = 0; i < n; i++) p[i] = i & 0xff;
  return p;
}

// ---------------------------------------------------------------- L4

interface L4Built {
  bytes: Uint8Array;
  proto: number;
  /** Checksum field offset within bytes (-1: none or SCTP handled separately). */
  csumOfs: number;
  /** Fixed checksum value to keep (undefined: compute). */
  csumFixed: number | undefined;
  /** True for checksums over a pseudo-header (TCP/UDP/ICMPv6). */
  pseudo: boolean;
  sctp: boolean;
  udp: boolean;
}

function buildTcp(t: TcpSpec, payload: Uint8Array): Uint8Array {
  const opts = pad4(bytes(t.options));
  const hl = 20 + opts.length;
  if (hl > 60) throw new Error('TCP options longer than 40 bytes');
  const b = new Uint8Array(hl + payload.length);
  put16(b, 0, t.src ?? 1234);
  put16(b, 2, t.dst ?? 80);
  put32(b, 4, t.seq ?? 0);
  put32(b, 8, t.ack ?? 0);
  const flags = t.flags === undefined ? 0x010 : parseTcpFlags(t.flags);
  if (flags === null) throw new Error(`bad TCP flags "${String(t.flags)}"`);
  put16(b, 12, (((t.dataOffset ?? hl / 4) & 0xf) << 12) | (flags & 0xfff));
  put16(b, 14, t.window ?? 65535);
  put16(b, 18, t.urgent ?? 0);
  b.set(opts, 20);
  b.set(payload, hl);
  return b;
}

function buildUdp(u: UdpSpec, payload: Uint8Array): Uint8Array {
  let tun = new Uint8Array(0);
  if (u.vxlan !== undefined) {
    tun = new Uint8Array(8);
    writeVxlan(tun, 0, u.vxlan.vni, u.vxlan.gbpId ?? 0, u.vxlan.gbpFlags ?? 0);
  } else if (u.geneve !== undefined) {
    const g = u.geneve;
    const optParts: Uint8Array[] = [];
    for (const o of g.options ?? []) {
      const d = pad4(bytes(o.data));
      if (d.length > 124) throw new Error('Geneve option data longer than 124 bytes');
      const h = new Uint8Array(4 + d.length);
      put16(h, 0, o.cls);
      h[2] = o.type & 0xff;
      h[3] = (d.length / 4) & 0x1f;
      h.set(d, 4);
      optParts.push(h);
    }
    const opts = concat(optParts);
    if (opts.length > 252) throw new Error('Geneve options longer than 252 bytes');
    tun = new Uint8Array(8 + opts.length);
    writeGeneve(tun, 0, g.vni, g.proto ?? ETH_TYPE_TEB, opts.length, g.flags ?? 0);
    tun.set(opts, 8);
  }
  const len = 8 + tun.length + payload.length;
  const b = new Uint8Array(len);
  const defDst = u.vxlan !== undefined ? VXLAN_DEFAULT_PORT : u.geneve !== undefined ? GENEVE_DEFAULT_PORT : 5678;
  put16(b, 0, u.src ?? 1234);
  put16(b, 2, u.dst ?? defDst);
  put16(b, 4, u.length ?? len);
  b.set(tun, 8);
  b.set(payload, 8 + tun.length);
  return b;
}

function buildSctp(s: SctpSpec, payload: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  const chunks = s.chunks ?? (payload.length > 0 ? [{ type: 0, flags: 3, data: payload }] : []);
  for (const c of chunks) {
    const d = bytes(c.data);
    const h = new Uint8Array(4 + d.length + ((4 - (d.length % 4)) % 4));
    h[0] = c.type & 0xff;
    h[1] = (c.flags ?? 0) & 0xff;
    put16(h, 2, 4 + d.length);
    h.set(d, 4);
    parts.push(h);
  }
  const body = concat(parts);
  const b = new Uint8Array(12 + body.length + (s.chunks !== undefined ? payload.length : 0));
  put16(b, 0, s.src ?? 1234);
  put16(b, 2, s.dst ?? 5678);
  put32(b, 4, s.vtag ?? 0);
  b.set(body, 12);
  if (s.chunks !== undefined) b.set(payload, 12 + body.length);
  return b;
}

function ndOption(type: number, body: Uint8Array): Uint8Array {
  const len = Math.ceil((2 + body.length) / 8) * 8;
  if (len / 8 > 255) throw new Error('ND option too long');
  const o = new Uint8Array(len);
  o[0] = type;
  o[1] = len / 8;
  o.set(body, 2);
  return o;
}

function macBytes(m: MacLike): Uint8Array {
  const b = new Uint8Array(6);
  writeMac(b, 0, toMac(m));
  return b;
}

function buildIcmpv6(s: Icmpv6Spec, payload: Uint8Array): Uint8Array {
  const type = s.type ?? ICMPV6_ECHO_REQUEST;
  const optsOfs = ndOptionsOffset(type);
  if (optsOfs < 0) {
    const b = new Uint8Array(8 + payload.length);
    b[0] = type;
    b[1] = s.code ?? 0;
    if (s.rest !== undefined) put32(b, 4, s.rest);
    else {
      put16(b, 4, s.id ?? 0);
      put16(b, 6, s.seq ?? 0);
    }
    b.set(payload, 8);
    return b;
  }
  const nd = s.nd ?? {};
  const fixed = new Uint8Array(optsOfs);
  fixed[0] = type;
  fixed[1] = s.code ?? 0;
  if (type === ND_NEIGHBOR_ADVERT) {
    const f =
      (nd.flags ?? 0) |
      (nd.router ? ND_NA_ROUTER : 0) |
      (nd.solicited ? ND_NA_SOLICITED : 0) |
      (nd.override ? ND_NA_OVERRIDE : 0);
    put32(fixed, 4, f >>> 0);
  } else if (s.rest !== undefined) {
    put32(fixed, 4, s.rest);
  }
  if (type === ND_NEIGHBOR_SOLICIT || type === ND_NEIGHBOR_ADVERT || type === ND_REDIRECT) {
    putIpv6(fixed, 8, nd.target ?? '::');
  }
  if (type === ND_REDIRECT) putIpv6(fixed, 24, nd.dest ?? '::');
  const parts: Uint8Array[] = [fixed];
  if (nd.sll !== undefined) parts.push(ndOption(ND_OPT_SOURCE_LINKADDR, macBytes(nd.sll)));
  if (nd.tll !== undefined) parts.push(ndOption(ND_OPT_TARGET_LINKADDR, macBytes(nd.tll)));
  for (const o of nd.options ?? []) {
    parts.push(ndOption(o.type, o.mac !== undefined ? macBytes(o.mac) : bytes(o.data)));
  }
  parts.push(payload);
  return concat(parts);
}

function buildL4(spec: FrameSpec, payload: Uint8Array): L4Built {
  const r: L4Built = { bytes: payload, proto: -1, csumOfs: -1, csumFixed: undefined, pseudo: false, sctp: false, udp: false };
  const n = (spec.tcp ? 1 : 0) + (spec.udp ? 1 : 0) + (spec.sctp ? 1 : 0) + (spec.icmp ? 1 : 0) + (spec.icmpv6 ? 1 : 0);
  if (n > 1) throw new Error('FrameSpec: more than one L4 protocol');
  if (spec.tcp) {
    r.bytes = buildTcp(spec.tcp, payload);
    r.proto = IPPROTO_TCP;
    r.csumOfs = 16;
    r.csumFixed = spec.tcp.checksum;
    r.pseudo = true;
  } else if (spec.udp) {
    r.bytes = buildUdp(spec.udp, payload);
    r.proto = IPPROTO_UDP;
    r.csumOfs = 6;
    r.csumFixed = spec.udp.checksum;
    r.pseudo = true;
    r.udp = true;
  } else if (spec.sctp) {
    r.bytes = buildSctp(spec.sctp, payload);
    r.proto = IPPROTO_SCTP;
    r.csumFixed = spec.sctp.checksum;
    r.sctp = true;
  } else if (spec.icmp) {
    const s = spec.icmp;
    const b = new Uint8Array(8 + payload.length);
    b[0] = s.type ?? ICMP_ECHO_REQUEST;
    b[1] = s.code ?? 0;
    if (s.rest !== undefined) put32(b, 4, s.rest);
    else {
      put16(b, 4, s.id ?? 0);
      put16(b, 6, s.seq ?? 0);
    }
    b.set(payload, 8);
    r.bytes = b;
    r.proto = IPPROTO_ICMP;
    r.csumOfs = 2;
    r.csumFixed = s.checksum;
  } else if (spec.icmpv6) {
    r.bytes = buildIcmpv6(spec.icmpv6, payload);
    r.proto = IPPROTO_ICMPV6;
    r.csumOfs = 2;
    r.csumFixed = spec.icmpv6.checksum;
    r.pseudo = true;
  }
  return r;
}

/** Fill in the L4 checksum of net[l4, end) given where the pseudo-header addresses are. */
function finishL4(net: Uint8Array, l4: number, r: L4Built, srcOfs: number, dstOfs: number, addrLen: number): void {
  const len = net.length - l4;
  if (r.sctp) {
    if (len < 12) return;
    putSctpChecksum(net, l4, r.csumFixed ?? sctpChecksum(net, l4, len));
    return;
  }
  if (r.csumOfs < 0 || r.csumOfs + 2 > len) return;
  if (r.csumFixed !== undefined) {
    put16(net, l4 + r.csumOfs, r.csumFixed);
    return;
  }
  const pseudo = r.pseudo ? pseudoHeaderSum(net, srcOfs, dstOfs, addrLen, r.proto, len) : 0;
  setL4Checksum(net, l4, len, r.csumOfs, pseudo, r.udp);
}

// ---------------------------------------------------------------- L3

function buildIpv4(s: Ipv4Spec, l4: L4Built): Uint8Array {
  let opts: Uint8Array;
  if (s.rawOptions !== undefined) opts = pad4(bytes(s.rawOptions));
  else {
    const parts: Uint8Array[] = [];
    for (const o of s.options ?? []) {
      if (o.type === 0 || o.type === 1) parts.push(Uint8Array.of(o.type));
      else {
        const d = bytes(o.data);
        const p = new Uint8Array(2 + d.length);
        p[0] = o.type;
        p[1] = 2 + d.length;
        p.set(d, 2);
        parts.push(p);
      }
    }
    opts = pad4(concat(parts));
  }
  const hl = 20 + opts.length;
  if (hl > 60) throw new Error('IPv4 options longer than 40 bytes');
  const net = new Uint8Array(hl + l4.bytes.length);
  net[0] = ((s.version ?? 4) << 4) | ((s.ihl ?? hl / 4) & 0xf);
  net[1] = s.tos ?? (((s.dscp ?? 0) << 2) | ((s.ecn ?? 0) & 3));
  put16(net, 2, s.totalLen ?? net.length);
  put16(net, 4, s.id ?? 0);
  put16(net, 6, (s.df ? IP_DF : 0) | (s.mf ? IP_MF : 0) | ((s.fragOffset ?? 0) & 0x1fff));
  net[8] = s.ttl ?? 64;
  net[9] = s.proto ?? (l4.proto >= 0 ? l4.proto : 0xfd);
  put32(net, 12, toIpv4(s.src ?? '10.0.0.1'));
  put32(net, 16, toIpv4(s.dst ?? '10.0.0.2'));
  net.set(opts, 20);
  net.set(l4.bytes, hl);
  finishL4(net, hl, l4, 12, 16, 4);
  if (s.checksum !== undefined) put16(net, 10, s.checksum);
  else if (s.ihl === undefined || s.ihl * 4 === hl) setIpv4Checksum(net, 0);
  else put16(net, 10, internetChecksum(net, 0, Math.min(hl, Math.max(0, s.ihl * 4))));
  return net;
}

function optionsArea(opts: readonly { type: number; data?: BytesLike }[]): Uint8Array {
  // Options after the 2-byte next/length header, padded with Pad1/PadN to a multiple of 8.
  const parts: Uint8Array[] = [];
  let n = 2;
  for (const o of opts) {
    if (o.type === IP6OPT_PAD1) {
      parts.push(Uint8Array.of(0));
      n += 1;
      continue;
    }
    const d = bytes(o.data);
    if (d.length > 255) throw new Error('IPv6 option data longer than 255 bytes');
    const p = new Uint8Array(2 + d.length);
    p[0] = o.type;
    p[1] = d.length;
    p.set(d, 2);
    parts.push(p);
    n += p.length;
  }
  const padLen = (8 - (n % 8)) % 8;
  if (padLen === 1) parts.push(Uint8Array.of(IP6OPT_PAD1));
  else if (padLen > 1) {
    const p = new Uint8Array(padLen);
    p[0] = IP6OPT_PADN;
    p[1] = padLen - 2;
    parts.push(p);
  }
  return concat(parts);
}

/** Bytes of one extension header with next-header `next`; also its protocol number. */
function buildExt(e: Ipv6ExtSpec, next: number): { proto: number; bytes: Uint8Array; finalDst: number } {
  // finalDst: offset within these bytes of the pseudo-header destination, or -1.
  if (e.kind === 'fragment') {
    const b = new Uint8Array(8);
    b[0] = next;
    put16(b, 2, (((e.offset ?? 0) & 0x1fff) << 3) | (e.mf ? 1 : 0));
    put32(b, 4, e.id ?? 0);
    return { proto: IPPROTO_FRAGMENT, bytes: b, finalDst: -1 };
  }
  if (e.kind === 'routing') {
    const addrs = e.addresses ?? [];
    const rt = e.routingType ?? IPV6_RT_TYPE0;
    const b = new Uint8Array(8 + 16 * addrs.length);
    b[0] = next;
    b[1] = b.length / 8 - 1;
    b[2] = rt;
    b[3] = e.segmentsLeft ?? addrs.length;
    if (rt === IPV6_RT_SRH) b[4] = Math.max(0, addrs.length - 1);
    addrs.forEach((a, i) => putIpv6(b, 8 + 16 * i, a));
    let finalDst = -1;
    if (b[3]! > 0 && addrs.length > 0) {
      if (rt === IPV6_RT_TYPE0) finalDst = 8 + 16 * (addrs.length - 1);
      else if (rt === IPV6_RT_TYPE2 || rt === IPV6_RT_SRH) finalDst = 8;
    }
    return { proto: IPPROTO_ROUTING, bytes: b, finalDst };
  }
  const area = optionsArea(e.options ?? []);
  const b = new Uint8Array(2 + area.length);
  b[0] = next;
  b[1] = b.length / 8 - 1;
  b.set(area, 2);
  return { proto: e.kind === 'hop' ? IPPROTO_HOPOPTS : IPPROTO_DSTOPTS, bytes: b, finalDst: -1 };
}

function buildIpv6(s: Ipv6Spec, l4: L4Built): Uint8Array {
  const exts = s.ext ?? [];
  let next = s.proto ?? (l4.proto >= 0 ? l4.proto : IPPROTO_NONE);
  const built: Uint8Array[] = [];
  // The first routing header in packet order with segments left names the final destination.
  let finalDstInExt = -1;
  let finalDstOfs = -1;
  for (let i = exts.length - 1; i >= 0; i--) {
    const x = buildExt(exts[i]!, next);
    built.unshift(x.bytes);
    if (x.finalDst >= 0) {
      finalDstInExt = i;
      finalDstOfs = x.finalDst;
    }
    next = x.proto;
  }
  const extBytes = concat(built);
  const net = new Uint8Array(40 + extBytes.length + l4.bytes.length);
  put32(net, 0, ((((s.version ?? 6) & 0xf) << 28) | (((s.tc ?? 0) & 0xff) << 20) | ((s.flowLabel ?? 0) & 0xfffff)) >>> 0);
  put16(net, 4, s.payloadLen ?? net.length - 40);
  net[6] = next;
  net[7] = s.hopLimit ?? 64;
  putIpv6(net, 8, s.src ?? 'fe80::1');
  putIpv6(net, 24, s.dst ?? 'fe80::2');
  net.set(extBytes, 40);
  net.set(l4.bytes, 40 + extBytes.length);
  let dstOfs = 24;
  if (finalDstInExt >= 0) {
    let o = 40;
    for (let i = 0; i < finalDstInExt; i++) o += built[i]!.length;
    dstOfs = o + finalDstOfs;
  }
  finishL4(net, 40 + extBytes.length, l4, 8, dstOfs, 16);
  return net;
}

// ---------------------------------------------------------------- frame

/** Build a frame from a spec. Throws on a malformed spec (bad address text, options too long). */
export function buildFrame(spec: FrameSpec): Uint8Array {
  const l3count = (spec.arp ? 1 : 0) + (spec.ipv4 ? 1 : 0) + (spec.ipv6 ? 1 : 0);
  if (l3count > 1) throw new Error('FrameSpec: more than one of arp/ipv4/ipv6');
  const payload = payloadOf(spec);
  const l4 = buildL4(spec, payload);
  let net: Uint8Array;
  let type = 0x88b5;
  if (spec.arp) {
    const a = spec.arp;
    net = new Uint8Array(28 + payload.length);
    put16(net, 0, a.htype ?? 1);
    put16(net, 2, a.ptype ?? ETH_TYPE_IPV4);
    net[4] = 6;
    net[5] = 4;
    put16(net, 6, a.op ?? ARP_OP_REQUEST);
    writeMac(net, 8, toMac(a.sha ?? spec.eth?.src ?? 1));
    put32(net, 14, toIpv4(a.spa ?? '10.0.0.1'));
    writeMac(net, 18, toMac(a.tha ?? 0));
    put32(net, 24, toIpv4(a.tpa ?? '10.0.0.2'));
    net.set(payload, 28);
    type = ETH_TYPE_ARP;
  } else if (spec.ipv4) {
    net = buildIpv4(spec.ipv4, l4);
    type = ETH_TYPE_IPV4;
  } else if (spec.ipv6) {
    net = buildIpv6(spec.ipv6, l4);
    type = ETH_TYPE_IPV6;
  } else {
    if (l4.proto >= 0) throw new Error('FrameSpec: L4 protocol without ipv4/ipv6');
    net = payload;
  }
  const mpls = spec.mpls ?? [];
  const vlans = spec.vlans ?? [];
  const hdr = new Uint8Array(14 + 4 * vlans.length + 4 * mpls.length);
  writeMac(hdr, 0, toMac(spec.eth?.dst ?? 2));
  writeMac(hdr, 6, toMac(spec.eth?.src ?? 1));
  let o = 12;
  vlans.forEach((v, i) => {
    const tpid = v.tpid ?? (i < vlans.length - 1 ? ETH_TYPE_VLAN_8021AD : ETH_TYPE_VLAN);
    put16(hdr, o, tpid);
    put16(hdr, o + 2, makeTci(v.vid, v.pcp ?? 0, v.dei ?? false));
    o += 4;
  });
  put16(hdr, o, spec.eth?.type ?? (mpls.length > 0 ? ETH_TYPE_MPLS : type));
  o += 2;
  mpls.forEach((m, i) => {
    put32(hdr, o, makeLse(m.label, m.tc ?? 0, m.bos ?? i === mpls.length - 1, m.ttl ?? 64));
    o += 4;
  });
  let frame = concat([hdr, net]);
  if (spec.padTo60 && frame.length < 60) {
    const p = new Uint8Array(60);
    p.set(frame);
    frame = p;
  }
  return frame;
}

// ---------------------------------------------------------------- convenience builders

/** Common options of the convenience builders. */
export interface QuickOpts {
  ethSrc?: MacLike;
  ethDst?: MacLike;
  /** One 802.1Q tag with this VID. */
  vlan?: number;
  /** Use IPv6 (default addresses fe80::1 -> fe80::2) instead of IPv4 (10.0.0.1 -> 10.0.0.2). */
  v6?: boolean;
  ipSrc?: string;
  ipDst?: string;
  ttl?: number;
  /** Payload bytes, or a length of i & 0xff filler. */
  payload?: BytesLike | number;
  padTo60?: boolean;
}

function quickBase(o: QuickOpts): FrameSpec {
  const spec: FrameSpec = { eth: { src: o.ethSrc ?? 1, dst: o.ethDst ?? 2 } };
  if (o.vlan !== undefined) spec.vlans = [{ vid: o.vlan }];
  if (o.v6) spec.ipv6 = { src: o.ipSrc ?? 'fe80::1', dst: o.ipDst ?? 'fe80::2', hopLimit: o.ttl ?? 64 };
  else spec.ipv4 = { src: o.ipSrc ?? '10.0.0.1', dst: o.ipDst ?? '10.0.0.2', ttl: o.ttl ?? 64 };
  if (typeof o.payload === 'number') spec.payloadLen = o.payload;
  else if (o.payload !== undefined) spec.payload = o.payload;
  if (o.padTo60 !== undefined) spec.padTo60 = o.padTo60;
  return spec;
}

/** UDP over IPv4 (or IPv6 with v6): ports default 1234 -> 5678. */
export function udpFrame(o: QuickOpts & { sport?: number; dport?: number } = {}): Uint8Array {
  const s = quickBase(o);
  s.udp = { src: o.sport ?? 1234, dst: o.dport ?? 5678 };
  return buildFrame(s);
}

/** TCP over IPv4 (or IPv6 with v6): ports default 1234 -> 80, flags default ACK. */
export function tcpFrame(
  o: QuickOpts & { sport?: number; dport?: number; flags?: number | string; seq?: number; ack?: number; window?: number } = {},
): Uint8Array {
  const s = quickBase(o);
  const t: TcpSpec = { src: o.sport ?? 1234, dst: o.dport ?? 80, flags: o.flags ?? 0x010 };
  if (o.seq !== undefined) t.seq = o.seq;
  if (o.ack !== undefined) t.ack = o.ack;
  if (o.window !== undefined) t.window = o.window;
  s.tcp = t;
  return buildFrame(s);
}

/** ICMP echo request (or reply with reply: true), IPv4. */
export function icmpEcho(o: QuickOpts & { id?: number; seq?: number; reply?: boolean } = {}): Uint8Array {
  const s = quickBase({ ...o, v6: false });
  s.icmp = { type: o.reply ? ICMP_ECHO_REPLY : ICMP_ECHO_REQUEST, id: o.id ?? 0, seq: o.seq ?? 0 };
  return buildFrame(s);
}

/** ICMPv6 echo request (or reply). */
export function icmpv6Echo(o: QuickOpts & { id?: number; seq?: number; reply?: boolean } = {}): Uint8Array {
  const s = quickBase({ ...o, v6: true });
  s.icmpv6 = { type: o.reply ? ICMPV6_ECHO_REPLY : ICMPV6_ECHO_REQUEST, id: o.id ?? 0, seq: o.seq ?? 0 };
  return buildFrame(s);
}

export interface ArpOpts {
  /** Sender MAC (also the Ethernet source). Default 00:00:00:00:00:01. */
  sha?: MacLike;
  spa?: Ip4Like;
  /** Target MAC: request default 0, reply default 00:00:00:00:00:02. */
  tha?: MacLike;
  tpa?: Ip4Like;
  /** Ethernet destination: request default broadcast, reply default tha. */
  ethDst?: MacLike;
  vlan?: number;
  /** Default true: ARP frames are shorter than 60 bytes. */
  padTo60?: boolean;
}

function arpFrame(op: number, o: ArpOpts): Uint8Array {
  const sha = o.sha ?? 1;
  const tha = o.tha ?? (op === ARP_OP_REQUEST ? 0 : 2);
  const s: FrameSpec = {
    eth: { src: sha, dst: o.ethDst ?? (op === ARP_OP_REQUEST ? 0xffffffffffff : tha) },
    arp: { op, sha, spa: o.spa ?? '10.0.0.1', tha, tpa: o.tpa ?? '10.0.0.2' },
    padTo60: o.padTo60 ?? true,
  };
  if (o.vlan !== undefined) s.vlans = [{ vid: o.vlan }];
  return buildFrame(s);
}

/** ARP request "who has tpa? tell spa", broadcast. */
export function arpRequest(o: ArpOpts = {}): Uint8Array {
  return arpFrame(ARP_OP_REQUEST, o);
}

/** ARP reply "spa is at sha" to tha. */
export function arpReply(o: ArpOpts = {}): Uint8Array {
  return arpFrame(ARP_OP_REPLY, o);
}

export interface NdOpts {
  /** Sender MAC (Ethernet source; the SLL/TLL option value). Default 00:00:00:00:00:01. */
  mac?: MacLike;
  /** Sender IPv6 address. Default fe80::1 (NS may use '::' for DAD: then no SLL option). */
  ipSrc?: string;
  /** Target address. Default fe80::2. */
  target?: string;
  /** NA: destination (default ff02::1 all-nodes), NS: default the target's solicited-node group. */
  ipDst?: string;
  ethDst?: MacLike;
  vlan?: number;
  /** NA flags. Default: solicited + override. */
  router?: boolean;
  solicited?: boolean;
  override?: boolean;
  /** Leave out the link-layer address option. */
  noLlOption?: boolean;
}

/** Neighbor Solicitation for `target` with an SLL option, to the solicited-node multicast group. */
export function ndNeighborSolicit(o: NdOpts = {}): Uint8Array {
  const mac = o.mac ?? 1;
  const target = o.target ?? 'fe80::2';
  const ipSrc = o.ipSrc ?? 'fe80::1';
  const dstWords = o.ipDst !== undefined ? toIpv6(o.ipDst) : solicitedNodeMulticast(toIpv6(target));
  const s: FrameSpec = {
    eth: { src: mac, dst: o.ethDst ?? ipv6MulticastMac(dstWords) },
    ipv6: { src: ipSrc, dst: dstWords, hopLimit: 255 },
    icmpv6: { type: ND_NEIGHBOR_SOLICIT, nd: { target } },
  };
  if (!o.noLlOption && ipSrc !== '::') s.icmpv6!.nd!.sll = mac;
  if (o.vlan !== undefined) s.vlans = [{ vid: o.vlan }];
  return buildFrame(s);
}

/** Neighbor Advertisement: `target` (default = ipSrc) is at `mac`, with a TLL option. */
export function ndNeighborAdvert(o: NdOpts = {}): Uint8Array {
  const mac = o.mac ?? 1;
  const ipSrc = o.ipSrc ?? 'fe80::1';
  const target = o.target ?? ipSrc;
  const dstWords = toIpv6(o.ipDst ?? 'ff02::1');
  const isMcast = (dstWords[0]! >>> 24) === 0xff;
  const s: FrameSpec = {
    eth: { src: mac, dst: o.ethDst ?? (isMcast ? ipv6MulticastMac(dstWords) : 2) },
    ipv6: { src: ipSrc, dst: dstWords, hopLimit: 255 },
    icmpv6: {
      type: ND_NEIGHBOR_ADVERT,
      nd: { target, router: o.router ?? false, solicited: o.solicited ?? true, override: o.override ?? true },
    },
  };
  if (!o.noLlOption) s.icmpv6!.nd!.tll = mac;
  if (o.vlan !== undefined) s.vlans = [{ vid: o.vlan }];
  return buildFrame(s);
}
