/*
 * An OpenFlow bridge (OVS ofproto.c + ofproto-dpif.c + the flow-table side of connmgr):
 * 255 tables of rules with OpenFlow flow-mod semantics, ports mapped onto the datapath of
 * its backer, the LOCAL port, groups, meters, MAC learning for NORMAL, fail mode, rule
 * timeouts, and the events (flow-removed, packet-in, port-status) an OpenFlow connection
 * layer subscribes to. It implements XlateBridge, the view translation has of it.
 *
 * `version` bumps on every change that can change a translation (tables, ports, groups,
 * meters, configuration, MAC table); each bump also bumps the backer's revalidation
 * sequence so the revalidator re-translates the datapath flows.
 */
import { extract } from '../flow/extract.js';
import { FLOW_WORDS, W_IN_PORT } from '../flow/layout.js';
import { DummyNetdev } from '../netdev/dummy.js';
import { Packet } from '../packet/packet.js';
import { DpActionType } from '../datapath/actions.js';
import { openNetdev, type Netdev } from '../netdev/netdev.js';
import type { DpPortStats } from '../datapath/dpif.js';
import type { Clock } from '../util/clock.js';
import type { Backer } from './backer.js';
import type { TableLookup } from './ukey.js';
import { BridgePort, OFPPC_MODIFIABLE } from './bridge-port.js';
import type { ClassifierOptions } from './classifier/classifier.js';
import { applyFlowMod, checkActions, deleteRules, makeFlowMod, type FlowMod, type FlowModHost, type FlowModOutcome } from './flow-mod.js';
import { criteriaAll, FlowTables, N_TABLES, OFPTT_ALL, type RuleCriteria } from './flow-table.js';
import { GroupTable, type GroupMod, type GroupModOutcome, type GroupStats } from './group-table.js';
import { learnFlowMod, learnUnchanged } from './learn.js';
import { MacLearning } from './mac-learning.js';
import { MeterTable, OFPMC_DELETE, OFPMF_PKTPS, type MeterMod, type MeterModOutcome, type MeterStats } from './meter-table.js';
import { allocDpMeterId, freeDpMeterId } from './dp-meter-ids.js';
import { OFPERR, fail, ok, type OfpResult } from './ofperr.js';
import { NxLearnFlags, OfpactType, type OfpAction } from './ofp-actions.js';
import { OFPP_CONTROLLER, OFPP_LOCAL, OFPP_MAX, OFPP_NONE, OFPP_NORMAL, type OfPort, type VlanMode } from './ofp-port.js';
import { pushStats } from './push-stats.js';
import { randomUuid } from './continuation.js';
import { xlate } from './xlate/xlate.js';
import {
  Emitter,
  OFPPR_ADD,
  OFPPR_DELETE,
  OFPPR_MODIFY,
  OFPRR_GROUP_DELETE,
  OFPRR_METER_DELETE,
  type OfprotoEvents,
} from './ofproto-events.js';
import { Rule, type RuleOwner } from './rule.js';
import type { FragHandling, TableMissConfig, XlateBridge, XlateRule } from './xlate-bridge.js';


export type FailMode = 'standalone' | 'secure';

export interface BridgeOptions {
  /** Datapath type; bridges of one type share a datapath (default 'netdev'). */
  datapathType?: string;
  /** Default standalone (OVS's default when fail_mode is empty). */
  failMode?: FailMode;
  /** 64-bit datapath id (default: derived from the hardware address). */
  datapathId?: bigint;
  /** Hardware address of the LOCAL port (48-bit; default derived from the bridge name). */
  hwaddr?: number;
  /** The LOCAL port's netdev (default: an in-memory `internal` dummy netdev). */
  localNetdev?: Netdev;
  /** MAC learning: idle time in seconds and table size. */
  macAgingTime?: number;
  macTableSize?: number;
  classifier?: ClassifierOptions;
  /** other_config:forward-bpdu. */
  forwardBpdu?: boolean;
}

export interface PortSpec {
  name: string;
  /** Interface type: dummy, internal, patch, ... (default: the netdev's type, else 'dummy'). */
  type?: string;
  /** An already opened netdev (tests hold on to it to inject frames); else one is opened by type. */
  netdev?: Netdev;
  options?: Readonly<Record<string, string>>;
  /** Interface ofport_request (1..65279). */
  ofportRequest?: number;
  vlanMode?: VlanMode | null;
  tag?: number | null;
  trunks?: readonly number[] | null;
}

/** What a bridge needs from the set of all bridges (patch peers, names). */
export interface BridgeRegistry {
  bridge(name: string): Bridge | undefined;
  /** Re-resolves patch peers after a port or bridge change. */
  refreshPatchPeers(): void;
  /** A port of this name on any bridge (OVS port names are unique switch-wide). */
  portExists(name: string): boolean;
}

/** Deterministic locally administered MAC from a name (OVS picks a random one). */
function macFromName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  // 02:xx:xx:xx:xx:xx, locally administered unicast.
  return 0x02 * 0x10000000000 + ((h >>> 0) * 0x100 + (name.length & 0xff));
}

export class Bridge implements XlateBridge<OfpAction>, FlowModHost, RuleOwner {
  readonly tables: FlowTables;
  readonly groups = new GroupTable();
  readonly meters = new MeterTable();
  /** Datapath meter id of each OpenFlow meter (OVS provider_meter_id). */
  private readonly dpMeters = new Map<number, number>();
  readonly macs: MacLearning;
  readonly events = new Emitter<OfprotoEvents>();
  readonly nTables: number;
  readonly datapathType: string;
  /** A random UUID (OVS ofproto->uuid): continuations name the bridge to resume in by it. */
  readonly uuid: Uint8Array = randomUuid();
  /** Bumps on every change that can change a translation. */
  version = 1;
  failMode: FailMode;
  fragHandling: FragHandling = 'normal';
  forwardBpdu: boolean;
  datapathId: bigint;
  hwaddr: number;
  private hasControllers = false;
  private connected = false;
  private packetInOnMiss = false;
  private readonly portsByOf = new Map<number, BridgePort>();
  private readonly portsByDp = new Map<number, BridgePort>();
  private readonly portsByName = new Map<string, BridgePort>();
  private portList: BridgePort[] = [];
  private macVersion = 0;
  private destroyed = false;
  /** While a batch runs: its undo log and the events it will emit if it succeeds. */
  private batch: { undo: Array<() => void>; events: Array<() => void> } | null = null;
  private readonly learnedCookieCounts = new Map<string, number>();
  private readonly lookupRecs: (TableLookup | undefined)[] = [];

  constructor(
    readonly name: string,
    readonly backer: Backer,
    private readonly registry: BridgeRegistry,
    private readonly clock: Clock,
    opts: BridgeOptions = {},
  ) {
    this.datapathType = backer.type;
    this.tables = new FlowTables(N_TABLES, opts.classifier);
    this.nTables = this.tables.nTables;
    this.macs = new MacLearning({
      ...(opts.macAgingTime !== undefined ? { idleTime: opts.macAgingTime } : {}),
      ...(opts.macTableSize !== undefined ? { maxEntries: opts.macTableSize } : {}),
    });
    this.macVersion = this.macs.version;
    this.forwardBpdu = opts.forwardBpdu ?? false;
    this.hwaddr = opts.hwaddr ?? macFromName(name);
    this.datapathId = opts.datapathId ?? BigInt(this.hwaddr);
    // connmgr starts in secure mode; the bridge's configuration then sets the real mode,
    // and a change with no controllers flushes the tables (which adds NORMAL in standalone).
    this.failMode = 'secure';
    const local = opts.localNetdev ?? new DummyNetdev(name, 'internal', { mac: this.hwaddr });
    this.attachPort({ name, type: 'internal', netdev: local }, OFPP_LOCAL);
    this.setFailMode(opts.failMode ?? 'standalone');
  }

  // --- XlateBridge ----------------------------------------------------------------

  dpMeterId(meterId: number): number | undefined {
    return this.dpMeters.get(meterId);
  }

  /** Recirculation contexts, shared with the other bridges of the datapath. */
  get recirc(): Backer['recirc'] {
    return this.backer.recirc;
  }

  lookup(tableId: number, flow: Uint32Array, wc: Uint32Array | null): XlateRule<OfpAction> | null {
    const t = this.tables.tables[tableId];
    if (t === undefined) return null;
    const r = t.cls.lookup(flow, wc);
    const log = this.backer.lookupLog;
    if (log !== null) log.push(this.lookupRecord(tableId, r !== null));
    return r === null ? null : r.data;
  }

  /** The (immutable, shared) record of a lookup in `tableId`: one per table and outcome. */
  private lookupRecord(tableId: number, matched: boolean): TableLookup {
    const i = tableId * 2 + (matched ? 1 : 0);
    let rec = this.lookupRecs[i];
    if (rec === undefined) {
      rec = { bridge: this, tableId, matched };
      this.lookupRecs[i] = rec;
    }
    return rec;
  }

  port(ofPort: number): OfPort | undefined {
    return this.portsByOf.get(ofPort);
  }

  portByDp(dpPort: number): OfPort | undefined {
    return this.portsByDp.get(dpPort);
  }

  ports(): readonly OfPort[] {
    return this.portList;
  }

  group(groupId: number): ReturnType<GroupTable['get']> {
    return this.groups.get(groupId);
  }

  peerBridge(name: string): Bridge | undefined {
    const b = this.registry.bridge(name);
    return b !== undefined && b.backer === this.backer ? b : undefined;
  }

  tableMiss(tableId: number): TableMissConfig {
    return this.tables.tables[tableId]?.miss ?? 'default';
  }

  wantsPacketInOnMiss(): boolean {
    return this.packetInOnMiss;
  }

  controllerConnected(): boolean {
    return this.connected;
  }

  /** OVS xlate_learn_action -> ofproto_flow_mod_learn. */
  learn(action: OfpAction, flow: Uint32Array, now: number): void {
    if (action.type !== OfpactType.LEARN || this.destroyed) return;
    const fm = learnFlowMod(action, flow);
    if (!this.tables.checkTableId(fm.tableId) || fm.tableId === OFPTT_ALL) return;
    this.backer.learnLog?.push({ bridge: this, fm });
    const table = this.tables.tables[fm.tableId]!;
    const existing = table.cls.findExact(fm.match.key, fm.match.mask, fm.priority);
    if (existing !== null && learnUnchanged(existing.data, fm)) {
      existing.data.modified = now; // refresh only
      return;
    }
    if (existing === null && action.limit) {
      let n = 0;
      for (const r of table.cls.rules()) if (r.data.cookie === BigInt.asUintN(64, fm.newCookie)) n++;
      if (n >= action.limit) return;
    }
    const r = applyFlowMod(this, fm);
    if (r.ok) for (const rule of [...r.value.added, ...r.value.modified]) rule.modified = now;
  }

  /** OVS ofproto_flow_mod_learn_refresh: a learned rule stays fresh while its learning flow has traffic. */
  learnRefresh(fm: FlowMod, used: number): void {
    const e = this.tables.tables[fm.tableId]?.cls.findExact(fm.match.key, fm.match.mask, fm.priority);
    if (e && e.data.modified < used) e.data.modified = used;
  }

  /** OVS learned_cookies: (table, cookie) of delete_learned learn actions, counted over the rules having them. */
  private learnedCookies(acts: readonly OfpAction[], delta: number, dead: Array<{ tableId: number; cookie: bigint }>): void {
    for (const a of acts) {
      if (a.type === OfpactType.CLONE || a.type === OfpactType.WRITE_ACTIONS) {
        this.learnedCookies(a.actions, delta, dead);
      } else if (a.type === OfpactType.LEARN && a.flags & NxLearnFlags.DELETE_LEARNED) {
        const k = `${a.tableId}/${a.cookie}`;
        const n = (this.learnedCookieCounts.get(k) ?? 0) + delta;
        if (this.batch !== null) {
          const before = n - delta;
          this.batch.undo.push(() => {
            if (before > 0) this.learnedCookieCounts.set(k, before);
            else this.learnedCookieCounts.delete(k);
          });
        }
        if (n > 0) this.learnedCookieCounts.set(k, n);
        else {
          this.learnedCookieCounts.delete(k);
          if (delta < 0) dead.push({ tableId: a.tableId, cookie: BigInt.asUintN(64, a.cookie) });
        }
      }
    }
  }

  /** Deletes the flows a delete_learned learn action added once no rule has that action any more. */
  private flushLearned(dead: Array<{ tableId: number; cookie: bigint }>): void {
    for (const d of dead) {
      const sel = this.tables.collectLoose({ ...criteriaAll(d.tableId), cookie: d.cookie, cookieMask: 0xffffffffffffffffn });
      if (sel.ok) deleteRules(this, sel.value, 2 /* OFPRR_DELETE */);
    }
  }

  // --- FlowModHost / RuleOwner ----------------------------------------------------

  now(): number {
    return this.clock.now();
  }

  groupExists(groupId: number): boolean {
    return this.groups.has(groupId);
  }

  meterExists(meterId: number): boolean {
    return this.meters.has(meterId);
  }

  ruleAdded(rule: Rule, replaced: Rule | null, command: number): void {
    rule.owner = this;
    const dead: Array<{ tableId: number; cookie: bigint }> = [];
    this.learnedCookies(rule.actions, 1, dead);
    if (replaced !== null) this.learnedCookies(replaced.actions, -1, dead);
    const b = this.batch;
    if (b !== null) {
      b.undo.push(() => {
        this.tables.remove(rule);
        rule.removedReason = 2;
        if (replaced !== null) {
          this.tables.insert(replaced);
          replaced.removedReason = -1;
          replaced.successor = null;
        }
      });
    }
    if (this.events.has('rule-change')) {
      const event = replaced !== null && command !== 0 ? 'modified' : 'added';
      const ev = { bridge: this.name, event, reason: -1, rule: rule.snapshot(this.now()) } as const;
      this.emit(() => this.events.emit('rule-change', ev));
    }
    if (dead.length > 0) this.flushLearned(dead);
  }

  ruleRemoved(rule: Rule, reason: number): void {
    const now = this.now();
    const dead: Array<{ tableId: number; cookie: bigint }> = [];
    this.learnedCookies(rule.actions, -1, dead);
    const b = this.batch;
    if (b !== null) {
      b.undo.push(() => {
        this.tables.insert(rule);
        rule.removedReason = -1;
      });
    }
    if (rule.flags & 1 /* send_flow_rem */ && !this.tables.tables[rule.tableId]!.hidden) {
      const ev = { bridge: this.name, reason, rule: rule.snapshot(now) };
      this.emit(() => this.events.emit('flow-removed', ev));
    }
    if (this.events.has('rule-change')) {
      const ev = { bridge: this.name, event: 'removed', reason, rule: rule.snapshot(now) } as const;
      this.emit(() => this.events.emit('rule-change', ev));
    }
    if (dead.length > 0) this.flushLearned(dead);
  }

  /** Emits now, or at the end of a successful batch. */
  private emit(fn: () => void): void {
    if (this.batch !== null) this.batch.events.push(fn);
    else fn();
  }

  changed(): void {
    this.version++;
    this.backer.bumpRevalSeq();
  }

  creditMeter(meterId: number, packets: number, bytes: number): void {
    this.meters.credit(meterId, packets, bytes);
  }

  // --- flow tables ----------------------------------------------------------------

  /** OFPT_FLOW_MOD. */
  flowMod(fm: FlowMod): OfpResult<FlowModOutcome> {
    return applyFlowMod(this, fm);
  }

  /**
   * Applies flow-mods atomically (an OpenFlow bundle commit, ovs-ofctl --bundle): either all
   * succeed, or the tables are left as they were, no event is sent, and the error of the
   * first failing flow-mod is returned with its index.
   */
  flowModBatch(fms: readonly FlowMod[]): OfpResult<FlowModOutcome[]> & { index?: number } {
    if (this.batch !== null) throw new Error('flow-mod batches do not nest');
    const batch = { undo: [] as Array<() => void>, events: [] as Array<() => void> };
    this.batch = batch;
    const out: FlowModOutcome[] = [];
    let failed: { error: import('./ofperr.js').OfpErr; index: number } | null = null;
    try {
      for (let i = 0; i < fms.length; i++) {
        const r = applyFlowMod(this, fms[i]!);
        if (!r.ok) {
          failed = { error: r.error, index: i };
          break;
        }
        out.push(r.value);
      }
      if (failed !== null) for (let i = batch.undo.length - 1; i >= 0; i--) batch.undo[i]!();
    } finally {
      this.batch = null;
    }
    if (failed !== null) {
      this.changed();
      return { ok: false, error: failed.error, index: failed.index };
    }
    for (const e of batch.events) e();
    return ok(out);
  }

  /**
   * OFPT_PACKET_OUT: runs `actions` on `frame` as if it came in on `inPort` (an OpenFlow port,
   * OFPP_CONTROLLER, OFPP_NONE or OFPP_LOCAL) and sends the result through the datapath.
   * Packet-ins it causes arrive as ACTION upcalls (reason PACKET_OUT) for the handler.
   */
  packetOut(frame: Uint8Array, inPort: number, actions: readonly OfpAction[]): OfpResult<void> {
    if (!(inPort < OFPP_MAX || inPort === OFPP_LOCAL || inPort === OFPP_CONTROLLER || inPort === OFPP_NONE)) {
      return fail(OFPERR.OFPBRC_BAD_PORT);
    }
    const err = checkActions(this, actions, OFPTT_ALL);
    if (err) return fail(err);
    const packet = Packet.from(frame);
    const port = this.portsByOf.get(inPort);
    packet.inPort = port !== undefined && port.dpPort >= 0 ? port.dpPort : 0xffffffff;
    const flow = new Uint32Array(FLOW_WORDS);
    extract(packet, flow);
    flow[W_IN_PORT] = inPort;
    const now = this.now();
    const res = xlate(this, flow, { packet, sideEffects: true, now, actions, inPacketOut: true, ofInPort: true });
    pushStats(res.rules, res.groups, [], null, 1, packet.len, now, 0, null, now);
    const acts = res.actions;
    if (!(acts.length === 1 && acts[0]!.type === DpActionType.DROP)) this.backer.dpif.execute(packet, acts);
    return ok(undefined);
  }

  /** Rules selected like a flow stats request (loose match; all rules by default). */
  flows(c: RuleCriteria = criteriaAll()): OfpResult<Rule[]> {
    return this.tables.collectLoose(c);
  }

  /** Rules selected strictly (one match and priority). */
  flowsStrict(c: RuleCriteria): OfpResult<Rule[]> {
    return this.tables.collectStrict(c);
  }

  /** Table-miss behaviour (OFPT_TABLE_MOD); 'default' leaves it unchanged, as OVS does. */
  tableMod(tableId: number, miss: TableMissConfig): OfpResult<void> {
    if (tableId !== OFPTT_ALL && (tableId < 0 || tableId >= this.nTables)) return fail(OFPERR.OFPTMFC_BAD_TABLE);
    if (miss === 'default') return ok(undefined);
    for (const t of this.tables.tables) if (tableId === OFPTT_ALL || t.id === tableId) t.miss = miss;
    this.changed();
    return ok(undefined);
  }

  /** Flow_Table settings: name, flow limit, eviction. */
  setTableConfig(tableId: number, cfg: { name?: string | null; maxFlows?: number; eviction?: boolean }): void {
    const t = this.tables.tables[tableId];
    if (!t) throw new Error(`${this.name}: no table ${tableId}`);
    if (cfg.name !== undefined) t.name = cfg.name;
    if (cfg.maxFlows !== undefined) t.maxFlows = cfg.maxFlows;
    if (cfg.eviction !== undefined) t.eviction = cfg.eviction;
  }

  /**
   * OVS ofproto_flush_flows: deletes every rule, group and meter, then (connmgr_flushed)
   * adds `priority=0 actions=NORMAL` in standalone mode with no controller.
   */
  flush(): void {
    deleteRules(this, this.tables.allRules(), 2 /* OFPRR_DELETE */);
    this.groupMod({ command: 2, groupId: 0xfffffffc, type: 'all', buckets: [] });
    this.meterMod({ command: 2, meterId: 0xffffffff, flags: 0, bands: [] });
    if (!this.hasControllers && this.failMode === 'standalone') {
      applyFlowMod(
        this,
        makeFlowMod({ command: 0, tableId: 0, priority: 0, actions: [{ type: OfpactType.OUTPUT, port: OFPP_NORMAL, maxLen: 0 }] }),
      );
    }
    this.changed();
  }

  // --- controllers and fail mode ----------------------------------------------------

  /** OVS connmgr_set_fail_mode: a change with no controller flushes the tables. */
  setFailMode(mode: FailMode): void {
    if (mode === this.failMode) return;
    this.failMode = mode;
    if (!this.hasControllers) this.flush();
    else this.changed();
  }

  /** Whether controllers are configured (OVS connmgr_set_controllers: a change flushes the tables). */
  setHasControllers(has: boolean): void {
    if (has === this.hasControllers) return;
    this.hasControllers = has;
    this.flush();
  }

  get controllersConfigured(): boolean {
    return this.hasControllers;
  }

  /** Whether some controller connection is up (watch_port=CONTROLLER liveness). */
  setControllerConnected(connected: boolean): void {
    if (connected === this.connected) return;
    this.connected = connected;
    this.changed();
  }

  /** Whether a connected controller wants table misses as packet-ins (OpenFlow 1.0 style). */
  setWantsPacketInOnMiss(wants: boolean): void {
    if (wants === this.packetInOnMiss) return;
    this.packetInOnMiss = wants;
    this.changed();
  }

  /** other_config:datapath-id. */
  setDatapathId(dpid: bigint): void {
    this.datapathId = BigInt.asUintN(64, dpid);
  }

  /** other_config:hwaddr: the LOCAL port's address (and the default datapath id). */
  setHwaddr(mac: number): void {
    this.hwaddr = mac;
    const local = this.portsByOf.get(OFPP_LOCAL);
    if (local) local.mac = mac;
  }

  /** other_config:mac-aging-time (seconds) and mac-table-size. */
  setMacAging(seconds: number): void {
    this.macs.setIdleTime(seconds);
  }

  setMacTableSize(n: number): void {
    this.macs.setMaxEntries(n);
  }

  setFragHandling(mode: FragHandling): void {
    if (mode === this.fragHandling) return;
    this.fragHandling = mode;
    this.changed();
  }

  setForwardBpdu(on: boolean): void {
    if (on === this.forwardBpdu) return;
    this.forwardBpdu = on;
    this.changed();
  }

  // --- groups and meters ----------------------------------------------------------

  /** OFPT_GROUP_MOD; deleting a group deletes the rules that use it (reason GROUP_DELETE). */
  groupMod(gm: GroupMod): OfpResult<GroupModOutcome> {
    const r = this.groups.apply(gm, this.now());
    if (!r.ok) return r;
    if (r.value.deleted.length > 0) {
      const gone = new Set(r.value.deleted);
      const rules = this.tables.allRules(OFPTT_ALL, true).filter((x) => x.groupIds.some((g) => gone.has(g)));
      deleteRules(this, rules, OFPRR_GROUP_DELETE);
    }
    if (r.value.changed) this.changed();
    return r;
  }

  /** OFPT_METER_MOD; deleting a meter deletes the rules that use it (reason METER_DELETE). */
  meterMod(mm: MeterMod): OfpResult<MeterModOutcome> {
    const r = this.meters.apply(mm, this.now());
    if (!r.ok) return r;
    for (const id of r.value.deleted) this.dropDpMeter(id);
    if (mm.command !== OFPMC_DELETE) this.pushDpMeter(mm.meterId >>> 0);
    if (r.value.deleted.length > 0) {
      const gone = new Set(r.value.deleted);
      deleteRules(this, this.tables.allRules(OFPTT_ALL, true).filter((x) => gone.has(x.meterId)), OFPRR_METER_DELETE);
    }
    this.changed();
    return r;
  }

  groupStats(groupId: number): GroupStats | undefined {
    const refs = this.tables.allRules(OFPTT_ALL, true).filter((r) => r.groupIds.includes(groupId)).length;
    return this.groups.stats(groupId, this.now(), refs);
  }

  meterStats(meterId: number): MeterStats | undefined {
    const refs = this.tables.allRules(OFPTT_ALL, true).filter((r) => r.meterId === meterId).length;
    const st = this.meters.stats(meterId, this.now(), refs);
    const dpId = this.dpMeters.get(meterId);
    const dp = st === undefined || dpId === undefined ? undefined : this.backer.dpif.meterStats(dpId);
    if (st === undefined || dp === undefined) return st;
    // As ofproto-dpif meter_get: the datapath counts what went in and what each band dropped.
    st.packetInCount = dp.packets;
    st.byteInCount = dp.bytes;
    st.bands = dp.bands.map((b) => ({ packetCount: b.packets, byteCount: b.bytes }));
    return st;
  }

  /** OVS meter_set: (re)configures the meter's datapath meter, allocating its id on first use. */
  private pushDpMeter(meterId: number): void {
    const m = this.meters.get(meterId);
    if (m === undefined) return;
    let dpId = this.dpMeters.get(meterId);
    if (dpId === undefined) {
      dpId = allocDpMeterId(this.backer.dpif);
      if (dpId === undefined) return;
      this.dpMeters.set(meterId, dpId);
    }
    this.backer.dpif.meterSet(dpId, {
      pktps: (m.flags & OFPMF_PKTPS) !== 0,
      bands: m.bands.map((b) => ({ rate: b.rate, burst: b.burstSize })),
    });
  }

  private dropDpMeter(meterId: number): void {
    const dpId = this.dpMeters.get(meterId);
    if (dpId === undefined) return;
    this.dpMeters.delete(meterId);
    this.backer.dpif.meterDel(dpId);
    freeDpMeterId(this.backer.dpif, dpId);
  }

  // --- ports ----------------------------------------------------------------------

  /** All ports, LOCAL included. */
  get portsList(): readonly BridgePort[] {
    return this.portList;
  }

  portByName(name: string): BridgePort | undefined {
    return this.portsByName.get(name);
  }

  bridgePort(ofPort: number): BridgePort | undefined {
    return this.portsByOf.get(ofPort);
  }

  /** Adds a port (OVS ofproto_port_add + bridge port config); throws with OVS-like text on failure. */
  addPort(spec: PortSpec): BridgePort {
    if (this.destroyed) throw new Error(`${this.name}: bridge was deleted`);
    if (this.registry.portExists(spec.name)) throw new Error(`${spec.name}: port already exists`);
    const p = this.attachPort(spec, this.allocOfPort(spec.ofportRequest));
    this.registry.refreshPatchPeers();
    this.changed();
    return p;
  }

  private allocOfPort(req: number | undefined): number {
    if (req !== undefined && Number.isInteger(req) && req >= 1 && req < OFPP_MAX && !this.portsByOf.has(req)) return req;
    let n = 1;
    while (this.portsByOf.has(n)) n++;
    if (n >= OFPP_MAX) throw new Error(`${this.name}: no free OpenFlow port number`);
    return n;
  }

  private attachPort(spec: PortSpec, ofPort: number): BridgePort {
    const options = spec.options ?? {};
    const type = spec.type ?? spec.netdev?.type ?? 'dummy';
    let netdev: Netdev | null = null;
    let dpPort = -1;
    if (type === 'patch') {
      if (!options['peer']) throw new Error(`${spec.name}: patch type requires valid 'peer' argument`);
      if (options['peer'] === spec.name) throw new Error(`${spec.name}: patch peer must not be self`);
    } else {
      netdev = spec.netdev ?? (type === 'internal' ? new DummyNetdev(spec.name, 'internal') : openNetdev(type, spec.name, options));
      dpPort = this.backer.addPort(netdev, this.name);
    }
    const p = new BridgePort(ofPort, dpPort, spec.name, type, netdev, options, this.name);
    if (netdev) p.linkDown = !netdev.isUp();
    if (spec.vlanMode !== undefined) p.vlanMode = spec.vlanMode;
    if (spec.tag !== undefined) p.tag = spec.tag;
    if (spec.trunks !== undefined) p.trunks = spec.trunks;
    this.portsByOf.set(ofPort, p);
    this.portsByName.set(p.name, p);
    if (dpPort >= 0) {
      this.portsByDp.set(dpPort, p);
      this.backer.setPortOwner(dpPort, this, p);
    }
    this.rebuildPortList();
    this.events.emit('port-status', { bridge: this.name, reason: OFPPR_ADD, ofPort, name: p.name });
    return p;
  }

  private rebuildPortList(): void {
    this.portList = [...this.portsByOf.values()].sort((a, b) => a.ofPort - b.ofPort);
  }

  /** Removes a port (by name or OpenFlow number); false if there is none. The LOCAL port stays. */
  delPort(which: string | number): boolean {
    const p = typeof which === 'number' ? this.portsByOf.get(which) : this.portsByName.get(which);
    if (!p || p.ofPort === OFPP_LOCAL) return false;
    this.detachPort(p);
    this.registry.refreshPatchPeers();
    this.changed();
    return true;
  }

  private detachPort(p: BridgePort): void {
    this.portsByOf.delete(p.ofPort);
    this.portsByName.delete(p.name);
    if (p.dpPort >= 0) {
      this.portsByDp.delete(p.dpPort);
      this.backer.delPort(p.dpPort);
    }
    this.macs.flushPort(p.ofPort);
    this.rebuildPortList();
    this.events.emit('port-status', { bridge: this.name, reason: OFPPR_DELETE, ofPort: p.ofPort, name: p.name });
  }

  /** OFPT_PORT_MOD: sets the config bits under `mask`; `hwAddr` (if given) must be the port's. */
  portMod(ofPort: number, config: number, mask: number, hwAddr?: number): OfpResult<void> {
    const p = this.portsByOf.get(ofPort);
    if (!p) return fail(OFPERR.OFPPMFC_BAD_PORT);
    if (hwAddr !== undefined && hwAddr !== p.mac) return fail(OFPERR.OFPPMFC_BAD_HW_ADDR);
    const m = mask & OFPPC_MODIFIABLE;
    const next = (p.config & ~m) | (config & m);
    if (next !== p.config) {
      p.config = next;
      this.events.emit('port-status', { bridge: this.name, reason: OFPPR_MODIFY, ofPort, name: p.name });
      this.changed();
    }
    return ok(undefined);
  }

  /** NORMAL's VLAN settings of a port (the Port table's vlan_mode, tag, trunks). */
  setPortVlan(which: string | number, cfg: { vlanMode?: VlanMode | null; tag?: number | null; trunks?: readonly number[] | null }): void {
    const p = typeof which === 'number' ? this.portsByOf.get(which) : this.portsByName.get(which);
    if (!p) throw new Error(`${this.name}: no port ${which}`);
    if (cfg.vlanMode !== undefined) p.vlanMode = cfg.vlanMode;
    if (cfg.tag !== undefined) p.tag = cfg.tag;
    if (cfg.trunks !== undefined) p.trunks = cfg.trunks;
    this.macs.flushPort(p.ofPort);
    this.changed();
  }

  /** Datapath counters of a port (zeros for a patch port). */
  portStats(ofPort: number): DpPortStats | undefined {
    const p = this.portsByOf.get(ofPort);
    if (!p) return undefined;
    const zero = { rxPackets: 0, rxBytes: 0, rxErrors: 0, rxDropped: 0, txPackets: 0, txBytes: 0, txErrors: 0, txDropped: 0 };
    if (p.dpPort < 0) return zero;
    return this.backer.dpif.portQuery(p.dpPort)?.stats ?? zero;
  }

  // --- periodic work --------------------------------------------------------------

  /**
   * Periodic work (OVS ofproto_run): rule timeouts (flow-removed IDLE/HARD_TIMEOUT), MAC
   * aging, and port link state (port-status MODIFY on a change).
   */
  run(now: number = this.now()): void {
    const exp = this.tables.expired(now);
    if (exp.length > 0) {
      for (const { rule, reason } of exp) deleteRules(this, [rule], reason);
      this.changed();
    }
    this.macs.run(now);
    this.checkMacVersion();
    for (const p of this.portList) {
      if (!p.netdev) continue;
      const down = !p.netdev.isUp();
      if (down !== p.linkDown) {
        p.linkDown = down;
        this.events.emit('port-status', { bridge: this.name, reason: OFPPR_MODIFY, ofPort: p.ofPort, name: p.name });
        this.changed();
      }
    }
  }

  /** Bumps the version if MAC learning changed since the last check (OVS REV_MAC_LEARNING). */
  checkMacVersion(): void {
    if (this.macs.version !== this.macVersion) {
      this.macVersion = this.macs.version;
      this.changed();
    }
  }

  /** Detaches every port and forgets all state (OVS ofproto_destroy). */
  destroy(): void {
    if (this.destroyed) return;
    deleteRules(this, this.tables.allRules(OFPTT_ALL, true), 2);
    for (const p of [...this.portList]) this.detachPort(p);
    for (const id of [...this.dpMeters.keys()]) this.dropDpMeter(id);
    this.destroyed = true;
    this.changed();
  }
}
