/*
 * The `internal` netdev: the bridge's own interface in the host (OVS's internal port; in
 * the userspace datapath a TAP device), named like the port - for the bridge's LOCAL port,
 * like the bridge. Give it an address and the host can reach the switched network.
 * Same options as `tap` (netns, bring_up, mac).
 */
import { registerNetdevType } from './netdev.js';
import type { Options } from './options.js';
import { TapNetdev } from './tap.js';

export class InternalNetdev extends TapNetdev {
  constructor(name: string, options: Options = {}) {
    super(name, options, 'internal');
  }
}

registerNetdevType('internal', (name, options) => new InternalNetdev(name, options));
