/*
 * tsovs-ofctl: OVS ovs-ofctl for tsovs. `tsovs-ofctl [OPTIONS] COMMAND SWITCH [ARG...]` where
 * SWITCH is a bridge name (<rundir>/<bridge>.mgmt) or an active target (tcp:HOST:PORT,
 * unix:PATH). Options may appear anywhere (GNU getopt order); output and error messages
 * follow ovs-ofctl's, with "tsovs-ofctl:" as the program name.
 */
import { mfFromName } from '../../flow/meta-flow.js';
import { defaultRundir } from '../../vswitchd/rundir.js';
import { programVersion } from '../../vswitchd/version.js';
import { CliError, processOutput, runTool, type Output } from '../cli-util.js';
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

interface Command {
  name: string;
  usage: string;
  min: number;
  max: number;
  run: Handler;
}

const MAX = Number.MAX_SAFE_INTEGER;

const COMMANDS: readonly Command[] = [
  { name: 'show', usage: 'switch', min: 1, max: 1, run: show },
  { name: 'monitor', usage: 'switch [misslen] [invalid_ttl]', min: 1, max: 3, run: monitor },
  { name: 'dump-desc', usage: 'switch', min: 1, max: 1, run: dumpDesc },
  { name: 'dump-tables', usage: 'switch', min: 1, max: 1, run: dumpTables },
  { name: 'dump-flows', usage: 'switch', min: 1, max: 2, run: dumpFlows },
  { name: 'dump-aggregate', usage: 'switch', min: 1, max: 2, run: dumpAggregate },
  { name: 'queue-stats', usage: 'switch [port [queue]]', min: 1, max: 3, run: queueStats },
  { name: 'queue-get-config', usage: 'switch [port [queue]]', min: 1, max: 3, run: queueGetConfig },
  { name: 'add-flow', usage: 'switch flow', min: 2, max: 2, run: addFlow },
  { name: 'add-flows', usage: 'switch file', min: 2, max: 2, run: addFlows },
  { name: 'mod-flows', usage: 'switch flow', min: 2, max: 2, run: modFlows },
  { name: 'del-flows', usage: 'switch [flow]', min: 1, max: 2, run: delFlows },
  { name: 'replace-flows', usage: 'switch file', min: 2, max: 2, run: replaceFlows },
  { name: 'diff-flows', usage: 'source1 source2', min: 2, max: 2, run: diffFlows },
  { name: 'add-meter', usage: 'switch meter', min: 2, max: 2, run: addMeter },
  { name: 'mod-meter', usage: 'switch meter', min: 2, max: 2, run: modMeter },
  { name: 'del-meter', usage: 'switch meter', min: 1, max: 2, run: delMeters },
  { name: 'del-meters', usage: 'switch', min: 1, max: 2, run: delMeters },
  { name: 'dump-meter', usage: 'switch meter', min: 1, max: 2, run: dumpMeters },
  { name: 'dump-meters', usage: 'switch', min: 1, max: 2, run: dumpMeters },
  { name: 'meter-stats', usage: 'switch [meter]', min: 1, max: 2, run: meterStats },
  { name: 'meter-features', usage: 'switch', min: 1, max: 1, run: meterFeatures },
  { name: 'packet-out', usage: 'switch "in_port=<port> packet=<hex data> actions=..."', min: 2, max: MAX, run: packetOut },
  { name: 'dump-ports', usage: 'switch [port]', min: 1, max: 2, run: dumpPorts },
  { name: 'dump-ports-desc', usage: 'switch [port]', min: 1, max: 2, run: dumpPortsDesc },
  { name: 'mod-port', usage: 'switch iface act', min: 3, max: 3, run: modPort },
  { name: 'get-frags', usage: 'switch', min: 1, max: 1, run: getFrags },
  { name: 'set-frags', usage: 'switch frag_mode', min: 2, max: 2, run: setFrags },
  { name: 'probe', usage: 'target', min: 1, max: 1, run: probe },
  { name: 'ping', usage: 'target [n]', min: 1, max: 2, run: ping },
  { name: 'ct-flush-zone', usage: 'switch zone', min: 2, max: 2, run: ctFlushZone },
  { name: 'add-group', usage: 'switch group', min: 1, max: 2, run: addGroup },
  { name: 'add-groups', usage: 'switch file', min: 2, max: 2, run: addGroups },
  { name: 'mod-group', usage: 'switch group', min: 1, max: 2, run: modGroup },
  { name: 'del-groups', usage: 'switch [group]', min: 1, max: 2, run: delGroups },
  { name: 'insert-buckets', usage: 'switch [group]', min: 1, max: 2, run: insertBuckets },
  { name: 'remove-buckets', usage: 'switch [group]', min: 1, max: 2, run: removeBuckets },
  { name: 'dump-groups', usage: 'switch [group]', min: 1, max: 2, run: dumpGroups },
  { name: 'dump-group-stats', usage: 'switch [group]', min: 1, max: 2, run: dumpGroupStats },
  { name: 'dump-group-features', usage: 'switch', min: 1, max: 1, run: dumpGroupFeatures },
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
  monitor SWITCH [MISSLEN] [invalid_ttl]
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

interface Parsed {
  o: OfctlOptions;
  args: string[];
  timeout: number;
  help: boolean;
  version: boolean;
}

const WITH_ARG_LONG = new Set(['timeout', 'flow-format', 'packet-in-format', 'unixctl', 'protocols', 'rundir', 'pidfile-name', 'log-file']);
const OPTIONAL_ARG_LONG = new Set(['sort', 'rsort', 'color', 'verbose', 'pidfile', 'log-file', 'monitor', 'detach', 'no-chdir']);
const FLAG_LONG = new Set([
  'strict', 'readd', 'more', 'timestamp', 'names', 'no-names', 'stats', 'no-stats', 'help', 'option', 'bundle',
  'may-create', 'pcap', 'raw', 'read-only', 'version', 'overwrite-pidfile', 'no-self-confinement',
]);
const SHORT_WITH_ARG = new Set(['t', 'F', 'P', 'O']);
const SHORT_FLAGS = new Set(['m', 'h', 'o', 'V', 'v']);

function parseArgs(argv: string[], interactive: boolean, readStdin: () => Promise<string>): Parsed {
  const o: OfctlOptions = {
    versions: 1 << 1,
    rundir: '',
    strict: false,
    names: -1,
    stats: true,
    sort: [],
    bundle: false,
    readd: false,
    mayCreate: false,
    verbosity: 0,
    timestamp: false,
    interactive,
    readStdin,
  };
  let rundir: string | undefined;
  let timeout = 0;
  let help = false;
  let version = false;
  const args: string[] = [];
  const addSort = (order: 'asc' | 'desc', field: string | null): void => {
    if (field === null || field.toLowerCase() === 'priority') {
      o.sort.push({ field: null, order });
      return;
    }
    if (!mfFromName(field)) throw new CliError(`${field}: unknown field name`);
    o.sort.push({ field, order });
  };
  const apply = (name: string, value: string | null): void => {
    switch (name) {
      case 't':
      case 'timeout':
        if (value === null || !/^[0-9]+$/.test(value) || Number(value) === 0) throw new CliError(`value ${value ?? ''} on -t or --timeout is invalid`);
        timeout = Number(value);
        break;
      case 'O':
      case 'protocols':
        o.versions = parseVersions(value ?? '');
        break;
      case 'strict': o.strict = true; break;
      case 'readd': o.readd = true; break;
      case 'm':
      case 'more': o.verbosity++; break;
      case 'timestamp': o.timestamp = true; break;
      case 'sort': addSort('asc', value); break;
      case 'rsort': addSort('desc', value); break;
      case 'names': o.names = 1; break;
      case 'no-names': o.names = 0; break;
      case 'stats': o.stats = true; break;
      case 'no-stats': o.stats = false; break;
      case 'bundle': o.bundle = true; break;
      case 'may-create': o.mayCreate = true; break;
      case 'rundir': rundir = value ?? undefined; break;
      case 'h':
      case 'help': help = true; break;
      case 'V':
      case 'version': version = true; break;
      case 'F':
      case 'flow-format':
        if (!/^(any|openflow10|nxm|oxm|openflow1[0-5]|oxm-openflow1[2-5]|(openflow10|nxm)[+-]table_id)(,(any|openflow10|nxm|oxm|openflow1[0-5]|oxm-openflow1[2-5]|(openflow10|nxm)[+-]table_id))*$/i.test(value ?? '')) {
          throw new CliError(`${value}: unknown flow protocol`);
        }
        break;
      default:
        // Accepted for compatibility and ignored (-v, --color, -P, daemon and logging options).
        break;
    }
  };
  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const inline = eq >= 0 ? a.slice(eq + 1) : null;
      if (WITH_ARG_LONG.has(name) && !OPTIONAL_ARG_LONG.has(name)) {
        let v = inline;
        if (v === null) {
          if (i + 1 >= argv.length) throw new CliError(`option '--${name}' requires an argument`);
          v = argv[++i]!;
        }
        apply(name, v);
      } else if (OPTIONAL_ARG_LONG.has(name)) {
        apply(name, inline);
      } else if (FLAG_LONG.has(name)) {
        if (inline !== null) throw new CliError(`option '--${name}' doesn't allow an argument`);
        apply(name, null);
      } else {
        throw new CliError(`unrecognized option '${a}'`);
      }
      i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      let j = 1;
      while (j < a.length) {
        const c = a[j]!;
        if (SHORT_WITH_ARG.has(c)) {
          let v = a.slice(j + 1);
          if (v === '') {
            if (i + 1 >= argv.length) throw new CliError(`option requires an argument -- '${c}'`);
            v = argv[++i]!;
          }
          apply(c, v);
          break;
        }
        if (!SHORT_FLAGS.has(c)) throw new CliError(`invalid option -- '${c}'`);
        apply(c, null);
        j++;
      }
      i++;
      continue;
    }
    args.push(a);
    i++;
  }
  if (o.sort.length) o.sort.push({ field: null, order: 'desc' } satisfies SortCriterion);
  if (o.bundle && !(o.versions & versionsFromProtocols(P_OF13_UP))) {
    o.versions |= 1 << 5;
    o.versions &= versionsFromProtocols(P_OF13_UP);
  }
  o.rundir = defaultRundir(rundir);
  return { o, args, timeout, help, version };
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
      const p = parseArgs(argv, interactive, run.stdin ?? readAllStdin);
      if (p.help) {
        io.out(usage());
        return 0;
      }
      if (p.version) {
        io.out(`${programVersion(PROG)}\nOpenFlow versions 0x1:0x6\n`);
        return 0;
      }
      if (!p.args.length) throw new CliError('missing command name; use --help for help');
      const [name, ...args] = p.args as [string, ...string[]];
      const cmd = COMMANDS.find((c) => c.name === name);
      if (!cmd) throw new CliError(`unknown command '${name}'; use --help for help`);
      if (args.length < cmd.min) throw new CliError(`'${name}' command requires at least ${cmd.min} arguments`);
      if (args.length > cmd.max) throw new CliError(`'${name}' command takes at most ${cmd.max} arguments`);
      const ctx = new OfctlContext(p.o, io);
      const body = cmd.run(ctx, args, run.signal).then((r) => (typeof r === 'number' ? r : 0));
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
