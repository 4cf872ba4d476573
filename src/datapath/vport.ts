/*
 * A vport: a datapath port number bound to a Netdev, with the datapath's own per-port
 * counters (OVS's vport + vport_percpu_stats): rx as frames enter the datapath, tx as
 * output actions hand them to the netdev.
 */
import type { Netdev } from '../netdev/netdev.js';
import type { DpPortInfo, DpPortStats } from './dpif.js';

export class Vport {
  rxPackets = 0;
  rxBytes = 0;
  rxErrors = 0;
  rxDropped = 0;
  txPackets = 0;
  txBytes = 0;
  txErrors = 0;
  txDropped = 0;

  constructor(
    readonly portNo: number,
    readonly netdev: Netdev,
    /** Upcall channel for misses on this port (OVS upcall_portid). */
    readonly upcallPid: number,
  ) {}

  stats(): DpPortStats {
    return {
      rxPackets: this.rxPackets,
      rxBytes: this.rxBytes,
      rxErrors: this.rxErrors,
      rxDropped: this.rxDropped,
      txPackets: this.txPackets,
      txBytes: this.txBytes,
      txErrors: this.txErrors,
      txDropped: this.txDropped,
    };
  }

  info(): DpPortInfo {
    return { portNo: this.portNo, name: this.netdev.name, type: this.netdev.type, stats: this.stats() };
  }
}
