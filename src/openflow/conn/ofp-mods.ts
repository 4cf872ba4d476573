/*
 * Requests that change the switch (OVS handle_flow_mod, handle_group_mod, handle_meter_mod,
 * handle_port_mod, handle_packet_out), shared by the request handler and bundle commits:
 * the decoded message goes to the switch, and a request naming a buffered packet gets it
 * from the connection's packet buffers. Each returns the OpenFlow error name or null.
 */
import { OFPP_TABLE } from '../../flow/ofp-port.js';
import type { FlowMod } from '../../ofproto/flow-mod.js';
import { OfpactType } from '../../ofproto/ofp-actions.js';
import type { FlowModMsg, GroupModMsg, MeterModMsg, PacketOutMsg, PortModMsg } from '../codec/index.js';
import type { ConnMgr } from '../connmgr.js';
import type { PacketOutRequest } from '../switch-api.js';
import { groupModFromMsg, meterModFromMsg } from './convert.js';
import type { OfConn } from './ofconn.js';
import { NO_BUFFER } from './pktbuf.js';

export type Err = string | null;

const OFPRFR_GROUP_MOD = 0;
const OFPRFR_METER_MOD = 1;

/** Sends a buffered packet through the tables (OVS send_buffered_packet, output:TABLE). */
function sendBuffered(mgr: ConnMgr, c: OfConn, bufferId: number): Err {
  const b = c.pktbuf.retrieve(bufferId);
  if (!b.ok) return b.error;
  const r = mgr.sw.packetOut({ inPort: b.inPort, actions: [{ type: OfpactType.OUTPUT, port: OFPP_TABLE, maxLen: 0 }], packet: b.packet });
  return r.ok ? null : r.error.code;
}

/** The decoded flow-mod as the switch takes it: a buffered packet is the connection's, not the tables'. */
export function switchFlowMod(m: FlowModMsg): FlowMod {
  return m.bufferId === NO_BUFFER ? m : { ...m, bufferId: NO_BUFFER };
}

export function flowMod(mgr: ConnMgr, c: OfConn, m: FlowModMsg, useBuffer: boolean): Err {
  mgr.requester = { ofconn: c, xid: m.xid };
  const r = mgr.sw.flowMod(switchFlowMod(m));
  if (!r.ok) return r.error.code;
  if (useBuffer && m.bufferId !== NO_BUFFER) return sendBuffered(mgr, c, m.bufferId);
  return null;
}

export function groupMod(mgr: ConnMgr, c: OfConn, m: GroupModMsg, raw: Uint8Array): Err {
  const gm = groupModFromMsg(m);
  if (gm === null) return 'OFPGMFC_BAD_TYPE';
  mgr.requester = { ofconn: c, xid: m.xid };
  const r = mgr.sw.groupMod(gm);
  if (!r.ok) return r.error.code;
  mgr.async.sendRequestForward(c, raw, OFPRFR_GROUP_MOD);
  return null;
}

export function meterMod(mgr: ConnMgr, c: OfConn, m: MeterModMsg, raw: Uint8Array): Err {
  mgr.requester = { ofconn: c, xid: m.xid };
  const r = mgr.sw.meterMod(meterModFromMsg(m));
  if (!r.ok) return r.error.code;
  mgr.async.sendRequestForward(c, raw, OFPRFR_METER_MOD);
  return null;
}

export function portMod(mgr: ConnMgr, c: OfConn, m: PortModMsg): Err {
  mgr.portModSource = c;
  const r = mgr.sw.portMod(m.portNo, m.config, m.mask, m.hwAddr);
  return r.ok ? null : r.error.code;
}

/** The switch request for a packet-out (its packet taken from a buffer if it names one). */
export function packetOutRequest(c: OfConn, m: PacketOutMsg): { ok: true; po: PacketOutRequest } | { ok: false; error: string } {
  let packet = m.data;
  if (m.bufferId !== NO_BUFFER) {
    const b = c.pktbuf.retrieve(m.bufferId);
    if (!b.ok) return { ok: false, error: b.error };
    packet = b.packet;
  }
  // OF1.5 pipeline fields besides in_port.
  let metadata: PacketOutRequest['metadata'] = null;
  const mask = m.match.mask;
  for (let i = 1; i < mask.length; i++) {
    if (mask[i] !== 0) {
      const k = m.match.key.slice();
      const mk = mask.slice();
      k[0] = 0;
      mk[0] = 0;
      metadata = { key: k, mask: mk };
      break;
    }
  }
  return { ok: true, po: { inPort: m.inPort, actions: m.actions, packet, metadata } };
}

export function packetOut(mgr: ConnMgr, c: OfConn, m: PacketOutMsg): Err {
  const r = packetOutRequest(c, m);
  if (!r.ok) return r.error;
  const x = mgr.sw.packetOut(r.po);
  return x.ok ? null : x.error.code;
}
