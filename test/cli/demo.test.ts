/* The demo (README's first command): hosts reach each other through NORMAL and the report shows it. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runDemo } from '../../src/cli/demo/demo.js';

test('demo: pings and UDP cross the bridge; fdb, megaflows, rule and port counters agree', () => {
  const { text, hosts, ofproto } = runDemo({ hosts: 3 });
  const [h1, h2, h3] = hosts as [(typeof hosts)[0], (typeof hosts)[0], (typeof hosts)[0]];
  assert.equal(h1.echoRepliesReceived, 3);
  assert.equal(h3.echoRepliesReceived, 2);
  assert.equal(h2.pingsAnswered, 3);
  assert.equal(h3.udpReceived, 100);
  const br = ofproto.bridge('br0')!;
  // Every host was learned on its own port.
  const fdb = br.macs.fdbShow(ofproto.clock.now()).trim().split('\n').slice(1);
  assert.equal(fdb.length, 3);
  // The datapath did the bulk: most packets hit megaflows, and the only rule (NORMAL) counted every packet.
  const st = br.backer.dpif.getStats();
  assert.ok(st.nHit >= 100, `hits ${st.nHit}`);
  assert.ok(st.nFlows >= 6);
  const rules = br.flows();
  assert.ok(rules.ok);
  assert.equal(rules.value.length, 1);
  assert.equal(rules.value[0]!.packetCount, st.nHit + st.nMissed);
  assert.match(text, /priority=0 actions=NORMAL/);
  assert.match(text, /actions:3\n/);
  assert.match(text, /h3 received 100 of 100/);
});

test('tsovs demo runs as a command and rejects bad arguments with a one-line error', () => {
  const bin = fileURLToPath(new URL('../../src/cli/tsovs.js', import.meta.url));
  const ok = spawnSync(process.execPath, [bin, 'demo', '--hosts', '4'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /h4: 50:54:00:00:00:04 10\.0\.0\.4 on p4/);
  const bad = spawnSync(process.execPath, [bin, 'demo', '--hosts', 'x'], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--hosts <n>' argument 'x' is invalid/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  const verb = spawnSync(process.execPath, [bin, 'nosuch'], { encoding: 'utf8' });
  assert.notEqual(verb.status, 0);
  assert.match(verb.stderr, /unknown command 'nosuch'/);
});

test('tsovs demo --netns: real namespaces ping through a bridge of system ports, and are removed afterwards', () => {
  const bin = fileURLToPath(new URL('../../src/cli/tsovs.js', import.meta.url));
  const r = spawnSync(process.execPath, [bin, 'demo', '--netns', '--hosts', '2'], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /3 packets transmitted, 3 received, 0% packet loss/);
  assert.match(r.stdout, /2 packets transmitted, 2 received, 0% packet loss/);
  assert.match(r.stdout, /priority=0 actions=NORMAL/);
  assert.match(r.stdout, /\(system\)/);
  const tag = /namespace (tsd\d+)-sw/.exec(r.stdout)?.[1];
  assert.ok(tag !== undefined);
  const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  assert.doesNotMatch(left, new RegExp(`${tag}-`));
});
