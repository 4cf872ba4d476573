/*
 * The flow-table verbs of tsovs-ofctl, as ovs-ofctl: add-flow, add-flows, mod-flows,
 * del-flows (with --strict), dump-flows (filters, --sort/--rsort, --names, --no-stats),
 * dump-aggregate, replace-flows and diff-flows, with --bundle for atomic changes.
 */
import { existsSync } from 'node:fs';
import { matchGetField, matchHasField, mfArePrereqsOk } from '../../flow/match.js';
import { formatMatch } from '../../flow/match-format.js';
import { mfFromName } from '../../flow/meta-flow.js';
import type { PortMap, TableMap } from '../../flow/ofp-port.js';
import type { FlowMod } from '../../ofproto/flow-mod.js';
import { decodeMessage, isDecodeError, OfType, type FlowStatsEntry, type FlowStatsRequestMsg } from '../../openflow/codec/index.js';
import { formatActions } from '../../openflow/flow-syntax/actions-format.js';
import { OFPFC, parseFlowMod, type FlowCommand } from '../../openflow/flow-syntax/flow-mod.js';
import { formatFlowStats } from '../../openflow/flow-syntax/flow-stats.js';
import { CliError } from '../cli-util.js';
import type { OfConnection } from './conn.js';
import type { OfctlContext, SortCriterion } from './context.js';
import { readLines } from './flow-file.js';
import { ofpToString } from './print.js';
import {
  checkUsable,
  flowUsable,
  P,
  P_ANY,
  P_OF13_UP,
  protocolEncoding,
  protocolsFromVersions,
  setProtocolForFlowDump,
  setProtocolForFlowMod,
} from './protocol.js';

const OFPBF_ATOMIC = 1;
const OFPBF_ORDERED = 2;

function parseOrDie(text: string, command: FlowCommand, ports?: PortMap, tables?: TableMap): FlowMod {
  const r = parseFlowMod(text, command, { ports, tables });
  if (!r.ok) throw new CliError(r.error);
  return r.value;
}

/** A flow-mod message for `protocol` (OpenFlow 1.0 chooses NXM and table ids from it). */
function encodeFlowMod(c: OfConnection, fm: FlowMod, protocol: number): Uint8Array {
  const enc = protocolEncoding(protocol);
  try {
    return c.encode({ type: OfType.FLOW_MOD, xid: 0, nx: enc.nx, ...fm }, { flowModTableId: enc.tid });
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e));
  }
}

function allowed(ctx: OfctlContext): number {
  return protocolsFromVersions(ctx.o.versions);
}

/** Prints bundle errors as OVS bundle_print_errors ("Error OFPFMFC_OVERLAP for: OFPT_FLOW_MOD ..."). */
async function bundleErrors(ctx: OfctlContext, errors: readonly Uint8Array[], requests: readonly Uint8Array[], switchName: string): Promise<void> {
  const maps = { ports: await ctx.portsToShow(switchName), tables: await ctx.tablesToShow(switchName) };
  for (const e of errors) {
    const d = decodeMessage(e);
    if (isDecodeError(d) || d.type !== OfType.ERROR || d.error === null) {
      ctx.io.err('***decode error***');
      continue;
    }
    const xid = (e[4]! << 24) | (e[5]! << 16) | (e[6]! << 8) | e[7]!;
    const req = requests.find((r) => ((r[4]! << 24) | (r[5]! << 16) | (r[6]! << 8) | r[7]!) === xid);
    ctx.io.err(`Error ${d.error} for: ${ofpToString(req ?? d.data, maps, ctx.o.verbosity + 1)}`);
  }
}

/** Sends modification messages, in a bundle with --bundle (OVS bundle_transact). */
export async function sendMods(ctx: OfctlContext, c: OfConnection, requests: readonly Uint8Array[], switchName: string): Promise<void> {
  if (ctx.o.bundle) {
    const r = await c.bundleTransact(requests, OFPBF_ORDERED | OFPBF_ATOMIC);
    await bundleErrors(ctx, r.errors, requests, switchName);
    if (r.error) throw new CliError(`talking to ${c.name} (Protocol error)`);
    return;
  }
  await ctx.transactNoReply(c, requests, switchName);
}

async function flowMods(ctx: OfctlContext, switchName: string, fms: readonly FlowMod[]): Promise<void> {
  let usable = P_ANY;
  for (const fm of fms) usable &= flowUsable(fm);
  if (ctx.o.bundle) usable &= P_OF13_UP;
  checkUsable(usable, allowed(ctx));
  const c = await ctx.open(switchName);
  try {
    const protocol = await setProtocolForFlowMod(c, usable, allowed(ctx));
    const reqs = fms.map((fm) => encodeFlowMod(c, fm, protocol));
    if (ctx.o.bundle) await sendMods(ctx, c, reqs, switchName);
    else for (const r of reqs) await sendMods(ctx, c, [r], switchName);
  } finally {
    c.close();
  }
}

async function flowModFile(ctx: OfctlContext, args: string[], command: number): Promise<void> {
  const [sw, file] = args as [string, string];
  const ports = await ctx.portsToAccept(sw);
  const tables = await ctx.tablesToAccept(sw);
  const fms: FlowMod[] = [];
  for (const l of await readLines(ctx, file)) {
    const r = parseFlowMod(l.text, command === OFPFC.ADD ? 'auto' : command, { ports, tables });
    if (!r.ok) throw new CliError(`${file}:${l.line}: ${r.error}`);
    fms.push(r.value);
  }
  await flowMods(ctx, sw, fms);
}

async function flowMod(ctx: OfctlContext, args: string[], command: number): Promise<void> {
  if (args.length > 1 && args[1] === '-') return flowModFile(ctx, args, command);
  const sw = args[0]!;
  const ports = await ctx.portsToAccept(sw);
  const tables = await ctx.tablesToAccept(sw);
  await flowMods(ctx, sw, [parseOrDie(args[1] ?? '', command, ports, tables)]);
}

export async function addFlow(ctx: OfctlContext, args: string[]): Promise<void> {
  await flowMod(ctx, args, OFPFC.ADD);
}

export async function addFlows(ctx: OfctlContext, args: string[]): Promise<void> {
  await flowModFile(ctx, args, OFPFC.ADD);
}

export async function modFlows(ctx: OfctlContext, args: string[]): Promise<void> {
  await flowMod(ctx, args, ctx.o.strict ? OFPFC.MODIFY_STRICT : OFPFC.MODIFY);
}

export async function delFlows(ctx: OfctlContext, args: string[]): Promise<void> {
  await flowMod(ctx, args, ctx.o.strict ? OFPFC.DELETE_STRICT : OFPFC.DELETE);
}

// --- dumps -------------------------------------------------------------------------------------

function statsRequest(fm: FlowMod, aggregate: boolean, nx: boolean): FlowStatsRequestMsg {
  return {
    type: aggregate ? OfType.AGGREGATE_STATS_REQUEST : OfType.FLOW_STATS_REQUEST,
    xid: 0,
    flags: 0,
    nx,
    tableId: fm.tableId,
    outPort: fm.outPort,
    outGroup: fm.outGroup,
    cookie: fm.cookie,
    cookieMask: fm.cookieMask,
    match: fm.match,
  };
}

/** Opens the switch and sets a protocol for a flow dump of `fm` (OVS prepare_dump_flows). */
async function prepareDump(ctx: OfctlContext, sw: string, filter: string): Promise<{ c: OfConnection; fm: FlowMod; protocol: number }> {
  const ports = filter ? await ctx.portsToAccept(sw) : undefined;
  const tables = filter ? await ctx.tablesToAccept(sw) : undefined;
  const fm = parseOrDie(filter, 'stats', ports, tables);
  let usable = flowUsable(fm);
  // A table in a statistics request needs no flow-mod table-id extension (OVS parse_ofp_flow_stats_request_str).
  if (usable & P.OF10_STD_TID) usable |= P.OF10_STD;
  if (usable & P.OF10_NXM_TID) usable |= P.OF10_NXM;
  const c = await ctx.open(sw);
  try {
    const protocol = await setProtocolForFlowDump(c, usable, allowed(ctx));
    return { c, fm, protocol };
  } catch (e) {
    c.close();
    throw e;
  }
}

/** All flow statistics entries for `fm` (OVS vconn_dump_flows). */
async function dumpFlowEntries(c: OfConnection, fm: FlowMod, protocol: number): Promise<FlowStatsEntry[]> {
  const req = c.encode(statsRequest(fm, false, protocolEncoding(protocol).nx));
  const out: FlowStatsEntry[] = [];
  for (const r of await c.dump(req)) {
    const d = decodeMessage(r);
    if (isDecodeError(d)) throw new CliError(`dump flows (${d.error})`);
    if (d.type === OfType.ERROR) throw new CliError(`dump flows: ${ofpToString(r).trimEnd()}`);
    if (d.type !== OfType.FLOW_STATS_REPLY) throw new CliError(`received bad reply: ${ofpToString(r).trimEnd()}`);
    // NXST_FLOW ages are the flow-age extension, which OVS vconn_dump_flows does not use.
    for (const e of d.entries) out.push(d.nx ? { ...e, idleAge: -1, hardAge: -1 } : e);
  }
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/** OVS compare_flows over the sort criteria (a field missing from a flow sorts last). */
function sortFlows(entries: FlowStatsEntry[], criteria: readonly SortCriterion[]): FlowStatsEntry[] {
  const idx = new Map(entries.map((e, i) => [e, i]));
  const fields = criteria.map((c) => ({ c, f: c.field === null ? null : mfFromName(c.field) }));
  return [...entries].sort((a, b) => {
    for (const { c, f } of fields) {
      let ret: number;
      if (f === null) {
        ret = a.priority < b.priority ? -1 : a.priority > b.priority ? 1 : 0;
      } else {
        const ina = mfArePrereqsOk(f, a.match.key) && matchHasField(a.match, f);
        const inb = mfArePrereqsOk(f, b.match.key) && matchHasField(b.match, f);
        if (ina !== inb) return ina ? -1 : 1;
        ret = compareBytes(matchGetField(a.match, f).value, matchGetField(b.match, f).value);
      }
      if (ret) return c.order === 'asc' ? ret : -ret;
    }
    return idx.get(a)! - idx.get(b)!;
  });
}

export async function dumpFlows(ctx: OfctlContext, args: string[]): Promise<void> {
  const sw = args[0]!;
  const { c, fm, protocol } = await prepareDump(ctx, sw, args[1] ?? '');
  try {
    if (!ctx.o.sort.length && !ctx.showNames() && ctx.o.stats) {
      await ctx.dumpTransaction(c, c.encode(statsRequest(fm, false, protocolEncoding(protocol).nx)), sw);
      return;
    }
    let entries = await dumpFlowEntries(c, fm, protocol);
    if (ctx.o.sort.length) entries = sortFlows(entries, ctx.o.sort);
    const ports = await ctx.portsToShow(sw);
    const tables = await ctx.tablesToShow(sw);
    let s = '';
    for (const e of entries) {
      s += ' ' + formatFlowStats({ ...e, actions: e.actions }, { ports, tables, showStats: ctx.o.stats }) + '\n';
    }
    ctx.io.out(s);
  } finally {
    c.close();
  }
}

export async function dumpAggregate(ctx: OfctlContext, args: string[]): Promise<void> {
  const sw = args[0]!;
  const { c, fm, protocol } = await prepareDump(ctx, sw, args[1] ?? '');
  try {
    await ctx.dumpTransaction(c, c.encode(statsRequest(fm, true, protocolEncoding(protocol).nx)), sw);
  } finally {
    c.close();
  }
}

// --- replace-flows / diff-flows -------------------------------------------------------------

/** One version of a flow table entry (OVS struct fte_version). */
interface FteVersion {
  cookie: bigint;
  idleTimeout: number;
  hardTimeout: number;
  importance: number;
  flags: number;
  actions: FlowMod['actions'];
  tableId: number;
}

interface Fte {
  key: string;
  match: FlowMod['match'];
  priority: number;
  versions: [FteVersion | null, FteVersion | null];
}

class FteTable {
  readonly entries = new Map<string, Fte>();

  insert(match: FlowMod['match'], priority: number, v: FteVersion, index: 0 | 1): void {
    const key = `${v.tableId}|${priority}|${formatMatch(match)}`;
    let e = this.entries.get(key);
    if (!e) {
      e = { key, match, priority, versions: [null, null] };
      this.entries.set(key, e);
    }
    e.versions[index] = v;
  }

  /**
   * Entries in the order OVS's classifier walks them: by table, then by subtable (entries
   * with the same mask) with the highest priority first, subtables of equal priority and
   * entries within one in the order they were first seen.
   */
  sorted(): Fte[] {
    const tableOf = (e: Fte): number => (e.versions[0] ?? e.versions[1])!.tableId;
    const subtables = new Map<string, { table: number; maxPriority: number; order: number; entries: Fte[] }>();
    for (const e of this.entries.values()) {
      const key = `${tableOf(e)}|${Array.from(e.match.mask).join(',')}`;
      let st = subtables.get(key);
      if (!st) {
        st = { table: tableOf(e), maxPriority: e.priority, order: subtables.size, entries: [] };
        subtables.set(key, st);
      }
      st.maxPriority = Math.max(st.maxPriority, e.priority);
      st.entries.push(e);
    }
    return [...subtables.values()]
      .sort((a, b) => a.table - b.table || b.maxPriority - a.maxPriority || a.order - b.order)
      .flatMap((st) => st.entries);
  }
}

function versionsEqual(a: FteVersion, b: FteVersion): boolean {
  return a.cookie === b.cookie && a.idleTimeout === b.idleTimeout && a.hardTimeout === b.hardTimeout && a.importance === b.importance
    && a.tableId === b.tableId && formatActions(a.actions) === formatActions(b.actions);
}

async function readFlowsFromFile(ctx: OfctlContext, file: string, t: FteTable, index: 0 | 1, ports?: PortMap, tables?: TableMap): Promise<number> {
  let usable = P_ANY;
  for (const l of await readLines(ctx, file, (e) => `${file}: open (${e})`)) {
    const r = parseFlowMod(l.text, OFPFC.ADD, { ports, tables });
    if (!r.ok) throw new CliError(`${file}:${l.line}: ${r.error}`);
    const fm = r.value;
    usable &= flowUsable(fm);
    t.insert(fm.match, fm.priority, {
      cookie: fm.newCookie,
      idleTimeout: fm.idleTimeout,
      hardTimeout: fm.hardTimeout,
      importance: fm.importance,
      flags: fm.flags & 1,
      actions: fm.actions,
      tableId: fm.tableId !== 0xff ? fm.tableId : 0,
    }, index);
  }
  return usable;
}

async function readFlowsFromSwitch(c: OfConnection, protocol: number, t: FteTable, index: 0 | 1): Promise<void> {
  for (const e of await dumpFlowEntries(c, parseOrDie('', 'stats'), protocol)) {
    t.insert(e.match, e.priority, {
      cookie: e.cookie,
      idleTimeout: e.idleTimeout,
      hardTimeout: e.hardTimeout,
      importance: e.importance,
      flags: 0,
      actions: [...e.actions],
      tableId: e.tableId,
    }, index);
  }
}

function fteFlowMod(e: Fte, index: 0 | 1, command: number): FlowMod {
  const v = e.versions[index]!;
  const withActions = command === OFPFC.ADD || command === OFPFC.MODIFY || command === OFPFC.MODIFY_STRICT;
  return {
    command,
    match: e.match,
    priority: e.priority,
    cookie: 0n,
    cookieMask: 0n,
    newCookie: v.cookie,
    modifyCookie: true,
    tableId: v.tableId,
    idleTimeout: v.idleTimeout,
    hardTimeout: v.hardTimeout,
    importance: v.importance,
    bufferId: 0xffffffff,
    outPort: 0xffff,
    outGroup: 0xffffffff,
    flags: v.flags,
    actions: withActions ? [...v.actions] : [],
  };
}

export async function replaceFlows(ctx: OfctlContext, args: string[]): Promise<void> {
  const [sw, file] = args as [string, string];
  const ports = await ctx.portsToAccept(sw);
  const tables = await ctx.tablesToAccept(sw);
  const t = new FteTable();
  const usable = await readFlowsFromFile(ctx, file, t, 0, ports, tables);
  const c = await ctx.open(sw);
  try {
    const protocol = await setProtocolForFlowDump(c, usable, allowed(ctx));
    await readFlowsFromSwitch(c, protocol, t, 1);
    const requests: Uint8Array[] = [];
    const sorted = t.sorted();
    const byTable = new Map<number, Fte[]>();
    for (const e of sorted) {
      const tid = (e.versions[0] ?? e.versions[1])!.tableId;
      if (!byTable.has(tid)) byTable.set(tid, []);
      byTable.get(tid)!.push(e);
    }
    for (const list of byTable.values()) {
      for (const e of list) {
        if (e.versions[1] && !e.versions[0]) requests.push(encodeFlowMod(c, fteFlowMod(e, 1, OFPFC.DELETE_STRICT), protocol));
      }
      for (const e of list) {
        const fv = e.versions[0];
        const sv = e.versions[1];
        if (fv && (ctx.o.readd || !sv || !versionsEqual(sv, fv))) requests.push(encodeFlowMod(c, fteFlowMod(e, 0, OFPFC.ADD), protocol));
      }
    }
    if (ctx.o.bundle) await sendMods(ctx, c, requests, sw);
    else await ctx.transactNoReply(c, requests, sw);
  } finally {
    c.close();
  }
}

function fteFormat(e: Fte, index: 0 | 1, ports?: PortMap): string {
  const v = e.versions[index];
  if (!v) return '';
  let s = v.tableId ? `table=${v.tableId} ` : '';
  s += formatMatch(e.match, { priority: e.priority, ...(ports ? { ports } : {}) });
  if (v.cookie !== 0n) s += ` cookie=0x${v.cookie.toString(16)}`;
  if (v.idleTimeout) s += ` idle_timeout=${v.idleTimeout}`;
  if (v.hardTimeout) s += ` hard_timeout=${v.hardTimeout}`;
  if (v.importance) s += ` importance=${v.importance}`;
  return s + ` actions=${formatActions(v.actions, ports ? { ports } : {})}\n`;
}

/** diff-flows: "-" lines only in the first source, "+" lines only in the second; exit 2 if any. */
export async function diffFlows(ctx: OfctlContext, args: string[]): Promise<number> {
  const t = new FteTable();
  const state: { ports?: PortMap } = {};
  for (const [i, source] of args.entries()) {
    const index = i as 0 | 1;
    if (source.startsWith('/') || source.startsWith('.') || (!source.includes(':') && existsSync(source))) {
      await readFlowsFromFile(ctx, source, t, index, state.ports);
    } else {
      const c = await ctx.open(source);
      try {
        const protocol = await setProtocolForFlowDump(c, P_ANY, allowed(ctx));
        await readFlowsFromSwitch(c, protocol, t, index);
      } finally {
        c.close();
      }
      if (!state.ports) state.ports = await ctx.portsToShow(source);
    }
  }
  let out = '';
  let differences = false;
  for (const e of t.sorted()) {
    const [a, b] = e.versions;
    if (!a || !b || !versionsEqual(a, b)) {
      const as = fteFormat(e, 0, state.ports);
      const bs = fteFormat(e, 1, state.ports);
      if (as) out += '-' + as;
      if (bs) out += '+' + bs;
      differences = true;
    }
  }
  ctx.io.out(out);
  return differences ? 2 : 0;
}
