/*
 * VXLAN and Geneve datagrams as a peer puts them on the wire, written independently of the
 * tunnel code under test (for the loopback tunnel tests).
 */

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
