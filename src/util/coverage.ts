/*
 * Coverage counters (OVS lib/coverage.h): named, process-wide event counts that code bumps
 * where an event happens. A counter is a plain object: hot paths do `C.count++` on a
 * module-level constant, nothing more. Rates and the `coverage/show` text are worked out
 * elsewhere (src/vswitchd/coverage.ts), from the totals here.
 *
 *   const COV_FLOW_PUT = coverageCounter('dpif_flow_put');   // at module scope
 *   COV_FLOW_PUT.count++;                                      // where the event happens
 */

export class CoverageCounter {
  /** Events since the process started (never reset). */
  count = 0;
  constructor(readonly name: string) {}
}

/**
 * The events tsovs counts, named and ordered as OVS lists them in coverage/show
 * (vswitchd/bridge.c first, then ofproto, the datapath interface, netdev, unixctl, vconn).
 */
export const COVERAGE_EVENTS = [
  'bridge_reconfigure',
  'ofproto_packet_out',
  'ofproto_recv_openflow',
  'ofproto_update_port',
  'upcall_flow_limit_hit',
  'xlate_actions',
  'dpif_port_add',
  'dpif_port_del',
  'dpif_flow_flush',
  'dpif_flow_get',
  'dpif_flow_put',
  'dpif_flow_del',
  'dpif_execute',
  'datapath_drop_upcall_error',
  'mac_learning_learned',
  'mac_learning_expired',
  'mac_learning_evicted',
  'mac_learning_moved',
  'netdev_received',
  'netdev_sent',
  'unixctl_received',
  'unixctl_replied',
  'vconn_open',
  'vconn_received',
  'vconn_sent',
] as const;

/** A set of counters in registration order (the process has one: `coverage`). */
export class CoverageRegistry {
  private readonly list: CoverageCounter[] = [];
  private readonly byName = new Map<string, CoverageCounter>();

  constructor(names: readonly string[] = []) {
    for (const n of names) this.counter(n);
  }

  /** The counter named `name`, registered on first use. */
  counter(name: string): CoverageCounter {
    let c = this.byName.get(name);
    if (c === undefined) {
      c = new CoverageCounter(name);
      this.byName.set(name, c);
      this.list.push(c);
    }
    return c;
  }

  get(name: string): CoverageCounter | undefined {
    return this.byName.get(name);
  }

  /** Every counter, in registration order. */
  counters(): readonly CoverageCounter[] {
    return this.list;
  }
}

/** The process-wide counters. */
export const coverage = new CoverageRegistry(COVERAGE_EVENTS);

/** A process-wide counter (OVS COVERAGE_DEFINE); call once at module scope. */
export function coverageCounter(name: (typeof COVERAGE_EVENTS)[number]): CoverageCounter {
  return coverage.counter(name);
}
