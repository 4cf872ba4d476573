/*
 * A small XlateBridge for translation tests: a Classifier per table, ports, groups, a MAC
 * table, and helpers to build flows and rules from ovs-ofctl-like text.
 */
import { Classifier } from '../../src/ofproto/classifier/classifier.js';
import { MacLearning } from '../../src/ofproto/mac-learning.js';
import { RecircTable } from '../../src/ofproto/xlate/recirc.js';
import { OfpactType, type OfpAction } from '../../src/ofproto/ofp-actions.js';
import { learnFlowMod } from '../../src/ofproto/learn.js';
import { conjunctionsOf } from '../../src/ofproto/rule.js';
import { OFPP_LOCAL, type OfPort } from '../../src/ofproto/ofp-port.js';
import type {
  FragHandling,
  TableMissConfig,
  XlateBridge,
  XlateGroup,
  XlateRule,
} from '../../src/ofproto/xlate-bridge.js';
import { parseMatch } from '../../src/flow/match-parse.js';
import { parseInstructions } from '../../src/openflow/flow-syntax/actions-parse.js';
import { FLOW_WORDS, W_VLAN0 } from '../../src/flow/layout.js';

export function mkPort(ofPort: number, dpPort: number, name: string, extra: Partial<OfPort> = {}): OfPort {
  return {
    ofPort,
    dpPort,
    name,
    type: 'dummy',
    adminDown: false,
    linkDown: false,
    noFlood: false,
    noFwd: false,
    noPacketIn: false,
    noRecv: false,
    vlanMode: null,
    tag: null,
    trunks: null,
    patchPeer: null,
    mac: 0x0200000000 + ofPort,
    ...extra,
  };
}

export class FakeBridge implements XlateBridge<OfpAction> {
  readonly tables: Classifier<XlateRule<OfpAction>>[] = [];
  readonly portMap = new Map<number, OfPort>();
  readonly groups = new Map<number, XlateGroup<OfpAction>>();
  readonly macs = new MacLearning();
  readonly nTables = 255;
  failMode: 'standalone' | 'secure' = 'secure';
  fragHandling: FragHandling = 'normal';
  forwardBpdu = false;
  misses = new Map<number, TableMissConfig>();
  packetInOnMiss = false;
  connected = false;
  peers = new Map<string, FakeBridge>();
  learned: Array<{ action: OfpAction; flow: Uint32Array }> = [];
  recirc: RecircTable<OfpAction> | undefined = new RecircTable<OfpAction>();

  constructor(readonly name = 'br0', nPorts = 4) {
    for (let i = 1; i <= nPorts; i++) this.addPort(mkPort(i, i, `p${i}`));
    this.addPort(mkPort(OFPP_LOCAL, 100, name, { type: 'internal' }));
  }

  addPort(p: OfPort): OfPort {
    this.portMap.set(p.ofPort, p);
    return p;
  }

  /** Adds a rule from "table=N,priority=P,<match>" text with the given actions. */
  add(text: string, actions: OfpAction[], cookie = 0n): XlateRule<OfpAction> {
    let table = 0;
    const parts = text.split(',').filter((s) => {
      const m = /^table=(\d+)$/.exec(s);
      if (m) table = Number(m[1]);
      return !m && s !== '';
    });
    const r = parseMatch(parts.join(','));
    if (!r.ok) throw new Error(r.error);
    const { match, priority } = r.value;
    const rule: XlateRule<OfpAction> = {
      tableId: table,
      priority,
      key: match.key,
      mask: match.mask,
      cookie,
      actions,
      flags: 0,
    };
    while (this.tables.length <= table) this.tables.push(new Classifier());
    this.tables[table]!.insert({ key: match.key, mask: match.mask, priority, data: rule }, conjunctionsOf(actions));
    return rule;
  }

  /** Adds a flow in ovs-ofctl add-flow syntax ("table=1,priority=5,ip,actions=output:2"). */
  addFlow(line: string): XlateRule<OfpAction> {
    const i = line.search(/(^|,)\s*(actions|instructions)\s*=/);
    if (i < 0) throw new Error(`no actions in ${line}`);
    const head = line.slice(0, i);
    const acts = line.slice(line.indexOf('=', i) + 1);
    const r = parseInstructions(acts);
    if (!r.ok) throw new Error(`${line}: ${r.error}`);
    let cookie = 0n;
    const rest = head.split(',').filter((t) => {
      const m = /^cookie=(.*)$/.exec(t.trim());
      if (m) cookie = BigInt(m[1]!);
      return !m;
    });
    return this.add(rest.join(','), r.value, cookie);
  }

  lookup(tableId: number, flow: Uint32Array, wc: Uint32Array | null): XlateRule<OfpAction> | null {
    const t = this.tables[tableId];
    if (!t) return null;
    return t.lookup(flow, wc)?.data ?? null;
  }
  port(ofPort: number): OfPort | undefined {
    return this.portMap.get(ofPort);
  }
  portByDp(dpPort: number): OfPort | undefined {
    for (const p of this.portMap.values()) if (p.dpPort === dpPort) return p;
    return undefined;
  }
  ports(): readonly OfPort[] {
    return [...this.portMap.values()];
  }
  group(groupId: number): XlateGroup<OfpAction> | undefined {
    return this.groups.get(groupId);
  }
  peerBridge(name: string): XlateBridge<OfpAction> | undefined {
    return this.peers.get(name);
  }
  tableMiss(tableId: number): TableMissConfig {
    return this.misses.get(tableId) ?? 'default';
  }
  wantsPacketInOnMiss(): boolean {
    return this.packetInOnMiss;
  }
  controllerConnected(): boolean {
    return this.connected;
  }
  /** Records learn() calls; with `executeLearn`, installs the learned rule as OVS would. */
  executeLearn = false;
  learn(action: OfpAction, flow: Uint32Array): void {
    this.learned.push({ action, flow: flow.slice() });
    if (!this.executeLearn || action.type !== OfpactType.LEARN) return;
    const fm = learnFlowMod(action, flow);
    while (this.tables.length <= fm.tableId) this.tables.push(new Classifier());
    const t = this.tables[fm.tableId]!;
    const old = t.findExact(fm.match.key, fm.match.mask, fm.priority);
    if (old) t.remove(old);
    const rule: XlateRule<OfpAction> = {
      tableId: fm.tableId,
      priority: fm.priority,
      key: fm.match.key,
      mask: fm.match.mask,
      cookie: fm.newCookie,
      actions: fm.actions,
      flags: fm.flags,
    };
    t.insert({ key: rule.key, mask: rule.mask, priority: rule.priority, data: rule }, conjunctionsOf(rule.actions));
  }
}

/** A flow from OpenFlow match text (exact values; in_port as given). */
export function flowFrom(text: string): Uint32Array {
  const r = parseMatch(text);
  if (!r.ok) throw new Error(r.error);
  const f = new Uint32Array(FLOW_WORDS);
  f.set(r.value.match.key);
  // A tagged flow carries its TPID, as extract() gives it.
  if (f[W_VLAN0]! & 0x1000 && f[W_VLAN0]! >>> 16 === 0) f[W_VLAN0] = (f[W_VLAN0]! | (0x8100 << 16)) >>> 0;
  return f;
}
