#!/usr/bin/env node
/*
 * tsovs-dpctl: datapath management utility (OVS ovs-dpctl; see src/cli/dpctl/dpctl.ts).
 */
import { dpctlMain } from './dpctl/dpctl.js';

// A closed pipe on standard output (e.g. `| head`) ends the tool quietly instead of with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));

dpctlMain(process.argv.slice(2)).then((code) => process.exit(code));
