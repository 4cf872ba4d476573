/*
 * Runs the reference Open vSwitch (Debian's ovs-vswitchd, userspace dummy datapath) in a
 * private sandbox for differential tests: bridge br0 with dummy ports p1..pN (OpenFlow
 * port i = datapath port i, LOCAL = datapath port 100), flows and groups loaded with
 * ovs-ofctl, port VLAN settings with ovs-vsctl, and ofproto/trace per packet, on the
 * project's own reference-OVS sandbox (test/support/reference-ovs.ts).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReferenceOvs } from '../support/reference-ovs.js';
import assert from 'node:assert/strict';
import {
  MAC_FIELDS,
  W_ETH_TYPE,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_NW,
  W_TP,
  W_VLAN0,
  getMacField,
  type MacBits,
} from '../../src/flow/layout.js';
import { formatMac } from '../../src/packet/addr.js';

/**
 * Throws unless the reference OVS binaries are on this machine: .ci/run installs
 * openvswitch-switch, so the oracle tests fail without it, they never skip.
 */
export function requireOvs(): void {
  const r = spawnSync('bash', ['-c', 'PATH=$PATH:/usr/sbin:/sbin command -v ovs-vswitchd && command -v ovsdb-server && command -v ovs-ofctl'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error('reference Open vSwitch (ovs-vswitchd, ovs-ofctl) is not installed');
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

export class OvsSandbox extends ReferenceOvs {
  constructor() {
    super('tsovs-o.');
  }

  private must(cmd: string, args: readonly string[]): string {
    return this.run(cmd, args);
  }

  /** Starts OVS with br0 (secure fail mode, OpenFlow 1.0-1.5) and ports p1..pN. */
  startBridge(nPorts: number, ports: Record<number, PortConfig> = {}): void {
    this.start();
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

  /**
   * Adds bridge br1 with dummy ports p<first>..p<first+n-1> (OpenFlow ports 1..n) and a
   * patch pair: pa (br0, OpenFlow port 10) <-> pb (br1, OpenFlow port 20).
   */
  addPatchedBridge(first: number, n: number): void {
    const v = ['add-br', 'br1', '--', 'set', 'bridge', 'br1', 'datapath_type=dummy', 'fail-mode=secure'];
    for (let i = 0; i < n; i++) {
      v.push('--', 'add-port', 'br1', `p${first + i}`, '--', 'set', 'interface', `p${first + i}`, 'type=dummy', `ofport_request=${i + 1}`);
    }
    v.push('--', 'add-port', 'br0', 'pa', '--', 'set', 'interface', 'pa', 'type=patch', 'options:peer=pb', 'ofport_request=10');
    v.push('--', 'add-port', 'br1', 'pb', '--', 'set', 'interface', 'pb', 'type=patch', 'options:peer=pa', 'ofport_request=20');
    this.must('ovs-vsctl', v);
  }

  /** OpenFlow 1.1 table-mod: what a table does on a miss. */
  modTable(table: number, miss: 'controller' | 'continue' | 'drop'): void {
    this.must('ovs-ofctl', ['-O', 'OpenFlow11', 'mod-table', 'br0', String(table), miss]);
  }

  addFlowsTo(bridge: string, flows: string): void {
    const f = join(this.dir, `flows-${bridge}.txt`);
    writeFileSync(f, flows);
    this.must('ovs-ofctl', ['add-flows', bridge, f]);
  }

  addFlows(flows: string, of13: boolean): void {
    const f = join(this.dir, 'flows.txt');
    writeFileSync(f, flows);
    this.must('ovs-ofctl', [...(of13 ? ['-O', 'OpenFlow13'] : []), 'add-flows', 'br0', f]);
  }

  addGroups(groups: string): void {
    const f = join(this.dir, 'groups.txt');
    writeFileSync(f, groups);
    this.must('ovs-ofctl', ['-O', 'OpenFlow15', 'add-groups', 'br0', f]);
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
export function normalizeDpActions(s: string, initialVlans: readonly string[] = [], initial: ReadonlyMap<string, string> = new Map()): string {
  const items = splitTop(s.replace(/recirc_id=\d+/g, 'recirc_id=*').replace(/recirc\(0x[0-9a-f]+\)/g, 'recirc(*)'));
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
        const k = `${m[1]}.${kv.slice(0, eq)}`;
        const v = kv.slice(eq + 1);
        // Setting a field back to the packet's own value is no change.
        if (initial.get(k) === v) sets.delete(k);
        else sets.set(k, v);
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

// --- megaflow variants ----------------------------------------------------------------


/** Deterministic PRNG (LCG). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

function setToken(tokens: string[], key: string, value: string): void {
  const i = tokens.findIndex((t) => t.startsWith(key + '='));
  if (i >= 0) tokens[i] = `${key}=${value}`;
  else tokens.push(`${key}=${value}`);
}

const ip4 = (a: number): string => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;

/**
 * A packet line that differs from `line` (whose flow is `flow`) only in bits `mask`
 * leaves wildcarded, or null if nothing variable is wildcarded.
 */
export function variant(line: string, flow: Uint32Array, mask: Uint32Array, r: () => number): string | null {
  const tokens = line.split(',');
  let changed = false;
  const mac = (key: string, mb: MacBits): void => {
    const m = getMacField(mask, mb);
    if (m === 0xffffffffffff) return;
    const orig = getMacField(flow, mb);
    let v = (r() % 0x10000) * 0x100000000 + r();
    v = v - (Math.floor(v / 0x10000000000) % 2) * 0x10000000000 + (Math.floor(orig / 0x10000000000) % 2) * 0x10000000000; // keep the group bit
    // Keep masked bits: combine 24-bit halves to stay within safe integers.
    const hiM = Math.floor(m / 0x1000000);
    const loM = m % 0x1000000;
    const hi = (Math.floor(orig / 0x1000000) & hiM) | (Math.floor(v / 0x1000000) & ~hiM & 0xffffff);
    const lo = (orig % 0x1000000 & loM) | (v % 0x1000000 & ~loM & 0xffffff);
    const nv = hi * 0x1000000 + lo;
    if (nv !== orig) {
      setToken(tokens, key, formatMac(nv));
      changed = true;
    }
  };
  const u32 = (key: string, w: number): void => {
    const m = mask[w]!;
    if (m === 0xffffffff) return;
    const nv = ((flow[w]! & m) | (r() & ~m)) >>> 0;
    if (nv !== flow[w]) {
      setToken(tokens, key, ip4(nv));
      changed = true;
    }
  };
  const port16 = (key: string, shift: number): void => {
    const m = (mask[W_TP]! >>> shift) & 0xffff;
    if (m === 0xffff) return;
    const o = (flow[W_TP]! >>> shift) & 0xffff;
    const nv = (o & m) | (r() & ~m & 0xffff);
    if (nv !== o) {
      setToken(tokens, key, String(nv));
      changed = true;
    }
  };
  mac('dl_src', MAC_FIELDS.eth_src);
  mac('dl_dst', MAC_FIELDS.eth_dst);
  const t = flow[W_ETH_TYPE]! & 0xffff;
  const proto = flow[W_NW]! >>> 24;
  if (t === 0x0800) {
    u32('nw_src', W_IPV4_SRC);
    u32('nw_dst', W_IPV4_DST);
    if (((mask[W_NW]! >>> 8) & 0xff) === 0) {
      setToken(tokens, 'nw_ttl', String(2 + (r() % 250)));
      changed = true;
    }
    if (((mask[W_NW]! >>> 16) & 0xfc) === 0) {
      setToken(tokens, 'nw_tos', String((r() % 64) * 4));
      changed = true;
    }
    let l4 = flow[W_NW]! & 2 ? null : proto === 17 ? 'udp' : proto === 6 ? 'tcp' : null;
    if (l4 && ((mask[W_NW]! >>> 24) & 0xff) === 0 && r() % 2) {
      // nw_proto is wildcarded: try the other transport protocol.
      const other = l4 === 'udp' ? 'tcp' : 'udp';
      for (let i = 0; i < tokens.length; i++) {
        if (tokens[i] === l4) tokens[i] = other;
        else if (tokens[i]!.startsWith(`${l4}_`)) tokens[i] = other + tokens[i]!.slice(3);
      }
      l4 = other;
      changed = true;
    }
    if (l4) {
      port16(`${l4}_src`, 16);
      port16(`${l4}_dst`, 0);
    }
  } else if (t === 0x0806) {
    u32('arp_spa', W_IPV4_SRC);
    u32('arp_tpa', W_IPV4_DST);
    mac('arp_sha', MAC_FIELDS.arp_sha);
  }
  return changed ? tokens.join(',') : null;
}


function normalizeSend(s: string, vl: readonly string[]): string {
  return normalizeDpActions(s, vl).replace(/dont_send=\d/g, 'dont_send=*');
}

/**
 * Checks a megaflow with OVS itself: up to two packets that differ from `line` only in
 * bits `mask` leaves wildcarded must get the same datapath actions from OVS.
 */
export function checkMegaflowWithOvs(
  ovs: OvsSandbox,
  line: string,
  flow: Uint32Array,
  mask: Uint32Array,
  orig: TraceResult,
  r: () => number,
  ctx: string,
): void {
  const vl = flowVlans(flow, W_VLAN0);
  for (let k = 0; k < 2; k++) {
    const v = variant(line, flow, mask, r);
    if (v === null) break;
    const ov = ovs.trace(v, true);
    assert.equal(
      normalizeSend(ov.actions, vl),
      normalizeSend(orig.actions, vl),
      `megaflow too wide: variant ${v} gets different actions from OVS\n${ctx}\n--- OVS on the variant:\n${ov.raw}`,
    );
  }
}

/** The packet's own values of fields that set actions commonly restore, in datapath-action text. */
export function flowInitialFields(flow: Uint32Array): Map<string, string> {
  const m = new Map<string, string>();
  m.set('eth.src', formatMac(getMacField(flow, MAC_FIELDS.eth_src)));
  m.set('eth.dst', formatMac(getMacField(flow, MAC_FIELDS.eth_dst)));
  if ((flow[W_ETH_TYPE]! & 0xffff) === 0x0800) {
    m.set('ipv4.src', ip4(flow[W_IPV4_SRC]!));
    m.set('ipv4.dst', ip4(flow[W_IPV4_DST]!));
  }
  return m;
}
