/*
 * Test helper: runs the real tsovs-vswitchd (dist/src/cli/tsovs-vswitchd.js) as a child
 * process in a temporary run directory, waits until its control socket answers, and stops
 * it again (SIGTERM, then SIGKILL). Every spawned daemon is tracked so a test file can kill
 * whatever is left in an `after` hook.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unixctlTransact } from '../../src/vswitchd/unixctl.js';

export const BIN = (name: string): string => fileURLToPath(new URL(`../../src/cli/${name}.js`, import.meta.url));

const live = new Set<ChildProcess>();

export interface RunningDaemon {
  proc: ChildProcess;
  rundir: string;
  socket: string;
  stderr: () => string;
  stop(): Promise<number | null>;
}

export function tmpRundir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-cli-'));
}

async function waitFor<T>(what: string, fn: () => Promise<T | null> | T | null, ms = 20000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface SpawnOptions {
  /** Run with --enable-dummy=override (every port a dummy; default true). */
  dummy?: boolean;
  /** Run inside this network namespace (`ip netns exec` keeps the pid, so the socket name holds). */
  netns?: string;
}

export async function spawnDaemon(rundir: string, args: string[] = [], o: SpawnOptions = {}): Promise<RunningDaemon> {
  const argv = [BIN('tsovs-vswitchd'), `--rundir=${rundir}`, ...(o.dummy === false ? [] : ['--enable-dummy=override']), ...args];
  const proc =
    o.netns === undefined
      ? spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn('ip', ['netns', 'exec', o.netns, process.execPath, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(proc);
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => {
    live.delete(proc);
    r(code);
  }));
  const socket = path.join(rundir, `tsovs-vswitchd.${proc.pid}.ctl`);
  await waitFor('daemon socket', async () => {
    if (proc.exitCode !== null) throw new Error(`daemon exited: ${err}`);
    try {
      return (await unixctlTransact(socket, 'version', [], 1000)).result;
    } catch {
      return null;
    }
  });
  return {
    proc,
    rundir,
    socket,
    stderr: () => err,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10000); // a clean exit can take seconds on a loaded machine
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** Kills every daemon a test left running. */
export function killAll(): void {
  for (const p of live) p.kill('SIGKILL');
  live.clear();
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool binary (tsovs-vsctl, tsovs-appctl, tsovs-vswitchd) to completion. */
export function runBin(name: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN(name), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export { waitFor };
