/*
 * `internal` and `tap` ports (TAP devices): the bridge's LOCAL port as a TAP named like
 * the bridge gets an address and is pinged from a host namespace through a `system`
 * port (and pings out); a `tap` port exists while open, carries its MAC option, comes
 * back when deleted, and vanishes on close.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InternalNetdev } from '../../src/netdev/internal.js';
import { openNetdev } from '../../src/netdev/netdev.js';
import { AfPacketNetdev } from '../../src/netdev/af-packet.js';
import '../../src/netdev/tap.js';
import { Ofproto } from '../../src/ofproto/ofproto.js';
import { requireNetns, run, Sandbox } from './netns.js';
import { until } from '../support/wait.js';

requireNetns('ethtool');

function linkShow(ns: string, name: string): string | null {
  try {
    return run('ip', ['-n', ns, '-o', 'link', 'show', name]);
  } catch {
    return null;
  }
}

describe('internal and tap ports (TAP devices)', { timeout: 60000 }, () => {
  const sb = new Sandbox();
  let nsSw = '';
  let nsA = '';
  let swA = '';

  before(() => {
    nsSw = sb.netns('sw');
    nsA = sb.netns('a');
    swA = sb.ifname('s1');
    sb.veth(swA, nsSw, 'eth0', nsA, '10.97.0.1/24');
    sb.noOffload(nsA, 'eth0');
  });

  after(() => sb.cleanup());

  test('the bridge LOCAL port is a TAP named like the bridge; the host pings it and through it', async () => {
    const brName = sb.ifname('br');
    const local = new InternalNetdev(brName, { netns: nsSw, mac: '02:00:00:00:00:fe' });
    const sys = new AfPacketNetdev(swA, { netns: nsSw });
    const sw = new Ofproto({ autoHandle: true });
    const br = sw.addBridge(brName, { datapathType: 'netdev', localNetdev: local });
    br.addPort({ name: swA, netdev: sys });
    try {
      const shown = linkShow(nsSw, brName);
      assert.ok(shown !== null && /state UP|,UP/.test(shown), `${brName}: ${shown}`);
      assert.equal(local.getMac(), 0x0200000000fe);
      assert.equal(local.type, 'internal');
      run('ip', ['-n', nsSw, 'addr', 'add', '10.97.0.254/24', 'dev', brName]);
      assert.ok(await until(() => local.isUp()));
      const p1 = await sb.ping(nsA, '10.97.0.254');
      assert.ok(p1.ok, p1.output);
      const p2 = await sb.ping(nsSw, '10.97.0.1');
      assert.ok(p2.ok, p2.output);
      const st = local.getStats();
      assert.ok(st.rxPackets >= 3 && st.txPackets >= 3, JSON.stringify(st));
    } finally {
      sw.delBridge(brName);
      local.close();
      sys.close();
    }
    assert.ok(await until(() => linkShow(nsSw, brName) === null), 'TAP removed when the port closes');
  });

  test('a tap port exists while open, is created again when deleted, and goes on close', async () => {
    const name = sb.ifname('tp');
    const tap = openNetdev('tap', name, { netns: nsSw }) as InternalNetdev;
    const changes: boolean[] = [];
    tap.onLinkChange = (up) => changes.push(up);
    try {
      assert.equal(tap.type, 'tap');
      assert.ok(linkShow(nsSw, name) !== null);
      assert.ok(await until(() => tap.isUp()));
      run('ip', ['-n', nsSw, 'link', 'del', name]);
      assert.ok(await until(() => changes.includes(false) && tap.isUp()), `changes ${changes.join(',')}`);
      assert.ok(linkShow(nsSw, name) !== null, 'recreated');
    } finally {
      tap.close();
    }
    assert.ok(await until(() => linkShow(nsSw, name) === null));
    assert.throws(() => openNetdev('tap', 'x'.repeat(20), { netns: nsSw }), /too long/);
  });
});
