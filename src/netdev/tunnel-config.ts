/*
 * Options of the UDP tunnel ports (vxlan, geneve) with OVS's names and defaults:
 *   remote_ip=IP|flow   (required; `flow`: taken from the packet's tunnel metadata, set by a
 *                        set(tunnel(...)) datapath action)
 *   local_ip=IP|flow    address to receive on / report as tun_dst (default: any)
 *   key=N|flow          VNI for both directions (default 0); in_key / out_key set one direction
 *   dst_port=N          UDP port (default 4789 for vxlan, 6081 for geneve)
 *   ttl=N               outer TTL (default 64)
 *   tos=0, df_default, csum   accepted as OVS spells them (Node's UDP sockets cannot set TOS,
 *                        so only tos=0 is accepted)
 *   exts=gbp            (vxlan) Group Based Policy extension
 * Only IPv4 outer addresses are supported.
 */
import { parseIpv4 } from '../packet/addr.js';
import { checkOptions, intOption, type Options } from './options.js';

/** Marks an option given as `flow`. */
export const FLOW = -1;

export interface TunnelConfig {
  /** IPv4 as an unsigned 32-bit number, or FLOW. */
  remoteIp: number;
  /** IPv4, FLOW, or 0 (any). */
  localIp: number;
  /** 24-bit VNI or FLOW. */
  inKey: number;
  outKey: number;
  dstPort: number;
  ttl: number;
  gbp: boolean;
}

const KNOWN = ['remote_ip', 'local_ip', 'key', 'in_key', 'out_key', 'dst_port', 'ttl', 'tos', 'df_default', 'csum', 'exts'];

function ipOption(name: string, options: Options, key: string, required: boolean): number {
  const v = options[key];
  if (v === undefined || v === '') {
    if (required) throw new Error(`${name}: tunnel interface needs options:${key}`);
    return 0;
  }
  if (v === 'flow') return FLOW;
  if (v.includes(':')) throw new Error(`${name}: options:${key}=${v}: IPv6 tunnel endpoints are not supported`);
  const ip = parseIpv4(v);
  if (ip === null) throw new Error(`${name}: options:${key}=${v} is not an IPv4 address`);
  return ip >>> 0;
}

function keyOption(name: string, options: Options, key: string, def: number): number {
  const v = options[key];
  if (v === undefined || v === '') return def;
  if (v === 'flow') return FLOW;
  return intOption(name, options, key, 0, 0, 0xffffff);
}

export function parseTunnelConfig(name: string, type: 'vxlan' | 'geneve', options: Options, defaultPort: number): TunnelConfig {
  checkOptions(name, type, options, type === 'vxlan' ? KNOWN : KNOWN.filter((k) => k !== 'exts'));
  const key = keyOption(name, options, 'key', 0);
  const tos = options['tos'];
  if (tos !== undefined && tos !== '' && tos !== '0') {
    throw new Error(`${name}: options:tos=${tos} is not supported (Node UDP sockets cannot set the outer TOS)`);
  }
  const exts = options['exts'];
  if (exts !== undefined && exts !== '' && exts !== 'gbp') throw new Error(`${name}: options:exts=${exts}: only gbp is supported`);
  return {
    remoteIp: ipOption(name, options, 'remote_ip', true),
    localIp: ipOption(name, options, 'local_ip', false),
    inKey: keyOption(name, options, 'in_key', key),
    outKey: keyOption(name, options, 'out_key', key),
    dstPort: intOption(name, options, 'dst_port', defaultPort, 1, 65535),
    ttl: intOption(name, options, 'ttl', 64, 1, 255),
    gbp: exts === 'gbp',
  };
}
