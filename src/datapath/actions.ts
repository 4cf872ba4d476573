/*
 * Datapath actions as plain data: the compact, validated list that a megaflow carries and
 * that execute() runs (OVS's OVS_ACTION_ATTR_*). Values written by set actions use the
 * FlowKey layout (src/flow/layout.ts): `key` holds the new values and `mask` the bits to
 * change, so ofproto can build them by comparing flows word by word.
 */
import { OdpAttr } from '../flow/odp-attr.js';

/** Numeric action discriminants (switch on these; never on strings). */
export const DpActionType = {
  OUTPUT: 1,
  USERSPACE: 2,
  SET: 3,
  SET_MASKED: 4,
  PUSH_VLAN: 5,
  POP_VLAN: 6,
  PUSH_MPLS: 7,
  POP_MPLS: 8,
  RECIRC: 9,
  HASH: 10,
  SAMPLE: 11,
  CLONE: 12,
  TRUNC: 13,
  DROP: 14,
  METER: 15,
} as const;
export type DpActionType = (typeof DpActionType)[keyof typeof DpActionType];

/**
 * Which header a set / masked set writes: the ODP key attributes that may be set, with the
 * key attribute's own id (so the text forms convert without a table).
 */
export const SetAttr = {
  PRIORITY: OdpAttr.PRIORITY,
  SKB_MARK: OdpAttr.SKB_MARK,
  TUNNEL: OdpAttr.TUNNEL,
  ETH: OdpAttr.ETH,
  MPLS: OdpAttr.MPLS,
  IPV4: OdpAttr.IPV4,
  IPV6: OdpAttr.IPV6,
  TCP: OdpAttr.TCP,
  UDP: OdpAttr.UDP,
  SCTP: OdpAttr.SCTP,
  ICMP: OdpAttr.ICMP,
  ICMPV6: OdpAttr.ICMPV6,
  ARP: OdpAttr.ARP,
  ND: OdpAttr.ND,
  CT_STATE: OdpAttr.CT_STATE,
} as const;
export type SetAttr = (typeof SetAttr)[keyof typeof SetAttr];

export interface OutputAction {
  readonly type: typeof DpActionType.OUTPUT;
  readonly port: number;
}

const sharedOutputs: (OutputAction | undefined)[] = [];

/**
 * The output action to `port`. Datapath actions are immutable data, so translations share
 * one object per port instead of allocating one per output of every flow setup.
 */
export function outputAction(port: number): OutputAction {
  if (!(port >= 0 && port <= 0xffff && Number.isInteger(port))) return { type: DpActionType.OUTPUT, port };
  let a = sharedOutputs[port];
  if (a === undefined) {
    a = { type: DpActionType.OUTPUT, port };
    sharedOutputs[port] = a;
  }
  return a;
}

export interface UserspaceAction {
  readonly type: typeof DpActionType.USERSPACE;
  /** Upcall channel id (OVS's netlink pid); tsovs has one queue, kept for the text form. */
  readonly pid: number;
  /** Opaque bytes handed back with the ACTION upcall (ofproto encodes its cookie here). */
  readonly userdata: Uint8Array | null;
}

export interface SetAction {
  readonly type: typeof DpActionType.SET | typeof DpActionType.SET_MASKED;
  readonly attr: SetAttr;
  /** New values, FlowKey layout (FLOW_WORDS words). */
  readonly key: Uint32Array;
  /** Bits to write, FlowKey layout. For SET (not masked) it covers every field of `attr`. */
  readonly mask: Uint32Array;
}

export interface PushVlanAction {
  readonly type: typeof DpActionType.PUSH_VLAN;
  /** 0x8100 or 0x88a8. */
  readonly tpid: number;
  /** TCI including the CFI/present bit 0x1000 (which is cleared on the wire). */
  readonly tci: number;
}

export interface PopVlanAction {
  readonly type: typeof DpActionType.POP_VLAN;
}

export interface PushMplsAction {
  readonly type: typeof DpActionType.PUSH_MPLS;
  /** 0x8847 or 0x8848. */
  readonly ethertype: number;
  /** Label stack entry: label << 12 | tc << 9 | bos << 8 | ttl. */
  readonly lse: number;
}

export interface PopMplsAction {
  readonly type: typeof DpActionType.POP_MPLS;
  /** Ethertype of what follows the popped label. */
  readonly ethertype: number;
}

export interface RecircAction {
  readonly type: typeof DpActionType.RECIRC;
  readonly id: number;
}

export interface HashAction {
  readonly type: typeof DpActionType.HASH;
  /** 0 = L4 (OVS_HASH_ALG_L4), 1 = symmetric L4. */
  readonly alg: number;
  readonly basis: number;
}

export interface SampleAction {
  readonly type: typeof DpActionType.SAMPLE;
  /** Probability as a fraction of 2^32 - 1 (0xffffffff = always). */
  readonly probability: number;
  readonly actions: readonly DpAction[];
}

export interface CloneAction {
  readonly type: typeof DpActionType.CLONE;
  readonly actions: readonly DpAction[];
}

export interface TruncAction {
  readonly type: typeof DpActionType.TRUNC;
  readonly maxLen: number;
}

export interface DropAction {
  readonly type: typeof DpActionType.DROP;
  /** OVS's xlate error code for an explicit drop (0 = none). */
  readonly reason: number;
}

/** Run the packet through a datapath meter; a packet over a band's rate is dropped there. */
export interface MeterAction {
  readonly type: typeof DpActionType.METER;
  readonly meterId: number;
}

export type DpAction =
  | OutputAction
  | UserspaceAction
  | SetAction
  | PushVlanAction
  | PopVlanAction
  | PushMplsAction
  | PopMplsAction
  | RecircAction
  | HashAction
  | SampleAction
  | CloneAction
  | TruncAction
  | DropAction
  | MeterAction;
