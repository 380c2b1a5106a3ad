import type { Outcome, RunSummary, ScenarioResult } from '../types.js';
import { cleanupLine } from './cleanup-line.js';
import { maskText } from './mask.js';
import { humanDuration, oneLine } from './text.js';

export interface ConsoleOptions {
  /** ANSI colours (default false: plain text, for logs and pipes). */
  color?: boolean;
}

const SYMBOL: Record<Outcome, string> = {
  passed: '✓',
  failed: '✗',
  warning: '!',
  skipped: '○',
  blocked: '⊘',
};
const COLOUR: Record<Outcome, string> = {
  passed: '32',
  failed: '31',
  warning: '33',
  skipped: '2',
  blocked: '35',
};

function paint(text: string, code: string, on: boolean | undefined): string {
  return on ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** Text from a result made safe for a terminal: one line, no control characters, secrets masked. */
function clean(text: string): string {
  return oneLine(maskText(text));
}

/** One line per finished scenario: `✗ DCR-004 Rejects RS256 (312 ms) — expected 400, got 201`. */
export function consoleProgress(result: ScenarioResult, opts: ConsoleOptions = {}): string {
  const symbol = paint(SYMBOL[result.outcome] ?? '?', COLOUR[result.outcome] ?? '0', opts.color);
  const id = paint(clean(result.id), '1', opts.color);
  const ms = paint(`(${Math.round(result.durationMs)} ms)`, '2', opts.color);
  const reason = result.outcome !== 'passed' && result.reason ? ` — ${clean(result.reason)}` : '';
  return `${symbol} ${id} ${clean(result.title)} ${ms}${reason}${ruleNote(result)}`;
}

/** ` [MUST reg.redirect-subset, OB DCR … : "…"]` for a failure or warning: the level and the sentence behind it. */
function ruleNote(r: ScenarioResult): string {
  const e = r.expectation;
  if (!e || (r.outcome !== 'failed' && r.outcome !== 'warning')) return '';
  return e.rule
    ? ` [${e.level} ${e.rule.id}, ${clean(e.rule.source)}: "${clean(e.rule.quote)}"]`
    : ` [${e.level}]`;
}

/** The end of a run: counts, each failed scenario with its reason, the duration. */
export function consoleSummary(summary: RunSummary, opts: ConsoleOptions = {}): string {
  const total = summary.results.length;
  const n = (o: Outcome, count: number, label: string) =>
    paint(`${count} ${label}`, COLOUR[o], opts.color && count > 0);
  const counts = [
    n('passed', summary.passed, 'passed'),
    n('failed', summary.failed, 'failed'),
    n('warning', summary.warnings, summary.warnings === 1 ? 'warning' : 'warnings'),
    n('skipped', summary.skipped, 'skipped'),
    n('blocked', summary.blocked, 'blocked'),
  ].join(', ');
  const lines: string[] = [];
  // A failed baseline first: it explains every blocked scenario.
  for (const b of (summary.baselines ?? []).filter((x) => !x.ok)) {
    lines.push(
      paint(`Baseline failed — ${clean(b.title)}: no, ${clean(b.reason ?? '')}`, COLOUR.failed, opts.color),
      `  ${b.advice ? `what to change: ${clean(b.advice)}; ` : ''}${b.blocked.length} scenario(s) blocked, not passed`,
    );
  }
  const cleanup = cleanupLine(summary);
  if (cleanup) lines.push(cleanup);
  lines.push(
    `${total} scenario${total === 1 ? '' : 's'} against ${clean(summary.target)}: ${counts} in ${humanDuration(summary.durationMs)}`,
  );
  for (const [o, title] of [
    ['failed', 'Failed (MUST):'],
    ['warning', 'Warnings (SHOULD/MAY — a SHOULD fails the run only with --fail-on warning, a MAY never):'],
  ] as const) {
    const list = summary.results.filter((r) => r.outcome === o);
    if (list.length === 0) continue;
    lines.push(paint(title, COLOUR[o], opts.color));
    for (const r of list)
      lines.push(
        `  ${paint(SYMBOL[o], COLOUR[o], opts.color)} ${clean(r.id)} — ${clean(r.reason ?? o)}${ruleNote(r)}`,
      );
  }
  return lines.join('\n');
}
