/*
 * ovs-ofctl's text for packet-in, packet-out and flow-removed messages, and for a packet's
 * contents (OVS ofp_packet_to_string: the extracted flow plus the L4 checksum).
 */
import { extract } from '../../flow/extract.js';
import { getNwProto, newFlowKey } from '../../flow/layout.js';
import { formatMatch } from '../../flow/match-format.js';
import { formatTableId, type PortMap, type TableMap } from '../../flow/ofp-port.js';
import { formatFlow } from '../../ofproto/trace.js';
import { Packet } from '../../packet/packet.js';
import type { FlowRemovedMsg, PacketInMsg, PacketOutMsg } from '../../openflow/codec/index.js';
import { formatActions, packetInReasonName } from '../../openflow/flow-syntax/actions-format.js';
import { formatDuration } from '../../openflow/flow-syntax/flow-stats.js';
import { hexDump, hexString } from './text.js';
import { formatUuid, type Continuation } from '../../ofproto/continuation.js';
import { decodeContinuation } from '../../openflow/codec/continuation.js';

export interface NameMaps {
  ports?: PortMap;
  tables?: TableMap;
}

function hex16(b: Uint8Array, o: number): string {
  return ((b[o]! << 8) | b[o + 1]!).toString(16);
}

/** A packet as OVS prints it: its flow fields, then the L4 checksum, then a newline. */
export function packetToString(data: Uint8Array): string {
  const p = Packet.from(data);
  const key = newFlowKey();
  extract(p, key);
  let s = formatFlow(key);
  const l4 = p.l4Ofs;
  if (l4 >= 0) {
    const b = p.bytes();
    const size = b.length - l4;
    const proto = getNwProto(key);
    if (proto === 6 && size >= 20) s += ` tcp_csum:${hex16(b, l4 + 16)}`;
    else if (proto === 17 && size >= 8) s += ` udp_csum:${hex16(b, l4 + 6)}`;
    else if (proto === 132 && size >= 12) s += ` sctp_csum:${(((b[l4 + 8]! << 24) | (b[l4 + 9]! << 16) | (b[l4 + 10]! << 8) | b[l4 + 11]!) >>> 0).toString(16)}`;
    else if (proto === 1 && size >= 8) s += ` icmp_csum:${hex16(b, l4 + 2)}`;
    else if (proto === 58 && size >= 4) s += ` icmp6_csum:${hex16(b, l4 + 2)}`;
  }
  return s + '\n';
}

/** What packet-in and NXT_RESUME text is made of. */
export type PacketInFields = Pick<PacketInMsg, 'tableId' | 'cookie' | 'totalLen' | 'match' | 'reason' | 'data' | 'bufferId' | 'userdata' | 'continuation'>;

/**
 * The body of a packet-in or NXT_RESUME after its header text (OVS
 * ofputil_packet_in_private_format), the continuation decoded loosely in `version` (a
 * malformed one throws its OfpFail, which the caller prints as a decode error, as OVS).
 */
export function formatPacketIn(m: PacketInFields, maps: NameMaps, verbosity: number, version = 1): string {
  let s = '';
  if (m.tableId || maps.tables?.byNumber?.(m.tableId) !== undefined) s += ` table_id=${formatTableId(m.tableId, maps.tables)}`;
  if (m.cookie !== 0xffffffffffffffffn) s += ` cookie=0x${m.cookie.toString(16)}`;
  s += ` total_len=${m.totalLen} `;
  s += formatMatch(m.match, maps.ports ? { ports: maps.ports } : {});
  s += ` (via ${packetInReasonName(m.reason)}) data_len=${m.data.length}`;
  if (m.bufferId >>> 0 === 0xffffffff) {
    s += ' (unbuffered)';
    if (m.totalLen !== m.data.length) s += ' (***total_len != data_len***)';
  } else {
    s += ` buffer=0x${(m.bufferId >>> 0).toString(16).padStart(8, '0')}`;
    if (m.totalLen < m.data.length) s += ' (***total_len < data_len***)';
  }
  s += '\n';
  if (m.userdata && m.userdata.length) s += ` userdata=${formatHexArg(m.userdata)}\n`;
  if (m.continuation && m.continuation.length) s += formatContinuation(decodeContinuation(m.continuation, version, true), maps);
  if (verbosity > 0) s += packetToString(m.data);
  if (verbosity > 2) s += hexDump(m.data, 0, false);
  return s;
}

/** OVS ds_put_hex of a stack value: "0x" and the bytes without leading zeros, "0" when all zero. */
function stackValueText(v: Uint8Array): string {
  let i = 0;
  while (i < v.length && v[i] === 0) i++;
  if (i === v.length) return '0';
  let s = '0x' + v[i]!.toString(16);
  for (i++; i < v.length; i++) s += v[i]!.toString(16).padStart(2, '0');
  return s;
}

/** The continuation lines of a packet-in (OVS ofputil_packet_in_private_format). */
function formatContinuation(c: Continuation, maps: NameMaps): string {
  let s = '';
  if (c.bridge.some((b) => b !== 0)) s += ` continuation.bridge=${formatUuid(c.bridge)}\n`;
  if (c.stack.length) {
    s += ' continuation.stack=(top)';
    for (let i = c.stack.length - 1; i >= 0; i--) s += ' ' + stackValueText(c.stack[i]!);
    s += ' (bottom)\n';
  }
  if (c.mirrors) s += ` continuation.mirrors=0x${(c.mirrors >>> 0).toString(16)}\n`;
  if (c.conntracked) s += ' continuation.conntracked=true\n';
  const fmt = { ports: maps.ports, tables: maps.tables };
  if (c.actions.length) {
    const parts: string[] = [];
    for (const g of c.actions) {
      if (g.unroll) parts.push(`unroll_xlate(table=${formatTableId(g.unroll.tableId, maps.tables)}, cookie=${BigInt.asUintN(64, g.unroll.cookie)})`);
      if (g.actions.length) parts.push(formatActions(g.actions, fmt));
    }
    s += ` continuation.actions=${parts.join(',')}\n`;
  }
  if (c.actionSet.length) s += ` continuation.action_set=${formatActions(c.actionSet, fmt)}\n`;
  if (c.odpPort) s += ` continuation.odp_port=${c.odpPort >>> 0}\n`;
  return s;
}

/** OVS format_hex_arg: "01.02.03". */
function formatHexArg(b: Uint8Array): string {
  return hexString(b).replace(/(..)(?=.)/g, '$1.');
}

export function formatPacketOut(m: PacketOutMsg, maps: NameMaps, verbosity: number): string {
  let s = ' ' + formatMatch(m.match, maps.ports ? { ports: maps.ports } : {});
  s += ' actions=' + formatActions(m.actions, { ports: maps.ports, tables: maps.tables });
  if (m.bufferId >>> 0 === 0xffffffff) {
    s += ` data_len=${m.data.length}`;
    if (verbosity > 0 && m.data.length > 0) s += '\n' + packetToString(m.data);
    if (verbosity > 2) s += hexDump(m.data, 0, false);
  } else {
    s += ` buffer=0x${(m.bufferId >>> 0).toString(16).padStart(8, '0')}`;
  }
  return s;
}

const REMOVED_REASONS = ['idle', 'hard', 'delete', 'group_delete', 'eviction', 'meter_delete'];

export function formatFlowRemoved(m: FlowRemovedMsg, maps: NameMaps): string {
  let s = ' ' + formatMatch(m.match, { priority: m.priority, ...(maps.ports ? { ports: maps.ports } : {}) });
  s += ` reason=${REMOVED_REASONS[m.reason] ?? String(m.reason)}`;
  if (m.tableId !== 255) s += ` table_id=${formatTableId(m.tableId, maps.tables)}`;
  if (m.cookie !== 0n) s += ` cookie:0x${m.cookie.toString(16)}`;
  s += ` duration${formatDuration(m.durationSec, m.durationNsec)} idle${m.idleTimeout}`;
  if (m.hardTimeout) s += ` hard${m.hardTimeout}`;
  return s + ` pkts${m.packetCount} bytes${m.byteCount}\n`;
}
