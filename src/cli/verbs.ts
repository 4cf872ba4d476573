/*
 * Command verbs of the OVS-style tools that take "VERB ARGS..." (tsovs-ofctl, tsovs-dpctl), as
 * OVS's ovs_cmdl_run_command and ovs_cmdl_print_commands handle them: find the verb, check its
 * argument count and read-only mode with OVS's messages, and list the verbs.
 */
import { CliError } from './cli-util.js';

/** No upper bound on a verb's argument count. */
export const ANY_ARGS = Number.MAX_SAFE_INTEGER;

export interface CmdlVerb {
  readonly name: string;
  readonly usage: string;
  /** Arguments after the verb. */
  readonly min: number;
  readonly max: number;
  /** Changes state: refused with --read-only. */
  readonly rw: boolean;
}

/** The verb `args[0]` names, checked against `args` (its arguments are `rest`); CliError as OVS words it. */
export function findVerb<V extends CmdlVerb>(verbs: readonly V[], args: readonly string[], readOnly: boolean): { verb: V; rest: string[] } {
  if (args.length === 0) throw new CliError('missing command name; use --help for help');
  const [name, ...rest] = args as [string, ...string[]];
  const verb = verbs.find((c) => c.name === name);
  if (verb === undefined) throw new CliError(`unknown command '${name}'; use --help for help`);
  if (rest.length < verb.min) throw new CliError(`'${name}' command requires at least ${verb.min} arguments`);
  if (rest.length > verb.max) throw new CliError(`'${name}' command takes at most ${verb.max} arguments`);
  if (verb.rw && readOnly) throw new CliError(`'${name}' command does not work in read only mode`);
  return { verb, rest };
}

/** `list-commands` (OVS ovs_cmdl_print_commands). */
export function verbList(verbs: readonly CmdlVerb[]): string {
  return `The available commands are:\n${verbs.map((c) => `  ${c.name.padEnd(23)} ${c.usage}\n`).join('')}`;
}
