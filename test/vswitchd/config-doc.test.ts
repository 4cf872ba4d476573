/*
 * Document transactions without I/O: operations applied all-or-nothing, garbage collection of
 * unreferenced rows, integrity (references, unique names), read-only and immutable columns,
 * the generation check, validation of loaded documents, and diff -> apply round trips.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffDocs, newConfigDoc, rootRow, type ConfigDoc, type ConfigOp } from '../../src/vswitchd/config-doc.js';
import { TxnError, applyOps, validateDoc } from '../../src/vswitchd/config-txn.js';
import { resolveConfig } from '../../src/vswitchd/config-view.js';

const U = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** A bridge with its local port, plus extra ports, as tsovs-vsctl add-br/add-port build them. */
function bridgeOps(doc: ConfigDoc, name: string, base: number, ports: string[] = []): ConfigOp[] {
  const ops: ConfigOp[] = [];
  const portUuids: string[] = [];
  [name, ...ports].forEach((p, i) => {
    ops.push({ op: 'insert', table: 'Interface', uuid: U(base + 2 * i), row: { name: p, type: p === name ? 'internal' : '' } });
    ops.push({ op: 'insert', table: 'Port', uuid: U(base + 2 * i + 1), row: { name: p, interfaces: [U(base + 2 * i)] } });
    portUuids.push(U(base + 2 * i + 1));
  });
  ops.push({ op: 'insert', table: 'Bridge', uuid: U(base + 100), row: { name, ports: portUuids } });
  const root = rootRow(doc);
  ops.push({ op: 'update', table: 'Open_vSwitch', uuid: root.uuid, row: { bridges: [...(root.row.bridges as string[]), U(base + 100)] } });
  return ops;
}

function txnError(fn: () => unknown): TxnError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TxnError, String(e));
    return e;
  }
  assert.fail('no error');
}

test('a new document has one Open_vSwitch row and validates', () => {
  const d = newConfigDoc();
  assert.equal(Object.keys(d.tables.Open_vSwitch).length, 1);
  assert.equal(validateDoc(d), null);
  assert.equal(d.generation, 0);
});

test('inserts are applied together, the generation bumps, the input is untouched', () => {
  const d = newConfigDoc();
  const before = JSON.stringify(d);
  const r = applyOps(d, bridgeOps(d, 'br0', 0, ['p1']), 'client');
  assert.equal(JSON.stringify(d), before);
  assert.equal(r.changed, true);
  assert.equal(r.doc.generation, 1);
  assert.deepEqual(r.inserted, [U(0), U(1), U(2), U(3), U(100)]);
  const view = resolveConfig(r.doc);
  assert.deepEqual(
    view.bridges.map((b) => [b.name, b.ports.map((p) => p.name)]),
    [['br0', ['br0', 'p1']]],
  );
  assert.equal(view.bridges[0].ports[0].interfaces[0].type, 'internal');
  // Same ops again: nothing new, no generation bump for a no-op update.
  const r2 = applyOps(r.doc, [{ op: 'update', table: 'Bridge', uuid: U(100), row: { name: 'br0' } }], 'client');
  assert.equal(r2.changed, false);
  assert.equal(r2.doc.generation, 1);
});

test('unreferenced rows are garbage-collected, deleting a bridge takes its ports', () => {
  const d0 = newConfigDoc();
  let d = applyOps(d0, bridgeOps(d0, 'br0', 0, ['p1', 'p2']), 'client').doc;
  // An orphan insert disappears.
  d = applyOps(d, [{ op: 'insert', table: 'Controller', row: { target: 'tcp:1.2.3.4' } }], 'client').doc;
  assert.equal(Object.keys(d.tables.Controller).length, 0);
  const root = rootRow(d);
  d = applyOps(d, [{ op: 'update', table: 'Open_vSwitch', uuid: root.uuid, row: { bridges: [] } }], 'client').doc;
  assert.equal(Object.keys(d.tables.Bridge).length + Object.keys(d.tables.Port).length + Object.keys(d.tables.Interface).length, 0);
});

test('any bad operation rejects the whole transaction', () => {
  const d0 = newConfigDoc();
  const d = applyOps(d0, bridgeOps(d0, 'br0', 0), 'client').doc;
  const cases: Array<[ConfigOp[], RegExp]> = [
    [bridgeOps(d, 'br0', 200), /multiple rows in "Bridge" table to have identical values \("br0"\)/],
    [[{ op: 'update', table: 'Bridge', uuid: U(100), row: { ports: [U(999)] } }], /referential integrity violation/],
    [[{ op: 'update', table: 'Bridge', uuid: U(100), row: { fail_mode: ['sometimes'] } }], /fail_mode/],
    [[{ op: 'update', table: 'Bridge', uuid: U(100), row: { nosuch: 1 } }], /No column nosuch in table Bridge/],
    [[{ op: 'update', table: 'Bridge', uuid: U(100), row: { name: 'br1' } }], /cannot modify read-only column name in table Bridge/],
    [[{ op: 'update', table: 'Interface', uuid: U(0), row: { ofport: [1] } }], /cannot modify read-only column ofport/],
    [[{ op: 'update', table: 'Port', uuid: U(1), row: { tag: [4096] } }], /tag/],
    [[{ op: 'update', table: 'Port', uuid: U(1), row: { interfaces: [] } }], /interfaces/],
    [[{ op: 'delete', table: 'Port', uuid: U(1) }], /referential integrity violation/],
    [[{ op: 'delete', table: 'Bridge', uuid: U(555) }], /no row/],
    [[{ op: 'check', generation: d.generation + 5 }], /^conflict/],
    [[{ op: 'frob' } as unknown as ConfigOp], /unknown operation "frob"/],
  ];
  for (const [ops, re] of cases) {
    // Every case also carries a valid change that must not survive.
    const withGood: ConfigOp[] = [{ op: 'update', table: 'Bridge', uuid: U(100), row: { datapath_type: 'netdev' } }, ...ops];
    const e = txnError(() => applyOps(d, withGood, 'client'));
    assert.match(e.message, re);
    assert.equal(e.conflict, re.source === '^conflict');
    assert.equal(d.tables.Bridge[U(100)].datapath_type, '');
  }
});

test('the daemon may write result columns', () => {
  const d0 = newConfigDoc();
  const d = applyOps(d0, bridgeOps(d0, 'br0', 0), 'client').doc;
  const r = applyOps(d, [{ op: 'update', table: 'Interface', uuid: U(0), row: { ofport: [65534], link_state: ['up'] } }], 'daemon');
  assert.deepEqual(r.doc.tables.Interface[U(0)].ofport, [65534]);
});

test('loaded documents are validated', () => {
  const d0 = newConfigDoc();
  const d = applyOps(d0, bridgeOps(d0, 'br0', 0), 'client').doc;
  assert.equal(validateDoc(d), null);
  const broken = structuredClone(d) as unknown as { tables: { Bridge: Record<string, Record<string, unknown>> } };
  broken.tables.Bridge[U(100)].ports = [U(77)];
  assert.match(validateDoc(broken) ?? '', /nonexistent row/);
  assert.match(validateDoc({ format: 'tsovs-config', version: 2, generation: 0, tables: {} }) ?? '', /version/);
  assert.match(validateDoc({ ...d, extra: 1 }) ?? '', /additional properties/);
  const twoRoots = structuredClone(d);
  twoRoots.tables.Open_vSwitch[U(12345)] = { bridges: [], other_config: {}, external_ids: {}, ovs_version: [] };
  assert.match(validateDoc(twoRoots) ?? '', /exactly one row/);
});

test('diff then apply reproduces random edits', () => {
  const d0 = newConfigDoc();
  const base = applyOps(d0, bridgeOps(d0, 'br0', 0, ['p1', 'p2', 'p3']), 'client').doc;
  const edit = fc.record({
    tag: fc.option(fc.integer({ min: 0, max: 4095 }), { nil: undefined }),
    trunks: fc.uniqueArray(fc.integer({ min: 0, max: 4095 }), { maxLength: 5 }),
    other: fc.dictionary(fc.constantFrom('mac-aging-time', 'hwaddr', 'x'), fc.string({ maxLength: 5 })),
    dropPort: fc.boolean(),
    addBridge: fc.boolean(),
  });
  fc.assert(
    fc.property(edit, (e) => {
      const after = structuredClone(base);
      after.tables.Port[U(3)].tag = e.tag === undefined ? [] : [e.tag];
      after.tables.Port[U(3)].trunks = [...e.trunks].sort((a, b) => a - b);
      after.tables.Bridge[U(100)].other_config = Object.fromEntries(Object.entries(e.other).sort());
      if (e.dropPort) {
        after.tables.Bridge[U(100)].ports = (after.tables.Bridge[U(100)].ports as string[]).filter((p) => p !== U(5));
        delete after.tables.Port[U(5)];
        delete after.tables.Interface[U(4)];
      }
      let target = after;
      if (e.addBridge) target = applyOps(after, bridgeOps(after, 'br1', 1000), 'client').doc;
      const ops = diffDocs(base, target);
      const r = applyOps(base, [{ op: 'check', generation: base.generation }, ...ops], 'client');
      assert.deepEqual(r.doc.tables, target.tables);
    }),
    { seed: 7, numRuns: 100 },
  );
});
