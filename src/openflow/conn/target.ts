/*
 * OpenFlow connection targets in OVS syntax (vconn_open / pvconn_open names):
 *   active:  tcp:IP[:PORT]   unix:PATH
 *   passive: ptcp:[PORT][:IP]   punix:PATH
 * The default port is 6653 (OFP_PORT); IPv6 addresses go in brackets ("tcp:[::1]:6653").
 * Pure parsing, no I/O.
 */

/** IANA OpenFlow port (OVS OFP_PORT). */
export const OFP_PORT = 6653;

export type ActiveTarget =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

export type PassiveTarget =
  | { readonly kind: 'ptcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'punix'; readonly path: string };

export type Target = ActiveTarget | PassiveTarget;

export type TargetResult = { ok: true; target: Target } | { ok: false; error: string };

function parsePort(s: string, dflt: number): number | null {
  if (s === '') return dflt;
  if (!/^[0-9]{1,5}$/.test(s)) return null;
  const n = Number(s);
  return n <= 65535 ? n : null;
}

/** Splits "HOST[:PORT]" (HOST may be "[v6]"); returns null when malformed. */
function splitHostPort(s: string): { host: string; port: string } | null {
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return null;
    const rest = s.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) return null;
    return { host: s.slice(1, end), port: rest.slice(1) };
  }
  const i = s.indexOf(':');
  return i < 0 ? { host: s, port: '' } : { host: s.slice(0, i), port: s.slice(i + 1) };
}

/** Parses an OpenFlow target. `defaultPort` applies to tcp and ptcp (OFP_PORT unless given). */
export function parseTarget(name: string, defaultPort = OFP_PORT): TargetResult {
  const colon = name.indexOf(':');
  if (colon < 0) return { ok: false, error: `${name}: unknown connection type (expected tcp, unix, ptcp or punix)` };
  const kind = name.slice(0, colon);
  const arg = name.slice(colon + 1);
  switch (kind) {
    case 'tcp': {
      const hp = splitHostPort(arg);
      if (hp === null || hp.host === '') return { ok: false, error: `${name}: bad peer name format` };
      const port = parsePort(hp.port, defaultPort);
      if (port === null || port === 0) return { ok: false, error: `${name}: bad port number` };
      return { ok: true, target: { kind, host: hp.host, port } };
    }
    case 'ptcp': {
      // ptcp:[PORT][:IP]
      const i = arg.indexOf(':');
      const portStr = i < 0 ? arg : arg.slice(0, i);
      let host = i < 0 ? '' : arg.slice(i + 1);
      if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
      const port = parsePort(portStr, defaultPort);
      if (port === null) return { ok: false, error: `${name}: bad port number` };
      return { ok: true, target: { kind, host: host === '' ? '0.0.0.0' : host, port } };
    }
    case 'unix':
    case 'punix':
      if (arg === '') return { ok: false, error: `${name}: missing socket path` };
      return { ok: true, target: kind === 'unix' ? { kind, path: arg } : { kind, path: arg } };
    default:
      return { ok: false, error: `${name}: unknown connection type (expected tcp, unix, ptcp or punix)` };
  }
}

export function isPassive(t: Target): t is PassiveTarget {
  return t.kind === 'ptcp' || t.kind === 'punix';
}

/** OVS vconn_verify_name: 0-like true when `name` is a valid active target. */
export function isActiveName(name: string): boolean {
  const r = parseTarget(name);
  return r.ok && !isPassive(r.target);
}

/** OVS pvconn_verify_name. */
export function isPassiveName(name: string): boolean {
  const r = parseTarget(name);
  return r.ok && isPassive(r.target);
}

/** The canonical text of a target ("tcp:127.0.0.1:6653", "ptcp:6653:0.0.0.0"). */
export function targetToString(t: Target): string {
  const h = (host: string): string => (host.includes(':') ? `[${host}]` : host);
  switch (t.kind) {
    case 'tcp':
      return `tcp:${h(t.host)}:${t.port}`;
    case 'ptcp':
      return `ptcp:${t.port}:${h(t.host)}`;
    case 'unix':
      return `unix:${t.path}`;
    case 'punix':
      return `punix:${t.path}`;
  }
}
