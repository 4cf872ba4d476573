/*
 * coverage/show and coverage/read-counter (src/vswitchd/coverage.ts) in virtual time: the
 * line format, rates over 5 s / minute / hour from the interval ring, counts spread over
 * intervals that passed unseen, the hash checked against values real OVS printed (and
 * against a live reference OVS), the ring checked against a plain model on random runs, and
 * the daemon's counters and rates following real events and its injected clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../../src/util/clock.js';
import { CoverageRegistry } from '../../src/util/coverage.js';
import { COVERAGE_RUN_INTERVAL, CoverageRates, coverageHash, registerCoverageCommands } from '../../src/vswitchd/coverage.js';
import type { UnixctlHandler } from '../../src/vswitchd/unixctl.js';
import { ReferenceOvs } from '../support/reference-ovs.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Daemon } from '../../src/vswitchd/daemon.js';
import { Vlog } from '../../src/vswitchd/vlog.js';
import { ofprotoHostFactory, type OfprotoHost } from '../../src/vswitchd/ofproto-host.js';
import { unixctlTransact } from '../../src/vswitchd/unixctl.js';
import { vsctlMain } from '../../src/cli/vsctl/vsctl.js';
import { DummyNetdev } from '../../src/netdev/dummy.js';

const HEADER = /^Event coverage, avg rate over last: 5 seconds, last minute, last hour, {2}hash=[0-9a-f]{8}:$/;
/** `%-24s %5.1f/sec %9.3f/sec %13.4f/sec   total: %llu` (a field grows when its value does not fit). */
const LINE = /^[a-z0-9_]+ +[ \d]{2,}\d\.\d\/sec [ \d]{4,}\d\.\d{3}\/sec [ \d]{7,}\d\.\d{4}\/sec {3}total: \d+$/;
const TRAILER = /^\d+ events never hit$/;

function setup(names: string[]): { clock: ManualClock; reg: CoverageRegistry; rates: CoverageRates } {
  const clock = new ManualClock(0);
  const reg = new CoverageRegistry(names);
  return { clock, reg, rates: new CoverageRates(clock, reg) };
}

test('format: header, one line per counter hit (registration order), trailer', () => {
  const { clock, reg, rates } = setup(['zz_first', 'a', 'never', 'a_very_long_counter_name_x']);
  reg.get('a')!.count = 10;
  reg.get('zz_first')!.count = 1;
  reg.get('a_very_long_counter_name_x')!.count = 1;
  clock.advance(COVERAGE_RUN_INTERVAL);
  const text = rates.show();
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'ends with a newline');
  assert.match(lines[0]!, HEADER);
  assert.deepEqual(lines.slice(1), [
    'zz_first                   0.2/sec     0.017/sec        0.0003/sec   total: 1',
    'a                          2.0/sec     0.167/sec        0.0028/sec   total: 10',
    'a_very_long_counter_name_x   0.2/sec     0.017/sec        0.0003/sec   total: 1',
    '1 events never hit',
  ]);
  for (const l of lines.slice(1, -1)) assert.match(l, LINE);
});

test('nothing counted: the hash OVS prints for no events, then only the trailer', () => {
  const { rates } = setup(['a', 'b']);
  assert.equal(rates.show(), 'Event coverage, avg rate over last: 5 seconds, last minute, last hour,  hash=63852afc:\n2 events never hit\n');
});

test('rates: last interval, minute and hour windows in virtual time', () => {
  const { clock, reg, rates } = setup(['a']);
  const a = reg.get('a')!;
  const line = (): string => rates.show().split('\n')[1]!;
  // Before the first interval ends nothing is in the ring: rates 0, total live.
  a.count = 3;
  assert.equal(line(), 'a                          0.0/sec     0.000/sec        0.0000/sec   total: 3');
  clock.advance(COVERAGE_RUN_INTERVAL);
  assert.equal(line(), 'a                          0.6/sec     0.050/sec        0.0008/sec   total: 3');
  // An interval with nothing: the 5 s rate drops, the minute still has the 3.
  clock.advance(COVERAGE_RUN_INTERVAL);
  assert.equal(line(), 'a                          0.0/sec     0.050/sec        0.0008/sec   total: 3');
  // 12 intervals later the minute window has forgotten them, the hour has not.
  for (let i = 0; i < 11; i++) {
    clock.advance(COVERAGE_RUN_INTERVAL);
    rates.run();
  }
  assert.equal(line(), 'a                          0.0/sec     0.000/sec        0.0008/sec   total: 3');
  // An hour later the hour has forgotten them too.
  for (let i = 0; i < 720; i++) {
    clock.advance(COVERAGE_RUN_INTERVAL);
    rates.run();
  }
  assert.equal(line(), 'a                          0.0/sec     0.000/sec        0.0000/sec   total: 3');
});

test('a run late by several intervals spreads the count evenly, the remainder on the last', () => {
  const { clock, reg, rates } = setup(['b']);
  reg.get('b')!.count = 7;
  clock.advance(3 * COVERAGE_RUN_INTERVAL); // three intervals passed without a run
  // Last interval got 2 + 7 % 3 = 3.
  assert.equal(rates.show().split('\n')[1], 'b                          0.6/sec     0.117/sec        0.0019/sec   total: 7');
  // No run before the next interval ends: the same ring.
  clock.advance(COVERAGE_RUN_INTERVAL - 1);
  reg.get('b')!.count = 8;
  assert.equal(rates.show().split('\n')[1], 'b                          0.6/sec     0.117/sec        0.0019/sec   total: 8');
});

test('coverage/read-counter and coverage/show as unixctl commands', async () => {
  const { reg, rates } = setup(['a']);
  reg.get('a')!.count = 42;
  const cmds = new Map<string, UnixctlHandler>();
  registerCoverageCommands({ register: (n, _u, _a, _b, h) => cmds.set(n, h), unregister: () => undefined }, rates);
  assert.equal(await cmds.get('coverage/read-counter')!(['a']), '42\n');
  assert.throws(() => cmds.get('coverage/read-counter')!(['nope']), { message: 'No such counter' });
  assert.match(String(await cmds.get('coverage/show')!([])), /\na {26}0\.0\/sec .* total: 42\n0 events never hit\n$/);
});

/** Counters with the totals real OVS 3.1 showed, and the hash it printed with them. */
const OVS_SAMPLES: Array<{ hash: string; totals: Record<string, number> }> = [
  {
    hash: 'e638588c',
    totals: {
      bridge_reconfigure: 4, ofproto_flush: 2, ofproto_update_port: 9, rev_reconfigure: 4, rev_port_toggled: 1,
      rev_flow_table: 2, ccmap_shrink: 48, cmap_expand: 74, cmap_shrink: 52, dpif_port_add: 3, dpif_flow_flush: 2,
      dpif_flow_get: 48, dpif_flow_put: 50, dpif_flow_del: 48, dpif_execute: 12, flow_extract: 8, miniflow_malloc: 24,
      hmap_pathological: 2, hmap_expand: 967, hmap_shrink: 1, netdev_get_stats: 6, txn_unchanged: 3, txn_incomplete: 14,
      txn_success: 4, poll_create_node: 1910, poll_zero_timeout: 4, seq_change: 15142, pstream_open: 5, stream_open: 1,
      unixctl_received: 4, unixctl_replied: 4, util_xalloc: 16287, netdev_set_policing: 2, netdev_set_hwaddr: 1,
      netdev_get_ethtool: 3, netlink_received: 39, netlink_recv_jumbo: 17, netlink_sent: 27, nln_changed: 5,
    },
  },
  {
    hash: '96862a47',
    totals: {
      bridge_reconfigure: 8, ofproto_flush: 2, ofproto_packet_out: 1, ofproto_recv_openflow: 11, ofproto_update_port: 18,
      rev_reconfigure: 11, rev_port_toggled: 2, rev_flow_table: 3, rev_mac_learning: 4, xlate_actions: 15, ccmap_shrink: 49,
      cmap_expand: 83, cmap_shrink: 60, dpif_port_add: 4, dpif_flow_flush: 2, dpif_flow_get: 48, dpif_flow_put: 54,
      dpif_flow_del: 52, dpif_execute: 13, flow_extract: 8, miniflow_malloc: 28, hmap_pathological: 11, hmap_expand: 5840,
      hmap_shrink: 2, mac_learning_learned: 3, mac_learning_moved: 1, netdev_received: 4, netdev_sent: 4,
      netdev_get_stats: 110, drop_action_of_pipeline: 2, txn_unchanged: 42, txn_incomplete: 18, txn_success: 6,
      poll_create_node: 34242, poll_zero_timeout: 18, rconn_queued: 8, rconn_sent: 8, seq_change: 379459, pstream_open: 5,
      stream_open: 1, unixctl_received: 14, unixctl_replied: 14, util_xalloc: 73325, vconn_received: 18, vconn_sent: 15,
      netdev_set_policing: 2, netdev_set_hwaddr: 1, netdev_get_ethtool: 3, netlink_received: 105, netlink_recv_jumbo: 63,
      netlink_sent: 76, nln_changed: 13,
    },
  },
];

function registryWith(totals: Record<string, number>, zeros = 0): CoverageRegistry {
  const reg = new CoverageRegistry();
  for (const [name, n] of Object.entries(totals)) reg.counter(name).count = n;
  for (let i = 0; i < zeros; i++) reg.counter(`never_${i}`);
  return reg;
}

test('hash: the value real OVS printed for the same totals (counters never hit do not count)', () => {
  for (const s of OVS_SAMPLES) {
    assert.equal(coverageHash(registryWith(s.totals).counters()).toString(16).padStart(8, '0'), s.hash);
    assert.equal(coverageHash(registryWith(s.totals, 112).counters()).toString(16).padStart(8, '0'), s.hash);
  }
  // The hash depends on the grouping by total, not on the totals themselves.
  const a = coverageHash(registryWith({ x: 5, y: 5, z: 1 }).counters());
  assert.equal(coverageHash(registryWith({ y: 50, x: 50, z: 2 }).counters()), a);
  assert.notEqual(coverageHash(registryWith({ x: 5, y: 4, z: 1 }).counters()), a);
});

test('hash and text shape match a live reference OVS', (t) => {
  const ovs = new ReferenceOvs('tsovs-cov.');
  try {
    ovs.start();
    ovs.run('ovs-vsctl', ['add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath_type=dummy', '--', 'add-port', 'br0', 'p1', '--', 'set', 'interface', 'p1', 'type=dummy']);
    // Totals of other threads land every second, between OVS's hash and its totals: retry a few times.
    let last = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const text = ovs.run('ovs-appctl', ['coverage/show']);
      const lines = text.split('\n');
      assert.equal(lines.pop(), '');
      assert.match(lines[0]!, HEADER);
      assert.match(lines[lines.length - 1]!, TRAILER);
      const totals: Record<string, number> = {};
      for (const l of lines.slice(1, -1)) {
        assert.match(l, LINE);
        const [name] = l.split(' ');
        totals[name!] = Number(/total: (\d+)$/.exec(l)![1]);
      }
      const printed = /hash=([0-9a-f]{8})/.exec(lines[0]!)![1]!;
      last = coverageHash(registryWith(totals).counters()).toString(16).padStart(8, '0');
      if (last === printed) return;
      t.diagnostic(`attempt ${attempt}: OVS printed ${printed}, computed ${last}`);
    }
    assert.fail(`hash never matched (last computed ${last})`);
  } finally {
    ovs.stop();
  }
});

/** The ring as OVS's coverage_run writes it, slot by slot, with no shortcut. */
class ModelRates {
  min = new Array<number>(12).fill(0);
  hr = new Array<number>(60).fill(0);
  idx = 0;
  lastTotal = 0;
  runTime: number;
  constructor(now: number) {
    this.runTime = now + 5000;
  }
  run(now: number, total: number): void {
    if (now < this.runTime) return;
    const slots = Math.floor((now - this.runTime) / 5000) + 1;
    const count = total - this.lastTotal;
    this.lastTotal = total;
    let idx = this.idx;
    for (let j = 0; j < slots; j++) {
      const m = idx % 12;
      const h = Math.floor(idx / 12);
      this.min[m] = Math.floor(count / slots) + (j === slots - 1 ? count % slots : 0);
      this.hr[h] = m === 0 ? this.min[m]! : this.hr[h]! + this.min[m]!;
      idx = (idx + 1) % 720;
    }
    this.idx = (this.idx + slots) % 720;
    this.runTime = now + 5000;
  }
  line(total: number): string {
    const last = ((this.idx - 1) >>> 0) % 12;
    const s = (a: number[]): number => a.reduce((x, y) => x + y, 0);
    return `c ${' '.repeat(23)}${((this.min[last]! * 1000) / 5000).toFixed(1).padStart(5)}/sec ${(s(this.min) / 60).toFixed(3).padStart(9)}/sec ${(s(this.hr) / 3600).toFixed(4).padStart(13)}/sec   total: ${total}`;
  }
}

test('the ring matches a slot-by-slot model, also across gaps longer than an hour', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ dt: fc.oneof(fc.integer({ min: 0, max: 12_000 }), fc.integer({ min: 3_500_000, max: 8_000_000 })), n: fc.nat(1000), show: fc.boolean() }), {
        maxLength: 60,
      }),
      (steps) => {
        const { clock, reg, rates } = setup(['c']);
        const model = new ModelRates(clock.now());
        const c = reg.get('c')!;
        c.count = 1; // so that the line is shown
        for (const s of steps) {
          clock.advance(s.dt);
          c.count += s.n;
          if (s.show) {
            model.run(clock.now(), c.count);
            assert.equal(rates.show().split('\n')[1], model.line(c.count));
          } else {
            rates.run();
            model.run(clock.now(), c.count);
          }
        }
      },
    ),
    { seed: 20261125, numRuns: 300 },
  );
});

test('the daemon: counters move with real events, coverage/show rates follow its clock', async () => {
  const clock = new ManualClock(0);
  let host: OfprotoHost | null = null;
  const inner = ofprotoHostFactory({ dummy: 'override', clock });
  const d = await Daemon.start({
    rundir: fs.mkdtempSync(path.join(os.tmpdir(), 'tsovs-cov-')),
    vlog: new Vlog({ console: () => undefined }),
    bridgeHost: async (s) => (host = (await inner(s)) as OfprotoHost),
  });
  const app = async (...a: string[]): Promise<string> => {
    const r = await unixctlTransact(d.socketPath, a[0]!, a.slice(1));
    assert.equal(r.error, null);
    return r.result!;
  };
  const read = async (name: string): Promise<number> => Number(await app('coverage/read-counter', name));
  try {
    const io = { out: () => undefined, err: (s: string) => assert.fail(s) };
    const names = ['bridge_reconfigure', 'ofproto_update_port', 'dpif_port_add', 'dpif_flow_put', 'dpif_execute', 'xlate_actions',
      'netdev_received', 'netdev_sent', 'mac_learning_learned'] as const;
    const before = new Map<string, number>();
    for (const n of names) before.set(n, await read(n));
    assert.equal(await vsctlMain([`--db=unix:${d.socketPath}`, 'add-br', 'br0', '--', 'add-port', 'br0', 'p1', '--', 'add-port', 'br0', 'p2'], io), 0);
    const br = host!.ofproto.bridge('br0')!;
    const frame = new Uint8Array(60);
    frame.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0xb5]);
    (br.portByName('p1')!.netdev as DummyNetdev).receive(frame);
    host!.ofproto.handleUpcalls();
    const delta = async (n: string): Promise<number> => (await read(n)) - before.get(n)!;
    assert.ok((await delta('bridge_reconfigure')) >= 1);
    assert.equal(await delta('ofproto_update_port'), 2); // p1 and p2 added
    assert.equal(await delta('dpif_port_add'), 4); // the datapath's own port, br0, p1, p2
    assert.equal(await delta('dpif_flow_put'), 1); // the megaflow for the flooded frame
    assert.equal(await delta('xlate_actions'), 1);
    assert.equal(await delta('dpif_execute'), 1);
    assert.equal(await delta('netdev_received'), 1);
    assert.equal(await delta('netdev_sent'), 2); // flooded to p2 and br0
    assert.equal(await delta('mac_learning_learned'), 1);

    // Rates: nothing rolled yet; once the clock passes an interval, this process's counts
    // so far are the last 5 s (rates were created with the daemon, in this process).
    const put = await read('dpif_flow_put');
    const line = (text: string): string => text.split('\n').find((l) => l.startsWith('dpif_flow_put '))!;
    assert.equal(line(await app('coverage/show')), `dpif_flow_put${' '.repeat(14)}0.0/sec     0.000/sec        0.0000/sec   total: ${put}`);
    clock.advance(COVERAGE_RUN_INTERVAL);
    const f = (v: number, d: number, w: number): string => v.toFixed(d).padStart(w);
    assert.equal(line(await app('coverage/show')), `dpif_flow_put            ${f(put / 5, 1, 5)}/sec ${f(put / 60, 3, 9)}/sec ${f(put / 3600, 4, 13)}/sec   total: ${put}`);
    const text = await app('coverage/show');
    assert.match(text.split('\n')[0]!, HEADER);
    for (const l of text.trimEnd().split('\n').slice(1, -1)) assert.match(l, LINE);
    assert.match(text, /\n\d+ events never hit\n$/);
    assert.equal((await unixctlTransact(d.socketPath, 'coverage/read-counter', ['nope'])).error, 'No such counter');
  } finally {
    await d.stop();
  }
});
