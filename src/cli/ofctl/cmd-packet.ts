/*
 * tsovs-ofctl packet-out (both of ovs-ofctl's syntaxes: "in_port=1 packet=HEX actions=..."
 * as one argument, or IN_PORT ACTIONS PACKET...) and monitor (prints what the switch sends:
 * packet-ins, port status, flow-removed ..., as ovs-ofctl monitor does, on standard error).
 */
import { applyMatchKeyword } from '../../flow/match-parse.js';
import { mfFromName } from '../../flow/meta-flow.js';
import { newMatch } from '../../flow/match.js';
import { OFPP_CONTROLLER, OFPP_LOCAL, OFPP_MAX, OFPP_NONE, parseOfpPort } from '../../flow/ofp-port.js';
import { parseKeyValues } from '../../flow/ofp-text.js';
import { decodeMessage, encodeMessage, isDecodeError, makePacketOut, OfType } from '../../openflow/codec/index.js';
import { parseActions } from '../../openflow/flow-syntax/actions-parse.js';
import type { OfpAction } from '../../ofproto/ofp-actions.js';
import type { Match } from '../../flow/match.js';
import { CliError } from '../cli-util.js';
import type { OfConnection } from './conn.js';
import type { OfctlContext } from './context.js';
import { parseWatch } from './monitor-syntax.js';
import { ofpToString } from './print.js';
import { rawName } from './raw-name.js';
import { checkUsable, flowUsable, protocolsFromVersions, setProtocolForFlowMod } from './protocol.js';
import { parseHex } from './text.js';

/** OVS eth_from_hex. */
function ethFromHex(hex: string): Uint8Array | string {
  const b = parseHex(hex);
  if (b === null) return 'Trailing garbage in packet data';
  if (b.length < 14) return 'Packet data too short for Ethernet';
  return b;
}

interface PacketOutSpec {
  inPort: number;
  match: Match;
  actions: OfpAction[];
  packet: Uint8Array;
}

/** OVS parse_ofp_packet_out_str. */
async function parsePacketOut(ctx: OfctlContext, sw: string, text: string): Promise<PacketOutSpec> {
  const ports = await ctx.portsToAccept(sw);
  const tables = await ctx.tablesToAccept(sw);
  let s = text;
  let actStr: string | null = null;
  const at = s.indexOf('action');
  if (at >= 0) {
    const eq = s.indexOf('=', at);
    if (eq >= 0) {
      actStr = s.slice(eq + 1);
      s = s.slice(0, at);
    }
  }
  const match = newMatch();
  let inPort = OFPP_CONTROLLER;
  let packet: Uint8Array | null = null;
  for (const [name, value] of parseKeyValues(s)) {
    if (value === '') throw new CliError(`field ${name} missing value`);
    if (name === 'in_port') {
      const p = parseOfpPort(value, ports);
      if (p === null) throw new CliError(`${value} is not a valid OpenFlow port`);
      if (p > OFPP_MAX && p !== OFPP_LOCAL && p !== OFPP_NONE && p !== OFPP_CONTROLLER) {
        throw new CliError(`${value} is not a valid OpenFlow port for PACKET_OUT`);
      }
      inPort = p;
    } else if (name === 'packet') {
      const b = ethFromHex(value);
      if (typeof b === 'string') throw new CliError(`${name}: ${b}`);
      packet = b;
    } else {
      if (!mfFromName(name)) throw new CliError(`unknown keyword ${name}`);
      const e = applyMatchKeyword(match, name, value, ports);
      if (typeof e === 'string') throw new CliError(e);
    }
  }
  if (!packet || !packet.length) throw new CliError('must specify packet');
  let actions: OfpAction[] = [];
  if (actStr !== null) {
    const r = parseActions(actStr, { ports, tables });
    if (!r.ok) throw new CliError(r.error);
    actions = r.value;
  }
  return { inPort, match, actions, packet };
}

function encodePacketOut(c: OfConnection, spec: PacketOutSpec): Uint8Array {
  const base = makePacketOut(0, spec.inPort, spec.actions, spec.packet);
  const match = base.match;
  // Pipeline fields given besides in_port (OpenFlow 1.5 carries them).
  for (let i = 0; i < match.key.length; i++) {
    match.key[i] = (match.key[i]! | spec.match.key[i]!) >>> 0;
    match.mask[i] = (match.mask[i]! | spec.match.mask[i]!) >>> 0;
  }
  try {
    return c.encode({ ...base, match });
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e));
  }
}

export async function packetOut(ctx: OfctlContext, args: string[]): Promise<void> {
  const sw = args[0]!;
  const allowed = protocolsFromVersions(ctx.o.versions);
  if (args.length > 3) {
    const ports = await ctx.portsToAccept(sw);
    const tables = await ctx.tablesToAccept(sw);
    const r = parseActions(args[2]!, { ports, tables });
    if (!r.ok) throw new CliError(r.error);
    const inPort = parseOfpPort(args[1]!) ?? parseOfpPort(args[1]!, await ctx.portsToAccept(sw));
    if (inPort === null) throw new CliError(`${sw}: unknown port \`${args[1]}'`);
    const usable = flowUsable({ match: newMatch(), tableId: 0xff, cookieMask: 0n, actions: r.value });
    checkUsable(usable, allowed);
    const c = await ctx.open(sw);
    try {
      await setProtocolForFlowMod(c, usable, allowed);
      for (const hex of args.slice(3)) {
        const b = ethFromHex(hex);
        if (typeof b === 'string') throw new CliError(b);
        await ctx.transactNoReply(c, [encodePacketOut(c, { inPort, match: newMatch(), actions: r.value, packet: b })], sw);
      }
    } finally {
      c.close();
    }
  } else if (args.length === 2) {
    const spec = await parsePacketOut(ctx, sw, args[1]!);
    const usable = flowUsable({ match: newMatch(), tableId: 0xff, cookieMask: 0n, actions: spec.actions });
    checkUsable(usable, allowed);
    const c = await ctx.open(sw);
    try {
      await setProtocolForFlowMod(c, usable, allowed);
      await ctx.transactNoReply(c, [encodePacketOut(c, spec)], sw);
    } finally {
      c.close();
    }
  } else {
    throw new CliError(`Too many arguments (${args.length + 1})`);
  }
}

/** Reads the switch configuration (OVS fetch_switch_config). */
async function fetchConfig(c: OfConnection): Promise<{ flags: number; missSendLen: number }> {
  const reply = await c.transact(c.encode({ type: OfType.GET_CONFIG_REQUEST, xid: 0 }));
  const d = decodeMessage(reply);
  if (isDecodeError(d) || d.type !== OfType.GET_CONFIG_REPLY) throw new CliError(`${c.name}: bad reply to config request`);
  return { flags: d.flags, missSendLen: d.missSendLen };
}

async function setPacketInFormat(ctx: OfctlContext, c: OfConnection, format: number): Promise<boolean> {
  const err = await c.transactNoReply([c.encode({ type: OfType.SET_PACKET_IN_FORMAT, xid: 0, format })]);
  return err === null;
}

function timestamp(): string {
  const d = new Date();
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}: `;
}

/** ovs-ofctl monitor's "resume": a packet-in with a continuation goes back as NXT_RESUME (xid 0). */
function resumePacketIn(ctx: OfctlContext, c: OfConnection, raw: Uint8Array, maps: Parameters<typeof ofpToString>[1]): void {
  const d = decodeMessage(raw);
  if (isDecodeError(d)) {
    if (/PACKET_IN/.test(rawName(raw) ?? '')) ctx.io.err(`decoding packet-in failed: ${d.error}`);
    return;
  }
  if (d.type !== OfType.PACKET_IN || !d.continuation || d.continuation.length === 0) return;
  const reply = encodeMessage(
    {
      type: OfType.RESUME,
      xid: 0,
      bufferId: 0xffffffff,
      totalLen: d.data.length,
      reason: d.reason,
      tableId: d.tableId,
      cookie: d.cookie,
      match: d.match,
      data: d.data,
      userdata: null,
      continuation: d.continuation,
    },
    c.version,
  );
  ctx.io.err('send: ' + ofpToString(reply, maps, ctx.o.verbosity + 2));
  c.send(reply);
}

export async function monitor(ctx: OfctlContext, args: string[], signal?: AbortSignal): Promise<void> {
  const sw = args[0]!;
  if (args.slice(1).includes('invalid_ttl')) {
    const usable = (1 << 1) | (1 << 2) | (1 << 3);
    if (!(ctx.o.versions & usable)) {
      throw new CliError('invalid_ttl requires one of the OpenFlow versions OpenFlow10, OpenFlow11, OpenFlow12 but none is enabled (use -O)');
    }
    ctx.o.versions &= usable;
  }
  const c = await ctx.open(sw);
  let resume = false;
  try {
    for (const arg of args.slice(1)) {
      if (/^[0-9]/.test(arg)) {
        const cfg = await fetchConfig(c);
        await ctx.transactNoReply(c, [c.encode({ type: OfType.SET_CONFIG, xid: 0, flags: cfg.flags, missSendLen: Number.parseInt(arg, 10) & 0xffff })], sw);
      } else if (arg === 'invalid_ttl') {
        const cfg = await fetchConfig(c);
        if (!(cfg.flags & 4)) {
          await ctx.transactNoReply(c, [c.encode({ type: OfType.SET_CONFIG, xid: 0, flags: cfg.flags | 4, missSendLen: cfg.missSendLen })], sw);
          if (!((await fetchConfig(c)).flags & 4)) {
            throw new CliError("setting invalid_ttl_to_controller failed (this switch probably doesn't support this flag)");
          }
        }
      } else if (arg === 'resume') {
        // Undocumented in OVS too (for tests): send each paused packet-in back as NXT_RESUME.
        resume = true;
        const cfg = await fetchConfig(c);
        await ctx.transactNoReply(c, [c.encode({ type: OfType.SET_CONFIG, xid: 0, flags: cfg.flags, missSendLen: 0xffff })], sw);
      } else if (arg.startsWith('watch:')) {
        const r = parseWatch(arg.slice(6), await ctx.portsToAccept(sw), await ctx.tablesToAccept(sw));
        if (!r.ok) throw new CliError(r.error);
        const msg = c.encode({ type: OfType.FLOW_MONITOR_STATS_REQUEST, xid: 0, flags: 0, requests: [r.value] });
        if (ctx.o.verbosity) ctx.io.out(ofpToString(msg, {}, ctx.o.verbosity + 2));
        await ctx.dumpTransaction(c, msg, sw);
      } else {
        throw new CliError(`${arg}: unsupported "monitor" argument`);
      }
    }
    if (!(await setPacketInFormat(ctx, c, 2)) && c.version === 1) await setPacketInFormat(ctx, c, 1);
    const maps = { ports: await ctx.portsToShow(sw), tables: await ctx.tablesToShow(sw) };
    const aborted = new Promise<null>((resolve) => {
      if (signal?.aborted) resolve(null);
      signal?.addEventListener('abort', () => resolve(null), { once: true });
    });
    for (;;) {
      let m: Uint8Array | null;
      try {
        m = await Promise.race([c.recv(), aborted]);
      } catch (e) {
        if (e instanceof CliError) throw new CliError(`vconn_recv (${/\(([^)]*)\)$/.exec(e.message)?.[1] ?? 'End of file'})`);
        throw e;
      }
      if (m === null) return;
      ctx.io.err((ctx.o.timestamp ? timestamp() : '') + ofpToString(m, maps, ctx.o.verbosity + 2));
      if (resume) resumePacketIn(ctx, c, m, maps);
    }
  } finally {
    c.close();
  }
}
