/*
 * Bundle requests (OVS handle_bundle_control / handle_bundle_add / do_bundle_commit): open,
 * add, close, discard, and the atomic commit: every entry is applied; if one fails, its
 * error goes back referring to the bundle-add that carried it, all changes are rolled back,
 * the asynchronous messages they caused are dropped, and the commit fails with
 * OFPBFC_MSG_FAILED. Packet-outs run only after the commit succeeded.
 */
import {
  decodeMessage,
  isDecodeError,
  OfType,
  OFPBCT_CLOSE_REQUEST,
  OFPBCT_COMMIT_REQUEST,
  OFPBCT_DISCARD_REQUEST,
  OFPBCT_OPEN_REQUEST,
  OFPBF_ATOMIC,
  type BundleAddMsg,
  type BundleControlMsg,
} from '../codec/index.js';
import type { ConnMgr } from '../connmgr.js';
import type { PacketOutRequest } from '../switch-api.js';
import { bundleAdd, bundleClose, bundleDiscard, bundleOpen, type Bundle } from './bundles.js';
import { groupModFromMsg, meterModFromMsg } from './convert.js';
import type { OfConn } from './ofconn.js';
import { packetOutRequest, portMod, switchFlowMod, type Err } from './ofp-mods.js';

const BUNDLABLE = new Set<number>([OfType.FLOW_MOD, OfType.GROUP_MOD, OfType.PORT_MOD, OfType.PACKET_OUT, OfType.METER_MOD]);

export function addToBundle(mgr: ConnMgr, c: OfConn, m: BundleAddMsg, raw: Uint8Array): Err {
  const inner = decodeMessage(m.message, { version: c.version, flowModTableId: c.tid });
  if (isDecodeError(inner)) return inner.error;
  if (!BUNDLABLE.has(inner.type)) return 'OFPBFC_MSG_UNSUP';
  if (inner.xid !== m.xid) return 'OFPBFC_MSG_BAD_XID';
  return bundleAdd(c.bundles, m.bundleId, m.flags, { raw, msg: inner }, mgr.clock.now());
}

export function bundleControl(mgr: ConnMgr, c: OfConn, m: BundleControlMsg, raw: Uint8Array): Err {
  const now = mgr.clock.now();
  let err: Err;
  switch (m.ctrlType) {
    case OFPBCT_OPEN_REQUEST:
      err = bundleOpen(c.bundles, m.bundleId, m.flags, raw, now);
      break;
    case OFPBCT_CLOSE_REQUEST:
      err = bundleClose(c.bundles, m.bundleId, m.flags, now);
      break;
    case OFPBCT_COMMIT_REQUEST: {
      const b = c.bundles.get(m.bundleId);
      if (!b) return 'OFPBFC_BAD_ID';
      err = b.flags !== m.flags ? 'OFPBFC_BAD_FLAGS' : commit(mgr, c, b);
      c.bundles.delete(m.bundleId);
      break;
    }
    case OFPBCT_DISCARD_REQUEST:
      err = bundleDiscard(c.bundles, m.bundleId);
      break;
    default:
      return 'OFPBFC_BAD_TYPE';
  }
  if (err !== null) return err;
  c.send({ type: OfType.BUNDLE_CONTROL, xid: m.xid, bundleId: m.bundleId, ctrlType: m.ctrlType + 1, flags: 0 });
  return null;
}

/**
 * OVS do_bundle_commit: applies every entry; if one fails, its error goes back referring to
 * the bundle-add that carried it, everything is rolled back, held asynchronous messages are
 * dropped and the commit fails with OFPBFC_MSG_FAILED. Packet-outs run only after success.
 */
function commit(mgr: ConnMgr, c: OfConn, b: Bundle): Err {
  const sw = mgr.sw;
  const cp = sw.checkpoint();
  const outs: PacketOutRequest[] = [];
  let failed: { raw: Uint8Array; error: string } | null = null;
  mgr.async.beginDefer();
  try {
    for (const e of b.entries) {
      const m = e.msg;
      let err: Err = null;
      mgr.requester = { ofconn: c, xid: m.xid };
      switch (m.type) {
        case OfType.FLOW_MOD: {
          const r = sw.flowMod(switchFlowMod(m));
          err = r.ok ? null : r.error.code;
          break;
        }
        case OfType.GROUP_MOD: {
          const gm = groupModFromMsg(m);
          const r = gm === null ? null : sw.groupMod(gm);
          err = r === null ? 'OFPGMFC_BAD_TYPE' : r.ok ? null : r.error.code;
          break;
        }
        case OfType.METER_MOD: {
          const r = sw.meterMod(meterModFromMsg(m));
          err = r.ok ? null : r.error.code;
          break;
        }
        case OfType.PORT_MOD:
          // Port mods are not atomic (OVS): refused in an atomic bundle.
          err = b.flags & OFPBF_ATOMIC ? 'OFPBFC_MSG_FAILED' : portMod(mgr, c, m);
          break;
        case OfType.PACKET_OUT: {
          const r = packetOutRequest(c, m);
          if (r.ok) outs.push(r.po);
          else err = r.error;
          break;
        }
        default:
          err = 'OFPBFC_MSG_UNSUP';
      }
      if (err !== null) {
        failed = { raw: e.raw, error: err };
        break;
      }
    }
  } finally {
    if (failed !== null) sw.rollback(cp);
    mgr.async.endDefer(failed === null);
    mgr.requester = null;
  }
  if (failed !== null) {
    c.sendError(failed.error, failed.raw);
    return 'OFPBFC_MSG_FAILED';
  }
  for (const po of outs) sw.packetOut(po);
  return null;
}
