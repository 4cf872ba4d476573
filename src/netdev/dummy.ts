/*
 * The `dummy` netdev (and the in-memory `internal` port of a dummy bridge): frames are
 * injected by code (tests, the demo, `netdev-dummy/receive`) and what the switch sends is
 * collected in memory, as OVS's netdev-dummy does. No OS resources.
 */
import type { Packet } from '../packet/packet.js';
import { newNetdevStats, registerNetdevType, type Netdev, type NetdevStats, type PacketBatch, type ReceiveHandler } from './netdev.js';
import { RxBatcher } from './rx-batcher.js';

export interface DummyOptions {
  /** Keep copies of sent frames in `sent` (default true). Benchmarks turn it off. */
  capture?: boolean;
  /** At most this many captured frames are kept (oldest dropped first). */
  captureLimit?: number;
  mac?: number;
  mtu?: number;
}

export class DummyNetdev implements Netdev {
  readonly stats: NetdevStats = newNetdevStats();
  /** Copies of the frames the switch sent out of this port, oldest first. */
  readonly sent: Uint8Array[] = [];
  /** Called with each frame sent (a view valid only during the call). */
  onSend: ((frame: Uint8Array) => void) | null = null;
  private up = true;
  private readonly capture: boolean;
  private readonly captureLimit: number;
  private readonly mac: number;
  private readonly mtu: number;
  private readonly rx = new RxBatcher(this.stats);

  constructor(
    readonly name: string,
    readonly type: string = 'dummy',
    opts: DummyOptions = {},
  ) {
    this.capture = opts.capture ?? true;
    this.captureLimit = opts.captureLimit ?? 4096;
    this.mac = opts.mac ?? 0;
    this.mtu = opts.mtu ?? 1500;
  }

  setReceiveHandler(handler: ReceiveHandler | null): void {
    this.rx.handler = handler;
  }

  /** Inject one frame as if it arrived on the wire. Returns false when no datapath listens or the link is down. */
  receive(frame: Uint8Array): boolean {
    return this.receiveMany([frame]) === 1;
  }

  /** Inject frames in bursts of up to NETDEV_MAX_BURST; returns how many were delivered. */
  receiveMany(frames: readonly Uint8Array[]): number {
    if (!this.up) {
      this.stats.rxDropped += frames.length;
      return 0;
    }
    return this.rx.deliver(frames, 0, frames.length);
  }

  /**
   * Deliver an already-filled batch (benchmarks reuse packets without copying).
   * The handler may modify the packets; the caller reloads them if it needs them again.
   */
  receiveBatch(batch: PacketBatch): void {
    const h = this.rx.handler;
    if (h === null || !this.up) {
      this.stats.rxDropped += batch.count;
      return;
    }
    for (let i = 0; i < batch.count; i++) {
      this.stats.rxPackets++;
      this.stats.rxBytes += batch.packets[i]!.len;
    }
    h(batch);
  }

  send(packet: Packet): boolean {
    if (!this.up) {
      this.stats.txDropped++;
      return false;
    }
    this.stats.txPackets++;
    this.stats.txBytes += packet.len;
    if (this.capture) {
      if (this.sent.length >= this.captureLimit) this.sent.shift();
      this.sent.push(packet.buf.slice(packet.start, packet.start + packet.len));
    }
    if (this.onSend !== null) this.onSend(packet.buf.subarray(packet.start, packet.start + packet.len));
    return true;
  }

  /** Take and clear the captured frames. */
  takeSent(): Uint8Array[] {
    return this.sent.splice(0, this.sent.length);
  }

  setUp(up: boolean): void {
    this.up = up;
  }

  isUp(): boolean {
    return this.up;
  }

  getMac(): number {
    return this.mac;
  }

  getMtu(): number {
    return this.mtu;
  }

  close(): void {
    this.rx.handler = null;
  }
}

registerNetdevType('dummy', (name, options) => new DummyNetdev(name, 'dummy', dummyOptions(options)));

function dummyOptions(options: Readonly<Record<string, string>>): DummyOptions {
  const o: DummyOptions = {};
  if (options['capture'] === 'false') o.capture = false;
  return o;
}
