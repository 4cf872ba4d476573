/*
 * Flow monitors (OVS connmgr ofmonitor_*): a controller asks to hear about rules matching a
 * filter (table, match, out_port, out_group) being added, modified or deleted, optionally
 * with their actions and with an initial snapshot. Changes made by the monitoring
 * connection itself are reported in abbreviated form (the xid of the request that made
 * them) unless it asked for its own changes in full (NXFMF_OWN).
 */
import { FLOW_WORDS } from '../../flow/layout.js';
import { outputsToGroup, outputsToPort, type OfpAction } from '../../ofproto/ofp-actions.js';
import type { RuleSnapshot } from '../../ofproto/ofproto-events.js';
import type { FlowMonitorRequest, FlowUpdate } from '../codec/index.js';

export const NXFMF_INITIAL = 1;
export const NXFMF_ADD = 2;
export const NXFMF_DELETE = 4;
export const NXFMF_MODIFY = 8;
export const NXFMF_ACTIONS = 16;
export const NXFMF_OWN = 32;

export const NXFME_ADDED = 0;
export const NXFME_DELETED = 1;
export const NXFME_MODIFIED = 2;
export const NXFME_ABBREV = 3;

const OFPP_ANY = 0xffff;
const OFPG_ANY = 0xffffffff;

export type FlowMonitor = FlowMonitorRequest;

/** OVS cls_rule_is_loose_match: the rule's match is at least as specific as the monitor's. */
export function looseMatch(key: Uint32Array, mask: Uint32Array, m: FlowMonitor): boolean {
  const mk = m.match.key;
  const mm = m.match.mask;
  for (let i = 0; i < FLOW_WORDS; i++) {
    const w = mm[i]!;
    if (w === 0) continue;
    if ((w & ~mask[i]!) !== 0) return false;
    if (((key[i]! ^ mk[i]!) & w) !== 0) return false;
  }
  return true;
}

/** Whether `m` wants to hear about rule `r` (with `actions`, null if unknown) for `kind` (NXFMF_ADD/DELETE/MODIFY). */
export function monitorWants(m: FlowMonitor, kind: number, r: RuleSnapshot, actions: readonly OfpAction[] | null): boolean {
  if (!(m.flags & kind)) return false;
  if (m.tableId !== 0xff && m.tableId !== r.tableId) return false;
  if (m.outPort !== OFPP_ANY && actions !== null && !outputsToPort(actions, m.outPort)) return false;
  if ((m.outGroup >>> 0) !== OFPG_ANY && actions !== null && !outputsToGroup(actions, m.outGroup)) return false;
  return looseMatch(r.key, r.mask, m);
}

export function fullUpdate(
  event: number,
  r: RuleSnapshot,
  reason: number,
  actions: readonly OfpAction[] | null,
  withActions: boolean,
): FlowUpdate {
  return {
    event,
    xid: 0,
    reason: event === NXFME_DELETED ? reason : 0,
    idleTimeout: r.idleTimeout,
    hardTimeout: r.hardTimeout,
    tableId: r.tableId,
    priority: r.priority,
    cookie: r.cookie,
    match: { key: r.key, mask: r.mask },
    actions: withActions ? (actions ?? []) : null,
  };
}

export function abbrevUpdate(xid: number): FlowUpdate {
  return {
    event: NXFME_ABBREV,
    xid,
    reason: 0,
    idleTimeout: 0,
    hardTimeout: 0,
    tableId: 0,
    priority: 0,
    cookie: 0n,
    match: { key: new Uint32Array(FLOW_WORDS), mask: new Uint32Array(FLOW_WORDS) },
    actions: null,
  };
}
