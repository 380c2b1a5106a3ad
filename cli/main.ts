#!/usr/bin/env node
import { BANK_FAULT_USAGE, bankFault } from './commands/bank-fault.js';
import { demo } from './commands/demo.js';
import { health } from './commands/health.js';
import { profiles } from './commands/profiles.js';
import { SCENARIOS_USAGE, scenarios } from './commands/scenarios.js';
import { UP_USAGE, up } from './commands/up.js';

const USAGE = `obmock — a local copy of the UK Open Banking DCR ecosystem

Usage: obmock <command> [options]

Commands:
  up          start the sandbox (directory, banks, TPP) and keep it running
  scenarios   run the scenario catalogue (against a private sandbox, or --target any bank)
  demo        a narrated happy-path walk-through for workshops (JWTs and certificates decoded)
  profiles    list the shipped bank profiles, show one, print docs/profiles.md, or infer one from discovery
  reproduce   reproduce a real bank's registration failure from its discovery, request and response
  health      exit 0 when an HTTPS URL answers 200 (container health checks)
  bank fault  add, list or clear injected faults of a running bank

Run 'obmock <command> --help' for a command's options.

${UP_USAGE}
${SCENARIOS_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      return up(rest);
    case 'profiles':
      return profiles(rest);
    case 'scenarios':
      return scenarios(rest);
    case 'reproduce':
      // Loaded on use: it wires a whole sandbox, which other commands need not load.
      return (await import('./commands/reproduce.js')).reproduceCommand(rest);
    case 'health':
      return health(rest);
    case 'demo':
      return demo(rest);
    case 'bank':
      // obmock bank fault …
      if (rest[0] === 'fault') return bankFault(rest.slice(1));
      process.stderr.write(`obmock bank: unknown subcommand '${rest[0] ?? ''}'\n\n${BANK_FAULT_USAGE}`);
      return 2;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`obmock: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`obmock: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
