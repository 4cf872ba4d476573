/*
 * Big-endian byte reading and writing for the OpenFlow codec: a bounds-checked Reader over a
 * Uint8Array window and a growable Writer. A Reader that runs past its end throws OfpFail
 * with the error code it was created with (OFPBRC_BAD_LEN for message bodies, OFPBMC_BAD_LEN
 * for matches, ...), so each layer reports the error OVS would for a truncation there.
 * OfpFail is internal: decodeMessage() catches it and returns an OfDecodeError.
 */

/** Internal failure carrying an OpenFlow error name (e.g. "OFPBRC_BAD_LEN"). */
export class OfpFail extends Error {
  constructor(
    readonly code: string,
    readonly detail: string = code,
  ) {
    super(detail);
  }
}

export function fail(code: string, detail?: string): never {
  throw new OfpFail(code, detail ?? code);
}

export class Reader {
  pos: number;
  readonly end: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
    /** Error thrown when a read runs past `end`. */
    readonly lenError = 'OFPBRC_BAD_LEN',
  ) {
    this.pos = start;
    this.end = end;
  }

  get left(): number {
    return this.end - this.pos;
  }

  need(n: number, code = this.lenError): void {
    if (n < 0 || this.pos + n > this.end) fail(code, `need ${n} bytes at offset ${this.pos}, have ${this.end - this.pos}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const b = this.buf;
    const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  u64(): bigint {
    const hi = this.u32();
    const lo = this.u32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A copy of the next n bytes. */
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** Skips n bytes that must be zero; returns false (and still skips) if some are not. */
  zeros(n: number): boolean {
    this.need(n);
    let ok = true;
    for (let i = 0; i < n; i++) if (this.buf[this.pos + i] !== 0) ok = false;
    this.pos += n;
    return ok;
  }

  /** A sub-reader over the next n bytes (consumed from this one). */
  sub(n: number, lenError = this.lenError, needCode = this.lenError): Reader {
    this.need(n, needCode);
    const r = new Reader(this.buf, this.pos, this.pos + n, lenError);
    this.pos += n;
    return r;
  }

  /** A fixed-width NUL-padded string (OVS ovs_strlcpy semantics on decode). */
  str(n: number): string {
    const b = this.bytes(n);
    let e = 0;
    while (e < n && b[e] !== 0) e++;
    let s = '';
    for (let i = 0; i < e; i++) s += String.fromCharCode(b[i]!);
    return s;
  }

  /** 6-byte MAC as a number. */
  mac(): number {
    const hi = this.u16();
    const lo = this.u32();
    return hi * 0x100000000 + lo;
  }

  peek16(ofs = 0): number {
    this.need(ofs + 2);
    return (this.buf[this.pos + ofs]! << 8) | this.buf[this.pos + ofs + 1]!;
  }

  peek32(ofs = 0): number {
    this.need(ofs + 4);
    const b = this.buf;
    const p = this.pos + ofs;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }
}

export class Writer {
  buf: Uint8Array;
  len = 0;
  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }

  u8(v: number): this {
    this.grow(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.grow(2);
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.grow(4);
    const b = this.buf;
    b[this.len++] = (v >>> 24) & 0xff;
    b[this.len++] = (v >>> 16) & 0xff;
    b[this.len++] = (v >>> 8) & 0xff;
    b[this.len++] = v & 0xff;
    return this;
  }

  u64(v: bigint): this {
    const x = BigInt.asUintN(64, v);
    this.u32(Number(x >> 32n));
    return this.u32(Number(x & 0xffffffffn));
  }

  bytes(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  zeros(n: number): this {
    this.grow(n);
    this.buf.fill(0, this.len, this.len + n);
    this.len += n;
    return this;
  }

  /** Pads with zeros to a multiple of `align` counted from `start`. */
  pad(align: number, start = 0): this {
    const r = (this.len - start) % align;
    return r ? this.zeros(align - r) : this;
  }

  /** A fixed-width NUL-padded string field (truncated to n - 1 characters, as OVS's ovs_strzcpy). */
  str(s: string, n: number): this {
    const m = Math.min(s.length, n - 1);
    for (let i = 0; i < m; i++) this.u8(s.charCodeAt(i));
    return this.zeros(n - m);
  }

  mac(mac: number): this {
    this.u16(Math.floor(mac / 0x100000000) & 0xffff);
    return this.u32(mac >>> 0);
  }

  set16(at: number, v: number): void {
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
  }

  set32(at: number, v: number): void {
    this.buf[at] = (v >>> 24) & 0xff;
    this.buf[at + 1] = (v >>> 16) & 0xff;
    this.buf[at + 2] = (v >>> 8) & 0xff;
    this.buf[at + 3] = v & 0xff;
  }

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export function isAllZero(b: Uint8Array, start = 0, end = b.length): boolean {
  for (let i = start; i < end; i++) if (b[i] !== 0) return false;
  return true;
}

export function roundUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
