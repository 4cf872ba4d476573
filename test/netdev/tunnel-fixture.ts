/*
 * Shared pieces of the namespace tunnel tests (IPv4 and IPv6 underlays): a kernel feature
 * probe, the two-port tunnel switch configuration, and the set of switch processes a test
 * suite started.
 */
import { spawnSync } from 'node:child_process';
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
