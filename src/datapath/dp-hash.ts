/*
 * The hash action's dp_hash (OVS_ACTION_ATTR_HASH). Computed from the flow key with the
 * same recipe as the userspace datapath: alg L4 is hash_int(miniflow_hash_5tuple(flow, 0),
 * basis) (dpif-netdev's RSS hash, then the basis), alg SYM_L4 is flow_hash_symmetric_l3l4
 * (without UDP ports), falling back to flow_hash_symmetric_l2 for non-IP. OVS hashes
 * network-order fields read as little-endian host words; the byte swaps below reproduce
 * that, so values agree with an x86 OVS built without SSE4.2 (Debian's build).
 */
import { hashAdd } from '../flow/hash.js';
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

/** OVS hash_finish (murmur3 finalizer of hash ^ final), as an int32 so no value is boxed. */
function finish(h: number, fin: number): number {
  h ^= fin;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function bswap32(x: number): number {
  return (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

/** OVS miniflow_hash_5tuple(flow, basis), as an int32. */
export function hash5Tuple(key: Uint32Array, basis: number): number {
  let h = basis | 0;
  const et = key[W_ETH_TYPE]! & 0xffff;
  if (et === ETH_TYPE_IPV6) {
    for (let i = 0; i < 4; i++) h = hashAdd(h, bswap32(key[W_IPV6_SRC + i]! | 0));
    for (let i = 0; i < 4; i++) h = hashAdd(h, bswap32(key[W_IPV6_DST + i]! | 0));
  } else if (et === ETH_TYPE_IPV4 || et === ETH_TYPE_ARP) {
    h = hashAdd(h, bswap32(key[W_IPV4_SRC]! | 0));
    h = hashAdd(h, bswap32(key[W_IPV4_DST]! | 0));
  } else {
    return finish(h, 42);
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
    h = hashAdd(h, bswap32(key[W_TP]! | 0));
  }
  return finish(h, 42);
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
  return finish(h, basis);
}

/** OVS flow_hash_symmetric_l3l4(flow, basis, false), as an int32. */
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
  return finish(h, basis);
}

/**
 * dp_hash for a hash action with algorithm `alg` and `basis`, as an int32 (store it with
 * >>> 0 where an unsigned value is wanted; int32 avoids boxing on the hot path).
 */
export function computeDpHash(key: Uint32Array, alg: number, basis: number): number {
  if (alg === HASH_ALG_SYM_L4) return hashSymmetricL3L4(key, basis) | 0;
  // hash_int(rss, basis) = hash_2words(rss, basis)
  const rss = hash5Tuple(key, 0) | 0;
  return finish(hashAdd(hashAdd(rss, 0), basis | 0), 8);
}
