/*
 * Text forms of field values (OVS's mf_parse / mf_format and the helpers they use): integers
 * in decimal or 0x hex with /mask, MAC, IPv4 and IPv6 with CIDR or netmask, ports, fragment
 * types, and the flag sets of ct_state, tcp_flags and tun_flags. Errors are returned as
 * strings worded like OVS's.
 */

import { formatIpv4, formatIpv6, parseIpv6 } from '../packet/addr.js';
import { bigintToBytes, hexitValue, scanCNumber } from './c-num.js';
import { isAllOnes, isAllZeros, MfString, type MfField } from './meta-flow.js';
import { formatOfpPort, parseOfpPort, portFromOfp11, portToOfp11, type PortMap } from './ofp-port.js';

export interface MfValueMask {
  value: Uint8Array;
  mask: Uint8Array;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

function err<T>(error: string): Result<T> {
  return { ok: false, error };
}

// --- integers ------------------------------------------------------------------

/**
 * OVS's parse_int_string: "0x" followed by any number of hex digits (white space between
 * them is skipped), or a C strtoull number. Fills `out` (the field's width). Returns the
 * index where parsing stopped and 'range' if the number does not fit.
 */
export function parseIntString(s: string, start: number, out: Uint8Array): { end: number; error: 'range' | 'syntax' | null } {
  if (s[start] === '0' && (s[start + 1] === 'x' || s[start + 1] === 'X')) {
    let i = start + 2;
    const hexits: number[] = [];
    for (;;) {
      while (i < s.length && ' \t\r\n'.includes(s[i]!)) i++;
      const h = hexitValue(s[i]);
      if (h < 0) break;
      if (h !== 0 || hexits.length) {
        if (Math.ceil((hexits.length + 1) / 2) > out.length) return { end: i, error: 'range' };
        hexits.push(h);
      }
      i++;
    }
    out.fill(0);
    let idx = out.length;
    for (let j = hexits.length - 1; j >= 0; j -= 2) {
      idx--;
      out[idx] = hexits[j]! + (j > 0 ? hexits[j - 1]! << 4 : 0);
    }
    return { end: i, error: null };
  }
  const r = scanCNumber(s, start);
  if (!r) return { end: start, error: 'syntax' };
  if (r.overflow) return { end: r.end, error: 'range' };
  if (!bigintToBytes(r.value, out)) return { end: r.end, error: 'range' };
  return { end: r.end, error: null };
}

function fromIntegerString(f: MfField, s: string): Result<MfValueMask> {
  const value = new Uint8Array(f.nBytes);
  const mask = new Uint8Array(f.nBytes);
  let r = parseIntString(s, 0, value);
  let what = 'value';
  if (r.error === null && r.end < s.length && s[r.end] !== '/') r = { end: r.end, error: 'syntax' };
  if (r.error === null) {
    if (s[r.end] === '/') {
      what = 'mask';
      r = parseIntString(s, r.end + 1, mask);
      if (r.error === null && r.end !== s.length) r = { end: r.end, error: 'syntax' };
    } else {
      mask.fill(0xff);
    }
  }
  if (r.error === 'range') return err(`${s}: ${what} too large for ${f.nBytes}-byte field ${f.name}`);
  if (r.error === 'syntax') return err(`${s}: bad syntax for ${f.name} ${what}`);
  return ok({ value, mask });
}

/** OVS's ds_put_hex: "0x" + bytes without leading zero bytes, or "0". */
export function formatHexBytes(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i++) {
    const v = b[i]!;
    if (out === '') {
      if (v !== 0) out = '0x' + v.toString(16);
    } else {
      out += v.toString(16).padStart(2, '0');
    }
  }
  return out === '' ? '0' : out;
}

function bytesToNumber(b: Uint8Array): number {
  let x = 0;
  for (let i = 0; i < b.length; i++) x = x * 256 + b[i]!;
  return x;
}

function numberToBytes(x: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let v = x;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

// --- addresses -------------------------------------------------------------------

/** "aa:bb:cc:dd:ee:ff" with 1-2 hex digits per byte, into 6 bytes; false if malformed. */
export function parseEthBytes(s: string, out: Uint8Array): boolean {
  const parts = s.split(':');
  if (parts.length !== 6) return false;
  for (let i = 0; i < 6; i++) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(parts[i]!)) return false;
    out[i] = parseInt(parts[i]!, 16);
  }
  return true;
}

export function formatEthBytes(b: Uint8Array): string {
  const p: string[] = [];
  for (let i = 0; i < 6; i++) p.push(b[i]!.toString(16).padStart(2, '0'));
  return p.join(':');
}

/** Strict dotted quad -> 32-bit number, or null. */
export function parseIpv4Strict(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return null;
    v = v * 256 + o;
  }
  return v >>> 0;
}

/** Netmask of `n` leading one bits. */
export function prefixMask32(n: number): number {
  return n <= 0 ? 0 : n >= 32 ? 0xffffffff : (0xffffffff << (32 - n)) >>> 0;
}

/** Number of leading one bits if `m` is a CIDR mask, else -1. */
export function cidrBits32(m: number): number {
  const x = m >>> 0;
  const inv = ~x >>> 0;
  if ((inv & (inv + 1)) !== 0) return -1;
  let n = 0;
  while (n < 32 && (x & (0x80000000 >>> n)) !== 0) n++;
  return n;
}

/** OVS's ip_parse_masked: "a.b.c.d", "a.b.c.d/N" or "a.b.c.d/w.x.y.z". */
export function parseIpv4Masked(s: string): Result<{ ip: number; mask: number }> {
  const slash = s.indexOf('/');
  const ip = parseIpv4Strict(slash < 0 ? s : s.slice(0, slash));
  if (ip === null) return err(`${s}: invalid IP address`);
  if (slash < 0) return ok({ ip, mask: 0xffffffff });
  const rest = s.slice(slash + 1);
  const m = parseIpv4Strict(rest);
  if (m !== null) return ok({ ip, mask: m });
  if (/^[-+]?\d+$/.test(rest)) {
    const n = Number(rest);
    if (n < 0 || n > 32) return err(`${s}: IPv4 network prefix bits not between 0 and 32, inclusive`);
    return ok({ ip, mask: prefixMask32(n) });
  }
  return err(`${s}: invalid IP address`);
}

export function formatIpv4Masked(ip: number, mask: number): string {
  let out = formatIpv4(ip >>> 0);
  if (mask >>> 0 !== 0xffffffff) {
    const n = cidrBits32(mask);
    out += n >= 0 ? `/${n}` : `/${formatIpv4(mask >>> 0)}`;
  }
  return out;
}

function ipv6PrefixMask(n: number, out: Uint32Array): void {
  for (let i = 0; i < 4; i++) out[i] = prefixMask32(n - 32 * i);
}

/** Leading one bits of a 128-bit mask (4 words) if it is CIDR, else -1. */
export function cidrBits128(w: ArrayLike<number>): number {
  let n = 0;
  let i = 0;
  for (; i < 4; i++) {
    const x = w[i]! >>> 0;
    if (x === 0xffffffff) {
      n += 32;
      continue;
    }
    const c = cidrBits32(x);
    if (c < 0) return -1;
    n += c;
    i++;
    break;
  }
  for (; i < 4; i++) if (w[i]! >>> 0 !== 0) return -1;
  return n;
}

/** OVS's ipv6_parse_masked: address, optionally "/N" or "/mask". Writes 4 words each. */
export function parseIpv6Masked(s: string, ip: Uint32Array, mask: Uint32Array): string | null {
  const m = /^ *([0-9a-fA-F:.]{1,46})(.*)$/.exec(s);
  if (!m || !parseIpv6(m[1]!, ip)) return `${s}: invalid IPv6 address`;
  const rest = m[2]!;
  if (rest === '') {
    mask.fill(0xffffffff);
    return null;
  }
  const pm = /^\/([-+]?\d+)$/.exec(rest);
  if (pm) {
    const n = Number(pm[1]);
    if (n < 0 || n > 128) return `${s}: IPv6 network prefix bits not between 0 and 128, inclusive`;
    ipv6PrefixMask(n, mask);
    return null;
  }
  const mm = /^\/([0-9a-fA-F:.]{1,46})$/.exec(rest);
  if (mm) {
    if (!parseIpv6(mm[1]!, mask)) return `${s}: Invalid IPv6 mask`;
    return null;
  }
  return `${s}: invalid IPv6 address`;
}

/**
 * IPv6 text exactly as glibc's inet_ntop writes it (which OVS prints): RFC 5952 compression,
 * and a dotted IPv4 tail for IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d)
 * addresses.
 */
export function formatIpv6Masked(ip: ArrayLike<number>, mask: ArrayLike<number> | null): string {
  let out = formatIpv6(ip);
  if (mask && !(mask[0] === 0xffffffff && mask[1] === 0xffffffff && mask[2] === 0xffffffff && mask[3] === 0xffffffff)) {
    const n = cidrBits128(mask);
    out += n >= 0 ? `/${n}` : `/${formatIpv6(mask)}`;
  }
  return out;
}

function bytesToWords(b: Uint8Array): Uint32Array {
  const w = new Uint32Array(b.length / 4);
  for (let i = 0; i < w.length; i++) {
    w[i] = ((b[4 * i]! << 24) | (b[4 * i + 1]! << 16) | (b[4 * i + 2]! << 8) | b[4 * i + 3]!) >>> 0;
  }
  return w;
}

function wordsToBytes(w: Uint32Array): Uint8Array {
  const b = new Uint8Array(w.length * 4);
  for (let i = 0; i < w.length; i++) {
    b[4 * i] = w[i]! >>> 24;
    b[4 * i + 1] = (w[i]! >>> 16) & 0xff;
    b[4 * i + 2] = (w[i]! >>> 8) & 0xff;
    b[4 * i + 3] = w[i]! & 0xff;
  }
  return b;
}

// --- flags ------------------------------------------------------------------------

/** Name of one bit of a flag set, or null. */
export type BitName = (bit: number) => string | null;

export const tcpFlagName: BitName = (bit) => {
  switch (bit) {
    case 0x001: return 'fin';
    case 0x002: return 'syn';
    case 0x004: return 'rst';
    case 0x008: return 'psh';
    case 0x010: return 'ack';
    case 0x020: return 'urg';
    case 0x040: return 'ece';
    case 0x080: return 'cwr';
    case 0x100: return 'ns';
    case 0x200: return '[200]';
    case 0x400: return '[400]';
    case 0x800: return '[800]';
    default: return null;
  }
};

export const ctStateName: BitName = (bit) => {
  switch (bit) {
    case 0x01: return 'new';
    case 0x02: return 'est';
    case 0x04: return 'rel';
    case 0x08: return 'rpl';
    case 0x10: return 'inv';
    case 0x20: return 'trk';
    case 0x40: return 'snat';
    case 0x80: return 'dnat';
    default: return null;
  }
};

/** Tunnel flag names in OVS's bit order (oam = 1, df = 2, csum = 4, key = 8). */
export const tunFlagName: BitName = (bit) => {
  switch (bit) {
    case 1: return 'oam';
    case 2: return 'df';
    case 4: return 'csum';
    case 8: return 'key';
    default: return null;
  }
};

/** OVS's format_flags: names joined by `del` from the lowest bit, unknown bits as 0x.., "0" if none. */
export function formatFlags(name: BitName, flags: number, del: string): string {
  if (flags === 0) return '0';
  const parts: string[] = [];
  let bad = 0;
  for (let bit = 1; bit !== 0 && bit <= flags; bit = (bit * 2) >>> 0) {
    if ((flags & bit) === 0) continue;
    const n = name(bit);
    if (n !== null) parts.push(n);
    else bad = (bad | bit) >>> 0;
    if (bit === 0x80000000) break;
  }
  if (bad) parts.push('0x' + bad.toString(16));
  return parts.join(del);
}

/** OVS's format_flags_masked (without the name): full flags if mask == maxMask, else +a-b form. */
export function formatFlagsMasked(name: BitName, flags: number, mask: number, maxMask: number): string {
  if (mask >>> 0 === maxMask >>> 0) return formatFlags(name, flags, '|');
  if (mask === 0) return '0/0';
  let out = '';
  for (let i = 0; i < 32; i++) {
    const bit = (1 << i) >>> 0;
    if ((mask & bit) === 0) continue;
    out += ((flags & bit) !== 0 ? '+' : '-') + (name(bit) ?? '[Unknown]');
  }
  return out;
}

function scanInt32(s: string, start: number): { v: number; end: number } | null {
  const r = scanCNumber(s, start);
  if (!r) return null;
  return { v: Number(BigInt.asUintN(32, r.signed)), end: r.end };
}

/**
 * OVS's parse_flags for a whole string: "N/M" numbers, "+a-b" masked names, or "a|b|N"
 * unmasked names and numbers. Returns flags and mask (0xffffffff for the unmasked form).
 */
export function parseFlags(s: string, name: BitName, fieldName: string, allowed: number): Result<{ flags: number; mask: number }> {
  const unknown = (at: string): Result<{ flags: number; mask: number }> => err(`${at}: unknown ${fieldName} flag(s)`);
  // Numeric "flags/mask".
  const a = scanInt32(s, 0);
  if (a && s[a.end] === '/') {
    const b = scanInt32(s, a.end + 1);
    if (b && b.end === s.length) {
      if ((a.v & ~allowed) !== 0 || (b.v & ~allowed) !== 0) return unknown(s);
      return ok({ flags: a.v >>> 0, mask: b.v >>> 0 });
    }
  }
  if (s[0] === '+' || s[0] === '-') {
    let flags = 0;
    let mask = 0;
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      if (c !== '+' && c !== '-') {
        return err(`${s.slice(i)}: ${fieldName} must be preceded by '+' (for SET) or '-' (NOT SET)`);
      }
      i++;
      let found = 0;
      let len = 0;
      for (let k = 0; k < 32; k++) {
        const bit = (1 << k) >>> 0;
        const n = name(bit);
        if (n === null) continue;
        const next = s[i + n.length];
        if (s.startsWith(n, i) && (next === undefined || next === '+' || next === '-')) {
          if (mask & bit) return err(`${s.slice(i)}: Each ${fieldName} flag can be specified only once`);
          if ((bit & allowed) === 0) return unknown(s.slice(i));
          if (c === '+') flags |= bit;
          mask |= bit;
          found = bit;
          len = n.length;
          break;
        }
      }
      if (!found) return unknown(s.slice(i));
      i += len;
    }
    return ok({ flags: flags >>> 0, mask: mask >>> 0 });
  }
  let result = 0;
  let i = 0;
  while (i < s.length) {
    const num = scanCNumber(s, i);
    if (num) {
      const v = Number(BigInt.asUintN(32, num.value));
      if ((v & ~allowed) !== 0 || num.value > 0xffffffffn) return unknown(s);
      result |= v;
      i = num.end + (s[num.end] === '|' ? 1 : 0);
      continue;
    }
    let found = false;
    for (let k = 0; k < 32; k++) {
      const bit = (1 << k) >>> 0;
      const n = name(bit);
      if (n === null) continue;
      const next = s[i + n.length];
      if (s.startsWith(n, i) && (next === undefined || next === '|')) {
        if ((bit & allowed) === 0) return unknown(s);
        result |= bit;
        i += n.length + (next === '|' ? 1 : 0);
        found = true;
        break;
      }
    }
    if (!found) return unknown(s);
  }
  return ok({ flags: result >>> 0, mask: 0xffffffff });
}

// --- fragments ------------------------------------------------------------------------

const FRAGS: ReadonlyArray<readonly [string, number, number]> = [
  ['no', 3, 0],
  ['first', 3, 1],
  ['later', 3, 3],
  ['no', 1, 0],
  ['yes', 1, 1],
  ['not_later', 2, 0],
  ['later', 2, 2],
];

/** The nw_frag text for value/mask (low 2 bits), or "<error>". */
export function formatFrag(value: number, mask: number): string {
  const m = mask & 3;
  const v = value & m;
  for (const [n, fm, fv] of FRAGS) if (fm === m && fv === v) return n;
  return '<error>';
}

// --- whole values ------------------------------------------------------------------------

/**
 * Parses `s` as a (possibly masked) value of `f` (OVS's mf_parse). "*" means wildcard.
 * Ports are resolved with `ports` when given.
 */
export function mfParse(f: MfField, s: string, ports?: PortMap): Result<MfValueMask> {
  const n = f.nBytes;
  if (s === '*') return ok({ value: new Uint8Array(n), mask: new Uint8Array(n) });
  let r: Result<MfValueMask>;
  switch (f.string) {
    case MfString.DECIMAL:
    case MfString.HEXADECIMAL:
      r = fromIntegerString(f, s);
      break;
    case MfString.CT_STATE:
    case MfString.TCP_FLAGS:
    case MfString.TNL_FLAGS: {
      const [bitName, label, allowed] =
        f.string === MfString.CT_STATE ? [ctStateName, 'ct_state', 0xff] as const
          : f.string === MfString.TCP_FLAGS ? [tcpFlagName, 'TCP', 0x0fff] as const
            : [tunFlagName, 'tunnel', 0x1] as const;
      const p = parseFlags(s, bitName, label, allowed);
      if (!p.ok) return p;
      r = ok({ value: numberToBytes(p.value.flags % 2 ** (8 * n), n), mask: numberToBytes(p.value.mask % 2 ** (8 * n), n) });
      break;
    }
    case MfString.ETHERNET: {
      const value = new Uint8Array(6);
      const mask = new Uint8Array(6);
      const slash = s.indexOf('/');
      if (slash < 0 && parseEthBytes(s, value)) {
        mask.fill(0xff);
        r = ok({ value, mask });
      } else if (slash >= 0 && parseEthBytes(s.slice(0, slash), value) && parseEthBytes(s.slice(slash + 1), mask)) {
        r = ok({ value, mask });
      } else {
        return err(`${s}: invalid Ethernet address`);
      }
      break;
    }
    case MfString.IPV4: {
      const p = parseIpv4Masked(s);
      if (!p.ok) return p;
      r = ok({ value: numberToBytes(p.value.ip, 4), mask: numberToBytes(p.value.mask, 4) });
      break;
    }
    case MfString.IPV6: {
      const ip = new Uint32Array(4);
      const mask = new Uint32Array(4);
      const e = parseIpv6Masked(s, ip, mask);
      if (e !== null) return err(e);
      r = ok({ value: wordsToBytes(ip), mask: wordsToBytes(mask) });
      break;
    }
    case MfString.OFP_PORT: {
      const p = parseOfpPort(s, ports);
      if (p === null) return err(`${s}: invalid or unknown port for ${f.name}`);
      r = ok({ value: numberToBytes(p, 2), mask: new Uint8Array([0xff, 0xff]) });
      break;
    }
    case MfString.OFP_PORT_OXM: {
      const p = parseOfpPort(s, ports);
      if (p === null) return err(`${s}: port value out of range for ${f.name}`);
      r = ok({ value: numberToBytes(portToOfp11(p), 4), mask: new Uint8Array([0xff, 0xff, 0xff, 0xff]) });
      break;
    }
    case MfString.FRAG: {
      const h = FRAGS.find(([name]) => name.toLowerCase() === s.toLowerCase());
      if (!h) {
        return err(`${s}: unknown fragment type (valid types are "no", "yes", "first", "later", "not_later"`);
      }
      r = ok({ value: new Uint8Array([h[2]]), mask: new Uint8Array([h[1] | 0xfc]) });
      break;
    }
  }
  if (r.ok && !f.maskable && !isAllZeros(r.value.mask) && !isAllOnes(r.value.mask)) {
    return err(`${s}: invalid mask for field ${f.name}`);
  }
  return r;
}

/** Parses an exact value (OVS's mf_parse_value): a mask is an error. */
export function mfParseValue(f: MfField, s: string, ports?: PortMap): Result<Uint8Array> {
  const r = mfParse(f, s, ports);
  if (!r.ok) return r;
  if (!isAllOnes(r.value.mask)) return err(`${s}: wildcards not allowed here`);
  return ok(r.value.value);
}

/** Formats a value of `f` (OVS's mf_format); `mask` null means exact. */
export function mfFormat(f: MfField, value: Uint8Array, mask: Uint8Array | null, ports?: PortMap): string {
  let m = mask;
  if (m) {
    if (isAllZeros(m)) return 'ANY';
    if (isAllOnes(m)) m = null;
  }
  switch (f.string) {
    case MfString.OFP_PORT_OXM:
      if (!m) return formatOfpPort(portFromOfp11(bytesToNumber(value)) ?? 0, ports);
      return formatInteger(f, value, m);
    case MfString.OFP_PORT:
      if (!m) return formatOfpPort(bytesToNumber(value), ports);
      return formatInteger(f, value, m);
    case MfString.DECIMAL:
    case MfString.HEXADECIMAL:
      return formatInteger(f, value, m);
    case MfString.CT_STATE:
      return formatFlagsMasked(ctStateName, bytesToNumber(value), m ? bytesToNumber(m) : 0xffffffff, 0xffff);
    case MfString.ETHERNET: {
      let out = formatEthBytes(value);
      if (m) out += '/' + formatEthBytes(m);
      return out;
    }
    case MfString.IPV4:
      return formatIpv4Masked(bytesToNumber(value), m ? bytesToNumber(m) : 0xffffffff);
    case MfString.IPV6:
      return formatIpv6Masked(bytesToWords(value), m ? bytesToWords(m) : null);
    case MfString.FRAG:
      return formatFrag(value[0]!, m ? m[0]! : 0xff);
    case MfString.TNL_FLAGS:
      return formatFlagsMasked(tunFlagName, bytesToNumber(value), (m ? bytesToNumber(m) : 0xffff) & 1, 1);
    case MfString.TCP_FLAGS:
      return formatFlagsMasked(tcpFlagName, bytesToNumber(value), (m ? bytesToNumber(m) : 0xffff) & 0xfff, 0xfff);
  }
}

function formatInteger(f: MfField, value: Uint8Array, mask: Uint8Array | null): string {
  let out: string;
  if (f.string === MfString.HEXADECIMAL) out = formatHexBytes(value);
  else out = f.nBytes <= 6 ? String(bytesToNumber(value)) : BigInt.asIntN(64, bytesToBigint64(value)).toString();
  if (mask) out += '/' + formatHexBytes(mask);
  return out;
}

function bytesToBigint64(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = Math.max(0, b.length - 8); i < b.length; i++) x = (x << 8n) | BigInt(b[i]!);
  return x;
}

export { bytesToNumber, numberToBytes };
