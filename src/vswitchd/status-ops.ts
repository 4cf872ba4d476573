/*
 * Turns a bridge host's StatusReport into config operations on the read-only result columns
 * (Interface ofport/mac_in_use/admin_state/link_state/error, Bridge datapath_id, Controller
 * is_connected/role). Names that no longer exist are skipped.
 */
import type { ConfigDoc, ConfigOp, Row } from './config-doc.js';
import type { StatusReport } from './bridge-host.js';
import type { Atom } from './config-data.js';

const optional = (v: Atom | null): Atom[] => (v === null ? [] : [v]);

function byName(rows: Readonly<Record<string, Row>>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [uuid, row] of Object.entries(rows)) m.set(String(row.name), uuid);
  return m;
}

export function statusOps(doc: Readonly<ConfigDoc>, report: StatusReport): ConfigOp[] {
  const ops: ConfigOp[] = [];
  const ifaces = byName(doc.tables.Interface);
  for (const [name, s] of Object.entries(report.interfaces ?? {})) {
    const uuid = ifaces.get(name);
    if (!uuid) continue;
    const row: Row = {};
    if (s.ofport !== undefined) row.ofport = optional(s.ofport);
    if (s.macInUse !== undefined) row.mac_in_use = optional(s.macInUse);
    if (s.adminState !== undefined) row.admin_state = optional(s.adminState);
    if (s.linkState !== undefined) row.link_state = optional(s.linkState);
    if (s.error !== undefined) row.error = optional(s.error);
    if (Object.keys(row).length) ops.push({ op: 'update', table: 'Interface', uuid, row });
  }
  const bridges = byName(doc.tables.Bridge);
  for (const [name, s] of Object.entries(report.bridges ?? {})) {
    const uuid = bridges.get(name);
    if (!uuid || s.datapathId === undefined) continue;
    ops.push({ op: 'update', table: 'Bridge', uuid, row: { datapath_id: optional(s.datapathId) } });
  }
  for (const [uuid, s] of Object.entries(report.controllers ?? {})) {
    if (!doc.tables.Controller[uuid]) continue;
    const row: Row = {};
    if (s.isConnected !== undefined) row.is_connected = s.isConnected;
    if (s.role !== undefined) row.role = optional(s.role);
    if (Object.keys(row).length) ops.push({ op: 'update', table: 'Controller', uuid, row });
  }
  return ops;
}
