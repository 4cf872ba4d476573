/*
 * The selection-method group property in the OpenFlow codec: Open vSwitch's test messages
 * (tests/ofp-print.at) decode to the properties and text ovs-ofctl prints and re-encode to
 * the bytes OVS itself writes (the current Netronome id, fields in field order, NXM headers in
 * OpenFlow 1.0); malformed properties fail with OVS's errors; random properties survive a
 * round trip in OpenFlow 1.0 and 1.5 and are left out in 1.3, as OVS leaves them out.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatGroupDescs, formatGroupMod } from '../../src/cli/ofctl/group-syntax.js';
import { MF_FIELDS, type MfField } from '../../src/flow/meta-flow.js';
import { hasCode } from '../../src/openflow/codec/match-oxm.js';
import {
  decodeMessage,
  encodeMessage,
  isDecodeError,
  isSelectionMaskValid,
  OfType,
  type GroupModMsg,
  type GroupProps,
  type OfMessage,
} from '../../src/openflow/codec/index.js';
import { OfpactType } from '../../src/ofproto/ofp-actions.js';
import { PRINT_CASES } from './codec-fixtures.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

function find(title: string): string {
  const c = PRINT_CASES.find((x) => x.title === title);
  assert.ok(c, title);
  return c.hex;
}

function decodeOk(b: Uint8Array): OfMessage {
  const r = decodeMessage(b);
  assert.ok(!isDecodeError(r), isDecodeError(r) ? `${r.error}: ${r.detail}` : '');
  return r;
}

const BUCKETS = 'bucket=bucket_id:0,weight:100,watch_port:1,actions=output:1,bucket=bucket_id:1,weight:200,watch_port:2,actions=output:2,bucket=bucket_id:2,weight:200,watch_port:3,actions=output:3';

describe('ofp-print.at messages with the property', () => {
  test('group-mods (OF1.0 NXT_GROUP_MOD, OF1.5): hash with parameter 7; OVS writes id 0x154d', () => {
    for (const title of ['NXT_GROUP_MOD add - OF1.0', 'OFPT_GROUP_MOD add - OF1.5']) {
      const input = find(title);
      const m = decodeOk(bytes(input));
      assert.equal(m.type, OfType.GROUP_MOD);
      if (m.type !== OfType.GROUP_MOD) return;
      assert.deepEqual(m.props, { selectionMethod: 'hash', selectionMethodParam: 7n, fields: [] });
      const v = bytes(input)[0]!;
      assert.equal(formatGroupMod(m, v), `\n ADD group_id=2271560481,type=select,selection_method=hash,selection_method_param=7,${BUCKETS}`);
      // The input uses NTR_COMPAT_VENDOR_ID (OVS 2.4's wrong id): OVS reads it and writes the right one.
      assert.equal(hex(encodeMessage(m, v)), input.replace('ffff00280000154000000001', 'ffff00280000154d00000001'));
    }
  });

  test('group descriptions (OF1.0, OF1.5): hash over masked ip_dst, nw_proto, tcp_src', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      // OpenFlow 1.0 takes the NXM headers (NXM_OF_IP_DST, NXM_OF_IP_PROTO, NXM_OF_TCP_SRC), as ovs-vswitchd sends them.
      ['NXST_GROUP_DESC reply - OF1.0', '00001004ffffff00 00000c01ff 00001202ffff'],
      ['OFPST_GROUP_DESC reply - OF1.5', '80001804ffffff00 80001401ff 80001a02ffff'],
    ];
    for (const [title, fields] of cases) {
      const input = find(title);
      const m = decodeOk(bytes(input));
      assert.equal(m.type, OfType.GROUP_DESC_STATS_REPLY);
      if (m.type !== OfType.GROUP_DESC_STATS_REPLY) return;
      const p = m.entries[0]!.props!;
      assert.equal(p.selectionMethod, 'hash');
      assert.deepEqual(p.fields.map((x) => [x.field.name, hex(x.mask)]), [['ip_dst', 'ffffff00'], ['nw_proto', 'ff'], ['tcp_src', 'ffff']]);
      const v = bytes(input)[0]!;
      assert.equal(formatGroupDescs(m.entries, v), `\n group_id=8192,type=select,selection_method=hash,fields(ip_dst=255.255.255.0,nw_proto,tcp_src),${BUCKETS}`);
      const at = input.indexOf('ffff003b00001540');
      const expected = input.slice(0, at) + 'ffff003b0000154d' + input.slice(at + 16, at + 80) + fields.replace(/ /g, '') + '0000000000';
      assert.equal(hex(encodeMessage(m, v)), expected);
    }
  });
});

/** An OF1.5 select group-mod with one bucket and `props` (raw property bytes) after it. */
function groupMod15(props: string, o: { type?: number; command?: number } = {}): Uint8Array {
  const base: GroupModMsg = {
    type: OfType.GROUP_MOD, xid: 1, command: o.command ?? 0, groupType: o.type ?? 1, groupId: 1, commandBucketId: 0xffffffff,
    buckets: [{ bucketId: 0, weight: o.type === undefined || o.type === 1 ? 1 : 0, watchPort: 0xffff, watchGroup: 0xffffffff, actions: [{ type: OfpactType.OUTPUT, port: 1, maxLen: 0 }] }],
  };
  const b = Buffer.concat([Buffer.from(encodeMessage(base, 6)), Buffer.from(props.replace(/\s+/g, ''), 'hex')]);
  b.writeUInt16BE(b.length, 2);
  return new Uint8Array(b);
}

/** The selection-method property: method name, parameter, OXM field bytes; padded to 8. */
function ntrProp(method: string, fieldsHex = '', o: { vendor?: number; expType?: number; param?: bigint } = {}): string {
  const name = Buffer.alloc(16);
  name.write(method.slice(0, 16), 'latin1');
  const fields = Buffer.from(fieldsHex.replace(/\s+/g, ''), 'hex');
  const head = Buffer.alloc(16);
  head.writeUInt16BE(0xffff, 0);
  head.writeUInt16BE(40 + fields.length, 2);
  head.writeUInt32BE(o.vendor ?? 0x154d, 4);
  head.writeUInt32BE(o.expType ?? 1, 8);
  const param = Buffer.alloc(8);
  param.writeBigUInt64BE(o.param ?? 0n);
  const all = Buffer.concat([head, name, param, fields]);
  return all.toString('hex') + '00'.repeat((8 - (all.length % 8)) % 8);
}

describe('malformed properties: OVS errors', () => {
  const cases: ReadonlyArray<readonly [string, Uint8Array, string]> = [
    ['a method on an all group', groupMod15(ntrProp('hash'), { type: 0 }), 'OFPBPC_BAD_VALUE'],
    ['a method on a fast-failover group', groupMod15(ntrProp('hash'), { type: 3 }), 'OFPBPC_BAD_VALUE'],
    ['a method in a delete', groupMod15(ntrProp('hash'), { command: 2 }), 'OFPBPC_BAD_VALUE'],
    ['an unknown method', groupMod15(ntrProp('foo')), 'OFPBPC_BAD_VALUE'],
    ['a method name without its NUL', groupMod15(ntrProp('abcdefghijklmnop')), 'OFPBPC_BAD_VALUE'],
    ['dp_hash with fields', groupMod15(ntrProp('dp_hash', '80001604ffffffff')), 'OFPBPC_BAD_VALUE'],
    ['a property shorter than 40 bytes', groupMod15('ffff00200000154d00000001' + '00'.repeat(20)), 'OFPBPC_BAD_LEN'],
    ['a masked OXM in the field list', groupMod15(ntrProp('hash', '80001708ffffffffffffffff')), 'OFPBMC_BAD_MASK'],
    ['a masked OXM with value bits outside its mask', groupMod15(ntrProp('hash', '80001708ffffffff0000ffff')), 'OFPBMC_BAD_WILDCARDS'],
    ['an unknown field', groupMod15(ntrProp('hash', '80007e04ffffffff')), 'OFPBMC_BAD_FIELD'],
    ['a field twice', groupMod15(ntrProp('hash', '80001604ffffffff80001604ffffff00')), 'OFPBMC_DUP_FIELD'],
    ['a partial mask on a field that cannot be masked', groupMod15(ntrProp('hash', '80001401f0')), 'OFPBMC_BAD_MASK'],
    ['a truncated OXM', groupMod15(ntrProp('hash', '80001604ffff')), 'OFPBMC_BAD_LEN'],
    ['another experimenter type', groupMod15(ntrProp('hash', '', { expType: 2 })), 'OFPBPC_BAD_EXP_TYPE'],
    ['a standard property type', groupMod15('0001000800000000'), 'OFPBPC_BAD_TYPE'],
  ];
  for (const [what, msg, error] of cases) {
    test(what, () => {
      const r = decodeMessage(msg);
      assert.ok(isDecodeError(r), `decoded: ${hex(msg)}`);
      assert.equal(r.error, error, r.detail);
    });
  }

  test('the old id 0x1540 is read; an all-zero mask on an unmaskable field is allowed on the wire', () => {
    const m = decodeOk(groupMod15(ntrProp('hash', '8000140100', { vendor: 0x1540, param: 5n })));
    assert.ok(m.type === OfType.GROUP_MOD && m.props);
    assert.equal(m.props.selectionMethodParam, 5n);
    assert.deepEqual(m.props.fields.map((x) => [x.field.name, hex(x.mask)]), [['nw_proto', '00']]);
  });
});

/** Fields a property can name: those with a code point in both NXM (OF1.0) and OXM. */
const FIELDS: readonly MfField[] = MF_FIELDS.filter((f) => hasCode(f) && !/^tun_/.test(f.name));

const arbProps: fc.Arbitrary<GroupProps> = fc.oneof(
  fc.record({
    selectionMethod: fc.constant('hash'),
    selectionMethodParam: fc.bigInt(0n, (1n << 64n) - 1n),
    fields: fc.uniqueArray(fc.integer({ min: 0, max: FIELDS.length - 1 }), { maxLength: 5 }).chain((ix) =>
      fc.tuple(...ix.map((i) => {
        const f = FIELDS[i]!;
        return fc.uint8Array({ minLength: f.nBytes, maxLength: f.nBytes }).map((mask) => ({ field: f, mask: isSelectionMaskValid(f, mask) ? mask : new Uint8Array(f.nBytes).fill(0xff) }));
      }))).map((fs) => [...fs].sort((a, b) => a.field.id - b.field.id)),
  }),
  fc.record({ selectionMethod: fc.constant('dp_hash'), selectionMethodParam: fc.bigInt(0n, (1n << 64n) - 1n), fields: fc.constant([]) }),
).map((p) => ({ ...p, fields: [...p.fields] })); // plain objects (fc.record may make null-prototype ones)

describe('round trips (seeded)', () => {
  for (const v of [1, 6]) {
    test(`OpenFlow ${v === 1 ? '1.0' : '1.5'}: group-mods and group descriptions keep their properties`, () => {
      fc.assert(fc.property(arbProps, fc.constantFrom(0, 1, 0x8000), (props, command) => {
        const gm: GroupModMsg = {
          type: OfType.GROUP_MOD, xid: 3, command, groupType: 1, groupId: 5, commandBucketId: 0xffffffff,
          buckets: [{ bucketId: 0, weight: 1, watchPort: 0xffff, watchGroup: 0xffffffff, actions: [] }], props,
        };
        const b = encodeMessage(gm, v);
        const back = decodeOk(b);
        assert.ok(back.type === OfType.GROUP_MOD);
        assert.deepEqual(back.props, props);
        assert.equal(hex(encodeMessage(back, v)), hex(b));
        const desc = decodeOk(encodeMessage({ type: OfType.GROUP_DESC_STATS_REPLY, xid: 4, flags: 0, entries: [{ groupType: 1, groupId: 5, buckets: gm.buckets, props }, { groupType: 0, groupId: 6, buckets: [] }] }, v));
        assert.ok(desc.type === OfType.GROUP_DESC_STATS_REPLY);
        assert.deepEqual(desc.entries.map((e) => e.props), [props, undefined]);
      }), { seed: 4711 + v, numRuns: 300 });
    });
  }

  test('OpenFlow 1.3 and 1.4 have no property: it is left out, as OVS leaves it out', () => {
    for (const v of [4, 5]) {
      const m = decodeOk(encodeMessage({
        type: OfType.GROUP_MOD, xid: 3, command: 0, groupType: 1, groupId: 5, commandBucketId: 0xffffffff,
        buckets: [{ bucketId: 0, weight: 1, watchPort: 0xffff, watchGroup: 0xffffffff, actions: [] }],
        props: { selectionMethod: 'hash', selectionMethodParam: 1n, fields: [] },
      }, v));
      assert.ok(m.type === OfType.GROUP_MOD && m.props === undefined);
    }
  });
});
