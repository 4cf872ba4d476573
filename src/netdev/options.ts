/*
 * Reading a provider's `options:*` strings (OVS Interface options) with clear errors.
 */
import { parseMac } from '../packet/addr.js';

export type Options = Readonly<Record<string, string>>;

export function boolOption(name: string, options: Options, key: string, def: boolean): boolean {
  const v = options[key];
  if (v === undefined || v === '') return def;
  switch (v.toLowerCase()) {
    case 'true':
    case 'on':
    case 'yes':
    case '1':
      return true;
    case 'false':
    case 'off':
    case 'no':
    case '0':
      return false;
    default:
      throw new Error(`${name}: options:${key}=${v} is not a boolean (true or false)`);
  }
}

export function intOption(name: string, options: Options, key: string, def: number, min: number, max: number): number {
  const v = options[key];
  if (v === undefined || v === '') return def;
  if (!/^(0|[1-9][0-9]*|0x[0-9a-fA-F]+)$/.test(v)) throw new Error(`${name}: options:${key}=${v} is not a number`);
  const n = Number(v);
  if (n < min || n > max) throw new Error(`${name}: options:${key}=${v} out of range ${min}..${max}`);
  return n;
}

export function stringOption(options: Options, key: string, def: string): string {
  const v = options[key];
  return v === undefined ? def : v;
}

/** A MAC address option `aa:bb:cc:dd:ee:ff` as a 48-bit number (null when absent). */
export function macOption(name: string, options: Options, key: string): number | null {
  const v = options[key];
  if (v === undefined || v === '') return null;
  const m = parseMac(v);
  if (m === null) throw new Error(`${name}: options:${key}=${v} is not a MAC address`);
  return m;
}

/** Rejects options the provider does not know (OVS logs them; a typo should not pass silently). */
export function checkOptions(name: string, type: string, options: Options, known: readonly string[]): void {
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new Error(`${name}: ${type} interface does not support options:${k} (known: ${known.join(', ')})`);
  }
}
