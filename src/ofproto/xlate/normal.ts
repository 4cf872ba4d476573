/*
 * The NORMAL action (OVS xlate_normal): an 802.1Q learning switch. Checks the input VLAN
 * against the port's mode (access, trunk, native-tagged, native-untagged), learns the
 * source MAC per VLAN, then sends to the learned port or floods to every other port that
 * carries the VLAN, tagging or untagging per output port. Un-wildcards what it reads
 * (MACs, VID, and ARP fields for the gratuitous-ARP check).
 */
import {
  MAX_VLAN_HEADERS,
  VLAN_CFI,
  VLAN_PCP_MASK,
  VLAN_VID_MASK,
  W_ETH_DST,
  W_ETH_HI,
  W_ETH_SRC,
  W_IN_PORT,
  W_IPV4_DST,
  W_IPV4_SRC,
  W_NW,
  W_VLAN0,
  getEthDst,
  getEthSrc,
} from '../../flow/layout.js';
import { formatMac } from '../../packet/addr.js';
import { ARP_OP_REPLY, ARP_OP_REQUEST, ETH_TYPE_ARP } from '../../packet/constants.js';
import { OFPP_CONTROLLER, OFPP_NONE, type OfPort, type VlanMode } from '../ofp-port.js';
import type { NormalCacheEntry, XlateCtx } from './context.js';
import type { XlateBridge } from '../xlate-bridge.js';
import { ethType, isVlanTpid } from './flow-ops.js';
import { composeOutputAction } from './output.js';
import { TraceNodeType } from './trace-node.js';

const ETH_TYPE_VLAN_8021Q = 0x8100;

/** One VLAN header as NORMAL sees it (OVS struct xvlan_single); pcp keeps its TCI bits. */
interface XVlan {
  tpid: number;
  vid: number;
  pcp: number;
}
type XVlans = [XVlan, XVlan];

const newXVlans = (): XVlans => [
  { tpid: 0, vid: 0, pcp: 0 },
  { tpid: 0, vid: 0, pcp: 0 },
];

/** A port's NORMAL configuration as OVS's bundle holds it (vlan, trunks after normalization). */
interface Bundle {
  readonly port: OfPort | null; // null: the OFPP_NONE pseudo-bundle
  readonly name: string;
  readonly mode: VlanMode;
  readonly vlan: number;
  /** Configured trunks; null = all VLANs. */
  readonly trunks: ReadonlySet<number> | null;
  /** Native modes: the native VLAN is forced into the trunks and VLAN 0 out of them. */
  readonly forceNative: boolean;
  readonly floodable: boolean;
}

/** OVS bridge.c + bundle_set: effective VLAN mode, tag and trunks of a port. */
export function bundleOf(p: OfPort): Bundle {
  const tag = p.tag !== null && p.tag >= 0 && p.tag <= 4095 ? p.tag : -1;
  const mode: VlanMode = p.vlanMode ?? (tag >= 0 ? 'access' : 'trunk');
  const vlan = mode === 'trunk' ? -1 : tag >= 0 ? tag : 0;
  const trunks = mode !== 'access' && p.trunks && p.trunks.length ? new Set(p.trunks) : null;
  const forceNative =
    (mode === 'native-tagged' || mode === 'native-untagged') && vlan !== 0 && (!trunks || !trunks.has(vlan) || trunks.has(0));
  return { port: p, name: p.name, mode, vlan, trunks, forceNative, floodable: !p.noFlood };
}

const NONE_BUNDLE: Bundle = { port: null, name: 'OFPP_NONE', mode: 'trunk', vlan: -1, trunks: null, forceNative: false, floodable: false };

/** OVS xbundle_trunks_vlan. */
function trunksVlan(b: Bundle, vid: number): boolean {
  if (b.mode === 'access') return false;
  if (b.forceNative) {
    if (vid === b.vlan) return true;
    if (vid === 0) return false;
  }
  return b.trunks === null || b.trunks.has(vid);
}

function includesVlan(b: Bundle, x: XVlans): boolean {
  if (b.mode === 'access') return x[0].vid === b.vlan && x[1].vid === 0;
  return trunksVlan(b, x[0].vid);
}

/** OVS input_vid_is_valid. */
function inputVidIsValid<A>(ctx: XlateCtx<A>, vid: number, b: Bundle): boolean {
  if (b === NONE_BUNDLE) return true;
  switch (b.mode) {
    case 'access':
      if (vid) {
        ctx.reportError(
          `dropping VLAN ${vid} tagged packet received on port ${b.name} configured as VLAN ${b.vlan} access port`,
        );
        return false;
      }
      return true;
    case 'native-untagged':
    case 'native-tagged':
    case 'trunk':
      // Native modes always carry their native VLAN untagged.
      if (b.mode !== 'trunk' && !vid) return true;
      if (!trunksVlan(b, vid)) {
        ctx.reportError(`dropping VLAN ${vid} packet received on port ${b.name} not configured for trunking VLAN ${vid}`);
        return false;
      }
      return true;
  }
}

function xvlanExtract(flow: Uint32Array): XVlans {
  const x = newXVlans();
  for (let i = 0; i < MAX_VLAN_HEADERS; i++) {
    const q = flow[W_VLAN0 + i]!;
    const tpid = q >>> 16;
    if (!isVlanTpid(tpid) || !(q & VLAN_CFI)) break;
    x[i] = { tpid, vid: q & VLAN_VID_MASK, pcp: q & VLAN_PCP_MASK };
  }
  return x;
}

function xvlanPut(flow: Uint32Array, x: XVlans): void {
  for (let i = 0; i < MAX_VLAN_HEADERS; i++) {
    const tci = x[i]!.vid | (x[i]!.pcp & VLAN_PCP_MASK);
    if (tci) {
      const tpid = x[i]!.tpid || ETH_TYPE_VLAN_8021Q;
      flow[W_VLAN0 + i] = ((tpid << 16) | tci | VLAN_CFI) >>> 0;
    } else {
      flow[W_VLAN0 + i] = 0;
    }
  }
}

function copy(x: XVlans): XVlans {
  return [{ ...x[0] }, { ...x[1] }];
}

function pop(x: XVlans): void {
  x[0] = x[1];
  x[1] = { tpid: 0, vid: 0, pcp: 0 };
}

/** OVS xvlan_input_translate: VLANs of the packet inside the bridge. */
function inputTranslate(b: Bundle, inx: XVlans): XVlans {
  switch (b.mode) {
    case 'access': {
      const x = newXVlans();
      x[0] = { tpid: inx[0].tpid || ETH_TYPE_VLAN_8021Q, vid: b.vlan, pcp: inx[0].pcp };
      return x;
    }
    case 'trunk':
      return copy(inx);
    case 'native-untagged':
    case 'native-tagged': {
      const x = copy(inx);
      if (!inx[0].vid) x[0] = { tpid: inx[0].tpid || ETH_TYPE_VLAN_8021Q, vid: b.vlan, pcp: inx[0].pcp };
      return x;
    }
  }
}

/** OVS xvlan_output_translate: VLANs the packet carries when sent on `b`. */
function outputTranslate(b: Bundle, x: XVlans): XVlans {
  switch (b.mode) {
    case 'access':
      return newXVlans();
    case 'trunk':
    case 'native-tagged':
      return copy(x);
    case 'native-untagged': {
      const o = copy(x);
      if (x[0].vid === b.vlan) pop(o);
      return o;
    }
  }
}

function outputNormal<A>(ctx: XlateCtx<A>, out: Bundle, x: XVlans): void {
  const ox = outputTranslate(out, x);
  const flow = ctx.flow;
  const old0 = flow[W_VLAN0]!;
  const old1 = flow[W_VLAN0 + 1]!;
  xvlanPut(flow, ox);
  composeOutputAction(ctx, out.port!.ofPort, false);
  flow[W_VLAN0] = old0;
  flow[W_VLAN0 + 1] = old1;
}

const RESERVED_MACS = new Set<number>([
  ...Array.from({ length: 16 }, (_, i) => 0x0180c2000000 + i),
  0x00e02b000000, 0x00e02b000004, 0x00e02b000006,
  0x01000c000000, 0x01000ccccccc, 0x01000ccccccd, 0x01000ccdcdcd,
  ...Array.from({ length: 8 }, (_, i) => 0x01000cccccc0 + i),
]);

/** OVS eth_addr_is_reserved: STP, pause, and other link-local protocol MACs. */
export function ethAddrIsReserved(mac: number): boolean {
  return RESERVED_MACS.has(mac);
}

function maskEthDst(wc: Uint32Array): void {
  wc[W_ETH_HI] = (wc[W_ETH_HI]! | 0xffff0000) >>> 0;
  wc[W_ETH_DST] = 0xffffffff;
}

/** OVS is_gratuitous_arp (un-wildcards what it reads). */
function isGratuitousArp(flow: Uint32Array, wc: Uint32Array): boolean {
  if (ethType(flow) !== ETH_TYPE_ARP) return false;
  maskEthDst(wc);
  if (getEthDst(flow) !== 0xffffffffffff) return false;
  wc[W_NW] = (wc[W_NW]! | 0xff000000) >>> 0;
  const op = flow[W_NW]! >>> 24;
  if (op === ARP_OP_REPLY) return true;
  if (op === ARP_OP_REQUEST) {
    wc[W_IPV4_SRC] = 0xffffffff;
    wc[W_IPV4_DST] = 0xffffffff;
    return flow[W_IPV4_SRC] === flow[W_IPV4_DST];
  }
  return false;
}

/** Bundles of the bridge in flood order (by OpenFlow port number). */
function bundles<A>(ctx: XlateCtx<A>): Bundle[] {
  return [...ctx.bridge.ports()].sort((a, b) => a.ofPort - b.ofPort).map(bundleOf);
}

function floodNormal<A>(ctx: XlateCtx<A>, inB: Bundle, x: XVlans): void {
  for (const b of bundles(ctx)) {
    if (inB.port && b.port!.ofPort === inB.port.ofPort) continue;
    if (includesVlan(b, x) && b.floodable) outputNormal(ctx, b, x);
  }
}

/** The NORMAL action. */
export function xlateNormal<A>(ctx: XlateCtx<A>): void {
  const flow = ctx.flow;
  const wc = ctx.wc;
  wc[W_ETH_HI] = 0xffffffff;
  wc[W_ETH_DST] = 0xffffffff;
  wc[W_ETH_SRC] = 0xffffffff;
  wc[W_VLAN0] = (wc[W_VLAN0]! | VLAN_VID_MASK | VLAN_CFI) >>> 0;

  const inPortNo = flow[W_IN_PORT]!;
  const inPort = ctx.bridge.port(inPortNo) ?? null;
  let inB: Bundle;
  if (inPort) inB = bundleOf(inPort);
  else if (inPortNo === OFPP_CONTROLLER || inPortNo === OFPP_NONE) inB = NONE_BUNDLE;
  else {
    ctx.report(TraceNodeType.WARN, 'no input bundle, dropping');
    return;
  }

  if (isVlanTpid(ethType(flow)) && !(flow[W_VLAN0]! & VLAN_CFI)) {
    // OVS reports this when translating a packet; its ofproto/trace --generate composes one.
    if (ctx.packet || ctx.sideEffects) ctx.reportError(`dropping packet with partial VLAN tag received on port ${inB.name}`);
    ctx.report(TraceNodeType.WARN, 'partial VLAN tag, dropping');
    return;
  }

  const inX = xvlanExtract(flow);
  if (!inputVidIsValid(ctx, inX[0].vid, inB)) {
    ctx.report(TraceNodeType.WARN, 'disallowed VLAN VID for this input port, dropping');
    return;
  }
  const x = inputTranslate(inB, inX);
  const vlan = x[0].vid;

  if (inPort && !ctx.bridge.forwardBpdu && ethAddrIsReserved(getEthDst(flow))) {
    ctx.report(TraceNodeType.DETAIL, 'packet has reserved destination MAC, dropping');
    return;
  }

  const isGratArp = isGratuitousArp(flow, wc);
  const src = getEthSrc(flow);
  if (inPort) {
    if (ctx.sideEffects && ctx.bridge.macs.update(src, vlan, inPort.ofPort, isGratArp, false, ctx.now)) {
      ctx.report(TraceNodeType.DETAIL, `learned that ${formatMac(src)} is on port ${inB.name} in VLAN ${vlan}`);
    }
    ctx.normals.push({ bridge: ctx.bridge.name, inPort: inPort.ofPort, mac: src, vlan, isGratArp });
  }

  const entry = ctx.bridge.macs.lookup(getEthDst(flow), vlan);
  if (entry) {
    const outPort = ctx.bridge.port(entry.port);
    if (!outPort) {
      ctx.report(TraceNodeType.WARN, 'learned port is unknown, dropping');
    } else if (inPort && outPort.ofPort === inPort.ofPort) {
      ctx.report(TraceNodeType.DETAIL, 'learned port is input port, dropping');
    } else {
      ctx.report(TraceNodeType.DETAIL, 'forwarding to learned port');
      outputNormal(ctx, bundleOf(outPort), x);
    }
  } else {
    ctx.report(TraceNodeType.DETAIL, 'no learned MAC for destination, flooding');
    floodNormal(ctx, inB, x);
  }
}

/**
 * Replays NORMAL's MAC learning for a cached translation (OVS xlate_cache_normal): the
 * revalidator calls this for flows that keep being hit, so their source MACs do not age
 * out. Returns whether the MAC table changed.
 */
export function refreshMacLearning<A>(bridge: XlateBridge<A>, e: NormalCacheEntry, now: number): boolean {
  if (!bridge.port(e.inPort)) return false;
  return bridge.macs.update(e.mac, e.vlan, e.inPort, e.isGratArp, false, now);
}
