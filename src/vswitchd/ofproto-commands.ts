/*
 * The bridge layer's appctl commands, in OVS's shapes: fdb/show, fdb/flush, dpif/show,
 * dpif/dump-flows, ofproto/trace, upcall/show, revalidator/purge. The dpctl/* commands are
 * in dpctl-commands.ts, coverage/* in coverage.ts.
 */
import type { Ofproto } from '../ofproto/ofproto.js';
import { formatDpifShow } from '../ofproto/dpif-show.js';
import { formatUserdata } from '../ofproto/xlate/userdata.js';
import { formatDpFlowLine } from '../datapath/dpctl.js';
import { traceText } from '../ofproto/trace.js';
import { extract } from '../flow/extract.js';
import { parseMatch } from '../flow/match-parse.js';
import { portMapFrom, type PortMap } from '../flow/ofp-port.js';
import { FLOW_WORDS, W_IN_PORT, W_METADATA, W_REG0, N_REGS, W_SKB_MARK } from '../flow/layout.js';
import { Packet } from '../packet/packet.js';
import { hexToBytes } from '../packet/hex.js';
import { formatActions } from '../openflow/flow-syntax/actions-format.js';
import type { Bridge } from '../ofproto/bridge.js';
import type { CommandRegistry } from './bridge-host.js';
import { UnixctlError } from './unixctl.js';

export function registerOfprotoCommands(sw: Ofproto, commands: CommandRegistry): void {
  const bridge = (name: string): NonNullable<ReturnType<Ofproto['bridge']>> => {
    const br = sw.bridge(name);
    if (!br) throw new UnixctlError('no such bridge');
    return br;
  };
  commands.register('fdb/show', 'bridge', 1, 1, ([name]) => {
    const br = bridge(name);
    return br.macs.fdbShow(sw.clock.now(), (p) => br.port(p)?.name ?? String(p));
  });
  commands.register('fdb/flush', '[bridge]', 0, 1, ([name]) => {
    for (const br of name === undefined ? sw.bridges() : [bridge(name)]) {
      br.macs.flush();
      br.checkMacVersion();
    }
    return 'table successfully flushed\n';
  });
  commands.register('dpif/show', '', 0, 0, () => formatDpifShow(sw));
  commands.register('dpif/dump-flows', '[-m] bridge', 1, 2, (args) => {
    const verbose = args.includes('-m');
    const br = bridge(args.filter((a) => a !== '-m')[0]!);
    const dpif = br.backer.dpif;
    const now = sw.clock.now();
    const lines: string[] = [];
    for (const f of dpif.flowDump()) {
      if (br.portByDp(f.key[W_IN_PORT]!) === undefined) continue; // another bridge's flow
      lines.push(
        formatDpFlowLine(f, {
          now,
          verbose,
          portName: (no) => dpif.portQuery(no)?.name,
          userdataFormatter: (u) => formatUserdata(u)?.slice(1),
        }),
      );
    }
    return lines.map((l) => l + '\n').join('');
  });
  commands.register('ofproto/trace', 'bridge {flow | in_port=N packet-hex} [-generate]', 2, 4, (args) => {
    const generate = args.some((a) => a === '-generate' || a === '--generate');
    const [name, flowText, hex] = args.filter((a) => a !== '-generate' && a !== '--generate');
    const br = bridge(name!);
    return traceFor(sw, br, flowText ?? '', hex, generate);
  });
  commands.register('upcall/show', '', 0, 0, () => {
    let s = '';
    for (const b of sw.backers()) {
      const st = b.dpif.getStats();
      const h = b.handler.stats;
      s += `${b.dpif.type}@${b.dpif.name}:\n`;
      s += `  flows         : (current ${st.nFlows}) (limit ${b.flowLimit})\n`;
      s += `  max idle      : ${b.maxIdle}ms\n`;
      s += `  ufid enabled  : true\n`;
      s += `  upcalls       : miss ${h.misses}, action ${h.actions}, installed ${h.installed}, duplicate ${h.duplicates}, over limit ${h.limited}, failed ${h.failed}, packet-ins ${h.packetIns}\n`;
    }
    return s;
  });
  commands.register('revalidator/purge', '', 0, 0, () => {
    for (const b of sw.backers()) b.revalidator.purge();
    return '';
  });
}

/** A bridge's OpenFlow port names (for --names style flow text). */
function bridgePorts(br: Bridge): PortMap {
  return portMapFrom(br.ports().map((p) => [p.name, p.ofPort] as const));
}

/**
 * ofproto/trace: the flow from OpenFlow match text (fields not given are zero, as in OVS's
 * br_flow syntax) or, with a hex packet, header fields from the packet and in_port, pkt_mark,
 * metadata and registers from the text.
 */
function traceFor(sw: Ofproto, br: Bridge, flowText: string, hex: string | undefined, generate: boolean): string {
  const ports = bridgePorts(br);
  const parsed = parseMatch(flowText, ports);
  if (!parsed.ok) throw new UnixctlError(parsed.error);
  const m = parsed.value.match;
  const flow = new Uint32Array(FLOW_WORDS);
  let packet: Packet | null = null;
  if (hex !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = hexToBytes(hex);
    } catch (e) {
      throw new UnixctlError(`${(e as Error).message}`);
    }
    packet = Packet.from(bytes);
    const inPort = br.port(m.key[W_IN_PORT]!);
    packet.inPort = inPort !== undefined && inPort.dpPort >= 0 ? inPort.dpPort : 0;
    extract(packet, flow);
    flow[W_IN_PORT] = m.key[W_IN_PORT]!;
    flow[W_SKB_MARK] = m.key[W_SKB_MARK]!;
    flow[W_METADATA] = m.key[W_METADATA]!;
    flow[W_METADATA + 1] = m.key[W_METADATA + 1]!;
    for (let i = 0; i < N_REGS; i++) flow[W_REG0 + i] = m.key[W_REG0 + i]!;
  } else {
    flow.set(m.key);
  }
  const out = traceText(br, flow, {
    now: sw.clock.now(),
    generate,
    packet,
    formatActions: (acts) => formatActions(acts, { ports }),
    ports,
    dpPortName: (no) => br.backer.dpif.portQuery(no)?.name,
  });
  return out.text.endsWith('\n') ? out.text : out.text + '\n';
}
