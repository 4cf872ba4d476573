/*
 * Parsing OpenFlow actions and instructions from ovs-ofctl text (OVS's ofpacts_parse):
 * "mod_dl_dst:50:54:00:00:00:03,output:3", bare port names ("NORMAL", "2", "LOCAL"),
 * "drop", nested clone(...) / write_actions(...), and the instruction-order rules. Errors
 * are worded like OVS's ("unknown action foo", "\"drop\" must not be accompanied ...").
 */

import { bitwiseCopy, bitwiseIsAllZeros, bitwiseOne } from '../../flow/bits.js';
import { atoi, scanCNumber } from '../../flow/c-num.js';
import { mfFromName, mfHasNxmHeader, MFF, type MfSubfield } from '../../flow/meta-flow.js';
import { parseSubfield, parseSubfieldPrefix } from '../../flow/mf-subfield.js';
import { mfFormat, mfParse, parseEthBytes, parseIntString, parseIpv4Strict } from '../../flow/mf-value.js';
import { parseKeyValues, strToU16, strToU32, strToU64Text, strToU8, type TextResult } from '../../flow/ofp-text.js';
import {
  OFPP_CONTROLLER,
  OFPP_IN_PORT,
  OFPP_LOCAL,
  OFPP_MAX,
  OFPP_NONE,
  parseOfpPort,
  parseTableId,
  type PortMap,
  type TableMap,
} from '../../flow/ofp-port.js';
import {
  instructionOf,
  NxBdAlgorithm,
  NxHashFields,
  NxMpAlgorithm,
  NX_CTLR_NO_METER,
  OFPACT_NAMES,
  OfpactType as T,
  OVS_INST_NAMES,
  OvsInst,
  PacketInReason,
  SampleDirection,
  type OfpAction,
  type OfpactType,
} from '../../ofproto/ofp-actions.js';
import { parseLearn } from './learn-syntax.js';

export interface ActionParseOptions {
  ports?: PortMap;
  tables?: TableMap;
}

type R = TextResult<OfpAction | null>;

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

function act(a: OfpAction): R {
  return { ok: true, value: a };
}

const MAX_DEPTH = 100;

const BY_NAME = new Map<string, OfpactType>();
for (const [t, n] of Object.entries(OFPACT_NAMES)) BY_NAME.set(n, Number(t) as OfpactType);

/** Action names OVS knows that tsovs does not implement. */
const UNSUPPORTED = new Set(['ct', 'nat', 'encap', 'decap', 'dec_nsh_ttl', 'delete_field', 'unroll_xlate', 'check_pkt_larger', 'debug_recirc', 'debug_slow']);

const HASH_FIELDS: Record<string, number> = {
  eth_src: NxHashFields.ETH_SRC,
  symmetric_l4: NxHashFields.SYMMETRIC_L4,
  symmetric_l3l4: NxHashFields.SYMMETRIC_L3L4,
  'symmetric_l3l4+udp': NxHashFields.SYMMETRIC_L3L4_UDP,
  nw_src: NxHashFields.NW_SRC,
  nw_dst: NxHashFields.NW_DST,
  symmetric_l3: NxHashFields.SYMMETRIC_L3,
};

function hashFields(s: string): number | undefined {
  return HASH_FIELDS[s.toLowerCase()];
}

/** C strtok_r over one string: each call skips delimiters and returns the next token, or null. */
class Strtok {
  private pos = 0;
  constructor(private readonly s: string) {}
  next(delims: string): string | null {
    const s = this.s;
    let i = this.pos;
    while (i < s.length && delims.includes(s[i]!)) i++;
    if (i >= s.length) {
      this.pos = i;
      return null;
    }
    let j = i;
    while (j < s.length && !delims.includes(s[j]!)) j++;
    this.pos = j < s.length ? j + 1 : j;
    return s.slice(i, j);
  }
}

/** Hex bytes with optional '.', white space between pairs (OVS's ofpbuf_put_hex); null on a bad digit. */
function parseHexBytes(s: string): Uint8Array | null {
  const out: number[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && ' .\t\r\n'.includes(s[i]!)) i++;
    if (i >= s.length) return new Uint8Array(out);
    const pair = s.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) return null;
    out.push(parseInt(pair, 16));
    i += 2;
  }
}

function parseOutput(arg: string, o: ActionParseOptions): R {
  if (arg.includes('port') && arg.includes('max_len')) {
    let port = 0;
    let maxLen = 0;
    for (const [k, v] of parseKeyValues(arg)) {
      if (k === 'port') {
        const p = parseOfpPort(v, o.ports);
        if (p === null) return fail(`output to unknown truncate port: ${v}`);
        if (p > OFPP_MAX && p !== OFPP_LOCAL && p !== OFPP_IN_PORT) return fail(`output to unsupported truncate port: ${v}`);
        port = p;
      } else if (k === 'max_len') {
        const r = strToU32(v);
        if (!r.ok) return r;
        if (r.value < 14) return fail(`max_len ${r.value} is less than the minimum value 14`);
        maxLen = r.value;
      } else {
        return fail(`invalid key '${k}' in output_trunc argument`);
      }
    }
    return act({ type: T.OUTPUT_TRUNC, port, maxLen });
  }
  const port = parseOfpPort(arg, o.ports);
  if (port !== null) return act({ type: T.OUTPUT, port, maxLen: port === OFPP_CONTROLLER ? 0xffff : 0 });
  const sf = parseSubfield(arg);
  if (sf.ok) return act({ type: T.OUTPUT_REG, src: sf.sf, maxLen: 0xffff });
  return fail(`${arg}: output to unknown port`);
}

function parseController(arg: string): R {
  let reason: number = PacketInReason.ACTION;
  let controllerId = 0;
  let maxLen = 0xffff;
  let meterId = NX_CTLR_NO_METER;
  let userdata: Uint8Array | null = null;
  let pause = false;
  if (arg === '') {
    // defaults
  } else if (/^[0-9]+$/.test(arg)) {
    const r = strToU16(arg, 'max_len');
    if (!r.ok) return r;
    maxLen = r.value;
  } else {
    for (const [name, value] of parseKeyValues(arg)) {
      if (name === 'reason') {
        const names = ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'];
        const i = names.indexOf(value.toLowerCase());
        if (i < 0) return fail(`unknown reason "${value}"`);
        reason = i;
      } else if (name === 'max_len') {
        const r = strToU16(value, 'max_len');
        if (!r.ok) return r;
        maxLen = r.value;
      } else if (name === 'id') {
        const r = strToU16(value, 'id');
        if (!r.ok) return r;
        controllerId = r.value;
      } else if (name === 'userdata') {
        userdata = parseHexBytes(value);
        if (userdata === null) return fail("bad hex digit in `controller' action `userdata'");
      } else if (name === 'pause') {
        pause = true;
      } else if (name === 'meter_id') {
        const r = strToU32(value);
        if (!r.ok) return r;
        meterId = r.value;
      } else {
        return fail(`unknown key "${name}" parsing controller action`);
      }
    }
  }
  if (reason === PacketInReason.ACTION && controllerId === 0 && !userdata && !pause && meterId === NX_CTLR_NO_METER) {
    return act({ type: T.OUTPUT, port: OFPP_CONTROLLER, maxLen });
  }
  return act({ type: T.CONTROLLER, maxLen, controllerId, reason, userdata: userdata ?? new Uint8Array(0), pause, meterId });
}

function parseEnqueue(arg: string, o: ActionParseOptions): R {
  const t = new Strtok(arg);
  const port = t.next(':q,');
  const queue = t.next('');
  if (port === null || queue === null) {
    return fail('"enqueue" syntax is "enqueue:PORT:QUEUE" or "enqueue(PORT,QUEUE)"');
  }
  const p = parseOfpPort(port, o.ports);
  if (p === null) return fail(`${port}: enqueue to unknown port`);
  const q = strToU32(queue);
  if (!q.ok) return q;
  return act({ type: T.ENQUEUE, port: p, queue: q.value });
}

function parseBundle(arg: string, load: boolean, o: ActionParseOptions): R {
  const t = new Strtok(arg);
  const fields = t.next(', ');
  const basis = t.next(', ');
  const algorithm = t.next(', ');
  const memberType = t.next(', ');
  const dst = load ? t.next(', ') : null;
  const memberDelim = t.next(': ');
  if (!memberDelim || !fields || !basis || !algorithm || !memberType) {
    return fail(`${arg}: not enough arguments to bundle action`);
  }
  if (memberDelim.toLowerCase() !== 'members' && memberDelim.toLowerCase() !== 'slaves') {
    return fail(`${arg}: missing member delimiter, expected \`members', got \`${memberDelim}'`);
  }
  const members: number[] = [];
  for (let m = t.next(', []'); m !== null && members.length < 2048; m = t.next(', []')) {
    const p = parseOfpPort(m, o.ports);
    if (p === null) return fail(`${m}: bad port number`);
    members.push(p);
  }
  const f = hashFields(fields);
  if (f === undefined) return fail(`${arg}: unknown fields \`${fields}'`);
  const alg = algorithm.toLowerCase() === 'active_backup' ? NxBdAlgorithm.ACTIVE_BACKUP
    : algorithm.toLowerCase() === 'hrw' ? NxBdAlgorithm.HRW : -1;
  if (alg < 0) return fail(`${arg}: unknown algorithm \`${algorithm}'`);
  if (memberType.toLowerCase() !== 'ofport') return fail(`${arg}: unknown member_type \`${memberType}'`);
  let dstSf: MfSubfield | null = null;
  if (dst) {
    const r = parseSubfield(dst);
    if (!r.ok) return r;
    if (!mfHasNxmHeader(r.sf.field)) return fail(`${arg}: experimenter OXM field '${dst}' not supported`);
    dstSf = r.sf;
  }
  return act({ type: T.BUNDLE, algorithm: alg, fields: f, basis: atoi(basis) & 0xffff, members, dst: dstSf });
}

function parseMultipath(arg: string): R {
  const t = new Strtok(arg);
  const fields = t.next(', ');
  const basis = t.next(', ');
  const algorithm = t.next(', ');
  const nLinksStr = t.next(', ');
  const argStr = t.next(', ');
  const dst = t.next(', ');
  if (!fields || !basis || !algorithm || !nLinksStr || !argStr || !dst) {
    return fail(`${arg}: not enough arguments to multipath action`);
  }
  const f = hashFields(fields);
  if (f === undefined) return fail(`${arg}: unknown fields \`${fields}'`);
  const algs: Record<string, number> = {
    modulo_n: NxMpAlgorithm.MODULO_N,
    hash_threshold: NxMpAlgorithm.HASH_THRESHOLD,
    hrw: NxMpAlgorithm.HRW,
    iter_hash: NxMpAlgorithm.ITER_HASH,
  };
  const alg = algs[algorithm.toLowerCase()];
  if (alg === undefined) return fail(`${arg}: unknown algorithm \`${algorithm}'`);
  const nLinks = atoi(nLinksStr);
  if (nLinks < 1 || nLinks > 65536) return fail(`${arg}: n_links ${nLinks} is not in valid range 1 to 65536`);
  const r = parseSubfield(dst);
  if (!r.ok) return r;
  if (!mfHasNxmHeader(r.sf.field)) return fail(`${arg}: experimenter OXM field '${dst}' not supported`);
  if (r.sf.nBits < 16 && nLinks > 2 ** r.sf.nBits) {
    return fail(`${arg}: ${r.sf.nBits}-bit destination field has ${2 ** r.sf.nBits} possible values, less than specified n_links ${nLinks}`);
  }
  return act({ type: T.MULTIPATH, fields: f, basis: atoi(basis) & 0xffff, algorithm: alg, maxLink: nLinks - 1, arg: atoi(argStr) >>> 0, dst: r.sf });
}

function parseSetField(arg: string, o: ActionParseOptions): R {
  const arrow = arg.indexOf('->');
  if (arrow < 0) return fail(`${arg}: missing \`->'`);
  if (arg.length - arrow <= 2) return fail(`${arg}: missing field name following \`->'`);
  const key = arg.slice(arrow + 2);
  const f = mfFromName(key);
  if (!f) return fail(`${key} is not a valid OXM field name`);
  if (!f.writable) return fail(`${key} is read-only`);
  const valueStr = arg.slice(0, arrow);
  const r = mfParse(f, valueStr, o.ports);
  if (!r.ok) return r;
  if (!mfValueValid(f.id, r.value.value)) return fail(`${valueStr} is not a valid value for field ${key}`);
  const value = r.value.value.map((b, i) => b & r.value.mask[i]!);
  return act({ type: T.SET_FIELD, field: f, value, mask: r.value.mask, viaLoad: false });
}

/** OVS's mf_is_value_valid for the fields with unusable bits. */
function mfValueValid(id: number, v: Uint8Array): boolean {
  const n = v.reduce((x, b) => x * 256 + b, 0);
  switch (id) {
    case MFF.IP_DSCP: return (n & ~0xfc) === 0;
    case MFF.IP_DSCP_SHIFTED: return (n & ~0x3f) === 0;
    case MFF.IP_ECN: return (n & ~3) === 0;
    case MFF.IP_FRAG: return (n & ~3) === 0;
    case MFF.TCP_FLAGS: return (n & ~0x0fff) === 0;
    case MFF.ARP_OP: return (n & 0xff00) === 0;
    case MFF.DL_VLAN: return (n & 0xf000) === 0;
    case MFF.VLAN_VID: return (n & 0xe000) === 0;
    case MFF.DL_VLAN_PCP:
    case MFF.VLAN_PCP: return (n & ~7) === 0;
    case MFF.IPV6_LABEL: return n <= 0xfffff;
    case MFF.MPLS_LABEL: return n <= 0xfffff;
    case MFF.MPLS_TC: return (n & ~7) === 0;
    case MFF.MPLS_BOS: return (n & ~1) === 0;
    case MFF.TUN_FLAGS: return (n & ~1) === 0;
    case MFF.CT_STATE: return (n & ~0xff) === 0;
    case MFF.IN_PORT_OXM:
    case MFF.ACTSET_OUTPUT: return n < 0xff00 || n >= 0xffffff00;
    default: return true;
  }
}

function parseLoad(arg: string): R {
  const arrow = arg.indexOf('->');
  if (arrow < 0) return fail(`${arg}: missing \`->'`);
  if (arg.length - arrow <= 2) return fail(`${arg}: missing field name following \`->'`);
  const d = parseSubfield(arg.slice(arrow + 2));
  if (!d.ok) return d;
  const dst = d.sf;
  const f = dst.field;
  const v = new Uint8Array(f.nBytes);
  const r = parseIntString(arg, 0, v);
  if (r.error !== null) return fail(`${arg}: cannot parse integer value`);
  if (!bitwiseIsAllZeros(v, dst.nBits, f.nBytes * 8 - dst.nBits)) {
    return fail(`${arg}: value ${mfFormat(f, v, null)} does not fit into ${dst.nBits} bits`);
  }
  const value = new Uint8Array(f.nBytes);
  const mask = new Uint8Array(f.nBytes);
  bitwiseCopy(v, 0, value, dst.ofs, dst.nBits);
  bitwiseOne(mask, dst.ofs, dst.nBits);
  return act({ type: T.SET_FIELD, field: f, value, mask, viaLoad: true });
}

function parseMove(arg: string): R {
  const a = parseSubfieldPrefix(arg);
  if (!a.ok) return a;
  if (!arg.startsWith('->', a.end)) return fail(`${arg}: missing \`->' following source`);
  const b = parseSubfield(arg.slice(a.end + 2));
  if (!b.ok) return b;
  if (a.sf.nBits !== b.sf.nBits) {
    return fail(`${arg}: source field is ${a.sf.nBits} bits wide but destination is ${b.sf.nBits} bits wide`);
  }
  return act({ type: T.REG_MOVE, src: a.sf, dst: b.sf });
}

function parseStack(arg: string, type: typeof T.STACK_PUSH | typeof T.STACK_POP): R {
  const a = parseSubfieldPrefix(arg);
  if (!a.ok) return a;
  if (a.end !== arg.length) return fail(`${arg.slice(a.end)}: trailing garbage following push or pop`);
  return act({ type, subfield: a.sf });
}

function parseResubmit(arg: string, o: ActionParseOptions): R {
  const parts = arg.split(',');
  const inPortS = parts[0];
  const tableS = parts[1];
  const ctS = parts.length > 2 ? parts.slice(2).join(',') : undefined;
  let inPort = OFPP_IN_PORT;
  let tableId = 255;
  if (inPortS) {
    const p = parseOfpPort(inPortS, o.ports);
    if (p === null) return fail(`${inPortS}: resubmit to unknown port`);
    inPort = p;
  }
  if (tableS) {
    const t = parseTableId(tableS, o.tables);
    if (t === null) return fail(`${tableS}: resubmit to unknown table`);
    tableId = t;
  }
  let withCtOrig = false;
  if (ctS) {
    const first = ctS.split(',')[0]!;
    if (first !== 'ct') return fail(`${first}: unknown parameter`);
    withCtOrig = true;
  }
  if (inPort === OFPP_IN_PORT && tableId === 255) {
    return fail('at least one "in_port" or "table" must be specified on resubmit');
  }
  return act({ type: T.RESUBMIT, inPort, tableId, withCtOrig });
}

function parseConjunction(arg: string): R {
  const m = /^\s*([-+]?(?:0[xX][0-9a-fA-F]+|[0-9]+))\s*,\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(arg);
  const err = '"conjunction" syntax is "conjunction(id,i/n)"';
  if (!m) return fail(err);
  const idNum = scanCNumber(m[1]!);
  if (!idNum || idNum.signed > 0xffffffffn || idNum.signed < -0x80000000n) return fail(err);
  const clause = Number(m[2]);
  const nClauses = Number(m[3]);
  if (clause > 255 || nClauses > 255) return fail(err);
  if (nClauses < 2) return fail('conjunction must have at least 2 clauses');
  if (nClauses > 64) return fail('conjunction must have at most 64 clauses');
  if (clause < 1) return fail('clause index must be positive');
  if (clause > nClauses) return fail('clause index must be less than or equal to number of clauses');
  return act({ type: T.CONJUNCTION, id: Number(BigInt.asUintN(32, idNum.signed)), clause: clause - 1, nClauses });
}

function parseSample(arg: string, o: ActionParseOptions): R {
  let probability = 0;
  let collectorSetId = 0;
  let obsDomainImm = 0;
  let obsDomainSrc: MfSubfield | null = null;
  let obsPointImm = 0;
  let obsPointSrc: MfSubfield | null = null;
  let samplingPort = OFPP_NONE;
  let direction: number = SampleDirection.DEFAULT;
  for (const [key, value] of parseKeyValues(arg)) {
    if (key === 'probability') {
      const r = strToU16(value, 'probability');
      if (!r.ok) return r;
      if (r.value === 0) return fail(`invalid probability value "${value}"`);
      probability = r.value;
    } else if (key === 'collector_set_id') {
      const r = strToU32(value);
      if (!r.ok) return r;
      collectorSetId = r.value;
    } else if (key === 'obs_domain_id' || key === 'obs_point_id') {
      const r = strToU32(value);
      let imm = 0;
      let src: MfSubfield | null = null;
      if (r.ok) imm = r.value;
      else {
        const sf = parseSubfield(value);
        if (!sf.ok) return sf;
        if (sf.sf.nBits > 32) return fail(`size of ${key} field (${sf.sf.nBits}) exceeds maximum (32)`);
        src = sf.sf;
      }
      if (key === 'obs_domain_id') {
        obsDomainImm = imm;
        obsDomainSrc = src;
      } else {
        obsPointImm = imm;
        obsPointSrc = src;
      }
    } else if (key === 'sampling_port') {
      const p = parseOfpPort(value, o.ports);
      if (p === null) return fail(`${value}: unknown port`);
      samplingPort = p;
    } else if (key === 'ingress') {
      direction = SampleDirection.INGRESS;
    } else if (key === 'egress') {
      direction = SampleDirection.EGRESS;
    } else {
      return fail(`invalid key "${key}" in "sample" argument`);
    }
  }
  if (probability === 0) return fail('non-zero "probability" must be specified on sample');
  return act({ type: T.SAMPLE, probability, collectorSetId, obsDomainImm, obsDomainSrc, obsPointImm, obsPointSrc, samplingPort, direction });
}

function parseDecTtl(arg: string): R {
  if (arg === '') return act({ type: T.DEC_TTL, controllerIds: [0], explicitIds: false });
  const ids: number[] = [];
  const t = new Strtok(arg);
  for (let c = t.next(', '); c !== null; c = t.next(', ')) ids.push(atoi(c) & 0xffff);
  if (ids.length === 0) return fail('dec_ttl_cnt_ids: expected at least one controller id.');
  return act({ type: T.DEC_TTL, controllerIds: ids, explicitIds: true });
}

function parseFinTimeout(arg: string): R {
  let idleTimeout = 0;
  let hardTimeout = 0;
  for (const [key, value] of parseKeyValues(arg)) {
    if (key === 'idle_timeout' || key === 'hard_timeout') {
      const r = strToU16(value, key);
      if (!r.ok) return r;
      if (key === 'idle_timeout') idleTimeout = r.value;
      else hardTimeout = r.value;
    } else {
      return fail(`invalid key '${key}' in 'fin_timeout' argument`);
    }
  }
  return act({ type: T.FIN_TIMEOUT, idleTimeout, hardTimeout });
}

function parseWriteMetadata(arg: string): R {
  const slash = arg.indexOf('/');
  let mask = 0xffffffffffffffffn;
  if (slash >= 0) {
    const m = strToU64Text(arg.slice(slash + 1));
    if (!m.ok) return m;
    mask = m.value;
  }
  const v = strToU64Text(slash >= 0 ? arg.slice(0, slash) : arg);
  if (!v.ok) return v;
  return act({ type: T.WRITE_METADATA, metadata: v.value, mask });
}

function parseOne(type: OfpactType, arg: string, o: ActionParseOptions, depth: number): R {
  switch (type) {
    case T.OUTPUT:
    case T.OUTPUT_REG:
      return parseOutput(arg, o);
    case T.GROUP: {
      const r = strToU32(arg);
      return r.ok ? act({ type: T.GROUP, groupId: r.value }) : r;
    }
    case T.CONTROLLER:
      return parseController(arg);
    case T.ENQUEUE:
      return parseEnqueue(arg, o);
    case T.BUNDLE:
      return parseBundle(arg, false, o);
    case T.SET_FIELD:
      return parseSetField(arg, o);
    case T.SET_VLAN_VID:
      return parseVlanVid(arg, false);
    case T.SET_VLAN_PCP:
      return parseVlanPcp(arg, false);
    case T.STRIP_VLAN:
      return act({ type: T.STRIP_VLAN, popVlan: false });
    case T.PUSH_VLAN: {
      const r = strToU16(arg, 'ethertype');
      if (!r.ok) return r;
      if (r.value !== 0x8100 && r.value !== 0x88a8) return fail(`${arg}: not a valid VLAN ethertype`);
      return act({ type: T.PUSH_VLAN, ethertype: r.value });
    }
    case T.SET_ETH_SRC:
    case T.SET_ETH_DST: {
      const b = new Uint8Array(6);
      if (!parseEthBytes(arg, b)) return fail(`invalid mac address ${arg}`);
      const mac = b.reduce((x, y) => x * 256 + y, 0);
      return act({ type, mac });
    }
    case T.SET_IPV4_SRC:
    case T.SET_IPV4_DST: {
      const ip = parseIpv4Strict(arg);
      if (ip === null) return fail(`${arg}: could not convert to IP address`);
      return act({ type, ip });
    }
    case T.SET_IP_DSCP: {
      const r = strToU8(arg, 'TOS');
      if (!r.ok) return r;
      if (r.value & ~0xfc) return fail(`${arg}: not a valid TOS`);
      return act({ type: T.SET_IP_DSCP, dscp: r.value });
    }
    case T.SET_IP_ECN: {
      const r = strToU8(arg, 'ECN');
      if (!r.ok) return r;
      if (r.value & ~3) return fail(`${arg}: not a valid ECN`);
      return act({ type: T.SET_IP_ECN, ecn: r.value });
    }
    case T.SET_IP_TTL: {
      const r = strToU8(arg, 'TTL');
      return r.ok ? act({ type: T.SET_IP_TTL, ttl: r.value }) : r;
    }
    case T.SET_L4_SRC_PORT:
    case T.SET_L4_DST_PORT: {
      const r = strToU16(arg, type === T.SET_L4_SRC_PORT ? 'source port' : 'destination port');
      return r.ok ? act({ type, port: r.value }) : r;
    }
    case T.REG_MOVE:
      return parseMove(arg);
    case T.STACK_PUSH:
    case T.STACK_POP:
      return parseStack(arg, type);
    case T.DEC_TTL:
      return parseDecTtl(arg);
    case T.SET_MPLS_LABEL: {
      if (arg === '') return fail('set_mpls_label: expected label.');
      const r = strToU32(arg);
      if (!r.ok) return r;
      if (r.value & ~0xfffff) return fail(`${arg}: not a valid MPLS label`);
      return act({ type: T.SET_MPLS_LABEL, label: r.value });
    }
    case T.SET_MPLS_TC: {
      if (arg === '') return fail('set_mpls_tc: expected tc.');
      const r = strToU8(arg, 'MPLS TC');
      if (!r.ok) return r;
      if (r.value & ~7) return fail(`${arg}: not a valid MPLS TC`);
      return act({ type: T.SET_MPLS_TC, tc: r.value });
    }
    case T.SET_MPLS_TTL: {
      if (arg === '') return fail('set_mpls_ttl: expected ttl.');
      const r = strToU8(arg, 'MPLS TTL');
      return r.ok ? act({ type: T.SET_MPLS_TTL, ttl: r.value }) : r;
    }
    case T.DEC_MPLS_TTL:
    case T.POP_QUEUE:
    case T.EXIT:
    case T.CT_CLEAR:
    case T.CLEAR_ACTIONS:
      return act({ type });
    case T.PUSH_MPLS:
    case T.POP_MPLS: {
      const r = strToU16(arg, type === T.PUSH_MPLS ? 'push_mpls' : 'pop_mpls');
      return r.ok ? act({ type, ethertype: r.value }) : r;
    }
    case T.SET_TUNNEL:
      return parseSetTunnel(arg, false);
    case T.SET_QUEUE: {
      const r = strToU32(arg);
      return r.ok ? act({ type: T.SET_QUEUE, queueId: r.value }) : r;
    }
    case T.FIN_TIMEOUT:
      return parseFinTimeout(arg);
    case T.RESUBMIT:
      return parseResubmit(arg, o);
    case T.LEARN:
      return parseLearn(arg, o.ports, o.tables);
    case T.CONJUNCTION:
      return parseConjunction(arg);
    case T.MULTIPATH:
      return parseMultipath(arg);
    case T.NOTE: {
      const data = parseHexBytes(arg);
      if (data === null) return fail("bad hex digit in `note' argument");
      return act({ type: T.NOTE, data });
    }
    case T.SAMPLE:
      return parseSample(arg, o);
    case T.CLONE: {
      const r = parseActionList(arg, o, false, T.CLONE, depth + 1);
      return r.ok ? act({ type: T.CLONE, actions: r.value }) : r;
    }
    case T.WRITE_ACTIONS: {
      const r = parseActionList(arg, o, false, T.WRITE_ACTIONS, depth + 1);
      return r.ok ? act({ type: T.WRITE_ACTIONS, actions: r.value }) : r;
    }
    case T.OUTPUT_TRUNC:
      return parseOutput(arg, o);
    case T.METER: {
      const r = strToU32(arg);
      return r.ok ? act({ type: T.METER, meterId: r.value }) : r;
    }
    case T.WRITE_METADATA:
      return parseWriteMetadata(arg);
    case T.GOTO_TABLE: {
      const t = parseTableId(arg, o.tables);
      return t === null ? fail(`unknown table "${arg}"`) : act({ type: T.GOTO_TABLE, tableId: t });
    }
  }
}

function parseVlanVid(arg: string, push: boolean): R {
  const r = strToU16(arg, 'VLAN VID');
  if (!r.ok) return r;
  if (r.value & ~0x0fff) return fail(`${arg}: not a valid VLAN VID`);
  return act({ type: T.SET_VLAN_VID, vid: r.value, pushVlanIfNeeded: push });
}

function parseVlanPcp(arg: string, push: boolean): R {
  const r = strToU8(arg, 'VLAN PCP');
  if (!r.ok) return r;
  if (r.value & ~7) return fail(`${arg}: not a valid VLAN PCP`);
  return act({ type: T.SET_VLAN_PCP, pcp: r.value, pushVlanIfNeeded: push });
}

function parseSetTunnel(arg: string, tun64: boolean): R {
  const r = strToU64Text(arg);
  return r.ok ? act({ type: T.SET_TUNNEL, tunId: r.value, tun64 }) : r;
}

/** OVS's ofpacts_verify: instruction order, conjunction exclusivity, nesting rules. */
function verify(acts: readonly OfpAction[], allowInstructions: boolean, outer: OfpactType | 0): string | null {
  let inst: number = OvsInst.METER;
  for (let i = 0; i < acts.length; i++) {
    const a = acts[i]!;
    if (a.type === T.CONJUNCTION) {
      for (const b of acts) {
        if (b.type !== T.CONJUNCTION && b.type !== T.NOTE) {
          return `"conjunction" actions may be used along with "note" but not any other kind of action (such as the "${OFPACT_NAMES[b.type]}" action used here)`;
        }
      }
      return null;
    }
    const dstField = a.type === T.SET_FIELD ? a.field : a.type === T.REG_MOVE ? a.dst.field : null;
    if (dstField && (dstField.id === MFF.CT_MARK || dstField.id === MFF.CT_LABEL)) {
      return 'cannot set CT fields outside of ct action';
    }
    if (outer && a.type === T.METER) return `${OFPACT_NAMES[outer]} action doesn't support nested action ${OFPACT_NAMES[a.type]}`;
    const next = instructionOf(a);
    if (i > 0 && (inst === OvsInst.APPLY_ACTIONS ? next < inst : next <= inst)) {
      if (next === inst) return `duplicate ${OVS_INST_NAMES[inst]} instruction not allowed, for OpenFlow 1.1+ compatibility`;
      return `invalid instruction ordering: ${OVS_INST_NAMES[next]} must appear before ${OVS_INST_NAMES[inst]}, for OpenFlow 1.1+ compatibility`;
    }
    const allowed = allowInstructions || next === OvsInst.APPLY_ACTIONS || next === OvsInst.METER;
    if (!allowed) return `${OVS_INST_NAMES[next]} instruction not allowed here`;
    inst = next;
  }
  return null;
}

function parseActionList(s: string, o: ActionParseOptions, allowInstructions: boolean, outer: OfpactType | 0, depth: number): TextResult<OfpAction[]> {
  if (depth >= MAX_DEPTH) return fail('Action nested too deeply');
  const out: OfpAction[] = [];
  let drop = false;
  for (const [rawKey, value] of parseKeyValues(s)) {
    const key = rawKey.toLowerCase();
    let r: R;
    const type = BY_NAME.get(key);
    if (type !== undefined) r = parseOne(type, value, o, depth);
    else if (key === 'mod_vlan_vid') r = parseVlanVid(value, true);
    else if (key === 'mod_vlan_pcp') r = parseVlanPcp(value, true);
    else if (key === 'set_nw_ttl') r = parseOne(T.SET_IP_TTL, value, o, depth);
    else if (key === 'pop_vlan') r = act({ type: T.STRIP_VLAN, popVlan: true });
    else if (key === 'set_tunnel64') r = parseSetTunnel(value, true);
    else if (key === 'load') r = parseLoad(value);
    else if (key === 'bundle_load') r = parseBundle(value, true, o);
    else if (key === 'drop') {
      drop = true;
      continue;
    } else if (key === 'apply_actions') return fail('apply_actions is the default instruction');
    else if (UNSUPPORTED.has(key)) return fail(`${rawKey}: action not supported by tsovs`);
    else {
      const port = parseOfpPort(rawKey, o.ports);
      if (port === null) return fail(`unknown action ${rawKey}`);
      r = act({ type: T.OUTPUT, port, maxLen: port === OFPP_CONTROLLER ? 0xffff : 0 });
    }
    if (!r.ok) return r;
    if (r.value) out.push(r.value);
  }
  if (drop && out.length) return fail('"drop" must not be accompanied by any other action or instruction');
  const e = verify(out, allowInstructions, outer);
  if (e) return fail(e);
  return { ok: true, value: out };
}

/** Parses an action list (no instructions other than meter), e.g. the actions of a group bucket. */
export function parseActions(s: string, o: ActionParseOptions = {}): TextResult<OfpAction[]> {
  return parseActionList(s, o, false, 0, 0);
}

/** Parses the "actions=" part of a flow: actions plus OpenFlow 1.1+ instructions. */
export function parseInstructions(s: string, o: ActionParseOptions = {}): TextResult<OfpAction[]> {
  return parseActionList(s, o, true, 0, 0);
}

