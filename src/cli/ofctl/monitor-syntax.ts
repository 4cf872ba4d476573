/*
 * ovs-ofctl monitor's "watch:[SPEC]" flow monitor requests (OVS parse_flow_monitor_request):
 * "!initial", "!add", "!delete", "!modify", "!actions", "!own", "table=T", "out_port=P",
 * "out_group=G" and match fields; and flow updates printed as ovs-ofctl prints them
 * (" event=ADDED table=0 cookie=0 in_port=1 actions=drop").
 */
import { applyMatchKeyword, PROTOCOLS } from '../../flow/match-parse.js';
import { formatMatch } from '../../flow/match-format.js';
import { newMatch } from '../../flow/match.js';
import { mfFromName } from '../../flow/meta-flow.js';
import { formatTableId, parseTableId, type PortMap, type TableMap } from '../../flow/ofp-port.js';
import { parseKeyValues } from '../../flow/ofp-text.js';
import type { FlowMonitorRequest, FlowUpdate } from '../../openflow/codec/index.js';
import { formatActions } from '../../openflow/flow-syntax/actions-format.js';

const NXFMF = { INITIAL: 1, ADD: 2, DELETE: 4, MODIFY: 8, ACTIONS: 16, OWN: 32 } as const;

let nextId = 0;

type R<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses the text after "watch:" into a monitor request with the next monitor id. */
export function parseWatch(text: string, ports?: PortMap, tables?: TableMap): R<FlowMonitorRequest> {
  let flags: number = NXFMF.INITIAL | NXFMF.ADD | NXFMF.DELETE | NXFMF.MODIFY | NXFMF.OWN | NXFMF.ACTIONS;
  let tableId = 0xff;
  let outPort = 0xffff;
  let outGroup = 0xffffffff;
  const match = newMatch();
  const clear: Record<string, number> = {
    '!initial': NXFMF.INITIAL, '!add': NXFMF.ADD, '!delete': NXFMF.DELETE, '!modify': NXFMF.MODIFY,
    '!actions': NXFMF.ACTIONS, '!own': NXFMF.OWN, '!abbrev': 0,
  };
  for (const [name, value] of parseKeyValues(text)) {
    if (clear[name] !== undefined) {
      flags &= ~clear[name]!;
    } else if (PROTOCOLS.has(name) || mfFromName(name)) {
      const e = applyMatchKeyword(match, name, value, ports);
      if (typeof e === 'string') return { ok: false, error: e };
    } else {
      if (value === '') return { ok: false, error: `${text}: field ${name} missing value` };
      if (name === 'table') {
        const t = parseTableId(value, tables);
        if (t === null) return { ok: false, error: `unknown table "${value}"` };
        tableId = t;
      } else if (name === 'out_port') {
        outPort = (Number.parseInt(value, 10) || 0) & 0xffff;
      } else if (name === 'out_group') {
        outGroup = (Number.parseInt(value, 10) || 0) >>> 0;
      } else {
        return { ok: false, error: `${text}: unknown keyword ${name}` };
      }
    }
  }
  return { ok: true, value: { id: ++nextId, flags, outPort, outGroup, tableId, command: 0, match } };
}

const REMOVED_REASONS = ['idle', 'hard', 'delete', 'group_delete', 'eviction', 'meter_delete'];

/** One flow update as OVS ofputil_flow_update_format (starting with a newline). */
export function formatFlowUpdate(u: FlowUpdate, ports?: PortMap, tables?: TableMap): string {
  let s = '\n event=';
  switch (u.event) {
    case 0: s += 'ADDED'; break;
    case 1: s += `DELETED reason=${REMOVED_REASONS[u.reason] ?? String(u.reason)}`; break;
    case 2: s += 'MODIFIED'; break;
    case 3: return `${s}ABBREV xid=0x${(u.xid >>> 0).toString(16)}`;
    default: s += String(u.event);
  }
  s += ` table=${formatTableId(u.tableId, tables)}`;
  if (u.idleTimeout) s += ` idle_timeout=${u.idleTimeout}`;
  if (u.hardTimeout) s += ` hard_timeout=${u.hardTimeout}`;
  s += ` cookie=${u.cookie ? `0x${u.cookie.toString(16)}` : '0'} `;
  s += formatMatch(u.match, ports ? { ports } : {});
  if (u.actions !== null && u.actions.length) {
    if (!s.endsWith(' ')) s += ' ';
    s += `actions=${formatActions(u.actions, { ports, tables })}`;
  }
  return s;
}
