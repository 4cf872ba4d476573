/*
 * Column values ("datums", as OVSDB calls them): the document form stored in the config
 * (scalar, array for sets and optional values, object for maps), a canonical sorted form for
 * set algebra, and the text forms tsovs-vsctl reads and prints (OVS's ovsdb_datum_from_string /
 * ovsdb_datum_to_string: `[10, 20]`, `{remote_ip="1.2.3.4"}`, bare tokens, ranges `10-20`).
 */
import type { BaseType, ColumnType } from './config-schema.js';
import { isMapType, isScalarType } from './config-schema.js';

export type Atom = string | number | boolean;
/** A column value as stored in the document. */
export type Value = Atom | Atom[] | { [key: string]: Atom };

/** Canonical form: keys sorted and unique; `values` parallel to keys for maps. */
export interface Datum {
  keys: Atom[];
  values: Atom[] | null;
}

/** A value that cannot be parsed or violates a constraint; the message is user-facing. */
export class DataError extends Error {}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

export function compareAtoms(a: Atom, b: Atom): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function defaultAtom(base: BaseType): Atom {
  switch (base.type) {
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'uuid':
      return '00000000-0000-0000-0000-000000000000';
    default:
      return '';
  }
}

export function defaultValue(type: ColumnType): Value {
  if (isMapType(type)) return {};
  if (isScalarType(type)) return defaultAtom(type.key);
  return [];
}

/** Document form -> canonical form (sorted, deduplicated). */
export function toDatum(value: Value, type: ColumnType): Datum {
  if (isMapType(type)) {
    const obj = value as { [key: string]: Atom };
    const keys = Object.keys(obj).sort((a, b) => compareAtoms(a, b));
    return { keys, values: keys.map((k) => obj[k]) };
  }
  if (isScalarType(type)) return { keys: [value as Atom], values: null };
  const keys = [...(value as Atom[])].sort(compareAtoms);
  return { keys: keys.filter((k, i) => i === 0 || compareAtoms(keys[i - 1], k) !== 0), values: null };
}

/** Canonical form -> document form. */
export function fromDatum(d: Datum, type: ColumnType): Value {
  if (isMapType(type)) {
    const obj: { [key: string]: Atom } = {};
    d.keys.forEach((k, i) => {
      obj[String(k)] = d.values![i];
    });
    return obj;
  }
  if (isScalarType(type)) return d.keys.length ? d.keys[0] : defaultAtom(type.key);
  return [...d.keys];
}

export function valueEquals(a: Value, b: Value, type: ColumnType): boolean {
  return compareDatums(toDatum(a, type), toDatum(b, type)) === 0;
}

export function isDefaultValue(v: Value, type: ColumnType): boolean {
  return valueEquals(v, defaultValue(type), type);
}

/** OVSDB's 3-way datum comparison (element count is not first: elementwise, then length). */
export function compareDatums(a: Datum, b: Datum): number {
  const n = Math.min(a.keys.length, b.keys.length);
  for (let i = 0; i < n; i++) {
    const c = compareAtoms(a.keys[i], b.keys[i]);
    if (c) return c;
  }
  if (a.keys.length !== b.keys.length) return a.keys.length - b.keys.length;
  if (a.values && b.values) {
    for (let i = 0; i < n; i++) {
      const c = compareAtoms(a.values[i], b.values[i]);
      if (c) return c;
    }
  }
  return 0;
}

function findKey(d: Datum, key: Atom): number {
  let lo = 0;
  let hi = d.keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareAtoms(d.keys[mid], key);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function datumFind(d: Datum, key: Atom): number {
  return findKey(d, key);
}

/** Adds the elements of `b` that `a` lacks (for maps, keys already in `a` keep a's value). */
export function datumUnion(a: Datum, b: Datum): Datum {
  const keys = [...a.keys];
  const values = a.values ? [...a.values] : null;
  b.keys.forEach((k, i) => {
    if (findKey(a, k) < 0) {
      keys.push(k);
      if (values) values.push(b.values![i]);
    }
  });
  return sortDatum({ keys, values });
}

/**
 * Removes from `a` the elements of `b`. When `b` has values (a map), a pair is removed only if
 * both key and value match; when `b` has no values, matching keys are removed.
 */
export function datumSubtract(a: Datum, b: Datum): Datum {
  const keys: Atom[] = [];
  const values: Atom[] | null = a.values ? [] : null;
  a.keys.forEach((k, i) => {
    const j = findKey(b, k);
    const drop = j >= 0 && (!b.values || !a.values || compareAtoms(a.values[i], b.values[j]) === 0);
    if (!drop) {
      keys.push(k);
      if (values) values.push(a.values![i]);
    }
  });
  return { keys, values };
}

export function datumIncludesAll(a: Datum, b: Datum): boolean {
  return a.keys.every((k, i) => {
    const j = findKey(b, k);
    return j >= 0 && (!a.values || !b.values || compareAtoms(a.values[i], b.values[j]) === 0);
  });
}

function sortDatum(d: Datum): Datum {
  const idx = d.keys.map((_, i) => i).sort((i, j) => compareAtoms(d.keys[i], d.keys[j]));
  return { keys: idx.map((i) => d.keys[i]), values: d.values ? idx.map((i) => d.values![i]) : null };
}

/* ---------------------------------------------------------------------------------------- */
/* Text forms.                                                                              */

/** Whether a string atom is printed quoted (OVS string_needs_quotes). */
export function stringNeedsQuotes(s: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s)) return true;
  return s === 'true' || s === 'false' || isUuid(s);
}

export function atomToString(atom: Atom, base: BaseType): string {
  if (base.type === 'string') {
    const s = String(atom);
    return stringNeedsQuotes(s) ? JSON.stringify(s) : s;
  }
  return String(atom);
}

export function datumToString(d: Datum, type: ColumnType): string {
  const isMap = isMapType(type);
  const parts = d.keys.map((k, i) =>
    isMap ? `${atomToString(k, type.key)}=${atomToString(d.values![i], type.value!)}` : atomToString(k, type.key),
  );
  const body = parts.join(', ');
  if (type.max > 1 || d.keys.length === 0) return isMap ? `{${body}}` : `[${body}]`;
  return body;
}

export function valueToString(v: Value, type: ColumnType): string {
  return datumToString(toDatum(v, type), type);
}

/** Bare form (OVS ovsdb_datum_to_bare): strings unquoted, elements separated by spaces. */
export function datumToBare(d: Datum, _type: ColumnType): string {
  return d.keys
    .map((k, i) => (d.values ? `${String(k)}=${String(d.values[i])}` : String(k)))
    .join(' ');
}

const DELIMS = ':=, []{}!<>';

export function isTokenDelim(c: string): boolean {
  return c === '' || DELIMS.includes(c);
}

/**
 * Reads a token from s at `pos` (OVS ovsdb_token_parse): up to the first unquoted delimiter;
 * a backslash escapes the next character; double quotes are kept in the token.
 */
export function parseToken(s: string, pos: number): { token: string; end: number } {
  let out = '';
  let inQuotes = false;
  let p = pos;
  while (p < s.length) {
    const c = s[p++];
    if (c === '\\') {
      if (inQuotes) out += '\\';
      if (p >= s.length) throw new DataError(`${s.slice(pos)}: backslash at end of argument`);
      out += s[p++];
    } else if (!inQuotes && DELIMS.includes(c)) {
      p--;
      break;
    } else {
      out += c;
      if (c === '"') inQuotes = !inQuotes;
    }
  }
  if (inQuotes) throw new DataError(`${s.slice(pos)}: quoted string extends past end of argument`);
  return { token: out, end: p };
}

/** Constraint check (OVS ovsdb_atom_check_constraints); returns the message or null. */
export function checkAtom(atom: Atom, base: BaseType): string | null {
  if (base.enum && !base.enum.includes(String(atom))) {
    const allowed = [...base.enum].sort().map((e) => atomToString(e, { type: 'string' }));
    return `constraint violation: ${atomToString(atom, base)} is not one of the allowed values ([${allowed.join(', ')}])`;
  }
  if (base.type === 'integer' && typeof atom === 'number') {
    const lo = base.minInteger;
    const hi = base.maxInteger;
    if ((lo !== undefined && atom < lo) || (hi !== undefined && atom > hi)) {
      if (lo !== undefined && hi !== undefined) {
        return `constraint violation: ${atom} is not in the valid range ${lo} to ${hi} (inclusive)`;
      }
      if (lo !== undefined) return `constraint violation: ${atom} is less than minimum allowed value ${lo}`;
      return `constraint violation: ${atom} is greater than maximum allowed value ${hi}`;
    }
  }
  return null;
}

const INT_RE = /^[+-]?\d+$/;
const RANGE_RE = /^([+-]?\d+)-([+-]?\d+)$/;

function parseInteger(s: string): number | null {
  if (!INT_RE.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** Maps `@name` row ids (tsovs-vsctl --id) to uuids. */
export type SymbolResolver = (name: string) => string;

/**
 * Parses one atom (OVS ovsdb_atom_from_string). Integers may be a range `a-b` when
 * `allowRange` is set: all values of the range are returned.
 */
export function atomFromString(s: string, base: BaseType, allowRange = false, symbols?: SymbolResolver): Atom[] {
  let atoms: Atom[];
  switch (base.type) {
    case 'integer': {
      const n = parseInteger(s);
      if (n !== null) {
        atoms = [n];
        break;
      }
      const m = allowRange ? RANGE_RE.exec(s) : null;
      const a = m ? parseInteger(m[1]) : null;
      const b = m ? parseInteger(m[2]) : null;
      if (a === null || b === null) throw new DataError(`"${s}" is not a valid integer or range`);
      if (b < a) throw new DataError(`"${s}" is not a valid range. Range end cannot be before start.`);
      if (b - a >= 4096) {
        throw new DataError(`constraint violation: Range "${a}-${b}" is too big. Maximum allowed size is 4096.`);
      }
      atoms = [];
      for (let i = a; i <= b; i++) atoms.push(i);
      break;
    }
    case 'boolean':
      if (['true', 'yes', 'on', '1'].includes(s)) atoms = [true];
      else if (['false', 'no', 'off', '0'].includes(s)) atoms = [false];
      else throw new DataError(`"${s}" is not a valid boolean (use "true" or "false")`);
      break;
    case 'uuid':
      if (s.startsWith('@') && symbols) {
        atoms = [symbols(s)];
        break;
      }
      if (!isUuid(s)) throw new DataError(`"${s}" is not a valid UUID`);
      atoms = [s.toLowerCase()];
      break;
    default:
      if (s === '') {
        throw new DataError('An empty string is not valid as input; use "" to represent the empty string');
      }
      if (s[0] === '"') {
        if (s.length < 2 || s[s.length - 1] !== '"') throw new DataError(`${s}: missing quote at end of quoted string`);
        try {
          atoms = [JSON.parse(s) as string];
        } catch {
          throw new DataError(`${s}: invalid JSON string`);
        }
        if (typeof atoms[0] !== 'string') throw new DataError(`${s}: invalid JSON string`);
      } else {
        atoms = [s];
      }
  }
  for (const a of atoms) {
    const err = checkAtom(a, base);
    if (err) throw new DataError(err);
  }
  return atoms;
}

function typeToEnglish(type: ColumnType): string {
  const atom = (b: BaseType): string => (b.type === 'uuid' ? 'uuid' : b.type);
  if (isMapType(type)) return `map of ${atom(type.key)}-${atom(type.value!)} pairs`;
  if (isScalarType(type)) return atom(type.key);
  return `set of ${atom(type.key)}s`;
}

function skipSpaces(s: string, p: number): number {
  while (p < s.length && /\s/.test(s[p])) p++;
  return p;
}

/**
 * Parses a whole value (OVS ovsdb_datum_from_string): atoms or key=value pairs separated by
 * commas or spaces, optionally inside [] (sets) or {} (maps); empty needs the brackets.
 */
export function datumFromString(s: string, type: ColumnType, symbols?: SymbolResolver): Datum {
  const isMap = isMapType(type);
  let p = skipSpaces(s, 0);
  let endDelim = '';
  if (s[p] === (isMap ? '{' : '[')) {
    endDelim = isMap ? '}' : ']';
    p = skipSpaces(s, p + 1);
  } else if (p >= s.length) {
    throw new DataError(isMap ? 'use "{}" to specify the empty map' : 'use "[]" to specify the empty set');
  }
  const keys: Atom[] = [];
  const values: Atom[] = [];
  while (p < s.length && s[p] !== endDelim) {
    if (isTokenDelim(s[p])) throw new DataError(`${s}: unexpected "${s[p]}" parsing ${typeToEnglish(type)}`);
    const start = p;
    const k = parseToken(s, p);
    p = k.end;
    const ks = atomFromString(k.token, type.key, !isMap && type.key.type === 'integer', symbols);
    if (isMap) {
      p = skipSpaces(s, p);
      if (s[p] !== '=') throw new DataError(`${s.slice(start)}: syntax error at "${s[p] ?? ''}" expecting "="`);
      p = skipSpaces(s, p + 1);
      const v = parseToken(s, p);
      p = v.end;
      const vs = atomFromString(v.token, type.value!, false, symbols);
      keys.push(ks[0]);
      values.push(vs[0]);
    } else {
      keys.push(...ks);
    }
    p = skipSpaces(s, p);
    if (s[p] === ',') p = skipSpaces(s, p + 1);
  }
  if ((s[p] ?? '') !== endDelim) throw new DataError(`${s}: missing "${endDelim}" at end of data`);
  if (endDelim) {
    p = skipSpaces(s, p + 1);
    if (p < s.length) throw new DataError(`${s}: trailing garbage after "${endDelim}"`);
  }
  const what = isMap ? 'pair(s)' : 'value(s)';
  if (keys.length < type.min) {
    throw new DataError(`${s}: ${keys.length} ${what} specified but the minimum number is ${type.min}`);
  }
  if (keys.length > type.max) {
    throw new DataError(`${s}: ${keys.length} ${what} specified but the maximum number is ${type.max}`);
  }
  const d = sortDatum({ keys, values: isMap ? values : null });
  for (let i = 1; i < d.keys.length; i++) {
    if (compareAtoms(d.keys[i - 1], d.keys[i]) === 0) {
      throw new DataError(isMap ? `${s}: map contains duplicate key` : `${s}: set contains duplicate value`);
    }
  }
  return d;
}
