/*
 * Differential test of the executor against the real Open vSwitch (Debian's ovs-vswitchd,
 * dummy datapath), byte for byte. For each case OVS gets an OpenFlow rule, receives a frame
 * on p1 (netdev-dummy/receive) and writes what it sends on p2 to a pcap (tx_pcap). The
 * megaflow OVS installed gives the datapath actions; tsovs parses them, validates them
 * against the megaflow's key and mask (OVS installed them, so they must be accepted), runs
 * them on the same frame, and must emit the same bytes. Skipped when OVS is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { executeActions } from '../../src/datapath/execute.js';
import { validateActions } from '../../src/datapath/validate-actions.js';
import { parseDpActions } from '../../src/datapath/odp-actions-parse.js';
import { parseDpKey } from '../../src/flow/odp-key-parse.js';
import { buildFrame, type FrameSpec } from '../../src/packet/build.js';
import { Recorder, packetOf, hex } from './execute-helpers.js';
import { ReferenceOvs } from '../support/reference-ovs.js';

/** Reference OVS with bridge br0 (dummy datapath), p1 in, p2 out with a tx_pcap capture. */
class Ovs extends ReferenceOvs {
  constructor() {
    super('tsovs-x.');
  }

  override start(): void {
    super.start();
    this.run('ovs-vsctl', [
      'set', 'Open_vSwitch', '.', 'other_config:vlan-limit=2', '--',
      'add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath_type=dummy', 'fail-mode=secure', 'protocols=OpenFlow13', '--',
      'add-port', 'br0', 'p1', '--', 'set', 'interface', 'p1', 'type=dummy', 'ofport_request=1', '--',
      'add-port', 'br0', 'p2', '--', 'set', 'interface', 'p2', 'type=dummy', 'ofport_request=2', `options:tx_pcap=${this.pcap}`,
    ]);
  }

  get pcap(): string {
    return join(this.dir, 'p2.pcap');
  }
}

/** Frames of a classic little- or big-endian pcap file. */
function readPcap(path: string): Uint8Array[] {
  if (!existsSync(path)) return [];
  const b = readFileSync(path);
  if (b.length < 24) return [];
  const le = b.readUInt32LE(0) === 0xa1b2c3d4;
  const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const out: Uint8Array[] = [];
  for (let o = 24; o + 16 <= b.length; ) {
    const n = u32(o + 8);
    if (o + 16 + n > b.length) break;
    out.push(new Uint8Array(b.subarray(o + 16, o + 16 + n)));
    o += 16 + n;
  }
  return out;
}

interface Case {
  name: string;
  /** OpenFlow 1.3 match (without in_port/dl_src) and actions (output:2 is appended). */
  match: string;
  actions: string;
  frame: FrameSpec;
  /**
   * Datapath actions to run when OVS slow-paths the flow (its datapath probes do not
   * offer these set actions, so ofproto executes them itself and the megaflow says
   * userspace(slow_path(action))): written from the OpenFlow actions.
   */
  dp?: string;
  /**
   * A deliberate difference: the frame offsets (from the start of the frame) where OVS's
   * bytes differ from tsovs's, tsovs keeping the input's bytes there; and why.
   */
  differs?: { at: number[]; why: string };
}

const ip6 = { src: '2001:db8::10', dst: '2001:db8::20' };
const CASES: Case[] = [
  { name: 'eth addresses', match: 'ip', actions: 'set_field:0a:00:00:00:00:01->eth_src,set_field:0a:00:00:00:00:02->eth_dst', frame: { ipv4: {}, udp: {} } },
  { name: 'ipv4 src/dst/dscp + dec_ttl over tcp', match: 'tcp', actions: 'set_field:1.2.3.4->ip_src,set_field:5.6.7.8->ip_dst,set_field:10->ip_dscp,dec_ttl', frame: { ipv4: { ttl: 64 }, tcp: { src: 1000, dst: 80 } } },
  { name: 'ipv4 masked dst over udp', match: 'udp', actions: 'set_field:192.168.0.0/255.255.0.0->ip_dst', frame: { ipv4: { dst: '10.1.2.3' }, udp: {} } },
  { name: 'ipv4 ecn', match: 'tcp', actions: 'set_field:3->ip_ecn', frame: { ipv4: { tos: 0x20 }, tcp: {} } },
  { name: 'ipv4 src over udp without checksum', match: 'udp', actions: 'set_field:9.9.9.9->ip_src', frame: { ipv4: {}, udp: { checksum: 0 } } },
  { name: 'ipv4 src over icmp', match: 'icmp', actions: 'set_field:9.9.9.9->ip_src', frame: { ipv4: {}, icmp: { type: 8, id: 1, seq: 2 } } },
  { name: 'ipv4 with options, tcp ports', match: 'tcp', actions: 'set_field:4321->tcp_src,set_field:443->tcp_dst', frame: { ipv4: { options: [{ type: 1 }, { type: 7, data: [4, 0, 0, 0, 0, 0, 0, 0] }] }, tcp: {} } },
  { name: 'udp ports', match: 'udp', actions: 'set_field:999->udp_src,set_field:53->udp_dst', frame: { ipv4: {}, udp: { src: 1, dst: 2 }, payloadLen: 11 } },
  { name: 'sctp ports', match: 'sctp', actions: 'set_field:3868->sctp_src', frame: { ipv4: {}, sctp: { src: 5, dst: 6, vtag: 77, chunks: [{ type: 0, data: [1, 2, 3] }] } } },
  { name: 'icmp type/code', match: 'icmp', actions: 'set_field:0->icmp_type,set_field:0->icmp_code', frame: { ipv4: {}, icmp: { type: 8, code: 0, id: 5, seq: 6 } }, dp: 'set(icmp(type=0,code=0)),2' },
  { name: 'ipv4 ttl under a VLAN tag', match: 'tcp', actions: 'dec_ttl,set_field:1.1.1.1->ip_dst', frame: { vlans: [{ vid: 10 }], ipv4: {}, tcp: {} } },
  { name: 'ipv6 addresses, label, hop limit over tcp', match: 'tcp6', actions: 'set_field:2001:db8::1->ipv6_src,set_field:2001:db8::2->ipv6_dst,set_field:0x12345->ipv6_label,dec_ttl', frame: { ipv6: ip6, tcp: {} } },
  { name: 'ipv6 masked src over udp', match: 'udp6', actions: 'set_field:fd00::/ffff::->ipv6_src', frame: { ipv6: ip6, udp: {} } },
  { name: 'ipv6 traffic class', match: 'udp6', actions: 'set_field:46->ip_dscp', frame: { ipv6: ip6, udp: {} } },
  { name: 'ipv6 dst under a routing header with segments left', match: 'tcp6', actions: 'set_field:2001:db8::99->ipv6_dst', frame: { ipv6: { ...ip6, ext: [{ kind: 'routing', segmentsLeft: 1, addresses: ['2001:db8::77'] }] }, tcp: {} } },
  { name: 'icmpv6 type', match: 'icmp6', actions: 'set_field:129->icmpv6_type', frame: { ipv6: ip6, icmpv6: { type: 128, id: 1, seq: 1 } }, dp: 'set(icmpv6(type=129)),2' },
  { name: 'nd target and sll', match: 'icmp6,icmp_type=135,icmp_code=0', actions: 'set_field:fe80::99->nd_target,set_field:02:00:00:00:00:99->nd_sll', frame: { ipv6: { src: 'fe80::1', dst: 'ff02::1:ff00:2', hopLimit: 255 }, icmpv6: { type: 135, nd: { target: 'fe80::2', sll: 1 } } }, dp: 'set(nd(target=fe80::99,sll=02:00:00:00:00:99)),2' },
  { name: 'nd tll', match: 'icmp6,icmp_type=136,icmp_code=0', actions: 'set_field:02:00:00:00:00:77->nd_tll', frame: { ipv6: { src: 'fe80::1', dst: 'ff02::1', hopLimit: 255 }, icmpv6: { type: 136, nd: { target: 'fe80::1', tll: 1, solicited: true } } }, dp: 'set(nd(tll=02:00:00:00:00:77)),2' },
  { name: 'arp fields', match: 'arp', actions: 'set_field:2->arp_op,set_field:10.0.0.9->arp_spa,set_field:02:00:00:00:00:09->arp_sha,set_field:10.0.0.1->arp_tpa,set_field:00:00:00:00:00:01->arp_tha', frame: { arp: { op: 1 }, padTo60: true }, dp: 'set(arp(op=2,sip=10.0.0.9,sha=02:00:00:00:00:09,tip=10.0.0.1,tha=00:00:00:00:00:01)),2' },
  { name: 'push_vlan', match: 'ip', actions: 'push_vlan:0x8100,set_field:4106->vlan_vid', frame: { ipv4: {}, udp: {} } },
  { name: 'push an 802.1ad tag over a tagged frame', match: 'dl_vlan=5', actions: 'push_vlan:0x88a8,set_field:4116->vlan_vid', frame: { vlans: [{ vid: 5 }], ipv4: {}, udp: {} } },
  { name: 'pop_vlan', match: 'dl_vlan=10', actions: 'pop_vlan', frame: { vlans: [{ vid: 10, pcp: 3 }], ipv4: {}, tcp: {} } },
  { name: 'rewrite the VLAN id', match: 'dl_vlan=10', actions: 'set_field:4116->vlan_vid', frame: { vlans: [{ vid: 10 }], ipv4: {}, udp: {} } },
  { name: 'push_mpls', match: 'ip', actions: 'push_mpls:0x8847,set_field:100->mpls_label', frame: { ipv4: { ttl: 33 }, udp: {} } },
  { name: 'push_mpls under a VLAN tag', match: 'ip', actions: 'push_mpls:0x8848', frame: { vlans: [{ vid: 3 }], ipv4: {}, tcp: {} } },
  { name: 'set mpls tc and ttl', match: 'mpls', actions: 'set_field:5->mpls_tc,dec_mpls_ttl', frame: { mpls: [{ label: 7, ttl: 9 }], ipv4: {}, udp: {} } },
  { name: 'pop_mpls', match: 'mpls', actions: 'pop_mpls:0x0800', frame: { mpls: [{ label: 7 }], ipv4: {}, udp: {} } },
  { name: 'trunc', match: 'udp', actions: 'output(port=2,max_len=60)', frame: { ipv4: {}, udp: {}, payloadLen: 200 } },
  {
    name: 'ipv4 src of a later fragment',
    match: 'ip,nw_frag=later',
    actions: 'set_field:7.7.7.7->ip_src',
    frame: { ipv4: { fragOffset: 100, proto: 6 }, payloadLen: 40 },
    differs: {
      at: [34 + 16, 34 + 17],
      why: "OVS's userspace datapath updates a 'TCP checksum' inside a later fragment's payload; tsovs follows the kernel datapath and leaves the payload alone",
    },
  },
  { name: 'ipv4 src of a first fragment over tcp', match: 'tcp', actions: 'set_field:7.7.7.7->ip_src', frame: { ipv4: { mf: true }, tcp: {}, payloadLen: 16 } },
  { name: 'ipv6 src of a later fragment', match: 'ipv6,nw_frag=later', actions: 'set_field:2001:db8::5->ipv6_src', frame: { ipv6: { ...ip6, ext: [{ kind: 'fragment', offset: 10 }], proto: 6 }, payloadLen: 24 } },
  { name: 'ipv6 src behind a hop-by-hop header over udp', match: 'udp6', actions: 'set_field:2001:db8::5->ipv6_src', frame: { ipv6: { ...ip6, ext: [{ kind: 'hop', options: [{ type: 5, data: [0, 0] }] }] }, udp: {} } },
  { name: 'sctp with a wrong CRC stays wrong', match: 'sctp', actions: 'set_field:99->sctp_dst', frame: { ipv4: {}, sctp: { src: 5, dst: 6, chunks: [{ type: 0, data: [9] }], checksum: 0x12345678 } } },
  { name: 'pop the top of two MPLS labels', match: 'mpls', actions: 'pop_mpls:0x8847', frame: { mpls: [{ label: 1 }, { label: 2 }], ipv4: {}, udp: {} } },
  { name: 'ipv4 on a frame with Ethernet padding', match: 'udp', actions: 'set_field:3.3.3.3->ip_dst,set_field:7->udp_src', frame: { ipv4: {}, udp: {}, payloadLen: 2, padTo60: true } },
];

test('executor output equals Open vSwitch output, byte for byte', () => {
  const ovs = new Ovs();
  try {
    ovs.start();
    const flows = CASES.map((c, i) => {
      const out = c.actions.startsWith('output(') ? '' : ',output:2';
      return `priority=100,in_port=1,dl_src=02:00:00:00:01:${(i + 1).toString(16).padStart(2, '0')},${c.match},actions=${c.actions}${out}`;
    });
    const f = join(ovs.dir, 'flows.txt');
    writeFileSync(f, flows.join('\n') + '\n');
    ovs.run('ovs-ofctl', ['-O', 'OpenFlow13', 'add-flows', 'br0', f]);
    const frames = CASES.map((c, i) => {
      const spec: FrameSpec = { ...c.frame, eth: { ...c.frame.eth, src: 0x020000000100 + i + 1, dst: 0x020000000002 } };
      return buildFrame(spec);
    });
    // Inject one at a time and wait for its output, so pcap record i belongs to case i.
    const got: Uint8Array[] = [];
    frames.forEach((fr, i) => {
      ovs.run('ovs-appctl', ['netdev-dummy/receive', 'p1', hex(fr)]);
      const deadline = Date.now() + 10000; // generous: a loaded machine
      let recs = readPcap(ovs.pcap);
      while (recs.length <= i && Date.now() < deadline) {
        spawnSync('sleep', ['0.005']);
        recs = readPcap(ovs.pcap);
      }
      assert.ok(recs.length > i, `OVS sent nothing for case "${CASES[i]!.name}"`);
      got.push(recs[i]!);
    });
    // Megaflows by source MAC (each case matches its own dl_src).
    const dump = ovs.run('ovs-appctl', ['dpctl/dump-flows']).split('\n');
    const failures: string[] = [];
    CASES.forEach((c, i) => {
      const mac = `02:00:00:00:01:${(i + 1).toString(16).padStart(2, '0')}`;
      const line = dump.find((l) => l.includes(`eth(src=${mac}`));
      if (line === undefined) {
        failures.push(`${c.name}: no megaflow`);
        return;
      }
      const keyText = line.slice(0, line.indexOf(', packets:'));
      let actText = line.slice(line.indexOf('actions:') + 'actions:'.length).trim();
      const { key, mask } = parseDpKey(keyText);
      if (actText.includes('slow_path(')) {
        if (c.dp === undefined) {
          failures.push(`${c.name}: OVS slow-paths "${actText}" and the case gives no datapath actions`);
          return;
        }
        actText = c.dp;
      } else {
        assert.equal(c.dp, undefined, `${c.name}: OVS did not slow-path it ("${actText}")`);
      }
      const actions = parseDpActions(actText);
      const err = validateActions(actions, key, mask, {});
      if (err !== null) failures.push(`${c.name}: "${actText}" with megaflow "${keyText}" is refused: ${err}`);
      const { p, key: k } = packetOf(frames[i]!, 1);
      const rec = new Recorder();
      executeActions(rec, p, k, actions);
      const outs = rec.out.filter((e) => e.kind === 'output' && e.arg === 2);
      if (outs.length !== 1) {
        failures.push(`${c.name}: tsovs emitted ${outs.length} packets on port 2 for "${actText}"`);
        return;
      }
      const mine = outs[0]!.bytes;
      const theirs = got[i]!;
      if (c.differs !== undefined) {
        const diffAt: number[] = [];
        for (let j = 0; j < Math.max(mine.length, theirs.length); j++) if (mine[j] !== theirs[j]) diffAt.push(j);
        assert.deepEqual(diffAt, c.differs.at, `${c.name}: ${c.differs.why}`);
        for (const j of c.differs.at) assert.equal(mine[j], frames[i]![j], `${c.name}: tsovs keeps byte ${j}`);
      } else if (hex(mine) !== hex(theirs)) {
        failures.push(`${c.name}: actions ${actText}\n    ovs   ${hex(theirs)}\n    tsovs ${hex(mine)}`);
      }
    });
    assert.deepEqual(failures, []);
  } finally {
    ovs.stop();
  }
});

