/*
 * Real ovs-ofctl (Debian's openvswitch-common) against a tsovs bridge over its management
 * socket and over TCP: show, add-flow(s) / mod-flows / del-flows / dump-flows in OpenFlow
 * 1.0, 1.3 and 1.5 (text compared with what Open vSwitch prints for the same flows),
 * errors, dump-ports(-desc), dump-tables, groups, meters, packet-out and monitor.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { udpFrame } from '../../src/packet/build.js';
import { mac, normalizeDump, ofctl, ofctlOk, startSwitch, waitFor, type Fixture } from './switch-fixture.js';

let f: Fixture;
before(async () => {
  f = await startSwitch();
});
after(async () => {
  await f.close();
});

/** Runs a program without blocking the event loop (the switch answers from this process). */
function run(cmd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: 20000 }, (e, stdout, stderr) => resolve({ code: e === null ? 0 : 1, stdout, stderr }));
  });
}

function lines(s: string): string[] {
  return normalizeDump(s).trim().split('\n');
}

describe('show', () => {
  test('OpenFlow 1.0: features reply with ports, then the config', async () => {
    const out = await ofctlOk(['show', f.mgmt]);
    const l = lines(out);
    assert.equal(l[0], 'OFPT_FEATURES_REPLY (xid=?): dpid:0000aa55aa550000');
    assert.equal(l[1], 'n_tables:254, n_buffers:256');
    assert.equal(l[2], 'capabilities: FLOW_STATS TABLE_STATS PORT_STATS QUEUE_STATS ARP_MATCH_IP');
    assert.match(l[3]!, /^actions: output enqueue set_vlan_vid set_vlan_pcp strip_vlan mod_dl_src mod_dl_dst/);
    assert.deepEqual(l.slice(4, 8), [' 1(p1): addr:aa:55:aa:55:00:01', '     config:     0', '     state:      0', '     speed: 0 Mbps now, 0 Mbps max']);
    assert.ok(l.includes(' 3(p3): addr:aa:55:aa:55:00:03'));
    assert.ok(l.some((x) => /^ LOCAL\(br0\): addr:/.test(x)));
    assert.equal(l[l.length - 1], 'OFPT_GET_CONFIG_REPLY (xid=?): frags=normal miss_send_len=0');
  });

  test('OpenFlow 1.3 over TCP: ports come from port-desc and are LIVE', async () => {
    const out = await ofctlOk(['-O', 'OpenFlow13', 'show', `tcp:127.0.0.1:${f.tcpPort}`]);
    const l = lines(out);
    assert.equal(l[0], 'OFPT_FEATURES_REPLY (OF1.3) (xid=?): dpid:0000aa55aa550000');
    assert.equal(l[2], 'capabilities: FLOW_STATS TABLE_STATS PORT_STATS GROUP_STATS QUEUE_STATS');
    assert.equal(l[3], 'OFPST_PORT_DESC reply (OF1.3) (xid=?):');
    assert.equal(l[6], '     state:      LIVE');
  });
});

describe('flows', () => {
  test('add-flow, dump-flows in three versions (as OVS prints them)', async () => {
    await ofctlOk(['del-flows', f.mgmt]);
    await ofctlOk(['add-flow', f.mgmt, 'priority=100,in_port=1,actions=output:2']);
    await ofctlOk(['-O', 'OpenFlow13', 'add-flow', f.mgmt, 'table=1,priority=101,ip,nw_dst=10.0.0.0/24,actions=set_field:aa:55:aa:55:00:09->eth_dst,output:3']);
    assert.deepEqual(lines(await ofctlOk(['dump-flows', f.mgmt])), [
      'NXST_FLOW reply (xid=?):',
      ' cookie=0x0, duration=?, table=0, n_packets=0, n_bytes=0, idle_age=?, priority=100,in_port=1 actions=output:2',
      ' cookie=0x0, duration=?, table=1, n_packets=0, n_bytes=0, idle_age=?, priority=101,ip,nw_dst=10.0.0.0/24 actions=mod_dl_dst:aa:55:aa:55:00:09,output:3',
    ]);
    assert.deepEqual(lines(await ofctlOk(['-O', 'OpenFlow13', 'dump-flows', f.mgmt])), [
      'OFPST_FLOW reply (OF1.3) (xid=?):',
      ' cookie=0x0, duration=?, table=0, n_packets=0, n_bytes=0, reset_counts priority=100,in_port=1 actions=output:2',
      ' cookie=0x0, duration=?, table=1, n_packets=0, n_bytes=0, priority=101,ip,nw_dst=10.0.0.0/24 actions=set_field:aa:55:aa:55:00:09->eth_dst,output:3',
    ]);
    assert.deepEqual(lines(await ofctlOk(['-O', 'OpenFlow15', 'dump-flows', f.mgmt, 'table=1'])), [
      'OFPST_FLOW reply (OF1.5) (xid=?):',
      ' cookie=0x0, duration=?, table=1, n_packets=0, n_bytes=0, idle_age=?, priority=101,ip,nw_dst=10.0.0.0/24 actions=set_field:aa:55:aa:55:00:09->eth_dst,output:3',
    ]);
  });

  test('add-flows from a file, mod-flows, del-flows (loose and strict), cookies', async () => {
    await ofctlOk(['del-flows', f.mgmt]);
    const file = join(f.dir, 'flows.txt');
    writeFileSync(
      file,
      ['priority=10,ip,nw_dst=10.0.0.1,actions=output:1', 'cookie=0x5,priority=20,arp,actions=NORMAL', 'table=2,priority=5,actions=drop', ''].join('\n'),
    );
    await ofctlOk(['add-flows', f.mgmt, file]);
    await ofctlOk(['mod-flows', f.mgmt, 'ip,actions=output:3']);
    await ofctlOk(['--strict', 'del-flows', f.mgmt, 'table=2,priority=6']);
    let d = lines(await ofctlOk(['dump-flows', f.mgmt]));
    assert.equal(d.length, 4);
    assert.ok(d.includes(' cookie=0x0, duration=?, table=0, n_packets=0, n_bytes=0, idle_age=?, priority=10,ip,nw_dst=10.0.0.1 actions=output:3'));
    assert.ok(d.includes(' cookie=0x5, duration=?, table=0, n_packets=0, n_bytes=0, idle_age=?, priority=20,arp actions=NORMAL'));
    await ofctlOk(['del-flows', f.mgmt, 'cookie=0x5/-1']);
    await ofctlOk(['--strict', 'del-flows', f.mgmt, 'table=2,priority=5']);
    d = lines(await ofctlOk(['dump-flows', f.mgmt]));
    assert.deepEqual(d.slice(1), [' cookie=0x0, duration=?, table=0, n_packets=0, n_bytes=0, idle_age=?, priority=10,ip,nw_dst=10.0.0.1 actions=output:3']);
    const agg = await ofctlOk(['dump-aggregate', f.mgmt]);
    assert.match(agg, /packet_count=0 byte_count=0 flow_count=1/);
  });

  test('counters after traffic through the datapath', async () => {
    await ofctlOk(['del-flows', f.mgmt]);
    await ofctlOk(['add-flow', f.mgmt, 'in_port=1,actions=output:2']);
    const pkt = udpFrame({ ethSrc: mac(1), ethDst: mac(2) });
    for (let i = 0; i < 3; i++) f.dev.p1!.receive(pkt);
    await waitFor(() => f.dev.p2!.sent.length >= 3, 10000, 'forwarded frames');
    const d = lines(await ofctlOk(['dump-flows', f.mgmt]));
    assert.equal(d[1], ` cookie=0x0, duration=?, table=0, n_packets=3, n_bytes=${3 * pkt.length}, idle_age=?, in_port=1 actions=output:2`);
    const ports = await ofctlOk(['dump-ports', f.mgmt, '2']);
    assert.match(ports, /port {2}2: rx pkts=0, bytes=0, drop=0, errs=0, frame=\?, over=\?, crc=\?\n {11}tx pkts=3, bytes=/);
    const tables = lines(await ofctlOk(['dump-tables', f.mgmt]));
    assert.deepEqual(tables.slice(0, 3), ['OFPST_TABLE reply (xid=?):', '  table 0:', '    active=1, lookup=3, matched=3']);
    f.dev.p2!.sent.length = 0;
  });

  test('errors come back as OVS names them', async () => {
    await ofctlOk(['del-flows', f.mgmt]);
    await ofctlOk(['add-flow', f.mgmt, 'priority=10,in_port=1,actions=drop']);
    const overlap = await ofctl(['add-flow', f.mgmt, 'check_overlap,priority=10,actions=drop']);
    assert.notEqual(overlap.code, 0);
    assert.match(overlap.stderr, /OFPFMFC_OVERLAP/);
    const goto = await ofctl(['-O', 'OpenFlow13', 'add-flow', f.mgmt, 'table=3,actions=goto_table:2']);
    assert.notEqual(goto.code, 0);
    assert.match(goto.stderr, /OFPBIC_BAD_TABLE_ID|goto_table/);
    const group = await ofctl(['-O', 'OpenFlow13', 'add-flow', f.mgmt, 'actions=group:77']);
    assert.notEqual(group.code, 0);
    assert.match(group.stderr, /OFPBAC_BAD_OUT_GROUP/);
  });
});

describe('ports and tables', () => {
  test('dump-ports-desc and dump-ports in 1.3 (with duration)', async () => {
    const desc = lines(await ofctlOk(['dump-ports-desc', f.mgmt]));
    assert.equal(desc[0], 'OFPST_PORT_DESC reply (xid=?):');
    assert.equal(desc[1], ' 1(p1): addr:aa:55:aa:55:00:01');
    const ports = await ofctlOk(['-O', 'OpenFlow13', 'dump-ports', f.mgmt]);
    assert.match(ports, /^OFPST_PORT reply \(OF1\.3\) \(xid=0x[0-9a-f]+\): 4 ports\n/);
    assert.match(ports, / {11}duration=[0-9.]+s\n/);
  });

  test('dump-tables: 254 tables, OVS layout', async () => {
    const l = lines(await ofctlOk(['-O', 'OpenFlow13', 'dump-tables', f.mgmt]));
    assert.equal(l[0], 'OFPST_TABLE reply (OF1.3) (xid=?):');
    assert.equal(l[1], '  table 0:');
    assert.ok(l.some((x) => /^ {2}tables? .*253/.test(x)), l.join('\n'));
  });

  test('mod-port down and up, seen in port-desc', async () => {
    await ofctlOk(['mod-port', f.mgmt, 'p3', 'down']);
    assert.match(await ofctlOk(['dump-ports-desc', f.mgmt, '3']), /config: {5}PORT_DOWN/);
    await ofctlOk(['mod-port', f.mgmt, 'p3', 'up']);
    assert.match(await ofctlOk(['dump-ports-desc', f.mgmt, '3']), /config: {5}0\n/);
  });
});

describe('bundles and queues', () => {
  test('--bundle add-flows commits atomically; a bad flow leaves the table untouched', async () => {
    await ofctlOk(['del-flows', f.mgmt]);
    const good = join(f.dir, 'good.txt');
    writeFileSync(good, 'priority=10,ip,actions=output:1\npriority=20,arp,actions=NORMAL\n');
    await ofctlOk(['-O', 'OpenFlow14', '--bundle', 'add-flows', f.mgmt, good]);
    assert.equal(lines(await ofctlOk(['dump-flows', f.mgmt])).length, 3);
    const bad = join(f.dir, 'bad.txt');
    writeFileSync(bad, 'priority=30,tcp,actions=output:2\npriority=31,udp,actions=group:99\n');
    const r = await ofctl(['-O', 'OpenFlow14', '--bundle', 'add-flows', f.mgmt, bad]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /OFPBAC_BAD_OUT_GROUP/);
    assert.equal(lines(await ofctlOk(['dump-flows', f.mgmt])).length, 3, 'nothing of the failed bundle stays');
  });

  test('queue-stats and queue-get-config show the default queue 0 of each port, as OVS without QoS', async () => {
    const qs = await ofctlOk(['queue-stats', f.mgmt, '1']);
    assert.equal(normalizeDump(qs), 'OFPST_QUEUE reply (xid=?): 1 queues\n  port 1 queue 0: bytes=?, pkts=?, errors=?, duration=?\n');
    assert.match(await ofctlOk(['queue-stats', f.mgmt]), /: 4 queues\n/);
    assert.match((await ofctl(['queue-stats', f.mgmt, '1', '5'])).stdout, /OFPQOFC_BAD_QUEUE/);
    assert.equal(normalizeDump(await ofctlOk(['-O', 'OpenFlow13', 'queue-get-config', f.mgmt, '2'])), 'OFPT_QUEUE_GET_CONFIG_REPLY (OF1.3) (xid=?): port=2\nqueue 0:\n');
  });
});

describe('groups and meters', () => {
  test('add-group, dump-groups (1.3 and 1.5), group stats, del-groups', async () => {
    await ofctlOk(['-O', 'OpenFlow13', 'add-group', f.mgmt, 'group_id=1,type=all,bucket=output:1,bucket=output:2']);
    await ofctlOk(['-O', 'OpenFlow13', 'add-group', f.mgmt, 'group_id=2,type=select,bucket=weight:5,output:1,bucket=weight:7,output:3']);
    assert.deepEqual(lines(await ofctlOk(['-O', 'OpenFlow13', 'dump-groups', f.mgmt])), [
      'OFPST_GROUP_DESC reply (OF1.3) (xid=?):',
      ' group_id=1,type=all,bucket=actions=output:1,bucket=actions=output:2',
      ' group_id=2,type=select,bucket=weight:5,actions=output:1,bucket=weight:7,actions=output:3',
    ]);
    assert.deepEqual(lines(await ofctlOk(['-O', 'OpenFlow15', 'dump-groups', f.mgmt, '1'])), [
      'OFPST_GROUP_DESC reply (OF1.5) (xid=?):',
      ' group_id=1,type=all,bucket=bucket_id:0,actions=output:1,bucket=bucket_id:1,actions=output:2',
    ]);
    await ofctlOk(['-O', 'OpenFlow13', 'add-flow', f.mgmt, 'in_port=3,actions=group:1']);
    const stats = await ofctlOk(['-O', 'OpenFlow13', 'dump-group-stats', f.mgmt, 'group_id=1']);
    assert.match(stats, /group_id=1,duration=[0-9.]+s,ref_count=1,packet_count=0,byte_count=0,bucket0:packet_count=0,byte_count=0,bucket1:/);
    const dup = await ofctl(['-O', 'OpenFlow13', 'add-group', f.mgmt, 'group_id=1,type=all,bucket=output:1']);
    assert.match(dup.stderr, /OFPGMFC_GROUP_EXISTS/);
    await ofctlOk(['-O', 'OpenFlow13', 'del-groups', f.mgmt]);
    assert.deepEqual(lines(await ofctlOk(['-O', 'OpenFlow13', 'dump-groups', f.mgmt])), ['OFPST_GROUP_DESC reply (OF1.3) (xid=?):']);
    assert.doesNotMatch(await ofctlOk(['dump-flows', f.mgmt]), /group:1/, 'deleting the group deleted its flow');
  });

  test('add-meter, dump-meters, meter-stats, meter-features, del-meter', async () => {
    await ofctlOk(['-O', 'OpenFlow13', 'add-meter', f.mgmt, 'meter=1,kbps,band=type=drop,rate=1000']);
    assert.deepEqual(lines(await ofctlOk(['-O', 'OpenFlow13', 'dump-meters', f.mgmt])), [
      'OFPST_METER_CONFIG reply (OF1.3) (xid=?):',
      'meter=1 kbps bands=',
      'type=drop rate=1000',
    ]);
    assert.match(await ofctlOk(['-O', 'OpenFlow13', 'meter-stats', f.mgmt]), /meter:1 flow_count:0 packet_in_count:0 byte_in_count:0 duration:[0-9.]+s bands:\n0: packet_count:0 byte_count:0/);
    assert.match(await ofctlOk(['-O', 'OpenFlow13', 'meter-features', f.mgmt]), /max_meter:262144 max_bands:8 max_color:0\nband_types: drop\ncapabilities: kbps pktps burst stats/);
    await ofctlOk(['-O', 'OpenFlow13', 'del-meter', f.mgmt, 'meter=1']);
    const empty = await ofctl(['-O', 'OpenFlow13', 'meter-stats', f.mgmt, 'meter=1']);
    assert.match(empty.stdout, /OFPT_ERROR \(OF1\.3\) \(xid=0x[0-9a-f]+\): OFPMMFC_UNKNOWN_METER/);
  });
});

describe('packet-out and monitor', () => {
  test('packet-out sends the frame out of the port the actions name', async () => {
    const pkt = udpFrame({ ethSrc: mac(1), ethDst: mac(3) });
    f.dev.p3!.sent.length = 0;
    const hex = Buffer.from(pkt).toString('hex');
    await ofctlOk(['packet-out', f.mgmt, 'CONTROLLER', 'output:3', hex]);
    await ofctlOk(['-O', 'OpenFlow13', 'packet-out', f.mgmt, '1', 'output:3', hex]);
    await waitFor(() => f.dev.p3!.sent.length === 2, 10000, 'two frames on p3');
    assert.deepEqual([...f.dev.p3!.sent[0]!], [...pkt]);
  });

  /**
   * Runs an ovs-ofctl monitor around `inject`; what it printed (on stderr, flushed per message),
   * without the reply to the barrier that ends it.
   */
  async function monitored(args: string[], inject: () => void | Promise<void>): Promise<string> {
    const p = spawn('ovs-ofctl', args, { env: { ...process.env, OVS_RUNDIR: f.dir } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => p.once('close', r));
    try {
      // ovs-ofctl creates its control socket once it has configured the switch (miss_send_len,
      // flow monitors, packet-in format).
      const ctl = join(f.dir, `ovs-ofctl.${p.pid}.ctl`);
      await waitFor(() => existsSync(ctl), 10000, `ovs-ofctl monitor ready (${out})`);
      await inject();
      // The barrier's reply comes after everything the switch sent before it, and ovs-ofctl
      // prints messages in order: when ovs-appctl returns, the monitor has printed it all.
      const b = await run('ovs-appctl', ['-t', ctl, 'ofctl/barrier']);
      assert.equal(b.code, 0, `ofctl/barrier: ${b.stderr}`);
    } finally {
      p.kill();
      await exited;
    }
    return out.split('\n').filter((l) => !l.startsWith('OFPT_BARRIER_REPLY')).join('\n');
  }

  test('monitor shows packet-ins for frames that hit a controller action', async () => {
    await ofctlOk(['del-flows', f.mgmt]);
    await ofctlOk(['add-flow', f.mgmt, 'in_port=1,actions=controller']);
    const pkt = udpFrame({ ethSrc: mac(1), ethDst: mac(2) });
    for (const fmt of ['standard', 'nxt_packet_in']) {
      const out = await monitored(['monitor', f.mgmt, '65534', '-P', fmt], () => void f.dev.p1!.receive(pkt));
      const head = fmt === 'standard' ? 'OFPT_PACKET_IN (xid=0x0): ' : 'NXT_PACKET_IN (xid=0x0): cookie=0x0 ';
      assert.ok(out.includes(`${head}total_len=${pkt.length} in_port=1 (via action) data_len=${pkt.length} (unbuffered)`), out);
      assert.ok(out.includes('udp,vlan_tci=0x0000,dl_src=aa:55:aa:55:00:01,dl_dst=aa:55:aa:55:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2'), out);
    }
    const o13 = await monitored(['-O', 'OpenFlow13', 'monitor', f.mgmt, '65534', '-P', 'standard'], () => void f.dev.p1!.receive(pkt));
    assert.ok(o13.includes(`OFPT_PACKET_IN (OF1.3) (xid=0x0): cookie=0x0 total_len=${pkt.length} in_port=1 (via action)`), o13);
  });

  test('monitor with its default packet-in format (NXT_PACKET_IN2)', async () => {
    await ofctlOk(['del-flows', f.mgmt]);
    await ofctlOk(['add-flow', f.mgmt, 'in_port=1,actions=controller']);
    const pkt = udpFrame({ ethSrc: mac(1), ethDst: mac(2) });
    const out = await monitored(['monitor', f.mgmt, '65534'], () => void f.dev.p1!.receive(pkt));
    assert.ok(out.includes(`NXT_PACKET_IN2 (xid=0x0): cookie=0x0 total_len=${pkt.length} in_port=1 (via action) data_len=${pkt.length} (unbuffered)`), out);
  });

  test('monitor watch: flow updates (NXST, ONFST and OF1.4 flow monitors)', async () => {
    await ofctlOk(['del-flows', f.mgmt]);
    await ofctlOk(['add-flow', f.mgmt, 'priority=5,in_port=1,actions=output:2']);
    for (const [v, head] of [
      [[], 'NXST_FLOW_MONITOR reply'],
      [['-O', 'OpenFlow13'], 'ONFST_FLOW_MONITOR reply (OF1.3)'],
      [['-O', 'OpenFlow14'], 'OFPST_FLOW_MONITOR reply (OF1.4)'],
    ] as const) {
      const out = await monitored([...v, 'monitor', f.mgmt, 'watch:'], async () => {
        await ofctlOk(['add-flow', f.mgmt, 'priority=7,in_port=2,actions=output:1']);
        await ofctlOk(['mod-flows', f.mgmt, 'in_port=2,actions=drop']);
        await ofctlOk(['del-flows', f.mgmt, 'in_port=2']);
      });
      const l = out.trim().split('\n').filter((x) => !x.startsWith('20'));
      assert.deepEqual(l.slice(2), [
        `${head} (xid=0x0):`,
        ' event=ADDED table=0 cookie=0 in_port=2 actions=output:1',
        `${head} (xid=0x0):`,
        ' event=MODIFIED table=0 cookie=0 in_port=2',
        `${head} (xid=0x0):`,
        ' event=DELETED reason=delete table=0 cookie=0 in_port=2',
      ]);
    }
  });

  test('a service connection without miss_send_len gets no packet-ins', async () => {
    const pkt = udpFrame({ ethSrc: mac(1), ethDst: mac(2) });
    const out = await monitored(['monitor', f.mgmt, '-P', 'standard'], () => void f.dev.p1!.receive(pkt));
    assert.doesNotMatch(out, /PACKET_IN/);
  });
});
