/*
 * Message framing shared by every message codec: the OpenFlow header forms (plain, vendor,
 * statistics/multipart in OF1.0 and OF1.1+ shapes, vendor statistics), the table entry each
 * message codec registers (OVS's ofpraw: where a message lives, which versions have it and
 * how long its body may be), and the writer that produces a message with its header.
 */

import { Writer } from './bytes.js';
import { NX_VENDOR_ID, ONF_VENDOR_ID, OFP10_VERSION, OFPT_VENDOR } from './constants.js';
import type { OfMessage } from './messages.js';
import type { Reader } from './bytes.js';

/** Where a message is numbered. */
export const Kind = {
  /** Standard message: header.type = num. */
  T: 0,
  /** Standard statistics request / reply: stat type = num. */
  ST_REQ: 1,
  ST_REP: 2,
  /** Nicira / ONF vendor message: subtype = num. */
  NXT: 3,
  ONFT: 4,
  /** Nicira / ONF vendor statistics request / reply: subtype = num. */
  NXST_REQ: 5,
  NXST_REP: 6,
  ONFST_REQ: 7,
  ONFST_REP: 8,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** The decoded header fields (OVS struct ofphdrs). */
export interface MsgHeader {
  readonly version: number;
  readonly type: number;
  readonly length: number;
  readonly xid: number;
  /** Statistics type (-1 if not a statistics message). */
  readonly stat: number;
  /** Statistics flags (0 if not a statistics message). */
  readonly statFlags: number;
  readonly vendor: number;
  readonly subtype: number;
  /** Length of all the headers, where the body starts. */
  readonly hdrsLen: number;
}

/** Options that depend on the connection's negotiated state. */
export interface DecodeOptions {
  /**
   * The negotiated OpenFlow version: a message of another version (other than hello, error
   * and echo) is rejected with OFPBRC_BAD_VERSION as OVS's connection does.
   */
  readonly version?: number;
  /** NXT_FLOW_MOD_TABLE_ID is enabled: OF1.0 flow-mod commands carry the table id in their high byte. */
  readonly flowModTableId?: boolean;
}

export interface EncodeOptions {
  /** Put the table id in OF1.0 flow-mod commands (default: when the flow-mod names a table). */
  readonly flowModTableId?: boolean;
}

/** One raw message form (OVS ofpraw). */
export interface MsgDef {
  /** OVS-style name, e.g. "OFPT10_FEATURES_REPLY". */
  readonly name: string;
  readonly kind: Kind;
  readonly num: number;
  /** Lowest and highest wire version. */
  readonly lo: number;
  readonly hi: number;
  /** Body length rules: at least minBody; extra 0 = exactly minBody, 1 = any more, n = multiple of n more. */
  readonly minBody: number;
  readonly extra: number;
  decode(r: Reader, h: MsgHeader, o: DecodeOptions): OfMessage;
}

const VNUM: Record<string, number> = { '1.0': 1, '1.1': 2, '1.2': 3, '1.3': 4, '1.4': 5, '1.5': 6 };

/** Versions from OVS notation: "1.0", "1.0+", "1.3-1.4", "all" (every version byte). */
export function versionRange(spec: string): [number, number] {
  if (spec === 'all') return [1, 255];
  const m = /^(\d\.\d)(\+|-(\d\.\d))?$/.exec(spec);
  if (!m) throw new Error(`bad version spec ${spec}`);
  const lo = VNUM[m[1]!]!;
  return [lo, m[2] === '+' ? 6 : m[3] ? VNUM[m[3]]! : lo];
}

export function def(
  name: string,
  kind: Kind,
  num: number,
  versions: string,
  minBody: number,
  extra: number,
  decode: MsgDef['decode'],
): MsgDef {
  const [lo, hi] = versionRange(versions);
  return { name, kind, num, lo, hi, minBody, extra, decode };
}

/** Statistics message header type for requests / replies. */
export function statsType(version: number, reply: boolean): number {
  return version === OFP10_VERSION ? (reply ? 17 : 16) : reply ? 19 : 18;
}

/**
 * Starts a message of `kind`/`num` for `version`; `flags` are the statistics flags. The
 * length is set by finishMsg.
 */
export function startMsg(kind: Kind, num: number, version: number, xid: number, flags = 0, capacity = 64): Writer {
  const w = new Writer(capacity);
  const hdr = (type: number): void => {
    w.u8(version).u8(type).u16(0).u32(xid >>> 0);
  };
  switch (kind) {
    case Kind.T:
      hdr(num);
      break;
    case Kind.NXT:
    case Kind.ONFT:
      hdr(OFPT_VENDOR);
      w.u32(kind === Kind.NXT ? NX_VENDOR_ID : ONF_VENDOR_ID).u32(num);
      break;
    case Kind.ST_REQ:
    case Kind.ST_REP:
      hdr(statsType(version, kind === Kind.ST_REP));
      w.u16(num).u16(flags);
      if (version !== OFP10_VERSION) w.u32(0);
      break;
    default: {
      const reply = kind === Kind.NXST_REP || kind === Kind.ONFST_REP;
      const vendor = kind === Kind.NXST_REQ || kind === Kind.NXST_REP ? NX_VENDOR_ID : ONF_VENDOR_ID;
      hdr(statsType(version, reply));
      w.u16(0xffff).u16(flags);
      if (version === OFP10_VERSION) w.u32(vendor).u32(num).u32(0);
      else w.u32(0).u32(vendor).u32(num);
    }
  }
  return w;
}

/** Sets the length; throws RangeError if the message does not fit in 65535 bytes. */
export function finishMsg(w: Writer): Uint8Array {
  if (w.len > 0xffff) throw new RangeError(`OpenFlow message too long (${w.len} bytes)`);
  w.set16(2, w.len);
  return w.finish();
}
