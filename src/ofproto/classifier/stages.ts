/*
 * Lookup stages of the OpenFlow classifier (OVS's flow segments): every FlowKey word belongs
 * to one stage, and a subtable checks its mask stage by stage (metadata, L2, L3, L4), so a
 * packet ruled out early only un-wildcards the fields of the stages already looked at.
 */
import {
  DP_KEY_WORDS,
  FLOW_WORDS,
  W_ETH_HI,
  W_IPV4_SRC,
  W_MPLS0,
  MAX_MPLS_LABELS,
  W_NW,
} from '../../flow/layout.js';

export const STAGE_METADATA = 0;
export const STAGE_L2 = 1;
export const STAGE_L3 = 2;
export const STAGE_L4 = 3;
export const N_STAGES = 4;

/** Stage of a FlowKey word. */
export function stageOfWord(w: number): number {
  if (w >= DP_KEY_WORDS) return STAGE_METADATA; // OpenFlow metadata, registers, conj_id, actset_output
  if (w < W_ETH_HI) return STAGE_METADATA; // in_port, marks, recirc, conntrack, tunnel
  if (w < W_MPLS0 + MAX_MPLS_LABELS) return STAGE_L2; // Ethernet, VLANs, MPLS
  if (w >= W_IPV4_SRC && w <= W_NW) return STAGE_L3; // addresses, flow label, nw_proto/tos/ttl/frag
  return STAGE_L4; // ports, tcp_flags, ARP/ND addresses (OVS's last segment starts at nd_target)
}

/** STAGE_OF_WORD[w] for every word of the flow. */
export const STAGE_OF_WORD: Uint8Array = (() => {
  const a = new Uint8Array(FLOW_WORDS);
  for (let w = 0; w < FLOW_WORDS; w++) a[w] = stageOfWord(w);
  return a;
})();
