import { randomBytes } from 'node:crypto';
import { CATALOGUE, runCatalogue, selectScenarios, type Target } from '../scenarios/index.js';
import type { RunSummary, ScenarioResult } from '../scenarios/types.js';
import { onboardAtDirectory, type TppMaterial } from '../tpp-client/index.js';

export interface ScenarioRun {
  id: string;
  bank: string;
  patterns: string[];
  startedAt: string;
  state: 'running' | 'done' | 'failed';
  /** Scenario ids in the order they will report. */
  selected: { id: string; title: string }[];
  results: ScenarioResult[];
  summary?: RunSummary;
  error?: string;
}

export interface ScenarioRunsOptions {
  directoryUrl: string;
  adminToken: string;
  caBundlePem: string;
  banks: { id: string; discovery: string }[];
  /** Runs kept (the oldest finished one is dropped first); default 5. */
  keep?: number;
}

/**
 * Scenario runs started from the console: the catalogue's runner against a bank
 * of this instance, with a TPP onboarded at this directory (as `obmock scenarios
 * --target` does with a `directory` config). One run at a time; the last few kept.
 */
export function createScenarioRuns(options: ScenarioRunsOptions) {
  const keep = options.keep ?? 5;
  const runs = new Map<string, ScenarioRun>();

  const onboard = (): Promise<TppMaterial> =>
    onboardAtDirectory({
      directoryUrl: options.directoryUrl,
      caBundlePem: options.caBundlePem,
      organisation: {
        adminToken: options.adminToken,
        create: { OrganisationName: 'Console scenarios TPP', Roles: ['AISP', 'PISP'] },
      },
      softwareStatement: {
        ClientName: 'Console scenarios',
        RedirectUri: ['https://tpp.example.com/cb', 'https://tpp.example.com/cb2'],
        Roles: ['AISP', 'PISP'],
      },
    });

  async function execute(run: ScenarioRun, bank: { id: string; discovery: string }): Promise<void> {
    try {
      const material = await onboard();
      const target: Target = {
        name: `bank ${bank.id} (${bank.discovery})`,
        discoveryUrl: bank.discovery,
        hints: {},
        material,
        directory: {
          url: options.directoryUrl,
          adminToken: options.adminToken,
          caBundlePem: options.caBundlePem,
          newTpp: onboard,
        },
      };
      const scenarios = selectScenarios(CATALOGUE, run.patterns);
      run.summary = await runCatalogue(scenarios, target, {
        concurrency: 2,
        onResult: (r) => run.results.push(r),
      });
      run.state = 'done';
    } catch (err) {
      run.state = 'failed';
      run.error = (err as Error).message.slice(0, 500);
    }
  }

  return {
    list: (): ScenarioRun[] => [...runs.values()].reverse(),
    get: (id: string): ScenarioRun | undefined => runs.get(id),
    /** The scenarios the patterns select (none: every scenario). */
    select: (patterns: string[]) => selectScenarios(CATALOGUE, patterns),
    catalogue: () => CATALOGUE,
    start(bankId: string, patterns: string[]): ScenarioRun {
      const bank = options.banks.find((b) => b.id === bankId);
      if (!bank) throw new Error(`no bank '${bankId}'`);
      if ([...runs.values()].some((r) => r.state === 'running'))
        throw new Error('a run is in progress: wait for it to finish');
      const selected = selectScenarios(CATALOGUE, patterns);
      if (selected.length === 0) throw new Error('no scenario matches');
      while (runs.size >= keep) runs.delete(runs.keys().next().value as string);
      const run: ScenarioRun = {
        id: randomBytes(6).toString('hex'),
        bank: bankId,
        patterns,
        startedAt: new Date().toISOString(),
        state: 'running',
        selected: selected.map((s) => ({ id: s.id, title: s.title })),
        results: [],
      };
      runs.set(run.id, run);
      void execute(run, bank);
      return run;
    },
  };
}

export type ScenarioRuns = ReturnType<typeof createScenarioRuns>;
