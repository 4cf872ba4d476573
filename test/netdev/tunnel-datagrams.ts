/*
 * For the loopback tunnel tests (IPv4 and IPv6): VXLAN and Geneve datagrams as a peer puts
 * them on the wire, written independently of the tunnel code under test, and a collector
 * of what a port delivers (frame, tunnel metadata, flow key).
 */
import { extract } from '../../src/flow/extract.js';
import { newFlowKey } from '../../src/flow/layout.js';
import type { Netdev, PacketBatch } from '../../src/netdev/netdev.js';

/** A VXLAN header (flags, GBP policy id, VNI) and `frame`. */
export function vxlanDatagram(vni: number, frame: Uint8Array, flags = 0x08, gbp = 0): Buffer {
  const b = Buffer.alloc(8 + frame.length);
  b[0] = flags;
  b.writeUInt16BE(gbp, 2);
  b[4] = vni >>> 16;
  b[5] = (vni >>> 8) & 255;
  b[6] = vni & 255;
  b.set(frame, 8);
  return b;
}

/** A Geneve header (options length, OAM flag, protocol, VNI), `opts` and `frame`. */
export function geneveDatagram(vni: number, frame: Uint8Array, opts: number[] = [], oam = false, proto = 0x6558): Buffer {
  const b = Buffer.alloc(8 + opts.length + frame.length);
  b[0] = opts.length / 4;
  b[1] = oam ? 0x80 : 0;
  b.writeUInt16BE(proto, 2);
  b[4] = vni >>> 16;
  b[5] = (vni >>> 8) & 255;
  b[6] = vni & 255;
  b.set(opts, 8);
  b.set(frame, 8 + opts.length);
  return b;
}

/** A frame a tunnel port delivered: its bytes, its tunnel metadata and the flow key extracted from it. */
export interface TunnelRx {
  frame: Uint8Array;
  tunnel: {
    idLo: number;
    ipv4Src: number;
    ipv4Dst: number;
    ipv6Src: number[];
    ipv6Dst: number[];
    tpSrc: number;
    tpDst: number;
    flags: number;
    gbpId: number;
    opts: number[];
  };
  key: Uint32Array;
}

/** Sets `d`'s receive handler to record every frame it delivers, in the returned array. */
export function collect(d: Netdev): TunnelRx[] {
  const got: TunnelRx[] = [];
  d.setReceiveHandler((b: PacketBatch) => {
    for (let i = 0; i < b.count; i++) {
      const p = b.packets[i]!;
      const key = newFlowKey();
      extract(p, key);
      const t = p.tunnel;
      got.push({
        frame: p.bytes().slice(),
        tunnel: {
          idLo: t.idLo,
          ipv4Src: t.ipv4Src,
          ipv4Dst: t.ipv4Dst,
          ipv6Src: [...t.ipv6Src],
          ipv6Dst: [...t.ipv6Dst],
          tpSrc: t.tpSrc,
          tpDst: t.tpDst,
          flags: t.flags,
          gbpId: t.gbpId,
          opts: [...t.opts.subarray(0, t.optLen)],
        },
        key,
      });
    }
  });
  return got;
}
