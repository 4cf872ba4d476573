/*
 * OpenFlow 1.1+ action sets (OVS ofpacts_execute_action_set: which actions survive and in
 * what order) and the OVS 3.1 test of whether actions can run inline in a clone.
 */
import { OfpactType as T, type OfpAction } from '../ofp-actions.js';

/** OVS 3.1 reversible_actions: only ct, meter, nat, output_trunc, encap/decap are not. */
export function reversibleActions(acts: readonly OfpAction[]): boolean {
  for (const a of acts) if (a.type === T.METER || a.type === T.OUTPUT_TRUNC) return false;
  return true;
}

const SLOT_ORDER: readonly number[] = [T.STRIP_VLAN, T.POP_MPLS, T.PUSH_MPLS, T.PUSH_VLAN, T.DEC_TTL, T.DEC_MPLS_TTL];
const FINAL_ORDER: readonly number[] = [T.CT_CLEAR, T.RESUBMIT, T.OUTPUT, T.GROUP];
const SET_OR_MOVE = new Set<number>([
  T.SET_FIELD, T.REG_MOVE, T.SET_ETH_DST, T.SET_ETH_SRC, T.SET_IP_DSCP, T.SET_IP_ECN, T.SET_IP_TTL,
  T.SET_IPV4_DST, T.SET_IPV4_SRC, T.SET_L4_DST_PORT, T.SET_L4_SRC_PORT, T.SET_MPLS_LABEL, T.SET_MPLS_TC,
  T.SET_MPLS_TTL, T.SET_QUEUE, T.SET_TUNNEL, T.SET_VLAN_PCP, T.SET_VLAN_VID,
]);

/** OVS ofpacts_execute_action_set: the action set as an action list in OpenFlow order. */
export function actionSetToList(set: readonly OfpAction[]): OfpAction[] {
  const slots: (OfpAction | null)[] = SLOT_ORDER.map(() => null);
  const setOrMove: OfpAction[] = [];
  let final: OfpAction | null = null;
  let finalClass = -1;
  for (const a of set) {
    const s = SLOT_ORDER.indexOf(a.type);
    if (s >= 0) {
      slots[s] = a;
      continue;
    }
    const f = FINAL_ORDER.indexOf(a.type);
    if (f >= 0) {
      if (f >= finalClass) {
        final = a;
        finalClass = f;
      }
      continue;
    }
    if (SET_OR_MOVE.has(a.type)) setOrMove.push(a);
  }
  if (!final) return [];
  const out: OfpAction[] = [];
  for (const s of slots) if (s) out.push(s);
  out.push(...setOrMove, final);
  return out;
}
