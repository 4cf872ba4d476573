#!/usr/bin/env node
/*
 * tsovs-appctl: query and control a running tsovs daemon (see src/cli/appctl.ts).
 */
import { appctlMain, EXIT_ALARM } from './appctl.js';

appctlMain(process.argv.slice(2)).then((code) => {
  // -T ran out: end as ovs-appctl does then, killed by SIGALRM (Node leaves its default action).
  if (code === EXIT_ALARM) process.kill(process.pid, 'SIGALRM');
  else process.exit(code);
});
