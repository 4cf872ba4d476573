/*
 * ARP for Ethernet/IPv4 (RFC 826): field offsets within the 28-byte packet.
 */

export const ARP_HTYPE_OFS = 0;
export const ARP_PTYPE_OFS = 2;
export const ARP_HLEN_OFS = 4;
export const ARP_PLEN_OFS = 5;
export const ARP_OP_OFS = 6;
export const ARP_SHA_OFS = 8;
export const ARP_SPA_OFS = 14;
export const ARP_THA_OFS = 18;
export const ARP_TPA_OFS = 24;

/** True when the ARP header at `ofs` is Ethernet/IPv4 (the only kind OVS extracts addresses from). */
export function isArpEthIpv4(buf: Uint8Array, ofs: number): boolean {
  return buf[ofs] === 0 && buf[ofs + 1] === 1 && buf[ofs + 2] === 0x08 && buf[ofs + 3] === 0 &&
    buf[ofs + 4] === 6 && buf[ofs + 5] === 4;
}
