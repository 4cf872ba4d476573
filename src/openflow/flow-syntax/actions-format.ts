/*
 * Formatting OpenFlow actions exactly as ovs-ofctl prints them (OVS's ofpacts_format):
 * "output:3", "NORMAL", "CONTROLLER:65535", "resubmit(,1)", "load:0x1->NXM_NX_REG0[]",
 * "set_field:1->reg1"-style set-fields, "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]", "drop"
 * for an empty list, and the nested and parenthesized actions.
 */

import { formatIpv4 } from '../../packet/addr.js';
import { formatSubfield } from '../../flow/mf-subfield.js';
import { mfFormat } from '../../flow/mf-value.js';
import { formatOfpPort, formatTableId, OFPP_CONTROLLER, OFPP_IN_PORT, OFPP_MAX, OFPP_NONE, type PortMap, type TableMap } from '../../flow/ofp-port.js';
import {
  NxBdAlgorithm,
  NxMpAlgorithm,
  NX_CTLR_NO_METER,
  OfpactType as T,
  PacketInReason,
  SampleDirection,
  type OfpAction,
  type SetFieldAct,
} from '../../ofproto/ofp-actions.js';
import { formatLearn } from './learn-syntax.js';

export interface ActionFormatOptions {
  ports?: PortMap;
  tables?: TableMap;
}

const HASH_FIELDS = ['eth_src', 'symmetric_l4', 'symmetric_l3l4', 'symmetric_l3l4+udp', 'nw_src', 'nw_dst', 'symmetric_l3'];

export function hashFieldsName(f: number): string {
  return HASH_FIELDS[f] ?? '<unknown>';
}

export function packetInReasonName(r: number): string {
  switch (r) {
    case PacketInReason.NO_MATCH: return 'no_match';
    case PacketInReason.ACTION: return 'action';
    case PacketInReason.INVALID_TTL: return 'invalid_ttl';
    case PacketInReason.ACTION_SET: return 'action_set';
    case PacketInReason.GROUP: return 'group';
    case PacketInReason.PACKET_OUT: return 'packet_out';
    default: return String(r);
  }
}

function macText(mac: number): string {
  const hi = Math.floor(mac / 0x100000000) & 0xffff;
  const lo = mac >>> 0;
  const b = [hi >>> 8, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** "%#x"-style for a bigint: "0" or "0x...". */
export function altHexBig(v: bigint): string {
  return v === 0n ? '0' : '0x' + v.toString(16);
}

function hexDotted(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('.');
}

function getBit(b: Uint8Array, bit: number): number {
  const byte = b.length - 1 - (bit >> 3);
  return byte >= 0 ? (b[byte]! >> (bit & 7)) & 1 : 0;
}

/** set_field as "load:" segments: one per run of mask bits, at most 64 bits each (OVS's next_load_segment). */
function formatLoad(a: SetFieldAct): string {
  const f = a.field;
  const parts: string[] = [];
  let start = 0;
  while (start < f.nBits) {
    let ofs = start;
    while (ofs < f.nBits && !getBit(a.mask, ofs)) ofs++;
    if (ofs >= f.nBits) break;
    let end = ofs + 1;
    const limit = Math.min(ofs + 64, f.nBits);
    while (end < limit && getBit(a.mask, end)) end++;
    let v = 0n;
    for (let i = end - 1; i >= ofs; i--) v = (v << 1n) | BigInt(getBit(a.value, i));
    parts.push(`load:${altHexBig(v)}->${formatSubfield({ field: f, ofs, nBits: end - ofs })}`);
    start = end;
  }
  return parts.join(',');
}

function formatOne(a: OfpAction, o: ActionFormatOptions): string {
  switch (a.type) {
    case T.OUTPUT: {
      let s = a.port < OFPP_MAX ? 'output:' : '';
      s += formatOfpPort(a.port, o.ports);
      if (a.port === OFPP_CONTROLLER) s += `:${a.maxLen}`;
      return s;
    }
    case T.GROUP:
      return `group:${a.groupId >>> 0}`;
    case T.CONTROLLER: {
      if (a.reason === PacketInReason.ACTION && !a.controllerId && !a.userdata?.length && !a.pause && a.meterId === NX_CTLR_NO_METER) {
        return `CONTROLLER:${a.maxLen}`;
      }
      const p: string[] = [];
      if (a.reason !== PacketInReason.ACTION) p.push(`reason=${packetInReasonName(a.reason)}`);
      if (a.maxLen !== 0xffff) p.push(`max_len=${a.maxLen}`);
      if (a.controllerId !== 0) p.push(`id=${a.controllerId}`);
      if (a.userdata?.length) p.push(`userdata=${hexDotted(a.userdata)}`);
      if (a.pause) p.push('pause');
      if (a.meterId !== NX_CTLR_NO_METER) p.push(`meter_id=${a.meterId >>> 0}`);
      return `controller(${p.join(',')})`;
    }
    case T.ENQUEUE:
      return `enqueue:${formatOfpPort(a.port, o.ports)}:${a.queue >>> 0}`;
    case T.OUTPUT_REG:
      return `output:${formatSubfield(a.src)}`;
    case T.BUNDLE: {
      const alg = a.algorithm === NxBdAlgorithm.HRW ? 'hrw' : a.algorithm === NxBdAlgorithm.ACTIVE_BACKUP ? 'active_backup' : '<unknown>';
      let s = `${a.dst ? 'bundle_load' : 'bundle'}(${hashFieldsName(a.fields)},${a.basis},${alg},ofport,`;
      if (a.dst) s += formatSubfield(a.dst) + ',';
      s += 'members:' + a.members.map((m) => formatOfpPort(m, o.ports)).join(',') + ')';
      return s;
    }
    case T.SET_FIELD:
      if (a.viaLoad) return formatLoad(a);
      return `set_field:${mfFormat(a.field, a.value, a.mask, o.ports)}->${a.field.name}`;
    case T.SET_VLAN_VID:
      return `${a.pushVlanIfNeeded ? 'mod_vlan_vid' : 'set_vlan_vid'}:${a.vid}`;
    case T.SET_VLAN_PCP:
      return `${a.pushVlanIfNeeded ? 'mod_vlan_pcp' : 'set_vlan_pcp'}:${a.pcp}`;
    case T.STRIP_VLAN:
      return a.popVlan ? 'pop_vlan' : 'strip_vlan';
    case T.PUSH_VLAN:
      return `push_vlan:0x${a.ethertype.toString(16)}`;
    case T.SET_ETH_SRC:
      return `mod_dl_src:${macText(a.mac)}`;
    case T.SET_ETH_DST:
      return `mod_dl_dst:${macText(a.mac)}`;
    case T.SET_IPV4_SRC:
      return `mod_nw_src:${formatIpv4(a.ip >>> 0)}`;
    case T.SET_IPV4_DST:
      return `mod_nw_dst:${formatIpv4(a.ip >>> 0)}`;
    case T.SET_IP_DSCP:
      return `mod_nw_tos:${a.dscp}`;
    case T.SET_IP_ECN:
      return `mod_nw_ecn:${a.ecn}`;
    case T.SET_IP_TTL:
      return `mod_nw_ttl:${a.ttl}`;
    case T.SET_L4_SRC_PORT:
      return `mod_tp_src:${a.port}`;
    case T.SET_L4_DST_PORT:
      return `mod_tp_dst:${a.port}`;
    case T.REG_MOVE:
      return `move:${formatSubfield(a.src)}->${formatSubfield(a.dst)}`;
    case T.STACK_PUSH:
      return `push:${formatSubfield(a.subfield)}`;
    case T.STACK_POP:
      return `pop:${formatSubfield(a.subfield)}`;
    case T.DEC_TTL:
      return a.explicitIds ? `dec_ttl(${a.controllerIds.join(',')})` : 'dec_ttl';
    case T.SET_MPLS_LABEL:
      return `set_mpls_label(${a.label >>> 0})`;
    case T.SET_MPLS_TC:
      return `set_mpls_tc(${a.tc})`;
    case T.SET_MPLS_TTL:
      return `set_mpls_ttl(${a.ttl})`;
    case T.DEC_MPLS_TTL:
      return 'dec_mpls_ttl';
    case T.PUSH_MPLS:
      return `push_mpls:0x${a.ethertype.toString(16).padStart(4, '0')}`;
    case T.POP_MPLS:
      return `pop_mpls:0x${a.ethertype.toString(16).padStart(4, '0')}`;
    case T.SET_TUNNEL:
      return `set_tunnel${a.tunId > 0xffffffffn || a.tun64 ? '64' : ''}:${altHexBig(a.tunId)}`;
    case T.SET_QUEUE:
      return `set_queue:${a.queueId >>> 0}`;
    case T.POP_QUEUE:
      return 'pop_queue';
    case T.FIN_TIMEOUT: {
      const p: string[] = [];
      if (a.idleTimeout) p.push(`idle_timeout=${a.idleTimeout}`);
      if (a.hardTimeout) p.push(`hard_timeout=${a.hardTimeout}`);
      return `fin_timeout(${p.join(',')})`;
    }
    case T.RESUBMIT: {
      // OVS drops ",ct" in this short form; keep the long one then so the text reparses.
      if (a.inPort !== OFPP_IN_PORT && a.tableId === 255 && !a.withCtOrig) return `resubmit:${formatOfpPort(a.inPort, o.ports)}`;
      let s = 'resubmit(';
      if (a.inPort !== OFPP_IN_PORT) s += formatOfpPort(a.inPort, o.ports);
      s += ',';
      if (a.tableId !== 255) s += formatTableId(a.tableId, o.tables);
      if (a.withCtOrig) s += ',ct';
      return s + ')';
    }
    case T.LEARN:
      return formatLearn(a, o.ports, o.tables);
    case T.CONJUNCTION:
      return `conjunction(${a.id >>> 0},${a.clause + 1}/${a.nClauses})`;
    case T.MULTIPATH: {
      const algs = ['modulo_n', 'hash_threshold', 'hrw', 'iter_hash'];
      const alg = a.algorithm <= NxMpAlgorithm.ITER_HASH ? algs[a.algorithm]! : '<unknown>';
      return `multipath(${hashFieldsName(a.fields)},${a.basis},${alg},${a.maxLink + 1},${a.arg >>> 0},${formatSubfield(a.dst)})`;
    }
    case T.NOTE:
      return `note:${hexDotted(a.data)}`;
    case T.EXIT:
      return 'exit';
    case T.SAMPLE: {
      let s = `sample(probability=${a.probability},collector_set_id=${a.collectorSetId >>> 0}`;
      s += ',obs_domain_id=' + (a.obsDomainSrc ? formatSubfield(a.obsDomainSrc) : String(a.obsDomainImm >>> 0));
      s += ',obs_point_id=' + (a.obsPointSrc ? formatSubfield(a.obsPointSrc) : String(a.obsPointImm >>> 0));
      if (a.samplingPort !== OFPP_NONE) s += `,sampling_port=${formatOfpPort(a.samplingPort, o.ports)}`;
      if (a.direction === SampleDirection.INGRESS) s += ',ingress';
      else if (a.direction === SampleDirection.EGRESS) s += ',egress';
      return s + ')';
    }
    case T.CLONE:
      return `clone(${formatActions(a.actions, o)})`;
    case T.OUTPUT_TRUNC:
      return `output(port=${formatOfpPort(a.port, o.ports)},max_len=${a.maxLen >>> 0})`;
    case T.CT_CLEAR:
      return 'ct_clear';
    case T.METER:
      return `meter:${a.meterId >>> 0}`;
    case T.CLEAR_ACTIONS:
      return 'clear_actions';
    case T.WRITE_ACTIONS:
      return `write_actions(${formatActions(a.actions, o)})`;
    case T.WRITE_METADATA: {
      let s = `write_metadata:${altHexBig(a.metadata)}`;
      if (a.mask !== 0xffffffffffffffffn) s += `/${altHexBig(a.mask)}`;
      return s;
    }
    case T.GOTO_TABLE:
      return `goto_table:${formatTableId(a.tableId, o.tables)}`;
  }
}

/** Formats an action list as ovs-ofctl does; an empty list is "drop". */
export function formatActions(acts: readonly OfpAction[], o: ActionFormatOptions = {}): string {
  if (acts.length === 0) return 'drop';
  return acts.map((a) => formatOne(a, o)).join(',');
}

/** Formats one action. */
export function formatAction(a: OfpAction, o: ActionFormatOptions = {}): string {
  return formatOne(a, o);
}
