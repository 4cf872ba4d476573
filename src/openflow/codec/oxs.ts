/*
 * OpenFlow 1.5 OXS flow statistics (OVS lib/ox-stat.c): a 4-byte header (reserved, length)
 * followed by TLVs of class 0x8002 (duration, idle time, flow count, packet count, byte
 * count), padded to 8. Missing values read as all-ones ("unknown"), as OVS.
 */

import { fail, Reader, type Writer } from './bytes.js';

export interface OxsStats {
  durationSec: number;
  durationNsec: number;
  idleAge: number;
  flowCount: number;
  packetCount: bigint;
  byteCount: bigint;
}

const CLASS = 0x8002;
const DURATION = 0;
const IDLE_TIME = 1;
const FLOW_COUNT = 3;
const PACKET_COUNT = 4;
const BYTE_COUNT = 5;
const U32_MAX = 0xffffffff;
const U64_MAX = 0xffffffffffffffffn;

export function unknownOxs(): OxsStats {
  return { durationSec: U32_MAX, durationNsec: U32_MAX, idleAge: U32_MAX, flowCount: U32_MAX, packetCount: U64_MAX, byteCount: U64_MAX };
}

/** Pulls an ofp_oxs_stat block; returns the stats and the padded length consumed. */
export function pullOxsStats(r: Reader): { stats: OxsStats; len: number } {
  const st = unknownOxs();
  if (r.left < 4) fail('OFPBMC_BAD_LEN', 'short OXS header');
  const len = r.peek16(2);
  if (len < 4) fail('OFPBMC_BAD_LEN', `OXS length ${len}`);
  const padded = Math.ceil(len / 8) * 8;
  if (padded > r.left) fail('OFPBMC_BAD_LEN', 'OXS longer than message');
  const x = new Reader(r.buf, r.pos + 4, r.pos + len, 'OFPBMC_BAD_LEN');
  while (x.left > 0) {
    const h = x.u32();
    const cls = h >>> 16;
    const field = (h >>> 9) & 0x7f;
    let plen = h & 0xff;
    if (cls === 0xffff) {
      if (plen < 4) fail('OFPBMC_BAD_LEN');
      x.u32();
      plen -= 4;
    }
    x.need(plen);
    const at = x.pos;
    if (cls === CLASS) {
      if (field === DURATION && plen === 8) {
        st.durationSec = x.u32();
        st.durationNsec = x.u32();
      } else if (field === IDLE_TIME && plen === 8) {
        st.idleAge = x.u32();
      } else if (field === PACKET_COUNT && plen === 8) {
        st.packetCount = x.u64();
      } else if (field === BYTE_COUNT && plen === 8) {
        st.byteCount = x.u64();
      } else if (field === FLOW_COUNT && plen === 4) {
        st.flowCount = x.u32();
      }
    }
    x.pos = at + plen;
  }
  r.pos += padded;
  return { stats: st, len: padded };
}

/** Writes an ofp_oxs_stat block with the known values, in OVS's order. */
export function putOxsStats(w: Writer, s: OxsStats): void {
  const start = w.len;
  w.u32(0);
  const hdr = (field: number, len: number): void => {
    w.u32(((CLASS << 16) | (field << 9) | len) >>> 0);
  };
  if (s.durationSec !== U32_MAX) {
    hdr(DURATION, 8);
    w.u32(s.durationSec).u32(s.durationNsec);
  }
  if (s.idleAge !== U32_MAX) {
    hdr(IDLE_TIME, 8);
    w.u32(s.idleAge).u32(0);
  }
  if (s.packetCount !== U64_MAX) {
    hdr(PACKET_COUNT, 8);
    w.u64(s.packetCount);
  }
  if (s.byteCount !== U64_MAX) {
    hdr(BYTE_COUNT, 8);
    w.u64(s.byteCount);
  }
  if (s.flowCount !== U32_MAX) {
    hdr(FLOW_COUNT, 4);
    w.u32(s.flowCount);
  }
  w.set16(start + 2, w.len - start);
  w.pad(8, start);
}
