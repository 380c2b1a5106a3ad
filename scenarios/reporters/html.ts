import type { Exchange, Outcome, RunSummary, ScenarioResult, StepRecord } from '../types.js';
import { type DecodedCertificate, exchangeCertificates } from './certificates.js';
import { failingStep } from './exchange-text.js';
import { maskSummary } from './mask.js';
import { sequenceDiagram } from './sequence.js';
import { headerLines, html, humanDuration, pathOf, prettyBody } from './text.js';

const BADGE: Record<Outcome, string> = {
  passed: '✓ PASSED',
  failed: '✗ FAILED',
  warning: '! WARNING',
  skipped: '○ SKIPPED',
  blocked: '⊘ BLOCKED',
};

const STYLE = `
:root { --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --skip: #6e7781;
  --skip-bg: #eaeef2; --line: #d0d7de; --muted: #57606a; --code-bg: #f6f8fa; --warn: #9a6700;
  --warn-bg: #fff8c5; --block: #8250df; --block-bg: #fbefff; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
  margin: 0; padding: 0 24px 48px; max-width: 1400px; }
header { padding: 16px 0 8px; border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 8px; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
h4 { margin: 10px 0 4px; font-size: 13px; }
.meta { color: var(--muted); margin: 0 0 12px; }
.counts { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 10px; }
.count { padding: 8px 14px; border-radius: 6px; border: 1px solid var(--line); font-size: 15px; }
.count b { font-size: 20px; }
.count.passed { background: var(--pass-bg); color: var(--pass); border-color: var(--pass); }
.count.failed { background: var(--fail-bg); color: var(--fail); border-color: var(--fail); }
.count.skipped { background: var(--skip-bg); color: var(--skip); border-color: var(--skip); }
.count.warning, .badge.warning { background: var(--warn-bg); color: var(--warn); border-color: var(--warn); }
.count.blocked, .badge.blocked { background: var(--block-bg); color: var(--block); border-color: var(--block); }
.baseline-failed { background: var(--fail-bg); color: var(--fail); padding: 8px 12px; border-radius: 6px; }
.expectation { background: var(--code-bg); border-left: 3px solid var(--fail); padding: 4px 8px; margin: 4px 0; }
.expectation[data-level="SHOULD"], .expectation[data-level="MAY"] { border-left-color: var(--warn); }
.verdict { font-weight: 600; padding: 8px 14px; border-radius: 6px; color: #fff; }
.verdict.passed { background: var(--pass); } .verdict.failed { background: var(--fail); }
.badge { font-size: 12px; font-weight: 700; padding: 2px 8px; border-radius: 10px; white-space: nowrap; }
.badge.passed { background: var(--pass-bg); color: var(--pass); }
.badge.failed { background: var(--fail-bg); color: var(--fail); }
.badge.skipped { background: var(--skip-bg); color: var(--skip); }
table.overview { border-collapse: collapse; width: 100%; margin: 12px 0 20px; }
table.overview td, table.overview th { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
table.overview td.reason { color: var(--muted); }
table.overview td.nowrap { white-space: nowrap; }
code, pre, .id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
pre { background: var(--code-bg); padding: 8px 10px; border-radius: 6px; overflow-x: auto; margin: 0;
  white-space: pre-wrap; word-break: break-all; max-height: 480px; overflow-y: auto; }
.scenario { border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; padding: 12px 16px;
  margin: 16px 0; }
.scenario[data-outcome="passed"] { border-left-color: var(--pass); }
.scenario[data-outcome="failed"] { border-left-color: var(--fail); }
.scenario[data-outcome="skipped"] { border-left-color: var(--skip); }
.scenario[data-outcome="warning"] { border-left-color: var(--warn); }
.scenario[data-outcome="blocked"] { border-left-color: var(--block); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 10px; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
dd.reason { font-weight: 600; white-space: pre-wrap; }
.scenario[data-outcome="failed"] dd.reason { color: var(--fail); }
figure.diagram { margin: 8px 0 12px; overflow-x: auto; }
svg.sequence a:hover text { text-decoration: underline; }
ol.steps { padding-left: 22px; margin: 0; } li.step { margin: 6px 0; }
.step-name { font-weight: 600; } li.step.bad > .step-name { color: var(--fail); }
.step-error { color: var(--fail); white-space: pre-wrap; }
details.exchange { border: 1px solid var(--line); border-radius: 6px; margin: 4px 0; }
details.exchange > summary { cursor: pointer; padding: 4px 8px; font-family: ui-monospace, monospace; font-size: 12px; }
details.exchange[open] > summary { border-bottom: 1px solid var(--line); }
details.exchange > .body { padding: 4px 10px 10px; }
.status-ok { color: var(--pass); } .status-bad { color: var(--fail); }
.panes { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
@media (max-width: 900px) { .panes { grid-template-columns: 1fr; } }
table.cert { border-collapse: collapse; font-size: 12px; margin-bottom: 6px; }
table.cert th { text-align: left; color: var(--muted); padding: 1px 10px 1px 0; font-weight: normal; }
.empty { color: var(--muted); font-style: italic; }
body:has(#only-problems:checked) .scenario[data-outcome="passed"],
body:has(#only-problems:checked) tr[data-outcome="passed"] { display: none; }
footer { color: var(--muted); margin-top: 24px; font-size: 12px; }
`;

function pre(text: string, cls = ''): string {
  return `<pre${cls ? ` class="${cls}"` : ''}>${html(text)}</pre>`;
}

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

function statusClass(e: Exchange): string {
  return e.error === undefined && e.status !== undefined && e.status < 400 ? 'status-ok' : 'status-bad';
}

function certificateTable(c: DecodedCertificate): string {
  const rows: [string, string][] = [
    ['Found in', c.where],
    ['Subject', c.subject],
    ['Issuer', c.issuer],
    ['Valid from', c.validFrom],
    ['Valid to', c.validTo],
    ['Serial', c.serialNumber],
  ];
  if (c.subjectAltName) rows.push(['Subject alt. name', c.subjectAltName]);
  rows.push(['SHA-256', c.fingerprint256]);
  return `<table class="cert">${rows.map(([k, v]) => `<tr><th>${html(k)}</th><td><code>${html(v)}</code></td></tr>`).join('')}</table>`;
}

function exchangeDetails(e: Exchange, n: number, id: string, open: boolean): string {
  const result = e.error !== undefined ? `✗ ${e.error}` : `${e.status ?? '?'}`;
  const summary =
    `${n}. ${html(e.from)} → ${html(e.to)} <b>${html(e.method)}</b> ${html(pathOf(e.url))} → ` +
    `<span class="${statusClass(e)}">${html(result)}</span> (${Math.round(e.ms)} ms)`;

  const request = [`${e.method} ${e.url}`, headerLines(e.requestHeaders)].filter(Boolean).join('\n');
  const requestBody = e.requestBody ? pre(prettyBody(e.requestBody), 'request-body') : '';
  const response =
    e.error !== undefined
      ? pre(`no response: ${e.error}`, 'response-error')
      : pre([`HTTP ${e.status ?? '?'}`, headerLines(e.responseHeaders)].filter(Boolean).join('\n')) +
        (e.responseBody ? pre(prettyBody(e.responseBody), 'response-body') : '');

  const jwts = (e.jwts ?? [])
    .map(
      (j, i) =>
        `<div class="jwt"><h4>JWT ${i + 1} (in the ${html(j.where)}), decoded</h4>` +
        `<div class="panes"><div><h4>Header</h4>${pre(jsonText(j.header), 'jwt-header')}</div>` +
        `<div><h4>Payload</h4>${pre(jsonText(j.payload), 'jwt-payload')}</div></div></div>`,
    )
    .join('');

  const certs = exchangeCertificates(e);
  const certBlock =
    certs.length > 0
      ? `<div class="certs"><h4>Certificates, decoded</h4>${certs.map(certificateTable).join('')}</div>`
      : '';

  return (
    `<details class="exchange" id="${html(id)}"${open ? ' open' : ''}>` +
    `<summary>${summary}</summary><div class="body"><div class="panes">` +
    `<div><h4>Request</h4>${pre(request, 'request')}${requestBody}</div>` +
    `<div><h4>Response</h4>${response}</div></div>${jwts}${certBlock}</div></details>`
  );
}

function stepItem(step: StepRecord, firstIndex: number, scenarioKey: string, openIndex: number): string {
  const exchanges = step.exchanges
    .map((e, i) => {
      const n = firstIndex + i;
      return exchangeDetails(e, n + 1, `${scenarioKey}-x${n}`, n === openIndex);
    })
    .join('');
  return (
    `<li class="step ${step.ok ? 'ok' : 'bad'}"><div class="step-name">${step.ok ? '✓' : '✗'} ${html(step.name)}</div>` +
    `${step.error ? `<div class="step-error">${html(step.error)}</div>` : ''}${expectationBlock(step)}${exchanges}</li>`
  );
}

/** The expectation a failing step did not meet: its level and the quoted rule behind it. */
function expectationBlock(step: StepRecord): string {
  const e = step.expectation;
  if (!e) return '';
  const rule = e.rule
    ? ` <span class="rule-id">${html(e.rule.id)}</span> — ${html(e.rule.source)}: <q>${html(e.rule.quote)}</q>`
    : '';
  return `<div class="expectation" data-level="${html(e.level)}"><b>Expected (${html(e.level)}):</b> ${html(e.message)}<br>Rule:${rule || ' —'}</div>`;
}

function scenarioSection(r: ScenarioResult, index: number): string {
  const key = `s${index}`;
  const exchanges = r.steps.flatMap((s) => s.exchanges);
  // A failed scenario opens the exchange that failed: the last one of its failing step.
  let openIndex = -1;
  if (r.outcome === 'failed' || r.outcome === 'warning') {
    const step = failingStep(r);
    if (step && step.exchanges.length > 0) openIndex = exchanges.lastIndexOf(step.exchanges.at(-1)!);
  }
  const facts: [string, string, string?][] = [['Reference', r.reference]];
  facts.push(['Level', r.level]);
  for (const rule of r.rules)
    facts.push([`Rule ${rule.id} (${rule.level})`, `${rule.source}: “${rule.quote}”`]);
  if (r.baseline) facts.push(['Baseline', r.baseline]);
  if (r.conformanceCase) facts.push(['Conformance case', r.conformanceCase]);
  if (r.tags.length > 0) facts.push(['Tags', r.tags.join(', ')]);
  facts.push(['Duration', humanDuration(r.durationMs)]);
  if (r.reason !== undefined)
    facts.push([
      r.outcome === 'skipped' ? 'Skipped because' : r.outcome === 'blocked' ? 'Blocked because' : 'Reason',
      r.reason,
      'reason',
    ]);

  let first = 0;
  const steps = r.steps.map((s) => {
    const item = stepItem(s, first, key, openIndex);
    first += s.exchanges.length;
    return item;
  });
  const diagram = sequenceDiagram(exchanges, (i) => `${key}-x${i}`);

  return [
    `<section class="scenario" id="${key}" data-scenario-id="${html(r.id)}" data-outcome="${html(r.outcome)}">`,
    `<h2><span class="badge ${html(r.outcome)}">${BADGE[r.outcome] ?? html(r.outcome)}</span>`,
    `<span class="id">${html(r.id)}</span> <span class="title">${html(r.title)}</span></h2>`,
    `<dl class="facts">${facts.map(([k, v, cls]) => `<dt>${html(k)}</dt><dd${cls ? ` class="${cls}"` : ''}>${html(v)}</dd>`).join('')}</dl>`,
    diagram ? `<figure class="diagram">${diagram}</figure>` : '',
    steps.length > 0 ? `<ol class="steps">${steps.join('')}</ol>` : '<p class="empty">No steps ran.</p>',
    '</section>',
  ].join('\n');
}

function overviewRow(r: ScenarioResult, index: number): string {
  return (
    `<tr data-outcome="${html(r.outcome)}"><td><span class="badge ${html(r.outcome)}">${BADGE[r.outcome] ?? html(r.outcome)}</span></td>` +
    `<td class="nowrap"><a class="id" href="#s${index}">${html(r.id)}</a></td><td>${html(r.title)}</td>` +
    `<td class="nowrap">${html(humanDuration(r.durationMs))}</td><td class="reason">${html(r.reason ?? '')}</td></tr>`
  );
}

/**
 * The run as one self-contained HTML page (inline CSS, no scripts, no external assets): the
 * counts and verdict at the top, an overview table, then one section per scenario with its
 * reference, reason, a sequence diagram of its HTTP exchanges and each exchange's request,
 * response, decoded JWTs and decoded certificates in collapsible details. All text is escaped.
 */
export function toHtmlReport(summary: RunSummary): string {
  const run = maskSummary(summary);
  const total = run.results.length;
  const verdict = run.failed > 0 ? 'failed' : 'passed';
  const verdictText = run.failed > 0 ? `✗ ${run.failed} failed` : '✓ no failures';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${html(`obmock scenarios — ${run.target}: ${run.passed} passed, ${run.failed} failed, ${run.warnings} warnings, ${run.skipped} skipped, ${run.blocked} blocked`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    '<h1>obmock scenario report</h1>',
    `<p class="meta">Target <strong>${html(run.target)}</strong> · started ${html(run.startedAt)} · took ${html(humanDuration(run.durationMs))}</p>`,
    ...(run.baselines ?? [])
      .filter((b) => !b.ok)
      .map(
        (b) =>
          `<p class="baseline-failed"><b>Baseline failed — ${html(b.title)}:</b> ${html(b.reason ?? '')}${b.advice ? ` — what to change: ${html(b.advice)}` : ''} (${b.blocked.length} negative scenarios blocked, not passed)</p>`,
      ),
    ...(run.learned ?? []).map((l) => `<p class="meta learned">${html(l)}</p>`),
    `<div class="counts" id="summary" data-total="${total}" data-passed="${run.passed}" data-failed="${run.failed}" data-warnings="${run.warnings}" data-skipped="${run.skipped}" data-blocked="${run.blocked}">`,
    `<div class="verdict ${verdict}">${verdictText}</div>`,
    `<div class="count total"><b>${total}</b> scenarios</div>`,
    `<div class="count passed">✓ <b>${run.passed}</b> passed</div>`,
    `<div class="count failed">✗ <b>${run.failed}</b> failed</div>`,
    `<div class="count warning">! <b>${run.warnings}</b> warnings</div>`,
    `<div class="count skipped">○ <b>${run.skipped}</b> skipped</div>`,
    `<div class="count blocked">⊘ <b>${run.blocked}</b> blocked</div>`,
    '</div>',
    '<label><input type="checkbox" id="only-problems"> show only failed, warning, skipped and blocked scenarios</label>',
    '</header>',
    '<nav>',
    '<table class="overview"><thead><tr><th>Outcome</th><th>Id</th><th>Title</th><th>Time</th><th>Reason</th></tr></thead>',
    `<tbody>${run.results.map(overviewRow).join('\n')}</tbody></table>`,
    '</nav>',
    '<main>',
    ...run.results.map(scenarioSection),
    '</main>',
    `<footer>obmock · ${total} scenarios against ${html(run.target)} · secrets are masked</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
