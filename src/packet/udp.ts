/*
 * UDP header (RFC 768): offsets. A zero checksum over IPv4 means "no checksum".
 */

export const UDP_SRC_OFS = 0;
export const UDP_DST_OFS = 2;
export const UDP_LEN_OFS = 4;
export const UDP_CSUM_OFS = 6;
