/*
 * Classic pcap files (not pcapng): the 24-byte file header and 16-byte record headers,
 * read in either byte order with micro- or nanosecond timestamps, written as OVS writes
 * them (magic 0xa1b2c3d4 in little-endian, version 2.4, Ethernet link type). Pure
 * functions over Uint8Array; file I/O is in pcap.ts.
 */

export const PCAP_HEADER_LEN = 24;
export const PCAP_RECORD_HEADER_LEN = 16;
export const PCAP_LINKTYPE_ETHERNET = 1;
/** Larger than any frame tsovs carries, so nothing is cut (OVS writes 1518). */
export const PCAP_SNAPLEN = 262144;

export interface PcapRecord {
  /** Timestamp in microseconds since the epoch. */
  tsUs: number;
  /** The captured bytes (a view into the file buffer). */
  data: Uint8Array;
  /** Length of the frame on the wire. */
  origLen: number;
}

export function pcapFileHeader(): Uint8Array {
  const h = new Uint8Array(PCAP_HEADER_LEN);
  const v = new DataView(h.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setInt32(8, 0, true);
  v.setUint32(12, 0, true);
  v.setUint32(16, PCAP_SNAPLEN, true);
  v.setUint32(20, PCAP_LINKTYPE_ETHERNET, true);
  return h;
}

/** Writes a record header for a `len`-byte frame at `out[ofs]`. */
export function writePcapRecordHeader(out: Uint8Array, ofs: number, tsUs: number, len: number): void {
  const v = new DataView(out.buffer, out.byteOffset + ofs, PCAP_RECORD_HEADER_LEN);
  const sec = Math.floor(tsUs / 1e6);
  v.setUint32(0, sec >>> 0, true);
  v.setUint32(4, Math.floor(tsUs - sec * 1e6), true);
  v.setUint32(8, len, true);
  v.setUint32(12, len, true);
}

interface Layout {
  little: boolean;
  nanos: boolean;
}

function layoutOf(file: Uint8Array, what: string): Layout {
  if (file.length < PCAP_HEADER_LEN) throw new Error(`${what}: not a pcap file (only ${file.length} bytes)`);
  const v = new DataView(file.buffer, file.byteOffset, file.length);
  const le = v.getUint32(0, true);
  const be = v.getUint32(0, false);
  let lay: Layout;
  if (le === 0xa1b2c3d4) lay = { little: true, nanos: false };
  else if (be === 0xa1b2c3d4) lay = { little: false, nanos: false };
  else if (le === 0xa1b23c4d) lay = { little: true, nanos: true };
  else if (be === 0xa1b23c4d) lay = { little: false, nanos: true };
  else if (be === 0x0a0d0d0a) throw new Error(`${what}: pcapng is not supported, convert it with 'editcap -F pcap'`);
  else throw new Error(`${what}: bad pcap magic 0x${be.toString(16).padStart(8, '0')}`);
  const link = v.getUint32(20, lay.little);
  if (link !== PCAP_LINKTYPE_ETHERNET) throw new Error(`${what}: link type ${link} is not Ethernet (1)`);
  return lay;
}

/** Checks a file header; throws with a clear message when it is not an Ethernet pcap. */
export function checkPcapHeader(file: Uint8Array, what: string): void {
  layoutOf(file, what);
}

/** Every record of a pcap file, in order. A truncated last record is an error. */
export function parsePcap(file: Uint8Array, what = 'pcap'): PcapRecord[] {
  const lay = layoutOf(file, what);
  const v = new DataView(file.buffer, file.byteOffset, file.length);
  const out: PcapRecord[] = [];
  let ofs = PCAP_HEADER_LEN;
  while (ofs < file.length) {
    if (ofs + PCAP_RECORD_HEADER_LEN > file.length) throw new Error(`${what}: truncated record header at byte ${ofs}`);
    const sec = v.getUint32(ofs, lay.little);
    const frac = v.getUint32(ofs + 4, lay.little);
    const incl = v.getUint32(ofs + 8, lay.little);
    const orig = v.getUint32(ofs + 12, lay.little);
    ofs += PCAP_RECORD_HEADER_LEN;
    if (incl > PCAP_SNAPLEN || ofs + incl > file.length) throw new Error(`${what}: truncated or oversized record at byte ${ofs - 16}`);
    out.push({ tsUs: sec * 1e6 + (lay.nanos ? Math.floor(frac / 1000) : frac), data: file.subarray(ofs, ofs + incl), origLen: orig });
    ofs += incl;
  }
  return out;
}
