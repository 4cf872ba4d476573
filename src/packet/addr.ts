/*
 * Address text forms: MAC (aa:bb:cc:dd:ee:ff), IPv4 dotted quad and IPv6 (RFC 5952
 * compressed output; any valid form accepted on input, including embedded IPv4).
 * MACs are 48-bit numbers, IPv4 addresses 32-bit unsigned numbers, IPv6 addresses four
 * 32-bit words in network order.
 */

const HEX = '0123456789abcdef';

function hex2(b: number): string {
  return HEX[(b >>> 4) & 0xf]! + HEX[b & 0xf]!;
}

/** 48-bit number -> "aa:bb:cc:dd:ee:ff". */
export function formatMac(mac: number): string {
  const hi = Math.floor(mac / 0x100000000) & 0xffff;
  const lo = mac >>> 0;
  return (
    hex2(hi >>> 8) + ':' + hex2(hi) + ':' + hex2(lo >>> 24) + ':' + hex2(lo >>> 16) + ':' + hex2(lo >>> 8) + ':' + hex2(lo)
  );
}

/** "aa:bb:cc:dd:ee:ff" (also with '-') -> 48-bit number, or null if malformed. */
export function parseMac(s: string): number | null {
  const parts = s.split(/[:-]/);
  if (parts.length !== 6) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return null;
    v = v * 256 + parseInt(p, 16);
  }
  return v;
}

/** Read a MAC from 6 bytes at `off`. */
export function readMac(buf: Uint8Array, off: number): number {
  return ((buf[off]! << 8) | buf[off + 1]!) * 0x100000000 +
    (((buf[off + 2]! << 24) | (buf[off + 3]! << 16) | (buf[off + 4]! << 8) | buf[off + 5]!) >>> 0);
}

/** Write a MAC as 6 bytes at `off`. */
export function writeMac(buf: Uint8Array, off: number, mac: number): void {
  const hi = Math.floor(mac / 0x100000000);
  const lo = mac >>> 0;
  buf[off] = (hi >>> 8) & 0xff;
  buf[off + 1] = hi & 0xff;
  buf[off + 2] = lo >>> 24;
  buf[off + 3] = (lo >>> 16) & 0xff;
  buf[off + 4] = (lo >>> 8) & 0xff;
  buf[off + 5] = lo & 0xff;
}

/** 32-bit number -> "a.b.c.d". */
export function formatIpv4(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/** "a.b.c.d" -> 32-bit unsigned number, or null if malformed. */
export function parseIpv4(s: string): number | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v >>> 0;
}

/**
 * Four network-order words (at `off`) -> text exactly as glibc's inet_ntop prints it (which
 * OVS uses): the longest run of two or more zero groups becomes "::", and an address whose
 * first 96 bits are zero (or ::ffff:0:0/96) prints its last 32 bits as a dotted quad.
 */
export function formatIpv6(w: ArrayLike<number>, off = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 4; i++) {
    const x = w[off + i]! >>> 0;
    g.push(x >>> 16, x & 0xffff);
  }
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && g[5] === 0xffff))) {
      out += formatIpv4(w[off + 3]! >>> 0);
      break;
    }
    out += g[i]!.toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** IPv6 text -> four network-order words written to out[off..off+3]; false if malformed. */
export function parseIpv6(s: string, out: Uint32Array, off = 0): boolean {
  if (s.length === 0 || s.length > 45) return false;
  let text = s;
  const tailWords: number[] = [];
  // Embedded IPv4 in the last 32 bits.
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) > lastColon) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return false;
    tailWords.push(v4 >>> 16, v4 & 0xffff);
    text = text.slice(0, lastColon + 1) + (text[lastColon - 1] === ':' ? '' : '0');
    if (!text.endsWith(':') && text.endsWith('0')) {
      // "a:b:c:d:e:f:1.2.3.4" -> "a:b:c:d:e:f:0" placeholder removed below
      text = text.slice(0, -2);
    } else if (text.endsWith(':') && !text.endsWith('::')) {
      text = text.slice(0, -1);
    }
  }
  const dbl = text.indexOf('::');
  if (dbl >= 0 && text.indexOf('::', dbl + 1) >= 0) return false;
  const parseGroups = (t: string): number[] | null => {
    if (t === '') return [];
    const res: number[] = [];
    for (const p of t.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
      res.push(parseInt(p, 16));
    }
    return res;
  };
  let groups: number[];
  const total = 8 - tailWords.length;
  if (dbl >= 0) {
    const head = parseGroups(text.slice(0, dbl));
    const tail = parseGroups(text.slice(dbl + 2));
    if (head === null || tail === null) return false;
    const fill = total - head.length - tail.length;
    if (fill < 1) return false;
    groups = [...head, ...new Array<number>(fill).fill(0), ...tail];
  } else {
    const all = parseGroups(text);
    if (all === null || all.length !== total) return false;
    groups = all;
  }
  groups.push(...tailWords);
  for (let i = 0; i < 4; i++) out[off + i] = ((groups[2 * i]! << 16) | groups[2 * i + 1]!) >>> 0;
  return true;
}
