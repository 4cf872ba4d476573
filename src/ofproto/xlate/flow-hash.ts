/*
 * OVS's flow hashes for multipath, bundle and select groups (lib/flow.c flow_hash_fields,
 * flow_hash_symmetric_l4/l3l4/l3/l2, flow_mask_hash_fields), bit-exact with OVS on x86 so
 * that tsovs picks the same links, members and buckets. OVS hashes network-order fields
 * as they sit in memory (read as little-endian words): hence the byte swaps.
 */
import {
  FRAG_MASK,
  VLAN_CFI,
  VLAN_VID_MASK,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_IPV6_DST,
  W_IPV6_SRC,
  W_NW,
  W_TP,
  W_VLAN0,
} from '../../flow/layout.js';
import { ETH_TYPE_IPV4, ETH_TYPE_IPV6, IPPROTO_ICMP, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from '../../packet/constants.js';
import { ethType, isIpAny } from './flow-ops.js';
import { hashAdd, hashFinish, jhashBytes } from './ovs-hash.js';

/** NX_HASH_FIELDS_*. */
export const HashFields = {
  ETH_SRC: 0,
  SYMMETRIC_L4: 1,
  SYMMETRIC_L3L4: 2,
  SYMMETRIC_L3L4_UDP: 3,
  NW_SRC: 4,
  NW_DST: 5,
  SYMMETRIC_L3: 6,
} as const;

const bswap32 = (x: number): number => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
const bswap16 = (x: number): number => ((x & 0xff) << 8) | ((x >>> 8) & 0xff);

function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}
function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/** dl_src ^ dl_dst as 6 bytes at `o`. */
function putEthXor(b: Uint8Array, o: number, flow: Uint32Array): void {
  put16(b, o, (flow[W_ETH_HI]! >>> 16) ^ (flow[W_ETH_HI]! & 0xffff));
  put32(b, o + 2, flow[W_ETH_DST]! ^ flow[W_ETH_SRC]!);
}

const vidXor = (flow: Uint32Array): number => (flow[W_VLAN0]! ^ flow[W_VLAN0 + 1]!) & VLAN_VID_MASK;

/** OVS flow_hash_symmetric_l4: jhash of a 32-byte struct that is the same in both directions. */
export function flowHashSymmetricL4(flow: Uint32Array, basis: number): number {
  const f = new Uint8Array(32);
  putEthXor(f, 22, flow);
  put16(f, 18, vidXor(flow));
  const t = ethType(flow);
  put16(f, 16, t);
  if (t === ETH_TYPE_IPV4 || t === ETH_TYPE_IPV6) {
    if (t === ETH_TYPE_IPV4) put32(f, 0, flow[W_IPV4_SRC]! ^ flow[W_IPV4_DST]!);
    else for (let i = 0; i < 4; i++) put32(f, 4 * i, flow[W_IPV6_SRC + i]! ^ flow[W_IPV6_DST + i]!);
    const proto = flow[W_NW]! >>> 24;
    f[28] = proto;
    if (proto === IPPROTO_TCP || proto === IPPROTO_SCTP) put16(f, 20, (flow[W_TP]! >>> 16) ^ (flow[W_TP]! & 0xffff));
  }
  return jhashBytes(f, basis);
}

/** OVS flow_hash_symmetric_l2. */
function flowHashSymmetricL2(flow: Uint32Array, basis: number): number {
  const f = new Uint8Array(12);
  put16(f, 0, ethType(flow));
  put16(f, 2, vidXor(flow));
  putEthXor(f, 4, flow);
  let h = basis >>> 0;
  for (let i = 0; i < 12; i += 4) h = hashAdd(h, (f[i]! | (f[i + 1]! << 8) | (f[i + 2]! << 16) | (f[i + 3]! << 24)) >>> 0);
  return hashFinish(h, basis);
}

/** OVS flow_hash_symmetric_l3l4. */
function flowHashSymmetricL3L4(flow: Uint32Array, basis: number, incUdp: boolean): number {
  let h = basis >>> 0;
  const t = ethType(flow);
  if (t === ETH_TYPE_IPV4) {
    h = hashAdd(h, bswap32(flow[W_IPV4_SRC]! ^ flow[W_IPV4_DST]!));
  } else if (t === ETH_TYPE_IPV6) {
    // hash_add64 of each 64-bit half: low then high 32 bits of the little-endian word.
    for (let i = 0; i < 4; i += 2) {
      h = hashAdd(h, bswap32(flow[W_IPV6_SRC + i]! ^ flow[W_IPV6_DST + i]!));
      h = hashAdd(h, bswap32(flow[W_IPV6_SRC + i + 1]! ^ flow[W_IPV6_DST + i + 1]!));
    }
  } else {
    return flowHashSymmetricL2(flow, basis);
  }
  const proto = flow[W_NW]! >>> 24;
  h = hashAdd(h, proto);
  if (!(flow[W_NW]! & FRAG_MASK) && (proto === IPPROTO_TCP || proto === IPPROTO_SCTP || (incUdp && proto === IPPROTO_UDP))) {
    h = hashAdd(h, bswap16((flow[W_TP]! >>> 16) ^ (flow[W_TP]! & 0xffff)));
  }
  return hashFinish(h, basis);
}

/** OVS flow_hash_symmetric_l3. */
function flowHashSymmetricL3(flow: Uint32Array, basis: number): number {
  const f = new Uint8Array(20); // union (16) + eth_type (2), padded to 4
  const t = ethType(flow);
  put16(f, 16, t);
  if (t === ETH_TYPE_IPV4) put32(f, 0, flow[W_IPV4_SRC]! ^ flow[W_IPV4_DST]!);
  else if (t === ETH_TYPE_IPV6) for (let i = 0; i < 4; i++) put32(f, 4 * i, flow[W_IPV6_SRC + i]! ^ flow[W_IPV6_DST + i]!);
  return jhashBytes(f, basis);
}

function wordsBytes(flow: Uint32Array, w: number, n: number): Uint8Array {
  const b = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) put32(b, 4 * i, flow[w + i]!);
  return b;
}

/** OVS flow_hash_fields. */
export function flowHashFields(flow: Uint32Array, fields: number, basis: number): number {
  const t = ethType(flow);
  switch (fields) {
    case HashFields.ETH_SRC: {
      const b = new Uint8Array(6);
      put16(b, 0, flow[W_ETH_HI]! & 0xffff);
      put32(b, 2, flow[W_ETH_SRC]!);
      return jhashBytes(b, basis);
    }
    case HashFields.SYMMETRIC_L4:
      return flowHashSymmetricL4(flow, basis);
    case HashFields.SYMMETRIC_L3L4:
      return flowHashSymmetricL3L4(flow, basis, false);
    case HashFields.SYMMETRIC_L3L4_UDP:
      return flowHashSymmetricL3L4(flow, basis, true);
    case HashFields.NW_SRC:
    case HashFields.NW_DST: {
      const src = fields === HashFields.NW_SRC;
      if (t === ETH_TYPE_IPV4) return jhashBytes(wordsBytes(flow, src ? W_IPV4_SRC : W_IPV4_DST, 1), basis);
      if (t === ETH_TYPE_IPV6) return jhashBytes(wordsBytes(flow, src ? W_IPV6_SRC : W_IPV6_DST, 4), basis);
      return basis >>> 0;
    }
    case HashFields.SYMMETRIC_L3:
      return flowHashSymmetricL3(flow, basis);
    default:
      return basis >>> 0;
  }
}

function all(wc: Uint32Array, w: number, n = 1): void {
  for (let i = 0; i < n; i++) wc[w + i] = 0xffffffff;
}

/** OVS flow_mask_hash_fields: un-wildcards what flow_hash_fields reads. */
export function flowMaskHashFields(flow: Uint32Array, wc: Uint32Array, fields: number): void {
  const t = ethType(flow);
  const proto = flow[W_NW]! >>> 24;
  const ipAddrs = (src: boolean, dst: boolean): void => {
    if (t === ETH_TYPE_IPV4) {
      if (src) all(wc, W_IPV4_SRC);
      if (dst) all(wc, W_IPV4_DST);
    } else if (t === ETH_TYPE_IPV6) {
      if (src) all(wc, W_IPV6_SRC, 4);
      if (dst) all(wc, W_IPV6_DST, 4);
    }
  };
  switch (fields) {
    case HashFields.ETH_SRC:
      wc[W_ETH_HI] = (wc[W_ETH_HI]! | 0xffff) >>> 0;
      all(wc, W_ETH_SRC);
      break;
    case HashFields.SYMMETRIC_L4:
      all(wc, W_ETH_HI);
      all(wc, W_ETH_DST);
      all(wc, W_ETH_SRC);
      ipAddrs(true, true);
      if (isIpAny(flow)) {
        wc[W_NW] = (wc[W_NW]! | 0xff000000) >>> 0;
        // UDP ports are not hashed. For ICMP, OVS flow_unwildcard_tp_ports *assigns* the
        // 8-bit type/code masks, narrowing a full mask an earlier match set (OVS prints
        // icmp_type=0x8/0xff then); other protocols get both ports.
        if (proto === IPPROTO_ICMP) wc[W_TP] = 0x00ff00ff;
        else if (proto !== IPPROTO_UDP) wc[W_TP] = 0xffffffff;
      }
      for (let i = 0; i < 2; i++) wc[W_VLAN0 + i] = (wc[W_VLAN0 + i]! | VLAN_VID_MASK | VLAN_CFI) >>> 0;
      break;
    case HashFields.SYMMETRIC_L3L4_UDP:
    case HashFields.SYMMETRIC_L3L4:
      if (fields === HashFields.SYMMETRIC_L3L4_UDP && isIpAny(flow) && proto === IPPROTO_UDP && !(flow[W_NW]! & FRAG_MASK)) {
        all(wc, W_TP);
      }
      if (t !== ETH_TYPE_IPV4 && t !== ETH_TYPE_IPV6) {
        // The hash falls back to L2 (flow_hash_symmetric_l2), whose fields OVS 3.1 forgets
        // to un-wildcard, making its megaflow too wide; tsovs records them.
        all(wc, W_ETH_HI);
        all(wc, W_ETH_DST);
        all(wc, W_ETH_SRC);
        for (let i = 0; i < 2; i++) wc[W_VLAN0 + i] = (wc[W_VLAN0 + i]! | VLAN_VID_MASK | VLAN_CFI) >>> 0;
        break;
      }
      ipAddrs(true, true);
      wc[W_NW] = (wc[W_NW]! | 0xff000000) >>> 0;
      if ((proto === IPPROTO_TCP || proto === IPPROTO_SCTP) && !(flow[W_NW]! & FRAG_MASK)) all(wc, W_TP);
      break;
    case HashFields.NW_SRC:
      ipAddrs(true, false);
      break;
    case HashFields.NW_DST:
      ipAddrs(false, true);
      break;
    case HashFields.SYMMETRIC_L3:
      ipAddrs(true, true);
      break;
  }
}

function roundUpPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** OVS multipath_algorithm: which of `nLinks` links a hash goes to. */
export function multipathAlgorithm(hash: number, algorithm: number, nLinks: number, arg: number): number {
  const iterHash = (modulo: number): number => {
    if (modulo < nLinks || Math.floor(modulo / 2) > nLinks) modulo = roundUpPow2(nLinks);
    let i = 0;
    let link: number;
    do {
      link = hash2(hash, i++) % modulo;
    } while (link >= nLinks);
    return link;
  };
  switch (algorithm) {
    case 0: // modulo_n
      return (hash >>> 0) % nLinks;
    case 1: // hash_threshold
      if (nLinks === 1) return 0;
      return Math.floor((hash >>> 0) / (Math.floor(0xffffffff / nLinks) + 1));
    case 2: {
      // hrw
      if (nLinks > 64) return iterHash(0);
      let best = 0;
      let bestWeight = hash2(hash, 0);
      for (let link = 1; link < nLinks; link++) {
        const w = hash2(hash, link);
        if (w > bestWeight) {
          best = link;
          bestWeight = w;
        }
      }
      return best;
    }
    case 3:
      return iterHash(arg);
    default:
      return 0;
  }
}

function hash2(x: number, y: number): number {
  return hashFinish(hashAdd(hashAdd(x, 0), y), 8);
}
