#!/usr/bin/env node
/*
 * tsovs-vsctl: configure a running tsovs-vswitchd (see src/cli/vsctl/vsctl.ts).
 */
import { vsctlMain } from './vsctl/vsctl.js';

vsctlMain(process.argv.slice(2)).then((code) => process.exit(code));
