/*
 * The OpenFlow tables of a bridge (OVS struct oftable and the rule bookkeeping of
 * ofproto.c): one Classifier<Rule> per table, per-table config (name, flow limit,
 * eviction, table-miss behaviour, hidden/read-only), rule selection for flow-mods and
 * statistics requests (loose and strict matching with cookie, out_port and out_group
 * filters, OVS collect_rules_loose/strict), and the list of rules with timeouts.
 */
import { FLOW_WORDS } from '../flow/layout.js';
import { Classifier, type ClassifierOptions } from './classifier/classifier.js';
import { OFPERR, fail, ok, type OfpResult } from './ofperr.js';
import { outputsToGroup, outputsToPort } from './ofp-actions.js';
import { OFPP_ANY } from './ofp-port.js';
import type { Rule } from './rule.js';
import type { TableMissConfig } from './xlate-bridge.js';

/** OVS N_TABLES: tables 0..254. */
export const N_TABLES = 255;
/** "All tables" in flow-mods and requests (OFPTT_ALL). */
export const OFPTT_ALL = 0xff;
/** OVS TBL_INTERNAL: the hidden, read-only table of ofproto-dpif's internal rules. */
export const TBL_INTERNAL = N_TABLES - 1;
/** "Any group" in out_group filters (OFPG_ANY). */
export const OFPG_ANY = 0xffffffff;

export class OfTable {
  readonly cls: Classifier<Rule>;
  /** Name for table features / dump-tables (null: OVS prints "table<N>"). */
  name: string | null = null;
  /** Most rules the table may hold (Flow_Table flow_limit). */
  maxFlows = Infinity;
  /** Evict rules with timeouts to make room (Flow_Table overflow_policy=evict). */
  eviction = false;
  miss: TableMissConfig = 'default';
  readonly hidden: boolean;
  readonly readonly: boolean;
  /** Lookups and matches, for table statistics. */
  nLookup = 0;
  nMatched = 0;

  constructor(
    readonly id: number,
    clsOpts?: ClassifierOptions,
  ) {
    this.cls = new Classifier<Rule>(clsOpts);
    this.hidden = this.readonly = id === TBL_INTERNAL;
  }

  get nFlows(): number {
    return this.cls.count;
  }
}

/** Which rules a flow-mod or a stats request is about (OVS struct rule_criteria). */
export interface RuleCriteria {
  /** A table, or OFPTT_ALL. */
  readonly tableId: number;
  readonly key: Uint32Array;
  readonly mask: Uint32Array;
  /** Used by strict matching only. */
  readonly priority: number;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  /** OFPP_ANY for no filter. */
  readonly outPort: number;
  /** OFPG_ANY for no filter. */
  readonly outGroup: number;
  /** Also select rules in hidden tables. */
  readonly includeHidden?: boolean;
  /** Also select rules in read-only tables (else finding only those is OFPBRC_EPERM). */
  readonly includeReadonly?: boolean;
}

export function criteriaAll(tableId = OFPTT_ALL): RuleCriteria {
  return {
    tableId,
    key: new Uint32Array(FLOW_WORDS),
    mask: new Uint32Array(FLOW_WORDS),
    priority: 0,
    cookie: 0n,
    cookieMask: 0n,
    outPort: OFPP_ANY,
    outGroup: OFPG_ANY,
  };
}

export class FlowTables {
  readonly tables: OfTable[] = [];
  /** Rules with an idle or hard timeout (OVS ofproto->expirable). */
  readonly expirable = new Set<Rule>();

  constructor(
    readonly nTables: number = N_TABLES,
    clsOpts?: ClassifierOptions,
  ) {
    for (let i = 0; i < nTables; i++) this.tables.push(new OfTable(i, clsOpts));
  }

  /** OVS check_table_id. */
  checkTableId(tableId: number): boolean {
    return tableId === OFPTT_ALL || (tableId >= 0 && tableId < this.nTables);
  }

  get nRules(): number {
    let n = 0;
    for (const t of this.tables) n += t.nFlows;
    return n;
  }

  /** Puts a rule into its table, returning the rule it replaced (same match and priority). */
  insert(rule: Rule): Rule | null {
    const old = this.tables[rule.tableId]!.cls.insert(rule, rule.conjunctions);
    if (old !== null) this.expirable.delete(old.data);
    if (rule.hasTimeouts) this.expirable.add(rule);
    return old === null ? null : old.data;
  }

  remove(rule: Rule): boolean {
    this.expirable.delete(rule);
    return this.tables[rule.tableId]!.cls.remove(rule);
  }

  /** OVS collect_rule: the filters besides the match. */
  private passes(rule: Rule, c: RuleCriteria): boolean {
    return (
      (c.outPort === OFPP_ANY || outputsToPort(rule.actions, c.outPort)) &&
      (c.outGroup === OFPG_ANY || outputsToGroup(rule.actions, c.outGroup)) &&
      ((rule.cookie ^ c.cookie) & c.cookieMask) === 0n
    );
  }

  private collect(c: RuleCriteria, find: (t: OfTable) => Iterable<Rule>): OfpResult<Rule[]> {
    if (!this.checkTableId(c.tableId)) return fail(OFPERR.OFPBRC_BAD_TABLE_ID);
    const out: Rule[] = [];
    let nReadonly = 0;
    const first = c.tableId === OFPTT_ALL ? 0 : c.tableId;
    const last = c.tableId === OFPTT_ALL ? this.nTables - 1 : c.tableId;
    for (let t = first; t <= last; t++) {
      const table = this.tables[t]!;
      if (table.nFlows === 0) continue;
      if (table.hidden && !c.includeHidden) continue;
      for (const r of find(table)) {
        if (!this.passes(r, c)) continue;
        if (table.readonly && !c.includeReadonly) nReadonly++;
        else out.push(r);
      }
    }
    if (out.length === 0 && nReadonly > 0) return fail(OFPERR.OFPBRC_EPERM);
    return ok(out);
  }

  /** Rules whose match is at least as specific as the criteria's (OFPFC_MODIFY / DELETE, stats). */
  collectLoose(c: RuleCriteria): OfpResult<Rule[]> {
    return this.collect(c, (t) => t.cls.findLoose(c.key, c.mask).map((r) => r.data));
  }

  /** The rule with exactly the criteria's match and priority, per table (the _STRICT commands). */
  collectStrict(c: RuleCriteria): OfpResult<Rule[]> {
    return this.collect(c, (t) => {
      const r = t.cls.findExact(c.key, c.mask, c.priority);
      return r === null ? [] : [r.data];
    });
  }

  /** Every rule of visible tables (or of one table), in table order. */
  allRules(tableId = OFPTT_ALL, includeHidden = false): Rule[] {
    const out: Rule[] = [];
    for (const t of this.tables) {
      if (tableId !== OFPTT_ALL && t.id !== tableId) continue;
      if (t.hidden && !includeHidden) continue;
      for (const r of t.cls.rules()) out.push(r.data);
    }
    return out;
  }

  /** Rules due to expire at `now` with their OFPRR_* reason (OVS rule_expire). */
  expired(now: number): Array<{ rule: Rule; reason: number }> {
    const out: Array<{ rule: Rule; reason: number }> = [];
    for (const r of this.expirable) {
      const reason = r.expiry(now);
      if (reason >= 0) out.push({ rule: r, reason });
    }
    return out;
  }

  /**
   * The rule to evict from a full table (OVS choose_rule_to_evict): only rules with a
   * timeout are candidates; the least important goes first, then the one closest to expiring.
   */
  chooseEviction(table: OfTable): Rule | null {
    let best: Rule | null = null;
    let bestExp = Infinity;
    for (const r of this.expirable) {
      if (r.tableId !== table.id) continue;
      let exp = Infinity;
      if (r.hardTimeout) exp = Math.min(exp, r.modified + r.hardTimeout * 1000);
      if (r.idleTimeout) exp = Math.min(exp, r.used + r.idleTimeout * 1000);
      if (best === null || r.importance < best.importance || (r.importance === best.importance && exp < bestExp)) {
        best = r;
        bestExp = exp;
      }
    }
    return best;
  }
}
