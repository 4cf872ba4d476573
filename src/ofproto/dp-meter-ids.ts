/*
 * Datapath meter ids, shared by every bridge of one datapath (OVS backer->meter_ids):
 * each OpenFlow meter gets the lowest free datapath id, starting at 0, as ofproto-dpif.
 */
import type { Dpif } from '../datapath/dpif.js';
import { DP_MAX_METERS } from '../datapath/dp-meters.js';

const inUse = new WeakMap<Dpif, Set<number>>();

/** The lowest free datapath meter id of `dpif`, now taken; undefined when none is left. */
export function allocDpMeterId(dpif: Dpif): number | undefined {
  let s = inUse.get(dpif);
  if (s === undefined) {
    s = new Set();
    inUse.set(dpif, s);
  }
  for (let id = 0; id < DP_MAX_METERS; id++) {
    if (!s.has(id)) {
      s.add(id);
      return id;
    }
  }
  return undefined;
}

export function freeDpMeterId(dpif: Dpif, id: number): void {
  inUse.get(dpif)?.delete(id);
}
