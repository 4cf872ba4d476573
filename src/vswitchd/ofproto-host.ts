/*
 * The bridge host the daemon runs: reconciles ofproto's bridges and ports (src/ofproto/
 * ofproto.ts) with the configuration, as OVS's vswitchd/bridge.c does: bridges created and
 * deleted, bridge settings (fail_mode, other_config datapath-id, hwaddr, mac-aging-time,
 * mac-table-size, forward-bpdu), ports added, re-added when their type, options or
 * ofport_request change, VLAN settings updated in place, and the results (ofport,
 * mac_in_use, admin/link state, error, datapath_id) reported back.
 * Controllers are not connected here yet (the OpenFlow connection layer does that).
 */
import { Ofproto } from '../ofproto/ofproto.js';
import type { Bridge } from '../ofproto/bridge.js';
import { OFPP_LOCAL, type VlanMode } from '../ofproto/ofp-port.js';
import { OFPPR_ADD, OFPPR_MODIFY } from '../ofproto/ofproto-events.js';
import type { BridgePort } from '../ofproto/bridge-port.js';
import { formatMac, parseMac } from '../packet/addr.js';
import '../netdev/providers.js';
import { InternalNetdev } from '../netdev/internal.js';
import type { Netdev } from '../netdev/netdev.js';
import type { BridgeConfig, PortConfig, VswitchConfig } from './config-view.js';
import type { BridgeHost, BridgeHostFactory, DaemonServices, InterfaceStatus, StatusReport } from './bridge-host.js';
import type { VlogModule } from './vlog.js';
import { registerOfprotoCommands } from './ofproto-commands.js';
import { registerDpctlCommands } from './dpctl-commands.js';
import { ConnMgr, controllerFromConfig, managementController, unspokenProtocols, versionsFromProtocols } from '../openflow/connmgr.js';
import { BridgeSwitch } from '../openflow/bridge-switch.js';
import { TSOVS_VERSION } from './version.js';
import { setVlanLimit } from '../flow/extract.js';
import type { ControllerStatus } from './bridge-host.js';
import type { Clock } from '../util/clock.js';
import { coverageCounter } from '../util/coverage.js';
import { COVERAGE_RUN_INTERVAL, CoverageRates, registerCoverageCommands } from './coverage.js';

const COV_BRIDGE_RECONFIGURE = coverageCounter('bridge_reconfigure');
const COV_UPDATE_PORT = coverageCounter('ofproto_update_port');

/**
 * OVS --enable-dummy levels: `none` (the bare option, what OVS's own test suite runs with)
 * overrides nothing, `system` makes system devices dummies, `override` makes every type
 * except internal and patch a dummy. tsovs has dummy ports and datapaths at every level.
 */
export type DummyMode = 'none' | 'system' | 'override' | null;

/** The datapath types a bridge may have ("" is netdev in tsovs: see datapathType()). */
const DATAPATH_TYPES = ['netdev', 'system', 'dummy'];

export interface OfprotoHostOptions {
  dummy?: DummyMode;
  /** OVS --disable-system: no `system` datapath type. */
  disableSystem?: boolean;
  /** Time for aging, timeouts and coverage rates (default: the system clock). */
  clock?: Clock;
}

function datapathType(type: string): string {
  return type === '' ? 'netdev' : type;
}

function vlanMode(p: PortConfig, log: VlogModule): VlanMode | null {
  if (p.vlanMode === 'dot1q-tunnel') {
    log.warn(`port ${p.name}: vlan_mode dot1q-tunnel is not supported, using the default`);
    return null;
  }
  return p.vlanMode ?? null;
}

function portStatus(port: BridgePort): InterfaceStatus {
  return {
    ofport: port.ofPort,
    macInUse: formatMac(port.mac),
    adminState: port.adminDown ? 'down' : 'up',
    linkState: port.linkDown ? 'down' : 'up',
    error: null,
  };
}

export class OfprotoHost implements BridgeHost {
  readonly ofproto: Ofproto;
  /** coverage/show's rates, rolled every COVERAGE_RUN_INTERVAL. */
  readonly coverage: CoverageRates;
  private readonly keys = new Map<string, string>();
  private readonly log: VlogModule;
  private readonly ofprotoLog: VlogModule;
  private readonly dummy: DummyMode;
  private readonly datapathTypes: ReadonlySet<string>;
  private readonly changedPorts = new Set<string>();
  private reportScheduled = false;
  /** One OpenFlow connection manager per bridge: the BRIDGE.mgmt listener and its controllers. */
  private readonly mgrs = new Map<string, ConnMgr>();
  /** Each bridge's protocols column as last applied (to warn once per change). */
  private readonly protocolsSeen = new Map<string, string>();
  /** Controller rows by bridge, for reporting is_connected/role by uuid. */
  private controllerRows = new Map<string, BridgeConfig['controllers']>();
  private lastControllerReport = '';
  private readonly controllerTimer: NodeJS.Timeout;
  private readonly coverageTimer: NodeJS.Timeout;

  constructor(
    readonly services: DaemonServices,
    opts: OfprotoHostOptions = {},
  ) {
    this.dummy = opts.dummy ?? null;
    this.datapathTypes = new Set(DATAPATH_TYPES.filter((t) => !(opts.disableSystem && t === 'system')));
    this.log = services.vlog.module('bridge');
    this.ofprotoLog = services.vlog.module('ofproto');
    this.ofproto = new Ofproto(opts.clock ? { clock: opts.clock } : {});
    this.ofproto.start();
    registerOfprotoCommands(this.ofproto, services.commands);
    registerDpctlCommands(this.ofproto, services.commands);
    this.coverage = new CoverageRates(this.ofproto.clock);
    registerCoverageCommands(services.commands, this.coverage);
    this.coverageTimer = setInterval(() => this.coverage.run(), COVERAGE_RUN_INTERVAL);
    this.coverageTimer.unref();
    // Controller connections come and go on their own: report is_connected/role as they change.
    this.controllerTimer = setInterval(() => {
      const controllers = this.controllerStatus();
      const text = JSON.stringify(controllers);
      if (text === this.lastControllerReport) return;
      this.lastControllerReport = text;
      void this.services.reportStatus({ controllers });
    }, 1000);
    this.controllerTimer.unref();
  }

  async applyConfig(config: VswitchConfig): Promise<StatusReport> {
    COV_BRIDGE_RECONFIGURE.count++;
    this.applyVlanLimit(config.otherConfig['vlan-limit']);
    const report = this.applyBridges(config);
    for (const b of config.bridges) {
      const br = this.ofproto.bridge(b.name);
      if (br) await this.configureOpenflow(br, b);
    }
    this.controllerRows = new Map(config.bridges.map((b) => [b.name, b.controllers]));
    const controllers = this.controllerStatus();
    this.lastControllerReport = JSON.stringify(controllers);
    return { ...report, controllers };
  }

  /**
   * Open_vSwitch other_config:vlan-limit: how many VLAN headers flow extraction parses. OVS's
   * default is 1; 0 means as many as the implementation supports (2 here).
   */
  private applyVlanLimit(text: string | undefined): void {
    const n = text === undefined ? 1 : Number(text);
    if (!Number.isInteger(n) || n < 0) {
      this.log.warn(`other_config:vlan-limit=${text}: not a non-negative integer, using 1`);
      setVlanLimit(1);
      return;
    }
    setVlanLimit(n);
  }

  /** The bridge's connection manager: management socket, controllers, protocols, fail mode. */
  private async configureOpenflow(br: Bridge, b: BridgeConfig): Promise<void> {
    let mgr = this.mgrs.get(br.name);
    if (mgr === undefined) {
      mgr = new ConnMgr(new BridgeSwitch(br), {
        clock: this.ofproto.clock,
        log: this.services.vlog.module('connmgr'),
        desc: { sw: TSOVS_VERSION },
      });
      this.mgrs.set(br.name, mgr);
    }
    mgr.setFailMode(b.failMode ?? 'standalone');
    const unsupported = unspokenProtocols(b.protocols);
    const protocols = b.protocols.join(',');
    if (unsupported.length && this.protocolsSeen.get(br.name) !== protocols) {
      const none = unsupported.length === b.protocols.length ? '; allowing all it speaks' : '';
      this.log.warn(`bridge ${br.name}: tsovs does not speak ${unsupported.join(', ')} (only OpenFlow10, OpenFlow13-15)${none}`);
    }
    this.protocolsSeen.set(br.name, protocols);
    await mgr.setAllowedVersions(versionsFromProtocols(b.protocols));
    try {
      await mgr.setControllers([
        managementController(this.services.rundir, br.name),
        ...b.controllers.map((c) => controllerFromConfig(c)),
      ]);
    } catch (e) {
      this.log.err(`bridge ${br.name}: controllers: ${(e as Error).message}`);
    }
  }

  private controllerStatus(): Record<string, ControllerStatus> {
    const out: Record<string, ControllerStatus> = {};
    for (const [name, rows] of this.controllerRows) {
      const info = this.mgrs.get(name)?.controllerInfo() ?? [];
      for (const row of rows) {
        const i = info.find((x) => x.target === row.target);
        out[row.uuid] = { isConnected: i?.isConnected ?? false, role: i?.isConnected ? i.role : null };
      }
    }
    return out;
  }

  private applyBridges(config: VswitchConfig): StatusReport {
    const sw = this.ofproto;
    const log = this.log;
    sw.setFlowLimit(config.flowLimit);
    sw.setMaxIdle(config.maxIdle);
    const wanted = new Map(config.bridges.map((b) => [b.name, b]));
    const wantedPorts = new Map<string, { b: BridgeConfig; p: PortConfig }>();
    for (const b of config.bridges) for (const p of b.ports) if (p.name !== b.name) wantedPorts.set(p.interfaces[0].name, { b, p });

    // Deletions first, so a port or bridge can move or be recreated in the same change.
    for (const br of sw.bridges()) {
      const want = wanted.get(br.name);
      if (!want || datapathType(want.datapathType) !== br.datapathType) {
        this.deleteBridge(br);
        continue;
      }
      for (const port of [...br.portsList]) {
        if (port.ofPort === OFPP_LOCAL) continue;
        const w = wantedPorts.get(port.name);
        if (!w || this.portKey(w.b, w.p) !== this.keys.get(port.name)) this.deletePort(br, port.name);
      }
    }

    const interfaces: Record<string, InterfaceStatus> = {};
    const bridges: StatusReport['bridges'] = {};
    for (const b of config.bridges) {
      let br = sw.bridge(b.name);
      if (!br) {
        try {
          const dpType = datapathType(b.datapathType);
          if (!this.datapathTypes.has(dpType)) {
            // OVS ofproto_create() and bridge_reconfigure() wording.
            this.ofprotoLog.warn(`unknown datapath type ${dpType}`);
            this.ofprotoLog.warn(`could not create datapath ${b.name} of unknown type ${dpType}`);
            throw new Error('Address family not supported by protocol');
          }
          const localNetdev = this.localNetdev(b.name, dpType);
          br = sw.addBridge(b.name, { datapathType: dpType, ...(localNetdev ? { localNetdev } : {}) });
          this.watch(br);
          log.info(`bridge ${b.name}: added`);
          log.info(`bridge ${b.name}: using datapath ID ${br.datapathId.toString(16).padStart(16, '0')}`);
        } catch (e) {
          log.err(`failed to create bridge ${b.name}: ${(e as Error).message}`);
          // As OVS: the interfaces get no ofport, and no error of their own.
          for (const p of b.ports) for (const i of p.interfaces) interfaces[i.name] = { ofport: -1, error: null };
          continue;
        }
      }
      this.configureBridge(br, b);
      bridges[b.name] = { datapathId: br.datapathId.toString(16).padStart(16, '0') };
      for (const p of b.ports) {
        if (p.name === b.name) continue;
        const [iface, ...extra] = p.interfaces;
        for (const x of extra) interfaces[x.name] = { ofport: -1, error: `port ${p.name}: bonds are not supported` };
        const existing = br.portByName(iface.name);
        const vlan = { vlanMode: vlanMode(p, log), tag: p.tag ?? null, trunks: p.trunks.length ? p.trunks : null };
        if (existing) {
          if (existing.vlanMode !== vlan.vlanMode || existing.tag !== vlan.tag || JSON.stringify(existing.trunks) !== JSON.stringify(vlan.trunks)) {
            br.setPortVlan(iface.name, vlan);
          }
          continue;
        }
        try {
          const port = br.addPort({
            name: iface.name,
            type: this.netdevType(iface.type),
            options: iface.options,
            ...(iface.ofportRequest !== undefined ? { ofportRequest: iface.ofportRequest } : {}),
            ...vlan,
          });
          this.keys.set(iface.name, this.portKey(b, p));
          log.info(`bridge ${b.name}: added interface ${iface.name} on port ${port.ofPort}`);
        } catch (e) {
          const msg = (e as Error).message;
          log.warn(`bridge ${b.name}: could not add interface ${iface.name}: ${msg}`);
          interfaces[iface.name] = { ofport: -1, macInUse: null, adminState: null, linkState: null, error: msg };
        }
      }
      for (const port of br.portsList) interfaces[port.name] = portStatus(port);
    }
    return { interfaces, bridges };
  }

  /** Reports link and admin state changes (port-status MODIFY) as they happen, batched. */
  private watch(br: Bridge): void {
    br.events.on('port-status', (ev) => {
      if (ev.reason === OFPPR_ADD || ev.reason === OFPPR_MODIFY) COV_UPDATE_PORT.count++;
      if (ev.reason !== OFPPR_MODIFY) return;
      this.changedPorts.add(ev.name);
      if (this.reportScheduled) return;
      this.reportScheduled = true;
      setImmediate(() => {
        this.reportScheduled = false;
        const interfaces: Record<string, InterfaceStatus> = {};
        for (const name of this.changedPorts) {
          const p = this.ofproto.bridges().map((b) => b.portByName(name)).find((x) => x);
          if (p) interfaces[name] = portStatus(p);
        }
        this.changedPorts.clear();
        void this.services.reportStatus({ interfaces });
      });
    });
  }

  /**
   * The LOCAL port of a `netdev` bridge is a real TAP device named like the bridge (as in
   * OVS), so the host can address it. Without the privilege (or the addon) the bridge still
   * comes up, with an in-memory LOCAL port, and the reason is logged.
   */
  private localNetdev(name: string, dpType: string): Netdev | null {
    // As OVS: only `override` makes the `tap` type of a netdev bridge's LOCAL port a dummy.
    if (dpType !== 'netdev' || this.dummy === 'override') return null;
    try {
      return new InternalNetdev(name);
    } catch (e) {
      this.log.warn(`bridge ${name}: LOCAL port is not a host interface: ${(e as Error).message}`);
      return null;
    }
  }

  /** The netdev type for an Interface type ("" is a system device, as in OVS). */
  private netdevType(type: string): string {
    const t = type === '' ? 'system' : type;
    if (this.dummy === 'override' && t !== 'internal' && t !== 'patch') return 'dummy';
    if (this.dummy === 'system' && t === 'system') return 'dummy';
    return t;
  }

  /** What a port was created with; a change means delete and add again. */
  private portKey(b: BridgeConfig, p: PortConfig): string {
    const i = p.interfaces[0];
    return JSON.stringify([b.name, this.netdevType(i.type), i.options, i.ofportRequest ?? null]);
  }

  private configureBridge(br: Bridge, b: BridgeConfig): void {
    // The fail mode goes through the bridge's connection manager (configureOpenflow).
    br.setMacAging(b.tuning.macAgingTime);
    br.setMacTableSize(b.tuning.macTableSize);
    br.setForwardBpdu(b.otherConfig['forward-bpdu'] === 'true');
    const hw = b.tuning.hwaddr !== undefined ? parseMac(b.tuning.hwaddr) : null;
    if (hw !== null && hw !== br.hwaddr) br.setHwaddr(hw);
    const dpid = b.tuning.datapathId !== undefined ? BigInt(`0x${b.tuning.datapathId}`) : BigInt(br.hwaddr);
    if (dpid !== br.datapathId) {
      br.setDatapathId(dpid);
      this.log.info(`bridge ${b.name}: using datapath ID ${dpid.toString(16).padStart(16, '0')}`);
    }
  }

  private deletePort(br: Bridge, name: string): void {
    const netdev = br.portByName(name)?.netdev ?? null;
    const ofPort = br.portByName(name)?.ofPort;
    br.delPort(name);
    this.keys.delete(name);
    try {
      netdev?.close();
    } catch {
      // already closed
    }
    this.log.info(`bridge ${br.name}: deleted interface ${name} on port ${ofPort}`);
  }

  private deleteBridge(br: Bridge): void {
    const mgr = this.mgrs.get(br.name);
    this.mgrs.delete(br.name);
    this.protocolsSeen.delete(br.name);
    if (mgr !== undefined) void mgr.close();
    for (const p of [...br.portsList]) if (p.ofPort !== OFPP_LOCAL) this.deletePort(br, p.name);
    this.ofproto.delBridge(br.name);
    this.log.info(`bridge ${br.name}: deleted`);
  }

  async close(): Promise<void> {
    clearInterval(this.controllerTimer);
    clearInterval(this.coverageTimer);
    await Promise.all([...this.mgrs.values()].map((m) => m.close()));
    this.mgrs.clear();
    this.ofproto.stop();
    for (const br of this.ofproto.bridges()) this.deleteBridge(br);
  }
}

/** The factory the daemon takes. */
export function ofprotoHostFactory(opts: OfprotoHostOptions = {}): BridgeHostFactory {
  return (services) => new OfprotoHost(services, opts);
}
