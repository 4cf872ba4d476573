/*
 * tsovs-appctl: sends one command to a running daemon's control socket and prints the reply
 * (OVS ovs-appctl). `-t TARGET` names the daemon (pidfile in the run directory) or a socket
 * path. A server error is printed, followed by "TARGET: server returned an error", exit 2;
 * a daemon that cannot be reached or drops the connection is one line, exit 1; -T running
 * out ends the process with SIGALRM, as OVS's alarm does (see EXIT_ALARM).
 */
import { unixctlTransact, UnixctlClientError } from '../vswitchd/unixctl.js';
import { errnoText } from '../vswitchd/rundir.js';
import { programVersion } from '../vswitchd/version.js';
import { CliError, parseSeconds, runTool, targetSocket, processOutput, type Output } from './cli-util.js';

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

function optionValue(argv: string[], i: number, a: string, long: string, short: string | null): { value: string; next: number } | null {
  if (a === long || (short && a === short)) {
    if (i + 1 >= argv.length) throw new CliError(`option '${a}' requires an argument`);
    return { value: argv[i + 1], next: i + 2 };
  }
  if (a.startsWith(`${long}=`)) return { value: a.slice(long.length + 1), next: i + 1 };
  if (short && a.startsWith(short) && a.length > short.length) return { value: a.slice(short.length), next: i + 1 };
  return null;
}

function parseArgs(argv: string[], io: Output): Args | number {
  const args: Args = { timeout: 0, command: [] };
  let i = 0;
  while (i < argv.length) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '-h' || a === '--help') {
      io.out(USAGE);
      return 0;
    }
    if (a === '-V' || a === '--version') {
      io.out(`${programVersion(PROG)}\n`);
      return 0;
    }
    if (a === '-e' || a === '--execute') {
      i++;
      continue;
    }
    let v = optionValue(argv, i, a, '--target', '-t');
    if (v) {
      if (args.target !== undefined) throw new CliError('-t or --target may be specified only once');
      args.target = v.value;
      i = v.next;
      continue;
    }
    v = optionValue(argv, i, a, '--timeout', '-T');
    if (v) {
      args.timeout = parseSeconds('-T or --timeout', v.value);
      i = v.next;
      continue;
    }
    v = optionValue(argv, i, a, '--rundir', null);
    if (v) {
      args.rundir = v.value;
      i = v.next;
      continue;
    }
    throw new CliError(`unrecognized option '${a}' (use --help for help)`);
  }
  args.command = argv.slice(i);
  if (!args.command.length) throw new CliError('at least one non-option argument is required (use --help for help)');
  return args;
}

export async function appctlMain(argv: string[], io: Output = processOutput): Promise<number> {
  return runTool(
    PROG,
    async () => {
      const parsed = parseArgs(argv, io);
      if (typeof parsed === 'number') return parsed;
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
