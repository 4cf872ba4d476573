/*
 * Loader and typed view of the native netdev addon (native/*.c, built by node-gyp into
 * build/Release/tsovs_netdev.node). The addon only moves frames in batches (AF_PACKET,
 * TAP, unix datagram sockets) and reports link changes; all switching stays in TypeScript.
 * A missing addon or missing privilege gives an error that says what to do.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An opaque native handle (a port or a link monitor). */
export type NativeHandle = { readonly __nativeHandle: unique symbol };

export interface NativeLinkInfo {
  name: string;
  ifindex: number;
  /** IFF_* flags (IFF_UP = 0x1, IFF_RUNNING = 0x40, IFF_PROMISC = 0x100 ...). */
  flags: number;
  mtu: number;
  /** 48-bit hardware address (0 when the device has none). */
  mac: number;
}

/** Link monitor message types. */
export const LINK_MSG_RESYNC = 0;
export const LINK_MSG_NEW = 1;
export const LINK_MSG_DEL = 2;

export const IFF_UP = 0x1;
export const IFF_RUNNING = 0x40;

export interface NativeAddon {
  /** AF_PACKET socket bound to `ifname` (promiscuous, auxdata, outgoing ignored); `netns` '' = current. */
  openPacket(ifname: string, netns: string, bringUp: boolean): NativeHandle;
  /** TAP device `name` (IFF_TAP | IFF_NO_PI), created if needed. */
  openTap(name: string, netns: string, bringUp: boolean): NativeHandle;
  /** Unix datagram socket bound to `localPath` ('' = unbound) sending to `remotePath` ('' = nowhere). */
  openUnixDgram(localPath: string, remotePath: string): NativeHandle;
  /**
   * Registers the rings (JS memory, kept alive by the handle): received frame i lands in
   * rx[i * slotSize + headroom ...], frame i to send is tx[i * slotSize ...] with txLen[i] bytes.
   */
  setRing(
    h: NativeHandle,
    rx: Uint8Array,
    rxMeta: Int32Array,
    tx: Uint8Array,
    txLen: Int32Array,
    slotSize: number,
    headroom: number,
    nslots: number,
  ): void;
  /** Fills up to nslots slots: meta[2i] = start in slot i, meta[2i+1] = length (-1: skip). 0 = nothing, < 0 = -errno. */
  recv(h: NativeHandle): number;
  /** Sends tx slots 0..count-1 (sendmmsg; write() for TAP); returns how many went out. */
  flush(h: NativeHandle, count: number): number;
  /** Calls `cb(status)` once per readable event (status < 0: a libuv error). */
  startPoll(h: NativeHandle, cb: (status: number) => void): void;
  stopPoll(h: NativeHandle): void;
  close(h: NativeHandle): void;
  /** rx packets, bytes, errors, dropped (kernel), tx packets, bytes, errors, dropped. */
  stats(h: NativeHandle, out: Float64Array): void;
  info(h: NativeHandle): NativeLinkInfo | null;
  setUp(h: NativeHandle, up: boolean): void;
  setMac(h: NativeHandle, mac: number): void;
  linkInfo(name: string, netns: string): NativeLinkInfo | null;
  openLinkMonitor(netns: string, cb: (type: number, ifindex: number, name: string, flags: number) => void): NativeHandle;
  closeLinkMonitor(h: NativeHandle): void;
}

/** Thrown when the addon cannot be loaded. */
export class NativeUnavailableError extends Error {
  readonly code = 'ENATIVE';
}

const ADDON_FILE = 'tsovs_netdev.node';
let cached: NativeAddon | null = null;
let loadError: Error | null = null;

function candidates(): string[] {
  const out: string[] = [];
  const env = process.env['TSOVS_NATIVE_ADDON'];
  if (env !== undefined && env !== '') return [env]; // an explicit choice: nothing else
  // Walk up from this module (src/netdev or dist/src/netdev) to the directory holding binding.gyp.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    out.push(join(dir, 'build', 'Release', ADDON_FILE));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return out;
}

/** The addon, or a NativeUnavailableError explaining how to build it. */
export function loadNative(): NativeAddon {
  if (cached !== null) return cached;
  if (loadError !== null) throw loadError;
  if (process.platform !== 'linux') {
    loadError = new NativeUnavailableError(
      `tsovs native netdev addon: system, tap, internal and unix dgram ports need Linux (this is ${process.platform})`,
    );
    throw loadError;
  }
  const require = createRequire(import.meta.url);
  const tried = candidates();
  for (const file of tried) {
    if (!existsSync(file)) continue;
    try {
      cached = require(file) as NativeAddon;
      return cached;
    } catch (e) {
      loadError = new NativeUnavailableError(`tsovs native netdev addon ${file} failed to load: ${(e as Error).message}`);
      throw loadError;
    }
  }
  loadError = new NativeUnavailableError(
    'tsovs native netdev addon is not built (needed for system, tap, internal and unix dgram ports): ' +
      'run `npx node-gyp rebuild` in the tsovs directory (needs python3, make and a C compiler), ' +
      `or set TSOVS_NATIVE_ADDON to the .node file. Looked for: ${tried.join(', ')}`,
  );
  throw loadError;
}

/** True when the addon loads. */
export function nativeAvailable(): boolean {
  try {
    loadNative();
    return true;
  } catch {
    return false;
  }
}
