/*
 * The dump-flows line (OVS's ofputil_flow_stats_format): "cookie=0x0, duration=0.036s,
 * table=0, n_packets=1, n_bytes=106, idle_age=0, priority=100,in_port=1 actions=output:2".
 * ovs-ofctl prints each such line after one space.
 */

import { formatMatch } from '../../flow/match-format.js';
import type { Match } from '../../flow/match.js';
import { formatTableId, type PortMap, type TableMap } from '../../flow/ofp-port.js';
import type { OfpAction } from '../../ofproto/ofp-actions.js';
import { formatActions } from './actions-format.js';
import { formatFlowModFlags } from './flow-mod.js';

export interface FlowStats {
  tableId: number;
  durationSec: number;
  durationNsec: number;
  priority: number;
  idleTimeout: number;
  hardTimeout: number;
  /** FlowModFlags bits. */
  flags: number;
  importance: number;
  cookie: bigint;
  /** Counts; a negative value (unknown) prints as "?". */
  packetCount: bigint | number;
  byteCount: bigint | number;
  /** Seconds since last hit / since last modification; negative when the protocol does not carry them. */
  idleAge: number;
  hardAge: number;
  match: Match;
  actions: readonly OfpAction[];
}

export interface FlowStatsFormatOptions {
  ports?: PortMap;
  tables?: TableMap;
  /** Include duration, counters and ages (default true; --no-stats turns it off). */
  showStats?: boolean;
}

/** OVS's ofp_print_duration: "5s", "0.036s", or as many decimals as the nanoseconds need. */
export function formatDuration(sec: number, nsec: number): string {
  let s = String(sec >>> 0);
  if (nsec > 0) {
    const msec = Math.floor(nsec / 1000000);
    if (msec * 1000000 === nsec) s += '.' + String(msec).padStart(3, '0');
    else s += '.' + String(nsec).padStart(9, '0').replace(/0+$/, '');
  }
  return s + 's';
}

function stat(v: bigint | number): string {
  if (typeof v === 'number') return v < 0 ? '?' : String(v);
  return v < 0n || v === 0xffffffffffffffffn ? '?' : v.toString();
}

/** One dump-flows line, without the leading space ovs-ofctl puts before it. */
export function formatFlowStats(fs: FlowStats, o: FlowStatsFormatOptions = {}): string {
  const show = o.showStats ?? true;
  let s = '';
  if (show || fs.cookie !== 0n) s += `cookie=0x${fs.cookie.toString(16)}, `;
  if (show) s += `duration=${formatDuration(fs.durationSec, fs.durationNsec)}, `;
  if (show || fs.tableId !== 0 || o.tables?.byNumber?.(fs.tableId) !== undefined) {
    s += `table=${formatTableId(fs.tableId, o.tables)}, `;
  }
  if (show) s += `n_packets=${stat(fs.packetCount)}, n_bytes=${stat(fs.byteCount)}, `;
  if (fs.idleTimeout !== 0) s += `idle_timeout=${fs.idleTimeout}, `;
  if (fs.hardTimeout !== 0) s += `hard_timeout=${fs.hardTimeout}, `;
  if (fs.flags) s += formatFlowModFlags(fs.flags);
  if (fs.importance !== 0) s += `importance=${fs.importance}, `;
  if (show && fs.idleAge >= 0) s += `idle_age=${fs.idleAge}, `;
  if (show && fs.hardAge >= 0 && fs.hardAge !== fs.durationSec) s += `hard_age=${fs.hardAge}, `;
  const m = formatMatch(fs.match, { priority: fs.priority, ports: o.ports });
  if (m !== '') s += m + ' ';
  return s + 'actions=' + formatActions(fs.actions, { ports: o.ports, tables: o.tables });
}
