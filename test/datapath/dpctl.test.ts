/* dpctl text output: dump-flows lines (plain and -m) and dpctl/show, in OVS's shapes. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { Datapath } from '../../src/datapath/datapath.js';
import { DpActionType } from '../../src/datapath/actions.js';
import { FlowPutFlags, type Upcall } from '../../src/datapath/dpif.js';
import { formatDumpFlows, formatDpctlShow, formatStatsTcpFlags } from '../../src/datapath/dpctl.js';
import { parseDpKey } from '../../src/flow/odp-key-parse.js';
import { DummyNetdev } from '../../src/netdev/dummy.js';
import { buildFrame } from '../../src/packet/build.js';
import { ManualClock } from '../../src/util/clock.js';

test('dump-flows prints key, stats and actions like ovs-dpctl; -m adds ufid, masks and names', () => {
  const clock = new ManualClock(10_000);
  const dp = new Datapath('ovs-dummy', 'dummy', { clock });
  const p1 = new DummyNetdev('p1');
  dp.portAdd(p1, 1);
  dp.portAdd(new DummyNetdev('p2'), 2);
  const { key, mask } = parseDpKey(
    'recirc_id(0),in_port(1),eth(dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(frag=no)',
  );
  dp.flowPut({ key, mask, actions: [{ type: DpActionType.OUTPUT, port: 2 }], flags: FlowPutFlags.CREATE });
  const frame = buildFrame({
    eth: { src: '50:54:00:00:00:01', dst: '50:54:00:00:00:02' },
    ipv4: { src: '10.0.0.1', dst: '10.0.0.2' },
    tcp: { src: 1234, dst: 80, flags: 'syn' },
  });
  p1.receive(frame);
  clock.advance(8);
  const plain = formatDumpFlows(dp, { now: clock.now() });
  assert.equal(
    plain,
    'flow-dump from the main thread:\n' +
      `recirc_id(0),in_port(1),eth(dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(frag=no), packets:1, bytes:${frame.length}, used:0.008s, flags:S, actions:2\n`,
  );
  const names = (n: number): string | undefined => dp.portQuery(n)?.name;
  const verbose = formatDumpFlows(dp, { now: clock.now(), verbose: true, portName: names });
  assert.match(verbose, /^flow-dump from the main thread:\nufid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}, /);
  assert.match(verbose, /in_port\(p1\)/);
  assert.match(verbose, /eth\(src=00:00:00:00:00:00\/00:00:00:00:00:00,dst=50:54:00:00:00:02\)/);
  assert.match(verbose, /, actions:p2\n$/);
  // A flow never hit.
  const ups: Upcall[] = [];
  p1.receive(buildFrame({ arp: {} }));
  dp.recvUpcalls(ups, 1);
  const m2 = new Uint32Array(mask.length);
  m2[0] = 0xffffffff;
  dp.flowPut({ key: ups[0]!.key, mask: m2, actions: [], flags: FlowPutFlags.CREATE });
  assert.match(formatDumpFlows(dp, { now: clock.now() }), /in_port\(1\), packets:0, bytes:0, used:never, actions:drop\n/);
});

test('dpctl/show lists counters and ports', () => {
  const dp = new Datapath('ovs-dummy', 'dummy');
  dp.portAdd(new DummyNetdev('p1'), 1);
  const p = new DummyNetdev('p2');
  dp.portAdd(p, 2);
  p.receive(buildFrame({ arp: {} }));
  assert.equal(
    formatDpctlShow(dp),
    'dummy@ovs-dummy:\n  lookups: hit:0 missed:1 lost:0\n  flows: 0\n  masks: hit:0 total:0 hit/pkt:0.00\n' +
      '  cache: hit:0 hit-rate:0.00%\n  port 1: p1 (dummy)\n  port 2: p2 (dummy)\n',
  );
  assert.equal(formatStatsTcpFlags(0x012), 'S.');
  assert.equal(formatStatsTcpFlags(0x019), 'FP.');
});
