/*
 * Conjunctive matches against the real Open vSwitch (OVS 3.1, userspace dummy datapath):
 * OVS's own classifier.at conjunctive-match tables and seeded random conjunctive tables go
 * into a tsovs bridge (through flow-mods) and into OVS; every packet's ofproto/trace must
 * give the same text (Megaflow line aside), the same datapath actions, and a megaflow that
 * OVS agrees is correct (packets varying in bits it leaves wildcarded get the same actions).
 * How many megaflows are identical to OVS's is reported as a diagnostic and must stay high.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatActions } from '../../src/openflow/flow-syntax/actions-format.js';
import { traceText } from '../../src/ofproto/trace.js';
import { flowFrom } from './xlate-fake-bridge.js';
import { makeSwitch, ofctl } from './bridge-helpers.js';
import { checkMegaflowWithOvs, OvsSandbox, requireOvs, rng } from './oracle-harness.js';

requireOvs();

interface Case {
  readonly name: string;
  readonly flows: string;
  readonly packets: readonly string[];
}

/** Runs one table through both switches; returns [identical megaflows, packets, conj_id rules hit]. */
function runCase(c: Case, seed: number, log: (s: string) => void): [number, number, number] {
  const ovs = new OvsSandbox();
  let same = 0;
  let conj = 0;
  try {
    ovs.startBridge(5);
    ovs.addFlows(c.flows, false);
    const s = makeSwitch(5, { failMode: 'secure' });
    for (const l of c.flows.split('\n')) if (l.trim()) ofctl(s.br, l);
    const r = rng(seed);
    for (const pkt of c.packets) {
      const o = ovs.trace(pkt, false);
      const flow = flowFrom(pkt);
      const tr = traceText(s.br, flow, { now: 0, formatActions: (a) => formatActions(a) });
      const ctx = `${c.name}\nflows:\n${c.flows}packet ${pkt}\n--- OVS:\n${o.raw}\n--- tsovs:\n${tr.text}`;
      const noMegaflow = (x: string): string => x.replace(/Megaflow: .*/, 'Megaflow: *');
      assert.equal(noMegaflow(tr.text), noMegaflow(o.raw), ctx);
      const mf = tr.text.match(/Megaflow: (.*)/)![1]!;
      if (/^ *\d+\. conj_id=/m.test(tr.text)) conj++;
      checkMegaflowWithOvs(ovs, pkt, flow, tr.result.mask, o, r, ctx);
      if (mf === o.megaflow) same++;
      else log(`megaflow differs for ${pkt}\novs:   ${o.megaflow}\ntsovs: ${mf}`);
    }
  } finally {
    ovs.stop();
  }
  return [same, c.packets.length, conj];
}

const ip = (h: number): string => `10.0.0.${h}`;

function classicExample(): Case {
  const flows = `priority=200,conj_id=1234,tcp,actions=mod_nw_tos:16,output:3
priority=100,ip,nw_src=10.0.0.1,actions=conjunction(1234,1/2)
priority=100,ip,nw_src=10.0.0.4,actions=conjunction(1234,1/2),note:01.02
priority=100,tcp,tp_dst=80,actions=conjunction(1234,2/2)
priority=100,tcp,tp_dst=443,actions=conjunction(1234,2/2)
priority=0,actions=output:2
`;
  const packets: string[] = [];
  for (const src of [1, 2, 4, 5]) {
    for (const dst of [22, 80, 443]) {
      for (const proto of ['tcp', 'udp']) {
        packets.push(`in_port=1,${proto},nw_src=${ip(src)},nw_dst=10.0.0.9,nw_ttl=64,${proto}_src=1000,${proto}_dst=${dst}`);
      }
    }
  }
  return { name: 'ip_src in {10.0.0.1, 10.0.0.4} x tcp_dst in {80, 443}', flows, packets };
}

// OVS tests/classifier.at "single conjunctive match".
function singleConjunctive(): Case {
  let flows = 'conj_id=1,actions=3\n';
  for (const s of [1, 4, 6, 7]) flows += `priority=100,ip,ip_src=${ip(s)},actions=conjunction(1,1/2)\n`;
  for (const d of [2, 5, 7, 8]) flows += `priority=100,ip,ip_dst=${ip(d)},actions=conjunction(1,2/2)\n`;
  flows += 'priority=100,ip,ip_src=10.0.0.1,ip_dst=10.0.0.4,actions=4\npriority=100,ip,ip_src=10.0.0.3,ip_dst=10.0.0.5,actions=5\npriority=0 actions=2\n';
  const packets: string[] = [];
  for (let s = 0; s < 8; s++) for (let d = 0; d < 8; d++) packets.push(`in_port=1,dl_type=0x0800,nw_src=${ip(s)},nw_dst=${ip(d)}`);
  return { name: 'single conjunctive match (classifier.at)', flows, packets };
}

// OVS tests/classifier.at "multiple conjunctive match": a seeded sample of its 432 packets.
function multipleConjunctive(seed: number): Case {
  const flows = `conj_id=1,actions=1
conj_id=2,actions=2
conj_id=3,actions=3
priority=5,ip,ip_src=20.0.0.0/8,actions=conjunction(1,1/2),conjunction(2,1/2)
priority=5,ip,ip_src=10.1.0.0/16,actions=conjunction(1,1/2),conjunction(3,2/3)
priority=5,ip,ip_src=10.2.0.0/16,actions=conjunction(1,1/2),conjunction(2,1/2)
priority=5,ip,ip_src=10.1.3.0/24,actions=conjunction(1,1/2),conjunction(3,2/3)
priority=5,ip,ip_src=10.1.4.5/32,actions=conjunction(1,1/2),conjunction(2,1/2)
priority=5,ip,ip_dst=20.0.0.0/8,actions=conjunction(1,2/2)
priority=5,ip,ip_dst=10.1.0.0/16,actions=conjunction(1,2/2)
priority=5,ip,ip_dst=10.2.0.0/16,actions=conjunction(1,2/2)
priority=5,ip,ip_dst=10.1.3.0/24,actions=conjunction(1,2/2)
priority=5,ip,ip_dst=10.1.4.5/32,actions=conjunction(1,2/2)
priority=5,ip,ip_dst=30.0.0.0/8,actions=conjunction(2,2/2),conjunction(3,1/3)
priority=5,ip,ip_dst=40.5.0.0/16,actions=conjunction(2,2/2),conjunction(3,1/3)
priority=5,tcp,tcp_dst=80,actions=conjunction(3,3/3)
priority=5,tcp,tcp_dst=443,actions=conjunction(3,3/3)
priority=5,tcp,tcp_src=80,actions=conjunction(3,3/3)
priority=5,tcp,tcp_src=443,actions=conjunction(3,3/3)
priority=0,actions=4
`;
  const as = ['20.0.0.1', '10.1.0.1', '10.2.0.1', '10.1.3.1', '10.1.4.5', '1.2.3.4'];
  const bs = ['20.0.0.1', '10.1.0.1', '10.2.0.1', '10.1.3.1', '10.1.4.5', '30.0.0.1', '40.5.0.1', '1.2.3.4'];
  const ps = [80, 443, 8080];
  const r = rng(seed);
  const packets: string[] = [];
  for (let i = 0; i < 60; i++) {
    const pick = <T>(a: readonly T[]): T => a[r() % a.length]!;
    packets.push(`in_port=5,dl_type=0x0800,nw_proto=6,nw_src=${pick(as)},nw_dst=${pick(bs)},tcp_src=${pick(ps)},tcp_dst=${pick(ps)}`);
  }
  // The conj 3 cases (sources in 10.1/16, destinations 30/8 or 40.5/16, a port 80 or 443).
  packets.push('in_port=5,dl_type=0x0800,nw_proto=6,nw_src=10.1.0.1,nw_dst=30.0.0.1,tcp_src=80,tcp_dst=8080');
  packets.push('in_port=5,dl_type=0x0800,nw_proto=6,nw_src=10.1.3.1,nw_dst=40.5.0.1,tcp_src=8080,tcp_dst=443');
  packets.push('in_port=5,dl_type=0x0800,nw_proto=6,nw_src=10.1.3.1,nw_dst=40.5.0.1,tcp_src=8080,tcp_dst=8080');
  return { name: 'multiple conjunctive match (classifier.at)', flows, packets };
}

// OVS tests/classifier.at "conjunctive match priority fallback".
function priorityFallback(): Case {
  const flows = `conj_id=1,actions=1
conj_id=3,actions=3
priority=5,ip,ip_src=10.0.0.1,actions=conjunction(1,1/2)
priority=5,ip,ip_src=10.0.0.2,actions=conjunction(1,1/2)
priority=5,ip,ip_dst=10.0.0.1,actions=conjunction(1,2/2)
priority=5,ip,ip_dst=10.0.0.2,actions=conjunction(1,2/2)
priority=5,ip,ip_dst=10.0.0.3,actions=conjunction(1,2/2)
priority=4,ip,ip_src=10.0.0.3,ip_dst=10.0.0.2,actions=2
priority=3,ip,ip_src=10.0.0.1,actions=conjunction(3,1/2)
priority=3,ip,ip_src=10.0.0.3,actions=conjunction(3,1/2)
priority=3,ip,ip_dst=10.0.0.2,actions=conjunction(3,2/2)
priority=3,ip,ip_dst=10.0.0.3,actions=conjunction(3,2/2)
priority=3,ip,ip_dst=10.0.0.4,actions=conjunction(3,2/2)
priority=2,ip,ip_dst=10.0.0.1,actions=4
priority=1,ip,ip_src=10.0.0.1,ip_dst=10.0.0.5,actions=5
priority=0,actions=2
`;
  const packets: string[] = [];
  for (let s = 0; s <= 3; s++) for (let d = 0; d <= 5; d++) packets.push(`in_port=5,dl_type=0x0800,nw_src=${ip(s)},nw_dst=${ip(d)}`);
  return { name: 'conjunctive match priority fallback (classifier.at)', flows, packets };
}

// OVS tests/classifier.at "with same priority", "with resubmit" and "or without port map".
function resubmitAndPorts(): Case {
  const flows = `conj_id=1,actions=resubmit(,2)
priority=10,ip,actions=conjunction(1,1/2)
priority=10,in_port=1,actions=conjunction(1,2/2)
priority=10,in_port=2,actions=conjunction(1,2/2)
priority=10,ip,nw_dst=10.0.0.3,actions=conjunction(2,1/2)
conj_id=2,actions=output:4
table=2,conj_id=7,actions=resubmit(,3)
table=2,priority=20,ip,actions=conjunction(7,1/2)
table=2,priority=20,in_port=1,actions=conjunction(7,2/2)
table=2,priority=20,in_port=2,actions=conjunction(7,2/2)
table=2,priority=10,actions=output:5
table=3,actions=output:3
`;
  const packets = [
    'in_port=1,ip,nw_src=10.0.0.2,nw_dst=10.0.0.3',
    'in_port=2,ip,nw_src=10.0.0.2,nw_dst=10.0.0.1',
    'in_port=3,ip,nw_src=10.0.0.2,nw_dst=10.0.0.3',
    'in_port=1,arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.2',
  ];
  return { name: 'conjunctive match with resubmit and in_port clauses (classifier.at)', flows, packets };
}

/**
 * A random two-table conjunctive setup whose result OVS defines: each conjunction id at a
 * priority of its own, each soft rule in one conjunction, hard rules at distinct priorities
 * (so no two overlapping rules tie), soft matches repeated at lower priorities as hard rules
 * or as clauses of a lower conjunction (the fallback), conj_id rules with extra matches.
 */
function randomConjCase(seed: number): Case {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[r() % a.length]!;
  const chance = (p: number): boolean => r() % 1000 < p * 1000;
  interface Pkt {
    inPort: number;
    proto: 'tcp' | 'udp' | 'ip';
    src: string;
    dst: string;
    tpDst: number;
    dlDst: string;
  }
  /** A clause value: its match text, and how a packet gets a value it matches. */
  interface Val {
    readonly m: string;
    readonly apply: (p: Pkt) => void;
  }
  const SRC: Array<[string, string]> = [['10.0.0.1', '10.0.0.1'], ['10.0.0.2', '10.0.0.2'], ['10.0.1.0/24', '10.0.1.7'], ['10.0.0.0/30', '10.0.0.3'], ['10.0.0.5', '10.0.0.5']];
  const DST: Array<[string, string]> = [['10.0.0.9', '10.0.0.9'], ['10.0.0.10', '10.0.0.10'], ['10.0.2.0/24', '10.0.2.9'], ['10.0.0.8/29', '10.0.0.11']];
  const PORTS: Array<[string, number]> = [['80', 80], ['443', 443], ['22', 22], ['0x1000/0xf000', 4100]];
  const MACS: Array<[string, string]> = [['00:00:00:00:00:01', '00:00:00:00:00:01'], ['00:00:00:00:00:02', '00:00:00:00:00:02'], ['01:00:00:00:00:00/01:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff']];
  const dims: Array<() => Val> = [
    () => {
      const [m, v] = pick(SRC);
      return { m: `ip,nw_src=${m}`, apply: (p) => void (p.src = v) };
    },
    () => {
      const [m, v] = pick(DST);
      return { m: `ip,nw_dst=${m}`, apply: (p) => void (p.dst = v) };
    },
    () => {
      const [m, v] = pick(PORTS);
      const proto = pick(['tcp', 'udp'] as const);
      return { m: `${proto},tp_dst=${m}`, apply: (p) => ((p.proto = proto), (p.tpDst = v)) };
    },
    () => {
      const port = 1 + (r() % 3);
      return { m: `in_port=${port}`, apply: (p) => void (p.inPort = port) };
    },
    () => {
      const [m, v] = pick(MACS);
      return { m: `dl_dst=${m}`, apply: (p) => void (p.dlDst = v) };
    },
  ];
  const lines: string[] = [];
  const used = new Set<number>();
  const prio = (lo: number, hi: number): number => {
    for (;;) {
      const p = lo + (r() % (hi - lo));
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
  };
  const nIds = 2 + (r() % 3);
  const softs: Array<{ v: Val; pri: number }> = [];
  const ids: Array<{ id: number; pri: number; n: number; clauses: Val[][] }> = [];
  for (let i = 0; i < nIds; i++) {
    const id = chance(0.2) ? 4294967295 - i : 10 + i;
    const pri = prio(100, 200);
    const n = chance(0.7) ? 2 : 3;
    const clauses: Val[][] = [];
    for (let k = 1; k <= n; k++) {
      const dim = pick(dims);
      const nVals = 1 + (r() % 3);
      const seen = new Set<string>();
      const vals: Val[] = [];
      for (let j = 0; j < nVals; j++) {
        const v = dim();
        if (seen.has(v.m)) continue;
        seen.add(v.m);
        vals.push(v);
        softs.push({ v, pri });
        lines.push(`priority=${pri},${v.m},actions=conjunction(${id},${k}/${n})`);
      }
      clauses.push(vals);
    }
    ids.push({ id, pri, n, clauses });
    if (chance(0.85)) {
      const extra = chance(0.3) ? `,${pick(dims)().m}` : '';
      const act = chance(0.3) ? 'resubmit(,1)' : `output:${1 + (r() % 4)}`;
      lines.push(`priority=${prio(1, 300)},conj_id=${id}${extra},actions=${act}`);
    }
  }
  // Lower-priority copies of soft matches: hard rules, or clauses of a lower conjunction.
  for (let i = 0; i < 3; i++) {
    const s = pick(softs);
    const lower = ids.filter((x) => x.pri < s.pri);
    if (lower.length > 0 && chance(0.4)) {
      const c = pick(lower);
      lines.push(`priority=${c.pri},${s.v.m},actions=conjunction(${c.id},${1 + (r() % c.n)}/${c.n})`);
    } else {
      lines.push(`priority=${prio(1, s.pri)},${s.v.m},actions=output:${1 + (r() % 4)}`);
    }
  }
  for (let i = 0; i < 3; i++) lines.push(`priority=${prio(1, 250)},${pick(dims)().m},actions=output:${1 + (r() % 4)}`);
  lines.push('priority=0,actions=output:4');
  lines.push(`table=1,priority=10,${pick(dims)().m},actions=output:1`);
  lines.push('table=1,priority=0,actions=output:2');
  const packets: string[] = [];
  for (let i = 0; i < 40; i++) {
    const p: Pkt = {
      inPort: 1 + (r() % 3),
      proto: pick(['tcp', 'udp', 'tcp', 'ip'] as const),
      src: pick(SRC)[1],
      dst: pick(DST)[1],
      tpDst: pick([80, 443, 22, 4100, 8080]),
      dlDst: pick(MACS)[1],
    };
    // Most packets take a value from most clauses of one conjunction.
    if (chance(0.7)) for (const vals of pick(ids).clauses) if (chance(0.9)) pick(vals).apply(p);
    let line = `in_port=${p.inPort},dl_src=00:00:00:00:00:0${1 + (r() % 3)},dl_dst=${p.dlDst},${p.proto},nw_src=${p.src},nw_dst=${p.dst},nw_ttl=64`;
    if (p.proto !== 'ip') line += `,${p.proto}_src=${pick([1000, 80])},${p.proto}_dst=${p.tpDst}`;
    packets.push(line);
  }
  return { name: `random conjunctive table ${seed}`, flows: lines.join('\n') + '\n', packets };
}

const SEED = Number(process.env.ORACLE_SEED ?? 20261125);

const FIXED: Array<[Case, number]> = [
  [classicExample(), 0.95],
  [singleConjunctive(), 0.95],
  [multipleConjunctive(SEED), 0.8],
  [priorityFallback(), 0.95],
  [resubmitAndPorts(), 0.75],
];

for (const [c, minSame] of FIXED) {
  test(`OVS oracle: ${c.name}`, (t) => {
    const [same, n, conj] = runCase(c, SEED, (s) => t.diagnostic(s));
    t.diagnostic(`megaflows identical to OVS: ${same}/${n}; conj_id rules hit: ${conj}`);
    assert.ok(conj > 0, 'no packet made a conjunctive match');
    assert.ok(same >= minSame * n, `only ${same}/${n} megaflows identical to OVS's`);
  });
}

test('OVS oracle: seeded random conjunctive tables', (t) => {
  let same = 0;
  let n = 0;
  let conj = 0;
  for (let i = 0; i < Number(process.env.ORACLE_RUNS ?? 4); i++) {
    const [s, k, c] = runCase(randomConjCase(SEED + i), SEED + i, (x) => t.diagnostic(x));
    same += s;
    n += k;
    conj += c;
  }
  t.diagnostic(`megaflows identical to OVS: ${same}/${n}; conj_id rules hit: ${conj}`);
  assert.ok(conj >= n / 10, `only ${conj} of ${n} packets made a conjunctive match`);
});
