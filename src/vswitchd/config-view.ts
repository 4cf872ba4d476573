/*
 * A typed, resolved view of the configuration for the bridge layer: bridges with their ports,
 * interfaces and controllers as nested objects (references followed, names sorted), optional
 * columns as `undefined`, and the other_config keys tsovs understands parsed with OVS's
 * defaults. The bridge host reconciles its bridges against this view.
 */
import type { Atom } from './config-data.js';
import { rootRow, type ConfigDoc, type Row } from './config-doc.js';

export type StrMap = Readonly<Record<string, string>>;

export interface InterfaceConfig {
  readonly uuid: string;
  readonly name: string;
  /** "" means the OVS default ("system"); internal, dummy, patch, vxlan, ... */
  readonly type: string;
  readonly options: StrMap;
  readonly ofportRequest: number | undefined;
  readonly mac: string | undefined;
  readonly otherConfig: StrMap;
  readonly externalIds: StrMap;
}

export interface PortConfig {
  readonly uuid: string;
  readonly name: string;
  readonly interfaces: readonly InterfaceConfig[];
  readonly tag: number | undefined;
  readonly trunks: readonly number[];
  readonly vlanMode: 'trunk' | 'access' | 'native-tagged' | 'native-untagged' | 'dot1q-tunnel' | undefined;
  readonly otherConfig: StrMap;
  readonly externalIds: StrMap;
}

export interface ControllerConfig {
  readonly uuid: string;
  readonly target: string;
  readonly connectionMode: 'in-band' | 'out-of-band' | undefined;
  readonly rateLimit: number | undefined;
  readonly burstLimit: number | undefined;
  /** Milliseconds; undefined means the default (5000). */
  readonly inactivityProbe: number | undefined;
  readonly maxBackoff: number | undefined;
  readonly otherConfig: StrMap;
  readonly externalIds: StrMap;
}

/** Bridge other_config keys tsovs understands, parsed. */
export interface BridgeTuning {
  /** other_config:mac-aging-time, seconds (OVS default 300). */
  readonly macAgingTime: number;
  /** other_config:mac-table-size (OVS default 2048). */
  readonly macTableSize: number;
  /** other_config:datapath-id as a 16-hex-digit string, or undefined to derive one. */
  readonly datapathId: string | undefined;
  /** other_config:hwaddr (xx:xx:xx:xx:xx:xx), or undefined. */
  readonly hwaddr: string | undefined;
}

export interface BridgeConfig {
  readonly uuid: string;
  readonly name: string;
  readonly failMode: 'standalone' | 'secure' | undefined;
  /** "" means the default datapath type. */
  readonly datapathType: string;
  readonly protocols: readonly string[];
  readonly ports: readonly PortConfig[];
  readonly controllers: readonly ControllerConfig[];
  readonly otherConfig: StrMap;
  readonly externalIds: StrMap;
  readonly tuning: BridgeTuning;
}

export interface VswitchConfig {
  readonly uuid: string;
  readonly generation: number;
  /** Open_vSwitch other_config:flow-limit (default 200000). */
  readonly flowLimit: number;
  /** Open_vSwitch other_config:max-idle in ms (default 10000). */
  readonly maxIdle: number;
  readonly bridges: readonly BridgeConfig[];
  readonly otherConfig: StrMap;
  readonly externalIds: StrMap;
}

const str = (v: unknown): string => String(v);
const map = (v: unknown): StrMap => ({ ...(v as Record<string, string>) });
const opt = <T extends Atom>(v: unknown): T | undefined => ((v as T[]).length ? (v as T[])[0] : undefined);
const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Parses a non-negative integer other_config value, falling back to `dflt` when absent or bad. */
function intConfig(value: string | undefined, dflt: number, min = 0): number {
  if (value === undefined || !/^\d+$/.test(value)) return dflt;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= min ? n : dflt;
}

function tuning(bridge: StrMap): BridgeTuning {
  const dpid = bridge['datapath-id'];
  const hw = bridge.hwaddr;
  return {
    macAgingTime: intConfig(bridge['mac-aging-time'], 300, 1),
    macTableSize: intConfig(bridge['mac-table-size'], 2048, 1),
    datapathId: dpid !== undefined && /^(0x)?[0-9a-fA-F]{16}$/.test(dpid) ? dpid.replace(/^0x/, '').toLowerCase() : undefined,
    hwaddr: hw !== undefined && /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(hw) ? hw.toLowerCase() : undefined,
  };
}

function iface(uuid: string, r: Row): InterfaceConfig {
  return {
    uuid,
    name: str(r.name),
    type: str(r.type),
    options: map(r.options),
    ofportRequest: opt<number>(r.ofport_request),
    mac: opt<string>(r.mac),
    otherConfig: map(r.other_config),
    externalIds: map(r.external_ids),
  };
}

/**
 * Resolves the document into the nested view. A port listed by two bridges (or an interface
 * listed by two ports) is kept only in the first, in name order, like ovs-vswitchd does.
 */
export function resolveConfig(doc: Readonly<ConfigDoc>): VswitchConfig {
  const t = doc.tables;
  const root = rootRow(doc as ConfigDoc);
  const globalOther = map(root.row.other_config);
  const usedPorts = new Set<string>();
  const usedIfaces = new Set<string>();
  const bridges: BridgeConfig[] = [];
  const brUuids = [...(root.row.bridges as string[])].sort((a, b) => byName({ name: str(t.Bridge[a].name) }, { name: str(t.Bridge[b].name) }));
  for (const bu of brUuids) {
    const b = t.Bridge[bu];
    const ports: PortConfig[] = [];
    for (const pu of b.ports as string[]) {
      const p = t.Port[pu];
      if (!p || usedPorts.has(pu)) continue;
      usedPorts.add(pu);
      const ifaces: InterfaceConfig[] = [];
      for (const iu of p.interfaces as string[]) {
        if (!t.Interface[iu] || usedIfaces.has(iu)) continue;
        usedIfaces.add(iu);
        ifaces.push(iface(iu, t.Interface[iu]));
      }
      if (!ifaces.length) continue;
      ports.push({
        uuid: pu,
        name: str(p.name),
        interfaces: ifaces.sort(byName),
        tag: opt<number>(p.tag),
        trunks: [...(p.trunks as number[])],
        vlanMode: opt<PortConfig['vlanMode'] & string>(p.vlan_mode),
        otherConfig: map(p.other_config),
        externalIds: map(p.external_ids),
      });
    }
    const controllers: ControllerConfig[] = (b.controller as string[])
      .filter((cu) => t.Controller[cu])
      .map((cu) => {
        const c = t.Controller[cu];
        return {
          uuid: cu,
          target: str(c.target),
          connectionMode: opt<'in-band' | 'out-of-band'>(c.connection_mode),
          rateLimit: opt<number>(c.controller_rate_limit),
          burstLimit: opt<number>(c.controller_burst_limit),
          inactivityProbe: opt<number>(c.inactivity_probe),
          maxBackoff: opt<number>(c.max_backoff),
          otherConfig: map(c.other_config),
          externalIds: map(c.external_ids),
        };
      })
      .sort((x, y) => (x.target < y.target ? -1 : x.target > y.target ? 1 : 0));
    const other = map(b.other_config);
    bridges.push({
      uuid: bu,
      name: str(b.name),
      failMode: opt<'standalone' | 'secure'>(b.fail_mode),
      datapathType: str(b.datapath_type),
      protocols: [...(b.protocols as string[])],
      ports: ports.sort(byName),
      controllers,
      otherConfig: other,
      externalIds: map(b.external_ids),
      tuning: tuning(other),
    });
  }
  return {
    uuid: root.uuid,
    generation: doc.generation,
    flowLimit: intConfig(globalOther['flow-limit'], 200000),
    maxIdle: intConfig(globalOther['max-idle'], 10000, 500),
    bridges,
    otherConfig: globalOther,
    externalIds: map(root.row.external_ids),
  };
}
