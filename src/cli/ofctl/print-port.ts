/*
 * ovs-ofctl's text for switch features, port descriptions, port status, port-mod and port
 * statistics (OVS ofputil_switch_features_format, ofputil_phy_port_format,
 * ofputil_format_port_stats, ofputil_port_mod_format).
 */
import { formatMac } from '../../packet/addr.js';
import { formatOfpPort, type PortMap } from '../../flow/ofp-port.js';
import type { FeaturesReplyMsg, PortDesc, PortModMsg, PortStatsEntry } from '../../openflow/codec/index.js';
import { formatDuration } from '../../openflow/flow-syntax/flow-stats.js';
import { bitNames } from './text.js';

const CONFIG_NAMES: Record<number, string> = {
  1: 'PORT_DOWN', 2: 'NO_STP', 4: 'NO_RECV', 8: 'NO_RECV_STP', 16: 'NO_FLOOD', 32: 'NO_FWD', 64: 'NO_PACKET_IN',
};
const STATE_NAMES: Record<number, string> = { 1: 'LINK_DOWN', 2: 'BLOCKED', 4: 'LIVE' };
const FEATURE_NAMES: Record<number, string> = {
  [1 << 0]: '10MB-HD', [1 << 1]: '10MB-FD', [1 << 2]: '100MB-HD', [1 << 3]: '100MB-FD', [1 << 4]: '1GB-HD',
  [1 << 5]: '1GB-FD', [1 << 6]: '10GB-FD', [1 << 7]: '40GB-FD', [1 << 8]: '100GB-FD', [1 << 9]: '1TB-FD',
  [1 << 10]: 'OTHER', [1 << 11]: 'COPPER', [1 << 12]: 'FIBER', [1 << 13]: 'AUTO_NEG', [1 << 14]: 'AUTO_PAUSE',
  [1 << 15]: 'AUTO_PAUSE_ASYM',
};
const CAPABILITY_NAMES: Record<number, string> = {
  [1 << 0]: 'FLOW_STATS', [1 << 1]: 'TABLE_STATS', [1 << 2]: 'PORT_STATS', [1 << 5]: 'IP_REASM', [1 << 6]: 'QUEUE_STATS',
  [1 << 7]: 'ARP_MATCH_IP', [1 << 3]: 'STP', [1 << 4]: 'GROUP_STATS', [1 << 8]: 'PORT_BLOCKED', [1 << 9]: 'BUNDLES',
  [1 << 10]: 'FLOW_MONITORING',
};

/** OpenFlow 1.0 actions bitmap (OFPAT10_*) as OVS names them, in OVS's ofpact order. */
const OF10_ACTIONS: ReadonlyArray<readonly [number, string]> = [
  [0, 'output'], [11, 'enqueue'], [1, 'set_vlan_vid'], [2, 'set_vlan_pcp'], [3, 'strip_vlan'], [4, 'mod_dl_src'],
  [5, 'mod_dl_dst'], [6, 'mod_nw_src'], [7, 'mod_nw_dst'], [8, 'mod_nw_tos'], [9, 'mod_tp_src'], [10, 'mod_tp_dst'],
];
/** OpenFlow 1.2+ actions bitmap (OFPAT12_*), in OVS's ofpact order. */
const OF12_ACTIONS: ReadonlyArray<readonly [number, string]> = [
  [0, 'output'], [22, 'group'], [25, 'set_field'], [18, 'strip_vlan'], [17, 'push_vlan'], [23, 'mod_nw_ttl'],
  [24, 'dec_ttl'], [15, 'set_mpls_ttl'], [16, 'dec_mpls_ttl'], [19, 'push_mpls'], [20, 'pop_mpls'], [21, 'set_queue'],
];

/** OVS ofpact_bitmap_format over a wire OFPAT bitmap of `version`. */
export function formatActionBitmap(bits: number, version: number): string {
  const names: string[] = [];
  for (const [bit, name] of version === 1 ? OF10_ACTIONS : OF12_ACTIONS) if ((bits >>> bit) & 1) names.push(name);
  return names.length ? names.join(' ') : '<none>';
}

export function formatPortConfig(config: number): string {
  return bitNames(config, (b) => CONFIG_NAMES[b] ?? null);
}

export function formatPortState(state: number): string {
  const stp = state & 0x300;
  const rest = state & ~0x300;
  const names = (x: number): string => bitNames(x, (b) => STATE_NAMES[b] ?? null);
  if (!stp) return names(rest);
  const s = stp === 0x100 ? 'STP_LEARN' : stp === 0x200 ? 'STP_FORWARD' : 'STP_BLOCK';
  return rest ? s + names(rest) : s;
}

export function formatFeatures(f: number): string {
  return bitNames(f, (b) => FEATURE_NAMES[b] ?? null);
}

/** Keeps the printable prefix of a port name, as OVS does. */
function portName(name: string): string {
  let i = 0;
  while (i < name.length && name.charCodeAt(i) >= 0x20 && name.charCodeAt(i) < 0x7f) i++;
  return name.slice(0, i);
}

/** One port description block (" 1(p1): addr:..." and its indented lines). */
export function formatPhyPort(p: PortDesc): string {
  let s = ` ${formatOfpPort(p.portNo)}(${portName(p.name)}): addr:${formatMac(p.hwAddr)}\n`;
  s += `     config:     ${formatPortConfig(p.config)}\n`;
  s += `     state:      ${formatPortState(p.state)}\n`;
  if (p.curr) s += `     current:    ${formatFeatures(p.curr)}\n`;
  if (p.advertised) s += `     advertised: ${formatFeatures(p.advertised)}\n`;
  if (p.supported) s += `     supported:  ${formatFeatures(p.supported)}\n`;
  if (p.peer) s += `     peer:       ${formatFeatures(p.peer)}\n`;
  s += `     speed: ${Math.floor(p.currSpeed / 1000)} Mbps now, ${Math.floor(p.maxSpeed / 1000)} Mbps max\n`;
  return s;
}

/** Port descriptions sorted by 16-bit port number (OVS ofputil_phy_ports_format). */
export function formatPhyPorts(ports: readonly PortDesc[]): string {
  return [...ports].sort((a, b) => (a.portNo & 0xffff) - (b.portNo & 0xffff)).map(formatPhyPort).join('');
}

/** Capabilities as OFPUTIL_C_* bits (OVS ofputil_pull_switch_features). */
function capabilityBits(wire: number, version: number): number {
  const common = 1 | 2 | 4 | 0x20 | 0x40;
  let c = wire & (version === 1 || version === 2 ? common | 0x80 : version <= 4 ? common | 0x100 : common | 0x100 | 0x200 | 0x400);
  if (version === 1) {
    if (wire & 8) c |= 8;
  } else if (wire & 8) {
    c |= 0x10;
  }
  return c >>> 0;
}

/** The body of OFPT_FEATURES_REPLY after its header text. */
export function formatFeaturesReply(m: FeaturesReplyMsg, version: number): string {
  let s = ` dpid:${m.datapathId.toString(16).padStart(16, '0')}\n`;
  s += `n_tables:${m.nTables}, n_buffers:${m.nBuffers}`;
  if (m.auxiliaryId) s += `, auxiliary_id:${m.auxiliaryId}`;
  s += '\n';
  s += `capabilities: ${bitNames(capabilityBits(m.capabilities, version), (b) => CAPABILITY_NAMES[b] ?? null)}\n`;
  if (version === 1 && m.actions) s += `actions: ${formatActionBitmap(m.actions, 1)}\n`;
  return s + formatPhyPorts(m.ports);
}

function stat(v: bigint): string {
  return v === 0xffffffffffffffffn || v < 0n ? '?' : v.toString();
}

/** One port's statistics (two or three lines). */
export function formatPortStats(ps: PortStatsEntry, ports?: PortMap): string {
  let s = '  port ';
  if ((ps.portNo & 0xffff) < 10) s += ' ';
  s += formatOfpPort(ps.portNo, ports);
  s += `: rx pkts=${stat(ps.rxPackets)}, bytes=${stat(ps.rxBytes)}, drop=${stat(ps.rxDropped)}, errs=${stat(ps.rxErrors)}, `;
  s += `frame=${stat(ps.rxFrameErr)}, over=${stat(ps.rxOverErr)}, crc=${stat(ps.rxCrcErr)}\n`;
  s += `           tx pkts=${stat(ps.txPackets)}, bytes=${stat(ps.txBytes)}, drop=${stat(ps.txDropped)}, errs=${stat(ps.txErrors)}, `;
  s += `coll=${stat(ps.collisions)}\n`;
  if (ps.durationSec >>> 0 !== 0xffffffff) s += `           duration=${formatDuration(ps.durationSec, ps.durationNsec)}\n`;
  return s;
}

export function formatPortStatus(reason: number, desc: PortDesc): string {
  const r = reason === 0 ? ' ADD:' : reason === 1 ? ' DEL:' : reason === 2 ? ' MOD:' : '';
  return r + formatPhyPort(desc);
}

export function formatPortMod(m: PortModMsg, ports?: PortMap): string {
  let s = ` port: ${formatOfpPort(m.portNo, ports)}: addr:${formatMac(m.hwAddr)}\n`;
  s += `     config: ${formatPortConfig(m.config)}\n`;
  s += `     mask:   ${formatPortConfig(m.mask)}\n`;
  s += `     advertise: ${m.advertise ? formatFeatures(m.advertise) : 'UNCHANGED'}\n`;
  return s;
}
