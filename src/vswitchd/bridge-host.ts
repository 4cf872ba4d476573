/*
 * The one interface between the daemon and the bridge layer. The daemon owns the config
 * store, the control socket and logging; a BridgeHost owns bridges, ports and datapaths.
 * The daemon calls applyConfig() after loading the configuration and after every change;
 * the host reconciles its bridges with the view and reports results (ofport, link state,
 * errors, ...) that the daemon writes back to the read-only columns, where tsovs-vsctl sees
 * them. The host registers its own appctl commands (ofproto/trace, fdb/show, dpif/show,
 * dpctl/dump-flows, ...) through the services it is given.
 */
import type { VswitchConfig } from './config-view.js';
import type { UnixctlHandler } from './unixctl.js';
import type { Vlog } from './vlog.js';

/** Results for one interface; a field left out keeps its current value, null clears it. */
export interface InterfaceStatus {
  ofport?: number | null;
  macInUse?: string | null;
  adminState?: 'up' | 'down' | null;
  linkState?: 'up' | 'down' | null;
  /** Why the interface could not be set up (OVS Interface:error), or null when it works. */
  error?: string | null;
}

export interface BridgeStatus {
  /** 16 hex digits. */
  datapathId?: string | null;
}

export interface ControllerStatus {
  isConnected?: boolean;
  role?: 'other' | 'master' | 'slave' | null;
}

export interface StatusReport {
  /** By interface name. */
  interfaces?: Record<string, InterfaceStatus>;
  /** By bridge name. */
  bridges?: Record<string, BridgeStatus>;
  /** By controller row uuid (ControllerConfig.uuid). */
  controllers?: Record<string, ControllerStatus>;
}

/** Registering commands on the control socket (OVS unixctl_command_register). */
export interface CommandRegistry {
  register(name: string, usage: string, minArgs: number, maxArgs: number, handler: UnixctlHandler): void;
  unregister(name: string): void;
}

/** What the daemon offers a host. */
export interface DaemonServices {
  readonly commands: CommandRegistry;
  readonly vlog: Vlog;
  readonly rundir: string;
  /** The configuration as last applied (or being applied). */
  currentConfig(): VswitchConfig;
  /** Writes results at any time (link state changes, controller connections, ...). */
  reportStatus(report: StatusReport): Promise<void>;
}

export interface BridgeHost {
  /**
   * Reconciles bridges, ports and controllers with `config`. Called once after load and after
   * every committed change, never concurrently. May return results to record.
   */
  applyConfig(config: VswitchConfig): StatusReport | void | Promise<StatusReport | void>;
  /** Tears everything down (daemon exit). */
  close(): void | Promise<void>;
}

export type BridgeHostFactory = (services: DaemonServices) => BridgeHost | Promise<BridgeHost>;
