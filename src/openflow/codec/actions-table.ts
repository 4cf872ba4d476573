/*
 * The raw OpenFlow action table (OVS's enum ofp_raw_action_type): which (vendor, type) each
 * wire action has in which OpenFlow versions, and its length limits. Fixed-size actions must
 * have exactly their size; variable ones at least it (and at most 65528). Simple actions
 * carry one integer argument at the offset OVS computes: after the 4-byte standard header or
 * the 10-byte extension header, aligned to the argument's size.
 */

import { NX_VENDOR_ID, ONF_VENDOR_ID } from './constants.js';

export const RawAct = {
  OUTPUT10: 'OUTPUT10', OUTPUT11: 'OUTPUT11',
  SET_VLAN_VID10: 'SET_VLAN_VID10', SET_VLAN_PCP10: 'SET_VLAN_PCP10',
  SET_VLAN_VID11: 'SET_VLAN_VID11', SET_VLAN_PCP11: 'SET_VLAN_PCP11',
  PUSH_VLAN: 'PUSH_VLAN', STRIP_VLAN10: 'STRIP_VLAN10', POP_VLAN: 'POP_VLAN',
  SET_DL_SRC: 'SET_DL_SRC', SET_DL_DST: 'SET_DL_DST', SET_NW_SRC: 'SET_NW_SRC', SET_NW_DST: 'SET_NW_DST',
  SET_NW_TOS: 'SET_NW_TOS', SET_NW_ECN: 'SET_NW_ECN', SET_TP_SRC: 'SET_TP_SRC', SET_TP_DST: 'SET_TP_DST',
  ENQUEUE10: 'ENQUEUE10', SET_MPLS_LABEL: 'SET_MPLS_LABEL', SET_MPLS_TC: 'SET_MPLS_TC', SET_MPLS_TTL: 'SET_MPLS_TTL',
  DEC_MPLS_TTL: 'DEC_MPLS_TTL', PUSH_MPLS: 'PUSH_MPLS', POP_MPLS: 'POP_MPLS', SET_QUEUE: 'SET_QUEUE', GROUP: 'GROUP',
  SET_NW_TTL: 'SET_NW_TTL', DEC_NW_TTL: 'DEC_NW_TTL', DEC_TTL_CNT_IDS: 'DEC_TTL_CNT_IDS',
  SET_FIELD12: 'SET_FIELD12', SET_FIELD15: 'SET_FIELD15', REG_LOAD: 'REG_LOAD', REG_LOAD2: 'REG_LOAD2',
  COPY_FIELD15: 'COPY_FIELD15', COPY_FIELD13: 'COPY_FIELD13', REG_MOVE: 'REG_MOVE', METER15: 'METER15',
  RESUBMIT: 'RESUBMIT', RESUBMIT_TABLE: 'RESUBMIT_TABLE', RESUBMIT_TABLE_CT: 'RESUBMIT_TABLE_CT',
  SET_TUNNEL: 'SET_TUNNEL', SET_TUNNEL64: 'SET_TUNNEL64', POP_QUEUE: 'POP_QUEUE', NOTE: 'NOTE',
  MULTIPATH: 'MULTIPATH', BUNDLE: 'BUNDLE', BUNDLE_LOAD: 'BUNDLE_LOAD', OUTPUT_REG: 'OUTPUT_REG',
  OUTPUT_REG2: 'OUTPUT_REG2', LEARN: 'LEARN', LEARN2: 'LEARN2', EXIT: 'EXIT', FIN_TIMEOUT: 'FIN_TIMEOUT',
  CONTROLLER: 'CONTROLLER', CONTROLLER2: 'CONTROLLER2', WRITE_METADATA: 'WRITE_METADATA',
  STACK_PUSH: 'STACK_PUSH', STACK_POP: 'STACK_POP', SAMPLE: 'SAMPLE', SAMPLE2: 'SAMPLE2', SAMPLE3: 'SAMPLE3',
  SAMPLE4: 'SAMPLE4', CONJUNCTION: 'CONJUNCTION', OUTPUT_TRUNC: 'OUTPUT_TRUNC', CLONE: 'CLONE', CT_CLEAR: 'CT_CLEAR',
} as const;
export type RawAct = (typeof RawAct)[keyof typeof RawAct];

export interface RawActInfo {
  readonly raw: RawAct;
  readonly vendor: number;
  readonly type: number;
  readonly minLen: number;
  readonly maxLen: number;
  /** Offset and size of the integer argument of simple actions (size 0 = none). */
  readonly argOfs: number;
  readonly argLen: number;
}

const VAR_MAX = 65536 - 8;

type ArgType = 'void' | 1 | 2 | 4 | 8 | { size: number; variable: boolean };

interface Def {
  raw: RawAct;
  /** "OF1.0", "OF1.1+", "NX1.0+", "NX1.0-1.4", "ONF1.3-1.4" with the type in parentheses. */
  where: string[];
  arg: ArgType;
}

const V: Record<string, number> = { '1.0': 1, '1.1': 2, '1.2': 3, '1.3': 4, '1.4': 5, '1.5': 6 };

const DEFS: Def[] = [
  { raw: 'OUTPUT10', where: ['OF1.0(0)'], arg: { size: 8, variable: false } },
  { raw: 'OUTPUT11', where: ['OF1.1+(0)'], arg: { size: 16, variable: false } },
  { raw: 'SET_VLAN_VID10', where: ['OF1.0(1)'], arg: 2 },
  { raw: 'SET_VLAN_PCP10', where: ['OF1.0(2)'], arg: 1 },
  { raw: 'SET_VLAN_VID11', where: ['OF1.1+(1)'], arg: 2 },
  { raw: 'SET_VLAN_PCP11', where: ['OF1.1+(2)'], arg: 1 },
  { raw: 'PUSH_VLAN', where: ['OF1.1+(17)'], arg: 2 },
  { raw: 'STRIP_VLAN10', where: ['OF1.0(3)'], arg: 'void' },
  { raw: 'POP_VLAN', where: ['OF1.1+(18)'], arg: 'void' },
  { raw: 'SET_DL_SRC', where: ['OF1.0(4)', 'OF1.1+(3)'], arg: { size: 16, variable: false } },
  { raw: 'SET_DL_DST', where: ['OF1.0(5)', 'OF1.1+(4)'], arg: { size: 16, variable: false } },
  { raw: 'SET_NW_SRC', where: ['OF1.0(6)', 'OF1.1+(5)'], arg: 4 },
  { raw: 'SET_NW_DST', where: ['OF1.0(7)', 'OF1.1+(6)'], arg: 4 },
  { raw: 'SET_NW_TOS', where: ['OF1.0(8)', 'OF1.1+(7)'], arg: 1 },
  { raw: 'SET_NW_ECN', where: ['OF1.1+(8)'], arg: 1 },
  { raw: 'SET_TP_SRC', where: ['OF1.0(9)', 'OF1.1+(9)'], arg: 2 },
  { raw: 'SET_TP_DST', where: ['OF1.0(10)', 'OF1.1+(10)'], arg: 2 },
  { raw: 'ENQUEUE10', where: ['OF1.0(11)'], arg: { size: 16, variable: false } },
  { raw: 'SET_MPLS_LABEL', where: ['NX1.0(30)', 'OF1.1+(13)'], arg: 4 },
  { raw: 'SET_MPLS_TC', where: ['NX1.0(31)', 'OF1.1+(14)'], arg: 1 },
  { raw: 'SET_MPLS_TTL', where: ['NX1.0(25)', 'OF1.1+(15)'], arg: 1 },
  { raw: 'DEC_MPLS_TTL', where: ['NX1.0(26)', 'OF1.1+(16)'], arg: 'void' },
  { raw: 'PUSH_MPLS', where: ['NX1.0(23)', 'OF1.1+(19)'], arg: 2 },
  { raw: 'POP_MPLS', where: ['NX1.0(24)', 'OF1.1+(20)'], arg: 2 },
  { raw: 'SET_QUEUE', where: ['NX1.0(4)', 'OF1.1+(21)'], arg: 4 },
  { raw: 'GROUP', where: ['NX1.0(40)', 'OF1.1+(22)'], arg: 4 },
  { raw: 'SET_NW_TTL', where: ['OF1.1+(23)'], arg: 1 },
  { raw: 'DEC_NW_TTL', where: ['NX1.0(18)', 'OF1.1+(24)'], arg: 'void' },
  { raw: 'DEC_TTL_CNT_IDS', where: ['NX1.0+(21)'], arg: { size: 16, variable: true } },
  { raw: 'SET_FIELD12', where: ['OF1.2-1.4(25)'], arg: { size: 8, variable: true } },
  { raw: 'SET_FIELD15', where: ['OF1.5+(25)'], arg: { size: 8, variable: true } },
  { raw: 'REG_LOAD', where: ['NX1.0-1.4(7)'], arg: { size: 24, variable: false } },
  { raw: 'REG_LOAD2', where: ['NX1.0-1.4(33)'], arg: { size: 16, variable: true } },
  { raw: 'COPY_FIELD15', where: ['OF1.5+(28)'], arg: { size: 16, variable: true } },
  { raw: 'COPY_FIELD13', where: ['ONF1.3-1.4(3200)'], arg: { size: 24, variable: true } },
  { raw: 'REG_MOVE', where: ['NX1.0-1.4(6)'], arg: { size: 16, variable: true } },
  { raw: 'METER15', where: ['OF1.5+(29)'], arg: 4 },
  { raw: 'RESUBMIT', where: ['NX1.0+(1)'], arg: 2 },
  { raw: 'RESUBMIT_TABLE', where: ['NX1.0+(14)'], arg: { size: 16, variable: false } },
  { raw: 'RESUBMIT_TABLE_CT', where: ['NX1.0+(44)'], arg: { size: 16, variable: false } },
  { raw: 'SET_TUNNEL', where: ['NX1.0+(2)'], arg: 4 },
  { raw: 'SET_TUNNEL64', where: ['NX1.0+(9)'], arg: 8 },
  { raw: 'POP_QUEUE', where: ['NX1.0+(5)'], arg: 'void' },
  { raw: 'NOTE', where: ['NX1.0+(8)'], arg: { size: 16, variable: true } },
  { raw: 'MULTIPATH', where: ['NX1.0+(10)'], arg: { size: 32, variable: false } },
  { raw: 'BUNDLE', where: ['NX1.0+(12)'], arg: { size: 32, variable: true } },
  { raw: 'BUNDLE_LOAD', where: ['NX1.0+(13)'], arg: { size: 32, variable: true } },
  { raw: 'OUTPUT_REG', where: ['NX1.0+(15)'], arg: { size: 24, variable: false } },
  { raw: 'OUTPUT_REG2', where: ['NX1.0+(32)'], arg: { size: 24, variable: false } },
  { raw: 'LEARN', where: ['NX1.0+(16)'], arg: { size: 32, variable: true } },
  { raw: 'LEARN2', where: ['NX1.0+(45)'], arg: { size: 40, variable: true } },
  { raw: 'EXIT', where: ['NX1.0+(17)'], arg: 'void' },
  { raw: 'FIN_TIMEOUT', where: ['NX1.0+(19)'], arg: { size: 16, variable: false } },
  { raw: 'CONTROLLER', where: ['NX1.0+(20)'], arg: { size: 16, variable: false } },
  { raw: 'CONTROLLER2', where: ['NX1.0+(37)'], arg: { size: 16, variable: true } },
  { raw: 'WRITE_METADATA', where: ['NX1.0+(22)'], arg: { size: 32, variable: false } },
  { raw: 'STACK_PUSH', where: ['NX1.0+(27)'], arg: { size: 24, variable: false } },
  { raw: 'STACK_POP', where: ['NX1.0+(28)'], arg: { size: 24, variable: false } },
  { raw: 'SAMPLE', where: ['NX1.0+(29)'], arg: { size: 24, variable: false } },
  { raw: 'SAMPLE2', where: ['NX1.0+(38)'], arg: { size: 32, variable: false } },
  { raw: 'SAMPLE3', where: ['NX1.0+(41)'], arg: { size: 32, variable: false } },
  { raw: 'SAMPLE4', where: ['NX1.0+(51)'], arg: { size: 40, variable: false } },
  { raw: 'CONJUNCTION', where: ['NX1.0+(34)'], arg: { size: 16, variable: false } },
  { raw: 'OUTPUT_TRUNC', where: ['NX1.0+(39)'], arg: { size: 16, variable: false } },
  { raw: 'CLONE', where: ['NX1.0+(42)'], arg: { size: 16, variable: true } },
  { raw: 'CT_CLEAR', where: ['NX1.0+(43)'], arg: 'void' },
];

/** Extension actions OVS knows but tsovs does not implement (rejected as OFPBAC_BAD_VENDOR_TYPE). */
export const UNSUPPORTED_NX = new Set([35 /* ct */, 36 /* nat */, 46, 47, 48, 49, 50, 254, 255]);

const byKey = new Map<string, RawActInfo>();
/** Per raw action and version: the info (for encoding). */
const byRawVersion = new Map<string, RawActInfo>();

function roundUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

for (const d of DEFS) {
  for (const w of d.where) {
    const m = /^(OF|NX|ONF)(\d\.\d)(\+|-(\d\.\d))?\((\d+)\)$/.exec(w);
    if (!m) throw new Error(`bad action spec ${w}`);
    const vendor = m[1] === 'OF' ? 0 : m[1] === 'NX' ? NX_VENDOR_ID : ONF_VENDOR_ID;
    const hdr = vendor ? 10 : 4;
    const lo = V[m[2]!]!;
    const hi = m[3] === '+' ? 6 : m[4] ? V[m[4]]! : lo;
    const type = Number(m[5]);
    let minLen: number;
    let maxLen: number;
    let argOfs = 0;
    let argLen = 0;
    if (d.arg === 'void') {
      minLen = maxLen = roundUp(hdr, 8);
    } else if (typeof d.arg === 'number') {
      argLen = d.arg;
      argOfs = roundUp(hdr, d.arg);
      minLen = maxLen = roundUp(argOfs + argLen, 8);
    } else {
      minLen = d.arg.size;
      maxLen = d.arg.variable ? VAR_MAX : d.arg.size;
    }
    for (let v = lo; v <= hi; v++) {
      const info: RawActInfo = { raw: d.raw, vendor, type, minLen, maxLen, argOfs, argLen };
      byKey.set(`${v}:${vendor}:${type}`, info);
      byRawVersion.set(`${d.raw}:${v}`, info);
    }
  }
}

/** The raw action for (version, vendor, type), or undefined. */
export function rawActLookup(version: number, vendor: number, type: number): RawActInfo | undefined {
  return byKey.get(`${version}:${vendor >>> 0}:${type}`);
}

/** The wire info of `raw` in `version` (throws if the action does not exist there). */
export function rawActInfo(raw: RawAct, version: number): RawActInfo {
  const i = byRawVersion.get(`${raw}:${version}`);
  if (!i) throw new RangeError(`action ${raw} does not exist in OpenFlow version ${version}`);
  return i;
}

export function rawActExists(raw: RawAct, version: number): boolean {
  return byRawVersion.has(`${raw}:${version}`);
}
