/*
 * `tsovs-vsctl show`: the configuration as a tree in the shape of `ovs-vsctl show`
 * (db-ctl-base cmd_show with vsctl's table list): the Open_vSwitch row's uuid, then each
 * Bridge with its controllers, fail_mode, datapath_type and ports, each Port with tag,
 * trunks and interfaces, each Interface with type, options and error, ovs_version last.
 * Referenced rows appear in uuid order, as OVS prints them.
 */
import { tableDef, type TableName } from '../../vswitchd/config-schema.js';
import { datumToString, isDefaultValue, toDatum } from '../../vswitchd/config-data.js';
import type { Row } from '../../vswitchd/config-doc.js';
import type { VsctlContext } from './context.js';

interface ShowTable {
  nameColumn: string | null;
  columns: string[];
}

const SHOW: Partial<Record<TableName, ShowTable>> = {
  Open_vSwitch: { nameColumn: null, columns: ['bridges', 'ovs_version'] },
  Bridge: { nameColumn: 'name', columns: ['controller', 'fail_mode', 'datapath_type', 'ports'] },
  Port: { nameColumn: 'name', columns: ['tag', 'trunks', 'interfaces'] },
  Interface: { nameColumn: 'name', columns: ['type', 'options', 'error'] },
  Controller: { nameColumn: 'target', columns: ['is_connected'] },
};

function showRow(ctx: VsctlContext, table: TableName, uuid: string, row: Row, level: number, out: string[]): void {
  const show = SHOW[table]!;
  const def = tableDef(table);
  const indent = ' '.repeat(level * 4);
  if (show.nameColumn) {
    const c = def.byName.get(show.nameColumn)!;
    out.push(`${indent}${table} ${datumToString(toDatum(row[c.name], c.type), c.type)}`);
  } else {
    out.push(`${indent}${uuid}`);
  }
  for (const name of show.columns) {
    const c = def.byName.get(name)!;
    const ref = c.type.key.refTable;
    if (ref && SHOW[ref]) {
      for (const k of toDatum(row[name], c.type).keys) {
        const r = ctx.rows(ref)[String(k)];
        if (r) showRow(ctx, ref, String(k), r, level + 1, out);
      }
      continue;
    }
    if (!isDefaultValue(row[name], c.type)) {
      out.push(`${' '.repeat((level + 1) * 4)}${name}: ${datumToString(toDatum(row[name], c.type), c.type)}`);
    }
  }
}

export function cmdShow(ctx: VsctlContext): void {
  const out: string[] = [];
  for (const [uuid, row] of Object.entries(ctx.rows('Open_vSwitch'))) showRow(ctx, 'Open_vSwitch', uuid, row, 0, out);
  ctx.output += out.map((l) => `${l}\n`).join('');
}
