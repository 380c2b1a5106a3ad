import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadProfile, ProfileError, shippedProfileNames } from '../../aspsp-mock/index.js';
import { prepareRsaKeys } from '../../certs/index.js';
import { catalogueRsaKeys } from '../../scenarios/catalogue/own-rsa-keys.js';
import { renderRuleTable } from '../../scenarios/catalogue/rule-table.js';
import {
  CATALOGUE,
  runCatalogue,
  type Sandbox,
  selectScenarios,
  startSandbox,
  type Target,
} from '../../scenarios/index.js';
import { otherTppSigningAlg } from '../../scenarios/other-tpp-signing-alg.js';
import { consoleProgress, consoleSummary, writeReports } from '../../scenarios/reporters/index.js';
import { oneLine } from '../../scenarios/reporters/text.js';
import { TargetError, UsageError } from '../../scenarios/target-errors.js';
import { targetFromConfig } from '../../scenarios/tpp-config.js';
import { scenariosExitCode } from '../scenarios-exit-code.js';
import { wholeNumber } from '../whole-number.js';

export const SCENARIOS_USAGE = `obmock scenarios [options]

Runs the scenario catalogue: full end-to-end registrations, each checking one
rule of the spec. A MUST not met fails; a SHOULD or MAY not met warns.
Exit codes: 0 nothing failed (warnings allowed), 1 at least one failure (or,
with --fail-on warning, a SHOULD not met; a MAY not met never fails the run),
2 usage or configuration error (also: the aud obmock guessed was refused, set
hints.audience), 3 target unreachable or not a discovery document.

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
  --rule-table          print the spec rule → scenario table (Markdown, as in docs/scenarios.md) and exit
  --key-cache DIR       reuse test RSA keys from DIR across runs (default .obmock/key-cache)
  --fail-on LEVEL       failure (default) | warning: a SHOULD not met fails the run too
                        (exit 1); a MAY not met stays a warning that never fails it
  --revocation-wait S   how long a revoked certificate may take to be refused, seconds (default 30)
  --keep-clients        leave the clients the run registered at the bank (default: the run
                        deletes them when it ends, where the bank offers DELETE)
`;

const REPORTERS = ['console', 'json', 'junit', 'html'] as const;
type ReporterName = (typeof REPORTERS)[number];

/**
 * `obmock scenarios`: exit 0 when nothing failed, 1 when something failed, 2 for a usage or
 * configuration error, 3 when the target cannot be reached or is not a discovery document.
 */
export async function scenarios(argv: string[]): Promise<number> {
  try {
    return await runScenarios(argv);
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!usage && !(err instanceof TargetError)) throw err;
    // the same words as cli/main.ts for every command's usage error
    // A target error quotes the bank (a document's value, a server's certificate names): one clean line.
    process.stderr.write(
      `obmock scenarios: ${oneLine((err as Error).message)}\n${usage ? "Run 'obmock scenarios --help' for the options.\n" : ''}`,
    );
    return err instanceof TargetError ? 3 : 2;
  }
}

async function runScenarios(argv: string[]): Promise<number> {
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
      'rule-table': { type: 'boolean' },
      'key-cache': { type: 'string' },
      'fail-on': { type: 'string' },
      'revocation-wait': { type: 'string' },
      'keep-clients': { type: 'boolean' },
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
  if (values.bank) {
    // a profile that does not load is a configuration error (exit 2), not a failed scenario (1)
    try {
      loadProfile(values.bank);
    } catch (err) {
      if (err instanceof ProfileError) throw new UsageError(`--bank '${values.bank}': ${err.message}`);
      throw err;
    }
  }
  const concurrency = wholeNumber('concurrency', values.concurrency, { min: 1, max: 32 }) ?? 4;
  const failOn = values['fail-on'] ?? 'failure';
  if (failOn !== 'failure' && failOn !== 'warning')
    throw new UsageError(`--fail-on ${failOn}: use failure or warning`);
  const revocationWait = values['revocation-wait'] === undefined ? 30 : Number(values['revocation-wait']);
  if (!Number.isFinite(revocationWait) || revocationWait < 0 || revocationWait > 3600)
    throw new UsageError('--revocation-wait must be 0–3600 seconds');
  const selected = selectScenarios(CATALOGUE, values.only ?? [], values.skip ?? []);
  if (values['rule-table']) {
    process.stdout.write(`${renderRuleTable(CATALOGUE)}\n`);
    return 0;
  }
  if (values.list) {
    for (const s of selected) process.stdout.write(`${s.id.padEnd(34)} ${s.title}\n`);
    return 0;
  }
  if (selected.length === 0) throw new UsageError('no scenario matches --only/--skip');

  const color = process.stdout.isTTY === true;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  let sandbox: Sandbox | undefined;
  let target: Target;
  const started = Date.now();
  if (values.target) {
    target = await targetFromConfig(values.target, values['tpp-config']!);
    target.revocationWaitMs = revocationWait * 1000;
  } else {
    log(`booting a private sandbox (bank profile ${values.bank ?? 'ob-v3.3'})…`);
    sandbox = await startSandbox({
      banks: [`default=${values.bank ?? 'ob-v3.3'}`],
      profileBanks: shippedProfileNames(),
      // No pool: the run knows how many keys it needs, and a pool would make keys nobody takes.
      keyPoolSize: 0,
      // Every RSA key of the run started at boot: the main TPP's two and the scenarios' own
      // (counted with ES256 for the other TPPs; topped up below if the bank does not take it).
      extraRsaKeys: 2 + catalogueRsaKeys(selected, { main: 'PS256', others: 'ES256' }),
      // Test keys are reused across runs (RSA generation dominates start-up); delete the folder to renew them.
      keyCacheDir: values['key-cache'] ?? join('.obmock', 'key-cache'),
    });
    target = { ...(await sandbox.target('default')), revocationWaitMs: revocationWait * 1000 };
    const others = otherTppSigningAlg(sandbox.banks[0].ctx.settings.signingAlgs);
    prepareRsaKeys(2048, catalogueRsaKeys(selected, { main: target.material.signing.alg, others }));
    log(`sandbox up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${target.discoveryUrl}`);
  }
  try {
    log(`running ${selected.length} scenario(s) against ${target.name}`);
    const summary = await runCatalogue(selected, target, {
      concurrency,
      keepClients: values['keep-clients'] === true,
      onLearned: (lines) => {
        for (const l of lines) log(l);
      },
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
    const code = scenariosExitCode(summary, failOn);
    if (code === 2 && summary.configurationProblem)
      process.stderr.write(`obmock scenarios: ${oneLine(summary.configurationProblem)}\n`);
    return code;
  } finally {
    await sandbox?.stop();
  }
}
