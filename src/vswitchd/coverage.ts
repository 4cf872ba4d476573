/*
 * coverage/show and coverage/read-counter (OVS lib/coverage.c): per-second rates of every
 * coverage counter over the last 5 seconds, minute and hour, from a ring of per-interval
 * counts that run() rolls every COVERAGE_RUN_INTERVAL of the injected clock, plus the hash
 * OVS prints to tell event patterns apart. The counters themselves are in src/util/coverage.ts.
 */
import { coverage, type CoverageCounter, type CoverageRegistry } from '../util/coverage.js';
import type { Clock } from '../util/clock.js';
import { hashBytes, hashInt } from '../ofproto/xlate/ovs-hash.js';
import { UnixctlError } from './unixctl.js';
import type { CommandRegistry } from './bridge-host.js';

/** ms between two rolls of the rate ring (OVS COVERAGE_RUN_INTERVAL). */
export const COVERAGE_RUN_INTERVAL = 5000;
/** Intervals per minute and minutes per hour kept for the averages. */
const MIN_AVG_LEN = 60000 / COVERAGE_RUN_INTERVAL;
const HR_AVG_LEN = 60;
const RING = MIN_AVG_LEN * HR_AVG_LEN;

const utf8 = new TextEncoder();

interface Ring {
  readonly counter: CoverageCounter;
  lastTotal: number;
  /** Counts of the last MIN_AVG_LEN intervals. */
  readonly min: Uint32Array;
  /** Counts of the last HR_AVG_LEN minutes (the current one partly). */
  readonly hr: Uint32Array;
}

function sum(a: Uint32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = (s + a[i]!) >>> 0;
  return s;
}

/** OVS coverage_hash: names grouped by equal non-zero totals, hashed with each group's rank. */
export function coverageHash(counters: readonly CoverageCounter[]): number {
  const sorted = [...counters].sort((a, b) => (a.count !== b.count ? b.count - a.count : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let hash = 0;
  let groups = 0;
  for (let i = 0; i < sorted.length; ) {
    if (sorted[i]!.count === 0) break;
    groups++;
    hash = hashInt(i, hash);
    let j = i;
    for (; j < sorted.length && sorted[j]!.count === sorted[i]!.count; j++) hash = hashBytes(utf8.encode(sorted[j]!.name), hash);
    i = j;
  }
  return hashInt(groups, hash);
}

export class CoverageRates {
  private readonly rings = new Map<CoverageCounter, Ring>();
  /** Intervals rolled so far, modulo the ring (OVS idx_count). */
  private idxCount = 0;
  private runTime: number;

  constructor(
    private readonly clock: Clock,
    private readonly registry: CoverageRegistry = coverage,
  ) {
    this.runTime = clock.now() + COVERAGE_RUN_INTERVAL;
  }

  private ring(c: CoverageCounter): Ring {
    let r = this.rings.get(c);
    if (r === undefined) {
      r = { counter: c, lastTotal: 0, min: new Uint32Array(MIN_AVG_LEN), hr: new Uint32Array(HR_AVG_LEN) };
      this.rings.set(c, r);
    }
    return r;
  }

  /**
   * OVS coverage_run: once an interval has passed, what each counter counted since the last
   * roll goes into the ring; when several intervals passed, it is spread evenly over them.
   */
  run(now: number = this.clock.now()): void {
    if (now < this.runTime) return;
    const slots = Math.floor((now - this.runTime) / COVERAGE_RUN_INTERVAL) + 1;
    // Past a whole ring, earlier slots are overwritten anyway: only the last RING matter.
    const skip = slots > RING ? slots - RING : 0;
    for (const c of this.registry.counters()) {
      const r = this.ring(c);
      const count = (c.count - r.lastTotal) >>> 0;
      r.lastTotal = c.count;
      const portion = Math.floor(count / slots);
      let idx = (this.idxCount + skip) % RING;
      for (let j = skip; j < slots; j++) {
        const m = idx % MIN_AVG_LEN;
        const h = Math.floor(idx / MIN_AVG_LEN);
        r.min[m] = portion + (j === slots - 1 ? count % slots : 0);
        r.hr[h] = m === 0 ? r.min[m]! : r.hr[h]! + r.min[m]!;
        idx = (idx + 1) % RING;
      }
    }
    this.idxCount = (this.idxCount + slots) % RING;
    this.runTime = now + COVERAGE_RUN_INTERVAL;
  }

  /** The coverage/show text (OVS coverage_read), after rolling the ring up to now. */
  show(): string {
    this.run();
    const counters = this.registry.counters();
    const lines = [
      `Event coverage, avg rate over last: ${COVERAGE_RUN_INTERVAL / 1000} seconds, last minute, last hour,  hash=${coverageHash(counters).toString(16).padStart(8, '0')}:`,
    ];
    // OVS computes this index in unsigned arithmetic, before the first roll too.
    const last = ((this.idxCount - 1) >>> 0) % MIN_AVG_LEN;
    let neverHit = 0;
    for (const c of counters) {
      if (c.count === 0) {
        neverHit++;
        continue;
      }
      const r = this.ring(c);
      const rate5 = (r.min[last]! * 1000) / COVERAGE_RUN_INTERVAL;
      const rateMin = sum(r.min) / 60;
      const rateHr = sum(r.hr) / 3600;
      lines.push(
        `${c.name.padEnd(24)} ${rate5.toFixed(1).padStart(5)}/sec ${rateMin.toFixed(3).padStart(9)}/sec ${rateHr.toFixed(4).padStart(13)}/sec   total: ${c.count}`,
      );
    }
    lines.push(`${neverHit} events never hit`);
    return lines.join('\n') + '\n';
  }

  /** A counter's total (OVS coverage/read-counter), or undefined if there is no such counter. */
  readCounter(name: string): number | undefined {
    return this.registry.get(name)?.count;
  }
}

/** Registers coverage/show and coverage/read-counter. */
export function registerCoverageCommands(commands: CommandRegistry, rates: CoverageRates): void {
  commands.register('coverage/show', '', 0, 0, () => rates.show());
  commands.register('coverage/read-counter', 'COUNTER', 1, 1, ([name]) => {
    const n = rates.readCounter(name!);
    if (n === undefined) throw new UnixctlError('No such counter');
    return `${n}\n`;
  });
}
