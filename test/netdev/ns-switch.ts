/*
 * A tsovs Datapath in a child process, so it can run inside a network namespace
 * (`ip netns exec NS node ns-switch.js --ns-switch '<json>'`); tunnel tests start one per
 * namespace. Ports are opened by type with openNetdev, pairs are cross-connected by the
 * tiny slow path. It prints `ready`, then answers `stats` on stdin with one JSON line
 * (per-port counters, link state, and the tunnel part of every upcall's flow key in
 * datapath text form) and exits on `quit` or when stdin closes.
 * Without the --ns-switch argument (e.g. run by `node --test`) it does nothing.
 */
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface NsSwitchPort {
  type: string;
  name: string;
  no: number;
  options?: Record<string, string>;
}

export interface NsSwitchConfig {
  ports: NsSwitchPort[];
  pairs: Array<[number, number]>;
  /** For a remote_ip=flow port: set(tunnel(tun_id, dst, ttl)) before output to it (dst IPv4 or IPv6). */
  setTunnel?: { port: number; tunId: number; dst: string; ttl?: number };
}

export interface NsSwitchStats {
  ports: Record<string, { up: boolean; rx: number; tx: number; txDropped: number; rxErrors: number }>;
  /** The tunnel() part of the flow key of each upcall from a tunnel port. */
  tunnelKeys: string[];
}

/** The compiled path of this module (for spawning). */
export const NS_SWITCH_JS = fileURLToPath(import.meta.url);

async function main(cfg: NsSwitchConfig): Promise<void> {
  const [{ Datapath }, { openNetdev }, { crossConnect }, layout, { formatDpKey, tunnelPresent }, actions, addr] = await Promise.all([
    import('../../src/datapath/datapath.js'),
    import('../../src/netdev/netdev.js'),
    import('./slow-path.js'),
    import('../../src/flow/layout.js'),
    import('../../src/flow/odp-key-format.js'),
    import('../../src/datapath/actions.js'),
    import('../../src/packet/addr.js'),
    import('../../src/netdev/providers.js'),
  ]);
  const { hasStats } = await import('../../src/netdev/link-state.js');
  const dp = new Datapath('ns-switch', 'netdev');
  const devs: import('../../src/netdev/netdev.js').Netdev[] = [];
  for (const p of cfg.ports) {
    const d = openNetdev(p.type, p.name, p.options ?? {});
    devs.push(d);
    dp.portAdd(d, p.no);
    const ready = (d as { ready?: Promise<void> }).ready;
    if (ready !== undefined) await ready;
  }
  const before = new Map<number, import('../../src/datapath/actions.js').DpAction[]>();
  if (cfg.setTunnel !== undefined) {
    const k = new Uint32Array(layout.FLOW_WORDS);
    const m = new Uint32Array(layout.FLOW_WORDS);
    k[layout.W_TUN_ID + 1] = cfg.setTunnel.tunId;
    if (cfg.setTunnel.dst.includes(':')) addr.parseIpv6(cfg.setTunnel.dst, k, layout.W_TUN_IPV6_DST);
    else k[layout.W_TUN_DST] = addr.parseIpv4(cfg.setTunnel.dst)!;
    k[layout.W_TUN_MISC] = ((cfg.setTunnel.ttl ?? 64) << 16) | layout.TUN_FLAG_KEY;
    for (let w = layout.W_TUN_ID; w < layout.W_TUN_GBP; w++) m[w] = 0xffffffff;
    m[layout.W_TUN_GBP] = 0xffffff00; // gbp id and flags
    before.set(cfg.setTunnel.port, [{ type: actions.DpActionType.SET, attr: actions.SetAttr.TUNNEL, key: k, mask: m }]);
  }
  const tunnelKeys: string[] = [];
  const tmask = new Uint32Array(layout.FLOW_WORDS);
  for (let w = layout.W_TUN_ID; w <= layout.W_TUN_GBP; w++) tmask[w] = 0xffffffff;
  const sp = crossConnect(dp, cfg.pairs, {
    before,
    onUpcall: (u) => {
      if (tunnelPresent(u.key)) tunnelKeys.push(formatDpKey(u.key, tmask).replace(/^skb_priority\(0\),/, ''));
    },
  });
  process.stdout.write('ready\n');
  const rl = createInterface({ input: process.stdin });
  const quit = (): void => {
    sp.stop();
    for (const d of devs) d.close();
    process.exit(0);
  };
  rl.on('line', (line) => {
    if (line === 'stats') {
      const out: NsSwitchStats = { ports: {}, tunnelKeys };
      for (const d of devs) {
        const s = hasStats(d) ? d.getStats() : null;
        out.ports[d.name] = {
          up: d.isUp(),
          rx: s?.rxPackets ?? 0,
          tx: s?.txPackets ?? 0,
          txDropped: s?.txDropped ?? 0,
          rxErrors: s?.rxErrors ?? 0,
        };
      }
      process.stdout.write(JSON.stringify(out) + '\n');
    } else if (line === 'quit') quit();
  });
  rl.on('close', quit);
}

if (process.argv[2] === '--ns-switch') {
  main(JSON.parse(process.argv[3] ?? '{}') as NsSwitchConfig).catch((e: Error) => {
    process.stdout.write(`error ${e.message}\n`);
    process.exit(1);
  });
}

/** A running ns-switch child process. */
export class NsSwitchProc {
  private lines: string[] = [];
  private waiters: Array<(line: string) => void> = [];
  private stderr = '';

  private constructor(readonly child: import('node:child_process').ChildProcessWithoutNullStreams) {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const l of parts) {
        const w = this.waiters.shift();
        if (w !== undefined) w(l);
        else this.lines.push(l);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
  }

  /** Starts a switch in namespace `ns` and waits for `ready`. */
  static async start(ns: string, cfg: NsSwitchConfig): Promise<NsSwitchProc> {
    const { spawn } = await import('node:child_process');
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, NS_SWITCH_JS, '--ns-switch', JSON.stringify(cfg)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const p = new NsSwitchProc(child);
    const first = await p.next(10000);
    if (first !== 'ready') {
      await p.stop();
      throw new Error(`ns-switch in ${ns}: ${first} ${p.stderr}`);
    }
    return p;
  }

  private next(timeoutMs: number): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(`timeout (${this.stderr.trim()})`), timeoutMs);
      this.waiters.push((line) => {
        clearTimeout(t);
        resolve(line);
      });
    });
  }

  async stats(): Promise<NsSwitchStats> {
    this.child.stdin.write('stats\n');
    const l = await this.next(5000);
    if (!l.startsWith('{')) throw new Error(`ns-switch: ${l}`);
    return JSON.parse(l) as NsSwitchStats;
  }

  /** Stops the switch; resolves once the process has exited (so its sockets are closed). */
  stop(): Promise<void> {
    const c = this.child;
    if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.stdin.end();
    c.kill();
    return exited;
  }
}
