/*
 * Bad input at the OpenFlow socket: random bytes and mutated versions of valid requests
 * (flipped bytes, truncations, extensions, lying lengths) in OpenFlow 1.0, 1.3 and 1.5.
 * The process never crashes, the handler never throws, and after every message the
 * connection either still answers (the message got its reply, an error reply or was
 * accepted) or was closed; a fresh connection always works afterwards.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { after, before, test } from 'node:test';
import { newMatch } from '../../src/flow/match.js';
import { encodeMessage, makeFlowModMsg, makePacketOut, OfType, type OfMessage } from '../../src/openflow/codec/index.js';
import { parseActions, parseInstructions } from '../../src/openflow/flow-syntax/actions-parse.js';
import { parseFlowMod, OFPFC } from '../../src/openflow/flow-syntax/flow-mod.js';
import { udpFrame } from '../../src/packet/build.js';
import { OfClient } from './of-client.js';
import { startSwitch, type Fixture } from './switch-fixture.js';

let f: Fixture;
before(async () => {
  f = await startSwitch({ tcp: { type: 'primary' } });
});
after(async () => {
  await f.close();
});

function must<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function corpus(v: number): Uint8Array[] {
  const fm = must(parseFlowMod('priority=7,tcp,nw_src=10.0.0.0/8,tp_dst=80,actions=mod_nw_dst:1.2.3.4,output:2', OFPFC.ADD));
  const instr = must(parseInstructions('push_vlan:0x8100,set_field:4097->vlan_vid,output:1,goto_table:5'));
  const msgs: OfMessage[] = [
    makeFlowModMsg({ command: 0, match: fm.match, priority: 7, actions: fm.actions, flags: 1 }),
    makeFlowModMsg({ command: 3, match: newMatch(), tableId: 0xff }),
    makePacketOut(9, 0xfffd, must(parseActions('output:1,output:3')), udpFrame()),
    { type: OfType.FEATURES_REQUEST, xid: 1 },
    { type: OfType.SET_CONFIG, xid: 2, flags: 0, missSendLen: 200 },
    { type: OfType.ROLE_REQUEST, xid: 3, nx: v === 1, role: 1, generationId: v === 1 ? 0xffffffffffffffffn : 5n },
    { type: OfType.FLOW_STATS_REQUEST, xid: 4, flags: 0, nx: v === 1, tableId: 0xff, outPort: 0xffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: newMatch() },
    { type: OfType.PORT_STATS_REQUEST, xid: 5, flags: 0, portNo: 0xffff },
    { type: OfType.PORT_MOD, xid: 6, portNo: 2, hwAddr: 0xaa55aa550002, config: 1, mask: 0x40, advertise: 0 },
    { type: OfType.GROUP_MOD, xid: 7, command: 0, groupType: 1, groupId: 5, commandBucketId: 0xffffffff, buckets: [{ bucketId: 0, weight: 3, watchPort: 0xffff, watchGroup: 0xffffffff, actions: must(parseActions('output:1')) }] },
    { type: OfType.FLOW_MONITOR_STATS_REQUEST, xid: 8, flags: 0, requests: [{ id: 3, flags: 31, outPort: 0xffff, outGroup: 0xffffffff, tableId: 0xff, command: 0, match: newMatch() }] },
    { type: OfType.SET_PACKET_IN_FORMAT, xid: 9, format: 2 },
  ];
  if (v >= 4) {
    msgs.push(
      makeFlowModMsg({ command: 0, match: newMatch(), tableId: 1, priority: 3, actions: instr }),
      { type: OfType.METER_MOD, xid: 10, command: 0, flags: 1, meterId: 3, bands: [{ type: 1, rate: 100, burstSize: 0, precLevel: 0 }] },
      { type: OfType.SET_ASYNC_CONFIG, xid: 11, nx: false, props: [{ type: 0, mask: 3 }, { type: 1, mask: 7 }] },
      { type: OfType.BUNDLE_CONTROL, xid: 12, bundleId: 1, ctrlType: 0, flags: 1 },
      { type: OfType.TABLE_FEATURES_STATS_REQUEST, xid: 13, flags: 0, tables: [] },
      { type: OfType.METER_STATS_REQUEST, xid: 14, flags: 0, meterId: 0xffffffff },
    );
  }
  const out: Uint8Array[] = [];
  for (const m of msgs) {
    try {
      out.push(encodeMessage(m, v));
    } catch {
      // not expressible in this version
    }
  }
  return out;
}

/** The request with its header's length made to match (unless `lie`). */
function fixLength(b: Uint8Array, lie: boolean): Uint8Array {
  if (b.length >= 4 && !lie) {
    const n = Math.min(b.length, 0xffff);
    b[2] = n >>> 8;
    b[3] = n & 0xff;
  }
  return b;
}

const mutation = (base: readonly Uint8Array[], v: number) =>
  fc.oneof(
    // Pure garbage with a plausible header.
    fc.tuple(fc.uint8Array({ minLength: 0, maxLength: 120 }), fc.integer({ min: 0, max: 40 }), fc.nat(5)).map(([body, type, r]) => {
      const lie = r === 0;
      const b = new Uint8Array(8 + body.length);
      b[0] = v;
      b[1] = type;
      b.set(body, 8);
      return fixLength(b, lie);
    }),
    // A valid message with bytes flipped.
    fc.tuple(fc.nat(base.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 })).map(([i, flips]) => {
      const b = base[i]!.slice();
      for (const [pos, x] of flips) {
        const at = 8 + (pos % Math.max(1, b.length - 8));
        if (at < b.length) b[at] ^= x;
      }
      return b;
    }),
    // Truncated or extended, length fixed up (or not).
    fc.tuple(fc.nat(base.length - 1), fc.integer({ min: -64, max: 64 }), fc.nat(5)).map(([i, d, r]) => {
      const lie = r === 0;
      const src = base[i]!;
      const n = Math.max(8, src.length + d);
      const b = new Uint8Array(n);
      b.set(src.subarray(0, Math.min(n, src.length)));
      return fixLength(b, lie);
    }),
  );

class Conn {
  c: OfClient | null = null;
  constructor(readonly v: number) {}
  async get(): Promise<OfClient> {
    if (this.c === null || this.c.closed) this.c = await OfClient.connect({ port: f.tcpPort }, 1 << this.v);
    return this.c;
  }
}

let xid = 0x70000000;
const outcomes = { answered: 0, closed: 0, stalled: 0 };

/**
 * Sends `msg` then an echo request; the echo reply must come back, or the connection must
 * close. A message whose header lies about its length desynchronizes the stream (the switch
 * legitimately waits for bytes that never come, or reads its tail as another header): the
 * connection is replaced after it.
 */
async function probe(conn: Conn, msg: Uint8Array): Promise<void> {
  const c = await conn.get();
  const id = xid++;
  const claimed = (msg[2]! << 8) | msg[3]!;
  const honest = claimed === msg.length;
  c.sendRaw(msg);
  c.sendRaw(encodeMessage({ type: OfType.ECHO_REQUEST, xid: id, data: new Uint8Array(0) }, conn.v));
  try {
    // An honest message must be answered or closed, however long a loaded machine takes.
    await c.recvWhere((m) => m.type === OfType.ECHO_REPLY && m.xid === id, honest ? 10000 : 120);
    outcomes.answered++;
  } catch (e) {
    if (c.closed) {
      outcomes.closed++;
      return;
    }
    assert.ok(!honest, `no answer and no close for ${Buffer.from(msg).toString('hex')}: ${(e as Error).message}`);
    outcomes.stalled++;
  }
  if (!honest) c.close();
}

for (const v of [1, 4, 6]) {
  test(`mutated and random messages, OpenFlow version ${v}`, async () => {
    const conn = new Conn(v);
    const base = corpus(v);
    await fc.assert(
      fc.asyncProperty(mutation(base, v), async (msg) => {
        await probe(conn, msg);
      }),
      { seed: 0x5eed + v, numRuns: 250 },
    );
    conn.c?.close();
    const fresh = await OfClient.connect({ port: f.tcpPort }, 1 << v);
    await fresh.barrier();
    fresh.close();
    assert.ok(!f.logs.some((l) => /internal error/.test(l)), f.logs.filter((l) => /internal error/.test(l)).join('\n'));
  });
}

test('raw garbage before and instead of a hello closes cleanly', async () => {
  const net = await import('node:net');
  await fc.assert(
    fc.asyncProperty(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(5)), async ([junk, r]) => {
      const lie = r === 0;
      fixLength(junk, lie);
      const s = net.connect(f.tcpPort, '127.0.0.1');
      s.resume();
      await new Promise((r) => s.once('connect', r));
      // Either the switch hangs up, or it is waiting for the rest of a message that claims more
      // bytes. Where waiting is allowed, 120 ms without a close will do; where only a close is,
      // wait as long as a loaded machine may need to deliver it.
      const lenOk = junk.length >= 4 && (((junk[2]! << 8) | junk[3]!) > junk.length || junk[1] === 0);
      const mayWait = lenOk || junk.length < 8;
      s.write(junk);
      const closed = await new Promise<boolean>((res) => {
        const t = setTimeout(() => res(false), mayWait ? 120 : 10000);
        s.once('close', () => {
          clearTimeout(t);
          res(true);
        });
      });
      if (!closed) {
        assert.ok(mayWait, `switch neither closed nor waited for more: ${Buffer.from(junk).toString('hex')}`);
        s.destroy();
      }
    }),
    { seed: 0xbadf00d, numRuns: 30 },
  );
  const ok = await OfClient.connect({ port: f.tcpPort });
  await ok.barrier();
  ok.close();
  assert.ok(outcomes.answered > 0);
});
