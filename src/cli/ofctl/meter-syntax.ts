/*
 * ovs-ofctl's meter syntax (OVS parse_ofp_meter_mod_str and the meter formatters):
 *   meter=1,kbps,burst,stats,band=type=drop,rate=1000,burst_size=100
 * parsed into meter-mod messages (add-meter / mod-meter / del-meters) or a meter id for the
 * statistics requests, and meter configurations, statistics and features formatted back.
 */
import { strToU32, strToU8 } from '../../flow/ofp-text.js';
import { OfType, type MeterBandDesc, type MeterConfigEntry, type MeterFeaturesReplyMsg, type MeterModMsg, type MeterStatsEntry } from '../../openflow/codec/index.js';
import { formatDuration } from '../../openflow/flow-syntax/flow-stats.js';
import { bitNames } from './text.js';

export const OFPMC = { ADD: 0, MODIFY: 1, DELETE: 2 } as const;
export const OFPMF = { KBPS: 1, PKTPS: 2, BURST: 4, STATS: 8 } as const;
export const OFPM_MAX = 0xffff0000;
export const OFPM_SLOWPATH = 0xfffffffd;
export const OFPM_CONTROLLER = 0xfffffffe;
export const OFPM_ALL = 0xffffffff;
const BAND_DROP = 1;
const BAND_DSCP_REMARK = 2;

type R<T> = { ok: true; value: T } | { ok: false; error: string };

function err<T>(error: string): R<T> {
  return { ok: false, error };
}

/** Splits like strtok_r over `delims`. */
function tokens(s: string, delims: string): { next(d?: string): string | null } {
  let pos = 0;
  return {
    next(d = delims): string | null {
      while (pos < s.length && d.includes(s[pos]!)) pos++;
      if (pos >= s.length) return null;
      const start = pos;
      while (pos < s.length && !d.includes(s[pos]!)) pos++;
      const tok = s.slice(start, pos);
      if (pos < s.length) pos++;
      return tok;
    },
  };
}

/**
 * Parses a meter specification. `command` is an OFPMC value, or -1 for a statistics
 * request (only "meter=ID" allowed).
 */
export function parseMeterMod(text: string, command: number): R<MeterModMsg> {
  const fMeter = true;
  const fFlags = command === OFPMC.ADD || command === OFPMC.MODIFY;
  const fBands = fFlags;
  let meterId = 0;
  let flags = 0;
  let string = text;
  let bandStr: string | null = null;
  if (fBands) {
    const at = string.indexOf('band');
    if (at < 0) return err('must specify bands');
    const eq = string.indexOf('=', at + 1);
    if (eq < 0) return err('must specify bands');
    bandStr = string.slice(eq + 1);
    string = string.slice(0, at);
  }
  const t = tokens(string, '=, \t\r\n');
  for (let name = t.next(); name !== null; name = t.next()) {
    if (fFlags && name === 'kbps') flags |= OFPMF.KBPS;
    else if (fFlags && name === 'pktps') flags |= OFPMF.PKTPS;
    else if (fFlags && name === 'burst') flags |= OFPMF.BURST;
    else if (fFlags && name === 'stats') flags |= OFPMF.STATS;
    else {
      const value = t.next(', \t\r\n');
      if (value === null) return err(`field ${name} missing value`);
      if (name !== 'meter') return err(`unknown keyword ${name}`);
      if (value === 'all') meterId = OFPM_ALL;
      else if (value === 'controller') meterId = OFPM_CONTROLLER;
      else if (value === 'slowpath') meterId = OFPM_SLOWPATH;
      else {
        const r = strToU32(value);
        if (!r.ok) return err(r.error);
        if (r.value > OFPM_MAX || r.value === 0) return err(`invalid value for ${name}`);
        meterId = r.value;
      }
    }
  }
  if (fMeter && !meterId) return err("must specify 'meter'");
  if (fFlags && !flags) return err("meter must specify either 'kbps' or 'pktps'");
  const bands: Array<{ type: number; rate: number; burstSize: number; precLevel: number }> = [];
  if (bandStr !== null) {
    const b = tokens(bandStr, '=, \t\r\n');
    for (let name = b.next(); name !== null; name = b.next()) {
      const value = b.next(', \t\r\n');
      if (value === null) return err(`field ${name} missing value`);
      const band = bands[bands.length - 1];
      if (name === 'type') {
        if (value === 'drop') bands.push({ type: BAND_DROP, rate: 0, burstSize: 0, precLevel: 0 });
        else if (value === 'dscp_remark') bands.push({ type: BAND_DSCP_REMARK, rate: 0, burstSize: 0, precLevel: 0 });
        else return err(`field ${name} unknown value ${value}`);
      } else if (!band) {
        return err("band must start with the 'type' keyword");
      } else if (name === 'rate' || name === 'burst_size') {
        const r = strToU32(value);
        if (!r.ok) return err(r.error);
        if (name === 'rate') band.rate = r.value;
        else band.burstSize = r.value;
      } else if (name === 'prec_level') {
        const r = strToU8(value, name);
        if (!r.ok) return err(r.error);
        band.precLevel = r.value;
      } else {
        return err(`unknown keyword ${name}`);
      }
    }
    if (!bands.length) return err('meter must have bands');
    for (const band of bands) {
      if (band.type === BAND_DSCP_REMARK) {
        if (!band.precLevel) return err("'dscp_remark' band must have 'prec_level'");
      } else if (band.precLevel) {
        return err("Only 'dscp_remark' band may have 'prec_level'");
      }
      if (!band.rate) return err("band must have 'rate'");
      if (flags & OFPMF.BURST) {
        if (!band.burstSize) return err("band must have 'burst_size' when 'burst' flag is set");
      } else if (band.burstSize) {
        return err("band may have 'burst_size' only when 'burst' flag is set");
      }
    }
  }
  return { ok: true, value: { type: OfType.METER_MOD, xid: 0, command: command < 0 ? OFPMC.ADD : command, flags, meterId, bands } };
}

/** OVS ofputil_format_meter_id: "meter=1", "meter:all". */
export function formatMeterId(id: number, sep: string): string {
  id >>>= 0;
  if (id <= OFPM_MAX) return `meter${sep}${id}`;
  const name = id === OFPM_SLOWPATH ? 'slowpath' : id === OFPM_CONTROLLER ? 'controller' : id === OFPM_ALL ? 'all' : 'unknown';
  return `meter${sep}${name}`;
}

function formatFlags(flags: number): string {
  let s = '';
  if (flags & OFPMF.KBPS) s += 'kbps ';
  if (flags & OFPMF.PKTPS) s += 'pktps ';
  if (flags & OFPMF.BURST) s += 'burst ';
  if (flags & OFPMF.STATS) s += 'stats ';
  const rest = flags & ~15;
  if (rest) s += `flags:0x${rest.toString(16)} `;
  return s;
}

function formatBand(flags: number, b: MeterBandDesc): string {
  let s = '\ntype=' + (b.type === BAND_DROP ? 'drop' : b.type === BAND_DSCP_REMARK ? 'dscp_remark' : String(b.type));
  s += ` rate=${b.rate >>> 0}`;
  if (flags & OFPMF.BURST) s += ` burst_size=${b.burstSize >>> 0}`;
  if (b.type === BAND_DSCP_REMARK) s += ` prec_level=${b.precLevel}`;
  return s;
}

/** OVS ofputil_format_meter_config: "meter=1 kbps bands=\ntype=drop rate=1000\n". */
export function formatMeterConfig(mc: MeterConfigEntry): string {
  return `${formatMeterId(mc.meterId, '=')} ${formatFlags(mc.flags)}bands=${mc.bands.map((b) => formatBand(mc.flags, b)).join('')}\n`;
}

export function formatMeterStats(ms: MeterStatsEntry): string {
  let s = `${formatMeterId(ms.meterId, ':')} flow_count:${ms.flowCount} packet_in_count:${ms.packetInCount} byte_in_count:${ms.byteInCount} `;
  s += `duration:${formatDuration(ms.durationSec, ms.durationNsec)} bands:\n`;
  ms.bands.forEach((b, i) => {
    s += `${i}: packet_count:${b.packetCount} byte_count:${b.byteCount}\n`;
  });
  return s;
}

export function formatMeterFeatures(m: MeterFeaturesReplyMsg): string {
  let s = `\nmax_meter:${m.maxMeter} max_bands:${m.maxBands} max_color:${m.maxColor}\n`;
  s += `band_types: ${bitNames(m.bandTypes, (b) => (b === 1 << BAND_DROP ? 'drop' : b === 1 << BAND_DSCP_REMARK ? 'dscp_remark' : null))}\n`;
  s += `capabilities: ${bitNames(m.capabilities, (b) => ({ 1: 'kbps', 2: 'pktps', 4: 'burst', 8: 'stats' })[b] ?? null)}\n`;
  return s;
}

export function formatMeterMod(m: MeterModMsg): string {
  const c = m.command === OFPMC.ADD ? ' ADD ' : m.command === OFPMC.MODIFY ? ' MOD ' : m.command === OFPMC.DELETE ? ' DEL ' : ` cmd:${m.command} `;
  return c + formatMeterConfig({ flags: m.flags, meterId: m.meterId, bands: m.bands });
}
