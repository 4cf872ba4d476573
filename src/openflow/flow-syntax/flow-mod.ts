/*
 * Whole flow lines of ovs-ofctl (OVS's parse_ofp_str): add-flow / mod-flows / del-flows text
 * such as "cookie=0x1/-1,table=1,priority=100,idle_timeout=10,send_flow_rem,ip,nw_dst=10.0.0.0/8
 * actions=output:3", with the per-command rules (no actions for deletes, a cookie mask only
 * when matching, out_port/out_group only for deletes and stats requests). Also the text OVS
 * prints for a flow_mod ("ADD table:1 priority=100,ip actions=drop").
 */

import { applyMatchKeyword, OFP_DEFAULT_PRIORITY } from '../../flow/match-parse.js';
import { formatMatch } from '../../flow/match-format.js';
import { newMatch } from '../../flow/match.js';
import { parseKeyValues, strToU16, strToU32, strToU64Text, type TextResult } from '../../flow/ofp-text.js';
import { formatOfpPort, formatTableId, OFPP_ANY, parseOfpPort, parseTableId, type PortMap, type TableMap } from '../../flow/ofp-port.js';
import {
  COOKIE_NONE,
  OFP_NO_BUFFER,
  OFPFC_ADD,
  OFPFC_DELETE,
  OFPFC_DELETE_STRICT,
  OFPFC_MODIFY,
  OFPFC_MODIFY_STRICT,
  type FlowMod,
} from '../../ofproto/flow-mod.js';
import { OFPG_ANY, OFPTT_ALL } from '../../ofproto/flow-table.js';
import { checkActions } from '../../ofproto/ofp-actions.js';
import {
  OFPUTIL_FF_CHECK_OVERLAP,
  OFPUTIL_FF_NO_BYT_COUNTS,
  OFPUTIL_FF_NO_PKT_COUNTS,
  OFPUTIL_FF_RESET_COUNTS,
  OFPUTIL_FF_SEND_FLOW_REM,
} from '../../ofproto/rule.js';
import { formatActions } from './actions-format.js';
import { parseInstructions } from './actions-parse.js';

/** Flow-mod commands (OFPFC_*). */
export const OFPFC = {
  ADD: OFPFC_ADD,
  MODIFY: OFPFC_MODIFY,
  MODIFY_STRICT: OFPFC_MODIFY_STRICT,
  DELETE: OFPFC_DELETE,
  DELETE_STRICT: OFPFC_DELETE_STRICT,
} as const;

/** Flow-mod flags (OVS's OFPUTIL_FF_*). */
export const FlowModFlags = {
  SEND_FLOW_REM: OFPUTIL_FF_SEND_FLOW_REM,
  NO_PKT_COUNTS: OFPUTIL_FF_NO_PKT_COUNTS,
  NO_BYT_COUNTS: OFPUTIL_FF_NO_BYT_COUNTS,
  CHECK_OVERLAP: OFPUTIL_FF_CHECK_OVERLAP,
  RESET_COUNTS: OFPUTIL_FF_RESET_COUNTS,
} as const;

export { OFPG_ANY };
/** "No new cookie" (ofproto's COOKIE_NONE). */
export const U64_MAX = COOKIE_NONE;

export interface FlowParseOptions {
  ports?: PortMap;
  tables?: TableMap;
}

/** Command for parseFlowMod: an OFPFC value, 'stats' (dump-flows filters) or 'auto' (optional leading add/modify/delete word). */
export type FlowCommand = number | 'stats' | 'auto';

const F_OUT_PORT = 1;
const F_ACTIONS = 2;
const F_IMPORTANCE = 4;
const F_TIMEOUT = 8;
const F_PRIORITY = 16;
const F_FLAGS = 32;

function fail<T>(error: string): TextResult<T> {
  return { ok: false, error };
}

/**
 * Parses one flow line as ovs-ofctl does for add-flow (OFPFC.ADD), mod-flows, del-flows or
 * dump-flows ('stats'): the flow-mod the codec encodes and ofproto applies.
 */
export function parseFlowMod(text: string, command: FlowCommand, o: FlowParseOptions = {}): TextResult<FlowMod> {
  let s = text;
  let cmd: number;
  let stats = false;
  if (command === 'auto') {
    s = s.replace(/^[ \t\r\n]+/, '');
    const m = /^[^, \t\r\n]*/.exec(s)![0];
    const words: Array<[string, number]> = [
      ['add', OFPFC.ADD], ['delete', OFPFC.DELETE], ['delete_strict', OFPFC.DELETE_STRICT],
      ['modify', OFPFC.MODIFY], ['modify_strict', OFPFC.MODIFY_STRICT],
    ];
    // OVS compares only the first len(token) chars (strncmp), so "mod" means modify.
    const hit = m.length > 0 ? words.find(([w]) => w.startsWith(m)) : undefined;
    if (hit) {
      cmd = hit[1];
      s = s.slice(m.length);
    } else {
      cmd = OFPFC.ADD;
    }
  } else if (command === 'stats') {
    cmd = OFPFC.DELETE;
    stats = true;
  } else {
    cmd = command;
  }
  let fields: number;
  if (stats) fields = F_OUT_PORT;
  else if (cmd === OFPFC.ADD) fields = F_ACTIONS | F_TIMEOUT | F_PRIORITY | F_FLAGS | F_IMPORTANCE;
  else if (cmd === OFPFC.DELETE) fields = F_OUT_PORT;
  else if (cmd === OFPFC.DELETE_STRICT) fields = F_OUT_PORT | F_PRIORITY;
  else fields = F_ACTIONS | F_TIMEOUT | F_PRIORITY | F_FLAGS;

  const fm: { -readonly [K in keyof FlowMod]: FlowMod[K] } = {
    command: cmd,
    match: newMatch(),
    priority: OFP_DEFAULT_PRIORITY,
    cookie: 0n,
    cookieMask: 0n,
    newCookie: cmd === OFPFC.MODIFY || cmd === OFPFC.MODIFY_STRICT ? U64_MAX : 0n,
    modifyCookie: false,
    tableId: OFPTT_ALL,
    idleTimeout: 0,
    hardTimeout: 0,
    importance: 0,
    bufferId: OFP_NO_BUFFER,
    outPort: OFPP_ANY,
    outGroup: OFPG_ANY,
    flags: 0,
    actions: [],
  };

  let actStr: string | null = null;
  if (fields & F_ACTIONS) {
    const at = s.indexOf('action');
    if (at < 0) return fail('must specify an action');
    const eq = s.indexOf('=', at + 1);
    if (eq < 0) return fail('must specify an action');
    actStr = s.slice(eq + 1);
    s = s.slice(0, at);
  }

  for (const [name, value] of parseKeyValues(s)) {
    const mr = applyMatchKeyword(fm.match, name, value, o.ports);
    if (mr === null) continue;
    if (typeof mr === 'string') return fail(mr);
    if (fields & F_FLAGS) {
      const flag = name === 'send_flow_rem' ? FlowModFlags.SEND_FLOW_REM
        : name === 'check_overlap' ? FlowModFlags.CHECK_OVERLAP
          : name === 'reset_counts' ? FlowModFlags.RESET_COUNTS
            : name === 'no_packet_counts' ? FlowModFlags.NO_PKT_COUNTS
              : name === 'no_byte_counts' ? FlowModFlags.NO_BYT_COUNTS : 0;
      if (flag) {
        fm.flags |= flag;
        continue;
      }
    }
    if (name === 'no_readonly_table' || name === 'allow_hidden_fields') continue;
    if (value === '') return fail(`field ${name} missing value`);
    if (name === 'table') {
      const t = parseTableId(value, o.tables);
      if (t === null) return fail(`unknown table "${value}"`);
      fm.tableId = t;
    } else if (fields & F_OUT_PORT && name === 'out_port') {
      const p = parseOfpPort(value, o.ports);
      if (p === null) return fail(`${value} is not a valid OpenFlow port`);
      fm.outPort = p;
    } else if (fields & F_OUT_PORT && name === 'out_group') {
      const g = parseGroupId(value);
      if (g === null) return fail(`${value} is not a valid OpenFlow group`);
      fm.outGroup = g;
    } else if (fields & F_PRIORITY && name === 'priority') {
      const r = strToU16(value, name);
      if (!r.ok) return r;
      fm.priority = r.value;
    } else if (fields & F_TIMEOUT && (name === 'idle_timeout' || name === 'hard_timeout')) {
      const r = strToU16(value, name);
      if (!r.ok) return r;
      if (name === 'idle_timeout') fm.idleTimeout = r.value;
      else fm.hardTimeout = r.value;
    } else if (fields & F_IMPORTANCE && name === 'importance') {
      const r = strToU16(value, name);
      if (!r.ok) return r;
      fm.importance = r.value;
    } else if (name === 'cookie') {
      const slash = value.indexOf('/');
      if (slash >= 0) {
        if (cmd === OFPFC.ADD && !stats) return fail('flow additions cannot use a cookie mask');
        const c = strToU64Text(value.slice(0, slash));
        if (!c.ok) return c;
        const m = strToU64Text(value.slice(slash + 1));
        if (!m.ok) return m;
        fm.cookie = c.value;
        fm.cookieMask = m.value;
      } else {
        if (stats || (cmd !== OFPFC.ADD && cmd !== OFPFC.MODIFY && cmd !== OFPFC.MODIFY_STRICT)) {
          return fail(`cannot set cookie (to match on a cookie, specify a mask, e.g. cookie=${value}/-1)`);
        }
        const c = strToU64Text(value);
        if (!c.ok) return c;
        fm.newCookie = c.value;
        fm.modifyCookie = true;
      }
    } else if (name === 'duration' || name === 'n_packets' || name === 'n_bytes' || name === 'idle_age' || name === 'hard_age') {
      // Ignored so that dump-flows output can be fed back in.
    } else {
      return fail(`unknown keyword ${name}`);
    }
  }

  if (fm.cookieMask === 0n && fm.newCookie === U64_MAX && (cmd === OFPFC.MODIFY || cmd === OFPFC.MODIFY_STRICT)) {
    fm.newCookie = 0n;
  }
  if (actStr !== null) {
    const r = parseInstructions(actStr, { ports: o.ports, tables: o.tables });
    if (!r.ok) return r;
    const e = checkActions(r.value, fm.match, { tableId: fm.tableId });
    if (e) return fail(`actions are invalid with specified match (${e})`);
    fm.actions = r.value;
  }
  return { ok: true, value: fm };
}

/** OVS's ofputil_group_from_string: a number up to 0xffffff00, or ALL / ANY. */
function parseGroupId(s: string): number | null {
  const u = s.toUpperCase();
  if (u === 'ALL') return 0xfffffffc;
  if (u === 'ANY') return OFPG_ANY;
  const r = strToU32(s);
  if (!r.ok || r.value > 0xffffff00) return null;
  return r.value;
}

export interface FlowModFormatOptions {
  ports?: PortMap;
  tables?: TableMap;
  /** OpenFlow version of the message (1 = OF1.0); reset_counts is not shown for 1.0/1.1. */
  ofVersion?: number;
}

/** OVS's ofputil_flow_mod_flags_format: each set flag followed by a space. */
export function formatFlowModFlags(flags: number): string {
  let s = '';
  if (flags & FlowModFlags.SEND_FLOW_REM) s += 'send_flow_rem ';
  if (flags & FlowModFlags.CHECK_OVERLAP) s += 'check_overlap ';
  if (flags & FlowModFlags.RESET_COUNTS) s += 'reset_counts ';
  if (flags & FlowModFlags.NO_PKT_COUNTS) s += 'no_packet_counts ';
  if (flags & FlowModFlags.NO_BYT_COUNTS) s += 'no_byte_counts ';
  return s;
}

/** A flow_mod as OVS prints it after the message header: "ADD table:1 priority=100,ip cookie:0x5 idle:10 actions=drop". */
export function formatFlowMod(fm: FlowMod, o: FlowModFormatOptions = {}): string {
  const names = ['ADD', 'MOD', 'MOD_STRICT', 'DEL', 'DEL_STRICT'];
  let s = names[fm.command] ?? `cmd:${fm.command}`;
  if (fm.tableId !== 0 || o.tables?.byNumber?.(fm.tableId) !== undefined) s += ` table:${formatTableId(fm.tableId, o.tables)}`;
  s += ' ' + formatMatch(fm.match, { priority: fm.priority, ports: o.ports });
  if (!s.endsWith(' ')) s += ' ';
  if (fm.newCookie !== 0n && fm.newCookie !== U64_MAX) s += `cookie:0x${fm.newCookie.toString(16)} `;
  if (fm.cookieMask !== 0n) s += `cookie:0x${fm.cookie.toString(16)}/0x${fm.cookieMask.toString(16)} `;
  if (fm.idleTimeout !== 0) s += `idle:${fm.idleTimeout} `;
  if (fm.hardTimeout !== 0) s += `hard:${fm.hardTimeout} `;
  if (fm.importance !== 0) s += `importance:${fm.importance} `;
  if (fm.bufferId !== OFP_NO_BUFFER) s += `buf:0x${fm.bufferId.toString(16)} `;
  if (fm.outPort !== OFPP_ANY) s += `out_port:${formatOfpPort(fm.outPort, o.ports)} `;
  let flags = fm.flags;
  if (o.ofVersion === 1 || o.ofVersion === 2) flags &= ~FlowModFlags.RESET_COUNTS;
  s += formatFlowModFlags(flags);
  return s + 'actions=' + formatActions(fm.actions, { ports: o.ports, tables: o.tables });
}
