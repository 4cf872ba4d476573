/*
 * Optional extras a provider may offer beyond the Netdev contract: a link-change callback
 * (so ofproto can send OpenFlow port-status when a device goes down, vanishes or comes
 * back) and live counters. Checked at run time with the guards below.
 */
import type { Netdev, NetdevStats } from './netdev.js';

/** Called when isUp() changes; `netdev` is the port whose link changed. */
export type LinkChangeCallback = (up: boolean, netdev: Netdev) => void;

export interface LinkChangeSource {
  onLinkChange: LinkChangeCallback | null;
}

export interface StatsSource {
  /** Counters as the provider sees them (for a system port: what the socket moved and the kernel dropped). */
  getStats(): NetdevStats;
}

export function hasLinkChange(n: Netdev): n is Netdev & LinkChangeSource {
  return 'onLinkChange' in n;
}

export function hasStats(n: Netdev): n is Netdev & StatsSource {
  return typeof (n as Partial<StatsSource>).getStats === 'function';
}
