/*
 * ovs-ofctl's group syntax (OVS parse_ofp_group_mod_str and ofp_print_group):
 *   group_id=1,type=select,bucket=weight:10,actions=output:1,bucket=output:2
 *   group_id=2,type=select,selection_method=hash,fields(ip_src,nw_proto),bucket=...
 * parsed into a group-mod message for add-group / mod-group / del-groups, with the OpenFlow
 * protocols that can carry it as ovs-ofctl works them out, and group descriptions and
 * statistics formatted back the way dump-groups and dump-group-stats print.
 */
import { isAllOnes, isAllZeros, mfFromName } from '../../flow/meta-flow.js';
import { mfFormat, mfParseValue } from '../../flow/mf-value.js';
import { formatOfpPort, parseOfpPort, OFPP_ANY, OFPP_CONTROLLER, OFPP_MAX, type PortMap, type TableMap } from '../../flow/ofp-port.js';
import { parseKeyValues, parseKeyValuesRest, strToU16, strToU32, strToU64Text } from '../../flow/ofp-text.js';
import {
  isSelectionMaskValid,
  NTR_MAX_SELECTION_METHOD_LEN,
  OfType,
  OFPG_ALL,
  OFPG_ANY,
  sortSelectionFields,
  type GroupBucket,
  type GroupDescEntry,
  type GroupModMsg,
  type GroupProps,
  type GroupSelectionField,
  type GroupStatsEntry,
} from '../../openflow/codec/index.js';
import { formatActions } from '../../openflow/flow-syntax/actions-format.js';
import { parseActions } from '../../openflow/flow-syntax/actions-parse.js';
import { formatDuration } from '../../openflow/flow-syntax/flow-stats.js';
import { actionsUsable, P_ANY, P_OF10_ANY, P_OF15_UP_ONLY } from './protocol.js';

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

/**
 * A parsed group-mod, plus the protocols (protocol.ts P bits) that can carry it, as OVS
 * works them out. As in OVS 3.1, parsing a bucket's actions starts that set over, so what
 * bucket_id, selection_method, fields and the bucket commands require (OpenFlow 1.0 or 1.5)
 * only holds when no bucket follows; otherwise an OpenFlow 1.1-1.4 connection sends the
 * group without them.
 */
export interface ParsedGroupMod {
  msg: GroupModMsg;
  usable: number;
}

/** What the OpenFlow 1.5 group extensions need: OVS's NXT_GROUP_MOD (1.0) or 1.5. */
const P_GROUP15 = P_OF10_ANY | P_OF15_UP_ONLY;

type R<T> = { ok: true; value: T } | { ok: false; error: string };

function err<T>(error: string): R<T> {
  return { ok: false, error };
}

function parseBucket(text: string, type: number, o: GroupParseOptions): R<GroupBucket> {
  let weight = type === OFPGT.SELECT ? 1 : 0;
  let bucketId = BUCKET_ALL;
  let watchPort = OFPP_ANY;
  let watchGroup = OFPG_ANY;
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
  return { ok: true, value: { bucketId, weight, watchPort, watchGroup, actions: acts.value } };
}

/** OVS parse_select_group_field: "ip_src,nw_proto" or masks "ip_dst=255.255.255.0", added to `out`. */
function parseSelectFields(text: string, ports: PortMap | undefined, out: GroupSelectionField[]): string | null {
  for (const [name, value, rest] of parseKeyValuesRest(text)) {
    const f = mfFromName(name);
    if (!f) return `${rest}: unknown field ${name}`;
    if (out.some((x) => x.field.id === f.id)) return `${name}: duplicate field`;
    let mask: Uint8Array;
    if (value !== '') {
      const r = mfParseValue(f, value, ports);
      if (!r.ok) return r.error;
      mask = r.value;
      if (isAllZeros(mask)) return `${rest}: values are wildcards here and must not be all-zeros`;
      if (!isSelectionMaskValid(f, mask)) return `${value}: invalid mask for field ${f.name}`;
    } else {
      mask = new Uint8Array(f.nBytes).fill(0xff);
    }
    out.push({ field: f, mask });
  }
  return null;
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
  let usable = fCmdBucket ? P_GROUP15 : P_ANY;
  const msg: { -readonly [K in keyof GroupModMsg]: GroupModMsg[K] } & { buckets: GroupBucket[] } = {
    type: OfType.GROUP_MOD, xid: 0, command: cmd, groupType: OFPGT.ALL, groupId: OFPG_ANY, commandBucketId: BUCKET_ALL, buckets: [],
  };
  if (cmd === OFPGC.DELETE && s === '') return { ok: true, value: { msg: { ...msg, groupId: OFPG_ALL }, usable } };
  let method = '';
  let param = 0n;
  const fields: GroupSelectionField[] = [];

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
    } else if (name === 'selection_method') {
      if (!fType) return err('selection method is not needed');
      if (new TextEncoder().encode(value).length >= NTR_MAX_SELECTION_METHOD_LEN) {
        return err(`selection method is longer than ${NTR_MAX_SELECTION_METHOD_LEN - 1} bytes long`);
      }
      method = value;
      usable &= P_GROUP15;
    } else if (name === 'selection_method_param') {
      if (!fType) return err('selection method param is not needed');
      const r = strToU64Text(value);
      if (!r.ok) return err(r.error);
      param = r.value;
      usable &= P_GROUP15;
    } else if (name === 'fields') {
      if (!fType) return err('fields are not needed');
      const e = parseSelectFields(value, o.ports, fields);
      if (e !== null) return err(e);
      usable &= P_GROUP15;
    } else {
      return err(`unknown keyword ${name}`);
    }
  }
  if (msg.groupId === OFPG_ANY) return err('must specify a group_id');
  if (fType && !hadType) return err('must specify a type');
  if (method !== 'hash' && fields.length) return err('fields may only be specified with "selection_method=hash"');
  if (method === '' && param !== 0n) return err('selection_method_param is only allowed with "selection_method"');
  if (method !== '') msg.props = { selectionMethod: method, selectionMethodParam: param, fields: sortSelectionFields(fields) };
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
    // OVS's action parser starts the usable protocols over (see ParsedGroupMod).
    usable = actionsUsable(r.value.actions);
    msg.buckets.push(r.value);
    if (cmd !== OFPGC.INSERT_BUCKET && msg.groupType !== OFPGT.SELECT && r.value.weight) {
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
  return { ok: true, value: { msg, usable } };
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

/** The selection-method part of a group's text (OVS ofputil_group_properties_format), with its leading comma. */
export function formatGroupProps(props: GroupProps | undefined): string {
  if (!props || props.selectionMethod === '') return '';
  let s = `,selection_method=${props.selectionMethod}`;
  if (props.selectionMethodParam !== 0n) s += `,selection_method_param=${BigInt.asUintN(64, props.selectionMethodParam)}`;
  const list = sortSelectionFields(props.fields)
    .map(({ field, mask }) => (isAllOnes(mask) ? field.name : `${field.name}=${mfFormat(field, mask, null)}`))
    .join(',');
  if (props.fields.length === 1) s += `,fields=${list}`;
  else if (props.fields.length > 1) s += `,fields(${list})`;
  return s;
}

/** OVS ofp_print_group: "group_id=1,type=all,bucket=actions=output:1". */
export function formatGroup(
  groupId: number,
  type: number,
  buckets: readonly GroupBucket[] | null,
  version: number,
  suppressType: boolean,
  o: GroupParseOptions = {},
  props?: GroupProps,
): string {
  let s = `group_id=${groupId >>> 0}`;
  if (!suppressType) s += `,type=${['all', 'select', 'indirect', 'ff', 'unknown'][type > 4 ? 4 : type]}`;
  s += formatGroupProps(props);
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
  return entries.map((e) => `\n ${formatGroup(e.groupId, e.groupType, e.buckets, version, false, o, e.props)}`).join('');
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
  return s + formatGroup(m.groupId, m.groupType, m.buckets, version, bucketCmd, o, m.props);
}
