/*
 * Ethernet II header: field offsets and small helpers. 802.3 frames (type/length < 0x600)
 * have no Ethertype; OVS gives them eth_type 0x05ff (ETH_TYPE_NONE).
 */

import { get16 } from './checksum.js';

export const ETH_DST_OFS = 0;
export const ETH_SRC_OFS = 6;
export const ETH_TYPE_OFS = 12;

export const ETH_BROADCAST = 0xffffffffffff;

/** The type/length field of the Ethernet header at `l2`. */
export function ethTypeField(buf: Uint8Array, l2: number): number {
  return get16(buf, l2 + ETH_TYPE_OFS);
}

/** True for a group (multicast or broadcast) MAC address given as a 48-bit number. */
export function isMulticastMac(mac: number): boolean {
  return (Math.floor(mac / 0x10000000000) & 1) === 1;
}

/** True for the broadcast MAC address. */
export function isBroadcastMac(mac: number): boolean {
  return mac === ETH_BROADCAST;
}
