/*
 * OpenFlow port numbers as tsovs uses them internally (OVS's ofp_port_t): 16-bit OpenFlow 1.0
 * numbers, with the reserved ports at 0xfff7..0xffff. OpenFlow 1.1+ 32-bit numbers map onto
 * these (0xffffff00.. <-> 0xff00..). Also the text forms ovs-ofctl uses for ports and tables:
 * reserved names (LOCAL, IN_PORT, ...), decimal numbers, and names from a port map.
 */

export const OFPP_MAX = 0xff00;
export const OFPP_FIRST_RESV = 0xfff7;
export const OFPP_UNSET = 0xfff7;
export const OFPP_IN_PORT = 0xfff8;
export const OFPP_TABLE = 0xfff9;
export const OFPP_NORMAL = 0xfffa;
export const OFPP_FLOOD = 0xfffb;
export const OFPP_ALL = 0xfffc;
export const OFPP_CONTROLLER = 0xfffd;
export const OFPP_LOCAL = 0xfffe;
/** OFPP_NONE in OpenFlow 1.0, OFPP_ANY in 1.1+. */
export const OFPP_NONE = 0xffff;
export const OFPP_ANY = 0xffff;

/** Offset between OpenFlow 1.0 reserved ports and their OpenFlow 1.1+ numbers. */
export const OFPP11_OFFSET = 0xffff0000;
export const OFPP11_MAX = 0xffffff00;

const RESERVED: ReadonlyArray<readonly [string, number]> = [
  ['IN_PORT', OFPP_IN_PORT],
  ['TABLE', OFPP_TABLE],
  ['NORMAL', OFPP_NORMAL],
  ['FLOOD', OFPP_FLOOD],
  ['ALL', OFPP_ALL],
  ['CONTROLLER', OFPP_CONTROLLER],
  ['LOCAL', OFPP_LOCAL],
  ['ANY', OFPP_ANY],
  ['UNSET', OFPP_UNSET],
];

/**
 * Port names for parsing and printing (ovs-ofctl --names). `byName` resolves a name to a
 * port number; `byNumber` gives the name to print for a number.
 */
export interface PortMap {
  byName?(name: string): number | undefined;
  byNumber?(port: number): string | undefined;
}

/** Table names, the same way. */
export interface TableMap {
  byName?(name: string): number | undefined;
  byNumber?(table: number): string | undefined;
}

/** Builds a PortMap from name/number pairs. */
export function portMapFrom(entries: Iterable<readonly [string, number]>): PortMap {
  const names = new Map<string, number>();
  const numbers = new Map<number, string>();
  for (const [name, num] of entries) {
    names.set(name, num);
    numbers.set(num, name);
  }
  return { byName: (n) => names.get(n), byNumber: (p) => numbers.get(p) };
}

/** The reserved name of `port` (e.g. "LOCAL"), or null. */
export function reservedPortName(port: number): string | null {
  for (const [name, num] of RESERVED) if (num === port) return name;
  return null;
}

/** Strict unsigned decimal (what OVS's str_to_uint with base 10 accepts), or null. */
function parseDecimal(s: string): number | null {
  if (!/^\s*\+?[0-9]+$/.test(s)) return null;
  const v = Number(s.trim());
  return v <= 0xffffffff ? v : null;
}

/** Decodes a JSON-style quoted name ("p1-1"), or null. */
function unquote(s: string): string | null {
  if (s.length < 2 || s[0] !== '"' || s[s.length - 1] !== '"') return null;
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/**
 * Parses a port as ovs-ofctl does: a decimal number (OF1.1+ reserved numbers are mapped
 * down), a reserved name in any case (NONE is accepted as ANY), or a name from `map`
 * (quoted or not). Returns null when the text is not a port.
 */
export function parseOfpPort(s: string, map?: PortMap): number | null {
  if (s.startsWith('-')) return null;
  const n = parseDecimal(s);
  if (n !== null) {
    if (n < OFPP_MAX) return n;
    if (n <= 0xffff) return n;
    if (n < OFPP11_MAX) return null;
    return (n - OFPP11_OFFSET) >>> 0;
  }
  const upper = s.toUpperCase();
  for (const [name, num] of RESERVED) if (name === upper) return num;
  if (upper === 'NONE') return OFPP_NONE;
  if (map?.byName) {
    const q = s[0] === '"' ? unquote(s) : s;
    if (q !== null) {
      const p = map.byName(q);
      if (p !== undefined) return p;
    }
  }
  return null;
}

/** A port or table name as OVS prints it: bare if alphanumeric starting with a letter, else quoted. */
export function formatName(name: string): string {
  return /^[A-Za-z][A-Za-z0-9]*$/.test(name) ? name : JSON.stringify(name);
}

/** Formats a port as ovs-ofctl does: reserved name, mapped name, or decimal number. */
export function formatOfpPort(port: number, map?: PortMap): string {
  const r = reservedPortName(port);
  if (r !== null) return r;
  const name = map?.byNumber?.(port);
  if (name !== undefined) return formatName(name);
  return String(port);
}

/** OpenFlow 1.0 port number -> OpenFlow 1.1+ 32-bit number. */
export function portToOfp11(port: number): number {
  return port < OFPP_MAX ? port : (port + OFPP11_OFFSET) >>> 0;
}

/** OpenFlow 1.1+ 32-bit number -> OpenFlow 1.0 port number, or null if it has none. */
export function portFromOfp11(port: number): number | null {
  const p = port >>> 0;
  if (p < OFPP_MAX) return p;
  if (p >= OFPP11_MAX) return (p - OFPP11_OFFSET) >>> 0;
  return null;
}

/** Parses a table as ovs-ofctl does: decimal 0..255 or a name from `map`. */
export function parseTableId(s: string, map?: TableMap): number | null {
  if (s.startsWith('-')) return null;
  const n = parseDecimal(s);
  if (n !== null) return n <= 255 ? n : null;
  if (map?.byName) {
    const q = s[0] === '"' ? unquote(s) : s;
    if (q !== null) {
      const t = map.byName(q);
      if (t !== undefined) return t;
    }
  }
  return null;
}

export function formatTableId(table: number, map?: TableMap): string {
  const name = map?.byNumber?.(table);
  return name !== undefined ? formatName(name) : String(table);
}
