/*
 * Table features properties (OpenFlow 1.3+ OFPMP_TABLE_FEATURES, as OVS ofputil_put_table_features
 * lays them out): the instructions, next tables, write/apply actions, match fields, wildcards
 * and set-field fields every table supports. Lists of 4-byte ids (instructions, actions),
 * table ids, and OXM headers. Built once per version and shared by all tables except the
 * next-tables list.
 */
import { MF_FIELDS, OXM_CLASS_EXPERIMENTER } from '../../flow/meta-flow.js';
import type { TableFeatureProp } from '../codec/index.js';
import { codeFor } from '../codec/match-oxm.js';

const OFPTFPT_INSTRUCTIONS = 0;
const OFPTFPT_NEXT_TABLES = 2;
const OFPTFPT_WRITE_ACTIONS = 4;
const OFPTFPT_APPLY_ACTIONS = 6;
const OFPTFPT_MATCH = 8;
const OFPTFPT_WILDCARDS = 10;
const OFPTFPT_WRITE_SETFIELD = 12;
const OFPTFPT_APPLY_SETFIELD = 14;

/** goto_table, write_metadata, write_actions, apply_actions, clear_actions, meter. */
const INSTRUCTIONS = [1, 2, 3, 4, 5, 6];
/** OF1.1+ action types: output, copy TTL out/in, MPLS TTL, VLAN/MPLS push-pop, set_queue, group, IP TTL, set_field, PBB. */
const ACTIONS13 = [0, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27];
/** OF1.5 adds copy_field and meter. */
const ACTIONS15 = [...ACTIONS13, 28, 29];

function idList(ids: readonly number[]): Uint8Array {
  const b = new Uint8Array(ids.length * 4);
  ids.forEach((id, i) => {
    b[i * 4] = id >>> 8;
    b[i * 4 + 1] = id & 0xff;
    b[i * 4 + 3] = 4;
  });
  return b;
}

function headerList(version: number, pick: (f: (typeof MF_FIELDS)[number]) => boolean, withMask: boolean): Uint8Array {
  const words: number[] = [];
  for (const f of MF_FIELDS) {
    if (!pick(f)) continue;
    const c = codeFor(f, version);
    if (c === null || c.cls === OXM_CLASS_EXPERIMENTER || c.version > version) continue;
    const masked = withMask && f.maskable;
    words.push(((c.cls << 16) | (c.field << 9) | (masked ? 0x100 : 0) | (masked ? 2 * f.nBytes : f.nBytes)) >>> 0);
  }
  const b = new Uint8Array(words.length * 4);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w));
  return b;
}

const cache = new Map<number, TableFeatureProp[]>();

function common(version: number): TableFeatureProp[] {
  let c = cache.get(version);
  if (c) return c;
  const actions = idList(version >= 6 ? ACTIONS15 : ACTIONS13);
  const setfield = headerList(version, (f) => f.writable, false);
  c = [
    { type: OFPTFPT_WRITE_ACTIONS, data: actions },
    { type: OFPTFPT_APPLY_ACTIONS, data: actions },
    { type: OFPTFPT_MATCH, data: headerList(version, () => true, true) },
    { type: OFPTFPT_WILDCARDS, data: headerList(version, () => true, false) },
    { type: OFPTFPT_WRITE_SETFIELD, data: setfield },
    { type: OFPTFPT_APPLY_SETFIELD, data: setfield },
  ];
  cache.set(version, c);
  return c;
}

/** The properties of table `tableId` of `nTables` visible tables (goto_table may name any later one). */
export function tableFeatureProps(version: number, tableId: number, nTables: number): TableFeatureProp[] {
  const next = new Uint8Array(Math.max(0, nTables - tableId - 1));
  for (let i = 0; i < next.length; i++) next[i] = tableId + 1 + i;
  const instructions = tableId + 1 < nTables ? INSTRUCTIONS : INSTRUCTIONS.filter((i) => i !== 1);
  return [{ type: OFPTFPT_INSTRUCTIONS, data: idList(instructions) }, { type: OFPTFPT_NEXT_TABLES, data: next }, ...common(version)];
}
