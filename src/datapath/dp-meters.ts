/*
 * Datapath meters (OVS dpif-netdev dp_meter): token-bucket drop bands with a kbps or pktps
 * rate. Buckets are in bits (kbps: ms * kbit/s = bits) or thousandths of a packet (pktps),
 * start full at burst * 1000 and refill from the injected time; a packet that a band's
 * bucket cannot cover fires the band with the highest such rate and is dropped.
 */

/** dpif-netdev's MAX_METERS and MAX_BANDS. */
export const DP_MAX_METERS = 1 << 18;
export const DP_MAX_BANDS = 8;

export interface DpMeterBandConfig {
  /** kbps, or packets per second when the meter is pktps. */
  rate: number;
  /** kbits or packets; 0 = the rate. */
  burst?: number;
}

export interface DpMeterConfig {
  /** Rate unit of every band: true = packets per second, false = kbps. */
  pktps: boolean;
  bands: DpMeterBandConfig[];
}

export interface DpMeterStats {
  packets: number;
  bytes: number;
  bands: Array<{ packets: number; bytes: number }>;
}

class DpMeter {
  packets = 0;
  bytes = 0;
  used: number;
  /** Longest refill interval that matters (ms): enough to fill every bucket. */
  readonly maxDelta: number;
  readonly n: number;
  readonly rate: Float64Array;
  readonly cap: Float64Array;
  readonly bucket: Float64Array;
  readonly bandPackets: Float64Array;
  readonly bandBytes: Float64Array;

  constructor(
    readonly pktps: boolean,
    bands: readonly DpMeterBandConfig[],
    now: number,
  ) {
    const n = bands.length;
    this.n = n;
    this.used = now;
    this.rate = new Float64Array(n);
    this.cap = new Float64Array(n);
    this.bucket = new Float64Array(n);
    this.bandPackets = new Float64Array(n);
    this.bandBytes = new Float64Array(n);
    let maxDelta = 0;
    for (let i = 0; i < n; i++) {
      const b = bands[i]!;
      const rate = b.rate >>> 0;
      const cap = (b.burst ? b.burst >>> 0 : rate) * 1000;
      this.rate[i] = rate;
      this.cap[i] = cap;
      this.bucket[i] = cap;
      const d = Math.floor(cap / rate);
      if (d > maxDelta) maxDelta = d;
    }
    this.maxDelta = maxDelta;
  }
}

export class DpMeterTable {
  private readonly meters: (DpMeter | undefined)[] = [];

  /** Creates or replaces a meter (its counters start over, as dpif-netdev). Returns an errno-like code or null. */
  set(meterId: number, config: DpMeterConfig, nowMs: number): 'EFBIG' | 'EINVAL' | null {
    if (!Number.isInteger(meterId) || meterId < 0 || meterId >= DP_MAX_METERS) return 'EFBIG';
    if (config.bands.length > DP_MAX_BANDS) return 'EINVAL';
    for (const b of config.bands) if (!(b.rate > 0)) return 'EINVAL';
    this.meters[meterId] = new DpMeter(config.pktps, config.bands, nowMs);
    return null;
  }

  /** Removes a meter; returns whether it existed. */
  del(meterId: number): boolean {
    const had = this.meters[meterId] !== undefined;
    if (had) this.meters[meterId] = undefined;
    return had;
  }

  stats(meterId: number): DpMeterStats | undefined {
    const m = this.meters[meterId];
    if (m === undefined) return undefined;
    const bands: Array<{ packets: number; bytes: number }> = [];
    for (let i = 0; i < m.n; i++) bands.push({ packets: m.bandPackets[i]!, bytes: m.bandBytes[i]! });
    return { packets: m.packets, bytes: m.bytes, bands };
  }

  /** Meters one packet at `nowMs`; false = a band dropped it. An unknown meter passes everything. */
  apply(meterId: number, packetLen: number, nowMs: number): boolean {
    const m = this.meters[meterId];
    if (m === undefined) return true;
    const n = m.n;
    if (nowMs > m.used) {
      let delta = nowMs - m.used;
      if (delta > m.maxDelta) delta = m.maxDelta;
      for (let i = 0; i < n; i++) {
        const b = m.bucket[i]! + delta * m.rate[i]!;
        const cap = m.cap[i]!;
        m.bucket[i] = b > cap ? cap : b;
      }
      m.used = nowMs;
    }
    m.packets++;
    m.bytes += packetLen;
    const volume = m.pktps ? 1000 : packetLen * 8;
    let fired = -1;
    let firedRate = 0;
    for (let i = 0; i < n; i++) {
      const b = m.bucket[i]!;
      if (b >= volume) {
        m.bucket[i] = b - volume;
      } else if (m.rate[i]! > firedRate) {
        firedRate = m.rate[i]!;
        fired = i;
      }
    }
    if (fired < 0) return true;
    m.bandPackets[fired]! += 1;
    m.bandBytes[fired]! += packetLen;
    return false;
  }
}
