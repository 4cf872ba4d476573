/*
 * fast-check generators for the OpenFlow codec tests: matches expressible in each wire
 * format (ofp10_match, NXM, OXM), action lists and instructions, and whole messages of
 * every type for a given version.
 */

import fc from 'fast-check';
import { newMatch, matchSetField, type Match } from '../../src/flow/match.js';
import { MF_FIELDS, MFF, type MfField } from '../../src/flow/meta-flow.js';
import { OfpactType as T, type OfpAction } from '../../src/ofproto/ofp-actions.js';
import { OFPUTIL_FF_CHECK_OVERLAP, OFPUTIL_FF_RESET_COUNTS, OFPUTIL_FF_SEND_FLOW_REM } from '../../src/ofproto/rule.js';
import { ofperrTriplet, OfType, type OfMessage, type PortDesc, type FlowStatsEntry } from '../../src/openflow/codec/index.js';

export type MatchKind = 'of10' | 'nxm' | 'oxm';

function bytesOf(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = v;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

const f = (id: number): MfField => MF_FIELDS[id]!;

/** fc.record with ordinary objects (deepEqual compares prototypes). */
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

type Setter = (m: Match) => void;

/** A setter of field `id` to a random value (under `bits`) with a random mask if maskable. */
function fieldArb(id: number, bits: number, maskable: boolean, valueFilter: (v: bigint) => bigint = (v) => v): fc.Arbitrary<Setter> {
  const field = f(id);
  const n = field.nBytes;
  const maxV = (1n << BigInt(bits)) - 1n;
  const value = fc.bigInt(0n, maxV).map(valueFilter);
  const mask = maskable ? fc.option(fc.bigInt(1n, maxV), { nil: null }) : fc.constant(null);
  return fc.tuple(value, mask).map(([v, mk]) => (m: Match) => {
    const mkb = mk === null ? null : bytesOf(mk, n);
    const vb = bytesOf(mk === null ? v : v & mk, n);
    matchSetField(m, field, vb, mkb);
  });
}

function exact(id: number, v: bigint): Setter {
  return (m) => matchSetField(m, f(id), bytesOf(v, f(id).nBytes), null);
}

function subset(arbs: Array<fc.Arbitrary<Setter>>): fc.Arbitrary<Setter[]> {
  return fc.tuple(...arbs.map((a) => fc.option(a, { nil: null, freq: 2 }))).map((xs) => xs.filter((x): x is Setter => x !== null));
}

function cidr(id: number): fc.Arbitrary<Setter> {
  return fc.tuple(fc.bigInt(0n, 0xffffffffn), fc.integer({ min: 1, max: 32 })).map(([v, plen]) => (m: Match) => {
    const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - plen)) - 1n);
    matchSetField(m, f(id), bytesOf(v & mask, 4), plen === 32 ? null : bytesOf(mask, 4));
  });
}

/** A match that the given wire format expresses exactly (and that decodes back identically). */
export function arbMatch(kind: MatchKind): fc.Arbitrary<Match> {
  const of10 = kind === 'of10';
  const mac = (id: number): fc.Arbitrary<Setter> => fieldArb(id, 48, !of10);
  const l2 = subset([mac(MFF.ETH_SRC), mac(MFF.ETH_DST), fieldArb(MFF.IN_PORT, 16, false, (v) => v % 0xff00n)]);
  const meta: fc.Arbitrary<Setter[]> = of10
    ? fc.constant([])
    : subset([
      fieldArb(MFF.REG0, 32, true), fieldArb(MFF.REG0 + 5, 32, true), fieldArb(MFF.TUN_ID, 64, true),
      fieldArb(MFF.TUN_SRC, 32, true), fieldArb(MFF.PKT_MARK, 32, true), fieldArb(MFF.CT_STATE, 8, true),
      fieldArb(MFF.CT_ZONE, 16, false), fieldArb(MFF.CT_MARK, 32, true), fieldArb(MFF.METADATA, 64, true),
      fieldArb(MFF.CT_LABEL, 128, true), fieldArb(MFF.TUN_GBP_ID, 16, true),
    ]);
  let vlan: fc.Arbitrary<Setter[]>;
  if (of10) {
    vlan = fc.oneof(
      fc.constant([] as Setter[]),
      fc.integer({ min: 0, max: 0xfff }).map((vid): Setter[] => [(m: Match) => matchSetField(m, f(MFF.DL_VLAN), bytesOf(BigInt(vid), 2), null)]),
      fc.constant<Setter[]>([(m: Match) => matchSetField(m, f(MFF.VLAN_TCI), new Uint8Array(2), null)]),
    );
  } else if (kind === 'nxm') {
    vlan = fc.option(fieldArb(MFF.VLAN_TCI, 16, true), { nil: null }).map((s) => (s ? [s] : []));
  } else {
    vlan = fc.oneof(
      fc.constant([] as Setter[]),
      fc.tuple(fc.integer({ min: 0, max: 0xfff }), fc.option(fc.integer({ min: 0, max: 7 }), { nil: null })).map(([vid, pcp]) => {
        const s: Setter[] = [(m) => matchSetField(m, f(MFF.VLAN_VID), bytesOf(BigInt(vid | 0x1000), 2), null)];
        if (pcp !== null) s.push((m) => matchSetField(m, f(MFF.VLAN_PCP), new Uint8Array([pcp]), null));
        return s;
      }),
      fc.integer({ min: 1, max: 0x1fff }).map((mask) => [(m: Match) => matchSetField(m, f(MFF.VLAN_VID), bytesOf(BigInt(0x1000 & mask), 2), bytesOf(BigInt(mask), 2))]),
    );
  }
  const tp = (src: number, dst: number): fc.Arbitrary<Setter[]> => subset([fieldArb(src, 16, !of10), fieldArb(dst, 16, !of10)]);
  const ip4 = fc.tuple(
    fc.constantFrom(6, 17, 1, 132, 47, -1),
    subset([of10 ? cidr(MFF.IPV4_SRC) : fieldArb(MFF.IPV4_SRC, 32, true), of10 ? cidr(MFF.IPV4_DST) : fieldArb(MFF.IPV4_DST, 32, true),
      fieldArb(MFF.IP_DSCP, 8, false, (v) => v & 0xfcn)]),
    of10 ? fc.constant([]) : subset([fieldArb(MFF.IP_ECN, 2, false), fieldArb(MFF.IP_TTL, 8, false), fieldArb(MFF.IP_FRAG, 2, true, (v) => v & 1n)]),
  ).chain(([proto, a, b]) => {
    const base: Setter[] = [exact(MFF.ETH_TYPE, 0x0800n), ...a, ...b];
    if (proto < 0 || (of10 && proto === 132)) return fc.constant<Setter[]>(base);
    base.push(exact(MFF.IP_PROTO, BigInt(proto)));
    let l4: fc.Arbitrary<Setter[]>;
    if (proto === 6) l4 = fc.tuple(tp(MFF.TCP_SRC, MFF.TCP_DST), of10 ? fc.constant([]) : subset([fieldArb(MFF.TCP_FLAGS, 12, true)])).map(([x, y]) => [...x, ...y]);
    else if (proto === 17) l4 = tp(MFF.UDP_SRC, MFF.UDP_DST);
    else if (proto === 132) l4 = tp(MFF.SCTP_SRC, MFF.SCTP_DST);
    else if (proto === 1) l4 = subset([fieldArb(MFF.ICMPV4_TYPE, 8, false), fieldArb(MFF.ICMPV4_CODE, 8, false)]);
    else l4 = fc.constant([]);
    return l4.map((x) => [...base, ...x]);
  });
  const ip6 = fc.tuple(fc.constantFrom(6, 17, 58, -1), subset([fieldArb(MFF.IPV6_SRC, 128, true), fieldArb(MFF.IPV6_DST, 128, true),
    fieldArb(MFF.IPV6_LABEL, 20, true), fieldArb(MFF.IP_DSCP_SHIFTED, 6, false)]), fc.constantFrom(135, 136, 1)).map(([proto, a, nd]) => {
    const base: Setter[] = [exact(MFF.ETH_TYPE, 0x86ddn), ...a];
    if (proto < 0) return base;
    base.push(exact(MFF.IP_PROTO, BigInt(proto)));
    if (proto === 58) {
      base.push(exact(MFF.ICMPV6_TYPE, BigInt(nd)), exact(MFF.ICMPV6_CODE, 0n));
      if (nd !== 1) base.push(exact(MFF.ND_TARGET, 0x20010db8000000000000000000000001n));
      if (nd === 135) base.push(exact(MFF.ND_SLL, 0x0a0b0c0d0e0fn));
      if (nd === 136) base.push(exact(MFF.ND_TLL, 0x0a0b0c0d0e0fn));
    } else {
      base.push(exact(proto === 6 ? MFF.TCP_DST : MFF.UDP_DST, 80n));
    }
    return base;
  });
  const arp = subset([fieldArb(MFF.ARP_OP, 8, false), of10 ? cidr(MFF.ARP_SPA) : fieldArb(MFF.ARP_SPA, 32, true), of10 ? cidr(MFF.ARP_TPA) : fieldArb(MFF.ARP_TPA, 32, true),
    ...(of10 ? [] : [fieldArb(MFF.ARP_SHA, 48, true), fieldArb(MFF.ARP_THA, 48, true)])]).map((s) => [exact(MFF.ETH_TYPE, 0x0806n), ...s]);
  const mpls: fc.Arbitrary<Setter[]> = of10
    ? fc.constant<Setter[]>([exact(MFF.ETH_TYPE, 0x8847n)])
    : subset([fieldArb(MFF.MPLS_LABEL, 20, false), fieldArb(MFF.MPLS_TC, 3, false), fieldArb(MFF.MPLS_BOS, 1, false), fieldArb(MFF.MPLS_TTL, 8, false)])
      .map((s) => [exact(MFF.ETH_TYPE, 0x8847n), ...s]);
  const l3Choices: Array<fc.Arbitrary<Setter[]>> = [fc.constant([] as Setter[]), ip4, arp, mpls, fc.constant<Setter[]>([exact(MFF.ETH_TYPE, 0x88ccn)])];
  if (!of10) l3Choices.push(ip6);
  const l3 = fc.oneof(...l3Choices);
  return fc.tuple(l2, meta, vlan, l3).map(([a, b, c, d]) => {
    const m = newMatch();
    for (const s of [...a, ...b, ...c, ...d]) s(m);
    return m;
  });
}

// --- actions -----------------------------------------------------------------------------------------

const port = fc.oneof(fc.integer({ min: 1, max: 0xfeff }), fc.constantFrom(0xfff8, 0xfffa, 0xfffb, 0xfffc, 0xfffd, 0xfffe));
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u8 = fc.integer({ min: 0, max: 255 });
const regSf = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 1, max: 32 }))
  .map(([r, ofs, n]) => ({ field: f(MFF.REG0 + r), ofs: Math.min(ofs, 32 - 1), nBits: Math.max(1, Math.min(n, 32 - Math.min(ofs, 31))) }));

/** Actions that decode back identically in every version (extension actions and the common standard ones). */
function commonActions(version: number): Array<fc.Arbitrary<OfpAction>> {
  return [
    rec({ port, maxLen: u16 }).map(({ port: p, maxLen }) => ({ type: T.OUTPUT, port: p, maxLen })),
    u32.map((g) => ({ type: T.GROUP, groupId: g })),
    rec({ maxLen: u16, controllerId: u16, reason: fc.integer({ min: 0, max: 5 }) })
      .map((x) => ({ type: T.CONTROLLER, ...x, userdata: null, pause: false, meterId: 0 })),
    rec({ maxLen: u16, controllerId: u16, reason: fc.integer({ min: 0, max: 5 }), userdata: fc.uint8Array({ minLength: 1, maxLength: 20 }), pause: fc.boolean(), meterId: u32 })
      .map((x) => ({ type: T.CONTROLLER, ...x })),
    fc.tuple(regSf, u16).map(([src, maxLen]) => ({ type: T.OUTPUT_REG, src, maxLen })),
    fc.tuple(regSf, regSf).map(([a, b]) => {
      const n = Math.min(a.nBits, b.nBits);
      return { type: T.REG_MOVE, src: { ...a, nBits: n }, dst: { ...b, nBits: n } };
    }),
    regSf.map((sf) => ({ type: T.STACK_PUSH, subfield: sf })),
    regSf.map((sf) => ({ type: T.STACK_POP, subfield: sf })),
    fc.array(u16, { minLength: 0, maxLength: 5 }).map((ids) => ({ type: T.DEC_TTL, controllerIds: ids, explicitIds: true })),
    fc.constant({ type: T.DEC_TTL, controllerIds: [0], explicitIds: false }),
    fc.constantFrom(0x8847, 0x8848).map((e) => ({ type: T.PUSH_MPLS, ethertype: e })),
    u16.map((e) => ({ type: T.POP_MPLS, ethertype: e })),
    u8.map((ttl) => ({ type: T.SET_MPLS_TTL, ttl })),
    fc.constant({ type: T.DEC_MPLS_TTL }),
    u32.map((q) => ({ type: T.SET_QUEUE, queueId: q })),
    fc.constant({ type: T.POP_QUEUE }),
    rec({ idleTimeout: u16, hardTimeout: u16 }).map((x) => ({ type: T.FIN_TIMEOUT, ...x })),
    rec({ inPort: port, tableId: u8, withCtOrig: fc.boolean() }).filter((x) => x.tableId !== 255 || !x.withCtOrig).map((x) => ({ type: T.RESUBMIT, ...x })),
    rec({ fields: fc.integer({ min: 0, max: 6 }), basis: u16, algorithm: fc.integer({ min: 0, max: 3 }), maxLink: fc.integer({ min: 0, max: 255 }), arg: u32 })
      .map((x) => ({ type: T.MULTIPATH, ...x, dst: { field: f(MFF.REG0), ofs: 0, nBits: 16 } })),
    fc.integer({ min: 0, max: 4 }).chain((k) => fc.uint8Array({ minLength: 6 + 8 * k, maxLength: 6 + 8 * k })).map((data) => ({ type: T.NOTE, data })),
    fc.constant({ type: T.EXIT }),
    rec({ probability: fc.integer({ min: 1, max: 0xffff }), collectorSetId: u32, obsDomainImm: u32, obsPointImm: u32 })
      .map((x) => ({ type: T.SAMPLE, ...x, obsDomainSrc: null, obsPointSrc: null, samplingPort: 0xffff, direction: 0 })),
    rec({ probability: fc.integer({ min: 1, max: 0xffff }), collectorSetId: u32, obsDomainImm: u32, obsPointImm: u32, samplingPort: fc.integer({ min: 0, max: 0xfffe }), direction: fc.integer({ min: 0, max: 2 }) })
      .map((x) => ({ type: T.SAMPLE, ...x, obsDomainSrc: null, obsPointSrc: null })),
    rec({ port: fc.integer({ min: 1, max: 0xfeff }), maxLen: fc.integer({ min: 14, max: 0xffffffff }) }).map((x) => ({ type: T.OUTPUT_TRUNC, ...x })),
    fc.constant({ type: T.CT_CLEAR }),
    fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 1, max: 32 }), u32).map(([r, ofs, n, v]) => {
      const nBits = Math.min(n, 32 - ofs);
      const field = f(MFF.REG0 + r);
      const maskNum = nBits === 32 ? 0xffffffff : (((1 << nBits) - 1) << ofs) >>> 0;
      const value = bytesOf(BigInt((v & maskNum) >>> 0), 4);
      return { type: T.SET_FIELD, field, value, mask: bytesOf(BigInt(maskNum), 4), viaLoad: version < 6 };
    }),
    rec({
      idleTimeout: u16, hardTimeout: u16, finIdleTimeout: u16, finHardTimeout: u16, priority: u16, cookie: fc.bigInt(0n, (1n << 64n) - 1n),
      flags: fc.integer({ min: 0, max: 3 }), tableId: fc.integer({ min: 0, max: 254 }), limit: fc.constantFrom(0, 0, 5),
    }).map((x) => ({
      type: T.LEARN, ...x, resultDst: null,
      specs: [
        { srcType: 0, dstType: 0, nBits: 12, src: { field: f(MFF.VLAN_TCI), ofs: 0, nBits: 12 }, srcImm: null, dst: { field: f(MFF.VLAN_TCI), ofs: 0, nBits: 12 } },
        { srcType: 1, dstType: 1, nBits: 16, src: null, srcImm: new Uint8Array([0x12, 0x34]), dst: { field: f(MFF.REG0), ofs: 0, nBits: 16 } },
        { srcType: 0, dstType: 2, nBits: 16, src: { field: f(MFF.IN_PORT), ofs: 0, nBits: 16 }, srcImm: null, dst: null },
      ],
    })),
  ];
}

function versionActions(version: number): Array<fc.Arbitrary<OfpAction>> {
  if (version === 1) {
    return [
      fc.integer({ min: 0, max: 0xfff }).map((vid) => ({ type: T.SET_VLAN_VID, vid, pushVlanIfNeeded: true })),
      fc.integer({ min: 0, max: 7 }).map((pcp) => ({ type: T.SET_VLAN_PCP, pcp, pushVlanIfNeeded: true })),
      fc.constant({ type: T.STRIP_VLAN, popVlan: false }),
      fc.integer({ min: 0, max: 2 ** 48 - 1 }).map((mac) => ({ type: T.SET_ETH_SRC, mac })),
      fc.integer({ min: 0, max: 2 ** 48 - 1 }).map((mac) => ({ type: T.SET_ETH_DST, mac })),
      u32.map((ip) => ({ type: T.SET_IPV4_SRC, ip })),
      u32.map((ip) => ({ type: T.SET_IPV4_DST, ip })),
      fc.integer({ min: 0, max: 63 }).map((d) => ({ type: T.SET_IP_DSCP, dscp: d << 2 })),
      u16.map((p) => ({ type: T.SET_L4_SRC_PORT, port: p })),
      u16.map((p) => ({ type: T.SET_L4_DST_PORT, port: p })),
      rec({ port: fc.integer({ min: 1, max: 0xfeff }), queue: u32 }).map((x) => ({ type: T.ENQUEUE, ...x })),
      fc.integer({ min: 0, max: 0xfffff }).map((label) => ({ type: T.SET_MPLS_LABEL, label })),
      fc.integer({ min: 0, max: 7 }).map((tc) => ({ type: T.SET_MPLS_TC, tc })),
      u32.map((v) => ({ type: T.SET_TUNNEL, tunId: BigInt(v), tun64: false })),
      fc.bigInt(0n, (1n << 64n) - 1n).map((v) => ({ type: T.SET_TUNNEL, tunId: v, tun64: true })),
    ];
  }
  const sf = (id: number, v: bigint): OfpAction => ({ type: T.SET_FIELD, field: f(id), value: bytesOf(v, f(id).nBytes), mask: new Uint8Array(f(id).nBytes).fill(0xff), viaLoad: false });
  return [
    fc.constant({ type: T.STRIP_VLAN, popVlan: true }),
    fc.constantFrom(0x8100, 0x88a8).map((e) => ({ type: T.PUSH_VLAN, ethertype: e })),
    u8.map((ttl) => ({ type: T.SET_IP_TTL, ttl })),
    fc.bigInt(0n, (1n << 48n) - 1n).map((v) => sf(MFF.ETH_SRC, v)),
    fc.bigInt(0n, 0xffffffffn).map((v) => sf(MFF.IPV4_DST, v)),
    fc.bigInt(0n, 0xfffn).map((v) => sf(MFF.VLAN_VID, v | 0x1000n)),
    fc.bigInt(0n, (1n << 64n) - 1n).map((v) => sf(MFF.TUN_ID, v)),
    fc.bigInt(0n, 0xffffn).map((v) => sf(MFF.TCP_DST, v)),
    fc.bigInt(0n, 0xffffffffn).map((v) => sf(MFF.PKT_MARK, v)),
  ];
}

/** A list of actions (Apply-Actions only) that decodes back identically in `version`. */
export function arbActions(version: number, max = 6): fc.Arbitrary<OfpAction[]> {
  const one = fc.oneof(...commonActions(version), ...versionActions(version));
  const clone = fc.array(one, { maxLength: 3 }).map((actions) => ({ type: T.CLONE, actions }) as OfpAction);
  return fc.array(fc.oneof({ arbitrary: one, weight: 8 }, { arbitrary: clone, weight: 1 }), { maxLength: max });
}

/** Instructions (OpenFlow 1.1+) in the required order. */
export function arbInstructions(version: number): fc.Arbitrary<OfpAction[]> {
  if (version === 1) return arbActions(1);
  const setOk = fc.oneof(
    rec({ port, maxLen: u16 }).map(({ port: p, maxLen }): OfpAction => ({ type: T.OUTPUT, port: p, maxLen })),
    u32.map((g): OfpAction => ({ type: T.GROUP, groupId: g })),
    u32.map((q): OfpAction => ({ type: T.SET_QUEUE, queueId: q })),
  );
  return rec({
    meter: fc.option(fc.integer({ min: 1, max: 0xffff0000 }), { nil: null }),
    apply: arbActions(version),
    clear: fc.boolean(),
    write: fc.option(fc.array(setOk, { minLength: 1, maxLength: 3 }), { nil: null }),
    metadata: fc.option(fc.tuple(fc.bigInt(0n, (1n << 64n) - 1n), fc.bigInt(0n, (1n << 64n) - 1n)), { nil: null }),
    goto: fc.option(fc.integer({ min: 1, max: 254 }), { nil: null }),
  }).map((x) => {
    const out: OfpAction[] = [];
    if (x.meter !== null && version < 6) out.push({ type: T.METER, meterId: x.meter });
    if (x.meter !== null && version >= 6) out.push({ type: T.METER, meterId: x.meter });
    out.push(...x.apply);
    if (x.clear) out.push({ type: T.CLEAR_ACTIONS });
    if (x.write) out.push({ type: T.WRITE_ACTIONS, actions: x.write });
    if (x.metadata) out.push({ type: T.WRITE_METADATA, metadata: x.metadata[0], mask: x.metadata[1] });
    if (x.goto !== null) out.push({ type: T.GOTO_TABLE, tableId: x.goto });
    return out;
  });
}

// --- messages ----------------------------------------------------------------------------------------

const xid = u32;
const u64 = fc.bigInt(0n, (1n << 64n) - 1n);
const str = (n: number): fc.Arbitrary<string> => fc.string({ maxLength: n - 1 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x'));

export function arbPortDesc(version: number): fc.Arbitrary<PortDesc> {
  const feat = version === 1 ? fc.integer({ min: 0, max: 0xfff }).map((x) => (x & 0x7f) | ((x & 0xf80) << 4)) : fc.integer({ min: 0, max: 0xffff });
  return rec({
    portNo: fc.oneof(fc.integer({ min: 1, max: 0xfeff }), fc.constant(0xfffe)),
    hwAddr: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
    name: str(16),
    config: fc.integer({ min: 0, max: 0x7f }).map((c) => (version === 1 ? c : c & 0x65)),
    state: fc.integer({ min: 0, max: 0x7 }).map((s) => (version === 1 ? s & 1 : s)),
    curr: feat, advertised: feat, supported: feat, peer: feat,
    currSpeed: u32, maxSpeed: u32,
  }).map((p) => (version === 1 ? { ...p, currSpeed: speed(p.curr), maxSpeed: speed(p.supported) } : p));
}

function speed(f: number): number {
  const s: Array<[number, number]> = [[1 << 9, 1e9], [1 << 8, 1e8], [1 << 7, 4e7], [1 << 6, 1e7], [48, 1e6], [12, 1e5], [3, 1e4]];
  for (const [b, k] of s) if (f & b) return k;
  return 0;
}

/**
 * A message of every type that exists in `version`, built so that it decodes back to itself
 * (fields in their canonical form for the version).
 */
export function arbMessage(version: number): fc.Arbitrary<OfMessage> {
  const v10 = version === 1;
  const mk = v10 ? 'nxm' : 'oxm';
  // OpenFlow 1.0 carries send_flow_rem and check_overlap; its ADDs always reset counts.
  const flagsFor = (command: number): fc.Arbitrary<number> =>
    fc.integer({ min: 0, max: 31 }).map((fl) =>
      v10 ? (fl & (OFPUTIL_FF_SEND_FLOW_REM | OFPUTIL_FF_CHECK_OVERLAP)) | (command === 0 ? OFPUTIL_FF_RESET_COUNTS : 0) : fl,
    );
  const gens: Array<fc.Arbitrary<OfMessage>> = [
    rec({ xid, versions: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1 }).map((a) => a.sort()), { nil: null }) })
      .map((x) => ({ type: OfType.HELLO, ...x })),
    rec({ xid, data: fc.uint8Array({ maxLength: 64 }) }).map((x) => ({ type: OfType.ECHO_REQUEST, ...x })),
    rec({ xid, data: fc.uint8Array({ maxLength: 64 }) }).map((x) => ({ type: OfType.ECHO_REPLY, ...x })),
    rec({ xid, error: fc.constantFrom('OFPBRC_BAD_LEN', 'OFPBAC_BAD_OUT_PORT', 'OFPFMFC_OVERLAP', 'NXBRC_NXM_INVALID', 'OFPBMC_BAD_PREREQ'), data: fc.uint8Array({ maxLength: 64 }) })
      .map((x) => {
        const t = ofperrTriplet(x.error, version)!;
        return { type: OfType.ERROR, ...x, vendor: t.vendor, errType: t.type, errCode: t.code };
      }),
    ...([OfType.FEATURES_REQUEST, OfType.GET_CONFIG_REQUEST, OfType.BARRIER_REQUEST, OfType.BARRIER_REPLY, OfType.FLOW_AGE, OfType.FLOW_MONITOR_PAUSED, OfType.FLOW_MONITOR_RESUMED] as const)
      .map((type) => xid.map((x) => ({ type, xid: x }) as OfMessage)),
    rec({ xid, datapathId: u64, nBuffers: u32, nTables: u8, auxiliaryId: v10 ? fc.constant(0) : u8, capabilities: u32, actions: v10 ? u32 : fc.constant(0),
      ports: version < 4 ? fc.array(arbPortDesc(version), { maxLength: 3 }) : fc.constant([]) })
      .map((x) => ({ type: OfType.FEATURES_REPLY, ...x })),
    rec({ xid, flags: u16, missSendLen: u16 }).map((x) => ({ type: OfType.GET_CONFIG_REPLY, ...x })),
    rec({ xid, flags: fc.integer({ min: 0, max: v10 ? 7 : 3 }), missSendLen: u16 }).map((x) => ({ type: OfType.SET_CONFIG, ...x })),
    rec({ xid, reason: fc.integer({ min: 0, max: 2 }), desc: arbPortDesc(version) }).map((x) => ({ type: OfType.PORT_STATUS, ...x })),
    rec({ xid, portNo: fc.integer({ min: 1, max: 0xfeff }), hwAddr: fc.integer({ min: 0, max: 2 ** 48 - 1 }), config: fc.integer({ min: 0, max: 0x7f }), mask: fc.integer({ min: 0, max: 0x7f }), advertise: fc.integer({ min: 0, max: 0xffff }) })
      .map((x) => ({ type: OfType.PORT_MOD, ...x, config: v10 ? x.config : x.config & 0x65, mask: v10 ? x.mask : x.mask & 0x65, advertise: v10 ? (x.advertise & 0x7f) | (x.advertise & 0xf800) : x.advertise })),
    rec({ xid, role: fc.integer({ min: 0, max: 3 }), generationId: u64 }).map((x) => ({ type: OfType.ROLE_REQUEST, ...x, nx: false }))
      .map((m) => (v10 ? { ...m, nx: true, role: m.role === 0 ? 1 : m.role, generationId: 0xffffffffffffffffn } : m)),
    rec({ xid, format: fc.integer({ min: 0, max: 2 }) }).map((x) => ({ type: OfType.SET_PACKET_IN_FORMAT, ...x })),
    rec({ xid, controllerId: u16 }).map((x) => ({ type: OfType.SET_CONTROLLER_ID, ...x })),
    rec({ xid, enable: fc.boolean() }).map((x) => ({ type: OfType.FLOW_MOD_TABLE_ID, ...x })),
    rec({ xid, zoneId: u16 }).map((x) => ({ type: OfType.CT_FLUSH_ZONE, ...x })),
    // Flow-mod.
    rec({
      xid, command: fc.integer({ min: 0, max: 4 }), match: arbMatch(mk), priority: u16, idle: u16, hard: u16, importance: u16,
      bufferId: u32, outPort: port, outGroup: u32, cookie: u64, cookieMask: u64, actions: arbInstructions(version), tableId: fc.integer({ min: 0, max: 254 }),
    }).chain((x) => flagsFor(x.command).map((flags) => ({ ...x, flags }))).map((x): OfMessage => {
      const add = x.command === 0;
      const del = x.command >= 3;
      if (v10) {
        return {
          type: OfType.FLOW_MOD, xid: x.xid, nx: true, command: x.command, tableId: 255, priority: x.priority, match: x.match,
          cookie: add ? 0n : x.cookie & x.cookieMask, cookieMask: add ? 0n : x.cookieMask, newCookie: x.cookie, modifyCookie: x.cookie !== 0xffffffffffffffffn,
          idleTimeout: x.idle, hardTimeout: x.hard, importance: 0, bufferId: x.bufferId, outPort: x.outPort, outGroup: 0xffffffff, flags: x.flags, actions: x.actions,
        };
      }
      return {
        type: OfType.FLOW_MOD, xid: x.xid, nx: false, command: x.command, tableId: x.tableId, priority: x.priority, match: x.match,
        cookie: add ? 0n : x.cookie & x.cookieMask, cookieMask: add ? 0n : x.cookieMask, newCookie: add ? x.cookie : 0xffffffffffffffffn, modifyCookie: false,
        idleTimeout: x.idle, hardTimeout: x.hard, importance: version >= 5 && add ? x.importance : 0, bufferId: x.bufferId, outPort: x.outPort,
        outGroup: del ? x.outGroup : 0xffffffff, flags: x.flags, actions: x.actions,
      };
    }),
    // Flow removed.
    rec({ xid, match: arbMatch(mk), cookie: u64, priority: u16, reason: fc.integer({ min: 0, max: 5 }), tableId: fc.integer({ min: 0, max: 254 }),
      durationSec: u32, durationNsec: u32, idleTimeout: u16, hardTimeout: u16, packetCount: u64, byteCount: u64 })
      .map((x) => ({ type: OfType.FLOW_REMOVED, ...x, nx: v10, hardTimeout: v10 ? 0 : x.hardTimeout })),
    // Packet-in in each format.
    fc.constantFrom('nxt', 'nxt2', ...(v10 ? [] : ['standard'])).chain((format) => rec({ xid, data: fc.uint8Array({ minLength: 1, maxLength: 80 }), bufferId: u32,
      reason: fc.integer({ min: 0, max: 2 }), tableId: u8, cookie: u64, match: arbMatch(format === 'nxt' ? 'nxm' : 'oxm'),
      format: fc.constant(format), extra: fc.nat(100), userdata: fc.option(fc.uint8Array({ minLength: 1, maxLength: 8 }), { nil: null }) }))
      .map((x): OfMessage => ({
        type: OfType.PACKET_IN, xid: x.xid, format: x.format as 'nxt' | 'nxt2' | 'standard', bufferId: x.bufferId, totalLen: x.format === 'nxt2' ? x.data.length + x.extra : (x.data.length + x.extra) & 0xffff,
        reason: x.reason, tableId: x.tableId, cookie: x.cookie, match: x.match, data: x.data, userdata: x.format === 'nxt2' ? x.userdata : null, continuation: null,
      })),
    // Packet-out.
    rec({ xid, inPort: fc.oneof(fc.integer({ min: 1, max: 0xfeff }), fc.constantFrom(0xfffd, 0xfffe, 0xffff)), actions: arbActions(version), data: fc.uint8Array({ maxLength: 60 }) })
      .map((x): OfMessage => {
        const m = newMatch();
        matchSetField(m, f(MFF.IN_PORT), bytesOf(BigInt(x.inPort), 2), null);
        return { type: OfType.PACKET_OUT, xid: x.xid, bufferId: 0xffffffff, inPort: x.inPort, match: m, actions: x.actions, data: x.data };
      }),
    // Multipart.
    rec({ xid, flags: fc.constantFrom(0, 1) }).map((x) => ({ type: OfType.DESC_STATS_REQUEST, ...x })),
    rec({ xid, flags: fc.constantFrom(0, 1), mfrDesc: str(256), hwDesc: str(256), swDesc: str(256), serialNum: str(32), dpDesc: str(256) })
      .map((x) => ({ type: OfType.DESC_STATS_REPLY, ...x })),
    rec({ xid, flags: fc.constant(0), tableId: u8, outPort: port, outGroup: u32, cookie: u64, cookieMask: u64, match: arbMatch(mk), aggregate: fc.boolean() })
      .map((x): OfMessage => ({
        type: x.aggregate ? OfType.AGGREGATE_STATS_REQUEST : OfType.FLOW_STATS_REQUEST, xid: x.xid, flags: 0, nx: v10, tableId: x.tableId, outPort: x.outPort,
        outGroup: v10 ? 0xffffffff : x.outGroup, cookie: x.cookie & x.cookieMask, cookieMask: x.cookieMask, match: x.match,
      })),
    rec({ xid, flags: fc.constantFrom(0, 1), entries: fc.array(arbFlowStats(version), { maxLength: 3 }) })
      .map((x) => ({ type: OfType.FLOW_STATS_REPLY, ...x, nx: v10 })),
    rec({ xid, flags: fc.constant(0), packetCount: u64, byteCount: u64, flowCount: version >= 6 ? fc.integer({ min: 0, max: 0xfffffffe }) : u32 })
      .map((x) => ({ type: OfType.AGGREGATE_STATS_REPLY, ...x, nx: v10 })),
    rec({ xid, flags: fc.constant(0), portNo: fc.oneof(fc.integer({ min: 1, max: 0xfeff }), fc.constant(0xffff)) }).map((x) => ({ type: OfType.PORT_STATS_REQUEST, ...x })),
    rec({ xid, flags: fc.constant(0), portNo: fc.integer({ min: 1, max: 0xfeff }), queueId: u32 }).map((x) => ({ type: OfType.QUEUE_STATS_REQUEST, ...x })),
    rec({ xid, flags: fc.constant(0), groupId: u32 }).map((x) => ({ type: OfType.GROUP_STATS_REQUEST, ...x })),
    rec({ xid, flags: fc.constant(0), entries: fc.array(rec({ tableId: u8, activeCount: u32, lookupCount: u64, matchedCount: u64, name: v10 ? str(32) : fc.constant(''), wildcards: v10 ? u32 : fc.constant(0), maxEntries: v10 ? u32 : fc.constant(0) }), { maxLength: 4 }) })
      .map((x) => ({ type: OfType.TABLE_STATS_REPLY, ...x })),
    rec({ xid, flags: fc.constant(0), entries: fc.array(rec({
      portNo: fc.integer({ min: 1, max: 0xfeff }), rxPackets: u64, txPackets: u64, rxBytes: u64, txBytes: u64, rxDropped: u64, txDropped: u64, rxErrors: u64, txErrors: u64,
      rxFrameErr: u64, rxOverErr: u64, rxCrcErr: u64, collisions: u64, durationSec: v10 ? fc.constant(0xffffffff) : u32, durationNsec: v10 ? fc.constant(0xffffffff) : u32,
    }), { maxLength: 3 }) }).map((x) => ({ type: OfType.PORT_STATS_REPLY, ...x })),
    rec({ xid, flags: fc.constant(0), entries: fc.array(rec({ portNo: fc.integer({ min: 1, max: 0xfeff }), queueId: u32, txBytes: u64, txPackets: u64, txErrors: u64,
      durationSec: v10 ? fc.constant(0xffffffff) : u32, durationNsec: v10 ? fc.constant(0xffffffff) : u32 }), { maxLength: 3 }) })
      .map((x) => ({ type: OfType.QUEUE_STATS_REPLY, ...x })),
    rec({ xid, flags: fc.constant(0), entries: fc.array(rec({ groupId: u32, refCount: u32, packetCount: u64, byteCount: u64, durationSec: u32, durationNsec: u32,
      buckets: fc.array(rec({ packetCount: u64, byteCount: u64 }), { maxLength: 3 }) }), { maxLength: 3 }) })
      .map((x) => ({ type: OfType.GROUP_STATS_REPLY, ...x })),
    rec({ xid, flags: fc.constant(0), ports: fc.array(arbPortDesc(version), { maxLength: 3 }) }).map((x) => ({ type: OfType.PORT_DESC_STATS_REPLY, ...x })),
    rec({ xid, flags: fc.constant(0), types: u32, capabilities: u32, maxGroups: fc.array(u32, { minLength: 4, maxLength: 4 }), actions: fc.array(u32, { minLength: 4, maxLength: 4 }) })
      .map((x) => ({ type: OfType.GROUP_FEATURES_STATS_REPLY, ...x })),
    // Group-mod.
    rec({ xid, command: fc.constantFrom(0, 1, 2), groupId: fc.integer({ min: 0, max: 0xffffff00 }), groupType: fc.constantFrom(0, 1, 3),
      buckets: fc.array(rec({ actions: arbActions(version, 3), weight: u16, watchPort: fc.integer({ min: 1, max: 0xfeff }), watchGroup: u32 }), { minLength: 1, maxLength: 3 }) })
      .map((x): OfMessage => {
        const buckets = x.buckets.map((b, i) => ({
          bucketId: i, weight: x.groupType === 1 ? b.weight : 0, watchPort: x.groupType === 3 ? b.watchPort : 0xffff,
          watchGroup: x.groupType === 3 ? b.watchGroup : 0xffffffff, actions: b.actions,
        }));
        return { type: OfType.GROUP_MOD, xid: x.xid, command: x.command, groupType: x.groupType, groupId: x.groupId, commandBucketId: 0xffffffff, buckets: x.command === 2 ? [] : buckets };
      }),
  ];
  if (version < 5) gens.push(rec({ xid, id: u32 }).map((x) => ({ type: OfType.FLOW_MONITOR_CANCEL, ...x })));
  if (version >= 4) {
    const band = rec({ type: fc.constantFrom(1, 2), rate: u32, burstSize: u32, precLevel: u8 }).map((b) => ({ ...b, precLevel: b.type === 2 ? b.precLevel : 0 }));
    gens.push(
      rec({ xid, command: fc.constantFrom(0, 1), flags: fc.constantFrom(1, 2, 5, 6, 9, 14), meterId: u32, bands: fc.array(band, { maxLength: 3 }) })
        .map((x) => ({ type: OfType.METER_MOD, ...x })),
      rec({ xid, tableId: u8, config: u32 }).map((x) => ({ type: OfType.TABLE_MOD, ...x })),
      rec({ xid, flags: fc.constant(0), meterId: u32 }).map((x) => ({ type: OfType.METER_STATS_REQUEST, ...x })),
      rec({ xid, flags: fc.constant(0), meterId: u32 }).map((x) => ({ type: OfType.METER_CONFIG_STATS_REQUEST, ...x })),
      rec({ xid, flags: fc.constant(0), entries: fc.array(rec({ flags: u16, meterId: u32, bands: fc.array(band, { maxLength: 3 }) }), { maxLength: 3 }) })
        .map((x) => ({ type: OfType.METER_CONFIG_STATS_REPLY, ...x })),
      rec({ xid, flags: fc.constant(0), entries: fc.array(rec({ meterId: u32, flowCount: u32, packetInCount: u64, byteInCount: u64, durationSec: u32, durationNsec: u32,
        bands: fc.array(rec({ packetCount: u64, byteCount: u64 }), { maxLength: 3 }) }), { maxLength: 3 }) })
        .map((x) => ({ type: OfType.METER_STATS_REPLY, ...x })),
      rec({ xid, flags: fc.constant(0), maxMeter: u32, bandTypes: u32, capabilities: u32, maxBands: u8, maxColor: u8 }).map((x) => ({ type: OfType.METER_FEATURES_STATS_REPLY, ...x })),
      rec({ xid, flags: fc.constant(0), tables: fc.array(rec({ tableId: u8, name: str(32), metadataMatch: u64, metadataWrite: u64, config: u32, maxEntries: u32,
        props: fc.array(rec({ type: fc.integer({ min: 0, max: 15 }), data: fc.uint8Array({ maxLength: 12 }) }), { maxLength: 3 }) }), { minLength: 1, maxLength: 2 }) })
        .map((x) => ({ type: OfType.TABLE_FEATURES_STATS_REPLY, ...x })),
      rec({ xid, role: fc.integer({ min: 1, max: 3 }), reason: fc.integer({ min: 0, max: 2 }), generationId: u64 }).map((x) => ({ type: OfType.ROLE_STATUS, ...x })),
      rec({ xid, bundleId: u32, ctrlType: fc.integer({ min: 0, max: 7 }), flags: fc.integer({ min: 0, max: 3 }) }).map((x) => ({ type: OfType.BUNDLE_CONTROL, ...x })),
      rec({ xid, props: fc.constant([1, 0, 3, 2, 5, 4].map((type) => ({ type, mask: 1 }))) })
        .map((x) => ({ type: OfType.SET_ASYNC_CONFIG, ...x, nx: false })),
      xid.map((x) => ({ type: OfType.GET_ASYNC_REQUEST, xid: x })),
    );
  }
  return fc.oneof(...gens);
}

function arbFlowStats(version: number): fc.Arbitrary<FlowStatsEntry> {
  const v10 = version === 1;
  return rec({
    tableId: u8, durationSec: u32, durationNsec: u32, priority: u16, idleTimeout: u16, hardTimeout: u16,
    flags: fc.integer({ min: 0, max: 31 }), importance: u16, cookie: u64, packetCount: fc.bigInt(0n, (1n << 64n) - 2n), byteCount: fc.bigInt(0n, (1n << 64n) - 2n),
    idleAge: fc.integer({ min: -1, max: 0xfffe }), match: arbMatch(v10 ? 'nxm' : 'oxm'), actions: arbInstructions(version),
  }).map((e) => ({
    ...e,
    flags: version >= 4 ? e.flags : 0,
    importance: version >= 5 ? e.importance : 0,
    idleAge: v10 || version >= 6 ? e.idleAge : -1,
    hardAge: v10 ? e.idleAge : -1,
    durationSec: version >= 6 ? Math.min(e.durationSec, 0xfffffffe) : e.durationSec,
  }));
}
