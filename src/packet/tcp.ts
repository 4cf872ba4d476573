/*
 * TCP header (RFC 9293): offsets, data offset / flags word, option kinds, and flag text
 * in OVS's "syn|ack" form.
 */

import { get16 } from './checksum.js';

export const TCP_SRC_OFS = 0;
export const TCP_DST_OFS = 2;
export const TCP_SEQ_OFS = 4;
export const TCP_ACK_OFS = 8;
export const TCP_OFF_FLAGS_OFS = 12;
export const TCP_WIN_OFS = 14;
export const TCP_CSUM_OFS = 16;
export const TCP_URG_OFS = 18;

export const TCPOPT_EOL = 0;
export const TCPOPT_NOP = 1;
export const TCPOPT_MSS = 2;
export const TCPOPT_WSCALE = 3;
export const TCPOPT_SACK_PERM = 4;
export const TCPOPT_SACK = 5;
export const TCPOPT_TIMESTAMP = 8;

/** The 12 flag bits (NS..FIN) of the TCP header at `l4`. */
export function tcpFlags(buf: Uint8Array, l4: number): number {
  return get16(buf, l4 + TCP_OFF_FLAGS_OFS) & 0x0fff;
}

/** Header length in bytes from the data offset field. */
export function tcpHeaderLen(buf: Uint8Array, l4: number): number {
  return (buf[l4 + TCP_OFF_FLAGS_OFS]! >>> 4) * 4;
}

/** Flag names in bit order, as OVS prints them. */
export const TCP_FLAG_NAMES: readonly string[] = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr', 'ns'];

/** Flags -> "syn|ack" (empty string for none). */
export function formatTcpFlags(flags: number): string {
  const out: string[] = [];
  for (let i = 0; i < TCP_FLAG_NAMES.length; i++) if (flags & (1 << i)) out.push(TCP_FLAG_NAMES[i]!);
  return out.join('|');
}

/** "syn|ack" / "SYN,ACK" / "SA" style text or a number -> flag bits; null if malformed. */
export function parseTcpFlags(s: string | number): number | null {
  if (typeof s === 'number') return s & 0xfff;
  const t = s.trim().toLowerCase();
  if (t === '' || t === 'none') return 0;
  if (/^[fsrpauecn]+$/.test(t) && !TCP_FLAG_NAMES.includes(t)) {
    // tcpdump-like letters: F S R P A U E C N (P = psh, ".": none)
    const letters = 'fsrpauecn';
    let v = 0;
    for (const ch of t) v |= 1 << letters.indexOf(ch);
    return v;
  }
  let v = 0;
  for (const part of t.split(/[|,+ ]+/)) {
    const i = TCP_FLAG_NAMES.indexOf(part);
    if (i < 0) return null;
    v |= 1 << i;
  }
  return v;
}
