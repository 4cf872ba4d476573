#!/usr/bin/env node
/*
 * tsovs-dpctl: datapath management utility (OVS ovs-dpctl; see src/cli/dpctl/dpctl.ts).
 */
import { dpctlMain } from './dpctl/dpctl.js';

dpctlMain(process.argv.slice(2)).then((code) => process.exit(code));
