/*
 * The decoded flow-mod is the switch's request as it is (one form, OVS ofputil_flow_mod):
 * only a named packet buffer is taken off, since buffers belong to the connection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newMatch } from '../../src/flow/match.js';
import { decodeMessage, encodeMessage, isDecodeError, makeFlowModMsg, OfType } from '../../src/openflow/codec/index.js';
import { switchFlowMod } from '../../src/openflow/conn/ofp-mods.js';
import { NO_BUFFER } from '../../src/openflow/conn/pktbuf.js';
import { OFPFC, parseFlowMod } from '../../src/openflow/flow-syntax/flow-mod.js';

test('an unbuffered flow-mod goes to the switch as decoded, without a copy', () => {
  const m = makeFlowModMsg({ command: OFPFC.ADD, priority: 9 });
  assert.equal(switchFlowMod(m), m);
});

test('a buffered flow-mod reaches the switch without its buffer; the message keeps it', () => {
  const m = makeFlowModMsg({ command: OFPFC.ADD, bufferId: 7, priority: 9 });
  const fm = switchFlowMod(m);
  assert.equal(fm.bufferId, NO_BUFFER);
  assert.equal(m.bufferId, 7);
  assert.equal(fm.match, m.match);
  assert.equal(fm.actions, m.actions);
  assert.equal(fm.priority, 9);
});

test('a parsed flow-mod encodes as a message by adding the header, and decodes to the same fields', () => {
  const p = parseFlowMod('table=1,priority=7,cookie=0x5,idle_timeout=3,send_flow_rem,tcp,tp_dst=80,actions=output:2', OFPFC.ADD);
  assert.ok(p.ok);
  const d = decodeMessage(encodeMessage({ type: OfType.FLOW_MOD, xid: 3, nx: false, ...p.value }, 4));
  assert.ok(!isDecodeError(d) && d.type === OfType.FLOW_MOD);
  const { type, xid, nx, ...fields } = d;
  assert.deepEqual([type, xid, nx], [OfType.FLOW_MOD, 3, false]);
  // OpenFlow 1.1+ has no modify_cookie on the wire: decoded as false, as OVS does.
  assert.deepEqual(fields, { ...p.value, match: fields.match, modifyCookie: false });
  assert.deepEqual(Array.from(fields.match.mask), Array.from(p.value.match.mask));
});

test('makeFlowModMsg defaults are ovs-ofctl\'s: a delete names no new cookie (0), all tables, no filters', () => {
  const m = makeFlowModMsg({ command: OFPFC.DELETE, match: newMatch() });
  assert.equal(m.newCookie, 0n);
  assert.equal(m.tableId, 0xff);
  assert.equal(m.outPort, 0xffff);
  assert.equal(m.outGroup, 0xffffffff);
  assert.equal(m.bufferId, NO_BUFFER);
});
