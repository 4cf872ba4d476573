/*
 * ofproto/trace (OVS ofproto/ofproto-dpif-trace.c): translate a flow with a trace tree
 * and print what OVS prints: the flow, the pipeline (bridges, tables, actions, details),
 * the final flow, the megaflow and the datapath actions. Also OVS's flow_format (the
 * "Flow:" form of a packet's fields) and the megaflow text.
 */
import type { DpAction } from '../datapath/actions.js';
import { formatDpActions } from '../datapath/odp-actions-format.js';
import {
  FLOW_WORDS,
  FRAG_LATER,
  MAX_MPLS_LABELS,
  N_REGS,
  TUN_FLAG_KEY,
  W_ACTSET_OUTPUT,
  W_ARP_HI,
  W_ARP_SHA,
  W_ARP_THA,
  W_CONJ_ID,
  W_CT,
  W_CT_LABEL,
  W_CT_MARK,
  W_DP_HASH,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_ETH_TYPE,
  W_IN_PORT,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_IPV6_DST,
  W_IPV6_LABEL,
  W_IPV6_SRC,
  W_METADATA,
  W_MPLS0,
  W_ND_TARGET,
  W_NW,
  W_RECIRC_ID,
  W_REG0,
  W_SKB_MARK,
  W_SKB_PRIORITY,
  W_TCP_FLAGS,
  W_TP,
  W_TUN_DST,
  W_TUN_GBP,
  W_TUN_ID,
  W_TUN_IPV6_DST,
  W_TUN_MISC,
  W_VLAN0,
} from '../flow/layout.js';
import { formatMatch } from '../flow/match-format.js';
import type { PortMap } from '../flow/ofp-port.js';
import type { Packet } from '../packet/packet.js';
import type { OfpAction } from './ofp-actions.js';
import type { XlateBridge } from './xlate-bridge.js';
import type { XlateResult } from './xlate/context.js';
import { xlateStrerror } from './xlate/context.js';
import { printTraceNodes, type TraceNode } from './xlate/trace-node.js';
import { formatUserdata, SLOW_EXPLANATIONS } from './xlate/userdata.js';
import { OFPACT_XLATE_OPS, xlateWith } from './xlate/xlate.js';


const ALL = 0xffffffff;

function allZero(k: Uint32Array, w: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (k[w + i]) return false;
  return true;
}

/** OVS flow_wildcards_init_for_packet + match_wc_init: the fields a packet like `flow` has. */
export function packetFieldsMask(flow: Uint32Array): Uint32Array {
  const m = new Uint32Array(FLOW_WORDS);
  const tunDst = flow[W_TUN_DST] !== 0 || !allZero(flow, W_TUN_IPV6_DST, 4);
  if (tunDst) {
    for (let w = W_TUN_ID; w <= W_TUN_GBP; w++) m[w] = ALL;
    if (!((flow[W_TUN_MISC]! & 0xffff) & TUN_FLAG_KEY)) m[W_TUN_ID] = m[W_TUN_ID + 1] = 0;
  } else if (flow[W_TUN_ID] || flow[W_TUN_ID + 1]) {
    m[W_TUN_ID] = m[W_TUN_ID + 1] = ALL;
  }
  for (const w of [W_SKB_PRIORITY, W_SKB_MARK, W_CT, W_CT_MARK, W_RECIRC_ID, W_DP_HASH, W_IN_PORT]) m[w] = ALL;
  for (let i = 0; i < 4; i++) m[W_CT_LABEL + i] = ALL;
  m[W_ETH_HI] = m[W_ETH_DST] = m[W_ETH_SRC] = ALL;
  m[W_ETH_TYPE] = 0xffff;
  m[W_VLAN0] = ALL;
  if (flow[W_VLAN0]! & 0xffff) m[W_VLAN0 + 1] = ALL;
  m[W_METADATA] = m[W_METADATA + 1] = ALL;
  for (let i = 0; i < N_REGS; i++) m[W_REG0 + i] = ALL;
  const t = flow[W_ETH_TYPE]! & 0xffff;
  const proto = flow[W_NW]! >>> 24;
  if (t === 0x0800) {
    m[W_IPV4_SRC] = m[W_IPV4_DST] = ALL;
  } else if (t === 0x86dd) {
    for (let i = 0; i < 4; i++) m[W_IPV6_SRC + i] = m[W_IPV6_DST + i] = ALL;
    m[W_IPV6_LABEL] = 0xfffff;
    const tp = flow[W_TP]!;
    if (proto === 58 && (tp & 0xffff) === 0 && (tp >>> 16 === 135 || tp >>> 16 === 136)) {
      m[W_ARP_HI] = m[W_ARP_SHA] = m[W_ARP_THA] = ALL;
      for (let i = 0; i < 4; i++) m[W_ND_TARGET + i] = ALL;
    }
  } else if (t === 0x0806 || t === 0x8035) {
    m[W_IPV4_SRC] = m[W_IPV4_DST] = ALL;
    m[W_NW] = 0xff000000;
    m[W_ARP_HI] = m[W_ARP_SHA] = m[W_ARP_THA] = ALL;
    return m;
  } else if (t === 0x8847 || t === 0x8848) {
    for (let i = 0; i < MAX_MPLS_LABELS; i++) {
      m[W_MPLS0 + i] = ALL;
      if (flow[W_MPLS0 + i]! & 0x100) break;
    }
    return m;
  } else {
    return m;
  }
  m[W_NW] = 0xffffff03;
  if (!(flow[W_NW]! & FRAG_LATER) && [1, 58, 6, 17, 132, 2].includes(proto)) {
    m[W_TP] = ALL;
    if (proto === 6) m[W_TCP_FLAGS] = 0xffff;
  }
  return m;
}

/** OVS flow_format: a packet's fields as an OpenFlow match, zero metadata left out. */
export function formatFlow(flow: Uint32Array, ports?: PortMap): string {
  const m = packetFieldsMask(flow);
  const drop = (w: number, n = 1): void => {
    if (allZero(flow, w, n)) for (let i = 0; i < n; i++) m[w + i] = 0;
  };
  drop(W_IN_PORT);
  drop(W_SKB_PRIORITY);
  drop(W_SKB_MARK);
  drop(W_RECIRC_ID);
  drop(W_DP_HASH);
  if (!(flow[W_CT]! & 0xff)) m[W_CT] = (m[W_CT]! & ~0xff) >>> 0;
  if (!(flow[W_CT]! >>> 16)) m[W_CT] = (m[W_CT]! & 0xffff) >>> 0;
  drop(W_CT_MARK);
  drop(W_CT_LABEL, 4);
  for (let i = 0; i < N_REGS; i++) drop(W_REG0 + i);
  drop(W_METADATA, 2);
  // With recirc_id matched OVS prints the packet type ("eth"), as for a megaflow.
  if (flow[W_RECIRC_ID]) return formatMegaflow(flow, m, ports);
  const key = flow.slice();
  for (let i = 0; i < FLOW_WORDS; i++) key[i] = key[i]! & m[i]!;
  return formatMatch({ key, mask: m }, ports ? { ports } : {});
}

const PREFIX_WORDS = [W_SKB_MARK, W_RECIRC_ID, W_DP_HASH, W_CONJ_ID, W_SKB_PRIORITY, W_ACTSET_OUTPUT, W_CT, W_CT_MARK, W_CT_LABEL, W_CT_LABEL + 1, W_CT_LABEL + 2, W_CT_LABEL + 3];

/**
 * The megaflow as OVS prints it (match_format of flow + mask, with "eth" for the Ethernet
 * packet type after the metadata fields, e.g. "recirc_id=0,eth,ip,in_port=1,nw_frag=no").
 */
export function formatMegaflow(flow: Uint32Array, mask: Uint32Array, ports?: PortMap): string {
  const k1 = new Uint32Array(FLOW_WORDS);
  const m1 = new Uint32Array(FLOW_WORDS);
  const k2 = new Uint32Array(FLOW_WORDS);
  const m2 = mask.slice();
  for (let i = 0; i < FLOW_WORDS; i++) k2[i] = flow[i]! & mask[i]!;
  for (const w of PREFIX_WORDS) {
    m1[w] = mask[w]!;
    k1[w] = flow[w]! & mask[w]!;
    m2[w] = 0;
    k2[w] = 0;
  }
  const opts = ports ? { ports } : {};
  const parts = [formatMatch({ key: k1, mask: m1 }, opts), 'eth', formatMatch({ key: k2, mask: m2 }, opts)];
  return parts.filter((s) => s !== '').join(',');
}

export interface TraceOptions {
  /** Injected clock, ms. */
  now: number;
  /** Run with side effects (MAC learning, learn()), as `ofproto/trace --generate`. */
  generate?: boolean;
  packet?: Packet | null;
  /** Trace these actions instead of the tables (ofproto/trace-packet-out). */
  actions?: readonly OfpAction[] | null;
  /** Action text for trace lines (the ovs-ofctl formatter of the OpenFlow layer). */
  formatActions?: (acts: readonly OfpAction[]) => string;
  /** Port names (--names). */
  ports?: PortMap;
  /** Datapath port names for the datapath actions (--names). */
  dpPortName?: (dpPort: number) => string | undefined;
}

export interface TraceOutput {
  readonly text: string;
  readonly result: XlateResult<OfpAction>;
}

/** Formats datapath actions with controller / slow-path userdata decoded. */
export function formatXlateActions(actions: readonly DpAction[], dpPortName?: (dpPort: number) => string | undefined): string {
  return formatDpActions(actions, {
    userdataFormatter: (u) => formatUserdata(u)?.slice(1),
    ...(dpPortName ? { portName: dpPortName } : {}),
  });
}

/**
 * Runs ofproto/trace on `bridge` for `flow` (FLOW_WORDS, in_port an OpenFlow port) and
 * returns OVS's text along with the translation result.
 */
export function traceText(bridge: XlateBridge<OfpAction>, flow: Uint32Array, opts: TraceOptions): TraceOutput {
  const initial = flow.slice();
  initial[W_ACTSET_OUTPUT] = 0xfff7; // OFPP_UNSET, as xlate_in_init
  const nodes: TraceNode[] = [];
  const ops = opts.formatActions ? { ...OFPACT_XLATE_OPS, formatActions: opts.formatActions } : OFPACT_XLATE_OPS;
  const generate = opts.generate ?? false;
  const result = xlateWith(
    bridge,
    initial,
    {
      sideEffects: generate,
      dontSendPacketIns: !generate,
      trace: nodes,
      now: opts.now,
      packet: opts.packet ?? null,
      actions: opts.actions ?? null,
      ofInPort: true,
    },
    ops,
  );
  const out: string[] = ['Flow: ', formatFlow(initial, opts.ports), '\n'];
  printTraceNodes(out, nodes, 0);
  out.push('\nFinal flow: ');
  let same = true;
  for (let i = 0; i < FLOW_WORDS; i++) if (initial[i] !== result.finalFlow[i]) same = false;
  out.push(same ? 'unchanged' : formatFlow(result.finalFlow, opts.ports), '\n');
  out.push('Megaflow: ', formatMegaflow(initial, result.mask, opts.ports), '\n');
  out.push('Datapath actions: ', formatXlateActions(result.actions, opts.dpPortName));
  if (result.error) {
    out.push(`\nTranslation failed (${xlateStrerror(result.error)}), packet is dropped.`);
  } else if (result.slow) {
    out.push('\nThis flow is handled by the userspace slow path because it:');
    for (let i = 0; i < 32; i++) if (result.slow & (1 << i)) out.push(`\n  - ${SLOW_EXPLANATIONS[i] ?? 'unknown reason'}.`);
  }
  out.push('\n');
  // The mask and final flow are xlate scratch: the caller gets its own copies.
  return { text: out.join(''), result: { ...result, mask: result.mask.slice(), finalFlow: result.finalFlow.slice() } };
}
