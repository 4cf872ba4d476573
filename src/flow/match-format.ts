/*
 * Formatting an OpenFlow match the way ovs-ofctl prints it (OVS's match_format): fields in
 * OVS's fixed order, protocol shorthands (ip, tcp, icmp6, arp, ...) in place of
 * dl_type/nw_proto, dl_vlan/dl_vlan_pcp when they describe the TCI exactly, CIDR masks, and
 * the priority first when it is not the default 32768.
 */

import {
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
  N_REGS,
  W_SKB_MARK,
  W_SKB_PRIORITY,
  W_TCP_FLAGS,
  W_TP,
  W_TUN_DST,
  W_TUN_GBP,
  W_TUN_ID,
  W_TUN_IPV6_DST,
  W_TUN_IPV6_SRC,
  W_TUN_MISC,
  W_TUN_SRC,
  W_VLAN0,
  VLAN_CFI,
  VLAN_PCP_MASK,
  VLAN_VID_MASK,
  TUN_FLAG_CSUM,
  TUN_FLAG_DONT_FRAGMENT,
  TUN_FLAG_KEY,
  TUN_FLAG_OAM,
} from './layout.js';
import type { Match } from './match.js';
import { OFP_DEFAULT_PRIORITY } from './match-parse.js';
import {
  ctStateName,
  formatFlags,
  formatFlagsMasked,
  formatIpv4Masked,
  formatIpv6Masked,
  tcpFlagName,
  tunFlagName,
} from './mf-value.js';
import { formatOfpPort, type PortMap } from './ofp-port.js';

export interface MatchFormatOptions {
  /** Printed first unless it is the default (32768). */
  priority?: number;
  /** Port names for in_port and actset_output (ovs-ofctl --names). */
  ports?: PortMap;
}

function hex(x: number): string {
  return (x >>> 0).toString(16);
}

/** C's "%#x": 0 prints as "0", others as "0x..". */
function altHex(x: number): string {
  return x >>> 0 === 0 ? '0' : '0x' + hex(x);
}

function macAt(w: Uint32Array, hiWord: number, hiShift: number, loWord: number): string {
  const hi = (w[hiWord]! >>> hiShift) & 0xffff;
  const lo = w[loWord]!;
  const b = [hi >>> 8, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

function words64Hex(hi: number, lo: number): string {
  if (hi === 0) return altHex(lo);
  return '0x' + hex(hi) + hex(lo).padStart(8, '0');
}

function bytesHex(w: Uint32Array, word: number, n: number): string {
  // OVS's ds_put_hex over n words: leading zero bytes dropped.
  let out = '';
  for (let i = 0; i < n; i++) {
    const x = w[word + i]!;
    for (let sh = 24; sh >= 0; sh -= 8) {
      const b = (x >>> sh) & 0xff;
      if (out === '') {
        if (b !== 0) out = '0x' + b.toString(16);
      } else {
        out += b.toString(16).padStart(2, '0');
      }
    }
  }
  return out === '' ? '0' : out;
}

/** Tunnel flags from tsovs's layout bits to OVS's bit numbering (oam=1, df=2, csum=4, key=8). */
function ovsTunFlags(x: number): number {
  return (
    (x & TUN_FLAG_OAM ? 1 : 0) |
    (x & TUN_FLAG_DONT_FRAGMENT ? 2 : 0) |
    (x & TUN_FLAG_CSUM ? 4 : 0) |
    (x & TUN_FLAG_KEY ? 8 : 0)
  );
}

class Out {
  s = '';
  put(name: string, value: string): void {
    this.s += `${name}=${value},`;
  }
  raw(text: string): void {
    this.s += text + ',';
  }
}

function u32Masked(o: Out, name: string, v: number, m: number): void {
  if (m === 0) return;
  o.put(name, altHex(v) + (m >>> 0 !== 0xffffffff ? '/' + altHex(m) : ''));
}

function u16Masked(o: Out, name: string, v: number, m: number): void {
  if (m === 0) return;
  o.put(name, m === 0xffff ? String(v) : `0x${hex(v)}/0x${hex(m)}`);
}

function be32MaskedDec(o: Out, name: string, v: number, m: number): void {
  if (m === 0) return;
  o.put(name, m >>> 0 === 0xffffffff ? String(v >>> 0) : `0x${hex(v).padStart(8, '0')}/0x${hex(m).padStart(8, '0')}`);
}

function be64Masked(o: Out, name: string, k: Uint32Array, mk: Uint32Array, word: number): void {
  const mh = mk[word]!;
  const ml = mk[word + 1]!;
  if (mh === 0 && ml === 0) return;
  let text = words64Hex(k[word]!, k[word + 1]!);
  if (mh !== 0xffffffff || ml !== 0xffffffff) text += '/' + words64Hex(mh, ml);
  o.put(name, text);
}

function ipMasked(o: Out, name: string, v: number, m: number): void {
  if (m === 0) return;
  o.put(name, formatIpv4Masked(v, m));
}

function ipv6Masked(o: Out, name: string, k: Uint32Array, mk: Uint32Array, word: number): void {
  if ((mk[word]! | mk[word + 1]! | mk[word + 2]! | mk[word + 3]!) === 0) return;
  o.put(name, formatIpv6Masked(k.subarray(word, word + 4), mk.subarray(word, word + 4)));
}

function ethMasked(o: Out, name: string, k: Uint32Array, mk: Uint32Array, hiWord: number, hiShift: number, loWord: number): void {
  const mhi = (mk[hiWord]! >>> hiShift) & 0xffff;
  const mlo = mk[loWord]!;
  if (mhi === 0 && mlo === 0) return;
  let text = macAt(k, hiWord, hiShift, loWord);
  if (mhi !== 0xffff || mlo !== 0xffffffff) text += '/' + macAt(mk, hiWord, hiShift, loWord);
  o.put(name, text);
}

/** Formats `m` as ovs-ofctl does (no trailing comma; "" for a catch-all at default priority). */
export function formatMatch(m: Match, opts: MatchFormatOptions = {}): string {
  const k = m.key;
  const mk = m.mask;
  const o = new Out();
  const priority = opts.priority ?? OFP_DEFAULT_PRIORITY;
  if (priority !== OFP_DEFAULT_PRIORITY) o.put('priority', String(priority));

  u32Masked(o, 'pkt_mark', k[W_SKB_MARK]!, mk[W_SKB_MARK]!);
  if (mk[W_RECIRC_ID]) u32Masked(o, 'recirc_id', k[W_RECIRC_ID]!, mk[W_RECIRC_ID]!);
  if (mk[W_DP_HASH]) u32Masked(o, 'dp_hash', k[W_DP_HASH]!, mk[W_DP_HASH]!);
  if (mk[W_CONJ_ID]) o.put('conj_id', String(k[W_CONJ_ID]! >>> 0));
  if (mk[W_SKB_PRIORITY]) o.put('skb_priority', altHex(k[W_SKB_PRIORITY]!));
  if (mk[W_ACTSET_OUTPUT]! & 0xffff) o.put('actset_output', formatOfpPort(k[W_ACTSET_OUTPUT]! & 0xffff, opts.ports));

  const ctState = k[W_CT]! & 0xff;
  const ctStateMask = mk[W_CT]! & 0xff;
  if (ctStateMask) {
    if (ctStateMask === 0xff) o.put('ct_state', ctState ? formatFlags(ctStateName, ctState, '|') : '0');
    else o.put('ct_state', formatFlagsMasked(ctStateName, ctState, ctStateMask, 0xff));
  }
  u16Masked(o, 'ct_zone', k[W_CT]! >>> 16, mk[W_CT]! >>> 16);
  if (mk[W_CT_MARK]) u32Masked(o, 'ct_mark', k[W_CT_MARK]!, mk[W_CT_MARK]!);
  if (mk[W_CT_LABEL]! | mk[W_CT_LABEL + 1]! | mk[W_CT_LABEL + 2]! | mk[W_CT_LABEL + 3]!) {
    let text = bytesHex(k, W_CT_LABEL, 4);
    const allOnes = [0, 1, 2, 3].every((i) => mk[W_CT_LABEL + i] === 0xffffffff);
    if (!allOnes) text += '/' + bytesHex(mk, W_CT_LABEL, 4);
    o.put('ct_label', text);
  }

  const dlType = k[W_ETH_TYPE]! & 0xffff;
  const dlTypeMask = mk[W_ETH_TYPE]! & 0xffff;
  const nwProto = k[W_NW]! >>> 24;
  const nwProtoMask = mk[W_NW]! >>> 24;
  let skipType = false;
  let skipProto = false;
  if (dlTypeMask) {
    skipType = true;
    if (dlType === 0x0800) {
      if (nwProtoMask) {
        skipProto = true;
        const name = nwProto === 1 ? 'icmp' : nwProto === 6 ? 'tcp' : nwProto === 17 ? 'udp' : nwProto === 132 ? 'sctp' : null;
        if (name) o.raw(name);
        else {
          o.raw('ip');
          skipProto = false;
        }
      } else {
        o.raw('ip');
      }
    } else if (dlType === 0x86dd) {
      if (nwProtoMask) {
        skipProto = true;
        const name = nwProto === 58 ? 'icmp6' : nwProto === 6 ? 'tcp6' : nwProto === 17 ? 'udp6' : nwProto === 132 ? 'sctp6' : null;
        if (name) o.raw(name);
        else {
          o.raw('ipv6');
          skipProto = false;
        }
      } else {
        o.raw('ipv6');
      }
    } else if (dlType === 0x0806) o.raw('arp');
    else if (dlType === 0x8035) o.raw('rarp');
    else if (dlType === 0x8847) o.raw('mpls');
    else if (dlType === 0x8848) o.raw('mplsm');
    else skipType = false;
  }

  for (let i = 0; i < N_REGS; i++) u32Masked(o, `reg${i}`, k[W_REG0 + i]!, mk[W_REG0 + i]!);

  // Tunnel.
  be64Masked(o, 'tun_id', k, mk, W_TUN_ID);
  ipMasked(o, 'tun_src', k[W_TUN_SRC]!, mk[W_TUN_SRC]!);
  ipMasked(o, 'tun_dst', k[W_TUN_DST]!, mk[W_TUN_DST]!);
  ipv6Masked(o, 'tun_ipv6_src', k, mk, W_TUN_IPV6_SRC);
  ipv6Masked(o, 'tun_ipv6_dst', k, mk, W_TUN_IPV6_DST);
  if (mk[W_TUN_GBP]! >>> 16) u16Masked(o, 'tun_gbp_id', k[W_TUN_GBP]! >>> 16, mk[W_TUN_GBP]! >>> 16);
  if ((mk[W_TUN_GBP]! >>> 8) & 0xff) o.put('tun_gbp_flags', altHex((k[W_TUN_GBP]! >>> 8) & 0xff));
  if (mk[W_TUN_MISC]! >>> 24) o.put('tun_tos', hex(k[W_TUN_MISC]! >>> 24));
  if ((mk[W_TUN_MISC]! >>> 16) & 0xff) o.put('tun_ttl', String((k[W_TUN_MISC]! >>> 16) & 0xff));
  const tunFlagsMask = ovsTunFlags(mk[W_TUN_MISC]! & 0xffff);
  if (tunFlagsMask) {
    o.put('tun_flags', formatFlagsMasked(tunFlagName, ovsTunFlags(k[W_TUN_MISC]! & 0xffff), tunFlagsMask, 0xf));
  }

  be64Masked(o, 'metadata', k, mk, W_METADATA);
  if (mk[W_IN_PORT]! & 0xffff) o.put('in_port', formatOfpPort(k[W_IN_PORT]! & 0xffff, opts.ports));

  for (let i = 0; i < 2; i++) {
    const word = W_VLAN0 + i;
    const tciMask = mk[word]! & 0xffff;
    if (!tciMask) break;
    const tci = k[word]! & 0xffff;
    const suffix = i === 0 ? '' : String(i);
    const vidMask = tciMask & VLAN_VID_MASK;
    const pcpMask = tciMask & VLAN_PCP_MASK;
    const cfi = tciMask & VLAN_CFI;
    if (
      cfi && tci & VLAN_CFI &&
      (!vidMask || vidMask === VLAN_VID_MASK) &&
      (!pcpMask || pcpMask === VLAN_PCP_MASK) &&
      (vidMask || pcpMask)
    ) {
      if (vidMask) o.put(`dl_vlan${suffix}`, String(tci & VLAN_VID_MASK));
      if (pcpMask) o.put(`dl_vlan_pcp${suffix}`, String(tci >>> 13));
    } else if (tciMask === 0xffff) {
      o.put(`vlan_tci${suffix}`, '0x' + hex(tci).padStart(4, '0'));
    } else {
      o.put(`vlan_tci${suffix}`, '0x' + hex(tci).padStart(4, '0') + '/0x' + hex(tciMask).padStart(4, '0'));
    }
  }

  ethMasked(o, 'dl_src', k, mk, W_ETH_HI, 0, W_ETH_SRC);
  ethMasked(o, 'dl_dst', k, mk, W_ETH_HI, 16, W_ETH_DST);
  if (!skipType && dlTypeMask) o.put('dl_type', '0x' + hex(dlType).padStart(4, '0'));

  const isArp = dlType === 0x0806 || dlType === 0x8035;
  if (dlType === 0x86dd) {
    ipv6Masked(o, 'ipv6_src', k, mk, W_IPV6_SRC);
    ipv6Masked(o, 'ipv6_dst', k, mk, W_IPV6_DST);
    const lm = mk[W_IPV6_LABEL]! & 0xfffff;
    if (lm) {
      const lv = '0x' + hex(k[W_IPV6_LABEL]! & 0xfffff).padStart(5, '0');
      o.put('ipv6_label', lm === 0xfffff ? lv : `${lv}/0x${hex(lm).padStart(5, '0')}`);
    }
  } else if (isArp) {
    ipMasked(o, 'arp_spa', k[W_IPV4_SRC]!, mk[W_IPV4_SRC]!);
    ipMasked(o, 'arp_tpa', k[W_IPV4_DST]!, mk[W_IPV4_DST]!);
  } else {
    ipMasked(o, 'nw_src', k[W_IPV4_SRC]!, mk[W_IPV4_SRC]!);
    ipMasked(o, 'nw_dst', k[W_IPV4_DST]!, mk[W_IPV4_DST]!);
  }
  if (!skipProto && nwProtoMask) o.put(isArp ? 'arp_op' : 'nw_proto', String(nwProto));
  if (isArp) {
    ethMasked(o, 'arp_sha', k, mk, W_ARP_HI, 16, W_ARP_SHA);
    ethMasked(o, 'arp_tha', k, mk, W_ARP_HI, 0, W_ARP_THA);
  }
  const tos = (k[W_NW]! >>> 16) & 0xff;
  const tosMask = (mk[W_NW]! >>> 16) & 0xff;
  if (tosMask & 0xfc) o.put('nw_tos', String(tos & 0xfc));
  if (tosMask & 0x03) o.put('nw_ecn', String(tos & 0x03));
  if ((mk[W_NW]! >>> 8) & 0xff) o.put('nw_ttl', String((k[W_NW]! >>> 8) & 0xff));

  const lse = k[W_MPLS0]!;
  const lseMask = mk[W_MPLS0]!;
  if (lseMask & 0xfffff000) o.put('mpls_label', String(lse >>> 12));
  if (lseMask & 0x00000e00) o.put('mpls_tc', String((lse >>> 9) & 7));
  if (lseMask & 0x000000ff) o.put('mpls_ttl', String(lse & 0xff));
  if (lseMask & 0x00000100) o.put('mpls_bos', String((lse >>> 8) & 1));
  be32MaskedDec(o, 'mpls_lse1', k[W_MPLS0 + 1]!, mk[W_MPLS0 + 1]!);
  be32MaskedDec(o, 'mpls_lse2', k[W_MPLS0 + 2]!, mk[W_MPLS0 + 2]!);

  const frag = k[W_NW]! & 3;
  switch (mk[W_NW]! & 3) {
    case 3:
      o.put('nw_frag', frag & 1 ? (frag & 2 ? 'later' : 'first') : frag & 2 ? '<error>' : 'no');
      break;
    case 1:
      o.put('nw_frag', frag & 1 ? 'yes' : 'no');
      break;
    case 2:
      o.put('nw_frag', frag & 2 ? 'later' : 'not_later');
      break;
  }

  const tpSrc = k[W_TP]! >>> 16;
  const tpDst = k[W_TP]! & 0xffff;
  const tpSrcMask = mk[W_TP]! >>> 16;
  const tpDstMask = mk[W_TP]! & 0xffff;
  if (dlType === 0x0800 && nwProto === 1) {
    u16Masked(o, 'icmp_type', tpSrc, tpSrcMask);
    u16Masked(o, 'icmp_code', tpDst, tpDstMask);
  } else if (dlType === 0x86dd && nwProto === 58) {
    u16Masked(o, 'icmp_type', tpSrc, tpSrcMask);
    u16Masked(o, 'icmp_code', tpDst, tpDstMask);
    ipv6Masked(o, 'nd_target', k, mk, W_ND_TARGET);
    ethMasked(o, 'nd_sll', k, mk, W_ARP_HI, 16, W_ARP_SHA);
    ethMasked(o, 'nd_tll', k, mk, W_ARP_HI, 0, W_ARP_THA);
  } else {
    u16Masked(o, 'tp_src', tpSrc, tpSrcMask);
    u16Masked(o, 'tp_dst', tpDst, tpDstMask);
  }
  if ((dlType === 0x0800 || dlType === 0x86dd) && nwProto === 6 && mk[W_TCP_FLAGS]! & 0xffff) {
    o.put('tcp_flags', formatFlagsMasked(tcpFlagName, k[W_TCP_FLAGS]! & 0xffff, mk[W_TCP_FLAGS]! & 0x0fff, 0x0fff));
  }
  return o.s.endsWith(',') ? o.s.slice(0, -1) : o.s;
}
