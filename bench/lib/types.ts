import type { KeyPair } from '../../certs/index.js';

/**
 * One benchmark figure: a value measured through the real service and a floor
 * it is compared to, both measured in the same run. ratio = value / floor.
 */
export interface Figure {
  /** Stable name, used by `--only` and in the JSON output. */
  name: string;
  /** Unit of both value and floor (they are always comparable). */
  unit: string;
  /** What the value is, one line. */
  description: string;
  /** What the floor is, one line. */
  floorDescription: string;
  /** The ratio this figure should reach: value / floor ≥ target, or ≤ target when `lowerIsBetter`; undefined: reported only. */
  target?: number;
  /** Times and latencies: a smaller value (and ratio) is better. */
  lowerIsBetter?: boolean;
  /** An absolute bound the value itself should stay under (e.g. a cold boot under 2,000 ms). */
  valueLimit?: number;
  run(ctx: RunContext): Promise<Measurement>;
}

export interface Measurement {
  value: number;
  floor: number;
  /** Extra facts for the human report (latencies, operation counts…). */
  notes?: string[];
}

export interface RunContext {
  /** Measured operations per load phase (default 2000, `--ops`). */
  ops: number;
  /** Warm-up operations before each measured phase. */
  warmup: number;
  /** Requests in flight (one per connection). */
  concurrency: number;
  /** Node flags for spawned servers (e.g. --cpu-prof), from `--profile`. */
  serverNodeArgs: string[];
  /** Progress to stderr. */
  log(message: string): void;
  /** RSA-2048 key pairs generated once per run and shared by the figures. */
  keys(): Promise<KeyPair[]>;
}

/**
 * One line of `--json` output: the medians over the repetitions (`ratio` is the median of the
 * runs' ratios, not value ÷ floor of the medians), and each run.
 */
export interface FigureResult {
  name: string;
  value: number;
  unit: string;
  floor: number;
  ratio: number;
  /** Every run, in order: how far one noisy run is from the others. */
  runs: { value: number; floor: number; ratio: number }[];
  /** (largest − smallest) ÷ median of the runs' values, in percent. */
  spreadPct: number;
}
