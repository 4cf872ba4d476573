/*
 * NXT_RESUME from a controller (OVS handle_nxt_resume): decode the continuation strictly in
 * the connection's version and let the switch carry on the paused pipeline. Any controller
 * may resume (OVS does not reject secondary controllers here); errors are OVS's: property
 * and action decode errors, NXR_STALE when the continuation's bridge is gone.
 */
import type { Continuation } from '../../ofproto/continuation.js';
import { OfpFail } from '../codec/bytes.js';
import { decodeContinuation } from '../codec/continuation.js';
import type { ResumeMsg } from '../codec/index.js';
import type { ConnMgr } from '../connmgr.js';
import type { Err } from './ofp-mods.js';
import type { OfConn } from './ofconn.js';

export function resume(mgr: ConnMgr, c: OfConn, m: ResumeMsg): Err {
  let cont: Continuation;
  try {
    cont = decodeContinuation(m.continuation ?? new Uint8Array(0), c.version, false);
  } catch (e) {
    if (e instanceof OfpFail) return e.code;
    throw e;
  }
  // The message's pipeline fields; those it does not carry are zero (OVS flow_metadata).
  const key = m.match.key;
  const mask = m.match.mask;
  const metadata = new Uint32Array(key.length);
  for (let i = 0; i < key.length; i++) metadata[i] = (key[i]! & mask[i]!) >>> 0;
  const r = mgr.sw.resume({ packet: m.data, metadata, continuation: cont });
  return r.ok ? null : r.error.code;
}
