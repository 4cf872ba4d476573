/*
 * tsovs-vsctl's switch-level commands (OVS ovs-vsctl.c): bridges (add-br, del-br, list-br,
 * br-exists, ...), ports and interfaces (add-port, del-port, list-ports, port-to-br,
 * iface-to-br, ...), controllers and fail mode. Same wording for errors as OVS.
 * Fake (VLAN) bridges and bonds are not supported.
 */
import { tableDef } from '../../vswitchd/config-schema.js';
import type { Row } from '../../vswitchd/config-doc.js';
import { CliError } from '../cli-util.js';
import { VsctlError, type VBridge, type VsctlContext } from './context.js';
import { setColumn } from './db-commands.js';

function sortedLines(names: string[]): string {
  return [...names]
    .sort()
    .map((n) => `${n}\n`)
    .join('');
}

function withoutUuid(list: unknown, uuid: string): string[] {
  return (list as string[]).filter((u) => u !== uuid);
}

export function cmdAddBr(ctx: VsctlContext): void {
  const name = ctx.argv[1];
  if (!name) throw new VsctlError('bridge name must not be empty string');
  if (ctx.argv.length === 4) throw new VsctlError('fake bridges (add-br BRIDGE PARENT VLAN) are not supported by tsovs');
  if (ctx.argv.length !== 2) throw new VsctlError(`'${ctx.argv[0]}' command takes exactly 1 or 3 arguments`);
  if (ctx.option('--may-exist') && ctx.findBridge(name, false)) return;
  ctx.checkConflicts(name, `cannot create a bridge named ${name}`);
  const iface = ctx.insert('Interface', { name, type: 'internal' });
  const port = ctx.insert('Port', { name, interfaces: [iface] });
  const br = ctx.insert('Bridge', { name, ports: [port] });
  ctx.root.bridges = [...(ctx.root.bridges as string[]), br];
  ctx.invalidate();
}

export function cmdDelBr(ctx: VsctlContext): void {
  const br = ctx.findBridge(ctx.argv[1], !ctx.option('--if-exists'));
  if (!br) return;
  ctx.root.bridges = withoutUuid(ctx.root.bridges, br.uuid);
  ctx.collectGarbage();
}

export function cmdListBr(ctx: VsctlContext): void {
  if (ctx.option('--fake')) return;
  ctx.output += sortedLines([...ctx.bridges().keys()]);
}

export function cmdBrExists(ctx: VsctlContext): void {
  if (!ctx.findBridge(ctx.argv[1], false)) throw new CliError('', 2);
}

export function cmdBrToVlan(ctx: VsctlContext): void {
  ctx.findBridge(ctx.argv[1], true);
  ctx.output += '0\n';
}

export function cmdBrToParent(ctx: VsctlContext): void {
  ctx.output += `${ctx.findBridge(ctx.argv[1], true)!.name}\n`;
}

export function cmdBrSetExternalId(ctx: VsctlContext): void {
  const br = ctx.findBridge(ctx.argv[1], true)!;
  const ids = { ...(br.row.external_ids as Record<string, string>) };
  if (ctx.argv.length >= 4) ids[ctx.argv[2]] = ctx.argv[3];
  else delete ids[ctx.argv[2]];
  br.row.external_ids = ids;
}

export function cmdBrGetExternalId(ctx: VsctlContext): void {
  const br = ctx.findBridge(ctx.argv[1], true)!;
  const ids = br.row.external_ids as Record<string, string>;
  if (ctx.argv.length >= 3) {
    if (ids[ctx.argv[2]] !== undefined) ctx.output += `${ids[ctx.argv[2]]}\n`;
  } else {
    for (const k of Object.keys(ids).sort()) ctx.output += `${k}=${ids[k]}\n`;
  }
}

export function cmdListPorts(ctx: VsctlContext): void {
  const br = ctx.findBridge(ctx.argv[1], true)!;
  ctx.output += sortedLines(br.ports.filter((p) => p.name !== br.name).map((p) => p.name));
}

export function cmdListIfaces(ctx: VsctlContext): void {
  const br = ctx.findBridge(ctx.argv[1], true)!;
  ctx.output += sortedLines(br.ports.flatMap((p) => p.ifaces.filter((i) => i.name !== br.name).map((i) => i.name)));
}

function commandString(ctx: VsctlContext): string {
  const opts = [...ctx.options.entries()].map(([k, v]) => (v === null ? k : `${k}=${v}`));
  return [...opts, ...ctx.argv].join(' ');
}

export function cmdAddPort(ctx: VsctlContext): void {
  const [, brName, portName, ...settings] = ctx.argv;
  if (!portName) throw new VsctlError('port name must not be empty string');
  if (ctx.option('--may-exist')) {
    const existing = ctx.findPort(portName, false);
    if (existing) {
      if (existing.bridge.name !== brName) {
        throw new VsctlError(`"${commandString(ctx)}" but ${portName} is actually attached to bridge ${existing.bridge.name}`);
      }
      const have = existing.ifaces.map((i) => i.name).sort();
      if (have.length !== 1 || have[0] !== portName) {
        throw new VsctlError(`"${commandString(ctx)}" but ${portName} actually has interface(s) ${have.join(', ')}`);
      }
      return;
    }
  }
  ctx.checkConflicts(portName, `cannot create a port named ${portName}`);
  ctx.checkConflicts(portName, `cannot create an interface named ${portName}`);
  const br = ctx.findBridge(brName, true)!;
  const iface = ctx.insert('Interface', { name: portName });
  const portUuid = ctx.insert('Port', { name: portName, interfaces: [iface] });
  const port = ctx.rows('Port')[portUuid];
  for (const s of settings) setColumn(ctx, tableDef('Port'), port, s, true);
  br.row.ports = [...(br.row.ports as string[]), portUuid];
  ctx.invalidate();
}

export function cmdDelPort(ctx: VsctlContext): void {
  const mustExist = !ctx.option('--if-exists');
  const withIface = ctx.option('--with-iface');
  const target = ctx.argv[ctx.argv.length - 1];
  let port;
  if (ctx.findBridge(target, false)) {
    if (mustExist) {
      throw new VsctlError(
        `cannot delete port ${target} because it is the local port for bridge ${target} ` +
          '(deleting this port requires deleting the entire bridge)',
      );
    }
    port = undefined;
  } else if (!withIface) {
    port = ctx.findPort(target, mustExist);
  } else {
    port = ctx.findPort(target, false) ?? ctx.findIface(target, false)?.port;
    if (mustExist && !port) throw new VsctlError(`no port or interface named ${target}`);
  }
  if (!port) return;
  if (ctx.argv.length === 3) {
    const br = ctx.findBridge(ctx.argv[1], true)!;
    if (port.bridge !== br) throw new VsctlError(`bridge ${ctx.argv[1]} does not have a port ${ctx.argv[2]}`);
  }
  port.bridge.row.ports = withoutUuid(port.bridge.row.ports, port.uuid);
  ctx.collectGarbage();
}

export function cmdPortToBr(ctx: VsctlContext): void {
  ctx.output += `${ctx.findPort(ctx.argv[1], true)!.bridge.name}\n`;
}

export function cmdIfaceToBr(ctx: VsctlContext): void {
  ctx.output += `${ctx.findIface(ctx.argv[1], true)!.port.bridge.name}\n`;
}

function controllerRows(ctx: VsctlContext, br: VBridge): Row[] {
  return (br.row.controller as string[]).map((u) => ctx.rows('Controller')[u]).filter((r) => r);
}

export function cmdGetController(ctx: VsctlContext): void {
  const br = ctx.findBridge(ctx.argv[1], true)!;
  ctx.output += sortedLines(controllerRows(ctx, br).map((r) => String(r.target)));
}

export function cmdDelController(ctx: VsctlContext): void {
  const br = ctx.findBridge(ctx.argv[1], true)!;
  br.row.controller = [];
  ctx.collectGarbage();
}

export function cmdSetController(ctx: VsctlContext): void {
  const br = ctx.findBridge(ctx.argv[1], true)!;
  const probe = ctx.options.get('--inactivity-probe');
  const uuids = ctx.argv.slice(2).map((target) => {
    const row: Row = { target };
    if (probe !== undefined && probe !== null) {
      const ms = Number.parseInt(probe, 10);
      row.inactivity_probe = [Number.isFinite(ms) ? ms : 0];
    }
    return ctx.insert('Controller', row);
  });
  br.row.controller = uuids;
  ctx.collectGarbage();
}

export function cmdGetFailMode(ctx: VsctlContext): void {
  const br = ctx.findBridge(ctx.argv[1], true)!;
  const mode = br.row.fail_mode as string[];
  if (mode.length && mode[0]) ctx.output += `${mode[0]}\n`;
}

export function cmdDelFailMode(ctx: VsctlContext): void {
  ctx.findBridge(ctx.argv[1], true)!.row.fail_mode = [];
}

export function cmdSetFailMode(ctx: VsctlContext): void {
  const br = ctx.findBridge(ctx.argv[1], true)!;
  const mode = ctx.argv[2];
  if (mode !== 'standalone' && mode !== 'secure') throw new VsctlError('fail-mode must be "standalone" or "secure"');
  br.row.fail_mode = [mode];
}
