/*
 * tsovs-vsctl: OVS ovs-vsctl for tsovs. Parses global options and `--`-separated commands,
 * reads the configuration from the daemon (config/get), runs every command against a working
 * copy, and commits the difference as one transaction (config/transact, all or nothing)
 * guarded by the generation it read; on a conflict it re-reads and runs the commands again.
 * Output is printed only after a successful commit.
 */
import { unixctlTransact, UnixctlClientError } from '../../vswitchd/unixctl.js';
import { checkIntegrity, diffDocs, normalizeDoc, type ConfigDoc, type ConfigOp } from '../../vswitchd/config-doc.js';
import { defaultRundir, errnoText, pidfilePath, readPidfile, socketPath, PidfileError } from '../../vswitchd/rundir.js';
import { programVersion } from '../../vswitchd/version.js';
import { CliError, parseSeconds, processOutput, runTool, type Output } from '../cli-util.js';
import { VsctlContext, VsctlError } from './context.js';
import { COMMANDS, type CommandSyntax } from './commands.js';
import { DEFAULT_STYLE, formatTable, type TableStyle } from './table-format.js';

const PROG = 'tsovs-vsctl';
/** OVS exits with EX_DATAERR when the daemon could not set up a new interface. */
const EX_DATAERR = 65;

interface GlobalOptions {
  db?: string;
  rundir?: string;
  timeout: number;
  dryRun: boolean;
  oneline: boolean;
  noWait: boolean;
  style: TableStyle;
}

export interface ParsedCommand {
  syntax: CommandSyntax;
  options: Map<string, string | null>;
  argv: string[];
}

const GLOBAL_WITH_VALUE = new Set(['--db', '--rundir', '--timeout', '--format', '--data']);
const GLOBAL_FLAGS = new Set([
  '--dry-run', '--oneline', '--no-wait', '--retry', '--no-syslog', '--no-headings', '--bare', '--pretty',
  '--help', '--version', '--commands', '--options',
]);
/** Options any command may take; given before the first command they apply to it (as OVS). */
const COMMAND_OPTIONS = new Set(
  COMMANDS.flatMap((c) => c.options.split(',').filter((o) => o).map((o) => o.replace(/[=?]$/, ''))),
);

function usage(): string {
  const lines = [
    `${PROG}: tsovs-vswitchd management utility`,
    `usage: ${PROG} [OPTIONS] COMMAND [ARG...]`,
    '',
    'Commands (separate several with --; they run as one transaction):',
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.usage}`.padEnd(44)}${c.help}`),
    '',
    'Options:',
    '  --db=unix:SOCKET            daemon control socket (default: found through the pidfile)',
    '  --rundir=DIR                run directory (default $TSOVS_RUNDIR, $XDG_RUNTIME_DIR/tsovs, ~/.local/state/tsovs/run)',
    '  -t, --timeout=SECS          wait at most SECS seconds',
    '  --dry-run                   do not commit changes',
    '  --oneline                   print exactly one line of output per command',
    '  -f, --format=list|table     list/find output format;  -d, --data=string|bare',
    '  --no-headings, --bare       omit headings; --bare = --format=list --data=bare --no-headings',
    '  -h, --help, -V, --version',
  ];
  return `${lines.join('\n')}\n`;
}

function takeValue(argv: string[], i: number, name: string): { value: string; next: number } {
  const a = argv[i];
  if (a.includes('=')) return { value: a.slice(a.indexOf('=') + 1), next: i + 1 };
  if (i + 1 >= argv.length) throw new CliError(`option '${name}' requires an argument`);
  return { value: argv[i + 1], next: i + 2 };
}

/** Global options up to the first non-option (getopt "+"), then commands split on `--`. */
export function parseCommandLine(argv: string[], io: Output): { global: GlobalOptions; commands: ParsedCommand[] } | number {
  const g: GlobalOptions = { timeout: 0, dryRun: false, oneline: false, noWait: false, style: { ...DEFAULT_STYLE } };
  const local = new Map<string, string | null>();
  let i = 0;
  while (i < argv.length) {
    let a = argv[i];
    if (a === '--' || !a.startsWith('-') || a === '-') break;
    if (a === '-h') a = '--help';
    if (a === '-V') a = '--version';
    if (/^-t/.test(a) && !a.startsWith('--')) a = a.length > 2 ? `--timeout=${a.slice(2)}` : '--timeout';
    if (/^-f/.test(a) && !a.startsWith('--')) a = a.length > 2 ? `--format=${a.slice(2)}` : '--format';
    if (/^-d/.test(a) && !a.startsWith('--')) a = a.length > 2 ? `--data=${a.slice(2)}` : '--data';
    if (/^-v/.test(a) && !a.startsWith('--')) {
      i++;
      continue;
    }
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (name === '--verbose') {
      i++;
      continue;
    }
    if (GLOBAL_WITH_VALUE.has(name)) {
      const v = takeValue(argv.map((x, j) => (j === i ? a : x)), i, name);
      i = v.next;
      switch (name) {
        case '--db':
          g.db = v.value;
          break;
        case '--rundir':
          g.rundir = v.value;
          break;
        case '--timeout':
          g.timeout = parseSeconds('-t or --timeout', v.value);
          break;
        case '--format':
          if (v.value !== 'list' && v.value !== 'table') throw new CliError(`${v.value}: unknown or unsupported output format`);
          g.style.format = v.value;
          break;
        default:
          if (v.value !== 'string' && v.value !== 'bare') throw new CliError(`${v.value}: unknown or unsupported cell format`);
          g.style.data = v.value;
      }
      continue;
    }
    if (GLOBAL_FLAGS.has(a)) {
      i++;
      switch (a) {
        case '--help':
          io.out(usage());
          return 0;
        case '--version':
          io.out(`${programVersion(PROG)}\n`);
          return 0;
        case '--commands':
          io.out(COMMANDS.map((c) => `${c.name},${c.options},${c.usage}\n`).join(''));
          return 0;
        case '--options':
          io.out([...GLOBAL_WITH_VALUE].map((o) => `${o}=ARG\n`).join('') + [...GLOBAL_FLAGS].map((o) => `${o}\n`).join(''));
          return 0;
        case '--dry-run':
          g.dryRun = true;
          break;
        case '--oneline':
          g.oneline = true;
          break;
        case '--no-wait':
          g.noWait = true;
          break;
        case '--no-headings':
          g.style.headings = false;
          break;
        case '--bare':
          g.style = { format: 'list', data: 'bare', headings: false };
          break;
      }
      continue;
    }
    if (COMMAND_OPTIONS.has(name)) {
      if (local.has(name)) throw new CliError(`'${name}' option specified multiple times`);
      local.set(name, a.includes('=') ? a.slice(a.indexOf('=') + 1) : null);
      i++;
      continue;
    }
    throw new CliError(`unrecognized option '${a}' (use --help for help)`);
  }
  const commands: ParsedCommand[] = [];
  let start = i;
  for (let j = i; j <= argv.length; j++) {
    if (j < argv.length && argv[j] !== '--') continue;
    if (j > start) {
      commands.push(parseCommand(argv.slice(start, j), commands.length === 0 ? local : new Map()));
    } else if (commands.length === 0 && local.size) {
      throw new CliError('missing command name (use --help for help)');
    }
    start = j + 1;
  }
  if (!commands.length) throw new CliError('missing command name (use --help for help)');
  return { global: g, commands };
}

/** One command with its leading options (OVS parse_command). */
function parseCommand(args: string[], inherited: Map<string, string | null>): ParsedCommand {
  const options = new Map(inherited);
  let i = 0;
  for (; i < args.length && args[i].startsWith('-'); i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const key = eq >= 0 ? a.slice(0, eq) : a;
    if (options.has(key)) throw new CliError(`'${a}' option specified multiple times`);
    options.set(key, eq >= 0 ? a.slice(eq + 1) : null);
  }
  if (i === args.length) throw new CliError('missing command name (use --help for help)');
  const name = args[i];
  const syntax = COMMANDS.find((c) => c.name === name);
  if (!syntax) throw new CliError(`unknown command '${name}'; use --help for help`);
  const allowed = syntax.options.split(',').filter((o) => o);
  for (const [key, value] of options) {
    const spec = allowed.find((o) => o.replace(/[=?]$/, '') === key);
    if (!spec) throw new CliError(`'${name}' command has no '${key}' option`);
    const wantsValue = spec.endsWith('=');
    if (!spec.endsWith('?') && wantsValue !== (value !== null)) {
      throw new CliError(
        wantsValue
          ? `missing argument to '${key}' option on '${name}' command`
          : `'${key}' option on '${name}' does not accept an argument`,
      );
    }
  }
  const nArgs = args.length - i - 1;
  if (nArgs < syntax.min) throw new CliError(`'${name}' command requires at least ${syntax.min} arguments`);
  if (nArgs > syntax.max) {
    const note = args.slice(i + 1).some((a) => a.startsWith('-'))
      ? ' (note that options must precede command names and follow a "--" argument)'
      : '';
    throw new CliError(`'${name}' command takes at most ${syntax.max} arguments${note}`);
  }
  return { syntax, options, argv: args.slice(i) };
}

/** The daemon's socket, and the name used in "database connection failed" messages. */
function locateDaemon(g: GlobalOptions): { socket: string; db: string } {
  if (g.db) {
    const socket = g.db.startsWith('unix:') ? g.db.slice(5) : g.db;
    return { socket, db: g.db };
  }
  const rundir = defaultRundir(g.rundir);
  const pidfile = pidfilePath(rundir);
  try {
    return { socket: socketPath(rundir, readPidfile(pidfile)), db: `unix:${pidfile}` };
  } catch (e) {
    if (e instanceof PidfileError) throw new CliError(`unix:${pidfile}: database connection failed (${errnoText(e.code)})`);
    throw e;
  }
}

class Connection {
  constructor(
    private readonly socket: string,
    private readonly db: string,
    private readonly deadline: number,
  ) {}

  async call(method: string, params: string[]): Promise<{ result: string | null; error: string | null }> {
    const left = this.deadline ? this.deadline - Date.now() : 0;
    if (this.deadline && left <= 0) throw new CliError('timeout expired');
    try {
      return await unixctlTransact(this.socket, method, params, this.deadline ? left : 0);
    } catch (e) {
      if (e instanceof UnixctlClientError) {
        if (e.code === 'ETIMEDOUT') throw new CliError('timeout expired');
        throw new CliError(`${this.db}: database connection failed (${errnoText(e.code, e.message)})`);
      }
      throw e;
    }
  }

  async getDoc(): Promise<ConfigDoc> {
    const r = await this.call('config/get', []);
    if (r.error !== null) throw new CliError(`${this.db}: ${r.error}`);
    return normalizeDoc(JSON.parse(r.result ?? '{}') as ConfigDoc);
  }
}

interface RunResult {
  ctx: VsctlContext;
  outputs: Array<{ text: string; table: VsctlContext['table'] }>;
  ops: ConfigOp[];
}

/** Runs all commands against a copy of `doc`. */
export function runCommands(doc: ConfigDoc, commands: ParsedCommand[]): RunResult {
  const ctx = new VsctlContext(structuredClone(doc));
  const outputs: RunResult['outputs'] = [];
  for (const c of commands) {
    ctx.options = c.options;
    ctx.argv = c.argv;
    ctx.output = '';
    ctx.table = null;
    c.syntax.run(ctx);
    outputs.push({ text: ctx.output, table: ctx.table });
  }
  for (const [name, s] of ctx.symbols) {
    if (!s.created) {
      throw new VsctlError(`row id "${name}" is referenced but never created (e.g. with "-- --id=${name} create ...")`);
    }
  }
  normalizeDoc(ctx.doc);
  ctx.collectGarbage();
  const err = checkIntegrity(ctx.doc);
  if (err) throw new VsctlError(`transaction error: ${err}`);
  return { ctx, outputs, ops: diffDocs(doc, ctx.doc) };
}

function printOutputs(outputs: RunResult['outputs'], g: GlobalOptions, io: Output): void {
  let first = true;
  for (const o of outputs) {
    if (o.table) {
      io.out(formatTable(o.table, g.style, first));
      first = false;
    } else if (g.oneline) {
      io.out(`${o.text.replace(/\n$/, '').replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`);
    } else {
      io.out(o.text);
    }
  }
}

/** After the daemon applied new interfaces: report those it could not set up (OVS post-db checks). */
async function checkNewInterfaces(conn: Connection, uuids: string[], io: Output): Promise<boolean> {
  if (!uuids.length) return false;
  const doc = await conn.getDoc();
  let failed = false;
  for (const u of uuids) {
    const row = doc.tables.Interface[u];
    if (!row) continue;
    const error = row.error as string[];
    const ofport = row.ofport as number[];
    if (error.length && error[0] && (!ofport.length || ofport[0] === -1)) {
      io.err(`${PROG}: Error detected while setting up '${String(row.name)}': ${error[0]}.  See tsovs-vswitchd log for details.\n`);
      failed = true;
    }
  }
  return failed;
}

export async function vsctlMain(argv: string[], io: Output = processOutput): Promise<number> {
  return runTool(
    PROG,
    async () => {
      const parsed = parseCommandLine(argv, io);
      if (typeof parsed === 'number') return parsed;
      const { global: g, commands } = parsed;
      const deadline = g.timeout ? Date.now() + g.timeout * 1000 : 0;
      const body = async (): Promise<number> => {
        const { socket, db } = locateDaemon(g);
        const conn = new Connection(socket, db, deadline);
        for (;;) {
          const doc = await conn.getDoc();
          const run = runCommands(doc, commands);
          if (run.ops.length && !g.dryRun) {
            const r = await conn.call('config/transact', [JSON.stringify([{ op: 'check', generation: doc.generation }, ...run.ops])]);
            if (r.error !== null) {
              if (r.error.startsWith('conflict')) continue;
              throw new CliError(`transaction error: ${r.error}`);
            }
          }
          printOutputs(run.outputs, g, io);
          const fresh = run.ctx.newIfaces.filter((u) => run.ctx.doc.tables.Interface[u]);
          if (!g.dryRun && !g.noWait && (await checkNewInterfaces(conn, fresh, io))) return EX_DATAERR;
          return 0;
        }
      };
      if (!deadline) return body();
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CliError('timeout expired')), g.timeout * 1000);
      });
      try {
        return await Promise.race([body(), expired]);
      } finally {
        clearTimeout(timer);
      }
    },
    io,
  );
}
