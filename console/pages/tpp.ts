import { Router } from 'express';
import { TPP_AUTH_METHODS } from '../advertised-methods.js';
import { ConsoleTppClosed } from '../console-tpp-closed.js';
import type { ConsoleContext } from '../context.js';
import { html } from '../html.js';
import type { ConsoleSession } from '../sessions.js';
import { consoleTppUserAgent, isTppAction, type TppAction, type TppActionOptions } from '../tpp-actions.js';
import { TppBusy } from '../tpp-busy.js';
import { TppsFull } from '../tpps-full.js';
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
        methods: await ctx.advertised.of(b.id).catch(() => undefined),
      })),
    );
    const offered = TPP_AUTH_METHODS.filter((m) => advertised.some((a) => a.methods?.includes(m)));
    const session = req.consoleSession!;
    // this session's own TPP: no other session sees or drives it
    const tpp = ctx.tpps.find(session);
    const m = tpp?.material;
    const last = tpp?.last();
    const body = html`<h1>TPP <span class="muted">session ${session.number}</span></h1>
      <p>Your own TPP, run by the console with obmock’s TPP library: it onboards at the directory (its own organisation,
      software statement, transport and signing certificates, SSA), then talks to a bank over mutual TLS.
      Each signed-in session has its own; nobody else sees or drives yours, and it ends with your session.
      Its private keys stay in the console’s memory. In the live flow its calls are named by its certificate
      (<code>TPP organisation / software statement</code>), or, without one, by its User-Agent
      <code data-tpp-user-agent>${consoleTppUserAgent(session.number)}</code>.</p>
      ${
        m
          ? html`<table><tbody><tr><th>Organisation</th><td><a href="/directory/${m.organisationId}"><code>${m.organisationId}</code></a></td></tr>
          <tr><th>Software statement</th><td><a href="/directory/${m.organisationId}/ss/${m.softwareStatementId}"><code>${m.softwareStatementId}</code></a></td></tr>
          ${ctx.banks.map((b) => {
            const c = tpp?.client(b.id);
            return html`<tr><th>At bank ${b.id}</th><td>${c ? html`client_id <code data-client-id="${b.id}">${c.client_id}</code> · <span data-auth-method="${b.id}">${c.token_endpoint_auth_method ?? ''}</span>` : 'not registered'}</td></tr>`;
          })}
          </tbody></table>`
          : html`<p>Not onboarded yet.</p>`
      }
      <form method="post" action="/tpp/onboard"><input type="hidden" name="_csrf" value="${csrf}">
        <button type="submit"${m ? html` class="secondary"` : ''}>${m ? 'Onboard again (a new organisation; this one is revoked)' : 'Onboard at the directory'}</button></form>
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

  /** Runs one of the session's TPP's actions (its TPP made now if it has none) and lands on the TPP page with the outcome. */
  const run = async (
    session: ConsoleSession,
    action: TppAction,
    bank: string,
    opts?: TppActionOptions,
  ): Promise<{ kind: 'ok' | 'error'; text: string }> => {
    try {
      // only onboarding makes a TPP: the other buttons need one
      const tpp = action === 'onboard' ? ctx.tpps.of(session) : ctx.tpps.find(session);
      if (!tpp) return { kind: 'error', text: 'onboard the TPP first' };
      const result = await tpp.run(action, bank, opts);
      return { kind: result.ok ? 'ok' : 'error', text: result.summary };
    } catch (err) {
      if (err instanceof ConsoleTppClosed) return { kind: 'error', text: err.message };
      if (err instanceof TppBusy)
        return { kind: 'error', text: `${err.message}: try again when they are done` };
      if (!(err instanceof TppsFull)) throw err;
      return { kind: 'error', text: `${err.message}: try again when a session has ended` };
    }
  };

  const onboard: Handler = async (req, res) => {
    redirectWith(req, res, '/tpp', await run(req.consoleSession!, 'onboard', ''));
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
    redirectWith(
      req,
      res,
      '/tpp',
      await run(req.consoleSession!, action, field(req, 'bank'), { authMethod }),
    );
  };

  r.get('/tpp', p(show));
  r.post('/tpp/onboard', p(onboard));
  r.post('/tpp/act', p(act));
  return r;
}
