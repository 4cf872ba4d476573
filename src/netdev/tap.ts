/*
 * The `tap` netdev: a Linux TAP device (/dev/net/tun, IFF_TAP | IFF_NO_PI) that tsovs
 * creates under the port's name and reads and writes frames on; the host stack sees an
 * ordinary Ethernet interface. The device lives as long as the port (it is not persistent).
 * If someone deletes it, it is created again.
 *
 * Options: netns=NAME (tsovs extension: create it in that network namespace),
 * bring_up=false (leave it down), mac=aa:bb:cc:dd:ee:ff (its hardware address).
 */
import { FdNetdev, linkRunning } from './fd-netdev.js';
import { LINK_MSG_DEL, LINK_MSG_NEW } from './native.js';
import { registerNetdevType } from './netdev.js';
import { boolOption, checkOptions, macOption, type Options } from './options.js';

const KNOWN = ['netns', 'bring_up', 'mac'] as const;

export class TapNetdev extends FdNetdev {
  readonly netns: string;
  private readonly bringUp: boolean;
  private readonly mac: number | null;

  constructor(name: string, options: Options = {}, type = 'tap') {
    checkOptions(name, type, options, KNOWN);
    super(name, type);
    this.netns = options['netns'] ?? '';
    this.bringUp = boolOption(name, options, 'bring_up', true);
    this.mac = macOption(name, options, 'mac');
    this.open();
    this.watchDevice(this.netns, (t, ifindex, flags) => this.onLink(t, ifindex, flags));
  }

  private open(): void {
    const h = this.addon.openTap(this.name, this.netns, false);
    try {
      if (this.mac !== null) this.addon.setMac(h, this.mac);
      if (this.bringUp) this.addon.setUp(h, true);
    } catch (e) {
      this.addon.close(h);
      throw e;
    }
    this.attachDevice(h);
  }

  private onLink(type: number, ifindex: number, flags: number): void {
    if (this.closed) return;
    if (type === LINK_MSG_NEW) {
      if (this.h !== null && ifindex === this.ifindex) this.setLinkUp(linkRunning(flags));
      return;
    }
    if (type === LINK_MSG_DEL && (this.h === null || ifindex !== this.ifindex)) return;
    if (type !== LINK_MSG_DEL && this.addon.linkInfo(this.name, this.netns) !== null) return;
    // Deleted under us: create it again, as the port still exists.
    this.deviceGone();
    try {
      this.open();
    } catch {
      // Another device took the name; the port stays down.
    }
  }
}

registerNetdevType('tap', (name, options) => new TapNetdev(name, options, 'tap'));
