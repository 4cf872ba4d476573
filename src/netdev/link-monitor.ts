/*
 * Link change notifications (OVS's rtnetlink notifier): one native rtnetlink monitor per
 * network namespace, shared by every port watching a device there. Watchers are called
 * with each RTM_NEWLINK / RTM_DELLINK for their device name, and with a resync message
 * when the kernel dropped notifications (then they re-read the device state).
 */
import { LINK_MSG_RESYNC, loadNative, type NativeHandle } from './native.js';

/** type: LINK_MSG_NEW, LINK_MSG_DEL or LINK_MSG_RESYNC (then ifindex and flags are 0). */
export type LinkListener = (type: number, ifindex: number, flags: number) => void;

interface Monitor {
  handle: NativeHandle;
  watchers: Map<string, Set<LinkListener>>;
}

const monitors = new Map<string, Monitor>();

function dispatch(m: Monitor, type: number, ifindex: number, name: string, flags: number): void {
  if (type === LINK_MSG_RESYNC) {
    for (const set of m.watchers.values()) for (const l of [...set]) l(type, 0, 0);
    return;
  }
  const set = m.watchers.get(name);
  if (set === undefined) return;
  for (const l of [...set]) l(type, ifindex, flags);
}

/** Watch device `name` in namespace `netns` ('' = this process's). Returns the unwatch function. */
export function watchLink(netns: string, name: string, listener: LinkListener): () => void {
  let m = monitors.get(netns);
  if (m === undefined) {
    const addon = loadNative();
    const watchers = new Map<string, Set<LinkListener>>();
    const mon: Monitor = { handle: null as unknown as NativeHandle, watchers };
    mon.handle = addon.openLinkMonitor(netns, (type, ifindex, n, flags) => dispatch(mon, type, ifindex, n, flags));
    monitors.set(netns, mon);
    m = mon;
  }
  let set = m.watchers.get(name);
  if (set === undefined) {
    set = new Set();
    m.watchers.set(name, set);
  }
  set.add(listener);
  const mon = m;
  return () => {
    const s = mon.watchers.get(name);
    if (s === undefined || !s.delete(listener)) return;
    if (s.size === 0) mon.watchers.delete(name);
    if (mon.watchers.size === 0 && monitors.get(netns) === mon) {
      monitors.delete(netns);
      loadNative().closeLinkMonitor(mon.handle);
    }
  };
}
