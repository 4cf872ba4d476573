/*
 * The fields of each set / masked-set attribute (OVS's ovs_key_* structs) as FlowKey bits,
 * in one table: which (word, bits) parts make up each field and whether the datapath may
 * write it. The validator (mask bits outside the writable ones are refused) and the
 * executor (the key copy follows the header rewrites word by word) use the writable masks
 * derived here; translation (ofproto/xlate/commit.ts) uses the per-field parts to build
 * set and masked-set actions.
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

/** (word, bits) parts of one field. */
export type FieldParts = readonly (readonly [number, number])[];

/** One field of a set attribute. */
export interface SetAttrField {
  /** The key struct member, as OVS prints it in set(...) ("src", "tclass", ...). */
  readonly name: string;
  readonly parts: FieldParts;
  /** False for members a set action must carry but cannot change (IPv4 proto, frag). */
  readonly writable: boolean;
}

const f = (name: string, parts: FieldParts, writable = true): SetAttrField => ({ name, parts, writable });
const words = (w: number, n: number): FieldParts => Array.from({ length: n }, (_, i) => [w + i, ALL] as const);

const ETH_HI_SRC = 0x0000ffff;
const ETH_HI_DST = 0xffff0000;
const NW_PROTO = 0xff000000;
const NW_TOS = 0x00ff0000;
const NW_TTL = 0x0000ff00;
const NW_FRAG = 0x000000ff;
/** The ARP/ND sha/sll and tha/tll high halves share W_ARP_HI. */
const ARP_HI_SHA = 0xffff0000;
const ARP_HI_THA = 0x0000ffff;

const tpFields = [f('src', [[W_TP, 0xffff0000]]), f('dst', [[W_TP, 0x0000ffff]])];
/** ICMP type is tp_src's low byte, code tp_dst's. */
const icmpFields = [f('type', [[W_TP, 0x00ff0000]]), f('code', [[W_TP, 0x000000ff]])];

function buildFields(): SetAttrField[][] {
  const t: SetAttrField[][] = [[]];
  t[SetAttr.PRIORITY] = [f('priority', words(W_SKB_PRIORITY, 1))];
  t[SetAttr.SKB_MARK] = [f('mark', words(W_SKB_MARK, 1))];
  t[SetAttr.TUNNEL] = [f('tunnel', [...words(W_TUN_ID, W_TUN_TP - W_TUN_ID + 1), [W_TUN_GBP, 0xffffff00]])];
  t[SetAttr.ETH] = [f('src', [[W_ETH_HI, ETH_HI_SRC], [W_ETH_SRC, ALL]]), f('dst', [[W_ETH_HI, ETH_HI_DST], [W_ETH_DST, ALL]])];
  t[SetAttr.MPLS] = [f('lse', words(W_MPLS0, 1))];
  t[SetAttr.IPV4] = [
    f('src', words(W_IPV4_SRC, 1)),
    f('dst', words(W_IPV4_DST, 1)),
    f('proto', [[W_NW, NW_PROTO]], false),
    f('tos', [[W_NW, NW_TOS]]),
    f('ttl', [[W_NW, NW_TTL]]),
    f('frag', [[W_NW, NW_FRAG]], false),
  ];
  t[SetAttr.IPV6] = [
    f('src', words(W_IPV6_SRC, 4)),
    f('dst', words(W_IPV6_DST, 4)),
    f('label', [[W_IPV6_LABEL, 0x000fffff]]),
    f('proto', [[W_NW, NW_PROTO]], false),
    f('tclass', [[W_NW, NW_TOS]]),
    f('hlimit', [[W_NW, NW_TTL]]),
    f('frag', [[W_NW, NW_FRAG]], false),
  ];
  t[SetAttr.TCP] = tpFields;
  t[SetAttr.UDP] = tpFields;
  t[SetAttr.SCTP] = tpFields;
  t[SetAttr.ICMP] = icmpFields;
  t[SetAttr.ICMPV6] = icmpFields;
  t[SetAttr.ARP] = [
    f('sip', words(W_IPV4_SRC, 1)),
    f('tip', words(W_IPV4_DST, 1)),
    f('op', [[W_NW, NW_PROTO]]),
    f('sha', [[W_ARP_HI, ARP_HI_SHA], [W_ARP_SHA, ALL]]),
    f('tha', [[W_ARP_HI, ARP_HI_THA], [W_ARP_THA, ALL]]),
  ];
  t[SetAttr.ND] = [
    f('target', words(W_ND_TARGET, 4)),
    f('sll', [[W_ARP_HI, ARP_HI_SHA], [W_ARP_SHA, ALL]]),
    f('tll', [[W_ARP_HI, ARP_HI_THA], [W_ARP_THA, ALL]]),
  ];
  t[SetAttr.CT_STATE] = [f('state', [[W_CT, 0xffff00ff]]), f('mark', words(W_CT_MARK, 1)), f('labels', words(W_CT_LABEL, 4))];
  return t;
}

/** The fields of each attribute, in key struct order; index = SetAttr value. */
export const SET_ATTR_FIELDS: readonly (readonly SetAttrField[])[] = buildFields();

function buildMasks(): Uint32Array[] {
  return SET_ATTR_FIELDS.map((fields) => {
    const m = new Uint32Array(DP_KEY_WORDS);
    for (const fl of fields) if (fl.writable) for (const [w, bits] of fl.parts) m[w] = (m[w]! | bits) >>> 0;
    return m;
  });
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
