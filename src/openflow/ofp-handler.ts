/*
 * OpenFlow requests -> the switch (OVS ofproto.c handle_openflow and its handle_* callees).
 * Every message of a connection is handled to completion before the next one, so a barrier
 * reply follows everything before it. A request that fails gets the error reply OVS sends
 * (type/code by name, the request as data); secondary (slave) controllers may not change
 * state (OFPBRC_IS_SECONDARY). Replies to multipart requests are split as needed by the
 * codec. Bundles commit atomically: a failure rolls every change back and drops the
 * asynchronous messages they caused.
 */
import {
  decodeMessage,
  isDecodeError,
  OfType,
  OFPCR12_ROLE_EQUAL,
  OFPCR12_ROLE_MASTER,
  OFPCR12_ROLE_NOCHANGE,
  OFPCR12_ROLE_SLAVE,
  type FlowMonitorRequestMsg,
  type OfMessage,
  type RoleMsg,
  type SwitchConfigMsg,
} from './codec/index.js';
import { applySetAsync, asyncToProps } from './conn/async-config.js';
import { addToBundle, bundleControl } from './conn/bundle-commit.js';
import { fullUpdate, looseMatch, NXFMF_ACTIONS, NXFMF_INITIAL, NXFME_ADDED } from './conn/flow-monitor.js';
import { DEFAULT_MISS_SEND_LEN, type OfConn } from './conn/ofconn.js';
import { flowMod, groupMod, meterMod, packetOut, portMod, type Err } from './conn/ofp-mods.js';
import {
  aggregateReply,
  criteriaFromRequest,
  descReply,
  flowStatsReply,
  groupDescReply,
  groupFeaturesReply,
  groupStatsReply,
  isAnyPort,
  meterFeaturesReply,
  meterStatsReply,
  portDescReply,
  portStatsReply,
  queueStatsReply,
  tableFeaturesReply,
  tableStatsReply,
} from './conn/ofp-stats.js';
import { encodeEchoReply } from './conn/of-wire.js';
import { PKTBUF_CNT } from './conn/pktbuf.js';
import { resume } from './conn/resume.js';
import type { ConnMgr } from './connmgr.js';
import { coverageCounter } from '../util/coverage.js';

const COV_RECV_OPENFLOW = coverageCounter('ofproto_recv_openflow');
const COV_PACKET_OUT = coverageCounter('ofproto_packet_out');

const U64_MAX = 0xffffffffffffffffn;
/** OFPC_FRAG_* <-> ofproto's frag handling. */
const FRAG_MODES = ['normal', 'drop', 'reassemble', 'nx-match'] as const;

/** Handles one message received on `c` (OVS handle_openflow). */
export function handleOpenflow(mgr: ConnMgr, c: OfConn, raw: Uint8Array): void {
  COV_RECV_OPENFLOW.count++;
  const msg = decodeMessage(raw, { version: c.version, flowModTableId: c.tid });
  if (isDecodeError(msg)) {
    c.sendError(msg.error, raw);
    return;
  }
  let err: Err;
  try {
    err = handle(mgr, c, msg, raw);
  } catch (e) {
    // A bug must not take the switch down: report it and answer as OVS would for an unknown failure.
    mgr.log.err(`${c.name}: internal error handling message type ${msg.type}: ${(e as Error).stack ?? e}`);
    err = 'OFPBRC_EPERM';
  } finally {
    mgr.requester = null;
    mgr.portModSource = null;
  }
  if (err !== null) c.sendError(err, raw);
}

/** OVS reject_secondary_controller. */
function rejectSecondary(c: OfConn): Err {
  return c.type === 'primary' && c.role === OFPCR12_ROLE_SLAVE ? 'OFPBRC_IS_SECONDARY' : null;
}

function handle(mgr: ConnMgr, c: OfConn, m: OfMessage, raw: Uint8Array): Err {
  const sw = mgr.sw;
  switch (m.type) {
    case OfType.ECHO_REQUEST:
      c.sendBytes(encodeEchoReply(raw));
      return null;
    case OfType.ECHO_REPLY:
    case OfType.FLOW_AGE:
      return null;
    case OfType.FEATURES_REQUEST:
      return features(mgr, c, m.xid);
    case OfType.GET_CONFIG_REQUEST: {
      const frag = FRAG_MODES.indexOf(sw.fragHandling as (typeof FRAG_MODES)[number]);
      const reply: SwitchConfigMsg = { type: OfType.GET_CONFIG_REPLY, xid: m.xid, flags: frag < 0 ? 0 : frag, missSendLen: c.missSendLen };
      c.send(reply);
      return null;
    }
    case OfType.SET_CONFIG:
      return setConfig(mgr, c, m);
    case OfType.PACKET_OUT:
      COV_PACKET_OUT.count++;
      return rejectSecondary(c) ?? packetOut(mgr, c, m);
    case OfType.RESUME:
      return resume(mgr, c, m);
    case OfType.FLOW_MOD:
      return rejectSecondary(c) ?? flowMod(mgr, c, m, true);
    case OfType.GROUP_MOD:
      return rejectSecondary(c) ?? groupMod(mgr, c, m, raw);
    case OfType.METER_MOD:
      return rejectSecondary(c) ?? meterMod(mgr, c, m, raw);
    case OfType.PORT_MOD:
      return rejectSecondary(c) ?? portMod(mgr, c, m);
    case OfType.TABLE_MOD: {
      const e = rejectSecondary(c);
      if (e) return e;
      if (m.tableId !== 0xff && m.tableId >= sw.nVisibleTables) return 'OFPTMFC_BAD_TABLE';
      const r = sw.tableMod(m.tableId, 'default');
      return r.ok ? null : r.error.code;
    }
    case OfType.BARRIER_REQUEST:
      c.send({ type: OfType.BARRIER_REPLY, xid: m.xid });
      return null;
    case OfType.ROLE_REQUEST:
      return role(mgr, c, m);
    case OfType.GET_ASYNC_REQUEST:
      c.send({ type: OfType.GET_ASYNC_REPLY, xid: m.xid, nx: false, props: asyncToProps(c.asyncConfig(), c.version) });
      return null;
    case OfType.SET_ASYNC_CONFIG: {
      const r = applySetAsync(c.asyncConfig(), m.props, c.version, m.nx || c.version < 5);
      if (!r.ok) return r.error;
      c.asyncCfg = r.cfg;
      if (c.type === 'service' && !c.missSendLen) c.missSendLen = DEFAULT_MISS_SEND_LEN;
      return null;
    }
    case OfType.SET_FLOW_FORMAT:
      if (m.format !== 0 && m.format !== 2) return 'OFPBRC_EPERM';
      if (c.version === 1) c.nxm = m.format === 2;
      return null;
    case OfType.FLOW_MOD_TABLE_ID:
      c.tid = m.enable;
      return null;
    case OfType.SET_PACKET_IN_FORMAT:
      if (m.format < 0 || m.format > 2) return 'OFPBRC_EPERM';
      c.packetInFormat = m.format;
      return null;
    case OfType.SET_CONTROLLER_ID:
      c.controllerId = m.controllerId;
      mgr.updateWantMiss(c);
      return null;
    case OfType.CT_FLUSH_ZONE:
      return null;
    case OfType.FLOW_MONITOR_CANCEL:
      return c.monitors.delete(m.id) ? null : 'OFPMOFC_UNKNOWN_MONITOR';
    case OfType.QUEUE_GET_CONFIG_REQUEST: {
      // Like OVS without QoS: every port has the default queue 0, with no rates configured.
      const all = isAnyPort(m.portNo);
      if (!all && sw.portDesc(m.portNo) === undefined) return 'OFPQOFC_BAD_PORT';
      const ports = all ? sw.portDescs().map((p) => p.portNo) : [m.portNo];
      const queues = ports.map((portNo) => ({ queueId: 0, portNo, minRate: 0xffff, maxRate: 0xffff }));
      c.send({ type: OfType.QUEUE_GET_CONFIG_REPLY, xid: m.xid, portNo: m.portNo, queues });
      return null;
    }

    // --- statistics -------------------------------------------------------------------
    case OfType.DESC_STATS_REQUEST:
      c.send(descReply(m.xid, mgr.desc));
      return null;
    case OfType.FLOW_STATS_REQUEST:
      return sendStats(c, flowStatsReply(sw, m));
    case OfType.AGGREGATE_STATS_REQUEST:
      return sendStats(c, aggregateReply(sw, m));
    case OfType.TABLE_STATS_REQUEST:
      c.send(tableStatsReply(sw, m.xid));
      return null;
    case OfType.TABLE_FEATURES_STATS_REQUEST:
      if (m.tables.length > 0) return 'OFPTFFC_EPERM';
      c.send(tableFeaturesReply(sw, m.xid, c.version));
      return null;
    case OfType.PORT_STATS_REQUEST:
      c.send(portStatsReply(sw, m));
      return null;
    case OfType.PORT_DESC_STATS_REQUEST:
      c.send(portDescReply(sw, m));
      return null;
    case OfType.QUEUE_STATS_REQUEST:
      return sendStats(c, queueStatsReply(sw, m));
    case OfType.GROUP_STATS_REQUEST:
      c.send(groupStatsReply(sw, m));
      return null;
    case OfType.GROUP_DESC_STATS_REQUEST:
      c.send(groupDescReply(sw, m));
      return null;
    case OfType.GROUP_FEATURES_STATS_REQUEST:
      c.send(groupFeaturesReply(m.xid));
      return null;
    case OfType.METER_STATS_REQUEST:
    case OfType.METER_CONFIG_STATS_REQUEST:
      return sendStats(c, meterStatsReply(sw, m));
    case OfType.METER_FEATURES_STATS_REQUEST:
      c.send(meterFeaturesReply(m.xid));
      return null;
    case OfType.FLOW_MONITOR_STATS_REQUEST:
      return flowMonitor(mgr, c, m);

    // --- bundles ------------------------------------------------------------------------
    case OfType.BUNDLE_CONTROL:
      return rejectSecondary(c) ?? bundleControl(mgr, c, m, raw);
    case OfType.BUNDLE_ADD_MESSAGE:
      return rejectSecondary(c) ?? addToBundle(mgr, c, m, raw);

    default:
      // Replies and asynchronous messages make no sense sent to a switch.
      return 'OFPBRC_BAD_TYPE';
  }
}

function sendStats(c: OfConn, r: { ok: true; msg: OfMessage } | { ok: false; error: string }): Err {
  if (!r.ok) return r.error;
  c.send(r.msg);
  return null;
}

// --- switch features and configuration ------------------------------------------------------

/** OFPC_* capabilities per version: flow, table, port, queue stats (+ ARP_MATCH_IP in 1.0, group stats in 1.1+). */
function capabilities(version: number): number {
  const common = 0x1 | 0x2 | 0x4 | 0x40;
  return version === 1 ? common | 0x80 : common | 0x8;
}

function features(mgr: ConnMgr, c: OfConn, xid: number): Err {
  const v = c.version;
  c.send({
    type: OfType.FEATURES_REPLY,
    xid,
    datapathId: mgr.sw.datapathId,
    nBuffers: PKTBUF_CNT,
    nTables: mgr.sw.nVisibleTables,
    auxiliaryId: 0,
    capabilities: capabilities(v),
    // OF1.0 supported actions: output .. enqueue (OFPAT10 0-11).
    actions: v === 1 ? 0xfff : 0,
    ports: v === 1 ? mgr.sw.portDescs() : [],
  });
  return null;
}

/** OVS handle_set_config. */
function setConfig(mgr: ConnMgr, c: OfConn, m: SwitchConfigMsg): Err {
  if (c.type !== 'primary' || c.role !== OFPCR12_ROLE_SLAVE) {
    const mode = FRAG_MODES[m.flags & 3]!;
    if (mode === 'reassemble') mgr.log.warn(`${mgr.name}: unsupported fragment handling mode reassemble`);
    else mgr.sw.setFragHandling(mode);
  }
  // OFPC_INVALID_TTL_TO_CONTROLLER (1.1/1.2 only) is not representable in the versions tsovs speaks.
  c.missSendLen = m.missSendLen;
  return null;
}

// --- roles ------------------------------------------------------------------------------------

/** OVS handle_role_request. */
function role(mgr: ConnMgr, c: OfConn, m: RoleMsg): Err {
  if (m.role !== OFPCR12_ROLE_NOCHANGE) {
    const haveGen = !m.nx && (m.role === OFPCR12_ROLE_MASTER || m.role === OFPCR12_ROLE_SLAVE);
    if (m.role !== OFPCR12_ROLE_EQUAL && haveGen && !mgr.setGenerationId(m.generationId)) return 'OFPRRFC_STALE';
    mgr.setRole(c, m.role);
  }
  c.send({ type: OfType.ROLE_REPLY, xid: m.xid, nx: m.nx, role: c.role, generationId: mgr.generationId ?? U64_MAX });
  return null;
}

// --- flow monitors -------------------------------------------------------------------------

/** OVS handle_flow_monitor_request: creates the monitors and replies with the initial rules. */
function flowMonitor(mgr: ConnMgr, c: OfConn, m: FlowMonitorRequestMsg): Err {
  for (const rq of m.requests) if (c.monitors.has(rq.id)) return 'OFPMOFC_MONITOR_EXISTS';
  const updates = [];
  const sw = mgr.sw;
  for (const rq of m.requests) {
    c.monitors.set(rq.id, rq);
    if (!(rq.flags & NXFMF_INITIAL)) continue;
    const r = sw.flows(
      criteriaFromRequest({ ...m, type: OfType.FLOW_STATS_REQUEST, nx: true, tableId: rq.tableId, outPort: rq.outPort, outGroup: rq.outGroup, cookie: 0n, cookieMask: 0n, match: rq.match }),
    );
    if (!r.ok) continue;
    const now = sw.now();
    for (const rule of r.value) {
      if (!looseMatch(rule.key, rule.mask, rq)) continue;
      updates.push(fullUpdate(NXFME_ADDED, rule.snapshot(now), 0, rule.actions, (rq.flags & NXFMF_ACTIONS) !== 0));
    }
  }
  c.send({ type: OfType.FLOW_MONITOR_STATS_REPLY, xid: m.xid, flags: 0, updates });
  return null;
}
