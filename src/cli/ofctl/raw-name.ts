/*
 * The names ovs-ofctl prints in a message's header line (OVS ofpraw_get_name): the raw
 * message form with the version infix dropped, statistics as "OFPST_PORT reply",
 * "NXST_FLOW request", vendor messages as "NXT_PACKET_IN2". Works from the header bytes
 * alone, plus ofpVersionSuffix (" (OF1.3)") and the "(xid=0x..)" part.
 */
import { NX_VENDOR_ID, ONF_VENDOR_ID, versionName } from '../../openflow/codec/index.js';

const T10 = [
  'HELLO', 'ERROR', 'ECHO_REQUEST', 'ECHO_REPLY', 'VENDOR', 'FEATURES_REQUEST', 'FEATURES_REPLY',
  'GET_CONFIG_REQUEST', 'GET_CONFIG_REPLY', 'SET_CONFIG', 'PACKET_IN', 'FLOW_REMOVED', 'PORT_STATUS',
  'PACKET_OUT', 'FLOW_MOD', 'PORT_MOD', 'STATS_REQUEST', 'STATS_REPLY', 'BARRIER_REQUEST', 'BARRIER_REPLY',
  'QUEUE_GET_CONFIG_REQUEST', 'QUEUE_GET_CONFIG_REPLY',
];
const T11 = [
  ...T10.slice(0, 15), 'GROUP_MOD', 'PORT_MOD', 'TABLE_MOD', 'STATS_REQUEST', 'STATS_REPLY',
  'BARRIER_REQUEST', 'BARRIER_REPLY', 'QUEUE_GET_CONFIG_REQUEST', 'QUEUE_GET_CONFIG_REPLY',
  'ROLE_REQUEST', 'ROLE_REPLY', 'GET_ASYNC_REQUEST', 'GET_ASYNC_REPLY', 'SET_ASYNC', 'METER_MOD',
  'ROLE_STATUS', 'TABLE_STATUS', 'REQUESTFORWARD', 'BUNDLE_CONTROL', 'BUNDLE_ADD_MESSAGE',
];
const ST = [
  'DESC', 'FLOW', 'AGGREGATE', 'TABLE', 'PORT', 'QUEUE', 'GROUP', 'GROUP_DESC', 'GROUP_FEATURES',
  'METER', 'METER_CONFIG', 'METER_FEATURES', 'TABLE_FEATURES', 'PORT_DESC', 'TABLE_DESC', 'QUEUE_DESC',
  'FLOW_MONITOR',
];
const NXT: Record<number, string> = {
  10: 'ROLE_REQUEST', 11: 'ROLE_REPLY', 12: 'SET_FLOW_FORMAT', 13: 'FLOW_MOD', 14: 'FLOW_REMOVED',
  15: 'FLOW_MOD_TABLE_ID', 16: 'SET_PACKET_IN_FORMAT', 17: 'PACKET_IN', 18: 'FLOW_AGE',
  19: 'SET_ASYNC_CONFIG', 20: 'SET_CONTROLLER_ID', 21: 'FLOW_MONITOR_CANCEL', 22: 'FLOW_MONITOR_PAUSED',
  23: 'FLOW_MONITOR_RESUMED', 24: 'TLV_TABLE_MOD', 25: 'TLV_TABLE_REQUEST', 26: 'TLV_TABLE_REPLY',
  27: 'SET_ASYNC_CONFIG2', 28: 'RESUME', 29: 'CT_FLUSH_ZONE', 30: 'PACKET_IN2', 31: 'GROUP_MOD',
  32: 'CT_FLUSH', 132: 'REQUESTFORWARD',
};
const NXST: Record<number, string> = {
  0: 'FLOW', 1: 'AGGREGATE', 2: 'FLOW_MONITOR', 3: 'IPFIX_BRIDGE', 4: 'IPFIX_FLOW', 7: 'GROUP',
  8: 'GROUP_DESC', 9: 'GROUP_FEATURES',
};
const ONFT: Record<number, string> = {
  1870: 'FLOW_MONITOR_CANCEL', 1871: 'FLOW_MONITOR_PAUSED', 1872: 'FLOW_MONITOR_RESUMED',
  1911: 'ROLE_STATUS', 2300: 'BUNDLE_CONTROL', 2301: 'BUNDLE_ADD_MESSAGE', 2350: 'REQUESTFORWARD',
};

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** The raw name of a message, or null when the header is not one OVS knows. */
export function rawName(b: Uint8Array): string | null {
  if (b.length < 8) return null;
  const version = b[0]!;
  const type = b[1]!;
  const table = version === 1 ? T10 : T11;
  const name = table[type];
  if (name === undefined) return null;
  if (name === 'VENDOR') {
    if (b.length < 16) return null;
    const vendor = u32(b, 8);
    const sub = u32(b, 12);
    if (vendor === NX_VENDOR_ID && NXT[sub]) return `NXT_${NXT[sub]}`;
    if (vendor === ONF_VENDOR_ID && ONFT[sub]) return `ONFT_${ONFT[sub]}`;
    return null;
  }
  if (name === 'STATS_REQUEST' || name === 'STATS_REPLY') {
    if (b.length < 12) return null;
    const kind = name === 'STATS_REQUEST' ? 'request' : 'reply';
    const stat = u16(b, 8);
    if (stat !== 0xffff) return ST[stat] !== undefined ? `OFPST_${ST[stat]} ${kind}` : null;
    const vo = version === 1 ? 12 : 16;
    if (b.length < vo + 8) return null;
    const vendor = u32(b, vo);
    const sub = u32(b, vo + 4);
    if (vendor === NX_VENDOR_ID && NXST[sub]) return `NXST_${NXST[sub]} ${kind}`;
    if (vendor === ONF_VENDOR_ID && sub === 1870) return `ONFST_FLOW_MONITOR ${kind}`;
    return null;
  }
  return `OFPT_${name}`;
}

/** " (OF1.3)" for every version but 1.0, as ofp_print_version. */
export function versionSuffix(version: number): string {
  return version === 1 ? '' : ` (${versionName(version)})`;
}

/** "NXST_FLOW reply (xid=0x4):" — the header line start for `b`. */
export function headerText(b: Uint8Array): string {
  const name = rawName(b) ?? `***unknown type ${b[1]}***`;
  return `${name}${versionSuffix(b[0]!)} (xid=0x${u32(b, 4).toString(16)}):`;
}
