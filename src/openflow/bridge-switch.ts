/*
 * SwitchApi over ofproto's Bridge: what the OpenFlow layer needs that the Bridge does not say
 * in its own terms (port descriptions in wire form, table counters, packet-out through
 * translation and the datapath as OVS ofproto_packet_out does, the hidden fail-open rule,
 * checkpoints for atomic bundles).
 */
import { DpActionType, type DpAction } from '../datapath/actions.js';
import { extract } from '../flow/extract.js';
import { FLOW_WORDS, W_IN_PORT, W_TCP_FLAGS } from '../flow/layout.js';
import { Packet } from '../packet/packet.js';
import type { Bridge } from '../ofproto/bridge.js';
import { checkActions, type FlowMod, type FlowModOutcome } from '../ofproto/flow-mod.js';
import { OFPTT_ALL, type RuleCriteria } from '../ofproto/flow-table.js';
import { OFPGC_ADD, OFPGC_DELETE, OFPG_ALL, type GroupMod } from '../ofproto/group-table.js';
import { OFPMC_ADD, OFPMC_DELETE, OFPM_ALL, type MeterMod } from '../ofproto/meter-table.js';
import { OFPERR, fail, ok, type OfpResult } from '../ofproto/ofperr.js';
import { OfpactType } from '../ofproto/ofp-actions.js';
import { OFPP_CONTROLLER, OFPP_LOCAL, OFPP_MAX, OFPP_NONE, OFPP_NORMAL } from '../ofproto/ofp-port.js';
import { OFPPR_ADD, OFPPR_DELETE } from '../ofproto/ofproto-events.js';
import { pushStats } from '../ofproto/push-stats.js';
import { resumePipeline, type ResumeRequest } from '../ofproto/resume.js';
import { Rule } from '../ofproto/rule.js';
import type { TableMissConfig } from '../ofproto/xlate-bridge.js';
import { xlate } from '../ofproto/xlate/xlate.js';
import type { PortDesc } from './codec/index.js';
import type { FailMode, PacketOutRequest, PortCounters, SwitchApi, SwitchCheckpoint, TableInfo } from './switch-api.js';

/** OVS FAIL_OPEN_PRIORITY: above every priority OpenFlow can set, so the rule is hidden. */
export const FAIL_OPEN_PRIORITY = 0xf0f0f0;
/** OVS reports this for tables without a flow limit. */
const DEFAULT_MAX_ENTRIES = 1000000;

function isDrop(a: readonly DpAction[]): boolean {
  return a.length === 0 || (a.length === 1 && a[0]!.type === DpActionType.DROP);
}

export class BridgeSwitch implements SwitchApi {
  private failOpen: Rule | null = null;
  private readonly portAdded = new Map<number, number>();

  constructor(readonly bridge: Bridge) {
    const now = bridge.now();
    for (const p of bridge.portsList) this.portAdded.set(p.ofPort, now);
    bridge.events.on('port-status', (ev) => {
      if (ev.reason === OFPPR_ADD) this.portAdded.set(ev.ofPort, this.bridge.now());
      else if (ev.reason === OFPPR_DELETE) this.portAdded.delete(ev.ofPort);
    });
  }

  get name(): string {
    return this.bridge.name;
  }
  get datapathId(): bigint {
    return this.bridge.datapathId;
  }
  get nVisibleTables(): number {
    let n = 0;
    for (const t of this.bridge.tables.tables) if (!t.hidden) n++;
    return n;
  }
  get events(): Bridge['events'] {
    return this.bridge.events;
  }
  now(): number {
    return this.bridge.now();
  }
  get version(): number {
    return this.bridge.version;
  }
  revalidate(): void {
    this.bridge.backer.revalidator.revalidate(this.bridge.now());
  }
  get fragHandling(): Bridge['fragHandling'] {
    return this.bridge.fragHandling;
  }
  setFragHandling(mode: Bridge['fragHandling']): void {
    this.bridge.setFragHandling(mode);
  }

  // --- flows -----------------------------------------------------------------------

  flowMod(fm: FlowMod): OfpResult<FlowModOutcome> {
    const r = this.bridge.flowMod(fm);
    if (this.failOpen !== null && this.failOpen.removed) this.insertFailOpen();
    return r;
  }

  flows(c: RuleCriteria): OfpResult<Rule[]> {
    const r = this.bridge.flows(c);
    if (!r.ok || this.failOpen === null) return r;
    return ok(r.value.filter((x) => x !== this.failOpen));
  }

  pushStats(): void {
    this.bridge.backer.revalidator.pushStatsNow(this.bridge.now());
  }

  tableMod(tableId: number, miss: TableMissConfig): OfpResult<void> {
    return this.bridge.tableMod(tableId, miss);
  }

  tables(): TableInfo[] {
    const out: TableInfo[] = [];
    for (const t of this.bridge.tables.tables) {
      if (t.hidden) continue;
      const hidden = t.id === 0 && this.failOpen !== null ? 1 : 0;
      out.push({
        tableId: t.id,
        name: t.name,
        activeCount: t.nFlows - hidden,
        lookupCount: t.nLookup,
        matchedCount: t.nMatched,
        maxEntries: Number.isFinite(t.maxFlows) ? t.maxFlows : DEFAULT_MAX_ENTRIES,
        miss: t.miss,
      });
    }
    return out;
  }

  // --- groups and meters ------------------------------------------------------------

  groupMod(gm: GroupMod): ReturnType<Bridge['groupMod']> {
    return this.bridge.groupMod(gm);
  }
  groupList(): ReturnType<Bridge['groups']['all']> {
    return this.bridge.groups.all();
  }
  groupStats(groupId: number): ReturnType<Bridge['groupStats']> {
    return this.bridge.groupStats(groupId);
  }
  meterMod(mm: MeterMod): ReturnType<Bridge['meterMod']> {
    return this.bridge.meterMod(mm);
  }
  meterList(): ReturnType<Bridge['meters']['all']> {
    return this.bridge.meters.all();
  }
  meterStats(meterId: number): ReturnType<Bridge['meterStats']> {
    return this.bridge.meterStats(meterId);
  }

  // --- ports -------------------------------------------------------------------------

  portDescs(): PortDesc[] {
    const out: PortDesc[] = [];
    for (const p of this.bridge.portsList) out.push(this.describe(p.ofPort)!);
    return out;
  }

  portDesc(ofPort: number): PortDesc | undefined {
    return this.describe(ofPort);
  }

  private describe(ofPort: number): PortDesc | undefined {
    const p = this.bridge.bridgePort(ofPort);
    if (!p) return undefined;
    return {
      portNo: p.ofPort,
      hwAddr: p.mac,
      name: p.name,
      config: p.config,
      state: p.state,
      curr: 0,
      advertised: 0,
      supported: 0,
      peer: 0,
      currSpeed: 0,
      maxSpeed: 0,
    };
  }

  portMod(ofPort: number, config: number, mask: number, hwAddr?: number): OfpResult<void> {
    return this.bridge.portMod(ofPort, config, mask, hwAddr);
  }

  portCounters(ofPort: number): PortCounters | undefined {
    const s = this.bridge.portStats(ofPort);
    if (!s) return undefined;
    const added = this.portAdded.get(ofPort) ?? this.bridge.now();
    return { ...s, durationMs: Math.max(0, this.bridge.now() - added) };
  }

  // --- packet-out ---------------------------------------------------------------------

  packetOut(po: PacketOutRequest): OfpResult<void> {
    const br = this.bridge;
    const inPort = po.inPort;
    if (inPort >= OFPP_MAX && inPort !== OFPP_LOCAL && inPort !== OFPP_NONE && inPort !== OFPP_CONTROLLER) {
      return fail(OFPERR.OFPBRC_BAD_PORT);
    }
    const err = checkActions(br, po.actions, OFPTT_ALL);
    if (err) return fail(err);
    const pkt = Packet.from(po.packet);
    // The datapath input port: the port's, or none (ODPP_NONE) for CONTROLLER and NONE, as
    // OVS; packet-ins from the actions name their bridge in the userspace action.
    const p = br.bridgePort(inPort);
    pkt.inPort = p !== undefined && p.dpPort >= 0 ? p.dpPort : 0xffffffff;
    const key = new Uint32Array(FLOW_WORDS);
    extract(pkt, key);
    if (po.metadata) {
      const { key: mk, mask } = po.metadata;
      for (let i = 0; i < FLOW_WORDS; i++) key[i] = ((key[i]! & ~mask[i]!) | (mk[i]! & mask[i]!)) >>> 0;
    }
    key[W_IN_PORT] = inPort;
    const now = br.now();
    const res = xlate(br, key, { packet: pkt, sideEffects: true, now, actions: po.actions, inPacketOut: true, ofInPort: true });
    pushStats(res.rules, res.groups, [], null, 1, pkt.len, now, key[W_TCP_FLAGS]!, null, now);
    br.checkMacVersion();
    if (!isDrop(res.actions)) br.backer.dpif.execute(pkt, res.actions);
    return ok(undefined);
  }

  resume(req: ResumeRequest): OfpResult<void> {
    return resumePipeline(this.bridge, req);
  }

  // --- controllers ---------------------------------------------------------------------

  setHasControllers(has: boolean): void {
    this.bridge.setHasControllers(has);
    if (this.failOpen !== null && this.failOpen.removed) this.insertFailOpen();
  }
  setControllerConnected(connected: boolean): void {
    this.bridge.setControllerConnected(connected);
  }
  setWantsPacketInOnMiss(wants: boolean): void {
    this.bridge.setWantsPacketInOnMiss(wants);
  }
  get failMode(): FailMode {
    return this.bridge.failMode;
  }
  setFailMode(mode: FailMode): void {
    this.bridge.setFailMode(mode);
  }

  setFailOpenRule(on: boolean): void {
    if (on && this.failOpen === null) {
      this.failOpen = new Rule({
        tableId: 0,
        priority: FAIL_OPEN_PRIORITY,
        key: new Uint32Array(FLOW_WORDS),
        mask: new Uint32Array(FLOW_WORDS),
        cookie: 0n,
        actions: [{ type: OfpactType.OUTPUT, port: OFPP_NORMAL, maxLen: 0 }],
        flags: 0,
        idleTimeout: 0,
        hardTimeout: 0,
        importance: 0,
        now: this.bridge.now(),
      });
      this.insertFailOpen();
    } else if (!on && this.failOpen !== null) {
      const r = this.failOpen;
      this.failOpen = null;
      if (!r.removed) {
        this.bridge.tables.remove(r);
        r.removedReason = 2;
        this.bridge.changed();
      }
    }
  }

  /** Whether the hidden fail-open rule is installed. */
  get failOpenActive(): boolean {
    return this.failOpen !== null;
  }

  private insertFailOpen(): void {
    const r = this.failOpen!;
    r.removedReason = -1;
    r.owner = this.bridge;
    this.bridge.tables.insert(r);
    this.bridge.changed();
  }

  flush(): void {
    this.bridge.flush();
    if (this.failOpen !== null) this.insertFailOpen();
  }

  // --- bundles ---------------------------------------------------------------------------

  checkpoint(): SwitchCheckpoint {
    return {
      rules: this.bridge.tables.allRules(OFPTT_ALL, true),
      groups: this.bridge.groups.all(),
      meters: this.bridge.meters.all(),
    };
  }

  rollback(cp: SwitchCheckpoint): void {
    const br = this.bridge;
    const before = new Set(cp.rules);
    const now = br.tables.allRules(OFPTT_ALL, true);
    const present = new Set(now);
    for (const r of now) if (!before.has(r)) br.tables.remove(r);
    for (const r of cp.rules) {
      if (present.has(r)) continue;
      r.removedReason = -1;
      r.successor = null;
      br.tables.insert(r);
    }
    const sameList = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
    if (!sameList(cp.groups, br.groups.all())) {
      br.groups.apply({ command: OFPGC_DELETE, groupId: OFPG_ALL, type: 'all', buckets: [] }, br.now());
      for (const g of cp.groups) {
        br.groups.apply({ command: OFPGC_ADD, groupId: g.groupId, type: g.type, buckets: g.buckets, selectionFields: g.selectionFields, selectionMethod: g.selectionMethod, selectionMethodParam: g.selectionMethodParam }, g.created);
      }
    }
    if (!sameList(cp.meters, br.meters.all())) {
      br.meters.apply({ command: OFPMC_DELETE, meterId: OFPM_ALL, flags: 0, bands: [] }, br.now());
      for (const m of cp.meters) br.meters.apply({ command: OFPMC_ADD, meterId: m.meterId, flags: m.flags, bands: m.bands }, m.created);
    }
    br.changed();
  }
}
