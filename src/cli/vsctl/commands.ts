/*
 * tsovs-vsctl's command table (OVS vsctl_commands + db_ctl_commands): name, argument counts,
 * the argument syntax as OVS writes it (--commands marks it up), the options each command
 * accepts ("--may-exist", "--id=" takes a value), and its function.
 */
import type { VsctlContext } from './context.js';
import * as br from './bridge-commands.js';
import * as db from './db-commands.js';
import { cmdShow } from './show.js';

export interface CommandSyntax {
  name: string;
  min: number;
  max: number;
  usage: string;
  help: string;
  /** Comma-separated options; a trailing "=" means the option takes a value. */
  options: string;
  run(ctx: VsctlContext): void;
}

const MAX = Number.MAX_SAFE_INTEGER;

function cmd(name: string, min: number, max: number, usage: string, options: string, help: string, run: (ctx: VsctlContext) => void): CommandSyntax {
  return { name, min, max, usage, options, help, run };
}

export const COMMANDS: readonly CommandSyntax[] = [
  cmd('init', 0, 0, '', '', 'initialize database, if not yet initialized', () => undefined),
  cmd('show', 0, 0, '', '', 'print overview of database contents', cmdShow),
  cmd('comment', 0, MAX, '[ARG]...', '', 'do nothing', () => undefined),

  cmd('add-br', 1, 3, 'NEW-BRIDGE [PARENT] [NEW-VLAN]', '--may-exist', 'create a new bridge named BRIDGE', br.cmdAddBr),
  cmd('del-br', 1, 1, 'BRIDGE', '--if-exists', 'delete BRIDGE and all of its ports', br.cmdDelBr),
  cmd('list-br', 0, 0, '', '--real,--fake', 'print the names of all the bridges', br.cmdListBr),
  cmd('br-exists', 1, 1, 'BRIDGE', '', 'exit 2 if BRIDGE does not exist', br.cmdBrExists),
  cmd('br-to-vlan', 1, 1, 'BRIDGE', '', 'print the VLAN which BRIDGE is on (always 0)', br.cmdBrToVlan),
  cmd('br-to-parent', 1, 1, 'BRIDGE', '', 'print the parent of BRIDGE (itself)', br.cmdBrToParent),
  cmd('br-set-external-id', 2, 3, 'BRIDGE KEY [VALUE]', '', 'set or unset KEY on BRIDGE', br.cmdBrSetExternalId),
  cmd('br-get-external-id', 1, 2, 'BRIDGE [KEY]', '', 'print KEY (or all keys) of BRIDGE', br.cmdBrGetExternalId),

  cmd('list-ports', 1, 1, 'BRIDGE', '', 'print the names of all the ports on BRIDGE', br.cmdListPorts),
  cmd('add-port', 2, MAX, 'BRIDGE NEW-PORT [COLUMN[:KEY]=VALUE]...', '--may-exist', 'add network device PORT to BRIDGE', br.cmdAddPort),
  cmd('del-port', 1, 2, '[BRIDGE] PORT|IFACE', '--if-exists,--with-iface', 'delete PORT from BRIDGE', br.cmdDelPort),
  cmd('port-to-br', 1, 1, 'PORT', '', 'print name of bridge that contains PORT', br.cmdPortToBr),
  cmd('list-ifaces', 1, 1, 'BRIDGE', '', 'print the names of all interfaces on BRIDGE', br.cmdListIfaces),
  cmd('iface-to-br', 1, 1, 'IFACE', '', 'print name of bridge that contains IFACE', br.cmdIfaceToBr),

  cmd('get-controller', 1, 1, 'BRIDGE', '', 'print the controllers for BRIDGE', br.cmdGetController),
  cmd('del-controller', 1, 1, 'BRIDGE', '', 'delete the controllers for BRIDGE', br.cmdDelController),
  cmd('set-controller', 1, MAX, 'BRIDGE TARGET...', '--inactivity-probe=', 'set the controllers for BRIDGE', br.cmdSetController),
  cmd('get-fail-mode', 1, 1, 'BRIDGE', '', 'print the fail-mode for BRIDGE', br.cmdGetFailMode),
  cmd('del-fail-mode', 1, 1, 'BRIDGE', '', 'delete the fail-mode for BRIDGE', br.cmdDelFailMode),
  cmd('set-fail-mode', 2, 2, 'BRIDGE MODE', '', 'set the fail-mode for BRIDGE to MODE', br.cmdSetFailMode),

  cmd('get', 2, MAX, 'TABLE RECORD [COLUMN[:KEY]]...', '--if-exists,--id=', 'print values of COLUMNs in RECORD', db.cmdGet),
  cmd('list', 1, MAX, 'TABLE [RECORD]...', '--if-exists,--columns=', 'list RECORDs (or all records) in TABLE', db.cmdList),
  cmd('find', 1, MAX, 'TABLE [COLUMN[:KEY]=VALUE]...', '--columns=', 'list records satisfying conditions', db.cmdFind),
  cmd('set', 3, MAX, 'TABLE RECORD COLUMN[:KEY]=VALUE...', '--if-exists', 'set COLUMN values in RECORD', db.cmdSet),
  cmd('add', 4, MAX, 'TABLE RECORD COLUMN [KEY=]VALUE...', '--if-exists', 'add (KEY=)VALUE to COLUMN in RECORD', db.cmdAdd),
  cmd('remove', 4, MAX, 'TABLE RECORD COLUMN KEY|VALUE|KEY=VALUE...', '--if-exists', 'remove (KEY=)VALUE from COLUMN', db.cmdRemove),
  cmd('clear', 3, MAX, 'TABLE RECORD COLUMN...', '--if-exists', 'clear values from COLUMN in RECORD', db.cmdClear),
  cmd('create', 2, MAX, 'TABLE COLUMN[:KEY]=VALUE...', '--id=', 'create and initialize a new record', db.cmdCreate),
  cmd('destroy', 1, MAX, 'TABLE [RECORD]...', '--if-exists,--all', 'delete RECORD from TABLE', db.cmdDestroy),
];
