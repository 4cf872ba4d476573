#!/usr/bin/env node
/*
 * tsovs: the umbrella command. `tsovs demo` runs the demo switch (README's first command);
 * the OVS-style tools are separate executables (tsovs-vswitchd, tsovs-vsctl, tsovs-appctl, ...).
 */
import { Command, InvalidArgumentError } from 'commander';
import { runDemo } from './demo/demo.js';
import { runNetnsDemo } from './demo/netns-demo.js';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2 || n > 16) throw new InvalidArgumentError('must be an integer from 2 to 16');
  return n;
}

const program = new Command();
program.name('tsovs').description('Open vSwitch in TypeScript').showHelpAfterError();
program
  .command('demo')
  .description('run a bridge with simulated hosts that ARP, ping and send UDP through NORMAL switching, then show what the switch did')
  .option('--hosts <n>', 'number of hosts (2-16; 2-8 with --netns)', positiveInt, 3)
  .option('--netns', 'real hosts: network namespaces on veth ports (needs root)')
  .action(async (o: { hosts: number; netns?: boolean }) => {
    process.stdout.write(o.netns === true ? await runNetnsDemo({ hosts: o.hosts }) : runDemo({ hosts: o.hosts }).text);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`tsovs: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
