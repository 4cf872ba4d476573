/*
 * Parsing the OpenFlow match text of ovs-ofctl ("priority=100,ip,in_port=1,nw_dst=10.0.0.0/24"):
 * protocol shorthands (ip, tcp6, arp, mpls, ...), every field of the field table by name or
 * alias with value/mask syntax, and subfield assignments ("reg0[0..3]=5"). Like OVS's
 * parse_ofp_str, prerequisites are not enforced here (see matchFirstBadPrereq).
 */

import { bitwiseCopy, bitwiseIsAllZeros } from './bits.js';
import { matchGetField, matchSetDlType, matchSetField, matchSetNwProto, newMatch, type Match } from './match.js';
import { mfFromName } from './meta-flow.js';
import { mfFormat, mfParse, parseIntString, type Result } from './mf-value.js';
import { parseSubfield } from './mf-subfield.js';
import { parseKeyValues, strToU16 } from './ofp-text.js';
import type { PortMap } from './ofp-port.js';

/** Protocol shorthands: name -> [eth_type, nw_proto (0 = none)]. */
export const PROTOCOLS: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['ip', [0x0800, 0]],
  ['ipv4', [0x0800, 0]],
  ['ip4', [0x0800, 0]],
  ['arp', [0x0806, 0]],
  ['icmp', [0x0800, 1]],
  ['tcp', [0x0800, 6]],
  ['udp', [0x0800, 17]],
  ['sctp', [0x0800, 132]],
  ['ipv6', [0x86dd, 0]],
  ['ip6', [0x86dd, 0]],
  ['icmp6', [0x86dd, 58]],
  ['tcp6', [0x86dd, 6]],
  ['udp6', [0x86dd, 17]],
  ['sctp6', [0x86dd, 132]],
  ['rarp', [0x8035, 0]],
  ['mpls', [0x8847, 0]],
  ['mplsm', [0x8848, 0]],
]);

export const OFP_DEFAULT_PRIORITY = 0x8000;

/**
 * Applies one key/value of a flow's text to `m` if it is a match keyword. Returns null on
 * success, an error string on a bad value, or undefined if `name` is not a match keyword.
 */
export function applyMatchKeyword(m: Match, name: string, value: string, ports?: PortMap): string | null | undefined {
  const proto = PROTOCOLS.get(name);
  if (proto) {
    matchSetDlType(m, proto[0]);
    if (proto[1]) matchSetNwProto(m, proto[1]);
    return null;
  }
  if (name === 'eth') return null; // packet_type=Ethernet: the only kind tsovs matches.
  const f = mfFromName(name);
  if (f) {
    const r = mfParse(f, value === '' ? '0/0' : value, ports);
    if (!r.ok) return r.error;
    matchSetField(m, f, r.value.value, r.value.mask);
    return null;
  }
  if (name.includes('[')) return applySubfieldAssignment(m, name, value);
  return undefined;
}

/** "reg0[0..3]=5": sets those bits of the field to the value, exactly. */
function applySubfieldAssignment(m: Match, name: string, value: string): string | null {
  const p = parseSubfield(name);
  if (!p.ok) return p.error;
  const { field, ofs, nBits } = p.sf;
  const val = new Uint8Array(field.nBytes);
  const r = parseIntString(value, 0, val);
  if (r.error !== null || r.end !== value.length) return `${name}: cannot parse integer value: ${value}`;
  if (!bitwiseIsAllZeros(val, nBits, field.nBytes * 8 - nBits)) {
    return `${name}: value ${mfFormat(field, val, null)} does not fit into ${nBits} bits`;
  }
  const cur = matchGetField(m, field);
  bitwiseCopy(val, 0, cur.value, ofs, nBits);
  const ones = new Uint8Array(field.nBytes).fill(0xff);
  bitwiseCopy(ones, 0, cur.mask, ofs, nBits);
  matchSetField(m, field, cur.value, cur.mask);
  return null;
}

export interface ParsedMatch {
  match: Match;
  priority: number;
}

/**
 * Parses a match with an optional priority, e.g. "priority=100,ip,nw_dst=10.0.0.0/24".
 * Anything else is an error ("unknown keyword X").
 */
export function parseMatch(s: string, ports?: PortMap): Result<ParsedMatch> {
  const match = newMatch();
  let priority = OFP_DEFAULT_PRIORITY;
  for (const [name, value] of parseKeyValues(s)) {
    const r = applyMatchKeyword(match, name, value, ports);
    if (r === null) continue;
    if (typeof r === 'string') return { ok: false, error: r };
    if (value === '') return { ok: false, error: `field ${name} missing value` };
    if (name === 'priority') {
      const p = strToU16(value, name);
      if (!p.ok) return p;
      priority = p.value;
      continue;
    }
    return { ok: false, error: `unknown keyword ${name}` };
  }
  return { ok: true, value: { match, priority } };
}
