/*
 * Shared pieces of the namespace tunnel tests (IPv4 and IPv6 underlays): a kernel feature
 * probe, the two-port tunnel switch configuration, the set of switch processes a test
 * suite started, and a tshark capture in a namespace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { NsSwitchProc, type NsSwitchConfig } from './ns-switch.js';

/** Whether this kernel can make a device of `kind` (probed in a throwaway namespace). */
export function kernelHas(kind: string, args: string[]): boolean {
  const ns = `tsovs-probe-${process.pid}-${kind}`;
  if (spawnSync('ip', ['netns', 'add', ns]).status !== 0) return false;
  try {
    return spawnSync('ip', ['-n', ns, 'link', 'add', 'probe0', 'type', kind, ...args]).status === 0;
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

/** A datapath crossing system port `sys` (port 1) with a `type` tunnel port (port 2). */
export function tunnelSwitch(sys: string, type: string, options: Record<string, string>): NsSwitchConfig {
  return {
    ports: [
      { type: 'system', name: sys, no: 1 },
      { type, name: `${type}0`, no: 2, options },
    ],
    pairs: [[1, 2]],
  };
}

/** The switch processes a suite started, stopped together. */
export class SwitchProcs {
  private readonly procs: NsSwitchProc[] = [];

  async start(ns: string, cfg: NsSwitchConfig): Promise<NsSwitchProc> {
    const p = await NsSwitchProc.start(ns, cfg);
    this.procs.push(p);
    return p;
  }

  /** Stops them all; resolves once they have exited (their UDP ports are free again). */
  async stopAll(): Promise<void> {
    await Promise.all(this.procs.splice(0).map((p) => p.stop()));
  }
}

/** A running tshark capture: `done` resolves when it exits (after `count` packets, or stop()). */
export interface Capture {
  readonly done: Promise<void>;
  stop(): void;
}

/**
 * Starts tshark on `ifname` in namespace `ns`, writing `count` packets that match `filter` to
 * `file`, and resolves once it captures. tshark can take seconds to start on a loaded machine;
 * one that never starts is an error, not a capture that silently misses the packets.
 */
export function capture(ns: string, ifname: string, filter: string, count: number, file: string, startMs = 30000): Promise<Capture> {
  const cap = spawn('ip', ['netns', 'exec', ns, 'tshark', '-i', ifname, '-f', filter, '-c', String(count), '-w', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const done = new Promise<void>((resolve) => cap.on('exit', () => resolve()));
  return new Promise<Capture>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => {
      cap.kill('SIGKILL');
      reject(new Error(`tshark did not start capturing on ${ns}/${ifname} within ${startMs} ms: ${err}`));
    }, startMs);
    cap.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tshark exited (${code}) before capturing on ${ns}/${ifname}: ${err}`));
    });
    cap.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (!err.includes('Capturing on')) return;
      clearTimeout(timer);
      resolve({ done, stop: () => cap.kill('SIGINT') });
    });
  });
}
