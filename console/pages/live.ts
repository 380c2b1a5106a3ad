import { Router } from 'express';
import type { ConsoleContext } from '../context.js';
import { decodeMessage } from '../decode-message.js';
import { html } from '../html.js';
import type { LiveMessage } from '../live-feed.js';
import { summaryFrame } from '../live-summary.js';
import { layout } from './layout.js';
import type { Handler } from './respond.js';

/** Badge colour of each check result (the scenario outcomes' palette). */
const CHECK_BADGE = {
  passed: 'passed',
  failed: 'failed',
  'not reached': 'skipped',
  skipped: 'skipped',
} as const;

/** Bytes of summaries a tab may fall behind by; a tab further behind is cut off (it reconnects and resumes). */
export const TAB_BUFFER_BYTES = 1024 * 1024;
/** Bytes of the newest summaries a new (or resuming) tab is sent before the live ones. */
export const BACKLOG_BYTES = 512 * 1024;
/** How long a refused tab is asked to wait before it tries again. */
const RETRY_AFTER_SECONDS = 30;

/** The newest of `messages` whose frames fit in `budget` bytes, oldest first. */
function backlog(messages: LiveMessage[], budget: number): string[] {
  const out: string[] = [];
  let left = budget;
  for (let i = messages.length - 1; i >= 0; i--) {
    const frame = summaryFrame(messages[i]);
    left -= Buffer.byteLength(frame);
    if (left < 0) break;
    out.push(frame);
  }
  return out.reverse();
}

/** Live flow: a sequence diagram of every message the services answer, each opening to its decoded parts. */
export function livePages(ctx: ConsoleContext): Router {
  const r = Router();

  const show: Handler = (req, res) => {
    const csrf = req.consoleSession!.csrf;
    // what came before this page is history, shown at once even in step-by-step mode
    const newest = ctx.live.messages().at(-1)?.id ?? 0;
    const body = html`<h1>Live flow</h1>
      <div class="live-controls">
        <label>Organisation <input type="text" id="filter-org" size="20"></label>
        <label>Client <input type="text" id="filter-client" size="20"></label>
        <label>Bank <input type="text" id="filter-bank" size="10"></label>
        <label><input type="checkbox" id="hide-console"> Hide the console’s own calls</label>
        <label><input type="checkbox" id="presenter-mode"> Presenter mode (P)</label>
        <label><input type="checkbox" id="step-mode"> Step by step (Space / →)</label>
        <button type="button" id="next-message" class="secondary">Next message</button>
        <span id="waiting" role="status"></span>
      </div>
      <div class="live">
        <div class="diagram">
          <div class="lanes" aria-hidden="true">${ctx.lanes.map((l) => html`<span>${l}</span>`)}</div>
          <div id="flow" data-lanes="${JSON.stringify(ctx.lanes)}" data-newest="${newest}" aria-live="polite" aria-label="Messages"></div>
        </div>
        <section id="message-detail" tabindex="0" aria-label="Message detail"><p class="muted">Open a message to see its headers and
        body, with every JWT, certificate and CSR decoded. From the keyboard: Tab to the list, ↑ ↓ Home End
        to move, Enter to open.</p></section>
      </div>`;
    res.send(layout({ title: 'Live flow', current: '/live', csrf, body }));
  };

  /**
   * The stream of summaries: a place is taken first (at most 64 tabs, 8 per session; none left:
   * 503 before anything else is done), then the newest backlog within BACKLOG_BYTES, then each new
   * message; a tab more than TAB_BUFFER_BYTES behind is cut off.
   */
  const events: Handler = (req, res) => {
    const write = (frame: string) => {
      if (res.destroyed) return;
      res.write(frame);
      if (res.writableLength > TAB_BUFFER_BYTES) res.destroy();
    };
    const send = (m: LiveMessage) => write(summaryFrame(m));
    const unsubscribe = ctx.live.subscribe(send, req.consoleSession!.id);
    if (!unsubscribe) {
      res
        .status(503)
        .set('Retry-After', String(RETRY_AFTER_SECONDS))
        .type('text/plain')
        .send('the live flow has no room for another tab: close one, or try again later');
      return;
    }
    const ping = setInterval(() => write(': ping\n\n'), 15_000);
    res.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    // the tab knows at once it has a place, even before any message
    res.flushHeaders();
    const after = Number(req.headers['last-event-id'] ?? 0) || 0;
    for (const frame of backlog(ctx.live.messages(after), BACKLOG_BYTES)) write(frame);
  };

  /** HEAD of the stream: its headers, and no place in the feed (nothing would ever be read from it). */
  const eventsHead: Handler = (_req, res) => {
    res.status(200).type('text/event-stream').end();
  };

  const detail: Handler = (req, res) => {
    const m = ctx.live.message(Number(req.params.id));
    if (!m) {
      res.status(404).type('text/plain').send('this message is no longer kept');
      return;
    }
    const d = decodeMessage(m);
    res.type('text/html').send(
      html`<h2>${m.method} <code>${m.path}</code> → ${m.status}</h2>
      <p>${d.facts.from} → ${d.facts.to} · ${m.at} · ${m.ms.toFixed(1)} ms${m.truncated ? ' · bodies cut to 16 KiB' : ''}</p>
      ${
        d.facts.refusal
          ? html`<div class="refusal" data-refusal><h3>The bank refused</h3>
            <p>Check that failed: <strong>${d.facts.refusal.error}</strong> — ${d.facts.refusal.description}</p></div>`
          : ''
      }
      ${
        m.checks?.length
          ? html`<h3>Every check the bank made</h3>
            <table data-checks><thead><tr><th>Check</th><th>Result</th><th>Detail</th></tr></thead><tbody>
            ${m.checks.map(
              (c) => html`<tr data-check="${c.check}" data-result="${c.result}"><td>${c.label}</td>
              <td><span class="badge ${CHECK_BADGE[c.result]}">${c.result}</span></td><td>${c.detail ?? ''}</td></tr>`,
            )}</tbody></table>`
          : ''
      }
      ${
        d.clientCertificate
          ? html`<h3>mTLS client certificate</h3><table data-client-certificate><tbody>
            <tr><th>Subject</th><td>${d.clientCertificate.subject}</td></tr>
            <tr><th>Issuer</th><td>${d.clientCertificate.issuer}</td></tr>
            <tr><th>Serial</th><td><code>${d.clientCertificate.serialNumber}</code></td></tr>
            <tr><th>Valid</th><td>${d.clientCertificate.validFrom} – ${d.clientCertificate.validTo}</td></tr>
            <tr><th>SHA-256</th><td><code>${d.clientCertificate.fingerprint256}</code></td></tr></tbody></table>`
          : ''
      }
      ${d.jwts.map(
        (j) =>
          html`<h3>JWT in the ${j.where}</h3><pre tabindex="0" data-jwt>${JSON.stringify({ header: j.header, payload: j.payload }, null, 2)}</pre>`,
      )}
      ${d.csrs.map((c) => html`<h3>CSR in the ${c.where}</h3><pre tabindex="0">${JSON.stringify(c, null, 2)}</pre>`)}
      ${d.certificates.map((c) => html`<h3>Certificate in the ${c.where}</h3><pre tabindex="0">${JSON.stringify(c, null, 2)}</pre>`)}
      <h3>Request headers</h3><pre tabindex="0">${JSON.stringify(m.requestHeaders, null, 2)}</pre>
      ${m.requestBody ? html`<h3>Request body</h3><pre tabindex="0">${m.requestBody}</pre>` : ''}
      <h3>Response headers</h3><pre tabindex="0">${JSON.stringify(m.responseHeaders, null, 2)}</pre>
      ${m.responseBody ? html`<h3>Response body</h3><pre tabindex="0">${m.responseBody}</pre>` : ''}`.value,
    );
  };

  r.get('/live', show);
  r.head('/live/events', eventsHead);
  r.get('/live/events', events);
  r.get('/live/messages/:id', detail);
  return r;
}
