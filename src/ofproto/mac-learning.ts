/*
 * MAC learning table for NORMAL switching (OVS lib/mac-learning.c): (MAC, VLAN) -> port,
 * idle aging (300 s default), a size limit (8192 default) enforced by evicting fairly
 * (the least recently used entry of the port that holds the most entries), the
 * gratuitous-ARP lock that keeps bond members from re-learning reflected GARPs, static
 * entries, and `fdb/show` text. Time is passed in as milliseconds from an injected clock;
 * like OVS the table keeps whole seconds.
 *
 * `version` bumps whenever forwarding could change (entry added, moved or removed), so the
 * bridge can revalidate megaflows built from older table contents.
 */
import { formatMac } from '../packet/addr.js';
import { OFPP_LOCAL } from './ofp-port.js';
import { coverageCounter } from '../util/coverage.js';

const COV_LEARNED = coverageCounter('mac_learning_learned');
const COV_EXPIRED = coverageCounter('mac_learning_expired');
const COV_EVICTED = coverageCounter('mac_learning_evicted');
const COV_MOVED = coverageCounter('mac_learning_moved');

export const MAC_DEFAULT_MAX = 8192;
/** Default idle time in seconds. */
export const MAC_ENTRY_DEFAULT_IDLE_TIME = 300;
/** Seconds a gratuitous ARP locks an entry against moves learned over bonds. */
export const MAC_GRAT_ARP_LOCK_TIME = 5;
/** `expires` of a static entry. */
export const MAC_ENTRY_STATIC = -1;

export interface MacEntry {
  readonly mac: number;
  readonly vlan: number;
  /** OpenFlow port the MAC was learned on. */
  port: number;
  /** Expiry time in seconds, or MAC_ENTRY_STATIC. */
  expires: number;
  /** Gratuitous-ARP lock expiry in seconds. */
  gratArpLock: number;
}

export interface MacLearningStats {
  learned: number;
  expired: number;
  evicted: number;
  moved: number;
}

function keyOf(mac: number, vlan: number): string {
  return vlan + '/' + mac;
}

function isMulticast(mac: number): boolean {
  // The group bit is the low bit of the first byte (bit 40 of the 48-bit number).
  return Math.floor(mac / 0x10000000000) % 2 === 1;
}

const toSec = (nowMs: number): number => Math.floor(nowMs / 1000);

function normalizeIdle(s: number): number {
  return s < 15 ? 15 : s > 3600 ? 3600 : Math.floor(s);
}

export class MacLearning {
  /** All entries, in least-recently-used-first order (Map keeps insertion order). */
  private readonly lru = new Map<string, MacEntry>();
  /** Per port: its entries in LRU order, for fair eviction. */
  private readonly byPort = new Map<number, Map<string, MacEntry>>();
  private idle: number;
  private max = MAC_DEFAULT_MAX;
  private floodVlans: ReadonlySet<number> | null = null;
  private staticCount = 0;
  private needRevalidate = false;
  /** Bumps on every change that can change forwarding. */
  version = 0;
  readonly stats: MacLearningStats = { learned: 0, expired: 0, evicted: 0, moved: 0 };

  constructor(opts: { idleTime?: number; maxEntries?: number } = {}) {
    this.idle = normalizeIdle(opts.idleTime ?? MAC_ENTRY_DEFAULT_IDLE_TIME);
    if (opts.maxEntries !== undefined) this.setMaxEntries(opts.maxEntries);
  }

  get idleTime(): number {
    return this.idle;
  }
  get maxEntries(): number {
    return this.max;
  }
  get size(): number {
    return this.lru.size;
  }
  get staticEntries(): number {
    return this.staticCount;
  }

  /** Idle time in seconds, clamped to [15, 3600] as OVS does; live entries keep their age. */
  setIdleTime(seconds: number): void {
    const idle = normalizeIdle(seconds);
    if (idle === this.idle) return;
    const delta = idle - this.idle;
    for (const e of this.lru.values()) if (e.expires !== MAC_ENTRY_STATIC) e.expires += delta;
    this.idle = idle;
  }

  /** Size limit, clamped to [10, 1000000]; the excess is expired by run(). */
  setMaxEntries(n: number): void {
    this.max = n < 10 ? 10 : n > 1_000_000 ? 1_000_000 : Math.floor(n);
  }

  /** VLANs on which nothing is learned (always flooded); null = none. */
  setFloodVlans(vlans: Iterable<number> | null): void {
    this.floodVlans = vlans ? new Set(vlans) : null;
    this.changed();
  }

  private changed(): void {
    this.needRevalidate = true;
    this.version++;
  }

  private isLearningVlan(vlan: number): boolean {
    return this.floodVlans === null || !this.floodVlans.has(vlan);
  }

  mayLearn(mac: number, vlan: number): boolean {
    return this.isLearningVlan(vlan) && !isMulticast(mac);
  }

  /** Age in seconds, or MAC_ENTRY_STATIC for a static entry. */
  age(e: MacEntry, nowMs: number): number {
    if (e.expires === MAC_ENTRY_STATIC) return MAC_ENTRY_STATIC;
    return this.idle - (e.expires - toSec(nowMs));
  }

  isGratArpLocked(e: MacEntry, nowMs: number): boolean {
    return toSec(nowMs) < e.gratArpLock;
  }

  /** The entry for destination `mac` on `vlan` (never for multicast or flood VLANs). */
  lookup(mac: number, vlan: number): MacEntry | undefined {
    if (isMulticast(mac) || !this.isLearningVlan(vlan)) return undefined;
    return this.lru.get(keyOf(mac, vlan));
  }

  private setPort(e: MacEntry, port: number): void {
    if (e.port === port) return;
    this.changed();
    const k = keyOf(e.mac, e.vlan);
    const old = this.byPort.get(e.port);
    if (old) {
      old.delete(k);
      if (old.size === 0) this.byPort.delete(e.port);
    }
    e.port = port;
    let pm = this.byPort.get(port);
    if (!pm) {
      pm = new Map();
      this.byPort.set(port, pm);
    }
    pm.set(k, e);
  }

  private remove(e: MacEntry): void {
    const k = keyOf(e.mac, e.vlan);
    this.lru.delete(k);
    const pm = this.byPort.get(e.port);
    if (pm) {
      pm.delete(k);
      if (pm.size === 0) this.byPort.delete(e.port);
    }
    if (e.expires === MAC_ENTRY_STATIC) this.staticCount--;
    this.changed();
  }

  /** Evicts the least recently used entry of the port with the most entries. */
  private evictFairly(): void {
    let best: Map<string, MacEntry> | null = null;
    let bestOldest = -1;
    // Ties between equally loaded ports go to the one whose oldest entry is oldest overall.
    let rank = 0;
    const order = new Map<MacEntry, number>();
    for (const e of this.lru.values()) order.set(e, rank++);
    for (const pm of this.byPort.values()) {
      const oldest = pm.values().next().value as MacEntry;
      const r = order.get(oldest)!;
      if (!best || pm.size > best.size || (pm.size === best.size && r < bestOldest)) {
        best = pm;
        bestOldest = r;
      }
    }
    if (!best) return;
    const victim = best.values().next().value as MacEntry;
    this.stats.evicted++;
    COV_EVICTED.count++;
    this.remove(victim);
  }

  /** Inserts or refreshes (mac, vlan); the entry becomes most recently used. */
  private insert(mac: number, vlan: number, isStatic: boolean, nowMs: number): MacEntry {
    const k = keyOf(mac, vlan);
    let e = this.lru.get(k);
    if (!e) {
      if (this.lru.size >= this.max) this.evictFairly();
      e = { mac, vlan, port: -1, expires: 0, gratArpLock: -Infinity };
      if (!isStatic) {
        this.stats.learned++;
        COV_LEARNED.count++;
      }
    } else {
      this.lru.delete(k);
      const pm = this.byPort.get(e.port);
      if (pm) {
        pm.delete(k);
        pm.set(k, e);
      }
    }
    this.lru.set(k, e);
    if (isStatic) {
      if (e.expires !== MAC_ENTRY_STATIC) this.staticCount++;
      e.expires = MAC_ENTRY_STATIC;
    } else {
      e.expires = toSec(nowMs) + this.idle;
    }
    return e;
  }

  private updateNeeded(mac: number, vlan: number, isGratArp: boolean, isBond: boolean, port: number, nowMs: number): boolean {
    if (!this.mayLearn(mac, vlan)) return false;
    const e = this.lru.get(keyOf(mac, vlan));
    if (!e) return true;
    const age = this.age(e, nowMs);
    if (age === MAC_ENTRY_STATIC) return false;
    if (age > 0) return true; // refresh
    if (isGratArp) {
      if (!isBond) return true;
      if (this.isGratArpLocked(e, nowMs)) return false;
    }
    return e.port !== port;
  }

  /**
   * Learns that `mac` on `vlan` is behind `port` (OVS mac_learning_update). Returns true
   * when the table changed in a way that can change forwarding (new entry or a move).
   */
  update(mac: number, vlan: number, port: number, isGratArp: boolean, isBond: boolean, nowMs: number): boolean {
    if (!this.updateNeeded(mac, vlan, isGratArp, isBond, port, nowMs)) return false;
    const e = this.insert(mac, vlan, false, nowMs);
    if (isGratArp) {
      if (!isBond) e.gratArpLock = toSec(nowMs) + MAC_GRAT_ARP_LOCK_TIME;
      else if (this.isGratArpLocked(e, nowMs)) return false;
    }
    if (e.port !== port) {
      if (e.port !== -1) {
        this.stats.moved++;
        COV_MOVED.count++;
      }
      this.setPort(e, port);
      return true;
    }
    return false;
  }

  addStatic(mac: number, vlan: number, port: number, nowMs: number): void {
    const e = this.insert(mac, vlan, true, nowMs);
    this.setPort(e, port);
  }

  delStatic(mac: number, vlan: number): boolean {
    const e = this.lru.get(keyOf(mac, vlan));
    if (!e || e.expires !== MAC_ENTRY_STATIC) return false;
    this.remove(e);
    return true;
  }

  /** Ages entries out and enforces the size limit. Returns whether flows need revalidation. */
  run(nowMs: number): boolean {
    const now = toSec(nowMs);
    for (const e of [...this.lru.values()]) {
      if (e.expires === MAC_ENTRY_STATIC) continue;
      if (!(this.lru.size > this.max || now >= e.expires)) break;
      this.stats.expired++;
      COV_EXPIRED.count++;
      this.remove(e);
    }
    const r = this.needRevalidate;
    this.needRevalidate = false;
    return r;
  }

  /** Removes every dynamic entry (static ones stay), as `fdb/flush`. */
  flush(): void {
    for (const e of [...this.lru.values()]) if (e.expires !== MAC_ENTRY_STATIC) this.remove(e);
  }

  /** Removes the entries learned on `port` (port deleted or reconfigured). */
  flushPort(port: number): void {
    const pm = this.byPort.get(port);
    if (!pm) return;
    for (const e of [...pm.values()]) this.remove(e);
  }

  /** Entries from least to most recently used. */
  entries(): IterableIterator<MacEntry> {
    return this.lru.values();
  }

  /** The `fdb/show` text (header plus one line per entry, LRU order). */
  fdbShow(nowMs: number, portName: (ofPort: number) => string = defaultPortName): string {
    let s = ' port  VLAN  MAC                Age\n';
    for (const e of this.lru.values()) {
      const age = this.age(e, nowMs);
      s += portName(e.port).padStart(5) + '  ' + String(e.vlan).padStart(4) + '  ' + formatMac(e.mac) + '  ';
      s += age === MAC_ENTRY_STATIC ? 'static\n' : String(age).padStart(3) + '\n';
    }
    return s;
  }
}

/** OpenFlow port number as OVS prints it without a name map. */
export function defaultPortName(ofPort: number): string {
  return ofPort === OFPP_LOCAL ? 'LOCAL' : String(ofPort);
}
