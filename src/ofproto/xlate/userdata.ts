/*
 * Userdata of `userspace` datapath actions (OVS struct user_action_cookie): what ofproto
 * needs back when the datapath hands a packet up. Two kinds: controller (a packet-in: reason,
 * table, cookie, controller id, max_len, plus the OpenFlow pipeline metadata the packet-in
 * reports: bridge, OpenFlow in_port, metadata and registers) and slow_path (the whole flow
 * is handled in userspace). Text forms follow OVS's format_odp_userspace_action:
 *   controller(reason=1,dont_send=0,continuation=0,recirc_id=1,rule_cookie=0,controller_id=0,max_len=65535)
 *   slow_path(action)
 */
import { N_REGS } from '../../flow/layout.js';

export const USER_ACTION_COOKIE_SLOW_PATH = 2;
export const USER_ACTION_COOKIE_CONTROLLER = 5;

export interface ControllerCookie {
  /** OpenFlow packet-in reason (OFPR_*). */
  readonly reason: number;
  readonly dontSend: boolean;
  readonly continuation: boolean;
  readonly recircId: number;
  /** 64-bit cookie of the rule whose action sent the packet. */
  readonly ruleCookie: bigint;
  readonly controllerId: number;
  readonly maxLen: number;
  readonly tableId: number;
  /** Bridge whose pipeline sent the packet (it may be a patch peer of the input bridge). */
  readonly bridge: string;
  /** OpenFlow in_port within that bridge. */
  readonly inPort: number;
  /** OpenFlow metadata (64 bits) and registers at the time of the action. */
  readonly metadata: bigint;
  readonly regs: Uint32Array;
  /** Userdata of an NXAST_CONTROLLER2 action (bytes), or empty. */
  readonly userdata: Uint8Array;
}

const HEADER = 30;

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}
function get32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
function put64(b: Uint8Array, o: number, v: bigint): void {
  put32(b, o, Number((v >> 32n) & 0xffffffffn));
  put32(b, o + 4, Number(v & 0xffffffffn));
}
function get64(b: Uint8Array, o: number): bigint {
  return (BigInt(get32(b, o)) << 32n) | BigInt(get32(b, o + 4));
}

/*
 * Layout (big-endian): 0 type, 1 flags (1 dont_send, 2 continuation), 2-3 reason,
 * 4-7 recirc_id, 8-15 rule_cookie, 16-17 controller_id, 18-19 max_len, 20 table_id,
 * 21-22 in_port, 23 name length, 24-25 register bitmap, 26-29 userdata length,
 * then name, metadata (8), the registers that are non-zero (4 each), userdata.
 */
export function encodeControllerUserdata(c: ControllerCookie): Uint8Array {
  const name = new TextEncoder().encode(c.bridge);
  let bitmap = 0;
  let nRegs = 0;
  for (let i = 0; i < N_REGS; i++) {
    if (c.regs[i]) {
      bitmap |= 1 << i;
      nRegs++;
    }
  }
  const b = new Uint8Array(HEADER + name.length + 8 + nRegs * 4 + c.userdata.length);
  b[0] = USER_ACTION_COOKIE_CONTROLLER;
  b[1] = (c.dontSend ? 1 : 0) | (c.continuation ? 2 : 0);
  b[2] = (c.reason >>> 8) & 0xff;
  b[3] = c.reason & 0xff;
  put32(b, 4, c.recircId);
  put64(b, 8, BigInt.asUintN(64, c.ruleCookie));
  b[16] = (c.controllerId >>> 8) & 0xff;
  b[17] = c.controllerId & 0xff;
  b[18] = (c.maxLen >>> 8) & 0xff;
  b[19] = c.maxLen & 0xff;
  b[20] = c.tableId & 0xff;
  b[21] = (c.inPort >>> 8) & 0xff;
  b[22] = c.inPort & 0xff;
  b[23] = name.length;
  b[24] = bitmap >>> 8;
  b[25] = bitmap & 0xff;
  put32(b, 26, c.userdata.length);
  let o = HEADER;
  b.set(name, o);
  o += name.length;
  put64(b, o, BigInt.asUintN(64, c.metadata));
  o += 8;
  for (let i = 0; i < N_REGS; i++) {
    if (bitmap & (1 << i)) {
      put32(b, o, c.regs[i]!);
      o += 4;
    }
  }
  b.set(c.userdata, o);
  return b;
}

/** Decodes controller userdata; null if `b` is not one (wrong type or malformed). */
export function decodeControllerUserdata(b: Uint8Array | null): ControllerCookie | null {
  if (!b || b.length < HEADER || b[0] !== USER_ACTION_COOKIE_CONTROLLER) return null;
  const nameLen = b[23]!;
  const bitmap = (b[24]! << 8) | b[25]!;
  let nRegs = 0;
  for (let i = 0; i < N_REGS; i++) if (bitmap & (1 << i)) nRegs++;
  const udLen = get32(b, 26);
  if (b.length !== HEADER + nameLen + 8 + nRegs * 4 + udLen) return null;
  let o = HEADER;
  const bridge = new TextDecoder().decode(b.subarray(o, o + nameLen));
  o += nameLen;
  const metadata = get64(b, o);
  o += 8;
  const regs = new Uint32Array(N_REGS);
  for (let i = 0; i < N_REGS; i++) {
    if (bitmap & (1 << i)) {
      regs[i] = get32(b, o);
      o += 4;
    }
  }
  return {
    reason: (b[2]! << 8) | b[3]!,
    dontSend: (b[1]! & 1) !== 0,
    continuation: (b[1]! & 2) !== 0,
    recircId: get32(b, 4),
    ruleCookie: get64(b, 8),
    controllerId: (b[16]! << 8) | b[17]!,
    maxLen: (b[18]! << 8) | b[19]!,
    tableId: b[20]!,
    inPort: (b[21]! << 8) | b[22]!,
    bridge,
    metadata,
    regs,
    userdata: b.slice(o, o + udLen),
  };
}

export function encodeSlowPathUserdata(reasons: number): Uint8Array {
  const b = new Uint8Array(8);
  b[0] = USER_ACTION_COOKIE_SLOW_PATH;
  put32(b, 4, reasons);
  return b;
}

/** Slow-path reasons of slow_path userdata, or null if `b` is not one. */
export function decodeSlowPathUserdata(b: Uint8Array | null): number | null {
  if (!b || b.length !== 8 || b[0] !== USER_ACTION_COOKIE_SLOW_PATH) return null;
  return get32(b, 4);
}

const SLOW_NAMES = ['cfm', 'bfd', 'lacp', 'stp', 'lldp', 'action', 'match'];
export const SLOW_EXPLANATIONS = [
  'Consists of CFM packets',
  'Consists of BFD packets',
  'Consists of LACP packets',
  'Consists of STP packets',
  'Consists of LLDP packets',
  'Uses action(s) not supported by datapath',
  "Datapath can't match specifically enough",
];

/**
 * The text OVS prints after `userspace(pid=N` for this userdata (e.g. ",controller(...)"
 * or ",slow_path(action)"), or null if the userdata is of neither kind.
 */
export function formatUserdata(b: Uint8Array | null): string | null {
  const c = decodeControllerUserdata(b);
  if (c) {
    return (
      `,controller(reason=${c.reason},dont_send=${c.dontSend ? 1 : 0},continuation=${c.continuation ? 1 : 0}` +
      `,recirc_id=${c.recircId},rule_cookie=${c.ruleCookie === 0n ? '0' : '0x' + c.ruleCookie.toString(16)}` +
      `,controller_id=${c.controllerId},max_len=${c.maxLen})`
    );
  }
  const r = decodeSlowPathUserdata(b);
  if (r !== null) {
    const names: string[] = [];
    for (let i = 0; i < 32; i++) if (r & (1 << i)) names.push(SLOW_NAMES[i] ?? `0x${(1 << i).toString(16)}`);
    return `,slow_path(${names.join(',')})`;
  }
  return null;
}
