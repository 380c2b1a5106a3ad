import type { Exchange, ScenarioResult, StepRecord } from '../types.js';
import { headerLines, prettyBody, truncate } from './text.js';

/** Bodies in plain-text renderings are cut to this many characters. */
export const BODY_LIMIT = 2048;

/** `POST https://bank/register → 201 (35 ms)` */
export function exchangeLine(e: Exchange): string {
  const result = e.error !== undefined ? `✗ ${e.error}` : `${e.status ?? '?'}`;
  return `${e.method} ${e.url} → ${result} (${Math.round(e.ms)} ms)`;
}

/** An exchange as plain text: request line, headers and body, then the response (or the error). */
export function exchangeText(e: Exchange, bodyLimit = BODY_LIMIT): string {
  const out = [`${e.from} → ${e.to}`, `${e.method} ${e.url}`];
  const reqHeaders = headerLines(e.requestHeaders);
  if (reqHeaders) out.push(reqHeaders);
  if (e.requestBody) out.push('', truncate(prettyBody(e.requestBody), bodyLimit));
  out.push('');
  if (e.error !== undefined) {
    out.push(`✗ no response: ${e.error}`);
  } else {
    out.push(`HTTP ${e.status ?? '?'} (${Math.round(e.ms)} ms)`);
    const resHeaders = headerLines(e.responseHeaders);
    if (resHeaders) out.push(resHeaders);
    if (e.responseBody) out.push('', truncate(prettyBody(e.responseBody), bodyLimit));
  }
  return out.join('\n');
}

/** The step that failed: the first not ok, else (a check after the steps) the last one. */
export function failingStep(r: ScenarioResult): StepRecord | undefined {
  return r.steps.find((s) => !s.ok) ?? r.steps.at(-1);
}

/**
 * What a CI page should show for a failed scenario: the reason, the failing step and its
 * exchanges — the last (the one that failed) in full, at most `maxExchanges` of them.
 */
export function failureText(r: ScenarioResult, maxExchanges = 3): string {
  const out = [r.reason ?? 'failed'];
  const step = failingStep(r);
  if (!step) return out.join('\n');
  out.push('', `Step: ${step.name}${step.ok ? '' : ' ✗'}`);
  if (step.error && step.error !== r.reason) out.push(`Error: ${step.error}`);
  const e = step.expectation;
  if (e)
    out.push(
      `Expected (${e.level}): ${e.message}`,
      ...(e.rule ? [`Rule ${e.rule.id} — ${e.rule.source}: "${e.rule.quote}"`] : []),
    );
  const shown = step.exchanges.slice(-maxExchanges);
  const left = step.exchanges.length - shown.length;
  if (left > 0) {
    out.push('', `(${left} earlier exchange${left === 1 ? '' : 's'} of this step left out)`);
    for (const e of step.exchanges.slice(0, left)) out.push(`  ${exchangeLine(e)}`);
  }
  shown.forEach((e, i) => {
    out.push('', `--- exchange ${left + i + 1} of ${step.exchanges.length} ---`, exchangeText(e));
  });
  return out.join('\n');
}

/** Every step with its exchanges, one line each (JUnit system-out). */
export function stepsOutline(r: ScenarioResult): string {
  const out: string[] = [];
  for (const step of r.steps) {
    out.push(`${step.ok ? '✓' : '✗'} ${step.name}${step.error ? ` — ${step.error}` : ''}`);
    for (const e of step.exchanges) out.push(`    ${exchangeLine(e)}`);
  }
  return out.join('\n');
}
