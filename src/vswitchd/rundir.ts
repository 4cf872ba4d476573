/*
 * Where the daemon's run-time files live and how tools find the daemon (as OVS's rundir):
 * the run directory ($TSOVS_RUNDIR, else $XDG_RUNTIME_DIR/tsovs, else ~/.local/state/tsovs/run),
 * the pidfile `tsovs-vswitchd.pid` and the control socket `tsovs-vswitchd.<pid>.ctl`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DAEMON_NAME = 'tsovs-vswitchd';

/** The run directory: `override` (--rundir) first, then the environment, then the home fallback. */
export function defaultRundir(override?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (override) return path.resolve(override);
  if (env.TSOVS_RUNDIR) return path.resolve(env.TSOVS_RUNDIR);
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'tsovs');
  return path.join(os.homedir(), '.local', 'state', 'tsovs', 'run');
}

export function pidfilePath(rundir: string, name = DAEMON_NAME): string {
  return path.join(rundir, `${name}.pid`);
}

export function socketPath(rundir: string, pid: number, name = DAEMON_NAME): string {
  return path.join(rundir, `${name}.${pid}.ctl`);
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** strerror-style text for the errno names the tools report. */
export function errnoText(code: string | undefined, fallback = 'error'): string {
  const text: Record<string, string> = {
    ENOENT: 'No such file or directory',
    ECONNREFUSED: 'Connection refused',
    EACCES: 'Permission denied',
    ESRCH: 'No such process',
    ETIMEDOUT: 'Connection timed out',
    EPIPE: 'Broken pipe',
    ENOTSOCK: 'Socket operation on non-socket',
    EINVAL: 'Invalid argument',
    EPROTO: 'Protocol error',
    EADDRINUSE: 'Address already in use',
    ECONNRESET: 'Connection reset by peer',
    // Not an errno: a stream that ended (OVS's ovs_strerror(EOF)).
    EOF: 'End of file',
  };
  return (code && text[code]) || fallback;
}

/** A pidfile that could not be read, with the errno name (ENOENT, ESRCH for a dead process, ...). */
export class PidfileError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
  ) {
    super(`cannot read pidfile "${file}" (${errnoText(code)})`);
  }
}

/** Reads a pidfile and checks that the process is alive (OVS read_pidfile). */
export function readPidfile(file: string): number {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new PidfileError(file, (e as NodeJS.ErrnoException).code ?? 'EIO');
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!(pid > 0)) throw new PidfileError(file, 'EINVAL');
  if (!isPidAlive(pid)) throw new PidfileError(file, 'ESRCH');
  return pid;
}

/**
 * Resolves an appctl-style target: an absolute path is a socket; a name is looked up through
 * `<rundir>/<name>.pid`. Throws PidfileError.
 */
export function resolveTarget(target: string, rundir: string): string {
  if (target.startsWith('/')) return target;
  const pid = readPidfile(pidfilePath(rundir, target));
  return socketPath(rundir, pid, target);
}

/**
 * Writes our pid to `file` unless a live process already owns it (OVS: "already running as
 * pid N, aborting"). Returns an error message, or null.
 */
export function writePidfile(file: string): string | null {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const pid = Number.parseInt(text.trim(), 10);
    if (pid > 0 && pid !== process.pid && isPidAlive(pid)) return `${file}: already running as pid ${pid}, aborting`;
  } catch {
    // no pidfile, or unreadable: (re)create it
  }
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp${process.pid}`;
    fs.writeFileSync(tmp, `${process.pid}\n`, { mode: 0o644 });
    fs.renameSync(tmp, file);
    return null;
  } catch (e) {
    return `${file}: cannot write pidfile (${errnoText((e as NodeJS.ErrnoException).code, (e as Error).message)})`;
  }
}

/** Removes `file` if it still holds our pid. */
export function removePidfile(file: string): void {
  try {
    if (Number.parseInt(fs.readFileSync(file, 'utf8'), 10) === process.pid) fs.unlinkSync(file);
  } catch {
    // already gone
  }
}
