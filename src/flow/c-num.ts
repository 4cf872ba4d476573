/*
 * Number parsing with the C library's strtoull/strtoll rules (leading white space, optional
 * sign, base 0 = "0x" hex / leading-0 octal / decimal), which OVS's text parsers rely on.
 * Used off the hot path only (flow text), so BigInt is fine here.
 */

const U64_MAX = (1n << 64n) - 1n;

export interface CNum {
  /** The value as strtoull returns it (negative input wraps modulo 2^64). */
  readonly value: bigint;
  /** The value with its sign, for strtoll-style range checks. */
  readonly signed: bigint;
  /** Index just past the last character used. */
  readonly end: number;
  /** True if the magnitude did not fit in 64 bits (errno ERANGE). */
  readonly overflow: boolean;
}

function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 122) return c - 87;
  if (c >= 65 && c <= 90) return c - 55;
  return 99;
}

/** Scans a number at `start` like strtoull(s, &end, base); null if no digits were found. */
export function scanCNumber(s: string, start = 0, base = 0): CNum | null {
  let i = start;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i]!)) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  let b = base;
  if ((b === 0 || b === 16) && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && digitValue(s.charCodeAt(i + 2)) < 16) {
    i += 2;
    b = 16;
  } else if (b === 0) {
    b = s[i] === '0' ? 8 : 10;
  }
  const digitsStart = i;
  let v = 0n;
  const bb = BigInt(b);
  while (i < s.length) {
    const d = digitValue(s.charCodeAt(i));
    if (d >= b) break;
    v = v * bb + BigInt(d);
    i++;
  }
  if (i === digitsStart) return null;
  const overflow = v > U64_MAX;
  const mag = overflow ? U64_MAX : v;
  const signed = neg ? -mag : mag;
  const value = neg ? (U64_MAX + 1n - mag) & U64_MAX : mag;
  return { value, signed, end: i, overflow };
}

/** Whole-string strtoull (OVS str_to_ullong / str_to_u64 style); null on any error. */
export function strToU64(s: string): bigint | null {
  const r = scanCNumber(s);
  if (!r || r.overflow || r.end !== s.length) return null;
  return r.value;
}

/** Whole-string strtoll in `base` restricted to [min, max] (OVS str_to_int/str_to_uint); null on error. */
export function strToIntRange(s: string, base: number, min: number, max: number): number | null {
  const r = scanCNumber(s, 0, base);
  if (!r || r.end !== s.length) return null;
  // strtoll saturates: magnitudes beyond int64 are errors.
  if (r.overflow || r.signed > (1n << 63n) - 1n || r.signed < -(1n << 63n)) return null;
  if (r.signed < BigInt(min) || r.signed > BigInt(max)) return null;
  return Number(r.signed);
}

/** C atoi(): leading number or 0, never an error; wraps to 32 bits like the int it returns. */
export function atoi(s: string): number {
  const r = scanCNumber(s, 0, 10);
  if (!r) return 0;
  return Number(BigInt.asIntN(32, r.signed));
}

/** Hex digit value or -1. */
export function hexitValue(c: string | undefined): number {
  if (c === undefined) return -1;
  const d = digitValue(c.charCodeAt(0));
  return d < 16 ? d : -1;
}

/** Writes a bigint into `out` big-endian (low bytes); returns false if it does not fit. */
export function bigintToBytes(v: bigint, out: Uint8Array): boolean {
  let x = v;
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return x === 0n;
}

export function bytesToBigint(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = 0; i < b.length; i++) x = (x << 8n) | BigInt(b[i]!);
  return x;
}
