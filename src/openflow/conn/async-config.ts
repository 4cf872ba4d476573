/*
 * Asynchronous message configuration of a connection (OVS struct ofputil_async_cfg and
 * lib/ofp-connection.c): for each kind of asynchronous message (OAM_*) a bitmap of the
 * reasons for which a controller in the primary/equal role and in the secondary (slave)
 * role receives it. Defaults per OpenFlow version, the set-async decoding rules (legacy
 * OF1.0-1.3 messages replace everything and ignore unknown bits; OF1.4 properties change
 * only what they name and reject unknown bits), and the masks a get-async reply shows.
 */
import type { AsyncProp } from '../codec/index.js';

export const OAM_PACKET_IN = 0;
export const OAM_PORT_STATUS = 1;
export const OAM_FLOW_REMOVED = 2;
export const OAM_ROLE_STATUS = 3;
export const OAM_TABLE_STATUS = 4;
export const OAM_REQUESTFORWARD = 5;
export const OAM_N_TYPES = 6;

/** Packet-in reasons as OVS numbers them internally (OFPR_*). */
export const OFPR_NO_MATCH = 0;
export const OFPR_ACTION = 1;
export const OFPR_INVALID_TTL = 2;
export const OFPR_ACTION_SET = 3;
export const OFPR_GROUP = 4;
export const OFPR_PACKET_OUT = 5;
export const OFPR_EXPLICIT_MISS = 6;
export const OFPR_IMPLICIT_MISS = 7;

const OFPR10_BITS = 0x7;
const OFPR14_BITS = 0x3f;
const OFPR14_ACTION_BITS = (1 << OFPR_ACTION_SET) | (1 << OFPR_GROUP) | (1 << OFPR_PACKET_OUT);
const OFPPR_BITS = 0x7;
const OFPRR10_BITS = 0x7;
const OFPRR13_BITS = 0xf;
const OFPRR14_BITS = 0x3f;

/** Allowed bits per OAM for OpenFlow < 1.4 and >= 1.4 (OVS async_props). */
const ALLOWED10 = [OFPR10_BITS, 0x7, 0x3f, 0x7, 0x18, 0x3];
const ALLOWED14 = [OFPR14_BITS, 0x7, 0x3f, 0x7, 0x18, 0x3];

export interface AsyncCfg {
  /** Indexed by OAM_*: masks for the primary and equal roles. */
  readonly primary: number[];
  /** Masks for the secondary (slave) role. */
  readonly secondary: number[];
}

export function asyncCfgInit(): AsyncCfg {
  return { primary: new Array<number>(OAM_N_TYPES).fill(0), secondary: new Array<number>(OAM_N_TYPES).fill(0) };
}

export function cloneAsyncCfg(c: AsyncCfg): AsyncCfg {
  return { primary: [...c.primary], secondary: [...c.secondary] };
}

/** OVS ofputil_async_cfg_default: what a connection gets until it sets its own. */
export function asyncCfgDefault(version: number): AsyncCfg {
  const c = asyncCfgInit();
  let pin = OFPR14_BITS & ~(1 << OFPR_INVALID_TTL);
  pin |= 1 << OFPR_EXPLICIT_MISS;
  if (version <= 3) pin |= 1 << OFPR_IMPLICIT_MISS;
  c.primary[OAM_PACKET_IN] = pin;
  c.primary[OAM_PORT_STATUS] = OFPPR_BITS;
  c.secondary[OAM_PORT_STATUS] = OFPPR_BITS;
  c.primary[OAM_FLOW_REMOVED] = version >= 5 ? OFPRR14_BITS : version === 4 ? OFPRR13_BITS : OFPRR10_BITS;
  return c;
}

function allowed(oam: number, version: number): number {
  return (version >= 5 ? ALLOWED14 : ALLOWED10)[oam]!;
}

export type AsyncResult = { ok: true; cfg: AsyncCfg } | { ok: false; error: string };

/**
 * Applies a set-async request (OVS ofputil_decode_set_async_config, non-loose). `legacy`:
 * the OF1.0 NXT_SET_ASYNC_CONFIG / OF1.3 OFPT_SET_ASYNC form, which sets every mask (unknown
 * bits ignored); otherwise OF1.4 properties change only the masks they carry, and unknown
 * bits are OFPACFC_INVALID, unknown properties OFPACFC_UNSUPPORTED. Property type 2*OAM is
 * the secondary mask, 2*OAM+1 the primary one.
 */
export function applySetAsync(basis: AsyncCfg, props: readonly AsyncProp[], version: number, legacy: boolean): AsyncResult {
  const cfg = legacy ? asyncCfgInit() : cloneAsyncCfg(basis);
  for (const p of props) {
    const oam = p.type >> 1;
    if (p.type < 0 || oam >= OAM_N_TYPES) {
      if (legacy) continue;
      return { ok: false, error: 'OFPACFC_UNSUPPORTED' };
    }
    const primary = (p.type & 1) === 1;
    let mask = p.mask >>> 0;
    const ok = allowed(oam, version);
    if (mask & ~ok) {
      if (!legacy) return { ok: false, error: 'OFPACFC_INVALID' };
      mask &= ok;
    }
    if (oam === OAM_PACKET_IN && mask & (1 << OFPR_NO_MATCH)) {
      mask |= 1 << OFPR_EXPLICIT_MISS;
      if (version < 4) mask |= 1 << OFPR_IMPLICIT_MISS;
    }
    (primary ? cfg.primary : cfg.secondary)[oam] = mask >>> 0;
  }
  return { ok: true, cfg: finishAsync(cfg, version) };
}

/** OVS ofconn_set_async_config: before OF1.4, "action" also covers the OF1.4 refinements of it. */
export function finishAsync(cfg: AsyncCfg, version: number): AsyncCfg {
  if (version < 5) {
    if (cfg.primary[OAM_PACKET_IN]! & (1 << OFPR_ACTION)) cfg.primary[OAM_PACKET_IN]! |= OFPR14_ACTION_BITS;
    if (cfg.secondary[OAM_PACKET_IN]! & (1 << OFPR_ACTION)) cfg.secondary[OAM_PACKET_IN]! |= OFPR14_ACTION_BITS;
  }
  return cfg;
}

/** The properties a get-async reply carries (every OAM the version knows, masks limited to its bits). */
export function asyncToProps(cfg: AsyncCfg, version: number): AsyncProp[] {
  const n = version >= 5 ? OAM_N_TYPES : 3;
  const out: AsyncProp[] = [];
  for (let oam = 0; oam < n; oam++) {
    const a = allowed(oam, version);
    out.push({ type: 2 * oam, mask: (cfg.secondary[oam]! & a) >>> 0 });
    out.push({ type: 2 * oam + 1, mask: (cfg.primary[oam]! & a) >>> 0 });
  }
  return out;
}
