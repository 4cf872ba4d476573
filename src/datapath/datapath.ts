/*
 * The datapath: the receive path of the seed document, in one place.
 *
 *   netdev -> Vport.receive (rx stats) -> extract() -> megaflow lookup
 *     hit  -> n_hit, flow stats (packets, bytes, used, tcp_flags) -> executeActions()
 *     miss -> n_missed, MISS upcall with key + packet copy (queue full -> n_lost)
 *
 * It never decides anything itself: it caches ofproto's decisions (megaflows) and asks
 * userspace about everything else. Everything outside reaches it through the Dpif methods.
 */
import { extract } from '../flow/extract.js';
import { hashWords } from '../flow/hash.js';
import { DP_KEY_WORDS, W_TCP_FLAGS, newFlowKey } from '../flow/layout.js';
import { Packet, PacketPool } from '../packet/packet.js';
import type { Netdev, PacketBatch } from '../netdev/netdev.js';
import { systemClock, type Clock } from '../util/clock.js';
import { coverageCounter } from '../util/coverage.js';
import type { DpAction, UserspaceAction } from './actions.js';
import {
  DpifError,
  FlowPutFlags,
  UpcallType,
  type Dpif,
  type DpFlow,
  type DpFlowTerse,
  type DpFlowStats,
  type DpPortInfo,
  type DpStats,
  type FlowPutRequest,
  type Upcall,
} from './dpif.js';
import { DpMeterTable, type DpMeterConfig, type DpMeterStats } from './dp-meters.js';
import { executeActions, type ExecHooks } from './execute.js';
import { MegaflowTable } from './megaflow-table.js';
import { UpcallQueue } from './upcall-queue.js';
import { validateActions, type ValidateOptions } from './validate-actions.js';
import { Vport } from './vport.js';

export interface DatapathOptions {
  clock?: Clock;
  /** Upcalls that may wait for a handler before new ones are lost (default 4096). */
  upcallQueueSize?: number;
  /** Megaflow limit (default 200000, OVS's default flow-limit). */
  flowLimit?: number;
  /** Exact-match cache entries (0 disables it; default the table's default). */
  emcEntries?: number;
  /** uint32 random source for `sample` (tests make it deterministic). */
  random?: () => number;
}

/** Highest datapath port number (OVS's datapath ports are 32-bit, tsovs keeps them below 65280 like OpenFlow). */
export const DP_MAX_PORTS = 65280;
/** Recirculations one packet may go through before it is dropped (OVS MAX_RECIRC_DEPTH). */
export const MAX_RECIRC_DEPTH = 6;

/** Options for validating flow-put actions (one object, not one per put). */
const VALIDATE_OPTS: ValidateOptions = { maxPort: DP_MAX_PORTS - 1 };

// OVS counts these in lib/dpif.c (the interface every datapath sits behind), lib/netdev.c
// (per receive batch and per send) and dpif-netdev.c (packets lost to a full upcall queue).
const COV_PORT_ADD = coverageCounter('dpif_port_add');
const COV_PORT_DEL = coverageCounter('dpif_port_del');
const COV_FLOW_FLUSH = coverageCounter('dpif_flow_flush');
const COV_FLOW_GET = coverageCounter('dpif_flow_get');
const COV_FLOW_PUT = coverageCounter('dpif_flow_put');
const COV_FLOW_DEL = coverageCounter('dpif_flow_del');
const COV_EXECUTE = coverageCounter('dpif_execute');
const COV_DROP_UPCALL = coverageCounter('datapath_drop_upcall_error');
const COV_RECEIVED = coverageCounter('netdev_received');
const COV_SENT = coverageCounter('netdev_sent');

const defaultRandom = (): number => (Math.random() * 0x100000000) >>> 0;

export class Datapath implements Dpif {
  readonly clock: Clock;
  private readonly vports: (Vport | undefined)[] = [];
  private readonly table: MegaflowTable<readonly DpAction[]>;
  private readonly ufids = new Map<string, number>();
  private readonly ufidOf: (string | undefined)[] = [];
  private readonly upcalls: UpcallQueue;
  private notify: (() => void) | null = null;
  flowLimit: number;

  private nHit = 0;
  private nMissed = 0;
  private nLost = 0;

  // Scratch state reused for every packet.
  private readonly key = newFlowKey();
  /** The current batch's time, kept in a typed array so it is never boxed on the heap. */
  private readonly batchTime = new Float64Array(1);
  private readonly execKey = newFlowKey();
  private readonly kmKey = newFlowKey();
  private readonly kmMask = newFlowKey();
  private readonly pool = new PacketPool();
  private readonly hooks: ExecHooks;
  private readonly meters = new DpMeterTable();
  private readonly recircPackets: Packet[] = [];
  private readonly recircDepth: number[] = [];
  private curDepth = 0;

  constructor(
    readonly name: string,
    readonly type: string = 'dummy',
    opts: DatapathOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.upcalls = new UpcallQueue(opts.upcallQueueSize ?? 4096);
    this.flowLimit = opts.flowLimit ?? 200000;
    this.table = new MegaflowTable<readonly DpAction[]>(
      opts.emcEntries === undefined ? {} : { emcEntries: opts.emcEntries },
    );
    const random = opts.random ?? defaultRandom;
    this.hooks = {
      output: (packet, port) => this.output(packet, port),
      userspace: (packet, action) => this.actionUpcall(packet, action),
      recirculate: (packet, recircId) => this.queueRecirc(packet, recircId),
      random,
      getScratch: () => this.pool.alloc(),
      releaseScratch: (p) => this.pool.release(p),
      meter: (meterId, packet) => this.meters.apply(meterId, packet.len, this.batchTime[0]!),
    };
  }

  // --- stats ------------------------------------------------------------

  getStats(): DpStats {
    return {
      nHit: this.nHit,
      nMissed: this.nMissed,
      nLost: this.nLost,
      nFlows: this.table.size,
      nMasks: this.table.maskCount,
      nMaskHit: this.table.nMaskHit,
      nCacheHit: this.table.nCacheHit,
    };
  }

  // --- ports ------------------------------------------------------------

  portAdd(netdev: Netdev, portNo?: number): number {
    COV_PORT_ADD.count++;
    if (this.portQueryByName(netdev.name) !== undefined) {
      throw new DpifError('EEXIST', `${this.name}: port ${netdev.name} already exists`);
    }
    let no = portNo;
    if (no === undefined) {
      no = 1;
      while (this.vports[no] !== undefined) no++;
    }
    if (!Number.isInteger(no) || no < 0 || no >= DP_MAX_PORTS) {
      throw new DpifError('EINVAL', `${this.name}: invalid port number ${no}`);
    }
    if (this.vports[no] !== undefined) {
      throw new DpifError('EBUSY', `${this.name}: port number ${no} is in use by ${this.vports[no]!.netdev.name}`);
    }
    if (no >= DP_MAX_PORTS) throw new DpifError('ENOSPC', `${this.name}: no free port number`);
    const vport = new Vport(no, netdev, no);
    this.vports[no] = vport;
    netdev.setReceiveHandler((batch) => this.receive(vport, batch));
    return no;
  }

  portDel(portNo: number): void {
    COV_PORT_DEL.count++;
    const v = this.vports[portNo];
    if (v === undefined) throw new DpifError('ENOENT', `${this.name}: no port ${portNo}`);
    v.netdev.setReceiveHandler(null);
    this.vports[portNo] = undefined;
  }

  portQuery(portNo: number): DpPortInfo | undefined {
    return this.vports[portNo]?.info();
  }

  portQueryByName(name: string): DpPortInfo | undefined {
    for (const v of this.vports) if (v !== undefined && v.netdev.name === name) return v.info();
    return undefined;
  }

  portDump(): DpPortInfo[] {
    const out: DpPortInfo[] = [];
    for (const v of this.vports) if (v !== undefined) out.push(v.info());
    return out;
  }

  /** The netdev behind a port (for tools such as netdev-dummy/receive). */
  portNetdev(portNo: number): Netdev | undefined {
    return this.vports[portNo]?.netdev;
  }

  // --- the receive path -------------------------------------------------

  /** A batch arrived on a vport (the netdev's receive handler). */
  private receive(vport: Vport, batch: PacketBatch): void {
    COV_RECEIVED.count++;
    this.batchTime[0] = this.clock.now();
    const pid = vport.upcallPid;
    const portNo = vport.portNo;
    for (let i = 0; i < batch.count; i++) {
      const p = batch.packets[i]!;
      vport.rxPackets++;
      vport.rxBytes += p.len;
      p.inPort = portNo;
      this.curDepth = 0;
      this.process(p, pid);
    }
    if (this.recircPackets.length > 0) this.runRecirculations();
  }

  /** ovs_dp_process_packet: extract, look up, execute or upcall. */
  private process(p: Packet, pid: number): void {
    const key = this.key;
    extract(p, key);
    const t = this.table;
    const id = t.lookup(key);
    if (id < 0) {
      this.nMissed++;
      if (this.upcalls.isFull()) {
        this.nLost++;
        COV_DROP_UPCALL.count++;
        return;
      }
      this.queueUpcall(UpcallType.MISS, p, key, null, pid);
      return;
    }
    this.nHit++;
    t.packets[id]! += 1;
    t.bytes[id]! += p.len;
    t.used[id] = this.batchTime[0]!;
    t.tcpFlags[id]! |= key[W_TCP_FLAGS]!;
    executeActions(this.hooks, p, key, t.actionsOf(id));
  }

  private queueUpcall(type: UpcallType, p: Packet, key: Uint32Array, userdata: Uint8Array | null, pid: number): void {
    const wasEmpty = this.upcalls.length === 0;
    this.upcalls.push(type, p, key, userdata, pid);
    if (wasEmpty && this.notify !== null) this.notify();
  }

  private output(packet: Packet, port: number): void {
    const v = this.vports[port];
    if (v === undefined) return;
    COV_SENT.count++;
    if (v.netdev.send(packet)) {
      v.txPackets++;
      v.txBytes += packet.len;
    } else {
      v.txDropped++;
    }
  }

  private actionUpcall(packet: Packet, action: UserspaceAction): void {
    if (this.upcalls.isFull()) {
      this.nLost++;
      COV_DROP_UPCALL.count++;
      return;
    }
    // The key the executor works from may be stale after set actions: extract afresh.
    extract(packet, this.execKey);
    this.queueUpcall(UpcallType.ACTION, packet, this.execKey, action.userdata, action.pid);
  }

  private queueRecirc(packet: Packet, recircId: number): void {
    if (this.curDepth >= MAX_RECIRC_DEPTH) return; // dropped, as OVS does past its depth limit
    const copy = this.pool.alloc();
    if (!packet.copyTo(copy)) {
      this.pool.release(copy);
      return;
    }
    copy.recircId = recircId;
    this.recircPackets.push(copy);
    this.recircDepth.push(this.curDepth + 1);
  }

  private runRecirculations(): void {
    // Packets recirculated while recirculating are appended and handled in the same loop.
    for (let i = 0; i < this.recircPackets.length; i++) {
      const p = this.recircPackets[i]!;
      this.curDepth = this.recircDepth[i]!;
      const v = this.vports[p.inPort];
      this.process(p, v === undefined ? 0 : v.upcallPid);
    }
    for (const p of this.recircPackets) this.pool.release(p);
    this.recircPackets.length = 0;
    this.recircDepth.length = 0;
  }

  // --- flows ------------------------------------------------------------

  flowPut(req: FlowPutRequest): void {
    COV_FLOW_PUT.count++;
    this.checkKeyMask(req.key, req.mask);
    const key = this.kmKey;
    const mask = this.kmMask;
    const err = validateActions(req.actions, key, mask, VALIDATE_OPTS);
    if (err !== null) throw new DpifError('EINVAL', err);
    const create = (req.flags & FlowPutFlags.CREATE) !== 0;
    const modify = (req.flags & FlowPutFlags.MODIFY) !== 0;
    if (!create && !modify) throw new DpifError('EINVAL', 'flow put: neither create nor modify requested');
    const t = this.table;
    const sub = t.subtableFor(mask);
    const id = sub === null ? -1 : sub.lookup(key);
    if (id >= 0) {
      if (!modify) throw new DpifError('EEXIST', 'flow put: a flow with this key and mask already exists');
      t.setActions(id, req.actions);
      if ((req.flags & FlowPutFlags.ZERO_STATS) !== 0) this.zeroStats(id);
      return;
    }
    if (!create) throw new DpifError('ENOENT', 'flow put: no flow with this key and mask to modify');
    if (t.size >= this.flowLimit) {
      throw new DpifError('E2BIG', `flow put: flow limit ${this.flowLimit} reached`);
    }
    const ufid = req.ufid ?? ufidFor(key, mask);
    const nid = t.insert(key, mask, req.actions, sub);
    // One map operation: a set that does not grow the map found the ufid in use (rare: undo).
    const n0 = this.ufids.size;
    this.ufids.set(ufid, nid);
    if (this.ufids.size === n0) {
      this.ufids.set(ufid, this.ufidOf.indexOf(ufid));
      t.remove(nid);
      throw new DpifError('EEXIST', `flow put: ufid ${ufid} is in use`);
    }
    this.zeroStats(nid);
    this.ufidOf[nid] = ufid;
  }

  flowGet(key: Uint32Array, mask: Uint32Array): DpFlow | undefined {
    COV_FLOW_GET.count++;
    this.checkKeyMask(key, mask);
    const id = this.table.find(this.kmKey, this.kmMask);
    return id < 0 ? undefined : this.flowAt(id);
  }

  flowGetByUfid(ufid: string): DpFlow | undefined {
    COV_FLOW_GET.count++;
    const id = this.ufids.get(ufid);
    return id === undefined ? undefined : this.flowAt(id);
  }

  flowDel(key: Uint32Array, mask: Uint32Array): DpFlowStats {
    COV_FLOW_DEL.count++;
    this.checkKeyMask(key, mask);
    const id = this.table.find(this.kmKey, this.kmMask);
    if (id < 0) throw new DpifError('ENOENT', 'flow del: no such flow');
    return this.removeFlow(id);
  }

  flowDelByUfid(ufid: string): DpFlowStats {
    COV_FLOW_DEL.count++;
    const id = this.ufids.get(ufid);
    if (id === undefined) throw new DpifError('ENOENT', `flow del: no flow with ufid ${ufid}`);
    return this.removeFlow(id);
  }

  flowDump(): DpFlow[] {
    return this.table.ids().map((id) => this.flowAt(id));
  }

  flowDumpTerse(): DpFlowTerse[] {
    const t = this.table;
    const out: DpFlowTerse[] = [];
    for (const id of t.ids()) {
      const ufid = this.ufidOf[id] ?? ufidFor(t.keyOf(id), t.maskOf(id));
      out.push({ ufid, packets: t.packets[id]!, bytes: t.bytes[id]!, used: t.used[id]!, tcpFlags: t.tcpFlags[id]! });
    }
    return out;
  }

  flowClearStats(ufid: string): DpFlowStats {
    const id = this.ufids.get(ufid);
    if (id === undefined) throw new DpifError('ENOENT', `no flow with ufid ${ufid}`);
    const old = this.statsAt(id);
    this.zeroStats(id);
    return old;
  }

  flowFlush(): void {
    COV_FLOW_FLUSH.count++;
    this.table.clear();
    this.ufids.clear();
    this.ufidOf.length = 0;
  }

  // --- execute and upcalls ------------------------------------------------

  execute(packet: Packet, actions: readonly DpAction[]): void {
    COV_EXECUTE.count++;
    const key = this.execKey;
    extract(packet, key);
    this.curDepth = 0;
    // Meters read the batch time; an executed packet is a batch of its own.
    this.batchTime[0] = this.clock.now();
    executeActions(this.hooks, packet, key, actions);
    if (this.recircPackets.length > 0) {
      this.batchTime[0] = this.clock.now();
      this.runRecirculations();
    }
  }

  // --- meters -------------------------------------------------------------

  meterSet(meterId: number, config: DpMeterConfig): void {
    const err = this.meters.set(meterId, config, this.clock.now());
    if (err !== null) throw new DpifError(err, `${this.name}: cannot set meter ${meterId}`);
  }

  meterDel(meterId: number): DpMeterStats | undefined {
    const st = this.meters.stats(meterId);
    this.meters.del(meterId);
    return st;
  }

  meterStats(meterId: number): DpMeterStats | undefined {
    return this.meters.stats(meterId);
  }

  recvUpcalls(out: Upcall[], max: number): number {
    return this.upcalls.drain(out, max);
  }

  setUpcallNotify(cb: (() => void) | null): void {
    this.notify = cb;
  }

  /** Pending upcalls (for tools and tests). */
  get upcallBacklog(): number {
    return this.upcalls.length;
  }

  // --- helpers ----------------------------------------------------------

  /** Validates key and mask and leaves the masked key and the mask in kmKey/kmMask. */
  private checkKeyMask(key: Uint32Array, mask: Uint32Array): void {
    if (key.length < DP_KEY_WORDS || mask.length < DP_KEY_WORDS) {
      throw new DpifError('EINVAL', `flow key and mask need ${DP_KEY_WORDS} words`);
    }
    for (let i = DP_KEY_WORDS; i < mask.length; i++) {
      if (mask[i] !== 0) throw new DpifError('EINVAL', 'flow mask covers OpenFlow-only fields the datapath does not have');
    }
    // Scratch arrays: the table copies what it keeps, and callers return copies of flows.
    const k = this.kmKey;
    const m = this.kmMask;
    for (let i = 0; i < DP_KEY_WORDS; i++) {
      m[i] = mask[i]!;
      k[i] = key[i]! & mask[i]!;
    }
  }

  private removeFlow(id: number): DpFlowStats {
    const stats = this.statsAt(id);
    const ufid = this.ufidOf[id];
    if (ufid !== undefined) this.ufids.delete(ufid);
    this.ufidOf[id] = undefined;
    this.table.remove(id);
    return stats;
  }

  private zeroStats(id: number): void {
    const t = this.table;
    t.packets[id] = 0;
    t.bytes[id] = 0;
    t.used[id] = 0;
    t.tcpFlags[id] = 0;
  }

  private statsAt(id: number): DpFlowStats {
    const t = this.table;
    return { packets: t.packets[id]!, bytes: t.bytes[id]!, used: t.used[id]!, tcpFlags: t.tcpFlags[id]! };
  }

  private flowAt(id: number): DpFlow {
    return {
      key: this.table.keyOf(id),
      mask: this.table.maskOf(id),
      actions: this.table.actionsOf(id),
      stats: this.statsAt(id),
      ufid: this.ufidOf[id] ?? ufidFor(this.table.keyOf(id), this.table.maskOf(id)),
    };
  }
}

/** A stable 128-bit flow id derived from the masked key and mask, as 32 hex digits. */
export function ufidFor(key: Uint32Array, mask: Uint32Array): string {
  let s = '';
  for (let i = 0; i < 4; i++) {
    const h = (hashWords(key, 0, DP_KEY_WORDS, 0x9e3779b9 + i) ^ hashWords(mask, 0, DP_KEY_WORDS, i * 0x85ebca6b)) >>> 0;
    s += h.toString(16).padStart(8, '0');
  }
  return s;
}

/** Format a ufid as OVS prints it: 8-4-4-4-12 hex digits. */
export function formatUfid(ufid: string): string {
  return `${ufid.slice(0, 8)}-${ufid.slice(8, 12)}-${ufid.slice(12, 16)}-${ufid.slice(16, 20)}-${ufid.slice(20, 32)}`;
}
