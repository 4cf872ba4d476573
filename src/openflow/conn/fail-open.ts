/*
 * Fail-open (OVS ofproto/fail-open.c), for fail_mode=standalone with controllers configured:
 * when no primary controller has been admitted for 3 x the longest inactivity probe interval
 * (idle, probe, reconnect), the switch flushes its flows and installs a hidden catch-all
 * NORMAL rule so traffic keeps flowing; once a controller is admitted again that rule goes
 * (the controller's own flows are not restored: it re-installs them). fail_mode=secure
 * never does this: flows stay as they are.
 */
import type { ConnLog } from './vconn.js';

export interface FailOpenHost {
  /** Seconds all active primary controllers have been unadmitted (0 while one is). */
  failureDuration(): number;
  /** Longest probe interval (s) among primary controllers, 0 if none. */
  maxProbeIntervalSec(): number;
  hasControllers(): boolean;
  anyControllerAdmitted(): boolean;
  /** Flushes all flows, groups and meters. */
  flushFlows(): void;
  setFailOpenRule(on: boolean): void;
}

export class FailOpen {
  /** Seconds of disconnection when fail-open began (0 = not active). */
  private lastDisconnSecs = 0;

  constructor(
    private readonly host: FailOpenHost,
    private readonly log: ConnLog,
  ) {}

  get active(): boolean {
    return this.lastDisconnSecs !== 0;
  }

  private triggerDuration(): number {
    return this.host.hasControllers() ? this.host.maxProbeIntervalSec() * 3 : Infinity;
  }

  /** OVS fail_open_run. */
  run(): void {
    const secs = this.host.failureDuration();
    if (secs > 0 && secs >= this.triggerDuration()) {
      if (!this.active) {
        this.log.warn(
          `Could not connect to controller (or switch failed controller's post-connection admission control policy) for ${secs} seconds, failing open`,
        );
        this.lastDisconnSecs = secs;
        this.host.flushFlows();
        this.host.setFailOpenRule(true);
      } else if (secs > this.lastDisconnSecs + 60) {
        this.log.info(`Still in fail-open mode after ${secs} seconds disconnected from controller`);
        this.lastDisconnSecs = secs;
      }
    }
  }

  /** OVS fail_open_maybe_recover: called when a controller message arrives. */
  maybeRecover(): void {
    if (this.active && this.host.anyControllerAdmitted()) this.recover();
  }

  private recover(): void {
    this.log.warn('No longer in fail-open mode');
    this.lastDisconnSecs = 0;
    this.host.setFailOpenRule(false);
  }

  /** Leaves fail-open mode for good (fail mode or controllers changed). */
  destroy(): void {
    if (this.active) this.recover();
  }
}
