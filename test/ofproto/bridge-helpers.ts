/*
 * Helpers for bridge, flow-mod, handler and revalidator tests: a switch in virtual time
 * with dummy ports, flow-mods from ovs-ofctl text, and dump-flows text.
 */
import assert from 'node:assert/strict';
import { DummyNetdev } from '../../src/netdev/dummy.js';
import { Ofproto } from '../../src/ofproto/ofproto.js';
import type { Bridge, BridgeOptions } from '../../src/ofproto/bridge.js';
import type { BridgePort } from '../../src/ofproto/bridge-port.js';
import type { FlowMod, FlowModOutcome } from '../../src/ofproto/flow-mod.js';
import type { OfpResult } from '../../src/ofproto/ofperr.js';
import type { Rule } from '../../src/ofproto/rule.js';
import { parseFlowMod, OFPFC, type FlowCommand } from '../../src/openflow/flow-syntax/flow-mod.js';
import { formatFlowStats } from '../../src/openflow/flow-syntax/flow-stats.js';
import { ManualClock } from '../../src/util/clock.js';
import { formatDpActions } from '../../src/datapath/odp-actions-format.js';
import { formatDpKey } from '../../src/flow/odp-key-format.js';
import { formatUserdata } from '../../src/ofproto/xlate/userdata.js';

export { OFPFC };

export interface Switch {
  clock: ManualClock;
  sw: Ofproto;
  br: Bridge;
  /** Netdevs of p1..pN by name. */
  dev: Record<string, DummyNetdev>;
  port: Record<string, BridgePort>;
}

/** A switch with bridge br0 (dummy datapath) and ports p1..pN (OpenFlow and datapath port i). */
export function makeSwitch(nPorts = 3, opts: BridgeOptions = {}): Switch {
  const clock = new ManualClock(1000);
  const sw = new Ofproto({ clock });
  const br = sw.addBridge('br0', { datapathType: 'dummy', ...opts });
  const dev: Record<string, DummyNetdev> = {};
  const port: Record<string, BridgePort> = {};
  for (let i = 1; i <= nPorts; i++) addDummyPort(br, `p${i}`, dev, port);
  return { clock, sw, br, dev, port };
}

export function addDummyPort(
  br: Bridge,
  name: string,
  dev: Record<string, DummyNetdev>,
  port: Record<string, BridgePort>,
  mac?: number,
): void {
  const d = new DummyNetdev(name, 'dummy', mac === undefined ? {} : { mac });
  dev[name] = d;
  port[name] = br.addPort({ name, netdev: d });
}

/** A FlowMod from ovs-ofctl flow text (command: an OFPFC value or 'auto'). */
export function fm(text: string, command: FlowCommand = OFPFC.ADD): FlowMod {
  const r = parseFlowMod(text, command);
  if (!r.ok) throw new Error(`${text}: ${r.error}`);
  return r.value;
}

/** Applies flow text and asserts success. */
export function ofctl(br: Bridge, text: string, command: FlowCommand = OFPFC.ADD): FlowModOutcome {
  const r = br.flowMod(fm(text, command));
  if (!r.ok) assert.fail(`${text}: ${r.error.code}`);
  return r.value;
}

/** The error code of a failing flow-mod (or 'ok'). */
export function ofctlError(br: Bridge, text: string, command: FlowCommand = OFPFC.ADD): string {
  const r: OfpResult<FlowModOutcome> = br.flowMod(fm(text, command));
  return r.ok ? 'ok' : r.error.code;
}

/** dump-flows lines (sorted), without stats unless asked. */
export function dump(br: Bridge, showStats = false, now = 0): string[] {
  const r = br.flows();
  assert.ok(r.ok);
  return r.value.map((rule) => flowLine(rule, showStats, now)).sort();
}

export function flowLine(rule: Rule, showStats = false, now = 0): string {
  const dur = Math.max(0, now - rule.created);
  return formatFlowStats(
    {
      tableId: rule.tableId,
      durationSec: Math.floor(dur / 1000),
      durationNsec: (dur % 1000) * 1e6,
      priority: rule.priority,
      idleTimeout: rule.idleTimeout,
      hardTimeout: rule.hardTimeout,
      flags: rule.flags,
      importance: rule.importance,
      cookie: rule.cookie,
      packetCount: rule.packetCount,
      byteCount: rule.byteCount,
      idleAge: Math.floor((now - rule.used) / 1000),
      hardAge: Math.floor((now - rule.modified) / 1000),
      match: { key: rule.key, mask: rule.mask },
      actions: rule.actions,
    },
    { showStats },
  );
}

/** The single rule whose dump line contains `needle`. */
export function ruleWith(br: Bridge, needle: string): Rule {
  const r = br.flows();
  assert.ok(r.ok);
  const hits = r.value.filter((x) => flowLine(x).includes(needle));
  assert.equal(hits.length, 1, `rules matching ${needle}: ${hits.map((x) => flowLine(x)).join(' | ')}`);
  return hits[0]!;
}

/** Datapath flows as "key actions:..." lines, sorted (like dpctl/dump-flows without stats). */
export function dpFlows(s: Switch, type = 'dummy'): string[] {
  const b = s.sw.backer(type)!;
  return b.dpif
    .flowDump()
    .map((f) => `${formatDpKey(f.key, f.mask)}, actions:${formatDpActions(f.actions, { userdataFormatter: (u) => formatUserdata(u)?.slice(1) })}`)
    .sort();
}

