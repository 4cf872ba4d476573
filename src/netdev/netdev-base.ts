/*
 * What the providers have in common, written once. NetdevBase: name and type, the link
 * state with its change callback (LinkChangeSource), the closed flag. SoftNetdev adds what
 * every port without hardware shares (stream, dgram over UDP, vxlan, geneve, pcap): no MAC,
 * MTU 1500, counters kept in JS, received frames batched by an RxBatcher.
 * The per-packet paths (send, receive) stay in the providers.
 */
import type { Packet } from '../packet/packet.js';
import type { LinkChangeCallback, LinkChangeSource, StatsSource } from './link-state.js';
import { newNetdevStats, type Netdev, type NetdevStats, type ReceiveHandler } from './netdev.js';
import { RxBatcher } from './rx-batcher.js';

export abstract class NetdevBase implements Netdev, LinkChangeSource {
  onLinkChange: LinkChangeCallback | null = null;
  protected closed = false;
  private up = false;

  protected constructor(
    readonly name: string,
    readonly type: string,
  ) {}

  abstract setReceiveHandler(handler: ReceiveHandler | null): void;
  abstract send(packet: Packet): boolean;
  abstract getMac(): number;
  abstract getMtu(): number;
  abstract close(): void;

  isUp(): boolean {
    return this.up;
  }

  /** Records the link state and tells the listener when it changed (nothing once closed). */
  protected setLinkUp(up: boolean): void {
    if (up === this.up || this.closed) return;
    this.up = up;
    const cb = this.onLinkChange;
    if (cb !== null) cb(up, this);
  }

  /** Marks the port closed, link down without telling anyone; false if it already was. */
  protected markClosed(): boolean {
    if (this.closed) return false;
    this.closed = true;
    this.up = false;
    return true;
  }
}

export abstract class SoftNetdev extends NetdevBase implements StatsSource {
  readonly stats: NetdevStats = newNetdevStats();
  protected readonly rx: RxBatcher;

  protected constructor(name: string, type: string, rxBufferSize?: number) {
    super(name, type);
    this.rx = new RxBatcher(this.stats, rxBufferSize);
  }

  setReceiveHandler(handler: ReceiveHandler | null): void {
    this.rx.handler = handler;
  }

  getMac(): number {
    return 0;
  }

  getMtu(): number {
    return 1500;
  }

  getStats(): NetdevStats {
    return { ...this.stats };
  }

  /** Marks the port closed and stops delivery; false if it already was closed. */
  protected override markClosed(): boolean {
    if (!super.markClosed()) return false;
    this.rx.handler = null;
    return true;
  }
}
