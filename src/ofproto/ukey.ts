/*
 * Per-megaflow userspace records (OVS struct udpif_key): for every datapath flow the
 * handler installed, the flow it was translated from, its mask and actions, what the
 * translation used (rules, groups and buckets, MAC-learning entries, tables looked up),
 * the revalidation sequence number it was translated at, and the datapath stats already
 * credited to the rules. Also the datapath-action equality the revalidator needs.
 */
import { DpActionType, type DpAction } from '../datapath/actions.js';
import { hashAdd, hashFinish } from '../flow/hash.js';
import { DP_KEY_WORDS } from '../flow/layout.js';
import { NO_GROUP_USES, type GroupUse, type NormalCacheEntry } from './xlate/context.js';
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
  /** megaflowHash(flow, mask), set by UkeyMap.add. */
  hash = 0;
  /** The next ukey whose megaflow has the same hash (UkeyMap's chain). */
  nextSameHash: Ukey | null = null;
  /** Groups and buckets the last translation ran (OVS XC_GROUP entries of the xlate_cache). */
  groups: readonly GroupUse<OfpAction>[] = NO_GROUP_USES;
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

/** Hash of a megaflow (flow & mask, mask) over the datapath words. */
export function megaflowHash(flow: Uint32Array, mask: Uint32Array): number {
  let h = 0;
  for (let i = 0; i < DP_KEY_WORDS; i++) {
    const m = mask[i]!;
    if (m !== 0) h = hashAdd(hashAdd(h, i), flow[i]! & m);
    h = hashAdd(h, m);
  }
  return hashFinish(h, DP_KEY_WORDS * 8);
}

/** True if (a & ma, ma) and (b & mb, mb) are the same megaflow. */
export function sameMegaflow(a: Uint32Array, ma: Uint32Array, b: Uint32Array, mb: Uint32Array): boolean {
  for (let i = 0; i < DP_KEY_WORDS; i++) {
    const m = ma[i]!;
    if (m !== mb[i] || ((a[i]! ^ b[i]!) & m) !== 0) return false;
  }
  return true;
}

/**
 * The ukeys of a datapath: by ufid, and by megaflow so the handler sees that a flow is
 * already installed without asking the datapath (bursts of one new flow all miss).
 */
export class UkeyMap {
  private readonly byUfid = new Map<string, Ukey>();
  /** Heads of chains (through Ukey.nextSameHash) of ukeys by megaflow hash. */
  private readonly byFlow = new Map<number, Ukey>();

  get size(): number {
    return this.byUfid.size;
  }

  get(ufid: string): Ukey | undefined {
    return this.byUfid.get(ufid);
  }

  values(): IterableIterator<Ukey> {
    return this.byUfid.values();
  }

  /** Adds a ukey; `hash` is megaflowHash(u.flow, u.mask) when the caller has it already. */
  add(u: Ukey, hash: number = megaflowHash(u.flow, u.mask)): void {
    this.byUfid.set(u.ufid, u);
    u.hash = hash;
    u.nextSameHash = this.byFlow.get(hash) ?? null;
    this.byFlow.set(hash, u);
  }

  delete(u: Ukey): void {
    if (this.byUfid.get(u.ufid) !== u) return;
    this.byUfid.delete(u.ufid);
    const h = u.hash;
    let prev: Ukey | null = null;
    for (let x = this.byFlow.get(h) ?? null; x !== null; prev = x, x = x.nextSameHash) {
      if (x !== u) continue;
      if (prev !== null) prev.nextSameHash = u.nextSameHash;
      else if (u.nextSameHash !== null) this.byFlow.set(h, u.nextSameHash);
      else this.byFlow.delete(h);
      break;
    }
    u.nextSameHash = null;
  }

  /** The ukey of the megaflow (flow & mask, mask), if one is installed. */
  find(flow: Uint32Array, mask: Uint32Array, hash: number = megaflowHash(flow, mask)): Ukey | undefined {
    for (let u = this.byFlow.get(hash) ?? null; u !== null; u = u.nextSameHash) {
      if (sameMegaflow(u.flow, u.mask, flow, mask)) return u;
    }
    return undefined;
  }

  clear(): void {
    this.byUfid.clear();
    this.byFlow.clear();
  }
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
    case DpActionType.METER:
      return x.meterId === (y as typeof x).meterId;
  }
}
