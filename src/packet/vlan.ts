/*
 * 802.1Q / 802.1ad VLAN tags: 2-byte TPID then the 2-byte TCI (PCP:3, DEI:1, VID:12).
 */

import { ETH_TYPE_VLAN, ETH_TYPE_VLAN_8021AD } from './constants.js';

export const VLAN_TPID_OFS = 0;
export const VLAN_TCI_OFS = 2;

export const VLAN_VID_MASK = 0x0fff;
export const VLAN_PCP_MASK = 0xe000;
export const VLAN_PCP_SHIFT = 13;
/** Drop eligible indicator (the old CFI bit). In OVS's flow key this bit means "tag present". */
export const VLAN_DEI = 0x1000;

/** True for the TPIDs that introduce a VLAN tag (0x8100 and 0x88a8). */
export function isVlanTpid(t: number): boolean {
  return t === ETH_TYPE_VLAN || t === ETH_TYPE_VLAN_8021AD;
}

export function makeTci(vid: number, pcp = 0, dei = false): number {
  return ((pcp & 7) << VLAN_PCP_SHIFT) | (dei ? VLAN_DEI : 0) | (vid & VLAN_VID_MASK);
}

export function tciVid(tci: number): number {
  return tci & VLAN_VID_MASK;
}

export function tciPcp(tci: number): number {
  return (tci >>> VLAN_PCP_SHIFT) & 7;
}

export function tciDei(tci: number): boolean {
  return (tci & VLAN_DEI) !== 0;
}
