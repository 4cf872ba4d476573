/*
 * An OpenFlow rule (OVS struct rule + rule_dpif): match, priority, cookie, actions, flags,
 * timeouts, importance, times (ms from the injected clock) and counters. A rule is never
 * changed in place by a flow-mod: a modify makes a new Rule that replaces the old one in the
 * classifier (as OVS does), and when counters are kept the old rule forwards the stats that
 * datapath flows still credit to it (`successor`, OVS rule_dpif->new_rule).
 * A rule whose actions are conjunction(...) (OVS allows only note besides) is one clause of
 * a conjunctive match: its `conjunctions` go into the classifier with it (OVS get_conjunctions).
 */
import { OfpactType, meterOf, type ConjunctionAct, type FinTimeoutAct, type OfpAction } from './ofp-actions.js';
import type { ClsConjunction, ClsRule } from './classifier/classifier.js';
import type { XlateRule } from './xlate-bridge.js';
import type { RuleSnapshot } from './ofproto-events.js';

/** Flow-mod flags as ofproto keeps them (OVS OFPUTIL_FF_*; the wire bits, OFPFF_*, differ by version: the codec maps them). */
export const OFPUTIL_FF_SEND_FLOW_REM = 1 << 0;
export const OFPUTIL_FF_NO_PKT_COUNTS = 1 << 1;
export const OFPUTIL_FF_NO_BYT_COUNTS = 1 << 2;
export const OFPUTIL_FF_CHECK_OVERLAP = 1 << 3;
export const OFPUTIL_FF_RESET_COUNTS = 1 << 4;
/** The flags a rule keeps (OVS OFPUTIL_FF_STATE: all of the above, never the internal ones). */
export const OFPUTIL_FF_STATE = 0x1f;

/** Where a rule's meter statistics go (its bridge). */
export interface RuleOwner {
  readonly name: string;
  creditMeter(meterId: number, packets: number, bytes: number): void;
}

export interface RuleInit {
  tableId: number;
  priority: number;
  key: Uint32Array;
  mask: Uint32Array;
  cookie: bigint;
  actions: readonly OfpAction[];
  flags: number;
  idleTimeout: number;
  hardTimeout: number;
  importance: number;
  now: number;
}

export class Rule implements XlateRule<OfpAction>, ClsRule<Rule> {
  readonly data: Rule;
  readonly tableId: number;
  readonly priority: number;
  readonly key: Uint32Array;
  readonly mask: Uint32Array;
  readonly cookie: bigint;
  readonly actions: readonly OfpAction[];
  readonly flags: number;
  /** Seconds, 0 = none. fin_timeout may lower them. */
  idleTimeout: number;
  hardTimeout: number;
  readonly importance: number;
  /** Clock ms: when added (kept across modifies), last modified (hard timeout base), last used. */
  created: number;
  modified: number;
  used: number;
  packetCount = 0;
  byteCount = 0;
  /** Set once the rule has left its table; -1 while it is in. */
  removedReason = -1;
  /** The rule that replaced this one with its counters (stats credited here go on there). */
  successor: Rule | null = null;
  /** The bridge, set when the rule enters a table. */
  owner: RuleOwner | null = null;
  /** Meter of the meter instruction (0 = none), groups of group actions, fin_timeout values. */
  readonly meterId: number;
  readonly groupIds: readonly number[];
  readonly finIdleTimeout: number;
  readonly finHardTimeout: number;
  /** The conjunction actions (a soft match in the classifier), or null for an ordinary rule. */
  readonly conjunctions: readonly ClsConjunction[] | null;

  constructor(i: RuleInit) {
    this.data = this;
    this.tableId = i.tableId;
    this.priority = i.priority;
    this.key = i.key;
    this.mask = i.mask;
    this.cookie = BigInt.asUintN(64, i.cookie);
    this.actions = i.actions;
    this.flags = i.flags & OFPUTIL_FF_STATE;
    this.idleTimeout = i.idleTimeout;
    this.hardTimeout = i.hardTimeout;
    this.importance = i.importance;
    this.created = i.now;
    this.modified = i.now;
    this.used = i.now;
    this.meterId = meterOf(i.actions);
    this.groupIds = [...actionGroups(i.actions)];
    let fin: FinTimeoutAct | null = null;
    for (const a of i.actions) if (a.type === OfpactType.FIN_TIMEOUT) fin = a;
    this.finIdleTimeout = fin ? fin.idleTimeout : 0;
    this.finHardTimeout = fin ? fin.hardTimeout : 0;
    this.conjunctions = conjunctionsOf(i.actions);
  }

  get removed(): boolean {
    return this.removedReason >= 0;
  }

  get hasTimeouts(): boolean {
    return this.idleTimeout !== 0 || this.hardTimeout !== 0;
  }

  /** Adds datapath stats (OVS rule_dpif_credit_stats), following replacements that kept counts. */
  credit(packets: number, bytes: number, used: number): void {
    if (this.successor !== null) {
      this.successor.credit(packets, bytes, used);
      return;
    }
    this.packetCount += packets;
    this.byteCount += bytes;
    if (used > this.used) this.used = used;
  }

  /** OVS rule_reduce_timeouts (fin_timeout): only ever lowers a timeout. */
  reduceTimeouts(idle: number, hard: number): void {
    if (idle && (!this.idleTimeout || idle < this.idleTimeout)) this.idleTimeout = idle;
    if (hard && (!this.hardTimeout || hard < this.hardTimeout)) this.hardTimeout = hard;
  }

  /** The OFPRR_* reason this rule should expire for at `now`, or -1 (OVS rule_expire). */
  expiry(now: number): number {
    if (this.hardTimeout && now > this.modified + this.hardTimeout * 1000) return 1; // OFPRR_HARD_TIMEOUT
    if (this.idleTimeout && now > this.used + this.idleTimeout * 1000) return 0; // OFPRR_IDLE_TIMEOUT
    return -1;
  }

  snapshot(now: number): RuleSnapshot {
    return {
      tableId: this.tableId,
      priority: this.priority,
      key: this.key,
      mask: this.mask,
      cookie: this.cookie,
      idleTimeout: this.idleTimeout,
      hardTimeout: this.hardTimeout,
      importance: this.importance,
      flags: this.flags,
      packetCount: this.packetCount,
      byteCount: this.byteCount,
      durationMs: Math.max(0, now - this.created),
    };
  }
}

/**
 * The conjunction actions of a rule's action list, or null if it has none (OVS
 * get_conjunctions: only top-level actions; the parsers allow note actions alone besides).
 */
export function conjunctionsOf(acts: readonly OfpAction[]): ConjunctionAct[] | null {
  let out: ConjunctionAct[] | null = null;
  for (const a of acts) if (a.type === OfpactType.CONJUNCTION) (out ??= []).push(a);
  return out;
}

/** Groups the actions refer to (group actions, also inside clone / write_actions). */
export function actionGroups(acts: readonly OfpAction[], out: Set<number> = new Set()): Set<number> {
  for (const a of acts) {
    if (a.type === OfpactType.GROUP) out.add(a.groupId);
    else if (a.type === OfpactType.CLONE || a.type === OfpactType.WRITE_ACTIONS) actionGroups(a.actions, out);
  }
  return out;
}
