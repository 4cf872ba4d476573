/*
 * OVS's "flow protocols" as ovs-ofctl negotiates them (ofputil_protocol): OpenFlow 1.0 with
 * the standard or the Nicira (NXM) flow format, each with or without table ids in flow-mods,
 * and one protocol per later version. Which protocols a flow-mod or a flow dump can use, how
 * to switch the connection to one (NXT_SET_FLOW_FORMAT, NXT_FLOW_MOD_TABLE_ID), and OVS's
 * names for them in error messages.
 */
import { isOf10Expressible, OfType } from '../../openflow/codec/index.js';
import { OfpactType, type OfpAction } from '../../ofproto/ofp-actions.js';
import type { Match } from '../../flow/match.js';
import { CliError } from '../cli-util.js';
import type { OfConnection } from './conn.js';

export const P = {
  OF10_STD: 1 << 0,
  OF10_STD_TID: 1 << 1,
  OF10_NXM: 1 << 2,
  OF10_NXM_TID: 1 << 3,
  OF11_STD: 1 << 4,
  OF12_OXM: 1 << 5,
  OF13_OXM: 1 << 6,
  OF14_OXM: 1 << 7,
  OF15_OXM: 1 << 8,
} as const;
export const P_ANY = (1 << 9) - 1;
export const P_OF10_STD_ANY = P.OF10_STD | P.OF10_STD_TID;
export const P_OF10_NXM_ANY = P.OF10_NXM | P.OF10_NXM_TID;
export const P_OF10_ANY = P_OF10_STD_ANY | P_OF10_NXM_ANY;
export const P_ANY_OXM = P.OF12_OXM | P.OF13_OXM | P.OF14_OXM | P.OF15_OXM;
export const P_OF13_UP = P.OF13_OXM | P.OF14_OXM | P.OF15_OXM;
export const P_OF15_UP_ONLY = P.OF15_OXM;
export const P_OF11_UP = P.OF11_STD | P_ANY_OXM;
export const P_NXM_OF11_UP = P_OF10_NXM_ANY | P.OF11_STD | P_ANY_OXM;
export const P_NXM_OXM_ANY = P_OF10_NXM_ANY | P_ANY_OXM;
export const P_TID = P.OF10_STD_TID | P.OF10_NXM_TID | P.OF11_STD | P_ANY_OXM;

const SINGLE: Record<number, string> = {
  [P.OF10_NXM]: 'NXM-table_id', [P.OF10_NXM_TID]: 'NXM+table_id', [P.OF10_STD]: 'OpenFlow10-table_id',
  [P.OF10_STD_TID]: 'OpenFlow10+table_id', [P.OF11_STD]: 'OpenFlow11', [P.OF12_OXM]: 'OXM-OpenFlow12',
  [P.OF13_OXM]: 'OXM-OpenFlow13', [P.OF14_OXM]: 'OXM-OpenFlow14', [P.OF15_OXM]: 'OXM-OpenFlow15',
};
const ABBREVS: ReadonlyArray<readonly [number, string]> = [
  [P_ANY, 'any'], [P_OF10_STD_ANY, 'OpenFlow10'], [P_OF10_NXM_ANY, 'NXM'], [P_ANY_OXM, 'OXM'],
];

/** OVS ofputil_protocols_to_string. */
export function protocolsToString(ps: number): string {
  if (!ps) return 'none';
  const parts: string[] = [];
  while (ps) {
    const ab = ABBREVS.find(([p]) => (ps & p) === p);
    if (ab) {
      parts.push(ab[1]);
      ps &= ~ab[0];
      continue;
    }
    const bit = ps & -ps;
    parts.push(SINGLE[bit]!);
    ps &= ~bit;
  }
  return parts.join(',');
}

/** The protocols the allowed versions give (bit v of `versions` = wire version v). */
export function protocolsFromVersions(versions: number): number {
  let p = 0;
  if (versions & (1 << 1)) p |= P_OF10_ANY;
  if (versions & (1 << 2)) p |= P.OF11_STD;
  if (versions & (1 << 3)) p |= P.OF12_OXM;
  if (versions & (1 << 4)) p |= P.OF13_OXM;
  if (versions & (1 << 5)) p |= P.OF14_OXM;
  if (versions & (1 << 6)) p |= P.OF15_OXM;
  return p;
}

/** The versions a set of protocols needs. */
export function versionsFromProtocols(ps: number): number {
  let v = 0;
  if (ps & P_OF10_ANY) v |= 1 << 1;
  if (ps & P.OF11_STD) v |= 1 << 2;
  if (ps & P.OF12_OXM) v |= 1 << 3;
  if (ps & P.OF13_OXM) v |= 1 << 4;
  if (ps & P.OF14_OXM) v |= 1 << 5;
  if (ps & P.OF15_OXM) v |= 1 << 6;
  return v;
}

/** The protocol a freshly negotiated connection of `version` speaks. */
export function protocolOfVersion(version: number): number {
  return [0, P.OF10_STD, P.OF11_STD, P.OF12_OXM, P.OF13_OXM, P.OF14_OXM, P.OF15_OXM][version] ?? 0;
}

/** What an action list can be sent with. */
export function actionsUsable(acts: readonly OfpAction[]): number {
  let u = P_ANY;
  for (const a of acts) {
    if (a.type === OfpactType.METER) u &= P_OF13_UP;
    if (a.type === OfpactType.WRITE_ACTIONS || a.type === OfpactType.CLONE) {
      u &= actionsUsable((a as { actions: readonly OfpAction[] }).actions);
    }
  }
  return u;
}

/** What a flow-mod or flow-stats request can be sent with (OVS parse_ofp_str__'s usable_protocols). */
export function flowUsable(f: { match: Match; tableId: number; cookieMask: bigint; outGroup?: number; actions?: readonly OfpAction[] }): number {
  let u = P_ANY;
  if (f.tableId !== 0xff) u &= P_TID;
  if (f.cookieMask !== 0n) u &= P_NXM_OF11_UP;
  if (f.outGroup !== undefined && f.outGroup >>> 0 !== 0xffffffff) u &= P_OF11_UP;
  if (!isOf10Expressible(f.match)) u &= P_NXM_OXM_ANY;
  if (f.actions) u &= actionsUsable(f.actions);
  return u;
}

/** One step from `cur` toward `want` (OVS ofputil_encode_set_protocol), or null when there. */
function setProtocolStep(c: OfConnection, cur: number, want: number): { msg: Uint8Array; next: number } | null {
  const nxm = (p: number): boolean => (p & P_OF10_NXM_ANY) !== 0;
  const tid = (p: number): boolean => (p & (P.OF10_STD_TID | P.OF10_NXM_TID)) !== 0;
  if (!(cur & P_OF10_ANY) || !(want & P_OF10_ANY)) return null;
  if (nxm(cur) !== nxm(want)) {
    const next = nxm(want) ? (tid(cur) ? P.OF10_NXM_TID : P.OF10_NXM) : tid(cur) ? P.OF10_STD_TID : P.OF10_STD;
    return { msg: c.encode({ type: OfType.SET_FLOW_FORMAT, xid: 0, format: nxm(want) ? 2 : 0 }), next };
  }
  if (tid(cur) !== tid(want)) {
    return { msg: c.encode({ type: OfType.FLOW_MOD_TABLE_ID, xid: 0, enable: tid(want) }), next: want };
  }
  return null;
}

/** OVS try_set_protocol: steps the connection to `want`; false if the switch refused. */
export async function trySetProtocol(c: OfConnection, want: number, cur: { p: number }): Promise<boolean> {
  for (;;) {
    const step = setProtocolStep(c, cur.p, want);
    if (!step) return cur.p === want;
    const err = await c.transactNoReply([step.msg]);
    if (err) return false;
    cur.p = step.next;
  }
}

/** OVS open_vconn_for_flow_mod's negotiation, after the connection is open. */
export async function setProtocolForFlowMod(c: OfConnection, usable: number, allowed: number): Promise<number> {
  const cur = { p: protocolOfVersion(c.version) };
  if (usable & allowed & cur.p) return cur.p;
  for (let i = 0; i < 9; i++) {
    const f = 1 << i;
    if (f !== cur.p && f & usable & allowed && (await trySetProtocol(c, f, cur))) return f;
  }
  throw new CliError(`switch does not support any of the usable flow formats (${protocolsToString(usable)})`);
}

const DUMP_ORDER = [P.OF15_OXM, P.OF14_OXM, P.OF13_OXM, P.OF12_OXM, P.OF11_STD, P.OF10_NXM, P.OF10_STD];

/** OVS set_protocol_for_flow_dump. */
export async function setProtocolForFlowDump(c: OfConnection, usable: number, allowed: number): Promise<number> {
  const cur = { p: protocolOfVersion(c.version) };
  for (const f of DUMP_ORDER) {
    if (f & usable & allowed && (await trySetProtocol(c, f, cur))) return f;
  }
  if (usable & allowed) throw new CliError(`switch does not support any of the usable flow formats (${protocolsToString(usable)})`);
  throw new CliError(`none of the usable flow formats (${protocolsToString(usable)}) is among the allowed flow formats (${protocolsToString(allowed)})`);
}

/** The error OVS gives before connecting when no allowed protocol can carry a request. */
export function checkUsable(usable: number, allowed: number): void {
  if (!(usable & allowed)) {
    throw new CliError(`none of the usable flow formats (${protocolsToString(usable)}) is among the allowed flow formats (${protocolsToString(allowed)})`);
  }
}

/** Encoding hints for a protocol: NXM messages in OpenFlow 1.0, table ids in flow-mods. */
export function protocolEncoding(p: number): { nx: boolean; tid: boolean } {
  return { nx: (p & P_OF10_NXM_ANY) !== 0, tid: (p & (P.OF10_STD_TID | P.OF10_NXM_TID)) !== 0 || !(p & P_OF10_ANY) };
}
