/*
 * The two UDP encapsulations of the tunnel ports: parse a received header (validating it as
 * the Linux kernel does: VXLAN needs the I flag and zero reserved bits; Geneve version 0
 * carrying Ethernet) and write the header for a frame to send. No allocation per packet:
 * results go into a reused TunnelRx (with the outer addresses the endpoint adds).
 */
import { get16 } from '../packet/checksum.js';
import { ETH_TYPE_TEB, GENEVE_DEFAULT_PORT, VXLAN_DEFAULT_PORT } from '../packet/constants.js';
import { GENEVE_FLAG_OAM, geneveOptLen, geneveProto as geneveEthType, geneveVersion, geneveVni, writeGeneve } from '../packet/geneve.js';
import { VXLAN_FLAG_GBP, VXLAN_FLAG_VNI, vxlanVni, writeVxlan } from '../packet/vxlan.js';
import { TUN_FLAG_KEY, TUN_FLAG_OAM } from '../flow/layout.js';

const NO_IPV6 = new Uint32Array(4);

/** What parsing a tunnel header found (one instance reused per endpoint). */
export class TunnelRx {
  hdrLen = 0;
  vni = 0;
  /** TUN_FLAG_* bits the header implies. */
  flags = 0;
  hasGbp = false;
  gbpId = 0;
  gbpFlags = 0;
  optOfs = 0;
  optLen = 0;
  /** Outer header of the datagram, filled by the endpoint: IPv6 or IPv4 addresses, UDP source port. */
  is6 = false;
  ipv4Src = 0;
  ipv4Dst = 0;
  /** References to cached words (not copies); all zero for IPv4. */
  ipv6Src: Uint32Array = NO_IPV6;
  ipv6Dst: Uint32Array = NO_IPV6;
  srcPort = 0;
}

export interface TunnelProto {
  readonly type: 'vxlan' | 'geneve';
  readonly defaultPort: number;
  /** Parses the header at buf[0..len); false when it is malformed or carries no Ethernet frame. */
  parse(buf: Uint8Array, len: number, out: TunnelRx): boolean;
  /** Header length for `optLen` bytes of options. */
  headerLen(optLen: number): number;
  /** Writes the header at buf[ofs]; `opts` (geneve) are copied after it. */
  write(buf: Uint8Array, ofs: number, vni: number, flags: number, gbpId: number, gbpFlags: number, opts: Uint8Array | null, optLen: number): void;
}

const MIN_FRAME = 14;

export const vxlanProto: TunnelProto = {
  type: 'vxlan',
  defaultPort: VXLAN_DEFAULT_PORT,
  parse(buf, len, out) {
    if (len < 8 + MIN_FRAME) return false;
    const f = buf[0]!;
    if ((f & VXLAN_FLAG_VNI) === 0 || (f & ~(VXLAN_FLAG_VNI | VXLAN_FLAG_GBP)) !== 0 || buf[7] !== 0) return false;
    out.hasGbp = (f & VXLAN_FLAG_GBP) !== 0;
    if (out.hasGbp) {
      out.gbpFlags = buf[1]!;
      out.gbpId = get16(buf, 2);
    } else {
      if ((buf[1]! | buf[2]! | buf[3]!) !== 0) return false;
      out.gbpFlags = 0;
      out.gbpId = 0;
    }
    out.vni = vxlanVni(buf, 0);
    out.hdrLen = 8;
    out.flags = TUN_FLAG_KEY;
    out.optOfs = 0;
    out.optLen = 0;
    return true;
  },
  headerLen() {
    return 8;
  },
  write(buf, ofs, vni, _flags, gbpId, gbpFlags) {
    writeVxlan(buf, ofs, vni, gbpId, gbpFlags);
  },
};

export const geneveProto: TunnelProto = {
  type: 'geneve',
  defaultPort: GENEVE_DEFAULT_PORT,
  parse(buf, len, out) {
    if (len < 8) return false;
    if (geneveVersion(buf, 0) !== 0 || geneveEthType(buf, 0) !== ETH_TYPE_TEB) return false;
    const optLen = geneveOptLen(buf, 0);
    if (len < 8 + optLen + MIN_FRAME) return false;
    out.vni = geneveVni(buf, 0);
    out.hdrLen = 8 + optLen;
    out.flags = TUN_FLAG_KEY | ((buf[1]! & GENEVE_FLAG_OAM) !== 0 ? TUN_FLAG_OAM : 0);
    out.hasGbp = false;
    out.gbpId = 0;
    out.gbpFlags = 0;
    out.optOfs = 8;
    out.optLen = optLen;
    return true;
  },
  headerLen(optLen) {
    return 8 + optLen;
  },
  write(buf, ofs, vni, flags, _gbpId, _gbpFlags, opts, optLen) {
    writeGeneve(buf, ofs, vni, ETH_TYPE_TEB, optLen, (flags & TUN_FLAG_OAM) !== 0 ? GENEVE_FLAG_OAM : 0);
    if (opts !== null && optLen > 0) buf.set(opts.subarray(0, optLen), ofs + 8);
  },
};

