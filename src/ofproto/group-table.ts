/*
 * The group table of a bridge (OVS ofproto.c group-mod handling plus the checks of
 * ofputil_check_group_mod): add, modify, add-or-modify, delete (one or OFPG_ALL),
 * insert-bucket and remove-bucket, with OVS's errors. A modify builds a new Group (stats
 * start over, as in ofproto-dpif); creation time is kept. Per-group and per-bucket packet
 * and byte counters are credited (push-stats.ts) from the translations that used them:
 * the upcalled packet at once, then every datapath flow's new stats on each revalidator pass.
 */
import { OFPERR, fail, ok, type OfpErr, type OfpResult } from './ofperr.js';
import type { OfpAction } from './ofp-actions.js';
import { OFPP_ANY } from './ofp-port.js';
import type { GroupType, XlateBucket, XlateGroup } from './xlate-bridge.js';

export const OFPGC_ADD = 0;
export const OFPGC_MODIFY = 1;
export const OFPGC_DELETE = 2;
export const OFPGC_INSERT_BUCKET = 3;
export const OFPGC_REMOVE_BUCKET = 5;
/** OVS extension: add, or modify if it exists. */
export const OFPGC_ADD_OR_MOD = 0x8000;

export const OFPG_MAX = 0xffffff00;
export const OFPG_ALL = 0xfffffffc;
export const OFPG_ANY = 0xffffffff;

/** Bucket ids with a meaning of their own in insert/remove-bucket (OFPG15_BUCKET_*). */
export const OFPG_BUCKET_MAX = 0xffffff00;
export const OFPG_BUCKET_FIRST = 0xfffffffd;
export const OFPG_BUCKET_LAST = 0xfffffffe;
export const OFPG_BUCKET_ALL = 0xffffffff;

export interface BucketInit {
  /** Defaults to the bucket's position (OpenFlow 1.1-1.4 numbering). */
  bucketId?: number;
  weight?: number;
  watchPort?: number;
  watchGroup?: number;
  actions: readonly OfpAction[];
}

export interface GroupMod {
  command: number;
  groupId: number;
  type: GroupType;
  buckets: readonly BucketInit[];
  /** insert-bucket: insert after this bucket (or FIRST / LAST); remove-bucket: this one (or FIRST / LAST / ALL). */
  commandBucketId?: number;
  /** selection_method=hash fields of select groups, as ovs-ofctl writes them: "ip_src", "ip_dst=255.255.255.0" (group-fields.ts). */
  selectionFields?: readonly string[];
  /** select groups: selection_method ('' = OVS's default) and selection_method_param. */
  selectionMethod?: '' | 'hash' | 'dp_hash';
  selectionMethodParam?: bigint;
}

export class Bucket implements XlateBucket<OfpAction> {
  packetCount = 0;
  byteCount = 0;
  constructor(
    readonly bucketId: number,
    readonly weight: number,
    readonly watchPort: number,
    readonly watchGroup: number,
    readonly actions: readonly OfpAction[],
  ) {}
}

export class Group implements XlateGroup<OfpAction> {
  packetCount = 0;
  byteCount = 0;
  modified: number;
  constructor(
    readonly groupId: number,
    readonly type: GroupType,
    readonly buckets: readonly Bucket[],
    readonly selectionFields: readonly string[],
    readonly created: number,
    readonly selectionMethod: '' | 'hash' | 'dp_hash' = '',
    readonly selectionMethodParam: bigint = 0n,
  ) {
    this.modified = created;
  }

  /**
   * Counts packets that went through the group and `bucket` (OVS group_dpif_credit_stats);
   * null is every bucket (all and indirect groups run them all).
   */
  credit(bucket: XlateBucket<OfpAction> | null, packets: number, bytes: number): void {
    this.packetCount += packets;
    this.byteCount += bytes;
    if (bucket === null) {
      const bs = this.buckets;
      for (let i = 0; i < bs.length; i++) {
        bs[i]!.packetCount += packets;
        bs[i]!.byteCount += bytes;
      }
    } else if (bucket instanceof Bucket) {
      bucket.packetCount += packets;
      bucket.byteCount += bytes;
    }
  }
}

export interface GroupStats {
  groupId: number;
  /** Rules that refer to the group. */
  refCount: number;
  packetCount: number;
  byteCount: number;
  durationMs: number;
  buckets: Array<{ packetCount: number; byteCount: number }>;
}

function hasLiveness(b: BucketInit): boolean {
  const wp = b.watchPort ?? OFPP_ANY;
  const wg = b.watchGroup ?? OFPG_ANY;
  return (wp !== OFPP_ANY && wp !== 0xffffffff) || wg !== OFPG_ANY;
}

/** OVS ofputil_check_group_mod. */
export function checkGroupMod(gm: GroupMod): OfpErr | null {
  const cmd = gm.command;
  if (gm.type === 'indirect' && cmd !== OFPGC_DELETE && gm.buckets.length !== 1) return OFPERR.OFPGMFC_INVALID_GROUP;
  if (gm.type !== 'all' && gm.type !== 'select' && gm.type !== 'indirect' && gm.type !== 'ff') {
    return OFPERR.OFPGMFC_BAD_TYPE;
  }
  switch (cmd) {
    case OFPGC_ADD:
    case OFPGC_MODIFY:
    case OFPGC_ADD_OR_MOD:
    case OFPGC_DELETE:
    case OFPGC_INSERT_BUCKET:
      break;
    case OFPGC_REMOVE_BUCKET:
      if (gm.buckets.length !== 0) return OFPERR.OFPGMFC_BAD_BUCKET;
      break;
    default:
      return OFPERR.OFPGMFC_BAD_COMMAND;
  }
  for (const b of gm.buckets) {
    if (b.weight && gm.type !== 'select' && cmd !== OFPGC_INSERT_BUCKET) return OFPERR.OFPGMFC_INVALID_GROUP;
    if ((gm.type === 'all' || gm.type === 'indirect') && hasLiveness(b)) return OFPERR.OFPGMFC_WATCH_UNSUPPORTED;
    if (gm.type === 'ff' && !hasLiveness(b)) return OFPERR.OFPGMFC_INVALID_GROUP;
  }
  return null;
}

function makeBuckets(inits: readonly BucketInit[], firstId: number): Bucket[] {
  return inits.map(
    (b, i) =>
      new Bucket(b.bucketId ?? firstId + i, b.weight ?? 0, b.watchPort ?? OFPP_ANY, b.watchGroup ?? OFPG_ANY, b.actions),
  );
}

function hasDuplicateIds(buckets: readonly Bucket[]): boolean {
  const seen = new Set<number>();
  for (const b of buckets) {
    if (seen.has(b.bucketId)) return true;
    seen.add(b.bucketId);
  }
  return false;
}

/** A bucket with the same id and contents but fresh counters. */
function copyBucket(b: Bucket): Bucket {
  return new Bucket(b.bucketId, b.weight, b.watchPort, b.watchGroup, b.actions);
}

export interface GroupModOutcome {
  /** Groups that left the table (deleted): the caller deletes rules that refer to them. */
  readonly deleted: number[];
  readonly changed: boolean;
}

export class GroupTable {
  private readonly groups = new Map<number, Group>();
  /** Most groups per type (OVS ogf.max_groups: OFPG_MAX for every type). */
  maxGroups = OFPG_MAX;

  get size(): number {
    return this.groups.size;
  }

  get(groupId: number): Group | undefined {
    return this.groups.get(groupId);
  }

  has(groupId: number): boolean {
    return this.groups.has(groupId);
  }

  /** All groups by id. */
  all(): Group[] {
    return [...this.groups.values()].sort((a, b) => a.groupId - b.groupId);
  }

  private countOfType(type: GroupType): number {
    let n = 0;
    for (const g of this.groups.values()) if (g.type === type) n++;
    return n;
  }

  /** OVS ofproto_group_mod_start + finish. */
  apply(gm: GroupMod, now: number): OfpResult<GroupModOutcome> {
    const err = checkGroupMod(gm);
    if (err) return fail(err);
    switch (gm.command) {
      case OFPGC_ADD:
        return this.add(gm, now);
      case OFPGC_MODIFY:
      case OFPGC_INSERT_BUCKET:
      case OFPGC_REMOVE_BUCKET:
        return this.modify(gm, now);
      case OFPGC_ADD_OR_MOD:
        return this.groups.has(gm.groupId) ? this.modify(gm, now) : this.add(gm, now);
      case OFPGC_DELETE:
        return ok(this.delete(gm.groupId));
      default:
        return fail(OFPERR.OFPGMFC_BAD_COMMAND);
    }
  }

  private add(gm: GroupMod, now: number): OfpResult<GroupModOutcome> {
    if (this.groups.has(gm.groupId)) return fail(OFPERR.OFPGMFC_GROUP_EXISTS);
    if (this.countOfType(gm.type) >= this.maxGroups) return fail(OFPERR.OFPGMFC_OUT_OF_GROUPS);
    if (gm.groupId > OFPG_MAX) return fail(OFPERR.OFPGMFC_INVALID_GROUP);
    const buckets = makeBuckets(gm.buckets, 0);
    if (hasDuplicateIds(buckets)) return fail(OFPERR.OFPGMFC_BUCKET_EXISTS);
    this.groups.set(gm.groupId, new Group(gm.groupId, gm.type, buckets, gm.selectionFields ?? [], now, gm.selectionMethod, gm.selectionMethodParam));
    return ok({ deleted: [], changed: true });
  }

  private modify(gm: GroupMod, now: number): OfpResult<GroupModOutcome> {
    const old = this.groups.get(gm.groupId);
    if (!old) return fail(OFPERR.OFPGMFC_UNKNOWN_GROUP);
    const bucketCmd = gm.command === OFPGC_INSERT_BUCKET || gm.command === OFPGC_REMOVE_BUCKET;
    // Bucket commands keep the group's type and properties (EXT-570).
    const type = bucketCmd ? old.type : gm.type;
    const fields = bucketCmd ? old.selectionFields : (gm.selectionFields ?? []);
    const method = bucketCmd ? old.selectionMethod : (gm.selectionMethod ?? '');
    const param = bucketCmd ? old.selectionMethodParam : (gm.selectionMethodParam ?? 0n);
    if (old.type !== type && this.countOfType(type) >= this.maxGroups) return fail(OFPERR.OFPGMFC_OUT_OF_GROUPS);
    if (gm.groupId > OFPG_MAX) return fail(OFPERR.OFPGMFC_INVALID_GROUP);
    let buckets: Bucket[];
    if (gm.command === OFPGC_INSERT_BUCKET) {
      const r = insertBuckets(old, gm);
      if (!r.ok) return fail(r.error);
      buckets = r.value;
    } else if (gm.command === OFPGC_REMOVE_BUCKET) {
      const r = removeBuckets(old, gm.commandBucketId ?? OFPG_BUCKET_ALL);
      if (!r.ok) return fail(r.error);
      buckets = r.value;
    } else {
      buckets = makeBuckets(gm.buckets, 0);
      if (hasDuplicateIds(buckets)) return fail(OFPERR.OFPGMFC_BUCKET_EXISTS);
    }
    const g = new Group(gm.groupId, type, buckets, fields, old.created, method, param);
    g.modified = now;
    this.groups.set(gm.groupId, g);
    return ok({ deleted: [], changed: true });
  }

  private delete(groupId: number): GroupModOutcome {
    const deleted: number[] = [];
    if (groupId === OFPG_ALL) {
      deleted.push(...this.groups.keys());
      this.groups.clear();
    } else if (this.groups.delete(groupId)) {
      deleted.push(groupId);
    }
    return { deleted, changed: deleted.length > 0 };
  }

  stats(groupId: number, now: number, refCount: number): GroupStats | undefined {
    const g = this.groups.get(groupId);
    if (!g) return undefined;
    return {
      groupId,
      refCount,
      packetCount: g.packetCount,
      byteCount: g.byteCount,
      durationMs: now - g.created,
      buckets: g.buckets.map((b) => ({ packetCount: b.packetCount, byteCount: b.byteCount })),
    };
  }
}

/** OVS copy_buckets_for_insert_bucket: new buckets go after `commandBucketId` (or first / last). */
function insertBuckets(old: Group, gm: GroupMod): OfpResult<Bucket[]> {
  const where = gm.commandBucketId ?? OFPG_BUCKET_LAST;
  const olds = old.buckets.map(copyBucket);
  let nextId = 0;
  for (const b of olds) nextId = Math.max(nextId, b.bucketId + 1);
  const added = makeBuckets(gm.buckets, nextId);
  let at: number;
  if (where === OFPG_BUCKET_FIRST) at = 0;
  else if (where === OFPG_BUCKET_LAST) at = olds.length;
  else if (where <= OFPG_BUCKET_MAX) {
    const i = olds.findIndex((b) => b.bucketId === where);
    if (i < 0) return fail(OFPERR.OFPGMFC_UNKNOWN_BUCKET);
    at = i + 1;
  } else {
    return fail(OFPERR.OFPGMFC_UNKNOWN_BUCKET);
  }
  const out = [...olds.slice(0, at), ...added, ...olds.slice(at)];
  if (hasDuplicateIds(out)) return fail(OFPERR.OFPGMFC_BUCKET_EXISTS);
  return ok(out);
}

/** OVS copy_buckets_for_remove_bucket. */
function removeBuckets(old: Group, which: number): OfpResult<Bucket[]> {
  if (which === OFPG_BUCKET_ALL) return ok([]);
  const olds = old.buckets.map(copyBucket);
  if (which === OFPG_BUCKET_FIRST) return ok(olds.slice(1));
  if (which === OFPG_BUCKET_LAST) return ok(olds.slice(0, -1));
  const i = olds.findIndex((b) => b.bucketId === which);
  if (i < 0) return fail(OFPERR.OFPGMFC_UNKNOWN_BUCKET);
  olds.splice(i, 1);
  return ok(olds);
}
