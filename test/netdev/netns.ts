/*
 * Network namespace sandbox for port tests: namespaces and veth pairs with names unique to
 * this process, created through `ip` and always removed again (cleanup() in an after hook;
 * deleting a namespace deletes its interfaces too). Tests that need root, `ip` or the
 * native addon report what is missing (the tests fail with it: .ci/run installs them).
 */
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { nativeAvailable } from '../../src/netdev/native.js';

let serial = 0;

/** Why namespace tests cannot run here, or null when they can. */
export function netnsSkipReason(): string | null {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, AF_PACKET)';
  if (spawnSync('ip', ['-V']).status !== 0) return 'needs iproute2 (ip)';
  if (!nativeAvailable()) return 'native addon not built (npx node-gyp rebuild)';
  return null;
}

export function commandExists(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/**
 * Throws unless namespaces can be made here and each of `tools` (Debian package of the same
 * name) is installed: .ci/run installs them, so a missing piece is a failure, not a skip.
 */
export function requireNetns(...tools: string[]): void {
  const problem = netnsSkipReason() ?? tools.map((t) => (commandExists(t) ? null : `needs ${t} (apt-get install ${t})`)).find((x) => x !== null) ?? null;
  if (problem !== null) throw new Error(`cannot run: ${problem}`);
}

/** Runs a command, returning stdout; throws with stderr on failure. */
export function run(cmd: string, args: readonly string[], timeoutMs = 20000): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${err.stderr || err.message}${err.stdout ? `\n${err.stdout}` : ''}`);
  }
}

export class Sandbox {
  /** Short unique tag for names (interface names are limited to 15 characters). */
  readonly tag: string;
  private readonly namespaces: string[] = [];

  constructor() {
    this.tag = `${(process.pid % 100000).toString(36)}${(serial++).toString(36)}`;
    // A test process killed by a signal (test timeout, ^C) still removes its namespaces.
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      process.once(sig, () => {
        this.cleanup();
        process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15));
      });
    }
    process.once('exit', () => this.cleanup());
  }

  /** A namespace named tsovs-t<tag>-<suffix>, with lo up and IPv6 off (no ND noise). */
  netns(suffix: string): string {
    const ns = `tsovs-t${this.tag}-${suffix}`;
    run('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    this.exec(ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1');
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    return ns;
  }

  /** Interface name unique to this sandbox: t<tag><suffix>, at most 15 characters. */
  ifname(suffix: string): string {
    const n = `t${this.tag}${suffix}`;
    if (n.length > 15) throw new Error(`interface name ${n} too long`);
    return n;
  }

  /** A veth pair with one end in each namespace, both up; `addrB` optional CIDR on the B end. */
  veth(nameA: string, nsA: string, nameB: string, nsB: string, addrB?: string): void {
    run('ip', ['link', 'add', nameA, 'netns', nsA, 'type', 'veth', 'peer', 'name', nameB, 'netns', nsB]);
    if (addrB !== undefined) run('ip', ['-n', nsB, 'addr', 'add', addrB, 'dev', nameB]);
    run('ip', ['-n', nsA, 'link', 'set', nameA, 'up']);
    run('ip', ['-n', nsB, 'link', 'set', nameB, 'up']);
  }

  /** Turns off checksum/segmentation offload on a host-side veth end (as OVS's userspace datapath needs). */
  noOffload(ns: string, ifname: string): void {
    run('ip', ['netns', 'exec', ns, 'ethtool', '-K', ifname, 'tx', 'off']);
  }

  exec(ns: string, cmd: string, ...args: string[]): string {
    return run('ip', ['netns', 'exec', ns, cmd, ...args]);
  }

  /**
   * `ping -c count` from a namespace, run asynchronously (an in-process switch needs the
   * event loop meanwhile). Resolves with ping's output; `ok` when every reply came back.
   */
  ping(ns: string, addr: string, count = 3, waitS = 2): Promise<{ ok: boolean; received: number; output: string }> {
    const args = ['netns', 'exec', ns, 'ping', '-c', String(count), '-i', '0.2', '-W', String(waitS), addr];
    return new Promise((resolve) => {
      execFile('ip', args, { encoding: 'utf8', timeout: (count * 0.2 + waitS + 5) * 1000 }, (_err, stdout, stderr) => {
        const m = / (\d+) received/.exec(stdout);
        const received = m === null ? 0 : Number(m[1]);
        resolve({ ok: received === count, received, output: stdout + stderr });
      });
    });
  }

  /** Runs a command in a namespace asynchronously; resolves with stdout (rejects on failure). */
  execAsync(ns: string, cmd: string, args: readonly string[], timeoutMs = 20000): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('ip', ['netns', 'exec', ns, cmd, ...args], { encoding: 'utf8', timeout: timeoutMs }, (err, stdout, stderr) => {
        if (err !== null) reject(new Error(`${cmd} in ${ns}: ${stderr || err.message}`));
        else resolve(stdout);
      });
    });
  }

  /** Removes every namespace this sandbox made (never throws). */
  cleanup(): void {
    for (const ns of this.namespaces.splice(0).reverse()) {
      spawnSync('ip', ['netns', 'del', ns]);
    }
  }
}

/**
 * Sends `bytes` random bytes over TCP from a client in `nsClient` to a server in
 * `nsServer` (both small node processes). Resolves with what the client sent and what
 * the server says it received, each as "<length> <sha256>".
 */
export async function tcpTransfer(
  nsServer: string,
  nsClient: string,
  addr: string,
  port: number,
  bytes: number,
): Promise<{ sent: string; got: string }> {
  const server =
    `const net=require('net'),c=require('crypto');` +
    `const s=net.createServer(k=>{const h=c.createHash('sha256');let n=0;` +
    `k.on('data',d=>{h.update(d);n+=d.length});k.on('end',()=>{k.end(n+' '+h.digest('hex'));s.close()})});` +
    `s.listen(${port},'${addr}',()=>console.log('ready'));setTimeout(()=>process.exit(2),30000).unref();`;
  const client =
    `const net=require('net'),c=require('crypto');const buf=c.randomBytes(${bytes});` +
    `const h=c.createHash('sha256').update(buf).digest('hex');` +
    `const k=net.connect(${port},'${addr}',()=>k.end(buf));let r='';k.on('data',d=>r+=d);` +
    `k.on('end',()=>console.log(JSON.stringify({sent:${bytes}+' '+h,got:r})));` +
    `k.on('error',e=>{console.error(e.message);process.exit(1)});setTimeout(()=>process.exit(3),30000).unref();`;
  const srv = spawn('ip', ['netns', 'exec', nsServer, process.execPath, '-e', server], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      srv.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) resolve();
      });
      srv.on('exit', (code) => reject(new Error(`tcp server exited (${code})`)));
    });
    const line = await new Promise<string>((resolve, reject) => {
      execFile('ip', ['netns', 'exec', nsClient, process.execPath, '-e', client], { encoding: 'utf8', timeout: 40000 }, (err, stdout, stderr) => {
        if (err !== null) reject(new Error(`tcp client: ${stderr || err.message}`));
        else resolve(stdout.trim());
      });
    });
    return JSON.parse(line) as { sent: string; got: string };
  } finally {
    srv.kill();
  }
}
