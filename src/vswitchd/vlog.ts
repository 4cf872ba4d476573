/*
 * vlog: OVS-style logging. Modules (bridge, vswitchd, unixctl, ...) log at five levels to
 * three destinations (console = stderr, syslog, file), each with its own level per module,
 * changeable at run time with `vlog/set` and shown by `vlog/list` in OVS's table shape.
 * Lines look like OVS's: `2026-11-24T23:20:00.123Z|00001|bridge|INFO|message`
 * (the console pattern has no milliseconds, as in OVS). Syslog levels are kept for
 * compatibility, but tsovs does not write to syslog.
 */
import * as fs from 'node:fs';

export const VLOG_LEVELS = ['off', 'emer', 'err', 'warn', 'info', 'dbg'] as const;
export type VlogLevel = (typeof VLOG_LEVELS)[number];
export const VLOG_DESTINATIONS = ['console', 'syslog', 'file'] as const;
export type VlogDestination = (typeof VLOG_DESTINATIONS)[number];

const levelRank = (l: VlogLevel): number => VLOG_LEVELS.indexOf(l);

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** ISO-like UTC timestamp as OVS prints it; `ms` adds the milliseconds. */
export function formatTimestamp(d: Date, ms: boolean): string {
  const base =
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return ms ? `${base}.${pad(d.getUTCMilliseconds(), 3)}Z` : `${base}Z`;
}

export interface VlogOptions {
  /** Where console lines go (default: process.stderr). */
  console?: (line: string) => void;
  /** Wall clock for timestamps (default: Date.now). */
  now?: () => number;
}

/** One module's logger. */
export class VlogModule {
  /** Levels indexed by destination (console, syslog, file). */
  readonly levels: VlogLevel[];

  constructor(
    readonly name: string,
    private readonly vlog: Vlog,
    levels: readonly VlogLevel[],
  ) {
    this.levels = [...levels];
  }

  isEnabled(level: VlogLevel): boolean {
    return this.vlog.enabled(this, level);
  }
  emer(msg: string): void {
    this.vlog.log(this, 'emer', msg);
  }
  err(msg: string): void {
    this.vlog.log(this, 'err', msg);
  }
  warn(msg: string): void {
    this.vlog.log(this, 'warn', msg);
  }
  info(msg: string): void {
    this.vlog.log(this, 'info', msg);
  }
  dbg(msg: string): void {
    this.vlog.log(this, 'dbg', msg);
  }
}

/** The logging facility: module registry, levels, destinations. */
export class Vlog {
  private readonly modules = new Map<string, VlogModule>();
  /** Levels a module gets when it is created (changed by setLevels for all modules). */
  private readonly defaults: VlogLevel[] = ['info', 'info', 'info'];
  private seq = 0;
  private fileFd: number | null = null;
  private filePath: string | null = null;
  private readonly consoleOut: (line: string) => void;
  private readonly now: () => number;

  constructor(opts: VlogOptions = {}) {
    this.consoleOut = opts.console ?? ((line) => process.stderr.write(line));
    this.now = opts.now ?? Date.now;
  }

  /** Returns the module called `name`, creating it (with default levels) on first use. */
  module(name: string): VlogModule {
    let m = this.modules.get(name);
    if (!m) {
      m = new VlogModule(name, this, this.defaults);
      this.modules.set(name, m);
    }
    return m;
  }

  get logFile(): string | null {
    return this.filePath;
  }

  enabled(m: VlogModule, level: VlogLevel): boolean {
    const r = levelRank(level);
    return r <= levelRank(m.levels[0]) || (this.fileFd !== null && r <= levelRank(m.levels[2]));
  }

  log(m: VlogModule, level: VlogLevel, msg: string): void {
    const r = levelRank(level);
    const toConsole = r <= levelRank(m.levels[0]);
    const toFile = this.fileFd !== null && r <= levelRank(m.levels[2]);
    if (!toConsole && !toFile) return;
    const n = pad(++this.seq, 5);
    const d = new Date(this.now());
    const tail = `|${n}|${m.name}|${level.toUpperCase()}|${msg}\n`;
    if (toConsole) this.consoleOut(formatTimestamp(d, false) + tail);
    if (toFile) {
      try {
        fs.writeSync(this.fileFd!, formatTimestamp(d, true) + tail);
      } catch {
        // A failing log file must not take the daemon down.
      }
    }
  }

  /** Sets `level` for `module` (null: all modules) at `dest` ('any': all destinations). */
  setLevels(module: VlogModule | null, dest: VlogDestination | 'any', level: VlogLevel): void {
    const mods = module ? [module] : [...this.modules.values(), { levels: this.defaults }];
    for (const m of mods) {
      VLOG_DESTINATIONS.forEach((d, i) => {
        if (dest === 'any' || dest === d) m.levels[i] = level;
      });
    }
  }

  /**
   * Applies one OVS spec (`module:destination:level` in any order, words separated by
   * `:`, `,`, space or tab; `ANY` for all; a missing level means dbg). Returns an error
   * message, or null.
   */
  setFromString(spec: string): string | null {
    const words = spec.split(/[ ,:\t]+/).filter((w) => w.length);
    if (words.length && ['pattern', 'facility'].includes(words[0].toLowerCase())) {
      return `${words[0]} is not supported by tsovs`;
    }
    let module: VlogModule | null = null;
    let level: VlogLevel | null = null;
    let dest: VlogDestination | null = null;
    for (const w of words) {
      const lw = w.toLowerCase();
      if (lw === 'any') continue;
      if ((VLOG_DESTINATIONS as readonly string[]).includes(lw)) {
        if (dest) return 'cannot specify multiple destinations';
        dest = lw as VlogDestination;
      } else if ((VLOG_LEVELS as readonly string[]).includes(lw)) {
        if (level) return 'cannot specify multiple levels';
        level = lw as VlogLevel;
      } else if (this.modules.has(w)) {
        if (module) return 'cannot specify multiple modules';
        module = this.modules.get(w)!;
      } else {
        return `no destination, level, or module "${w}"`;
      }
    }
    this.setLevels(module, dest ?? 'any', level ?? 'dbg');
    return null;
  }

  /** `vlog/list`: OVS's table of levels per module and destination. */
  listLevels(): string {
    const head = '                 console    syslog    file\n                 -------    ------    ------\n';
    const lines = [...this.modules.values()].map((m) => {
      const [c, s, f] = m.levels.map((l) => l.toUpperCase());
      return `${m.name.padEnd(16)}  ${c.padStart(4)}       ${s.padStart(4)}       ${f.padStart(4)}\n`;
    });
    return head + lines.sort().join('');
  }

  /** Starts logging to `file` (appending); null stops file logging. Throws on open errors. */
  setLogFile(file: string | null): void {
    const fd = file === null ? null : fs.openSync(file, 'a', 0o644);
    this.closeFile();
    this.fileFd = fd;
    this.filePath = file;
  }

  /** Re-opens the log file (after rotation). Returns an error message, or null. */
  reopen(): string | null {
    if (this.filePath === null) return null;
    try {
      this.setLogFile(this.filePath);
      return null;
    } catch (e) {
      return `${this.filePath}: ${(e as Error).message}`;
    }
  }

  closeFile(): void {
    if (this.fileFd !== null) {
      try {
        fs.closeSync(this.fileFd);
      } catch {
        // already closed
      }
    }
    this.fileFd = null;
  }
}

/** The process-wide facility the daemon and the bridge layer log through. */
export const vlog = new Vlog();

/** The process-wide logger for `name` (OVS VLOG_DEFINE_THIS_MODULE). */
export function vlogModule(name: string): VlogModule {
  return vlog.module(name);
}
