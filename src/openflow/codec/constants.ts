/*
 * OpenFlow wire constants used by the codec: version numbers, message type numbers per
 * version (OFPT_*), Nicira and ONF extension subtypes (NXT_*, ONFT_*), multipart types
 * (OFPMP_* / OFPST_*, NXST_*), and assorted reserved values. Facts of the protocol, as in
 * OVS's include/openflow/*.h.
 */

export const OFP10_VERSION = 0x01;
export const OFP11_VERSION = 0x02;
export const OFP12_VERSION = 0x03;
export const OFP13_VERSION = 0x04;
export const OFP14_VERSION = 0x05;
export const OFP15_VERSION = 0x06;

/** Versions whose messages this codec decodes and encodes. */
export const SUPPORTED_VERSIONS: readonly number[] = [OFP10_VERSION, OFP13_VERSION, OFP14_VERSION, OFP15_VERSION];

export function isSupportedVersion(v: number): boolean {
  return v === OFP10_VERSION || v === OFP13_VERSION || v === OFP14_VERSION || v === OFP15_VERSION;
}

export const OFP_HEADER_LEN = 8;
export const OFP_MAX_MSG_LEN = 0xffff;

/** Message types that are the same in every version. */
export const OFPT_HELLO = 0;
export const OFPT_ERROR = 1;
export const OFPT_ECHO_REQUEST = 2;
export const OFPT_ECHO_REPLY = 3;
export const OFPT_VENDOR = 4;
export const OFPT_FEATURES_REQUEST = 5;
export const OFPT_FEATURES_REPLY = 6;
export const OFPT_GET_CONFIG_REQUEST = 7;
export const OFPT_GET_CONFIG_REPLY = 8;
export const OFPT_SET_CONFIG = 9;
export const OFPT_PACKET_IN = 10;
export const OFPT_FLOW_REMOVED = 11;
export const OFPT_PORT_STATUS = 12;
export const OFPT_PACKET_OUT = 13;
export const OFPT_FLOW_MOD = 14;

/** OpenFlow 1.0 numbering. */
export const OFPT10_PORT_MOD = 15;
export const OFPT10_STATS_REQUEST = 16;
export const OFPT10_STATS_REPLY = 17;
export const OFPT10_BARRIER_REQUEST = 18;
export const OFPT10_BARRIER_REPLY = 19;
export const OFPT10_QUEUE_GET_CONFIG_REQUEST = 20;
export const OFPT10_QUEUE_GET_CONFIG_REPLY = 21;

/** OpenFlow 1.1+ numbering. */
export const OFPT11_GROUP_MOD = 15;
export const OFPT11_PORT_MOD = 16;
export const OFPT11_TABLE_MOD = 17;
export const OFPT11_STATS_REQUEST = 18;
export const OFPT11_STATS_REPLY = 19;
export const OFPT11_BARRIER_REQUEST = 20;
export const OFPT11_BARRIER_REPLY = 21;
export const OFPT11_QUEUE_GET_CONFIG_REQUEST = 22;
export const OFPT11_QUEUE_GET_CONFIG_REPLY = 23;
export const OFPT12_ROLE_REQUEST = 24;
export const OFPT12_ROLE_REPLY = 25;
export const OFPT13_GET_ASYNC_REQUEST = 26;
export const OFPT13_GET_ASYNC_REPLY = 27;
export const OFPT13_SET_ASYNC = 28;
export const OFPT13_METER_MOD = 29;
export const OFPT14_ROLE_STATUS = 30;
export const OFPT14_TABLE_STATUS = 31;
export const OFPT14_REQUESTFORWARD = 32;
export const OFPT14_BUNDLE_CONTROL = 33;
export const OFPT14_BUNDLE_ADD_MESSAGE = 34;

/** Vendor ids. */
export const NX_VENDOR_ID = 0x00002320;
export const ONF_VENDOR_ID = 0x4f4e4600;

/** Nicira extension message subtypes (ofp_vendor_header.subtype with NX_VENDOR_ID). */
export const NXT_ROLE_REQUEST = 10;
export const NXT_ROLE_REPLY = 11;
export const NXT_SET_FLOW_FORMAT = 12;
export const NXT_FLOW_MOD = 13;
export const NXT_FLOW_REMOVED = 14;
export const NXT_FLOW_MOD_TABLE_ID = 15;
export const NXT_SET_PACKET_IN_FORMAT = 16;
export const NXT_PACKET_IN = 17;
export const NXT_FLOW_AGE = 18;
export const NXT_SET_ASYNC_CONFIG = 19;
export const NXT_SET_CONTROLLER_ID = 20;
export const NXT_FLOW_MONITOR_CANCEL = 21;
export const NXT_FLOW_MONITOR_PAUSED = 22;
export const NXT_FLOW_MONITOR_RESUMED = 23;
export const NXT_SET_ASYNC_CONFIG2 = 27;
export const NXT_RESUME = 28;
export const NXT_CT_FLUSH_ZONE = 29;
export const NXT_PACKET_IN2 = 30;
export const NXT_GROUP_MOD = 31;
export const NXT_REQUESTFORWARD = 132;

/** ONF extension message subtypes (ONF_VENDOR_ID), OpenFlow 1.3 only. */
export const ONFT_FLOW_MONITOR_CANCEL = 1870;
export const ONFT_FLOW_MONITOR_PAUSED = 1871;
export const ONFT_FLOW_MONITOR_RESUMED = 1872;
export const ONFT_ROLE_STATUS = 1911;
export const ONFT_BUNDLE_CONTROL = 2300;
export const ONFT_BUNDLE_ADD_MESSAGE = 2301;
export const ONFT_REQUESTFORWARD = 2350;

/** Multipart (statistics) types. */
export const OFPMP_DESC = 0;
export const OFPMP_FLOW = 1;
export const OFPMP_AGGREGATE = 2;
export const OFPMP_TABLE = 3;
export const OFPMP_PORT_STATS = 4;
export const OFPMP_QUEUE_STATS = 5;
export const OFPMP_GROUP = 6;
export const OFPMP_GROUP_DESC = 7;
export const OFPMP_GROUP_FEATURES = 8;
export const OFPMP_METER = 9;
export const OFPMP_METER_CONFIG = 10;
export const OFPMP_METER_FEATURES = 11;
export const OFPMP_TABLE_FEATURES = 12;
export const OFPMP_PORT_DESC = 13;
export const OFPMP_TABLE_DESC = 14;
export const OFPMP_QUEUE_DESC = 15;
export const OFPMP_FLOW_MONITOR = 16;
export const OFPMP_VENDOR = 0xffff;

/** Nicira multipart subtypes. */
export const NXST_FLOW = 0;
export const NXST_AGGREGATE = 1;
export const NXST_FLOW_MONITOR = 2;
export const NXST_GROUP = 7;
export const NXST_GROUP_DESC = 8;
export const NXST_GROUP_FEATURES = 9;
export const ONFST_FLOW_MONITOR = 1870;

/** Multipart flags. */
export const OFPSF_REPLY_MORE = 1;
export const OFPSF_REQ_MORE = 1;

/** Reserved values. */
export const OFP_NO_BUFFER = 0xffffffff;
export const OFPTT_ALL = 0xff;
export const OFPG_ANY = 0xffffffff;
export const OFPG_ALL = 0xfffffffc;
export const OFPM_ALL = 0xffffffff;
export const OFPQ_ALL = 0xffffffff;
export const OFPCML_NO_BUFFER = 0xffff;
export const U64_MAX = 0xffffffffffffffffn;

/** Flow-mod flags on the wire (ofproto's are OFPUTIL_FF_* in src/ofproto/rule.ts). */
export const OFPFF_SEND_FLOW_REM = 1 << 0;
export const OFPFF_CHECK_OVERLAP = 1 << 1;
export const OFPFF10_EMERG = 1 << 2;
export const OFPFF12_RESET_COUNTS = 1 << 2;
export const OFPFF13_NO_PKT_COUNTS = 1 << 3;
export const OFPFF13_NO_BYT_COUNTS = 1 << 4;

/** NXT_SET_FLOW_FORMAT values. */
export const NXFF_OPENFLOW10 = 0;
export const NXFF_NXM = 2;

/** NXT_SET_PACKET_IN_FORMAT values. */
export const NXPIF_STANDARD = 0;
export const NXPIF_NXT_PACKET_IN = 1;
export const NXPIF_NXT_PACKET_IN2 = 2;

/** Roles in OpenFlow 1.2+ numbering (NX roles are mapped onto these). */
export const OFPCR12_ROLE_NOCHANGE = 0;
export const OFPCR12_ROLE_EQUAL = 1;
export const OFPCR12_ROLE_MASTER = 2;
export const OFPCR12_ROLE_SLAVE = 3;
export const NX_ROLE_OTHER = 0;
export const NX_ROLE_MASTER = 1;
export const NX_ROLE_SLAVE = 2;

/** Bundle control types and flags. */
export const OFPBCT_OPEN_REQUEST = 0;
export const OFPBCT_OPEN_REPLY = 1;
export const OFPBCT_CLOSE_REQUEST = 2;
export const OFPBCT_CLOSE_REPLY = 3;
export const OFPBCT_COMMIT_REQUEST = 4;
export const OFPBCT_COMMIT_REPLY = 5;
export const OFPBCT_DISCARD_REQUEST = 6;
export const OFPBCT_DISCARD_REPLY = 7;
export const OFPBF_ATOMIC = 1;
export const OFPBF_ORDERED = 2;

/** OpenFlow version name as ovs-ofctl prints it ("OF1.3"). */
export function versionName(v: number): string {
  switch (v) {
    case 1: return 'OF1.0';
    case 2: return 'OF1.1';
    case 3: return 'OF1.2';
    case 4: return 'OF1.3';
    case 5: return 'OF1.4';
    case 6: return 'OF1.5';
    default: return `OF 0x${v.toString(16).padStart(2, '0')}`;
  }
}
