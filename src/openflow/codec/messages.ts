/*
 * The decoded form of OpenFlow messages: a discriminated union on a numeric `type`
 * (OfType.*, semantic like OVS's OFPTYPE_*: one value per meaning, whatever the version or
 * extension that carried it) with the message's `xid`. Matches are Match ({key, mask} in the
 * FlowKey layout); actions and instructions use ofproto's OfpAction model; ports are
 * OpenFlow 1.0-style 16-bit numbers (src/flow/ofp-port.ts); 64-bit counters and ids are
 * bigints. Fields whose meaning differs between versions are kept in a normalized form
 * (documented per field); a few `nx`/`format` hints record which Nicira variant a message
 * used, so it can be re-encoded the same way.
 */

import type { Match } from '../../flow/match.js';
import type { MfField } from '../../flow/meta-flow.js';
import type { FlowMod } from '../../ofproto/flow-mod.js';
import type { OfpAction } from '../../ofproto/ofp-actions.js';

export const OfType = {
  HELLO: 0,
  ERROR: 1,
  ECHO_REQUEST: 2,
  ECHO_REPLY: 3,
  FEATURES_REQUEST: 4,
  FEATURES_REPLY: 5,
  GET_CONFIG_REQUEST: 6,
  GET_CONFIG_REPLY: 7,
  SET_CONFIG: 8,
  PACKET_IN: 9,
  FLOW_REMOVED: 10,
  PORT_STATUS: 11,
  PACKET_OUT: 12,
  FLOW_MOD: 13,
  GROUP_MOD: 14,
  PORT_MOD: 15,
  TABLE_MOD: 16,
  BARRIER_REQUEST: 17,
  BARRIER_REPLY: 18,
  QUEUE_GET_CONFIG_REQUEST: 19,
  QUEUE_GET_CONFIG_REPLY: 20,
  ROLE_REQUEST: 21,
  ROLE_REPLY: 22,
  GET_ASYNC_REQUEST: 23,
  GET_ASYNC_REPLY: 24,
  SET_ASYNC_CONFIG: 25,
  METER_MOD: 26,
  ROLE_STATUS: 27,
  REQUESTFORWARD: 28,
  BUNDLE_CONTROL: 29,
  BUNDLE_ADD_MESSAGE: 30,
  DESC_STATS_REQUEST: 31,
  DESC_STATS_REPLY: 32,
  FLOW_STATS_REQUEST: 33,
  FLOW_STATS_REPLY: 34,
  AGGREGATE_STATS_REQUEST: 35,
  AGGREGATE_STATS_REPLY: 36,
  TABLE_STATS_REQUEST: 37,
  TABLE_STATS_REPLY: 38,
  PORT_STATS_REQUEST: 39,
  PORT_STATS_REPLY: 40,
  QUEUE_STATS_REQUEST: 41,
  QUEUE_STATS_REPLY: 42,
  GROUP_STATS_REQUEST: 43,
  GROUP_STATS_REPLY: 44,
  GROUP_DESC_STATS_REQUEST: 45,
  GROUP_DESC_STATS_REPLY: 46,
  GROUP_FEATURES_STATS_REQUEST: 47,
  GROUP_FEATURES_STATS_REPLY: 48,
  METER_STATS_REQUEST: 49,
  METER_STATS_REPLY: 50,
  METER_CONFIG_STATS_REQUEST: 51,
  METER_CONFIG_STATS_REPLY: 52,
  METER_FEATURES_STATS_REQUEST: 53,
  METER_FEATURES_STATS_REPLY: 54,
  TABLE_FEATURES_STATS_REQUEST: 55,
  TABLE_FEATURES_STATS_REPLY: 56,
  PORT_DESC_STATS_REQUEST: 57,
  PORT_DESC_STATS_REPLY: 58,
  FLOW_MONITOR_STATS_REQUEST: 59,
  FLOW_MONITOR_STATS_REPLY: 60,
  FLOW_MONITOR_CANCEL: 61,
  FLOW_MONITOR_PAUSED: 62,
  FLOW_MONITOR_RESUMED: 63,
  SET_FLOW_FORMAT: 64,
  FLOW_MOD_TABLE_ID: 65,
  SET_PACKET_IN_FORMAT: 66,
  FLOW_AGE: 67,
  SET_CONTROLLER_ID: 68,
  CT_FLUSH_ZONE: 69,
  RESUME: 70,
} as const;
export type OfType = (typeof OfType)[keyof typeof OfType];

/** OfType names as OVS spells its OFPTYPE_* (without the prefix). */
export const OF_TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(OfType).map(([k, v]) => [v, k]),
);

/** Fields every message has. */
export interface OfMsgBase<T extends OfType> {
  readonly type: T;
  readonly xid: number;
}

// --- immutable messages -------------------------------------------------------------------

export interface HelloMsg extends OfMsgBase<typeof OfType.HELLO> {
  /** Versions announced in a version-bitmap element, or null when the hello has none. */
  readonly versions: readonly number[] | null;
}

export interface ErrorMsg extends OfMsgBase<typeof OfType.ERROR> {
  /** OVS error name (e.g. "OFPBRC_BAD_LEN"), or null if (vendor, type, code) is not known. */
  readonly error: string | null;
  /** 0 for standard errors, else NX_VENDOR_ID / ONF_VENDOR_ID. */
  readonly vendor: number;
  /** The type and code inside the vendor's space (exp_type and 0 for OF1.2+ experimenter errors). */
  readonly errType: number;
  readonly errCode: number;
  /** The payload: usually the start of the offending message (or a text for hello failures). */
  readonly data: Uint8Array;
}

export interface EchoMsg extends OfMsgBase<typeof OfType.ECHO_REQUEST | typeof OfType.ECHO_REPLY> {
  readonly data: Uint8Array;
}

export type EmptyMsg = OfMsgBase<
  | typeof OfType.FEATURES_REQUEST
  | typeof OfType.GET_CONFIG_REQUEST
  | typeof OfType.BARRIER_REQUEST
  | typeof OfType.BARRIER_REPLY
  | typeof OfType.GET_ASYNC_REQUEST
  | typeof OfType.FLOW_AGE
  | typeof OfType.FLOW_MONITOR_PAUSED
  | typeof OfType.FLOW_MONITOR_RESUMED
>;

// --- switch configuration ---------------------------------------------------------------------

/**
 * A port description (OVS ofputil_phy_port). `portNo` is a 16-bit OpenFlow 1.0-style number.
 * `config` uses the OF1.0 bit positions (OFPPC_*: PORT_DOWN 1, NO_STP 2, NO_RECV 4,
 * NO_RECV_STP 8, NO_FLOOD 16, NO_FWD 32, NO_PACKET_IN 64); `state` the union of OF1.0 and
 * OF1.1 positions (LINK_DOWN 1, BLOCKED 2, LIVE 4, STP bits 0x300); the feature bitmaps the
 * OF1.1+ layout (OFPPF_10MB_HD 1 ... 1TB_FD 1<<9, OTHER 1<<10, COPPER 1<<11, FIBER 1<<12,
 * AUTONEG 1<<13, PAUSE 1<<14, PAUSE_ASYM 1<<15). Speeds in kbps.
 */
export interface PortDesc {
  readonly portNo: number;
  readonly hwAddr: number;
  readonly name: string;
  readonly config: number;
  readonly state: number;
  readonly curr: number;
  readonly advertised: number;
  readonly supported: number;
  readonly peer: number;
  readonly currSpeed: number;
  readonly maxSpeed: number;
}

export interface FeaturesReplyMsg extends OfMsgBase<typeof OfType.FEATURES_REPLY> {
  readonly datapathId: bigint;
  readonly nBuffers: number;
  readonly nTables: number;
  /** OF1.3+ auxiliary connection id (0 otherwise). */
  readonly auxiliaryId: number;
  /** OFPC_* bits as on the wire for the version. */
  readonly capabilities: number;
  /** OF1.0 supported-actions bitmap (0 otherwise). */
  readonly actions: number;
  /** Ports (OF1.0 only; empty for 1.3+, which uses port-desc). */
  readonly ports: readonly PortDesc[];
}

export interface SwitchConfigMsg extends OfMsgBase<typeof OfType.GET_CONFIG_REPLY | typeof OfType.SET_CONFIG> {
  /** OFPC_FRAG_* bits. */
  readonly flags: number;
  readonly missSendLen: number;
}

// --- asynchronous messages ---------------------------------------------------------------------

/** Packet-in wire format: standard OFPT_PACKET_IN, NXT_PACKET_IN, or NXT_PACKET_IN2. */
export type PacketInFormat = 'standard' | 'nxt' | 'nxt2';

export interface PacketInMsg extends OfMsgBase<typeof OfType.PACKET_IN> {
  readonly format: PacketInFormat;
  readonly bufferId: number;
  readonly totalLen: number;
  /** OFPR_* reason. */
  readonly reason: number;
  readonly tableId: number;
  readonly cookie: bigint;
  /** Pipeline fields (in_port, metadata, registers, tunnel...) as a match. */
  readonly match: Match;
  readonly data: Uint8Array;
  /** NXT_PACKET_IN2 only: controller userdata and the opaque continuation (null if absent). */
  readonly userdata: Uint8Array | null;
  readonly continuation: Uint8Array | null;
}

export interface FlowRemovedMsg extends OfMsgBase<typeof OfType.FLOW_REMOVED> {
  /** Use NXT_FLOW_REMOVED (NXM match) in OpenFlow 1.0. */
  readonly nx: boolean;
  readonly match: Match;
  readonly cookie: bigint;
  readonly priority: number;
  /** OFPRR_* reason. */
  readonly reason: number;
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
}

export interface PortStatusMsg extends OfMsgBase<typeof OfType.PORT_STATUS> {
  /** OFPPR_ADD / DELETE / MODIFY. */
  readonly reason: number;
  readonly desc: PortDesc;
}

// --- controller commands ---------------------------------------------------------------------

/**
 * NXT_RESUME: a controller hands back a paused packet-in (NXT_PACKET_IN2) to carry on its
 * pipeline. Same fields as the packet-in; `continuation` is the NXPINT_CONTINUATION content
 * as the switch sent it (decode it with decodeContinuation).
 */
export interface ResumeMsg extends OfMsgBase<typeof OfType.RESUME>, Omit<PacketInMsg, 'type' | 'xid' | 'format'> {}

export interface PacketOutMsg extends OfMsgBase<typeof OfType.PACKET_OUT> {
  readonly bufferId: number;
  /** 16-bit OpenFlow port (OFPP_CONTROLLER when none). In OF1.5 the in_port of `match`. */
  readonly inPort: number;
  /** OF1.5 pipeline-field match (in_port and others); catch-all except in_port in other versions. */
  readonly match: Match;
  readonly actions: readonly OfpAction[];
  readonly data: Uint8Array;
}

/** A flow-mod: the message header and ofproto's FlowMod (OVS ofputil_flow_mod), the one decoded form. */
export interface FlowModMsg extends OfMsgBase<typeof OfType.FLOW_MOD>, FlowMod {
  /** OpenFlow 1.0: use NXT_FLOW_MOD (NXM match) rather than OFPT_FLOW_MOD. */
  readonly nx: boolean;
}

export interface GroupBucket {
  /** OF1.5 bucket id (else the position in the list). */
  readonly bucketId: number;
  readonly weight: number;
  /** 16-bit OpenFlow port (OFPP_ANY = none). */
  readonly watchPort: number;
  readonly watchGroup: number;
  readonly actions: readonly OfpAction[];
}

export interface GroupModMsg extends OfMsgBase<typeof OfType.GROUP_MOD> {
  /** OFPGC_* (ADD 0, MODIFY 1, DELETE 2, INSERT_BUCKET 3, REMOVE_BUCKET 5; ADD_OR_MOD 0x8000). */
  readonly command: number;
  /** OFPGT_* (ALL 0, SELECT 1, INDIRECT 2, FF 3). */
  readonly groupType: number;
  readonly groupId: number;
  /** OF1.5 insert/remove bucket target (OFPG15_BUCKET_*); 0xffffffff (ALL) otherwise. */
  readonly commandBucketId: number;
  readonly buckets: readonly GroupBucket[];
  /** Select-group properties (OF1.0 NXT_GROUP_MOD and OF1.5 only; absent or empty method = none). */
  readonly props?: GroupProps;
}

/** One field of a select group's hash (selection_method=hash), with the mask applied to it. */
export interface GroupSelectionField {
  readonly field: MfField;
  /** nBytes long; all ones = the whole field. */
  readonly mask: Uint8Array;
}

/**
 * The Netronome selection-method group property (NTRT_SELECTION_METHOD), as OVS models it
 * (ofputil_group_props). Decoded messages only carry "hash" or "dp_hash"; an encoder writes
 * whatever method name it is given (up to 15 bytes), as ovs-ofctl does.
 */
export interface GroupProps {
  /** '' = no property. */
  readonly selectionMethod: string;
  readonly selectionMethodParam: bigint;
  /** Ordered by field id (OVS's field_array order); empty for dp_hash and for hash's default. */
  readonly fields: readonly GroupSelectionField[];
}

export interface PortModMsg extends OfMsgBase<typeof OfType.PORT_MOD> {
  readonly portNo: number;
  readonly hwAddr: number;
  /** OFPPC_* bits (OF1.0 positions) and which of them to change. */
  readonly config: number;
  readonly mask: number;
  /** OF1.1+ feature bits to advertise (0 = no change). */
  readonly advertise: number;
}

export interface TableModMsg extends OfMsgBase<typeof OfType.TABLE_MOD> {
  readonly tableId: number;
  /** OFPTC_* config bits as on the wire. */
  readonly config: number;
}

export interface MeterBandDesc {
  /** OFPMBT_* (DROP 1, DSCP_REMARK 2). */
  readonly type: number;
  readonly rate: number;
  readonly burstSize: number;
  /** DSCP remark bands only (0 otherwise). */
  readonly precLevel: number;
}

export interface MeterModMsg extends OfMsgBase<typeof OfType.METER_MOD> {
  readonly command: number;
  readonly flags: number;
  readonly meterId: number;
  readonly bands: readonly MeterBandDesc[];
}

export interface QueueGetConfigRequestMsg extends OfMsgBase<typeof OfType.QUEUE_GET_CONFIG_REQUEST> {
  readonly portNo: number;
}

export interface QueueConfig {
  readonly queueId: number;
  readonly portNo: number;
  /** Tenths of a percent; 0xffff = not configured. */
  readonly minRate: number;
  readonly maxRate: number;
}

export interface QueueGetConfigReplyMsg extends OfMsgBase<typeof OfType.QUEUE_GET_CONFIG_REPLY> {
  readonly portNo: number;
  readonly queues: readonly QueueConfig[];
}

// --- roles and asynchronous configuration ------------------------------------------------------

export interface RoleMsg extends OfMsgBase<typeof OfType.ROLE_REQUEST | typeof OfType.ROLE_REPLY> {
  /** Use NXT_ROLE_REQUEST / NXT_ROLE_REPLY. */
  readonly nx: boolean;
  /** OFPCR12_ROLE_* (NOCHANGE 0, EQUAL 1, MASTER 2, SLAVE 3); NX roles map onto these. */
  readonly role: number;
  /** U64_MAX when the request carries none (NX form). */
  readonly generationId: bigint;
}

export interface RoleStatusMsg extends OfMsgBase<typeof OfType.ROLE_STATUS> {
  readonly role: number;
  /** OFPCRR_* (MASTER_REQUEST 0, CONFIG 1, EXPERIMENTER 2). */
  readonly reason: number;
  readonly generationId: bigint;
}

/** One asynchronous-config mask (OFPACPT_* type: even = slave, odd = master/equal). */
export interface AsyncProp {
  readonly type: number;
  readonly mask: number;
}

export interface AsyncConfigMsg extends OfMsgBase<typeof OfType.GET_ASYNC_REPLY | typeof OfType.SET_ASYNC_CONFIG> {
  /** Use NXT_SET_ASYNC_CONFIG (set only, OpenFlow 1.0). */
  readonly nx: boolean;
  readonly props: readonly AsyncProp[];
}

export interface RequestForwardMsg extends OfMsgBase<typeof OfType.REQUESTFORWARD> {
  /** The forwarded group-mod or meter-mod message, whole. */
  readonly request: Uint8Array;
}

// --- bundles ---------------------------------------------------------------------------------------

export interface BundleControlMsg extends OfMsgBase<typeof OfType.BUNDLE_CONTROL> {
  readonly bundleId: number;
  /** OFPBCT_*. */
  readonly ctrlType: number;
  /** OFPBF_* (ATOMIC 1, ORDERED 2). */
  readonly flags: number;
}

export interface BundleAddMsg extends OfMsgBase<typeof OfType.BUNDLE_ADD_MESSAGE> {
  readonly bundleId: number;
  readonly flags: number;
  /** The inner message, whole (decode it with decodeMessage). */
  readonly message: Uint8Array;
}

// --- statistics / multipart -------------------------------------------------------------------

/** Fields every statistics / multipart message has. */
export interface OfMpBase<T extends OfType> extends OfMsgBase<T> {
  /** OFPSF_REQ_MORE / OFPSF_REPLY_MORE. */
  readonly flags: number;
}

export type EmptyMpMsg = OfMpBase<
  | typeof OfType.DESC_STATS_REQUEST
  | typeof OfType.TABLE_STATS_REQUEST
  | typeof OfType.GROUP_FEATURES_STATS_REQUEST
  | typeof OfType.METER_FEATURES_STATS_REQUEST
>;

export interface DescStatsReplyMsg extends OfMpBase<typeof OfType.DESC_STATS_REPLY> {
  readonly mfrDesc: string;
  readonly hwDesc: string;
  readonly swDesc: string;
  readonly serialNum: string;
  readonly dpDesc: string;
}

export interface FlowStatsRequestMsg extends OfMpBase<typeof OfType.FLOW_STATS_REQUEST | typeof OfType.AGGREGATE_STATS_REQUEST> {
  /** OpenFlow 1.0: NXST_FLOW / NXST_AGGREGATE (NXM match). */
  readonly nx: boolean;
  readonly tableId: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly match: Match;
}

export interface FlowStatsEntry {
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly priority: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  /** ofproto OFPUTIL_FF_* bits (as FlowModMsg.flags). */
  readonly flags: number;
  readonly importance: number;
  readonly cookie: bigint;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  /** NXST_FLOW only: seconds since last hit / last modification (-1 = unknown). */
  readonly idleAge: number;
  readonly hardAge: number;
  readonly match: Match;
  readonly actions: readonly OfpAction[];
}

export interface FlowStatsReplyMsg extends OfMpBase<typeof OfType.FLOW_STATS_REPLY> {
  readonly nx: boolean;
  readonly entries: readonly FlowStatsEntry[];
}

export interface AggregateStatsReplyMsg extends OfMpBase<typeof OfType.AGGREGATE_STATS_REPLY> {
  readonly nx: boolean;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly flowCount: number;
}

export interface TableStatsEntry {
  readonly tableId: number;
  /** OF1.0 only. */
  readonly name: string;
  readonly wildcards: number;
  readonly maxEntries: number;
  readonly activeCount: number;
  readonly lookupCount: bigint;
  readonly matchedCount: bigint;
}

export interface TableStatsReplyMsg extends OfMpBase<typeof OfType.TABLE_STATS_REPLY> {
  readonly entries: readonly TableStatsEntry[];
}

export interface PortStatsRequestMsg extends OfMpBase<typeof OfType.PORT_STATS_REQUEST | typeof OfType.PORT_DESC_STATS_REQUEST> {
  /** OFPP_ANY (0xffff) = all ports (port-desc: OF1.5 only). */
  readonly portNo: number;
}

export interface PortStatsEntry {
  readonly portNo: number;
  readonly rxPackets: bigint;
  readonly txPackets: bigint;
  readonly rxBytes: bigint;
  readonly txBytes: bigint;
  readonly rxDropped: bigint;
  readonly txDropped: bigint;
  readonly rxErrors: bigint;
  readonly txErrors: bigint;
  readonly rxFrameErr: bigint;
  readonly rxOverErr: bigint;
  readonly rxCrcErr: bigint;
  readonly collisions: bigint;
  /** OF1.3+; 0xffffffff = unknown. */
  readonly durationSec: number;
  readonly durationNsec: number;
}

export interface PortStatsReplyMsg extends OfMpBase<typeof OfType.PORT_STATS_REPLY> {
  readonly entries: readonly PortStatsEntry[];
}

export interface QueueStatsRequestMsg extends OfMpBase<typeof OfType.QUEUE_STATS_REQUEST> {
  readonly portNo: number;
  readonly queueId: number;
}

export interface QueueStatsEntry {
  readonly portNo: number;
  readonly queueId: number;
  readonly txBytes: bigint;
  readonly txPackets: bigint;
  readonly txErrors: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
}

export interface QueueStatsReplyMsg extends OfMpBase<typeof OfType.QUEUE_STATS_REPLY> {
  readonly entries: readonly QueueStatsEntry[];
}

export interface GroupStatsRequestMsg extends OfMpBase<typeof OfType.GROUP_STATS_REQUEST | typeof OfType.GROUP_DESC_STATS_REQUEST> {
  /** OFPG_ALL for every group (group-desc: OF1.5 only, else OFPG_ALL). */
  readonly groupId: number;
}

export interface GroupStatsEntry {
  readonly groupId: number;
  readonly refCount: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly buckets: ReadonlyArray<{ readonly packetCount: bigint; readonly byteCount: bigint }>;
}

export interface GroupStatsReplyMsg extends OfMpBase<typeof OfType.GROUP_STATS_REPLY> {
  readonly entries: readonly GroupStatsEntry[];
}

export interface GroupDescEntry {
  readonly groupType: number;
  readonly groupId: number;
  readonly buckets: readonly GroupBucket[];
  /** Select-group properties (OF1.0 and OF1.5 replies only). */
  readonly props?: GroupProps;
}

export interface GroupDescReplyMsg extends OfMpBase<typeof OfType.GROUP_DESC_STATS_REPLY> {
  readonly entries: readonly GroupDescEntry[];
}

export interface GroupFeaturesReplyMsg extends OfMpBase<typeof OfType.GROUP_FEATURES_STATS_REPLY> {
  /** Bitmap of supported OFPGT_* types. */
  readonly types: number;
  readonly capabilities: number;
  readonly maxGroups: readonly number[];
  /** Per group type: bitmap of OFPAT_* action types, as on the wire. */
  readonly actions: readonly number[];
}

export interface MeterStatsRequestMsg extends OfMpBase<typeof OfType.METER_STATS_REQUEST | typeof OfType.METER_CONFIG_STATS_REQUEST> {
  readonly meterId: number;
}

export interface MeterStatsEntry {
  readonly meterId: number;
  readonly flowCount: number;
  readonly packetInCount: bigint;
  readonly byteInCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly bands: ReadonlyArray<{ readonly packetCount: bigint; readonly byteCount: bigint }>;
}

export interface MeterStatsReplyMsg extends OfMpBase<typeof OfType.METER_STATS_REPLY> {
  readonly entries: readonly MeterStatsEntry[];
}

export interface MeterConfigEntry {
  readonly flags: number;
  readonly meterId: number;
  readonly bands: readonly MeterBandDesc[];
}

export interface MeterConfigReplyMsg extends OfMpBase<typeof OfType.METER_CONFIG_STATS_REPLY> {
  readonly entries: readonly MeterConfigEntry[];
}

export interface MeterFeaturesReplyMsg extends OfMpBase<typeof OfType.METER_FEATURES_STATS_REPLY> {
  readonly maxMeter: number;
  readonly bandTypes: number;
  readonly capabilities: number;
  readonly maxBands: number;
  readonly maxColor: number;
}

/** A table-features property, kept as its type and body (see table-features.ts for builders). */
export interface TableFeatureProp {
  readonly type: number;
  readonly data: Uint8Array;
}

export interface TableFeatures {
  readonly tableId: number;
  readonly name: string;
  readonly metadataMatch: bigint;
  readonly metadataWrite: bigint;
  /** OF1.3/1.4 config (OFPTC_*), OF1.5 capabilities. */
  readonly config: number;
  readonly maxEntries: number;
  readonly props: readonly TableFeatureProp[];
}

export interface TableFeaturesMsg
  extends OfMpBase<typeof OfType.TABLE_FEATURES_STATS_REQUEST | typeof OfType.TABLE_FEATURES_STATS_REPLY> {
  readonly tables: readonly TableFeatures[];
}

export interface PortDescReplyMsg extends OfMpBase<typeof OfType.PORT_DESC_STATS_REPLY> {
  readonly ports: readonly PortDesc[];
}

/** A flow monitor request (NXST_FLOW_MONITOR / OFPMP_FLOW_MONITOR). */
export interface FlowMonitorRequest {
  readonly id: number;
  /** NXFMF_* bits (INITIAL 1, ADD 2, DELETE 4, MODIFY 8, ACTIONS 16, OWN 32). */
  readonly flags: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly tableId: number;
  /** OFPFMC14_* (ADD 0, MODIFY 1, DELETE 2); OF1.4+ only. */
  readonly command: number;
  readonly match: Match;
}

export interface FlowMonitorRequestMsg extends OfMpBase<typeof OfType.FLOW_MONITOR_STATS_REQUEST> {
  readonly requests: readonly FlowMonitorRequest[];
}

/** A flow update: event NXFME_* (ADDED 0, DELETED 1, MODIFIED 2, ABBREV 3). */
export interface FlowUpdate {
  readonly event: number;
  /** ABBREV: the xid of the change; others unused (0). */
  readonly xid: number;
  /** DELETED: OFPRR_* reason. */
  readonly reason: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly tableId: number;
  readonly priority: number;
  readonly cookie: bigint;
  readonly match: Match;
  /** null when the monitor did not ask for actions. */
  readonly actions: readonly OfpAction[] | null;
}

export interface FlowMonitorReplyMsg extends OfMpBase<typeof OfType.FLOW_MONITOR_STATS_REPLY> {
  readonly updates: readonly FlowUpdate[];
}

export interface FlowMonitorCancelMsg extends OfMsgBase<typeof OfType.FLOW_MONITOR_CANCEL> {
  readonly id: number;
}

// --- Nicira extensions ----------------------------------------------------------------------------

export interface SetFlowFormatMsg extends OfMsgBase<typeof OfType.SET_FLOW_FORMAT> {
  /** NXFF_OPENFLOW10 (0) or NXFF_NXM (2). */
  readonly format: number;
}

export interface FlowModTableIdMsg extends OfMsgBase<typeof OfType.FLOW_MOD_TABLE_ID> {
  readonly enable: boolean;
}

export interface SetPacketInFormatMsg extends OfMsgBase<typeof OfType.SET_PACKET_IN_FORMAT> {
  /** NXPIF_STANDARD (0), NXPIF_NXT_PACKET_IN (1), NXPIF_NXT_PACKET_IN2 (2). */
  readonly format: number;
}

export interface SetControllerIdMsg extends OfMsgBase<typeof OfType.SET_CONTROLLER_ID> {
  readonly controllerId: number;
}

export interface CtFlushZoneMsg extends OfMsgBase<typeof OfType.CT_FLUSH_ZONE> {
  readonly zoneId: number;
}

export type OfMessage =
  | HelloMsg
  | ErrorMsg
  | EchoMsg
  | EmptyMsg
  | FeaturesReplyMsg
  | SwitchConfigMsg
  | PacketInMsg
  | ResumeMsg
  | FlowRemovedMsg
  | PortStatusMsg
  | PacketOutMsg
  | FlowModMsg
  | GroupModMsg
  | PortModMsg
  | TableModMsg
  | MeterModMsg
  | QueueGetConfigRequestMsg
  | QueueGetConfigReplyMsg
  | RoleMsg
  | RoleStatusMsg
  | AsyncConfigMsg
  | RequestForwardMsg
  | BundleControlMsg
  | BundleAddMsg
  | EmptyMpMsg
  | DescStatsReplyMsg
  | FlowStatsRequestMsg
  | FlowStatsReplyMsg
  | AggregateStatsReplyMsg
  | TableStatsReplyMsg
  | PortStatsRequestMsg
  | PortStatsReplyMsg
  | QueueStatsRequestMsg
  | QueueStatsReplyMsg
  | GroupStatsRequestMsg
  | GroupStatsReplyMsg
  | GroupDescReplyMsg
  | GroupFeaturesReplyMsg
  | MeterStatsRequestMsg
  | MeterStatsReplyMsg
  | MeterConfigReplyMsg
  | MeterFeaturesReplyMsg
  | TableFeaturesMsg
  | PortDescReplyMsg
  | FlowMonitorRequestMsg
  | FlowMonitorReplyMsg
  | FlowMonitorCancelMsg
  | SetFlowFormatMsg
  | FlowModTableIdMsg
  | SetPacketInFormatMsg
  | SetControllerIdMsg
  | CtFlushZoneMsg;

/** What decodeMessage() returns for a message it cannot accept: the error OVS would reply with. */
export interface OfDecodeError {
  readonly kind: 'decode-error';
  /** OVS error name, e.g. "OFPBRC_BAD_LEN". */
  readonly error: string;
  /** From the header (0 when fewer than 8 bytes were given). */
  readonly version: number;
  readonly msgType: number;
  readonly xid: number;
  /** Human-readable explanation. */
  readonly detail: string;
}

export function isDecodeError(x: OfMessage | OfDecodeError): x is OfDecodeError {
  return (x as OfDecodeError).kind === 'decode-error';
}
