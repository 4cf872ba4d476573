/*
 * `dpif/show`: every datapath (backer) with its hit/missed counters and, per bridge, each
 * port as `name ofport/dpport: (type)` (with a patch port's peer or a tunnel's options), in
 * the shape ovs-appctl dpif/show prints.
 */
import { DummyNetdev } from '../netdev/dummy.js';
import { formatTunnelConfig } from '../netdev/tunnel-config.js';
import type { BridgePort } from './bridge-port.js';
import { OFPP_LOCAL } from './ofp-port.js';
import type { Ofproto } from './ofproto.js';

/**
 * The type of the netdev that really exists, as OVS prints netdev_get_type(): an internal
 * port (a bridge's LOCAL port too) is a TAP device in the host on a netdev datapath, but an
 * in-memory port on a dummy datapath, under --enable-dummy=override or when the daemon fell
 * back to one (no privilege for a TAP device): OVS's `dummy-internal` netdev.
 */
function shownType(p: BridgePort, options: string): string {
  let type = p.type;
  if (type === 'internal' || p.netdev?.type === 'internal') {
    type = p.netdev === null || p.netdev instanceof DummyNetdev ? 'dummy-internal' : 'tap';
  }
  return options === '' ? type : `${type}: ${options}`;
}

export function formatDpifShow(ofproto: Ofproto): string {
  const lines: string[] = [];
  for (const backer of ofproto.backers()) {
    const st = backer.dpif.getStats();
    lines.push(`${backer.dpif.type}@${backer.dpif.name}: hit:${st.nHit} missed:${st.nMissed}`);
    const bridges = [...backer.bridges].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const br of bridges) {
      lines.push(`  ${br.name}:`);
      const ports = [...br.portsList].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const p of ports) {
        const ofp = p.ofPort === OFPP_LOCAL ? '65534' : String(p.ofPort);
        const dp = p.dpPort >= 0 ? String(p.dpPort) : 'none';
        const opts =
          p.patchPeer !== null ? `peer=${peerName(ofproto, p.patchPeer)}` : p.tunnel !== null ? formatTunnelConfig(p.type, p.tunnel) : '';
        lines.push(`    ${p.name} ${ofp}/${dp}: (${shownType(p, opts)})`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

function peerName(ofproto: Ofproto, peer: { bridge: string; ofPort: number }): string {
  return ofproto.bridge(peer.bridge)?.port(peer.ofPort)?.name ?? '?';
}
