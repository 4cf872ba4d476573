/*
 * verifyChecksums(): checks every checksum a frame carries (IPv4 header, TCP, UDP with 0
 * meaning "none" over IPv4, ICMP, ICMPv6, SCTP CRC32c), also inside VXLAN / Geneve. Used by
 * tests to check that actions kept packets valid. L4 checksums of fragments are not checked.
 */

import { foldSum, onesSum } from './checksum.js';
import { IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP } from './constants.js';
import { ipv4HeaderChecksum } from './ipv4.js';
import { pseudoHeaderSum } from './l4csum.js';
import { parseFrame } from './parse.js';
import type { ParsedFrame } from './parse.js';
import { sctpChecksum } from './sctp.js';

export interface ChecksumReport {
  ok: boolean;
  problems: string[];
}

function hex(v: number, digits: number): string {
  return '0x' + v.toString(16).padStart(digits, '0');
}

/** Check all checksums of an Ethernet frame; `problems` says which ones are wrong and why. */
export function verifyChecksums(bytes: Uint8Array): ChecksumReport {
  const problems: string[] = [];
  check(bytes, parseFrame(bytes), '', problems);
  return { ok: problems.length === 0, problems };
}

function check(b: Uint8Array, f: ParsedFrame, prefix: string, problems: string[]): void {
  const l3 = f.offsets.l3;
  const end = f.offsets.l3End;
  if (f.ipv4 && f.ipv4.version === 4 && f.ipv4.headerLen >= 20 && l3 + f.ipv4.headerLen <= b.length) {
    const want = ipv4HeaderChecksum(b, l3);
    if (want !== f.ipv4.checksum) problems.push(`${prefix}ipv4: header checksum ${hex(f.ipv4.checksum, 4)}, expected ${hex(want, 4)}`);
  }
  const l4 = f.offsets.l4;
  if (l4 < 0 || f.frag !== 'no' || end < 0) return;
  const len = end - l4;
  let pseudo = 0;
  let proto = -1;
  if (f.ipv4) proto = f.ipv4.proto;
  else if (f.ipv6) proto = f.ipv6.proto;
  if (f.ipv4) pseudo = pseudoHeaderSum(b, l3 + 12, l3 + 16, 4, proto, len);
  else if (f.ipv6) pseudo = pseudoHeaderSum(b, l3 + 8, f.ipv6.finalDstOfs, 16, proto, len);
  else return;
  if (f.sctp) {
    if (len < 12) return;
    const want = sctpChecksum(b, l4, len);
    if (want !== f.sctp.checksum) problems.push(`${prefix}sctp: checksum ${hex(f.sctp.checksum, 8)}, expected ${hex(want, 8)}`);
    return;
  }
  let name = '';
  let csumOfs = -1;
  let usePseudo = true;
  if (f.tcp && proto === IPPROTO_TCP) {
    name = 'tcp';
    csumOfs = 16;
  } else if (f.udp && proto === IPPROTO_UDP) {
    name = 'udp';
    csumOfs = 6;
    if (f.udp.checksum === 0 && f.ipv4) {
      // No checksum over IPv4; still look inside tunnels.
      checkTunnel(f, prefix, problems);
      return;
    }
    if (f.udp.checksum === 0) {
      problems.push(`${prefix}udp: zero checksum over IPv6`);
      checkTunnel(f, prefix, problems);
      return;
    }
  } else if (f.icmp && proto === IPPROTO_ICMP) {
    name = 'icmp';
    csumOfs = 2;
    usePseudo = false;
  } else if (f.icmpv6 && proto === IPPROTO_ICMPV6) {
    name = 'icmpv6';
    csumOfs = 2;
  }
  if (csumOfs < 0 || len < csumOfs + 2) return;
  // A correct segment sums (with its checksum field) to 0xffff (negative zero).
  const total = foldSum(onesSum(b, l4, len, usePseudo ? pseudo : 0));
  if (total !== 0xffff) {
    const stored = (b[l4 + csumOfs]! << 8) | b[l4 + csumOfs + 1]!;
    const want = ~foldSum(onesSum(b, l4, len, usePseudo ? pseudo : 0) - stored) & 0xffff;
    problems.push(`${prefix}${name}: checksum ${hex(stored, 4)}, expected ${hex(want, 4)}`);
  }
  if (name === 'udp') checkTunnel(f, prefix, problems);
}

function checkTunnel(f: ParsedFrame, prefix: string, problems: string[]): void {
  const u = f.udp;
  if (!u) return;
  const inner = u.vxlan?.inner ?? u.geneve?.inner;
  if (!inner) return;
  const innerBytes = f.payload;
  check(innerBytes, inner, `${prefix}inner `, problems);
}
