/*
 * Runs the reference Open vSwitch (Debian's ovs-vswitchd, userspace dummy datapath) in a
 * private sandbox for differential tests: bridge br0 with dummy ports p1..pN (OpenFlow
 * port i = datapath port i, LOCAL = datapath port 100), flows and groups loaded with
 * ovs-ofctl, port VLAN settings with ovs-vsctl, and ofproto/trace per packet. Uses
 * /work/shared/reference-ovs/ovs-sandbox.sh when OVS is installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SANDBOX = '/work/shared/reference-ovs/ovs-sandbox.sh';

export function ovsAvailable(): boolean {
  if (!existsSync(SANDBOX)) return false;
  const r = spawnSync('bash', ['-c', 'PATH=$PATH:/usr/sbin:/sbin command -v ovs-vswitchd && command -v ovsdb-server && command -v ovs-ofctl'], {
    encoding: 'utf8',
  });
  return r.status === 0;
}

export interface PortConfig {
  /** Port table settings, e.g. ["tag=10", "vlan_mode=access"]. */
  readonly port?: readonly string[];
  /** ovs-ofctl mod-port words, e.g. ["no-flood"]. */
  readonly modPort?: readonly string[];
}

export interface TraceResult {
  readonly flow: string;
  readonly finalFlow: string;
  readonly megaflow: string;
  readonly actions: string;
  readonly raw: string;
}

export class OvsSandbox {
  private readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;
  private started = false;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'tsovs-o.'));
    this.env = { ...process.env, PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin` };
    for (const k of ['OVS_RUNDIR', 'OVS_LOGDIR', 'OVS_DBDIR', 'OVS_SYSCONFDIR']) this.env[k] = this.dir;
  }

  private run(cmd: string, args: readonly string[], input?: string): { status: number; out: string } {
    const r = spawnSync(cmd, args, { env: this.env, encoding: 'utf8', input, timeout: 30_000 });
    return { status: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? '') };
  }

  private must(cmd: string, args: readonly string[]): string {
    const r = this.run(cmd, args);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.out}`);
    return r.out;
  }

  /** Starts OVS with br0 (secure fail mode, OpenFlow 1.0-1.5) and ports p1..pN. */
  start(nPorts: number, ports: Record<number, PortConfig> = {}): void {
    this.must('bash', [SANDBOX, 'start', this.dir]);
    this.started = true;
    const v = [
      'add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath_type=dummy', 'fail-mode=secure',
      'other-config:hwaddr=aa:55:aa:55:00:00', 'protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15',
    ];
    for (let i = 1; i <= nPorts; i++) {
      v.push('--', 'add-port', 'br0', `p${i}`, ...(ports[i]?.port ?? []), '--', 'set', 'interface', `p${i}`, 'type=dummy', `ofport_request=${i}`);
    }
    this.must('ovs-vsctl', v);
    for (const [i, c] of Object.entries(ports)) for (const w of c.modPort ?? []) this.must('ovs-ofctl', ['mod-port', 'br0', `p${i}`, w]);
  }

  addFlows(flows: string, of13: boolean): void {
    const f = join(this.dir, 'flows.txt');
    writeFileSync(f, flows);
    this.must('ovs-ofctl', [...(of13 ? ['-O', 'OpenFlow13'] : []), 'add-flows', 'br0', f]);
  }

  addGroups(groups: string): void {
    const f = join(this.dir, 'groups.txt');
    writeFileSync(f, groups);
    this.must('ovs-ofctl', ['-O', 'OpenFlow13', 'add-groups', 'br0', f]);
  }

  appctl(args: readonly string[]): string {
    return this.must('ovs-appctl', args);
  }

  trace(packet: string, generate: boolean): TraceResult {
    const out = this.must('ovs-appctl', ['ofproto/trace', ...(generate ? ['--generate'] : []), 'br0', packet]);
    const line = (p: string): string => {
      const l = out.split('\n').find((x) => x.startsWith(p));
      return l === undefined ? '' : l.slice(p.length);
    };
    const flow = line('Flow: ');
    const ff = line('Final flow: ');
    return { flow, finalFlow: ff === 'unchanged' ? flow : ff, megaflow: line('Megaflow: '), actions: line('Datapath actions: '), raw: out };
  }

  stop(): void {
    if (this.started) this.run('bash', [SANDBOX, 'stop', this.dir]);
    this.started = false;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Top-level comma-separated items of an action string (parentheses nest). */
export function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur !== '') out.push(cur);
  return out;
}

/**
 * Datapath actions in a comparable form that does not depend on flood order: each output
 * (or userspace / other emitting action) becomes "<what>@<packet state>", where the state
 * is the VLAN and MPLS stacks and set fields accumulated before it; the list is sorted.
 * Recirculation ids in controller userdata are blanked. `initialVlans` are the packet's
 * own tags in push_vlan's text form (outermost first).
 */
export function normalizeDpActions(s: string, initialVlans: readonly string[] = []): string {
  const items = splitTop(s.replace(/recirc_id=\d+/g, 'recirc_id=*'));
  const vlans: string[] = [...initialVlans];
  let popped = 0;
  const mpls: string[] = [];
  const sets = new Map<string, string>();
  const emitted: string[] = [];
  const state = (): string =>
    `vlan[${'-'.repeat(popped)}${vlans.join('|')}]mpls[${mpls.join('|')}]` +
    [...sets.entries()].sort().map(([k, v]) => `${k}=${v}`).join(';');
  for (const it of items) {
    let m: RegExpExecArray | null;
    if ((m = /^push_vlan\((.*)\)$/.exec(it))) vlans.unshift(m[1]!);
    else if (it === 'pop_vlan') {
      if (vlans.length) vlans.shift();
      else popped++;
    } else if ((m = /^push_mpls\((.*)\)$/.exec(it))) mpls.unshift(m[1]!);
    else if (/^pop_mpls\(/.test(it)) mpls.shift();
    else if ((m = /^set\((\w+)\((.*)\)\)$/.exec(it))) {
      for (const kv of splitTop(m[2]!)) {
        const eq = kv.indexOf('=');
        sets.set(`${m[1]}.${kv.slice(0, eq)}`, kv.slice(eq + 1));
      }
    } else if (it === 'drop') continue;
    else emitted.push(`${it}@${state()}`);
  }
  return emitted.length ? emitted.sort().join('\n') : 'drop';
}

/** The VLAN tags of a flow in push_vlan's text form, outermost first. */
export function flowVlans(flow: Uint32Array, wVlan0: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < 2; i++) {
    const q = flow[wVlan0 + i]!;
    if (!(q & 0x1000)) break;
    const tpid = q >>> 16;
    out.push(`${tpid === 0x8100 ? '' : `tpid=0x${tpid.toString(16)},`}vid=${q & 0xfff},pcp=${(q >>> 13) & 7}`);
  }
  return out;
}
