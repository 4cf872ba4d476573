/*
 * The upcall handler (OVS ofproto-dpif-upcall.c handler side): pulls upcalls from the
 * backer's datapath in batches and, for each
 *   MISS:   translates the flow with side effects (MAC learning, learn), credits the packet
 *           to the rules it hit, installs the megaflow (key & mask, actions; a slow-path
 *           translation installs a userspace(slow_path) action instead) unless the flow
 *           limit is reached, keeps a ukey for it, and executes the packet;
 *   ACTION: controller userdata becomes a packet-in event on the bridge that asked for it;
 *           slow_path userdata is translated and executed again, without installing (and
 *           without crediting stats: the datapath flow counted the packet).
 */
import { DpActionType, type DpAction } from '../datapath/actions.js';
import { DpifError, FlowPutFlags, UpcallType, type Upcall } from '../datapath/dpif.js';
import { DP_KEY_WORDS, FLOW_WORDS, N_REGS, W_IN_PORT, W_METADATA, W_REG0, W_TCP_FLAGS } from '../flow/layout.js';
import type { Backer } from './backer.js';
import type { Bridge } from './bridge.js';
import { pushStats } from './push-stats.js';
import { megaflowHash, Ukey, type LearnRef, type TableLookup } from './ukey.js';
import { xlate } from './xlate/xlate.js';
import type { XlateOptions } from './xlate/context.js';
import type { OfpAction } from './ofp-actions.js';
import { decodeControllerUserdata, decodeSlowPathUserdata, encodeSlowPathUserdata } from './xlate/userdata.js';
import { clearConntrack } from './xlate/output.js';
import { continuationOf } from './continuation.js';
import { coverageCounter } from '../util/coverage.js';

const COV_FLOW_LIMIT_HIT = coverageCounter('upcall_flow_limit_hit');

/** OVS UPCALL_MAX_BATCH. */
export const UPCALL_MAX_BATCH = 64;

const OFPCML_NO_BUFFER = 0xffff;

/** The mask of exact-match flows (megaflows disabled): every datapath word. */
const EXACT_MASK: Uint32Array = (() => {
  const m = new Uint32Array(FLOW_WORDS);
  m.fill(0xffffffff, 0, DP_KEY_WORDS);
  return m;
})();

/** The learn list of the (many) ukeys whose translation learned nothing; never written. */
const NO_LEARNS: readonly LearnRef[] = [];

export interface HandlerStats {
  /** Upcalls handled, by kind. */
  misses: number;
  actions: number;
  /** Megaflows installed, and installs skipped (already there, flow limit, datapath refusal). */
  installed: number;
  duplicates: number;
  limited: number;
  failed: number;
  packetIns: number;
}

/** The userspace action that sends every packet of a slow-path flow back up (OVS compose_slow_path). */
export function slowPathAction(reasons: number): DpAction {
  return { type: DpActionType.USERSPACE, pid: 0, userdata: encodeSlowPathUserdata(reasons) };
}

function isDrop(actions: readonly DpAction[]): boolean {
  return actions.length === 0 || (actions.length === 1 && actions[0]!.type === DpActionType.DROP);
}

export class Handler {
  readonly stats: HandlerStats = { misses: 0, actions: 0, installed: 0, duplicates: 0, limited: 0, failed: 0, packetIns: 0 };
  /** The last install error the datapath reported (for logs and tests). */
  lastError: string | null = null;
  private readonly batch: Upcall[] = [];
  private running = false;
  private scheduled = false;
  /** Datapath flow count, read once per batch and kept up to date by our installs. */
  private nFlows = 0;
  /** Ufids are a per-handler prefix and a counter: unique, and far cheaper than hashing the key. */
  private readonly ufidPrefix: string;
  private ufidSeq = 0;
  /** Translation options, reused: xlate() reads them and keeps nothing of them. */
  /** Where translate() logs learn actions; the ukey keeps a copy. */
  private readonly learnScratch: LearnRef[] = [];
  private readonly xlateOpts: XlateOptions<OfpAction> = { packet: null, sideEffects: true, now: 0 };

  constructor(private readonly backer: Backer) {
    let h = 0x811c9dc5;
    const name = backer.dpif.name;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    this.ufidPrefix = (h >>> 0).toString(16).padStart(8, '0') + '0000cafe';
  }

  /** The ufid text up to the counter's low 32 bits, rebuilt only when the high bits change. */
  private ufidHi = -1;
  private ufidHead = '';

  private nextUfid(): string {
    const n = ++this.ufidSeq;
    const hi = Math.floor(n / 0x100000000);
    if (hi !== this.ufidHi) {
      this.ufidHi = hi;
      this.ufidHead = this.ufidPrefix + hi.toString(16).padStart(8, '0');
    }
    return this.ufidHead + (n >>> 0).toString(16).padStart(8, '0');
  }

  /**
   * Run on its own whenever the datapath queues an upcall (in a microtask, so a receive
   * burst is handled after the datapath returns). Off by default; tests call handleUpcalls().
   */
  setAutoRun(on: boolean): void {
    this.backer.dpif.setUpcallNotify(on ? () => this.schedule() : null);
    if (on) this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.handleUpcalls();
    });
  }

  /** Handles pending upcalls (up to `max`) in batches; returns how many. Not re-entrant. */
  handleUpcalls(max = Infinity): number {
    if (this.running) return 0;
    this.running = true;
    let total = 0;
    const dpif = this.backer.dpif;
    const buf = this.batch;
    try {
      while (total < max) {
        buf.length = 0;
        this.nFlows = dpif.getStats().nFlows;
        const n = dpif.recvUpcalls(buf, Math.min(UPCALL_MAX_BATCH, max - total));
        if (n === 0) break;
        for (let i = 0; i < n; i++) this.process(buf[i]!);
        total += n;
      }
    } finally {
      buf.length = 0;
      this.running = false;
    }
    return total;
  }

  private process(u: Upcall): void {
    const owner = this.backer.ownerOf(u.key[W_IN_PORT]!);
    if (u.type === UpcallType.MISS) {
      if (owner === undefined) return; // a port no bridge owns any more: drop
      this.stats.misses++;
      this.miss(u, owner.bridge);
    } else {
      // A packet-in names its bridge, whatever port the packet came in on (OVS looks the
      // bridge up by the cookie's ofproto uuid): a resumed packet may come from anywhere.
      this.stats.actions++;
      this.action(u, owner?.bridge);
    }
  }

  private translate(bridge: Bridge, u: Upcall, now: number, lookups: TableLookup[], learns: LearnRef[] | null): ReturnType<typeof xlate> {
    const backer = this.backer;
    backer.lookupLog = lookups;
    backer.learnLog = learns;
    try {
      const opts = this.xlateOpts;
      opts.packet = u.packet;
      opts.now = now;
      return xlate(bridge, u.key, opts);
    } finally {
      this.xlateOpts.packet = null;
      backer.lookupLog = null;
      backer.learnLog = null;
    }
  }

  private miss(u: Upcall, bridge: Bridge): void {
    const backer = this.backer;
    const now = backer.clock.now();
    const lookups: TableLookup[] = [];
    const scratch = this.learnScratch;
    scratch.length = 0;
    const revalSeq = backer.revalSeq;
    const res = this.translate(bridge, u, now, lookups, scratch);
    // Most translations learn nothing: share one empty list instead of keeping a fresh one.
    const learns = scratch.length === 0 ? NO_LEARNS : scratch.slice();
    scratch.length = 0;
    // A MAC learned or moved by this translation invalidates flows translated before it.
    bridge.checkMacVersion();
    // The upcalled packet counts for the rules it went through (OVS resubmit_stats).
    pushStats(res.rules, res.groups, lookups, null, 1, u.packet.len, now, u.key[W_TCP_FLAGS]!, null, now);

    if (this.nFlows >= backer.flowLimit) {
      this.stats.limited++;
      COV_FLOW_LIMIT_HIT.count++;
    } else {
      // The translation's mask is fresh and only has datapath words set; the datapath masks the key.
      const exact = !backer.megaflows;
      const mask = exact ? EXACT_MASK : res.mask;
      const actions = res.slowPath ? [slowPathAction(res.slow)] : res.actions;
      const hash = megaflowHash(u.key, mask);
      if (backer.ukeys.find(u.key, mask, hash) !== undefined) {
        this.stats.duplicates++; // another packet of this flow was handled first
      } else {
        const ufid = this.nextUfid();
        if (this.put(u.key, mask, actions, ufid)) {
          this.nFlows++;
          // The upcall key is lent until the next recvUpcalls and the mask is xlate scratch:
          // the ukey keeps copies of both, in one allocation.
          const kept = new Uint32Array(exact ? FLOW_WORDS : FLOW_WORDS * 2);
          const flow = kept.subarray(0, FLOW_WORDS);
          flow.set(u.key);
          let keptMask = EXACT_MASK;
          if (!exact) {
            keptMask = kept.subarray(FLOW_WORDS);
            keptMask.set(mask);
          }
          const ukey = new Ukey(ufid, flow, keptMask, actions, bridge, res.rules, res.normals, lookups, learns, revalSeq, now);
          ukey.groups = res.groups;
          backer.ukeys.add(ukey, hash);
        }
      }
    }
    if (!isDrop(res.actions)) backer.dpif.execute(u.packet, res.actions);
  }

  private put(key: Uint32Array, mask: Uint32Array, actions: readonly DpAction[], ufid: string): boolean {
    try {
      this.backer.dpif.flowPut({ key, mask, actions, flags: FlowPutFlags.CREATE, ufid });
      this.stats.installed++;
      return true;
    } catch (e) {
      if (!(e instanceof DpifError)) throw e;
      if (e.code === 'EEXIST') this.stats.duplicates++;
      else if (e.code === 'E2BIG') this.stats.limited++;
      else {
        this.stats.failed++;
        this.lastError = e.message;
      }
      return false;
    }
  }

  private action(u: Upcall, bridge: Bridge | undefined): void {
    const c = decodeControllerUserdata(u.userdata);
    if (c !== null) {
      if (c.dontSend) return;
      const target = this.backer.bridgeByName(c.bridge) ?? bridge;
      if (target === undefined) return;
      const bytes = u.packet.bytes();
      const len = c.maxLen !== OFPCML_NO_BUFFER && c.maxLen < bytes.length ? c.maxLen : bytes.length;
      const flow = u.key.slice();
      flow[W_IN_PORT] = c.inPort;
      flow[W_METADATA] = Number(BigInt.asUintN(64, c.metadata) >> 32n);
      flow[W_METADATA + 1] = Number(BigInt.asUintN(32, c.metadata));
      for (let i = 0; i < N_REGS; i++) flow[W_REG0 + i] = c.regs[i]!;
      // The packet-in reports the saved state's table (0 for a pause, OVS finish_freezing),
      // and conntrack fields only when the pipeline had been through conntrack.
      const st = c.recircId ? this.backer.recirc.get(c.recircId) : undefined;
      if (st && !st.conntracked) clearConntrack(flow);
      this.stats.packetIns++;
      target.events.emit('packet-in', {
        bridge: target.name,
        reason: c.reason,
        tableId: st ? st.tableId : c.tableId,
        cookie: c.ruleCookie,
        inPort: c.inPort,
        packet: bytes.slice(0, len),
        totalLen: bytes.length,
        maxLen: c.maxLen,
        controllerId: c.controllerId,
        metadata: c.metadata,
        regs: c.regs,
        flow,
        userdata: c.userdata,
        continuation: c.continuation,
        recircId: c.recircId,
        continuationData: c.continuation && st ? continuationOf(st, target.uuid, u.packet.inPort) : null,
      });
      return;
    }
    if (bridge !== undefined && decodeSlowPathUserdata(u.userdata) !== null) {
      const now = this.backer.clock.now();
      // No stats here: the packet hit a datapath flow, whose counters the revalidator
      // credits to what its translation used (as OVS, which credits only miss upcalls).
      const res = this.translate(bridge, u, now, [], null);
      if (!isDrop(res.actions)) this.backer.dpif.execute(u.packet, res.actions);
    }
  }
}
