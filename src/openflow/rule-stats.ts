/*
 * A rule's statistics as the FlowStats record that dump-flows prints (and flow stats
 * replies carry): durations and ages from the rule's timestamps in clock milliseconds.
 */
import type { Rule } from '../ofproto/rule.js';
import type { FlowStats } from './flow-syntax/flow-stats.js';

export function ruleFlowStats(rule: Rule, now: number): FlowStats {
  const dur = Math.max(0, now - rule.created);
  return {
    tableId: rule.tableId,
    durationSec: Math.floor(dur / 1000),
    durationNsec: Math.round(dur % 1000) * 1_000_000,
    priority: rule.priority,
    idleTimeout: rule.idleTimeout,
    hardTimeout: rule.hardTimeout,
    flags: rule.flags,
    importance: rule.importance,
    cookie: rule.cookie,
    packetCount: rule.packetCount,
    byteCount: rule.byteCount,
    idleAge: Math.floor(Math.max(0, now - rule.used) / 1000),
    hardAge: Math.floor(Math.max(0, now - rule.modified) / 1000),
    match: { key: rule.key, mask: rule.mask },
    actions: rule.actions,
  };
}
