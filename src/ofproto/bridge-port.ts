/*
 * One OpenFlow port of a bridge (OVS struct ofport + ofport_dpif + the bundle settings
 * NORMAL reads): OpenFlow and datapath numbers, the netdev behind it (none for a patch
 * port), OpenFlow port config and state bits, VLAN settings and the patch peer.
 */
import type { Netdev } from '../netdev/netdev.js';
import { tunnelConfigOf, type TunnelConfig } from '../netdev/tunnel-config.js';
import type { OfPort, VlanMode } from './ofp-port.js';

/** OpenFlow port config bits (OVS's OFPUTIL_PC_*, OpenFlow 1.0 numbering). */
export const OFPPC_PORT_DOWN = 1 << 0;
export const OFPPC_NO_STP = 1 << 1;
export const OFPPC_NO_RECV = 1 << 2;
export const OFPPC_NO_RECV_STP = 1 << 3;
export const OFPPC_NO_FLOOD = 1 << 4;
export const OFPPC_NO_FWD = 1 << 5;
export const OFPPC_NO_PACKET_IN = 1 << 6;
/** Config bits a port-mod may change. */
export const OFPPC_MODIFIABLE =
  OFPPC_PORT_DOWN | OFPPC_NO_STP | OFPPC_NO_RECV | OFPPC_NO_RECV_STP | OFPPC_NO_FLOOD | OFPPC_NO_FWD | OFPPC_NO_PACKET_IN;

/** OpenFlow port state bits (OVS's OFPUTIL_PS_*). */
export const OFPPS_LINK_DOWN = 1 << 0;
export const OFPPS_BLOCKED = 1 << 1;
export const OFPPS_LIVE = 1 << 2;

export class BridgePort implements OfPort {
  adminDown = false;
  linkDown = false;
  noFlood = false;
  noFwd = false;
  noPacketIn = false;
  noRecv = false;
  /** Config bits without a field of their own (STP ones), kept for port descriptions. */
  otherConfig = 0;
  vlanMode: VlanMode | null = null;
  tag: number | null = null;
  trunks: readonly number[] | null = null;
  patchPeer: { bridge: string; ofPort: number } | null = null;
  mac: number;
  readonly tunnel: TunnelConfig | null;

  constructor(
    readonly ofPort: number,
    readonly dpPort: number,
    readonly name: string,
    readonly type: string,
    /** The netdev behind the vport; null for patch ports. */
    readonly netdev: Netdev | null,
    /** Interface options (options:peer=..., remote_ip=...). */
    readonly options: Readonly<Record<string, string>>,
    /** The bridge that owns the port. */
    readonly bridgeName: string,
  ) {
    this.mac = netdev ? netdev.getMac() : 0;
    this.tunnel = tunnelConfigOf(netdev);
  }

  /** OFPPC_* bits. */
  get config(): number {
    return (
      (this.adminDown ? OFPPC_PORT_DOWN : 0) |
      (this.noRecv ? OFPPC_NO_RECV : 0) |
      (this.noFlood ? OFPPC_NO_FLOOD : 0) |
      (this.noFwd ? OFPPC_NO_FWD : 0) |
      (this.noPacketIn ? OFPPC_NO_PACKET_IN : 0) |
      this.otherConfig
    );
  }

  set config(c: number) {
    this.adminDown = (c & OFPPC_PORT_DOWN) !== 0;
    this.noRecv = (c & OFPPC_NO_RECV) !== 0;
    this.noFlood = (c & OFPPC_NO_FLOOD) !== 0;
    this.noFwd = (c & OFPPC_NO_FWD) !== 0;
    this.noPacketIn = (c & OFPPC_NO_PACKET_IN) !== 0;
    this.otherConfig = c & (OFPPC_NO_STP | OFPPC_NO_RECV_STP);
  }

  /** OFPPS_* bits: LIVE when the link is up and the port is not administratively down. */
  get state(): number {
    return (this.linkDown ? OFPPS_LINK_DOWN : 0) | (!this.linkDown && !this.adminDown ? OFPPS_LIVE : 0);
  }
}
