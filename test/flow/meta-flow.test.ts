/*
 * The field table: names and aliases, NXM/OXM names, value access through the FlowKey
 * layout, value text forms, subfield syntax, and OVS's special match rules for VLAN fields.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FLOW_WORDS, W_ETH_HI, W_ETH_SRC, W_IN_PORT, W_TP, W_TUN_MISC, W_VLAN0 } from '../../src/flow/layout.js';
import {
  MF_FIELDS,
  MFF,
  mfFromName,
  mfFromNxmName,
  mfGetValue,
  mfPutValue,
  mfSubfieldName,
} from '../../src/flow/meta-flow.js';
import { mfFormat, mfParse, mfParseValue } from '../../src/flow/mf-value.js';
import { formatIpv6 } from '../../src/packet/addr.js';
import { formatSubfield, parseSubfield } from '../../src/flow/mf-subfield.js';
import { matchGetField, matchSetField, newMatch } from '../../src/flow/match.js';
import { formatMatch } from '../../src/flow/match-format.js';
import { parseOfpPort, formatOfpPort, OFPP_LOCAL, OFPP_NONE, portMapFrom } from '../../src/flow/ofp-port.js';

test('names, aliases and NXM names resolve to the same field', () => {
  const pairs: Array<[string, string]> = [
    ['dl_src', 'eth_src'], ['dl_dst', 'eth_dst'], ['dl_type', 'eth_type'], ['nw_src', 'ip_src'],
    ['nw_dst', 'ip_dst'], ['tp_src', 'tcp_src'], ['tp_dst', 'tcp_dst'], ['ip_proto', 'nw_proto'],
    ['nw_frag', 'ip_frag'], ['ip_ecn', 'nw_ecn'], ['tunnel_id', 'tun_id'],
  ];
  for (const [alias, name] of pairs) assert.equal(mfFromName(alias), mfFromName(name), alias);
  assert.equal(mfFromNxmName('NXM_OF_ETH_SRC'), mfFromName('eth_src'));
  assert.equal(mfFromNxmName('OXM_OF_ETH_SRC'), mfFromName('eth_src'));
  assert.equal(mfFromNxmName('NXM_NX_REG7'), mfFromName('reg7'));
  assert.equal(mfFromNxmName('OXM_OF_PKT_REG3'), mfFromName('xreg3'));
  assert.equal(mfFromNxmName('NXM_NX_XXREG1'), mfFromName('xxreg1'));
  assert.equal(mfFromName('nw_dsst'), null);
  // Names OVS prints in subfields (checked against ovs-ofctl's output for move actions).
  const printed: Array<[string, string]> = [
    ['eth_src', 'NXM_OF_ETH_SRC'], ['tun_id', 'NXM_NX_TUN_ID'], ['metadata', 'OXM_OF_METADATA'],
    ['in_port', 'NXM_OF_IN_PORT'], ['in_port_oxm', 'OXM_OF_IN_PORT'], ['vlan_vid', 'OXM_OF_VLAN_VID'],
    ['vlan_tci', 'NXM_OF_VLAN_TCI'], ['mpls_label', 'OXM_OF_MPLS_LABEL'], ['mpls_ttl', 'NXM_NX_MPLS_TTL'],
    ['xreg0', 'OXM_OF_PKT_REG0'], ['xxreg0', 'NXM_NX_XXREG0'], ['tcp_flags', 'NXM_NX_TCP_FLAGS'],
    ['actset_output', 'ONFOXM_ET_ACTSET_OUTPUT'], ['ip_dscp', 'OXM_OF_IP_DSCP'], ['nw_tos', 'NXM_OF_IP_TOS'],
    ['sctp_src', 'OXM_OF_SCTP_SRC'], ['tun_src', 'NXM_NX_TUN_IPV4_SRC'], ['nd_sll', 'NXM_NX_ND_SLL'],
    ['dl_vlan', 'dl_vlan'],
  ];
  for (const [name, nxm] of printed) assert.equal(mfSubfieldName(mfFromName(name)!), nxm, name);
});

test('the table is consistent', () => {
  const names = new Set<string>();
  for (const f of MF_FIELDS) {
    assert.equal(MF_FIELDS[f.id], f);
    for (const n of [f.name, f.extraName]) {
      if (n === null) continue;
      assert.ok(!names.has(n), `duplicate name ${n}`);
      names.add(n);
    }
    assert.ok(f.nBits <= f.nBytes * 8, f.name);
    for (const s of f.segments) {
      assert.ok(s.word >= 0 && s.word < FLOW_WORDS && s.shift + s.bits <= 32, f.name);
    }
  }
  assert.equal(MF_FIELDS.filter((f) => /^reg\d+$/.test(f.name)).length, 16);
  assert.equal(MF_FIELDS.filter((f) => /^xreg\d+$/.test(f.name)).length, 8);
  assert.equal(MF_FIELDS.filter((f) => /^xxreg\d+$/.test(f.name)).length, 4);
});

test('field values live where the layout says', () => {
  const key = new Uint32Array(FLOW_WORDS);
  mfPutValue(MF_FIELDS[MFF.ETH_SRC]!, key, new Uint8Array([0x00, 0x11, 0x22, 0x33, 0x44, 0x55]));
  assert.equal(key[W_ETH_HI], 0x0011);
  assert.equal(key[W_ETH_SRC], 0x22334455);
  mfPutValue(MF_FIELDS[MFF.ICMPV4_TYPE]!, key, new Uint8Array([8]));
  assert.equal(key[W_TP]! >>> 16, 8);
  mfPutValue(MF_FIELDS[MFF.TUN_FLAGS]!, key, new Uint8Array([0, 1]));
  assert.equal(key[W_TUN_MISC], 0x8, 'OAM is TUN_FLAG_OAM in the layout');
  mfPutValue(MF_FIELDS[MFF.IN_PORT_OXM]!, key, new Uint8Array([0xff, 0xff, 0xff, 0xfe]));
  assert.equal(key[W_IN_PORT], OFPP_LOCAL);
  assert.deepEqual([...mfGetValue(MF_FIELDS[MFF.IN_PORT]!, key)], [0xff, 0xfe]);
  assert.deepEqual([...mfGetValue(MF_FIELDS[MFF.IN_PORT_OXM]!, key)], [0xff, 0xff, 0xff, 0xfe]);
  // nw_tos holds the DSCP bits in place; ip_dscp the same bits shifted down.
  mfPutValue(MF_FIELDS[MFF.IP_DSCP]!, key, new Uint8Array([0xb8]));
  assert.deepEqual([...mfGetValue(MF_FIELDS[MFF.IP_DSCP_SHIFTED]!, key)], [0x2e]);
});

test('every field value survives put/get (seeded)', () => {
  fc.assert(
    fc.property(fc.constantFrom(...MF_FIELDS), fc.uint8Array({ minLength: 16, maxLength: 16 }), (f, raw) => {
      const key = new Uint32Array(FLOW_WORDS);
      const v = raw.slice(16 - f.nBytes);
      mfPutValue(f, key, v);
      const back = mfGetValue(f, key);
      // Bits the storage does not hold read back as zero; others are unchanged.
      mfPutValue(f, key, back);
      assert.deepEqual(mfGetValue(f, key), back);
      const key2 = new Uint32Array(FLOW_WORDS);
      mfPutValue(f, key2, back);
      assert.deepEqual(key2, key);
    }),
    { seed: 42, numRuns: 500 },
  );
});

test('value text forms', () => {
  const f = (n: string) => mfFromName(n)!;
  const fmt = (n: string, s: string): string => {
    const r = mfParse(f(n), s);
    return r.ok ? mfFormat(f(n), r.value.value, r.value.mask) : 'ERR ' + r.error;
  };
  assert.equal(fmt('reg0', '5'), '0x5');
  assert.equal(fmt('reg0', '0x5/0xf'), '0x5/0xf');
  assert.equal(fmt('reg0', '0'), '0');
  assert.equal(fmt('tcp_src', '0x50'), '80');
  assert.equal(fmt('tcp_src', '010'), '8');
  assert.equal(fmt('tun_id', '-1'), '0xffffffffffffffff');
  assert.equal(fmt('tcp_src', '-1'), 'ERR -1: value too large for 2-byte field tcp_src');
  assert.equal(fmt('ct_label', '0x1'), '0x1');
  assert.equal(fmt('xxreg0', '0x 12 34'), '0x1234');
  assert.equal(fmt('eth_src', '0:1:2:3:4:5'), '00:01:02:03:04:05');
  assert.equal(fmt('ip_src', '10.0.0.0/255.255.255.0'), '10.0.0.0/24');
  assert.equal(fmt('ip_src', '10.0.0.1/255.0.255.0'), '10.0.0.1/255.0.255.0');
  assert.equal(fmt('ipv6_src', '2001:db8::/ffff:ffff::'), '2001:db8::/32');
  assert.equal(fmt('in_port', 'local'), 'LOCAL');
  assert.equal(fmt('in_port', '*'), 'ANY');
  assert.equal(fmt('nw_frag', 'FIRST'), 'first');
  assert.equal(fmt('tcp_flags', '+syn-ack'), '+syn-ack');
  assert.equal(fmt('tcp_flags', 'syn|ack'), 'syn|ack');
  assert.equal(fmt('tcp_flags', '0x12'), 'syn|ack');
  assert.equal(fmt('tun_flags', 'oam'), 'oam');
  assert.equal(fmt('ct_state', '+trk'), '+trk');
  const pv = mfParseValue(f('reg0'), '1/1');
  assert.deepEqual(pv, { ok: false, error: '1/1: wildcards not allowed here' });
  assert.equal(formatIpv6([0, 0, 0, 0x5a700055]), '::90.112.0.85');
  assert.equal(formatIpv6([0, 0, 0xffff, 0x01020304]), '::ffff:1.2.3.4');
  assert.equal(formatIpv6([0, 0, 0, 1]), '::1');
  assert.equal(formatIpv6([0x20010db8, 0, 1, 0]), '2001:db8::1:0:0');
});

test('subfield syntax', () => {
  const cases: Array<[string, string]> = [
    ['NXM_NX_REG0[0..15]', 'NXM_NX_REG0[0..15]'],
    ['reg0[]', 'NXM_NX_REG0[]'],
    ['reg0', 'NXM_NX_REG0[]'],
    ['reg1[5]', 'NXM_NX_REG1[5]'],
    ['NXM_OF_ETH_SRC_W[0..7]', 'NXM_OF_ETH_SRC[0..7]'],
    ['eth_dst[40..47]', 'NXM_OF_ETH_DST[40..47]'],
    ['metadata[0..63]', 'OXM_OF_METADATA[]'],
    ['ct_label[32..95]', 'NXM_NX_CT_LABEL[32..95]'],
  ];
  for (const [s, want] of cases) {
    const r = parseSubfield(s);
    assert.ok(r.ok, s);
    assert.equal(formatSubfield(r.sf), want);
  }
  assert.deepEqual(parseSubfield('reg0[0..3]x'), { ok: false, error: 'unexpected input following field syntax' });
  assert.deepEqual(parseSubfield('foo[1]'), { ok: false, error: "foo[1]: unknown field `foo'" });
});

test('VLAN fields follow OVS match rules', () => {
  const m = newMatch();
  const dlVlan = mfFromName('dl_vlan')!;
  const pcp = mfFromName('dl_vlan_pcp')!;
  matchSetField(m, dlVlan, new Uint8Array([0, 9]), null);
  assert.equal(m.key[W_VLAN0]! & 0xffff, 0x1009);
  assert.equal(m.mask[W_VLAN0]! & 0xffff, 0x1fff);
  matchSetField(m, pcp, new Uint8Array([3]), null);
  assert.equal(formatMatch(m), 'dl_vlan=9,dl_vlan_pcp=3');
  // Wildcarding the VID keeps the PCP match.
  matchSetField(m, dlVlan, new Uint8Array(2), new Uint8Array(2));
  assert.equal(formatMatch(m), 'dl_vlan_pcp=3');
  matchSetField(m, pcp, new Uint8Array(1), new Uint8Array(1));
  assert.equal(formatMatch(m), '');
  matchSetField(m, dlVlan, new Uint8Array([0xff, 0xff]), null);
  assert.equal(formatMatch(m), 'vlan_tci=0x0000');
  assert.deepEqual([...matchGetField(m, mfFromName('vlan_tci')!).mask], [0xff, 0xff]);
});

test('ports and their names', () => {
  const map = portMapFrom([['eth0', 1], ['my port', 2]]);
  assert.equal(parseOfpPort('LOCAL'), OFPP_LOCAL);
  assert.equal(parseOfpPort('none'), OFPP_NONE);
  assert.equal(parseOfpPort('4294967294'), OFPP_LOCAL);
  assert.equal(parseOfpPort('4294967000'), null);
  assert.equal(parseOfpPort('eth0', map), 1);
  assert.equal(parseOfpPort('"my port"', map), 2);
  assert.equal(parseOfpPort('eth1', map), null);
  assert.equal(formatOfpPort(2, map), '"my port"');
  assert.equal(formatOfpPort(1, map), 'eth0');
  assert.equal(formatOfpPort(0xfffd), 'CONTROLLER');
});

test('flow writes: VLAN side effects, subfield read/write/move, wildcard marking', async () => {
  const { mfSetFlowValue, mfReadSubfield, mfWriteSubfield, mfCopySubfield, mfSetFlowValueMasked, mfMaskSubfield } = await import('../../src/flow/mf-flow.js');
  const key = new Uint32Array(FLOW_WORDS);
  mfSetFlowValue(mfFromName('dl_vlan')!, key, new Uint8Array([0, 10]));
  assert.equal(key[W_VLAN0], 0x8100100a, 'CFI set and 802.1Q TPID filled in');
  mfSetFlowValue(mfFromName('dl_vlan_pcp')!, key, new Uint8Array([5]));
  assert.equal(key[W_VLAN0]! & 0xffff, 0xb00a);
  const reg0 = { field: mfFromName('reg0')!, ofs: 0, nBits: 32 };
  const reg1hi = { field: mfFromName('reg1')!, ofs: 16, nBits: 16 };
  mfWriteSubfield(reg0, key, new Uint8Array([0x12, 0x34, 0x56, 0x78]));
  mfCopySubfield({ field: reg0.field, ofs: 0, nBits: 16 }, reg1hi, key);
  assert.deepEqual([...mfReadSubfield(reg1hi, key)], [0, 0, 0x56, 0x78]);
  assert.deepEqual([...mfGetValue(mfFromName('reg1')!, key)], [0x56, 0x78, 0, 0]);
  const ethSrc = mfFromName('eth_src')!;
  mfSetFlowValueMasked(ethSrc, key, new Uint8Array([0xaa, 0xbb, 0, 0, 0, 0xff]), new Uint8Array([0xff, 0xff, 0, 0, 0, 0x0f]));
  assert.deepEqual([...mfGetValue(ethSrc, key)], [0xaa, 0xbb, 0, 0, 0, 0x0f]);
  const wc = new Uint32Array(FLOW_WORDS);
  mfMaskSubfield({ field: ethSrc, ofs: 40, nBits: 8 }, wc);
  assert.equal(wc[W_ETH_HI], 0x0000ff00);
  assert.equal(wc[W_ETH_SRC], 0);
  mfSetFlowValue(mfFromName('icmp_type')!, key, new Uint8Array([3]));
  assert.equal(key[W_TP]! >>> 16, 3);
});
