/*
 * The bridge layer's appctl commands that need nothing beyond ofproto and the datapath, in
 * OVS's shapes: fdb/show, fdb/flush, dpif/show, dpctl/show, dpctl/dump-flows,
 * revalidator/purge. (ofproto/trace and the OpenFlow-side commands come with their layers.)
 */
import type { Ofproto } from '../ofproto/ofproto.js';
import type { Backer } from '../ofproto/backer.js';
import { formatDpifShow } from '../ofproto/dpif-show.js';
import { formatUserdata } from '../ofproto/xlate/userdata.js';
import { formatDpctlShow, formatDumpFlows } from '../datapath/dpctl.js';
import type { CommandRegistry } from './bridge-host.js';
import { UnixctlError } from './unixctl.js';

/** A datapath named as OVS's dpctl takes it: `type@name`, `name`, or none when there is one. */
function datapath(sw: Ofproto, arg: string | undefined): Backer {
  const backers = sw.backers();
  if (arg === undefined) {
    if (backers.length === 0) throw new UnixctlError('no datapaths exist');
    if (backers.length > 1) throw new UnixctlError('multiple datapaths, specify one');
    return backers[0];
  }
  const b = backers.find((x) => arg === `${x.dpif.type}@${x.dpif.name}` || arg === x.dpif.name || arg === x.type);
  if (!b) throw new UnixctlError(`${arg}: no such datapath`);
  return b;
}

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
  commands.register('dpctl/show', '[dp]', 0, 1, ([dp]) => formatDpctlShow(datapath(sw, dp).dpif));
  commands.register('dpctl/dump-flows', '[-m] [dp]', 0, 2, (args) => {
    const verbose = args.includes('-m') || args.includes('--more');
    const rest = args.filter((a) => a !== '-m' && a !== '--more');
    if (rest.length > 1) throw new UnixctlError('dpctl/dump-flows: too many arguments');
    const dpif = datapath(sw, rest[0]).dpif;
    return formatDumpFlows(dpif, {
      now: sw.clock.now(),
      verbose,
      portName: (no) => dpif.portQuery(no)?.name,
      userdataFormatter: (u) => formatUserdata(u)?.slice(1),
    });
  });
  commands.register('revalidator/purge', '', 0, 0, () => {
    for (const b of sw.backers()) b.revalidator.purge();
    return '';
  });
}
