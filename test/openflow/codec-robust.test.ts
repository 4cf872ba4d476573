/*
 * Malformed input for the OpenFlow codec: specific bad messages get the OpenFlow error OVS
 * sends (bad version, type, length, multipart type, vendor, subtype, match TLVs, action
 * lengths and types, instructions, flow-mod fields), truncation at every offset and random
 * or mutated bytes never make decodeMessage throw, and the stream framer reassembles
 * messages from arbitrary chunks and rejects a header shorter than 8 bytes.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { newMatch, matchSetField } from '../../src/flow/match.js';
import { MF_FIELDS, MFF } from '../../src/flow/meta-flow.js';
import { OfpactType as T } from '../../src/ofproto/ofp-actions.js';
import {
  decodeMessage,
  encodeErrorReply,
  encodeMessage,
  isDecodeError,
  isFramerError,
  isOfperrName,
  makeFlowModMsg,
  OfFramer,
  OfType,
  type OfMessage,
} from '../../src/openflow/codec/index.js';
import { arbMessage } from './codec-gen.js';
import { PRINT_CASES } from './codec-fixtures.js';

const hexToBytes = (h: string): Uint8Array => Uint8Array.from((h.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));

function err(b: Uint8Array, opts = {}): string {
  const r = decodeMessage(b, opts);
  assert.ok(isDecodeError(r), `expected an error, decoded ${isDecodeError(r) ? '' : OfType[r.type as unknown as keyof typeof OfType] ?? r.type}`);
  return r.error;
}

function ok(b: Uint8Array, opts = {}): OfMessage {
  const r = decodeMessage(b, opts);
  assert.ok(!isDecodeError(r), isDecodeError(r) ? `${r.error}: ${r.detail}` : '');
  return r;
}

/** A message with its header length set to its byte count. */
function withLen(b: Uint8Array): Uint8Array {
  const c = b.slice();
  c[2] = (c.length >> 8) & 0xff;
  c[3] = c.length & 0xff;
  return c;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An OF1.3 flow-mod (ADD, table 0, catch-all) with the given raw OXM entries and instructions. */
function flowMod13(oxm: string, insts: string, fields: { table?: number; command?: number; flags?: number } = {}): Uint8Array {
  const e = hexToBytes(oxm);
  const mlen = 4 + e.length;
  const pad = (8 - (mlen % 8)) % 8;
  const body = concat(
    hexToBytes('0000000000000000 0000000000000000'),
    Uint8Array.of(fields.table ?? 0, fields.command ?? 0),
    hexToBytes('0000 0000 8000 ffffffff ffffffff ffffffff'),
    Uint8Array.of(0, fields.flags ?? 0),
    hexToBytes('0000'),
    Uint8Array.of(0, 1, mlen >> 8, mlen & 0xff),
    e,
    new Uint8Array(pad),
    hexToBytes(insts),
  );
  return withLen(concat(hexToBytes('040e000000000001'), body));
}

/** An OF1.0 flow-mod (ADD, catch-all) with the given raw actions. */
function flowMod10(actions: string): Uint8Array {
  const body = concat(hexToBytes('003fffff'), new Uint8Array(36), hexToBytes('0000000000000000 0000 0000 0000 8000 ffffffff ffff 0000'), hexToBytes(actions));
  return withLen(concat(hexToBytes('010e000000000002'), body));
}

describe('headers', () => {
  test('fewer than 8 bytes, or a length that disagrees with the bytes: OFPBRC_BAD_LEN', () => {
    for (let n = 0; n < 8; n++) assert.equal(err(new Uint8Array(n).fill(4)), 'OFPBRC_BAD_LEN');
    assert.equal(err(hexToBytes('0402000900000001')), 'OFPBRC_BAD_LEN');
    assert.equal(err(hexToBytes('04020007000000010000')), 'OFPBRC_BAD_LEN');
  });

  test('unsupported versions: OFPBRC_BAD_VERSION, except hello / error / echo', () => {
    for (const v of [0, 2, 3, 7, 0x80]) assert.equal(err(hexToBytes(`${v.toString(16).padStart(2, '0')}14000800000001`)), 'OFPBRC_BAD_VERSION');
    const hello = ok(hexToBytes('0700000800000001'));
    assert.equal(hello.type, OfType.HELLO);
    assert.equal(ok(hexToBytes('0202000a000000016162')).type, OfType.ECHO_REQUEST);
  });

  test('a version other than the negotiated one: OFPBRC_BAD_VERSION (echo still accepted)', () => {
    assert.equal(err(hexToBytes('0114000800000001'), { version: 4 }), 'OFPBRC_BAD_VERSION');
    assert.equal(ok(hexToBytes('0102000800000001'), { version: 4 }).type, OfType.ECHO_REQUEST);
    assert.equal(ok(hexToBytes('0414000800000001'), { version: 4 }).type, OfType.BARRIER_REQUEST);
  });

  test('unknown types, statistics, vendors and subtypes', () => {
    assert.equal(err(hexToBytes('0423000800000001')), 'OFPBRC_BAD_TYPE');
    assert.equal(err(hexToBytes('0118000800000001')), 'OFPBRC_BAD_TYPE'); // type 24 does not exist in OF1.0
    assert.equal(err(hexToBytes('04120010000000010063000000000000')), 'OFPBRC_BAD_STAT');
    assert.equal(err(hexToBytes('040400100000000100abcdef00000001')), 'OFPBRC_BAD_VENDOR');
    assert.equal(err(hexToBytes('04040010000000010000232000000063')), 'OFPBRC_BAD_SUBTYPE');
    assert.equal(err(hexToBytes('0404000c0000000100002320')), 'OFPBRC_BAD_LEN');
    assert.equal(err(hexToBytes('01100018000000010000000000002320000000630000000000')), 'OFPBRC_BAD_LEN');
    assert.equal(err(hexToBytes('0110001800000001ffff0000000023200000006300000000')), 'OFPBRC_BAD_SUBTYPE');
  });

  test('bodies of the wrong length: OFPBRC_BAD_LEN', () => {
    assert.equal(err(hexToBytes('0414000c0000000100000000')), 'OFPBRC_BAD_LEN'); // barrier with a body
    assert.equal(err(hexToBytes('0409000a000000010000')), 'OFPBRC_BAD_LEN'); // set-config too short
    assert.equal(err(hexToBytes('0406005800000001' + '00'.repeat(80))), 'OFPBRC_BAD_LEN'); // OF1.3 features reply with a port
    assert.equal(ok(hexToBytes('0409000c0000000100000080')).type, OfType.SET_CONFIG);
  });
});

describe('matches', () => {
  const output = '0004 0018 00000000 0000 0010 00000001 ffff 000000000000';
  test('well-formed OXM match decodes', () => {
    const m = ok(flowMod13('80000a02 0800 80001604 0a000001', output));
    assert.equal(m.type, OfType.FLOW_MOD);
  });
  test('unknown field: OFPBMC_BAD_FIELD', () => {
    assert.equal(err(flowMod13('8000fe04 00000001', output)), 'OFPBMC_BAD_FIELD');
  });
  test('missing prerequisite: OFPBMC_BAD_PREREQ', () => {
    assert.equal(err(flowMod13('80001c02 0050', output)), 'OFPBMC_BAD_PREREQ'); // tcp_dst without ip_proto
    assert.equal(err(flowMod13('80001604 0a000001', output)), 'OFPBMC_BAD_PREREQ'); // ipv4_src without eth_type
  });
  test('field given twice: OFPBMC_DUP_FIELD', () => {
    assert.equal(err(flowMod13('80000a02 0800 80000a02 0800', output)), 'OFPBMC_DUP_FIELD');
  });
  test('mask on a field that has none: OFPBMC_BAD_MASK', () => {
    assert.equal(err(flowMod13('80000b04 0800 ff00', output)), 'OFPBMC_BAD_MASK');
  });
  test('value bits outside the mask: OFPBMC_BAD_WILDCARDS', () => {
    assert.equal(err(flowMod13('80000a02 0800 80001708 0a000001 ffffff00', output)), 'OFPBMC_BAD_WILDCARDS');
  });
  test('invalid value: OFPBMC_BAD_VALUE', () => {
    assert.equal(err(flowMod13('80000c02 f000', output)), 'OFPBMC_BAD_VALUE'); // vlan_vid with PCP bits
  });
  test('truncated entry or bad match header: OFPBMC_BAD_LEN / OFPBMC_BAD_TYPE', () => {
    assert.equal(err(flowMod13('80000a04 0800', output)), 'OFPBMC_BAD_LEN');
    const m = flowMod13('', output);
    m[8 + 40 + 1] = 0; // match type 0 (standard)
    assert.equal(err(m), 'OFPBMC_BAD_TYPE');
    const m2 = flowMod13('', output);
    m2[8 + 40 + 3] = 2; // match length 2
    assert.equal(err(m2), 'OFPBMC_BAD_LEN');
  });
  test('NXM flow-mod adding with a cookie match: NXBRC_NXM_INVALID', () => {
    const nx = hexToBytes('0104004000000003000023200000000d 0000000000000000 0000 0000 0000 8000 ffffffff ffff 0000 0014 000000000000 00013d10 0000000000000001 ffffffffffffffff 00000000');
    assert.equal(err(withLen(nx)), 'NXBRC_NXM_INVALID');
  });
});

describe('actions and instructions', () => {
  test('action lengths: not a multiple of 8, shorter than the action, longer than the message', () => {
    assert.equal(err(flowMod10('0000 000c fffe 0000 00000000')), 'OFPBRC_BAD_LEN'); // not a multiple of 8 overall
    assert.equal(err(flowMod10('0000 000c fffe 0000 0000000000000000')), 'OFPBAC_BAD_LEN');
    assert.equal(err(flowMod10('0000 0010 fffe 0000 0000000000000000')), 'OFPBAC_BAD_LEN');
    assert.equal(err(flowMod10('0000 0018 fffe 0000')), 'OFPBAC_BAD_LEN');
    assert.equal(err(flowMod10('ffff 0010 00002320')), 'OFPBAC_BAD_LEN');
    assert.equal(err(flowMod10('0000 0008 fffe')), 'OFPBRC_BAD_LEN');
  });
  test('action types: unknown standard, unknown vendor, unknown extension subtype', () => {
    assert.equal(err(flowMod10('0063 0008 00000000')), 'OFPBAC_BAD_TYPE');
    assert.equal(err(flowMod10('ffff 0010 00abcdef 0001 000000000000')), 'OFPBAC_BAD_VENDOR');
    assert.equal(err(flowMod10('ffff 0010 00002320 00fe 000000000000')), 'OFPBAC_BAD_VENDOR_TYPE');
  });
  test('bad output port: OFPBAC_BAD_OUT_PORT', () => {
    assert.equal(err(flowMod10('0000 0008 ff00 0000')), 'OFPBAC_BAD_OUT_PORT');
    assert.equal(err(flowMod10('0000 0008 ffff 0000')), 'OFPBAC_BAD_OUT_PORT');
  });
  test('set-field of a read-only field and of in_port: OFPBAC_BAD_SET_ARGUMENT', () => {
    assert.equal(err(flowMod13('', '0004 0018 00000000 0019 0010 80001401 06 00000000000000')), 'OFPBAC_BAD_SET_ARGUMENT');
    assert.equal(err(flowMod13('', '0004 0018 00000000 0019 0010 80000004 00000001 00000000')), 'OFPBAC_BAD_SET_ARGUMENT');
  });
  test('instructions: duplicate, unknown, experimenter, bad length', () => {
    const goto = '0001 0008 05 000000';
    assert.equal(err(flowMod13('', goto + goto)), 'OFPBIC_DUP_INST');
    assert.equal(err(flowMod13('', '0009 0008 00000000')), 'OFPBIC_UNKNOWN_INST');
    assert.equal(err(flowMod13('', 'ffff 0008 00000000')), 'OFPBIC_BAD_EXPERIMENTER');
    assert.equal(err(flowMod13('', '0001 0010 05 000000 0000000000000000')), 'OFPBIC_BAD_LEN');
    assert.equal(err(flowMod13('', '0004 000c 00000000')), 'OFPBIC_BAD_LEN');
  });
});

describe('flow-mod fields', () => {
  test('table 255 in an add, unknown command, unknown flags', () => {
    assert.equal(err(flowMod13('', '', { table: 255 })), 'OFPFMFC_BAD_TABLE_ID');
    assert.equal(ok(flowMod13('', '', { table: 255, command: 3 })).type, OfType.FLOW_MOD);
    assert.equal(err(flowMod13('', '', { command: 7 })), 'OFPFMFC_BAD_COMMAND');
    assert.equal(err(flowMod13('', '', { flags: 0x40 })), 'OFPFMFC_BAD_FLAGS');
  });
  test('OF1.0 emergency flows are refused as OVS does', () => {
    const b = flowMod10('');
    b[8 + 62 + 1] = 4; // OFPFF10_EMERG
    assert.equal(err(b), 'OFPFMFC_TABLE_FULL');
  });
  test('OF1.0 flow_mod_table_id puts the table in the command high byte', () => {
    const m = makeFlowModMsg({ match: newMatch(), command: 0, tableId: 3, actions: [{ type: T.OUTPUT, port: 1, maxLen: 0 }] });
    const b = encodeMessage(m, 1);
    assert.equal(err(b), 'OFPFMFC_BAD_COMMAND');
    const d = ok(b, { flowModTableId: true });
    assert.ok(d.type === OfType.FLOW_MOD && d.tableId === 3 && d.command === 0);
  });
});

describe('error replies', () => {
  test('reply carries the request, in its version, with its xid', () => {
    const req = hexToBytes('0414000c000000aa01020304');
    const rep = encodeErrorReply('OFPBRC_BAD_LEN', req);
    assert.deepEqual(Array.from(rep.subarray(0, 12)), [4, 1, 0, 24, 0, 0, 0, 0xaa, 0, 1, 0, 6]);
    assert.deepEqual(Array.from(rep.subarray(12)), Array.from(req));
  });
  test('Nicira errors: vendor form in OF1.0, experimenter form in OF1.3', () => {
    const r10 = encodeErrorReply('NXBRC_NXM_INVALID', hexToBytes('0112000800000001'));
    assert.equal(Buffer.from(r10.subarray(8, 20)).toString('hex'), 'b0c2000000002320' + '00010100');
    const r13 = encodeErrorReply('NXBRC_NXM_INVALID', hexToBytes('0414000800000001'));
    assert.equal(Buffer.from(r13.subarray(8, 16)).toString('hex'), 'ffff000200002320');
    const back = ok(r13);
    assert.ok(back.type === OfType.ERROR && back.error === 'NXBRC_NXM_INVALID');
  });
  test('an error the version cannot express becomes NXBRC_UNENCODABLE_ERROR', () => {
    const r = ok(encodeErrorReply('OFPMMFC_BAD_BAND', hexToBytes('0114000800000001')));
    assert.ok(r.type === OfType.ERROR && r.error === 'NXBRC_UNENCODABLE_ERROR');
  });
});

// --- never throws --------------------------------------------------------------------------------

function corpus(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of PRINT_CASES) {
    const b = hexToBytes(c.hex);
    if (c.error === null && !isDecodeError(decodeMessage(b))) out.push(b);
  }
  for (const v of [1, 4, 5, 6]) for (const m of fc.sample(arbMessage(v), { seed: 77 + v, numRuns: 60 })) out.push(encodeMessage(m, v));
  return out;
}

function checkNoThrow(b: Uint8Array, opts = {}): void {
  let r;
  try {
    r = decodeMessage(b, opts);
  } catch (e) {
    assert.fail(`decodeMessage threw on ${Buffer.from(b).toString('hex')}: ${String(e)}`);
  }
  if (isDecodeError(r)) {
    assert.ok(isOfperrName(r.error), r.error);
    assert.ok(!r.detail.startsWith('internal decoder error'), `${r.detail} on ${Buffer.from(b).toString('hex')}`);
    return;
  }
  // Whatever decodes must encode, and decode again.
  let again: Uint8Array;
  try {
    again = encodeMessage(r, b[0]!);
  } catch (e) {
    if (e instanceof RangeError) return; // e.g. a message that does not fit after normalization
    throw e;
  }
  const r2 = decodeMessage(again);
  assert.ok(!isDecodeError(r2), isDecodeError(r2) ? `re-decode ${r2.error} ${r2.detail} of ${Buffer.from(b).toString('hex')}` : '');
}

describe('robustness', () => {
  const messages = corpus();

  test('truncated at every offset, with and without a matching header length', () => {
    for (const b of messages) {
      for (let n = 0; n < b.length; n++) {
        const cut = b.slice(0, n);
        const r = decodeMessage(cut);
        assert.ok(isDecodeError(r) && r.error === 'OFPBRC_BAD_LEN');
        if (n >= 4) checkNoThrow(withLen(cut));
      }
    }
  });

  test('random bytes after a valid-looking header (seeded)', () => {
    fc.assert(fc.property(fc.constantFrom(1, 4, 5, 6), fc.integer({ min: 0, max: 40 }), fc.uint8Array({ maxLength: 200 }), (v, type, body) => {
      const b = withLen(concat(Uint8Array.of(v, type, 0, 0, 0, 0, 0, 1), body));
      checkNoThrow(b);
    }), { seed: 4242, numRuns: 20000 });
  });

  test('mutated valid messages: flipped, inserted and deleted bytes (seeded)', () => {
    fc.assert(fc.property(fc.constantFrom(...messages), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 4 }), (orig, muts) => {
      let b: Uint8Array = orig.slice();
      for (const [pos, val, kind] of muts) {
        const p = 4 + (pos % Math.max(1, b.length - 4)); // keep version and type; vary the rest
        if (kind === 0 && p < b.length) b[p] = val;
        else if (kind === 1) b = concat(b.subarray(0, p), Uint8Array.of(val), b.subarray(p));
        else if (p < b.length) b = concat(b.subarray(0, p), b.subarray(p + 1));
      }
      checkNoThrow(withLen(b));
      checkNoThrow(b);
    }), { seed: 4343, numRuns: 20000 });
  });
});

describe('framer', () => {
  const msgs = [
    encodeMessage({ type: OfType.HELLO, xid: 1, versions: [1, 4] }, 4),
    encodeMessage({ type: OfType.ECHO_REQUEST, xid: 2, data: new Uint8Array(3000).fill(7) }, 4),
    encodeMessage({ type: OfType.BARRIER_REQUEST, xid: 3 }, 4),
  ];
  const stream = concat(...msgs, ...msgs);

  test('messages come out whole and in order whatever the chunking (seeded)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 40 }), (cuts) => {
      const fr = new OfFramer();
      const got: Uint8Array[] = [];
      let at = 0;
      for (const c of [...cuts, stream.length]) {
        fr.push(stream.subarray(at, Math.min(stream.length, at + c)));
        at = Math.min(stream.length, at + c);
        for (let x = fr.next(); x !== null; x = fr.next()) {
          assert.ok(!isFramerError(x));
          got.push(x);
        }
        if (at >= stream.length) break;
      }
      assert.equal(got.length, 6);
      assert.deepEqual(got.map((g) => Buffer.from(g).toString('hex')), [...msgs, ...msgs].map((g) => Buffer.from(g).toString('hex')));
      assert.equal(fr.buffered, 0);
    }), { seed: 5151, numRuns: 300 });
  });

  test('a header shorter than 8 bytes fails the stream once', () => {
    const fr = new OfFramer();
    fr.push(concat(msgs[2]!, hexToBytes('0402000400000001')));
    assert.ok(!isFramerError(fr.next()));
    const e = fr.next();
    assert.ok(isFramerError(e) && e.error === 'OFPBRC_BAD_LEN');
    assert.equal(fr.next(), null);
    fr.push(msgs[0]!);
    assert.equal(fr.next(), null);
  });

  test('partial header waits for more bytes', () => {
    const fr = new OfFramer();
    fr.push(msgs[0]!.subarray(0, 5));
    assert.equal(fr.next(), null);
    fr.push(msgs[0]!.subarray(5));
    const m = fr.next();
    assert.ok(m instanceof Uint8Array && m.length === msgs[0]!.length);
  });
});

describe('set-field encoding across versions', () => {
  test('eth_src set-field: mod_dl_src in OF1.0, OXM set-field in OF1.3, masked set-field in OF1.5', () => {
    const f = MF_FIELDS[MFF.ETH_SRC]!;
    const m = newMatch();
    matchSetField(m, MF_FIELDS[MFF.ETH_TYPE]!, Uint8Array.of(8, 0), null);
    const act = { type: T.SET_FIELD, field: f, value: hexToBytes('001122334455'), mask: hexToBytes('ffffffffffff'), viaLoad: false } as const;
    const fm = makeFlowModMsg({ match: m, command: 0, actions: [act], tableId: 0 });
    const b10 = encodeMessage({ ...fm, nx: true }, 1);
    const d10 = ok(b10, { flowModTableId: true });
    assert.ok(d10.type === OfType.FLOW_MOD && d10.actions[0]!.type === T.SET_ETH_SRC);
    const d13 = ok(encodeMessage(fm, 4));
    assert.ok(d13.type === OfType.FLOW_MOD);
    assert.deepEqual(d13.actions, [act]);
  });
});
