import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { shippedProfileNames } from '../../aspsp-mock/index.js';
import {
  CATALOGUE,
  runCatalogue,
  type Sandbox,
  selectScenarios,
  startSandbox,
  type Target,
} from '../../scenarios/index.js';
import { consoleProgress, consoleSummary, writeReports } from '../../scenarios/reporters/index.js';
import { targetFromConfig } from '../../scenarios/tpp-config.js';
import { UsageError } from '../usage-error.js';
import { wholeNumber } from '../whole-number.js';

export const SCENARIOS_USAGE = `obmock scenarios [options]

Runs the scenario catalogue: full end-to-end registrations, each checking one
rule. Exits 0 only if nothing failed.

Against a private sandbox (default): boots directory, bank and TPP in-process on
free ports with a fresh data dir, then runs everything.
Against any bank (conformance mode):
  --target DISCOVERY_URL --tpp-config FILE   see docs/scenarios.md for the file

Options:
  --only PATTERN        run scenarios whose id starts with / tag equals PATTERN (* wildcard; repeatable)
  --skip PATTERN        leave these out (repeatable)
  --bank PROFILE        sandbox bank profile (shipped name or file; default ob-v3.3)
  --reporter NAME       console | json | junit | html (repeatable; default console)
  --out DIR             where json/junit/html reports go (default obmock-report)
  --concurrency N       scenarios run at once (default 4)
  --list                list the selected scenarios and exit
  --key-cache DIR       reuse test RSA keys from DIR across runs (default .obmock/key-cache)
`;

const REPORTERS = ['console', 'json', 'junit', 'html'] as const;
type ReporterName = (typeof REPORTERS)[number];

export async function scenarios(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', multiple: true },
      skip: { type: 'string', multiple: true },
      bank: { type: 'string' },
      reporter: { type: 'string', multiple: true },
      out: { type: 'string' },
      concurrency: { type: 'string' },
      target: { type: 'string' },
      'tpp-config': { type: 'string' },
      list: { type: 'boolean' },
      'key-cache': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(SCENARIOS_USAGE);
    return 0;
  }
  const reporters = (values.reporter ?? ['console']) as ReporterName[];
  const bad = reporters.filter((r) => !REPORTERS.includes(r));
  if (bad.length) throw new UsageError(`--reporter ${bad.join(', ')}: use ${REPORTERS.join(', ')}`);
  if ((values.target === undefined) !== (values['tpp-config'] === undefined)) {
    throw new UsageError('--target and --tpp-config go together (conformance mode)');
  }
  if (values.target && values.bank)
    throw new UsageError('--bank configures the sandbox bank; it does not apply with --target');
  const concurrency = wholeNumber('concurrency', values.concurrency, { min: 1, max: 32 }) ?? 4;
  const selected = selectScenarios(CATALOGUE, values.only ?? [], values.skip ?? []);
  if (values.list) {
    for (const s of selected) process.stdout.write(`${s.id.padEnd(34)} ${s.title}\n`);
    return 0;
  }
  if (selected.length === 0) throw new Error('no scenario matches --only/--skip');

  const color = process.stdout.isTTY === true;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  let sandbox: Sandbox | undefined;
  let target: Target;
  const started = Date.now();
  if (values.target) {
    target = await targetFromConfig(values.target, values['tpp-config']!);
  } else {
    log(`booting a private sandbox (bank profile ${values.bank ?? 'ob-v3.3'})…`);
    sandbox = await startSandbox({
      banks: [`default=${values.bank ?? 'ob-v3.3'}`],
      profileBanks: shippedProfileNames(),
      keyPoolSize: 8,
      // Test keys are reused across runs (RSA generation dominates start-up); delete the folder to renew them.
      keyCacheDir: values['key-cache'] ?? join('.obmock', 'key-cache'),
    });
    target = await sandbox.target('default');
    log(`sandbox up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${target.discoveryUrl}`);
  }
  try {
    log(`running ${selected.length} scenario(s) against ${target.name}`);
    const summary = await runCatalogue(selected, target, {
      concurrency,
      onResult: (r) => {
        if (reporters.includes('console')) log(consoleProgress(r, { color }));
      },
    });
    if (reporters.includes('console')) log(consoleSummary(summary, { color }));
    const files = reporters.filter((r) => r !== 'console') as ('json' | 'junit' | 'html')[];
    if (files.length) {
      const written = await writeReports(summary, {
        reporters: files,
        outDir: values.out ?? 'obmock-report',
      });
      for (const f of Object.values(written)) log(`report: ${f}`);
    }
    return summary.failed === 0 ? 0 : 1;
  } finally {
    await sandbox?.stop();
  }
}
