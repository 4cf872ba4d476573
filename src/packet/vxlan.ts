/*
 * VXLAN header (RFC 7348), with the Group Based Policy extension bits OVS supports:
 * flags(1) [G: gbp flags(1) policy id(2) | reserved(3)] VNI(3) reserved(1).
 */

import { get16, put16 } from './checksum.js';

export const VXLAN_FLAGS_OFS = 0;
export const VXLAN_GBP_FLAGS_OFS = 1;
export const VXLAN_GBP_ID_OFS = 2;
export const VXLAN_VNI_OFS = 4;

/** I flag: the VNI is valid. */
export const VXLAN_FLAG_VNI = 0x08;
/** G flag: group based policy extension present. */
export const VXLAN_FLAG_GBP = 0x80;

export function vxlanVni(buf: Uint8Array, ofs: number): number {
  return (buf[ofs + 4]! << 16) | (buf[ofs + 5]! << 8) | buf[ofs + 6]!;
}

export function vxlanGbpId(buf: Uint8Array, ofs: number): number {
  return get16(buf, ofs + VXLAN_GBP_ID_OFS);
}

/** Write an 8-byte VXLAN header; a non-zero gbpId/gbpFlags sets the G flag. */
export function writeVxlan(buf: Uint8Array, ofs: number, vni: number, gbpId = 0, gbpFlags = 0): void {
  const gbp = gbpId !== 0 || gbpFlags !== 0;
  buf[ofs] = VXLAN_FLAG_VNI | (gbp ? VXLAN_FLAG_GBP : 0);
  buf[ofs + 1] = gbp ? gbpFlags & 0xff : 0;
  put16(buf, ofs + 2, gbp ? gbpId : 0);
  buf[ofs + 4] = (vni >>> 16) & 0xff;
  buf[ofs + 5] = (vni >>> 8) & 0xff;
  buf[ofs + 6] = vni & 0xff;
  buf[ofs + 7] = 0;
}
