/*
 * The revalidator (OVS ofproto-dpif-upcall.c revalidate() and revalidator_sweep()): dumps
 * the datapath flows and, for each,
 *   - deletes it when idle longer than max-idle (100 ms while over the flow limit; every
 *     flow while over twice the limit), crediting its final stats;
 *   - re-translates it (no side effects) when some bridge changed since it was translated:
 *     deleted if the new translation needs bits the installed mask wildcards, modified in
 *     place if only the actions changed;
 *   - pushes the stats accumulated since the last pass to the rules, tables, meters,
 *     groups and MAC entries its translation used.
 * Ukeys whose flows vanished from the datapath are dropped. While over the flow limit the
 * least recently used flows are deleted until it is met.
 */
import { DpifError, FlowPutFlags, type DpFlow, type DpFlowStats, type DpFlowTerse } from '../datapath/dpif.js';
import { DP_KEY_WORDS, W_IN_PORT } from '../flow/layout.js';
import type { Backer } from './backer.js';
import { slowPathAction } from './handler.js';
import { pushStats } from './push-stats.js';
import { dpActionsEqual, Ukey, type TableLookup } from './ukey.js';
import { xlate } from './xlate/xlate.js';


/** How often the daemon should call revalidate() (OVS ofproto_max_revalidator default, ms). */
export const REVALIDATE_INTERVAL = 500;

export interface RevalidateResult {
  /** Flows dumped, kept, modified, deleted (idle, revalidation, flow limit). */
  dumped: number;
  kept: number;
  modified: number;
  deletedIdle: number;
  deletedReval: number;
  deletedLimit: number;
  /** Flows re-translated because of a change. */
  revalidated: number;
}

const enum Verdict {
  KEEP,
  MODIFY,
  DELETE,
}

export class Revalidator {
  private dumpSeq = 0;

  constructor(private readonly backer: Backer) {}

  /** One revalidation pass (the daemon runs it every REVALIDATE_INTERVAL ms). */
  revalidate(now: number = this.backer.clock.now()): RevalidateResult {
    const backer = this.backer;
    for (const b of backer.bridges) b.checkMacVersion();
    const seq = backer.revalSeq;
    const dumpSeq = ++this.dumpSeq;
    // A terse dump (ufid + stats): the ukeys hold keys, masks and actions (OVS dumps terse too).
    const flows = backer.dpif.flowDumpTerse();
    const limit = backer.flowLimit;
    const nFlows = flows.length;
    const killAll = nFlows > 2 * limit;
    const maxIdle = nFlows > limit ? 100 : backer.maxIdle;
    const res: RevalidateResult = { dumped: nFlows, kept: 0, modified: 0, deletedIdle: 0, deletedReval: 0, deletedLimit: 0, revalidated: 0 };
    const live: Ukey[] = [];
    for (let i = 0; i < flows.length; i++) {
      const f = flows[i]!;
      let ukey = backer.ukeys.get(f.ufid);
      if (ukey === undefined) {
        ukey = this.adopt(f, now);
        if (ukey === undefined) {
          this.deleteFlow(f.ufid, null);
          res.deletedReval++;
          continue;
        }
      }
      ukey.dumpSeq = dumpSeq;
      const used = f.used || ukey.used || ukey.created;
      if (killAll || used < now - maxIdle) {
        this.deleteFlow(f.ufid, ukey);
        res.deletedIdle++;
        continue;
      }
      let verdict = Verdict.KEEP;
      if (ukey.revalSeq !== seq) {
        res.revalidated++;
        verdict = this.revalidateUkey(ukey, now, seq);
      }
      if (verdict === Verdict.DELETE) {
        this.deleteFlow(f.ufid, ukey);
        res.deletedReval++;
        continue;
      }
      if (verdict === Verdict.MODIFY) {
        try {
          backer.dpif.flowPut({ key: ukey.flow, mask: ukey.mask, actions: ukey.actions, flags: FlowPutFlags.MODIFY });
          res.modified++;
        } catch (e) {
          if (!(e instanceof DpifError)) throw e;
          this.deleteFlow(f.ufid, ukey);
          res.deletedReval++;
          continue;
        }
      } else {
        res.kept++;
      }
      this.push(ukey, f, now);
      live.push(ukey);
    }
    // Ukeys whose datapath flow is gone (deleted behind our back, e.g. dpctl/del-flows).
    for (const u of [...backer.ukeys.values()]) if (u.dumpSeq !== dumpSeq) backer.ukeys.delete(u);
    // Over the limit: the least recently used flows go first.
    if (live.length > limit) {
      live.sort((a, b) => (a.used || a.created) - (b.used || b.created));
      for (let i = 0; live.length - i > limit; i++) {
        this.deleteFlow(live[i]!.ufid, live[i]!);
        res.deletedLimit++;
        res.kept--;
      }
    }
    return res;
  }

  /** Credits every flow's new stats now without revalidating (before dump-flows). */
  pushStatsNow(now: number = this.backer.clock.now()): void {
    for (const f of this.backer.dpif.flowDumpTerse()) {
      const u = this.backer.ukeys.get(f.ufid);
      if (u !== undefined) this.push(u, f, now);
    }
  }

  /** revalidator/purge: deletes every datapath flow, crediting final stats. */
  purge(): number {
    let n = 0;
    for (const f of this.backer.dpif.flowDumpTerse()) {
      this.deleteFlow(f.ufid, this.backer.ukeys.get(f.ufid) ?? null);
      n++;
    }
    this.backer.ukeys.clear();
    return n;
  }

  /**
   * A ukey for a flow someone else installed (OVS ukey_create_from_dpif_flow, which also
   * fetches the whole flow after a terse dump): revalidated at once.
   */
  private adopt(t: DpFlowTerse, now: number): Ukey | undefined {
    const f: DpFlow | undefined = this.backer.dpif.flowGetByUfid(t.ufid);
    if (f === undefined) return undefined;
    const owner = this.backer.ownerOf(f.key[W_IN_PORT]!);
    if (owner === undefined) return undefined;
    const u = new Ukey(f.ufid, f.key, f.mask, f.actions, owner.bridge, [], [], [], [], -1, now);
    this.backer.ukeys.add(u);
    return u;
  }

  /** OVS revalidate_ukey__: translate again and compare with what is installed. */
  private revalidateUkey(ukey: Ukey, now: number, seq: number): Verdict {
    const owner = this.backer.ownerOf(ukey.flow[W_IN_PORT]!);
    if (owner === undefined || owner.bridge !== ukey.bridge) return Verdict.DELETE;
    const lookups: TableLookup[] = [];
    this.backer.lookupLog = lookups;
    let res;
    try {
      res = xlate(ukey.bridge, ukey.flow, { sideEffects: false, now });
    } finally {
      this.backer.lookupLog = null;
    }
    // The installed flow is too generic if the new translation looks at bits it wildcards.
    const m = ukey.mask;
    for (let i = 0; i < DP_KEY_WORDS; i++) if ((res.mask[i]! & ~m[i]!) !== 0) return Verdict.DELETE;
    const actions = res.slowPath ? [slowPathAction(res.slow)] : res.actions;
    ukey.rules = res.rules;
    ukey.groups = res.groups;
    ukey.normals = res.normals;
    ukey.lookups = lookups;
    ukey.revalSeq = seq;
    if (dpActionsEqual(actions, ukey.actions)) return Verdict.KEEP;
    ukey.actions = actions;
    return Verdict.MODIFY;
  }

  private push(u: Ukey, s: DpFlowStats, now: number): void {
    const dp = s.packets - u.packets;
    const db = s.bytes - u.bytes;
    if (dp > 0) {
      pushStats(u.rules, u.groups, u.lookups, u.normals, dp, db, s.used, s.tcpFlags, this.backer.bridgeByName, now, u.learns);
      u.used = s.used;
    }
    u.packets = s.packets;
    u.bytes = s.bytes;
  }

  /** Deletes a datapath flow and credits what it did since the last push. */
  private deleteFlow(ufid: string, u: Ukey | null): void {
    let s: DpFlowStats | null = null;
    try {
      s = this.backer.dpif.flowDelByUfid(ufid);
    } catch (e) {
      if (!(e instanceof DpifError)) throw e;
    }
    if (u !== null) {
      if (s !== null) this.push(u, s, this.backer.clock.now());
      this.backer.ukeys.delete(u);
    }
  }
}
