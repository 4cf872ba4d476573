/*
 * The `vxlan` netdev (RFC 7348 over UDP, default port 4789), interoperable with the Linux
 * kernel's vxlan devices and OVS, over an IPv4 or IPv6 underlay. Options: see
 * tunnel-config.ts (remote_ip, local_ip, key, in_key, out_key, dst_port, ttl, exts=gbp;
 * `flow` for remote_ip/local_ip/keys).
 */
import { registerNetdevType } from './netdev.js';
import type { Options } from './options.js';
import { TunnelNetdev } from './tunnel.js';
import { vxlanProto } from './tunnel-proto.js';

export class VxlanNetdev extends TunnelNetdev {
  constructor(name: string, options: Options) {
    super(name, vxlanProto, options);
  }
}

registerNetdevType('vxlan', (name, options) => new VxlanNetdev(name, options));
