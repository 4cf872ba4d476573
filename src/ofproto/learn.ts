/*
 * The `learn` action's flow-mod (OVS learn_execute): builds a MODIFY_STRICT flow-mod from
 * the action's specs and the current flow — match fields copied from the flow or from
 * immediates, loads becoming load: actions, outputs becoming output actions — plus the
 * check OVS makes before touching the table (an identical rule is only refreshed).
 */
import { FLOW_WORDS } from '../flow/layout.js';
import { bitwiseCopy, bitwiseIsAllZeros, bitwiseOne } from '../flow/bits.js';
import { matchGetField, matchSetField } from '../flow/match.js';
import { mfGetValue } from '../flow/meta-flow.js';
import { COOKIE_NONE, OFP_NO_BUFFER, OFPFC_MODIFY_STRICT, type FlowMod } from './flow-mod.js';
import { OFPG_ANY } from './flow-table.js';
import { LearnDst, LearnSrc, NxLearnFlags, OfpactType, type LearnAct, type OfpAction } from './ofp-actions.js';
import { OFPP_ALL, OFPP_FLOOD, OFPP_IN_PORT, OFPP_LOCAL, OFPP_MAX, OFPP_NONE } from './ofp-port.js';
import { OFPUTIL_FF_SEND_FLOW_REM, type Rule } from './rule.js';

/** OVS union mf_subvalue: 128 bytes, bit 0 = least significant bit of the last byte. */
const SUBVALUE_BYTES = 128;

/** OVS learn_execute. */
export function learnFlowMod(learn: LearnAct, flow: Uint32Array): FlowMod {
  const match = { key: new Uint32Array(FLOW_WORDS), mask: new Uint32Array(FLOW_WORDS) };
  const actions: OfpAction[] = [];
  if (learn.finIdleTimeout || learn.finHardTimeout) {
    actions.push({ type: OfpactType.FIN_TIMEOUT, idleTimeout: learn.finIdleTimeout, hardTimeout: learn.finHardTimeout });
  }
  for (const spec of learn.specs) {
    const value = new Uint8Array(SUBVALUE_BYTES);
    if (spec.srcType === LearnSrc.FIELD && spec.src) {
      const v = mfGetValue(spec.src.field, flow);
      bitwiseCopy(v, spec.src.ofs, value, 0, spec.src.nBits);
    } else if (spec.srcImm) {
      value.set(spec.srcImm, SUBVALUE_BYTES - spec.srcImm.length);
    }
    const dst = spec.dst;
    switch (spec.dstType) {
      case LearnDst.MATCH: {
        if (!dst) break;
        const cur = matchGetField(match, dst.field);
        bitwiseCopy(value, 0, cur.value, dst.ofs, spec.nBits);
        bitwiseOne(cur.mask, dst.ofs, spec.nBits);
        matchSetField(match, dst.field, cur.value, cur.mask);
        break;
      }
      case LearnDst.LOAD: {
        if (!dst) break;
        const v = new Uint8Array(dst.field.nBytes);
        const m = new Uint8Array(dst.field.nBytes);
        bitwiseCopy(value, 0, v, dst.ofs, spec.nBits);
        bitwiseOne(m, dst.ofs, spec.nBits);
        actions.push({ type: OfpactType.SET_FIELD, field: dst.field, value: v, mask: m, viaLoad: true });
        break;
      }
      case LearnDst.OUTPUT: {
        if (spec.nBits <= 16 || bitwiseIsAllZeros(value, 16, SUBVALUE_BYTES * 8 - 16)) {
          const port = (value[SUBVALUE_BYTES - 2]! << 8) | value[SUBVALUE_BYTES - 1]!;
          if (port < OFPP_MAX || port === OFPP_IN_PORT || port === OFPP_FLOOD || port === OFPP_LOCAL || port === OFPP_ALL) {
            actions.push({ type: OfpactType.OUTPUT, port, maxLen: 0 });
          }
        }
        break;
      }
    }
  }
  return {
    command: OFPFC_MODIFY_STRICT,
    tableId: learn.tableId,
    priority: learn.priority,
    match,
    cookie: 0n,
    cookieMask: 0n,
    newCookie: learn.cookie,
    modifyCookie: learn.cookie !== COOKIE_NONE,
    idleTimeout: learn.idleTimeout,
    hardTimeout: learn.hardTimeout,
    importance: 0,
    bufferId: OFP_NO_BUFFER,
    outPort: OFPP_NONE,
    outGroup: OFPG_ANY,
    flags: learn.flags & NxLearnFlags.SEND_FLOW_REM ? OFPUTIL_FF_SEND_FLOW_REM : 0,
    actions,
  };
}

/** Structural equality of action lists (OVS ofpacts_equal compares the encoded bytes). */
export function actionsEqual(a: readonly OfpAction[], b: readonly OfpAction[]): boolean {
  return deepEqual(a, b);
}

function deepEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (x instanceof Uint8Array || y instanceof Uint8Array) {
    if (!(x instanceof Uint8Array && y instanceof Uint8Array) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  for (const k of kx) {
    if (!deepEqual((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** OVS ofproto_flow_mod_init_for_learn: the existing rule a learn would leave as it is, or null. */
export function learnUnchanged(existing: Rule, fm: FlowMod): boolean {
  return (
    existing.idleTimeout === fm.idleTimeout &&
    existing.hardTimeout === fm.hardTimeout &&
    existing.importance === fm.importance &&
    existing.flags === fm.flags &&
    (!fm.modifyCookie || fm.newCookie === existing.cookie) &&
    actionsEqual(existing.actions, fm.actions)
  );
}
