import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import {
  errorHandler,
  hostHeader,
  messageTap,
  notFoundHandler,
  readBody,
  requestLog,
  singleHeaders,
} from '../lib/http/index.js';
import { authenticate, requireAdmin } from './auth.js';
import type { DirectoryContext } from './context.js';
import { METADATA_PATH, metadataEndpoint, TOKEN_PATH } from './oauth/metadata.js';
import { getOAuthClient, putOAuthClient } from './oauth/oauth-client.js';
import { requireScope } from './oauth/scopes.js';
import { directoryTokenEndpoint } from './oauth/token-endpoint.js';
import { MEDIA, otherMethods } from './respond.js';
import { addRedirectUri, REDIRECT_URI_MEDIA } from './routes/add-redirect-uri.js';
import {
  getOrganisation as adminGetOrganisation,
  listOrganisations as adminListOrganisations,
  createOrganisation,
  rotateOrganisationToken,
  setOrganisationStatus,
} from './routes/admin/organisations.js';
import { issueQualifiedCertificate } from './routes/admin/qtsp.js';
import {
  createAuthorisationServer,
  deleteAuthorisationServer,
  getAuthorisationServer,
  listAuthorisationServers,
  updateAuthorisationServer,
} from './routes/authorisation-servers.js';
import { listOrganisationCertificates, listSoftwareCertificates } from './routes/certificate-listings.js';
import {
  associateCertificate,
  getAssociatedCertificate,
  getCertificate,
  revokeCertificate,
  uploadOrganisationCsr,
  uploadSoftwareCsr,
} from './routes/certificates.js';
import { CONTACT_MEDIA, getContact, putContact } from './routes/contacts.js';
import { ENROL_MEDIA, enrolOrganisation } from './routes/enrol-organisation.js';
import { caFile, directoryJwks, organisationKeystore, revokedKeystore } from './routes/keystore.js';
import { OCSP_MAX_REQUEST_BYTES, OCSP_MEDIA, ocspGet, ocspPost } from './routes/ocsp.js';
import { getOrganisation, listOrganisations } from './routes/organisation.js';
import { enrolmentTypeInPath, organisationTypeInPath } from './routes/organisation-type-in-path.js';
import {
  createSoftwareStatement,
  getSoftwareStatement,
  listSoftwareStatements,
  updateSoftwareStatement,
} from './routes/software-statements.js';
import { getSoftwareStatementAssertion } from './routes/ssa.js';
import { validateCertificate } from './routes/validate-certificate.js';

/** Builds the directory's Express app. No port is opened: tests drive it with supertest. */
export function createDirectoryApp(ctx: DirectoryContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestLog(ctx.logger));
  // before the tap: its own read endpoint, too, answers only requests with one valid Host
  app.use(hostHeader);
  app.use(singleHeaders());
  app.use(messageTap({ service: 'directory', adminTokenSha256: ctx.adminTokenHash }));
  app.use((_req, res, next) => {
    res.set('OB-Request-Id', randomUUID());
    res.set('Cache-Control', 'no-store');
    next();
  });

  const limit = ctx.config.bodyLimitBytes;
  const json = readBody([MEDIA.json], limit);
  const ssJson = readBody([MEDIA.softwareStatement, MEDIA.json], limit);
  const asJson = readBody([MEDIA.authorisationServer, MEDIA.json], limit);
  const pem = readBody([MEDIA.pem], limit);
  const authenticated = authenticate(ctx);
  const admin: RequestHandler[] = [authenticated, requireAdmin];
  // Every v2.1 operation: a credential, and with an OAuth token the scopes its security scheme names.
  const read: RequestHandler[] = [authenticated, requireScope('read')];
  const write: RequestHandler[] = [authenticated, requireScope('write')];
  const form = readBody(['application/x-www-form-urlencoded'], limit);

  // Public: health, CA and keystore (no authentication, as the real keystore).
  // Each public resource answers GET (and HEAD); any other method is 405 with Allow, as everywhere.
  const onlyGet = otherMethods(['GET']);
  app
    .route('/health')
    .get((_req, res) => {
      res.json({ status: 'ok' });
    })
    .all(onlyGet);
  for (const [path, file] of [
    ['/ca/root.pem', 'root'],
    ['/ca/issuing.pem', 'issuing'],
    ['/ca/bundle.pem', 'bundle'],
    ['/ca/issuing.crl', 'crl'],
    ['/ca/issuing.crl.pem', 'crl.pem'],
  ] as const)
    app.route(path).get(caFile(ctx, file)).all(onlyGet);
  // The directory's authorisation server (the OAuth front door, docs/directory.md).
  app
    .route(METADATA_PATH)
    .get(metadataEndpoint(ctx))
    .all(otherMethods(['GET']));
  app
    .route(TOKEN_PATH)
    .post(form, directoryTokenEndpoint(ctx))
    .all(otherMethods(['POST']));

  // OCSP responder for the issuing CA (RFC 6960), named in every issued certificate's AIA.
  app
    .route('/ocsp')
    .post(readBody([OCSP_MEDIA.request], OCSP_MAX_REQUEST_BYTES), ocspPost(ctx))
    .all(otherMethods(['POST']));
  app
    .route('/ocsp/:request')
    .get(ocspGet(ctx))
    .all(otherMethods(['GET']));
  app.route('/keystore/openbanking.jwks').get(directoryJwks(ctx)).all(onlyGet);
  app.route('/keystore/:org/revoked/:file').get(revokedKeystore(ctx)).all(onlyGet);
  app.route('/keystore/:org/:file').get(organisationKeystore(ctx)).all(onlyGet);

  // Admin API (mock-only).
  app
    .route('/admin/organisations')
    .post(...admin, json, createOrganisation(ctx))
    .get(...admin, adminListOrganisations(ctx))
    .all(otherMethods(['GET', 'POST']));
  app
    .route('/admin/organisations/:OrganisationId')
    .get(...admin, adminGetOrganisation(ctx))
    .all(otherMethods(['GET']));
  for (const action of ['suspend', 'reinstate', 'revoke'] as const) {
    app
      .route(`/admin/organisations/:OrganisationId/${action}`)
      .post(...admin, setOrganisationStatus(ctx, action))
      .all(otherMethods(['POST']));
  }
  app
    .route('/admin/qtsp/:CertificateType')
    .post(...admin, pem, issueQualifiedCertificate(ctx))
    .all(otherMethods(['POST']));
  app
    .route('/admin/organisations/:OrganisationId/token')
    .post(...admin, rotateOrganisationToken(ctx))
    .all(otherMethods(['POST']));

  // OB Directory API v2.1; the swagger's /v2/ and unversioned paths define the same
  // operations and are served by the same handlers (docs/directory.md).
  app
    .route('/v2.1/oauth/:OrganisationId')
    .get(...read, getOAuthClient(ctx))
    .put(...write, pem, putOAuthClient(ctx))
    .all(otherMethods(['GET', 'PUT']));
  const enrol: RequestHandler = (req, res, next) => {
    // With a bearer token this is the admin's organisation creation (mock-only), else eIDAS self-enrolment.
    if (req.headers.authorization === undefined) selfEnrol(req, res).catch(next);
    else authenticated(req, res, (err?: unknown) => (err ? next(err) : requireAdmin(req, res, next)));
  };
  const enrolBody = readBody(ENROL_MEDIA, limit);
  const selfEnrol = enrolOrganisation(ctx);
  const routes: [string, RequestHandler[]][] = [
    ['/v2.1', []],
    ['/v2', []],
    ['', [organisationTypeInPath(ctx)]],
  ];
  for (const [prefix, extra] of routes) {
    const v = prefix === '' ? '/organisation/:OrganisationType' : `${prefix}/organisation`;
    const r: RequestHandler[] = [...read, ...extra];
    const w: RequestHandler[] = [...write, ...extra];
    const ss = `${v}/:OrganisationId/software-statement/:SoftwareStatementId`;
    app
      .route(`${prefix}/certificate/validate`)
      .post(...read, pem, validateCertificate(ctx))
      .all(otherMethods(['POST']));
    app
      .route(v)
      .get(...r, listOrganisations(ctx))
      .post(...(prefix === '' ? [enrolmentTypeInPath] : []), enrolBody, enrol, createOrganisation(ctx))
      .all(otherMethods(['GET', 'POST']));
    app
      .route(`${v}/:OrganisationId`)
      .get(...r, getOrganisation(ctx))
      .all(otherMethods(['GET']));
    app
      .route(`${v}/:OrganisationId/contact/:ContactType`)
      .get(...r, getContact(ctx))
      .put(...w, readBody([CONTACT_MEDIA, MEDIA.json], limit), putContact(ctx))
      .all(otherMethods(['GET', 'PUT']));
    app
      .route(`${v}/:OrganisationId/software-statement`)
      .post(...w, ssJson, createSoftwareStatement(ctx))
      .get(...r, listSoftwareStatements(ctx))
      .all(otherMethods(['GET', 'POST']));
    app
      .route(ss)
      .get(...r, getSoftwareStatement(ctx))
      .put(...w, ssJson, updateSoftwareStatement(ctx))
      .all(otherMethods(['GET', 'PUT']));
    app
      .route(`${ss}/redirect-uri`)
      .post(...w, readBody([REDIRECT_URI_MEDIA], limit), addRedirectUri(ctx))
      .all(otherMethods(['POST']));
    app
      .route(`${ss}/software-statement-assertion`)
      .get(...r, getSoftwareStatementAssertion(ctx))
      .all(otherMethods(['GET']));
    app
      .route(`${ss}/certificate`)
      .get(...r, listSoftwareCertificates(ctx))
      .all(otherMethods(['GET']));
    app
      .route(`${ss}/certificate/:CertificateType`)
      .post(...w, pem, uploadSoftwareCsr(ctx))
      .get(...r, listSoftwareCertificates(ctx))
      .all(otherMethods(['GET', 'POST']));
    app
      .route(`${ss}/certificate/:CertificateType/:CertificateOrKeyId`)
      .get(...r, getAssociatedCertificate(ctx))
      .put(...w, json, associateCertificate(ctx))
      .all(otherMethods(['GET', 'PUT']));
    app
      .route(`${v}/:OrganisationId/certificate`)
      .get(...r, listOrganisationCertificates(ctx))
      .all(otherMethods(['GET']));
    app
      .route(`${v}/:OrganisationId/certificate/kid/:CertificateOrKeyId`)
      .get(...r, getCertificate(ctx))
      .delete(...w, revokeCertificate(ctx))
      .all(otherMethods(['GET', 'DELETE']));
    app
      .route(`${v}/:OrganisationId/certificate/:CertificateType`)
      .post(...w, pem, uploadOrganisationCsr(ctx))
      .get(...r, listOrganisationCertificates(ctx))
      .all(otherMethods(['GET', 'POST']));
    app
      .route(`${v}/:OrganisationId/authorisation-server`)
      .post(...w, asJson, createAuthorisationServer(ctx))
      .get(...r, listAuthorisationServers(ctx))
      .all(otherMethods(['GET', 'POST']));
    app
      .route(`${v}/:OrganisationId/authorisation-server/:AuthorisationServerId`)
      .get(...r, getAuthorisationServer(ctx))
      .put(...w, asJson, updateAuthorisationServer(ctx))
      .delete(...w, deleteAuthorisationServer(ctx))
      .all(otherMethods(['GET', 'PUT', 'DELETE']));
  }

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger));
  return app;
}
