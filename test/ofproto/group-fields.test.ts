/*
 * Select-group hash fields as text (src/ofproto/group-fields.ts): every field under any mask
 * a wire message can carry survives the trip to text and back (masks whose usual text does
 * not read back exactly fall back to raw hex), and the parsed list comes in field order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MF_FIELDS } from '../../src/flow/meta-flow.js';
import { parseSelectionField, parseSelectionFields, selectionFieldText } from '../../src/ofproto/group-fields.js';

test('text and back is lossless for every field and mask (seeded)', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: MF_FIELDS.length - 1 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (i, raw) => {
    const f = MF_FIELDS[i]!;
    const mask = raw.slice(0, f.nBytes);
    const text = selectionFieldText(f, mask);
    const back = parseSelectionField(text);
    assert.ok(back, text);
    assert.equal(back.field, f);
    assert.deepEqual([...back.mask], [...mask], text);
  }), { seed: 2024, numRuns: 2000 });
});

test('the forms ovs-ofctl prints; unknown names and bad masks are skipped; field order', () => {
  const ip = MF_FIELDS.find((f) => f.name === 'ip_dst')!;
  assert.equal(selectionFieldText(ip, Uint8Array.from([255, 255, 255, 0])), 'ip_dst=255.255.255.0');
  assert.equal(selectionFieldText(ip, Uint8Array.from([255, 255, 255, 255])), 'ip_dst');
  // ct_state's flag text would not read back as this mask: raw hex.
  const ct = MF_FIELDS.find((f) => f.name === 'ct_state')!;
  assert.equal(selectionFieldText(ct, Uint8Array.from([0, 0, 0, 0x21])), 'ct_state=0x00000021');
  const list = parseSelectionFields(['tcp_src', 'nw_dst=255.0.0.0', 'frob', 'ip_src=1.2.3', 'eth_src']);
  assert.deepEqual(list.map((x) => x.field.name), ['eth_src', 'ip_dst', 'tcp_src']);
  const specs = ['ip_src'];
  assert.equal(parseSelectionFields(specs), parseSelectionFields(specs), 'cached per list');
});
