/*
 * The common half of the native-backed providers (system, tap, internal, unix dgram): a
 * receive ring of 32 slots in JS memory that the addon fills with recvmmsg (one Packet per
 * slot, reused: nothing is allocated per frame), a transmit ring that send() copies frames
 * into and that goes out with one sendmmsg per burst (at 32 frames, or in a microtask after
 * the burst that queued them), readiness through libuv, and the stats.
 *
 * Subclasses open the handle and decide when the link is up; for a handle on a network
 * device (system, tap, internal) attachDevice() and watchDevice() do the common part.
 */
import { DEFAULT_BUFFER_SIZE, DEFAULT_HEADROOM, Packet } from '../packet/packet.js';
import type { StatsSource } from './link-state.js';
import { watchLink, type LinkListener } from './link-monitor.js';
import { IFF_RUNNING, IFF_UP, loadNative, type NativeAddon, type NativeHandle } from './native.js';
import { NetdevBase } from './netdev-base.js';
import { NETDEV_MAX_BURST, newNetdevStats, type NetdevStats, type PacketBatch, type ReceiveHandler } from './netdev.js';

/** Bursts read per readable event before yielding to the event loop (fairness between ports). */
const MAX_ROUNDS = 8;
const ENETDOWN = 100;
const ENXIO = 6;
const ENODEV = 19;
const EBADFD = 77;

/** Ring slot size for frames up to `mtu` bytes of payload (plus Ethernet, two VLAN tags and headroom). */
export function slotSizeFor(mtu: number): number {
  const need = DEFAULT_HEADROOM + mtu + 14 + 8 + 64;
  return Math.max(DEFAULT_BUFFER_SIZE, (need + 63) & ~63);
}

/** Whether a device with these IFF_* flags passes traffic (admin up and carrier). */
export function linkRunning(flags: number): boolean {
  return (flags & (IFF_UP | IFF_RUNNING)) === (IFF_UP | IFF_RUNNING);
}

export abstract class FdNetdev extends NetdevBase implements StatsSource {
  protected readonly addon: NativeAddon;
  protected h: NativeHandle | null = null;
  /** The device's interface index as of attachDevice() (0 for handles on no device). */
  protected ifindex = 0;
  private unwatch: (() => void) | null = null;
  private handler: ReceiveHandler | null = null;
  private readonly ring: Uint8Array;
  private readonly meta: Int32Array;
  private readonly txRing: Uint8Array;
  private readonly txLen: Int32Array;
  private txCount = 0;
  private readonly slots: Uint8Array[] = [];
  private readonly packets: Packet[] = [];
  private readonly batch: PacketBatch = { packets: [], count: 0 };
  private readonly nstats = new Float64Array(8);
  /** Counters of handles closed earlier (a device that vanished and came back). */
  private readonly base = new Float64Array(8);
  private jsTxDropped = 0;
  private jsTxErrors = 0;
  private flushScheduled = false;
  private readonly flushFn: () => void;
  private readonly readableFn: (status: number) => void;

  protected constructor(
    name: string,
    type: string,
    protected readonly slotSize: number = DEFAULT_BUFFER_SIZE,
  ) {
    super(name, type);
    this.addon = loadNative();
    this.ring = new Uint8Array(slotSize * NETDEV_MAX_BURST);
    this.meta = new Int32Array(NETDEV_MAX_BURST * 2);
    this.txRing = new Uint8Array(slotSize * NETDEV_MAX_BURST);
    this.txLen = new Int32Array(NETDEV_MAX_BURST);
    for (let i = 0; i < NETDEV_MAX_BURST; i++) {
      const view = this.ring.subarray(i * slotSize, (i + 1) * slotSize);
      this.slots.push(view);
      const p = new Packet(0, 0);
      p.buf = view;
      p.start = DEFAULT_HEADROOM;
      this.packets.push(p);
    }
    this.flushFn = () => this.flushNow();
    this.readableFn = (status) => this.onReadable(status);
  }

  // --- handle life cycle (for subclasses) -------------------------------------------

  /** Starts using `h` (ring registered, polling if a handler is set). */
  protected attach(h: NativeHandle): void {
    this.addon.setRing(h, this.ring, this.meta, this.txRing, this.txLen, this.slotSize, DEFAULT_HEADROOM, NETDEV_MAX_BURST);
    this.h = h;
    if (this.handler !== null) this.addon.startPoll(h, this.readableFn);
  }

  /** Stops using the handle (its counters are kept) and closes it. */
  protected detach(): void {
    const h = this.h;
    if (h === null) return;
    this.h = null;
    this.addon.stopPoll(h);
    this.addon.flush(h, this.txCount);
    this.txCount = 0;
    this.addon.stats(h, this.nstats);
    for (let i = 0; i < 8; i++) this.base[i]! += this.nstats[i]!;
    this.addon.close(h);
  }

  /** attach() for a handle on a network device: its ifindex, and the link as its flags say. */
  protected attachDevice(h: NativeHandle): void {
    this.attach(h);
    const info = this.addon.info(h);
    this.ifindex = info?.ifindex ?? 0;
    this.setLinkUp(info !== null && linkRunning(info.flags));
  }

  /** Hands the device's link messages (netns, this port's name) to `listener` until close(). */
  protected watchDevice(netns: string, listener: LinkListener): void {
    this.unwatch = watchLink(netns, this.name, listener);
  }

  /** The device went away under the socket (recv reported ENODEV/ENXIO/EBADFD, or the link monitor). */
  protected deviceGone(): void {
    this.detach();
    this.setLinkUp(false);
  }

  // --- Netdev -----------------------------------------------------------------

  setReceiveHandler(handler: ReceiveHandler | null): void {
    this.handler = handler;
    const h = this.h;
    if (h === null) return;
    if (handler !== null) this.addon.startPoll(h, this.readableFn);
    else this.addon.stopPoll(h);
  }

  private onReadable(status: number): void {
    const h = this.h;
    if (h === null) return;
    this.drain(h);
    // libuv stops polling after POLLERR; the error was read by recv(), so poll again.
    if (status < 0 && this.h === h && this.handler !== null) this.addon.startPoll(h, this.readableFn);
  }

  private drain(h: NativeHandle): void {
    const addon = this.addon;
    const meta = this.meta;
    const packets = this.packets;
    const slots = this.slots;
    const b = this.batch;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const n = addon.recv(h);
      if (n <= 0) {
        if (n < 0) this.recvError(-n);
        return;
      }
      let count = 0;
      for (let i = 0; i < n; i++) {
        const len = meta[2 * i + 1]!;
        if (len < 0) continue;
        const p = packets[i]!;
        if (p.buf !== slots[i]) p.buf = slots[i]!;
        p.start = meta[2 * i]!;
        p.len = len;
        p.resetMetadata();
        b.packets[count++] = p;
      }
      b.count = count;
      const handler = this.handler;
      if (count > 0 && handler !== null) handler(b);
      if (this.h !== h) return; // closed or reopened by the handler
      if (n < NETDEV_MAX_BURST) return;
    }
  }

  private recvError(errno: number): void {
    // ENETDOWN is reported when the device goes admin down (and when it is deleted, which the
    // link monitor reports on its own): the socket works again once the device is up, so only
    // the link state changes. Closing it here would make the port reopen, and so bring up, a
    // device an administrator just took down.
    if (errno === ENETDOWN) this.setLinkUp(false);
    else if (errno === ENODEV || errno === ENXIO || errno === EBADFD) this.deviceGone();
  }

  send(packet: Packet): boolean {
    const h = this.h;
    if (h === null) {
      this.jsTxDropped++;
      return false;
    }
    const len = packet.len;
    if (len > this.slotSize) {
      this.jsTxErrors++;
      return false;
    }
    const k = this.txCount;
    const dst = this.txRing;
    const d = k * this.slotSize;
    const src = packet.buf;
    const s = packet.start;
    if (len <= 128) {
      for (let i = 0; i < len; i++) dst[d + i] = src[s + i]!;
    } else {
      dst.set(src.subarray(s, s + len), d);
    }
    this.txLen[k] = len;
    this.txCount = k + 1;
    if (k + 1 === NETDEV_MAX_BURST) this.flushNow();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushFn);
    }
    return true;
  }

  /** Sends whatever is queued now (send() batches until the end of the current burst). */
  flushNow(): void {
    this.flushScheduled = false;
    const n = this.txCount;
    if (n === 0) return;
    this.txCount = 0;
    const h = this.h;
    if (h !== null) this.addon.flush(h, n);
  }

  getMac(): number {
    const h = this.h;
    if (h === null) return 0;
    return this.addon.info(h)?.mac ?? 0;
  }

  getMtu(): number {
    const h = this.h;
    if (h === null) return 1500;
    return this.addon.info(h)?.mtu ?? 1500;
  }

  getStats(): NetdevStats {
    const s = this.nstats;
    if (this.h !== null) this.addon.stats(this.h, s);
    else s.fill(0);
    const b = this.base;
    const out = newNetdevStats();
    out.rxPackets = b[0]! + s[0]!;
    out.rxBytes = b[1]! + s[1]!;
    out.rxErrors = b[2]! + s[2]!;
    out.rxDropped = b[3]! + s[3]!;
    out.txPackets = b[4]! + s[4]!;
    out.txBytes = b[5]! + s[5]!;
    out.txErrors = b[6]! + s[6]! + this.jsTxErrors;
    out.txDropped = b[7]! + s[7]! + this.jsTxDropped;
    return out;
  }

  close(): void {
    if (this.unwatch !== null) this.unwatch();
    this.unwatch = null;
    if (!this.markClosed()) return;
    this.handler = null;
    this.detach();
  }
}
