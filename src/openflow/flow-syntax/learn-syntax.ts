/*
 * The learn action's text (OVS's learn_parse / learn_format): flow-mod parameters (table,
 * priority, timeouts, cookie, flags, limit, result_dst) and specs that match a field against
 * a subfield or immediate ("NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[]", "dl_vlan=5"), load into a
 * field ("load:NXM_NX_REG0[]->NXM_NX_REG1[]", "load:0x5->reg1[]") or output to a port held in
 * a field ("output:NXM_OF_IN_PORT[]").
 */

import { bitwiseIsAllZeros } from '../../flow/bits.js';
import { atoi, strToU64 } from '../../flow/c-num.js';
import { mfHasNxmHeader, type MfSubfield } from '../../flow/meta-flow.js';
import { formatSubfield, parseSubfield, parseSubfieldPrefix } from '../../flow/mf-subfield.js';
import { formatHexBytes, mfFormat, mfParseValue, parseIntString } from '../../flow/mf-value.js';
import { parseKeyValues, type TextResult } from '../../flow/ofp-text.js';
import { formatTableId, parseTableId, type PortMap, type TableMap } from '../../flow/ofp-port.js';
import { LearnDst, LearnSrc, NxLearnFlags, OfpactType, type LearnAct, type LearnSpec } from '../../ofproto/ofp-actions.js';

const OFP_DEFAULT_PRIORITY = 0x8000;

function fail<T>(error: string): TextResult<T> {
  return { ok: false, error };
}

/** The last ceil(n/8) bytes of `v`. */
function lowBytes(v: Uint8Array, nBits: number): Uint8Array {
  const n = Math.ceil(nBits / 8);
  return v.slice(v.length - n);
}

/** Parses "X->dst" where X is a subfield (a move). */
function parseMove(s: string): TextResult<{ src: MfSubfield; dst: MfSubfield }> {
  const a = parseSubfieldPrefix(s);
  if (!a.ok) return a;
  if (!s.startsWith('->', a.end)) return fail(`${s}: missing \`->' following source`);
  const b = parseSubfield(s.slice(a.end + 2));
  if (!b.ok) return b;
  if (a.sf.nBits !== b.sf.nBits) {
    return fail(`${s}: source field is ${a.sf.nBits} bits wide but destination is ${b.sf.nBits} bits wide`);
  }
  return { ok: true, value: { src: a.sf, dst: b.sf } };
}

function parseSpec(orig: string, name: string, value: string, ports?: PortMap): TextResult<LearnSpec> {
  const d = parseSubfield(name);
  if (d.ok) {
    const dst = d.sf;
    if (!mfHasNxmHeader(dst.field)) return fail(`${orig}: experimenter OXM field '${name}' not supported`);
    if (value === '') {
      return { ok: true, value: { srcType: LearnSrc.FIELD, dstType: LearnDst.MATCH, nBits: dst.nBits, src: dst, srcImm: null, dst } };
    }
    const s = parseSubfield(value);
    if (s.ok) {
      if (s.sf.nBits !== dst.nBits) {
        return fail(`${orig}: bit widths of ${name} (${s.sf.nBits}) and ${value} (${dst.nBits}) differ`);
      }
      return { ok: true, value: { srcType: LearnSrc.FIELD, dstType: LearnDst.MATCH, nBits: dst.nBits, src: s.sf, srcImm: null, dst } };
    }
    let imm: Uint8Array | null = null;
    let immError: string | null = null;
    if (dst.ofs === 0 && dst.nBits === dst.field.nBits) {
      const r = mfParseValue(dst.field, value, ports);
      if (r.ok) imm = r.value;
      else immError = r.error;
    } else {
      const v = new Uint8Array(dst.field.nBytes);
      const r = parseIntString(value, 0, v);
      if (r.error !== null || r.end !== value.length) immError = `${orig}: cannot parse integer value`;
      else if (!bitwiseIsAllZeros(v, dst.nBits, dst.field.nBytes * 8 - dst.nBits)) {
        immError = `${orig}: value ${mfFormat(dst.field, v, null)} does not fit into ${dst.nBits} bits`;
      } else imm = v;
    }
    if (imm === null) {
      return fail(`${orig}: ${name} value ${value} cannot be parsed as a subfield (${s.error}) or an immediate value (${immError})`);
    }
    return {
      ok: true,
      value: { srcType: LearnSrc.IMMEDIATE, dstType: LearnDst.MATCH, nBits: dst.nBits, src: null, srcImm: lowBytes(imm, dst.nBits), dst },
    };
  }
  if (name === 'load') {
    const arrow = value.indexOf('->');
    if (arrow === 0) return fail(`${name}: missing source before \`->' in \`${value}'`);
    if (arrow < 0) return fail(`${name}: missing \`->' in \`${value}'`);
    const imm = new Uint8Array(128);
    const r = parseIntString(value, 0, imm);
    if (r.error === null && r.end !== 0) {
      if (r.end !== arrow) return fail(`${name}: garbage before \`->' in \`${value}'`);
      const dp = parseSubfield(value.slice(arrow + 2));
      if (!dp.ok) return dp;
      const dst = dp.sf;
      if (!mfHasNxmHeader(dst.field)) return fail(`${value}: experimenter OXM field '${value.slice(arrow + 2)}' not supported`);
      if (!bitwiseIsAllZeros(imm, dst.nBits, 128 * 8 - dst.nBits)) return fail(`${value}: value does not fit into ${dst.nBits} bits`);
      return {
        ok: true,
        value: { srcType: LearnSrc.IMMEDIATE, dstType: LearnDst.LOAD, nBits: dst.nBits, src: null, srcImm: lowBytes(imm, dst.nBits), dst },
      };
    }
    const mv = parseMove(value);
    if (!mv.ok) return mv;
    return { ok: true, value: { srcType: LearnSrc.FIELD, dstType: LearnDst.LOAD, nBits: mv.value.src.nBits, src: mv.value.src, srcImm: null, dst: mv.value.dst } };
  }
  if (name === 'output') {
    const s = parseSubfield(value);
    if (!s.ok) return s;
    return { ok: true, value: { srcType: LearnSrc.FIELD, dstType: LearnDst.OUTPUT, nBits: s.sf.nBits, src: s.sf, srcImm: null, dst: null } };
  }
  return fail(`${orig}: unknown keyword ${name}`);
}

/** Parses the argument of a learn(...) action. */
export function parseLearn(arg: string, ports?: PortMap, tables?: TableMap): TextResult<LearnAct> {
  const orig = arg;
  let tableId = 1;
  let priority = OFP_DEFAULT_PRIORITY;
  let idleTimeout = 0;
  let hardTimeout = 0;
  let finIdleTimeout = 0;
  let finHardTimeout = 0;
  let cookie = 0n;
  let flags = 0;
  let limit = 0;
  let resultDst: MfSubfield | null = null;
  const specs: LearnSpec[] = [];
  const u16 = (v: string): number => atoi(v) & 0xffff;
  for (const [name, value] of parseKeyValues(arg)) {
    switch (name) {
      case 'table': {
        const t = parseTableId(value, tables);
        if (t === null) return fail(`unknown table "${value}"`);
        if (t === 255) return fail(`${orig}: table id 255 not valid for \`learn' action`);
        tableId = t;
        break;
      }
      case 'priority': priority = u16(value); break;
      case 'idle_timeout': idleTimeout = u16(value); break;
      case 'hard_timeout': hardTimeout = u16(value); break;
      case 'fin_idle_timeout': finIdleTimeout = u16(value); break;
      case 'fin_hard_timeout': finHardTimeout = u16(value); break;
      case 'cookie': cookie = strToU64Prefix(value); break;
      case 'send_flow_rem': flags |= NxLearnFlags.SEND_FLOW_REM; break;
      case 'delete_learned': flags |= NxLearnFlags.DELETE_LEARNED; break;
      case 'limit': limit = atoi(value) >>> 0; break;
      case 'result_dst': {
        flags |= NxLearnFlags.WRITE_RESULT;
        const r = parseSubfield(value);
        if (!r.ok) return r;
        if (!r.sf.field.writable) return fail(`${value} is read-only`);
        if (r.sf.nBits !== 1) return fail("result_dst in 'learn' action must be a single bit");
        resultDst = r.sf;
        break;
      }
      default: {
        const sp = parseSpec(orig, name, value, ports);
        if (!sp.ok) return sp;
        specs.push(sp.value);
      }
    }
  }
  return {
    ok: true,
    value: {
      type: OfpactType.LEARN, idleTimeout, hardTimeout, finIdleTimeout, finHardTimeout, priority, cookie, flags, tableId, limit,
      resultDst, specs,
    },
  };
}

/** strtoull(value, NULL, 0): the leading number, 0 if none. */
function strToU64Prefix(s: string): bigint {
  const whole = strToU64(s);
  if (whole !== null) return whole;
  const m = /^\s*[-+]?(0[xX][0-9a-fA-F]+|[0-9]+)/.exec(s);
  return m ? strToU64(m[0].trim()) ?? 0n : 0n;
}

/** Formats a learn action as ovs-ofctl does. */
export function formatLearn(a: LearnAct, ports?: PortMap, tables?: TableMap): string {
  let s = `learn(table=${formatTableId(a.tableId, tables)}`;
  if (a.idleTimeout !== 0) s += `,idle_timeout=${a.idleTimeout}`;
  if (a.hardTimeout !== 0) s += `,hard_timeout=${a.hardTimeout}`;
  if (a.finIdleTimeout) s += `,fin_idle_timeout=${a.finIdleTimeout}`;
  if (a.finHardTimeout) s += `,fin_hard_timeout=${a.finHardTimeout}`;
  if (a.priority !== OFP_DEFAULT_PRIORITY) s += `,priority=${a.priority}`;
  if (a.flags & NxLearnFlags.SEND_FLOW_REM) s += ',send_flow_rem';
  if (a.flags & NxLearnFlags.DELETE_LEARNED) s += ',delete_learned';
  if (a.cookie !== 0n) s += `,cookie=0x${a.cookie.toString(16)}`;
  if (a.limit !== 0) s += `,limit=${a.limit >>> 0}`;
  if (a.flags & NxLearnFlags.WRITE_RESULT && a.resultDst) s += `,result_dst=${formatSubfield(a.resultDst)}`;
  for (const sp of a.specs) {
    s += ',';
    if (sp.srcType === LearnSrc.IMMEDIATE && sp.dstType === LearnDst.MATCH && sp.dst && sp.srcImm) {
      const f = sp.dst.field;
      if (sp.dst.ofs === 0 && sp.dst.nBits === f.nBits) {
        const v = new Uint8Array(f.nBytes);
        v.set(sp.srcImm.slice(Math.max(0, sp.srcImm.length - f.nBytes)), f.nBytes - Math.min(f.nBytes, sp.srcImm.length));
        s += `${f.name}=${mfFormat(f, v, null, ports)}`;
      } else {
        s += `${formatSubfield(sp.dst)}=${formatHexBytes(sp.srcImm)}`;
      }
    } else if (sp.srcType === LearnSrc.FIELD && sp.dstType === LearnDst.MATCH && sp.dst && sp.src) {
      s += formatSubfield(sp.dst);
      if (sp.src.field !== sp.dst.field || sp.src.ofs !== sp.dst.ofs) s += `=${formatSubfield(sp.src)}`;
    } else if (sp.srcType === LearnSrc.IMMEDIATE && sp.dstType === LearnDst.LOAD && sp.dst && sp.srcImm) {
      s += `load:${formatHexBytes(sp.srcImm)}->${formatSubfield(sp.dst)}`;
    } else if (sp.srcType === LearnSrc.FIELD && sp.dstType === LearnDst.LOAD && sp.dst && sp.src) {
      s += `load:${formatSubfield(sp.src)}->${formatSubfield(sp.dst)}`;
    } else if (sp.srcType === LearnSrc.FIELD && sp.dstType === LearnDst.OUTPUT && sp.src) {
      s += `output:${formatSubfield(sp.src)}`;
    }
  }
  return s + ')';
}
