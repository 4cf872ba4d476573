/*
 * Test helper (run as a child process): opens the store at argv[2] and commits changes in a
 * loop, printing each acknowledged generation, until it is killed. The parent SIGKILLs it
 * mid-change and checks that the file still holds the old or the new configuration.
 */
import { ConfigStore } from '../../src/vswitchd/config-store.js';
import { rootRow } from '../../src/vswitchd/config-doc.js';

const store = await ConfigStore.open(process.argv[2]);
for (let i = 0; ; i++) {
  const doc = store.snapshot();
  const root = rootRow(doc);
  // Grow other_config so each write has a different size (a torn write would show).
  const other = { ...(root.row.other_config as Record<string, string>), [`k${i}`]: 'x'.repeat(i % 500) };
  const r = await store.transact([{ op: 'update', table: 'Open_vSwitch', uuid: root.uuid, row: { other_config: other } }]);
  process.stdout.write(`${r.generation}\n`);
}
