/*
 * A tsovs bridge for OpenFlow connection tests: bridge br0 on a dummy datapath with dummy
 * ports p1..pN (OpenFlow port i, MAC aa:55:aa:55:00:0i), its ConnMgr listening on
 * punix:<tmp>/br0.mgmt and ptcp:0 on 127.0.0.1, upcalls handled as they arrive; plus
 * helpers to run the real ovs-ofctl against it (asynchronously: the switch runs in this
 * process) and to build frames.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DummyNetdev } from '../../src/netdev/dummy.js';
import type { Bridge } from '../../src/ofproto/bridge.js';
import { Ofproto } from '../../src/ofproto/ofproto.js';
import { BridgeSwitch } from '../../src/openflow/bridge-switch.js';
import { ConnMgr, managementController, type ControllerSettings } from '../../src/openflow/connmgr.js';
import type { ConnLog } from '../../src/openflow/conn/vconn.js';
import type { Clock } from '../../src/util/clock.js';

export interface Fixture {
  ofproto: Ofproto;
  br: Bridge;
  sw: BridgeSwitch;
  mgr: ConnMgr;
  dev: Record<string, DummyNetdev>;
  dir: string;
  /** unix:<dir>/br0.mgmt, the target ovs-ofctl uses. */
  mgmt: string;
  /** The ptcp listener's port on 127.0.0.1. */
  tcpPort: number;
  logs: string[];
  close(): Promise<void>;
}

export interface FixtureOptions {
  ports?: number;
  failMode?: 'standalone' | 'secure';
  /** Controllers besides the management socket and ptcp:0. */
  controllers?: ControllerSettings[];
  allowedVersions?: number;
  /** Settings for the ptcp:0 listener (type etc.). */
  tcp?: Partial<ControllerSettings>;
  /** The connection manager's clock, and whether it runs its periodic work on a timer. */
  clock?: Clock;
  timers?: boolean;
}

export function mac(i: number): number {
  return 0xaa55aa550000 + i;
}

export async function startSwitch(o: FixtureOptions = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'h14of.'));
  const ofproto = new Ofproto({ autoHandle: true });
  const br = ofproto.addBridge('br0', { datapathType: 'dummy', failMode: o.failMode ?? 'secure', datapathId: 0xaa55aa550000n });
  const dev: Record<string, DummyNetdev> = {};
  for (let i = 1; i <= (o.ports ?? 3); i++) {
    const d = new DummyNetdev(`p${i}`, 'dummy', { mac: mac(i) });
    dev[`p${i}`] = d;
    br.addPort({ name: `p${i}`, netdev: d, ofportRequest: i });
  }
  const logs: string[] = [];
  const log: ConnLog = {
    info: (m) => logs.push(`INFO ${m}`),
    warn: (m) => logs.push(`WARN ${m}`),
    err: (m) => logs.push(`ERR ${m}`),
    dbg: () => undefined,
  };
  const sw = new BridgeSwitch(br);
  const mgr = new ConnMgr(sw, {
    log,
    ...(o.allowedVersions ? { allowedVersions: o.allowedVersions } : {}),
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.timers !== undefined ? { timers: o.timers } : {}),
  });
  const tcpTarget = 'ptcp:0:127.0.0.1';
  await mgr.setControllers([managementController(dir, 'br0'), { target: tcpTarget, ...o.tcp }, ...(o.controllers ?? [])]);
  const tcpPort = mgr.listenerPort(tcpTarget) ?? 0;
  return {
    ofproto,
    br,
    sw,
    mgr,
    dev,
    dir,
    mgmt: `unix:${join(dir, 'br0.mgmt')}`,
    tcpPort,
    logs,
    close: async () => {
      await mgr.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs ovs-ofctl without blocking the event loop (the switch answers from this process). */
export function ofctl(args: readonly string[], timeoutMs = 10000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile('ovs-ofctl', ['-t', String(Math.ceil(timeoutMs / 1000)), ...args], { encoding: 'utf8', timeout: timeoutMs + 2000 }, (e, stdout, stderr) => {
      const code = e === null ? 0 : typeof (e as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((e as unknown as { code: number }).code) : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** ovs-ofctl that must succeed; returns stdout. */
export async function ofctlOk(args: readonly string[], timeoutMs = 10000): Promise<string> {
  const r = await ofctl(args, timeoutMs);
  if (r.code !== 0) throw new Error(`ovs-ofctl ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/**
 * Replaces durations and ages (which vary) so dump output can be compared. hard_age goes
 * entirely (as OVS's ofctl_strip does): it is printed only when it differs from the duration
 * in whole seconds, which depends on where second boundaries fell between add, modify and dump.
 */
export function normalizeDump(s: string): string {
  return s
    .replace(/duration=[0-9.]+s/g, 'duration=?')
    .replace(/idle_age=[0-9]+/g, 'idle_age=?')
    .replace(/ hard_age=[0-9]+,/g, '')
    .replace(/\(xid=0x[0-9a-f]+\)/g, '(xid=?)');
}

function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v & 0xff;
}

function putMac(b: Uint8Array, o: number, m: number): void {
  for (let i = 5; i >= 0; i--) {
    b[o + i] = m % 256;
    m = Math.floor(m / 256);
  }
}

/** An Ethernet frame: dst, src, ethertype, then `payloadLen` bytes of pattern (min 60 bytes total). */
export function frame(dst: number, src: number, ethType = 0x0800, payloadLen = 46): Uint8Array {
  const b = new Uint8Array(Math.max(60, 14 + payloadLen));
  putMac(b, 0, dst);
  putMac(b, 6, src);
  put16(b, 12, ethType);
  for (let i = 14; i < b.length; i++) b[i] = i & 0xff;
  return b;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` every 10 ms until it holds or `ms` pass (generous: only a failure waits that long). */
export async function waitFor(cond: () => boolean, ms = 10000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
