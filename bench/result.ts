/* What every benchmark shares: the result shape (one named figure with its unit), the CPU clock and a key mixer. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

/**
 * CPU seconds of this process (user + system). The development machine is shared, so
 * throughput is reported per CPU second: what a single-threaded run gets on an idle core.
 */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Deterministic 32-bit mix of (a, b), for reproducible benchmark keys. */
export function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}
