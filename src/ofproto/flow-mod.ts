/*
 * Flow-mod semantics (OVS ofproto.c add_flow / modify_flows / delete_flows): the
 * FlowMod request (OVS struct ofputil_flow_mod) and its effect on a bridge's tables.
 * FlowMod is the one form of a flow-mod: the OpenFlow codec decodes to it and encodes from
 * it (FlowModMsg adds only the message header), and the ovs-ofctl flow syntax parses to it.
 *
 *   add            replaces a rule with identical match and priority (counters kept unless
 *                  reset_counts), check_overlap -> OFPFMFC_OVERLAP, full table -> eviction
 *                  or OFPFMFC_TABLE_FULL.
 *   modify(_strict) replaces the actions of the rules selected loosely (or the one exact
 *                  match), keeping timeouts, flags, importance and creation time; cookie
 *                  only when asked; with no rule selected it adds one if new_cookie is set
 *                  and cookie_mask is 0 (OVS modify_may_add_flow).
 *   delete(_strict) removes the selected rules (out_port / out_group filters apply),
 *                  flow-removed reason DELETE.
 *
 * The whole request is checked before anything changes, so an error leaves the tables
 * as they were.
 */
import { FLOW_WORDS } from '../flow/layout.js';
import type { Match } from '../flow/match.js';
import { OFP_DEFAULT_PRIORITY } from '../flow/match-parse.js';
import { OFPP_ANY } from './ofp-port.js';
import { OfpactType, type OfpAction } from './ofp-actions.js';
import { OFPERR, fail, ok, type OfpErr, type OfpResult } from './ofperr.js';
import { FlowTables, OFPG_ANY, OFPTT_ALL, type RuleCriteria } from './flow-table.js';
import { OFPUTIL_FF_CHECK_OVERLAP, OFPUTIL_FF_RESET_COUNTS, Rule } from './rule.js';
import { OFPRR_DELETE, OFPRR_EVICTION } from './ofproto-events.js';

export const OFPFC_ADD = 0;
export const OFPFC_MODIFY = 1;
export const OFPFC_MODIFY_STRICT = 2;
export const OFPFC_DELETE = 3;
export const OFPFC_DELETE_STRICT = 4;

/** "No buffer" (OVS UINT32_MAX buffer_id). */
export const OFP_NO_BUFFER = 0xffffffff;
/** "No new cookie" (OVS_BE64_MAX). */
export const COOKIE_NONE = 0xffffffffffffffffn;
export { OFP_DEFAULT_PRIORITY };

/** Reserved ports an output action may name besides real ones (OVS ofpact_check_output_port). */
const OUTPUT_RESERVED = new Set([0xfff8, 0xfff9, 0xfffa, 0xfffb, 0xfffc, 0xfffd, 0xfffe]);
/** Highest OpenFlow port number + 1 (OVS max_ports = OFPP_MAX). */
const MAX_PORTS = 0xff00;

/**
 * A flow-mod (OVS struct ofputil_flow_mod), whatever the OpenFlow version or extension that
 * carried it: fields whose wire form differs between versions are kept normalized.
 */
export interface FlowMod {
  /** OFPFC_*. */
  readonly command: number;
  /** A table, or OFPTT_ALL = all / unspecified (add then uses table 0). */
  readonly tableId: number;
  readonly priority: number;
  /** The match: key and mask, FlowKey layout (key bits outside the mask are ignored). */
  readonly match: Match;
  /** Cookie filter (modify / delete): rules with (cookie ^ rule.cookie) & cookieMask == 0. */
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  /** Cookie for added rules, and for modified ones when modifyCookie; COOKIE_NONE = none. */
  readonly newCookie: bigint;
  readonly modifyCookie: boolean;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly importance: number;
  /** A packet buffered by the connection, or OFP_NO_BUFFER (the tables know no buffers). */
  readonly bufferId: number;
  /** Delete filters (OFPP_ANY / OFPG_ANY: none); 16-bit OpenFlow port numbers. */
  readonly outPort: number;
  readonly outGroup: number;
  /**
   * OFPUTIL_FF_* bits (src/ofproto/rule.ts) whatever the version; OpenFlow 1.0 and 1.1 adds
   * carry RESET_COUNTS, as OVS gives them.
   */
  readonly flags: number;
  readonly actions: readonly OfpAction[];
}

export type FlowModInit = Partial<FlowMod> & { readonly command: number };

/**
 * A FlowMod with ovs-ofctl's defaults (OVS parse_ofp_str): all tables, priority 0x8000,
 * no buffer, no out_port / out_group filter. A modify without a cookie mask that names no
 * cookie gets new cookie 0 (so it may add a rule); with a cookie mask it never adds.
 */
export function makeFlowMod(init: FlowModInit): FlowMod {
  const cmd = init.command;
  const isModify = cmd === OFPFC_MODIFY || cmd === OFPFC_MODIFY_STRICT;
  const cookieMask = init.cookieMask ?? 0n;
  let newCookie = init.newCookie;
  if (newCookie === undefined) newCookie = isModify && cookieMask !== 0n ? COOKIE_NONE : 0n;
  const mask = init.match?.mask ?? new Uint32Array(FLOW_WORDS);
  const key = new Uint32Array(FLOW_WORDS);
  if (init.match) for (let i = 0; i < FLOW_WORDS; i++) key[i] = init.match.key[i]! & mask[i]!;
  return {
    command: cmd,
    tableId: init.tableId ?? OFPTT_ALL,
    priority: init.priority ?? OFP_DEFAULT_PRIORITY,
    match: { key, mask: mask.slice() },
    cookie: init.cookie ?? 0n,
    cookieMask,
    newCookie,
    modifyCookie: init.modifyCookie ?? (init.newCookie !== undefined && isModify),
    idleTimeout: init.idleTimeout ?? 0,
    hardTimeout: init.hardTimeout ?? 0,
    importance: init.importance ?? 0,
    bufferId: init.bufferId ?? OFP_NO_BUFFER,
    outPort: init.outPort ?? OFPP_ANY,
    outGroup: init.outGroup ?? OFPG_ANY,
    flags: init.flags ?? 0,
    actions: init.actions ?? [],
  };
}

/** What the bridge supplies to a flow-mod: time, group/meter existence, and change hooks. */
export interface FlowModHost {
  readonly tables: FlowTables;
  now(): number;
  groupExists(groupId: number): boolean;
  meterExists(meterId: number): boolean;
  /** A rule entered a table (`replaced`: the identical rule it took over from, if any). */
  ruleAdded(rule: Rule, replaced: Rule | null, command: number): void;
  /** A rule left its table for good (`reason`: OFPRR_*). */
  ruleRemoved(rule: Rule, reason: number): void;
  /** Called once after a flow-mod that changed anything (version bump, revalidation). */
  changed(): void;
}

export interface FlowModOutcome {
  readonly added: Rule[];
  readonly modified: Rule[];
  readonly removed: Rule[];
}

/**
 * Checks actions against the bridge (OVS ofproto_check_ofpacts plus the consistency checks
 * of ofpacts_check that depend on the bridge: output ports, goto_table targets).
 */
export function checkActions(host: FlowModHost, acts: readonly OfpAction[], tableId: number): OfpErr | null {
  for (const a of acts) {
    switch (a.type) {
      case OfpactType.METER:
        if (!host.meterExists(a.meterId)) return OFPERR.OFPMMFC_INVALID_METER;
        break;
      case OfpactType.GROUP:
        if (!host.groupExists(a.groupId)) return OFPERR.OFPBAC_BAD_OUT_GROUP;
        break;
      case OfpactType.OUTPUT:
      case OfpactType.OUTPUT_TRUNC:
      case OfpactType.ENQUEUE:
        if (a.port >= MAX_PORTS && !OUTPUT_RESERVED.has(a.port)) return OFPERR.OFPBAC_BAD_OUT_PORT;
        break;
      case OfpactType.GOTO_TABLE:
        if ((tableId !== OFPTT_ALL && a.tableId <= tableId) || a.tableId >= host.tables.nTables) {
          return OFPERR.OFPBIC_BAD_TABLE_ID;
        }
        break;
      case OfpactType.CLONE:
      case OfpactType.WRITE_ACTIONS: {
        const e = checkActions(host, a.actions, tableId);
        if (e) return e;
        break;
      }
    }
  }
  return null;
}

function criteria(fm: FlowMod, filters: boolean): RuleCriteria {
  return {
    tableId: fm.tableId,
    key: maskedKey(fm.match.key, fm.match.mask),
    mask: fm.match.mask,
    priority: fm.priority,
    cookie: fm.cookie,
    cookieMask: fm.cookieMask,
    outPort: filters ? fm.outPort : OFPP_ANY,
    outGroup: filters ? fm.outGroup : OFPG_ANY,
  };
}

/** Applies a flow-mod to the host's tables (OVS handle_flow_mod). */
export function applyFlowMod(host: FlowModHost, fm: FlowMod): OfpResult<FlowModOutcome> {
  const out: FlowModOutcome = { added: [], modified: [], removed: [] };
  let r: OfpResult<FlowModOutcome>;
  switch (fm.command) {
    case OFPFC_ADD:
      r = addFlow(host, fm, out);
      break;
    case OFPFC_MODIFY:
    case OFPFC_MODIFY_STRICT:
      r = modifyFlows(host, fm, out);
      break;
    case OFPFC_DELETE:
    case OFPFC_DELETE_STRICT:
      r = deleteFlows(host, fm, out);
      break;
    default:
      return fail(OFPERR.OFPFMFC_BAD_COMMAND);
  }
  if (r.ok && (out.added.length || out.modified.length || out.removed.length)) host.changed();
  return r;
}

/** OVS add_flow_init + add_flow_start + add_flow_finish. */
function addFlow(host: FlowModHost, fm: FlowMod, out: FlowModOutcome): OfpResult<FlowModOutcome> {
  const tables = host.tables;
  if (!tables.checkTableId(fm.tableId)) return fail(OFPERR.OFPBRC_BAD_TABLE_ID);
  const tableId = fm.tableId === OFPTT_ALL ? 0 : fm.tableId;
  const table = tables.tables[tableId]!;
  if (table.readonly) return fail(OFPERR.OFPBRC_EPERM);
  if (fm.bufferId !== OFP_NO_BUFFER) return fail(OFPERR.OFPBRC_BUFFER_UNKNOWN);
  const err = checkActions(host, fm.actions, fm.tableId);
  if (err) return fail(err);
  if (fm.priority < 0 || fm.priority > 0xffff) return fail(OFPERR.OFPFMFC_BAD_PRIORITY);

  const key = maskedKey(fm.match.key, fm.match.mask);
  const mask = fm.match.mask.slice();
  const existing = table.cls.findExact(key, mask, fm.priority);
  const old = existing === null ? null : existing.data;
  let evicted: Rule | null = null;
  if (old === null) {
    if (fm.flags & OFPUTIL_FF_CHECK_OVERLAP && table.cls.hasOverlap(key, mask, fm.priority)) {
      return fail(OFPERR.OFPFMFC_OVERLAP);
    }
    if (table.nFlows >= table.maxFlows) {
      evicted = table.eviction ? tables.chooseEviction(table) : null;
      if (evicted === null) return fail(OFPERR.OFPFMFC_TABLE_FULL);
    }
  }
  const now = host.now();
  const rule = new Rule({
    tableId,
    priority: fm.priority,
    key,
    mask,
    cookie: fm.newCookie === COOKIE_NONE ? 0n : fm.newCookie,
    actions: fm.actions,
    flags: fm.flags,
    idleTimeout: fm.idleTimeout,
    hardTimeout: fm.hardTimeout,
    importance: fm.importance,
    now,
  });
  if (evicted !== null) {
    tables.remove(evicted);
    host.ruleRemoved(evicted, OFPRR_EVICTION);
    out.removed.push(evicted);
  }
  if (old !== null) replaceCounters(old, rule, fm);
  tables.insert(rule);
  if (old !== null) old.removedReason = OFPRR_DELETE;
  host.ruleAdded(rule, old, OFPFC_ADD);
  out.added.push(rule);
  return ok(out);
}

/** key & mask in a fresh array (a rule's key must be masked for the classifier). */
function maskedKey(key: Uint32Array, mask: Uint32Array): Uint32Array {
  const k = new Uint32Array(FLOW_WORDS);
  for (let i = 0; i < FLOW_WORDS; i++) k[i] = key[i]! & mask[i]!;
  return k;
}

/** OVS replace_rule_start's counter handling (rule_insert with forward_counts). */
function replaceCounters(old: Rule, rule: Rule, fm: FlowMod): void {
  if (fm.flags & OFPUTIL_FF_RESET_COUNTS) return;
  rule.packetCount = old.packetCount;
  rule.byteCount = old.byteCount;
  rule.used = old.used;
  old.successor = rule;
}

/** OVS modify_flows_start__ / modify_flows_finish. */
function modifyFlows(host: FlowModHost, fm: FlowMod, out: FlowModOutcome): OfpResult<FlowModOutcome> {
  const tables = host.tables;
  if (!tables.checkTableId(fm.tableId)) return fail(OFPERR.OFPBRC_BAD_TABLE_ID);
  if (fm.tableId !== OFPTT_ALL && tables.tables[fm.tableId]!.readonly) return fail(OFPERR.OFPBRC_EPERM);
  const c = criteria(fm, false);
  const sel = fm.command === OFPFC_MODIFY_STRICT ? tables.collectStrict(c) : tables.collectLoose(c);
  if (!sel.ok) return fail(sel.error);
  if (fm.bufferId !== OFP_NO_BUFFER) return fail(OFPERR.OFPBRC_BUFFER_UNKNOWN);
  const olds = sel.value;
  if (olds.length === 0) {
    const mayAdd = fm.newCookie !== COOKIE_NONE && fm.cookieMask === 0n;
    return mayAdd ? addFlow(host, fm, out) : ok(out);
  }
  const err = checkActions(host, fm.actions, fm.tableId);
  if (err) return fail(err);
  const now = host.now();
  for (const old of olds) {
    const changeCookie = fm.modifyCookie && fm.newCookie !== COOKIE_NONE && fm.newCookie !== old.cookie;
    const rule = new Rule({
      tableId: old.tableId,
      priority: old.priority,
      key: old.key,
      mask: old.mask,
      cookie: changeCookie ? fm.newCookie : old.cookie,
      actions: fm.actions,
      flags: old.flags,
      idleTimeout: old.idleTimeout,
      hardTimeout: old.hardTimeout,
      importance: old.importance,
      now,
    });
    rule.created = old.created;
    replaceCounters(old, rule, fm);
    tables.insert(rule);
    old.removedReason = OFPRR_DELETE;
    host.ruleAdded(rule, old, fm.command);
    out.modified.push(rule);
  }
  return ok(out);
}

/** OVS delete_flows_start_loose / delete_flow_start_strict + delete_flows_finish. */
function deleteFlows(host: FlowModHost, fm: FlowMod, out: FlowModOutcome): OfpResult<FlowModOutcome> {
  const tables = host.tables;
  const c = criteria(fm, true);
  const sel = fm.command === OFPFC_DELETE_STRICT ? tables.collectStrict(c) : tables.collectLoose(c);
  if (!sel.ok) return fail(sel.error);
  deleteRules(host, sel.value, OFPRR_DELETE);
  out.removed.push(...sel.value);
  return ok(out);
}

/** Removes rules for `reason` (delete, timeouts, group or meter deletion); OVS delete_flows__. */
export function deleteRules(host: FlowModHost, rules: readonly Rule[], reason: number): void {
  for (const r of rules) {
    if (r.removed) continue;
    host.tables.remove(r);
    r.removedReason = reason;
    host.ruleRemoved(r, reason);
  }
}
