/*
 * Test helpers for the action executor: packets built from FrameSpecs and extracted, hooks
 * that record what the executor emits (copies of the bytes as they were at that moment),
 * and builders for set / masked-set actions by OVS field name.
 */
import assert from 'node:assert/strict';
import { buildFrame, type FrameSpec } from '../../src/packet/build.js';
import { parseFrame, type ParsedFrame } from '../../src/packet/parse.js';
import { verifyChecksums } from '../../src/packet/verify.js';
import { Packet, PacketPool } from '../../src/packet/packet.js';
import { extract } from '../../src/flow/extract.js';
import {
  FIELD_BITS,
  FLOW_WORDS,
  MAC_FIELDS,
  newFlowKey,
  setField,
  setMacField,
  type FieldName,
  type MacFieldName,
} from '../../src/flow/layout.js';
import { DpActionType, type DpAction, type SetAction, type SetAttr, type UserspaceAction } from '../../src/datapath/actions.js';
import type { ExecHooks } from '../../src/datapath/execute.js';
import { SET_ATTR_MASKS } from '../../src/datapath/set-fields.js';

export interface Emitted {
  kind: 'output' | 'userspace' | 'recirc';
  /** Port for output, recirc id for recirc, pid for userspace. */
  arg: number;
  bytes: Uint8Array;
  /** Metadata at the time of emission. */
  dpHash: number;
  skbPriority: number;
  pktMark: number;
  tunIdLo: number;
  tunDst: number;
  ctState: number;
  ctZone: number;
  ctMark: number;
  l3Ofs: number;
  l4Ofs: number;
  l2_5Ofs: number;
}

export class Recorder implements ExecHooks {
  readonly out: Emitted[] = [];
  readonly pool = new PacketPool();
  scratchOut = 0;
  private rnd: number[];

  constructor(randoms: number[] = []) {
    this.rnd = randoms.slice();
  }

  private record(kind: Emitted['kind'], p: Packet, arg: number): void {
    this.out.push({
      kind,
      arg,
      bytes: p.bytes().slice(),
      dpHash: p.dpHash,
      skbPriority: p.skbPriority,
      pktMark: p.pktMark,
      tunIdLo: p.tunnel.idLo,
      tunDst: p.tunnel.ipv4Dst,
      ctState: p.ctState,
      ctZone: p.ctZone,
      ctMark: p.ctMark,
      l3Ofs: p.l3Ofs,
      l4Ofs: p.l4Ofs,
      l2_5Ofs: p.l2_5Ofs,
    });
  }

  output(p: Packet, port: number): void {
    this.record('output', p, port);
  }
  userspace(p: Packet, a: UserspaceAction): void {
    this.record('userspace', p, a.pid);
  }
  recirculate(p: Packet, id: number): void {
    this.record('recirc', p, id);
  }
  random(): number {
    const r = this.rnd.shift();
    assert.ok(r !== undefined, 'random() called more often than the test expected');
    return r;
  }
  getScratch(): Packet {
    this.scratchOut++;
    return this.pool.alloc();
  }
  releaseScratch(p: Packet): void {
    this.scratchOut--;
    this.pool.release(p);
  }
  get outputs(): Emitted[] {
    return this.out.filter((e) => e.kind === 'output');
  }
}

/** A packet holding `frame` (or a built spec), extracted, with its key. */
export function packetOf(frame: Uint8Array | FrameSpec, inPort = 1): { p: Packet; key: Uint32Array } {
  const bytes = frame instanceof Uint8Array ? frame : buildFrame(frame);
  const p = Packet.from(bytes);
  p.inPort = inPort;
  const key = newFlowKey();
  extract(p, key);
  return { p, key };
}

/** Re-extract bytes into a fresh key (what a receiver's datapath would see). */
export function keyOf(bytes: Uint8Array): Uint32Array {
  return packetOf(bytes).key;
}

export function parsed(bytes: Uint8Array): ParsedFrame {
  const f = parseFrame(bytes);
  assert.deepEqual(f.errors, [], 'frame parses cleanly');
  return f;
}

export function assertChecksums(bytes: Uint8Array): void {
  const r = verifyChecksums(bytes);
  assert.ok(r.ok, 'checksums: ' + r.problems.join('; '));
}

export type FieldValues = Partial<Record<FieldName | MacFieldName, number | ArrayLike<number>>>;

function writeFields(k: Uint32Array, vals: FieldValues): void {
  for (const [name, v] of Object.entries(vals)) {
    if (name in MAC_FIELDS) {
      setMacField(k, MAC_FIELDS[name as MacFieldName], v as number);
      continue;
    }
    const fb = FIELD_BITS[name as FieldName];
    if (fb === undefined) throw new Error('unknown field ' + name);
    if (fb.bits > 32) {
      const words = v as ArrayLike<number>;
      for (let i = 0; i < fb.bits / 32; i++) k[fb.word + i] = words[i]! >>> 0;
    } else {
      setField(k, fb, v as number);
    }
  }
}

/** A non-masked set: every field of `attr` is written (the others in `vals` default to 0). */
export function setAct(attr: SetAttr, vals: FieldValues): SetAction {
  const key = new Uint32Array(FLOW_WORDS);
  writeFields(key, vals);
  const mask = new Uint32Array(FLOW_WORDS);
  mask.set(SET_ATTR_MASKS[attr]!);
  for (let i = 0; i < FLOW_WORDS; i++) key[i] = key[i]! & mask[i]!;
  return { type: DpActionType.SET, attr, key, mask };
}

/** A masked set with explicit values and masks by field name. */
export function maskedAct(attr: SetAttr, vals: FieldValues, masks: FieldValues): SetAction {
  const key = new Uint32Array(FLOW_WORDS);
  writeFields(key, vals);
  const mask = new Uint32Array(FLOW_WORDS);
  writeFields(mask, masks);
  return { type: DpActionType.SET_MASKED, attr, key, mask };
}

export const out = (port: number): DpAction => ({ type: DpActionType.OUTPUT, port });
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
