/*
 * One OpenFlow connection of a bridge (OVS struct ofconn): its rconn, type (primary
 * controller or service connection), role, protocol state (negotiated version, NXM flow
 * format, flow_mod_table_id), packet-in format, miss_send_len, controller id, asynchronous
 * configuration, packet buffers, packet-in rate limiting, bundles and flow monitors.
 */
import type { Clock } from '../../util/clock.js';
import { encodeMessages, OFPCR12_ROLE_EQUAL, OFPCR12_ROLE_SLAVE, type OfMessage } from '../codec/index.js';
import { asyncCfgDefault, asyncCfgInit, type AsyncCfg } from './async-config.js';
import type { Bundle } from './bundles.js';
import type { FlowMonitor } from './flow-monitor.js';
import { encodeErrorReply } from './of-wire.js';
import { Pinsched } from './pinsched.js';
import { Pktbuf } from './pktbuf.js';
import type { Rconn } from './rconn.js';
import type { ConnLog } from './vconn.js';

export type OfconnType = 'primary' | 'service';

/** OVS OFP_DEFAULT_MISS_SEND_LEN. */
export const DEFAULT_MISS_SEND_LEN = 128;
/** Packet-in bytes queued on a connection before further packet-ins are dropped (OVS: 100 messages). */
export const DEFAULT_PKTQ_BYTES = 100 * 2048;

export interface OfconnSettings {
  readonly type: OfconnType;
  /** Asynchronous messages unless the controller asks otherwise (OVS enable_async_msgs). */
  readonly enableAsyncMsgs: boolean;
  /** Packet-in rate limit (packets/s; 0 = unlimited) and burst. */
  readonly rateLimit: number;
  readonly burstLimit: number;
  /** Bytes of packet-ins allowed in the transmit queue. */
  readonly maxPktqBytes: number;
}

export class OfConn {
  role = OFPCR12_ROLE_EQUAL;
  /** OpenFlow 1.0 flow format: NXM (after NXT_SET_FLOW_FORMAT) instead of ofp10_match. */
  nxm = false;
  /** NXT_FLOW_MOD_TABLE_ID: OF1.0 flow-mods carry a table id. */
  tid = false;
  /** NXPIF_* (0 standard, 1 NXT_PACKET_IN, 2 NXT_PACKET_IN2). */
  packetInFormat = 0;
  missSendLen: number;
  controllerId = 0;
  /** Set by set-async; null = the version's default. */
  asyncCfg: AsyncCfg | null = null;
  readonly pktbuf: Pktbuf;
  /** Rate limiters for action packet-ins [0] and table-miss packet-ins [1] (OVS schedulers). */
  schedulers: [Pinsched<Uint8Array> | null, Pinsched<Uint8Array> | null] = [null, null];
  readonly bundles = new Map<number, Bundle>();
  readonly monitors = new Map<number, FlowMonitor>();
  /** Counted into the connmgr's "some controller wants table misses" (OVS want_packet_in_on_miss). */
  wantPacketInOnMiss = false;
  /** Packet-ins dropped because the transmit queue was full. */
  nPacketInsDropped = 0;
  private readonly txq: Uint8Array[] = [];

  constructor(
    readonly rconn: Rconn,
    public settings: OfconnSettings,
    /** Target of the service that made this connection (e.g. "punix:/run/br0.mgmt"). */
    readonly serviceTarget: string,
    private readonly clock: Clock,
    readonly log: ConnLog,
  ) {
    this.missSendLen = settings.type === 'primary' ? DEFAULT_MISS_SEND_LEN : 0;
    this.pktbuf = new Pktbuf(clock);
    this.setRateLimit(settings.rateLimit, settings.burstLimit);
  }

  get type(): OfconnType {
    return this.settings.type;
  }

  get name(): string {
    return this.rconn.name;
  }

  /** Negotiated version (0 before negotiation). */
  get version(): number {
    return this.rconn.isConnected ? this.rconn.version : 0;
  }

  get isConnected(): boolean {
    return this.rconn.isConnected;
  }

  setRateLimit(rate: number, burst: number): void {
    for (let i = 0; i < 2; i++) {
      if (rate > 0) {
        const s = this.schedulers[i];
        if (s) s.setLimits(rate, burst);
        else this.schedulers[i] = new Pinsched<Uint8Array>(rate, burst, this.clock);
      } else {
        this.schedulers[i] = null;
      }
    }
  }

  /** Encodes and sends a message (multipart replies split as needed); false when the connection is down. */
  send(msg: OfMessage): boolean {
    const v = this.version;
    if (v === 0) return false;
    let parts: Uint8Array[];
    try {
      parts = encodeMessages(msg, v, { flowModTableId: this.tid });
    } catch (e) {
      this.log.warn(`${this.name}: cannot encode message type ${msg.type}: ${(e as Error).message}`);
      return false;
    }
    let ok = true;
    for (const p of parts) ok = this.rconn.send(p) && ok;
    return ok;
  }

  sendBytes(b: Uint8Array): boolean {
    return this.rconn.send(b);
  }

  /** Error reply to `request` (OVS ofconn_send_error). */
  sendError(error: string, request: Uint8Array): void {
    this.log.info(`${this.name}: sending ${error} error reply to message`);
    this.rconn.send(encodeErrorReply(error, request));
  }

  /** The asynchronous configuration in force (OVS ofconn_get_async_config). */
  asyncConfig(): AsyncCfg {
    if (this.asyncCfg) return this.asyncCfg;
    const v = this.version;
    return v === 0 || !this.settings.enableAsyncMsgs ? asyncCfgInit() : asyncCfgDefault(v);
  }

  /** OVS ofconn_receives_async_msg. */
  receivesAsync(oam: number, reason: number): boolean {
    if (!this.isConnected || reason < 0 || reason >= 32) return false;
    if (this.type === 'service' && !this.missSendLen) return false;
    const ac = this.asyncConfig();
    const masks = this.role === OFPCR12_ROLE_SLAVE ? ac.secondary : ac.primary;
    return ((masks[oam]! >>> reason) & 1) === 1;
  }

  /**
   * Queues an encoded packet-in through the rate limiter of its kind; sends what may go now
   * (OVS pinsched_send + do_send_packet_ins). Packet-ins beyond the transmit queue limit are
   * dropped.
   */
  sendPacketIn(encoded: Uint8Array, inPort: number, isMiss: boolean): void {
    const s = this.schedulers[isMiss ? 1 : 0];
    if (s === null) {
      this.txPacketIn(encoded);
      return;
    }
    const out = this.txq;
    out.length = 0;
    s.send(inPort, encoded, out);
    for (const p of out) this.txPacketIn(p);
    out.length = 0;
  }

  /** Drains rate-limited packet-ins that may go now; returns ms until more may, or -1 when none wait. */
  runSchedulers(): number {
    let wait = -1;
    const out = this.txq;
    for (const s of this.schedulers) {
      if (s === null) continue;
      out.length = 0;
      s.run(out);
      for (const p of out) this.txPacketIn(p);
      out.length = 0;
      if (s.stats.nQueued > 0) {
        const w = Math.max(1, s.msUntilToken());
        wait = wait < 0 ? w : Math.min(wait, w);
      }
    }
    return wait;
  }

  private txPacketIn(p: Uint8Array): void {
    if (this.rconn.txBacklog > this.settings.maxPktqBytes) {
      this.nPacketInsDropped++;
      return;
    }
    this.rconn.send(p);
  }
}
