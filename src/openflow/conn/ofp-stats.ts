/*
 * Replies to OpenFlow statistics / multipart requests (OVS ofproto.c handle_*_stats_request):
 * desc, flow, aggregate, table, table features, port, port desc, queue, group, group desc,
 * group features, meter, meter config, meter features. Each returns the reply message or
 * an OpenFlow error name.
 */
import { FLOW_WORDS } from '../../flow/layout.js';
import type { RuleCriteria } from '../../ofproto/flow-table.js';
import { METER_FEATURES } from '../../ofproto/meter-table.js';
import {
  OfType,
  type AggregateStatsReplyMsg,
  type DescStatsReplyMsg,
  type FlowStatsReplyMsg,
  type FlowStatsRequestMsg,
  type GroupDescReplyMsg,
  type GroupFeaturesReplyMsg,
  type GroupStatsReplyMsg,
  type GroupStatsRequestMsg,
  type MeterConfigReplyMsg,
  type MeterFeaturesReplyMsg,
  type MeterStatsReplyMsg,
  type MeterStatsRequestMsg,
  type OfMessage,
  type PortDescReplyMsg,
  type PortStatsEntry,
  type PortStatsReplyMsg,
  type PortStatsRequestMsg,
  type QueueStatsReplyMsg,
  type QueueStatsRequestMsg,
  type TableFeaturesMsg,
  type TableStatsReplyMsg,
} from '../codec/index.js';
import type { SwitchApi } from '../switch-api.js';
import { flowStatsEntry, groupPropsOf, groupTypeNumber, splitDuration } from './convert.js';
import { tableFeatureProps } from './table-features.js';

export type StatsResult = { ok: true; msg: OfMessage } | { ok: false; error: string };

const U64_MAX = 0xffffffffffffffffn;
const OFPP_ANY = 0xffff;
const OFPG_ALL = 0xfffffffc;
const OFPM_ALL = 0xffffffff;
const OFPQ_ALL = 0xffffffff;
/** OF1.0 OFPFW10_ALL: every field wildcardable. */
const OFPFW10_ALL = (1 << 22) - 1;

function okMsg(msg: OfMessage): StatsResult {
  return { ok: true, msg };
}

export function descReply(xid: number, d: { mfr: string; hw: string; sw: string; serial: string; dp: string }): DescStatsReplyMsg {
  return { type: OfType.DESC_STATS_REPLY, xid, flags: 0, mfrDesc: d.mfr, hwDesc: d.hw, swDesc: d.sw, serialNum: d.serial, dpDesc: d.dp };
}

export function criteriaFromRequest(m: FlowStatsRequestMsg): RuleCriteria {
  const key = new Uint32Array(FLOW_WORDS);
  for (let i = 0; i < FLOW_WORDS; i++) key[i] = m.match.key[i]! & m.match.mask[i]!;
  return {
    tableId: m.tableId,
    key,
    mask: m.match.mask,
    priority: 0,
    cookie: m.cookie,
    cookieMask: m.cookieMask,
    outPort: m.outPort,
    outGroup: m.outGroup >>> 0,
  };
}

export function flowStatsReply(sw: SwitchApi, m: FlowStatsRequestMsg): StatsResult {
  sw.pushStats();
  const r = sw.flows(criteriaFromRequest(m));
  if (!r.ok) return { ok: false, error: r.error.code };
  const now = sw.now();
  const msg: FlowStatsReplyMsg = {
    type: OfType.FLOW_STATS_REPLY,
    xid: m.xid,
    flags: 0,
    nx: m.nx,
    entries: r.value.map((rule) => flowStatsEntry(rule, now)),
  };
  return okMsg(msg);
}

export function aggregateReply(sw: SwitchApi, m: FlowStatsRequestMsg): StatsResult {
  sw.pushStats();
  const r = sw.flows(criteriaFromRequest(m));
  if (!r.ok) return { ok: false, error: r.error.code };
  let packets = 0;
  let bytes = 0;
  for (const rule of r.value) {
    packets += rule.packetCount;
    bytes += rule.byteCount;
  }
  const msg: AggregateStatsReplyMsg = {
    type: OfType.AGGREGATE_STATS_REPLY,
    xid: m.xid,
    flags: 0,
    nx: m.nx,
    packetCount: BigInt(packets),
    byteCount: BigInt(bytes),
    flowCount: r.value.length,
  };
  return okMsg(msg);
}

export function tableStatsReply(sw: SwitchApi, xid: number): TableStatsReplyMsg {
  sw.pushStats();
  return {
    type: OfType.TABLE_STATS_REPLY,
    xid,
    flags: 0,
    entries: sw.tables().map((t) => ({
      tableId: t.tableId,
      name: t.name ?? '',
      wildcards: OFPFW10_ALL,
      maxEntries: t.maxEntries,
      activeCount: t.activeCount,
      lookupCount: BigInt(t.lookupCount),
      matchedCount: BigInt(t.matchedCount),
    })),
  };
}

/** Table features: names, limits, metadata masks and what each table supports. */
export function tableFeaturesReply(sw: SwitchApi, xid: number, version: number): TableFeaturesMsg {
  const n = sw.nVisibleTables;
  return {
    type: OfType.TABLE_FEATURES_STATS_REPLY,
    xid,
    flags: 0,
    tables: sw.tables().map((t) => ({
      tableId: t.tableId,
      name: t.name ?? '',
      metadataMatch: U64_MAX,
      metadataWrite: U64_MAX,
      config: 0,
      maxEntries: t.maxEntries,
      props: tableFeatureProps(version, t.tableId, n),
    })),
  };
}

function unknownCounter(n: number): bigint {
  return n < 0 ? U64_MAX : BigInt(n);
}

export function portStatsReply(sw: SwitchApi, m: PortStatsRequestMsg): PortStatsReplyMsg {
  const entries: PortStatsEntry[] = [];
  const ports = m.portNo === OFPP_ANY ? sw.portDescs().map((p) => p.portNo) : [m.portNo];
  for (const portNo of ports) {
    const s = sw.portCounters(portNo);
    if (!s) continue;
    const d = splitDuration(s.durationMs);
    entries.push({
      portNo,
      rxPackets: unknownCounter(s.rxPackets),
      txPackets: unknownCounter(s.txPackets),
      rxBytes: unknownCounter(s.rxBytes),
      txBytes: unknownCounter(s.txBytes),
      rxDropped: unknownCounter(s.rxDropped),
      txDropped: unknownCounter(s.txDropped),
      rxErrors: unknownCounter(s.rxErrors),
      txErrors: unknownCounter(s.txErrors),
      rxFrameErr: U64_MAX,
      rxOverErr: U64_MAX,
      rxCrcErr: U64_MAX,
      collisions: U64_MAX,
      durationSec: d.sec,
      durationNsec: d.nsec,
    });
  }
  return { type: OfType.PORT_STATS_REPLY, xid: m.xid, flags: 0, entries };
}

export function portDescReply(sw: SwitchApi, m: PortStatsRequestMsg): PortDescReplyMsg {
  const all = sw.portDescs();
  const ports = m.portNo === OFPP_ANY ? all : all.filter((p) => p.portNo === m.portNo);
  return { type: OfType.PORT_DESC_STATS_REPLY, xid: m.xid, flags: 0, ports };
}

/** "Every port" in queue requests: OFPP_ANY, or OFPP_ALL as OpenFlow 1.0 says it. */
export function isAnyPort(p: number): boolean {
  return p === OFPP_ANY || p === 0xfffc;
}

/**
 * Queue statistics as OVS reports them for ports without QoS: each port has queue 0, whose
 * counters are unknown. A missing port is OFPQOFC_BAD_PORT, another queue OFPQOFC_BAD_QUEUE.
 */
export function queueStatsReply(sw: SwitchApi, m: QueueStatsRequestMsg): StatsResult {
  const ports = isAnyPort(m.portNo) ? sw.portDescs().map((p) => p.portNo) : [m.portNo];
  if (!isAnyPort(m.portNo) && sw.portDesc(m.portNo) === undefined) return { ok: false, error: 'OFPQOFC_BAD_PORT' };
  const q = m.queueId >>> 0;
  if (q !== OFPQ_ALL && q !== 0) return { ok: false, error: 'OFPQOFC_BAD_QUEUE' };
  const entries = ports.map((portNo) => ({
    portNo,
    queueId: 0,
    txBytes: U64_MAX,
    txPackets: U64_MAX,
    txErrors: U64_MAX,
    durationSec: 0xffffffff,
    durationNsec: 0xffffffff,
  }));
  const msg: QueueStatsReplyMsg = { type: OfType.QUEUE_STATS_REPLY, xid: m.xid, flags: 0, entries };
  return okMsg(msg);
}

export function groupStatsReply(sw: SwitchApi, m: GroupStatsRequestMsg): GroupStatsReplyMsg {
  const want = m.groupId >>> 0;
  const ids = want === OFPG_ALL ? sw.groupList().map((g) => g.groupId) : [want];
  const entries: GroupStatsReplyMsg['entries'][number][] = [];
  sw.pushStats();
  for (const id of ids) {
    const s = sw.groupStats(id);
    if (!s) continue;
    const d = splitDuration(s.durationMs);
    entries.push({
      groupId: s.groupId,
      refCount: s.refCount,
      packetCount: BigInt(s.packetCount),
      byteCount: BigInt(s.byteCount),
      durationSec: d.sec,
      durationNsec: d.nsec,
      buckets: s.buckets.map((b) => ({ packetCount: BigInt(b.packetCount), byteCount: BigInt(b.byteCount) })),
    });
  }
  return { type: OfType.GROUP_STATS_REPLY, xid: m.xid, flags: 0, entries };
}

export function groupDescReply(sw: SwitchApi, m: GroupStatsRequestMsg): GroupDescReplyMsg {
  const want = m.groupId >>> 0;
  const groups = sw.groupList().filter((g) => want === OFPG_ALL || g.groupId === want);
  return {
    type: OfType.GROUP_DESC_STATS_REPLY,
    xid: m.xid,
    flags: 0,
    entries: groups.map((g) => {
      const props = groupPropsOf(g);
      return {
        groupType: groupTypeNumber(g.type),
        groupId: g.groupId,
        buckets: g.buckets.map((b) => ({
          bucketId: b.bucketId,
          weight: b.weight,
          watchPort: b.watchPort,
          watchGroup: b.watchGroup,
          actions: b.actions,
        })),
        ...(props ? { props } : {}),
      };
    }),
  };
}

/** OpenFlow 1.1+ action type bits a group bucket may use (output, TTL, VLAN/MPLS push-pop, queue, group, set-field). */
const GROUP_ACTIONS =
  (1 << 0) | (1 << 11) | (1 << 12) | (1 << 15) | (1 << 16) | (1 << 17) | (1 << 18) | (1 << 19) | (1 << 20) | (1 << 21) | (1 << 22) | (1 << 23) | (1 << 24) | (1 << 25);

export function groupFeaturesReply(xid: number): GroupFeaturesReplyMsg {
  const max = 0xffffff00;
  return {
    type: OfType.GROUP_FEATURES_STATS_REPLY,
    xid,
    flags: 0,
    types: 0xf,
    // OFPGFC_SELECT_WEIGHT | OFPGFC_SELECT_LIVENESS | OFPGFC_CHAINING, as ofproto-dpif.
    capabilities: 0x1 | 0x2 | 0x4,
    maxGroups: [max, max, max, max],
    actions: [GROUP_ACTIONS >>> 0, GROUP_ACTIONS >>> 0, GROUP_ACTIONS >>> 0, GROUP_ACTIONS >>> 0],
  };
}

export function meterStatsReply(sw: SwitchApi, m: MeterStatsRequestMsg): StatsResult {
  const want = m.meterId >>> 0;
  if (want !== OFPM_ALL && !sw.meterList().some((x) => x.meterId === want)) return { ok: false, error: 'OFPMMFC_UNKNOWN_METER' };
  sw.pushStats();
  const meters = sw.meterList().filter((x) => want === OFPM_ALL || x.meterId === want);
  if (m.type === OfType.METER_CONFIG_STATS_REQUEST) {
    const msg: MeterConfigReplyMsg = {
      type: OfType.METER_CONFIG_STATS_REPLY,
      xid: m.xid,
      flags: 0,
      entries: meters.map((x) => ({
        flags: x.flags,
        meterId: x.meterId,
        bands: x.bands.map((b) => ({ type: b.type, rate: b.rate, burstSize: b.burstSize, precLevel: b.precLevel ?? 0 })),
      })),
    };
    return okMsg(msg);
  }
  const entries: MeterStatsReplyMsg['entries'][number][] = [];
  for (const x of meters) {
    const s = sw.meterStats(x.meterId);
    if (!s) continue;
    const d = splitDuration(s.durationMs);
    entries.push({
      meterId: s.meterId,
      flowCount: s.flowCount,
      packetInCount: BigInt(s.packetInCount),
      byteInCount: BigInt(s.byteInCount),
      durationSec: d.sec,
      durationNsec: d.nsec,
      bands: s.bands.map((b) => ({ packetCount: BigInt(b.packetCount), byteCount: BigInt(b.byteCount) })),
    });
  }
  const msg: MeterStatsReplyMsg = { type: OfType.METER_STATS_REPLY, xid: m.xid, flags: 0, entries };
  return okMsg(msg);
}

export function meterFeaturesReply(xid: number): MeterFeaturesReplyMsg {
  return {
    type: OfType.METER_FEATURES_STATS_REPLY,
    xid,
    flags: 0,
    maxMeter: METER_FEATURES.maxMeters,
    bandTypes: METER_FEATURES.bandTypes,
    capabilities: METER_FEATURES.capabilities,
    maxBands: METER_FEATURES.maxBands,
    maxColor: METER_FEATURES.maxColor,
  };
}
