/*
 * The daemon with real ports, configured the way OVS users do it: tsovs-vswitchd runs in a
 * switch namespace, `tsovs-vsctl add-br` makes a netdev bridge (its LOCAL port a real TAP)
 * and `add-port` attaches veth ends as `system` ports; two host namespaces then ping each
 * other and the bridge's LOCAL port through NORMAL switching.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requireNetns, Sandbox } from './netns.js';
import { killAll, runBin, spawnDaemon, tmpRundir } from '../cli/daemon-process.js';

requireNetns('ethtool');

describe('tsovs-vswitchd with system and internal ports', { timeout: 90000 }, () => {
  const sb = new Sandbox();
  after(() => {
    killAll();
    sb.cleanup();
  });

  test('vsctl builds a bridge of veth ports; namespaces ping each other and the LOCAL port', async () => {
    const sw = sb.netns('sw');
    const a = sb.netns('a');
    const b = sb.netns('b');
    const [swA, swB] = [sb.ifname('sa'), sb.ifname('sb')];
    sb.veth(swA, sw, 'eth0', a, '10.77.0.1/24');
    sb.veth(swB, sw, 'eth0', b, '10.77.0.2/24');
    sb.noOffload(sw, swA);
    sb.noOffload(sw, swB);
    const rundir = tmpRundir();
    const d = await spawnDaemon(rundir, [], { dummy: false, netns: sw });
    const env = { ...process.env, TSOVS_RUNDIR: rundir };
    const br = sb.ifname('br');
    const v = await runBin('tsovs-vsctl', [
      'add-br', br, '--', 'set', 'bridge', br, 'datapath_type=netdev',
      '--', 'add-port', br, swA, '--', 'add-port', br, swB,
    ], env);
    assert.equal(v.code, 0, v.stderr);
    const show = await runBin('tsovs-vsctl', ['show'], env);
    assert.match(show.stdout, new RegExp(`Port ${swA}\\n\\s+Interface ${swA}`));
    // The LOCAL port is a TAP device named like the bridge, in the daemon's namespace.
    sb.exec(sw, 'ip', 'addr', 'add', '10.77.0.254/24', 'dev', br);
    sb.exec(sw, 'ip', 'link', 'set', br, 'up');
    const ab = await sb.ping(a, '10.77.0.2', 3);
    assert.ok(ab.ok, ab.output);
    const ba = await sb.ping(b, '10.77.0.1', 2);
    assert.ok(ba.ok, ba.output);
    const local = await sb.ping(a, '10.77.0.254', 2);
    assert.ok(local.ok, local.output);
    const fdb = await runBin('tsovs-appctl', ['fdb/show', br], env);
    assert.equal(fdb.code, 0, fdb.stderr);
    assert.match(fdb.stdout, new RegExp(`${swA}\\s+0\\s+[0-9a-f:]{17}`));
    const flows = await runBin('tsovs-appctl', ['dpctl/dump-flows'], env);
    assert.match(flows.stdout, /eth_type\(0x0800\).*packets:[1-9]/);
    assert.equal(await d.stop(), 0);
  });
});
