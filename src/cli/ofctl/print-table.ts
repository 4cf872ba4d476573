/*
 * ovs-ofctl's dump-tables text (OVS ofputil_table_features_format over table statistics):
 * one block per table with its counters, OpenFlow 1.0's max_entries and matchable fields
 * (field names abbreviated as "eth_{src,dst,type}"), and "ditto" runs for tables that
 * repeat the one before.
 */
import type { TableStatsEntry } from '../../openflow/codec/index.js';

/** OF1.0 wildcard bits -> field names, in OVS's field order. */
const OF10_WC_FIELDS: ReadonlyArray<readonly [number, string]> = [
  [1 << 0, 'in_port'], [1 << 2, 'eth_src'], [1 << 3, 'eth_dst'], [1 << 4, 'eth_type'], [1 << 1, 'vlan_vid'],
  [1 << 20, 'vlan_pcp'], [0x3f << 8, 'ip_src'], [0x3f << 14, 'ip_dst'], [1 << 5, 'nw_proto'], [1 << 21, 'nw_tos'],
  [1 << 6, 'tcp_src'], [1 << 7, 'tcp_dst'],
];

function commonPrefix(a: string, b: string): number {
  let r = 0;
  for (let i = 0; ; i++) {
    if (i >= a.length || i >= b.length || a[i] !== b[i]) return r;
    if (a[i] === '_') r = i + 1;
  }
}

function sequential(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return false;
  const x = a.slice(i);
  const y = b.slice(i);
  return /^\d{1,9}$/.test(x) && /^\d{1,9}$/.test(y) && Number(x) + 1 === Number(y);
}

/** OVS print_names: "eth_src eth_dst" -> "eth_{src,dst}", "reg0 reg1 reg2" -> "reg0...reg2". */
export function abbreviateNames(ids: readonly string[], prefixLen = 0): string {
  let s = '';
  let group = 0;
  let k = 0;
  while (k < ids.length) {
    if (group++) s += prefixLen ? ',' : ' ';
    const n = ids.length - k;
    let prefixRun = n < 2 ? n : 1;
    let extra = 0;
    if (n >= 2) {
      const e = commonPrefix(ids[k]!.slice(prefixLen), ids[k + 1]!.slice(prefixLen));
      if (e) {
        let i = 2;
        while (i < n && commonPrefix(ids[k]!.slice(prefixLen), ids[k + i]!.slice(prefixLen))) i++;
        prefixRun = i;
        extra = e;
      }
    }
    let suffixRun = 1;
    while (suffixRun < n && sequential(ids[k + suffixRun - 1]!, ids[k + suffixRun]!)) suffixRun++;
    if (suffixRun === 2) suffixRun = 1;
    const run = Math.max(prefixRun, suffixRun);
    if (suffixRun >= prefixRun) {
      s += ids[k]!.slice(prefixLen);
      if (run > 1) s += '...' + ids[k + run - 1]!.slice(prefixLen);
    } else {
      s += ids[k]!.slice(prefixLen, prefixLen + extra) + '{' + abbreviateNames(ids.slice(k, k + run), prefixLen + extra) + '}';
    }
    k += run;
  }
  return s;
}

interface Features {
  maxEntries: number;
  fields: string[];
}

function featuresOf(e: TableStatsEntry, version: number): Features {
  if (version !== 1) return { maxEntries: 0, fields: [] };
  const fields: string[] = [];
  for (const [bits, name] of OF10_WC_FIELDS) if (e.wildcards & bits) fields.push(name);
  return { maxEntries: e.maxEntries, fields };
}

function sameFeatures(a: Features, b: Features): boolean {
  return a.maxEntries === b.maxEntries && a.fields.join(' ') === b.fields.join(' ');
}

function emptyFeatures(f: Features): boolean {
  return f.maxEntries === 0 && f.fields.length === 0;
}

function dittoFinish(first: number, last: number): string {
  if (first < 0) return '';
  return first === last ? `\n  table ${first}: ditto\n` : `\n  tables ${first}...${last}: ditto\n`;
}

/** The body of an OFPST_TABLE reply after its header text. */
export function formatTableStats(entries: readonly TableStatsEntry[], version: number): string {
  let s = '';
  let first = -1;
  let last = -1;
  let prev: { e: TableStatsEntry; f: Features } | null = null;
  for (const e of entries) {
    const f = featuresOf(e, version);
    const sameStats = prev !== null && prev.e.activeCount === e.activeCount && prev.e.lookupCount === e.lookupCount && prev.e.matchedCount === e.matchedCount;
    const sameFeat = prev !== null && sameFeatures(f, prev.f);
    prev = { e, f };
    if (sameStats && sameFeat && !e.name) {
      if (first < 0) first = e.tableId;
      last = e.tableId;
      continue;
    }
    s += dittoFinish(first, last);
    first = -1;
    s += `\n  table ${e.tableId}`;
    if (e.name) s += ` ("${e.name}")`;
    s += ':';
    if (sameStats && sameFeat) {
      s += ' ditto';
      continue;
    }
    s += '\n';
    s += `    active=${e.activeCount}, lookup=${e.lookupCount}, matched=${e.matchedCount}\n`;
    if (sameFeat) {
      if (!emptyFeatures(f)) s += '    (same features)\n';
      continue;
    }
    if (f.maxEntries) s += `    max_entries=${f.maxEntries}\n`;
    if (f.fields.length) {
      s += '    matching:\n';
      s += `      exact match or wildcard: ${abbreviateNames(f.fields)}\n`;
    }
  }
  return s + dittoFinish(first, last);
}
