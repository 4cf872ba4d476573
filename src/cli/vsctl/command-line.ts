/*
 * tsovs-vsctl's command line, as ovs-vsctl reads it: global options (commander with getopt's
 * rules, src/cli/ovs-command.ts) up to the first command word, then commands separated by
 * `--`, each with its own leading options. A command's option given before the first command
 * is declared to getopt like a global one (prefixes, values as the next word) and belongs to
 * that command; options after a `--` are taken literally (OVS parse_command).
 */
import type { Command } from 'commander';
import { programVersion } from '../../vswitchd/version.js';
import { CliError, parseSeconds, type Output } from '../cli-util.js';
import { addHelpOption, addPrintOption, optionalValue, optionList, ovsCommand, parseCommandLine } from '../ovs-command.js';
import { COMMANDS, type CommandSyntax } from './commands.js';
import { DEFAULT_STYLE, type TableStyle } from './table-format.js';

export const PROG = 'tsovs-vsctl';

export interface GlobalOptions {
  /** --db as given ("" included); the pidfile in the run directory when absent. */
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

/**
 * Every command option of ovs-vsctl 3.1 ("=": takes a value), in the order ovs-vsctl adds
 * them to getopt's table, so ambiguous prefixes list them as it does. Options of commands
 * tsovs lacks are accepted here and refused by the command, as OVS refuses a misplaced one.
 */
const OVS_COMMAND_OPTIONS = [
  '--may-exist', '--if-exists', '--id=', '--inactivity-probe=', '--real', '--fake', '--with-iface', '--columns=',
  '--bootstrap', '--all', '--fake-iface',
];

/** The command options getopt knows: OVS's, then any tsovs command adds. */
function commandOptions(): string[] {
  const ours = COMMANDS.flatMap((c) => c.options.split(',').filter((o) => o));
  const names = OVS_COMMAND_OPTIONS.map((o) => o.replace(/[=?]$/, ''));
  return [...OVS_COMMAND_OPTIONS, ...ours.filter((o) => !names.includes(o.replace(/[=?]$/, '')))];
}

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
    '  --no-wait                   do not check the interfaces the daemon set up',
    '  --oneline                   print exactly one line of output per command',
    '  -f, --format=list|table     list/find output format;  -d, --data=string|bare',
    '  --no-headings, --bare       omit headings; --bare = --format=list --data=bare --no-headings',
    '  --commands, --options       list the commands or the global options',
    '  -h, --help, -V, --version',
  ];
  return `${lines.join('\n')}\n`;
}

/** OVS ctl_print_commands: "[--OPTION] ... ,NAME,ARGS", ARGS marked ! required, ? optional, + and * repeated. */
function commandList(): string {
  return COMMANDS.map((c) => {
    const options = c.options.split(',').filter((o) => o).map((o) => `[${o}] `).join('');
    return `${options},${c.name},${c.usage.split(' ').filter((w) => w).map(argumentSyntax).join(' ')}\n`;
  }).join('');
}

function argumentSyntax(word: string): string {
  const repeated = word.endsWith('...');
  let w = repeated ? word.slice(0, -3) : word;
  let depth = 0;
  let close = -1;
  for (let i = 0; i < w.length && close < 0; i++) {
    if (w[i] === '[') depth++;
    else if (w[i] === ']' && --depth === 0) close = i;
  }
  const whole = w.startsWith('[') && close === w.length - 1;
  if (whole) w = w.slice(1, -1);
  const mark = whole ? (repeated ? '*' : '?') : repeated ? '+' : '!';
  return `${mark}${w.replace(/\[/g, '?').replace(/\]/g, '')}`;
}

function tableFormat(v: string): TableStyle['format'] {
  if (v === 'list' || v === 'table') return v;
  if (v === 'html' || v === 'csv' || v === 'json') throw new CliError(`output format "${v}" is not supported by ${PROG}`);
  throw new CliError(`unknown output format "${v}"`);
}

function cellFormat(v: string): TableStyle['data'] {
  if (v === 'string' || v === 'bare') return v;
  if (v === 'json') throw new CliError(`data format "${v}" is not supported by ${PROG}`);
  throw new CliError(`unknown data format "${v}"`);
}

/**
 * The options of ovs-vsctl 3.1 in its order (what --options lists), --rundir, then the
 * command options. Logging, SSL, clustering, --retry, --pretty (JSON only) and
 * --max-column-width are accepted and ignored. Table options apply in command-line order.
 */
function program(io: Output, g: GlobalOptions, local: Map<string, string | null>): Command {
  const locals = new Set(commandOptions().map((o) => o.replace(/[=?]$/, '')));
  const cmd = ovsCommand(PROG, io)
    .option('--db <db>', 'connect to DATABASE')
    .option('--no-syslog', 'ignored')
    .option('--no-wait', 'do not check the interfaces the daemon set up')
    .option('--dry-run', 'do not commit changes')
    .option('--oneline', 'one line of output per command')
    .option('-t, --timeout <secs>', 'wait at most SECS seconds', (v) => parseSeconds('-t or --timeout', v), 0)
    .option('--retry', 'ignored');
  addHelpOption(cmd, io, usage);
  addPrintOption(cmd, io, '--commands', 'list the commands', commandList);
  addPrintOption(cmd, io, '--options', 'list the global options', () => optionList(cmd.options.filter((o) => !locals.has(o.long!)), 'ctl'));
  for (const f of ['--leader-only', '--no-leader-only', '--shuffle-remotes', '--no-shuffle-remotes']) cmd.option(f, 'ignored');
  cmd.version(programVersion(PROG), '-V, --version', 'display version information');
  for (const f of ['-v, --verbose [spec]', '--log-file [file]', '--syslog-method <method>', '--syslog-target <target>']) {
    cmd.option(f, 'logging option, ignored');
  }
  const style = (f: string, set: (v: string) => void): void => {
    cmd.option(f, 'table option', (v: string) => {
      set(v);
      return v;
    });
  };
  style('-f, --format <format>', (v) => (g.style.format = tableFormat(v)));
  style('-d, --data <format>', (v) => (g.style.data = cellFormat(v)));
  cmd.option('--no-headings', 'omit table headings').on('option:no-headings', () => (g.style.headings = false));
  cmd.option('--pretty', 'ignored (JSON output only)');
  cmd.option('--bare', 'bare list output').on('option:bare', () => (g.style = { format: 'list', data: 'bare', headings: false }));
  cmd.option('--max-column-width <n>', 'ignored');
  for (const f of ['-p, --private-key <file>', '-c, --certificate <file>', '-C, --ca-cert <file>', '--ssl-protocols <protocols>', '--ssl-ciphers <ciphers>']) {
    cmd.option(f, 'SSL option, ignored');
  }
  cmd.option('--bootstrap-ca-cert <file>', 'SSL option, ignored').option('--peer-ca-cert <file>', 'SSL option, ignored');
  cmd.option('--rundir <dir>', 'run directory');
  for (const spec of commandOptions()) {
    const name = spec.replace(/[=?]$/, '');
    if (spec.endsWith('=') || spec.endsWith('?')) {
      cmd.option(`${name} ${spec.endsWith('=') ? '<value>' : '[value]'}`, 'command option', (v: string) => {
        local.set(name, optionalValue(v));
        return v;
      });
    } else {
      cmd.option(name, 'command option').on(`option:${name.slice(2)}`, () => local.set(name, null));
    }
  }
  return cmd;
}

/** Global options, then the commands; null when only help, the version or a list was asked for. */
export function parseVsctlCommandLine(argv: string[], io: Output): { global: GlobalOptions; commands: ParsedCommand[] } | null {
  const g: GlobalOptions = { timeout: 0, dryRun: false, oneline: false, noWait: false, style: { ...DEFAULT_STYLE } };
  // Command options given before the first command; repeating one there is not an error (as OVS).
  const local = new Map<string, string | null>();
  const cmd = program(io, g, local);
  const rest = parseCommandLine(cmd, argv, { optionsFirst: true });
  if (rest === null) return null;
  const p = cmd.opts<{ db?: string; rundir?: string; timeout: number; dryRun?: boolean; oneline?: boolean; wait: boolean }>();
  Object.assign(g, { timeout: p.timeout, dryRun: p.dryRun === true, oneline: p.oneline === true, noWait: !p.wait });
  if (p.db !== undefined) g.db = p.db;
  if (p.rundir !== undefined) g.rundir = p.rundir;
  return { global: g, commands: parseCommands(rest, local) };
}

/** The `--`-separated commands (OVS ctl_parse_commands); `local` goes to the first. */
function parseCommands(argv: string[], local: Map<string, string | null>): ParsedCommand[] {
  const commands: ParsedCommand[] = [];
  let start = 0;
  for (let j = 0; j <= argv.length; j++) {
    if (j < argv.length && argv[j] !== '--') continue;
    if (j > start) {
      commands.push(parseCommand(argv.slice(start, j), commands.length === 0 ? local : new Map()));
    } else if (commands.length === 0 && local.size) {
      throw new CliError('missing command name (use --help for help)');
    }
    start = j + 1;
  }
  if (!commands.length) throw new CliError('missing command name (use --help for help)');
  return commands;
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
