/*
 * The trace tree translation builds for ofproto/trace (OVS struct oftrace_node) and its
 * text form (OVS oftrace_node_print_details): bridges underlined with dashes, tables and
 * actions indented four spaces per level, details as " -> ", warnings as " >> ", errors
 * as " >>>> ... <<<<".
 */

export const TraceNodeType = {
  BRIDGE: 0,
  TABLE: 1,
  THAW: 2,
  ACTION: 3,
  DETAIL: 4,
  WARN: 5,
  ERROR: 6,
  BUCKET: 7,
} as const;
export type TraceNodeType = (typeof TraceNodeType)[keyof typeof TraceNodeType];

export interface TraceNode {
  readonly type: TraceNodeType;
  readonly text: string;
  readonly subs: TraceNode[];
}

function isTerminal(t: TraceNodeType): boolean {
  return t !== TraceNodeType.BRIDGE && t !== TraceNodeType.TABLE && t !== TraceNodeType.THAW;
}

/** Appends the text of `nodes` at indentation `level` to `out` (OVS's layout exactly). */
export function printTraceNodes(out: string[], nodes: readonly TraceNode[], level: number): void {
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.type === TraceNodeType.BRIDGE) out.push('\n');
    const more = i < nodes.length - 1 || isTerminal(n.type) ? 1 : 0;
    const pad = ' '.repeat((level + more) * 4);
    switch (n.type) {
      case TraceNodeType.DETAIL:
        out.push(pad + ' -> ' + n.text + '\n');
        break;
      case TraceNodeType.WARN:
        out.push(pad + ' >> ' + n.text + '\n');
        break;
      case TraceNodeType.ERROR:
        out.push(pad + ' >>>> ' + n.text + ' <<<<\n');
        break;
      case TraceNodeType.BRIDGE:
        out.push(pad + n.text + '\n' + pad + '-'.repeat(n.text.length) + '\n');
        break;
      default:
        out.push(pad + n.text + '\n');
        break;
    }
    printTraceNodes(out, n.subs, level + more + more);
  }
}
