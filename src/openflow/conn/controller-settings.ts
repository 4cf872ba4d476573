/*
 * How a bridge's OpenFlow controllers are configured (OVS bridge.c bridge_configure_remotes
 * and struct ofproto_controller): the settings of one controller or listener, the always-on
 * management socket, the Controller-row defaults, and the protocols column as a version
 * bitmap.
 */
import type { OfconnType } from './ofconn.js';

/** OpenFlow versions tsovs speaks: 1.0, 1.3, 1.4, 1.5. */
export const TSOVS_VERSIONS = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6);

/** The DESC reply (OVS handle_desc_stats_request). */
export interface SwitchDesc {
  readonly mfr: string;
  readonly hw: string;
  readonly sw: string;
  readonly serial: string;
  readonly dp: string;
}

export const TSOVS_SW_VERSION = '0.1.0';

export interface ControllerSettings {
  /** tcp:IP[:PORT], unix:PATH (active) or ptcp:[PORT][:IP], punix:PATH (listeners). */
  readonly target: string;
  /** Default: primary for active targets, service for listeners (OVS get_controller_ofconn_type). */
  readonly type?: OfconnType;
  /** Inactivity probe interval, ms (0 = off). Default 5000. */
  readonly probeIntervalMs?: number;
  /** Longest reconnection backoff, ms. Default 8000. */
  readonly maxBackoffMs?: number;
  /** Packet-in rate limit, packets/s (0 or unset = unlimited), and burst (default rate/4). */
  readonly rateLimit?: number;
  readonly burstLimit?: number;
  /** Default true. */
  readonly enableAsyncMsgs?: boolean;
  readonly maxPktqBytes?: number;
}

/** The always-on management listener of a bridge (OVS: punix:<rundir>/<bridge>.mgmt, probe 60 s). */
export function managementController(rundir: string, bridge: string): ControllerSettings {
  return { target: `punix:${rundir}/${bridge}.mgmt`, type: 'service', probeIntervalMs: 60000 };
}

/**
 * Settings from a Controller row the way OVS's bridge.c reads it: inactivity_probe in ms
 * (unset 5 s, 0 off, else at least 5 s), max_backoff in ms (default 8 s), rate limits (at
 * least 100/s and burst 25 when set).
 */
export function controllerFromConfig(c: {
  target: string;
  inactivityProbe?: number | undefined;
  maxBackoff?: number | undefined;
  rateLimit?: number | undefined;
  burstLimit?: number | undefined;
}): ControllerSettings {
  const p = c.inactivityProbe;
  const probeSec = p === undefined ? 5 : p === 0 ? 0 : p < 1000 ? 1 : Math.floor(p / 1000);
  return {
    target: c.target,
    probeIntervalMs: probeSec ? Math.max(probeSec, 5) * 1000 : 0,
    maxBackoffMs: c.maxBackoff ? c.maxBackoff : 8000,
    rateLimit: c.rateLimit ? Math.max(100, c.rateLimit) : 0,
    burstLimit: c.burstLimit ? Math.max(25, c.burstLimit) : 0,
  };
}

const PROTOCOL_VERSION: Readonly<Record<string, number>> = {
  OpenFlow10: 1,
  OpenFlow11: 2,
  OpenFlow12: 3,
  OpenFlow13: 4,
  OpenFlow14: 5,
  OpenFlow15: 6,
};

/** The names in a Bridge protocols column that tsovs does not speak (OpenFlow11, OpenFlow12). */
export function unspokenProtocols(protocols: readonly string[]): string[] {
  return protocols.filter((p) => {
    const v = PROTOCOL_VERSION[p];
    return v !== undefined && ((TSOVS_VERSIONS >>> v) & 1) === 0;
  });
}

/** The Bridge protocols column -> a version bitmap tsovs can speak (empty = all of them). */
export function versionsFromProtocols(protocols: readonly string[]): number {
  if (protocols.length === 0) return TSOVS_VERSIONS;
  let b = 0;
  for (const p of protocols) {
    const v = PROTOCOL_VERSION[p];
    if (v !== undefined) b |= 1 << v;
  }
  return (b & TSOVS_VERSIONS) >>> 0;
}
