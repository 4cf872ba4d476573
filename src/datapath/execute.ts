/*
 * The datapath action executor (OVS's ovs_execute_actions / odp_execute_actions): runs a
 * validated action list on one packet in place. Output, userspace and recirculation go
 * through hooks the datapath supplies; clone and sample run their nested list on a scratch
 * copy (or on the packet itself when they are the last action, as OVS "steals" it).
 *
 * The `key` passed in is the executor's working copy of the packet's flow key: push/pop
 * and set actions keep it in step with the headers (VLAN/MPLS words, eth_type, rewritten
 * fields), and hash reads it. After popping the last MPLS label the L3/L4 words are not
 * re-parsed (OVS translation recirculates there anyway).
 *
 * trunc follows the kernel and dpif-netdev: it applies to the next output or userspace
 * action only (the bytes to cut are fixed when trunc runs); the packet itself keeps its
 * length for the actions after it.
 */
import type { Packet } from '../packet/packet.js';
import { DpActionType, type DpAction, type UserspaceAction } from './actions.js';
import { executeSet } from './execute-set.js';
import { computeDpHash } from './dp-hash.js';
import {
  FLOW_WORDS,
  VLAN_CFI,
  W_DP_HASH,
  W_ETH_TYPE,
  W_MPLS0,
  W_VLAN0,
  W_VLAN1,
} from '../flow/layout.js';
import { get16, get32, put16, put32 } from '../packet/checksum.js';
import { ETH_HEADER_LEN } from '../packet/constants.js';
import { isVlanTpid } from '../packet/vlan.js';
import { isMplsEthType, MPLS_BOS } from '../packet/mpls.js';

export interface ExecHooks {
  /** Send the packet out of a datapath port (the netdev copies what it keeps; the packet stays yours). */
  output(packet: Packet, port: number): void;
  /** An ACTION upcall for a `userspace` action (the datapath copies the packet). */
  userspace(packet: Packet, action: UserspaceAction): void;
  /** Re-inject into the datapath with recirc_id set (the datapath copies/queues it; runs after the current action list). */
  recirculate(packet: Packet, recircId: number): void;
  /** A uint32 random number (sample); injected so tests are deterministic. */
  random(): number;
  /** A scratch packet for clone/sample (returned with releaseScratch). */
  getScratch(): Packet;
  releaseScratch(p: Packet): void;
  /** Run the packet through datapath meter `meterId`; false = the meter dropped it. Absent = no meters. */
  meter?(meterId: number, packet: Packet): boolean;
}

/** Deepest clone/sample nesting executed (the validator refuses deeper lists). */
export const MAX_EXEC_DEPTH = 16;

// A stack of scratch keys for nested lists on copies; grows once, then reused. A stack (not
// one key per depth) so a hook that re-enters executeActions cannot clobber an outer copy.
const keyStack: Uint32Array[] = [];
let keyTop = 0;

function pushKeyCopy(src: Uint32Array): Uint32Array {
  let k = keyStack[keyTop];
  if (k === undefined) {
    k = new Uint32Array(FLOW_WORDS);
    keyStack.push(k);
  }
  keyTop++;
  const n = src.length < FLOW_WORDS ? src.length : FLOW_WORDS;
  for (let i = 0; i < n; i++) k[i] = src[i]!;
  return k;
}

/** Run `actions` on `packet` in place; `key` is its extracted flow key (updated as headers change). */
export function executeActions(hooks: ExecHooks, packet: Packet, key: Uint32Array, actions: readonly DpAction[]): void {
  // No try/finally (it costs ~25 ns a call): if a hook throws, the stack just starts higher.
  const base = keyTop;
  run(hooks, packet, key, actions, 0, 0);
  keyTop = base;
}

function run(hooks: ExecHooks, p: Packet, key: Uint32Array, actions: readonly DpAction[], depth: number, cut: number): void {
  const n = actions.length;
  for (let i = 0; i < n; i++) {
    const a = actions[i]!;
    switch (a.type) {
      case DpActionType.OUTPUT:
        if (cut > 0) outputCut(hooks, p, a.port, cut);
        else hooks.output(p, a.port);
        cut = 0;
        break;
      case DpActionType.USERSPACE:
        if (cut > 0) userspaceCut(hooks, p, a, cut);
        else hooks.userspace(p, a);
        cut = 0;
        break;
      case DpActionType.SET:
      case DpActionType.SET_MASKED:
        executeSet(p, key, a);
        break;
      case DpActionType.PUSH_VLAN:
        pushVlan(p, key, a.tpid, a.tci);
        break;
      case DpActionType.POP_VLAN:
        popVlan(p, key);
        break;
      case DpActionType.PUSH_MPLS:
        pushMpls(p, key, a.ethertype, a.lse | 0);
        break;
      case DpActionType.POP_MPLS:
        popMpls(p, key, a.ethertype);
        break;
      case DpActionType.RECIRC:
        hooks.recirculate(p, a.id);
        break;
      case DpActionType.HASH: {
        const h = computeDpHash(key, a.alg, a.basis | 0);
        key[W_DP_HASH] = h;
        p.dpHash = h >>> 0;
        break;
      }
      case DpActionType.SAMPLE: {
        const prob = a.probability >>> 0;
        // As the kernel: 0xffffffff always samples, otherwise sample when random < probability.
        if (prob !== 0xffffffff && (hooks.random() >>> 0) >= prob) {
          if (i === n - 1) return;
          break;
        }
        if (i === n - 1) {
          run(hooks, p, key, a.actions, depth + 1, cut);
          return;
        }
        runOnCopy(hooks, p, key, a.actions, depth + 1, cut);
        break;
      }
      case DpActionType.CLONE:
        if (i === n - 1) {
          run(hooks, p, key, a.actions, depth + 1, cut);
          return;
        }
        runOnCopy(hooks, p, key, a.actions, depth + 1, cut);
        cut = 0; // the copy took the pending truncation (dpif-netdev resets the original's)
        break;
      case DpActionType.TRUNC: {
        const max = a.maxLen < ETH_HEADER_LEN ? ETH_HEADER_LEN : a.maxLen;
        cut = p.len > max ? p.len - max : 0;
        break;
      }
      case DpActionType.DROP:
        return;
      case DpActionType.METER:
        if (hooks.meter !== undefined && !hooks.meter(a.meterId, p)) return;
        break;
      default:
        break;
    }
  }
}

function runOnCopy(hooks: ExecHooks, p: Packet, key: Uint32Array, actions: readonly DpAction[], depth: number, cut: number): void {
  if (depth > MAX_EXEC_DEPTH) return;
  const copy = hooks.getScratch();
  if (p.copyTo(copy)) {
    const k = pushKeyCopy(key);
    run(hooks, copy, k, actions, depth, cut);
    keyTop--;
  }
  hooks.releaseScratch(copy);
}

function sendLen(p: Packet, cut: number): number {
  const n = p.len - cut;
  return n >= ETH_HEADER_LEN ? n : p.len < ETH_HEADER_LEN ? p.len : ETH_HEADER_LEN;
}

function outputCut(hooks: ExecHooks, p: Packet, port: number, cut: number): void {
  const len = p.len;
  p.len = sendLen(p, cut);
  hooks.output(p, port);
  p.len = len;
}

function userspaceCut(hooks: ExecHooks, p: Packet, a: UserspaceAction, cut: number): void {
  const len = p.len;
  p.len = sendLen(p, cut);
  hooks.userspace(p, a);
  p.len = len;
}

/** Move the header offsets at or after `from` by `delta` (absent offsets stay -1). */
function shiftOffsets(p: Packet, from: number, delta: number): void {
  if (p.l2_5Ofs >= from) p.l2_5Ofs += delta;
  if (p.l3Ofs >= from) p.l3Ofs += delta;
  if (p.l4Ofs >= from) p.l4Ofs += delta;
}

/** eth_push_vlan: a new outermost tag right after the MAC addresses (CFI cleared on the wire). */
function pushVlan(p: Packet, key: Uint32Array, tpid: number, tci: number): void {
  if (p.len < ETH_HEADER_LEN || !p.insertAt(12, 4)) return;
  const b = p.buf;
  const s = p.start;
  put16(b, s + 12, tpid);
  put16(b, s + 14, tci & ~VLAN_CFI);
  shiftOffsets(p, 12, 4);
  key[W_VLAN1] = key[W_VLAN0]!;
  key[W_VLAN0] = (((tpid & 0xffff) << 16) | (tci & 0xffff) | VLAN_CFI) >>> 0;
}

/** eth_pop_vlan: remove the outermost tag if there is one. */
function popVlan(p: Packet, key: Uint32Array): void {
  if (p.len < ETH_HEADER_LEN + 4 || !isVlanTpid(get16(p.buf, p.start + 12))) return;
  p.removeAt(12, 4);
  shiftOffsets(p, 14, -4);
  key[W_VLAN0] = key[W_VLAN1]!;
  key[W_VLAN1] = 0;
  // A tag beyond what the key held (its TPID was the key's eth_type) becomes the inner one.
  const et = key[W_ETH_TYPE]! & 0xffff;
  if ((key[W_VLAN0]! & VLAN_CFI) !== 0 && isVlanTpid(et) && p.len >= ETH_HEADER_LEN + 10) {
    const b = p.buf;
    const s = p.start;
    key[W_VLAN1] = (get32(b, s + 16) | VLAN_CFI) >>> 0;
    key[W_ETH_TYPE] = get16(b, s + 20);
  }
}

/** End of the L2 header (after MACs and VLAN tags) when extraction left no offsets. */
function l2End(p: Packet): number {
  const b = p.buf;
  const s = p.start;
  let o = 12;
  while (o + 6 <= p.len && isVlanTpid(get16(b, s + o))) o += 4;
  return o + 2;
}

/** push_mpls: a new top label after L2 (and any labels' position), ethertype rewritten. */
function pushMpls(p: Packet, key: Uint32Array, ethertype: number, lse: number): void {
  if (!isMplsEthType(ethertype) || p.len < ETH_HEADER_LEN) return;
  const wasMpls = p.l2_5Ofs >= 0;
  const at = wasMpls ? p.l2_5Ofs : p.l3Ofs >= 0 ? p.l3Ofs : l2End(p);
  if (at > p.len) return;
  if (!p.insertAt(at, 4)) return;
  put16(p.buf, p.start + at - 2, ethertype);
  put32(p.buf, p.start + at, lse);
  p.l2_5Ofs = at;
  if (p.l3Ofs >= 0) p.l3Ofs += 4;
  if (p.l4Ofs >= 0) p.l4Ofs += 4;
  if (wasMpls) {
    key[W_MPLS0 + 2] = key[W_MPLS0 + 1]!;
    key[W_MPLS0 + 1] = key[W_MPLS0]!;
  } else {
    key[W_MPLS0 + 2] = 0;
    key[W_MPLS0 + 1] = 0;
  }
  key[W_MPLS0] = lse;
  key[W_ETH_TYPE] = ethertype;
}

/** pop_mpls: remove the top label and set the ethertype to `ethertype`. */
function popMpls(p: Packet, key: Uint32Array, ethertype: number): void {
  const at = p.l2_5Ofs;
  if (at < 0 || at + 4 > p.len) return;
  const s = p.start;
  const lse = get32(p.buf, s + at);
  put16(p.buf, s + at - 2, ethertype);
  p.removeAt(at, 4);
  if ((lse & MPLS_BOS) !== 0) p.l2_5Ofs = -1;
  if (p.l3Ofs >= 0) p.l3Ofs -= 4;
  if (p.l4Ofs >= 0) p.l4Ofs -= 4;
  key[W_MPLS0] = key[W_MPLS0 + 1]!;
  key[W_MPLS0 + 1] = key[W_MPLS0 + 2]!;
  key[W_MPLS0 + 2] = 0;
  key[W_ETH_TYPE] = ethertype & 0xffff;
}
