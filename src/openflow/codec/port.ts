/*
 * Port descriptions (OVS ofputil_phy_port) in their three wire forms: ofp10_phy_port (48
 * bytes), ofp11_port (64 bytes, OF1.1-1.3) and ofp14_port (40 bytes + properties, OF1.4+),
 * normalized as PortDesc documents (OF1.1+ feature bit layout, speeds in kbps).
 */

import { portFromOfp11, portToOfp11 } from '../../flow/ofp-port.js';
import { fail, Reader, type Writer } from './bytes.js';
import { OFP10_VERSION, OFP14_VERSION } from './constants.js';
import type { PortDesc } from './messages.js';
import { pullProp } from './props.js';

export const OFP10_PHY_PORT_LEN = 48;
export const OFP11_PORT_LEN = 64;
export const OFP14_PORT_LEN = 40;
const OFPPDPT14_ETHERNET = 0;

const OFPPC10_ALL = 0x7f;
const OFPPC11_ALL = 0x65;
const OFPPS10_ALL = 0x301;
const OFPPS11_ALL = 0x7;

export function featuresFromOfp10(f: number): number {
  return (f & 0x7f) | ((f & 0xf80) << 4);
}

export function featuresToOfp10(f: number): number {
  return (f & 0x7f) | ((f & 0xf800) >>> 4);
}

/** OVS netdev_features_to_bps(features, 0) / 1000: the fastest speed bit, in kbps. */
export function featuresToKbps(f: number): number {
  const speeds: Array<[number, number]> = [
    [1 << 9, 1e9], [1 << 8, 1e8], [1 << 7, 4e7], [1 << 6, 1e7], [(1 << 4) | (1 << 5), 1e6],
    [(1 << 2) | (1 << 3), 1e5], [(1 << 0) | (1 << 1), 1e4],
  ];
  for (const [bits, kbps] of speeds) if (f & bits) return kbps;
  return 0;
}

/** Bytes a port description takes in `version`. */
export function portDescLen(version: number): number {
  return version === OFP10_VERSION ? OFP10_PHY_PORT_LEN : version < OFP14_VERSION ? OFP11_PORT_LEN : OFP14_PORT_LEN + 32;
}

function port11(p: number): number {
  const q = portFromOfp11(p);
  if (q === null) fail('OFPBAC_BAD_OUT_PORT', `bad port number 0x${p.toString(16)}`);
  return q;
}

/** Pulls one port description. */
export function pullPortDesc(r: Reader, version: number): PortDesc {
  if (version === OFP10_VERSION) {
    const portNo = r.u16();
    const hwAddr = r.mac();
    const name = r.str(16);
    const config = r.u32() & OFPPC10_ALL;
    const state = r.u32() & OFPPS10_ALL;
    const curr = featuresFromOfp10(r.u32());
    const advertised = featuresFromOfp10(r.u32());
    const supported = featuresFromOfp10(r.u32());
    const peer = featuresFromOfp10(r.u32());
    return {
      portNo, hwAddr, name, config, state, curr, advertised, supported, peer,
      currSpeed: featuresToKbps(curr), maxSpeed: featuresToKbps(supported),
    };
  }
  if (version < OFP14_VERSION) {
    const portNo = port11(r.u32());
    r.skip(4);
    const hwAddr = r.mac();
    r.skip(2);
    const name = r.str(16);
    const config = r.u32() & OFPPC11_ALL;
    const state = r.u32() & OFPPS11_ALL;
    const curr = r.u32() & 0xffff;
    const advertised = r.u32() & 0xffff;
    const supported = r.u32() & 0xffff;
    const peer = r.u32() & 0xffff;
    const currSpeed = r.u32();
    const maxSpeed = r.u32();
    return { portNo, hwAddr, name, config, state, curr, advertised, supported, peer, currSpeed, maxSpeed };
  }
  if (r.left < OFP14_PORT_LEN) fail('OFPBRC_BAD_LEN', 'short ofp14_port');
  const start = r.pos;
  const portNo = port11(r.u32());
  const len = r.u16();
  if (len < OFP14_PORT_LEN || len > r.left + 6) fail('OFPBRC_BAD_LEN', `ofp14_port length ${len}`);
  r.skip(2);
  const hwAddr = r.mac();
  r.skip(2);
  const name = r.str(16);
  const config = r.u32() & OFPPC11_ALL;
  const state = r.u32() & OFPPS11_ALL;
  let curr = 0;
  let advertised = 0;
  let supported = 0;
  let peer = 0;
  let currSpeed = 0;
  let maxSpeed = 0;
  const props = new Reader(r.buf, r.pos, start + len, 'OFPBPC_BAD_LEN');
  while (props.left > 0) {
    const p = pullProp(props);
    if (p.type === OFPPDPT14_ETHERNET) {
      const b = p.body;
      if (b.left < 28) fail('OFPBPC_BAD_LEN');
      b.skip(4);
      curr = b.u32() & 0xffff;
      advertised = b.u32() & 0xffff;
      supported = b.u32() & 0xffff;
      peer = b.u32() & 0xffff;
      currSpeed = b.u32();
      maxSpeed = b.u32();
    }
  }
  r.pos = start + len;
  return { portNo, hwAddr, name, config, state, curr, advertised, supported, peer, currSpeed, maxSpeed };
}

/** Writes one port description. */
export function putPortDesc(w: Writer, p: PortDesc, version: number): void {
  if (version === OFP10_VERSION) {
    w.u16(p.portNo).mac(p.hwAddr).str(p.name, 16);
    w.u32(p.config & OFPPC10_ALL).u32(p.state & OFPPS10_ALL);
    w.u32(featuresToOfp10(p.curr)).u32(featuresToOfp10(p.advertised));
    w.u32(featuresToOfp10(p.supported)).u32(featuresToOfp10(p.peer));
    return;
  }
  if (version < OFP14_VERSION) {
    w.u32(portToOfp11(p.portNo)).zeros(4).mac(p.hwAddr).zeros(2).str(p.name, 16);
    w.u32(p.config & OFPPC11_ALL).u32(p.state & OFPPS11_ALL);
    w.u32(p.curr).u32(p.advertised).u32(p.supported).u32(p.peer).u32(p.currSpeed).u32(p.maxSpeed);
    return;
  }
  w.u32(portToOfp11(p.portNo)).u16(OFP14_PORT_LEN + 32).zeros(2).mac(p.hwAddr).zeros(2).str(p.name, 16);
  w.u32(p.config & OFPPC11_ALL).u32(p.state & OFPPS11_ALL);
  w.u16(OFPPDPT14_ETHERNET).u16(32).zeros(4);
  w.u32(p.curr).u32(p.advertised).u32(p.supported).u32(p.peer).u32(p.currSpeed).u32(p.maxSpeed);
}
