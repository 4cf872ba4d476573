/*
 * tsovs-appctl: sends one command to a running daemon's control socket and prints the reply
 * (OVS ovs-appctl). Options (commander, getopt rules: ./ovs-command.ts) come before the
 * command; everything from the command on is sent verbatim. `-t TARGET` names the daemon
 * (pidfile in the run directory) or a socket path. A server error is printed, followed by "TARGET: server returned an error", exit 2;
 * a daemon that cannot be reached or drops the connection is one line, exit 1; -T running
 * out ends the process with SIGALRM, as OVS's alarm does (see EXIT_ALARM).
 */
import { unixctlTransact, UnixctlClientError } from '../vswitchd/unixctl.js';
import { errnoText } from '../vswitchd/rundir.js';
import { programVersion } from '../vswitchd/version.js';
import { CliError, parseSeconds, runTool, targetSocket, processOutput, type Output } from './cli-util.js';
import { addHelpOption, addOptionListOption, ovsCommand, parseCommandLine } from './ovs-command.js';

const PROG = 'tsovs-appctl';

/**
 * What appctlMain returns when -T ran out: the shell's status for a death by SIGALRM, which
 * is how ovs-appctl ends then. The tsovs-appctl binary turns it into that signal.
 */
export const EXIT_ALARM = 128 + 14;

/** Failures after the connection was made (OVS: "TARGET: transaction error (...)"). */
const TRANSACTION_ERRORS = new Set(['EOF', 'EPIPE', 'ECONNRESET', 'EPROTO']);

const USAGE = `${PROG}, for querying and controlling tsovs daemons
usage: ${PROG} [TARGET] COMMAND [ARG...]
Targets:
  -t, --target=TARGET  pidfile or socket to contact (default tsovs-vswitchd)
Common commands:
  list-commands      List commands supported by the target
  version            Print version of the target
  vlog/list          List current logging levels
  vlog/set [SPEC]    Set log levels as detailed in SPEC, which may include:
      A valid module name (all modules, by default)
      'syslog', 'console', 'file' (all destinations, by default))
      'off', 'emer', 'err', 'warn', 'info', or 'dbg' ('dbg', bydefault)
  vlog/reopen        Make the program reopen its log file
Other options:
  --rundir=DIR       run directory (default $TSOVS_RUNDIR, $XDG_RUNTIME_DIR/tsovs, ~/.local/state/tsovs/run)
  -T, --timeout=SECS wait at most SECS seconds for a response
  -h, --help         Print this helpful information
  -V, --version      Display ovs-appctl version information
`;

interface Args {
  target?: string;
  rundir?: string;
  timeout: number;
  command: string[];
}

/**
 * The options of ovs-appctl 3.1 in its order (what -o lists), then --rundir; options end at
 * the command, and the command's words go to the daemon as they are. The logging options are
 * accepted and ignored, -e as OVS does (an old spelling). Null when only help, the version or
 * the option list was asked for.
 */
function parseArgs(argv: string[], io: Output): Args | null {
  let executes = 0;
  const cmd = ovsCommand(PROG, io).option('-t, --target <target>', 'pidfile or socket to contact', (v: string, previous?: string) => {
    if (previous !== undefined) throw new CliError('-t or --target may be specified only once');
    return v;
  });
  cmd.option('-e, --execute', 'ignored').on('option:execute', () => {
    // OVS's message, spelling included.
    if (executes++) throw new CliError('-e or --execute may be speciifed only once');
  });
  addHelpOption(cmd, io, () => USAGE);
  addOptionListOption(cmd, io);
  cmd
    .version(programVersion(PROG), '-V, --version', 'display version information')
    .option('-T, --timeout <secs>', 'wait at most SECS seconds for a response', (v) => parseSeconds('-T or --timeout', v), 0);
  for (const f of ['-v, --verbose [spec]', '--log-file [file]', '--syslog-method <method>', '--syslog-target <target>']) {
    cmd.option(f, 'logging option, ignored');
  }
  cmd.option('--rundir <dir>', 'run directory');
  const command = parseCommandLine(cmd, argv, { optionsFirst: true });
  if (command === null) return null;
  if (!command.length) throw new CliError('at least one non-option argument is required (use --help for help)');
  const p = cmd.opts<{ target?: string; timeout: number; rundir?: string }>();
  return { command, timeout: p.timeout, ...(p.target !== undefined ? { target: p.target } : {}), ...(p.rundir !== undefined ? { rundir: p.rundir } : {}) };
}

export async function appctlMain(argv: string[], io: Output = processOutput): Promise<number> {
  return runTool(
    PROG,
    async () => {
      const parsed = parseArgs(argv, io);
      if (parsed === null) return 0;
      const target = parsed.target ?? 'tsovs-vswitchd';
      const sock = targetSocket(parsed.target, parsed.rundir, 1);
      const [method, ...params] = parsed.command;
      let reply;
      try {
        reply = await unixctlTransact(sock, method, params, parsed.timeout * 1000);
      } catch (e) {
        if (e instanceof UnixctlClientError) {
          if (e.code === 'ETIMEDOUT') throw new CliError('timeout expired', EXIT_ALARM);
          if (TRANSACTION_ERRORS.has(e.code)) throw new CliError(`${target}: transaction error (${errnoText(e.code, e.message)})`, 1);
          throw new CliError(`cannot connect to "${sock}" (${errnoText(e.code, e.message)})`, 1);
        }
        throw e;
      }
      if (reply.error !== null) {
        io.err(reply.error.endsWith('\n') || reply.error === '' ? reply.error : `${reply.error}\n`);
        throw new CliError(`${target}: server returned an error`, 2);
      }
      const text = reply.result ?? '';
      io.out(text === '' || text.endsWith('\n') ? text : `${text}\n`);
      return 0;
    },
    io,
  );
}
