#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { bankFault } from './commands/bank-fault.js';
import { DEMO_USAGE, demo } from './commands/demo.js';
import { HEALTH_USAGE, health } from './commands/health.js';
import { PROFILES_USAGE, profiles } from './commands/profiles.js';
import { REPRODUCE_USAGE, reproduceCommand } from './commands/reproduce.js';
import { SCENARIOS_USAGE, scenarios } from './commands/scenarios.js';
import { UP_USAGE, up } from './commands/up.js';
import { isUsageError } from './usage-error.js';

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

Options: --help (also after any command), --version.
Run 'obmock <command> --help' for a command's options.
`;

const BANK_USAGE = `obmock bank <subcommand>

Subcommands:
  fault       add, list or clear injected faults of a running bank ('obmock bank fault --help')
`;

interface Command {
  usage: string;
  run(argv: string[]): number | Promise<number>;
}

const bank = (argv: string[]): number | Promise<number> => {
  if (argv[0] === 'fault') return bankFault(argv.slice(1));
  if (argv[0] === undefined || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(BANK_USAGE);
    return argv[0] === undefined ? 2 : 0;
  }
  process.stderr.write(`obmock bank: unknown subcommand '${argv[0]}'\n\n${BANK_USAGE}`);
  return 2;
};

const COMMANDS: Record<string, Command> = {
  up: { usage: UP_USAGE, run: up },
  scenarios: { usage: SCENARIOS_USAGE, run: scenarios },
  demo: { usage: DEMO_USAGE, run: demo },
  profiles: { usage: PROFILES_USAGE, run: profiles },
  reproduce: { usage: REPRODUCE_USAGE, run: reproduceCommand },
  health: { usage: HEALTH_USAGE, run: health },
  bank: { usage: BANK_USAGE, run: bank },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`obmock ${version()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    process.stdout.write(topic?.usage ?? USAGE);
    return rest[0] === undefined || topic ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`obmock: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  if (name !== 'up') {
    // `up` stops its servers itself on a signal; every other command exits, and process
    // 'exit' handlers remove its temporary folders (a sandbox's CA key and admin token).
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (!isUsageError(err)) throw err;
    const where = name === 'bank' ? 'bank fault' : name;
    process.stderr.write(
      `obmock ${where}: ${(err as Error).message}\nRun 'obmock ${where} --help' for the options.\n`,
    );
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
