import { type Request, Router } from 'express';
import type { ConsoleContext } from '../context.js';
import { html } from '../html.js';
import { pathName } from '../path-name.js';
import { SSA_CLAIM_MEANINGS } from '../ssa-claims.js';
import { layout, postButton } from './layout.js';
import { field, flashFrom, type Handler, page, redirectWith } from './respond.js';

interface Organisation {
  OrganisationId: string;
  OrganisationName: string;
  OrganisationType: string;
  Roles: string[];
  Status: string;
  LegalName?: string;
}
interface SoftwareStatement {
  Id: string;
  ClientName: string;
  RedirectUri: string[];
  Roles: string[];
  Active: boolean;
}
interface CertificateJwk {
  kid: string;
  use: string;
  'x5t#S256'?: string;
  x5u?: string;
  status?: string;
  [k: string]: unknown;
}

const SS_MEDIA = 'application/vnd.openbanking.directory.softwarestatement-v2+json';
/** Organisations on one page of the list (every onboarding and scenario run adds some). */
export const ORGANISATIONS_PER_PAGE = 50;
const ROLES = ['AISP', 'PISP', 'CBPII', 'ASPSP'];
/** An organisation or software statement id from the path: all of it base62, else 404 (console/path-name.ts). */
const id = (s: unknown) => pathName(s, 'organisation or software statement');
/** A certificate's kid from the path. */
const kidOf = (s: unknown) => pathName(s, 'certificate', /^[A-Za-z0-9_-]{1,100}$/);

function decodeJwtPart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Directory: organisations, software statements, certificates (CSR upload or browser-made), SSA. */
export function directoryPages(ctx: ConsoleContext): Router {
  const r = Router();
  const p = (h: Handler) => page(h, ctx.logger);
  const dir = ctx.directory;
  const orgPath = (org: string) => `/v2.1/organisation/${id(org)}`;
  const ssPath = (org: string, ss: string) => `${orgPath(org)}/software-statement/${id(ss)}`;

  const list: Handler = async (req, res) => {
    const csrf = req.consoleSession!.csrf;
    const all = await dir.json<Organisation[]>('GET', '/admin/organisations');
    // newest first, a page at a time: the page stays small however many organisations there are
    const pages = Math.max(1, Math.ceil(all.length / ORGANISATIONS_PER_PAGE));
    const asked =
      typeof req.query.page === 'string' && /^\d{1,6}$/.test(req.query.page) ? Number(req.query.page) : 1;
    const pageNo = Math.min(Math.max(asked, 1), pages);
    const first = (pageNo - 1) * ORGANISATIONS_PER_PAGE;
    const orgs = [...all].reverse().slice(first, first + ORGANISATIONS_PER_PAGE);
    const body = html`<h1>Directory</h1>
      <p>The OB directory of this sandbox at <code>${dir.url}</code>: organisations, their software statements and
      certificates, and the SSAs it signs. Keystore: <a href="${dir.url}/keystore/openbanking.jwks">openbanking.jwks</a>.</p>
      <h2>Organisations</h2>
      <p data-organisations="${all.length}">${all.length} in all, newest first${
        pages > 1 ? html`; ${first + 1}–${first + orgs.length} shown` : ''
      }.${pageNo > 1 ? html` <a rel="prev" href="/directory?page=${pageNo - 1}">Newer</a>` : ''}${
        pageNo < pages ? html` <a rel="next" href="/directory?page=${pageNo + 1}">Older</a>` : ''
      }</p>
      <table><thead><tr><th>Name</th><th>Id</th><th>Type</th><th>Roles</th><th>Status</th></tr></thead><tbody>
      ${orgs.map(
        (o) => html`<tr><td><a href="/directory/${o.OrganisationId}">${o.OrganisationName}</a></td>
        <td><code>${o.OrganisationId}</code></td><td>${o.OrganisationType}</td><td>${o.Roles.join(', ')}</td>
        <td class="${o.Status}">${o.Status}</td></tr>`,
      )}
      </tbody></table>
      <h2>Create an organisation</h2>
      <form method="post" action="/directory/organisations">
        <input type="hidden" name="_csrf" value="${csrf}">
        <label>Name <input type="text" name="name" required maxlength="140" value="Workshop TPP ${req.consoleSession!.number}"></label>
        <label>Type <select name="type"><option value="tpp">TPP</option><option value="aspsp">ASPSP (bank)</option></select></label>
        <fieldset><legend>Roles (an ASPSP always gets the ASPSP role; a TPP may not have it)</legend>${ROLES.map(
          (role) =>
            html`<label><input type="checkbox" name="roles" value="${role}" ${role === 'AISP' ? html`checked` : ''}> ${role}</label>`,
        )}</fieldset>
        <button type="submit">Create organisation</button>
      </form>`;
    res.send(layout({ title: 'Directory', current: '/directory', csrf, flash: flashFrom(req), body }));
  };

  const create: Handler = async (req, res) => {
    const type = field(req, 'type');
    const ticked = ([] as unknown[]).concat(req.body.roles ?? []).map(String);
    // A bank holds the ASPSP role (the directory refuses an aspsp without it): the form's Type
    // says ASPSP already, so the role is added rather than the form sent back. A TPP that ticked
    // ASPSP is left for the directory to refuse, with its message.
    const roles = type === 'aspsp' && !ticked.includes('ASPSP') ? [...ticked, 'ASPSP'] : ticked;
    const created = await dir.json<Organisation & { AccessToken: string }>('POST', '/admin/organisations', {
      OrganisationName: field(req, 'name'),
      OrganisationType: type,
      Roles: roles,
      LegalName: `${field(req, 'name')} Ltd`,
    });
    redirectWith(req, res, `/directory/${created.OrganisationId}`, {
      kind: 'ok',
      text: `Organisation ${created.OrganisationName} created: ${created.OrganisationId}`,
      // Its directory credential, for curl: shown once, masked until revealed.
      secret: { label: 'Its access token (shown once)', value: created.AccessToken },
    });
  };

  const organisation: Handler = async (req, res) => {
    const csrf = req.consoleSession!.csrf;
    const org = await dir.json<Organisation>('GET', `/admin/organisations/${id(req.params.org)}`);
    const statements =
      org.OrganisationType === 'tpp' || org.Roles.some((x) => x !== 'ASPSP')
        ? await dir.json<SoftwareStatement[]>('GET', `${orgPath(org.OrganisationId)}/software-statement`)
        : [];
    const o = org.OrganisationId;
    const body = html`<p><a href="/directory">Directory</a> › ${org.OrganisationName}</p>
      <h1>${org.OrganisationName} <span class="badge ${org.Status}">${org.Status}</span></h1>
      <table><tbody>
        <tr><th>OrganisationId</th><td><code>${o}</code></td></tr>
        <tr><th>Type</th><td>${org.OrganisationType}</td></tr>
        <tr><th>Roles</th><td>${org.Roles.join(', ')}</td></tr>
        <tr><th>Keystore</th><td><a href="${dir.url}/keystore/${o}/${o}.jwks">${o}.jwks</a></td></tr>
      </tbody></table>
      ${postButton(`/directory/${o}/suspend`, csrf, 'Suspend', { className: 'danger' })}
      ${postButton(`/directory/${o}/reinstate`, csrf, 'Reinstate', { className: 'secondary' })}
      <h2>Software statements</h2>
      <table><thead><tr><th>Client name</th><th>Id</th><th>Roles</th><th>Redirect URIs</th><th>State</th></tr></thead><tbody>
      ${statements.map(
        (
          s,
        ) => html`<tr><td><a href="/directory/${o}/ss/${s.Id}">${s.ClientName}</a></td><td><code>${s.Id}</code></td>
        <td>${s.Roles.join(', ')}</td><td>${s.RedirectUri.join(' ')}</td>
        <td class="${s.Active ? 'active' : 'inactive'}">${s.Active ? 'Active' : 'Inactive'}</td></tr>`,
      )}
      </tbody></table>
      <h2>Create a software statement</h2>
      <form method="post" action="/directory/${o}/software-statements">
        <input type="hidden" name="_csrf" value="${csrf}">
        <label>Client name <input type="text" name="name" required maxlength="40" value="Workshop app ${req.consoleSession!.number}"></label>
        <label>Redirect URIs (one a line)<br><textarea name="redirect" rows="2">https://workshop.example.com/cb</textarea></label>
        <fieldset><legend>Roles</legend>${org.Roles.map(
          (role) => html`<label><input type="checkbox" name="roles" value="${role}" checked> ${role}</label>`,
        )}</fieldset>
        <button type="submit">Create software statement</button>
      </form>`;
    res.send(
      layout({ title: org.OrganisationName, current: '/directory', csrf, flash: flashFrom(req), body }),
    );
  };

  const setStatus =
    (action: 'suspend' | 'reinstate'): Handler =>
    async (req, res) => {
      const org = await dir.json<Organisation>(
        'POST',
        `/admin/organisations/${id(req.params.org)}/${action}`,
      );
      redirectWith(req, res, `/directory/${org.OrganisationId}`, {
        kind: 'ok',
        text: `${org.OrganisationName} is now ${org.Status}`,
      });
    };

  const createStatement: Handler = async (req, res) => {
    const o = id(req.params.org);
    const roles = ([] as unknown[]).concat(req.body.roles ?? []).map(String);
    const ss = await dir.json<SoftwareStatement>(
      'POST',
      `${orgPath(o)}/software-statement`,
      {
        ClientName: field(req, 'name'),
        RedirectUri: field(req, 'redirect').split(/\s+/).filter(Boolean),
        ...(roles.length ? { Roles: roles } : {}),
      },
      SS_MEDIA,
    );
    redirectWith(req, res, `/directory/${o}/ss/${ss.Id}`, {
      kind: 'ok',
      text: `Software statement ${ss.ClientName} created: ${ss.Id}`,
    });
  };

  const statement: Handler = async (req, res) => {
    const csrf = req.consoleSession!.csrf;
    const o = id(req.params.org);
    const s = id(req.params.ss);
    const ss = await dir.json<SoftwareStatement>('GET', ssPath(o, s));
    const certs = await dir.json<{ keys: CertificateJwk[] }>('GET', `${ssPath(o, s)}/certificate`);
    const body = html`<p><a href="/directory">Directory</a> › <a href="/directory/${o}">${o}</a> › ${ss.ClientName}</p>
      <h1>${ss.ClientName} <span class="badge ${ss.Active ? 'active' : 'inactive'}">${ss.Active ? 'Active' : 'Inactive'}</span></h1>
      <table><tbody>
        <tr><th>Software statement id</th><td><code>${ss.Id}</code></td></tr>
        <tr><th>Roles</th><td>${ss.Roles.join(', ')}</td></tr>
        <tr><th>Keystore</th><td><a href="${dir.url}/keystore/${o}/${ss.Id}.jwks">${ss.Id}.jwks</a> ·
          <a href="${dir.url}/keystore/${o}/revoked/${ss.Id}.jwks">revoked</a></td></tr>
      </tbody></table>
      <p><a href="/directory/${o}/ss/${s}/ssa">Get the SSA (software statement assertion), decoded</a></p>
      <form method="post" action="/directory/${o}/ss/${s}/redirect-uris">
        <input type="hidden" name="_csrf" value="${csrf}">
        <label>Redirect URIs (one a line)<br><textarea name="redirect" rows="2">${ss.RedirectUri.join('\n')}</textarea></label>
        <button type="submit" class="secondary">Save redirect URIs</button>
      </form>
      ${ss.Active ? postButton(`/directory/${o}/ss/${s}/deactivate`, csrf, 'Deactivate', { className: 'danger' }) : ''}
      <h2>Certificates</h2>
      <table><thead><tr><th>kid</th><th>Use</th><th>Status</th><th>Download</th><th></th></tr></thead><tbody>
      ${certs.keys.map(
        (k) => html`<tr><td><code>${k.kid}</code></td><td>${k.use}</td>
        <td class="${k.status ?? 'Active'}">${k.status ?? 'Active'}</td>
        <td><a href="/directory/${o}/certificates/${k.kid}.pem" download>certificate</a> ·
          <a href="/directory/ca-bundle.pem" download>chain</a></td>
        <td>${postButton(`/directory/${o}/certificates/${k.kid}/revoke`, csrf, 'Revoke', { className: 'danger', fields: { ss: s, _back: `/directory/${o}/ss/${s}` } })}</td></tr>`,
      )}
      </tbody></table>
      <h2>Get a certificate</h2>
      <div class="grid2">
      <div>
      <p>Upload a CSR made with OB’s openssl command (subject <code>/C=GB/O=OpenBanking/OU=${o}/CN=${ss.Id}</code>) or paste it.</p>
      <form method="post" action="/directory/${o}/ss/${s}/certificates">
        <input type="hidden" name="_csrf" value="${csrf}">
        <label>CSR file <input type="file" id="csr-file" accept=".csr,.pem,.txt" data-fill="csr-text"></label>
        <label for="csr-text">CSR (PEM)</label>
        <textarea id="csr-text" name="csr" required></textarea>
        <label>Type <select name="type"><option value="obtransport">transport (obtransport)</option><option value="obsigning">signing (obsigning)</option></select></label>
        <button type="submit">Issue certificate</button>
      </form></div>
      <div>
      <p>Or let this browser make the key pair and the CSR (WebCrypto, RSA 2048): the private key never leaves the browser.</p>
      <button type="button" data-generate-csr data-fill="csr-text" data-org="${o}" data-software-statement="${ss.Id}">Generate key and CSR in the browser</button>
      <p id="generate-status" role="status"></p>
      <p><a id="key-download" href="#" download="${ss.Id}.key" hidden>Download the private key</a></p>
      </div></div>`;
    res.send(layout({ title: ss.ClientName, current: '/directory', csrf, flash: flashFrom(req), body }));
  };

  const updateStatement =
    (change: (req: Request) => Record<string, unknown>, text: string): Handler =>
    async (req, res) => {
      const o = id(req.params.org);
      const s = id(req.params.ss);
      await dir.json('PUT', ssPath(o, s), change(req), SS_MEDIA);
      redirectWith(req, res, `/directory/${o}/ss/${s}`, { kind: 'ok', text });
    };

  const upload: Handler = async (req, res) => {
    const o = id(req.params.org);
    const s = id(req.params.ss);
    const type = field(req, 'type') === 'obsigning' ? 'obsigning' : 'obtransport';
    const resp = await dir.call('POST', `${ssPath(o, s)}/certificate/${type}`, {
      body: field(req, 'csr', 16 * 1024),
      contentType: 'application/x-pem-file',
    });
    const jwk = JSON.parse(resp.text) as CertificateJwk;
    redirectWith(req, res, `/directory/${o}/ss/${s}`, {
      kind: 'ok',
      text: `Certificate issued (${type}): kid ${jwk.kid}`,
    });
  };

  const download: Handler = async (req, res) => {
    const o = id(req.params.org);
    const kid = kidOf(req.params.kid);
    const pem = await dir.call('GET', `/keystore/${o}/${kid}.pem`, { accept: 'application/x-pem-file' });
    res.type('application/x-pem-file').attachment(`${kid}.pem`).send(pem.text);
  };

  const revoke: Handler = async (req, res) => {
    const o = id(req.params.org);
    const kid = kidOf(req.params.kid);
    // where to go back to, checked before anything is revoked
    const s = req.body.ss ? id(req.body.ss) : '';
    await dir.call('DELETE', `${orgPath(o)}/certificate/kid/${kid}`);
    redirectWith(req, res, s ? `/directory/${o}/ss/${s}` : `/directory/${o}`, {
      kind: 'ok',
      text: `Certificate ${kid} revoked: it is on the CRL now`,
    });
  };

  const ssa: Handler = async (req, res) => {
    const csrf = req.consoleSession!.csrf;
    const o = id(req.params.org);
    const s = id(req.params.ss);
    const jwt = (
      await dir.call('GET', `${ssPath(o, s)}/software-statement-assertion`, { accept: 'application/jwt' })
    ).text.trim();
    const [h, p] = jwt.split('.');
    const header = decodeJwtPart(h);
    const payload = decodeJwtPart(p);
    const body = html`<p><a href="/directory">Directory</a> › <a href="/directory/${o}">${o}</a> ›
      <a href="/directory/${o}/ss/${s}">${s}</a> › SSA</p>
      <h1>Software statement assertion</h1>
      <p>A JWT signed by the directory (header <code>${JSON.stringify(header)}</code>); a bank checks its signature
      against <a href="${dir.url}/keystore/openbanking.jwks">openbanking.jwks</a>.</p>
      <table class="claims"><thead><tr><th>Claim</th><th>Value</th><th>What it means</th></tr></thead><tbody>
      ${Object.entries(payload).map(
        ([
          k,
          v,
        ]) => html`<tr data-claim="${k}"><td>${k}</td><td><code>${typeof v === 'string' ? v : JSON.stringify(v)}</code>
        ${k === 'iat' && typeof v === 'number' ? html`<br><span class="muted">${new Date(v * 1000).toISOString()}</span>` : ''}</td>
        <td>${SSA_CLAIM_MEANINGS[k] ?? ''}</td></tr>`,
      )}
      </tbody></table>
      <h2>The JWT</h2><pre tabindex="0">${jwt}</pre>`;
    res.send(layout({ title: 'SSA', current: '/directory', csrf, body }));
  };

  const bundle: Handler = async (_req, res) => {
    res.type('application/x-pem-file').attachment('ca-bundle.pem').send(ctx.caBundlePem);
  };

  r.get('/directory', p(list));
  r.post('/directory/organisations', p(create));
  r.get('/directory/ca-bundle.pem', p(bundle));
  r.get('/directory/:org', p(organisation));
  r.post('/directory/:org/suspend', p(setStatus('suspend')));
  r.post('/directory/:org/reinstate', p(setStatus('reinstate')));
  r.post('/directory/:org/software-statements', p(createStatement));
  r.get('/directory/:org/ss/:ss', p(statement));
  r.post(
    '/directory/:org/ss/:ss/redirect-uris',
    p(
      updateStatement(
        (req) => ({ RedirectUri: field(req, 'redirect').split(/\s+/).filter(Boolean) }),
        'Redirect URIs saved',
      ),
    ),
  );
  r.post(
    '/directory/:org/ss/:ss/deactivate',
    p(updateStatement(() => ({ Active: false }), 'Software statement deactivated')),
  );
  r.post('/directory/:org/ss/:ss/certificates', p(upload));
  r.get('/directory/:org/ss/:ss/ssa', p(ssa));
  r.get('/directory/:org/certificates/:kid.pem', p(download));
  r.post('/directory/:org/certificates/:kid/revoke', p(revoke));
  return r;
}
