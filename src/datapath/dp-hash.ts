/*
 * The hash action's dp_hash (OVS_ACTION_ATTR_HASH). Computed from the flow key with the
 * same recipe as the userspace datapath: alg L4 is hash_int(miniflow_hash_5tuple(flow, 0),
 * basis) (dpif-netdev's RSS hash, then the basis), alg SYM_L4 is flow_hash_symmetric_l3l4
 * (without UDP ports), falling back to flow_hash_symmetric_l2 for non-IP. OVS hashes
 * network-order fields read as little-endian host words; the byte swaps below reproduce
 * that, so values agree with an x86 OVS built without SSE4.2 (Debian's build).
 */
import { hashAdd, hashFinish } from '../flow/hash.js';
import {
  FRAG_ANY,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_ETH_TYPE,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_IPV6_DST,
  W_IPV6_SRC,
  W_NW,
  W_TP,
  W_VLAN0,
  W_VLAN1,
} from '../flow/layout.js';
import {
  ETH_TYPE_ARP,
  ETH_TYPE_IPV4,
  ETH_TYPE_IPV6,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
} from '../packet/constants.js';

/** OVS_HASH_ALG_L4 and OVS_HASH_ALG_SYM_L4. */
export const HASH_ALG_L4 = 0;
export const HASH_ALG_SYM_L4 = 1;

function bswap32(x: number): number {
  return ((x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

/** OVS miniflow_hash_5tuple(flow, basis). */
export function hash5Tuple(key: Uint32Array, basis: number): number {
  let h = basis | 0;
  const et = key[W_ETH_TYPE]! & 0xffff;
  if (et === ETH_TYPE_IPV6) {
    for (let i = 0; i < 4; i++) h = hashAdd(h, bswap32(key[W_IPV6_SRC + i]!));
    for (let i = 0; i < 4; i++) h = hashAdd(h, bswap32(key[W_IPV6_DST + i]!));
  } else if (et === ETH_TYPE_IPV4 || et === ETH_TYPE_ARP) {
    h = hashAdd(h, bswap32(key[W_IPV4_SRC]!));
    h = hashAdd(h, bswap32(key[W_IPV4_DST]!));
  } else {
    return hashFinish(h, 42);
  }
  const proto = key[W_NW]! >>> 24;
  h = hashAdd(h, proto);
  if (
    proto === IPPROTO_TCP ||
    proto === IPPROTO_UDP ||
    proto === IPPROTO_SCTP ||
    proto === IPPROTO_ICMP ||
    proto === IPPROTO_ICMPV6
  ) {
    h = hashAdd(h, bswap32(key[W_TP]!));
  }
  return hashFinish(h, 42);
}

/** OVS flow_hash_symmetric_l2(flow, basis). */
function hashSymmetricL2(key: Uint32Array, basis: number): number {
  const ehi = key[W_ETH_HI]!;
  const x01 = ((ehi >>> 16) ^ ehi) & 0xffff; // MAC bytes 0-1, dst ^ src
  const x25 = (key[W_ETH_DST]! ^ key[W_ETH_SRC]!) >>> 0; // MAC bytes 2-5
  const vid = (key[W_VLAN0]! ^ key[W_VLAN1]!) & 0x0fff;
  const et = key[W_ETH_TYPE]! & 0xffff;
  const w0 = bswap16(et) | (bswap16(vid) << 16);
  const w1 = (x01 >>> 8) | ((x01 & 0xff) << 8) | ((x25 >>> 24) << 16) | (((x25 >>> 16) & 0xff) << 24);
  const w2 = ((x25 >>> 8) & 0xff) | ((x25 & 0xff) << 8);
  let h = basis | 0;
  h = hashAdd(h, w0);
  h = hashAdd(h, w1);
  h = hashAdd(h, w2);
  return hashFinish(h, basis);
}

/** OVS flow_hash_symmetric_l3l4(flow, basis, false). */
export function hashSymmetricL3L4(key: Uint32Array, basis: number): number {
  let h = basis | 0;
  const et = key[W_ETH_TYPE]! & 0xffff;
  if (et === ETH_TYPE_IPV4) {
    h = hashAdd(h, bswap32(key[W_IPV4_SRC]! ^ key[W_IPV4_DST]!));
  } else if (et === ETH_TYPE_IPV6) {
    for (let i = 0; i < 4; i++) h = hashAdd(h, bswap32(key[W_IPV6_SRC + i]! ^ key[W_IPV6_DST + i]!));
  } else {
    return hashSymmetricL2(key, basis);
  }
  const nw = key[W_NW]!;
  const proto = nw >>> 24;
  h = hashAdd(h, proto);
  if ((nw & FRAG_ANY) === 0 && (proto === IPPROTO_TCP || proto === IPPROTO_SCTP)) {
    const tp = key[W_TP]!;
    h = hashAdd(h, bswap16((tp >>> 16) ^ (tp & 0xffff)));
  }
  return hashFinish(h, basis);
}

/** dp_hash for a hash action with algorithm `alg` and `basis`. */
export function computeDpHash(key: Uint32Array, alg: number, basis: number): number {
  if (alg === HASH_ALG_SYM_L4) return hashSymmetricL3L4(key, basis);
  // hash_int(rss, basis) = hash_2words(rss, basis)
  const rss = hash5Tuple(key, 0);
  return hashFinish(hashAdd(hashAdd(rss, 0), basis), 8);
}
