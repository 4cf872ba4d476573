/*
 * Differential test of flow-mod semantics against the real Open vSwitch: random sequences
 * of add-flow / mod-flows / del-flows (loose and strict, cookies and cookie masks, out_port,
 * check_overlap, tables, timeouts) go to ovs-ofctl on a reference ovs-vswitchd and, as the
 * FlowMods OVS decodes them, to a tsovs bridge. After every command both agree on success
 * or the error, and `dump-flows --no-stats` is identical.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { COOKIE_NONE, type FlowMod } from '../../src/ofproto/flow-mod.js';
import { OFPUTIL_FF_RESET_COUNTS } from '../../src/ofproto/rule.js';
import { ReferenceOvs } from '../support/reference-ovs.js';
import { dump, fm, makeSwitch, OFPFC } from './bridge-helpers.js';

let ovs: ReferenceOvs;

before(() => {
  ovs = new ReferenceOvs('tsovs-fm.');
  ovs.start();
  ovs.addDummyBridge(2, ['protocols=OpenFlow10,OpenFlow14']);
});

after(() => ovs?.stop());

/**
 * What OVS decodes from ovs-ofctl's OpenFlow 1.0 / NXM flow_mod (ofputil_decode_flow_mod):
 * the cookie is "modified" whenever one is sent, importance does not exist before 1.4, and
 * an add always resets counters (so it carries reset_counts).
 */
function asDecoded(f: FlowMod): FlowMod {
  const flags = f.command === OFPFC.ADD ? f.flags | OFPUTIL_FF_RESET_COUNTS : f.flags;
  return { ...f, modifyCookie: f.newCookie !== COOKIE_NONE, importance: 0, flags };
}

const MATCHES = ['', 'in_port=1', 'in_port=2', 'ip', 'in_port=1,ip', 'tcp,tp_dst=80', 'ip,nw_src=10.0.0.0/8', 'arp', 'dl_vlan=5'];
const PRIOS = ['', 'priority=0,', 'priority=100,', 'priority=200,'];
const ACTIONS = ['output:1', 'output:2', 'drop', 'NORMAL', 'output:1,output:2', 'CONTROLLER:64'];
const SET_COOKIES = ['', 'cookie=0x1,', 'cookie=0x2,', 'cookie=0x13,'];
const MATCH_COOKIES = ['', 'cookie=0x1/-1,', 'cookie=0x2/0x3,', 'cookie=0x10/0x10,'];
const TABLES = ['', '', 'table=1,'];
const EXTRAS = ['', '', 'check_overlap,', 'send_flow_rem,', 'hard_timeout=600,', 'idle_timeout=900,'];

interface Op {
  cmd: 'add-flow' | 'mod-flows' | 'del-flows';
  strict: boolean;
  text: string;
}

const opArb: fc.Arbitrary<Op> = fc
  .record({
    kind: fc.integer({ min: 0, max: 9 }),
    strict: fc.boolean(),
    m: fc.constantFrom(...MATCHES),
    p: fc.constantFrom(...PRIOS),
    a: fc.constantFrom(...ACTIONS),
    sc: fc.constantFrom(...SET_COOKIES),
    mc: fc.constantFrom(...MATCH_COOKIES),
    t: fc.constantFrom(...TABLES),
    x: fc.constantFrom(...EXTRAS),
    outPort: fc.constantFrom('', '', 'out_port=2,'),
  })
  .map(({ kind, strict, m, p, a, sc, mc, t, x, outPort }): Op => {
    const match = m === '' ? '' : `${m},`;
    if (kind < 5) return { cmd: 'add-flow', strict: false, text: `${t}${x}${sc}${p}${match}actions=${a}` };
    if (kind < 8) {
      const cookie = kind === 7 ? mc : sc;
      return { cmd: 'mod-flows', strict, text: `${t}${cookie}${strict ? p : ''}${match}actions=${a}` };
    }
    const body = `${t}${kind === 9 ? mc : ''}${outPort}${strict ? p : ''}${m}`.replace(/,$/, '');
    return { cmd: 'del-flows', strict, text: body };
  });

function ovsDump(): string[] {
  // OpenFlow 1.4 flow stats carry the flags and importance.
  const out = ovs.run('ovs-ofctl', ['-O', 'OpenFlow14', 'dump-flows', 'br0', '--no-stats']);
  return out
    .split('\n')
    .filter((l) => l.startsWith(' '))
    .map((l) => l.trim())
    .sort();
}

test('flow-mod sequences give the same tables as Open vSwitch', () => {
  let cases = 0;
  const res = fc.check(
    fc.property(fc.array(opArb, { minLength: 3, maxLength: 9 }), (ops) => {
      cases++;
      ovs.run('ovs-ofctl', ['del-flows', 'br0']);
      const { br } = makeSwitch(2, { failMode: 'secure' });
      const log: string[] = [];
      for (const op of ops) {
        const args = [op.cmd, ...(op.strict ? ['--strict'] : []), 'br0', op.text];
        const o = ovs.tryRun('ovs-ofctl', args);
        const command =
          op.cmd === 'add-flow' ? OFPFC.ADD : op.cmd === 'mod-flows' ? (op.strict ? OFPFC.MODIFY_STRICT : OFPFC.MODIFY) : op.strict ? OFPFC.DELETE_STRICT : OFPFC.DELETE;
        const r = br.flowMod(asDecoded(fm(op.text, command)));
        log.push(`ovs-ofctl ${args.join(' ')} -> ovs ${o.status === 0 ? 'ok' : o.out.trim()} / tsovs ${r.ok ? 'ok' : r.error.code}`);
        assert.equal(r.ok, o.status === 0, log.join('\n'));
        if (!r.ok) assert.ok(o.out.includes(r.error.code), log.join('\n'));
        assert.deepEqual(dump(br), ovsDump(), log.join('\n'));
      }
    }),
    { seed: 20261124, numRuns: 12 },
  );
  if (res.failed) assert.fail(`${String((res.errorInstance as Error | undefined)?.message)}\ncounterexample: ${JSON.stringify(res.counterexample)}`);
  assert.ok(cases >= 12);
});
