/*
 * Text output of the datapath tools (`dpctl/dump-flows`, `dpctl/show`), in the shapes
 * ovs-dpctl and `ovs-appctl dpctl/...` print, shared by tsovs-dpctl, the daemon's appctl
 * commands and the demo. Pure formatting over Dpif: no I/O here.
 */
import { formatDpKey } from '../flow/odp-key-format.js';
import { formatDpActions } from './odp-actions-format.js';
import type { Dpif, DpFlow, DpFlowStats } from './dpif.js';
import { formatUfid } from './datapath.js';

export interface DumpFlowsOptions {
  /** `-m`: ufid, every field with its mask, port names. */
  verbose?: boolean;
  /** Current time in the clock's milliseconds (for `used:`). */
  now: number;
  /** Datapath port number -> name (used in verbose output, as OVS does). */
  portName?: (portNo: number) => string | undefined;
  /** Decodes `userspace` userdata (ofproto's cookies) for printing. */
  userdataFormatter?: (u: Uint8Array) => string | undefined;
}

/** TCP flags as OVS's packet_format_tcp_flags prints them in flow stats (e.g. "S.", "FP."). */
export function formatStatsTcpFlags(flags: number): string {
  if (flags === 0) return 'none';
  let s = '';
  if (flags & 0x002) s += 'S';
  if (flags & 0x001) s += 'F';
  if (flags & 0x008) s += 'P';
  if (flags & 0x004) s += 'R';
  if (flags & 0x020) s += 'U';
  if (flags & 0x010) s += '.';
  if (flags & 0x040) s += 'E';
  if (flags & 0x080) s += 'C';
  if (flags & 0x100) s += 'N';
  return s;
}

/** `packets:N, bytes:N, used:0.008s|never[, flags:S.]` as dpif_flow_stats_format prints. */
export function formatDpFlowStats(st: DpFlowStats, now: number): string {
  const used = st.used === 0 ? 'never' : `${(Math.max(0, now - st.used) / 1000).toFixed(3)}s`;
  let s = `packets:${st.packets}, bytes:${st.bytes}, used:${used}`;
  if (st.tcpFlags !== 0) s += `, flags:${formatStatsTcpFlags(st.tcpFlags)}`;
  return s;
}

/** One flow as a dump-flows line. */
export function formatDpFlowLine(f: DpFlow, o: DumpFlowsOptions): string {
  const names = o.verbose === true ? o.portName : undefined;
  const key = formatDpKey(f.key, f.mask, { verbose: o.verbose === true, ...(names ? { portName: names } : {}) });
  const actions = formatDpActions(f.actions, {
    ...(names ? { portName: names } : {}),
    ...(o.userdataFormatter ? { userdataFormatter: o.userdataFormatter } : {}),
  });
  const head = o.verbose === true ? `ufid:${formatUfid(f.ufid)}, ` : '';
  return `${head}${key}, ${formatDpFlowStats(f.stats, o.now)}, actions:${actions}`;
}

/** `dpctl/dump-flows`: every datapath flow, one per line, after OVS's dpif-netdev header. */
export function formatDumpFlows(dpif: Dpif, o: DumpFlowsOptions): string {
  const lines = ['flow-dump from the main thread:'];
  for (const f of dpif.flowDump()) lines.push(formatDpFlowLine(f, o));
  return lines.join('\n') + '\n';
}

/** `dpctl/show`: the datapath, its counters and ports, as ovs-dpctl show prints. */
export function formatDpctlShow(dpif: Dpif): string {
  const st = dpif.getStats();
  const hitPerPkt = st.nHit + st.nMissed > 0 ? st.nMaskHit / (st.nHit + st.nMissed) : 0;
  const lines = [
    `${dpif.type}@${dpif.name}:`,
    `  lookups: hit:${st.nHit} missed:${st.nMissed} lost:${st.nLost}`,
    `  flows: ${st.nFlows}`,
    `  masks: hit:${st.nMaskHit} total:${st.nMasks} hit/pkt:${hitPerPkt.toFixed(2)}`,
    `  cache: hit:${st.nCacheHit} hit-rate:${st.nHit + st.nMissed > 0 ? ((100 * st.nCacheHit) / (st.nHit + st.nMissed)).toFixed(2) : '0.00'}%`,
  ];
  for (const p of dpif.portDump()) {
    const type = p.type === 'system' ? '' : ` (${p.type})`;
    lines.push(`  port ${p.portNo}: ${p.name}${type}`);
  }
  return lines.join('\n') + '\n';
}
