/*
 * The resolved view the bridge layer reads: nesting, sorting, optional columns, and the
 * other_config keys parsed with OVS's defaults (bad values fall back to the default).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newConfigDoc, rootRow, type ConfigOp } from '../../src/vswitchd/config-doc.js';
import { applyOps } from '../../src/vswitchd/config-txn.js';
import { resolveConfig } from '../../src/vswitchd/config-view.js';

const U = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

test('nested, sorted, typed', () => {
  const d0 = newConfigDoc();
  const ops: ConfigOp[] = [
    { op: 'insert', table: 'Interface', uuid: U(1), row: { name: 'zz', type: 'dummy', ofport_request: [9], options: { a: 'b' } } },
    { op: 'insert', table: 'Port', uuid: U(2), row: { name: 'zz', interfaces: [U(1)], tag: [7], trunks: [3, 1], vlan_mode: ['access'] } },
    { op: 'insert', table: 'Interface', uuid: U(3), row: { name: 'aa' } },
    { op: 'insert', table: 'Port', uuid: U(4), row: { name: 'aa', interfaces: [U(3)] } },
    { op: 'insert', table: 'Controller', uuid: U(5), row: { target: 'tcp:1.2.3.4:6653', inactivity_probe: [3000] } },
    {
      op: 'insert',
      table: 'Bridge',
      uuid: U(6),
      row: {
        name: 'brB',
        ports: [U(2), U(4)],
        controller: [U(5)],
        fail_mode: ['secure'],
        other_config: { 'mac-aging-time': '60', 'mac-table-size': 'lots', 'datapath-id': '00000000000000AB', hwaddr: 'nope' },
      },
    },
    { op: 'insert', table: 'Bridge', uuid: U(7), row: { name: 'brA' } },
    { op: 'update', table: 'Open_vSwitch', uuid: rootRow(d0).uuid, row: { bridges: [U(6), U(7)], other_config: { 'flow-limit': '1000', 'max-idle': '5' } } },
  ];
  const v = resolveConfig(applyOps(d0, ops, 'client').doc);
  assert.deepEqual(v.bridges.map((b) => b.name), ['brA', 'brB']);
  assert.equal(v.flowLimit, 1000);
  assert.equal(v.maxIdle, 10000, 'max-idle below 500 ms falls back to the default');
  const [a, b] = v.bridges;
  assert.equal(a.failMode, undefined);
  assert.deepEqual(a.tuning, { macAgingTime: 300, macTableSize: 2048, datapathId: undefined, hwaddr: undefined });
  assert.equal(b.failMode, 'secure');
  assert.deepEqual(b.tuning, { macAgingTime: 60, macTableSize: 2048, datapathId: '00000000000000ab', hwaddr: undefined });
  assert.deepEqual(b.ports.map((p) => p.name), ['aa', 'zz']);
  const zz = b.ports[1];
  assert.equal(zz.tag, 7);
  assert.deepEqual(zz.trunks, [1, 3]);
  assert.equal(zz.vlanMode, 'access');
  assert.deepEqual(zz.interfaces.map((i) => [i.name, i.type, i.ofportRequest, i.options]), [['zz', 'dummy', 9, { a: 'b' }]]);
  assert.equal(b.ports[0].tag, undefined);
  assert.equal(b.ports[0].interfaces[0].type, '');
  assert.deepEqual(b.controllers.map((c) => [c.target, c.inactivityProbe, c.connectionMode]), [['tcp:1.2.3.4:6653', 3000, undefined]]);
});
