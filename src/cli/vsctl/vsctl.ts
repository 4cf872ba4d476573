/*
 * tsovs-vsctl: OVS ovs-vsctl for tsovs. Parses the command line (./command-line.ts),
 * reads the configuration from the daemon (config/get), runs every command against a working
 * copy, and commits the difference as one transaction (config/transact, all or nothing)
 * guarded by the generation it read; on a conflict it re-reads and runs the commands again.
 * Output is printed only after a successful commit.
 */
import { unixctlTransact, UnixctlClientError } from '../../vswitchd/unixctl.js';
import { checkIntegrity, diffDocs, normalizeDoc, type ConfigDoc, type ConfigOp } from '../../vswitchd/config-doc.js';
import { defaultRundir, errnoText, pidfilePath, readPidfile, socketPath, PidfileError } from '../../vswitchd/rundir.js';
import { CliError, processOutput, runTool, type Output } from '../cli-util.js';
import { parseVsctlCommandLine, PROG, type GlobalOptions, type ParsedCommand } from './command-line.js';
import { VsctlContext, VsctlError } from './context.js';
import { formatTable } from './table-format.js';

/** OVS exits with EX_DATAERR when the daemon could not set up a new interface. */
const EX_DATAERR = 65;

/** The daemon's socket, and the name used in "database connection failed" messages. */
function locateDaemon(g: GlobalOptions): { socket: string; db: string } {
  if (g.db !== undefined) {
    // Only unix: reaches a tsovs daemon; OVS fails the others it does not know this way too.
    if (!g.db.startsWith('unix:')) throw new CliError(`${g.db}: database connection failed (${errnoText('EAFNOSUPPORT', 'Address family not supported by protocol')})`);
    // An empty path is no socket (Node would take it for a TCP port).
    if (g.db === 'unix:') throw new CliError(`${g.db}: database connection failed (${errnoText('ENOENT')})`);
    return { socket: g.db.slice(5), db: g.db };
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
async function checkNewInterfaces(conn: Connection, uuids: string[], logdir: string, io: Output): Promise<boolean> {
  if (!uuids.length) return false;
  const doc = await conn.getDoc();
  let failed = false;
  for (const u of uuids) {
    const row = doc.tables.Interface[u];
    if (!row) continue;
    const error = row.error as string[];
    const ofport = row.ofport as number[];
    if (ofport.length && ofport[0] !== -1) continue;
    const why = error.length && error[0] ? `: ${error[0]}` : '';
    io.err(`${PROG}: Error detected while setting up '${String(row.name)}'${why}.  See tsovs-vswitchd log for details.\n`);
    failed = true;
  }
  if (failed) io.err(`${PROG}: The default log directory is "${logdir}".\n`);
  return failed;
}

export async function vsctlMain(argv: string[], io: Output = processOutput): Promise<number> {
  return runTool(
    PROG,
    async () => {
      const parsed = parseVsctlCommandLine(argv, io);
      if (parsed === null) return 0;
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
          if (!g.dryRun && !g.noWait && (await checkNewInterfaces(conn, fresh, defaultRundir(g.rundir), io))) return EX_DATAERR;
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
