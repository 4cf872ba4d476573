/*
 * The meter table of a bridge (OVS ofproto.c handle_meter_mod + ofproto-dpif meter_set
 * with dpif-netdev's limits): add / modify / delete (one or OFPM_ALL) with OVS's errors,
 * drop bands with a kbps or pktps rate and an optional burst, and statistics.
 *
 * Enforcement is the datapath's (src/datapath/dp-meters.ts): the bridge mirrors each meter
 * into a datapath meter and reports its counters. The counters kept here (credited by
 * the revalidator) serve only when a meter has no datapath meter.
 */
import { OFPERR, fail, ok, type OfpResult } from './ofperr.js';

export const OFPMC_ADD = 0;
export const OFPMC_MODIFY = 1;
export const OFPMC_DELETE = 2;

export const OFPMF_KBPS = 1;
export const OFPMF_PKTPS = 2;
export const OFPMF_BURST = 4;
export const OFPMF_STATS = 8;

export const OFPMBT_DROP = 1;
export const OFPMBT_DSCP_REMARK = 2;

export const OFPM_MAX = 0xffff0000;
export const OFPM_SLOWPATH = 0xfffffffd;
export const OFPM_CONTROLLER = 0xfffffffe;
export const OFPM_ALL = 0xffffffff;

/** dpif-netdev's limits (MAX_METERS, MAX_BANDS) and capabilities. */
export const METER_FEATURES = {
  maxMeters: 1 << 18,
  bandTypes: 1 << OFPMBT_DROP,
  capabilities: OFPMF_KBPS | OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS,
  maxBands: 8,
  maxColor: 0,
} as const;

export interface MeterBand {
  readonly type: number;
  /** kbps or packets per second, per the meter's flags. */
  readonly rate: number;
  /** kb or packets; 0 = the datapath uses the rate. */
  readonly burstSize: number;
  /** DSCP remark bands only. */
  readonly precLevel?: number;
}

export interface MeterMod {
  command: number;
  meterId: number;
  flags: number;
  bands: readonly MeterBand[];
}

export class Meter {
  packetInCount = 0;
  byteInCount = 0;
  bandStats: Array<{ packetCount: number; byteCount: number }>;
  constructor(
    readonly meterId: number,
    public flags: number,
    public bands: readonly MeterBand[],
    readonly created: number,
  ) {
    this.bandStats = bands.map(() => ({ packetCount: 0, byteCount: 0 }));
  }
}

export interface MeterStats {
  meterId: number;
  /** Rules using the meter. */
  flowCount: number;
  packetInCount: number;
  byteInCount: number;
  durationMs: number;
  bands: Array<{ packetCount: number; byteCount: number }>;
}

export interface MeterModOutcome {
  /** Meters removed: the caller deletes the rules that use them (OFPRR_METER_DELETE). */
  readonly deleted: number[];
}

export class MeterTable {
  private readonly meters = new Map<number, Meter>();

  get size(): number {
    return this.meters.size;
  }

  get(meterId: number): Meter | undefined {
    return this.meters.get(meterId);
  }

  has(meterId: number): boolean {
    return this.meters.has(meterId);
  }

  all(): Meter[] {
    return [...this.meters.values()].sort((a, b) => a.meterId - b.meterId);
  }

  /** OVS handle_meter_mod. */
  apply(mm: MeterMod, now: number): OfpResult<MeterModOutcome> {
    const id = mm.meterId >>> 0;
    if (mm.command === OFPMC_DELETE) {
      // OpenFlow has no meter 0; deleting a missing meter is not an error.
      if (id === 0) return ok({ deleted: [] });
      if (id === OFPM_ALL) {
        const deleted = [...this.meters.keys()];
        this.meters.clear();
        return ok({ deleted });
      }
      return ok({ deleted: this.meters.delete(id) ? [id] : [] });
    }
    if (mm.command !== OFPMC_ADD && mm.command !== OFPMC_MODIFY) return fail(OFPERR.OFPMMFC_BAD_COMMAND);
    if (mm.flags & OFPMF_KBPS && mm.flags & OFPMF_PKTPS) return fail(OFPERR.OFPMMFC_BAD_FLAGS);
    if (id === 0) return fail(OFPERR.OFPMMFC_INVALID_METER);
    if (id > OFPM_MAX && id !== OFPM_SLOWPATH && id !== OFPM_CONTROLLER) return fail(OFPERR.OFPMMFC_INVALID_METER);
    if (mm.bands.length > METER_FEATURES.maxBands) return fail(OFPERR.OFPMMFC_OUT_OF_BANDS);
    const existing = this.meters.get(id);
    if (mm.command === OFPMC_ADD) {
      if (existing) return fail(OFPERR.OFPMMFC_METER_EXISTS);
      if (this.meters.size >= METER_FEATURES.maxMeters) return fail(OFPERR.OFPMMFC_OUT_OF_METERS);
    } else if (!existing) {
      return fail(OFPERR.OFPMMFC_UNKNOWN_METER);
    }
    // dpif-netdev meter_set.
    if (mm.flags & ~METER_FEATURES.capabilities) return fail(OFPERR.OFPMMFC_BAD_FLAGS);
    for (const b of mm.bands) {
      if (b.type !== OFPMBT_DROP) return fail(OFPERR.OFPMMFC_BAD_BAND);
      if (!b.rate) return fail(OFPERR.OFPMMFC_BAD_RATE);
    }
    // The datapath uses the rate as burst when none is given.
    const bands = mm.bands.map((b) => ({ ...b, burstSize: b.burstSize || b.rate }));
    if (existing) {
      existing.flags = mm.flags;
      existing.bands = bands;
      // dpif-netdev replaces the datapath meter: its counters start over.
      existing.bandStats = bands.map(() => ({ packetCount: 0, byteCount: 0 }));
      existing.packetInCount = 0;
      existing.byteInCount = 0;
    } else {
      this.meters.set(id, new Meter(id, mm.flags, bands, now));
    }
    return ok({ deleted: [] });
  }

  credit(meterId: number, packets: number, bytes: number): void {
    const m = this.meters.get(meterId);
    if (!m) return;
    m.packetInCount += packets;
    m.byteInCount += bytes;
  }

  stats(meterId: number, now: number, flowCount: number): MeterStats | undefined {
    const m = this.meters.get(meterId);
    if (!m) return undefined;
    return {
      meterId,
      flowCount,
      packetInCount: m.packetInCount,
      byteInCount: m.byteInCount,
      durationMs: now - m.created,
      bands: m.bandStats.map((b) => ({ ...b })),
    };
  }
}
