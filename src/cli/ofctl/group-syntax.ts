/*
 * ovs-ofctl's group syntax (OVS parse_ofp_group_mod_str and ofp_print_group):
 *   group_id=1,type=select,bucket=weight:10,actions=output:1,bucket=output:2
 * parsed into a group-mod message for add-group / mod-group / del-groups, and group
 * descriptions and statistics formatted back the way dump-groups and dump-group-stats print.
 */
import { formatOfpPort, parseOfpPort, OFPP_ANY, OFPP_CONTROLLER, OFPP_MAX, type PortMap, type TableMap } from '../../flow/ofp-port.js';
import { parseKeyValues, strToU16, strToU32 } from '../../flow/ofp-text.js';
import { OfType, OFPG_ALL, OFPG_ANY, type GroupBucket, type GroupDescEntry, type GroupModMsg, type GroupStatsEntry } from '../../openflow/codec/index.js';
import { formatActions } from '../../openflow/flow-syntax/actions-format.js';
import { parseActions } from '../../openflow/flow-syntax/actions-parse.js';
import { formatDuration } from '../../openflow/flow-syntax/flow-stats.js';

/** OFPGC_* commands. */
export const OFPGC = { ADD: 0, MODIFY: 1, DELETE: 2, INSERT_BUCKET: 3, REMOVE_BUCKET: 5, ADD_OR_MOD: 0x8000 } as const;
/** OFPGT_* types. */
export const OFPGT = { ALL: 0, SELECT: 1, INDIRECT: 2, FF: 3 } as const;

const OFPG_MAX = 0xffffff00;
const BUCKET_MAX = 0xffffff00;
const BUCKET_FIRST = 0xfffffffd;
const BUCKET_LAST = 0xfffffffe;
const BUCKET_ALL = 0xffffffff;

export interface GroupParseOptions {
  ports?: PortMap;
  tables?: TableMap;
}

/** A parsed group-mod, plus whether it needs OpenFlow 1.5 (bucket ids). */
export interface ParsedGroupMod {
  msg: GroupModMsg;
  needsOf15: boolean;
}

type R<T> = { ok: true; value: T } | { ok: false; error: string };

function err<T>(error: string): R<T> {
  return { ok: false, error };
}

function parseBucket(text: string, type: number, o: GroupParseOptions): R<{ b: GroupBucket; of15: boolean }> {
  let weight = type === OFPGT.SELECT ? 1 : 0;
  let bucketId = BUCKET_ALL;
  let watchPort = OFPP_ANY;
  let watchGroup = OFPG_ANY;
  let of15 = false;
  const actions: string[] = [];
  for (const [key, value] of parseKeyValues(text)) {
    const k = key.toLowerCase();
    if (k === 'weight') {
      const r = strToU16(value, 'weight');
      if (!r.ok) return err(r.error);
      weight = r.value;
    } else if (k === 'watch_port') {
      const p = parseOfpPort(value, o.ports);
      if (p === null || ((p & 0xffff) >= OFPP_MAX && p !== OFPP_ANY && p !== OFPP_CONTROLLER)) return err(`${value}: invalid watch_port`);
      watchPort = p;
    } else if (k === 'watch_group') {
      const r = strToU32(value);
      if (!r.ok) return err(r.error);
      if (r.value > OFPG_MAX) return err(`invalid watch_group id ${r.value}`);
      watchGroup = r.value;
    } else if (k === 'bucket_id') {
      const r = strToU32(value);
      if (!r.ok) return err(r.error);
      if (r.value > BUCKET_MAX) return err(`invalid bucket_id id ${r.value}`);
      bucketId = r.value;
      of15 = true;
    } else if (k === 'action' || k === 'actions') {
      actions.push(value);
    } else {
      actions.push(`${key}(${value})`);
    }
  }
  if (!actions.length) return err('bucket must specify actions');
  if (type === OFPGT.FF && watchPort === OFPP_ANY && watchGroup === OFPG_ANY) {
    return err('fast failover bucket requires watch_port or watch_group');
  }
  const acts = parseActions(actions.join(','), o);
  if (!acts.ok) return err(acts.error);
  return { ok: true, value: { b: { bucketId, weight, watchPort, watchGroup, actions: acts.value }, of15 } };
}

/**
 * Parses a group specification for `command` (an OFPGC value, or 'auto' for add-groups
 * files where a line may start with add/delete/modify/add_or_mod/insert_bucket/remove_bucket).
 */
export function parseGroupMod(text: string, command: number | 'auto', o: GroupParseOptions = {}): R<ParsedGroupMod> {
  let s = text;
  let cmd: number;
  if (command === 'auto') {
    s = s.replace(/^[ \t\r\n]+/, '');
    const word = /^[^, \t\r\n]*/.exec(s)![0];
    const cmds: Record<string, number> = {
      add: OFPGC.ADD, delete: OFPGC.DELETE, modify: OFPGC.MODIFY, add_or_mod: OFPGC.ADD_OR_MOD,
      insert_bucket: OFPGC.INSERT_BUCKET, remove_bucket: OFPGC.REMOVE_BUCKET,
    };
    if (word !== '' && cmds[word] !== undefined) {
      cmd = cmds[word]!;
      s = s.slice(word.length);
    } else {
      cmd = OFPGC.ADD;
    }
  } else {
    cmd = command;
  }
  const fType = cmd === OFPGC.ADD || cmd === OFPGC.MODIFY || cmd === OFPGC.ADD_OR_MOD;
  const fBuckets = fType || cmd === OFPGC.INSERT_BUCKET;
  const fCmdBucket = cmd === OFPGC.INSERT_BUCKET || cmd === OFPGC.REMOVE_BUCKET;
  const fCmdBucketAll = cmd === OFPGC.REMOVE_BUCKET;
  let needsOf15 = fCmdBucket;
  const msg: { -readonly [K in keyof GroupModMsg]: GroupModMsg[K] } & { buckets: GroupBucket[] } = {
    type: OfType.GROUP_MOD, xid: 0, command: cmd, groupType: OFPGT.ALL, groupId: OFPG_ANY, commandBucketId: BUCKET_ALL, buckets: [],
  };
  if (cmd === OFPGC.DELETE && s === '') return { ok: true, value: { msg: { ...msg, groupId: OFPG_ALL }, needsOf15 } };

  const at = s.indexOf('bucket=');
  let bucketText: string | null = null;
  if (at >= 0) {
    if (!fBuckets) return err('bucket is not needed');
    bucketText = s.slice(at);
    s = s.slice(0, at);
  }
  let hadType = false;
  let hadCmdBucket = false;
  for (const [name, value] of parseKeyValues(s)) {
    if (name === 'command_bucket_id') {
      if (!fCmdBucket) return err('command bucket id is not needed');
      if (value === 'all') msg.commandBucketId = BUCKET_ALL;
      else if (value === 'first') msg.commandBucketId = BUCKET_FIRST;
      else if (value === 'last') msg.commandBucketId = BUCKET_LAST;
      else {
        const r = strToU32(value);
        if (!r.ok) return err(r.error);
        if (r.value > BUCKET_MAX && r.value !== BUCKET_FIRST && r.value !== BUCKET_LAST && r.value !== BUCKET_ALL) {
          return err(`invalid command bucket id ${r.value}`);
        }
        msg.commandBucketId = r.value;
      }
      if (msg.commandBucketId === BUCKET_ALL && !fCmdBucketAll) return err('command_bucket_id=all is not permitted');
      hadCmdBucket = true;
    } else if (name === 'group_id') {
      if (value === 'all') msg.groupId = OFPG_ALL;
      else {
        const r = strToU32(value);
        if (!r.ok) return err(r.error);
        if (r.value !== OFPG_ALL && r.value > OFPG_MAX) return err(`invalid group id ${r.value}`);
        msg.groupId = r.value;
      }
    } else if (name === 'type') {
      if (!fType) return err('type is not needed');
      const types: Record<string, number> = { all: OFPGT.ALL, select: OFPGT.SELECT, indirect: OFPGT.INDIRECT, ff: OFPGT.FF, fast_failover: OFPGT.FF };
      if (types[value] === undefined) return err(`invalid group type ${value}`);
      msg.groupType = types[value]!;
      hadType = true;
    } else if (name === 'selection_method' || name === 'selection_method_param' || name === 'fields') {
      if (!fType) return err(`${name === 'fields' ? 'fields are' : name.replace(/_/g, ' ') + ' is'} not needed`);
      return err(`${name}: group selection methods are not supported`);
    } else {
      return err(`unknown keyword ${name}`);
    }
  }
  if (msg.groupId === OFPG_ANY) return err('must specify a group_id');
  if (fType && !hadType) return err('must specify a type');
  if (fCmdBucket) {
    if (!(fCmdBucketAll || hadCmdBucket)) return err('must specify a command bucket id');
  } else if (hadCmdBucket) {
    return err('command bucket id is not needed');
  }
  while (bucketText !== null) {
    const eq = bucketText.indexOf('=', 1);
    if (eq < 0) return err('must specify bucket content');
    const body = bucketText.slice(eq + 1);
    const next = body.indexOf('bucket=');
    const r = parseBucket(next >= 0 ? body.slice(0, next) : body, msg.groupType, o);
    if (!r.ok) return err(r.error);
    if (r.value.of15) needsOf15 = true;
    msg.buckets.push(r.value.b);
    if (cmd !== OFPGC.INSERT_BUCKET && msg.groupType !== OFPGT.SELECT && r.value.b.weight) {
      return err('Only select groups can have bucket weights.');
    }
    bucketText = next >= 0 ? body.slice(next) : null;
  }
  if (msg.groupType === OFPGT.INDIRECT && msg.buckets.length > 1) return err('Indirect groups can have at most one bucket.');
  // Buckets without an id get the lowest ids not taken by explicit ones (as OVS's encoder).
  const used = new Set(msg.buckets.map((b) => b.bucketId).filter((id) => id <= BUCKET_MAX));
  let nextId = 0;
  msg.buckets = msg.buckets.map((b) => {
    if (b.bucketId <= BUCKET_MAX) return b;
    while (used.has(nextId)) nextId++;
    used.add(nextId);
    return { ...b, bucketId: nextId };
  });
  return { ok: true, value: { msg, needsOf15 } };
}

/** OVS ofputil_format_group: "ALL", "ANY" or the number. */
export function formatGroupId(id: number): string {
  return id === OFPG_ALL ? 'ALL' : id === OFPG_ANY ? 'ANY' : String(id >>> 0);
}

function bucketIdText(label: string, id: number, version: number): string {
  if (version > 1 && version < 6) return '';
  const v = id === BUCKET_FIRST ? 'first' : id === BUCKET_LAST ? 'last' : id === BUCKET_ALL ? 'all' : String(id >>> 0);
  return `${label}${v},`;
}

/** OVS ofp_print_group: "group_id=1,type=all,bucket=actions=output:1". */
export function formatGroup(
  groupId: number,
  type: number,
  buckets: readonly GroupBucket[] | null,
  version: number,
  suppressType: boolean,
  o: GroupParseOptions = {},
): string {
  let s = `group_id=${groupId >>> 0}`;
  if (!suppressType) s += `,type=${['all', 'select', 'indirect', 'ff', 'unknown'][type > 4 ? 4 : type]}`;
  if (buckets === null) return s;
  s += ',';
  for (const b of buckets) {
    s += 'bucket=' + bucketIdText('bucket_id:', b.bucketId, version);
    if (b.weight !== (type === OFPGT.SELECT ? 1 : 0)) s += `weight:${b.weight},`;
    if (b.watchPort !== OFPP_ANY) s += `watch_port:${formatOfpPort(b.watchPort, o.ports)},`;
    if (b.watchGroup >>> 0 !== OFPG_ANY) s += `watch_group:${b.watchGroup >>> 0},`;
    s += `actions=${formatActions(b.actions, { ports: o.ports, tables: o.tables })},`;
  }
  return s.endsWith(',') ? s.slice(0, -1) : s;
}

/** The body of a group description reply. */
export function formatGroupDescs(entries: readonly GroupDescEntry[], version: number, o: GroupParseOptions = {}): string {
  return entries.map((e) => `\n ${formatGroup(e.groupId, e.groupType, e.buckets, version, false, o)}`).join('');
}

/** The body of a group statistics reply. */
export function formatGroupStats(entries: readonly GroupStatsEntry[]): string {
  let s = '';
  for (const g of entries) {
    s += `\n group_id=${g.groupId >>> 0},`;
    if (g.durationSec >>> 0 !== 0xffffffff) s += `duration=${formatDuration(g.durationSec, g.durationNsec)},`;
    s += `ref_count=${g.refCount},packet_count=${g.packetCount},byte_count=${g.byteCount}`;
    g.buckets.forEach((b, i) => {
      if (b.packetCount !== 0xffffffffffffffffn) s += `,bucket${i}:packet_count=${b.packetCount},byte_count=${b.byteCount}`;
    });
  }
  return s;
}

/** A group-mod as OVS prints it (ofputil_group_mod_format__). */
export function formatGroupMod(m: GroupModMsg, version: number, o: GroupParseOptions = {}): string {
  const names: Record<number, string> = {
    [OFPGC.ADD]: 'ADD', [OFPGC.MODIFY]: 'MOD', [OFPGC.ADD_OR_MOD]: 'ADD_OR_MOD', [OFPGC.DELETE]: 'DEL',
    [OFPGC.INSERT_BUCKET]: 'INSERT_BUCKET', [OFPGC.REMOVE_BUCKET]: 'REMOVE_BUCKET',
  };
  const bucketCmd = m.command === OFPGC.INSERT_BUCKET || m.command === OFPGC.REMOVE_BUCKET;
  let s = `\n ${names[m.command] ?? `cmd:${m.command}`} `;
  if (bucketCmd) s += bucketIdText('command_bucket_id:', m.commandBucketId, version);
  return s + formatGroup(m.groupId, m.groupType, m.buckets, version, bucketCmd, o);
}
