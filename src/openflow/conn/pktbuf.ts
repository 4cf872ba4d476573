/*
 * Packet buffering for packet-ins (OVS ofproto/pktbuf.c, as OVS had it before 2.7): 256
 * slots used in turn; a buffer id is the slot index in the low 8 bits and a per-slot cookie
 * in the high 24, so a stale id is told apart from the current one. A slot is not
 * overwritten for 5 s after it was filled (the packet-in then goes unbuffered). Retrieving
 * empties the slot: a second use is OFPBRC_BUFFER_EMPTY, an unknown id
 * OFPBRC_BUFFER_UNKNOWN.
 */
import type { Clock } from '../../util/clock.js';

export const PKTBUF_BITS = 8;
export const PKTBUF_CNT = 1 << PKTBUF_BITS;
const PKTBUF_MASK = PKTBUF_CNT - 1;
const COOKIE_MAX = (1 << (32 - PKTBUF_BITS)) - 1;
const OVERWRITE_MS = 5000;
export const NO_BUFFER = 0xffffffff;

interface Slot {
  packet: Uint8Array | null;
  cookie: number;
  timeout: number;
  inPort: number;
}

export type PktbufResult =
  | { readonly ok: true; readonly packet: Uint8Array; readonly inPort: number }
  | { readonly ok: false; readonly error: 'OFPBRC_BUFFER_EMPTY' | 'OFPBRC_BUFFER_UNKNOWN' };

function makeId(idx: number, cookie: number): number {
  return (idx | (cookie << PKTBUF_BITS)) >>> 0;
}

export class Pktbuf {
  private readonly slots: Slot[] = [];
  private bufferIdx = 0;
  private nullIdx = 0;

  constructor(private readonly clock: Clock) {
    for (let i = 0; i < PKTBUF_CNT; i++) this.slots.push({ packet: null, cookie: 0, timeout: 0, inPort: 0 });
  }

  /** Keeps a copy of `packet`; returns its buffer id, or NO_BUFFER when the next slot is still in use. */
  save(packet: Uint8Array, inPort: number): number {
    const idx = this.bufferIdx;
    const p = this.slots[idx]!;
    this.bufferIdx = (idx + 1) & PKTBUF_MASK;
    const now = this.clock.now();
    if (p.packet !== null && now < p.timeout) return NO_BUFFER;
    if (++p.cookie >= COOKIE_MAX) p.cookie = 0;
    p.packet = packet.slice();
    p.timeout = now + OVERWRITE_MS;
    p.inPort = inPort;
    return makeId(idx, p.cookie);
  }

  /** An id that names no packet (OVS pktbuf_get_null, used while failing open). */
  nullId(): number {
    return makeId(this.nullIdx++ & PKTBUF_MASK, COOKIE_MAX);
  }

  retrieve(id: number): PktbufResult {
    const p = this.slots[id & PKTBUF_MASK]!;
    const cookie = id >>> PKTBUF_BITS;
    if (p.cookie === cookie) {
      if (p.packet === null) return { ok: false, error: 'OFPBRC_BUFFER_EMPTY' };
      const packet = p.packet;
      p.packet = null;
      return { ok: true, packet, inPort: p.inPort };
    }
    return { ok: false, error: 'OFPBRC_BUFFER_UNKNOWN' };
  }

  /** Forgets a buffered packet without using it (OVS pktbuf_discard). */
  discard(id: number): void {
    const p = this.slots[id & PKTBUF_MASK]!;
    if (p.cookie === id >>> PKTBUF_BITS) p.packet = null;
  }

  /** Packets held now. */
  get count(): number {
    let n = 0;
    for (const s of this.slots) if (s.packet !== null) n++;
    return n;
  }
}
