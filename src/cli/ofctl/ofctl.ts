/*
 * tsovs-ofctl: OVS ovs-ofctl for tsovs. `tsovs-ofctl [OPTIONS] COMMAND SWITCH [ARG...]` where
 * SWITCH is a bridge name (<rundir>/<bridge>.mgmt) or an active target (tcp:HOST:PORT,
 * unix:PATH). Options (parsed by commander, GNU getopt rules: src/cli/ovs-command.ts) may
 * appear anywhere; output and error messages follow ovs-ofctl's, with "tsovs-ofctl:" as the
 * program name.
 */
import type { Command } from 'commander';
import { mfFromName } from '../../flow/meta-flow.js';
import { defaultRundir } from '../../vswitchd/rundir.js';
import { programVersion } from '../../vswitchd/version.js';
import { CliError, parseSeconds, processOutput, runTool, type Output } from '../cli-util.js';
import { addHelpOption, addOptionListOption, optionalValue, ovsCommand, parseCommandLine } from '../ovs-command.js';
import { ANY_ARGS, findVerb, verbList, type CmdlVerb } from '../verbs.js';
import { addFlow, addFlows, delFlows, diffFlows, dumpAggregate, dumpFlows, modFlows, replaceFlows } from './cmd-flows.js';
import {
  addGroup, addGroups, addMeter, delGroups, delMeters, dumpGroupFeatures, dumpGroups, dumpGroupStats, dumpMeters,
  insertBuckets, meterFeatures, meterStats, modGroup, modMeter, removeBuckets,
} from './cmd-groups.js';
import { monitor, packetOut } from './cmd-packet.js';
import {
  ctFlushZone, dumpDesc, dumpPorts, dumpPortsDesc, dumpTables, getFrags, modPort, ping, probe, queueGetConfig, queueStats, setFrags, show,
} from './cmd-switch.js';
import { resetXids } from './conn.js';
import { OfctlContext, type OfctlOptions, type SortCriterion } from './context.js';
import { P_OF13_UP, versionsFromProtocols } from './protocol.js';

const PROG = 'tsovs-ofctl';

type Handler = (ctx: OfctlContext, args: string[], signal?: AbortSignal) => Promise<void | number>;

interface Verb extends CmdlVerb {
  run: Handler;
}

const VERBS: readonly Verb[] = [
  { name: 'show', usage: 'switch', min: 1, max: 1, rw: false, run: show },
  { name: 'monitor', usage: 'switch [misslen] [invalid_ttl] [watch:[...]]', min: 1, max: 3, rw: false, run: monitor },
  { name: 'dump-desc', usage: 'switch', min: 1, max: 1, rw: false, run: dumpDesc },
  { name: 'dump-tables', usage: 'switch', min: 1, max: 1, rw: false, run: dumpTables },
  { name: 'dump-flows', usage: 'switch', min: 1, max: 2, rw: false, run: dumpFlows },
  { name: 'dump-aggregate', usage: 'switch', min: 1, max: 2, rw: false, run: dumpAggregate },
  { name: 'queue-stats', usage: 'switch [port [queue]]', min: 1, max: 3, rw: false, run: queueStats },
  { name: 'queue-get-config', usage: 'switch [port [queue]]', min: 1, max: 3, rw: false, run: queueGetConfig },
  { name: 'add-flow', usage: 'switch flow', min: 2, max: 2, rw: true, run: addFlow },
  { name: 'add-flows', usage: 'switch file', min: 2, max: 2, rw: true, run: addFlows },
  { name: 'mod-flows', usage: 'switch flow', min: 2, max: 2, rw: true, run: modFlows },
  { name: 'del-flows', usage: 'switch [flow]', min: 1, max: 2, rw: true, run: delFlows },
  { name: 'replace-flows', usage: 'switch file', min: 2, max: 2, rw: true, run: replaceFlows },
  { name: 'diff-flows', usage: 'source1 source2', min: 2, max: 2, rw: true, run: diffFlows },
  { name: 'add-meter', usage: 'switch meter', min: 2, max: 2, rw: true, run: addMeter },
  { name: 'mod-meter', usage: 'switch meter', min: 2, max: 2, rw: true, run: modMeter },
  { name: 'del-meter', usage: 'switch meter', min: 1, max: 2, rw: true, run: delMeters },
  { name: 'del-meters', usage: 'switch', min: 1, max: 2, rw: true, run: delMeters },
  { name: 'dump-meter', usage: 'switch meter', min: 1, max: 2, rw: false, run: dumpMeters },
  { name: 'dump-meters', usage: 'switch', min: 1, max: 2, rw: false, run: dumpMeters },
  { name: 'meter-stats', usage: 'switch [meter]', min: 1, max: 2, rw: false, run: meterStats },
  { name: 'meter-features', usage: 'switch', min: 1, max: 1, rw: false, run: meterFeatures },
  { name: 'packet-out', usage: 'switch "in_port=<port> packet=<hex data> actions=..."', min: 2, max: ANY_ARGS, rw: true, run: packetOut },
  { name: 'dump-ports', usage: 'switch [port]', min: 1, max: 2, rw: false, run: dumpPorts },
  { name: 'dump-ports-desc', usage: 'switch [port]', min: 1, max: 2, rw: false, run: dumpPortsDesc },
  { name: 'mod-port', usage: 'switch iface act', min: 3, max: 3, rw: true, run: modPort },
  { name: 'get-frags', usage: 'switch', min: 1, max: 1, rw: false, run: getFrags },
  { name: 'set-frags', usage: 'switch frag_mode', min: 2, max: 2, rw: true, run: setFrags },
  { name: 'probe', usage: 'target', min: 1, max: 1, rw: false, run: probe },
  { name: 'ping', usage: 'target [n]', min: 1, max: 2, rw: false, run: ping },
  { name: 'ct-flush-zone', usage: 'switch zone', min: 2, max: 2, rw: true, run: ctFlushZone },
  { name: 'add-group', usage: 'switch group', min: 1, max: 2, rw: true, run: addGroup },
  { name: 'add-groups', usage: 'switch file', min: 2, max: 2, rw: true, run: addGroups },
  { name: 'mod-group', usage: 'switch group', min: 1, max: 2, rw: true, run: modGroup },
  { name: 'del-groups', usage: 'switch [group]', min: 1, max: 2, rw: true, run: delGroups },
  { name: 'insert-buckets', usage: 'switch [group]', min: 1, max: 2, rw: true, run: insertBuckets },
  { name: 'remove-buckets', usage: 'switch [group]', min: 1, max: 2, rw: true, run: removeBuckets },
  { name: 'dump-groups', usage: 'switch [group]', min: 1, max: 2, rw: false, run: dumpGroups },
  { name: 'dump-group-stats', usage: 'switch [group]', min: 1, max: 2, rw: false, run: dumpGroupStats },
  { name: 'dump-group-features', usage: 'switch', min: 1, max: 1, rw: false, run: dumpGroupFeatures },
  { name: 'help', usage: '', min: 0, max: ANY_ARGS, rw: false, run: async (ctx) => ctx.io.out(usage()) },
  { name: 'list-commands', usage: '', min: 0, max: ANY_ARGS, rw: false, run: async (ctx) => ctx.io.out(verbList(VERBS)) },
];

function usage(): string {
  return `${PROG}: OpenFlow switch management utility
usage: ${PROG} [OPTIONS] COMMAND [ARG...]

For OpenFlow switches:
  show SWITCH                 show OpenFlow information
  dump-desc SWITCH            print switch description
  dump-tables SWITCH          print table stats
  mod-port SWITCH IFACE ACT   modify port behavior
  get-frags SWITCH            print fragment handling behavior
  set-frags SWITCH FRAG_MODE  set fragment handling behavior
      FRAG_MODE: normal, drop, reassemble, nx-match
  dump-ports SWITCH [PORT]    print port statistics
  dump-ports-desc SWITCH [PORT]  print port descriptions
  dump-flows SWITCH           print all flow entries
  dump-flows SWITCH FLOW      print matching FLOWs
  dump-aggregate SWITCH       print aggregate flow statistics
  dump-aggregate SWITCH FLOW  print aggregate stats for FLOWs
  queue-stats SWITCH [PORT [QUEUE]]  dump queue stats
  add-flow SWITCH FLOW        add flow described by FLOW
  add-flows SWITCH FILE       add flows from FILE
  mod-flows SWITCH FLOW       modify actions of matching FLOWs
  del-flows SWITCH [FLOW]     delete matching FLOWs
  replace-flows SWITCH FILE   replace flows with those in FILE
  diff-flows SOURCE1 SOURCE2  compare flows from two sources
  packet-out SWITCH IN_PORT ACTIONS PACKET...
                              execute ACTIONS on PACKET
  monitor SWITCH [MISSLEN] [invalid_ttl] [watch:[...]]
                              print packets received from SWITCH
  add-group SWITCH GROUP      add group described by GROUP
  add-groups SWITCH FILE      add group from FILE
  [--may-create] mod-group SWITCH GROUP   modify specific group
  del-groups SWITCH [GROUP]   delete matching GROUPs
  insert-buckets SWITCH [GROUP] add buckets to GROUP
  remove-buckets SWITCH [GROUP] remove buckets from GROUP
  dump-group-features SWITCH  print group features
  dump-groups SWITCH [GROUP]  print group description
  dump-group-stats SWITCH [GROUP]  print group statistics
  queue-get-config SWITCH [PORT]  print queue config for PORT
  add-meter SWITCH METER      add meter described by METER
  mod-meter SWITCH METER      modify specific METER
  del-meters SWITCH [METER]   delete meters matching METER
  dump-meters SWITCH [METER]  print METER configuration
  meter-stats SWITCH [METER]  print meter statistics
  meter-features SWITCH       print meter features

For OpenFlow switches and controllers:
  probe TARGET                probe whether TARGET is up
  ping TARGET [N]             latency of N-byte echos
  ct-flush-zone SWITCH ZONE   flush conntrack entries in ZONE
SWITCH or TARGET is an active OpenFlow connection method:
  BRIDGE                      bridge's management socket <rundir>/BRIDGE.mgmt
  tcp:HOST[:PORT]             PORT (default: 6653) at remote HOST
  unix:FILE                   Unix domain socket named FILE

OpenFlow version options:
  -V, --version           display version information
  -O, --protocols         set allowed OpenFlow versions
                          (default: OpenFlow10)

Other options:
  --strict                    use strict match for flow commands
  --read-only                 do not execute read/write commands
  --readd                     replace flows that haven't changed
  -m, --more                  be more verbose printing OpenFlow
  --timestamp                 (monitor) print timestamps
  -t, --timeout=SECS          give up after SECS seconds
  --sort[=field]              sort in ascending order
  --rsort[=field]             sort in descending order
  --names                     show port names instead of numbers
  --no-names                  show port numbers, but not names
  --no-stats                  do not show statistics in dump-flows
  --bundle                    modify flows atomically (OpenFlow 1.4)
  --may-create                mod-group adds the group if it is missing
  --rundir=DIR                run directory (default $TSOVS_RUNDIR, $XDG_RUNTIME_DIR/tsovs, ~/.local/state/tsovs/run)
  -h, --help                  display this help message
`;
}

const VERSION_NAMES: Record<string, number> = {
  openflow10: 1, openflow11: 2, openflow12: 3, openflow13: 4, openflow14: 5, openflow15: 6,
};

/** OVS ofputil_versions_from_string: names separated by commas or white space. */
function parseVersions(s: string): number {
  let bitmap = 0;
  for (const key of s.split(/[,\s]+/).filter((x) => x)) {
    const v = VERSION_NAMES[key.toLowerCase()];
    if (!v) throw new CliError(`Unknown OpenFlow version: "${key}"`);
    bitmap |= 1 << v;
  }
  return bitmap;
}

const FLOW_FORMAT = /^(any|openflow10|nxm|oxm|openflow1[0-5]|oxm-openflow1[2-5]|(openflow10|nxm)[+-]table_id)$/i;
const PACKET_IN_FORMATS = new Set(['standard', 'openflow10', 'nxt_packet_in', 'nxm', 'nxt_packet_in2']);
const COLOR_WHEN = new Set(['always', 'yes', 'force', 'never', 'no', 'none', 'auto', 'tty', 'if-tty']);

/** -F: checked as OVS does (tsovs-ofctl picks the flow format from the OpenFlow version). */
function checkFlowFormat(v: string): string {
  if (!v.split(',').every((f) => FLOW_FORMAT.test(f))) throw new CliError(`${v}: unknown flow protocol`);
  return v;
}

function checkPacketInFormat(v: string): string {
  if (!PACKET_IN_FORMATS.has(v)) throw new CliError(`unknown packet-in format \`${v}'`);
  return v;
}

function checkColor(v: string): string {
  const when = optionalValue(v);
  if (when !== null && !COLOR_WHEN.has(when.toLowerCase())) throw new CliError(`incorrect value \`${when}' for --color`);
  return v;
}

interface Parsed {
  o: OfctlOptions;
  args: string[];
  timeout: number;
  readOnly: boolean;
}

/**
 * The options of ovs-ofctl 3.1, in its order (what --option lists), and --rundir. Options
 * for daemons, logging and SSL are accepted and ignored, as are --unixctl, --pcap and --raw.
 */
function program(io: Output, sort: SortCriterion[]): Command {
  const addSort = (order: 'asc' | 'desc') => (v: string): string => {
    const field = optionalValue(v);
    if (field !== null && field.toLowerCase() !== 'priority' && !mfFromName(field)) throw new CliError(`${field}: unknown field name`);
    sort.push({ field: field === null || field.toLowerCase() === 'priority' ? null : field, order });
    return v;
  };
  const cmd = ovsCommand(PROG, io)
    .option('-t, --timeout <secs>', 'give up after SECS seconds', (v) => parseSeconds('-t or --timeout', v), 0)
    .option('--strict', 'use strict match for flow commands')
    .option('--readd', 'replace flows that haven\'t changed')
    .option('-F, --flow-format <format>', 'force particular flow format', checkFlowFormat)
    .option('-P, --packet-in-format <frmt>', 'force particular packet in format', checkPacketInFormat)
    .option('-m, --more', 'be more verbose printing OpenFlow', (_v: string, n: number) => n + 1, 0)
    .option('--timestamp', '(monitor) print timestamps')
    .option('--sort [field]', 'sort in ascending order', addSort('asc'))
    .option('--rsort [field]', 'sort in descending order', addSort('desc'))
    .option('--names', 'show port names instead of numbers')
    .option('--no-names', 'show port numbers, but not names')
    .option('--stats', 'show statistics in dump-flows')
    .option('--no-stats', 'do not show statistics in dump-flows')
    .option('--unixctl <socket>', 'ignored');
  addHelpOption(cmd, io, usage);
  addOptionListOption(cmd, io);
  cmd
    .option('--bundle', 'modify flows atomically (OpenFlow 1.4)')
    .option('--color [when]', 'checked, then ignored', checkColor)
    .option('--may-create', 'mod-group adds the group if it is missing')
    .option('--pcap', 'ignored')
    .option('--raw', 'ignored')
    .option('--read-only', 'do not execute read/write commands');
  for (const f of ['--detach', '--no-self-confinement', '--no-chdir', '--pidfile [file]', '--overwrite-pidfile', '--monitor', '--user <user>']) {
    cmd.option(f, 'daemon option, ignored');
  }
  cmd
    .version(`${programVersion(PROG)}\nOpenFlow versions 0x1:0x6`, '-V, --version', 'display version information')
    .option('-O, --protocols <versions>', 'set allowed OpenFlow versions', parseVersions, 1 << 1);
  for (const f of ['-v, --verbose [spec]', '--log-file [file]', '--syslog-method <method>', '--syslog-target <target>']) {
    cmd.option(f, 'logging option, ignored');
  }
  for (const f of ['-p, --private-key <file>', '-c, --certificate <file>', '-C, --ca-cert <file>', '--ssl-protocols <protocols>', '--ssl-ciphers <ciphers>']) {
    cmd.option(f, 'SSL option, ignored');
  }
  return cmd.option('--rundir <dir>', 'run directory');
}

interface ProgramOptions {
  timeout: number;
  strict?: boolean;
  readd?: boolean;
  more: number;
  timestamp?: boolean;
  names?: boolean;
  stats?: boolean;
  bundle?: boolean;
  mayCreate?: boolean;
  readOnly?: boolean;
  protocols: number;
  rundir?: string;
}

/** Parses the command line; null when it only asked for help, the version or the option list. */
function parseArgs(argv: string[], io: Output, interactive: boolean, readStdin: () => Promise<string>): Parsed | null {
  const sort: SortCriterion[] = [];
  const cmd = program(io, sort);
  const args = parseCommandLine(cmd, argv);
  if (args === null) return null;
  const p = cmd.opts<ProgramOptions>();
  if (sort.length) sort.push({ field: null, order: 'desc' });
  const o: OfctlOptions = {
    versions: p.protocols,
    rundir: defaultRundir(p.rundir),
    strict: p.strict === true,
    names: p.names === undefined ? -1 : p.names ? 1 : 0,
    stats: p.stats !== false,
    sort,
    bundle: p.bundle === true,
    readd: p.readd === true,
    mayCreate: p.mayCreate === true,
    verbosity: p.more,
    timestamp: p.timestamp === true,
    interactive,
    readStdin,
  };
  if (o.bundle && !(o.versions & versionsFromProtocols(P_OF13_UP))) {
    o.versions |= 1 << 5;
    o.versions &= versionsFromProtocols(P_OF13_UP);
  }
  return { o, args, timeout: p.timeout, readOnly: p.readOnly === true };
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface OfctlRunOptions {
  /** Treat stdout as a terminal (names shown by default). */
  interactive?: boolean;
  /** Standard input for "-" files. */
  stdin?: () => Promise<string>;
  /** Stops long-running verbs (monitor). */
  signal?: AbortSignal;
}

/** Runs tsovs-ofctl with `argv`; resolves the exit status. */
export async function ofctlMain(argv: string[], io: Output = processOutput, run: OfctlRunOptions = {}): Promise<number> {
  resetXids();
  return runTool(
    PROG,
    async () => {
      const interactive = run.interactive ?? (io === processOutput && process.stdout.isTTY === true);
      const p = parseArgs(argv, io, interactive, run.stdin ?? readAllStdin);
      if (p === null) return 0;
      const { verb, rest } = findVerb(VERBS, p.args, p.readOnly);
      const ctx = new OfctlContext(p.o, io);
      const body = verb.run(ctx, rest, run.signal).then((r) => (typeof r === 'number' ? r : 0));
      if (!p.timeout) return body;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<number>((_, reject) => {
        timer = setTimeout(() => reject(new CliError('timeout expired', 142)), p.timeout * 1000);
      });
      try {
        return await Promise.race([body, expired]);
      } finally {
        clearTimeout(timer);
      }
    },
    io,
  );
}
