/*
 * The datapath commands of the control socket beyond show/dump-flows basics (OVS lib/dpctl.c
 * as `ovs-appctl dpctl/...`): dump-dps, show [-s] [dp...], dump-flows [-m] [dp] [filter=...],
 * add-flow / mod-flow [dp] FLOW ACTIONS (--may-create, --clear, -s), del-flow [dp] FLOW,
 * del-flows [dp] (flush), get-flow [dp] ufid:UFID. Flows and actions use the datapath text
 * form. Options come first among the arguments, as in OVS; errors are one line per problem
 * in OVS's words ("parsing flow key (...) (Invalid argument)", "deleting flow (No such file
 * or directory)").
 */
import { formatDpctlShow, formatDpFlowLine, formatDpFlowStats } from '../datapath/dpctl.js';
import { parseDpActions } from '../datapath/odp-actions-parse.js';
import { DpifError, FlowPutFlags, type Dpif, type DpFlow } from '../datapath/dpif.js';
import { parseDpKey } from '../flow/odp-key-parse.js';
import { parseMatch } from '../flow/match-parse.js';
import type { Backer } from '../ofproto/backer.js';
import type { Ofproto } from '../ofproto/ofproto.js';
import { formatUserdata } from '../ofproto/xlate/userdata.js';
import type { CommandRegistry } from './bridge-host.js';
import { UnixctlError } from './unixctl.js';

const STRERROR: Record<string, string> = {
  EEXIST: 'File exists',
  ENOENT: 'No such file or directory',
  EINVAL: 'Invalid argument',
  E2BIG: 'Argument list too long',
  EBUSY: 'Device or resource busy',
  ENOSPC: 'No space left on device',
};

interface DpctlParams {
  statistics: boolean;
  clear: boolean;
  mayCreate: boolean;
  verbosity: number;
  names: boolean | null;
  args: string[];
}

/** OVS dpctl_unixctl_handler's option scan: options lead the arguments. */
function parseParams(argv: readonly string[]): DpctlParams {
  const p: DpctlParams = { statistics: false, clear: false, mayCreate: false, verbosity: 0, names: null, args: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      if (a === '--statistics') p.statistics = true;
      else if (a === '--clear') p.clear = true;
      else if (a === '--may-create') p.mayCreate = true;
      else if (a === '--more') p.verbosity++;
      else if (a === '--names') p.names = true;
      else if (a === '--no-names') p.names = false;
      else throw new UnixctlError(`Unrecognized option ${a}`);
    } else if (a.startsWith('-') && a.length > 1) {
      for (const c of a.slice(1)) {
        if (c === 'm') p.verbosity++;
        else if (c === 's') p.statistics = true;
        else throw new UnixctlError(`Unrecognized option -${c}`);
      }
    } else {
      break;
    }
  }
  p.args = argv.slice(i);
  return p;
}

function dpName(b: Backer): string {
  return `${b.dpif.type}@${b.dpif.name}`;
}

function findDp(sw: Ofproto, arg: string): Backer | undefined {
  return sw.backers().find((b) => arg === dpName(b) || arg === b.dpif.name);
}

/**
 * OVS opt_dpif_open: the first argument names a datapath if one has that name; otherwise the
 * only datapath is used, unless the arguments are already as many as the command takes.
 * Returns the datapath and the remaining arguments.
 */
function optDp(sw: Ofproto, args: readonly string[], maxArgs: number): { dp: Backer; rest: string[] } {
  const first = args[0];
  const named = first !== undefined ? findDp(sw, first) : undefined;
  if (named) return { dp: named, rest: args.slice(1) };
  if (args.length + 1 === maxArgs) throw new UnixctlError('datapath not found (Invalid argument)');
  const all = sw.backers();
  if (all.length === 0) throw new UnixctlError('no datapaths exist');
  if (all.length > 1) throw new UnixctlError('multiple datapaths, specify one');
  return { dp: all[0]!, rest: [...args] };
}

function errno(e: unknown): string {
  return e instanceof DpifError ? STRERROR[e.code] ?? e.code : 'Invalid argument';
}

/** "ufid:8-4-4-4-12" prefix of a flow, or null. */
function takeUfid(text: string): { ufid: string | null; rest: string } {
  const m = /^\s*ufid:([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{12}),?/.exec(text);
  if (!m) return { ufid: null, rest: text };
  return { ufid: m.slice(1, 6).join('').toLowerCase(), rest: text.slice(m[0].length) };
}

function portNumber(dpif: Dpif): (name: string) => number | undefined {
  return (name) => dpif.portQueryByName(name)?.portNo;
}

function flowLine(sw: Ofproto, dpif: Dpif, f: DpFlow, verbose: boolean): string {
  return formatDpFlowLine(f, {
    now: sw.clock.now(),
    verbose,
    portName: (no) => dpif.portQuery(no)?.name,
    userdataFormatter: (u) => formatUserdata(u)?.slice(1),
  });
}

function putFlow(sw: Ofproto, argv: readonly string[], modify: boolean): string {
  const p = parseParams(argv);
  const { dp, rest } = optDp(sw, p.args, 4);
  if (rest.length !== 2) throw new UnixctlError(`"dpctl/${modify ? 'mod' : 'add'}-flow" needs a flow and actions`);
  const dpif = dp.dpif;
  const { ufid, rest: keyText } = takeUfid(rest[0]!);
  let km;
  try {
    km = parseDpKey(keyText, { portNumber: portNumber(dpif) });
  } catch (e) {
    throw new UnixctlError(`parsing flow key (${(e as Error).message}) (Invalid argument)`);
  }
  let actions;
  try {
    actions = parseDpActions(rest[1]!, { portNumber: portNumber(dpif) });
  } catch {
    throw new UnixctlError('parsing actions (Invalid argument)');
  }
  let flags: number = modify ? FlowPutFlags.MODIFY : FlowPutFlags.CREATE;
  if (modify && p.mayCreate) flags |= FlowPutFlags.CREATE;
  if (modify && p.clear) flags |= FlowPutFlags.ZERO_STATS;
  const before = p.statistics ? dpif.flowGet(km.key, km.mask)?.stats : undefined;
  try {
    dpif.flowPut({ key: km.key, mask: km.mask, actions, flags, ...(ufid !== null ? { ufid } : {}) });
  } catch (e) {
    throw new UnixctlError(`updating flow table (${errno(e)})`);
  }
  if (!p.statistics) return '';
  const st = before ?? { packets: 0, bytes: 0, used: 0, tcpFlags: 0 };
  return formatDpFlowStats(st, sw.clock.now()) + '\n';
}

function delFlow(sw: Ofproto, argv: readonly string[]): string {
  const p = parseParams(argv);
  const { dp, rest } = optDp(sw, p.args, 3);
  if (rest.length !== 1) throw new UnixctlError('"dpctl/del-flow" needs a flow');
  const dpif = dp.dpif;
  const { ufid, rest: keyText } = takeUfid(rest[0]!);
  let st;
  try {
    if (ufid !== null && keyText.trim() === '') {
      st = dpif.flowDelByUfid(ufid);
    } else {
      let km;
      try {
        km = parseDpKey(keyText, { portNumber: portNumber(dpif) });
      } catch (e) {
        throw new UnixctlError(`${(e as Error).message} (Invalid argument)`);
      }
      st = ufid !== null ? dpif.flowDelByUfid(ufid) : dpif.flowDel(km.key, km.mask);
    }
  } catch (e) {
    if (e instanceof UnixctlError) throw e;
    const code = errno(e);
    throw new UnixctlError(`deleting flow (${code})${e instanceof DpifError && e.code === 'ENOENT' && ufid === null ? '\nPerhaps you need to specify a UFID?' : ''}`);
  }
  return p.statistics ? formatDpFlowStats(st, sw.clock.now()) + '\n' : '';
}

function showStats(text: string, dpif: Dpif): string {
  const human = (v: number): string => {
    const units: Array<[number, string]> = [[1024 ** 4, 'TiB'], [1024 ** 3, 'GiB'], [1024 ** 2, 'MiB'], [1024, 'KiB']];
    for (const [n, u] of units) if (v >= n) return ` (${(v / n).toFixed(1)} ${u})`;
    return '';
  };
  return text.replace(/^ {2}port (\d+): .*$/gm, (line, no: string) => {
    const s = dpif.portQuery(Number(no))?.stats;
    if (!s) return line;
    return `${line}\n    RX packets:${s.rxPackets} errors:${s.rxErrors} dropped:${s.rxDropped} overruns:? frame:?`
      + `\n    TX packets:${s.txPackets} errors:${s.txErrors} dropped:${s.txDropped} aborted:? carrier:?`
      + `\n    collisions:?`
      + `\n    RX bytes:${s.rxBytes}${human(s.rxBytes)}  TX bytes:${s.txBytes}${human(s.txBytes)}`;
  });
}

export function registerDpctlCommands(sw: Ofproto, commands: CommandRegistry): void {
  commands.register('dpctl/dump-dps', '', 0, 0, () => sw.backers().map((b) => `${dpName(b)}\n`).join(''));
  commands.register('dpctl/show', '[-s] [dp...]', 0, 32, (argv) => {
    const p = parseParams(argv);
    const dps = p.args.length ? p.args.map((a) => {
      const b = findDp(sw, a);
      if (!b) throw new UnixctlError(`opening datapath ${a} failed (No such device)`);
      return b;
    }) : sw.backers();
    return dps.map((b) => (p.statistics ? showStats(formatDpctlShow(b.dpif), b.dpif) : formatDpctlShow(b.dpif))).join('');
  });
  commands.register('dpctl/dump-flows', '[-m] [--names] [dp] [filter=..]', 0, 6, (argv) => {
    const p = parseParams(argv);
    let filter: string | null = null;
    const rest: string[] = [];
    for (const a of p.args) {
      if (a.startsWith('filter=')) filter = a.slice(7);
      else if (a.startsWith('type=') || a.startsWith('pmd=')) continue;
      else rest.push(a);
    }
    const { dp, rest: extra } = optDp(sw, rest, 2);
    if (extra.length) throw new UnixctlError(`${extra[0]}: datapath not found (Invalid argument)`);
    let fk: Uint32Array | null = null;
    let fm: Uint32Array | null = null;
    if (filter !== null) {
      const m = parseMatch(filter);
      if (!m.ok) throw new UnixctlError(`Failed to parse filter (${m.error})`);
      fk = m.value.match.key;
      fm = m.value.match.mask;
    }
    const lines = ['flow-dump from the main thread:'];
    for (const f of dp.dpif.flowDump()) {
      if (fk && fm) {
        let pass = true;
        for (let i = 0; i < fm.length && pass; i++) if (((f.key[i]! ^ fk[i]!) & fm[i]!) !== 0) pass = false;
        if (!pass) continue;
      }
      lines.push(flowLine(sw, dp.dpif, f, p.verbosity > 0));
    }
    return lines.join('\n') + '\n';
  });
  commands.register('dpctl/add-flow', '[dp] flow actions', 2, 8, (argv) => putFlow(sw, argv, false));
  commands.register('dpctl/mod-flow', '[dp] flow actions', 2, 8, (argv) => putFlow(sw, argv, true));
  commands.register('dpctl/del-flow', '[dp] flow', 1, 6, (argv) => delFlow(sw, argv));
  commands.register('dpctl/del-flows', '[dp]', 0, 1, (argv) => {
    const { dp, rest } = optDp(sw, argv, 2);
    if (rest.length) throw new UnixctlError('datapath not found (Invalid argument)');
    dp.dpif.flowFlush();
    return '';
  });
  commands.register('dpctl/get-flow', '[dp] ufid', 1, 4, (argv) => {
    const p = parseParams(argv);
    const { dp, rest } = optDp(sw, p.args, 3);
    const { ufid } = takeUfid(rest[rest.length - 1] ?? '');
    if (ufid === null) throw new UnixctlError('parsing flow ufid (Invalid argument)');
    const f = dp.dpif.flowGetByUfid(ufid);
    if (!f) throw new UnixctlError('getting flow (No such file or directory)');
    return flowLine(sw, dp.dpif, f, p.verbosity > 0) + '\n';
  });
}
