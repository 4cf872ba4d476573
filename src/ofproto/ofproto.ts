/*
 * All the bridges of one switch (OVS's all_ofproto_dpifs and all_dpif_backers): creates
 * bridges on the backer of their datapath type, resolves patch ports between bridges of
 * one backer, and drives the periodic work (upcall handling, revalidation, timeouts).
 *
 *   const sw = new Ofproto({ clock });
 *   const br0 = sw.addBridge('br0');
 *   br0.addPort({ name: 'p1', netdev: new DummyNetdev('p1') });
 *   ... sw.handleUpcalls(); sw.revalidate(); sw.run();
 */
import type { DatapathOptions } from '../datapath/datapath.js';
import type { Dpif } from '../datapath/dpif.js';
import { systemClock, type Clock } from '../util/clock.js';
import { Backer } from './backer.js';
import { Bridge, type BridgeOptions, type BridgeRegistry } from './bridge.js';
import { REVALIDATE_INTERVAL, type RevalidateResult } from './revalidator.js';

export interface OfprotoOptions {
  clock?: Clock;
  /** Options for the datapaths the backers create. */
  datapath?: DatapathOptions;
  /** Makes the datapath of a type (default: a new Datapath). */
  dpifFactory?: (type: string) => Dpif;
  /** Handle upcalls as they arrive (in a microtask). Default false: call handleUpcalls(). */
  autoHandle?: boolean;
}

export class Ofproto implements BridgeRegistry {
  readonly clock: Clock;
  private readonly byName = new Map<string, Bridge>();
  private readonly byType = new Map<string, Backer>();
  private flowLimit: number | null = null;
  private maxIdle: number | null = null;

  private readonly opts: OfprotoOptions;

  constructor(opts: OfprotoOptions = {}) {
    this.opts = { ...opts };
    this.clock = opts.clock ?? systemClock;
  }

  // --- bridges ----------------------------------------------------------------------

  addBridge(name: string, opts: BridgeOptions = {}): Bridge {
    if (this.byName.has(name)) throw new Error(`${name}: bridge already exists`);
    if (this.portExists(name)) throw new Error(`${name}: a port with this name already exists`);
    const backer = this.backerFor(opts.datapathType ?? 'netdev');
    const b = new Bridge(name, backer, this, this.clock, opts);
    this.byName.set(name, b);
    backer.bridges.add(b);
    this.refreshPatchPeers();
    return b;
  }

  /** Deletes a bridge with its ports, rules, groups and meters; false if there is none. */
  delBridge(name: string): boolean {
    const b = this.byName.get(name);
    if (!b) return false;
    b.destroy();
    this.byName.delete(name);
    b.backer.bridges.delete(b);
    this.refreshPatchPeers();
    return true;
  }

  bridge(name: string): Bridge | undefined {
    return this.byName.get(name);
  }

  bridges(): Bridge[] {
    return [...this.byName.values()];
  }

  // --- backers ----------------------------------------------------------------------

  backer(type: string): Backer | undefined {
    return this.byType.get(type);
  }

  backers(): Backer[] {
    return [...this.byType.values()];
  }

  private backerFor(type: string): Backer {
    let b = this.byType.get(type);
    if (b) return b;
    b = new Backer(type, {
      clock: this.clock,
      ...(this.opts.datapath ? { datapath: this.opts.datapath } : {}),
      ...(this.opts.dpifFactory ? { dpif: this.opts.dpifFactory(type) } : {}),
      bridgeByName: (n) => this.byName.get(n),
    });
    if (this.flowLimit !== null) b.flowLimit = this.flowLimit;
    if (this.maxIdle !== null) b.maxIdle = this.maxIdle;
    if (this.opts.autoHandle) b.handler.setAutoRun(true);
    this.byType.set(type, b);
    return b;
  }

  // --- BridgeRegistry -------------------------------------------------------------

  portExists(name: string): boolean {
    for (const b of this.byName.values()) if (b.portByName(name)) return true;
    return false;
  }

  /** OVS ofport_update_peer: a patch port's peer is the patch port it names, if that one names it back. */
  refreshPatchPeers(): void {
    for (const b of this.byName.values()) {
      for (const p of b.portsList) {
        if (p.type !== 'patch') continue;
        let peer: { bridge: string; ofPort: number } | null = null;
        for (const b2 of this.byName.values()) {
          if (b2.backer !== b.backer) continue;
          const q = b2.portByName(p.options['peer'] ?? '');
          if (q === undefined) continue;
          if (q.type === 'patch' && q.options['peer'] === p.name) peer = { bridge: b2.name, ofPort: q.ofPort };
          break;
        }
        const cur = p.patchPeer;
        if (cur?.bridge !== peer?.bridge || cur?.ofPort !== peer?.ofPort) {
          p.patchPeer = peer;
          b.changed();
        }
      }
    }
  }

  // --- global settings (Open_vSwitch other_config) ------------------------------------

  /** other_config:flow-limit for every datapath. */
  setFlowLimit(n: number): void {
    this.flowLimit = n;
    for (const b of this.byType.values()) b.flowLimit = n;
  }

  /** other_config:max-idle (ms) for every datapath. */
  setMaxIdle(ms: number): void {
    this.maxIdle = ms;
    for (const b of this.byType.values()) b.maxIdle = ms;
  }

  // --- periodic work --------------------------------------------------------------

  /** Handles every pending upcall of every datapath; returns how many. */
  handleUpcalls(): number {
    let n = 0;
    for (const b of this.byType.values()) n += b.handler.handleUpcalls();
    return n;
  }

  /** One revalidator pass over every datapath. */
  revalidate(now: number = this.clock.now()): RevalidateResult[] {
    return this.backers().map((b) => b.revalidator.revalidate(now));
  }

  /** Credits pending datapath stats to rules (before reporting them). */
  pushStats(now: number = this.clock.now()): void {
    for (const b of this.byType.values()) b.revalidator.pushStatsNow(now);
  }

  /** Rule timeouts, MAC aging and link state of every bridge. */
  run(now: number = this.clock.now()): void {
    for (const b of this.byName.values()) b.run(now);
  }

  private timers: Array<ReturnType<typeof setInterval>> = [];

  /**
   * Runs the switch on its own with real timers: upcalls handled as they arrive, a
   * revalidator pass every REVALIDATE_INTERVAL ms, bridge work every `runMs`. Timers do not
   * keep a Node process alive. stop() ends it.
   */
  start(runMs = 100): void {
    if (this.timers.length > 0) return;
    this.opts.autoHandle = true;
    for (const b of this.byType.values()) b.handler.setAutoRun(true);
    this.timers.push(setInterval(() => this.revalidate(), REVALIDATE_INTERVAL));
    this.timers.push(setInterval(() => this.run(), runMs));
    for (const t of this.timers) (t as { unref?: () => void }).unref?.();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.opts.autoHandle = false;
    for (const b of this.byType.values()) b.handler.setAutoRun(false);
  }
}
