import type { Outcome, RunSummary, ScenarioResult } from '../types.js';
import { maskText } from './mask.js';
import { humanDuration, oneLine } from './text.js';

export interface ConsoleOptions {
  /** ANSI colours (default false: plain text, for logs and pipes). */
  color?: boolean;
}

const SYMBOL: Record<Outcome, string> = { passed: '✓', failed: '✗', skipped: '○' };
const COLOUR: Record<Outcome, string> = { passed: '32', failed: '31', skipped: '33' };

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
  return `${symbol} ${id} ${clean(result.title)} ${ms}${reason}`;
}

/** The end of a run: counts, each failed scenario with its reason, the duration. */
export function consoleSummary(summary: RunSummary, opts: ConsoleOptions = {}): string {
  const total = summary.results.length;
  const counts = [
    paint(`${summary.passed} passed`, COLOUR.passed, opts.color && summary.passed > 0),
    paint(`${summary.failed} failed`, COLOUR.failed, opts.color && summary.failed > 0),
    paint(`${summary.skipped} skipped`, COLOUR.skipped, opts.color && summary.skipped > 0),
  ].join(', ');
  const lines = [
    `${total} scenario${total === 1 ? '' : 's'} against ${clean(summary.target)}: ${counts} in ${humanDuration(summary.durationMs)}`,
  ];
  const failed = summary.results.filter((r) => r.outcome === 'failed');
  if (failed.length > 0) {
    lines.push(paint('Failed:', COLOUR.failed, opts.color));
    for (const r of failed) {
      lines.push(
        `  ${paint(SYMBOL.failed, COLOUR.failed, opts.color)} ${clean(r.id)} — ${clean(r.reason ?? 'failed')}`,
      );
    }
  }
  return lines.join('\n');
}
