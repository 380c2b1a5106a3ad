import type { RunSummary, ScenarioResult } from '../types.js';
import { failureText, stepsOutline } from './exchange-text.js';
import { maskSummary } from './mask.js';
import { seconds, xmlAttr, xmlText } from './text.js';

/** Failure messages (attributes) are cut to this length; the element text has the rest. */
const MESSAGE_LIMIT = 1000;

/** The runner marks unexpected exceptions (not failed checks) with this prefix. */
const ERROR_PREFIX = 'error: ';

/** `obmock.<first tag>`, in the characters every CI system's class-name grouping copes with. */
function className(r: ScenarioResult): string {
  const tag = (r.tags[0] ?? 'scenarios').replace(/[^A-Za-z0-9_.-]+/g, '_');
  return `obmock.${tag}`;
}

/** A failed check is a `<failure>`; an unexpected exception is an `<error>`. */
function isError(r: ScenarioResult): boolean {
  return r.outcome === 'failed' && (r.reason ?? '').startsWith(ERROR_PREFIX);
}

function message(reason: string | undefined, fallback: string): string {
  const text = reason ?? fallback;
  return text.length > MESSAGE_LIMIT ? `${text.slice(0, MESSAGE_LIMIT)}…` : text;
}

/** `timestamp` as the original Ant format has it: ISO 8601 without a zone (this one is UTC). */
function timestamp(iso: string): string | undefined {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 19);
}

function property(name: string, value: string, indent: string): string {
  return `${indent}<property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`;
}

/** A warning's text: the expectation not met, its level and the quoted rule. */
function warningText(r: ScenarioResult): string {
  const e = r.expectation;
  const rule = e?.rule ? ` — ${e.rule.id} (${e.rule.source}): "${e.rule.quote}"` : '';
  return `${e?.level ?? r.level}: ${r.reason ?? ''}${rule}`;
}

function testcase(r: ScenarioResult): string {
  const out = [
    `    <testcase classname="${xmlAttr(className(r))}" name="${xmlAttr(`${r.id} ${r.title}`)}" time="${seconds(r.durationMs)}">`,
    '      <properties>',
    property('id', r.id, '        '),
    property('reference', r.reference, '        '),
  ];
  out.push(property('level', r.level, '        '));
  for (const rule of r.rules)
    out.push(property(`rule ${rule.id}`, `${rule.level} — ${rule.source}: "${rule.quote}"`, '        '));
  if (r.baseline) out.push(property('baseline', r.baseline, '        '));
  if (r.outcome === 'warning') out.push(property('warning', warningText(r), '        '));
  if (r.conformanceCase) out.push(property('conformanceCase', r.conformanceCase, '        '));
  if (r.tags.length > 0) out.push(property('tags', r.tags.join(' '), '        '));
  out.push('      </properties>');
  if (r.outcome === 'skipped') {
    out.push(`      <skipped message="${xmlAttr(message(r.reason, 'skipped'))}"/>`);
  } else if (r.outcome === 'blocked') {
    out.push(`      <skipped message="${xmlAttr(message(`blocked: ${r.reason ?? ''}`, 'blocked'))}"/>`);
  } else if (r.outcome === 'failed') {
    const [element, type] = isError(r) ? ['error', 'Error'] : ['failure', 'AssertionError'];
    out.push(
      `      <${element} message="${xmlAttr(message(r.reason, 'failed'))}" type="${type}">${xmlText(failureText(r))}</${element}>`,
    );
  }
  // A warning passes, carrying its text where CI plugins show it: system-out (and a property).
  const outline = [r.outcome === 'warning' ? `WARNING: ${warningText(r)}\n` : '', stepsOutline(r)].join('');
  if (outline) out.push(`      <system-out>${xmlText(outline)}</system-out>`);
  out.push('    </testcase>');
  return out.join('\n');
}

/**
 * The run as JUnit XML, the format GitHub, GitLab and Jenkins render: one `<testsuite>` named
 * after the target, one `<testcase>` per scenario. A failure's text is the failing step and its
 * HTTP exchanges (masked, bodies cut to a few KB), so the CI page shows what went wrong.
 */
export function toJUnitXml(summary: RunSummary): string {
  const run = maskSummary(summary);
  const results = run.results;
  const errors = results.filter(isError).length;
  const failures = results.filter((r) => r.outcome === 'failed').length - errors;
  const skipped = results.filter((r) => r.outcome === 'skipped' || r.outcome === 'blocked').length;
  const counts = `tests="${results.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(run.durationMs)}"`;
  const ts = timestamp(run.startedAt);
  const tsAttr = ts ? ` timestamp="${ts}"` : '';
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="obmock scenarios" ${counts}${tsAttr}>`,
    `  <testsuite name="${xmlAttr(run.target || 'obmock')}" id="0" ${counts}${tsAttr}>`,
    '    <properties>',
    property('target', run.target, '      '),
    property('startedAt', run.startedAt, '      '),
    '    </properties>',
    ...results.map(testcase),
    '  </testsuite>',
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}
