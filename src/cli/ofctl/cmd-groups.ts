/*
 * Group and meter verbs of tsovs-ofctl, as ovs-ofctl: add-group, add-groups, mod-group
 * (--may-create), del-groups, insert-buckets, remove-buckets, dump-groups, dump-group-stats,
 * dump-group-features; add-meter, mod-meter, del-meters, dump-meters, meter-stats,
 * meter-features (meters need OpenFlow 1.3 or later: -O OpenFlow13).
 */
import { OfType, OFPG_ALL } from '../../openflow/codec/index.js';
import { CliError } from '../cli-util.js';
import type { OfctlContext } from './context.js';
import { sendMods } from './cmd-flows.js';
import { readLines } from './flow-file.js';
import { OFPGC, parseGroupMod, type ParsedGroupMod } from './group-syntax.js';
import { OFPM_ALL, OFPMC, parseMeterMod } from './meter-syntax.js';
import { checkUsable, P_ANY, P_OF13_UP, protocolsFromVersions, setProtocolForFlowMod } from './protocol.js';

/** OVS bad_group_cmd: what OpenFlow 1.1-1.4 group-mods cannot express. */
function checkGroupCommand(command: number, version: number): void {
  if (version === 1 || version >= 6) return;
  if (command === OFPGC.INSERT_BUCKET || command === OFPGC.REMOVE_BUCKET) {
    const name = command === OFPGC.INSERT_BUCKET ? 'insert-bucket' : 'remove-bucket';
    throw new CliError(`${name} needs OpenFlow 1.5 or later ('-O OpenFlow15')`);
  }
}

async function groupMods(ctx: OfctlContext, sw: string, gms: readonly ParsedGroupMod[]): Promise<void> {
  const allowed = protocolsFromVersions(ctx.o.versions);
  let usable = P_ANY;
  for (const g of gms) usable &= g.usable;
  if (ctx.o.bundle) usable &= P_OF13_UP;
  checkUsable(usable, allowed);
  const c = await ctx.open(sw);
  try {
    await setProtocolForFlowMod(c, usable, allowed);
    const reqs = gms.map((g) => {
      // OpenFlow 1.1-1.4 have no bucket ids nor group properties: the codec leaves them out, as OVS.
      checkGroupCommand(g.msg.command, c.version);
      try {
        return c.encode(g.msg);
      } catch (e) {
        throw new CliError(e instanceof Error ? e.message : String(e));
      }
    });
    if (ctx.o.bundle) await sendMods(ctx, c, reqs, sw);
    else for (const r of reqs) await ctx.transactNoReply(c, [r], sw);
  } finally {
    c.close();
  }
}

async function groupModFile(ctx: OfctlContext, args: string[], command: number): Promise<void> {
  const [sw, file] = args as [string, string];
  const ports = await ctx.portsToAccept(sw);
  const tables = await ctx.tablesToAccept(sw);
  const gms: ParsedGroupMod[] = [];
  for (const l of await readLines(ctx, file)) {
    const r = parseGroupMod(l.text, command === OFPGC.ADD ? 'auto' : command, { ports, tables });
    if (!r.ok) throw new CliError(`${file}:${l.line}: ${r.error}`);
    gms.push(r.value);
  }
  await groupMods(ctx, sw, gms);
}

async function groupMod(ctx: OfctlContext, args: string[], command: number): Promise<void> {
  if (args.length > 1 && args[1] === '-') return groupModFile(ctx, args, command);
  const sw = args[0]!;
  const r = parseGroupMod(args[1] ?? '', command, { ports: await ctx.portsToAccept(sw), tables: await ctx.tablesToAccept(sw) });
  if (!r.ok) throw new CliError(r.error);
  await groupMods(ctx, sw, [r.value]);
}

export const addGroup = (ctx: OfctlContext, args: string[]): Promise<void> => groupMod(ctx, args, OFPGC.ADD);
export const addGroups = (ctx: OfctlContext, args: string[]): Promise<void> => groupModFile(ctx, args, OFPGC.ADD);
export const modGroup = (ctx: OfctlContext, args: string[]): Promise<void> =>
  groupMod(ctx, args, ctx.o.mayCreate ? OFPGC.ADD_OR_MOD : OFPGC.MODIFY);
export const delGroups = (ctx: OfctlContext, args: string[]): Promise<void> => groupMod(ctx, args, OFPGC.DELETE);
export const insertBuckets = (ctx: OfctlContext, args: string[]): Promise<void> => groupMod(ctx, args, OFPGC.INSERT_BUCKET);
export const removeBuckets = (ctx: OfctlContext, args: string[]): Promise<void> => groupMod(ctx, args, OFPGC.REMOVE_BUCKET);

export async function dumpGroups(ctx: OfctlContext, args: string[]): Promise<void> {
  const sw = args[0]!;
  const c = await ctx.open(sw);
  try {
    let id = OFPG_ALL;
    const a = args[1];
    if (a !== undefined) {
      if (/^any$/i.test(a)) id = 0xffffffff;
      else if (/^[0-9]+$/.test(a) && Number(a) <= 0xffffffff) id = Number(a);
    }
    await ctx.dumpTransaction(c, c.encode({ type: OfType.GROUP_DESC_STATS_REQUEST, xid: 0, flags: 0, groupId: c.version >= 6 || c.version === 1 ? id : OFPG_ALL }), sw);
  } finally {
    c.close();
  }
}

export async function dumpGroupStats(ctx: OfctlContext, args: string[]): Promise<void> {
  const sw = args[0]!;
  const r = parseGroupMod(args[1] ?? '', OFPGC.DELETE, { ports: await ctx.portsToAccept(sw), tables: await ctx.tablesToAccept(sw) });
  if (!r.ok) throw new CliError(r.error);
  const c = await ctx.open(sw);
  try {
    await ctx.dumpTransaction(c, c.encode({ type: OfType.GROUP_STATS_REQUEST, xid: 0, flags: 0, groupId: r.value.msg.groupId }), sw);
  } finally {
    c.close();
  }
}

export async function dumpGroupFeatures(ctx: OfctlContext, args: string[]): Promise<void> {
  const sw = args[0]!;
  const c = await ctx.open(sw);
  try {
    await ctx.dumpTransaction(c, c.encode({ type: OfType.GROUP_FEATURES_STATS_REQUEST, xid: 0, flags: 0 }), sw);
  } finally {
    c.close();
  }
}

// --- meters ------------------------------------------------------------------------------------

async function meterMod(ctx: OfctlContext, args: string[], command: number): Promise<void> {
  const sw = args[0]!;
  let msg;
  if (args[1] !== undefined) {
    const r = parseMeterMod(args[1], command);
    if (!r.ok) throw new CliError(r.error);
    msg = r.value;
  } else {
    msg = { type: OfType.METER_MOD, xid: 0, command, flags: 0, meterId: OFPM_ALL, bands: [] } as const;
  }
  const allowed = protocolsFromVersions(ctx.o.versions);
  checkUsable(P_OF13_UP, allowed);
  const c = await ctx.open(sw);
  try {
    await setProtocolForFlowMod(c, P_OF13_UP, allowed);
    await ctx.transactNoReply(c, [c.encode(command === OFPMC.DELETE ? { ...msg, flags: 0 } : msg)], sw);
  } finally {
    c.close();
  }
}

export const addMeter = (ctx: OfctlContext, args: string[]): Promise<void> => meterMod(ctx, args, OFPMC.ADD);
export const modMeter = (ctx: OfctlContext, args: string[]): Promise<void> => meterMod(ctx, args, OFPMC.MODIFY);
export const delMeters = (ctx: OfctlContext, args: string[]): Promise<void> => meterMod(ctx, args, OFPMC.DELETE);

type MeterRequest = typeof OfType.METER_STATS_REQUEST | typeof OfType.METER_CONFIG_STATS_REQUEST | typeof OfType.METER_FEATURES_STATS_REQUEST;

async function meterRequest(ctx: OfctlContext, args: string[], type: MeterRequest): Promise<void> {
  const sw = args[0]!;
  let meterId = OFPM_ALL;
  if (args[1] !== undefined && type !== OfType.METER_FEATURES_STATS_REQUEST) {
    const r = parseMeterMod(args[1], -1);
    if (!r.ok) throw new CliError(r.error);
    meterId = r.value.meterId;
  }
  const allowed = protocolsFromVersions(ctx.o.versions);
  checkUsable(P_OF13_UP, allowed);
  const c = await ctx.open(sw);
  try {
    await setProtocolForFlowMod(c, P_OF13_UP, allowed);
    const req = type === OfType.METER_FEATURES_STATS_REQUEST
      ? c.encode({ type, xid: 0, flags: 0 })
      : c.encode({ type, xid: 0, flags: 0, meterId });
    await ctx.dumpTransaction(c, req, sw);
  } finally {
    c.close();
  }
}

export const dumpMeters = (ctx: OfctlContext, args: string[]): Promise<void> => meterRequest(ctx, args, OfType.METER_CONFIG_STATS_REQUEST);
export const meterStats = (ctx: OfctlContext, args: string[]): Promise<void> => meterRequest(ctx, args, OfType.METER_STATS_REQUEST);
export const meterFeatures = (ctx: OfctlContext, args: string[]): Promise<void> => meterRequest(ctx, args.slice(0, 1), OfType.METER_FEATURES_STATS_REQUEST);
