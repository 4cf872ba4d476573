/*
 * The OpenFlow action model (OVS's struct ofpact): a discriminated union on a numeric `type`
 * covering actions and instructions as ovs-ofctl and the OpenFlow codecs produce them. Ports
 * are OpenFlow 1.0-style 16-bit numbers (src/flow/ofp-port.ts); fields are entries of the field
 * table; 64-bit quantities (tunnel ids, metadata, cookies) are bigints. A few members record
 * which syntax or wire form an action came from (e.g. SetField.viaLoad), because OVS prints
 * them back the same way.
 */

import { CS_INVALID, CS_TRACKED, VLAN_CFI, W_CT, W_ETH_TYPE, W_NW, W_VLAN0 } from '../flow/layout.js';
import { mfArePrereqsOk, type Match } from '../flow/match.js';
import { MFF, type MfField, type MfSubfield } from '../flow/meta-flow.js';
import {
  OFPP_ALL,
  OFPP_CONTROLLER,
  OFPP_FLOOD,
  OFPP_IN_PORT,
  OFPP_LOCAL,
  OFPP_MAX,
  OFPP_NONE,
  OFPP_NORMAL,
  OFPP_TABLE,
} from '../flow/ofp-port.js';

export const OfpactType = {
  OUTPUT: 1,
  GROUP: 2,
  CONTROLLER: 3,
  ENQUEUE: 4,
  OUTPUT_REG: 5,
  BUNDLE: 6,
  SET_FIELD: 7,
  SET_VLAN_VID: 8,
  SET_VLAN_PCP: 9,
  STRIP_VLAN: 10,
  PUSH_VLAN: 11,
  SET_ETH_SRC: 12,
  SET_ETH_DST: 13,
  SET_IPV4_SRC: 14,
  SET_IPV4_DST: 15,
  SET_IP_DSCP: 16,
  SET_IP_ECN: 17,
  SET_IP_TTL: 18,
  SET_L4_SRC_PORT: 19,
  SET_L4_DST_PORT: 20,
  REG_MOVE: 21,
  STACK_PUSH: 22,
  STACK_POP: 23,
  DEC_TTL: 24,
  SET_MPLS_LABEL: 25,
  SET_MPLS_TC: 26,
  SET_MPLS_TTL: 27,
  DEC_MPLS_TTL: 28,
  PUSH_MPLS: 29,
  POP_MPLS: 30,
  SET_TUNNEL: 31,
  SET_QUEUE: 32,
  POP_QUEUE: 33,
  FIN_TIMEOUT: 34,
  RESUBMIT: 35,
  LEARN: 36,
  CONJUNCTION: 37,
  MULTIPATH: 38,
  NOTE: 39,
  EXIT: 40,
  SAMPLE: 41,
  CLONE: 42,
  OUTPUT_TRUNC: 43,
  CT_CLEAR: 44,
  METER: 45,
  CLEAR_ACTIONS: 46,
  WRITE_ACTIONS: 47,
  WRITE_METADATA: 48,
  GOTO_TABLE: 49,
} as const;
export type OfpactType = (typeof OfpactType)[keyof typeof OfpactType];
const T = OfpactType;

/** Packet-in reasons (OFPR_*). */
export const PacketInReason = {
  NO_MATCH: 0,
  ACTION: 1,
  INVALID_TTL: 2,
  ACTION_SET: 3,
  GROUP: 4,
  PACKET_OUT: 5,
} as const;

/** Hash field sets of bundle and multipath (NX_HASH_FIELDS_*). */
export const NxHashFields = {
  ETH_SRC: 0,
  SYMMETRIC_L4: 1,
  SYMMETRIC_L3L4: 2,
  SYMMETRIC_L3L4_UDP: 3,
  NW_SRC: 4,
  NW_DST: 5,
  SYMMETRIC_L3: 6,
} as const;

/** Multipath algorithms (NX_MP_ALG_*). */
export const NxMpAlgorithm = { MODULO_N: 0, HASH_THRESHOLD: 1, HRW: 2, ITER_HASH: 3 } as const;

/** Bundle algorithms (NX_BD_ALG_*). */
export const NxBdAlgorithm = { ACTIVE_BACKUP: 0, HRW: 1 } as const;

/** Learn flags (NX_LEARN_F_*). */
export const NxLearnFlags = { SEND_FLOW_REM: 1, DELETE_LEARNED: 2, WRITE_RESULT: 4 } as const;

/** Learn spec source/destination kinds (NX_LEARN_SRC_* / NX_LEARN_DST_*, unshifted). */
export const LearnSrc = { FIELD: 0, IMMEDIATE: 1 } as const;
export const LearnDst = { MATCH: 0, LOAD: 1, OUTPUT: 2 } as const;

/** Sample action directions (NX_ACTION_SAMPLE_*). */
export const SampleDirection = { DEFAULT: 0, INGRESS: 1, EGRESS: 2 } as const;

/** "No meter" for the controller action (NX_CTLR_NO_METER). */
export const NX_CTLR_NO_METER = 0;

export interface OutputAct { readonly type: typeof T.OUTPUT; readonly port: number; readonly maxLen: number }
export interface GroupAct { readonly type: typeof T.GROUP; readonly groupId: number }
export interface ControllerAct {
  readonly type: typeof T.CONTROLLER;
  readonly maxLen: number;
  readonly controllerId: number;
  readonly reason: number;
  readonly userdata: Uint8Array | null;
  readonly pause: boolean;
  readonly meterId: number;
}
export interface EnqueueAct { readonly type: typeof T.ENQUEUE; readonly port: number; readonly queue: number }
export interface OutputRegAct { readonly type: typeof T.OUTPUT_REG; readonly src: MfSubfield; readonly maxLen: number }
export interface BundleAct {
  readonly type: typeof T.BUNDLE;
  readonly algorithm: number;
  readonly fields: number;
  readonly basis: number;
  readonly members: readonly number[];
  /** bundle_load destination, or null for plain bundle. */
  readonly dst: MfSubfield | null;
}
export interface SetFieldAct {
  readonly type: typeof T.SET_FIELD;
  readonly field: MfField;
  /** Field value and mask, big-endian, field.nBytes each; value is already masked. */
  readonly value: Uint8Array;
  readonly mask: Uint8Array;
  /** Came from "load:" (NXAST_REG_LOAD): printed back as load. */
  readonly viaLoad: boolean;
}
export interface SetVlanVidAct { readonly type: typeof T.SET_VLAN_VID; readonly vid: number; readonly pushVlanIfNeeded: boolean }
export interface SetVlanPcpAct { readonly type: typeof T.SET_VLAN_PCP; readonly pcp: number; readonly pushVlanIfNeeded: boolean }
/** strip_vlan (OF1.0) or pop_vlan (OF1.1+): same action, printed by its origin. */
export interface StripVlanAct { readonly type: typeof T.STRIP_VLAN; readonly popVlan: boolean }
export interface PushVlanAct { readonly type: typeof T.PUSH_VLAN; readonly ethertype: number }
export interface SetEthAct { readonly type: typeof T.SET_ETH_SRC | typeof T.SET_ETH_DST; readonly mac: number }
export interface SetIpv4Act { readonly type: typeof T.SET_IPV4_SRC | typeof T.SET_IPV4_DST; readonly ip: number }
export interface SetIpDscpAct { readonly type: typeof T.SET_IP_DSCP; readonly dscp: number }
export interface SetIpEcnAct { readonly type: typeof T.SET_IP_ECN; readonly ecn: number }
export interface SetIpTtlAct { readonly type: typeof T.SET_IP_TTL; readonly ttl: number }
export interface SetL4PortAct { readonly type: typeof T.SET_L4_SRC_PORT | typeof T.SET_L4_DST_PORT; readonly port: number }
export interface RegMoveAct { readonly type: typeof T.REG_MOVE; readonly src: MfSubfield; readonly dst: MfSubfield }
export interface StackAct { readonly type: typeof T.STACK_PUSH | typeof T.STACK_POP; readonly subfield: MfSubfield }
export interface DecTtlAct {
  readonly type: typeof T.DEC_TTL;
  readonly controllerIds: readonly number[];
  /** Written as dec_ttl(ids...) (NXAST_DEC_TTL_CNT_IDS). */
  readonly explicitIds: boolean;
}
export interface SetMplsLabelAct { readonly type: typeof T.SET_MPLS_LABEL; readonly label: number }
export interface SetMplsTcAct { readonly type: typeof T.SET_MPLS_TC; readonly tc: number }
export interface SetMplsTtlAct { readonly type: typeof T.SET_MPLS_TTL; readonly ttl: number }
export interface PushMplsAct { readonly type: typeof T.PUSH_MPLS; readonly ethertype: number }
export interface PopMplsAct { readonly type: typeof T.POP_MPLS; readonly ethertype: number }
export interface SetTunnelAct {
  readonly type: typeof T.SET_TUNNEL;
  readonly tunId: bigint;
  /** Written as set_tunnel64 (NXAST_SET_TUNNEL64). */
  readonly tun64: boolean;
}
export interface SetQueueAct { readonly type: typeof T.SET_QUEUE; readonly queueId: number }
export interface FinTimeoutAct { readonly type: typeof T.FIN_TIMEOUT; readonly idleTimeout: number; readonly hardTimeout: number }
export interface ResubmitAct {
  readonly type: typeof T.RESUBMIT;
  /** OFPP_IN_PORT means "the current in_port". */
  readonly inPort: number;
  /** 255 means "the current table". */
  readonly tableId: number;
  readonly withCtOrig: boolean;
  /**
   * Came in as NXAST_RESUBMIT (OVS ofpact.raw): only then does it go out in that form again;
   * otherwise (parsed from text, or NXAST_RESUBMIT_TABLE) as NXAST_RESUBMIT_TABLE, as OVS does.
   */
  readonly rawResubmit?: boolean;
}
export interface LearnSpec {
  readonly srcType: number;
  readonly dstType: number;
  readonly nBits: number;
  /** Source subfield (srcType FIELD), else null. */
  readonly src: MfSubfield | null;
  /** Immediate source: ceil(nBits / 8) bytes, big-endian (srcType IMMEDIATE), else null. */
  readonly srcImm: Uint8Array | null;
  /** Destination subfield (dstType MATCH or LOAD), else null. */
  readonly dst: MfSubfield | null;
}
export interface LearnAct {
  readonly type: typeof T.LEARN;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly finIdleTimeout: number;
  readonly finHardTimeout: number;
  readonly priority: number;
  readonly cookie: bigint;
  readonly flags: number;
  readonly tableId: number;
  readonly limit: number;
  readonly resultDst: MfSubfield | null;
  readonly specs: readonly LearnSpec[];
}
export interface ConjunctionAct {
  readonly type: typeof T.CONJUNCTION;
  readonly id: number;
  /** 0-based clause index (printed 1-based). */
  readonly clause: number;
  readonly nClauses: number;
}
export interface MultipathAct {
  readonly type: typeof T.MULTIPATH;
  readonly fields: number;
  readonly basis: number;
  readonly algorithm: number;
  readonly maxLink: number;
  readonly arg: number;
  readonly dst: MfSubfield;
}
export interface NoteAct { readonly type: typeof T.NOTE; readonly data: Uint8Array }
export interface SampleAct {
  readonly type: typeof T.SAMPLE;
  readonly probability: number;
  readonly collectorSetId: number;
  readonly obsDomainImm: number;
  readonly obsDomainSrc: MfSubfield | null;
  readonly obsPointImm: number;
  readonly obsPointSrc: MfSubfield | null;
  /** OFPP_NONE if none. */
  readonly samplingPort: number;
  readonly direction: number;
}
export interface NestAct {
  readonly type: typeof T.CLONE | typeof T.WRITE_ACTIONS;
  readonly actions: readonly OfpAction[];
}
export interface OutputTruncAct { readonly type: typeof T.OUTPUT_TRUNC; readonly port: number; readonly maxLen: number }
export interface MeterAct { readonly type: typeof T.METER; readonly meterId: number }
export interface WriteMetadataAct { readonly type: typeof T.WRITE_METADATA; readonly metadata: bigint; readonly mask: bigint }
export interface GotoTableAct { readonly type: typeof T.GOTO_TABLE; readonly tableId: number }
export interface NullAct {
  readonly type:
    | typeof T.DEC_MPLS_TTL
    | typeof T.POP_QUEUE
    | typeof T.EXIT
    | typeof T.CT_CLEAR
    | typeof T.CLEAR_ACTIONS;
}

export type OfpAction =
  | OutputAct
  | GroupAct
  | ControllerAct
  | EnqueueAct
  | OutputRegAct
  | BundleAct
  | SetFieldAct
  | SetVlanVidAct
  | SetVlanPcpAct
  | StripVlanAct
  | PushVlanAct
  | SetEthAct
  | SetIpv4Act
  | SetIpDscpAct
  | SetIpEcnAct
  | SetIpTtlAct
  | SetL4PortAct
  | RegMoveAct
  | StackAct
  | DecTtlAct
  | SetMplsLabelAct
  | SetMplsTcAct
  | SetMplsTtlAct
  | PushMplsAct
  | PopMplsAct
  | SetTunnelAct
  | SetQueueAct
  | FinTimeoutAct
  | ResubmitAct
  | LearnAct
  | ConjunctionAct
  | MultipathAct
  | NoteAct
  | SampleAct
  | NestAct
  | OutputTruncAct
  | MeterAct
  | WriteMetadataAct
  | GotoTableAct
  | NullAct;

/** OVS's names of each action type (ofpact_name), as accepted in parsing. */
export const OFPACT_NAMES: Readonly<Record<OfpactType, string>> = {
  [T.OUTPUT]: 'output',
  [T.GROUP]: 'group',
  [T.CONTROLLER]: 'controller',
  [T.ENQUEUE]: 'enqueue',
  [T.OUTPUT_REG]: 'output_reg',
  [T.BUNDLE]: 'bundle',
  [T.SET_FIELD]: 'set_field',
  [T.SET_VLAN_VID]: 'set_vlan_vid',
  [T.SET_VLAN_PCP]: 'set_vlan_pcp',
  [T.STRIP_VLAN]: 'strip_vlan',
  [T.PUSH_VLAN]: 'push_vlan',
  [T.SET_ETH_SRC]: 'mod_dl_src',
  [T.SET_ETH_DST]: 'mod_dl_dst',
  [T.SET_IPV4_SRC]: 'mod_nw_src',
  [T.SET_IPV4_DST]: 'mod_nw_dst',
  [T.SET_IP_DSCP]: 'mod_nw_tos',
  [T.SET_IP_ECN]: 'mod_nw_ecn',
  [T.SET_IP_TTL]: 'mod_nw_ttl',
  [T.SET_L4_SRC_PORT]: 'mod_tp_src',
  [T.SET_L4_DST_PORT]: 'mod_tp_dst',
  [T.REG_MOVE]: 'move',
  [T.STACK_PUSH]: 'push',
  [T.STACK_POP]: 'pop',
  [T.DEC_TTL]: 'dec_ttl',
  [T.SET_MPLS_LABEL]: 'set_mpls_label',
  [T.SET_MPLS_TC]: 'set_mpls_tc',
  [T.SET_MPLS_TTL]: 'set_mpls_ttl',
  [T.DEC_MPLS_TTL]: 'dec_mpls_ttl',
  [T.PUSH_MPLS]: 'push_mpls',
  [T.POP_MPLS]: 'pop_mpls',
  [T.SET_TUNNEL]: 'set_tunnel',
  [T.SET_QUEUE]: 'set_queue',
  [T.POP_QUEUE]: 'pop_queue',
  [T.FIN_TIMEOUT]: 'fin_timeout',
  [T.RESUBMIT]: 'resubmit',
  [T.LEARN]: 'learn',
  [T.CONJUNCTION]: 'conjunction',
  [T.MULTIPATH]: 'multipath',
  [T.NOTE]: 'note',
  [T.EXIT]: 'exit',
  [T.SAMPLE]: 'sample',
  [T.CLONE]: 'clone',
  [T.OUTPUT_TRUNC]: 'output_trunc',
  [T.CT_CLEAR]: 'ct_clear',
  [T.METER]: 'meter',
  [T.CLEAR_ACTIONS]: 'clear_actions',
  [T.WRITE_ACTIONS]: 'write_actions',
  [T.WRITE_METADATA]: 'write_metadata',
  [T.GOTO_TABLE]: 'goto_table',
};

/** OpenFlow 1.1+ instruction kinds, in the order they must appear (OVS's ovs_instruction_type). */
export const OvsInst = { METER: 0, APPLY_ACTIONS: 1, CLEAR_ACTIONS: 2, WRITE_ACTIONS: 3, WRITE_METADATA: 4, GOTO_TABLE: 5 } as const;
export const OVS_INST_NAMES = ['meter', 'apply_actions', 'clear_actions', 'write_actions', 'write_metadata', 'goto_table'] as const;

/** The instruction an action belongs to. */
export function instructionOf(a: OfpAction): number {
  switch (a.type) {
    case T.METER: return OvsInst.METER;
    case T.CLEAR_ACTIONS: return OvsInst.CLEAR_ACTIONS;
    case T.WRITE_ACTIONS: return OvsInst.WRITE_ACTIONS;
    case T.WRITE_METADATA: return OvsInst.WRITE_METADATA;
    case T.GOTO_TABLE: return OvsInst.GOTO_TABLE;
    default: return OvsInst.APPLY_ACTIONS;
  }
}

/** The actions of the Apply-Actions instruction (everything but the other instructions). */
export function applyActions(acts: readonly OfpAction[]): OfpAction[] {
  return acts.filter((a) => instructionOf(a) === OvsInst.APPLY_ACTIONS);
}

/** The goto_table target, or -1. */
export function gotoTable(acts: readonly OfpAction[]): number {
  for (const a of acts) if (a.type === T.GOTO_TABLE) return a.tableId;
  return -1;
}

/** The meter id of a Meter instruction, or 0. */
export function meterOf(acts: readonly OfpAction[]): number {
  for (const a of acts) if (a.type === T.METER) return a.meterId;
  return 0;
}

/** True if the actions output to `port` (OVS's ofpacts_output_to_port), for out_port filters. */
export function outputsToPort(acts: readonly OfpAction[], port: number): boolean {
  for (const a of acts) {
    switch (a.type) {
      case T.OUTPUT:
      case T.ENQUEUE:
      case T.OUTPUT_TRUNC:
        if (a.port === port) return true;
        break;
      case T.CONTROLLER:
        if (port === OFPP_CONTROLLER) return true;
        break;
      case T.CLONE:
      case T.WRITE_ACTIONS:
        if (outputsToPort(a.actions, port)) return true;
        break;
    }
  }
  return false;
}

/** True if the actions output to group `group` (OVS's ofpacts_output_to_group). */
export function outputsToGroup(acts: readonly OfpAction[], group: number): boolean {
  for (const a of acts) {
    if (a.type === T.GROUP && a.groupId === group) return true;
    if ((a.type === T.CLONE || a.type === T.WRITE_ACTIONS) && outputsToGroup(a.actions, group)) return true;
  }
  return false;
}

// --- consistency with the match (OVS's ofpacts_check) ------------------------------------------

export interface ActionCheckOptions {
  /** Ports at or above this (other than the reserved ones) are invalid (OFPP_MAX by default). */
  maxPorts?: number;
  /** Table of the flow, for goto_table (255 = unknown). */
  tableId?: number;
  /** Number of tables (255 = unknown). */
  nTables?: number;
}

const OFPM13_MAX = 0xffff0000;

function checkOutputPort(port: number, maxPorts: number): string | null {
  switch (port) {
    case OFPP_IN_PORT:
    case OFPP_TABLE:
    case OFPP_NORMAL:
    case OFPP_FLOOD:
    case OFPP_ALL:
    case OFPP_CONTROLLER:
    case OFPP_LOCAL:
      return null;
    case OFPP_NONE:
      return 'OFPBAC_BAD_OUT_PORT';
    default:
      return port < maxPorts ? null : 'OFPBAC_BAD_OUT_PORT';
  }
}

function checkSrc(sf: MfSubfield, key: Uint32Array): string | null {
  if (sf.nBits === 0 || sf.ofs + sf.nBits > sf.field.nBits) return 'OFPBAC_BAD_SET_LEN';
  return mfArePrereqsOk(sf.field, key) ? null : 'OFPBAC_MATCH_INCONSISTENT';
}

function checkDst(sf: MfSubfield, key: Uint32Array): string | null {
  const e = checkSrc(sf, key);
  if (e) return e;
  return sf.field.writable ? null : 'OFPBAC_BAD_SET_ARGUMENT';
}

function setTciCfi(key: Uint32Array, on: boolean): void {
  key[W_VLAN0] = on ? (key[W_VLAN0]! | VLAN_CFI) >>> 0 : (key[W_VLAN0]! & ~VLAN_CFI) >>> 0;
}

function checkList(acts: readonly OfpAction[], key: Uint32Array, mask: Uint32Array, o: Required<ActionCheckOptions>): string | null {
  for (const a of acts) {
    let e: string | null = null;
    switch (a.type) {
      case T.OUTPUT:
      case T.OUTPUT_TRUNC:
        e = checkOutputPort(a.port, o.maxPorts);
        break;
      case T.ENQUEUE:
        if (a.port >= o.maxPorts && a.port !== OFPP_IN_PORT && a.port !== OFPP_LOCAL) e = 'OFPBAC_BAD_OUT_PORT';
        break;
      case T.OUTPUT_REG:
        e = checkSrc(a.src, key);
        break;
      case T.BUNDLE:
        for (const m of a.members) if (!e && m >= o.maxPorts && m !== OFPP_LOCAL) e = 'OFPBAC_BAD_OUT_PORT';
        if (!e && a.dst) e = checkDst(a.dst, key);
        break;
      case T.SET_FIELD: {
        const f = a.field;
        if (!mfArePrereqsOk(f, key) || (f.id === MFF.VLAN_VID && !(key[W_VLAN0]! & VLAN_CFI))) {
          e = 'OFPBAC_MATCH_INCONSISTENT';
        } else if (f.id === MFF.VLAN_TCI) {
          setTciCfi(key, (a.value[0]! & 0x10) !== 0);
        }
        break;
      }
      case T.SET_VLAN_VID:
      case T.SET_VLAN_PCP:
      case T.PUSH_VLAN:
        if (a.type === T.PUSH_VLAN && key[W_VLAN0 + 1]! & VLAN_CFI) e = 'OFPBAC_BAD_TAG';
        setTciCfi(key, true);
        break;
      case T.STRIP_VLAN:
        key[W_VLAN0] = key[W_VLAN0 + 1]!;
        key[W_VLAN0 + 1] = 0;
        break;
      case T.REG_MOVE:
        e = checkSrc(a.src, key) ?? checkDst(a.dst, key);
        break;
      case T.STACK_PUSH:
        e = checkSrc(a.subfield, key);
        break;
      case T.STACK_POP:
        e = checkDst(a.subfield, key);
        break;
      case T.MULTIPATH:
        e = checkDst(a.dst, key);
        break;
      case T.SAMPLE:
        if (a.obsDomainSrc) e = checkSrc(a.obsDomainSrc, key);
        if (!e && a.obsPointSrc) e = checkSrc(a.obsPointSrc, key);
        break;
      case T.LEARN:
        for (const sp of a.specs) if (!e && sp.src) e = checkSrc(sp.src, key);
        break;
      case T.PUSH_MPLS:
        key[W_ETH_TYPE] = a.ethertype;
        key[W_NW] = (key[W_NW]! & 0x00ffffff) >>> 0;
        break;
      case T.POP_MPLS:
        if ((key[W_ETH_TYPE]! & 0xffff) === 0x8847 || (key[W_ETH_TYPE]! & 0xffff) === 0x8848) key[W_ETH_TYPE] = a.ethertype;
        break;
      case T.RESUBMIT:
        if (a.withCtOrig) {
          const st = key[W_CT]! & mask[W_CT]! & 0xff;
          if (!(st & CS_TRACKED) || st & CS_INVALID) e = 'OFPBAC_MATCH_INCONSISTENT';
        }
        break;
      case T.METER:
        if (a.meterId === 0 || a.meterId > OFPM13_MAX) e = 'OFPMMFC_INVALID_METER';
        break;
      case T.GOTO_TABLE:
        if ((o.tableId !== 255 && a.tableId <= o.tableId) || (o.nTables !== 255 && a.tableId >= o.nTables)) e = 'OFPBIC_BAD_TABLE_ID';
        break;
      case T.CLONE:
      case T.WRITE_ACTIONS:
        e = checkList(a.actions, key.slice(), mask, o);
        break;
      default:
        break;
    }
    if (e) return e;
  }
  return null;
}

/**
 * Checks actions against the flow's match as OVS does when a flow is added (ofpacts_check):
 * fields read or written must have their prerequisites in the match (as modified by earlier
 * actions such as push_mpls), output ports must be valid, goto_table must go forward, and so
 * on. Returns null or the OpenFlow error name (e.g. "OFPBAC_MATCH_INCONSISTENT").
 */
export function checkActions(acts: readonly OfpAction[], match: Match, o: ActionCheckOptions = {}): string | null {
  const opts: Required<ActionCheckOptions> = { maxPorts: o.maxPorts ?? OFPP_MAX, tableId: o.tableId ?? 255, nTables: o.nTables ?? 255 };
  return checkList(acts, match.key.slice(), match.mask, opts);
}
