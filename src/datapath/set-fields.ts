/*
 * Which FlowKey bits each set / masked-set attribute may write (the writable part of OVS's
 * ovs_key_* structs): used by the validator (mask bits outside these are refused) and by
 * the executor (the key copy follows the header rewrites word by word).
 */
import { SetAttr } from './actions.js';
import {
  DP_KEY_WORDS,
  W_ARP_HI,
  W_ARP_SHA,
  W_ARP_THA,
  W_CT,
  W_CT_LABEL,
  W_CT_MARK,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_IPV6_DST,
  W_IPV6_LABEL,
  W_IPV6_SRC,
  W_MPLS0,
  W_ND_TARGET,
  W_NW,
  W_SKB_MARK,
  W_SKB_PRIORITY,
  W_TP,
  W_TUN_GBP,
  W_TUN_ID,
  W_TUN_TP,
} from '../flow/layout.js';

/** Largest SetAttr value. */
export const SET_ATTR_MAX = SetAttr.CT_STATE;

/** Attribute names as OVS prints them in set(...) actions; index = SetAttr value. */
export const SET_ATTR_NAMES: readonly string[] = [
  '',
  'skb_priority',
  'skb_mark',
  'tunnel',
  'eth',
  'mpls',
  'ipv4',
  'ipv6',
  'tcp',
  'udp',
  'sctp',
  'icmp',
  'icmpv6',
  'arp',
  'nd',
  'ct_state',
];

const ALL = 0xffffffff;
/** nw_tos and nw_ttl inside W_NW (IPv4 tos/ttl, IPv6 tclass/hlimit). */
const NW_TOS_TTL = 0x00ffff00;
/** nw_proto inside W_NW (the ARP opcode for ARP). */
const NW_PROTO_BITS = 0xff000000;
/** ICMP type (tp_src's low byte) and code (tp_dst's low byte). */
const ICMP_TYPE_CODE = 0x00ff00ff;

function fields(pairs: ReadonlyArray<readonly [number, number]>): Uint32Array {
  const m = new Uint32Array(DP_KEY_WORDS);
  for (const [w, bits] of pairs) m[w] = bits >>> 0;
  return m;
}

function range(from: number, n: number, bits = ALL): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) out.push([from + i, bits]);
  return out;
}

function buildMasks(): Uint32Array[] {
  const m: Uint32Array[] = [];
  m[0] = new Uint32Array(DP_KEY_WORDS);
  m[SetAttr.PRIORITY] = fields([[W_SKB_PRIORITY, ALL]]);
  m[SetAttr.SKB_MARK] = fields([[W_SKB_MARK, ALL]]);
  m[SetAttr.TUNNEL] = fields([...range(W_TUN_ID, W_TUN_TP - W_TUN_ID + 1), [W_TUN_GBP, 0xffffff00]]);
  m[SetAttr.ETH] = fields([
    [W_ETH_HI, ALL],
    [W_ETH_DST, ALL],
    [W_ETH_SRC, ALL],
  ]);
  m[SetAttr.MPLS] = fields([[W_MPLS0, ALL]]);
  m[SetAttr.IPV4] = fields([
    [W_IPV4_SRC, ALL],
    [W_IPV4_DST, ALL],
    [W_NW, NW_TOS_TTL],
  ]);
  m[SetAttr.IPV6] = fields([
    ...range(W_IPV6_SRC, 4),
    ...range(W_IPV6_DST, 4),
    [W_IPV6_LABEL, 0x000fffff],
    [W_NW, NW_TOS_TTL],
  ]);
  m[SetAttr.TCP] = fields([[W_TP, ALL]]);
  m[SetAttr.UDP] = fields([[W_TP, ALL]]);
  m[SetAttr.SCTP] = fields([[W_TP, ALL]]);
  m[SetAttr.ICMP] = fields([[W_TP, ICMP_TYPE_CODE]]);
  m[SetAttr.ICMPV6] = fields([[W_TP, ICMP_TYPE_CODE]]);
  m[SetAttr.ARP] = fields([
    [W_IPV4_SRC, ALL],
    [W_IPV4_DST, ALL],
    [W_NW, NW_PROTO_BITS],
    [W_ARP_HI, ALL],
    [W_ARP_SHA, ALL],
    [W_ARP_THA, ALL],
  ]);
  m[SetAttr.ND] = fields([
    ...range(W_ND_TARGET, 4),
    [W_ARP_HI, ALL],
    [W_ARP_SHA, ALL],
    [W_ARP_THA, ALL],
  ]);
  m[SetAttr.CT_STATE] = fields([
    [W_CT, 0xffff00ff],
    [W_CT_MARK, ALL],
    ...range(W_CT_LABEL, 4),
  ]);
  return m;
}

/** Writable bits per attribute (DP_KEY_WORDS words each); index = SetAttr value. */
export const SET_ATTR_MASKS: readonly Uint32Array[] = buildMasks();

/** The words each attribute touches, as a flat list per attribute (for the executor's key update). */
export const SET_ATTR_WORDS: readonly Int32Array[] = SET_ATTR_MASKS.map((m) => {
  const ws: number[] = [];
  for (let w = 0; w < m.length; w++) if (m[w] !== 0) ws.push(w);
  return Int32Array.from(ws);
});

/** True if `attr` is a SetAttr value this datapath knows. */
export function isKnownSetAttr(attr: number): boolean {
  return Number.isInteger(attr) && attr >= 1 && attr <= SET_ATTR_MAX;
}
