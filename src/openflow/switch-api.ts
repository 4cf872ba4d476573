/*
 * The switch as the OpenFlow connection layer sees it: the operations OpenFlow requests map
 * onto (OVS ofproto's handle_* callees), the events asynchronous messages come from, and the
 * hooks connmgr drives (controllers configured / connected, fail-open). bridge-switch.ts
 * implements it over ofproto's Bridge; tests may use it directly.
 */
import type { Emitter, OfprotoEvents } from '../ofproto/ofproto-events.js';
import type { FlowMod, FlowModOutcome } from '../ofproto/flow-mod.js';
import type { RuleCriteria } from '../ofproto/flow-table.js';
import type { GroupMod, GroupModOutcome, Group, GroupStats } from '../ofproto/group-table.js';
import type { Meter, MeterMod, MeterModOutcome, MeterStats } from '../ofproto/meter-table.js';
import type { OfpResult } from '../ofproto/ofperr.js';
import type { OfpAction } from '../ofproto/ofp-actions.js';
import type { ResumeRequest } from '../ofproto/resume.js';
import type { Rule } from '../ofproto/rule.js';
import type { FragHandling, TableMissConfig } from '../ofproto/xlate-bridge.js';
import type { PortDesc } from './codec/index.js';

export type FailMode = 'standalone' | 'secure';

/** One table's counters and settings (table stats / table features). */
export interface TableInfo {
  readonly tableId: number;
  /** null: the default name ("table<N>" as ovs-ofctl prints it). */
  readonly name: string | null;
  readonly activeCount: number;
  readonly lookupCount: number;
  readonly matchedCount: number;
  readonly maxEntries: number;
  readonly miss: TableMissConfig;
}

/** Port counters (OpenFlow port stats); -1 for a counter the port does not keep. */
export interface PortCounters {
  readonly rxPackets: number;
  readonly txPackets: number;
  readonly rxBytes: number;
  readonly txBytes: number;
  readonly rxDropped: number;
  readonly txDropped: number;
  readonly rxErrors: number;
  readonly txErrors: number;
  /** ms since the port was added. */
  readonly durationMs: number;
}

export interface PacketOutRequest {
  /** OpenFlow port the packet is treated as received on (OFPP_CONTROLLER / NONE / LOCAL / a port). */
  readonly inPort: number;
  readonly actions: readonly OfpAction[];
  readonly packet: Uint8Array;
  /** OF1.5 packet-out pipeline fields (metadata, registers, tunnel): a match over the FlowKey layout. */
  readonly metadata?: { readonly key: Uint32Array; readonly mask: Uint32Array } | null;
}

/** State captured before an atomic bundle commit, restored if the commit fails. */
export interface SwitchCheckpoint {
  readonly rules: readonly Rule[];
  readonly groups: readonly Group[];
  readonly meters: readonly Meter[];
}

export interface SwitchApi {
  readonly name: string;
  readonly datapathId: bigint;
  /** Visible OpenFlow tables (254 in OVS: the last one is internal). */
  readonly nVisibleTables: number;
  readonly events: Emitter<OfprotoEvents>;
  /** Clock ms (the bridge's injected clock). */
  now(): number;
  /** Bumps on every change that can change how packets are forwarded. */
  readonly version: number;
  /** Brings cached datapath flows up to date with the tables now (OVS wakes its revalidators). */
  revalidate(): void;

  readonly fragHandling: FragHandling;
  setFragHandling(mode: FragHandling): void;

  flowMod(fm: FlowMod): OfpResult<FlowModOutcome>;
  /** Rules selected loosely by `c` (flow stats, aggregate, monitors). */
  flows(c: RuleCriteria): OfpResult<Rule[]>;
  /** Credits pending datapath statistics to rules (before reporting counters). */
  pushStats(): void;
  tableMod(tableId: number, miss: TableMissConfig): OfpResult<void>;
  tables(): TableInfo[];

  groupMod(gm: GroupMod): OfpResult<GroupModOutcome>;
  groupList(): Group[];
  groupStats(groupId: number): GroupStats | undefined;
  meterMod(mm: MeterMod): OfpResult<MeterModOutcome>;
  meterList(): Meter[];
  meterStats(meterId: number): MeterStats | undefined;

  portDescs(): PortDesc[];
  portDesc(ofPort: number): PortDesc | undefined;
  portMod(ofPort: number, config: number, mask: number, hwAddr?: number): OfpResult<void>;
  portCounters(ofPort: number): PortCounters | undefined;

  /** OVS ofproto_packet_out: translate `actions` for the packet and execute the result. */
  packetOut(po: PacketOutRequest): OfpResult<void>;
  /** OVS nxt_resume: carry on a paused pipeline from its continuation (NXT_RESUME). */
  resume(req: ResumeRequest): OfpResult<void>;

  /** Controllers are configured (a change flushes the tables, as OVS connmgr_set_controllers does). */
  setHasControllers(has: boolean): void;
  /** Some controller connection is up. */
  setControllerConnected(connected: boolean): void;
  /** Some connected controller wants table misses as packet-ins (OpenFlow < 1.3, controller id 0). */
  setWantsPacketInOnMiss(wants: boolean): void;
  readonly failMode: FailMode;
  setFailMode(mode: FailMode): void;
  /** Installs or removes the hidden fail-open rule (catch-all, actions=NORMAL, above every visible rule). */
  setFailOpenRule(on: boolean): void;
  /** Flushes all flows, groups and meters (OVS ofproto_flush_flows). */
  flush(): void;

  checkpoint(): SwitchCheckpoint;
  rollback(cp: SwitchCheckpoint): void;
}
