import { Router } from 'express';
import type { ConsoleContext } from '../context.js';
import { html } from '../html.js';
import { isTppAction, TPP_AUTH_METHODS } from '../tpp-actions.js';
import { exchangeList } from './exchanges.js';
import { layout } from './layout.js';
import { field, flashFrom, type Handler, page, redirectWith } from './respond.js';

const BUTTONS = [
  ['register', 'Register at the bank'],
  ['token', 'Get a token'],
  ['consent', 'Create a consent'],
  ['update', 'Update the registration'],
  ['delete', 'Delete the registration'],
] as const;

/** TPP: onboard, register at a bank, token, consent, update, delete — one button each, with its exchanges. */
export function tppPages(ctx: ConsoleContext): Router {
  const r = Router();
  const p = (h: Handler) => page(h, ctx.logger);

  const show: Handler = async (req, res) => {
    const csrf = req.consoleSession!.csrf;
    // What each bank's discovery advertises, so the choice offered is the bank's own.
    const advertised = await Promise.all(
      ctx.banks.map(async (b) => ({
        bank: b.id,
        methods: await ctx.tpp.authMethodsOf(b.id).catch(() => undefined),
      })),
    );
    const offered = TPP_AUTH_METHODS.filter((m) => advertised.some((a) => a.methods?.includes(m)));
    const m = ctx.tpp.material;
    // this session's own last action: the TPP is one for every session, and another's is not yours
    const own = req.consoleSession!.tppAction;
    const last = own === undefined ? undefined : ctx.tpp.action(own);
    const body = html`<h1>TPP</h1>
      <p>A TPP run by the console with obmock’s TPP library: it onboards at the directory (its own organisation,
      software statement, transport and signing certificates, SSA), then talks to a bank over mutual TLS.
      Its private keys stay in the console’s memory. There is one such TPP for the whole console: everyone
      signed in drives the same one, one action at a time; below is your own last action.</p>
      ${
        m
          ? html`<table><tbody><tr><th>Organisation</th><td><a href="/directory/${m.organisationId}"><code>${m.organisationId}</code></a></td></tr>
          <tr><th>Software statement</th><td><a href="/directory/${m.organisationId}/ss/${m.softwareStatementId}"><code>${m.softwareStatementId}</code></a></td></tr>
          ${ctx.banks.map((b) => {
            const c = ctx.tpp.client(b.id);
            return html`<tr><th>At bank ${b.id}</th><td>${c ? html`client_id <code data-client-id="${b.id}">${c.client_id}</code> · <span data-auth-method="${b.id}">${c.token_endpoint_auth_method ?? ''}</span>` : 'not registered'}</td></tr>`;
          })}
          </tbody></table>`
          : html`<p>Not onboarded yet.</p>`
      }
      <form method="post" action="/tpp/onboard"><input type="hidden" name="_csrf" value="${csrf}">
        <button type="submit"${m ? html` class="secondary"` : ''}>${m ? 'Onboard again (new organisation)' : 'Onboard at the directory'}</button></form>
      <form method="post" action="/tpp/act">
        <input type="hidden" name="_csrf" value="${csrf}">
        <label>Bank <select name="bank">${ctx.banks.map((b) => html`<option value="${b.id}">${b.id} (${b.profile})</option>`)}</select></label>
        <label>Token endpoint auth method (for registering) <select name="auth_method">${offered.map((m) => html`<option${m === req.consoleSession!.tppAuthMethod ? html` selected` : ''}>${m}</option>`)}</select></label>
        <p class="muted">${advertised.map((a) => html`Bank ${a.bank} advertises <span data-advertised="${a.bank}">${a.methods?.join(', ') ?? '(its discovery did not answer)'}</span>. `)}
        The token and update buttons use the method the client registered with.</p>
        ${BUTTONS.map(([action, label]) => html`<button type="submit" name="action" value="${action}"${m ? '' : html` disabled`}>${label}</button> `)}
      </form>
      ${
        last
          ? html`<h2>Your last action: ${last.action}${last.bank && last.action !== 'onboard' ? ` at bank ${last.bank}` : ''}
            <span class="badge ${last.ok ? 'passed' : 'failed'}" data-tpp-outcome="${last.ok ? 'ok' : 'refused'}">${last.ok ? 'ok' : 'refused'}</span></h2>
            <p data-tpp-summary>${last.summary}</p>
            <h3>The exchanges it made</h3>${exchangeList(last.exchanges)}`
          : ''
      }`;
    res.send(layout({ title: 'TPP', current: '/tpp', csrf, flash: flashFrom(req), body }));
  };

  const onboard: Handler = async (req, res) => {
    const result = await ctx.tpp.run('onboard', '');
    req.consoleSession!.tppAction = result.id;
    redirectWith(req, res, '/tpp', { kind: result.ok ? 'ok' : 'error', text: result.summary });
  };
  const act: Handler = async (req, res) => {
    const action = field(req, 'action');
    if (!isTppAction(action) || action === 'onboard') {
      redirectWith(req, res, '/tpp', { kind: 'error', text: 'unknown action' });
      return;
    }
    const authMethod = field(req, 'auth_method', 64);
    // registering again (after a fault, a revocation) uses the same method unless changed
    if (action === 'register') req.consoleSession!.tppAuthMethod = authMethod;
    const result = await ctx.tpp.run(action, field(req, 'bank'), { authMethod });
    req.consoleSession!.tppAction = result.id;
    redirectWith(req, res, '/tpp', { kind: result.ok ? 'ok' : 'error', text: result.summary });
  };

  r.get('/tpp', p(show));
  r.post('/tpp/onboard', p(onboard));
  r.post('/tpp/act', p(act));
  return r;
}
