#!/usr/bin/env node
/*
 * tsovs-ofctl: OpenFlow switch management utility (OVS ovs-ofctl; see src/cli/ofctl/ofctl.ts).
 */
import { ofctlMain } from './ofctl/ofctl.js';

ofctlMain(process.argv.slice(2)).then((code) => process.exit(code));
