/*
 * The port state that translation and NORMAL read, and (re-exported from src/flow/ofp-port.ts,
 * where the numbers and their text forms live) the OpenFlow port numbers.
 */

export {
  OFPP_MAX,
  OFPP_UNSET,
  OFPP_IN_PORT,
  OFPP_TABLE,
  OFPP_NORMAL,
  OFPP_FLOOD,
  OFPP_ALL,
  OFPP_CONTROLLER,
  OFPP_LOCAL,
  OFPP_NONE,
  OFPP_ANY,
} from '../flow/ofp-port.js';

/** Port VLAN modes of the Port table's vlan_mode column (NORMAL switching). */
export type VlanMode = 'access' | 'trunk' | 'native-tagged' | 'native-untagged';

import type { TunnelConfig } from '../netdev/tunnel-config.js';

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
  /** For tunnel ports (vxlan, geneve): the tunnel configuration output fills the flow's tunnel from. */
  readonly tunnel?: TunnelConfig | null;
}
