#!/usr/bin/env node
/*
 * tsovs-vswitchd: the switch daemon (see src/vswitchd/main.ts for the options).
 */
import { main } from '../vswitchd/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`tsovs-vswitchd: ${e.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
