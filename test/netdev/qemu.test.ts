/*
 * QEMU-compatible ports. `stream`: peers written here speak QEMU's -netdev stream format
 * (4-byte big-endian length, then the frame) over unix and TCP sockets and exchange frames
 * through a Datapath, with frames split across writes; tsovs as a client reconnects; a
 * bogus length closes the connection. `dgram`: a unix datagram peer (python3, as QEMU's
 * -netdev dgram) exchanges frames with a UDP peer through a Datapath.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Datapath } from '../../src/datapath/datapath.js';
import { InetDgramNetdev, openDgram } from '../../src/netdev/dgram.js';
import { nativeAvailable } from '../../src/netdev/native.js';
import { StreamNetdev } from '../../src/netdev/stream.js';
import { udpFrame } from '../../src/packet/build.js';
import { commandExists } from './netns.js';
import { crossConnect } from './slow-path.js';
import { until } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'tsovs-qemu-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A QEMU -netdev stream peer: length-prefixed frames in, length-prefixed frames out. */
class StreamPeer {
  readonly frames: Uint8Array[] = [];
  private acc = Buffer.alloc(0);
  constructor(readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.acc = Buffer.concat([this.acc, d]);
      while (this.acc.length >= 4) {
        const len = this.acc.readUInt32BE(0);
        if (this.acc.length < 4 + len) break;
        this.frames.push(new Uint8Array(this.acc.subarray(4, 4 + len)));
        this.acc = this.acc.subarray(4 + len);
      }
    });
  }
  /** Sends frames as one byte stream cut into `pieces` writes at odd places. */
  async send(frames: Uint8Array[], pieces = 1): Promise<void> {
    const all = Buffer.concat(frames.map((f) => Buffer.concat([Buffer.from([f.length >>> 24, (f.length >>> 16) & 255, (f.length >>> 8) & 255, f.length & 255]), f])));
    const step = Math.ceil(all.length / pieces);
    for (let o = 0; o < all.length; o += step) {
      this.sock.write(all.subarray(o, o + step));
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

function connectPeer(target: { path: string } | { port: number }): Promise<StreamPeer> {
  return new Promise((resolve, reject) => {
    const s = 'path' in target ? connect(target.path) : connect(target.port, '127.0.0.1');
    s.once('connect', () => resolve(new StreamPeer(s)));
    s.once('error', reject);
  });
}

const frames = Array.from({ length: 20 }, (_, i) => udpFrame({ sport: 2000 + i, payload: 30 + i * 50 }));

describe('QEMU stream ports', { timeout: 30000 }, () => {
  test('two peers (unix and TCP) exchange frames through a Datapath; frames split across writes', async () => {
    const sockPath = join(dir, 'a.sock');
    const a = new StreamNetdev('qa', { path: sockPath, server: 'true' });
    // Pick a free TCP port through a throwaway server.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const bb = new StreamNetdev('qb', { host: '127.0.0.1', port: String(port), server: 'true' });
    await a.ready;
    await bb.ready;
    const dp = new Datapath('dp-stream', 'netdev');
    dp.portAdd(a, 1);
    dp.portAdd(bb, 2);
    const sp = crossConnect(dp, [[1, 2]]);
    const links: string[] = [];
    a.onLinkChange = (up) => links.push(`a:${up}`);
    const pa = await connectPeer({ path: sockPath });
    const pb = await connectPeer({ port });
    try {
      assert.ok(await until(() => a.isUp() && bb.isUp()));
      await pa.send(frames, 7);
      assert.ok(await until(() => pb.frames.length === frames.length), `b got ${pb.frames.length}`);
      assert.deepEqual(pb.frames, frames);
      await pb.send(frames.slice(0, 5), 1);
      assert.ok(await until(() => pa.frames.length === 5));
      assert.deepEqual(pa.frames, frames.slice(0, 5));
      // a second peer is refused while the first is connected
      const extra = connect(sockPath);
      const closed = await new Promise<boolean>((r) => {
        // Generous: only a switch that never refuses waits this long.
        const t = setTimeout(() => r(false), 10000);
        extra.on('close', () => {
          clearTimeout(t);
          r(true);
        });
        extra.on('error', () => undefined);
      });
      assert.ok(closed, 'second peer refused');
      pa.sock.destroy();
      assert.ok(await until(() => !a.isUp()));
      assert.deepEqual(links, ['a:true', 'a:false']);
      assert.equal(a.getStats().rxPackets, frames.length);
    } finally {
      sp.stop();
      pb.sock.destroy();
      a.close();
      bb.close();
    }
  });

  test('as a client it reconnects after the peer goes away; a bogus length closes the connection', async () => {
    const sockPath = join(dir, 'srv.sock');
    const peers: StreamPeer[] = [];
    const srv = createServer((s) => peers.push(new StreamPeer(s)));
    await new Promise<void>((r) => srv.listen(sockPath, r));
    const c = new StreamNetdev('qc', { path: sockPath, reconnect: '1' });
    const sink = new StreamNetdev('qd', { path: join(dir, 'sink.sock'), server: 'true' });
    await sink.ready;
    const dp = new Datapath('dp-stream2', 'netdev');
    dp.portAdd(c, 1);
    dp.portAdd(sink, 2);
    const sp = crossConnect(dp, [[1, 2]]);
    const ps = await connectPeer({ path: join(dir, 'sink.sock') });
    try {
      assert.ok(await until(() => c.isUp() && peers.length === 1));
      peers[0]!.sock.destroy();
      assert.ok(await until(() => !c.isUp()));
      assert.ok(await until(() => c.isUp() && peers.length === 2, 4000), 'reconnected');
      await peers[1]!.send([frames[3]!]);
      assert.ok(await until(() => ps.frames.length === 1));
      assert.deepEqual(ps.frames[0], frames[3]);
      peers[1]!.sock.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]));
      assert.ok(await until(() => c.getStats().rxErrors === 1), 'protocol error counted');
      assert.ok(await until(() => peers.length === 3, 4000), 'dropped the bad connection and came back');
    } finally {
      sp.stop();
      ps.sock.destroy();
      c.close();
      sink.close();
      for (const p of peers) p.sock.destroy();
      srv.close();
    }
    assert.throws(() => new StreamNetdev('qe', {}), /needs options:path or options:port/);
  });
});

const PY_PEER = `
import socket, sys, binascii
me, ts, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(me)
s.settimeout(5)
print("ready", flush=True)
for line in sys.stdin:
    line = line.strip()
    if line == "recv":
        for i in range(n):
            print(binascii.hexlify(s.recv(70000)).decode(), flush=True)
    elif line:
        s.sendto(binascii.unhexlify(line), ts)
`;

const dgramProblem = !nativeAvailable() ? 'native addon not built (npm ci builds it)' : !commandExists('python3') ? 'needs python3' : null;

describe('QEMU dgram ports', { timeout: 30000 }, () => {
  test('prerequisites', () => assert.equal(dgramProblem, null, `cannot run: ${dgramProblem}`));
  test('a unix datagram peer and a UDP peer exchange frames through a Datapath', async () => {
    const tsPath = join(dir, 'ts-dgram.sock');
    const peerPath = join(dir, 'peer-dgram.sock');
    const udpPeer = createSocket('udp4');
    await new Promise<void>((r) => udpPeer.bind(0, '127.0.0.1', () => r()));
    const udpPort = udpPeer.address().port;
    const got: Buffer[] = [];
    udpPeer.on('message', (m) => got.push(m));
    const u = openDgram('qu', { local_path: tsPath, remote_path: peerPath });
    const i = openDgram('qi', { local_host: '127.0.0.1', local_port: '0', remote_host: '127.0.0.1', remote_port: String(udpPort) });
    const dp = new Datapath('dp-dgram', 'netdev');
    dp.portAdd(u, 1);
    dp.portAdd(i, 2);
    const sp = crossConnect(dp, [[1, 2]]);
    const py = spawn('python3', ['-c', PY_PEER, peerPath, tsPath, '3'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buf = '';
    py.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
    });
    try {
      assert.ok(await until(() => lines[0] === 'ready'), 'python peer ready');
      for (const f of frames.slice(0, 4)) py.stdin.write(Buffer.from(f).toString('hex') + '\n');
      assert.ok(await until(() => got.length === 4), `udp peer got ${got.length}`);
      assert.deepEqual(got.map((g) => new Uint8Array(g)), frames.slice(0, 4));
      // the UDP side answers: needs the tsovs UDP port number
      assert.ok(i instanceof InetDgramNetdev);
      await i.ready;
      const tsUdpPort = i.localAddress().port;
      for (const f of frames.slice(5, 8)) udpPeer.send(f, tsUdpPort, '127.0.0.1');
      py.stdin.write('recv\n');
      assert.ok(await until(() => lines.length === 4), `python got ${lines.length - 1}`);
      assert.deepEqual(lines.slice(1), frames.slice(5, 8).map((f) => Buffer.from(f).toString('hex')));
      assert.ok(u.isUp() && i.isUp());
    } finally {
      py.kill();
      sp.stop();
      u.close();
      i.close();
      udpPeer.close();
    }
    assert.throws(() => openDgram('qx', {}), /needs options:local_path/);
  });
});
