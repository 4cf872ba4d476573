/*
 * MacLearning: learning, moves, aging, fair eviction, GARP lock, static entries, fdb/show.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MacLearning, MAC_ENTRY_STATIC } from '../../src/ofproto/mac-learning.js';

const M1 = 0x000000000001;
const M2 = 0x000000000002;
const M3 = 0x000000000003;
const BCAST = 0xffffffffffff;
const MCAST = 0x01005e000001;

test('learns, looks up per VLAN, ignores multicast sources and destinations', () => {
  const ml = new MacLearning();
  assert.equal(ml.update(M1, 0, 1, false, false, 0), true);
  assert.equal(ml.lookup(M1, 0)?.port, 1);
  assert.equal(ml.lookup(M1, 10), undefined);
  assert.equal(ml.update(MCAST, 0, 1, false, false, 0), false);
  assert.equal(ml.update(BCAST, 0, 1, false, false, 0), false);
  assert.equal(ml.lookup(BCAST, 0), undefined);
  assert.equal(ml.size, 1);
});

test('version bumps on new entries and moves, not on refreshes', () => {
  const ml = new MacLearning();
  ml.update(M1, 0, 1, false, false, 0);
  const v = ml.version;
  assert.equal(ml.update(M1, 0, 1, false, false, 2000), false);
  assert.equal(ml.version, v);
  assert.equal(ml.update(M1, 0, 2, false, false, 3000), true);
  assert.equal(ml.version, v + 1);
  assert.equal(ml.lookup(M1, 0)?.port, 2);
  assert.equal(ml.stats.moved, 1);
});

test('ages out after the idle time; refresh extends life', () => {
  const ml = new MacLearning({ idleTime: 20 });
  ml.update(M1, 0, 1, false, false, 0);
  ml.update(M2, 0, 2, false, false, 0);
  ml.update(M1, 0, 1, false, false, 10_000); // refresh M1
  assert.equal(ml.run(19_999), true); // the inserts changed the table
  assert.equal(ml.size, 2);
  ml.run(20_000);
  assert.equal(ml.lookup(M2, 0), undefined);
  assert.equal(ml.lookup(M1, 0)?.port, 1);
  ml.run(30_000);
  assert.equal(ml.size, 0);
  assert.equal(ml.stats.expired, 2);
});

test('idle time is clamped to [15, 3600] like OVS', () => {
  assert.equal(new MacLearning({ idleTime: 1 }).idleTime, 15);
  assert.equal(new MacLearning({ idleTime: 99999 }).idleTime, 3600);
});

test('full table evicts the LRU entry of the port holding most entries', () => {
  const ml = new MacLearning({ maxEntries: 10 });
  // port 1: 6 entries, port 2: 4 entries
  for (let i = 0; i < 6; i++) ml.update(0x100 + i, 0, 1, false, false, 0);
  for (let i = 0; i < 4; i++) ml.update(0x200 + i, 0, 2, false, false, 0);
  ml.update(0x100, 0, 1, false, false, 1000); // 0x100 no longer LRU of port 1 (age>0 refresh)
  ml.update(0x300, 0, 3, false, false, 2000);
  assert.equal(ml.size, 10);
  assert.equal(ml.stats.evicted, 1);
  assert.equal(ml.lookup(0x101, 0), undefined, 'oldest of the busiest port is evicted');
  assert.ok(ml.lookup(0x100, 0));
  assert.ok(ml.lookup(0x200, 0));
  assert.ok(ml.lookup(0x300, 0));
});

test('gratuitous ARP locks an entry against moves learned on bonds for 5 s', () => {
  const ml = new MacLearning();
  ml.update(M1, 0, 1, true, false, 0); // GARP on a normal port: sets the lock
  assert.equal(ml.update(M1, 0, 2, true, true, 1000), false, 'GARP reflected over a bond is ignored');
  assert.equal(ml.lookup(M1, 0)?.port, 1);
  assert.equal(ml.update(M1, 0, 2, true, true, 5000), true, 'lock expired');
  assert.equal(ml.lookup(M1, 0)?.port, 2);
});

test('static entries survive aging and flush and do not move', () => {
  const ml = new MacLearning({ idleTime: 15 });
  ml.addStatic(M1, 5, 3, 0);
  ml.update(M2, 0, 1, false, false, 0);
  assert.equal(ml.update(M1, 5, 4, false, false, 1000), false);
  ml.run(100_000);
  assert.equal(ml.lookup(M1, 5)?.port, 3);
  assert.equal(ml.lookup(M2, 0), undefined);
  ml.update(M3, 0, 1, false, false, 100_000);
  ml.flush();
  assert.equal(ml.size, 1);
  assert.equal(ml.age(ml.lookup(M1, 5)!, 0), MAC_ENTRY_STATIC);
  assert.equal(ml.delStatic(M1, 5), true);
  assert.equal(ml.size, 0);
});

test('flood VLANs never learn', () => {
  const ml = new MacLearning();
  ml.setFloodVlans([10]);
  assert.equal(ml.update(M1, 10, 1, false, false, 0), false);
  assert.equal(ml.update(M1, 11, 1, false, false, 0), true);
});

test('flushPort removes only that port', () => {
  const ml = new MacLearning();
  ml.update(M1, 0, 1, false, false, 0);
  ml.update(M2, 0, 2, false, false, 0);
  ml.flushPort(1);
  assert.equal(ml.lookup(M1, 0), undefined);
  assert.equal(ml.lookup(M2, 0)?.port, 2);
});

test('fdbShow matches the OVS layout', () => {
  const ml = new MacLearning();
  ml.update(M1, 0, 1, false, false, 0);
  ml.update(M2, 0, 2, false, false, 0);
  ml.update(0x000000000004, 10, 4, false, false, 0);
  ml.update(0x0000000000aa, 0, 0xfffe, false, false, 0);
  ml.addStatic(0x0000000000bb, 7, 3, 0);
  assert.equal(
    ml.fdbShow(12_500),
    ' port  VLAN  MAC                Age\n' +
      '    1     0  00:00:00:00:00:01   12\n' +
      '    2     0  00:00:00:00:00:02   12\n' +
      '    4    10  00:00:00:00:00:04   12\n' +
      'LOCAL     0  00:00:00:00:00:aa   12\n' +
      '    3     7  00:00:00:00:00:bb  static\n',
  );
});

test('property: size never exceeds max, every entry is found under its port', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 5 })), {
        maxLength: 200,
      }),
      (ops) => {
        const ml = new MacLearning({ maxEntries: 10 });
        let t = 0;
        const model = new Map<string, number>();
        for (const [mac, vlan, port] of ops) {
          t += 100;
          ml.update(mac * 2, vlan, port, false, false, t);
          model.set(vlan + '/' + mac * 2, port);
          assert.ok(ml.size <= 10);
        }
        for (const e of ml.entries()) {
          assert.equal(e.port, model.get(e.vlan + '/' + e.mac), 'a present entry has its latest port');
          assert.equal(ml.lookup(e.mac, e.vlan), e);
        }
      },
    ),
    { seed: 42, numRuns: 200 },
  );
});
