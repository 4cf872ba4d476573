/*
 * Test helpers for flow extraction: tiny header writers (hex-based, independent of the
 * code under test), a runner that extracts a frame into a key whose OpenFlow-only words
 * hold a canary, and an expected-key builder that names fields by their OVS names.
 */
import assert from 'node:assert/strict';
import { hexToBytes, bytesToHex } from '../../src/packet/hex.js';
import { Packet } from '../../src/packet/packet.js';
import { extract } from '../../src/flow/extract.js';
import {
  DP_KEY_WORDS,
  FIELD_BITS,
  FLOW_WORDS,
  MAC_FIELDS,
  type FieldName,
  type FlowKey,
  type MacFieldName,
  newFlowKey,
  setField,
  setMacField,
  W_MPLS0,
  W_ND_TARGET,
  W_IPV6_SRC,
  W_IPV6_DST,
  W_CT_LABEL,
  W_TUN_IPV6_SRC,
  W_TUN_IPV6_DST,
} from '../../src/flow/layout.js';

export const CANARY = 0xdeadbeef;

/** Concatenate hex strings / byte arrays. */
export function bytes(...parts: Array<string | Uint8Array | number[]>): Uint8Array {
  const arrs = parts.map((p) => (typeof p === 'string' ? hexToBytes(p) : Uint8Array.from(p)));
  const out = new Uint8Array(arrs.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrs) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

export const hex16 = (n: number): string => (n & 0xffff).toString(16).padStart(4, '0');
export const hex32 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
export const hex8 = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');

export const DST = 0x0a0b0c0d0e0f;
export const SRC = 0x020304050607;
export const DST_HEX = '0a0b0c0d0e0f';
export const SRC_HEX = '020304050607';

export function ethHdr(type: number): string {
  return DST_HEX + SRC_HEX + hex16(type);
}

export interface Ipv4Opts {
  proto: number;
  payloadLen: number;
  src?: number;
  dst?: number;
  tos?: number;
  ttl?: number;
  fragOff?: number; // the whole flags/offset field
  options?: string; // hex, multiple of 4 bytes
  totLen?: number; // override
  ihl?: number; // override (in 32-bit words)
}

export const IP4_SRC = 0xc0a80001; // 192.168.0.1
export const IP4_DST = 0x0a000002; // 10.0.0.2

export function ipv4Hdr(o: Ipv4Opts): string {
  const optLen = o.options ? o.options.replace(/\s/g, '').length / 2 : 0;
  const ihl = o.ihl ?? (20 + optLen) / 4;
  const totLen = o.totLen ?? 20 + optLen + o.payloadLen;
  return (
    hex8(0x40 | ihl) +
    hex8(o.tos ?? 0) +
    hex16(totLen) +
    '1234' +
    hex16(o.fragOff ?? 0) +
    hex8(o.ttl ?? 64) +
    hex8(o.proto) +
    '0000' +
    hex32(o.src ?? IP4_SRC) +
    hex32(o.dst ?? IP4_DST) +
    (o.options ?? '')
  );
}

export const IP6_SRC = [0x20010db8, 0, 0, 1];
export const IP6_DST = [0xfe800000, 0, 0x021122ff, 0xfe334455];
const ip6Hex = (w: number[]): string => w.map(hex32).join('');

export interface Ipv6Opts {
  nxt: number;
  plen: number;
  tc?: number;
  label?: number;
  hlim?: number;
  src?: number[];
  dst?: number[];
}

export function ipv6Hdr(o: Ipv6Opts): string {
  const vtf = (6 << 28) | ((o.tc ?? 0) << 20) | (o.label ?? 0);
  return hex32(vtf) + hex16(o.plen) + hex8(o.nxt) + hex8(o.hlim ?? 255) + ip6Hex(o.src ?? IP6_SRC) + ip6Hex(o.dst ?? IP6_DST);
}

/** Build a Packet holding `frame` (buffer padded with `fill` after the frame). */
export function packetOf(frame: Uint8Array, fill = 0): Packet {
  const p = Packet.from(frame);
  p.buf.fill(fill, p.start + p.len);
  return p;
}

export interface Extracted {
  key: FlowKey;
  pkt: Packet;
}

/** Extract `frame` into a fresh key whose every word holds CANARY first. */
export function run(frame: Uint8Array, setup?: (p: Packet) => void): Extracted {
  const pkt = packetOf(frame);
  if (setup) setup(pkt);
  const key = newFlowKey();
  key.fill(CANARY);
  extract(pkt, key);
  for (let i = DP_KEY_WORDS; i < FLOW_WORDS; i++) assert.equal(key[i], CANARY, `OpenFlow-only word ${i} touched`);
  return { key, pkt };
}

type Wide = 'ipv6_src' | 'ipv6_dst' | 'nd_target' | 'ct_label' | 'tun_ipv6_src' | 'tun_ipv6_dst' | 'mpls';
const WIDE_AT: Record<Wide, number> = {
  ipv6_src: W_IPV6_SRC,
  ipv6_dst: W_IPV6_DST,
  nd_target: W_ND_TARGET,
  ct_label: W_CT_LABEL,
  tun_ipv6_src: W_TUN_IPV6_SRC,
  tun_ipv6_dst: W_TUN_IPV6_DST,
  mpls: W_MPLS0,
};

export type Expect = Partial<Record<Exclude<FieldName, Wide> | MacFieldName, number>> & Partial<Record<Wide, number[]>>;

/** A datapath key with exactly the given fields set (everything else zero). */
export function expectedKey(e: Expect): Uint32Array {
  const k = new Uint32Array(DP_KEY_WORDS);
  for (const [name, v] of Object.entries(e)) {
    if (name in WIDE_AT) {
      const w = WIDE_AT[name as Wide];
      (v as number[]).forEach((x, i) => (k[w + i] = x));
    } else if (name in MAC_FIELDS) {
      setMacField(k, MAC_FIELDS[name as MacFieldName], v as number);
    } else if (name === 'tun_id') {
      k[FIELD_BITS.tun_id.word] = Math.floor((v as number) / 0x100000000);
      k[FIELD_BITS.tun_id.word + 1] = (v as number) >>> 0;
    } else {
      const fb = FIELD_BITS[name as FieldName];
      assert.ok(fb && fb.bits <= 32, `expectedKey: no scalar field ${name}`);
      setField(k, fb, v as number);
    }
  }
  return k;
}

function nonZero(k: ArrayLike<number>): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i < DP_KEY_WORDS; i++) if (k[i] !== 0) o[`w${i}`] = hex32(k[i]!);
  return o;
}

/** Assert the datapath words of `key` are exactly `e`. */
export function assertKey(key: FlowKey, e: Expect, msg?: string): void {
  assert.deepEqual(nonZero(key), nonZero(expectedKey(e)), msg);
}

export interface Offsets {
  l2_5: number;
  l3: number;
  l4: number;
}

export function assertOffsets(pkt: Packet, o: Offsets): void {
  assert.deepEqual({ l2_5: pkt.l2_5Ofs, l3: pkt.l3Ofs, l4: pkt.l4Ofs }, o);
}

export const ETH = { eth_dst: DST, eth_src: SRC } as const;

export { bytesToHex };
