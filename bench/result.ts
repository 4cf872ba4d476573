/* What every benchmark shares: the result shape (one named figure with its unit) and the CPU clock. */
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
