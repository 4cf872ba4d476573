#!/usr/bin/env node
/*
 * tsovs-appctl: query and control a running tsovs daemon (see src/cli/appctl.ts).
 */
import { appctlMain } from './appctl.js';

appctlMain(process.argv.slice(2)).then((code) => process.exit(code));
