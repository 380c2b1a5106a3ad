import { Router } from 'express';
import { cleanupLine, toHtmlReport } from '../../scenarios/reporters/index.js';
import type { ConsoleContext } from '../context.js';
import { html } from '../html.js';
import { exchangeList } from './exchanges.js';
import { layout } from './layout.js';
import { field, flashFrom, type Handler, page, redirectWith } from './respond.js';

/** Scenarios: pick by id or tag, run against a bank, watch results, open exchanges, save the HTML report. */
export function scenarioPages(ctx: ConsoleContext): Router {
  const r = Router();
  const p = (h: Handler) => page(h, ctx.logger);
  const runOf = (id: unknown) => ctx.scenarios.get(String(id));

  const show: Handler = (req, res) => {
    const csrf = req.consoleSession!.csrf;
    const tags = [...new Set(ctx.scenarios.catalogue().flatMap((s) => s.tags))].sort();
    const body = html`<h1>Scenarios</h1>
      <p>The catalogue of ${ctx.scenarios.catalogue().length} scenarios, each checking one rule end to end. A run onboards
      a fresh TPP at this directory and registers at the chosen bank.</p>
      <form method="post" action="/scenarios/runs">
        <input type="hidden" name="_csrf" value="${csrf}">
        <label>Scenarios or tags (space-separated, * wildcard) <input type="text" name="only" value="DCR-*" size="40"></label>
        <label>Bank <select name="bank">${ctx.banks.map((b) => html`<option value="${b.id}">${b.id} (${b.profile})</option>`)}</select></label>
        <button type="submit">Run</button>
      </form>
      <p class="muted">Tags: ${tags.join(', ')}</p>
      <h2>Runs</h2>
      <ul>${ctx.scenarios.list().map(
        (
          run,
        ) => html`<li><a href="/scenarios/runs/${run.id}">${run.startedAt} · bank ${run.bank} · ${run.patterns.join(' ') || 'all'}</a>
        <span class="${run.state}">${run.state}</span></li>`,
      )}</ul>`;
    res.send(layout({ title: 'Scenarios', current: '/scenarios', csrf, flash: flashFrom(req), body }));
  };

  const start: Handler = (req, res) => {
    const patterns = field(req, 'only', 512).split(/\s+/).filter(Boolean);
    try {
      const run = ctx.scenarios.start(field(req, 'bank'), patterns);
      redirectWith(req, res, `/scenarios/runs/${run.id}`, {
        kind: 'ok',
        text: `Running ${run.selected.length} scenario(s) against bank ${run.bank}`,
      });
    } catch (err) {
      redirectWith(req, res, '/scenarios', { kind: 'error', text: (err as Error).message });
    }
  };

  const showRun: Handler = (req, res) => {
    const csrf = req.consoleSession!.csrf;
    const run = runOf(req.params.run);
    if (!run) {
      res.status(404).send(
        layout({
          title: 'No such run',
          csrf,
          body: html`<p>No such run (only the last few are kept).</p>`,
        }),
      );
      return;
    }
    const done = new Map(run.results.map((x) => [x.id, x]));
    const count = (o: string) => run.results.filter((x) => x.outcome === o).length;
    // the run deletes the clients it registered when it ends, as `obmock scenarios` does
    const cleanup = run.summary ? cleanupLine(run.summary, { keepFlag: false }) : undefined;
    const body = html`<p><a href="/scenarios">Scenarios</a> › run ${run.id}</p>
      <h1>Run against bank ${run.bank} <span class="badge ${run.state}" data-run-state="${run.state}">${run.state}</span></h1>
      <p data-run-counts>${run.results.length}/${run.selected.length} done: ${count('passed')} passed, ${count('failed')} failed, ${count('warning')} warnings, ${count('skipped')} skipped, ${count('blocked')} blocked</p>
      ${run.error ? html`<p class="failed">${run.error}</p>` : ''}
      ${cleanup ? html`<p data-run-cleanup>${cleanup}</p>` : ''}
      ${run.summary ? html`<p><a href="/scenarios/runs/${run.id}/report.html" download="report.html">Save the HTML report</a> (the same report <code>obmock scenarios --reporter html</code> writes)</p>` : ''}
      <table><thead><tr><th>Scenario</th><th>Title</th><th>Outcome</th><th>Why</th></tr></thead><tbody>
      ${run.selected.map((s) => {
        const x = done.get(s.id);
        return html`<tr data-scenario="${s.id}"><td><a href="/scenarios/runs/${run.id}/${s.id}">${s.id}</a></td><td>${s.title}</td>
          <td class="${x?.outcome ?? 'running'}">${x?.outcome ?? '…'}</td><td>${x?.reason ?? ''}</td></tr>`;
      })}
      </tbody></table>`;
    res.send(
      layout({
        title: 'Scenario run',
        current: '/scenarios',
        csrf,
        flash: flashFrom(req),
        body,
        ...(run.state === 'running' ? { refreshSeconds: 2 } : {}),
      }),
    );
  };

  const showScenario: Handler = (req, res) => {
    const csrf = req.consoleSession!.csrf;
    const run = runOf(req.params.run);
    const result = run?.results.find((x) => x.id === req.params.scenario);
    if (!run || !result) {
      res
        .status(404)
        .send(layout({ title: 'Not found', csrf, body: html`<p>No result for that scenario (yet).</p>` }));
      return;
    }
    const body = html`<p><a href="/scenarios">Scenarios</a> › <a href="/scenarios/runs/${run.id}">run ${run.id}</a> › ${result.id}</p>
      <h1>${result.id} <span class="badge ${result.outcome}">${result.outcome}</span></h1>
      <p>${result.title}</p><p class="muted">${result.reference}</p>
      ${result.reason ? html`<p><strong>${result.reason}</strong></p>` : ''}
      ${result.steps.map(
        (
          s,
        ) => html`<h2>${s.name} <span class="badge ${s.ok ? 'passed' : 'failed'}">${s.ok ? 'ok' : 'failed'}</span></h2>
        ${s.error ? html`<p>${s.error}</p>` : ''}${
          s.exchanges.length
            ? exchangeList(s.exchanges)
            : html`<p class="muted" data-no-exchange>No HTTP exchange in this step: it checked what the run had
              already read (the bank’s discovery document is read once, before the first scenario).</p>`
        }`,
      )}`;
    res.send(layout({ title: result.id, current: '/scenarios', csrf, body }));
  };

  const report: Handler = (req, res) => {
    const run = runOf(req.params.run);
    if (!run?.summary) {
      res.status(404).type('text/plain').send('no finished run with that id');
      return;
    }
    res.type('text/html').attachment('report.html').send(toHtmlReport(run.summary));
  };

  r.get('/scenarios', show);
  r.post('/scenarios/runs', p(start));
  r.get('/scenarios/runs/:run', showRun);
  r.get('/scenarios/runs/:run/report.html', report);
  r.get('/scenarios/runs/:run/:scenario', showScenario);
  return r;
}
