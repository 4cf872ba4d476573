/*
 * Small helpers shared by the command-line tools: one-line fatal errors in OVS's shape
 * (`tsovs-vsctl: no bridge named br9`, non-zero exit, never a stack trace), and finding the
 * daemon's control socket from a target (pidfile in the run directory, or a socket path).
 */
import { defaultRundir, resolveTarget, PidfileError, DAEMON_NAME } from '../vswitchd/rundir.js';

/** An error the tool reports as `PROGRAM: message` and exits with `status`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

export interface Output {
  out(s: string): void;
  err(s: string): void;
}

export const processOutput: Output = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

/** Runs a tool's body, turning CliError (and anything unexpected) into one stderr line. */
export async function runTool(prog: string, body: () => Promise<number>, io: Output = processOutput): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof CliError) {
      if (e.message) io.err(`${prog}: ${e.message}\n`);
      return e.status;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`${prog}: ${msg.split('\n')[0]}\n`);
    return 1;
  }
}

/**
 * The socket path for `target` (default tsovs-vswitchd): an absolute path is used as is,
 * a name is resolved through `<rundir>/<name>.pid`. Throws CliError(status) on failure.
 */
export function targetSocket(target: string | undefined, rundir: string | undefined, status: number): string {
  try {
    return resolveTarget(target ?? DAEMON_NAME, defaultRundir(rundir));
  } catch (e) {
    if (e instanceof PidfileError) throw new CliError(e.message, status);
    throw e;
  }
}

/**
 * Parses a timeout option value in seconds as OVS's tools do (str_to_uint, base 10): leading
 * white space and a sign are allowed, the value must be 1 to UINT_MAX.
 */
export function parseSeconds(name: string, value: string | undefined): number {
  const m = value === undefined ? null : /^[\t\n\v\f\r ]*([+-]?\d+)$/.exec(value);
  const n = m === null ? NaN : Number(m[1]);
  if (!(n >= 1 && n <= 0xffffffff)) throw new CliError(`value ${value ?? ''} on ${name} is invalid`);
  return n;
}
