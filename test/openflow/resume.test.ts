/*
 * controller(pause) and NXT_RESUME end to end: a tiny controller (OfClient) gets the paused
 * packet as NXT_PACKET_IN2 with a continuation, sends it back as NXT_RESUME (as is, or with
 * a register or the packet changed, as OVN does) and the rest of the pipeline runs: output
 * on the right dummy port, later actions, the action set and the field stack applied, rule
 * counters credited. Errors as OVS: a stale bridge (NXR_STALE), malformed continuations.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { W_REG0 } from '../../src/flow/layout.js';
import { criteriaAll } from '../../src/ofproto/flow-table.js';
import { decodeContinuation, encodeContinuation } from '../../src/openflow/codec/continuation.js';
import { OfType, type ErrorMsg, type OfMessage, type PacketInMsg, type ResumeMsg } from '../../src/openflow/codec/index.js';
import { OFPFC, parseFlowMod } from '../../src/openflow/flow-syntax/flow-mod.js';
import { udpFrame } from '../../src/packet/build.js';
import { OfClient } from './of-client.js';
import { mac, startSwitch, waitFor, type Fixture } from './switch-fixture.js';

const V10 = 1 << 1;
const V13 = 1 << 4;

function addFlows(f: Fixture, ...lines: string[]): void {
  for (const l of lines) {
    const r = parseFlowMod(l, OFPFC.ADD);
    if (!r.ok) throw new Error(`${l}: ${r.error}`);
    const x = f.sw.flowMod(r.value);
    if (!x.ok) throw new Error(`${l}: ${x.error.code}`);
  }
  // Datapath flows of earlier tests must not catch the next packet.
  f.sw.revalidate();
}

/** A controller on the ptcp listener (a service connection: it needs a miss_send_len, as ovs-ofctl monitor sets). */
async function controller(f: Fixture, versions = V13, format = 2): Promise<OfClient> {
  const c = await OfClient.connect({ port: f.tcpPort }, versions);
  c.send({ type: OfType.SET_CONFIG, xid: c.xid(), flags: 0, missSendLen: 0xffff });
  if (format) c.send({ type: OfType.SET_PACKET_IN_FORMAT, xid: c.xid(), format });
  await c.barrier();
  return c;
}

/** Packet-ins that arrived while waiting for something else (a barrier reply). */
const early: PacketInMsg[] = [];

async function pausedPacketIn(c: OfClient): Promise<PacketInMsg> {
  const e = early.shift();
  if (e) return e;
  const m = await c.recv(OfType.PACKET_IN);
  assert.equal(m.type, OfType.PACKET_IN);
  return m as PacketInMsg;
}

/** The NXT_RESUME a controller sends back for `pin` (OVS ofputil_encode_resume's fields). */
function resumeOf(pin: PacketInMsg, change: Partial<ResumeMsg> = {}): ResumeMsg {
  return {
    type: OfType.RESUME,
    xid: 0,
    bufferId: 0xffffffff,
    totalLen: pin.data.length,
    reason: pin.reason,
    tableId: pin.tableId,
    cookie: pin.cookie,
    match: pin.match,
    data: pin.data,
    userdata: null,
    continuation: pin.continuation,
    ...change,
  };
}

/** Sends `m` and returns the error it caused, or null after a barrier; keeps packet-ins it sees. */
async function resumeError(c: OfClient, m: ResumeMsg): Promise<string | null> {
  const xid = c.xid();
  c.send({ ...m, xid });
  const bx = c.xid();
  c.send({ type: OfType.BARRIER_REQUEST, xid: bx });
  for (;;) {
    const r: OfMessage = await c.recvWhere((x) => x.type === OfType.PACKET_IN || x.xid === xid || x.xid === bx);
    if (r.type === OfType.PACKET_IN) early.push(r as PacketInMsg);
    else if (r.type === OfType.ERROR) return (r as ErrorMsg).error ?? 'unknown';
    else if (r.type === OfType.BARRIER_REPLY) return null;
  }
}

const frame = udpFrame({ ethSrc: mac(1), ethDst: mac(7) });

describe('controller(pause) and NXT_RESUME', () => {
  let f: Fixture;
  let c: OfClient;
  before(async () => {
    f = await startSwitch({ ports: 4 });
  });
  after(async () => {
    await f.close();
  });
  beforeEach(() => {
    early.length = 0;
    f.sw.flush();
    for (const d of Object.values(f.dev)) d.sent.length = 0;
  });

  test('the packet continues after the pause: later actions, resubmit, stack, rule counters', async () => {
    c = await controller(f);
    try {
      addFlows(
        f,
        'table=0,in_port=1,actions=set_field:1->reg1,push:NXM_NX_REG1[0..4],controller(pause,userdata=01.02),pop:NXM_NX_REG2[],resubmit(,2),output:3',
        'table=2,reg1=1,reg2=1,actions=output:2',
      );
      f.dev.p1!.receive(frame);
      const pin = await pausedPacketIn(c);
      assert.equal(pin.format, 'nxt2');
      assert.deepEqual([...(pin.userdata ?? [])], [1, 2]);
      // OVS reports table 0 for a pause (the frozen state's table) and the registers so far.
      assert.equal(pin.tableId, 0);
      assert.equal(pin.match.key[W_REG0 + 1], 1);
      assert.ok(pin.continuation && pin.continuation.length > 0);
      const cont = decodeContinuation(pin.continuation!, c.version);
      assert.deepEqual(cont.bridge, f.br.uuid);
      assert.deepEqual(cont.stack.map((v) => [...v]), [[1]]);
      assert.equal(cont.odpPort, f.br.bridgePort(1)!.dpPort);
      // Nothing went out before the controller answers.
      assert.equal(f.dev.p2!.sent.length + f.dev.p3!.sent.length, 0);
      assert.equal(await resumeError(c, resumeOf(pin)), null);
      await waitFor(() => f.dev.p2!.sent.length === 1 && f.dev.p3!.sent.length === 1, 10000, 'outputs after resume');
      assert.deepEqual([...f.dev.p2!.sent[0]!], [...frame]);
      const t2 = f.sw.flows(criteriaAll(2));
      assert.ok(t2.ok);
      f.sw.pushStats();
      assert.equal(t2.value[0]!.packetCount, 1, 'the resumed translation credits table 2');
    } finally {
      c.close();
    }
  });

  test('a register the controller changes in the metadata steers the rest of the pipeline (OVN style)', async () => {
    c = await controller(f);
    try {
      addFlows(f, 'table=0,in_port=1,actions=controller(pause),resubmit(,1)', 'table=1,reg0=5,actions=output:3', 'table=1,reg0=0,actions=output:2');
      f.dev.p1!.receive(frame);
      const pin = await pausedPacketIn(c);
      const key = pin.match.key.slice();
      const mask = pin.match.mask.slice();
      key[W_REG0] = 5;
      mask[W_REG0] = 0xffffffff;
      // The controller also rewrites the packet: its new bytes go out.
      const data = pin.data.slice();
      data[0] = 0x02;
      assert.equal(await resumeError(c, resumeOf(pin, { match: { key, mask }, data })), null);
      await waitFor(() => f.dev.p3!.sent.length === 1, 10000, 'output on p3');
      assert.equal(f.dev.p2!.sent.length, 0);
      assert.equal(f.dev.p3!.sent[0]![0], 0x02);
    } finally {
      c.close();
    }
  });

  test('several pauses in a row, goto_table and write_metadata after a pause, the action set (OpenFlow 1.3)', async () => {
    c = await controller(f);
    try {
      addFlows(
        f,
        'table=0,in_port=1,actions=write_actions(output:4),goto_table:1',
        'table=1,actions=controller(pause),output:2,controller(pause),write_metadata:0x3/0xf,goto_table:2',
        'table=2,metadata=0x3/0xf,actions=controller(pause),output:3',
      );
      f.dev.p1!.receive(frame);
      for (let i = 0; i < 3; i++) {
        const pin = await pausedPacketIn(c);
        const cont = decodeContinuation(pin.continuation!, c.version);
        assert.equal(cont.actionSet.length, 1, 'the action set travels with the continuation');
        assert.equal(await resumeError(c, resumeOf(pin)), null);
      }
      await waitFor(() => f.dev.p4!.sent.length === 1, 10000, 'the action set at the end');
      assert.equal(f.dev.p2!.sent.length, 1);
      assert.equal(f.dev.p3!.sent.length, 1);
    } finally {
      c.close();
    }
  });

  test('a pause at the end of the pipeline resumes to nothing but the end (no table lookup)', async () => {
    c = await controller(f, V10);
    try {
      addFlows(f, 'in_port=1,actions=output:2,controller(pause)', 'priority=0,actions=output:3');
      f.dev.p1!.receive(frame);
      const pin = await pausedPacketIn(c);
      assert.equal(decodeContinuation(pin.continuation!, c.version).actions.length, 0);
      assert.equal(await resumeError(c, resumeOf(pin)), null);
      assert.equal(f.dev.p2!.sent.length, 1);
      assert.equal(f.dev.p3!.sent.length, 0);
    } finally {
      c.close();
    }
  });

  test('a standard packet-in carries no continuation: the pipeline stays paused', async () => {
    const s = await controller(f, V13, 0);
    try {
      addFlows(f, 'in_port=1,actions=controller(pause),output:2');
      f.dev.p1!.receive(frame);
      const pin = (await s.recv(OfType.PACKET_IN)) as PacketInMsg;
      assert.equal(pin.format, 'standard');
      assert.equal(pin.continuation, null);
      assert.equal(f.dev.p2!.sent.length, 0);
    } finally {
      s.close();
    }
  });

  test('errors: stale bridge (NXR_STALE), bad property length, unknown property, no continuation', async () => {
    c = await controller(f);
    try {
      addFlows(f, 'in_port=1,actions=controller(pause),output:2');
      f.dev.p1!.receive(frame);
      const pin = await pausedPacketIn(c);
      const cont = decodeContinuation(pin.continuation!, c.version);
      const stale = encodeContinuation({ ...cont, bridge: new Uint8Array(16).fill(7) }, c.version);
      assert.equal(await resumeError(c, resumeOf(pin, { continuation: stale })), 'NXR_STALE');
      assert.equal(await resumeError(c, resumeOf(pin, { continuation: new Uint8Array(0) })), 'NXR_STALE');
      // NXCPT_ODP_PORT with 2 bytes instead of 4.
      const short = Uint8Array.from([0x80, 0x08, 0x00, 0x06, 0, 1, 0, 0]);
      assert.equal(await resumeError(c, resumeOf(pin, { continuation: short })), 'OFPBPC_BAD_LEN');
      const unknown = Uint8Array.from([0x80, 0x40, 0x00, 0x04, 0, 0, 0, 0]);
      assert.equal(await resumeError(c, resumeOf(pin, { continuation: unknown })), 'OFPBPC_BAD_TYPE');
      assert.equal(f.dev.p2!.sent.length, 0, 'nothing resumed');
      // The real continuation still works afterwards, and twice (it is self-contained).
      assert.equal(await resumeError(c, resumeOf(pin)), null);
      assert.equal(await resumeError(c, resumeOf(pin)), null);
      assert.equal(f.dev.p2!.sent.length, 2);
    } finally {
      c.close();
    }
  });
});
