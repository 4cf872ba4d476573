/*
 * OpenFlow port numbers (OVS's ofp_port_t, 16-bit as in OpenFlow 1.0; the 1.1+ 32-bit codes
 * are mapped onto these by the codec) and the port state that translation and NORMAL read.
 */

export const OFPP_MAX = 0xff00;
export const OFPP_UNSET = 0xfff7; // OVS internal: "no port"
export const OFPP_IN_PORT = 0xfff8;
export const OFPP_TABLE = 0xfff9;
export const OFPP_NORMAL = 0xfffa;
export const OFPP_FLOOD = 0xfffb;
export const OFPP_ALL = 0xfffc;
export const OFPP_CONTROLLER = 0xfffd;
export const OFPP_LOCAL = 0xfffe;
export const OFPP_NONE = 0xffff;

/** Port VLAN modes of the Port table's vlan_mode column (NORMAL switching). */
export type VlanMode = 'access' | 'trunk' | 'native-tagged' | 'native-untagged';

/** One OpenFlow port of a bridge, as translation sees it. */
export interface OfPort {
  /** OpenFlow port number (OFPP_LOCAL for the bridge's own port). */
  readonly ofPort: number;
  /** Datapath port number of the vport behind it (-1 for a patch port, which has no vport). */
  readonly dpPort: number;
  readonly name: string;
  /** Interface type (dummy, internal, system, patch, vxlan, ...). */
  readonly type: string;
  /** OFPPC_PORT_DOWN (administratively down): nothing is sent or received. */
  adminDown: boolean;
  /** OFPPS_LINK_DOWN (the netdev reports no link). */
  linkDown: boolean;
  /** OFPPC_NO_FLOOD: excluded from FLOOD (and NORMAL flooding). */
  noFlood: boolean;
  /** OFPPC_NO_FWD / NO_PACKET_IN / NO_RECV. */
  noFwd: boolean;
  noPacketIn: boolean;
  noRecv: boolean;
  /** NORMAL: VLAN configuration (the Port table's vlan_mode, tag and trunks). */
  vlanMode: VlanMode | null;
  tag: number | null;
  /** null = all VLANs. */
  trunks: readonly number[] | null;
  /** For patch ports: the peer bridge's name and the peer's OpenFlow port. */
  patchPeer: { bridge: string; ofPort: number } | null;
  /** Hardware address (48-bit). */
  mac: number;
}
