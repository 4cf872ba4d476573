/*
 * The Netdev interface: what a vport needs from a port I/O provider (OVS's netdev class).
 * No Node imports here: providers (dummy, pcap, af_packet, tap, tunnels) implement it in
 * files of their own and register by type name; the datapath imports only this file.
 */
import type { Packet } from '../packet/packet.js';

/** A batch of received packets (OVS's dp_packet_batch), reused between polls. */
export interface PacketBatch {
  readonly packets: Packet[];
  count: number;
}

export const NETDEV_MAX_BURST = 32;

export interface NetdevStats {
  rxPackets: number;
  rxBytes: number;
  rxErrors: number;
  rxDropped: number;
  txPackets: number;
  txBytes: number;
  txErrors: number;
  txDropped: number;
}

export function newNetdevStats(): NetdevStats {
  return { rxPackets: 0, rxBytes: 0, rxErrors: 0, rxDropped: 0, txPackets: 0, txBytes: 0, txErrors: 0, txDropped: 0 };
}

/** Called by a netdev with frames it received; the packets belong to the callee until it returns. */
export type ReceiveHandler = (batch: PacketBatch) => void;

export interface Netdev {
  readonly name: string;
  /** OVS type name: dummy, internal, system, tap, vxlan, geneve, stream, dgram, pcap, patch. */
  readonly type: string;
  /** Start delivering received frames to `handler` (null stops delivery). */
  setReceiveHandler(handler: ReceiveHandler | null): void;
  /**
   * Send a frame. The packet stays the caller's: a netdev that keeps it must copy it.
   * Returns false if the frame was dropped (counted in the netdev's tx_dropped).
   */
  send(packet: Packet): boolean;
  /** Link state as the netdev sees it. */
  isUp(): boolean;
  /** Hardware address as a 48-bit number (0 when none). */
  getMac(): number;
  getMtu(): number;
  /** Release OS resources (sockets, devices). */
  close(): void;
}

/** Construct a netdev of one type from its name and options (OVS's `options:*` column). */
export type NetdevFactory = (name: string, options: Readonly<Record<string, string>>) => Netdev;

const providers = new Map<string, NetdevFactory>();

export function registerNetdevType(type: string, factory: NetdevFactory): void {
  providers.set(type, factory);
}

export function netdevTypes(): string[] {
  return [...providers.keys()].sort();
}

export function openNetdev(type: string, name: string, options: Readonly<Record<string, string>> = {}): Netdev {
  const factory = providers.get(type);
  if (factory === undefined) {
    throw new Error(`${name}: unknown interface type '${type}' (known: ${netdevTypes().join(', ')})`);
  }
  return factory(name, options);
}
