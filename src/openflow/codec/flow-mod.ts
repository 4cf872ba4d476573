/*
 * Flow-mods (OVS ofputil_decode_flow_mod / ofputil_encode_flow_mod): OFPT_FLOW_MOD of
 * OpenFlow 1.0 (ofp10_match) and 1.1+ (OXM match and instructions), and NXT_FLOW_MOD (NXM
 * match, cookie matching). Also the flow-mod flag translation shared with flow stats, and
 * the test of whether a match can be expressed as an ofp10_match.
 */

import { matchEquals, matchNormalize, type Match } from '../../flow/match.js';
import { portFromOfp11, portToOfp11 } from '../../flow/ofp-port.js';
import { makeFlowMod, type FlowModInit } from '../../ofproto/flow-mod.js';
import {
  OFPUTIL_FF_CHECK_OVERLAP,
  OFPUTIL_FF_NO_BYT_COUNTS,
  OFPUTIL_FF_NO_PKT_COUNTS,
  OFPUTIL_FF_RESET_COUNTS,
  OFPUTIL_FF_SEND_FLOW_REM,
} from '../../ofproto/rule.js';
import { fail, Reader, Writer } from './bytes.js';
import {
  NXT_FLOW_MOD,
  OFP10_VERSION,
  OFP14_VERSION,
  OFPFF_CHECK_OVERLAP,
  OFPFF_SEND_FLOW_REM,
  OFPFF10_EMERG,
  OFPFF12_RESET_COUNTS,
  OFPFF13_NO_BYT_COUNTS,
  OFPFF13_NO_PKT_COUNTS,
  OFPG_ANY,
  OFPT_FLOW_MOD,
  OFPTT_ALL,
  U64_MAX,
} from './constants.js';
import { pullInstructions, putInstructions } from './actions.js';
import { OfType, type FlowModMsg } from './messages.js';
import { def, finishMsg, Kind, startMsg, type DecodeOptions, type EncodeOptions, type MsgDef, type MsgHeader } from './msg-core.js';
import { OFP10_MATCH_LEN, pullOfp10Match, putOfp10Match } from './match-of10.js';
import { pullNxMatch, pullOxmMatch, putNxMatch, putOxmMatch } from './match-oxm.js';

/** OpenFlow 1.0's emergency flag: refused, so ofproto never sees it (not an OFPUTIL_FF_STATE bit). */
const FF_EMERG = 1 << 8;

/** (wire bit, min version, max version, ofproto flag), OVS ofputil_flow_mod_flags. */
const FLAG_TABLE: ReadonlyArray<readonly [number, number, number, number]> = [
  [OFPFF_SEND_FLOW_REM, 1, 255, OFPUTIL_FF_SEND_FLOW_REM],
  [OFPFF_CHECK_OVERLAP, 1, 255, OFPUTIL_FF_CHECK_OVERLAP],
  [OFPFF10_EMERG, 1, 1, FF_EMERG],
  [OFPFF12_RESET_COUNTS, 3, 255, OFPUTIL_FF_RESET_COUNTS],
  [OFPFF13_NO_PKT_COUNTS, 4, 255, OFPUTIL_FF_NO_PKT_COUNTS],
  [OFPFF13_NO_BYT_COUNTS, 4, 255, OFPUTIL_FF_NO_BYT_COUNTS],
];

/** Wire flags -> ofproto flags; unknown bits fail with OFPFMFC_BAD_FLAGS. `command` -1 = not a flow-mod. */
export function decodeFlowModFlags(raw: number, command: number, version: number): number {
  let left = raw;
  let flags = 0;
  for (const [bit, lo, hi, f] of FLAG_TABLE) {
    if (left & bit && version >= lo && version <= hi) {
      left &= ~bit;
      flags |= f;
    }
  }
  if ((version === 1 || version === 2) && command === 0) flags |= OFPUTIL_FF_RESET_COUNTS;
  if (left) fail('OFPFMFC_BAD_FLAGS', `unknown flow-mod flags 0x${left.toString(16)}`);
  return flags;
}

/** ofproto flags -> wire flags for `version` (flags the version lacks are dropped). */
export function encodeFlowModFlags(flags: number, version: number): number {
  let raw = 0;
  for (const [bit, lo, hi, f] of FLAG_TABLE) if (flags & f && version >= lo && version <= hi) raw |= bit;
  return raw;
}

/** True if an ofp10_match expresses `m` exactly. */
export function isOf10Expressible(m: Match): boolean {
  const w = new Writer(OFP10_MATCH_LEN);
  putOfp10Match(w, m);
  const back = pullOfp10Match(new Reader(w.finish()));
  return matchEquals(back, m);
}

function decodeFlowMod11(r: Reader, h: MsgHeader): FlowModMsg {
  const v = h.version;
  const cookieWire = r.u64();
  const cookieMaskWire = r.u64();
  const tableId = r.u8();
  const command = r.u8();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const bufferId = r.u32();
  const outPortWire = r.u32();
  const outGroupWire = r.u32();
  const rawFlags = r.u16();
  const importanceWire = r.u16();
  const match = pullOxmMatch(r, true);
  let cookie: bigint;
  let cookieMask: bigint;
  let newCookie: bigint;
  if (command === 0) {
    cookie = 0n;
    cookieMask = 0n;
    newCookie = cookieWire;
  } else {
    cookie = cookieWire;
    cookieMask = cookieMaskWire;
    newCookie = U64_MAX;
  }
  if (tableId === OFPTT_ALL && command !== 3 && command !== 4) fail('OFPFMFC_BAD_TABLE_ID', 'table 255 in a non-delete flow-mod');
  const outPort = portFromOfp11(outPortWire);
  if (outPort === null) fail('OFPBAC_BAD_OUT_PORT', 'bad out_port');
  const outGroup = command === 3 || command === 4 ? outGroupWire : OFPG_ANY;
  const importance = v >= OFP14_VERSION && command === 0 ? importanceWire : 0;
  if (command > 4) fail('OFPFMFC_BAD_COMMAND', `bad flow-mod command ${command}`);
  const actions = pullInstructions(r, r.left, v);
  const flags = decodeFlowModFlags(rawFlags, command, v);
  return {
    type: OfType.FLOW_MOD, xid: h.xid, nx: false, command, tableId, priority, match, cookie, cookieMask, newCookie,
    modifyCookie: false, idleTimeout, hardTimeout, importance, bufferId, outPort, outGroup, flags, actions,
  };
}

function finishOld(
  h: MsgHeader,
  o: DecodeOptions,
  nx: boolean,
  match: Match,
  rawCommand: number,
  f: { priority: number; cookie: bigint; cookieMask: bigint; newCookie: bigint; idleTimeout: number; hardTimeout: number; bufferId: number; outPort: number; rawFlags: number },
  r: Reader,
): FlowModMsg {
  let command = rawCommand;
  let tableId = OFPTT_ALL;
  if (o.flowModTableId) {
    command = rawCommand & 0xff;
    tableId = rawCommand >>> 8;
  }
  if (command > 4) fail('OFPFMFC_BAD_COMMAND', `bad flow-mod command ${command}`);
  const actions = pullInstructions(r, r.left, h.version);
  const flags = decodeFlowModFlags(f.rawFlags, command, h.version);
  if (flags & FF_EMERG) fail(f.hardTimeout || f.idleTimeout ? 'OFPFMFC_BAD_EMERG_TIMEOUT' : 'OFPFMFC_TABLE_FULL', 'emergency flows');
  return {
    type: OfType.FLOW_MOD, xid: h.xid, nx, command, tableId, priority: f.priority, match, cookie: f.cookie,
    cookieMask: f.cookieMask, newCookie: f.newCookie, modifyCookie: f.newCookie !== U64_MAX, idleTimeout: f.idleTimeout,
    hardTimeout: f.hardTimeout, importance: 0, bufferId: f.bufferId, outPort: f.outPort, outGroup: OFPG_ANY, flags, actions,
  };
}

function decodeFlowMod10(r: Reader, h: MsgHeader, o: DecodeOptions): FlowModMsg {
  const wildcards = r.peek32(0);
  const match = pullOfp10Match(r);
  matchNormalize(match);
  const newCookie = r.u64();
  const rawCommand = r.u16();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const prio = r.u16();
  const bufferId = r.u32();
  const outPort = r.u16();
  const rawFlags = r.u16();
  // OpenFlow 1.0 exact-match rules have the highest priority.
  const priority = wildcards & 0x3fffff ? prio : 0xffff;
  return finishOld(h, o, false, match, rawCommand, {
    priority, cookie: 0n, cookieMask: 0n, newCookie, idleTimeout, hardTimeout, bufferId, outPort, rawFlags,
  }, r);
}

function decodeNxFlowMod(r: Reader, h: MsgHeader, o: DecodeOptions): FlowModMsg {
  const newCookie = r.u64();
  const rawCommand = r.u16();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const bufferId = r.u32();
  const outPort = r.u16();
  const rawFlags = r.u16();
  const matchLen = r.u16();
  r.skip(6);
  const m = pullNxMatch(r, matchLen, true, true);
  if ((rawCommand & 0xff) === 0 && m.cookieMask) fail('NXBRC_NXM_INVALID', 'flow add may not match on the cookie');
  return finishOld(h, o, true, m.match, rawCommand, {
    priority, cookie: m.cookie, cookieMask: m.cookieMask, newCookie, idleTimeout, hardTimeout, bufferId, outPort, rawFlags,
  }, r);
}

export const FLOW_MOD_DEFS: MsgDef[] = [
  def('OFPT10_FLOW_MOD', Kind.T, OFPT_FLOW_MOD, '1.0', 64, 8, decodeFlowMod10),
  def('OFPT11_FLOW_MOD', Kind.T, OFPT_FLOW_MOD, '1.1+', 40, 8, (r, h) => decodeFlowMod11(r, h)),
  def('NXT_FLOW_MOD', Kind.NXT, NXT_FLOW_MOD, '1.0+', 32, 8, decodeNxFlowMod),
];

export function encodeFlowMod(m: FlowModMsg, version: number, o: EncodeOptions = {}): Uint8Array {
  const rawFlags = encodeFlowModFlags(m.flags, version);
  if (version !== OFP10_VERSION && !m.nx) {
    const w = startMsg(Kind.T, OFPT_FLOW_MOD, version, m.xid, 0, 128);
    w.u64(m.command === 0 ? m.newCookie : m.cookie & m.cookieMask).u64(m.cookieMask);
    w.u8(m.tableId !== OFPTT_ALL || m.command === 3 || m.command === 4 ? m.tableId : 0).u8(m.command);
    w.u16(m.idleTimeout).u16(m.hardTimeout).u16(m.priority).u32(m.bufferId);
    w.u32(portToOfp11(m.outPort)).u32(m.outGroup).u16(rawFlags);
    w.u16(version >= OFP14_VERSION && m.command === 0 ? m.importance : 0);
    putOxmMatch(w, m.match, version);
    putInstructions(w, m.actions, version, m.match);
    return finishMsg(w);
  }
  const tid = o.flowModTableId ?? m.tableId !== OFPTT_ALL;
  const command = tid ? (m.command & 0xff) | ((m.tableId & 0xff) << 8) : m.command;
  const useNx = m.nx || version !== OFP10_VERSION || m.cookieMask !== 0n || !isOf10Expressible(m.match);
  if (!useNx) {
    const w = startMsg(Kind.T, OFPT_FLOW_MOD, version, m.xid, 0, 128);
    putOfp10Match(w, m.match);
    w.u64(m.newCookie).u16(command).u16(m.idleTimeout).u16(m.hardTimeout).u16(m.priority).u32(m.bufferId);
    w.u16(m.outPort).u16(rawFlags);
    putInstructions(w, m.actions, version, m.match);
    return finishMsg(w);
  }
  const w = startMsg(Kind.NXT, NXT_FLOW_MOD, version, m.xid, 0, 128);
  w.u64(m.newCookie).u16(command).u16(m.idleTimeout).u16(m.hardTimeout).u16(m.priority).u32(m.bufferId);
  w.u16(m.outPort).u16(rawFlags);
  const lenAt = w.len;
  w.u16(0).zeros(6);
  const matchLen = putNxMatch(w, m.match, m.cookie, m.cookieMask);
  w.set16(lenAt, matchLen);
  putInstructions(w, m.actions, version, m.match);
  return finishMsg(w);
}

/** A flow-mod message with ovs-ofctl's defaults (ofproto makeFlowMod) for the fields not given. */
export function makeFlowModMsg(init: FlowModInit & { readonly xid?: number; readonly nx?: boolean }): FlowModMsg {
  return { type: OfType.FLOW_MOD, xid: init.xid ?? 0, nx: init.nx ?? false, ...makeFlowMod(init) };
}
