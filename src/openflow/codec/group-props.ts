/*
 * Group properties on the wire (OVS lib/ofp-group.c parse_ofp15_group_properties and
 * ofputil_put_group_prop_ntr_selection_method): the Netronome selection-method experimenter
 * property of OpenFlow 1.5 group-mods and group descriptions (and of OVS's NXT_GROUP_MOD /
 * NXST_GROUP_DESC in OpenFlow 1.0, which use the 1.5 layout). OpenFlow 1.1-1.4 have no room
 * for it: OVS drops it there, and so does this codec.
 *
 *   type=0xffff len exp=NTR_VENDOR_ID exp_type=1 pad[4] selection_method[16] param(64)
 *   then OXM headers whose (unmasked) value is the mask applied to that field, padded to 8.
 */

import { isAllOnes, isAllZeros, type MfField } from '../../flow/meta-flow.js';
import { fail, Reader, type Writer } from './bytes.js';
import { fieldOfHeader, pullOxmHeader, putOxmHeader } from './match-oxm.js';
import type { GroupProps, GroupSelectionField } from './messages.js';
import { pullProp, unknownProp } from './props.js';

export const NTR_VENDOR_ID = 0x0000154d;
/** The wrong id OVS 2.4 used; still accepted on input. */
export const NTR_COMPAT_VENDOR_ID = 0x00001540;
export const NTRT_SELECTION_METHOD = 1;
export const NTR_MAX_SELECTION_METHOD_LEN = 16;
const OFPGPT15_EXPERIMENTER = 0xffff;
/** ntr_group_prop_selection_method without its fields. */
const PROP_LEN = 40;

const OFPGT_SELECT = 1;
const OFPGC_ADD = 0;
const OFPGC_MODIFY = 1;
const OFPGC_ADD_OR_MOD = 0x8000;
const OFPGC_DELETE = 2;
const OFPGC_INSERT_BUCKET = 3;
const OFPGC_REMOVE_BUCKET = 5;

/** OVS mf_is_mask_valid: a field that cannot be masked takes all-ones or all-zeros only. */
export function isSelectionMaskValid(f: MfField, mask: Uint8Array): boolean {
  return f.maskable || isAllOnes(mask) || isAllZeros(mask);
}

/** Fields in OVS's field_array order (by field id). */
export function sortSelectionFields(fields: readonly GroupSelectionField[]): GroupSelectionField[] {
  return [...fields].sort((a, b) => a.field.id - b.field.id);
}

/** OVS oxm_pull_field_array: unmasked OXM entries whose values are masks. */
function pullFieldArray(r: Reader): GroupSelectionField[] {
  const out: GroupSelectionField[] = [];
  const seen = new Set<number>();
  while (r.left > 0) {
    const h = pullOxmHeader(r);
    const f = fieldOfHeader(h);
    r.need(h.payloadLen, 'OFPBMC_BAD_LEN');
    const width = h.hasMask ? h.payloadLen >> 1 : h.payloadLen;
    const value = r.bytes(width);
    if (h.hasMask) {
      const m = r.bytes(width);
      for (let i = 0; i < width; i++) if (value[i]! & ~m[i]!) fail('OFPBMC_BAD_WILDCARDS');
      fail('OFPBMC_BAD_MASK', 'masked OXM in a group field array');
    }
    if (!f) fail('OFPBMC_BAD_FIELD', `unknown OXM class ${h.cls} field ${h.field} in a group field array`);
    if (seen.has(f.id)) fail('OFPBMC_DUP_FIELD', `duplicate field ${f.name} in a group field array`);
    if (!isSelectionMaskValid(f, value)) fail('OFPBMC_BAD_MASK', `bad mask for ${f.name} in a group field array`);
    seen.add(f.id);
    out.push({ field: f, mask: value });
  }
  return sortSelectionFields(out);
}

/** OVS parse_group_prop_ntr_selection_method; `body` starts after the experimenter header. */
function pullSelectionMethod(body: Reader, groupType: number, command: number): GroupProps {
  if (groupType !== OFPGT_SELECT) {
    if (groupType <= 3) fail('OFPBPC_BAD_VALUE', 'ntr selection method property is only allowed for select groups');
    fail('OFPGMFC_BAD_TYPE');
  }
  switch (command) {
    case OFPGC_ADD:
    case OFPGC_MODIFY:
    case OFPGC_ADD_OR_MOD:
      break;
    case OFPGC_DELETE:
    case OFPGC_INSERT_BUCKET:
    case OFPGC_REMOVE_BUCKET:
      fail('OFPBPC_BAD_VALUE', 'ntr selection method property is only allowed for add and modify group modifications');
    default:
      fail('OFPGMFC_BAD_COMMAND');
  }
  if (body.left + 12 < PROP_LEN) fail('OFPBPC_BAD_LEN', `ntr selection method property length ${body.left + 12} is not valid`);
  body.skip(4);
  const name = body.bytes(NTR_MAX_SELECTION_METHOD_LEN);
  const nul = name.indexOf(0);
  if (nul < 0) fail('OFPBPC_BAD_VALUE', 'ntr selection method is not null terminated');
  const method = String.fromCharCode(...name.subarray(0, nul));
  if (method !== 'hash' && method !== 'dp_hash') fail('OFPBPC_BAD_VALUE', `ntr selection method '${method}' is not supported`);
  const param = body.u64();
  if (body.left > 0 && method !== 'hash') fail('OFPBPC_BAD_VALUE', `ntr selection method ${method} does not support fields`);
  const fields = body.left > 0 ? pullFieldArray(body) : [];
  return { selectionMethod: method, selectionMethodParam: param, fields };
}

/**
 * OVS parse_ofp15_group_properties over the next `len` bytes of `r` (group-mods give their
 * command; group descriptions pass OFPGC_ADD, as OVS does). Undefined when there are none.
 */
export function pullGroupProps(r: Reader, len: number, groupType: number, command: number): GroupProps | undefined {
  const props = r.sub(len);
  let out: GroupProps | undefined;
  while (props.left > 0) {
    const p = pullProp(props);
    if (p.type === OFPGPT15_EXPERIMENTER && (p.experimenter === NTR_VENDOR_ID || p.experimenter === NTR_COMPAT_VENDOR_ID) && p.expType === NTRT_SELECTION_METHOD) {
      out = pullSelectionMethod(p.body, groupType, command);
    } else {
      unknownProp(p);
    }
  }
  return out;
}

/** True if `props` would be written (OVS writes the property only for a non-empty method). */
export function hasGroupProps(props: GroupProps | undefined): props is GroupProps {
  return props !== undefined && props.selectionMethod !== '';
}

/** OVS ofputil_put_group_prop_ntr_selection_method (nothing for an empty method). */
export function putGroupProps(w: Writer, props: GroupProps | undefined, version: number): void {
  if (!hasGroupProps(props)) return;
  const start = w.len;
  w.u16(OFPGPT15_EXPERIMENTER).u16(0).u32(NTR_VENDOR_ID).u32(NTRT_SELECTION_METHOD).zeros(4);
  w.str(props.selectionMethod, NTR_MAX_SELECTION_METHOD_LEN);
  w.u64(BigInt.asUintN(64, props.selectionMethodParam));
  for (const { field, mask } of sortSelectionFields(props.fields)) {
    putOxmHeader(w, field, version, false);
    w.bytes(mask);
  }
  w.set16(start + 2, w.len - start);
  w.pad(8, start);
}
