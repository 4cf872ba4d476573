/*
 * Parse datapath actions in OVS's text form (what formatDpActions and `ovs-dpctl
 * dump-flows` print, and what `ovs-dpctl add-flow` takes) into DpAction data.
 * `set(attr(...))` becomes a non-masked SET when it gives every writable field of the
 * attribute exactly, otherwise a SET_MASKED, as OVS's parser decides. Errors are thrown
 * as Error naming the bad action.
 */

import {
  FLOW_WORDS,
  W_TUN_DST,
  W_TUN_GBP,
  W_TUN_ID,
  W_TUN_IPV6_DST,
  W_TUN_IPV6_SRC,
  W_TUN_MISC,
  W_TUN_SRC,
  W_TUN_TP,
} from '../flow/layout.js';
import { ODP_ATTR_NAME, OdpAttr } from '../flow/odp-attr.js';
import { odpAttrOf, parseDpAttrInto } from '../flow/odp-key-parse.js';
import { hexToBytes, parseUintC, tokenizeOdp, type OdpNode } from '../flow/odp-text.js';
import { DpActionType, SetAttr, type DpAction } from './actions.js';
import { HASH_ALG_L4, HASH_ALG_SYM_L4 } from './dp-hash.js';
import { SET_ATTR_MASKS } from './set-fields.js';

export interface DpActionsParseOptions {
  /** Port name -> number, for output actions and in_port() in set actions. */
  portNumber?: (name: string) => number | undefined;
  /**
   * Userspace userdata given as text other than userdata(hex), e.g. `controller(...)`:
   * return its bytes, or undefined if not recognised.
   */
  userdataParser?: (text: string, node: OdpNode) => Uint8Array | undefined;
}

function fail(where: string, why: string): never {
  throw new Error(`${where}: ${why}`);
}

const UNSUPPORTED = new Set([
  'ct',
  'ct_clear',
  'tnl_push',
  'tnl_pop',
  'check_pkt_len',
  'lb_output',
  'push_eth',
  'pop_eth',
  'add_mpls',
  'psample',
  'push_nsh',
  'pop_nsh',
  'dec_ttl',
]);

/** `name=value` items of an action node, each name once, all in `allowed`. */
function namedArgs(node: OdpNode, allowed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of node.args!) {
    const eq = item.name.indexOf('=');
    if (item.args !== null || eq <= 0) fail(node.text, `expected field=value, not '${item.text}'`);
    const f = item.name.slice(0, eq);
    if (!allowed.includes(f)) fail(node.text, `unknown field '${f}' (expected ${allowed.join(', ')})`);
    if (out.has(f)) fail(node.text, `field '${f}' given twice`);
    out.set(f, item.name.slice(eq + 1));
  }
  return out;
}

function num(node: OdpNode, text: string | undefined, field: string, max: number): number {
  if (text === undefined) fail(node.text, `missing ${field}=`);
  const v = parseUintC(text, max);
  if (v === null) fail(node.text, `invalid ${field}=${text} (expected a number 0..${max})`);
  return v;
}

function singleNum(node: OdpNode, max: number): number {
  const args = node.args!;
  if (args.length !== 1 || args[0]!.args !== null) fail(node.text, 'expected one number');
  const v = parseUintC(args[0]!.name, max);
  if (v === null) fail(node.text, `invalid number '${args[0]!.name}' (0..${max})`);
  return v;
}

/** Tunnel fields as (words, bits in each word): a set(tunnel()) gives each exactly or not at all. */
const TUNNEL_FIELDS: ReadonlyArray<readonly [readonly number[], number]> = [
  [[W_TUN_ID, W_TUN_ID + 1], 0xffffffff],
  [[W_TUN_SRC], 0xffffffff],
  [[W_TUN_DST], 0xffffffff],
  [[W_TUN_IPV6_SRC, W_TUN_IPV6_SRC + 1, W_TUN_IPV6_SRC + 2, W_TUN_IPV6_SRC + 3], 0xffffffff],
  [[W_TUN_IPV6_DST, W_TUN_IPV6_DST + 1, W_TUN_IPV6_DST + 2, W_TUN_IPV6_DST + 3], 0xffffffff],
  [[W_TUN_MISC], 0xff000000],
  [[W_TUN_MISC], 0x00ff0000],
  [[W_TUN_MISC], 0x0000000f],
  [[W_TUN_TP], 0xffff0000],
  [[W_TUN_TP], 0x0000ffff],
  [[W_TUN_GBP], 0xffff0000],
  [[W_TUN_GBP], 0x0000ff00],
];

function tunnelMaskPartial(mask: Uint32Array): boolean {
  for (const [words, bits] of TUNNEL_FIELDS) {
    let any = false;
    let all = true;
    for (const w of words) {
      const got = (mask[w]! & bits) >>> 0;
      if (got !== 0) any = true;
      if (got !== bits >>> 0) all = false;
    }
    if (any && !all) return true;
  }
  return false;
}

function parseSet(node: OdpNode, opts: DpActionsParseOptions | undefined): DpAction {
  const args = node.args!;
  if (args.length !== 1) fail(node.text, 'expected set(attribute(...))');
  const attrNode = args[0]!;
  const attr = odpAttrOf(attrNode);
  if (attr > SetAttr.CT_STATE) fail(node.text, `'${ODP_ATTR_NAME[attr]}' cannot be set`);
  const setAttr = attr as number as SetAttr;
  const key = new Uint32Array(FLOW_WORDS);
  const mask = new Uint32Array(FLOW_WORDS);
  parseDpAttrInto(attr, attrNode, key, mask, opts);
  const allowed = SET_ATTR_MASKS[setAttr]!;

  if (attr === OdpAttr.TUNNEL) {
    // A tunnel set replaces the whole tunnel metadata; fields not given become zero.
    if (tunnelMaskPartial(mask)) fail(node.text, 'masked set of tunnel metadata is not supported');
    for (let w = 0; w < allowed.length; w++) {
      key[w] = key[w]! & allowed[w]!;
      mask[w] = allowed[w]!;
    }
    return { type: DpActionType.SET, attr: setAttr, key, mask };
  }

  let covered = true;
  let extra = false;
  for (let w = 0; w < FLOW_WORDS; w++) {
    const a = w < allowed.length ? allowed[w]! : 0;
    if ((mask[w]! & a) >>> 0 !== a) covered = false;
    if ((mask[w]! & ~a) !== 0) extra = true;
  }
  if (covered) {
    mask.fill(0);
    mask.set(allowed);
    return { type: DpActionType.SET, attr: setAttr, key, mask };
  }
  if (extra) fail(node.text, `a masked set can write only the writable ${attrNode.name} fields (not proto or frag)`);
  return { type: DpActionType.SET_MASKED, attr: setAttr, key, mask };
}

function parseUserspace(node: OdpNode, opts: DpActionsParseOptions | undefined): DpAction {
  const args = node.args!;
  const first = args[0];
  if (first === undefined || first.args !== null || !first.name.startsWith('pid=')) fail(node.text, 'expected userspace(pid=N,...)');
  const pid = num(node, first.name.slice(4), 'pid', 0xffffffff);
  let userdata: Uint8Array | null = null;
  for (let i = 1; i < args.length; i++) {
    const item = args[i]!;
    if (userdata !== null) fail(node.text, `unexpected '${item.text}' after the userdata`);
    if (item.name === 'userdata' && item.args !== null) {
      const hex = item.args.length === 0 ? '' : item.args.length === 1 && item.args[0]!.args === null ? item.args[0]!.name : null;
      const bytes = hex === null ? null : hexToBytes(hex);
      if (bytes === null) fail(node.text, `invalid userdata '${item.text}' (expected hex bytes)`);
      userdata = bytes;
      continue;
    }
    const custom = opts?.userdataParser?.(item.text, item);
    if (custom !== undefined) {
      userdata = custom;
      continue;
    }
    if (item.name === 'actions' || item.name.startsWith('tunnel_out_port=')) fail(node.text, `'${item.name}' is not supported by tsovs`);
    fail(node.text, `unknown userspace argument '${item.text}'`);
  }
  return { type: DpActionType.USERSPACE, pid, userdata };
}

function parseSample(node: OdpNode, opts: DpActionsParseOptions | undefined, depth: number): DpAction {
  const args = node.args!;
  const pctItem = args[0];
  const actItem = args[1];
  const m = pctItem !== undefined && pctItem.args === null ? /^sample=([0-9]+(?:\.[0-9]*)?)%$/.exec(pctItem.name) : null;
  if (m === null || actItem === undefined || actItem.name !== 'actions' || actItem.args === null || args.length !== 2) {
    fail(node.text, 'expected sample(sample=P%,actions(...))');
  }
  const pct = Number(m[1]);
  if (!(pct >= 0 && pct <= 100)) fail(node.text, `sample percentage ${m[1]} is not in 0..100`);
  const p = Math.floor(0xffffffff * (pct / 100) + 0.5);
  const probability = p <= 0 ? 0 : p >= 0xffffffff ? 0xffffffff : p;
  return { type: DpActionType.SAMPLE, probability, actions: parseList(actItem.args, opts, depth + 1) };
}

function parseAction(node: OdpNode, opts: DpActionsParseOptions | undefined, depth: number): DpAction {
  if (node.args === null) {
    const name = node.name;
    if (/^[0-9]/.test(name)) {
      const port = parseUintC(name, 0xffffffff);
      if (port === null) fail(name, 'invalid output port number');
      return { type: DpActionType.OUTPUT, port };
    }
    if (name === 'drop') return { type: DpActionType.DROP, reason: 0 };
    if (name === 'pop_vlan') return { type: DpActionType.POP_VLAN };
    const port = opts?.portNumber?.(name);
    if (port !== undefined) return { type: DpActionType.OUTPUT, port: port >>> 0 };
    if (UNSUPPORTED.has(name)) fail(name, 'action not supported by tsovs');
    fail(name, 'unknown action or port name');
  }
  switch (node.name) {
    case 'set':
      return parseSet(node, opts);
    case 'push_vlan': {
      const f = namedArgs(node, ['tpid', 'vid', 'pcp', 'cfi']);
      const tpid = f.has('tpid') ? num(node, f.get('tpid'), 'tpid', 0xffff) : 0x8100;
      const vid = num(node, f.get('vid'), 'vid', 0xfff);
      const pcp = num(node, f.get('pcp'), 'pcp', 7);
      const cfi = f.has('cfi') ? num(node, f.get('cfi'), 'cfi', 1) : 1;
      return { type: DpActionType.PUSH_VLAN, tpid, tci: vid | (pcp << 13) | (cfi << 12) };
    }
    case 'push_mpls': {
      const f = namedArgs(node, ['label', 'tc', 'ttl', 'bos', 'eth_type']);
      const label = num(node, f.get('label'), 'label', 0xfffff);
      const tc = num(node, f.get('tc'), 'tc', 7);
      const ttl = num(node, f.get('ttl'), 'ttl', 0xff);
      const bos = num(node, f.get('bos'), 'bos', 1);
      const ethertype = num(node, f.get('eth_type'), 'eth_type', 0xffff);
      return { type: DpActionType.PUSH_MPLS, ethertype, lse: ((label << 12) | (tc << 9) | (bos << 8) | ttl) >>> 0 };
    }
    case 'pop_mpls': {
      const f = namedArgs(node, ['eth_type']);
      return { type: DpActionType.POP_MPLS, ethertype: num(node, f.get('eth_type'), 'eth_type', 0xffff) };
    }
    case 'recirc':
      return { type: DpActionType.RECIRC, id: singleNum(node, 0xffffffff) };
    case 'trunc':
      return { type: DpActionType.TRUNC, maxLen: singleNum(node, 0xffffffff) };
    case 'meter':
      return { type: DpActionType.METER, meterId: singleNum(node, 0xffffffff) };
    case 'hash': {
      const inner = node.args.length === 1 ? node.args[0]! : null;
      if (inner === null || inner.args === null || (inner.name !== 'l4' && inner.name !== 'sym_l4')) {
        fail(node.text, 'expected hash(l4(N)) or hash(sym_l4(N))');
      }
      const alg = inner.name === 'l4' ? HASH_ALG_L4 : HASH_ALG_SYM_L4;
      return { type: DpActionType.HASH, alg, basis: singleNum(inner, 0xffffffff) };
    }
    case 'sample':
      return parseSample(node, opts, depth);
    case 'clone':
      return { type: DpActionType.CLONE, actions: parseList(node.args, opts, depth + 1) };
    case 'userspace':
      return parseUserspace(node, opts);
    default:
      if (UNSUPPORTED.has(node.name)) fail(node.text, 'action not supported by tsovs');
      fail(node.text, `unknown action '${node.name}'`);
  }
}

function parseList(nodes: OdpNode[], opts: DpActionsParseOptions | undefined, depth: number): DpAction[] {
  return nodes.map((n) => parseAction(n, opts, depth));
}

/**
 * Parse a datapath action list (`set(eth(dst=..)),2`, `drop`, ...). `drop` gives a DROP
 * action (reason 0); output ports may be names when `opts.portNumber` resolves them.
 */
export function parseDpActions(text: string, opts?: DpActionsParseOptions): DpAction[] {
  const nodes = tokenizeOdp(text);
  if (nodes.length === 0) fail(`"${text}"`, 'empty action list (use drop)');
  return parseList(nodes, opts, 0);
}
