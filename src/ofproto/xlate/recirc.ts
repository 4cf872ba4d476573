/*
 * Recirculation contexts (OVS ofproto-dpif-rid.c): when translation must stop and resume
 * after the datapath has worked on the packet (an MPLS pop exposing the inner header, a
 * paused controller action), it freezes the pipeline state and emits recirc(id). When the
 * packet comes back with that recirc_id, translation thaws the state and carries on. Equal
 * states share an id, so a table stays as small as the set of distinct freeze points.
 */
/** Actions still to run at one level of the frozen pipeline, with that level's table and cookie. */
export interface FrozenSegment<A> {
  readonly tableId: number;
  readonly cookie: bigint;
  readonly actions: readonly A[];
  /**
   * An unroll_xlate copied in front of these actions from a thawed action list (OVS copies
   * them verbatim when a resumed pipeline freezes again): it restores this table and cookie.
   */
  readonly unroll?: { readonly tableId: number; readonly cookie: bigint };
}

export interface FrozenState<A> {
  /** Bridge to resume in (a patch peer of the one that received the packet, possibly). */
  readonly bridge: string;
  /** Table to look up in when there are no frozen actions. */
  readonly tableId: number;
  /** Pipeline metadata: OpenFlow in_port, registers, metadata, tunnel words (W_TUN_ID..W_TUN_GBP). */
  readonly inPort: number;
  readonly regs: Uint32Array;
  readonly metadata: readonly [number, number];
  readonly tunnel: Uint32Array;
  readonly stack: readonly Uint8Array[];
  readonly actionSet: readonly A[];
  /** Innermost level first. */
  readonly segments: readonly FrozenSegment<A>[];
  readonly wasMpls: boolean;
  /** Userdata of a paused controller action (continuation), or null. */
  readonly userdata: Uint8Array | null;
  /** The packet had been through conntrack (OVS frozen_state.conntracked); false clears ct fields on thaw. */
  readonly conntracked?: boolean;
  /** OVS's mirror bitmap (tsovs has no mirrors: kept only to hand a continuation back unchanged). */
  readonly mirrors?: number;
  /**
   * The segments are OVS's final frozen action list, as a continuation carries it: their own
   * unroll_xlate markers only, none added in front of output, controller, group... actions.
   */
  readonly final?: boolean;
}

function stateKey(s: FrozenState<unknown>): string {
  return JSON.stringify(s, (_k, v: unknown) => {
    if (typeof v === 'bigint') return 'n' + v.toString(16);
    if (v instanceof Uint8Array || v instanceof Uint32Array) return Array.from(v).join('.');
    // Field-table entries are shared objects: their name identifies them.
    if (v !== null && typeof v === 'object' && 'segments' in v && 'nxm' in v && 'name' in v) return 'f:' + String(v.name);
    return v;
  });
}

export class RecircTable<A> {
  private readonly byId = new Map<number, FrozenState<A>>();
  private readonly byKey = new Map<string, number>();
  private nextId = 1;

  constructor(private readonly maxStates = 65536) {}

  get size(): number {
    return this.byId.size;
  }

  /** The id of `state`, reusing the id of an identical state. */
  alloc(state: FrozenState<A>): number {
    const key = stateKey(state as FrozenState<unknown>);
    const old = this.byKey.get(key);
    if (old !== undefined) return old;
    if (this.byId.size >= this.maxStates) {
      // Forget the oldest context; packets still carrying its id will be dropped.
      const [oldId, oldState] = this.byId.entries().next().value as [number, FrozenState<A>];
      this.byId.delete(oldId);
      this.byKey.delete(stateKey(oldState as FrozenState<unknown>));
    }
    let id = this.nextId;
    while (id === 0 || this.byId.has(id)) id = (id + 1) >>> 0;
    this.nextId = (id + 1) >>> 0;
    this.byId.set(id, state);
    this.byKey.set(key, id);
    return id;
  }

  get(id: number): FrozenState<A> | undefined {
    return this.byId.get(id);
  }

  clear(): void {
    this.byId.clear();
    this.byKey.clear();
  }
}
