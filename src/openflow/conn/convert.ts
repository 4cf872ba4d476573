/*
 * Conversions between decoded OpenFlow messages (src/openflow/codec) and ofproto's
 * structures: group-mod / meter-mod requests, flow statistics entries,
 * flow-removed and packet-in messages from bridge events, and the packet-in pipeline
 * fields (OVS flow_get_metadata). Pure functions.
 */
import { FLOW_WORDS, N_REGS, W_CT, W_CT_MARK, W_IN_PORT, W_METADATA, W_REG0, W_SKB_MARK, W_TUN_DST, W_TUN_ID, W_TUN_SRC } from '../../flow/layout.js';
import type { Match } from '../../flow/match.js';
import { parseSelectionFields, selectionFieldText } from '../../ofproto/group-fields.js';
import type { GroupMod } from '../../ofproto/group-table.js';
import type { MeterMod } from '../../ofproto/meter-table.js';
import type { FlowRemovedEvent, PacketInEvent } from '../../ofproto/ofproto-events.js';
import type { Rule } from '../../ofproto/rule.js';
import type { GroupType } from '../../ofproto/xlate-bridge.js';
import {
  OfType,
  type FlowRemovedMsg,
  type FlowStatsEntry,
  type GroupModMsg,
  type GroupProps,
  type MeterModMsg,
  type PacketInFormat,
  type PacketInMsg,
} from '../codec/index.js';

/** ms -> OpenFlow (sec, nsec) (OVS calc_duration). */
export function splitDuration(ms: number): { sec: number; nsec: number } {
  const m = Math.max(0, Math.floor(ms));
  return { sec: Math.floor(m / 1000), nsec: (m % 1000) * 1000000 };
}

/** OVS age_secs. */
export function ageSecs(ms: number): number {
  return ms < 0 ? 0 : ms >= 0xffff * 1000 ? 0xffff : Math.floor(ms / 1000);
}

const GROUP_TYPES: readonly GroupType[] = ['all', 'select', 'indirect', 'ff'];

/** A GroupMod, or null when the group type is unknown (OFPGMFC_BAD_TYPE). */
export function groupModFromMsg(m: GroupModMsg): GroupMod | null {
  const type = GROUP_TYPES[m.groupType];
  if (type === undefined && m.command !== 2 /* delete ignores the type */) return null;
  return {
    command: m.command,
    groupId: m.groupId >>> 0,
    type: type ?? 'all',
    buckets: m.buckets.map((b) => ({
      bucketId: b.bucketId,
      weight: b.weight,
      watchPort: b.watchPort,
      watchGroup: b.watchGroup,
      actions: b.actions,
    })),
    commandBucketId: m.commandBucketId,
    ...selectionFromProps(m.props),
  };
}

/** The group-mod's selection method, parameter and hash fields (the codec only decodes "hash" and "dp_hash"). */
function selectionFromProps(p: GroupProps | undefined): Pick<GroupMod, 'selectionMethod' | 'selectionMethodParam' | 'selectionFields'> {
  if (!p || (p.selectionMethod !== 'hash' && p.selectionMethod !== 'dp_hash')) return {};
  return {
    selectionMethod: p.selectionMethod,
    selectionMethodParam: p.selectionMethodParam,
    selectionFields: p.fields.map((f) => selectionFieldText(f.field, f.mask)),
  };
}

/** A group's properties for group descriptions (undefined without a selection method, as OVS). */
export function groupPropsOf(g: { selectionMethod?: string; selectionMethodParam?: bigint; selectionFields: readonly string[] }): GroupProps | undefined {
  if (!g.selectionMethod) return undefined;
  return {
    selectionMethod: g.selectionMethod,
    selectionMethodParam: g.selectionMethodParam ?? 0n,
    fields: g.selectionMethod === 'hash' ? parseSelectionFields(g.selectionFields).map((f) => ({ field: f.field, mask: f.mask })) : [],
  };
}

export function groupTypeNumber(t: GroupType): number {
  return GROUP_TYPES.indexOf(t);
}

export function meterModFromMsg(m: MeterModMsg): MeterMod {
  return {
    command: m.command,
    meterId: m.meterId >>> 0,
    flags: m.flags,
    bands: m.bands.map((b) => ({ type: b.type, rate: b.rate, burstSize: b.burstSize, precLevel: b.precLevel })),
  };
}

export function flowStatsEntry(r: Rule, now: number): FlowStatsEntry {
  const d = splitDuration(now - r.created);
  return {
    tableId: r.tableId,
    durationSec: d.sec,
    durationNsec: d.nsec,
    priority: r.priority,
    idleTimeout: r.idleTimeout,
    hardTimeout: r.hardTimeout,
    flags: r.flags,
    importance: r.importance,
    cookie: r.cookie,
    packetCount: BigInt(r.packetCount),
    byteCount: BigInt(r.byteCount),
    idleAge: ageSecs(now - r.used),
    hardAge: ageSecs(now - r.modified),
    match: { key: r.key, mask: r.mask },
    actions: r.actions,
  };
}

export function flowRemovedMsg(ev: FlowRemovedEvent, nx: boolean): FlowRemovedMsg {
  const r = ev.rule;
  const d = splitDuration(r.durationMs);
  return {
    type: OfType.FLOW_REMOVED,
    xid: 0,
    nx,
    match: { key: r.key, mask: r.mask },
    cookie: r.cookie,
    priority: r.priority,
    reason: ev.reason,
    tableId: r.tableId,
    durationSec: d.sec,
    durationNsec: d.nsec,
    idleTimeout: r.idleTimeout,
    hardTimeout: r.hardTimeout,
    packetCount: BigInt(r.packetCount),
    byteCount: BigInt(r.byteCount),
  };
}

/** Sets words [w, w + n) of the match to the flow's when any of them is non-zero. */
function copyIfSet(flow: Uint32Array, m: Match, w: number, n: number): void {
  let any = 0;
  for (let i = 0; i < n; i++) any |= flow[w + i]!;
  if (any === 0) return;
  for (let i = 0; i < n; i++) {
    m.key[w + i] = flow[w + i]!;
    m.mask[w + i] = 0xffffffff;
  }
}

/** The pipeline fields a packet-in carries (OVS flow_get_metadata): in_port and whatever else is set. */
export function pipelineMatch(flow: Uint32Array, inPort: number): Match {
  const m: Match = { key: new Uint32Array(FLOW_WORDS), mask: new Uint32Array(FLOW_WORDS) };
  copyIfSet(flow, m, W_TUN_ID, 2);
  copyIfSet(flow, m, W_TUN_SRC, 1);
  copyIfSet(flow, m, W_TUN_DST, 1);
  copyIfSet(flow, m, W_METADATA, 2);
  for (let i = 0; i < N_REGS; i++) copyIfSet(flow, m, W_REG0 + i, 1);
  copyIfSet(flow, m, W_SKB_MARK, 1);
  if (flow[W_CT]! & 0xff) {
    copyIfSet(flow, m, W_CT, 1);
    copyIfSet(flow, m, W_CT_MARK, 1);
  }
  m.key[W_IN_PORT] = inPort & 0xffff;
  m.mask[W_IN_PORT] = 0xffff;
  return m;
}

const OFPR_ACTION = 1;
const OFPR_EXPLICIT_MISS = 6;
const OFPR_IMPLICIT_MISS = 7;
const OFPR_NO_MATCH = 0;

/** OVS encode_packet_in_reason: the reason as version `v` can say it. */
export function wirePacketInReason(reason: number, v: number): number {
  if (reason <= 2) return reason;
  if (reason <= 5) return v < 5 ? OFPR_ACTION : reason;
  if (reason === OFPR_EXPLICIT_MISS) return v < 4 ? OFPR_ACTION : OFPR_NO_MATCH;
  if (reason === OFPR_IMPLICIT_MISS) return OFPR_NO_MATCH;
  return reason;
}

/** Packet-in format names by NXPIF_* value. */
export const PACKET_IN_FORMATS: readonly PacketInFormat[] = ['standard', 'nxt', 'nxt2'];

export function packetInMsg(
  ev: PacketInEvent,
  version: number,
  format: PacketInFormat,
  bufferId: number,
  data: Uint8Array,
): PacketInMsg {
  return {
    type: OfType.PACKET_IN,
    xid: 0,
    format,
    bufferId,
    totalLen: ev.totalLen,
    reason: wirePacketInReason(ev.reason, version),
    tableId: ev.tableId,
    cookie: ev.cookie,
    match: pipelineMatch(ev.flow, ev.inPort),
    data,
    userdata: format === 'nxt2' && ev.userdata.length > 0 ? ev.userdata : null,
    continuation: null,
  };
}
