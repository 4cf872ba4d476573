/*
 * `pcap` ports: a classic pcap (big-endian, nanosecond timestamps, written here by hand)
 * replayed into a Datapath comes out of a tx_pcap port in a file tcpdump/tshark read
 * without errors; rxq_pcap records what the port received; the reader accepts every
 * classic pcap variant and refuses pcapng, other link types and truncated files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Datapath } from '../../src/datapath/datapath.js';
import { openNetdev } from '../../src/netdev/netdev.js';
import { PcapNetdev, PcapWriter, readPcapFrames } from '../../src/netdev/pcap.js';
import { parsePcap } from '../../src/netdev/pcap-format.js';
import { udpFrame } from '../../src/packet/build.js';
import { crossConnect } from './slow-path.js';
import { commandExists } from './netns.js';
import { until } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'tsovs-pcap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A big-endian, nanosecond-resolution pcap of `frames` (not the writer under test). */
function handMadePcap(frames: Uint8Array[]): Uint8Array {
  const parts: number[] = [];
  const u32 = (v: number): void => {
    parts.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  };
  u32(0xa1b23c4d);
  parts.push(0, 2, 0, 4);
  u32(0);
  u32(0);
  u32(65535);
  u32(1);
  frames.forEach((f, i) => {
    u32(1_700_000_000 + i);
    u32(123_456_789);
    u32(f.length);
    u32(f.length);
    parts.push(...f);
  });
  return Uint8Array.from(parts);
}

const N = 100;
const frames = Array.from({ length: N }, (_, i) => udpFrame({ sport: 10000 + i, dport: 9, payload: 18 + (i % 7) }));

describe('pcap ports', { timeout: 30000 }, () => {
  test('reader: big-endian nanosecond file', () => {
    const recs = parsePcap(handMadePcap(frames.slice(0, 3)));
    assert.equal(recs.length, 3);
    assert.deepEqual(recs[1]!.data, frames[1]);
    assert.equal(recs[1]!.tsUs, 1_700_000_001_000_000 + 123_456);
  });

  test('reader: errors are clear', () => {
    assert.throws(() => parsePcap(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...new Uint8Array(28)]), 'x.pcapng'), /pcapng is not supported/);
    const bad = handMadePcap([frames[0]!]);
    bad[23] = 101; // raw IP link type
    assert.throws(() => parsePcap(bad, 'raw.pcap'), /link type 101 is not Ethernet/);
    const cut = handMadePcap([frames[0]!]).subarray(0, 24 + 16 + 10);
    assert.throws(() => parsePcap(cut, 'cut.pcap'), /truncated/);
    assert.throws(() => parsePcap(new Uint8Array(8), 'tiny'), /not a pcap file/);
    assert.throws(() => openNetdev('pcap', 'p', { replay_pcap: join(dir, 'missing.pcap') }), /ENOENT|no such file/i);
    assert.throws(() => openNetdev('pcap', 'p', { bogus: '1' }), /does not support options:bogus/);
  });

  test('replay_pcap -> Datapath -> tx_pcap; tshark reads the output', async () => {
    const inFile = join(dir, 'in.pcap');
    const outFile = join(dir, 'out.pcap');
    const rxFile = join(dir, 'rx.pcap');
    writeFileSync(inFile, handMadePcap(frames));
    const src = new PcapNetdev('src', { replay_pcap: inFile, rxq_pcap: rxFile });
    const dst = openNetdev('pcap', 'dst', { tx_pcap: outFile }) as PcapNetdev;
    const dp = new Datapath('dp-pcap', 'netdev');
    dp.portAdd(src, 1);
    dp.portAdd(dst, 2);
    const sp = crossConnect(dp, [[1, 2]]);
    assert.equal(await src.replayed, N);
    // Replayed is not yet switched: wait for the output port rather than assume a turn of the loop.
    assert.ok(await until(() => dst.getStats().txPackets >= N), `sent ${dst.getStats().txPackets} of ${N}`);
    sp.stop();
    src.close();
    dst.close();
    const out = readPcapFrames(outFile);
    assert.equal(out.length, N);
    for (let i = 0; i < N; i++) assert.deepEqual(out[i], frames[i], `frame ${i}`);
    assert.equal(readPcapFrames(rxFile).length, N, 'rxq_pcap recorded what the port received');
    assert.equal(dst.getStats().txPackets, N);
    assert.ok(commandExists('tshark'), 'tshark is not installed (.ci/run installs it)');
    const r = spawnSync('tshark', ['-r', outFile, '-T', 'fields', '-e', 'udp.srcport'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const ports = r.stdout.trim().split('\n');
    assert.equal(ports.length, N);
    assert.equal(ports[0], '10000');
    assert.equal(ports[N - 1], String(10000 + N - 1));
    const bad = spawnSync('tshark', ['-r', outFile, '-Y', '_ws.malformed || _ws.expert.severity >= warning'], { encoding: 'utf8' });
    assert.equal(bad.status, 0, bad.stderr);
    assert.equal(bad.stdout.trim(), '', `tshark found problems:\n${bad.stdout}`);
  });

  test('writer appends to an existing capture and refuses a non-pcap file', () => {
    const f = join(dir, 'append.pcap');
    const w1 = new PcapWriter(f);
    w1.write(frames[0]!, 0, frames[0]!.length);
    w1.close();
    const w2 = new PcapWriter(f);
    w2.write(frames[1]!, 0, frames[1]!.length);
    w2.close();
    const got = readPcapFrames(f);
    assert.equal(got.length, 2);
    assert.deepEqual(got[1], frames[1]);
    const raw = readFileSync(f);
    assert.equal(new DataView(raw.buffer, raw.byteOffset, raw.length).getUint32(0, true), 0xa1b2c3d4);
    const junk = join(dir, 'junk.pcap');
    writeFileSync(junk, 'this is not a capture file at all');
    assert.throws(() => new PcapWriter(junk), /bad pcap magic/);
    assert.equal(readFileSync(junk, 'utf8'), 'this is not a capture file at all', 'left untouched');
  });
});
