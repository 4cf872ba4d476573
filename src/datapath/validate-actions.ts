/*
 * Action validation at flow put (the checks of the kernel's __ovs_nla_copy_actions /
 * validate_set, which refuse a flow with EINVAL): known action types, port range, VLAN
 * and MPLS push/pop arguments, set actions only on protocols the flow's key and mask pin
 * down exactly (tracked through push_mpls/pop_mpls), masks inside the attribute's fields,
 * nesting depth, trunc length and sample probability. Not on the hot path.
 *
 * Where tsovs is a userspace datapath it follows OVS's userspace one: set of ARP, ND and
 * ICMP/ICMPv6 is allowed (with their prerequisites), push_mpls is allowed under VLAN tags,
 * and the userspace action's pid is not checked.
 */
import { DpActionType, SetAttr, type DpAction, type SetAction } from './actions.js';
import { SET_ATTR_MASKS, SET_ATTR_NAMES, isKnownSetAttr } from './set-fields.js';
import { HASH_ALG_L4, HASH_ALG_SYM_L4 } from './dp-hash.js';
import {
  DP_KEY_WORDS,
  FIELD_BITS,
  MAC_FIELDS,
  MAX_MPLS_LABELS,
  W_ETH_TYPE,
  W_MPLS0,
  W_NW,
  W_TP,
} from '../flow/layout.js';
import {
  ETH_HEADER_LEN,
  ETH_TYPE_ARP,
  ETH_TYPE_IPV4,
  ETH_TYPE_IPV6,
  ETH_TYPE_RARP,
  ETH_TYPE_VLAN,
  ETH_TYPE_VLAN_8021AD,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ND_NEIGHBOR_ADVERT,
  ND_NEIGHBOR_SOLICIT,
} from '../packet/constants.js';
import { isMplsEthType, MPLS_BOS } from '../packet/mpls.js';

export interface ValidateOptions {
  /** Largest valid output port number (inclusive); default 65534 (the kernel's DP_MAX_PORTS - 1). */
  maxPort?: number;
  /** If given, output to a port for which it returns false is refused. */
  isPortValid?: (p: number) => boolean;
}

/** Deepest clone/sample nesting accepted (the kernel's OVS_COPY_ACTIONS_MAX_DEPTH). */
export const MAX_ACTION_NESTING = 16;

const DEFAULT_MAX_PORT = 65534;

/** What the validator knows about the packet at a point of the action list. */
interface State {
  /** eth_type the flow pins exactly, or -1 (wildcarded, or unknown after pop_mpls). */
  ethType: number;
  /** nw_proto the flow pins exactly, or -1. */
  nwProto: number;
  /** ICMP type the flow pins exactly, or -1. */
  icmpType: number;
  /** MPLS labels the packet has. */
  mplsLabels: number;
}

const hex4 = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(4, '0');

function isU32(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

function isU16(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffff;
}

/** null if `actions` may be installed with a flow of this key and mask, else a one-line error. */
export function validateActions(
  actions: readonly DpAction[],
  key: Uint32Array,
  mask: Uint32Array,
  opts: ValidateOptions = {},
): string | null {
  if (!Array.isArray(actions)) return 'actions: not a list';
  if (key.length < DP_KEY_WORDS || mask.length < DP_KEY_WORDS) return 'actions: flow key or mask is too short';
  const st = initialState(key, mask);
  const err = validateList(actions, st, opts, 0, '');
  return err === null ? null : 'actions: ' + err;
}

function initialState(key: Uint32Array, mask: Uint32Array): State {
  const et = (mask[W_ETH_TYPE]! & 0xffff) === 0xffff ? key[W_ETH_TYPE]! & 0xffff : -1;
  const nwProto = mask[W_NW]! >>> 24 === 0xff ? key[W_NW]! >>> 24 : -1;
  const icmpType = ((mask[W_TP]! >>> 16) & 0xff) === 0xff ? (key[W_TP]! >>> 16) & 0xff : -1;
  let labels = 0;
  if (et >= 0 && isMplsEthType(et)) {
    // Labels up to the one with BoS; when BoS is not visible, assume the deepest stack.
    labels = MAX_MPLS_LABELS;
    for (let i = 0; i < MAX_MPLS_LABELS; i++) {
      if ((key[W_MPLS0 + i]! & mask[W_MPLS0 + i]! & MPLS_BOS) !== 0) {
        labels = i + 1;
        break;
      }
    }
  }
  return { ethType: et, nwProto, icmpType, mplsLabels: labels };
}

function validateList(
  actions: readonly DpAction[],
  st: State,
  opts: ValidateOptions,
  depth: number,
  path: string,
): string | null {
  const n = actions.length;
  for (let i = 0; i < n; i++) {
    const a = actions[i] as DpAction | undefined;
    if (a === null || typeof a !== 'object') return `${path}action ${i} is not an action`;
    const err = validateOne(a, i === n - 1, st, opts, depth, path);
    if (err !== null) return err;
  }
  return null;
}

function validateOne(a: DpAction, last: boolean, st: State, opts: ValidateOptions, depth: number, path: string): string | null {
  switch (a.type) {
    case DpActionType.OUTPUT: {
      const max = opts.maxPort ?? DEFAULT_MAX_PORT;
      if (!Number.isInteger(a.port) || a.port < 0 || a.port > max) {
        return `${path}output: port ${a.port} is out of range (0-${max})`;
      }
      if (opts.isPortValid !== undefined && !opts.isPortValid(a.port)) return `${path}output: no port ${a.port}`;
      return null;
    }
    case DpActionType.USERSPACE:
      if (!isU32(a.pid)) return `${path}userspace: pid ${a.pid} is not a uint32`;
      if (a.userdata !== null && !(a.userdata instanceof Uint8Array)) return `${path}userspace: userdata is not bytes`;
      return null;
    case DpActionType.SET:
    case DpActionType.SET_MASKED:
      return validateSet(a, st, path);
    case DpActionType.PUSH_VLAN:
      if (a.tpid !== ETH_TYPE_VLAN && a.tpid !== ETH_TYPE_VLAN_8021AD) {
        return `${path}push_vlan: tpid ${hex4(a.tpid)} is not 0x8100 or 0x88a8`;
      }
      if (!isU16(a.tci)) return `${path}push_vlan: tci ${a.tci} is not a 16-bit value`;
      if ((a.tci & 0x1000) === 0) return `${path}push_vlan: tci ${hex4(a.tci)} lacks the CFI (tag present) bit 0x1000`;
      return null;
    case DpActionType.POP_VLAN:
      return null;
    case DpActionType.PUSH_MPLS: {
      if (!isMplsEthType(a.ethertype)) return `${path}push_mpls: ethertype ${hex4(a.ethertype)} is not 0x8847 or 0x8848`;
      if (!isU32(a.lse)) return `${path}push_mpls: label stack entry ${a.lse} is not a uint32`;
      const et = st.ethType;
      if (et !== ETH_TYPE_IPV4 && et !== ETH_TYPE_IPV6 && et !== ETH_TYPE_ARP && et !== ETH_TYPE_RARP && !isMplsEthType(et)) {
        return `${path}push_mpls: needs a packet whose eth_type the flow matches exactly as IPv4, IPv6, ARP, RARP or MPLS (${describeEthType(et)})`;
      }
      st.mplsLabels++;
      st.ethType = a.ethertype;
      return null;
    }
    case DpActionType.POP_MPLS: {
      if (!isU16(a.ethertype)) return `${path}pop_mpls: ethertype ${a.ethertype} is not a 16-bit value`;
      if (st.ethType < 0 || !isMplsEthType(st.ethType) || st.mplsLabels <= 0) {
        return `${path}pop_mpls: the packet is not MPLS here (${describeEthType(st.ethType)})`;
      }
      st.mplsLabels--;
      // As the kernel: after the last label (or to a non-MPLS type) L3 is unknown until recirculation.
      st.ethType = isMplsEthType(a.ethertype) && st.mplsLabels > 0 ? a.ethertype : -1;
      st.nwProto = -1;
      st.icmpType = -1;
      return null;
    }
    case DpActionType.RECIRC:
      return isU32(a.id) ? null : `${path}recirc: id ${a.id} is not a uint32`;
    case DpActionType.HASH:
      if (a.alg !== HASH_ALG_L4 && a.alg !== HASH_ALG_SYM_L4) return `${path}hash: unknown algorithm ${a.alg}`;
      return isU32(a.basis) ? null : `${path}hash: basis ${a.basis} is not a uint32`;
    case DpActionType.SAMPLE: {
      if (!isU32(a.probability)) {
        return `${path}sample: probability ${a.probability} is not an integer in 0..4294967295`;
      }
      return validateNested(a.actions, st, opts, depth, path + 'sample: ');
    }
    case DpActionType.CLONE:
      return validateNested(a.actions, st, opts, depth, path + 'clone: ');
    case DpActionType.TRUNC:
      if (!isU32(a.maxLen)) return `${path}trunc: max_len ${a.maxLen} is not a uint32`;
      if (a.maxLen < ETH_HEADER_LEN) return `${path}trunc: max_len ${a.maxLen} is less than ${ETH_HEADER_LEN}`;
      return null;
    case DpActionType.METER:
      return isU32(a.meterId) ? null : `${path}meter: id ${a.meterId} is not a uint32`;
    case DpActionType.DROP:
      if (!last) return `${path}drop: must be the last action`;
      return isU32(a.reason) ? null : `${path}drop: reason ${a.reason} is not a uint32`;
    default:
      return `${path}unknown action type ${(a as { type: unknown }).type}`;
  }
}

function validateNested(
  actions: readonly DpAction[],
  st: State,
  opts: ValidateOptions,
  depth: number,
  path: string,
): string | null {
  if (!Array.isArray(actions)) return `${path}nested actions are not a list`;
  if (depth + 1 > MAX_ACTION_NESTING) return `${path}actions nested deeper than ${MAX_ACTION_NESTING} levels`;
  // The nested list works on a copy: its pushes and pops do not change what follows it.
  return validateList(actions, { ...st }, opts, depth + 1, path);
}

function describeEthType(et: number): string {
  return et < 0 ? 'eth_type not known exactly here' : `eth_type is ${hex4(et)}`;
}

/** Name the field(s) of the key that own `bits` of word `w` (for error messages). */
function fieldNamesAt(w: number, bits: number): string {
  const names: string[] = [];
  for (const [name, fb] of Object.entries(FIELD_BITS)) {
    if (fb.bits >= 32) {
      if (w >= fb.word && w < fb.word + fb.bits / 32) names.push(name);
    } else if (fb.word === w && ((((1 << fb.bits) - 1) << fb.shift) & bits) !== 0) {
      names.push(name);
    }
  }
  for (const [name, mb] of Object.entries(MAC_FIELDS)) {
    if ((mb.loWord === w) || (mb.hiWord === w && ((0xffff << mb.hiShift) & bits) !== 0)) names.push(name);
  }
  return names.length > 0 ? names.join(', ') : `word ${w} bits 0x${(bits >>> 0).toString(16)}`;
}

function validateSet(a: SetAction, st: State, path: string): string | null {
  const masked = a.type === DpActionType.SET_MASKED;
  const verb = masked ? 'set_masked' : 'set';
  if (!isKnownSetAttr(a.attr)) return `${path}${verb}: unknown attribute ${a.attr}`;
  const name = SET_ATTR_NAMES[a.attr]!;
  const what = `${path}${verb}(${name})`;
  if (!(a.key instanceof Uint32Array) || !(a.mask instanceof Uint32Array) || a.key.length < DP_KEY_WORDS || a.mask.length < DP_KEY_WORDS) {
    return `${what}: key and mask must be FlowKey arrays`;
  }
  const allowed = SET_ATTR_MASKS[a.attr]!;
  const m = a.mask;
  for (let w = 0; w < m.length; w++) {
    const extra = w < DP_KEY_WORDS ? m[w]! & ~allowed[w]! : m[w]!;
    if (extra !== 0) return `${what}: mask covers bits outside the ${name} fields (${fieldNamesAt(w, extra)})`;
  }
  if (a.attr === SetAttr.TUNNEL) {
    if (masked) return `${what}: masked set of tunnel metadata is not supported`;
  } else if (!masked) {
    for (let w = 0; w < DP_KEY_WORDS; w++) {
      if (m[w] !== allowed[w]) return `${what}: a non-masked set must cover every ${name} field (use set_masked)`;
    }
  }
  return checkSetPrereqs(a.attr, st, what);
}

function checkSetPrereqs(attr: number, st: State, what: string): string | null {
  const et = st.ethType;
  const isIp = et === ETH_TYPE_IPV4 || et === ETH_TYPE_IPV6;
  switch (attr) {
    case SetAttr.PRIORITY:
    case SetAttr.SKB_MARK:
    case SetAttr.TUNNEL:
    case SetAttr.CT_STATE:
    case SetAttr.ETH:
      return null;
    case SetAttr.MPLS:
      return et >= 0 && isMplsEthType(et) ? null : `${what}: needs an MPLS packet (${describeEthType(et)})`;
    case SetAttr.IPV4:
      return et === ETH_TYPE_IPV4 ? null : `${what}: needs a flow that matches eth_type 0x0800 exactly (${describeEthType(et)})`;
    case SetAttr.IPV6:
      return et === ETH_TYPE_IPV6 ? null : `${what}: needs a flow that matches eth_type 0x86dd exactly (${describeEthType(et)})`;
    case SetAttr.ARP:
      return et === ETH_TYPE_ARP || et === ETH_TYPE_RARP
        ? null
        : `${what}: needs a flow that matches eth_type 0x0806 or 0x8035 exactly (${describeEthType(et)})`;
    case SetAttr.TCP:
    case SetAttr.UDP:
    case SetAttr.SCTP: {
      const proto = attr === SetAttr.TCP ? IPPROTO_TCP : attr === SetAttr.UDP ? IPPROTO_UDP : IPPROTO_SCTP;
      if (isIp && st.nwProto === proto) return null;
      return `${what}: needs a flow that matches eth_type 0x0800 or 0x86dd and nw_proto ${proto} exactly (${describeL3(st)})`;
    }
    case SetAttr.ICMP:
      if (et === ETH_TYPE_IPV4 && st.nwProto === IPPROTO_ICMP) return null;
      return `${what}: needs a flow that matches eth_type 0x0800 and nw_proto 1 exactly (${describeL3(st)})`;
    case SetAttr.ICMPV6:
      if (et === ETH_TYPE_IPV6 && st.nwProto === IPPROTO_ICMPV6) return null;
      return `${what}: needs a flow that matches eth_type 0x86dd and nw_proto 58 exactly (${describeL3(st)})`;
    case SetAttr.ND:
      if (
        et === ETH_TYPE_IPV6 &&
        st.nwProto === IPPROTO_ICMPV6 &&
        (st.icmpType === ND_NEIGHBOR_SOLICIT || st.icmpType === ND_NEIGHBOR_ADVERT)
      ) {
        return null;
      }
      return `${what}: needs a flow that matches an ICMPv6 neighbor solicitation or advertisement (icmp_type 135 or 136) exactly (${describeL3(st)})`;
    default:
      return `${what}: unknown attribute`;
  }
}

function describeL3(st: State): string {
  const p = st.nwProto < 0 ? 'nw_proto not known exactly' : `nw_proto is ${st.nwProto}`;
  return `${describeEthType(st.ethType)}, ${p}`;
}
