/*
 * OpenFlow bundles of one connection (OVS ofproto/bundles.c): open, add (opening
 * implicitly), close, discard, and idle expiry (10 s). Committing is the handler's job; it
 * applies the entries atomically. Each operation returns the OpenFlow error name or null,
 * and drops the bundle on the errors where OVS does.
 */
import type { OfMessage } from '../codec/index.js';

/** OVS BUNDLE_IDLE_TIMEOUT_DEFAULT (ms). */
export const BUNDLE_IDLE_TIMEOUT = 10000;

export interface BundleEntry {
  /** The OFPT_BUNDLE_ADD_MESSAGE as received (errors refer to it). */
  readonly raw: Uint8Array;
  /** The decoded inner message. */
  readonly msg: OfMessage;
}

export interface Bundle {
  readonly id: number;
  readonly flags: number;
  state: 'open' | 'closed';
  used: number;
  readonly entries: BundleEntry[];
  /** The message that created the bundle (a timeout error refers to it). */
  readonly opener: Uint8Array;
}

type Bundles = Map<number, Bundle>;

export function bundleOpen(bundles: Bundles, id: number, flags: number, opener: Uint8Array, now: number): string | null {
  if (bundles.has(id)) {
    bundles.delete(id);
    return 'OFPBFC_BAD_ID';
  }
  bundles.set(id, { id, flags, state: 'open', used: now, entries: [], opener });
  return null;
}

export function bundleClose(bundles: Bundles, id: number, flags: number, now: number): string | null {
  const b = bundles.get(id);
  if (!b) return 'OFPBFC_BAD_ID';
  if (b.state === 'closed') {
    bundles.delete(id);
    return 'OFPBFC_BUNDLE_CLOSED';
  }
  if (b.flags !== flags) {
    bundles.delete(id);
    return 'OFPBFC_BAD_FLAGS';
  }
  b.used = now;
  b.state = 'closed';
  return null;
}

export function bundleDiscard(bundles: Bundles, id: number): string | null {
  if (!bundles.delete(id)) return 'OFPBFC_BAD_ID';
  return null;
}

export function bundleAdd(bundles: Bundles, id: number, flags: number, entry: BundleEntry, now: number): string | null {
  let b = bundles.get(id);
  if (!b) {
    b = { id, flags, state: 'open', used: now, entries: [], opener: entry.raw };
    bundles.set(id, b);
  } else if (b.state === 'closed') {
    bundles.delete(id);
    return 'OFPBFC_BUNDLE_CLOSED';
  } else if (flags !== b.flags) {
    bundles.delete(id);
    return 'OFPBFC_BAD_FLAGS';
  }
  b.used = now;
  b.entries.push(entry);
  return null;
}

/** Removes bundles idle for the timeout; returns them (each gets an OFPBFC_TIMEOUT error). */
export function bundlesExpire(bundles: Bundles, now: number, timeout = BUNDLE_IDLE_TIMEOUT): Bundle[] {
  const gone: Bundle[] = [];
  for (const b of bundles.values()) {
    if (b.used <= now - timeout) gone.push(b);
  }
  for (const b of gone) bundles.delete(b.id);
  return gone;
}
