/*
 * The native addon's loader and errors: a missing addon says how to build it, a process
 * without privilege gets EPERM/EACCES naming the interface (run as user nobody through
 * setpriv), a missing namespace is named, and every port type is registered.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { netdevTypes } from '../../src/netdev/netdev.js';
import '../../src/netdev/providers.js';
import { commandExists, netnsSkipReason } from './netns.js';

const afPacketJs = fileURLToPath(new URL('../../src/netdev/af-packet.js', import.meta.url));
const tapJs = fileURLToPath(new URL('../../src/netdev/tap.js', import.meta.url));

function node(code: string, env: Record<string, string> = {}, prefix: string[] = []): { status: number | null; out: string } {
  const r = spawnSync(prefix[0] ?? process.execPath, [...prefix.slice(1), ...(prefix.length > 0 ? [process.execPath] : []), '--input-type=module', '-e', code], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 20000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('native addon loader and errors', { timeout: 60000 }, () => {
  test('every port type is registered', () => {
    for (const t of ['dummy', 'system', 'internal', 'tap', 'vxlan', 'geneve', 'stream', 'dgram', 'pcap']) {
      assert.ok(netdevTypes().includes(t), `${t} in ${netdevTypes().join(',')}`);
    }
  });

  test('a missing addon is a clear error telling how to build it', () => {
    const r = node(
      `import { AfPacketNetdev } from ${JSON.stringify(afPacketJs)};
       try { new AfPacketNetdev('lo'); } catch (e) { console.log(e.code, e.message); }`,
      { TSOVS_NATIVE_ADDON: '/nonexistent/tsovs_netdev.node' },
    );
    assert.match(r.out, /ENATIVE tsovs native netdev addon is not built .*npx node-gyp rebuild/);
  });

  const privProblem = netnsSkipReason() ?? (commandExists('setpriv') ? null : 'needs setpriv (util-linux)');

  test('without privilege: EPERM/EACCES naming the interface', () => {
    assert.equal(privProblem, null, `cannot run: ${privProblem}`);
    const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'];
    const r = node(
      `import { AfPacketNetdev } from ${JSON.stringify(afPacketJs)};
       import { TapNetdev } from ${JSON.stringify(tapJs)};
       try { new AfPacketNetdev('lo'); } catch (e) { console.log('system', e.code, e.message); }
       try { new TapNetdev('tsovsnopriv0'); } catch (e) { console.log('tap', e.code, e.message); }`,
      {},
      asNobody,
    );
    assert.match(r.out, /system (EPERM|EACCES) lo: cannot open an AF_PACKET socket: .*need root or CAP_NET_RAW/);
    assert.match(r.out, /tap (EPERM|EACCES) tsovsnopriv0: .*(CAP_NET_ADMIN)/);
  });

  test('a missing network namespace is named', () => {
    assert.equal(netnsSkipReason(), null);
    const r = node(
      `import { AfPacketNetdev } from ${JSON.stringify(afPacketJs)};
       try { new AfPacketNetdev('lo', { netns: 'tsovs-no-such-ns' }); } catch (e) { console.log(e.code, e.message); }`,
    );
    assert.match(r.out, /ENOENT network namespace tsovs-no-such-ns: No such file or directory/);
  });
});
