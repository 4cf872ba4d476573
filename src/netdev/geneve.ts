/*
 * The `geneve` netdev (RFC 8926 over UDP, default port 6081, Ethernet payload): received
 * options are carried in packet.tunnel (opts/optLen) and sent again when the port takes its
 * tunnel from the flow; IPv4 or IPv6 underlay. Options: see tunnel-config.ts (remote_ip,
 * local_ip, key, in_key, out_key, dst_port, ttl; `flow` for remote_ip/local_ip/keys).
 */
import { registerNetdevType } from './netdev.js';
import type { Options } from './options.js';
import { TunnelNetdev } from './tunnel.js';
import { geneveProto } from './tunnel-proto.js';

export class GeneveNetdev extends TunnelNetdev {
  constructor(name: string, options: Options) {
    super(name, geneveProto, options);
  }
}

registerNetdevType('geneve', (name, options) => new GeneveNetdev(name, options));
