import { Router } from 'express';
import type { ConsoleContext } from '../context.js';
import { decodeMessage } from '../decode-message.js';
import { html } from '../html.js';
import { layout, postButton } from './layout.js';
import { field, flashFrom, type Handler, page, redirectWith } from './respond.js';

const FAULT_KINDS = [
  'status',
  'rate_limit',
  'latency',
  'reset',
  'empty_body',
  'malformed_body',
  'wrong_content_type',
  'clock_skew',
  'directory_jwks_unreachable',
  'directory_jwks_garbage',
];
const FAULT_ENDPOINTS = ['register', 'token', 'manage', 'discovery', 'jwks', 'consents', '*'];

interface Fault {
  id: string;
  kind: string;
  endpoints: string[];
  count?: number;
  remaining?: number;
  applied?: number;
  [k: string]: unknown;
}

/** Banks: profile and effective switches, clients seen, faults listed, added and cleared. */
export function bankPages(ctx: ConsoleContext): Router {
  const r = Router();
  const p = (h: Handler) => page(h, ctx.logger, '/banks');
  const bankOf = (id: unknown) => {
    const bank = ctx.banks.find((b) => b.id === id);
    if (!bank) throw new Error('no such bank');
    return bank;
  };

  const list: Handler = async (req, res) => {
    const csrf = req.consoleSession!.csrf;
    const sections = await Promise.all(
      ctx.banks.map(async (b) => {
        const [profile, faults] = await Promise.all([
          b.api.json<Record<string, unknown>>('GET', '/profile').catch(() => undefined),
          b.api.json<{ faults: Fault[] }>('GET', '/admin/faults').catch(() => ({ faults: [] as Fault[] })),
        ]);
        // What the live flow has seen of this bank: registrations it answered, tokens, consents.
        const seen = ctx.live
          .messages()
          .filter((m) => m.service === 'bank' && m.path.startsWith(`/banks/${b.id}/`) && m.status < 300)
          .map((m) => ({ m, facts: decodeMessage(m).facts }));
        const registered = [
          ...new Set(
            seen
              .filter((x) => x.m.method === 'POST' && /\/register$/.test(x.m.path.split('?')[0]))
              .map((x) => x.facts.client),
          ),
        ].filter(Boolean);
        const tokens = seen.filter((x) => x.m.path.endsWith('/token')).length;
        const consents = seen.filter(
          (x) => x.m.method === 'POST' && x.m.path.includes('account-access-consents'),
        ).length;
        const switches = (profile?.settings ?? profile?.switches ?? profile) as
          | Record<string, unknown>
          | undefined;
        return html`<section aria-labelledby="bank-${b.id}">
          <h2 id="bank-${b.id}">Bank ${b.id} <span class="muted">profile ${b.profile}</span></h2>
          <p>Issuer <code>${b.issuer}</code> · <a href="${b.discovery}">discovery</a></p>
          <h3>Faults</h3>
          <table data-faults="${b.id}"><thead><tr><th>Id</th><th>Kind</th><th>Endpoints</th><th>Left</th><th>Applied</th><th></th></tr></thead><tbody>
          ${faults.faults.map(
            (f) => html`<tr><td><code>${f.id}</code></td><td>${f.kind}</td><td>${f.endpoints.join(', ')}</td>
            <td>${f.remaining ?? f.count ?? '∞'}</td><td data-applied="${f.id}">${f.applied ?? 0}</td>
            <td>${postButton(`/banks/${b.id}/faults/${f.id}/remove`, csrf, 'Remove', { className: 'secondary' })}</td></tr>`,
          )}
          </tbody></table>
          <form method="post" action="/banks/${b.id}/faults">
            <input type="hidden" name="_csrf" value="${csrf}">
            <label>Kind <select name="kind">${FAULT_KINDS.map((k) => html`<option>${k}</option>`)}</select></label>
            <label>Endpoint <select name="endpoint">${FAULT_ENDPOINTS.map((k) => html`<option>${k}</option>`)}</select></label>
            <label>Count <input type="number" name="count" value="1" min="1" max="1000"></label>
            <label>Status (for status) <input type="number" name="status" value="503" min="500" max="599"></label>
            <button type="submit">Add fault</button>
          </form>
          ${postButton(`/banks/${b.id}/faults/clear`, csrf, 'Clear all faults', { className: 'secondary' })}
          <h3>Seen in the live flow</h3>
          <p>Clients registered: ${registered.length ? registered.map((c) => html`<code>${c}</code> `) : 'none yet'} ·
          tokens issued: ${tokens} · consents created: ${consents}</p>
          <details><summary>Profile and effective switches</summary>
          <pre tabindex="0">${JSON.stringify(switches ?? 'the bank did not answer', null, 2)}</pre></details>
        </section>`;
      }),
    );
    const body = html`<h1>Banks</h1>${sections}`;
    res.send(layout({ title: 'Banks', current: '/banks', csrf, flash: flashFrom(req), body }));
  };

  const addFault: Handler = async (req, res) => {
    const bank = bankOf(req.params.bank);
    const kind = field(req, 'kind');
    const count = Number(field(req, 'count') || '1');
    const fault = await bank.api.json<Fault>('POST', '/admin/faults', {
      kind,
      endpoints: [field(req, 'endpoint') || '*'],
      count,
      ...(kind === 'status' ? { status: Number(field(req, 'status') || '503') } : {}),
      ...(kind === 'latency' ? { latencyMs: 1500 } : {}),
      ...(kind === 'clock_skew' ? { skewSeconds: 3600 } : {}),
    });
    redirectWith(req, res, '/banks', {
      kind: 'ok',
      text: `Fault ${fault.id} (${fault.kind}) added to bank ${bank.id}`,
    });
  };
  const clear: Handler = async (req, res) => {
    const bank = bankOf(req.params.bank);
    await bank.api.call('DELETE', '/admin/faults');
    redirectWith(req, res, '/banks', { kind: 'ok', text: `Faults of bank ${bank.id} cleared` });
  };
  const remove: Handler = async (req, res) => {
    const bank = bankOf(req.params.bank);
    const id = String(req.params.fault)
      .replace(/[^A-Za-z0-9_-]/g, '')
      .slice(0, 64);
    await bank.api.call('DELETE', `/admin/faults/${id}`);
    redirectWith(req, res, '/banks', { kind: 'ok', text: `Fault ${id} removed` });
  };

  r.get('/banks', p(list));
  r.post('/banks/:bank/faults', p(addFault));
  r.post('/banks/:bank/faults/clear', p(clear));
  r.post('/banks/:bank/faults/:fault/remove', p(remove));
  return r;
}
