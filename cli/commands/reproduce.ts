import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { oneLine, terminalText } from '../../scenarios/reporters/text.js';
import {
  type Diagnosis,
  type RankedVariant,
  ReproduceInputError,
  reproduce,
} from '../../scenarios/reproduce/index.js';
import { UsageError } from '../usage-error.js';

export const REPRODUCE_USAGE = `obmock reproduce --discovery URL|FILE --request FILE --response FILE [--out FILE] [--json]

Reproduces a real bank's registration failure locally: starts a private
sandbox, replays the request (same claims, re-signed with the sandbox TPP's
keys, same media type) against the profile inferred from the bank's discovery
document, each one-switch variant of it and then bounded pairs, and ranks the
variants by status, error code and the description's wording.

  --discovery URL|FILE   the bank's discovery document (https URL or saved JSON)
  --request FILE         the request that failed: the signed JWT, the JSON body,
                         or {"headers": {...}, "body": ...}
  --response FILE        the bank's answer: {"status": 400, "headers": {...}, "body": ...}
  --media-type TYPE      Content-Type the request was sent with (default: from
                         --request, else application/jose for a JWT)
  --out FILE             where to write the profile (default reproduced-profile.yaml;
                         JSON when FILE ends in .json)
  --json                 print the diagnosis as JSON
  --ca FILE              extra CA certificates for an https --discovery URL
  --max-variants N       most variants replayed (default 150)
  --time-budget-s N      time for all replays (default 60)

Exit code 0 when a variant reproduces the answer, 1 when none does, 2 on bad
usage or an input it cannot use (a file missing or too large, a request or
response it cannot read, a discovery document it cannot fetch or parse).
See docs/reproduce.md.
`;

const MAX_INPUT = 256 * 1024;

function readInput(file: string, what: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new UsageError(`${what} file '${file}' not found`);
  }
  if (size > MAX_INPUT) throw new UsageError(`${what} file '${file}' is larger than ${MAX_INPUT} bytes`);
  return readFileSync(file, 'utf8');
}

const describeChange = (c: Record<string, unknown>): string =>
  Object.keys(c).length === 0
    ? '(the inferred profile)'
    : Object.entries(c)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ');

/** An answer in one line; the error code and description are the bank's words, so made safe for a terminal. */
const answerText = (status: number, error?: string, description?: string): string =>
  `${status}${error ? ` ${oneLine(error)}` : ''}${description ? ` "${oneLine(description)}"` : ''}`;

/** What still differs between a variant's answer and the real one. */
function differences(v: RankedVariant, d: Diagnosis): string {
  const out: string[] = [];
  if (!v.comparison.status) out.push(`status ${v.status} instead of ${d.real.status}`);
  if (!v.comparison.error) out.push(`error ${v.error ?? '(none)'} instead of ${d.real.error ?? '(none)'}`);
  if (v.comparison.wording < 0.999) out.push(`wording ${Math.round(v.comparison.wording * 100)}% alike`);
  return out.join('; ') || 'nothing';
}

function report(d: Diagnosis, outFile: string, bankCommand: string): string {
  const lines: string[] = [];
  lines.push(`Real answer:  ${answerText(d.real.status, d.real.error, d.real.description)}`);
  lines.push(
    `Replayed ${d.replays} variant(s) against one sandbox bank in ${(d.timing.replayMs / 1000).toFixed(1)} s (sandbox start ${(d.timing.sandboxMs / 1000).toFixed(1)} s)${d.skipped ? `; ${d.skipped} not tried: budget reached` : ''}.`,
  );
  const inferred = Object.keys(d.inferred.switches);
  lines.push(
    `From discovery: ${inferred.length ? inferred.join(', ') : 'no switch'} (the rest: strict defaults).`,
  );
  for (const n of d.notes) lines.push(`Note: ${n}.`);
  lines.push('');
  const best = d.ranked[0];
  if (d.matched) {
    lines.push(`MATCH: this profile answers ${answerText(best.status, best.error)} as the real bank did.`);
    if (d.explanations.length === 0) {
      lines.push(
        'The inferred profile alone reproduces it: the request breaks a rule the bank advertises or a strict OB rule.',
      );
    } else {
      lines.push('Switches that explain the failure:');
      for (const e of d.explanations) {
        lines.push(`  ${e.switch} = ${JSON.stringify(e.value)}`);
        lines.push(`    real-world behaviour: ${e.reproduces}`);
        lines.push(`    what it does: ${e.doc}`);
      }
    }
    if (d.equallyGood.length)
      lines.push(
        `Equally good (the exchange cannot tell them apart): ${d.equallyGood.map(describeChange).join(' | ')}`,
      );
    lines.push('', `Profile written to ${outFile}`, `Start that bank: ${bankCommand}`);
  } else {
    lines.push(`NO MATCH: no variant answers ${answerText(d.real.status, d.real.error)}.`);
    lines.push('Closest variants and what still differs:');
    for (const [i, v] of d.ranked.slice(0, 5).entries())
      lines.push(
        `  ${i + 1}. ${describeChange(v.changes)} → ${answerText(v.status, v.error, v.description)}: ${differences(v, d)}`,
      );
    lines.push(
      '',
      'The bank may differ in a way no switch models, or in several switches at once; docs/profiles.md',
      "lists every switch ('obmock profiles --markdown') for a hand-written profile.",
      `The profile inferred from discovery alone was written to ${outFile}.`,
    );
  }
  lines.push('', 'Ranked (best first):');
  for (const [i, v] of d.ranked.slice(0, 8).entries())
    lines.push(
      `  ${String(i + 1).padStart(2)}. ${v.matched ? 'match ' : '      '}${describeChange(v.changes)} → ${answerText(v.status, v.error)} (wording ${Math.round(v.comparison.wording * 100)}%)`,
    );
  // The notes and the variants' answers quote the request and the real answer too.
  return `${lines.map(terminalText).join('\n')}\n`;
}

export async function reproduceCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      discovery: { type: 'string' },
      request: { type: 'string' },
      response: { type: 'string' },
      'media-type': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      ca: { type: 'string' },
      'max-variants': { type: 'string' },
      'time-budget-s': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(REPRODUCE_USAGE);
    return 0;
  }
  const missing = (['discovery', 'request', 'response'] as const).filter((k) => !values[k]);
  if (missing.length || positionals.length) {
    process.stderr.write(
      `obmock reproduce: ${missing.length ? `missing --${missing.join(', --')}` : `unexpected argument '${positionals[0]}'`}\n\n${REPRODUCE_USAGE}`,
    );
    return 2;
  }
  const int = (name: string, v: string | undefined, min: number, max: number, def: number): number => {
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new UsageError(`--${name} must be a whole number ${min}–${max}`);
    return n;
  };
  const maxVariants = int('max-variants', values['max-variants'], 1, 1000, 150);
  const budgetS = int('time-budget-s', values['time-budget-s'], 1, 600, 60);
  const outFile = values.out ?? 'reproduced-profile.yaml';
  const request = readInput(values.request!, 'request');
  const response = readInput(values.response!, 'response');
  const ca = values.ca ? readInput(values.ca, 'CA') : undefined;
  let d: Diagnosis;
  try {
    d = await reproduce({
      discovery: values.discovery!,
      request,
      response,
      ...(values['media-type'] ? { mediaType: values['media-type'] } : {}),
      maxVariants,
      timeBudgetMs: budgetS * 1000,
      ...(ca ? { fetch: { ca } } : {}),
    });
  } catch (err) {
    // an input it cannot use is the caller's to fix (exit 2), not "no variant matched" (exit 1)
    if (err instanceof ReproduceInputError) throw new UsageError(err.message);
    throw err;
  }
  const profileText = outFile.endsWith('.json') ? d.profileJson : d.profileYaml;
  writeFileSync(outFile, profileText);
  // as the README runs obmock: in a checkout or a project that installed it (npx finds its bin)
  const bankCommand = `npx --no-install obmock up --bank bank=${outFile}`;
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          matched: d.matched,
          switches: d.switches,
          diagnosed: d.diagnosed,
          explanations: d.explanations,
          equallyGood: d.equallyGood,
          inferred: {
            switches: d.inferred.switches,
            sources: d.inferred.sources,
            notAdvertised: d.inferred.notAdvertised,
          },
          ranked: d.ranked,
          notes: d.notes,
          replays: d.replays,
          timing: d.timing,
          skipped: d.skipped,
          elapsedMs: d.elapsedMs,
          profileFile: outFile,
          command: bankCommand,
        },
        null,
        2,
      )}\n`,
    );
  } else process.stdout.write(report(d, outFile, bankCommand));
  return d.matched ? 0 : 1;
}
