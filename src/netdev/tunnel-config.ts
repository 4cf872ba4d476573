/*
 * Options of the UDP tunnel ports (vxlan, geneve) with OVS's names and defaults:
 *   remote_ip=IP|flow   (required; IPv4 or IPv6; `flow`: taken from the packet's tunnel
 *                        metadata, set by a set(tunnel(...)) datapath action)
 *   local_ip=IP|flow    address to receive on / report as tun_dst (default: any); with a
 *                        fixed remote_ip it must be of the same address family
 *   key=N|flow          VNI for both directions (default 0); in_key / out_key set one direction
 *   dst_port=N          UDP port (default 4789 for vxlan, 6081 for geneve)
 *   ttl=N               outer TTL / IPv6 hop limit (default 64)
 *   tos=0, df_default, csum   as OVS spells them (Node's UDP sockets cannot set TOS or
 *                        traffic class, so only tos=0 is accepted; df and csum only show in
 *                        the tunnel flags ofproto puts in set(tunnel(...)))
 *   exts=gbp            (vxlan) Group Based Policy extension
 * The address family decides the sockets: IPv4 for an IPv4 remote or local address, IPv6
 * for IPv6 ones, both when remote_ip=flow has no fixed local_ip (the flow then picks).
 * Nothing here imports Node: ofproto reads the config when it translates output to a tunnel.
 */
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../packet/addr.js';
import { GENEVE_DEFAULT_PORT, VXLAN_DEFAULT_PORT } from '../packet/constants.js';
import { checkOptions, intOption, type Options } from './options.js';

/** Marks an option given as `flow`. */
export const FLOW = -1;

/** OVS's tri-state csum option (NETDEV_TNL_CSUM_*): the default means "on for IPv6". */
export const CSUM_DEFAULT = 0;
export const CSUM_ENABLED = 1;
export const CSUM_DISABLED = 2;

export interface TunnelConfig {
  /** Outer address family: 4, 6, or 0 (remote_ip=flow without a fixed local_ip: either, by the flow). */
  family: 0 | 4 | 6;
  /** IPv4 remote as an unsigned 32-bit number, FLOW, or 0 when the remote is IPv6. */
  remoteIp: number;
  /** IPv6 remote (4 network-order words), or null. */
  remoteIp6: Uint32Array | null;
  /** IPv4 local address, FLOW, or 0 (any, or an IPv6 local_ip). */
  localIp: number;
  /** IPv6 local address (4 network-order words), or null. */
  localIp6: Uint32Array | null;
  /** 24-bit VNI or FLOW. */
  inKey: number;
  outKey: number;
  /** key or in_key / out_key was given (OVS in_key_present, out_key_present: the KEY flag on send). */
  inKeyPresent: boolean;
  outKeyPresent: boolean;
  dstPort: number;
  ttl: number;
  /** df_default (default true): the DF flag of set(tunnel(...)). */
  dontFragment: boolean;
  /** CSUM_DEFAULT, CSUM_ENABLED or CSUM_DISABLED. */
  csum: number;
  gbp: boolean;
}

/** A provider that is a tunnel port exposes its configuration (OVS netdev_get_tunnel_config). */
export interface TunnelConfigSource {
  readonly tunnelConfig: TunnelConfig;
}

/** The tunnel configuration of a netdev, or null when it is not a tunnel port. */
export function tunnelConfigOf(netdev: object | null): TunnelConfig | null {
  if (netdev === null || !('tunnelConfig' in netdev)) return null;
  return (netdev as TunnelConfigSource).tunnelConfig;
}

const KNOWN = ['remote_ip', 'local_ip', 'key', 'in_key', 'out_key', 'dst_port', 'ttl', 'tos', 'df_default', 'csum', 'exts'];

/** A parsed remote_ip / local_ip: family 0 for `flow` or absent. */
interface IpOpt {
  family: 0 | 4 | 6;
  flow: boolean;
  v4: number;
  v6: Uint32Array | null;
}

function ipOption(name: string, options: Options, key: string, required: boolean): IpOpt {
  const v = options[key];
  if (v === undefined || v === '') {
    if (required) throw new Error(`${name}: tunnel interface needs options:${key}`);
    return { family: 0, flow: false, v4: 0, v6: null };
  }
  if (v === 'flow') return { family: 0, flow: true, v4: FLOW, v6: null };
  const remote = key === 'remote_ip';
  if (v.includes(':')) {
    const w = new Uint32Array(4);
    if (!parseIpv6(v, w)) throw new Error(`${name}: options:${key}=${v} is not an IPv4 or IPv6 address`);
    if ((w[0]! | w[1]! | w[2]! | w[3]!) === 0) throw new Error(`${name}: options:${key}=${v} is not a usable address`);
    if (remote && w[0]! >>> 24 === 0xff) throw new Error(`${name}: multicast remote_ip=${v} not allowed`);
    // An IPv4-mapped address is the IPv4 address (OVS keeps every address as IPv6 and maps back).
    if (w[0] === 0 && w[1] === 0 && w[2] === 0xffff) return { family: 4, flow: false, v4: w[3]! >>> 0, v6: null };
    return { family: 6, flow: false, v4: 0, v6: w };
  }
  const ip = parseIpv4(v);
  if (ip === null) throw new Error(`${name}: options:${key}=${v} is not an IPv4 or IPv6 address`);
  if (remote && ip >>> 28 === 0xe) throw new Error(`${name}: multicast remote_ip=${v} not allowed`);
  return { family: 4, flow: false, v4: ip >>> 0, v6: null };
}

function keyOption(name: string, options: Options, key: string, def: number): number {
  const v = options[key];
  if (v === undefined || v === '') return def;
  if (v === 'flow') return FLOW;
  return intOption(name, options, key, 0, 0, 0xffffff);
}

function present(options: Options, key: string): boolean {
  const v = options[key];
  return v !== undefined && v !== '';
}

export function parseTunnelConfig(name: string, type: 'vxlan' | 'geneve', options: Options, defaultPort: number): TunnelConfig {
  checkOptions(name, type, options, type === 'vxlan' ? KNOWN : KNOWN.filter((k) => k !== 'exts'));
  const key = keyOption(name, options, 'key', 0);
  const tos = options['tos'];
  if (tos !== undefined && tos !== '' && tos !== '0') {
    throw new Error(`${name}: options:tos=${tos} is not supported (Node UDP sockets cannot set the outer TOS or traffic class)`);
  }
  const exts = options['exts'];
  if (exts !== undefined && exts !== '' && exts !== 'gbp') throw new Error(`${name}: options:exts=${exts}: only gbp is supported`);
  const remote = ipOption(name, options, 'remote_ip', true);
  const local = ipOption(name, options, 'local_ip', false);
  if (local.flow && !remote.flow) throw new Error(`${name}: ${type} type requires 'remote_ip=flow' with 'local_ip=flow'`);
  if (remote.family !== 0 && local.family !== 0 && remote.family !== local.family) {
    throw new Error(`${name}: 'remote_ip' and 'local_ip' has to be of the same address family`);
  }
  const csum = options['csum'];
  return {
    family: remote.family !== 0 ? remote.family : local.family,
    remoteIp: remote.v4,
    remoteIp6: remote.v6,
    localIp: local.v4,
    localIp6: local.v6,
    inKey: keyOption(name, options, 'in_key', key),
    outKey: keyOption(name, options, 'out_key', key),
    inKeyPresent: present(options, 'in_key') || present(options, 'key'),
    outKeyPresent: present(options, 'out_key') || present(options, 'key'),
    dstPort: intOption(name, options, 'dst_port', defaultPort, 1, 65535),
    ttl: intOption(name, options, 'ttl', 64, 1, 255),
    dontFragment: options['df_default'] !== 'false',
    csum: csum === 'true' ? CSUM_ENABLED : csum === 'false' ? CSUM_DISABLED : CSUM_DEFAULT,
    gbp: exts === 'gbp',
  };
}

/** True when `a` (4 words) equals `b`; null equals only null. */
export function sameIp6(a: Uint32Array | null, b: Uint32Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/**
 * The configuration as OVS's dpif/show prints it (netdev get_config of a tunnel: only what
 * differs from the defaults, sorted by name), e.g. "key=5, remote_ip=fd00::2".
 */
export function formatTunnelConfig(type: string, c: TunnelConfig): string {
  const defaultPort = type === 'geneve' ? GENEVE_DEFAULT_PORT : VXLAN_DEFAULT_PORT;
  const a: Array<[string, string]> = [];
  const ip = (v4: number, v6: Uint32Array | null): string => (v6 !== null ? formatIpv6(v6) : formatIpv4(v4));
  if (c.remoteIp === FLOW) a.push(['remote_ip', 'flow']);
  else a.push(['remote_ip', ip(c.remoteIp, c.remoteIp6)]);
  if (c.localIp === FLOW) a.push(['local_ip', 'flow']);
  else if (c.localIp !== 0 || c.localIp6 !== null) a.push(['local_ip', ip(c.localIp, c.localIp6)]);
  const key = (k: number): string => (k === FLOW ? 'flow' : String(k));
  if (c.inKey === FLOW && c.outKey === FLOW) a.push(['key', 'flow']);
  else if (c.inKeyPresent && c.outKeyPresent && c.inKey === c.outKey) a.push(['key', key(c.inKey)]);
  else {
    if (c.inKeyPresent) a.push(['in_key', key(c.inKey)]);
    if (c.outKeyPresent) a.push(['out_key', key(c.outKey)]);
  }
  if (c.ttl !== 64) a.push(['ttl', String(c.ttl)]);
  if (c.dstPort !== defaultPort) a.push(['dst_port', String(c.dstPort)]);
  if (c.csum === CSUM_ENABLED) a.push(['csum', 'true']);
  else if (c.csum === CSUM_DISABLED) a.push(['csum', 'false']);
  if (!c.dontFragment) a.push(['df_default', 'false']);
  a.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return a.map(([k, v]) => `${k}=${v}`).join(', ');
}
