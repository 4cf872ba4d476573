/*
 * Differential tests of the OpenFlow codec against real Open vSwitch tools (Debian's
 * ovs-ofctl, which .ci/run installs): random action lists and instructions that
 * tsovs encodes must be read by `ovs-ofctl parse-actions` / `parse-instructions` as the same
 * actions (same text as tsovs's formatter) and re-encoded by OVS to the very same bytes; random
 * messages that tsovs encodes must be decoded by `ovs-ofctl ofp-print` without errors, and
 * flow-mods must print as tsovs prints them.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { encodeActionsBytes, encodeMessage, OfType, type FlowModMsg } from '../../src/openflow/codec/index.js';
import { formatActions } from '../../src/openflow/flow-syntax/actions-format.js';
import { formatFlowMod } from '../../src/openflow/flow-syntax/flow-mod.js';
import { arbActions, arbInstructions, arbMessage } from './codec-gen.js';

const VERSIONS: ReadonlyArray<readonly [number, string]> = [[1, 'OpenFlow10'], [4, 'OpenFlow13'], [5, 'OpenFlow14'], [6, 'OpenFlow15']];

/** Errors from OVS's consistency checks (ofpacts_check: prerequisites, goto_table order, VLAN tags): ofproto's job, not the codec's. */
const SEMANTIC = /OFPBAC_MATCH_INCONSISTENT|OFPBIC_BAD_TABLE_ID|OFPBAC_BAD_TAG/;

function ofctl(args: string[], input?: string): string {
  const r = spawnSync('ovs-ofctl', args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return r.stdout;
}

describe('ovs-ofctl reads what tsovs writes', () => {
  test('ovs-ofctl is installed (.ci/run installs openvswitch-common)', () => {
    assert.equal(spawnSync('ovs-ofctl', ['--version'], { encoding: 'utf8' }).status, 0);
  });
  for (const [v, name] of VERSIONS) {
    for (const inst of [false, true]) {
      test(`${name} ${inst ? 'instructions' : 'actions'}: same actions, same bytes when OVS re-encodes them`, () => {
        const lists = fc.sample(inst ? arbInstructions(v) : arbActions(v), { seed: 600 + v * 2 + (inst ? 1 : 0), numRuns: 150 })
          .filter((a) => a.length > 0);
        const input = lists.map((a) => Buffer.from(encodeActionsBytes(a, v, inst)).toString('hex')).join('\n') + '\n';
        const blocks = ofctl([inst ? 'parse-instructions' : 'parse-actions', name], input).split('\n\n').filter((b) => b.trim());
        assert.equal(blocks.length, lists.length);
        let checked = 0;
        blocks.forEach((b, i) => {
          const lines = b.split('\n');
          if (SEMANTIC.test(lines[0]!)) return;
          checked++;
          // A second line would list the bytes where OVS's re-encoding differs from ours.
          assert.deepEqual(lines, [`actions=${formatActions(lists[i]!)}`]);
        });
        assert.ok(checked > lists.length / 3, `only ${checked} lists checked`);
      });
    }
  }

  for (const [v, name] of VERSIONS) {
    test(`${name} messages decode in ovs-ofctl ofp-print; flow-mods print alike`, () => {
      const msgs = fc.sample(arbMessage(v), { seed: 700 + v, numRuns: 60 })
        .filter((m) => m.type !== OfType.TABLE_FEATURES_STATS_REPLY); // property contents are not generated meaningfully
      for (const m of msgs) {
        const hex = Buffer.from(encodeMessage(m, v)).toString('hex');
        const out = execFileSync('ovs-ofctl', ['ofp-print', hex], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        const first = out.split('\n')[0]!;
        if (SEMANTIC.test(first)) continue;
        assert.ok(!/decode error/.test(out), `${hex}\n${out}`);
        if (m.type === OfType.FLOW_MOD) assert.equal(first.replace(/^[^:]*\): /, ''), tsovsFlowModText(m, v));
      }
    });
  }
});

/** The flow-mod text tsovs's formatter gives (ovs-ofctl decodes OF1.0 flow-mods with table ids on). */
function tsovsFlowModText(m: FlowModMsg, v: number): string {
  return formatFlowMod({ ...m, actions: [...m.actions], tableId: v === 1 ? 0 : m.tableId }, { ofVersion: v });
}
