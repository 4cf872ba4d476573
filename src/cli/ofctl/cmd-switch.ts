/*
 * The switch-level verbs of tsovs-ofctl, as ovs-ofctl: show, dump-desc, dump-tables,
 * dump-ports [PORT], dump-ports-desc [PORT], mod-port, get-frags/set-frags, probe.
 */
import { parseOfpPort } from '../../flow/ofp-port.js';
import { decodeMessage, isDecodeError, OfType, type PortDesc } from '../../openflow/codec/index.js';
import { CliError } from '../cli-util.js';
import type { OfctlContext } from './context.js';
import { ofpToString } from './print.js';

/** OVS str_to_port_no: a number or reserved name, else a name of the switch's ports. */
async function portNo(ctx: OfctlContext, sw: string, name: string): Promise<number> {
  const p = parseOfpPort(name) ?? parseOfpPort(name, await ctx.portsToAccept(sw));
  if (p === null) throw new CliError(`${sw}: unknown port \`${name}'`);
  return p;
}

export async function show(ctx: OfctlContext, args: string[]): Promise<void> {
  const sw = args[0]!;
  const c = await ctx.open(sw);
  try {
    const reply = await c.transact(c.encode({ type: OfType.FEATURES_REQUEST, xid: 0 }));
    const hasPorts = c.version < 4 && ((reply[2]! << 8) | reply[3]!) + 48 <= 0xffff;
    ctx.io.out(ofpToString(reply, {}, ctx.o.verbosity + 1));
    if (!hasPorts) await ctx.dumpTransaction(c, c.encode({ type: OfType.PORT_DESC_STATS_REQUEST, xid: 0, flags: 0, portNo: 0xffff }), sw);
    const c2 = await ctx.open(sw);
    try {
      await ctx.dumpTransaction(c2, c2.encode({ type: OfType.GET_CONFIG_REQUEST, xid: 0 }), sw);
    } finally {
      c2.close();
    }
  } finally {
    c.close();
  }
}

async function trivial(ctx: OfctlContext, sw: string, type: typeof OfType.DESC_STATS_REQUEST | typeof OfType.TABLE_STATS_REQUEST): Promise<void> {
  const c = await ctx.open(sw);
  try {
    await ctx.dumpTransaction(c, c.encode({ type, xid: 0, flags: 0 }), sw);
  } finally {
    c.close();
  }
}

export async function dumpDesc(ctx: OfctlContext, args: string[]): Promise<void> {
  await trivial(ctx, args[0]!, OfType.DESC_STATS_REQUEST);
}

export async function dumpTables(ctx: OfctlContext, args: string[]): Promise<void> {
  await trivial(ctx, args[0]!, OfType.TABLE_STATS_REQUEST);
}

export async function dumpPorts(ctx: OfctlContext, args: string[]): Promise<void> {
  const sw = args[0]!;
  const c = await ctx.open(sw);
  try {
    const port = args.length > 1 ? await portNo(ctx, sw, args[1]!) : 0xffff;
    await ctx.dumpTransaction(c, c.encode({ type: OfType.PORT_STATS_REQUEST, xid: 0, flags: 0, portNo: port }), sw);
  } finally {
    c.close();
  }
}

export async function dumpPortsDesc(ctx: OfctlContext, args: string[]): Promise<void> {
  const sw = args[0]!;
  const c = await ctx.open(sw);
  try {
    const port = args.length > 1 ? await portNo(ctx, sw, args[1]!) : 0xffff;
    await ctx.dumpTransaction(c, c.encode({ type: OfType.PORT_DESC_STATS_REQUEST, xid: 0, flags: 0, portNo: c.version >= 6 ? port : 0xffff }), sw);
  } finally {
    c.close();
  }
}

export async function probe(ctx: OfctlContext, args: string[]): Promise<void> {
  const c = await ctx.open(args[0]!);
  try {
    const reply = await c.transact(c.encode({ type: OfType.ECHO_REQUEST, xid: 0, data: new Uint8Array(0) }));
    if (reply.length !== 8) throw new CliError('reply does not match request');
  } finally {
    c.close();
  }
}

/** OVS fetch_ofputil_phy_port: the port named or numbered `name` on its own connection. */
async function fetchPort(ctx: OfctlContext, sw: string, name: string): Promise<PortDesc> {
  const num = /^[0-9]+$/.test(name) ? Number(name) : null;
  const c = await ctx.open(sw);
  try {
    const p = (await ctx.fetchPorts(c)).find((x) => (num !== null ? x.portNo === num : x.name === name));
    if (!p) throw new CliError(`${sw}: couldn't find port \`${name}'`);
    return p;
  } finally {
    c.close();
  }
}

const MOD_PORT_FLAGS: ReadonlyArray<readonly [string, number, boolean]> = [
  ['up', 1, false], ['down', 1, true], ['stp', 2, false], ['receive', 4, false], ['receive-stp', 8, false],
  ['flood', 16, false], ['forward', 32, false], ['packet-in', 64, false],
];

export async function modPort(ctx: OfctlContext, args: string[]): Promise<void> {
  const [sw, iface, act] = args as [string, string, string];
  const pp = await fetchPort(ctx, sw, iface);
  let command = act;
  let not = false;
  if (/^no-/i.test(act)) {
    command = act.slice(3);
    not = true;
  } else if (/^no/i.test(act)) {
    command = act.slice(2);
    not = true;
  }
  const flag = MOD_PORT_FLAGS.find(([n]) => n === command.toLowerCase());
  if (!flag) throw new CliError(`unknown mod-port command '${act}'`);
  const [, bit, on] = flag;
  const c = await ctx.open(sw);
  try {
    const msg = c.encode({ type: OfType.PORT_MOD, xid: 0, portNo: pp.portNo, hwAddr: pp.hwAddr, config: on !== not ? bit : 0, mask: bit, advertise: 0 });
    await ctx.transactNoReply(c, [msg], sw);
  } finally {
    c.close();
  }
}

const FRAG_MODES = ['normal', 'drop', 'reassemble', 'nx-match'];

async function fetchConfig(c: Awaited<ReturnType<OfctlContext['open']>>): Promise<{ flags: number; missSendLen: number }> {
  const reply = await c.transact(c.encode({ type: OfType.GET_CONFIG_REQUEST, xid: 0 }));
  const d = decodeMessage(reply);
  if (isDecodeError(d) || d.type !== OfType.GET_CONFIG_REPLY) throw new CliError(`${c.name}: bad reply to config request`);
  return { flags: d.flags, missSendLen: d.missSendLen };
}

export async function getFrags(ctx: OfctlContext, args: string[]): Promise<void> {
  const c = await ctx.open(args[0]!);
  try {
    ctx.io.out(`${FRAG_MODES[(await fetchConfig(c)).flags & 3]}\n`);
  } finally {
    c.close();
  }
}

export async function setFrags(ctx: OfctlContext, args: string[]): Promise<void> {
  const [sw, mode] = args as [string, string];
  const frag = FRAG_MODES.indexOf(mode.toLowerCase());
  if (frag < 0) throw new CliError(`${mode}: unknown fragment handling mode`);
  const c = await ctx.open(sw);
  try {
    const cfg = await fetchConfig(c);
    if ((cfg.flags & 3) !== frag) {
      await ctx.transactNoReply(c, [c.encode({ type: OfType.SET_CONFIG, xid: 0, flags: (cfg.flags & ~3) | frag, missSendLen: cfg.missSendLen })], sw);
      if (((await fetchConfig(c)).flags & 3) !== frag) {
        throw new CliError(`${sw}: setting fragment handling mode failed (this switch probably doesn't support mode "${FRAG_MODES[frag]}")`);
      }
    }
  } finally {
    c.close();
  }
}
