/*
 * Datapath actions as OVS prints them (odp-util's format_odp_actions): `2`, `drop`,
 * `set(eth(dst=..))`, `push_vlan(vid=10,pcp=0)`, `recirc(0x1)`, `sample(sample=50.0%,actions(..))`.
 * A non-masked set prints every field of its attribute; a masked set prints the fields
 * its mask touches, with /mask where partial. Userspace userdata is opaque here: a hook
 * lets ofproto print its cookie (e.g. `controller(...)`).
 */

import type { OdpAttr } from '../flow/odp-attr.js';
import { bytesToHex, hx, hx04 } from '../flow/odp-text.js';
import { fmtMplsLse, fmtVlanTci, formatDpAttr } from '../flow/odp-key-format.js';
import { DpActionType, type DpAction, type SetAttr } from './actions.js';
import { HASH_ALG_L4, HASH_ALG_SYM_L4 } from './dp-hash.js';

export interface DpActionsFormatOptions {
  /** Port number -> name for output actions (`p2`). */
  portName?: (portNo: number) => string | undefined;
  /** Text for userspace userdata (e.g. `controller(reason=1,...)`); undefined prints userdata(hex). */
  userdataFormatter?: (userdata: Uint8Array) => string | undefined;
}

/** SetAttr ids equal OdpAttr ids 1-15 (see odp-attr.ts). */
function odpAttrOfSet(attr: SetAttr): OdpAttr {
  return attr as number as OdpAttr;
}

/** C's "%.1f" (glibc rounds exact ties to even; toFixed rounds them up). */
export function formatPercent1(x: number): string {
  // A double is exactly halfway between two tenths only when 4x is an odd integer.
  const q = x * 4;
  if (Number.isInteger(q) && q % 2 === 1) {
    const f = Math.floor(x * 10);
    const n = f % 2 === 0 ? f : f + 1;
    return `${Math.floor(n / 10)}.${n % 10}`;
  }
  return x.toFixed(1);
}

function formatOne(a: DpAction, opts: DpActionsFormatOptions | undefined): string {
  switch (a.type) {
    case DpActionType.OUTPUT:
      return opts?.portName?.(a.port) ?? String(a.port >>> 0);
    case DpActionType.USERSPACE: {
      let s = `userspace(pid=${a.pid >>> 0}`;
      if (a.userdata !== null) s += ',' + (opts?.userdataFormatter?.(a.userdata) ?? `userdata(${bytesToHex(a.userdata)})`);
      return s + ')';
    }
    case DpActionType.SET:
      return `set(${formatDpAttr(odpAttrOfSet(a.attr), a.key, null, true)})`;
    case DpActionType.SET_MASKED:
      return `set(${formatDpAttr(odpAttrOfSet(a.attr), a.key, a.mask, false)})`;
    case DpActionType.PUSH_VLAN: {
      const tpid = a.tpid === 0x8100 ? '' : `tpid=${hx04(a.tpid)},`;
      return `push_vlan(${tpid}${fmtVlanTci(a.tci & 0xffff, 0xffff, false)})`;
    }
    case DpActionType.POP_VLAN:
      return 'pop_vlan';
    case DpActionType.PUSH_MPLS:
      return `push_mpls(${fmtMplsLse(a.lse >>> 0)},eth_type=0x${(a.ethertype & 0xffff).toString(16)})`;
    case DpActionType.POP_MPLS:
      return `pop_mpls(eth_type=0x${(a.ethertype & 0xffff).toString(16)})`;
    case DpActionType.RECIRC:
      return `recirc(${hx(a.id)})`;
    case DpActionType.HASH:
      if (a.alg === HASH_ALG_L4) return `hash(l4(${a.basis >>> 0}))`;
      if (a.alg === HASH_ALG_SYM_L4) return `hash(sym_l4(${a.basis >>> 0}))`;
      return `hash(Unknown hash algorithm(${a.alg >>> 0}))`;
    case DpActionType.SAMPLE: {
      const pct = (100 * (a.probability >>> 0)) / 0xffffffff;
      return `sample(sample=${formatPercent1(pct)}%,actions(${formatDpActions(a.actions, opts)}))`;
    }
    case DpActionType.CLONE:
      return `clone(${formatDpActions(a.actions, opts)})`;
    case DpActionType.TRUNC:
      return `trunc(${a.maxLen >>> 0})`;
    case DpActionType.DROP:
      return 'drop';
    case DpActionType.METER:
      return `meter(${a.meterId >>> 0})`;
    default:
      return `unknown(${(a as { type: number }).type})`;
  }
}

/** Format a datapath action list; an empty list prints as `drop`, as OVS does. */
export function formatDpActions(actions: readonly DpAction[], opts?: DpActionsFormatOptions): string {
  if (actions.length === 0) return 'drop';
  let s = '';
  for (let i = 0; i < actions.length; i++) {
    if (i > 0) s += ',';
    s += formatOne(actions[i]!, opts);
  }
  return s;
}
