/*
 * Output to a tunnel port (OVS tnl_port_send in ofproto/tunnel.c and
 * commit_odp_tunnel_action in lib/odp-util.c, kernel-tunnel mode): the port's configuration
 * fills the flow's tunnel fields (remote and local address, IPv4 or IPv6, unless `flow`;
 * key unless `flow`; UDP port, TTL, TOS with the inner ECN, df/csum/key flags), then a
 * set(tunnel(...)) action carries them to the datapath when they differ from what the
 * packet already has. The tunnel netdev encapsulates by that metadata.
 */
import { DpActionType, SetAttr, type DpAction } from '../../datapath/actions.js';
import { SET_ATTR_MASKS } from '../../datapath/set-fields.js';
import {
  FLOW_WORDS,
  NW_TOS_SHIFT,
  TUN_FLAG_CSUM,
  TUN_FLAG_DONT_FRAGMENT,
  TUN_FLAG_KEY,
  W_NW,
  W_TUN_DST,
  W_TUN_GBP,
  W_TUN_ID,
  W_TUN_IPV6_DST,
  W_TUN_IPV6_SRC,
  W_TUN_MISC,
  W_TUN_SRC,
  W_TUN_TP,
} from '../../flow/layout.js';
import { CSUM_DEFAULT, CSUM_ENABLED, FLOW, type TunnelConfig } from '../../netdev/tunnel-config.js';
import { isIpAny } from './flow-ops.js';

const IP_ECN_MASK = 0x03;
const IP_ECN_CE = 0x03;
const IP_ECN_ECT_0 = 0x02;
/** The GBP word's tunnel bits (id and flags). */
const GBP_BITS = 0xffffff00;

/** Words W_TUN_ID..W_TUN_GBP, the flow's tunnel. */
export const TUN_WORDS = W_TUN_GBP - W_TUN_ID + 1;

/** True when the flow's tunnel has an IPv4 or IPv6 destination (OVS flow_tnl_dst_is_set). */
export function tunnelDstIsSet(flow: Uint32Array): boolean {
  return (flow[W_TUN_DST]! | flow[W_TUN_IPV6_DST]! | flow[W_TUN_IPV6_DST + 1]! | flow[W_TUN_IPV6_DST + 2]! | flow[W_TUN_IPV6_DST + 3]!) !== 0;
}

/**
 * Whether the flow's tunnel destination equals `orig` (the destination words W_TUN_DST ..
 * W_TUN_IPV6_DST + 3 of the packet as received), OVS's "Not tunneling to our own address".
 */
export function tunnelDstEquals(flow: Uint32Array, orig: Uint32Array): boolean {
  if (flow[W_TUN_DST] !== orig[0]) return false;
  const o = W_TUN_IPV6_DST - W_TUN_DST;
  for (let i = 0; i < 4; i++) if (flow[W_TUN_IPV6_DST + i] !== orig[o + i]) return false;
  return true;
}

function putAddr(flow: Uint32Array, w4: number, w6: number, v4: number, v6: Uint32Array | null): void {
  flow[w4] = v4;
  for (let i = 0; i < 4; i++) flow[w6 + i] = v6 === null ? 0 : v6[i]!;
}

/** OVS tnl_port_send: the tunnel port's configuration into the flow's tunnel fields. */
export function tnlPortSend(cfg: TunnelConfig, flow: Uint32Array, wc: Uint32Array): void {
  if (cfg.localIp !== FLOW) putAddr(flow, W_TUN_SRC, W_TUN_IPV6_SRC, cfg.localIp, cfg.localIp6);
  if (cfg.remoteIp !== FLOW) putAddr(flow, W_TUN_DST, W_TUN_IPV6_DST, cfg.remoteIp, cfg.remoteIp6);
  flow[W_TUN_TP] = cfg.dstPort & 0xffff; // tp_src 0: nothing carried from a previous tunnel
  if (cfg.outKey !== FLOW) {
    flow[W_TUN_ID] = 0;
    flow[W_TUN_ID + 1] = cfg.outKey;
  }
  let tos = 0; // options:tos (only 0 is accepted)
  if (isIpAny(flow)) {
    // ECN is always inherited from the inner packet.
    wc[W_NW] = (wc[W_NW]! | (IP_ECN_MASK << NW_TOS_SHIFT)) >>> 0;
    const ecn = (flow[W_NW]! >>> NW_TOS_SHIFT) & IP_ECN_MASK;
    tos |= ecn === IP_ECN_CE ? IP_ECN_ECT_0 : ecn;
  }
  let flags = flow[W_TUN_MISC]! & 0xffff & ~(TUN_FLAG_DONT_FRAGMENT | TUN_FLAG_CSUM | TUN_FLAG_KEY);
  if (cfg.dontFragment) flags |= TUN_FLAG_DONT_FRAGMENT;
  if (cfg.outKeyPresent) flags |= TUN_FLAG_KEY;
  if (cfg.csum === CSUM_ENABLED || (cfg.csum === CSUM_DEFAULT && flow[W_TUN_DST] === 0)) flags |= TUN_FLAG_CSUM;
  flow[W_TUN_MISC] = ((tos << 24) | ((cfg.ttl & 0xff) << 16) | flags) >>> 0;
}

/**
 * OVS commit_odp_tunnel_action: when the flow has a tunnel destination and its tunnel
 * differs from `base`, appends set(tunnel(...)) and makes base's tunnel the flow's.
 */
export function commitTunnel(flow: Uint32Array, base: Uint32Array, out: DpAction[]): void {
  if (!tunnelDstIsSet(flow)) return;
  let same = true;
  for (let w = W_TUN_ID; w < W_TUN_GBP; w++) if (flow[w] !== base[w]) same = false;
  if (same && ((flow[W_TUN_GBP]! ^ base[W_TUN_GBP]!) & GBP_BITS) === 0) return;
  const key = new Uint32Array(FLOW_WORDS);
  for (let w = W_TUN_ID; w < W_TUN_GBP; w++) key[w] = base[w] = flow[w]!;
  key[W_TUN_GBP] = (flow[W_TUN_GBP]! & GBP_BITS) >>> 0;
  base[W_TUN_GBP] = ((base[W_TUN_GBP]! & ~GBP_BITS) | key[W_TUN_GBP]!) >>> 0;
  const mask = new Uint32Array(FLOW_WORDS);
  mask.set(SET_ATTR_MASKS[SetAttr.TUNNEL]!);
  out.push({ type: DpActionType.SET, attr: SetAttr.TUNNEL, key, mask });
}
