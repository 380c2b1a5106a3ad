import { Router } from 'express';
import type { ConsoleContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { pathName } from '../path-name.js';
import { UpstreamError } from '../upstream.js';
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

/** One page of a bank admin listing (docs/bank.md). */
interface Listing {
  total: number;
  items: Record<string, unknown>[];
  next_cursor?: string;
}

const LISTINGS = {
  clients: {
    title: 'Registered clients',
    columns: [
      ['client_id', 'client_id'],
      ['software_id', 'Software'],
      ['token_endpoint_auth_method', 'Auth method'],
      ['client_secret', 'Secret (fingerprint)'],
      ['created_at', 'Registered'],
    ],
  },
  tokens: {
    title: 'Access tokens',
    columns: [
      ['token', 'Token (fingerprint)'],
      ['client_id', 'client_id'],
      ['scope', 'Scope'],
      ['expires_at', 'Expires'],
      ['active', 'Active'],
    ],
  },
  consents: {
    title: 'Consents',
    columns: [
      ['ConsentId', 'ConsentId'],
      ['client_id', 'client_id'],
      ['Status', 'Status'],
      ['Permissions', 'Permissions'],
      ['CreationDateTime', 'Created'],
    ],
  },
} as const;
type ListingKind = keyof typeof LISTINGS;
/** One of the listings by its own name (`constructor` or `toString` is none). */
const isListingKind = (s: string): s is ListingKind => Object.hasOwn(LISTINGS, s);
const PREVIEW = 5;
const PAGE = 20;

const cell = (v: unknown): string =>
  v === undefined
    ? '—'
    : Array.isArray(v)
      ? v.join(', ')
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

/** A listing as a table; the bank already masked every secret. */
function listingTable(bankId: string, kind: ListingKind, listing: Listing): SafeHtml {
  const { columns } = LISTINGS[kind];
  if (listing.items.length === 0) return html`<p data-listing-empty="${kind}">None yet.</p>`;
  return html`<table data-listing="${bankId}-${kind}"><thead><tr>${columns.map(([, label]) => html`<th>${label}</th>`)}</tr></thead><tbody>
    ${listing.items.map((item) => html`<tr>${columns.map(([key]) => html`<td><code>${cell(item[key])}</code></td>`)}</tr>`)}
    </tbody></table>`;
}

/** The listing filters the bank's admin API takes (docs/bank.md); the bank validates them. */
const FILTERS = [
  ['org_id', 'Organisation'],
  ['software_id', 'Software id'],
  ['client_id', 'client_id'],
] as const;
type Filter = Partial<Record<(typeof FILTERS)[number][0], string>>;

/** The filters of a console request, as given (trimmed, at most 128 characters each); empty ones dropped. */
function filterOf(query: Record<string, unknown>): Filter {
  const out: Filter = {};
  for (const [name] of FILTERS) {
    const v = query[name];
    if (typeof v === 'string' && v.trim() !== '') out[name] = v.trim().slice(0, 128);
  }
  return out;
}

/** A GET form filtering one listing of a bank by organisation, software id or client id. */
function filterForm(bankId: string, kind: ListingKind, filter: Filter): SafeHtml {
  return html`<form method="get" action="/banks/${bankId}/${kind}" role="search" data-filter="${bankId}-${kind}">
    ${FILTERS.map(([name, label]) => html`<label>${label} <input name="${name}" value="${filter[name] ?? ''}" maxlength="128" autocomplete="off"></label>`)}
    <button type="submit">Filter ${LISTINGS[kind].title.toLowerCase()}</button>
  </form>`;
}

interface Fault {
  id: string;
  kind: string;
  endpoints: string[];
  count?: number;
  remaining?: number;
  applied?: number;
  [k: string]: unknown;
}

/** Banks: profile and effective switches, the bank's clients, tokens and consents, faults listed, added and cleared. */
export function bankPages(ctx: ConsoleContext): Router {
  const r = Router();
  const p = (h: Handler) => page(h, ctx.logger, '/banks');
  const bankOf = (id: unknown) => {
    const bank = ctx.banks.find((b) => b.id === id);
    if (!bank) throw new UpstreamError(404, 'not_found', 'the console knows no such bank');
    return bank;
  };

  const list: Handler = async (req, res) => {
    const csrf = req.consoleSession!.csrf;
    // The bank is one for the room, and so are its listings: everyone sees every client (ids and
    // fingerprints only). A link narrows them to this session's own TPP's organisation.
    const ownOrg = ctx.tpps.find(req.consoleSession!)?.material?.organisationId;
    const sections = await Promise.all(
      ctx.banks.map(async (b) => {
        const [profile, faults] = await Promise.all([
          b.api.json<Record<string, unknown>>('GET', '/profile').catch(() => undefined),
          b.api.json<{ faults: Fault[] }>('GET', '/admin/faults').catch(() => ({ faults: [] as Fault[] })),
        ]);
        // The bank's own records, from its admin listings (docs/bank.md): counts and the newest few.
        const listings = Object.fromEntries(
          await Promise.all(
            (Object.keys(LISTINGS) as ListingKind[]).map(async (kind) => [
              kind,
              await b.api.json<Listing>('GET', `/admin/${kind}?limit=${PREVIEW}`).catch(() => undefined),
            ]),
          ),
        ) as Record<ListingKind, Listing | undefined>;
        const switches = (profile?.settings ?? profile?.switches ?? profile) as
          | Record<string, unknown>
          | undefined;
        return html`<section aria-labelledby="bank-${b.id}">
          <h2 id="bank-${b.id}">Bank ${b.id} <span class="muted">profile ${b.profile}</span></h2>
          <p>Issuer <code>${b.issuer}</code> · <a href="${b.discovery}">discovery</a></p>
          <p data-counts="${b.id}">${(Object.keys(LISTINGS) as ListingKind[]).map(
            (kind) =>
              html`<span data-count="${kind}">${LISTINGS[kind].title}: <strong>${listings[kind]?.total ?? '?'}</strong></span> · `,
          )}<span class="muted">from the bank’s records</span></p>
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
          ${(Object.keys(LISTINGS) as ListingKind[]).map((kind) => {
            const listing = listings[kind];
            // the filter under the listing it filters, not under the faults form
            return html`<h3>${LISTINGS[kind].title}</h3>
              ${kind === 'clients' ? filterForm(b.id, 'clients', {}) : ''}
              ${kind === 'clients' && ownOrg ? html`<p><a data-own-clients="${b.id}" href="/banks/${b.id}/clients?org_id=${encodeURIComponent(ownOrg)}">Only your TPP’s clients</a> (organisation <code>${ownOrg}</code>)</p>` : ''}
              ${listing ? listingTable(b.id, kind, listing) : html`<p>The bank did not answer.</p>`}
              ${listing?.total ? html`<p><a href="/banks/${b.id}/${kind}">All ${listing.total}, ${PAGE} a page</a></p>` : ''}`;
          })}
          <details><summary>Profile and effective switches</summary>
          <pre tabindex="0">${JSON.stringify(switches ?? 'the bank did not answer', null, 2)}</pre></details>
        </section>`;
      }),
    );
    const body = html`<h1>Banks</h1>${sections}`;
    res.send(layout({ title: 'Banks', current: '/banks', csrf, flash: flashFrom(req), body }));
  };

  /** One listing of one bank, a page at a time (the bank's cursor carried in the link). */
  const listing: Handler = async (req, res) => {
    const csrf = req.consoleSession!.csrf;
    const bank = bankOf(req.params.bank);
    const kind = String(req.params.kind);
    if (!isListingKind(kind)) {
      res.status(404).send(layout({ title: 'Not found', csrf, body: html`<h1>Not found</h1>` }));
      return;
    }
    const cursor = typeof req.query.cursor === 'string' ? req.query.cursor.slice(0, 512) : '';
    const filter = filterOf(req.query);
    const query = new URLSearchParams({ limit: String(PAGE), ...filter, ...(cursor ? { cursor } : {}) });
    const page = await bank.api.json<Listing>('GET', `/admin/${kind}?${query}`);
    const filtered = Object.keys(filter).length > 0;
    const keep = new URLSearchParams(filter).toString();
    const next = new URLSearchParams({
      ...filter,
      ...(page.next_cursor ? { cursor: page.next_cursor } : {}),
    });
    const body = html`<h1>Bank ${bank.id}: ${LISTINGS[kind].title.toLowerCase()}</h1>
      <p data-total="${page.total}">${page.total} ${filtered ? 'matching' : 'in all'}, newest first. <a href="/banks">Back to the banks</a></p>
      ${filterForm(bank.id, kind, filter)}
      <p>Same filter: ${(Object.keys(LISTINGS) as ListingKind[])
        .filter((k) => k !== kind)
        .map(
          (k) =>
            html`<a href="/banks/${bank.id}/${k}${keep ? `?${keep}` : ''}">${LISTINGS[k].title.toLowerCase()}</a> `,
        )}</p>
      ${listingTable(bank.id, kind, page)}
      ${page.next_cursor ? html`<p><a rel="next" href="/banks/${bank.id}/${kind}?${next.toString()}">Next ${PAGE}</a></p>` : ''}`;
    res.send(layout({ title: `Bank ${bank.id} ${kind}`, current: '/banks', csrf, body }));
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
    const id = pathName(req.params.fault, 'fault', /^[A-Za-z0-9_-]{1,64}$/);
    await bank.api.call('DELETE', `/admin/faults/${id}`);
    redirectWith(req, res, '/banks', { kind: 'ok', text: `Fault ${id} removed` });
  };

  r.get('/banks', p(list));
  r.get('/banks/:bank/:kind', p(listing));
  r.post('/banks/:bank/faults', p(addFault));
  r.post('/banks/:bank/faults/clear', p(clear));
  r.post('/banks/:bank/faults/:fault/remove', p(remove));
  return r;
}
