/*
 * The OpenFlow connection layer: target syntax, hello version negotiation (common version,
 * failure text, OFPBRC_BAD_VERSION afterwards), malformed streams closing cleanly, echo,
 * inactivity probes, reconnection with backoff, and the pure pieces (packet buffers,
 * packet-in rate limiter, async configuration rules).
 */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { encodeMessage, OfType, type ErrorMsg } from '../../src/openflow/codec/index.js';
import {
  applySetAsync,
  asyncCfgDefault,
  asyncToProps,
  OAM_FLOW_REMOVED,
  OAM_PACKET_IN,
  OAM_PORT_STATUS,
} from '../../src/openflow/conn/async-config.js';
import { bitmapToString, decodeHelloVersions, encodeHelloMsg } from '../../src/openflow/conn/of-wire.js';
import { Pinsched } from '../../src/openflow/conn/pinsched.js';
import { NO_BUFFER, Pktbuf } from '../../src/openflow/conn/pktbuf.js';
import { Rconn } from '../../src/openflow/conn/rconn.js';
import { listenStream } from '../../src/openflow/conn/stream.js';
import { parseTarget, targetToString } from '../../src/openflow/conn/target.js';
import { Vconn } from '../../src/openflow/conn/vconn.js';
import { ManualClock } from '../../src/util/clock.js';
import { OfClient } from './of-client.js';
import { startSwitch, sleep, waitFor, type Fixture } from './switch-fixture.js';

describe('targets', () => {
  test('OVS syntax with default port 6653', () => {
    const t = (s: string): string => {
      const r = parseTarget(s);
      return r.ok ? targetToString(r.target) : `error: ${r.error}`;
    };
    assert.equal(t('tcp:127.0.0.1'), 'tcp:127.0.0.1:6653');
    assert.equal(t('tcp:10.0.0.1:6633'), 'tcp:10.0.0.1:6633');
    assert.equal(t('tcp:[::1]:1234'), 'tcp:[::1]:1234');
    assert.equal(t('ptcp:'), 'ptcp:6653:0.0.0.0');
    assert.equal(t('ptcp:0:127.0.0.1'), 'ptcp:0:127.0.0.1');
    assert.equal(t('ptcp:6634'), 'ptcp:6634:0.0.0.0');
    assert.equal(t('punix:/run/br0.mgmt'), 'punix:/run/br0.mgmt');
    assert.equal(t('unix:/run/x'), 'unix:/run/x');
    assert.match(t('tcp:'), /error/);
    assert.match(t('tcp:1.2.3.4:99999'), /bad port/);
    assert.match(t('ssl:1.2.3.4'), /unknown connection type/);
    assert.match(t('punix:'), /missing socket path/);
  });
});

describe('version bitmaps', () => {
  test('hello carries a bitmap only when versions are not contiguous', () => {
    const contiguous = encodeHelloMsg((1 << 1) | (1 << 2) | (1 << 3) | (1 << 4), 0);
    assert.equal(contiguous.length, 8);
    assert.equal(contiguous[0], 4);
    const sparse = encodeHelloMsg((1 << 1) | (1 << 4), 0);
    assert.equal(sparse[0], 4);
    assert.equal(decodeHelloVersions(sparse).bitmap, (1 << 1) | (1 << 4));
    assert.equal(decodeHelloVersions(contiguous).bitmap, 0x1e);
  });
  test('text as OVS prints it', () => {
    assert.equal(bitmapToString(1 << 4), 'version 0x04');
    assert.equal(bitmapToString(0x1e), 'version 0x04 and earlier');
    assert.equal(bitmapToString(0x72), 'versions 0x01, 0x04, 0x05, 0x06');
  });
});

describe('negotiation and framing against a bridge', () => {
  let f: Fixture;
  before(async () => {
    f = await startSwitch();
  });
  after(async () => {
    await f.close();
  });

  for (const [bits, want] of [
    [1 << 1, 1],
    [1 << 4, 4],
    [(1 << 4) | (1 << 5), 5],
    [0x7e, 6],
  ] as const) {
    test(`peer versions 0x${bits.toString(16)} -> OpenFlow 0x0${want}`, async () => {
      const c = await OfClient.connect({ port: f.tcpPort }, bits);
      assert.equal(c.version, want);
      const r = await c.request({ type: OfType.ECHO_REQUEST, xid: 0, data: new Uint8Array([1, 2, 3]) });
      assert.equal(r.type, OfType.ECHO_REPLY);
      assert.deepEqual([...(r as { data: Uint8Array }).data], [1, 2, 3]);
      c.close();
    });
  }

  test('no common version: OFPHFC_INCOMPATIBLE with OVS text, then close', async () => {
    const sock = net.connect(f.tcpPort, '127.0.0.1');
    const chunks: Buffer[] = [];
    sock.on('data', (b) => chunks.push(b));
    await new Promise((r) => sock.once('connect', r));
    sock.write(encodeMessage({ type: OfType.HELLO, xid: 1, versions: [2] }, 2));
    await new Promise((r) => sock.once('close', r));
    const all = Buffer.concat(chunks);
    const err = all.subarray(all.readUInt16BE(2));
    // The error goes out in the peer's highest version: OpenFlow 1.1 (wire 2), type 0 code 0.
    assert.deepEqual([err[0], err[1], err.readUInt16BE(8), err.readUInt16BE(10)], [2, 1, 0, 0]);
    assert.equal(
      err.subarray(12, err.readUInt16BE(2)).toString(),
      'We support versions 0x01, 0x04, 0x05, 0x06, you support version 0x02, no common versions.',
    );
  });

  test('a hello of version 2 without a bitmap means "2 and earlier": OpenFlow 1.0 is chosen', async () => {
    const sock = net.connect(f.tcpPort, '127.0.0.1');
    const chunks: Buffer[] = [];
    sock.on('data', (b) => chunks.push(b));
    await new Promise((r) => sock.once('connect', r));
    sock.write(encodeMessage({ type: OfType.HELLO, xid: 1, versions: null }, 2));
    sock.write(encodeMessage({ type: OfType.ECHO_REQUEST, xid: 77, data: new Uint8Array(0) }, 1));
    await waitFor(() => Buffer.concat(chunks).length >= 16 + 8, 10000, 'echo reply');
    const reply = Buffer.concat(chunks).subarray(16);
    assert.deepEqual([reply[0], reply[1], reply.readUInt32BE(4)], [1, OfType.ECHO_REPLY === 3 ? 3 : -1, 77]);
    sock.destroy();
  });

  test('a message of another version after negotiation: OFPBRC_BAD_VERSION, connection stays', async () => {
    const c = await OfClient.connect({ port: f.tcpPort }, 1 << 4);
    const xid = c.xid();
    c.sendRaw(encodeMessage({ type: OfType.FEATURES_REQUEST, xid }, 1));
    const r = await c.recvWhere((m) => m.xid === xid);
    assert.equal(r.type, OfType.ERROR);
    assert.equal((r as ErrorMsg).error, 'OFPBRC_BAD_VERSION');
    await c.barrier();
    c.close();
  });

  test('a header shorter than 8 bytes closes the connection', async () => {
    const c = await OfClient.connect({ port: f.tcpPort });
    c.sendRaw(new Uint8Array([1, 5, 0, 4, 0, 0, 0, 9]));
    await c.closedPromise;
    assert.ok(c.closed);
  });

  test('a request before the hello closes the connection', async () => {
    const sock = net.connect(f.tcpPort, '127.0.0.1');
    sock.resume();
    await new Promise((r) => sock.once('connect', r));
    sock.write(encodeMessage({ type: OfType.FEATURES_REQUEST, xid: 5 }, 1));
    await new Promise((r) => sock.once('close', r));
  });

  test('an unknown message type gets OFPBRC_BAD_TYPE', async () => {
    const c = await OfClient.connect({ port: f.tcpPort }, 1 << 4);
    const xid = c.xid();
    c.sendRaw(new Uint8Array([4, 99, 0, 8, 0, 0, (xid >> 8) & 0xff, xid & 0xff]));
    const r = await c.recvWhere((m) => m.xid === xid);
    assert.equal((r as ErrorMsg).error, 'OFPBRC_BAD_TYPE');
    c.close();
  });

  test('messages split across TCP segments and coalesced are all answered in order', async () => {
    const c = await OfClient.connect({ port: f.tcpPort }, 1 << 4);
    const msgs: Uint8Array[] = [];
    for (let i = 0; i < 50; i++) msgs.push(encodeMessage({ type: OfType.ECHO_REQUEST, xid: 100 + i, data: new Uint8Array(i) }, 4));
    const all = Buffer.concat(msgs);
    for (let o = 0; o < all.length; o += 7) c.sendRaw(all.subarray(o, o + 7));
    for (let i = 0; i < 50; i++) {
      const r = await c.recvWhere((m) => m.type === OfType.ECHO_REPLY);
      assert.equal(r.xid, 100 + i);
    }
    c.close();
  });
});

describe('rconn', () => {
  test('inactivity probe: echo request after the interval, disconnect after another without reply', async () => {
    const gone: string[] = [];
    const l = await listenStream({ kind: 'ptcp', host: '127.0.0.1', port: 0 }, (sock, name) => {
      Rconn.accepted(new Vconn(sock, name, 1 << 4), { name, allowedVersions: 1 << 4, probeIntervalMs: 150 }, {
        connected: () => undefined,
        message: () => undefined,
        disconnected: (_rc, e) => gone.push(String(e)),
      });
    });
    // Timed from before the connection exists: the switch's interval starts later than this.
    const t0 = Date.now();
    const mute = await OfClient.connect({ port: l.port }, 1 << 4);
    mute.answerEcho = false;
    const probe = await mute.recv(OfType.ECHO_REQUEST, 5000);
    assert.equal(probe.type, OfType.ECHO_REQUEST);
    assert.ok(Date.now() - t0 >= 100, 'probe waits for the interval');
    await mute.closedPromise;
    assert.ok(Date.now() - t0 >= 250, 'disconnects one interval after the probe');
    assert.deepEqual(gone, ['ETIMEDOUT']);

    const talker = await OfClient.connect({ port: l.port }, 1 << 4);
    await sleep(600);
    assert.equal(talker.closed, false, 'a peer that answers probes stays connected');
    talker.close();
    await l.close();
  });

  test('reconnects with backoff until the controller appears, and after it goes away', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));

    const events: string[] = [];
    const rc = Rconn.active(`tcp:127.0.0.1:${port}`, { name: 'test', allowedVersions: 1 << 4, probeIntervalMs: 0, maxBackoffMs: 1000 }, {
      connected: () => events.push('up'),
      message: () => undefined,
      disconnected: () => events.push('down'),
    });
    await waitFor(() => rc.state === 'BACKOFF', 10000, 'backoff');
    assert.equal(rc.isConnected, false);

    const peers: net.Socket[] = [];
    const ctl = net.createServer((s) => {
      peers.push(s);
      s.write(encodeMessage({ type: OfType.HELLO, xid: 1, versions: null }, 4));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => ctl.listen(port, '127.0.0.1', r));
    await waitFor(() => rc.isConnected, 10000, 'connected');
    assert.equal(rc.version, 4);
    for (const s of peers) s.destroy();
    await waitFor(() => events.includes('down'), 10000, 'disconnect noticed');
    await waitFor(() => rc.isConnected && events.filter((e) => e === 'up').length === 2, 10000, 'reconnected');
    rc.destroy();
    for (const s of peers) s.destroy();
    await new Promise<void>((r) => ctl.close(() => r()));
    assert.deepEqual(events, ['up', 'down', 'up', 'down']);
  });
});

describe('rconn backoff in virtual time', () => {
  test('1, 2, 4, 8, 8 seconds between attempts (max_backoff 8 s), as OVS', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const clock = new ManualClock(0);
    const rc = Rconn.active(`tcp:127.0.0.1:${port}`, { name: 't', allowedVersions: 1 << 4, probeIntervalMs: 0, maxBackoffMs: 8000, clock }, {
      connected: () => undefined,
      message: () => undefined,
      disconnected: () => undefined,
    });
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      await waitFor(() => rc.state === 'BACKOFF', 10000, 'refused');
      let waited = 0;
      while (rc.state === 'BACKOFF') {
        clock.advance(500);
        waited += 500;
        rc.run();
      }
      waits.push(waited);
    }
    rc.destroy();
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 8000]);
  });
});

describe('packet buffers', () => {
  test('ids, single use, stale ids, and the 5 s reuse guard', () => {
    const clock = new ManualClock(0);
    const pb = new Pktbuf(clock);
    const id = pb.save(new Uint8Array([1, 2, 3]), 7);
    assert.notEqual(id, NO_BUFFER);
    const r = pb.retrieve(id);
    assert.ok(r.ok && r.inPort === 7 && r.packet.length === 3);
    assert.deepEqual(pb.retrieve(id), { ok: false, error: 'OFPBRC_BUFFER_EMPTY' });
    assert.deepEqual(pb.retrieve(id ^ 0x100), { ok: false, error: 'OFPBRC_BUFFER_UNKNOWN' });
    const ids: number[] = [];
    for (let i = 0; i < 255; i++) ids.push(pb.save(new Uint8Array([i]), 1));
    assert.equal(new Set(ids).size, 255);
    // The slot of the first id was emptied by retrieve, so the ring comes back to it.
    const again = pb.save(new Uint8Array([9]), 1);
    assert.notEqual(again, NO_BUFFER);
    assert.notEqual(again, id, 'a reused slot gets a new cookie');
    assert.equal(pb.save(new Uint8Array([9]), 1), NO_BUFFER, 'slots younger than 5 s are not overwritten');
    clock.advance(5001);
    assert.notEqual(pb.save(new Uint8Array([9]), 1), NO_BUFFER);
    assert.deepEqual(pb.retrieve(ids[1]!), { ok: false, error: 'OFPBRC_BUFFER_UNKNOWN' }, 'overwritten');
  });
});

describe('packet-in rate limiting', () => {
  test('token bucket with per-port round robin and longest-queue drops', () => {
    const clock = new ManualClock(0);
    const s = new Pinsched<string>(100, 4, clock, () => 0);
    const out: string[] = [];
    for (let i = 0; i < 4; i++) s.send(1, `a${i}`, out);
    assert.deepEqual(out, ['a0', 'a1', 'a2', 'a3'], 'the burst passes');
    out.length = 0;
    s.send(1, 'a4', out);
    s.send(1, 'a5', out);
    s.send(2, 'b0', out);
    s.send(3, 'c0', out);
    assert.deepEqual(out, []);
    assert.equal(s.stats.nQueued, 4);
    s.send(2, 'b1', out);
    assert.equal(s.stats.nQueueDropped, 1, 'queue full: longest (port 1) loses its oldest');
    clock.advance(30); // 3 tokens
    s.run(out);
    assert.deepEqual(out, ['a5', 'b0', 'c0'], 'round robin over ports');
    clock.advance(1000);
    out.length = 0;
    s.run(out);
    assert.deepEqual(out, ['b1']);
    assert.deepEqual(s.stats, { nQueued: 0, nNormal: 4, nLimited: 5, nQueueDropped: 1 });
  });
  test('OVS defaults: rate 1000/s, burst a quarter', () => {
    const s = new Pinsched<number>(0, 0, new ManualClock(0));
    assert.equal(s.rate, 1000);
    assert.equal(s.burst, 250);
  });
});

describe('async configuration', () => {
  test('defaults per version', () => {
    const v10 = asyncCfgDefault(1);
    assert.equal(v10.primary[OAM_PACKET_IN], 0x3b | 0x40 | 0x80);
    assert.equal(v10.secondary[OAM_PACKET_IN], 0, 'slaves get no packet-ins');
    assert.equal(v10.secondary[OAM_FLOW_REMOVED], 0, 'nor flow-removed');
    assert.equal(v10.secondary[OAM_PORT_STATUS], 7, 'but port status');
    assert.equal(v10.primary[OAM_FLOW_REMOVED], 7);
    assert.equal(asyncCfgDefault(4).primary[OAM_PACKET_IN], 0x3b | 0x40, 'no implicit-miss packet-ins from 1.3');
    assert.equal(asyncCfgDefault(4).primary[OAM_FLOW_REMOVED], 0xf);
    assert.equal(asyncCfgDefault(6).primary[OAM_FLOW_REMOVED], 0x3f);
  });
  test('legacy set-async replaces everything; OF1.4 properties change what they name, strictly', () => {
    const base = asyncCfgDefault(4);
    const r = applySetAsync(base, [{ type: 0, mask: 0x3 }, { type: 1, mask: 0x2 }], 4, true);
    assert.ok(r.ok);
    assert.equal(r.cfg.secondary[OAM_PACKET_IN], 0x3 | 0x40 | 0x38, 'no_match brings explicit miss, action its 1.4 refinements');
    assert.equal(r.cfg.primary[OAM_PACKET_IN], 0x2 | 0x38, 'action brings the 1.4 refinements before 1.4');
    assert.equal(r.cfg.primary[OAM_PORT_STATUS], 0, 'unnamed masks cleared');
    const p = applySetAsync(asyncCfgDefault(5), [{ type: 4, mask: 0x1 }], 5, false);
    assert.ok(p.ok);
    assert.equal(p.cfg.secondary[OAM_FLOW_REMOVED], 1);
    assert.equal(p.cfg.primary[OAM_PORT_STATUS], 7, 'others kept');
    assert.deepEqual(applySetAsync(asyncCfgDefault(5), [{ type: 3, mask: 0x8 }], 5, false), { ok: false, error: 'OFPACFC_INVALID' });
    assert.equal(asyncToProps(asyncCfgDefault(4), 4).length, 6);
    assert.equal(asyncToProps(asyncCfgDefault(6), 6).length, 12);
  });
});
