/*
 * What a bridge tells the outside world (OVS connmgr's asynchronous messages): flow-removed,
 * packet-in, port-status, and rule changes for flow monitors. A tiny typed emitter; the
 * OpenFlow connection layer subscribes and decides per connection what to send.
 */

import type { Continuation } from './continuation.js';

/** Flow-removed reasons (OFPRR_*). */
export const OFPRR_IDLE_TIMEOUT = 0;
export const OFPRR_HARD_TIMEOUT = 1;
export const OFPRR_DELETE = 2;
export const OFPRR_GROUP_DELETE = 3;
export const OFPRR_METER_DELETE = 4;
export const OFPRR_EVICTION = 5;

/** Port-status reasons (OFPPR_*). */
export const OFPPR_ADD = 0;
export const OFPPR_DELETE = 1;
export const OFPPR_MODIFY = 2;

/** A snapshot of a rule's identity and counters at the time of an event. */
export interface RuleSnapshot {
  readonly tableId: number;
  readonly priority: number;
  readonly key: Uint32Array;
  readonly mask: Uint32Array;
  readonly cookie: bigint;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly importance: number;
  readonly flags: number;
  readonly packetCount: number;
  readonly byteCount: number;
  /** ms (clock) since creation. */
  readonly durationMs: number;
}

export interface FlowRemovedEvent {
  readonly bridge: string;
  readonly reason: number;
  readonly rule: RuleSnapshot;
}

export interface PacketInEvent {
  readonly bridge: string;
  /** OFPR_* reason. */
  readonly reason: number;
  readonly tableId: number;
  readonly cookie: bigint;
  /** OpenFlow input port within `bridge`. */
  readonly inPort: number;
  /** The frame, truncated to maxLen (unless maxLen is OFPCML_NO_BUFFER, 0xffff). */
  readonly packet: Uint8Array;
  /** Length of the whole frame. */
  readonly totalLen: number;
  readonly maxLen: number;
  readonly controllerId: number;
  /** OpenFlow metadata and registers when the packet was sent (pipeline fields of the packet-in). */
  readonly metadata: bigint;
  readonly regs: Uint32Array;
  /** The packet's flow (FLOW_WORDS): extracted fields with in_port, metadata and registers as above. */
  readonly flow: Uint32Array;
  /** NXAST_CONTROLLER2 userdata (may be empty). */
  readonly userdata: Uint8Array;
  /** controller(pause): the pipeline can be resumed at this recirculation id (NXT_RESUME). */
  readonly continuation: boolean;
  readonly recircId: number;
  /** The state to resume from (NXT_PACKET_IN2's continuation), when `continuation`. */
  readonly continuationData?: Continuation | null;
}

export interface PortStatusEvent {
  readonly bridge: string;
  /** OFPPR_ADD / OFPPR_DELETE / OFPPR_MODIFY. */
  readonly reason: number;
  readonly ofPort: number;
  readonly name: string;
}

/** Rule added / modified / removed (for NXST_FLOW_MONITOR-style monitors). */
export interface RuleChangeEvent {
  readonly bridge: string;
  readonly event: 'added' | 'modified' | 'removed';
  /** For 'removed', the OFPRR_* reason; else -1. */
  readonly reason: number;
  readonly rule: RuleSnapshot;
}

export interface OfprotoEvents {
  'flow-removed': FlowRemovedEvent;
  'packet-in': PacketInEvent;
  'port-status': PortStatusEvent;
  'rule-change': RuleChangeEvent;
}

export type Listener<T> = (ev: T) => void;

/** A minimal typed event emitter. Listener exceptions are not caught (they are bugs). */
export class Emitter<M> {
  private readonly listeners: { [K in keyof M]?: Listener<M[K]>[] } = {};

  /** Subscribes; returns a function that unsubscribes. */
  on<K extends keyof M>(name: K, fn: Listener<M[K]>): () => void {
    const list = (this.listeners[name] ??= []);
    list.push(fn);
    return () => this.off(name, fn);
  }

  off<K extends keyof M>(name: K, fn: Listener<M[K]>): void {
    const list = this.listeners[name];
    if (!list) return;
    const i = list.indexOf(fn);
    if (i >= 0) list.splice(i, 1);
  }

  /** True when someone listens (lets callers skip building an event nobody wants). */
  has<K extends keyof M>(name: K): boolean {
    const list = this.listeners[name];
    return list !== undefined && list.length > 0;
  }

  emit<K extends keyof M>(name: K, ev: M[K]): void {
    const list = this.listeners[name];
    if (!list) return;
    for (const fn of list.slice()) fn(ev);
  }
}
