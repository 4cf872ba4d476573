/*
 * Freezing and thawing (recirculation): an MPLS pop followed by L3 actions recirculates,
 * and the recirculated packet resumes with the rest of the pipeline (metadata, registers,
 * action set, nested resubmits); paused controller actions give continuations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DpActionType } from '../../src/datapath/actions.js';
import { W_ETH_TYPE, W_MPLS0, W_NW, W_RECIRC_ID, W_REG0 } from '../../src/flow/layout.js';
import { formatActions } from '../../src/openflow/flow-syntax/actions-format.js';
import { formatXlateActions, traceText } from '../../src/ofproto/trace.js';
import { decodeControllerUserdata } from '../../src/ofproto/xlate/userdata.js';
import { xlate } from '../../src/ofproto/xlate/xlate.js';
import { FakeBridge, flowFrom } from './xlate-fake-bridge.js';

const MPLS_PKT = 'in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,mpls,mpls_label=100,mpls_ttl=64,mpls_bos=1';

/** The packet after the datapath popped the label: an IPv4 packet with recirc_id set. */
function afterPop(id: number): Uint32Array {
  const f = flowFrom('in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64,udp_src=1,udp_dst=2');
  f[W_RECIRC_ID] = id;
  return f;
}

function run(br: FakeBridge, flow: Uint32Array) {
  const r = xlate(br, flow, { sideEffects: true, now: 0, ofInPort: true });
  return { ...r, text: formatXlateActions(r.actions) };
}

test('MPLS pop then an L3 action recirculates; the thawed pass runs the rest', () => {
  const br = new FakeBridge();
  br.addFlow('table=0,priority=10,in_port=1,mpls,actions=load:0x7->NXM_NX_REG0[],pop_mpls:0x0800,mod_nw_dst:10.9.9.9,output:2');
  const r1 = run(br, flowFrom(MPLS_PKT));
  assert.equal(r1.text, 'pop_mpls(eth_type=0x800),recirc(0x1)');
  const r2 = run(br, afterPop(1));
  assert.equal(r2.text, 'set(ipv4(dst=10.9.9.9)),2');
  assert.equal(r2.finalFlow[W_REG0], 7, 'registers restored');
  assert.equal(r2.mask[W_RECIRC_ID], 0xffffffff);
  // The same freeze point gets the same id.
  assert.equal(run(br, flowFrom(MPLS_PKT)).text, 'pop_mpls(eth_type=0x800),recirc(0x1)');
  assert.equal(br.recirc!.size, 1);
});

test('pop_mpls followed only by output needs no recirculation', () => {
  const br = new FakeBridge();
  br.addFlow('table=0,priority=10,mpls,actions=pop_mpls:0x0800,output:2');
  assert.equal(run(br, flowFrom(MPLS_PKT)).text, 'pop_mpls(eth_type=0x800),2');
});

test('freezing inside a resubmit keeps the outer actions for after the thaw, in order', () => {
  const br = new FakeBridge();
  br.addFlow('table=0,priority=10,mpls,actions=resubmit(,1),output:4');
  br.addFlow('table=1,priority=10,mpls,actions=pop_mpls:0x0800,resubmit(,2),output:3');
  br.addFlow('table=2,priority=10,ip,actions=output:2');
  const r1 = run(br, flowFrom(MPLS_PKT));
  assert.equal(r1.text, 'pop_mpls(eth_type=0x800),recirc(0x1)');
  const st = br.recirc!.get(1)!;
  assert.deepEqual(st.segments.map((s) => [s.tableId, formatActions(s.actions)]), [[1, 'resubmit(,2),output:3'], [0, 'output:4']]);
  assert.equal(run(br, afterPop(1)).text, '2,3,4');
});

test('write_actions survive the freeze; goto_table becomes resubmit', () => {
  const br = new FakeBridge();
  br.addFlow('table=0,priority=10,mpls,actions=pop_mpls:0x0800,write_actions(output:3),goto_table:1');
  br.addFlow('table=1,priority=10,ip,actions=output:2');
  assert.equal(run(br, flowFrom(MPLS_PKT)).text, 'pop_mpls(eth_type=0x800),recirc(0x1)');
  // write_actions also waits for the thaw (OVS recirculates before any non-output action).
  assert.equal(formatActions(br.recirc!.get(1)!.segments[0]!.actions), 'write_actions(output:3),resubmit(,1)');
  assert.equal(run(br, afterPop(1)).text, '2,3');
});

test('unknown recirc id and a bridge without recirculation support drop with errors', () => {
  const br = new FakeBridge();
  br.addFlow('table=0,priority=10,ip,actions=output:2');
  const r = run(br, afterPop(42));
  assert.equal(r.error, 5);
  assert.equal(r.errorText, 'Recirculation context not found for ID 2a');
  const nb = new FakeBridge();
  nb.recirc = undefined;
  nb.addFlow('table=0,priority=10,mpls,actions=pop_mpls:0x0800,mod_nw_ttl:5,output:2');
  const r2 = run(nb, flowFrom(MPLS_PKT));
  assert.equal(r2.text, 'drop', 'translation stops at the point that needs recirculation');
});

test('controller(pause) emits a continuation packet-in and resumes after it', () => {
  const br = new FakeBridge();
  br.addFlow('table=0,priority=10,ip,actions=mod_nw_tos:16,controller(pause),output:2');
  const f = afterPop(0);
  const r = run(br, f);
  assert.equal(r.actions.length, 2);
  assert.equal(r.actions[0]!.type, DpActionType.SET_MASKED);
  const u = r.actions[1]!.type === DpActionType.USERSPACE ? decodeControllerUserdata(r.actions[1]!.userdata) : null;
  assert.ok(u);
  assert.equal(u.continuation, true);
  assert.equal(u.recircId, 1);
  assert.equal(r.packetIns[0]!.continuation, true);
  // Resuming (the controller sends the packet back with the recirc id).
  const resumed = afterPop(1);
  resumed[W_NW] = (resumed[W_NW]! | (16 << 16)) >>> 0;
  assert.equal(run(br, resumed).text, '2');
});

test('trace of a thaw shows the restored state', () => {
  const br = new FakeBridge();
  br.addFlow('table=0,priority=10,in_port=1,mpls,actions=pop_mpls:0x0800,mod_nw_dst:10.9.9.9,output:2');
  run(br, flowFrom(MPLS_PKT));
  const t = traceText(br, afterPop(1), { now: 0, formatActions: (a) => formatActions(a) });
  // As OVS prints it (checked against OVS in oracle.test.ts), including unroll_xlate markers.
  assert.ok(
    t.text.includes(
      'bridge("br0")\n-------------\n    thaw\n            Resuming from table 0\n' +
        '        Restoring actions: mod_nw_dst:10.9.9.9,unroll_xlate(table=0, cookie=0),output:2\n' +
        '    mod_nw_dst:10.9.9.9\n    unroll_xlate(table=0, cookie=0)\n    restored state: table=0, cookie=0\n    output:2\n',
    ),
    t.text,
  );
  assert.match(t.text, /Megaflow: recirc_id=0x1,eth,udp,in_port=1,/);
  assert.equal(afterPop(1)[W_ETH_TYPE], 0x0800);
  assert.equal(afterPop(1)[W_MPLS0], 0);
});
