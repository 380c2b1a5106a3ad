import { parseArgs } from 'node:util';

export interface BenchOptions {
  json: boolean;
  /** Figure names to run; empty = all. */
  only: string[];
  /** Measured operations per load phase. */
  ops: number;
  /** Folder for server CPU profiles (--cpu-prof), if asked. */
  profileDir?: string;
  help: boolean;
}

export const DEFAULT_OPS = 2000;

export const USAGE = `usage: npm run bench [-- options]
  --json           print only a JSON array of {name, value, unit, floor, ratio} on stdout
  --only NAME      run only this figure (repeatable, or comma-separated)
  --ops N          measured operations per load phase (default ${DEFAULT_OPS})
  --profile DIR    write CPU profiles of the directory server processes to DIR
  --help           this text`;

export class UsageError extends Error {}

export function parseBenchArgs(argv: string[]): BenchOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let ops = DEFAULT_OPS;
  if (values.ops !== undefined) {
    if (!/^\d+$/.test(values.ops) || Number(values.ops) < 1)
      throw new UsageError(`--ops must be a positive integer, got '${values.ops}'`);
    ops = Number(values.ops);
  }
  const only = (values.only ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return { json: values.json ?? false, only, ops, profileDir: values.profile, help: values.help ?? false };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      json: { type: 'boolean' },
      only: { type: 'string', multiple: true },
      ops: { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** Warm-up before each measured phase: a tenth of the operations, 20 to 200. */
export function warmupFor(ops: number): number {
  return Math.min(200, Math.max(20, Math.round(ops / 10)));
}
