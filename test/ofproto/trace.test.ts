/*
 * ofproto/trace text: OVS's exact output shape for the reference examples
 * (/work/shared/reference-ovs/README.md), nesting of resubmits, errors, flow_format.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatActions } from '../../src/openflow/flow-syntax/actions-format.js';
import { OfpactType as T, type OfpAction } from '../../src/ofproto/ofp-actions.js';
import { formatFlow, traceText } from '../../src/ofproto/trace.js';
import { FakeBridge, flowFrom } from './xlate-fake-bridge.js';

const out = (port: number): OfpAction => ({ type: T.OUTPUT, port, maxLen: 0 });
const resubmit = (tableId: number): OfpAction => ({ type: T.RESUBMIT, inPort: 0xfff8, tableId, withCtOrig: false });
const opts = { now: 0, formatActions: (a: readonly OfpAction[]) => formatActions(a) };

function refBridge(): FakeBridge {
  const br = new FakeBridge();
  br.add('priority=100,in_port=1,dl_dst=50:54:00:00:00:02', [out(2)]);
  br.add('priority=50,ip,nw_dst=10.0.0.3', [{ type: T.SET_ETH_DST, mac: 0x505400000003 }, out(3)]);
  br.add('priority=0', []);
  return br;
}

test('trace of an L2 flow matches OVS text exactly', () => {
  const t = traceText(refBridge(), flowFrom('in_port=1,dl_src=50:54:00:00:00:01,dl_dst=50:54:00:00:00:02'), opts);
  assert.equal(
    t.text,
    `Flow: in_port=1,vlan_tci=0x0000,dl_src=50:54:00:00:00:01,dl_dst=50:54:00:00:00:02,dl_type=0x0000

bridge("br0")
-------------
 0. in_port=1,dl_dst=50:54:00:00:00:02, priority 100
    output:2

Final flow: unchanged
Megaflow: recirc_id=0,eth,in_port=1,dl_dst=50:54:00:00:00:02,dl_type=0x0000
Datapath actions: 2
`,
  );
});

test('trace with a set action shows the final flow and masked set', () => {
  const t = traceText(
    refBridge(),
    flowFrom('in_port=1,udp,dl_src=50:54:00:00:00:01,dl_dst=50:54:00:00:00:09,nw_src=10.0.0.1,nw_dst=10.0.0.3,nw_ttl=64,udp_src=1234,udp_dst=80'),
    opts,
  );
  assert.equal(
    t.text,
    `Flow: udp,in_port=1,vlan_tci=0x0000,dl_src=50:54:00:00:00:01,dl_dst=50:54:00:00:00:09,nw_src=10.0.0.1,nw_dst=10.0.0.3,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1234,tp_dst=80

bridge("br0")
-------------
 0. ip,nw_dst=10.0.0.3, priority 50
    mod_dl_dst:50:54:00:00:00:03
    output:3

Final flow: udp,in_port=1,vlan_tci=0x0000,dl_src=50:54:00:00:00:01,dl_dst=50:54:00:00:00:03,nw_src=10.0.0.1,nw_dst=10.0.0.3,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1234,tp_dst=80
Megaflow: recirc_id=0,eth,ip,in_port=1,dl_dst=50:54:00:00:00:09,nw_dst=10.0.0.3,nw_frag=no
Datapath actions: set(eth(dst=50:54:00:00:00:03)),3
`,
  );
});

test('resubmit nesting: a resubmit that is not last indents its table', () => {
  const br = new FakeBridge();
  br.add('table=0,priority=0', [resubmit(1), out(3)]);
  br.add('table=1,priority=0', [out(2)]);
  const t = traceText(br, flowFrom('in_port=1,dl_type=0x1234'), opts);
  assert.equal(
    t.text.split('\n\n')[1],
    `bridge("br0")
-------------
 0. priority 0
    resubmit(,1)
     1. priority 0
            output:2
    output:3`,
  );
  assert.match(t.text, /Datapath actions: 2,3\n$/);
});

test('table miss prints "No match." and drop; errors print the failure line', () => {
  const br = new FakeBridge();
  let t = traceText(br, flowFrom('in_port=1,dl_type=0x1234'), opts);
  assert.match(t.text, /\n 0\. No match\.\n    drop\n/);
  br.add('priority=0', [resubmit(0)]);
  t = traceText(br, flowFrom('in_port=1,dl_type=0x1234'), opts);
  assert.match(t.text, /over max translation depth 64 <<<<\n/);
  assert.match(t.text, /Datapath actions: drop\nTranslation failed \(Recursion too deep\), packet is dropped\.\n$/);
});

test('NORMAL trace reports learning with --generate', () => {
  const br = new FakeBridge();
  br.add('priority=0', [{ type: T.OUTPUT, port: 0xfffa, maxLen: 0 }]);
  const t = traceText(br, flowFrom('in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,dl_type=0x1234'), { ...opts, generate: true });
  assert.match(
    t.text,
    / 0\. priority 0\n    NORMAL\n     -> learned that 00:00:00:00:00:01 is on port p1 in VLAN 0\n     -> no learned MAC for destination, flooding\n/,
  );
  assert.equal(br.macs.size, 1);
});

test('formatFlow: tagged, ARP and non-IP flows as OVS prints them', () => {
  assert.equal(
    formatFlow(flowFrom('in_port=4,dl_src=00:00:00:00:00:04,dl_dst=00:00:00:00:00:01,dl_vlan=10,ip,nw_src=10.0.0.4,nw_dst=10.0.0.1,nw_ttl=64')),
    'ip,in_port=4,dl_vlan=10,dl_vlan_pcp=0,vlan_tci1=0x0000,dl_src=00:00:00:00:00:04,dl_dst=00:00:00:00:00:01,nw_src=10.0.0.4,nw_dst=10.0.0.1,nw_proto=0,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no',
  );
  assert.equal(
    formatFlow(flowFrom('in_port=2,dl_src=00:00:00:00:00:02,dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1,arp_spa=10.0.0.2,arp_tpa=10.0.0.1')),
    'arp,in_port=2,vlan_tci=0x0000,dl_src=00:00:00:00:00:02,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=10.0.0.2,arp_tpa=10.0.0.1,arp_op=1,arp_sha=00:00:00:00:00:00,arp_tha=00:00:00:00:00:00',
  );
  assert.equal(
    formatFlow(flowFrom('in_port=3,tcp,nw_ttl=64,tcp_src=5555,tcp_dst=80')),
    'tcp,in_port=3,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=5555,tp_dst=80,tcp_flags=0',
  );
});
