/**
 * `npm run bench`: measures each figure through the real service (a separate
 * server process) beside an in-process floor measured in the same run.
 * Human table on stdout by default; `--json` prints only the JSON array.
 * To add a figure: one file under bench/figures/, one line in FIGURES.
 */
import { resolve } from 'node:path';
import { generateRsaKeyPair, type KeyPair } from '../certs/index.js';
import { catalogue } from './figures/catalogue.js';
import { certIssuance } from './figures/cert-issuance.js';
import { dcrScenarios } from './figures/dcr-scenarios.js';
import { e2e } from './figures/e2e.js';
import { register } from './figures/register.js';
import { sandboxBootCold, sandboxBootWarm } from './figures/sandbox-boot.js';
import { ssa } from './figures/ssa.js';
import { storeWriteAmplification } from './figures/store-write-amplification.js';
import { token } from './figures/token.js';
import { parseBenchArgs, USAGE, UsageError, warmupFor } from './lib/args.js';
import { killDirectoryProcesses } from './lib/directory-process.js';
import { formatReport, machineLoad, medianRunNotes, type Row, toResult } from './lib/report.js';
import { removeTempDirs } from './lib/temp-dir.js';
import type { Figure, Measurement, RunContext } from './lib/types.js';

const FIGURES: Figure[] = [
  sandboxBootCold,
  sandboxBootWarm,
  certIssuance,
  ssa,
  storeWriteAmplification,
  register,
  token,
  e2e,
  dcrScenarios,
  catalogue,
];

const CONCURRENCY = 8;
/** Distinct client keys (hence CSRs) cycled through per software statement. */
const CLIENT_KEYS = 8;

const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

async function main(): Promise<number> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n\nfigures: ${FIGURES.map((f) => f.name).join(', ')}\n`);
    return 0;
  }
  const unknown = options.only.filter((name) => !FIGURES.some((f) => f.name === name));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown figure ${unknown.join(', ')}; figures: ${FIGURES.map((f) => f.name).join(', ')}`,
    );
  const figures = options.only.length > 0 ? FIGURES.filter((f) => options.only.includes(f.name)) : FIGURES;

  const ctx: RunContext = {
    ops: options.ops,
    warmup: warmupFor(options.ops),
    concurrency: CONCURRENCY,
    serverNodeArgs: options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', resolve(options.profileDir)] : [],
    log,
    keys: once(async (): Promise<KeyPair[]> => {
      log(`generating ${CLIENT_KEYS} RSA-2048 client keys`);
      return Promise.all(Array.from({ length: CLIENT_KEYS }, () => generateRsaKeyPair(2048)));
    }),
  };

  const loadAtStart = machineLoad();
  const rows: Row[] = [];
  for (const figure of figures) {
    const started = Date.now();
    const measured: Measurement[] = [];
    try {
      for (let rep = 1; rep <= options.reps; rep++) {
        log(`${figure.name} (run ${rep} of ${options.reps})`);
        const m = await figure.run(ctx);
        if (!(m.value > 0) || !(m.floor > 0))
          throw new Error(`no measurement (value ${m.value}, floor ${m.floor})`);
        measured.push(m);
        log(`  ${m.value.toFixed(1)} ${figure.unit} vs floor ${m.floor.toFixed(1)} ${figure.unit}`);
      }
      const result = toResult(figure, measured);
      rows.push({ figure, result, notes: medianRunNotes(measured) });
      log(
        `  median ${result.value} ${result.unit} vs floor ${result.floor} ${result.unit}: ratio ${result.ratio}, spread ${result.spreadPct}% (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log(`  FAILED: ${err instanceof Error ? (err.stack ?? message) : message}`);
      rows.push({ figure, error: message });
    }
  }

  if (options.json) {
    const results = rows.flatMap((row) => ('result' in row ? [row.result] : []));
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    const settings = `${options.reps} runs per figure, concurrency ${ctx.concurrency}, ${ctx.ops} measured ops per phase after ${ctx.warmup} warm-up, ${CLIENT_KEYS} client keys`;
    process.stdout.write(`${formatReport(rows, settings, loadAtStart)}\n`);
  }
  return rows.some((row) => 'error' in row) ? 1 : 0;
}

// Ctrl-C: stop the server processes, then remove their data folders.
process.once('SIGINT', () => {
  log('interrupted: stopping servers, removing temp folders');
  killDirectoryProcesses()
    .catch(() => undefined)
    .then(() => {
      removeTempDirs();
      process.exit(130);
    });
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    log(err instanceof UsageError ? `${err.message}\n\n${USAGE}` : `bench: ${(err as Error).stack ?? err}`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
