/*
 * A tiny test-only slow path for a Datapath: every miss on port A installs the megaflow
 * "recirc_id=0, in_port=A -> output B" (and B -> A), then executes the packet. Enough to
 * switch two ports without ofproto; used by port tests, the namespace switch fixture and
 * the veth benchmark.
 */
import { DpActionType, type DpAction } from '../../src/datapath/actions.js';
import type { Datapath } from '../../src/datapath/datapath.js';
import { DpifError, FlowPutFlags, UpcallType, type Upcall } from '../../src/datapath/dpif.js';
import { FLOW_WORDS, W_IN_PORT, W_RECIRC_ID } from '../../src/flow/layout.js';

export interface CrossConnect {
  /** Upcalls handled so far. */
  readonly handled: number;
  stop(): void;
}

export interface CrossConnectOptions {
  /** Actions put before the output to a port (e.g. a set(tunnel(...)) for a remote_ip=flow port). */
  before?: ReadonlyMap<number, readonly DpAction[]>;
  /** Sees every upcall (tests read the flow keys). */
  onUpcall?: (u: Upcall) => void;
}

/** Cross-connects pairs of ports: each [a, b] forwards a -> b and b -> a. */
export function crossConnect(
  dp: Datapath,
  pairs: ReadonlyArray<readonly [number, number]>,
  opts: CrossConnectOptions = {},
): CrossConnect {
  const peer = new Map<number, number>();
  for (const [a, b] of pairs) {
    peer.set(a, b);
    peer.set(b, a);
  }
  const buf: Upcall[] = [];
  const state = { handled: 0, scheduled: false, stopped: false };
  const handle = (): void => {
    state.scheduled = false;
    for (;;) {
      buf.length = 0;
      const n = dp.recvUpcalls(buf, 64);
      if (n === 0) break;
      for (const u of buf) {
        state.handled++;
        opts.onUpcall?.(u);
        if (u.type !== UpcallType.MISS) continue;
        const inPort = u.key[W_IN_PORT]!;
        const out = peer.get(inPort);
        const actions: DpAction[] =
          out === undefined ? [] : [...(opts.before?.get(out) ?? []), { type: DpActionType.OUTPUT, port: out }];
        const mask = new Uint32Array(FLOW_WORDS);
        mask[W_IN_PORT] = 0xffffffff;
        mask[W_RECIRC_ID] = 0xffffffff;
        try {
          dp.flowPut({ key: u.key, mask, actions, flags: FlowPutFlags.CREATE });
        } catch (e) {
          if (!(e instanceof DpifError && e.code === 'EEXIST')) throw e;
        }
        dp.execute(u.packet, actions);
      }
    }
  };
  dp.setUpcallNotify(() => {
    if (state.scheduled || state.stopped) return;
    state.scheduled = true;
    queueMicrotask(handle);
  });
  return {
    get handled() {
      return state.handled;
    },
    stop() {
      state.stopped = true;
      dp.setUpcallNotify(null);
    },
  };
}
