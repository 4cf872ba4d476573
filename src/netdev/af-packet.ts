/*
 * The `system` netdev: an existing Linux interface (a NIC, one end of a veth pair ...)
 * driven through an AF_PACKET socket, as OVS's userspace datapath does (netdev-linux).
 * The link follows the device: admin down or no carrier -> isUp() false; deleted -> the
 * socket is closed and isUp() false; created again under the same name -> reopened.
 *
 * Options: netns=NAME opens the device inside that network namespace (a tsovs extension,
 * handy for tests and containers); bring_up=false leaves the device's admin state alone.
 */
import { FdNetdev, linkRunning, slotSizeFor } from './fd-netdev.js';
import { LINK_MSG_DEL, LINK_MSG_NEW, loadNative } from './native.js';
import { registerNetdevType } from './netdev.js';
import { boolOption, checkOptions, type Options } from './options.js';

const KNOWN = ['netns', 'bring_up'] as const;

/** Error for a device that does not exist, worded like OVS's. */
export function noDeviceError(name: string, netns: string): Error {
  const where = netns === '' ? '' : ` in network namespace ${netns}`;
  const e = new Error(`could not open network device ${name}${where} (No such device)`) as Error & { code: string };
  e.code = 'ENODEV';
  return e;
}

export class AfPacketNetdev extends FdNetdev {
  readonly netns: string;
  private readonly bringUp: boolean;

  constructor(name: string, options: Options = {}) {
    checkOptions(name, 'system', options, KNOWN);
    const netns = options['netns'] ?? '';
    const info = loadNative().linkInfo(name, netns);
    if (info === null) throw noDeviceError(name, netns);
    super(name, 'system', slotSizeFor(info.mtu));
    this.netns = netns;
    this.bringUp = boolOption(name, options, 'bring_up', true);
    this.watchDevice(netns, (type, ifindex, flags) => this.onLink(type, ifindex, flags));
    try {
      this.open();
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** The kernel's interface index (0 while the device is gone). */
  get ifIndex(): number {
    return this.h === null ? 0 : this.ifindex;
  }

  private open(): void {
    this.attachDevice(this.addon.openPacket(this.name, this.netns, this.bringUp));
  }

  private reopen(): void {
    try {
      this.open();
    } catch {
      // Not there (yet): the next RTM_NEWLINK for this name tries again.
    }
  }

  private onLink(type: number, ifindex: number, flags: number): void {
    if (this.closed) return;
    if (type === LINK_MSG_DEL) {
      if (this.h !== null && ifindex === this.ifindex) this.deviceGone();
      return;
    }
    if (type === LINK_MSG_NEW) {
      if (this.h !== null && ifindex !== this.ifindex) this.deviceGone(); // replaced by a new device
      if (this.h === null) this.reopen();
      else this.setLinkUp(linkRunning(flags));
      return;
    }
    // resync: read the state afresh
    const info = this.addon.linkInfo(this.name, this.netns);
    if (info === null) {
      if (this.h !== null) this.deviceGone();
    } else if (this.h === null || info.ifindex !== this.ifindex) {
      this.deviceGone();
      this.reopen();
    } else {
      this.setLinkUp(linkRunning(info.flags));
    }
  }
}

registerNetdevType('system', (name, options) => new AfPacketNetdev(name, options));
