/*
 * Continuations (OVS struct ofputil_packet_in_private): the pipeline state a paused
 * controller action (controller(pause)) hands to the controller in NXT_PACKET_IN2, and that
 * NXT_RESUME gives back so the switch can carry on where it stopped. Here: the data model the
 * OpenFlow codec encodes (NXCPT_* properties), its conversion from a frozen translation state
 * (as OVS's upcall handler fills a packet-in) and back (as OVS xlate_resume builds a
 * frozen_state from the continuation). The controller may have changed the packet and its
 * pipeline metadata (registers, metadata, tunnel, in_port) in the NXT_RESUME.
 */
import type { OfpAction } from './ofp-actions.js';
import type { FrozenSegment, FrozenState } from './xlate/recirc.js';
import { unrollPlan } from './xlate/xlate.js';

/** One NXCPT_ACTIONS group: the actions after an unroll_xlate (table and cookie), or before the first one. */
export interface ContinuationGroup {
  readonly unroll: { readonly tableId: number; readonly cookie: bigint } | null;
  readonly actions: readonly OfpAction[];
}

export interface Continuation {
  /** The bridge's UUID as 16 bytes on the wire (all zero: none). */
  readonly bridge: Uint8Array;
  /** The field stack, bottom first; each value as many bytes as its push needed. */
  readonly stack: readonly Uint8Array[];
  readonly mirrors: number;
  readonly conntracked: boolean;
  /** The frozen action list, split at its unroll_xlate markers. */
  readonly actions: readonly ContinuationGroup[];
  readonly actionSet: readonly OfpAction[];
  /** The datapath input port of the packet (0: none). */
  readonly odpPort: number;
}

export const ZERO_UUID = new Uint8Array(16);

/** A random (version 4) UUID as 16 bytes, as OVS gives each ofproto (uuid_generate). */
export function randomUuid(): Uint8Array {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  // OVS keeps a uuid as four host-order (little-endian) 32-bit words and sets the version
  // (parts[1] bits 12-15) and variant (parts[2] bits 30-31) there (uuid_set_bits_v4).
  b[5] = (b[5]! & 0x0f) | 0x40;
  b[11] = (b[11]! & 0x3f) | 0x80;
  return b;
}

export function uuidEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * OVS UUID_FMT of wire bytes: OVS puts its struct uuid (four host-order 32-bit words) on the
 * wire as it is in memory, little-endian on the hosts it runs on.
 */
export function formatUuid(b: Uint8Array): string {
  const w = (i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
  const h = (v: number, n: number): string => v.toString(16).padStart(n, '0');
  const p0 = w(0);
  const p1 = w(4);
  const p2 = w(8);
  const p3 = w(12);
  return `${h(p0, 8)}-${h(p1 >>> 16, 4)}-${h(p1 & 0xffff, 4)}-${h(p2 >>> 16, 4)}-${h(p2 & 0xffff, 4)}${h(p3, 8)}`;
}

/**
 * The continuation of a paused pipeline (OVS's upcall handler filling
 * ofputil_packet_in_private from the frozen state): `bridge` is the UUID of the bridge whose
 * pipeline paused, `odpPort` the packet's datapath input port.
 */
export function continuationOf(st: FrozenState<OfpAction>, bridge: Uint8Array, odpPort: number): Continuation {
  const groups: { unroll: { tableId: number; cookie: bigint } | null; actions: OfpAction[] }[] = [];
  let cur: { unroll: { tableId: number; cookie: bigint } | null; actions: OfpAction[] } = { unroll: null, actions: [] };
  groups.push(cur);
  for (const it of unrollPlan(st.segments, st.final)) {
    if (it.actions === null) {
      cur = { unroll: { tableId: it.tableId, cookie: it.cookie }, actions: [] };
      groups.push(cur);
    } else {
      cur.actions.push(...it.actions);
    }
  }
  // The first group exists only with actions (it has no unroll_xlate to restore).
  if (groups[0]!.actions.length === 0) groups.shift();
  return {
    bridge,
    stack: st.stack.map((v) => v.slice()),
    mirrors: st.mirrors ?? 0,
    conntracked: st.conntracked ?? false,
    actions: groups,
    actionSet: st.actionSet.slice(),
    odpPort,
  };
}

/**
 * The frozen state NXT_RESUME thaws (OVS xlate_resume): table 0, the continuation's action
 * list as it is (each group behind its unroll_xlate, the table and cookie the decoder
 * restored), and the pipeline metadata from the message (`flow`: in_port, registers,
 * metadata, tunnel), which the controller may have changed.
 */
export function frozenFromContinuation(c: Continuation, bridgeName: string, flow: { inPort: number; regs: Uint32Array; metadata: readonly [number, number]; tunnel: Uint32Array }): FrozenState<OfpAction> {
  const segments: FrozenSegment<OfpAction>[] = c.actions.map((g) => {
    const tableId = g.unroll?.tableId ?? 0;
    const cookie = g.unroll?.cookie ?? 0n;
    return { tableId, cookie, actions: g.actions, unroll: { tableId, cookie } };
  });
  return {
    bridge: bridgeName,
    tableId: 0,
    inPort: flow.inPort,
    regs: flow.regs,
    metadata: flow.metadata,
    tunnel: flow.tunnel,
    stack: c.stack.map((v) => v.slice()),
    actionSet: c.actionSet.slice(),
    segments,
    wasMpls: false,
    userdata: null,
    conntracked: c.conntracked,
    mirrors: c.mirrors,
    final: true,
  };
}
