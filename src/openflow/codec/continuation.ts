/*
 * The continuation inside NXT_PACKET_IN2 and NXT_RESUME (the NXPINT_CONTINUATION property's
 * nested NXCPT_* properties), as OVS lib/ofp-packet.c puts and parses them: bridge UUID,
 * field stack (top first), mirrors, conntracked flag, the frozen actions split at their
 * unroll_xlate markers (a table id and cookie property whenever they change, starting from
 * 0 and 0, before each group's NXCPT_ACTIONS), the action set, the datapath input port.
 * Actions are in the connection's OpenFlow version. Errors are OVS's (OFPBPC_BAD_LEN, ...).
 */
import type { Continuation, ContinuationGroup } from '../../ofproto/continuation.js';
import type { OfpAction } from '../../ofproto/ofp-actions.js';
import { fail, Reader, Writer } from './bytes.js';
import { pullActions, putActions } from './actions.js';
import { endProp, parsePropU32, parsePropU64, parsePropU8, pullProp, startProp, type Prop } from './props.js';

export const NXCPT_BRIDGE = 0x8000;
export const NXCPT_STACK = 0x8001;
export const NXCPT_MIRRORS = 0x8002;
export const NXCPT_CONNTRACKED = 0x8003;
export const NXCPT_TABLE_ID = 0x8004;
export const NXCPT_COOKIE = 0x8005;
export const NXCPT_ACTIONS = 0x8006;
export const NXCPT_ACTION_SET = 0x8007;
export const NXCPT_ODP_PORT = 0x8008;

/** OVS sizeof(union mf_subvalue): the longest stack value a continuation may carry. */
const MAX_STACK_VALUE = 128;

function isZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]) return false;
  return true;
}

/** A property of actions (OVS put_actions_property): header padded to 8 bytes, then actions. */
function putActionsProp(w: Writer, type: number, acts: readonly OfpAction[], version: number): void {
  const at = startProp(w, type);
  w.zeros(4);
  putActions(w, acts, version);
  endProp(w, at);
}

/** The nested properties of a continuation (what NXPINT_CONTINUATION holds after its padding). */
export function encodeContinuation(c: Continuation, version: number): Uint8Array {
  const w = new Writer(128);
  if (!isZero(c.bridge)) {
    const at = startProp(w, NXCPT_BRIDGE);
    w.bytes(c.bridge);
    endProp(w, at);
  }
  for (let i = c.stack.length - 1; i >= 0; i--) {
    const at = startProp(w, NXCPT_STACK);
    w.bytes(c.stack[i]!);
    endProp(w, at);
  }
  if (c.mirrors) {
    const at = startProp(w, NXCPT_MIRRORS);
    w.u32(c.mirrors >>> 0);
    endProp(w, at);
  }
  if (c.conntracked) endProp(w, startProp(w, NXCPT_CONNTRACKED));
  let tableId = 0;
  let cookie = 0n;
  for (const g of c.actions) {
    if (g.unroll) {
      if (g.unroll.tableId !== tableId) {
        tableId = g.unroll.tableId;
        const at = startProp(w, NXCPT_TABLE_ID);
        w.u8(tableId);
        endProp(w, at);
      }
      const ck = BigInt.asUintN(64, g.unroll.cookie);
      if (ck !== cookie) {
        cookie = ck;
        const at = startProp(w, NXCPT_COOKIE);
        w.zeros(4).u64(cookie);
        endProp(w, at);
      }
    }
    if (g.actions.length) putActionsProp(w, NXCPT_ACTIONS, g.actions, version);
  }
  if (c.actionSet.length) putActionsProp(w, NXCPT_ACTION_SET, c.actionSet, version);
  if (c.odpPort) {
    const at = startProp(w, NXCPT_ODP_PORT);
    w.u32(c.odpPort >>> 0);
    endProp(w, at);
  }
  return w.finish();
}

/** OVS parse_actions_property: the header is padded to 8 bytes, then actions fill the property. */
function parseActionsProp(p: Prop, version: number): OfpAction[] {
  if (p.body.left < 4) fail('OFPBPC_BAD_LEN', 'actions property has bad length');
  p.body.skip(4);
  return pullActions(p.body, p.body.left, version);
}

/**
 * Decodes a continuation (OVS ofputil_decode_packet_in_private's part). `loose` ignores
 * unknown properties (as ovs-ofctl does when printing); the switch is strict.
 */
export function decodeContinuation(bytes: Uint8Array, version: number, loose = false): Continuation {
  const r = new Reader(bytes, 0, bytes.length, 'OFPBPC_BAD_LEN');
  let bridge: Uint8Array = new Uint8Array(16);
  const stack: Uint8Array[] = [];
  let mirrors = 0;
  let conntracked = false;
  let tableId = 0;
  let cookie = 0n;
  const actions: ContinuationGroup[] = [];
  let actionSet: OfpAction[] = [];
  let odpPort = 0;
  while (r.left > 0) {
    const p = pullProp(r);
    switch (p.type) {
      case NXCPT_BRIDGE:
        if (p.body.left !== 16) fail('OFPBPC_BAD_LEN', 'bridge property has bad length');
        bridge = p.body.bytes(16);
        break;
      case NXCPT_STACK:
        if (p.body.left > MAX_STACK_VALUE) fail('OFPBPC_BAD_LEN', `NXCPT_STACK property has bad length ${p.body.left}`);
        stack.unshift(p.body.bytes(p.body.left));
        break;
      case NXCPT_MIRRORS:
        mirrors = parsePropU32(p);
        break;
      case NXCPT_CONNTRACKED:
        conntracked = true;
        break;
      case NXCPT_TABLE_ID:
        tableId = parsePropU8(p);
        break;
      case NXCPT_COOKIE:
        cookie = parsePropU64(p);
        break;
      case NXCPT_ACTIONS:
        actions.push({ unroll: { tableId, cookie }, actions: parseActionsProp(p, version) });
        break;
      case NXCPT_ACTION_SET:
        // Each property replaces nothing: OVS appends to one action set buffer.
        actionSet = actionSet.concat(parseActionsProp(p, version));
        break;
      case NXCPT_ODP_PORT:
        odpPort = parsePropU32(p);
        break;
      default:
        if (!loose) fail(p.experimenter ? 'OFPBPC_BAD_EXP_TYPE' : 'OFPBPC_BAD_TYPE', `unknown continuation property ${p.type}`);
    }
  }
  return { bridge, stack, mirrors, conntracked, actions, actionSet, odpPort };
}
