/*
 * The commander setup shared by the OVS-style tools (tsovs-ofctl, tsovs-dpctl, tsovs-vsctl,
 * tsovs-appctl). Commander declares and parses the options; this file adds the GNU getopt_long
 * rules that OVS tools follow and commander does not: unique prefixes of long options (--str =
 * --strict), an optional value only after "=" (a bare --sort leaves the next word alone),
 * grouped short options (-mO OpenFlow13), getopt's error messages, and their order: options
 * before a bad one take effect first, so `-V --bogus` prints the version and `-O x --bogus`
 * reports -O. ovs-vsctl and ovs-appctl use getopt's "+" mode: options end at the first operand.
 */
import { Command, CommanderError, type Option } from 'commander';
import { CliError, type Output } from './cli-util.js';

/** What an optional-value option's parser gets when the value is absent (no argv string holds NUL). */
const NO_VALUE = '\0';
/** Put in place of the first malformed option: commander reports it as unknown, in its turn. */
const BAD_OPTION = '--\0';

/** The value given to an option declared `[value]`, or null for the bare option. */
export function optionalValue(v: string): string | null {
  return v === NO_VALUE ? null : v;
}

/** A commander program that writes to `io`, throws instead of exiting, and leaves help to the tool. */
export function ovsCommand(prog: string, io: Output): Command {
  return new Command(prog)
    .helpOption(false)
    .exitOverride()
    .allowExcessArguments()
    .showSuggestionAfterError(false)
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: () => undefined });
}

/** Ends the parse successfully (after help or the option list was printed). */
function finished(): never {
  throw new CommanderError(0, 'tsovs.finished', '');
}

/** Adds an option that prints `text()` and ends the parse successfully as soon as it is reached. */
export function addPrintOption(cmd: Command, io: Output, flags: string, description: string, text: () => string): Command {
  cmd.option(flags, description);
  return cmd.on(`option:${cmd.options[cmd.options.length - 1]!.name()}`, () => {
    io.out(text());
    finished();
  });
}

/** OVS -h/--help: prints `usage` and exits 0 as soon as it is reached. */
export function addHelpOption(cmd: Command, io: Output, usage: () => string): Command {
  return addPrintOption(cmd, io, '-h, --help', 'display this help message', usage);
}

/** OVS -o/--option: lists every option (as ovs_cmdl_print_options) and exits 0. */
export function addOptionListOption(cmd: Command, io: Output): Command {
  return addPrintOption(cmd, io, '-o, --option', 'list all options', () => optionList(cmd.options, 'cmdl'));
}

/**
 * The option list OVS tools print: `cmdl` as ovs_cmdl_print_options (-o: "=[ARG]" for an
 * optional value, "-e " for a short flag), `ctl` as ctl_print_options (ovs-vsctl --options:
 * "=ARG" for any value, "-h" bare).
 */
export function optionList(options: readonly Option[], style: 'cmdl' | 'ctl'): string {
  return options
    .map((o) => {
      const arg = o.required ? 'ARG' : !o.optional ? '' : style === 'cmdl' ? '[ARG]' : 'ARG';
      const long = o.long ? `${o.long}${arg ? `=${arg}` : ''}\n` : '';
      const short = style === 'cmdl' ? `${o.short} ${arg}` : `${o.short}${arg ? ` ${arg}` : ''}`;
      return `${long}${o.short ? `${short}\n` : ''}`;
    })
    .join('');
}

/** How a tool's command line is split into options and operands. */
export interface ParseRules {
  /**
   * getopt's "+" mode (ovs-vsctl, ovs-appctl): options end at the first operand, which and
   * everything after it are the operands, verbatim (words starting with '-' included).
   * Otherwise options may appear anywhere, as getopt_long permutes.
   */
  optionsFirst?: boolean;
}

/**
 * Parses `argv` with `cmd` ("--" ends the options and is dropped). Resolves the operands, or
 * null once help, the version or the option list was printed. A bad option throws CliError
 * with getopt's message; an option's parser may throw its own.
 */
export function parseCommandLine(cmd: Command, argv: readonly string[], rules: ParseRules = {}): string[] | null {
  const { args, error } = toCommanderArgs(cmd.options, argv, rules.optionsFirst === true);
  try {
    cmd.parse(args, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.exitCode === 0) return null;
    throw new CliError(e.code === 'commander.unknownOption' && error !== null ? error : e.message.replace(/^error: /, ''));
  }
  return cmd.args;
}

/** The long option `name` stands for (exact, or a unique prefix), or getopt's complaint. */
function findLong(options: readonly Option[], name: string, arg: string): Option | string {
  const exact = options.find((o) => o.long === name);
  if (exact) return exact;
  const matches = options.filter((o) => o.long?.startsWith(name));
  if (matches.length === 1) return matches[0]!;
  if (!matches.length) return `unrecognized option '${arg}'`;
  return `option '${arg}' is ambiguous; possibilities: ${matches.map((o) => `'${o.long}'`).join(' ')}`;
}

/**
 * Rewrites a GNU command line into one commander reads the same way: long options by their
 * full names, values of required options as the next word, optional values inline (or
 * NO_VALUE), one short option per word, then "--" and the operands when `optionsFirst`.
 * Stops at the first malformed option.
 */
function toCommanderArgs(options: readonly Option[], argv: readonly string[], optionsFirst: boolean): { args: string[]; error: string | null } {
  const args: string[] = [];
  const fail = (error: string): { args: string[]; error: string } => {
    args.push(BAD_OPTION);
    return { args, error };
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (a.length < 2 || a[0] !== '-') {
      if (optionsFirst) {
        args.push('--', ...argv.slice(i));
        break;
      }
      args.push(a);
      continue;
    }
    if (a[1] === '-') {
      const eq = a.indexOf('=');
      const inline = eq < 0 ? null : a.slice(eq + 1);
      const o = findLong(options, eq < 0 ? a : a.slice(0, eq), a);
      if (typeof o === 'string') return fail(o);
      const long = o.long!;
      if (o.required) {
        const v = inline ?? (i + 1 < argv.length ? argv[++i]! : null);
        if (v === null) return fail(`option '${long}' requires an argument`);
        args.push(long, v);
      } else if (o.optional) {
        args.push(`${long}=${inline ?? NO_VALUE}`);
      } else {
        if (inline !== null) return fail(`option '${long}' doesn't allow an argument`);
        args.push(long);
      }
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const o = options.find((x) => x.short === `-${c}`);
      if (!o) return fail(`invalid option -- '${c}'`);
      const rest = a.slice(j + 1);
      if (o.required) {
        const v = rest !== '' ? rest : i + 1 < argv.length ? argv[++i]! : null;
        if (v === null) return fail(`option requires an argument -- '${c}'`);
        args.push(`-${c}`, v);
        break;
      }
      if (o.optional) {
        args.push(`-${c}${rest || NO_VALUE}`);
        break;
      }
      args.push(`-${c}`);
    }
  }
  return { args, error: null };
}
