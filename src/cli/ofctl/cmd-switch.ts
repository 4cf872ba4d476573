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

/** queue-stats SWITCH [PORT [QUEUE]] ("all" or "" for every port or queue). */
export async function queueStats(ctx: OfctlContext, args: string[]): Promise<void> {
  const sw = args[0]!;
  const c = await ctx.open(sw);
  try {
    let port = args[1] && args[1].toLowerCase() !== 'all' ? await portNo(ctx, sw, args[1]) : 0xffff;
    if (port === 0xffff && c.version === 1) port = 0xfffc; // OpenFlow 1.0 says "all ports" with OFPP_ALL
    const queue = args[2] && args[2].toLowerCase() !== 'all' ? Number.parseInt(args[2], 10) >>> 0 : 0xffffffff;
    await ctx.dumpTransaction(c, c.encode({ type: OfType.QUEUE_STATS_REQUEST, xid: 0, flags: 0, portNo: port, queueId: queue }), sw);
  } finally {
    c.close();
  }
}

/** queue-get-config SWITCH [PORT]: in OpenFlow 1.0 "any" asks port by port, as OVS does. */
export async function queueGetConfig(ctx: OfctlContext, args: string[]): Promise<void> {
  const sw = args[0]!;
  const port = await portNo(ctx, sw, args[1] ?? 'any');
  const c = await ctx.open(sw);
  try {
    const request = (conn: typeof c, p: number): Uint8Array => conn.encode({ type: OfType.QUEUE_GET_CONFIG_REQUEST, xid: 0, portNo: p });
    if (port === 0xffff && c.version === 1) {
      const c2 = await ctx.open(sw);
      try {
        for (const p of await ctx.fetchPorts(c)) if (p.portNo < 0xff00) await ctx.dumpTransaction(c2, request(c2, p.portNo), sw);
      } finally {
        c2.close();
      }
    } else {
      await ctx.dumpTransaction(c, request(c, port), sw);
    }
  } finally {
    c.close();
  }
}

/** ping TARGET [N]: ten echo requests with N (default 64) random bytes, timed. */
export async function ping(ctx: OfctlContext, args: string[]): Promise<void> {
  const payload = args[1] !== undefined ? Number.parseInt(args[1], 10) || 0 : 64;
  if (payload > 65527 || payload < 0) throw new CliError('payload must be between 0 and 65527 bytes');
  const c = await ctx.open(args[0]!);
  try {
    for (let i = 0; i < 10; i++) {
      const data = new Uint8Array(payload);
      for (let j = 0; j < payload; j++) data[j] = Math.floor(Math.random() * 256);
      const req = c.encode({ type: OfType.ECHO_REQUEST, xid: 0, data });
      const start = process.hrtime.bigint();
      const reply = await c.transact(req);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const same = reply[1] === 3 && reply.length === req.length && reply.subarray(8).every((b, k) => b === req[8 + k]);
      if (!same) ctx.io.out(`Reply does not match request.  Request:\n${ofpToString(req, {}, ctx.o.verbosity + 2)}Reply:\n${ofpToString(reply, {}, ctx.o.verbosity + 2)}`);
      const xid = ((reply[4]! << 24) | (reply[5]! << 16) | (reply[6]! << 8) | reply[7]!) >>> 0;
      ctx.io.out(`${reply.length - 8} bytes from ${args[0]}: xid=${xid.toString(16).padStart(8, '0')} time=${ms.toFixed(1)} ms\n`);
    }
  } finally {
    c.close();
  }
}

/** ct-flush-zone SWITCH ZONE (NXT_CT_FLUSH_ZONE). */
export async function ctFlushZone(ctx: OfctlContext, args: string[]): Promise<void> {
  const [sw, zone] = args as [string, string];
  if (!/^[0-9]+$/.test(zone) || Number(zone) > 65535) throw new CliError(`invalid zone_id "${zone}"`);
  const c = await ctx.open(sw);
  try {
    await ctx.transactNoReply(c, [c.encode({ type: OfType.CT_FLUSH_ZONE, xid: 0, zoneId: Number(zone) })], sw);
  } finally {
    c.close();
  }
}
