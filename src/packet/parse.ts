/*
 * parseFrame(): a structured dissector for tools and tests. Walks Ethernet, VLAN tags,
 * LLC/SNAP, MPLS, ARP, IPv4 (options, fragments), IPv6 (extension headers), TCP, UDP
 * (VXLAN / Geneve inside), SCTP, ICMP and ICMPv6 (ND options). Allocates freely; never
 * throws: truncation and malformation land in `errors`.
 */

import { formatIpv4, formatIpv6, formatMac, readMac } from './addr.js';
import { get16, get32 } from './checksum.js';
import {
  ETH_TYPE_ARP,
  ETH_TYPE_IPV4,
  ETH_TYPE_IPV6,
  ETH_TYPE_MIN,
  ETH_TYPE_NONE,
  ETH_TYPE_TEB,
  GENEVE_DEFAULT_PORT,
  IP_DF,
  IP_FRAG_OFF_MASK,
  IP_MF,
  IPPROTO_AH,
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_HOPOPTS,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
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
import { icmpHasIdSeq } from './icmp.js';
import { ND_NA_OVERRIDE, ND_NA_ROUTER, ND_NA_SOLICITED, ND_REDIRECT, icmpv6IsEcho, ndOptionsOffset } from './icmpv6.js';
import { IP6OPT_PAD1, IPV6_RT_SRH, IPV6_RT_TYPE0, IPV6_RT_TYPE2, isIpv6ExtHeader } from './ipv6.js';
import { isMplsEthType, lseBos, lseLabel, lseTc, lseTtl } from './mpls.js';
import type {
  ParsedFrame,
  ParsedGeneve,
  ParsedIcmp,
  ParsedIcmpv6,
  ParsedIpv6,
  ParsedIpv6Ext,
  ParsedNd,
  ParsedNdOption,
  ParsedOption,
  ParsedUdp,
} from './parsed.js';
import { getSctpChecksum } from './sctp.js';
import { formatTcpFlags } from './tcp.js';
import { isVlanTpid, tciDei, tciPcp, tciVid } from './vlan.js';

export type * from './parsed.js';

const MAX_VLANS = 8;
const MAX_MPLS = 16;
const MAX_TUNNEL_DEPTH = 4;

function ipv6Text(b: Uint8Array, off: number): string {
  return formatIpv6([get32(b, off), get32(b, off + 4), get32(b, off + 8), get32(b, off + 12)]);
}

/** Parse a frame starting with an Ethernet header. Never throws. */
export function parseFrame(bytes: Uint8Array): ParsedFrame {
  return parseAt(bytes, 0);
}

function parseAt(b: Uint8Array, depth: number): ParsedFrame {
  const f: ParsedFrame = {
    len: b.length,
    vlans: [],
    mpls: [],
    frag: 'no',
    payload: b.subarray(b.length),
    padding: 0,
    offsets: { l2_5: -1, l3: -1, l4: -1, payload: -1, l3End: -1 },
    errors: [],
  };
  try {
    parseL2(b, f, depth);
  } catch (e) {
    f.errors.push(`internal: ${e instanceof Error ? e.message : String(e)}`);
  }
  return f;
}

function parseL2(b: Uint8Array, f: ParsedFrame, depth: number): void {
  if (b.length < 14) {
    f.errors.push(`eth: truncated (${b.length} of 14 bytes)`);
    f.payload = b.subarray(0);
    f.offsets.payload = 0;
    return;
  }
  const eth = { dst: formatMac(readMac(b, 0)), src: formatMac(readMac(b, 6)), type: 0 };
  f.eth = eth;
  let o = 12;
  let type = get16(b, o);
  o += 2;
  while (isVlanTpid(type)) {
    if (f.vlans.length >= MAX_VLANS) {
      f.errors.push(`vlan: more than ${MAX_VLANS} tags`);
      break;
    }
    if (o + 4 > b.length) {
      f.errors.push('vlan: truncated tag');
      eth.type = type;
      f.payload = b.subarray(o - 2);
      f.offsets.payload = o - 2;
      return;
    }
    const tci = get16(b, o);
    f.vlans.push({ tpid: type, tci, vid: tciVid(tci), pcp: tciPcp(tci), dei: tciDei(tci) });
    type = get16(b, o + 2);
    o += 4;
  }
  if (type < ETH_TYPE_MIN) {
    // 802.3 length field; LLC, maybe SNAP.
    const llcLen = type;
    type = ETH_TYPE_NONE;
    if (o + 3 > b.length) {
      f.errors.push('llc: truncated');
    } else {
      const llc: ParsedFrame['llc'] = { length: llcLen, dsap: b[o]!, ssap: b[o + 1]!, control: b[o + 2]! };
      f.llc = llc;
      if (llc.dsap === 0xaa && llc.ssap === 0xaa && llc.control === 3) {
        if (o + 8 > b.length) f.errors.push('snap: truncated');
        else {
          const oui = (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!;
          const st = get16(b, o + 6);
          llc.snap = { oui, type: st };
          if (oui === 0 && st >= ETH_TYPE_MIN) {
            type = st;
            o += 8;
          }
        }
      }
    }
  }
  eth.type = type;
  f.payload = b.subarray(o);
  f.offsets.payload = o;
  if (type === ETH_TYPE_NONE) return;
  if (isMplsEthType(type)) {
    f.offsets.l2_5 = o;
    for (;;) {
      if (f.mpls.length >= MAX_MPLS) {
        f.errors.push(`mpls: more than ${MAX_MPLS} labels`);
        break;
      }
      if (o + 4 > b.length) {
        f.errors.push('mpls: truncated label stack entry');
        break;
      }
      const lse = get32(b, o);
      o += 4;
      f.mpls.push({ label: lseLabel(lse), tc: lseTc(lse), bos: lseBos(lse), ttl: lseTtl(lse) });
      if (lseBos(lse)) break;
    }
    f.payload = b.subarray(o);
    f.offsets.payload = o;
    return;
  }
  if (type === ETH_TYPE_ARP) parseArp(b, o, f);
  else if (type === ETH_TYPE_IPV4) parseIpv4(b, o, f, depth);
  else if (type === ETH_TYPE_IPV6) parseIpv6(b, o, f, depth);
}

function setPayload(b: Uint8Array, f: ParsedFrame, start: number, end: number): void {
  const s = Math.min(start, end);
  f.payload = b.subarray(s, end);
  f.offsets.payload = s;
}

function parseArp(b: Uint8Array, o: number, f: ParsedFrame): void {
  f.offsets.l3 = o;
  if (o + 8 > b.length) {
    f.errors.push(`arp: truncated (${b.length - o} of 8 header bytes)`);
    return;
  }
  const htype = get16(b, o);
  const ptype = get16(b, o + 2);
  const hlen = b[o + 4]!;
  const plen = b[o + 5]!;
  const arp = { htype, ptype, hlen, plen, op: get16(b, o + 6), sha: '', spa: '', tha: '', tpa: '' };
  f.arp = arp;
  const end = o + 8 + 2 * (hlen + plen);
  if (end > b.length) {
    f.errors.push(`arp: truncated (${b.length - o} of ${end - o} bytes)`);
    return;
  }
  if (hlen === 6 && plen === 4) {
    arp.sha = formatMac(readMac(b, o + 8));
    arp.spa = formatIpv4(get32(b, o + 14));
    arp.tha = formatMac(readMac(b, o + 18));
    arp.tpa = formatIpv4(get32(b, o + 24));
  }
  f.offsets.l3End = end;
  f.padding = b.length - end;
  setPayload(b, f, end, end);
}

/** Type-length-value options (IPv4 and TCP style: length counts the whole option). */
function parseTlvOptions(b: Uint8Array, o: number, end: number, what: string, errors: string[]): ParsedOption[] {
  const out: ParsedOption[] = [];
  while (o < end) {
    const t = b[o]!;
    if (t === 0) {
      out.push({ type: 0, len: 1, data: b.subarray(o + 1, o + 1) });
      break; // end of option list; the rest is padding
    }
    if (t === 1) {
      out.push({ type: 1, len: 1, data: b.subarray(o + 1, o + 1) });
      o++;
      continue;
    }
    if (o + 2 > end) {
      errors.push(`${what}: option ${t} truncated`);
      break;
    }
    const len = b[o + 1]!;
    if (len < 2 || o + len > end) {
      errors.push(`${what}: option ${t} has bad length ${len}`);
      break;
    }
    out.push({ type: t, len, data: b.subarray(o + 2, o + len) });
    o += len;
  }
  return out;
}

function parseIpv4(b: Uint8Array, o: number, f: ParsedFrame, depth: number): void {
  f.offsets.l3 = o;
  const avail = b.length - o;
  if (avail < 20) {
    f.errors.push(`ipv4: truncated header (${avail} of 20 bytes)`);
    return;
  }
  const ihl = b[o]! & 0xf;
  const hl = ihl * 4;
  const tos = b[o + 1]!;
  const fragWord = get16(b, o + 6);
  const ip = {
    version: b[o]! >>> 4,
    ihl,
    headerLen: hl,
    tos,
    dscp: tos >>> 2,
    ecn: tos & 3,
    totalLen: get16(b, o + 2),
    id: get16(b, o + 4),
    df: (fragWord & IP_DF) !== 0,
    mf: (fragWord & IP_MF) !== 0,
    fragOffset: fragWord & IP_FRAG_OFF_MASK,
    ttl: b[o + 8]!,
    proto: b[o + 9]!,
    checksum: get16(b, o + 10),
    src: formatIpv4(get32(b, o + 12)),
    dst: formatIpv4(get32(b, o + 16)),
    options: [] as ParsedOption[],
  };
  f.ipv4 = ip;
  if (ip.version !== 4) {
    f.errors.push(`ipv4: version ${ip.version}`);
    return;
  }
  if (hl < 20) {
    f.errors.push(`ipv4: header length ${hl} below 20`);
    return;
  }
  if (hl > avail) {
    f.errors.push(`ipv4: truncated options (${avail} of ${hl} header bytes)`);
    return;
  }
  let end = o + ip.totalLen;
  if (ip.totalLen < hl) {
    f.errors.push(`ipv4: total length ${ip.totalLen} below header length ${hl}`);
    end = b.length;
  } else if (end > b.length) {
    f.errors.push(`ipv4: truncated (total length ${ip.totalLen}, ${avail} bytes present)`);
    end = b.length;
  }
  f.offsets.l3End = end;
  f.padding = b.length - end;
  ip.options = parseTlvOptions(b, o + 20, o + hl, 'ipv4', f.errors);
  if (ip.mf || ip.fragOffset !== 0) f.frag = ip.fragOffset !== 0 ? 'later' : 'first';
  setPayload(b, f, o + hl, end);
  if (f.frag === 'later') return;
  parseL4(b, o + hl, end, ip.proto, f, depth);
}

function parseIpv6Options(b: Uint8Array, o: number, end: number, errors: string[]): ParsedOption[] {
  const out: ParsedOption[] = [];
  while (o < end) {
    const t = b[o]!;
    if (t === IP6OPT_PAD1) {
      out.push({ type: 0, len: 1, data: b.subarray(o + 1, o + 1) });
      o++;
      continue;
    }
    if (o + 2 > end || o + 2 + b[o + 1]! > end) {
      errors.push(`ipv6: option ${t} overruns its header`);
      break;
    }
    const dl = b[o + 1]!;
    out.push({ type: t, len: 2 + dl, data: b.subarray(o + 2, o + 2 + dl) });
    o += 2 + dl;
  }
  return out;
}

function parseIpv6(b: Uint8Array, o: number, f: ParsedFrame, depth: number): void {
  f.offsets.l3 = o;
  const avail = b.length - o;
  if (avail < 40) {
    f.errors.push(`ipv6: truncated header (${avail} of 40 bytes)`);
    return;
  }
  const w0 = get32(b, o);
  const tc = (w0 >>> 20) & 0xff;
  const ip: ParsedIpv6 = {
    version: w0 >>> 28,
    tc,
    dscp: tc >>> 2,
    ecn: tc & 3,
    flowLabel: w0 & 0xfffff,
    payloadLen: get16(b, o + 4),
    nextHeader: b[o + 6]!,
    hopLimit: b[o + 7]!,
    src: ipv6Text(b, o + 8),
    dst: ipv6Text(b, o + 24),
    ext: [],
    proto: b[o + 6]!,
    finalDst: '',
    finalDstOfs: o + 24,
  };
  ip.finalDst = ip.dst;
  f.ipv6 = ip;
  if (ip.version !== 6) {
    f.errors.push(`ipv6: version ${ip.version}`);
    return;
  }
  let end = o + 40 + ip.payloadLen;
  if (end > b.length) {
    f.errors.push(`ipv6: truncated (payload length ${ip.payloadLen}, ${avail - 40} bytes present)`);
    end = b.length;
  }
  f.offsets.l3End = end;
  f.padding = b.length - end;
  let p = o + 40;
  let nh = ip.nextHeader;
  let finalSet = false;
  while (isIpv6ExtHeader(nh)) {
    if (p + 2 > end) {
      f.errors.push(`ipv6: truncated extension header ${nh}`);
      setPayload(b, f, p, end);
      ip.proto = nh;
      return;
    }
    const len = nh === IPPROTO_FRAGMENT ? 8 : nh === IPPROTO_AH ? (b[p + 1]! + 2) * 4 : (b[p + 1]! + 1) * 8;
    if (p + len > end) {
      f.errors.push(`ipv6: truncated extension header ${nh} (${end - p} of ${len} bytes)`);
      setPayload(b, f, p, end);
      ip.proto = nh;
      return;
    }
    const x: ParsedIpv6Ext = { type: nh, nextHeader: b[p]!, len };
    if (nh === IPPROTO_HOPOPTS || nh === IPPROTO_DSTOPTS) {
      x.options = parseIpv6Options(b, p + 2, p + len, f.errors);
    } else if (nh === IPPROTO_ROUTING) {
      const rt = b[p + 2]!;
      const left = b[p + 3]!;
      x.routingType = rt;
      x.segmentsLeft = left;
      if (rt === IPV6_RT_TYPE0 || rt === IPV6_RT_TYPE2 || rt === IPV6_RT_SRH) {
        const n = Math.floor((len - 8) / 16);
        x.addresses = [];
        for (let i = 0; i < n; i++) x.addresses.push(ipv6Text(b, p + 8 + 16 * i));
        if (left > 0 && n > 0 && !finalSet) {
          finalSet = true;
          ip.finalDstOfs = rt === IPV6_RT_TYPE0 ? p + 8 + 16 * (n - 1) : p + 8;
          ip.finalDst = ipv6Text(b, ip.finalDstOfs);
        }
      }
    } else if (nh === IPPROTO_FRAGMENT) {
      const w = get16(b, p + 2);
      x.fragOffset = w >>> 3;
      x.mf = (w & 1) !== 0;
      x.id = get32(b, p + 4);
      ip.fragment = { offset: x.fragOffset, mf: x.mf, id: x.id };
      if (x.mf || x.fragOffset !== 0) f.frag = x.fragOffset !== 0 ? 'later' : 'first';
    }
    ip.ext.push(x);
    nh = x.nextHeader;
    p += len;
    if (f.frag === 'later') break;
  }
  ip.proto = nh;
  setPayload(b, f, p, end);
  if (f.frag === 'later') return;
  parseL4(b, p, end, nh, f, depth);
}

function parseL4(b: Uint8Array, o: number, end: number, proto: number, f: ParsedFrame, depth: number): void {
  const avail = end - o;
  switch (proto) {
    case IPPROTO_TCP: {
      f.offsets.l4 = o;
      if (avail < 20) {
        f.errors.push(`tcp: truncated header (${avail} of 20 bytes)`);
        return;
      }
      const off = b[o + 12]! >>> 4;
      const flags = get16(b, o + 12) & 0xfff;
      const t = {
        kind: 'tcp' as const,
        src: get16(b, o),
        dst: get16(b, o + 2),
        seq: get32(b, o + 4),
        ack: get32(b, o + 8),
        dataOffset: off,
        headerLen: off * 4,
        flags,
        flagsText: formatTcpFlags(flags),
        window: get16(b, o + 14),
        checksum: get16(b, o + 16),
        urgent: get16(b, o + 18),
        options: [] as ParsedOption[],
      };
      f.tcp = t;
      f.l4 = t;
      if (off < 5) {
        f.errors.push(`tcp: data offset ${off} below 5`);
        return;
      }
      if (off * 4 > avail) {
        f.errors.push(`tcp: truncated options (${avail} of ${off * 4} header bytes)`);
        return;
      }
      t.options = parseTlvOptions(b, o + 20, o + off * 4, 'tcp', f.errors);
      setPayload(b, f, o + off * 4, end);
      return;
    }
    case IPPROTO_UDP: {
      f.offsets.l4 = o;
      if (avail < 8) {
        f.errors.push(`udp: truncated header (${avail} of 8 bytes)`);
        return;
      }
      const u: ParsedUdp = { kind: 'udp', src: get16(b, o), dst: get16(b, o + 2), length: get16(b, o + 4), checksum: get16(b, o + 6) };
      f.udp = u;
      f.l4 = u;
      let uend = end;
      if (u.length < 8) f.errors.push(`udp: length ${u.length} below 8`);
      else if (u.length > avail) f.errors.push(`udp: truncated (length ${u.length}, ${avail} bytes present)`);
      else uend = o + u.length;
      setPayload(b, f, o + 8, uend);
      if (depth < MAX_TUNNEL_DEPTH) parseTunnel(b, o + 8, uend, u, f, depth);
      return;
    }
    case IPPROTO_SCTP: {
      f.offsets.l4 = o;
      if (avail < 12) {
        f.errors.push(`sctp: truncated header (${avail} of 12 bytes)`);
        return;
      }
      const s = {
        kind: 'sctp' as const,
        src: get16(b, o),
        dst: get16(b, o + 2),
        vtag: get32(b, o + 4),
        checksum: getSctpChecksum(b, o),
        chunks: [] as { type: number; flags: number; length: number }[],
      };
      f.sctp = s;
      f.l4 = s;
      let c = o + 12;
      while (c < end) {
        if (c + 4 > end) {
          f.errors.push('sctp: truncated chunk header');
          break;
        }
        const len = get16(b, c + 2);
        s.chunks.push({ type: b[c]!, flags: b[c + 1]!, length: len });
        if (len < 4 || c + len > end) {
          f.errors.push(`sctp: chunk ${b[c]!} has bad length ${len}`);
          break;
        }
        c += (len + 3) & ~3;
      }
      setPayload(b, f, o + 12, end);
      return;
    }
    case IPPROTO_ICMP: {
      f.offsets.l4 = o;
      if (avail < 4) {
        f.errors.push(`icmp: truncated header (${avail} of 4 bytes)`);
        return;
      }
      const ic: ParsedIcmp = { kind: 'icmp', type: b[o]!, code: b[o + 1]!, checksum: get16(b, o + 2), rest: 0 };
      f.icmp = ic;
      f.l4 = ic;
      if (avail < 8) {
        f.errors.push(`icmp: truncated header (${avail} of 8 bytes)`);
        setPayload(b, f, o + 4, end);
        return;
      }
      ic.rest = get32(b, o + 4);
      if (icmpHasIdSeq(ic.type)) {
        ic.id = get16(b, o + 4);
        ic.seq = get16(b, o + 6);
      }
      setPayload(b, f, o + 8, end);
      return;
    }
    case IPPROTO_ICMPV6:
      parseIcmpv6(b, o, end, f);
      return;
    default:
      return;
  }
}

function parseIcmpv6(b: Uint8Array, o: number, end: number, f: ParsedFrame): void {
  f.offsets.l4 = o;
  const avail = end - o;
  if (avail < 4) {
    f.errors.push(`icmpv6: truncated header (${avail} of 4 bytes)`);
    return;
  }
  const ic: ParsedIcmpv6 = { kind: 'icmpv6', type: b[o]!, code: b[o + 1]!, checksum: get16(b, o + 2), rest: 0 };
  f.icmpv6 = ic;
  f.l4 = ic;
  if (avail < 8) {
    f.errors.push(`icmpv6: truncated header (${avail} of 8 bytes)`);
    setPayload(b, f, o + 4, end);
    return;
  }
  ic.rest = get32(b, o + 4);
  if (icmpv6IsEcho(ic.type)) {
    ic.id = get16(b, o + 4);
    ic.seq = get16(b, o + 6);
  }
  const optsOfs = ndOptionsOffset(ic.type);
  if (optsOfs < 0) {
    setPayload(b, f, o + 8, end);
    return;
  }
  const nd: ParsedNd = { flags: 0, router: false, solicited: false, override: false, options: [] };
  ic.nd = nd;
  if (avail < optsOfs) {
    f.errors.push(`icmpv6: truncated ND message (${avail} of ${optsOfs} bytes)`);
    setPayload(b, f, o + 8, end);
    return;
  }
  if (ic.type === ND_NEIGHBOR_ADVERT) {
    nd.flags = ic.rest;
    nd.router = (ic.rest & ND_NA_ROUTER) !== 0;
    nd.solicited = (ic.rest & ND_NA_SOLICITED) !== 0;
    nd.override = (ic.rest & ND_NA_OVERRIDE) !== 0;
  }
  if (ic.type === ND_NEIGHBOR_SOLICIT || ic.type === ND_NEIGHBOR_ADVERT || ic.type === ND_REDIRECT) {
    nd.target = ipv6Text(b, o + 8);
  }
  if (ic.type === ND_REDIRECT) nd.dest = ipv6Text(b, o + 24);
  let p = o + optsOfs;
  while (p < end) {
    if (p + 2 > end) {
      f.errors.push('icmpv6: truncated ND option');
      break;
    }
    const t = b[p]!;
    const len = b[p + 1]! * 8;
    if (len === 0) {
      f.errors.push(`icmpv6: ND option ${t} has length 0`);
      break;
    }
    if (p + len > end) {
      f.errors.push(`icmpv6: ND option ${t} truncated (${end - p} of ${len} bytes)`);
      break;
    }
    const opt: ParsedNdOption = { type: t, len, data: b.subarray(p + 2, p + len) };
    if ((t === ND_OPT_SOURCE_LINKADDR || t === ND_OPT_TARGET_LINKADDR) && len === 8) {
      opt.mac = formatMac(readMac(b, p + 2));
      if (t === ND_OPT_SOURCE_LINKADDR && nd.sll === undefined) nd.sll = opt.mac;
      if (t === ND_OPT_TARGET_LINKADDR && nd.tll === undefined) nd.tll = opt.mac;
    }
    nd.options.push(opt);
    p += len;
  }
  setPayload(b, f, p, end);
}

function parseTunnel(b: Uint8Array, o: number, end: number, u: ParsedUdp, f: ParsedFrame, depth: number): void {
  const avail = end - o;
  if (u.dst === VXLAN_DEFAULT_PORT) {
    if (avail < 8) {
      f.errors.push(`vxlan: truncated header (${avail} of 8 bytes)`);
      return;
    }
    const flags = b[o]!;
    const gbp = (flags & 0x80) !== 0;
    u.vxlan = {
      flags,
      vni: (b[o + 4]! << 16) | (b[o + 5]! << 8) | b[o + 6]!,
      gbpId: gbp ? get16(b, o + 2) : 0,
      gbpFlags: gbp ? b[o + 1]! : 0,
      inner: parseAt(b.subarray(o + 8, end), depth + 1),
    };
    setPayload(b, f, o + 8, end);
  } else if (u.dst === GENEVE_DEFAULT_PORT) {
    if (avail < 8) {
      f.errors.push(`geneve: truncated header (${avail} of 8 bytes)`);
      return;
    }
    const optLen = (b[o]! & 0x3f) * 4;
    const g: ParsedGeneve = {
      version: b[o]! >>> 6,
      optLen,
      oam: (b[o + 1]! & 0x80) !== 0,
      critical: (b[o + 1]! & 0x40) !== 0,
      proto: get16(b, o + 2),
      vni: (b[o + 4]! << 16) | (b[o + 5]! << 8) | b[o + 6]!,
      options: [],
    };
    u.geneve = g;
    const oend = o + 8 + optLen;
    if (oend > end) {
      f.errors.push(`geneve: truncated options (${avail - 8} of ${optLen} bytes)`);
      return;
    }
    let p = o + 8;
    while (p < oend) {
      if (p + 4 > oend) {
        f.errors.push('geneve: truncated option header');
        break;
      }
      const dl = (b[p + 3]! & 0x1f) * 4;
      if (p + 4 + dl > oend) {
        f.errors.push(`geneve: option overruns the option area`);
        break;
      }
      g.options.push({ cls: get16(b, p), type: b[p + 2]!, critical: (b[p + 2]! & 0x80) !== 0, data: b.subarray(p + 4, p + 4 + dl) });
      p += 4 + dl;
    }
    setPayload(b, f, oend, end);
    if (g.proto === ETH_TYPE_TEB) g.inner = parseAt(b.subarray(oend, end), depth + 1);
  }
}
