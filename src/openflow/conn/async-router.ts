/*
 * Asynchronous messages of one bridge (OVS connmgr_send_async_msg, connmgr_send_flow_removed,
 * connmgr_send_port_status, connmgr_send_requestforward, ofmonitor_report/flush): bridge
 * events become packet-in (buffered and rate limited per connection), flow-removed,
 * port-status and flow monitor updates, each sent to the connections whose role, controller
 * id and asynchronous configuration want it. While a bundle commits, messages are held and
 * dropped if it fails.
 */
import type { OfpAction } from '../../ofproto/ofp-actions.js';
import type { FlowRemovedEvent, PacketInEvent, PortStatusEvent, RuleChangeEvent } from '../../ofproto/ofproto-events.js';
import { OFPPR_MODIFY } from '../../ofproto/ofproto-events.js';
import { encodeMessage, OfType, type FlowUpdate, type OfMessage, type PortDesc } from '../codec/index.js';
import { encodeContinuation } from '../codec/continuation.js';
import type { SwitchApi } from '../switch-api.js';
import { OAM_FLOW_REMOVED, OAM_PACKET_IN, OAM_PORT_STATUS, OAM_REQUESTFORWARD, OFPR_EXPLICIT_MISS, OFPR_IMPLICIT_MISS, OFPR_NO_MATCH } from './async-config.js';
import { flowRemovedMsg, packetInMsg, PACKET_IN_FORMATS } from './convert.js';
import {
  abbrevUpdate,
  fullUpdate,
  monitorWants,
  NXFMF_ACTIONS,
  NXFMF_ADD,
  NXFMF_DELETE,
  NXFMF_MODIFY,
  NXFMF_OWN,
  NXFME_ADDED,
  NXFME_DELETED,
  NXFME_MODIFIED,
} from './flow-monitor.js';
import type { OfConn } from './ofconn.js';
import { NO_BUFFER } from './pktbuf.js';
import type { ConnLog } from './vconn.js';

/** A flow-mod in progress, so monitors can tell a connection about its own changes by xid. */
export interface Requester {
  readonly ofconn: OfConn;
  readonly xid: number;
}

/** What the router needs from the connection manager. */
export interface AsyncHost {
  readonly sw: SwitchApi;
  readonly log: ConnLog;
  readonly liveConns: ReadonlySet<OfConn>;
  readonly failOpenActive: boolean;
  /** The request being handled, if any. */
  readonly requester: Requester | null;
  /** The port-mod being handled: no port-status back to its sender before OpenFlow 1.5. */
  readonly portModSource: OfConn | null;
  /** Sends rate-limited packet-ins that may go now and arms the timer for the rest. */
  runSchedulers(): void;
}

export class AsyncRouter {
  /** While a bundle commits, asynchronous messages wait here. */
  private deferred: Array<() => void> | null = null;
  private readonly portCache = new Map<number, PortDesc>();
  /** Monitor updates collected during one request, flushed after it. */
  private readonly pendingUpdates = new Map<OfConn, { updates: FlowUpdate[]; abbrev: boolean }>();

  constructor(private readonly host: AsyncHost) {
    for (const p of host.sw.portDescs()) this.portCache.set(p.portNo, p);
  }

  /** Runs `fn` now, or after the bundle being committed succeeds. */
  defer(fn: () => void): void {
    if (this.deferred !== null) this.deferred.push(fn);
    else fn();
  }

  /** Starts holding asynchronous messages (bundle commit). */
  beginDefer(): void {
    this.deferred = [];
  }

  /** Stops holding: sends what was held (`commit`) or drops it. */
  endDefer(commit: boolean): void {
    const held = this.deferred ?? [];
    this.deferred = null;
    if (commit) for (const fn of held) fn();
  }

  onPacketIn(ev: PacketInEvent): void {
    if (ev.bridge !== this.host.sw.name) return;
    const isMiss = ev.reason === OFPR_NO_MATCH || ev.reason === OFPR_EXPLICIT_MISS || ev.reason === OFPR_IMPLICIT_MISS;
    for (const c of this.host.liveConns) {
      const v = c.version;
      if (v === 0 || c.controllerId !== ev.controllerId || !c.receivesAsync(OAM_PACKET_IN, ev.reason)) continue;
      // Table misses without a table-miss flow use the connection's miss_send_len.
      let maxLen = ev.maxLen;
      if ((ev.reason === OFPR_NO_MATCH || ev.reason === OFPR_IMPLICIT_MISS) && maxLen === 0xffff) maxLen = c.missSendLen;
      const full = ev.packet.length === ev.totalLen;
      let bufferId = NO_BUFFER;
      let data = ev.packet;
      if (maxLen !== 0xffff && full) {
        bufferId = this.host.failOpenActive ? c.pktbuf.nullId() : c.pktbuf.save(ev.packet, ev.inPort);
        if (bufferId !== NO_BUFFER && maxLen < data.length) data = data.subarray(0, maxLen);
      }
      const fmt = PACKET_IN_FORMATS[c.packetInFormat] ?? 'standard';
      let encoded: Uint8Array;
      try {
        const msg = packetInMsg(ev, v, fmt, bufferId, data);
        // Only NXT_PACKET_IN2 can carry a paused pipeline's continuation (in the connection's version).
        const cont = fmt === 'nxt2' && ev.continuationData ? encodeContinuation(ev.continuationData, v) : null;
        encoded = encodeMessage(cont ? { ...msg, continuation: cont } : msg, v);
      } catch (e) {
        this.host.log.warn(`${c.name}: cannot encode packet-in: ${(e as Error).message}`);
        continue;
      }
      c.sendPacketIn(encoded, ev.inPort, isMiss);
    }
    this.host.runSchedulers();
  }

  onFlowRemoved(ev: FlowRemovedEvent): void {
    if (ev.bridge !== this.host.sw.name) return;
    for (const c of this.host.liveConns) {
      if (!c.receivesAsync(OAM_FLOW_REMOVED, ev.reason)) continue;
      c.send(flowRemovedMsg(ev, c.version === 1 && c.nxm));
    }
  }

  onPortStatus(ev: PortStatusEvent): void {
    if (ev.bridge !== this.host.sw.name) return;
    const old = this.portCache.get(ev.ofPort);
    const desc = this.host.sw.portDesc(ev.ofPort) ?? old;
    if (desc === undefined) return;
    if (this.host.sw.portDesc(ev.ofPort)) this.portCache.set(ev.ofPort, desc);
    else this.portCache.delete(ev.ofPort);
    this.defer(() => this.sendPortStatus(ev.reason, desc, old));
  }

  /** OVS connmgr_send_port_status. */
  private sendPortStatus(reason: number, desc: PortDesc, old: PortDesc | undefined): void {
    for (const c of this.host.liveConns) {
      if (!c.receivesAsync(OAM_PORT_STATUS, reason)) continue;
      if (c === this.host.portModSource && c.version < 6) continue;
      const msg: OfMessage = { type: OfType.PORT_STATUS, xid: 0, reason, desc };
      if (reason === OFPPR_MODIFY && old !== undefined) {
        try {
          const a = encodeMessage(msg, c.version);
          const b = encodeMessage({ ...msg, desc: old }, c.version);
          if (a.length === b.length && a.every((x, i) => x === b[i])) continue;
        } catch {
          // send it anyway
        }
      }
      c.send(msg);
    }
  }

  /** OVS connmgr_send_requestforward: a group-mod / meter-mod forwarded to the other controllers. */
  sendRequestForward(source: OfConn, request: Uint8Array, reason: number): void {
    for (const c of this.host.liveConns) {
      if (c === source) continue;
      if (reason === 1 && c.version < 4) continue;
      if (!c.receivesAsync(OAM_REQUESTFORWARD, reason)) continue;
      c.send({ type: OfType.REQUESTFORWARD, xid: 0, request });
    }
  }

  onRuleChange(ev: RuleChangeEvent): void {
    if (ev.bridge !== this.host.sw.name || ev.rule.priority > 0xffff) return;
    const kind = ev.event === 'added' ? NXFMF_ADD : ev.event === 'removed' ? NXFMF_DELETE : NXFMF_MODIFY;
    const event = ev.event === 'added' ? NXFME_ADDED : ev.event === 'removed' ? NXFME_DELETED : NXFME_MODIFIED;
    let actions: ReturnType<typeof this.ruleActions> | undefined;
    for (const c of this.host.liveConns) {
      if (c.monitors.size === 0) continue;
      actions ??= this.ruleActions(ev);
      let flags = 0;
      for (const m of c.monitors.values()) if (monitorWants(m, kind, ev.rule, actions)) flags |= m.flags;
      if (!flags) continue;
      let p = this.pendingUpdates.get(c);
      if (!p) {
        p = { updates: [], abbrev: false };
        this.pendingUpdates.set(c, p);
      }
      const req = this.host.requester;
      if (flags & NXFMF_OWN || req === null || req.ofconn !== c) {
        p.updates.push(fullUpdate(event, ev.rule, ev.reason, actions, (flags & NXFMF_ACTIONS) !== 0));
      } else if (!p.abbrev) {
        p.updates.push(abbrevUpdate(req.xid));
        p.abbrev = true;
      }
    }
    if (this.host.requester === null) this.flushMonitorUpdates();
  }

  /** The actions of the rule an event is about (looked up while it is still in its table). */
  private ruleActions(ev: RuleChangeEvent): OfpAction[] | null {
    const withActs = ev.rule as { actions?: OfpAction[] };
    if (withActs.actions) return withActs.actions;
    if (ev.event === 'removed') return null;
    const r = this.host.sw.flows({
      tableId: ev.rule.tableId,
      key: ev.rule.key,
      mask: ev.rule.mask,
      priority: ev.rule.priority,
      cookie: 0n,
      cookieMask: 0n,
      outPort: 0xffff,
      outGroup: 0xffffffff,
    });
    if (!r.ok) return null;
    const hit = r.value.find((x) => x.priority === ev.rule.priority && x.key === ev.rule.key);
    return hit ? [...hit.actions] : null;
  }

  /** Sends the monitor updates collected so far (OVS ofmonitor_flush). */
  flushMonitorUpdates(): void {
    if (this.pendingUpdates.size === 0) return;
    for (const [c, p] of this.pendingUpdates) {
      if (p.updates.length > 0) c.send({ type: OfType.FLOW_MONITOR_STATS_REPLY, xid: 0, flags: 0, updates: p.updates });
    }
    this.pendingUpdates.clear();
  }
}
