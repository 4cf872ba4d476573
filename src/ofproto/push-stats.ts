/*
 * Crediting datapath statistics to what a translation used (OVS xlate_push_stats over an
 * xlate_cache): rule counters and last-used time, table lookup/matched counters, meters of
 * the rules, the groups and buckets the translation ran (OVS XC_GROUP), fin_timeout on TCP FIN/RST, MAC-learning refreshes for NORMAL, and
 * learned rules kept fresh (their hard timeout restarts while the learning flow has traffic).
 */
import type { GroupUse, NormalCacheEntry } from './xlate/context.js';
import { Group } from './group-table.js';
import { Rule } from './rule.js';
import type { OfpAction } from './ofp-actions.js';
import type { XlateRule } from './xlate-bridge.js';
import type { Bridge } from './bridge.js';
import type { LearnRef, TableLookup } from './ukey.js';

const TCP_FIN = 0x01;
const TCP_RST = 0x04;

export function pushStats(
  rules: readonly XlateRule<OfpAction>[],
  groups: readonly GroupUse<OfpAction>[],
  lookups: readonly TableLookup[],
  normals: readonly NormalCacheEntry[] | null,
  packets: number,
  bytes: number,
  used: number,
  tcpFlags: number,
  bridgeByName: ((name: string) => Bridge | undefined) | null,
  now: number,
  learns: readonly LearnRef[] | null = null,
): void {
  if (packets <= 0) return;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (!(r instanceof Rule)) continue; // only rules of our bridges carry counters
    r.credit(packets, bytes, used);
    const owner = r.owner;
    if (owner !== null && r.meterId !== 0) owner.creditMeter(r.meterId, packets, bytes);
    if ((r.finIdleTimeout || r.finHardTimeout) && tcpFlags & (TCP_FIN | TCP_RST)) {
      r.reduceTimeouts(r.finIdleTimeout, r.finHardTimeout);
    }
  }
  for (let i = 0; i < groups.length; i++) {
    const u = groups[i]!;
    if (u.group instanceof Group) u.group.credit(u.bucket, packets, bytes);
  }
  for (let i = 0; i < lookups.length; i++) {
    const l = lookups[i]!;
    const t = l.bridge.tables.tables[l.tableId];
    if (t === undefined) continue;
    t.nLookup += packets;
    if (l.matched) t.nMatched += packets;
  }
  if (learns !== null) for (const l of learns) l.bridge.learnRefresh(l.fm, used);
  if (normals !== null && bridgeByName !== null) {
    for (const n of normals) {
      const b = bridgeByName(n.bridge);
      if (b !== undefined && b.bridgePort(n.inPort) !== undefined) b.macs.update(n.mac, n.vlan, n.inPort, n.isGratArp, false, now);
    }
  }
}
