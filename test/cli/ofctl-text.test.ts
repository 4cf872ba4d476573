/*
 * The pure text pieces of tsovs-ofctl: OVS's field-name abbreviation (print_names), the hex
 * dump and hex parser, raw message names, and group / meter syntax errors (OVS wording).
 * Known answers come from OVS's own output; the hex round trip is a property test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { abbreviateNames } from '../../src/cli/ofctl/print-table.js';
import { hexDump, parseHex, bitNames } from '../../src/cli/ofctl/text.js';
import { headerText, rawName } from '../../src/cli/ofctl/raw-name.js';
import { parseGroupMod, formatGroup, OFPGC } from '../../src/cli/ofctl/group-syntax.js';
import { parseMeterMod, formatMeterConfig, OFPMC } from '../../src/cli/ofctl/meter-syntax.js';
import { encodeMessage, OfType } from '../../src/openflow/codec/index.js';

test('field names abbreviate as OVS prints them', () => {
  assert.equal(
    abbreviateNames(['in_port', 'eth_src', 'eth_dst', 'eth_type', 'vlan_vid', 'vlan_pcp', 'ip_src', 'ip_dst', 'nw_proto', 'nw_tos', 'tcp_src', 'tcp_dst']),
    'in_port eth_{src,dst,type} vlan_{vid,pcp} ip_{src,dst} nw_{proto,tos} tcp_{src,dst}',
  );
  assert.equal(abbreviateNames(['reg0', 'reg1', 'reg2', 'reg3']), 'reg0...reg3');
  assert.equal(abbreviateNames(['reg0', 'reg1']), 'reg0 reg1');
  assert.equal(
    abbreviateNames(['tun_id', 'tun_src', 'tun_dst', 'tun_ipv6_src', 'tun_ipv6_dst', 'tun_flags', 'tun_gbp_id', 'tun_gbp_flags']),
    'tun_{id,src,dst,ipv6_{src,dst},flags,gbp_{id,flags}}',
  );
});

test('hex dump in OVS layout and hex parsing', () => {
  const b = Uint8Array.from([0x01, 0x0e, 0x00, 0x50, 0x41, 0x42, 0x7f, 0x20, 0xff, 0, 1, 2, 3, 4, 5, 6, 0x61]);
  assert.equal(
    hexDump(b),
    '00000000  01 0e 00 50 41 42 7f 20-ff 00 01 02 03 04 05 06 |...PAB. ........|\n' +
    '00000010  61                                              |a               |\n',
  );
  assert.equal(hexDump(Uint8Array.from([1, 2]), 0, false), '00000000  01 02\n');
  assert.deepEqual(parseHex('0a 0B.0c\n0d'), Uint8Array.from([10, 11, 12, 13]));
  assert.equal(parseHex('0a0'), null);
  assert.equal(parseHex('zz'), null);
  assert.equal(bitNames(0, () => null), '0');
  assert.equal(bitNames(0x105, (bit) => (bit === 1 ? 'A' : bit === 4 ? 'B' : null)), 'A B 0x100');
});

test('hex dumps read back to the same bytes (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), (bytes) => {
      const hex = hexDump(bytes, 0, false).split('\n').filter((l) => l).map((l) => l.slice(10).replace('-', ' ')).join(' ');
      assert.deepEqual(parseHex(hex), bytes);
    }),
    { seed: 4242, numRuns: 200 },
  );
});

test('raw message names in header lines', () => {
  assert.equal(headerText(encodeMessage({ type: OfType.FEATURES_REQUEST, xid: 2 }, 1)), 'OFPT_FEATURES_REQUEST (xid=0x2):');
  assert.equal(headerText(encodeMessage({ type: OfType.PORT_STATS_REQUEST, xid: 0x1f, flags: 0, portNo: 0xffff }, 4)), 'OFPST_PORT request (OF1.3) (xid=0x1f):');
  assert.equal(rawName(encodeMessage({ type: OfType.SET_FLOW_FORMAT, xid: 1, format: 2 }, 1)), 'NXT_SET_FLOW_FORMAT');
  assert.equal(rawName(Uint8Array.from([1, 99, 0, 8, 0, 0, 0, 0])), null);
});

test('group syntax: parse, format back, and OVS errors', () => {
  const g = parseGroupMod('group_id=7,type=select,bucket=weight:5,watch_port:2,actions=output:1,bucket=output:3', OFPGC.ADD);
  assert.ok(g.ok);
  assert.equal(formatGroup(g.value.msg.groupId, g.value.msg.groupType, g.value.msg.buckets, 4, false), 'group_id=7,type=select,bucket=weight:5,watch_port:2,actions=output:1,bucket=actions=output:3');
  assert.equal(formatGroup(7, 1, g.value.msg.buckets.slice(1), 6, false), 'group_id=7,type=select,bucket=bucket_id:1,actions=output:3');
  const errors: Array<[string, number | 'auto', string]> = [
    ['type=all', OFPGC.ADD, 'must specify a group_id'],
    ['group_id=1', OFPGC.ADD, 'must specify a type'],
    ['group_id=1,type=frob', OFPGC.ADD, 'invalid group type frob'],
    ['group_id=1,type=all,bucket=weight:2,actions=drop', OFPGC.ADD, 'Only select groups can have bucket weights.'],
    ['group_id=1,type=ff,bucket=actions=drop', OFPGC.ADD, 'fast failover bucket requires watch_port or watch_group'],
    ['group_id=1,type=indirect,bucket=output:1,bucket=output:2', OFPGC.ADD, 'Indirect groups can have at most one bucket.'],
    ['group_id=1,bucket=output:1', OFPGC.DELETE, 'bucket is not needed'],
    ['group_id=1,type=all,frob=2', OFPGC.ADD, 'unknown keyword frob'],
    ['group_id=1', OFPGC.INSERT_BUCKET, 'must specify a command bucket id'],
  ];
  for (const [text, cmd, error] of errors) assert.deepEqual(parseGroupMod(text, cmd), { ok: false, error }, text);
  const del = parseGroupMod('', OFPGC.DELETE);
  assert.ok(del.ok && del.value.msg.groupId === 0xfffffffc);
  const auto = parseGroupMod('modify group_id=3,type=all', 'auto');
  assert.ok(auto.ok && auto.value.msg.command === OFPGC.MODIFY);
});

test('meter syntax: parse, format back, and OVS errors', () => {
  const m = parseMeterMod('meter=3,kbps,burst,band=type=drop,rate=100,burst_size=10,type=dscp_remark,rate=200,burst_size=5,prec_level=2', OFPMC.ADD);
  assert.ok(m.ok);
  assert.equal(formatMeterConfig(m.value), 'meter=3 kbps burst bands=\ntype=drop rate=100 burst_size=10\ntype=dscp_remark rate=200 burst_size=5 prec_level=2\n');
  const errors: Array<[string, number, string]> = [
    ['meter=1,kbps', OFPMC.ADD, 'must specify bands'],
    ['kbps,band=type=drop,rate=1', OFPMC.ADD, "must specify 'meter'"],
    ['meter=1,band=type=drop,rate=1', OFPMC.ADD, "meter must specify either 'kbps' or 'pktps'"],
    ['meter=0,kbps,band=type=drop,rate=1', OFPMC.ADD, 'invalid value for meter'],
    ['meter=1,kbps,band=rate=1', OFPMC.ADD, "band must start with the 'type' keyword"],
    ['meter=1,kbps,band=type=drop', OFPMC.ADD, "band must have 'rate'"],
    ['meter=1,kbps,band=type=drop,rate=1,burst_size=2', OFPMC.ADD, "band may have 'burst_size' only when 'burst' flag is set"],
    ['meter=1,kbps,band=type=frob,rate=1', OFPMC.ADD, 'field type unknown value frob'],
    ['meter=1,frob=2', OFPMC.DELETE, 'unknown keyword frob'],
  ];
  for (const [text, cmd, error] of errors) assert.deepEqual(parseMeterMod(text, cmd), { ok: false, error }, text);
  const all = parseMeterMod('meter=all', -1);
  assert.ok(all.ok && all.value.meterId === 0xffffffff);
});
