/*
 * Reading flow (and group) files as ovs-ofctl does (ds_get_preprocessed_line): one entry per
 * line, "#" starts a comment, blank lines are skipped, "-" is standard input. Errors name the
 * file and line ("flows.txt:3: unknown keyword foo").
 */
import { promises as fsp } from 'node:fs';
import { CliError } from '../cli-util.js';
import { strerror } from './conn.js';
import type { OfctlContext } from './context.js';

export interface FileLine {
  readonly line: number;
  readonly text: string;
}

/** The non-blank lines of `file` with comments removed. `openError` formats a failure to read. */
export async function readLines(ctx: OfctlContext, file: string, openError = (e: string) => `${file}: open failed (${e})`): Promise<FileLine[]> {
  let text: string;
  if (file === '-') {
    text = await ctx.o.readStdin();
  } else {
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (e) {
      throw new CliError(openError(strerror((e as NodeJS.ErrnoException).code)));
    }
  }
  const out: FileLine[] = [];
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((l, i) => {
    const hash = l.indexOf('#');
    const t = hash >= 0 ? l.slice(0, hash) : l;
    if (/[^ \t\n\r]/.test(t)) out.push({ line: i + 1, text: t.replace(/\r$/, '') });
  });
  return out;
}
