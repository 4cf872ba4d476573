/*
 * The upcall queue: bounded FIFO, and pooled records lent out by drain() until the next
 * drain() (the Dpif recvUpcalls contract).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpcallQueue } from '../../src/datapath/upcall-queue.js';
import { UpcallType, type Upcall } from '../../src/datapath/dpif.js';
import { FLOW_WORDS } from '../../src/flow/layout.js';
import { Packet } from '../../src/packet/packet.js';

function pkt(fill: number, len = 60): Packet {
  return Packet.from(new Uint8Array(len).fill(fill));
}

function key(v: number): Uint32Array {
  return new Uint32Array(FLOW_WORDS).fill(v);
}

test('upcalls come out in order, copied, and a full queue refuses more', () => {
  const q = new UpcallQueue(3);
  const src = pkt(1);
  const k = key(7);
  for (let i = 0; i < 3; i++) assert.equal(q.push(UpcallType.MISS, src, k, null, i), true);
  assert.equal(q.isFull(), true);
  assert.equal(q.push(UpcallType.MISS, src, k, null, 9), false);
  src.buf[src.start] = 99; // the queued copies do not see later changes
  k[0] = 99;
  const out: Upcall[] = [];
  assert.equal(q.drain(out, 10), 3);
  assert.deepEqual(out.map((u) => u.pid), [0, 1, 2]);
  for (const u of out) {
    assert.equal(u.packet.bytes()[0], 1);
    assert.equal(u.key[0], 7);
  }
});

test('records lent by drain() are not reused before the next drain()', () => {
  const q = new UpcallQueue(2);
  q.push(UpcallType.MISS, pkt(1), key(1), null, 1);
  const first: Upcall[] = [];
  q.drain(first, 1);
  // Fill the queue completely while the first record is still lent out.
  q.push(UpcallType.ACTION, pkt(2), key(2), new Uint8Array([5]), 2);
  q.push(UpcallType.MISS, pkt(3), key(3), null, 3);
  assert.equal(first[0]!.pid, 1);
  assert.equal(first[0]!.key[0], 1);
  assert.equal(first[0]!.packet.bytes()[0], 1);
  const second: Upcall[] = [];
  assert.equal(q.drain(second, 2), 2);
  assert.deepEqual(second.map((u) => [u.type, u.pid, u.key[0], u.packet.bytes()[0]]), [
    [UpcallType.ACTION, 2, 2, 2],
    [UpcallType.MISS, 3, 3, 3],
  ]);
  assert.deepEqual(second[0]!.userdata, new Uint8Array([5]));
  // Now the first record is free again: the next upcall reuses it rather than allocating.
  q.push(UpcallType.MISS, pkt(4), key(4), null, 4);
  const third: Upcall[] = [];
  q.drain(third, 1);
  assert.equal(third[0], first[0]);
  assert.equal(third[0]!.pid, 4);
  assert.equal(third[0]!.userdata, null);
});

test('a record grows for a frame larger than its buffer', () => {
  const q = new UpcallQueue(1);
  q.push(UpcallType.MISS, pkt(1, 60), key(1), null, 1);
  const a: Upcall[] = [];
  q.drain(a, 1);
  const big = Packet.from(new Uint8Array(9000).fill(6), 128);
  assert.equal(q.push(UpcallType.MISS, big, key(2), null, 2), true);
  const b: Upcall[] = [];
  q.drain(b, 1);
  assert.equal(b[0]!.packet.len, 9000);
  assert.equal(b[0]!.packet.bytes()[8999], 6);
});

test('clear() drops pending upcalls and keeps the records for reuse', () => {
  const q = new UpcallQueue(2);
  q.push(UpcallType.MISS, pkt(1), key(1), null, 1);
  q.push(UpcallType.MISS, pkt(2), key(2), null, 2);
  q.clear();
  assert.equal(q.length, 0);
  assert.equal(q.drain([], 5), 0);
  assert.equal(q.push(UpcallType.MISS, pkt(3), key(3), null, 3), true);
  const out: Upcall[] = [];
  assert.equal(q.drain(out, 5), 1);
  assert.equal(out[0]!.pid, 3);
});
