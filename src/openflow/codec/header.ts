/*
 * OpenFlow header access and the stream framer for a TCP byte stream: push() bytes as they
 * arrive, next() pops whole messages (copies), in order. A header claiming fewer than 8
 * bytes cannot be framed (OVS's vconn-stream drops the connection: "received too-short
 * ofp_header"); the framer then reports that error once and stays failed.
 */

import { OFP_HEADER_LEN } from './constants.js';

export interface OfHeader {
  readonly version: number;
  readonly type: number;
  readonly length: number;
  readonly xid: number;
}

export function parseHeader(b: Uint8Array, ofs = 0): OfHeader | null {
  if (b.length - ofs < OFP_HEADER_LEN) return null;
  return {
    version: b[ofs]!,
    type: b[ofs + 1]!,
    length: (b[ofs + 2]! << 8) | b[ofs + 3]!,
    xid: ((b[ofs + 4]! << 24) | (b[ofs + 5]! << 16) | (b[ofs + 6]! << 8) | b[ofs + 7]!) >>> 0,
  };
}

export interface OfFramerError {
  readonly error: 'OFPBRC_BAD_LEN';
  readonly detail: string;
}

export class OfFramer {
  private buf = new Uint8Array(4096);
  private start = 0;
  private end = 0;
  private failed: OfFramerError | null = null;
  private reported = false;

  /** Appends received bytes. */
  push(chunk: Uint8Array): void {
    if (this.failed || chunk.length === 0) return;
    if (this.end + chunk.length > this.buf.length) {
      const live = this.end - this.start;
      if (live + chunk.length <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        let cap = this.buf.length * 2;
        while (cap < live + chunk.length) cap *= 2;
        const nb = new Uint8Array(cap);
        nb.set(this.buf.subarray(this.start, this.end));
        this.buf = nb;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /**
   * The next whole message, or null if more bytes are needed, or (once) an error when the
   * stream cannot be framed; after an error it returns null forever.
   */
  next(): Uint8Array | OfFramerError | null {
    if (this.failed) {
      if (this.reported) return null;
      this.reported = true;
      return this.failed;
    }
    const avail = this.end - this.start;
    if (avail < OFP_HEADER_LEN) return null;
    const len = (this.buf[this.start + 2]! << 8) | this.buf[this.start + 3]!;
    if (len < OFP_HEADER_LEN) {
      this.failed = { error: 'OFPBRC_BAD_LEN', detail: `received too-short ofp_header (${len} bytes)` };
      this.reported = true;
      return this.failed;
    }
    if (avail < len) return null;
    const msg = this.buf.slice(this.start, this.start + len);
    this.start += len;
    if (this.start === this.end) this.start = this.end = 0;
    return msg;
  }

  /** Bytes received but not yet returned as messages. */
  get buffered(): number {
    return this.end - this.start;
  }

  get error(): OfFramerError | null {
    return this.failed;
  }
}

export function isFramerError(x: Uint8Array | OfFramerError | null): x is OfFramerError {
  return x !== null && !(x instanceof Uint8Array);
}
