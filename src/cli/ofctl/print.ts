/*
 * OpenFlow messages as ovs-ofctl prints them (OVS ofp_to_string): a header line such as
 * "OFPST_PORT reply (OF1.3) (xid=0x2):" followed by the message's own text. Covers what the
 * tools receive or send: features, config, port/flow/table/group/meter statistics and
 * descriptions, errors (with the offending request printed below), packet-ins, port status,
 * flow-removed, echo, and the modification messages embedded in error replies.
 */
import { formatOfpPort } from '../../flow/ofp-port.js';
import { OfpFail } from '../../openflow/codec/bytes.js';
import { decodeMessage, isDecodeError, OfType, type OfMessage } from '../../openflow/codec/index.js';
import { formatFlowMod } from '../../openflow/flow-syntax/flow-mod.js';
import { formatFlowStats, formatDuration } from '../../openflow/flow-syntax/flow-stats.js';
import { formatGroupDescs, formatGroupId, formatGroupMod, formatGroupStats } from './group-syntax.js';
import { formatMeterConfig, formatMeterFeatures, formatMeterId, formatMeterMod, formatMeterStats } from './meter-syntax.js';
import { formatFlowUpdate } from './monitor-syntax.js';
import { formatFlowRemoved, formatPacketIn, formatPacketOut, type NameMaps } from './print-packet.js';
import { formatActionBitmap, formatFeaturesReply, formatPhyPorts, formatPortMod, formatPortStats, formatPortStatus } from './print-port.js';
import { formatTableStats } from './print-table.js';
import { rawName, versionSuffix, headerText } from './raw-name.js';
import { bitNames, hexDump, printable } from './text.js';

export type { NameMaps } from './print-packet.js';

function queueName(q: number): string {
  return q >>> 0 === 0xffffffff ? 'ALL' : String(q >>> 0);
}

/** C's "%#x". */
function altHex(v: number): string {
  return v ? `0x${(v >>> 0).toString(16)}` : '0';
}

function bundleFlags(f: number): string {
  return bitNames(f, (b) => (b === 1 ? 'atomic' : b === 2 ? 'ordered' : null));
}

function statsFlags(b: Uint8Array): string {
  const t = b[1]!;
  const v = b[0]!;
  const isStat = v === 1 ? t === 16 || t === 17 : t === 18 || t === 19;
  if (!isStat || b.length < 12) return '';
  let flags = (b[10]! << 8) | b[11]!;
  if (!flags) return '';
  const isReq = v === 1 ? t === 16 : t === 18;
  let s = ' flags=';
  if ((!isReq || v >= 4) && flags & 1) {
    s += '[more]';
    flags &= ~1;
  }
  if (flags) s += `[***unknown flags 0x${flags.toString(16).padStart(4, '0')}***]`;
  return s;
}

/** The text after the header for a decoded message. */
function body(m: OfMessage, raw: Uint8Array, maps: NameMaps, verbosity: number): string {
  const version = raw[0]!;
  switch (m.type) {
    case OfType.ERROR: {
      let s = ` ${m.error ?? `***unknown error type ${m.errType} code ${m.errCode}***`}\n`;
      if (m.error === 'OFPHFC_INCOMPATIBLE' || m.error === 'OFPHFC_EPERM') s += printable(m.data);
      else s += ofpToString(m.data, maps, 1);
      return s;
    }
    case OfType.ECHO_REQUEST:
    case OfType.ECHO_REPLY: {
      let s = ` ${m.data.length} bytes of payload\n`;
      if (verbosity > 1) s += hexDump(m.data, 0, true);
      return s;
    }
    case OfType.FEATURES_REPLY:
      return formatFeaturesReply(m, version);
    case OfType.GET_CONFIG_REPLY:
    case OfType.SET_CONFIG: {
      const frag = ['normal', 'drop', 'reassemble', 'nx-match'][m.flags & 3];
      const ttl = version < 4 && m.flags & 4 ? ' invalid_ttl_to_controller' : '';
      return ` frags=${frag}${ttl} miss_send_len=${m.missSendLen}\n`;
    }
    case OfType.PACKET_IN:
    case OfType.RESUME:
      return formatPacketIn(m, maps, verbosity, version);
    case OfType.PACKET_OUT:
      return formatPacketOut(m, maps, verbosity);
    case OfType.FLOW_REMOVED:
      return formatFlowRemoved(m, maps);
    case OfType.PORT_STATUS:
      return formatPortStatus(m.reason, m.desc);
    case OfType.FLOW_MOD:
      return ' ' + formatFlowMod(m, { ports: maps.ports, tables: maps.tables, ofVersion: version });
    case OfType.PORT_MOD:
      return formatPortMod(m, maps.ports);
    case OfType.GROUP_MOD:
      return formatGroupMod(m, version, maps);
    case OfType.METER_MOD:
      return formatMeterMod(m);
    case OfType.DESC_STATS_REPLY:
      return `\nManufacturer: ${m.mfrDesc}\nHardware: ${m.hwDesc}\nSoftware: ${m.swDesc}\nSerial Num: ${m.serialNum}\nDP Description: ${m.dpDesc}\n`;
    case OfType.FLOW_STATS_REPLY:
      return m.entries
        .map((e) => '\n ' + formatFlowStats({ ...e, actions: e.actions }, { ports: maps.ports, tables: maps.tables }))
        .join('');
    case OfType.AGGREGATE_STATS_REPLY:
      return ` packet_count=${m.packetCount} byte_count=${m.byteCount} flow_count=${m.flowCount}`;
    case OfType.PORT_STATS_REQUEST:
      return ` port_no=${formatOfpPort(m.portNo, maps.ports)}`;
    case OfType.PORT_DESC_STATS_REQUEST:
      return ` port=${formatOfpPort(m.portNo, maps.ports)}`;
    case OfType.PORT_STATS_REPLY: {
      let s = ` ${m.entries.length} ports\n`;
      for (const e of m.entries) s += formatPortStats(e, maps.ports);
      return s;
    }
    case OfType.PORT_DESC_STATS_REPLY:
      return '\n' + formatPhyPorts(m.ports);
    case OfType.TABLE_STATS_REPLY:
      return formatTableStats(m.entries, version);
    case OfType.GROUP_STATS_REQUEST:
      return ` group_id=${formatGroupId(m.groupId)}`;
    case OfType.GROUP_DESC_STATS_REQUEST:
      return version >= 6 ? ` group_id=${formatGroupId(m.groupId)}` : '';
    case OfType.GROUP_STATS_REPLY:
      return formatGroupStats(m.entries);
    case OfType.GROUP_DESC_STATS_REPLY:
      return formatGroupDescs(m.entries, version, maps);
    case OfType.GROUP_FEATURES_STATS_REPLY: {
      let s = `\n Group table:\n    Types:  0x${m.types.toString(16)}\n    Capabilities:  0x${m.capabilities.toString(16)}\n`;
      const names = ['all', 'select', 'indirect', 'fast failover'];
      for (let i = 0; i < 4; i++) {
        if (m.types & (1 << i)) {
          s += `    ${names[i]} group:\n       max_groups=0x${(m.maxGroups[i] ?? 0).toString(16)}\n`;
          s += `       actions: ${formatActionBitmap(m.actions[i] ?? 0, version)}\n`;
        }
      }
      return s;
    }
    case OfType.METER_STATS_REQUEST:
    case OfType.METER_CONFIG_STATS_REQUEST:
      return ' ' + formatMeterId(m.meterId, '=');
    case OfType.METER_CONFIG_STATS_REPLY:
      return m.entries.map((e) => '\n' + formatMeterConfig(e)).join('');
    case OfType.METER_STATS_REPLY:
      return m.entries.map((e) => '\n' + formatMeterStats(e)).join('');
    case OfType.METER_FEATURES_STATS_REPLY:
      return formatMeterFeatures(m);
    case OfType.SET_FLOW_FORMAT:
      return ` format=${m.format === 0 ? 'openflow10' : m.format === 2 ? 'nxm' : '(unknown)'}`;
    case OfType.FLOW_MOD_TABLE_ID:
      return ` ${m.enable ? 'enable' : 'disable'}`;
    case OfType.SET_PACKET_IN_FORMAT:
      return ` format=${['standard', 'nxt_packet_in', 'nxt_packet_in2'][m.format] ?? String(m.format)}`;
    case OfType.ROLE_REQUEST:
    case OfType.ROLE_REPLY: {
      const roles = ['nochange', 'equal', 'master', 'slave'];
      let s = ` role=${roles[m.role] ?? String(m.role)}`;
      if (m.generationId !== 0xffffffffffffffffn) s += ` generation_id=${m.generationId}`;
      return s;
    }
    case OfType.QUEUE_STATS_REQUEST:
      return ` port=${formatOfpPort(version === 1 && m.portNo === 0xfffc ? 0xffff : m.portNo, maps.ports)} queue=${queueName(m.queueId)}`;
    case OfType.QUEUE_STATS_REPLY: {
      let s = ` ${m.entries.length} queues\n`;
      if (verbosity < 1) return s;
      const st = (v: bigint): string => (v === 0xffffffffffffffffn ? '?' : v.toString());
      for (const q of m.entries) {
        s += `  port ${formatOfpPort(q.portNo, maps.ports)} queue ${queueName(q.queueId)}: bytes=${st(q.txBytes)}, pkts=${st(q.txPackets)}, errors=${st(q.txErrors)}, `;
        s += `duration=${q.durationSec >>> 0 !== 0xffffffff ? formatDuration(q.durationSec, q.durationNsec) : '?'}\n`;
      }
      return s;
    }
    case OfType.QUEUE_GET_CONFIG_REQUEST:
      return ` port=${formatOfpPort(m.portNo, maps.ports)}`;
    case OfType.QUEUE_GET_CONFIG_REPLY: {
      const qs = [...m.queues].sort((a, b) => (a.portNo & 0xffff) - (b.portNo & 0xffff) || (a.queueId >>> 0) - (b.queueId >>> 0));
      const rate = (name: string, r: number): string => (r <= 1000 ? ` ${name}:${Math.floor(r / 10)}.${r % 10}%` : r < 0xffff ? ` ${name}:(disabled)` : '');
      let s = ' ';
      let port = 0;
      for (const q of qs) {
        if (q.portNo !== port) {
          port = q.portNo;
          s += `port=${formatOfpPort(port, maps.ports)}\n`;
        }
        s += `queue ${q.queueId >>> 0}:${rate('min_rate', q.minRate)}${rate('max_rate', q.maxRate)}\n`;
      }
      return s;
    }
    case OfType.FLOW_MONITOR_STATS_REPLY:
      return m.updates.map((u) => formatFlowUpdate(u, maps.ports, maps.tables)).join('');
    case OfType.FLOW_MONITOR_CANCEL:
      return ` id=${m.id}`;
    case OfType.CT_FLUSH_ZONE:
      return ` zone_id=${m.zoneId}`;
    case OfType.BUNDLE_CONTROL: {
      const types = ['OPEN_REQUEST', 'OPEN_REPLY', 'CLOSE_REQUEST', 'CLOSE_REPLY', 'COMMIT_REQUEST', 'COMMIT_REPLY', 'DISCARD_REQUEST', 'DISCARD_REPLY'];
      return `\n bundle_id=${altHex(m.bundleId)} type=${types[m.ctrlType] ?? ''} flags=${bundleFlags(m.flags)}`;
    }
    case OfType.BUNDLE_ADD_MESSAGE:
      return `\n bundle_id=${altHex(m.bundleId)} flags=${bundleFlags(m.flags)}\n` + ofpToString(m.message, maps, verbosity);
    case OfType.FLOW_STATS_REQUEST:
    case OfType.AGGREGATE_STATS_REQUEST:
      return '';
    default:
      return '';
  }
}

/**
 * `raw` as ovs-ofctl prints it at `verbosity` (OVS's ofp_to_string), always ending in a
 * newline. Messages the codec cannot decode print their error and a hex dump.
 */
export function ofpToString(raw: Uint8Array, maps: NameMaps = {}, verbosity = 1): string {
  if (raw.length === 0) return 'OpenFlow message is empty\n';
  if (raw.length < 8) return `OpenFlow packet too short (only ${raw.length} bytes):\n` + hexDump(raw, 0, true);
  const len = (raw[2]! << 8) | raw[3]!;
  if (len > raw.length) {
    let s = rawName(raw) !== null ? headerText(raw) + '\n' : '';
    s += `(***truncated to ${raw.length} bytes from ${len}***)\n`;
    return s + hexDump(raw, 0, true);
  }
  if (len < raw.length) return `(***only uses ${len} bytes out of ${raw.length}***)\n` + hexDump(raw, 0, true);
  let s: string;
  const d = decodeMessage(raw, { flowModTableId: raw[0] === 1 });
  if (rawName(raw) === null) {
    s = `***decode error: ${isDecodeError(d) ? d.error : 'OFPBRC_BAD_TYPE'}***\n` + hexDump(raw, 0, true);
  } else if (isDecodeError(d)) {
    s = headerText(raw) + statsFlags(raw) + ` ***decode error: ${d.error}***\n` + hexDump(raw, 0, true);
  } else {
    let text: string;
    try {
      text = body(d, raw, maps, verbosity);
    } catch (e) {
      // Parts decoded only for printing (a packet-in's continuation) fail as OVS's decode does.
      if (!(e instanceof OfpFail)) throw e;
      return headerText(raw) + statsFlags(raw) + ` ***decode error: ${e.code}***\n` + hexDump(raw, 0, true);
    }
    s = headerText(raw) + statsFlags(raw) + text;
    if (s.endsWith(' ')) s = s.slice(0, -1);
    if (verbosity >= 5) s += (s.endsWith('\n') ? '' : '\n') + hexDump(raw, 0, true);
  }
  return s.endsWith('\n') ? s : s + '\n';
}

export { versionSuffix, formatDuration };
