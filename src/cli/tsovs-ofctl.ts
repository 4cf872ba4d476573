#!/usr/bin/env node
/*
 * tsovs-ofctl: OpenFlow switch management utility (OVS ovs-ofctl; see src/cli/ofctl/ofctl.ts).
 */
import { ofctlMain } from './ofctl/ofctl.js';

// A closed pipe on standard output (e.g. `| head`) ends the tool quietly instead of with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));

ofctlMain(process.argv.slice(2)).then((code) => process.exit(code));
