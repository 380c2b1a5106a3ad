import { parseArgs } from 'node:util';

export interface BenchOptions {
  json: boolean;
  /** Figure names to run; empty = all. */
  only: string[];
  /** Measured operations per load phase. */
  ops: number;
  /** Runs of each figure; the report gives their median and spread. */
  reps: number;
  /** Folder for server CPU profiles (--cpu-prof), if asked. */
  profileDir?: string;
  help: boolean;
}

export const DEFAULT_OPS = 2000;
export const DEFAULT_REPS = 3;

export const USAGE = `usage: npm run bench [-- options]
  --json           print only a JSON array of {name, value, unit, floor, ratio, runs, spreadPct}
  --only NAME      run only this figure (repeatable, or comma-separated)
  --ops N          measured operations per load phase (default ${DEFAULT_OPS})
  --reps N         runs of each figure, reported as median and spread (default ${DEFAULT_REPS})
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
  const ops = positiveInteger('--ops', values.ops, DEFAULT_OPS);
  const reps = positiveInteger('--reps', values.reps, DEFAULT_REPS);
  const only = (values.only ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return {
    json: values.json ?? false,
    only,
    ops,
    reps,
    profileDir: values.profile,
    help: values.help ?? false,
  };
}

function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`${flag} must be a positive integer, got '${value}'`);
  return Number(value);
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
      reps: { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** Warm-up before each measured phase: a tenth of the operations, 20 to 200. */
export function warmupFor(ops: number): number {
  return Math.min(200, Math.max(20, Math.round(ops / 10)));
}
