/*
 * Per-megaflow userspace records (OVS struct udpif_key): for every datapath flow the
 * handler installed, the flow it was translated from, its mask and actions, what the
 * translation used (rules, MAC-learning entries, tables looked up), the revalidation
 * sequence number it was translated at, and the datapath stats already credited to the
 * rules. Also the datapath-action equality the revalidator needs.
 */
import { DpActionType, type DpAction } from '../datapath/actions.js';
import type { NormalCacheEntry } from './xlate/context.js';
import type { OfpAction } from './ofp-actions.js';
import type { XlateRule } from './xlate-bridge.js';
import type { Bridge } from './bridge.js';
import type { FlowMod } from './flow-mod.js';

/** A learn action a translation executed: its learned rule is kept fresh while the flow sees packets (OVS XC_LEARN). */
export interface LearnRef {
  readonly bridge: Bridge;
  readonly fm: FlowMod;
}

/** A table lookup made by a translation: credited to the table's lookup/matched counters. */
export interface TableLookup {
  readonly bridge: Bridge;
  readonly tableId: number;
  readonly matched: boolean;
}

export class Ukey {
  /** Datapath stats already credited (OVS ukey->stats). */
  packets = 0;
  bytes = 0;
  used = 0;
  /** The revalidator pass that last saw the flow in a dump. */
  dumpSeq = 0;
  constructor(
    readonly ufid: string,
    /** The flow that was translated (full FLOW_WORDS upcall key; in_port is the datapath port). */
    readonly flow: Uint32Array,
    /** The installed mask (the datapath flow's key is flow & mask). */
    readonly mask: Uint32Array,
    public actions: readonly DpAction[],
    /** The bridge owning the input port. */
    readonly bridge: Bridge,
    /** What the last translation used (OVS xlate_cache). */
    public rules: readonly XlateRule<OfpAction>[],
    public normals: readonly NormalCacheEntry[],
    public lookups: readonly TableLookup[],
    /** Learn actions of the handler's translation (revalidation runs without side effects, so they stay). */
    readonly learns: readonly LearnRef[],
    /** Backer revalidation sequence at the last translation (OVS ukey->reval_seq). */
    public revalSeq: number,
    readonly created: number,
  ) {}
}

function u32Equal(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function bytesEqual(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Deep equality of datapath action lists (OVS compares the netlink bytes). */
export function dpActionsEqual(a: readonly DpAction[], b: readonly DpAction[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!dpActionEqual(a[i]!, b[i]!)) return false;
  return true;
}

function dpActionEqual(x: DpAction, y: DpAction): boolean {
  if (x.type !== y.type) return false;
  switch (x.type) {
    case DpActionType.OUTPUT:
      return x.port === (y as typeof x).port;
    case DpActionType.USERSPACE: {
      const o = y as typeof x;
      return x.pid === o.pid && bytesEqual(x.userdata, o.userdata);
    }
    case DpActionType.SET:
    case DpActionType.SET_MASKED: {
      const o = y as typeof x;
      return x.attr === o.attr && u32Equal(x.key, o.key) && u32Equal(x.mask, o.mask);
    }
    case DpActionType.PUSH_VLAN: {
      const o = y as typeof x;
      return x.tpid === o.tpid && x.tci === o.tci;
    }
    case DpActionType.POP_VLAN:
      return true;
    case DpActionType.PUSH_MPLS: {
      const o = y as typeof x;
      return x.ethertype === o.ethertype && x.lse === o.lse;
    }
    case DpActionType.POP_MPLS:
      return x.ethertype === (y as typeof x).ethertype;
    case DpActionType.RECIRC:
      return x.id === (y as typeof x).id;
    case DpActionType.HASH: {
      const o = y as typeof x;
      return x.alg === o.alg && x.basis === o.basis;
    }
    case DpActionType.SAMPLE: {
      const o = y as typeof x;
      return x.probability === o.probability && dpActionsEqual(x.actions, o.actions);
    }
    case DpActionType.CLONE:
      return dpActionsEqual(x.actions, (y as typeof x).actions);
    case DpActionType.TRUNC:
      return x.maxLen === (y as typeof x).maxLen;
    case DpActionType.DROP:
      return x.reason === (y as typeof x).reason;
  }
}
