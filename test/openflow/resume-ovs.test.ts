/*
 * controller(pause) / NXT_RESUME against the real Open vSwitch 3.1 (Debian's, dummy
 * datapath), after OVS's own "continuation" tests (tests/ofproto-dpif.at CHECK_CONTINUATION):
 * the same flows on both switches, the real `ovs-ofctl monitor SWITCH resume` as controller
 * on each (it prints every NXT_PACKET_IN2 with its decoded continuation, and the NXT_RESUME it
 * sends back, with hex dumps), one packet into p1. Its log must be the same on both, byte
 * for byte (tsovs's bridge gets the UUID OVS picked for its own),
 * the same frames must leave the same ports, and rule counters must agree. tsovs-ofctl's
 * `monitor ... resume` against tsovs must print what ovs-ofctl prints. Malformed and stale
 * NXT_RESUMEs (sent through the monitors' ofctl/send) get the same error replies.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ofctlMain } from '../../src/cli/ofctl/ofctl.js';
import { FLOW_WORDS, W_IN_PORT } from '../../src/flow/layout.js';
import { encodeMessage, OfType, type ResumeMsg } from '../../src/openflow/codec/index.js';
import { icmpEcho, udpFrame } from '../../src/packet/build.js';
import { DummyNetdev } from '../../src/netdev/dummy.js';
import { BridgeSwitch } from '../../src/openflow/bridge-switch.js';
import { ConnMgr, managementController } from '../../src/openflow/connmgr.js';
import { ReferenceOvs } from '../support/reference-ovs.js';
import { mac, ofctlOk, startSwitch, waitFor, type Fixture } from './switch-fixture.js';

const N_PORTS = 10;

interface Case {
  readonly title: string;
  readonly flows: readonly string[];
  /** Pauses the packet goes through (NXT_RESUMEs the monitor sends). */
  readonly pauses: number;
}

/** OVS's CHECK_CONTINUATION flow tables, plus userdata, registers and a stack across a pause. */
const CASES: readonly Case[] = [
  { title: 'pause at end of pipeline', flows: ['actions=output:2,controller(pause)'], pauses: 1 },
  {
    title: 'actions',
    flows: ['in_port=1,actions=controller(pause),output:2,controller(pause),output:3,controller(pause),output:4,controller(pause),output:5'],
    pauses: 4,
  },
  {
    title: 'resubmit',
    flows: [
      'table=0,in_port=1,actions=controller(pause),output:2,controller(pause),resubmit(,1),controller(pause),output:10,controller(pause)',
      'table=1,in_port=1,actions=controller(pause),output:3,controller(pause),resubmit(,2),controller(pause),output:9,controller(pause)',
      'table=2,in_port=1,actions=controller(pause),output:4,controller(pause),resubmit(,3),controller(pause),output:8,controller(pause)',
      'table=3,in_port=1,actions=controller(pause),output:5,controller(pause),resubmit:55,controller(pause),output:7,controller(pause)',
      'table=3,in_port=55,actions=controller(pause),output:6,controller(pause)',
    ],
    pauses: 18,
  },
  {
    title: 'action set',
    flows: ['in_port=1,actions=output:1,controller(pause),resubmit(,1),controller(pause),output:2', 'table=1,actions=write_actions(output:3)'],
    pauses: 2,
  },
  {
    title: 'goto_table',
    flows: [
      'table=0,in_port=1,actions=controller(pause),output:2,controller(pause),goto_table:1',
      'table=1,in_port=1,actions=controller(pause),output:3,controller(pause),goto_table:2',
      'table=2,in_port=1,actions=controller(pause),output:4,controller(pause)',
    ],
    pauses: 6,
  },
  {
    title: 'write_metadata',
    flows: [
      'table=0,in_port=1,actions=controller(pause),output:2,controller(pause),write_metadata:1/1,goto_table:1',
      'table=1,in_port=1,metadata=1,actions=controller(pause),output:3,controller(pause),write_metadata:2/2,goto_table:2',
      'table=2,in_port=1,metadata=3,actions=controller(pause),output:4,controller(pause)',
    ],
    pauses: 6,
  },
  {
    title: 'data stack',
    flows: [
      'in_port=1,actions=controller(pause),set_field:1->reg0,controller(pause),set_field:2->reg1,controller(pause),output:NXM_NX_REG0[],controller(pause),push:NXM_NX_REG1[],pop:NXM_NX_REG2[],controller(pause),output:NXM_NX_REG2[],controller(pause),output:3',
    ],
    pauses: 6,
  },
  {
    // OpenFlow 1.0 cannot say write_actions, so the continuation leaves it out; in 1.3 it goes
    // in as an instruction, which OVS's own NXT_RESUME decoding refuses (OFPBAC_BAD_LEN).
    title: 'write_actions after a pause',
    flows: ['in_port=1,actions=controller(pause),output:2,write_actions(output:3)'],
    pauses: 1,
  },
  {
    title: 'userdata, cookies, stack values of two sizes, a popped MAC and registers into the next table',
    flows: [
      'table=0,cookie=0x1234,in_port=1,actions=set_field:7->reg3,push:NXM_NX_REG3[0..3],push:NXM_OF_ETH_SRC[],controller(pause,userdata=01.02.03),resubmit(,4),output:5',
      'table=4,cookie=0xabcd,reg3=7,actions=pop:NXM_OF_ETH_DST[],set_field:0x5a->metadata,controller(pause),pop:NXM_NX_REG6[],controller(pause),output:NXM_NX_REG6[],output:4',
    ],
    pauses: 3,
  },
];

/** A running `ovs-ofctl monitor ... resume` (not detached: its stderr is collected here). */
class Monitor {
  log = '';
  readonly pid: number;
  private readonly p: ChildProcess;
  private readonly exited: Promise<unknown>;

  private readonly rundir: string;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    // No log lines on the console: they would interleave with the messages printed.
    this.p = spawn('ovs-ofctl', ['-vconsole:off', ...args], { env });
    this.pid = this.p.pid ?? 0;
    this.rundir = env.OVS_RUNDIR ?? '';
    this.p.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    this.p.stdout!.on('data', (d: Buffer) => (this.log += d.toString()));
    this.exited = new Promise((r) => this.p.once('close', r));
  }

  /** The control socket: ovs-ofctl creates it once it has configured the switch. */
  get ctl(): string {
    return join(this.rundir, `ovs-ofctl.${this.pid}.ctl`);
  }

  /** Waits until the monitor has set miss_send_len and the packet-in format. */
  async ready(): Promise<void> {
    await waitFor(() => existsSync(this.ctl), 10000, `ovs-ofctl monitor ${this.pid} ready (${this.log})`);
  }

  resumes(): number {
    return this.log.split('\n').filter((l) => l.startsWith('send: NXT_RESUME')).length;
  }

  private synced = false;

  /**
   * A barrier through the monitor (ofctl/barrier): when it returns, the switch has acted on
   * everything the monitor sent (its NXT_RESUMEs: the frames are out) and the monitor has
   * printed everything the switch sent before the reply. stop() leaves the reply out of `log`.
   */
  async sync(): Promise<void> {
    assert.equal(await runAppctl(['-t', this.ctl, 'ofctl/barrier']), 0, `ofctl/barrier on ovs-ofctl ${this.pid}`);
    this.synced = true;
  }

  async stop(): Promise<void> {
    this.p.kill();
    await this.exited;
    if (this.synced) {
      const at = this.log.lastIndexOf('OFPT_BARRIER_REPLY');
      assert.ok(at >= 0, `no barrier reply in ${this.log}`);
      this.log = this.log.slice(0, at);
    }
  }
}

/** Frames in a pcap file (little-endian, as ovs-vswitchd writes it). */
function pcapFrames(file: string): Uint8Array[] {
  if (!existsSync(file)) return [];
  const b = readFileSync(file);
  const out: Uint8Array[] = [];
  let o = 24;
  while (o + 16 <= b.length) {
    const len = b.readUInt32LE(o + 8);
    if (o + 16 + len > b.length) break;
    out.push(new Uint8Array(b.subarray(o + 16, o + 16 + len)));
    o += 16 + len;
  }
  return out;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Log text with bridge UUIDs (random on both) masked, without ovs-ofctl's log line about its SIGTERM. */
function normalize(log: string): string {
  return log
    .replace(/continuation\.bridge=[0-9a-f-]{36}/g, 'continuation.bridge=UUID')
    .split('\n')
    .filter((l) => !l.includes('|fatal_signal|'))
    .join('\n');
}

/** n_packets per rule (dump-flows lines without durations and ages). */
function counters(dump: string): string[] {
  return dump
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.replace(/duration=[0-9.]+s, /, '').replace(/idle_age=[0-9]+, /, ''))
    .sort();
}

const frame = icmpEcho({ ethSrc: mac(5), ethDst: mac(7), ipSrc: '192.168.0.1', ipDst: '192.168.0.2', ttl: 128 });

let ref: ReferenceOvs;
let f: Fixture;
let dir: string;

before(async () => {
  ref = new ReferenceOvs('rsmref.');
  ref.start();
  dir = ref.dir;
  ref.addDummyBridge(N_PORTS, ['protocols=OpenFlow10,OpenFlow13,OpenFlow15'], (i) => [`options:tx_pcap=${join(dir, `p${i}.pcap`)}`]);
  f = await startSwitch({ ports: N_PORTS });
  // Give tsovs's bridge the UUID OVS gave its own (both random), so that whole messages,
  // continuations included, can be compared byte for byte.
  ref.run('ovs-ofctl', ['add-flow', 'br0', 'actions=controller(pause)']);
  const m = new Monitor(['monitor', 'br0', '65535'], ref.env);
  try {
    await m.ready();
    ref.run('ovs-appctl', ['netdev-dummy/receive', 'p1', hex(frame)]);
    await waitFor(() => /continuation\.bridge=([0-9a-f-]{36})/.test(m.log), 10000, 'a paused packet-in from OVS');
  } finally {
    await m.stop();
  }
  f.br.uuid.set(uuidBytes(/continuation\.bridge=([0-9a-f-]{36})/.exec(m.log)![1]!));
});

/** OVS UUID text as the 16 bytes OVS puts on the wire (four little-endian 32-bit words). */
function uuidBytes(text: string): Uint8Array {
  const h = text.replace(/-/g, '');
  const b = new Uint8Array(16);
  for (let w = 0; w < 4; w++) {
    const v = Number.parseInt(h.slice(w * 8, w * 8 + 8), 16);
    for (let i = 0; i < 4; i++) b[w * 4 + i] = (v >>> (8 * i)) & 0xff;
  }
  return b;
}

after(async () => {
  await f?.close();
  ref?.stop();
});

/** Loads `flows` into both switches (real ovs-ofctl, OpenFlow 1.3) after deleting the old ones. */
async function load(flows: readonly string[]): Promise<void> {
  const file = join(dir, 'flows.txt');
  writeFileSync(file, flows.join('\n') + '\n');
  ref.run('ovs-ofctl', ['del-flows', 'br0']);
  ref.run('ovs-ofctl', ['-O', 'OpenFlow13', 'add-flows', 'br0', file]);
  ref.run('ovs-appctl', ['revalidator/wait']);
  await ofctlOk(['del-flows', f.mgmt]);
  await ofctlOk(['-O', 'OpenFlow13', 'add-flows', f.mgmt, file]);
  f.ofproto.revalidate();
}

/** Frames each port sent so far on both switches. */
function sentSoFar(): { ovs: string[][]; ts: string[][] } {
  const ovs: string[][] = [];
  const ts: string[][] = [];
  for (let i = 1; i <= N_PORTS; i++) {
    ovs.push(pcapFrames(join(dir, `p${i}.pcap`)).map(hex));
    ts.push(f.dev[`p${i}`]!.sent.map(hex));
  }
  return { ovs, ts };
}

/** Runs one packet through both switches with a resuming monitor each; returns the logs. */
async function runCase(c: Case, version: string, frame: Uint8Array): Promise<{ ovsLog: string; tsLog: string }> {
  await load(c.flows);
  const before = sentSoFar();
  // -mmm: every message is also dumped in hex, so the logs compare them byte for byte.
  const mOvs = new Monitor(['-mmm', '-O', version, 'monitor', 'br0', 'resume'], ref.env);
  const mTs = new Monitor(['-mmm', '-O', version, 'monitor', f.mgmt, 'resume'], { ...process.env, OVS_RUNDIR: f.dir });
  try {
    await mOvs.ready();
    await mTs.ready();
    ref.run('ovs-appctl', ['netdev-dummy/receive', 'p1', hex(frame)]);
    f.dev.p1!.receive(frame);
    await waitFor(() => mOvs.resumes() >= c.pauses && mTs.resumes() >= c.pauses, 10000, `${c.pauses} NXT_RESUMEs (ovs ${mOvs.resumes()}, tsovs ${mTs.resumes()})`);
    await mOvs.sync();
    await mTs.sync();
  } finally {
    await mOvs.stop();
    await mTs.stop();
  }
  const now = sentSoFar();
  for (let i = 0; i < N_PORTS; i++) {
    const o = now.ovs[i]!.slice(before.ovs[i]!.length);
    const t = now.ts[i]!.slice(before.ts[i]!.length);
    assert.deepEqual(t, o, `${c.title} (${version}): frames out of p${i + 1}`);
  }
  ref.run('ovs-appctl', ['revalidator/purge']);
  f.ofproto.backer('dummy')!.revalidator.purge();
  assert.deepEqual(counters(await ofctlOk(['-O', 'OpenFlow13', 'dump-flows', f.mgmt])), counters(ref.run('ovs-ofctl', ['-O', 'OpenFlow13', 'dump-flows', 'br0'])), `${c.title} (${version}): rule counters`);
  return { ovsLog: normalize(mOvs.log), tsLog: normalize(mTs.log) };
}

describe('continuations against Open vSwitch (ovs-ofctl monitor ... resume on both)', () => {
  for (const version of ['OpenFlow10', 'OpenFlow13']) {
    for (const c of CASES) {
      test(`${c.title} (${version})`, async () => {
        const { ovsLog, tsLog } = await runCase(c, version, frame);
        assert.ok(ovsLog.includes('NXT_PACKET_IN2'), ovsLog);
        assert.equal(tsLog, ovsLog);
      });
    }
  }
});

describe('tsovs-ofctl monitor ... resume', () => {
  test('prints and resumes as ovs-ofctl does (same text, same outputs)', async () => {
    const c = CASES[CASES.length - 1]!;
    const pkt = udpFrame({ ethSrc: mac(1), ethDst: mac(2) });
    for (const version of ['OpenFlow10', 'OpenFlow13']) {
      await load(c.flows);
      const mOvs = new Monitor(['-O', version, 'monitor', f.mgmt, 'resume'], { ...process.env, OVS_RUNDIR: f.dir });
      await mOvs.ready();
      f.dev.p1!.receive(pkt);
      await waitFor(() => mOvs.resumes() >= c.pauses, 10000, 'ovs-ofctl resumes');
      await mOvs.stop();
      const p4 = f.dev.p4!.sent.length;
      await load(c.flows);
      let mine = '';
      const abort = new AbortController();
      const earlier = new Set(f.mgr.conns);
      const run = ofctlMain(['-O', version, 'monitor', f.mgmt, 'resume'], { out: (s) => (mine += s), err: (s) => (mine += s) }, { interactive: false, signal: abort.signal });
      // Configured: its connection has miss_send_len 65535 (resume) and NXT_PACKET_IN2.
      await waitFor(() => f.mgr.conns.some((k) => !earlier.has(k) && k.missSendLen === 0xffff && k.packetInFormat === 2), 10000, `tsovs-ofctl monitor ready (${mine})`);
      f.dev.p1!.receive(pkt);
      await waitFor(() => mine.split('\n').filter((l) => l.startsWith('send: NXT_RESUME')).length >= c.pauses, 10000, 'tsovs-ofctl resumes');
      await waitFor(() => f.dev.p4!.sent.length > p4, 10000, 'the output after the last resume');
      abort.abort();
      await run;
      assert.equal(normalize(mine), normalize(mOvs.log), version);
      assert.equal(f.dev.p4!.sent.length, p4 + 1, 'the last output after the last resume');
    }
  });
});

/** An NXT_RESUME of `data` from p1 with `continuation` (the NXPINT_CONTINUATION content), as hex. */
function resumeHex(version: number, continuation: Uint8Array | null, data: Uint8Array = frame): string {
  const match = { key: new Uint32Array(FLOW_WORDS), mask: new Uint32Array(FLOW_WORDS) };
  match.key[W_IN_PORT] = 1;
  match.mask[W_IN_PORT] = 0xffff;
  const m: ResumeMsg = {
    type: OfType.RESUME,
    xid: 0x42,
    bufferId: 0xffffffff,
    totalLen: data.length,
    reason: 1,
    tableId: 0,
    cookie: 0n,
    match,
    data,
    userdata: null,
    continuation,
  };
  return hex(encodeMessage(m, version));
}

function prop(type: number, body: number[]): number[] {
  const len = 4 + body.length;
  const out = [type >> 8, type & 0xff, len >> 8, len & 0xff, ...body];
  while (out.length % 8) out.push(0);
  return out;
}

describe('NXT_RESUME errors against Open vSwitch', () => {
  test('stale bridge, no continuation, bad lengths, unknown properties, bad actions: the same error replies', async () => {
    const stale = prop(0x8000, Array.from({ length: 16 }, (_, i) => i + 1));
    const cases: Array<[string, Uint8Array | null]> = [
      ['stale bridge', Uint8Array.from(stale)],
      ['empty continuation', new Uint8Array(0)],
      ['odp_port of 2 bytes', Uint8Array.from(prop(0x8008, [0, 1]))],
      ['bridge of 8 bytes', Uint8Array.from(prop(0x8000, [1, 2, 3, 4, 5, 6, 7, 8]))],
      ['unknown property', Uint8Array.from(prop(0x8040, []))],
      ['stack value of 129 bytes', Uint8Array.from(prop(0x8001, new Array<number>(129).fill(1)))],
      ['cookie of 4 bytes', Uint8Array.from([...stale, ...prop(0x8005, [0, 0, 0, 1])])],
      ['actions of 4 bytes', Uint8Array.from([...stale, ...prop(0x8006, [0, 0, 0, 0, 0xff, 0xff, 0, 8])])],
      ['an action of an unknown type', Uint8Array.from([...stale, ...prop(0x8006, [0, 0, 0, 0, 0x00, 0x63, 0, 8, 0, 0, 0, 0])])],
      ['a property shorter than its header', Uint8Array.from([0x80, 0x08, 0, 2, 0, 0, 0, 0])],
    ];
    for (const version of [1, 4]) {
      const vname = version === 1 ? 'OpenFlow10' : 'OpenFlow13';
      const mOvs = new Monitor(['-O', vname, 'monitor', 'br0'], ref.env);
      const mTs = new Monitor(['-O', vname, 'monitor', f.mgmt], { ...process.env, OVS_RUNDIR: f.dir });
      try {
        await mOvs.ready();
        await mTs.ready();
        const msgs = cases.map(([, c]) => resumeHex(version, c));
        // And one without a packet.
        msgs.push(resumeHex(version, null, new Uint8Array(0)));
        ref.run('ovs-appctl', ['-t', mOvs.ctl, 'ofctl/send', ...msgs]);
        const r = await runAppctl(['-t', mTs.ctl, 'ofctl/send', ...msgs]);
        assert.equal(r, 0);
        const n = msgs.length;
        await waitFor(() => errors(mOvs.log).length >= n && errors(mTs.log).length >= n, 10000, `${n} errors`);
      } finally {
        await mOvs.stop();
        await mTs.stop();
      }
      assert.deepEqual(errors(mTs.log), errors(mOvs.log), vname);
      assert.deepEqual(normalize(mTs.log), normalize(mOvs.log), vname);
    }
  });
});

/** The error lines of a monitor log. */
function errors(log: string): string[] {
  return log.split('\n').filter((l) => l.startsWith('OFPT_ERROR'));
}

function runAppctl(args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn('ovs-appctl', [...args], { env: process.env });
    p.once('close', (code) => resolve(code ?? -1));
  });
}

describe('paused packet-outs against Open vSwitch', () => {
  test('from CONTROLLER (no datapath port) and from a port, resumed by the monitor', async () => {
    await load([]);
    const before = sentSoFar();
    const mOvs = new Monitor(['monitor', 'br0', 'resume'], ref.env);
    const mTs = new Monitor(['monitor', f.mgmt, 'resume'], { ...process.env, OVS_RUNDIR: f.dir });
    try {
      await mOvs.ready();
      await mTs.ready();
      for (const inPort of ['CONTROLLER', '1']) {
        const args = ['packet-out', '', inPort, 'set_field:3->reg2,controller(pause),output:2,output:NXM_NX_REG2[]', hex(frame)];
        ref.run('ovs-ofctl', args.map((a, i) => (i === 1 ? 'br0' : a)));
        await ofctlOk(args.map((a, i) => (i === 1 ? f.mgmt : a)));
      }
      await waitFor(() => mOvs.resumes() >= 2 && mTs.resumes() >= 2, 10000, 'two NXT_RESUMEs on each switch');
      await mOvs.sync();
      await mTs.sync();
    } finally {
      await mOvs.stop();
      await mTs.stop();
    }
    assert.equal(normalize(mTs.log), normalize(mOvs.log));
    assert.ok(mOvs.log.includes('continuation.odp_port=4294967295'), mOvs.log);
    const now = sentSoFar();
    for (const port of [2, 3]) {
      assert.deepEqual(now.ts[port - 1]!.slice(before.ts[port - 1]!.length), now.ovs[port - 1]!.slice(before.ovs[port - 1]!.length), `p${port}`);
      assert.equal(now.ts[port - 1]!.length - before.ts[port - 1]!.length, 2, `p${port}`);
    }
  });
});

describe('continuations through a patch port (OVS "continuation - patch ports")', () => {
  let br1Mgr: ConnMgr;
  let p11: DummyNetdev;
  before(async () => {
    ref.run('ovs-vsctl', [
      '--', 'add-br', 'br1', '--', 'set', 'bridge', 'br1', 'datapath_type=dummy', 'fail-mode=secure', 'protocols=OpenFlow10,OpenFlow13,OpenFlow15',
      '--', 'add-port', 'br1', 'p11', '--', 'set', 'interface', 'p11', 'type=dummy', 'ofport_request=11', `options:tx_pcap=${join(dir, 'p11.pcap')}`,
      '--', 'add-port', 'br0', 'patch20', '--', 'set', 'interface', 'patch20', 'type=patch', 'options:peer=patch21', 'ofport_request=20',
      '--', 'add-port', 'br1', 'patch21', '--', 'set', 'interface', 'patch21', 'type=patch', 'options:peer=patch20', 'ofport_request=21',
    ]);
    const br1 = f.ofproto.addBridge('br1', { datapathType: 'dummy', failMode: 'secure' });
    p11 = new DummyNetdev('p11', 'dummy', { mac: mac(11) });
    br1.addPort({ name: 'p11', netdev: p11, ofportRequest: 11 });
    f.br.addPort({ name: 'patch20', type: 'patch', options: { peer: 'patch21' }, ofportRequest: 20 });
    br1.addPort({ name: 'patch21', type: 'patch', options: { peer: 'patch20' }, ofportRequest: 21 });
    br1Mgr = new ConnMgr(new BridgeSwitch(br1), { log: { info: () => undefined, warn: () => undefined, err: () => undefined, dbg: () => undefined } });
    await br1Mgr.setControllers([managementController(f.dir, 'br1')]);
  });
  after(async () => {
    await br1Mgr?.close();
  });

  test('pauses in both bridges resume in the bridge they name (OpenFlow 1.0 and 1.3)', async () => {
    const flows0 = ['table=0,in_port=1,actions=controller(pause),output:2,resubmit(,1),controller(pause),output:4', 'table=1,in_port=1,actions=controller(pause),output:3,controller(pause),output:20,controller(pause)'];
    const flows1 = join(dir, 'flows1.txt');
    writeFileSync(flows1, 'table=0,in_port=21,actions=controller(pause),output:11,controller(pause)\n');
    ref.run('ovs-ofctl', ['-O', 'OpenFlow13', 'add-flows', 'br1', flows1]);
    await ofctlOk(['-O', 'OpenFlow13', 'add-flows', `unix:${join(f.dir, 'br1.mgmt')}`, flows1]);
    for (const version of ['OpenFlow10', 'OpenFlow13']) {
      await load(flows0);
      const p11Before = [pcapFrames(join(dir, 'p11.pcap')).length, p11.sent.length];
      const tsEnv = { ...process.env, OVS_RUNDIR: f.dir };
      const mons = [
        new Monitor(['-O', version, 'monitor', 'br0', 'resume'], ref.env),
        new Monitor(['-O', version, 'monitor', 'br1', 'resume'], ref.env),
        new Monitor(['-O', version, 'monitor', f.mgmt, 'resume'], tsEnv),
        new Monitor(['-O', version, 'monitor', `unix:${join(f.dir, 'br1.mgmt')}`, 'resume'], tsEnv),
      ];
      const before = sentSoFar();
      try {
        for (const m of mons) await m.ready();
        ref.run('ovs-appctl', ['netdev-dummy/receive', 'p1', hex(frame)]);
        f.dev.p1!.receive(frame);
        // Five pauses on br0, two on br1, on each switch.
        await waitFor(() => mons[0]!.resumes() + mons[1]!.resumes() >= 7 && mons[2]!.resumes() + mons[3]!.resumes() >= 7, 10000, 'seven NXT_RESUMEs on each switch');
        for (const m of mons) await m.sync();
      } finally {
        for (const m of mons) await m.stop();
      }
      assert.equal(normalize(mons[2]!.log), normalize(mons[0]!.log), `br0 (${version})`);
      assert.equal(normalize(mons[3]!.log), normalize(mons[1]!.log), `br1 (${version})`);
      assert.ok(mons[1]!.log.includes('continuation.'), mons[1]!.log);
      const now = sentSoFar();
      for (const port of [2, 3, 4]) {
        assert.equal(now.ts[port - 1]!.length - before.ts[port - 1]!.length, 1, `tsovs p${port} (${version})`);
        assert.equal(now.ovs[port - 1]!.length - before.ovs[port - 1]!.length, 1, `OVS p${port} (${version})`);
      }
      assert.equal(pcapFrames(join(dir, 'p11.pcap')).length - p11Before[0]!, 1, `OVS p11 (${version})`);
      assert.equal(p11.sent.length - p11Before[1]!, 1, `tsovs p11 (${version})`);
    }
  });
});
