/*
 * Groups and meters on the wire: group-mod (OpenFlow 1.1-1.4 buckets, 1.5 / NXT_GROUP_MOD
 * buckets with properties, and the selection-method group property of group-props.ts), group stats / desc / features replies and requests, meter-mod,
 * meter stats / config / features. Checks and errors as OVS lib/ofp-group.c and ofp-meter.c.
 */

import { OFPP_ANY, portFromOfp11, portToOfp11 } from '../../flow/ofp-port.js';
import { fail, Reader, type Writer } from './bytes.js';
import { OFP10_VERSION, OFP13_VERSION, OFP15_VERSION, OFPG_ANY } from './constants.js';
import { pullActions, putActions } from './actions.js';
import {
  OfType,
  type GroupBucket,
  type GroupDescEntry,
  type GroupModMsg,
  type GroupStatsEntry,
  type MeterBandDesc,
  type MeterConfigEntry,
  type MeterModMsg,
  type MeterStatsEntry,
} from './messages.js';
import { pullProp } from './props.js';
import { hasGroupProps, pullGroupProps, putGroupProps } from './group-props.js';

export const OFPGC_ADD = 0;
export const OFPGC_MODIFY = 1;
export const OFPGC_DELETE = 2;
export const OFPGC_INSERT_BUCKET = 3;
export const OFPGC_REMOVE_BUCKET = 5;
export const OFPGC_ADD_OR_MOD = 0x8000;
export const OFPGT_ALL = 0;
export const OFPGT_SELECT = 1;
export const OFPGT_INDIRECT = 2;
export const OFPGT_FF = 3;
const BUCKET_MAX = 0xffffff00;
const BUCKET_FIRST = 0xfffffffd;
const BUCKET_LAST = 0xfffffffe;
const BUCKET_ALL = 0xffffffff;

function watchPort(p: number): number {
  const q = portFromOfp11(p);
  if (q === null) fail('OFPGMFC_BAD_WATCH', 'bad watch port');
  return q;
}

/** OpenFlow 1.1-1.4 buckets (ofp11_bucket, 16 bytes + actions). */
export function pullBuckets11(r: Reader, len: number, version: number): GroupBucket[] {
  const out: GroupBucket[] = [];
  let left = len;
  while (left > 0) {
    if (left < 16 || r.left < 16) fail('OFPGMFC_BAD_BUCKET', 'bucket list leftover bytes');
    const blen = r.u16();
    if (blen < 16 || blen > left) fail('OFPGMFC_BAD_BUCKET', `bucket length ${blen}`);
    left -= blen;
    const weight = r.u16();
    const wp = r.u32();
    const watchGroup = r.u32();
    r.skip(4);
    const actions = pullActions(r, blen - 16, version);
    out.push({ bucketId: out.length, weight, watchPort: watchPort(wp), watchGroup, actions });
  }
  return out;
}

export function putBuckets11(w: Writer, buckets: readonly GroupBucket[], version: number): void {
  for (const b of buckets) {
    const start = w.len;
    w.u16(0).u16(b.weight).u32(portToOfp11(b.watchPort)).u32(b.watchGroup).zeros(4);
    putActions(w, b.actions, version);
    w.set16(start, w.len - start);
  }
}

const OFPGBPT15_WEIGHT = 0;
const OFPGBPT15_WATCH_PORT = 1;
const OFPGBPT15_WATCH_GROUP = 2;

/** OpenFlow 1.5 buckets (ofp15_bucket, 8 bytes + actions + properties). */
export function pullBuckets15(r: Reader, len: number, version: number, groupType: number): GroupBucket[] {
  const out: GroupBucket[] = [];
  let left = len;
  const ids = new Set<number>();
  while (left > 0) {
    if (r.left < 8) fail('OFPGMFC_BAD_BUCKET', 'bucket list leftover bytes');
    const start = r.pos;
    const blen = r.u16();
    const actionsLen = r.u16();
    const bucketId = r.u32();
    if (blen < 8 || blen > left || actionsLen > blen - 8) fail('OFPGMFC_BAD_BUCKET', `bucket length ${blen}`);
    left -= blen;
    const actions = pullActions(r, actionsLen, version);
    let weight = groupType === OFPGT_SELECT ? 1 : 0;
    let wp = portToOfp11(OFPP_ANY);
    let watchGroup = OFPG_ANY;
    const props = new Reader(r.buf, r.pos, start + blen, 'OFPBPC_BAD_LEN');
    while (props.left > 0) {
      const p = pullProp(props);
      if (p.type === OFPGBPT15_WEIGHT && !p.experimenter) {
        if (p.body.left < 2) fail('OFPBPC_BAD_LEN');
        weight = p.body.u16();
      } else if (p.type === OFPGBPT15_WATCH_PORT && !p.experimenter) {
        if (p.body.left !== 4) fail('OFPBPC_BAD_LEN');
        wp = p.body.u32();
      } else if (p.type === OFPGBPT15_WATCH_GROUP && !p.experimenter) {
        if (p.body.left !== 4) fail('OFPBPC_BAD_LEN');
        watchGroup = p.body.u32();
      } else {
        fail(p.experimenter ? 'OFPBPC_BAD_EXP_TYPE' : 'OFPBPC_BAD_TYPE', `bucket property ${p.type}`);
      }
    }
    r.pos = start + blen;
    const port = watchPort(wp);
    if (bucketId > BUCKET_MAX) fail('OFPGMFC_BAD_BUCKET', 'bucket id out of range');
    if (ids.has(bucketId)) fail('OFPGMFC_BAD_BUCKET', 'duplicate bucket id');
    ids.add(bucketId);
    out.push({ bucketId, weight, watchPort: port, watchGroup, actions });
  }
  return out;
}

export function putBuckets15(w: Writer, buckets: readonly GroupBucket[], version: number, groupType: number): void {
  for (const b of buckets) {
    const start = w.len;
    w.u16(0).u16(0).u32(b.bucketId);
    const a0 = w.len;
    putActions(w, b.actions, version);
    w.set16(start + 2, w.len - a0);
    if (groupType === OFPGT_SELECT || b.weight) w.u16(OFPGBPT15_WEIGHT).u16(8).u16(b.weight).u16(0);
    if (b.watchPort !== OFPP_ANY) w.u16(OFPGBPT15_WATCH_PORT).u16(8).u32(portToOfp11(b.watchPort));
    if (b.watchGroup !== OFPG_ANY) w.u16(OFPGBPT15_WATCH_GROUP).u16(8).u32(b.watchGroup);
    w.set16(start, w.len - start);
  }
}

function hasLiveness(b: GroupBucket): boolean {
  return b.watchPort !== OFPP_ANY || b.watchGroup !== OFPG_ANY;
}

/** OVS ofputil_check_group_mod. */
function checkGroupMod(m: { command: number; groupType: number; buckets: readonly GroupBucket[] }): void {
  switch (m.groupType) {
    case OFPGT_INDIRECT:
      if (m.command !== OFPGC_DELETE && m.buckets.length !== 1) fail('OFPGMFC_INVALID_GROUP', 'indirect group needs one bucket');
      break;
    case OFPGT_ALL:
    case OFPGT_SELECT:
    case OFPGT_FF:
      break;
    default:
      fail('OFPGMFC_BAD_TYPE', `bad group type ${m.groupType}`);
  }
  switch (m.command) {
    case OFPGC_ADD:
    case OFPGC_MODIFY:
    case OFPGC_ADD_OR_MOD:
    case OFPGC_DELETE:
    case OFPGC_INSERT_BUCKET:
      break;
    case OFPGC_REMOVE_BUCKET:
      if (m.buckets.length) fail('OFPGMFC_BAD_BUCKET', 'remove-bucket with buckets');
      break;
    default:
      fail('OFPGMFC_BAD_COMMAND', `bad group command ${m.command}`);
  }
  for (const b of m.buckets) {
    if (b.weight && m.groupType !== OFPGT_SELECT && m.command !== OFPGC_INSERT_BUCKET) fail('OFPGMFC_INVALID_GROUP', 'weight in a non-select group');
    if ((m.groupType === OFPGT_ALL || m.groupType === OFPGT_INDIRECT) && hasLiveness(b)) fail('OFPGMFC_WATCH_UNSUPPORTED');
    if (m.groupType === OFPGT_FF && !hasLiveness(b)) fail('OFPGMFC_INVALID_GROUP', 'fast-failover bucket without watch');
  }
}

export function decodeGroupMod(r: Reader, version: number, xid: number): GroupModMsg {
  let m: GroupModMsg;
  if (version !== OFP10_VERSION && version < OFP15_VERSION) {
    const command = r.u16();
    const groupType = r.u8();
    r.skip(1);
    const groupId = r.u32();
    const buckets = pullBuckets11(r, r.left, version);
    if (version >= OFP13_VERSION && command === OFPGC_DELETE && buckets.length) fail('OFPGMFC_INVALID_GROUP', 'delete with buckets');
    m = { type: OfType.GROUP_MOD, xid, command, groupType, groupId, commandBucketId: BUCKET_ALL, buckets };
  } else {
    const command = r.u16();
    const groupType = r.u8();
    r.skip(1);
    const groupId = r.u32();
    const bucketLen = r.u16();
    r.skip(2);
    const commandBucketId = r.u32();
    let ok: boolean;
    if (command === OFPGC_REMOVE_BUCKET || command === OFPGC_INSERT_BUCKET) {
      ok = commandBucketId <= BUCKET_MAX || commandBucketId === BUCKET_FIRST || commandBucketId === BUCKET_LAST ||
        (command === OFPGC_REMOVE_BUCKET && commandBucketId === BUCKET_ALL);
    } else {
      ok = commandBucketId === BUCKET_ALL;
    }
    if (!ok) fail('OFPGMFC_BAD_BUCKET', 'command bucket id out of range');
    if (bucketLen > r.left) fail('OFPBRC_BAD_LEN', 'bucket list longer than message');
    const buckets = pullBuckets15(r, bucketLen, version, groupType);
    const props = pullGroupProps(r, r.left, groupType, command);
    m = { type: OfType.GROUP_MOD, xid, command, groupType, groupId, commandBucketId, buckets, ...(props ? { props } : {}) };
  }
  checkGroupMod(m);
  return m;
}

export function putGroupModBody(w: Writer, m: GroupModMsg, version: number): void {
  if (version !== OFP10_VERSION && version < OFP15_VERSION) {
    const cmd = m.command === OFPGC_INSERT_BUCKET || m.command === OFPGC_REMOVE_BUCKET ? OFPGC_MODIFY : m.command;
    w.u16(cmd).u8(m.groupType).u8(0).u32(m.groupId);
    putBuckets11(w, m.buckets, version);
    return;
  }
  w.u16(m.command).u8(m.groupType).u8(0).u32(m.groupId);
  const lenAt = w.len;
  w.u16(0).zeros(2).u32(m.commandBucketId);
  const b0 = w.len;
  putBuckets15(w, m.buckets, version, m.groupType);
  w.set16(lenAt, w.len - b0);
  putGroupProps(w, m.props, version);
}

// --- group statistics ----------------------------------------------------------------------------

export function pullGroupStats(r: Reader, version: number): GroupStatsEntry[] {
  const out: GroupStatsEntry[] = [];
  const base = version === OFP10_VERSION || version >= OFP13_VERSION ? 40 : 32;
  while (r.left > 0) {
    if (r.left < base) fail('OFPBRC_BAD_LEN', 'group stats leftover bytes');
    const start = r.pos;
    const length = r.u16();
    r.skip(2);
    const groupId = r.u32();
    const refCount = r.u32();
    r.skip(4);
    const packetCount = r.u64();
    const byteCount = r.u64();
    let durationSec = 0xffffffff;
    let durationNsec = 0xffffffff;
    if (base === 40) {
      durationSec = r.u32();
      durationNsec = r.u32();
    }
    if (length < base) fail('OFPBRC_BAD_LEN', `group stats length ${length}`);
    const n = Math.floor((length - base) / 16);
    if (r.left < n * 16) fail('OFPBRC_BAD_LEN', 'group stats bucket counters');
    const buckets: Array<{ packetCount: bigint; byteCount: bigint }> = [];
    for (let i = 0; i < n; i++) buckets.push({ packetCount: r.u64(), byteCount: r.u64() });
    r.pos = Math.max(r.pos, Math.min(start + length, r.end));
    out.push({ groupId, refCount, packetCount, byteCount, durationSec, durationNsec, buckets });
  }
  return out;
}

export function putGroupStats(w: Writer, e: GroupStatsEntry, version: number): void {
  const v13 = version === OFP10_VERSION || version >= OFP13_VERSION;
  const start = w.len;
  w.u16(0).zeros(2).u32(e.groupId).u32(e.refCount).zeros(4).u64(e.packetCount).u64(e.byteCount);
  if (v13) w.u32(e.durationSec).u32(e.durationNsec);
  for (const b of e.buckets) w.u64(b.packetCount).u64(b.byteCount);
  w.set16(start, w.len - start);
}

export function pullGroupDesc(r: Reader, version: number): GroupDescEntry[] {
  const out: GroupDescEntry[] = [];
  const v15 = version === OFP10_VERSION || version >= OFP15_VERSION;
  while (r.left > 0) {
    const hdr = v15 ? 16 : 8;
    if (r.left < hdr) fail('OFPBRC_BAD_LEN', 'group desc leftover bytes');
    const start = r.pos;
    const length = r.u16();
    const groupType = r.u8();
    r.skip(1);
    const groupId = r.u32();
    if (length < hdr || length - hdr > r.end - start - hdr) fail('OFPBRC_BAD_LEN', `group desc length ${length}`);
    let buckets: GroupBucket[];
    let props: GroupDescEntry['props'];
    if (v15) {
      const bucketLen = r.u16();
      r.skip(6);
      if (length < bucketLen + hdr) fail('OFPBRC_BAD_LEN', 'group desc bucket list length');
      buckets = pullBuckets15(r, bucketLen, version, groupType);
      // Descriptions have no command: OVS checks the property as for an add.
      props = pullGroupProps(r, length - hdr - bucketLen, groupType, OFPGC_ADD);
    } else {
      buckets = pullBuckets11(r, length - hdr, version);
    }
    r.pos = start + length;
    out.push(props ? { groupType, groupId, buckets, props } : { groupType, groupId, buckets });
  }
  return out;
}

export function putGroupDesc(w: Writer, e: GroupDescEntry, version: number): void {
  const start = w.len;
  if (version === OFP10_VERSION || version >= OFP15_VERSION) {
    w.u16(0).u8(e.groupType).u8(0).u32(e.groupId);
    const lenAt = w.len;
    w.u16(0).zeros(6);
    const b0 = w.len;
    putBuckets15(w, e.buckets, version, e.groupType);
    w.set16(lenAt, w.len - b0);
    if (hasGroupProps(e.props)) putGroupProps(w, e.props, version);
  } else {
    w.u16(0).u8(e.groupType).u8(0).u32(e.groupId);
    putBuckets11(w, e.buckets, version);
  }
  w.set16(start, w.len - start);
}

// --- meters ------------------------------------------------------------------------------------------

export const OFPMC_ADD = 0;
export const OFPMC_MODIFY = 1;
export const OFPMC_DELETE = 2;
const OFPMF_KBPS = 1;
const OFPMF_PKTPS = 2;
const OFPMBT_DROP = 1;
const OFPMBT_DSCP_REMARK = 2;

/** OVS ofputil_pull_bands. */
export function pullBands(r: Reader, len: number): MeterBandDesc[] {
  if (len > r.left || len < 0) fail('OFPBRC_BAD_LEN', 'meter bands longer than message');
  const end = r.pos + len;
  const out: MeterBandDesc[] = [];
  while (end - r.pos >= 16) {
    const type = r.u16();
    const blen = r.u16();
    if (blen !== 16) fail('OFPBRC_BAD_LEN', `meter band length ${blen}`);
    if (type !== OFPMBT_DROP && type !== OFPMBT_DSCP_REMARK) fail('OFPMMFC_BAD_BAND', `meter band type ${type}`);
    const rate = r.u32();
    const burstSize = r.u32();
    const precLevel = type === OFPMBT_DSCP_REMARK ? r.u8() : 0;
    r.pos = r.pos + (type === OFPMBT_DSCP_REMARK ? 3 : 4);
    out.push({ type, rate, burstSize, precLevel });
  }
  if (r.pos !== end) fail('OFPBRC_BAD_LEN', 'meter band leftover bytes');
  return out;
}

export function putBands(w: Writer, bands: readonly MeterBandDesc[]): void {
  for (const b of bands) {
    w.u16(b.type).u16(16).u32(b.rate).u32(b.burstSize);
    if (b.type === OFPMBT_DSCP_REMARK) w.u8(b.precLevel).zeros(3);
    else w.zeros(4);
  }
}

export function decodeMeterMod(r: Reader, xid: number): MeterModMsg {
  const command = r.u16();
  const flags = r.u16();
  const meterId = r.u32();
  if (command !== OFPMC_ADD && command !== OFPMC_MODIFY && command !== OFPMC_DELETE) fail('OFPMMFC_BAD_COMMAND', `meter command ${command}`);
  if (command === OFPMC_DELETE) {
    r.pos = r.end;
    return { type: OfType.METER_MOD, xid, command, flags: 0, meterId, bands: [] };
  }
  if (flags & OFPMF_KBPS && flags & OFPMF_PKTPS) fail('OFPMMFC_BAD_FLAGS', 'both kbps and pktps');
  const bands = pullBands(r, r.left);
  return { type: OfType.METER_MOD, xid, command, flags, meterId, bands };
}

export function pullMeterConfig(r: Reader): MeterConfigEntry[] {
  const out: MeterConfigEntry[] = [];
  while (r.left > 0) {
    if (r.left < 8) fail('OFPBRC_BAD_LEN', 'meter config leftover bytes');
    const length = r.u16();
    const flags = r.u16();
    const meterId = r.u32();
    const bands = pullBands(r, length - 8);
    out.push({ flags, meterId, bands });
  }
  return out;
}

export function putMeterConfig(w: Writer, e: MeterConfigEntry): void {
  w.u16(8 + 16 * e.bands.length).u16(e.flags).u32(e.meterId);
  putBands(w, e.bands);
}

export function pullMeterStats(r: Reader): MeterStatsEntry[] {
  const out: MeterStatsEntry[] = [];
  while (r.left > 0) {
    if (r.left < 40) fail('OFPBRC_BAD_LEN', 'meter stats leftover bytes');
    const meterId = r.u32();
    const len = r.u16();
    r.skip(6);
    const flowCount = r.u32();
    const packetInCount = r.u64();
    const byteInCount = r.u64();
    const durationSec = r.u32();
    const durationNsec = r.u32();
    const blen = len - 40;
    if (blen < 0 || blen > r.left || blen % 16) fail('OFPBRC_BAD_LEN', 'meter band stats length');
    const bands: Array<{ packetCount: bigint; byteCount: bigint }> = [];
    for (let i = 0; i < blen / 16; i++) bands.push({ packetCount: r.u64(), byteCount: r.u64() });
    out.push({ meterId, flowCount, packetInCount, byteInCount, durationSec, durationNsec, bands });
  }
  return out;
}

export function putMeterStats(w: Writer, e: MeterStatsEntry): void {
  w.u32(e.meterId).u16(40 + 16 * e.bands.length).zeros(6).u32(e.flowCount).u64(e.packetInCount).u64(e.byteInCount);
  w.u32(e.durationSec).u32(e.durationNsec);
  for (const b of e.bands) w.u64(b.packetCount).u64(b.byteCount);
}
