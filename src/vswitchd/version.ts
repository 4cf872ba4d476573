/*
 * The tsovs version, read once from package.json (dist/src/vswitchd -> repository root),
 * and the `--version` / `version` strings in OVS's shape ("ovs-vswitchd (Open vSwitch) 3.3.0").
 */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tsovs' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

export const TSOVS_VERSION = readVersion();

/** `<program> (tsovs) <version>`. */
export function programVersion(program: string): string {
  return `${program} (tsovs) ${TSOVS_VERSION}`;
}
