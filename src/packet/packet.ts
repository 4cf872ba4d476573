/*
 * Packet: a frame in a reusable byte buffer with headroom, plus the metadata the datapath
 * carries beside it (OVS's dp_packet + pkt_metadata): input port, recirculation id, hash,
 * priority, mark, conntrack state and tunnel metadata, and the header offsets found by
 * flow extraction. Packets come from a PacketPool and go back to it; nothing on the hot
 * path allocates.
 */

/** Bytes kept free in front of the frame so push_vlan / push_mpls / encapsulation need no copy. */
export const DEFAULT_HEADROOM = 128;
/** Default buffer size: headroom + a jumbo-less Ethernet frame with room to grow. */
export const DEFAULT_BUFFER_SIZE = 2048 + DEFAULT_HEADROOM;

/** Tunnel metadata of a packet received on (or to be sent to) a tunnel port. */
export class TunnelMetadata {
  /** tun_id as two 32-bit halves (VNI for VXLAN/Geneve lives in the low 24 bits of lo). */
  idHi = 0;
  idLo = 0;
  /** IPv4 outer addresses (0 when unused). */
  ipv4Src = 0;
  ipv4Dst = 0;
  /** IPv6 outer addresses, 4 words each, network order, all zero when unused. */
  readonly ipv6Src = new Uint32Array(4);
  readonly ipv6Dst = new Uint32Array(4);
  tos = 0;
  ttl = 0;
  /** TUN_FLAG_* bits. */
  flags = 0;
  tpSrc = 0;
  tpDst = 0;
  gbpId = 0;
  gbpFlags = 0;
  /** Geneve options (TLVs as on the wire), length in optLen; carried, not matched. */
  get opts(): Uint8Array {
    // Allocated on first use: most packets never carry Geneve options.
    if (this.optBuf === null) this.optBuf = new Uint8Array(252);
    return this.optBuf;
  }
  private optBuf: Uint8Array | null = null;
  optLen = 0;

  /** True when any outer destination is set, i.e. the packet has tunnel metadata. */
  isSet(): boolean {
    return this.ipv4Dst !== 0 || (this.ipv6Dst[0]! | this.ipv6Dst[1]! | this.ipv6Dst[2]! | this.ipv6Dst[3]!) !== 0;
  }

  clear(): void {
    this.idHi = 0;
    this.idLo = 0;
    this.ipv4Src = 0;
    this.ipv4Dst = 0;
    this.ipv6Src.fill(0);
    this.ipv6Dst.fill(0);
    this.tos = 0;
    this.ttl = 0;
    this.flags = 0;
    this.tpSrc = 0;
    this.tpDst = 0;
    this.gbpId = 0;
    this.gbpFlags = 0;
    this.optLen = 0;
  }

  copyFrom(o: TunnelMetadata): void {
    this.idHi = o.idHi;
    this.idLo = o.idLo;
    this.ipv4Src = o.ipv4Src;
    this.ipv4Dst = o.ipv4Dst;
    this.ipv6Src.set(o.ipv6Src);
    this.ipv6Dst.set(o.ipv6Dst);
    this.tos = o.tos;
    this.ttl = o.ttl;
    this.flags = o.flags;
    this.tpSrc = o.tpSrc;
    this.tpDst = o.tpDst;
    this.gbpId = o.gbpId;
    this.gbpFlags = o.gbpFlags;
    this.optLen = o.optLen;
    if (o.optLen > 0) this.opts.set(o.opts.subarray(0, o.optLen));
  }
}

export class Packet {
  /** Backing storage. The frame is buf[start, start + len). */
  buf: Uint8Array;
  start: number;
  len: number;

  // --- metadata (OVS pkt_metadata) ---
  inPort = 0;
  recircId = 0;
  dpHash = 0;
  skbPriority = 0;
  pktMark = 0;
  ctState = 0;
  ctZone = 0;
  ctMark = 0;
  readonly ctLabel = new Uint32Array(4);
  readonly tunnel = new TunnelMetadata();

  // --- offsets relative to start, filled by extract(); -1 when absent ---
  /** Start of the MPLS label stack (after Ethernet + VLAN tags). */
  l2_5Ofs = -1;
  /** Start of the network header. */
  l3Ofs = -1;
  /** Start of the transport header. */
  l4Ofs = -1;

  constructor(size: number = DEFAULT_BUFFER_SIZE, headroom: number = DEFAULT_HEADROOM) {
    this.buf = new Uint8Array(size);
    this.start = headroom;
    this.len = 0;
  }

  /** A packet holding a copy of `frame` (allocates: for tests, tools and the slow path). */
  static from(frame: Uint8Array, headroom: number = DEFAULT_HEADROOM): Packet {
    const p = new Packet(Math.max(DEFAULT_BUFFER_SIZE, frame.length + headroom * 2), headroom);
    p.buf.set(frame, headroom);
    p.len = frame.length;
    return p;
  }

  /** The frame as a view (allocates a view object: not for the hot path). */
  bytes(): Uint8Array {
    return this.buf.subarray(this.start, this.start + this.len);
  }

  /** Replace the frame with a copy of `frame`, resetting metadata. Returns false if it does not fit. */
  load(frame: Uint8Array, headroom: number = DEFAULT_HEADROOM): boolean {
    if (frame.length + headroom > this.buf.length) return false;
    this.start = headroom;
    this.buf.set(frame, headroom);
    this.len = frame.length;
    this.resetMetadata();
    return true;
  }

  resetMetadata(): void {
    this.inPort = 0;
    this.recircId = 0;
    this.dpHash = 0;
    this.skbPriority = 0;
    this.pktMark = 0;
    this.ctState = 0;
    this.ctZone = 0;
    this.ctMark = 0;
    this.ctLabel.fill(0);
    this.tunnel.clear();
    this.l2_5Ofs = -1;
    this.l3Ofs = -1;
    this.l4Ofs = -1;
  }

  /**
   * Open `n` bytes in front of the frame (for a pushed header). Moves the frame if the
   * headroom is used up; returns false only if the buffer cannot hold the result.
   */
  pushHead(n: number): boolean {
    if (this.start < n) {
      if (this.len + n > this.buf.length) return false;
      const newStart = Math.min(DEFAULT_HEADROOM, this.buf.length - this.len - n) + n;
      this.buf.copyWithin(newStart, this.start, this.start + this.len);
      this.start = newStart;
    }
    this.start -= n;
    this.len += n;
    return true;
  }

  /** Drop `n` bytes from the front of the frame. */
  pullHead(n: number): void {
    this.start += n;
    this.len -= n;
  }

  /**
   * Insert `n` bytes at offset `at` of the frame (e.g. a VLAN tag after the MAC addresses)
   * by moving the bytes before `at` to the front. Returns false if it does not fit.
   */
  insertAt(at: number, n: number): boolean {
    if (!this.pushHead(n)) return false;
    const b = this.buf;
    const s = this.start;
    b.copyWithin(s, s + n, s + n + at);
    return true;
  }

  /** Remove `n` bytes at offset `at` of the frame by moving the bytes before it up. */
  removeAt(at: number, n: number): void {
    const s = this.start;
    this.buf.copyWithin(s + n, s, s + at);
    this.pullHead(n);
  }

  /** Copy frame and metadata into `dst` (used by clone/sample/multiple outputs with changes). */
  copyTo(dst: Packet): boolean {
    if (dst.buf.length === this.buf.length && this.len > 256) {
      // Same-size buffers (the pool's case): one whole-buffer copy, no view object.
      dst.buf.set(this.buf);
      dst.start = this.start;
    } else {
      if (this.len + DEFAULT_HEADROOM > dst.buf.length) return false;
      dst.start = DEFAULT_HEADROOM;
      copyBytes(this.buf, this.start, dst.buf, dst.start, this.len);
    }
    dst.len = this.len;
    dst.inPort = this.inPort;
    dst.recircId = this.recircId;
    dst.dpHash = this.dpHash;
    dst.skbPriority = this.skbPriority;
    dst.pktMark = this.pktMark;
    dst.ctState = this.ctState;
    dst.ctZone = this.ctZone;
    dst.ctMark = this.ctMark;
    dst.ctLabel.set(this.ctLabel);
    dst.tunnel.copyFrom(this.tunnel);
    dst.l2_5Ofs = this.l2_5Ofs;
    dst.l3Ofs = this.l3Ofs;
    dst.l4Ofs = this.l4Ofs;
    return true;
  }
}

/**
 * Copy n bytes between buffers. Small copies use a loop because subarray() allocates a view
 * object; large ones are worth the view for the native memcpy.
 */
export function copyBytes(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, n: number): void {
  if (n <= 256) {
    for (let i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i]!;
  } else {
    dst.set(src.subarray(srcOff, srcOff + n), dstOff);
  }
}

/** A free list of Packets of one buffer size. */
export class PacketPool {
  private readonly free: Packet[] = [];
  constructor(
    private readonly bufferSize: number = DEFAULT_BUFFER_SIZE,
    prealloc = 0,
  ) {
    for (let i = 0; i < prealloc; i++) this.free.push(new Packet(bufferSize));
  }

  get available(): number {
    return this.free.length;
  }

  alloc(): Packet {
    const p = this.free.pop();
    if (p !== undefined) return p;
    return new Packet(this.bufferSize);
  }

  release(p: Packet): void {
    p.resetMetadata();
    p.start = DEFAULT_HEADROOM;
    p.len = 0;
    this.free.push(p);
  }
}
