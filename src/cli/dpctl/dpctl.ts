/*
 * tsovs-dpctl: OVS ovs-dpctl for tsovs. The datapaths live inside tsovs-vswitchd, so every
 * command goes to the daemon's control socket as `dpctl/<command>` (what `ovs-appctl
 * dpctl/...` does for OVS's userspace datapath): show, dump-dps, dump-flows [-m] [dp]
 * [filter=...], add-flow / mod-flow [dp] FLOW ACTIONS, del-flow [dp] FLOW, del-flows [dp],
 * get-flow [dp] ufid:UFID; add-flows / mod-flows / del-flows with a FILE (or "-") are read
 * here and sent line by line. Errors print as "tsovs-dpctl: ..." with exit status 1.
 */
import { promises as fsp } from 'node:fs';
import { unixctlTransact, UnixctlClientError } from '../../vswitchd/unixctl.js';
import { errnoText } from '../../vswitchd/rundir.js';
import { programVersion } from '../../vswitchd/version.js';
import { CliError, parseSeconds, processOutput, runTool, targetSocket, type Output } from '../cli-util.js';
import { addHelpOption, addOptionListOption, ovsCommand, parseCommandLine } from '../ovs-command.js';
import { ANY_ARGS, findVerb, verbList, type CmdlVerb } from '../verbs.js';

const PROG = 'tsovs-dpctl';

const VERBS: readonly CmdlVerb[] = [
  { name: 'add-dp', usage: 'dp [iface...]', min: 1, max: ANY_ARGS, rw: true },
  { name: 'del-dp', usage: 'dp', min: 1, max: 1, rw: true },
  { name: 'add-if', usage: 'dp iface...', min: 2, max: ANY_ARGS, rw: true },
  { name: 'del-if', usage: 'dp iface...', min: 2, max: ANY_ARGS, rw: true },
  { name: 'set-if', usage: 'dp iface...', min: 2, max: ANY_ARGS, rw: true },
  { name: 'dump-dps', usage: '', min: 0, max: 0, rw: false },
  { name: 'show', usage: '[-s] [dp...]', min: 0, max: ANY_ARGS, rw: false },
  { name: 'dump-flows', usage: '[-m] [--names] [dp] [filter=..] [type=..] [pmd=..]', min: 0, max: 6, rw: false },
  { name: 'add-flow', usage: '[dp] flow actions', min: 2, max: 3, rw: true },
  { name: 'mod-flow', usage: '[dp] flow actions', min: 2, max: 3, rw: true },
  { name: 'get-flow', usage: '[dp] ufid', min: 1, max: 2, rw: false },
  { name: 'del-flow', usage: '[dp] flow', min: 1, max: 2, rw: true },
  { name: 'add-flows', usage: '[dp] file', min: 1, max: 2, rw: true },
  { name: 'mod-flows', usage: '[dp] file', min: 1, max: 2, rw: true },
  { name: 'del-flows', usage: '[dp] [file]', min: 0, max: 2, rw: true },
  { name: 'help', usage: '', min: 0, max: ANY_ARGS, rw: false },
  { name: 'list-commands', usage: '', min: 0, max: ANY_ARGS, rw: false },
];

/** Commands of ovs-dpctl that manage datapaths and ports directly: tsovs-vswitchd owns those. */
const UNSUPPORTED = new Set(['add-dp', 'del-dp', 'add-if', 'del-if', 'set-if']);

const USAGE = `${PROG}: tsovs datapath management utility
usage: ${PROG} [OPTIONS] COMMAND [ARG...]
  dump-dps                 display names of all datapaths
  show                     show basic info on all datapaths
  show DP...               show basic info on each DP
  dump-flows [DP]          display flows in DP
  add-flow [DP] FLOW ACTIONS add FLOW with ACTIONS to DP
  add-flows [DP] FILE        add flows from FILE
  mod-flow [DP] FLOW ACTIONS change FLOW actions to ACTIONS in DP
  mod-flows [DP] FILE        change flows from FILE
  get-flow [DP] ufid:UFID    fetch flow corresponding to UFID
  del-flow [DP] FLOW         delete FLOW from DP
  del-flows [DP] [FILE]      delete all or specified flows from DP
For COMMAND dump-flows, add-flow, add-flows, mod-flow,
mod-flows, del-flow and del-flows, DP is optional if there is
only one datapath.
The datapaths belong to tsovs-vswitchd; commands are sent to its control socket.
Options for show and mod-flow:
  -s,  --statistics           print statistics for port or flow
Options for dump-flows:
  -m, --more                  increase verbosity of output
  --names                     use port names in output
Options for mod-flow:
  --may-create                create flow if it doesn't exist
  --read-only                 do not run read/write commands
  --clear                     reset existing stats to zero
Other options:
  --rundir=DIR                run directory (default $TSOVS_RUNDIR, $XDG_RUNTIME_DIR/tsovs, ~/.local/state/tsovs/run)
  -t, --timeout=SECS          give up after SECS seconds
  -h, --help                  display this help message
  -V, --version               display version information
`;

interface Options {
  statistics: boolean;
  clear: boolean;
  mayCreate: boolean;
  readOnly: boolean;
  verbosity: number;
  names: boolean | null;
  timeout: number;
  rundir?: string;
}

/**
 * The options of ovs-dpctl 3.1, in its order (what --option lists), and --rundir. The
 * logging options are accepted and ignored. Null when only help, the version or the option
 * list was asked for.
 */
function parseArgs(argv: string[], io: Output): { o: Options; args: string[] } | null {
  const cmd = ovsCommand(PROG, io)
    .option('-s, --statistics', 'print statistics for port or flow')
    .option('--clear', 'reset existing stats to zero')
    .option('--may-create', "create flow if it doesn't exist")
    .option('--read-only', 'do not run read/write commands')
    .option('-m, --more', 'increase verbosity of output', (_v: string, n: number) => n + 1, 0)
    .option('--names', 'use port names in output')
    .option('--no-names', 'use port numbers in output')
    .option('-t, --timeout <secs>', 'give up after SECS seconds', (v) => parseSeconds('-t or --timeout', v), 0);
  addHelpOption(cmd, io, () => USAGE);
  addOptionListOption(cmd, io);
  cmd.version(programVersion(PROG), '-V, --version', 'display version information');
  for (const f of ['-v, --verbose [spec]', '--log-file [file]', '--syslog-method <method>', '--syslog-target <target>']) {
    cmd.option(f, 'logging option, ignored');
  }
  cmd.option('--rundir <dir>', 'run directory');
  const args = parseCommandLine(cmd, argv);
  if (args === null) return null;
  const p = cmd.opts<{
    statistics?: boolean;
    clear?: boolean;
    mayCreate?: boolean;
    readOnly?: boolean;
    more: number;
    names?: boolean;
    timeout: number;
    rundir?: string;
  }>();
  const o: Options = {
    statistics: p.statistics === true,
    clear: p.clear === true,
    mayCreate: p.mayCreate === true,
    readOnly: p.readOnly === true,
    verbosity: p.more,
    names: p.names ?? null,
    timeout: p.timeout,
    ...(p.rundir !== undefined ? { rundir: p.rundir } : {}),
  };
  return { o, args };
}

class Daemon {
  constructor(
    private readonly socket: string,
    private readonly timeoutMs: number,
  ) {}

  /** Runs dpctl/<cmd>; resolves the reply text or a daemon error (never throws on those). */
  async call(cmd: string, params: string[]): Promise<{ ok: boolean; text: string }> {
    let r;
    try {
      r = await unixctlTransact(this.socket, `dpctl/${cmd}`, params, this.timeoutMs);
    } catch (e) {
      if (e instanceof UnixctlClientError) {
        if (e.code === 'ETIMEDOUT') throw new CliError('timeout expired');
        throw new CliError(`cannot connect to "${this.socket}" (${errnoText(e.code, e.message)})`);
      }
      throw e;
    }
    if (r.error !== null) return { ok: false, text: r.error };
    return { ok: true, text: r.result ?? '' };
  }
}

/** Prints a daemon error as "tsovs-dpctl: first line" plus any further lines. */
function printError(io: Output, text: string): void {
  const t = text.endsWith('\n') ? text.slice(0, -1) : text;
  const [first, ...rest] = t.split('\n');
  io.err(`${PROG}: ${first}\n${rest.map((l) => `${l}\n`).join('')}`);
}

function optionArgs(o: Options, cmd: string): string[] {
  const a: string[] = [];
  if (o.statistics && (cmd === 'show' || cmd.endsWith('-flow'))) a.push('-s');
  if (o.clear) a.push('--clear');
  if (o.mayCreate) a.push('--may-create');
  for (let i = 0; i < o.verbosity; i++) a.push('-m');
  if (o.names === true) a.push('--names');
  if (o.names === false) a.push('--no-names');
  return a;
}

/** OVS dpctl_parse_flow_line: optional add/delete/modify word, then the flow, then actions. */
function parseFlowLine(defCmd: string, line: string): { cmd: string; flow: string | null; actions: string | null } {
  let s = line.replace(/^[ \t\r\n]+/, '');
  let cmd = defCmd;
  const word = /^[^, \t\r\n]*/.exec(s)![0];
  const hit = word === '' ? undefined : ([['add', 'add'], ['delete', 'del'], ['modify', 'mod']] as const).find(([w]) => w.startsWith(word));
  if (hit) {
    cmd = hit[1];
    s = s.slice(word.length);
  }
  s = s.replace(/^[ \t\r\n]+/, '');
  const flow = /^[^ \t\r\n]*/.exec(s)![0];
  if (flow === '') return { cmd, flow: null, actions: null };
  const rest = s.slice(flow.length).replace(/^[ \t\r\n]+/, '');
  return { cmd, flow, actions: rest === '' ? null : rest };
}

async function processFlows(io: Output, d: Daemon, o: Options, defCmd: string, args: string[], stdin: () => Promise<string>): Promise<number> {
  const file = args[args.length - 1]!;
  const dp = args.length > 1 ? [args[0]!] : [];
  let text: string;
  try {
    text = file === '-' ? await stdin() : await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(`Opening file "${file}" failed (${errnoText((e as NodeJS.ErrnoException).code, 'error')})`);
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const hash = raw.indexOf('#');
    const l = hash >= 0 ? raw.slice(0, hash) : raw;
    if (!/[^ \t\n]/.test(l)) continue;
    const { cmd, flow, actions } = parseFlowLine(defCmd, l);
    if ((flow === null && actions === null) || ((cmd === 'add' || cmd === 'mod') && actions === null) || (cmd === 'del' && actions !== null)) {
      io.err(`${PROG}: Failed parsing line number ${i + 1}, skipped!\n`);
      continue;
    }
    const r = await d.call(`${cmd}-flow`, [...optionArgs(o, `${cmd}-flow`), ...dp, flow!, ...(actions !== null ? [actions] : [])]);
    if (!r.ok) printError(io, r.text);
    else io.out(r.text);
  }
  return 0;
}

export interface DpctlRunOptions {
  stdin?: () => Promise<string>;
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function dpctlMain(argv: string[], io: Output = processOutput, run: DpctlRunOptions = {}): Promise<number> {
  return runTool(
    PROG,
    async () => {
      const parsed = parseArgs(argv, io);
      if (parsed === null) return 0;
      const { o, args } = parsed;
      const { verb, rest } = findVerb(VERBS, args, o.readOnly);
      const name = verb.name;
      if (name === 'help') {
        io.out(USAGE);
        return 0;
      }
      if (name === 'list-commands') {
        io.out(verbList(VERBS));
        return 0;
      }
      if (UNSUPPORTED.has(name)) throw new CliError(`'${name}' is not supported: tsovs-vswitchd creates datapaths and ports from its bridges (use tsovs-vsctl)`);
      const d = new Daemon(targetSocket(undefined, o.rundir, 1), o.timeout * 1000);
      const stdin = run.stdin ?? readAllStdin;
      if (name === 'add-flows' || name === 'mod-flows') return processFlows(io, d, o, name === 'add-flows' ? 'add' : 'mod', rest, stdin);
      if (name === 'del-flows' && rest.length > 0) {
        const dps = (await d.call('dump-dps', [])).text.split('\n').filter((x) => x);
        const isDp = (a: string): boolean => dps.some((x) => x === a || x.slice(x.indexOf('@') + 1) === a);
        if (rest.length > 1 || !isDp(rest[0]!)) return processFlows(io, d, o, 'del', rest, stdin);
      }
      const r = await d.call(name, [...optionArgs(o, name), ...rest]);
      if (!r.ok) {
        printError(io, r.text);
        return 1;
      }
      io.out(r.text);
      return 0;
    },
    io,
  );
}
