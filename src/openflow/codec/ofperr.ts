/*
 * OpenFlow error names <-> (vendor, type, code) per OpenFlow version, from the table in
 * ofperr-table.ts. Names are OVS's OFPERR_* names without the prefix ("OFPBRC_BAD_LEN").
 * Vendor 0 means a standard error; NX_VENDOR_ID / ONF_VENDOR_ID errors are encoded as
 * NXET_VENDOR (OF1.0/1.1) or OFPET_EXPERIMENTER (OF1.2+) by the error message codec.
 */

import { OFPERR_SPECS } from './ofperr-table.js';

export const NX_VENDOR = 0x00002320;
export const ONF_VENDOR = 0x4f4e4600;

export interface ErrTriplet {
  readonly vendor: number;
  readonly type: number;
  readonly code: number;
}

/** The OFPET_* category of each error-name prefix (for ofproto's OfpErr { type, code }). */
const CATEGORY: Readonly<Record<string, string>> = {
  OFPHFC: 'OFPET_HELLO_FAILED',
  OFPBRC: 'OFPET_BAD_REQUEST',
  NXBRC: 'OFPET_BAD_REQUEST',
  OFPBAC: 'OFPET_BAD_ACTION',
  NXBAC: 'OFPET_BAD_ACTION',
  OFPBIC: 'OFPET_BAD_INSTRUCTION',
  OFPBMC: 'OFPET_BAD_MATCH',
  NXBMC: 'OFPET_BAD_MATCH',
  OFPFMFC: 'OFPET_FLOW_MOD_FAILED',
  NXFMFC: 'OFPET_FLOW_MOD_FAILED',
  OFPGMFC: 'OFPET_GROUP_MOD_FAILED',
  OFPPMFC: 'OFPET_PORT_MOD_FAILED',
  OFPTMFC: 'OFPET_TABLE_MOD_FAILED',
  OFPQOFC: 'OFPET_QUEUE_OP_FAILED',
  NXQOFC: 'OFPET_QUEUE_OP_FAILED',
  OFPSCFC: 'OFPET_SWITCH_CONFIG_FAILED',
  OFPRRFC: 'OFPET_ROLE_REQUEST_FAILED',
  OFPMMFC: 'OFPET_METER_MOD_FAILED',
  OFPTFFC: 'OFPET_TABLE_FEATURES_FAILED',
  NXTFFC: 'OFPET_TABLE_FEATURES_FAILED',
  OFPBPC: 'OFPET_BAD_PROPERTY',
  OFPACFC: 'OFPET_ASYNC_CONFIG_FAILED',
  OFPBFC: 'OFPET_BUNDLE_FAILED',
  OFPMOFC: 'OFPET_FLOW_MONITOR_FAILED',
  NXTTMFC: 'NXET_TLV_TABLE_MOD_FAILED',
  NXR: 'NXET_RESUME_FAILED',
  NXST: 'NXET_STATS_FAILED',
};

const MAX_VERSION = 6;

/** byVersion[v].get(name) = triplet; decode maps key "vendor:type:code" -> name. */
const encodeMap: Array<Map<string, ErrTriplet>> = [];
const decodeMap: Array<Map<string, string>> = [];
for (let v = 0; v <= MAX_VERSION; v++) {
  encodeMap.push(new Map());
  decodeMap.push(new Map());
}

const VERSION_NUM: Readonly<Record<string, number>> = { '1.0': 1, '1.1': 2, '1.2': 3, '1.3': 4, '1.4': 5, '1.5': 6 };

function parseSpecs(): void {
  for (const [name, spec] of OFPERR_SPECS) {
    for (const part of spec.split(' ')) {
      const m = /^(OF|NX|ONF)(\d\.\d)(\+|-(\d\.\d))?\((\d+)(?:,(\d+))?\)$/.exec(part);
      if (!m) throw new Error(`bad ofperr spec ${spec}`);
      const vendor = m[1] === 'OF' ? 0 : m[1] === 'NX' ? NX_VENDOR : ONF_VENDOR;
      const lo = VERSION_NUM[m[2]!]!;
      const hi = m[3] === '+' ? MAX_VERSION : m[4] ? VERSION_NUM[m[4]]! : lo;
      const a = Number(m[5]);
      // Vendor errors in OF1.0/1.1 have (type, code); experimenter errors in 1.2+ only an exp_type.
      const t: ErrTriplet = m[6] !== undefined ? { vendor, type: a, code: Number(m[6]) } : { vendor, type: a, code: 0 };
      for (let v = lo; v <= hi; v++) {
        encodeMap[v]!.set(name, t);
        const key = `${t.vendor}:${t.type}:${t.code}`;
        if (!decodeMap[v]!.has(key)) decodeMap[v]!.set(key, name);
      }
    }
  }
}
parseSpecs();

const ALL_NAMES = new Set(OFPERR_SPECS.map(([n]) => n));

/** True if `name` is a known error name. */
export function isOfperrName(name: string): boolean {
  return ALL_NAMES.has(name);
}

/** The (vendor, type, code) of `name` in OpenFlow `version` (wire number), or null if it has none there. */
export function ofperrTriplet(name: string, version: number): ErrTriplet | null {
  return encodeMap[version]?.get(name) ?? null;
}

/** The error name for (vendor, type, code) in `version`, or null. */
export function ofperrDecode(version: number, vendor: number, type: number, code: number): string | null {
  return decodeMap[version]?.get(`${vendor >>> 0}:${type}:${code}`) ?? null;
}

/** The OFPET_* category of an error name ("OFPET_BAD_REQUEST" for "OFPBRC_BAD_LEN"). */
export function ofperrCategory(name: string): string {
  const prefix = name.slice(0, name.indexOf('_'));
  return CATEGORY[prefix] ?? 'OFPET_BAD_REQUEST';
}
