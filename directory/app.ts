import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { errorHandler, messageTap, notFoundHandler, readBody, requestLog } from '../lib/http/index.js';
import { authenticate, requireAdmin } from './auth.js';
import type { DirectoryContext } from './context.js';
import { MEDIA, otherMethods } from './respond.js';
import {
  getOrganisation as adminGetOrganisation,
  listOrganisations as adminListOrganisations,
  createOrganisation,
  rotateOrganisationToken,
  setOrganisationStatus,
} from './routes/admin/organisations.js';
import {
  createAuthorisationServer,
  deleteAuthorisationServer,
  getAuthorisationServer,
  listAuthorisationServers,
  updateAuthorisationServer,
} from './routes/authorisation-servers.js';
import {
  associateCertificate,
  getAssociatedCertificate,
  getCertificate,
  listOrganisationCertificates,
  listSoftwareCertificates,
  revokeCertificate,
  uploadOrganisationCsr,
  uploadSoftwareCsr,
} from './routes/certificates.js';
import { caFile, directoryJwks, organisationKeystore, revokedKeystore } from './routes/keystore.js';
import { OCSP_MAX_REQUEST_BYTES, OCSP_MEDIA, ocspGet, ocspPost } from './routes/ocsp.js';
import { getOrganisation, listOrganisations } from './routes/organisation.js';
import {
  createSoftwareStatement,
  getSoftwareStatement,
  listSoftwareStatements,
  updateSoftwareStatement,
} from './routes/software-statements.js';
import { getSoftwareStatementAssertion } from './routes/ssa.js';

/** Builds the directory's Express app. No port is opened: tests drive it with supertest. */
export function createDirectoryApp(ctx: DirectoryContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestLog(ctx.logger));
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
  const auth = authenticate(ctx);
  const admin: RequestHandler[] = [auth, requireAdmin];

  // Public: health, CA and keystore (no authentication, as the real keystore).
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ca/root.pem', caFile(ctx, 'root'));
  app.get('/ca/issuing.pem', caFile(ctx, 'issuing'));
  app.get('/ca/bundle.pem', caFile(ctx, 'bundle'));
  app.get('/ca/issuing.crl', caFile(ctx, 'crl'));
  app.get('/ca/issuing.crl.pem', caFile(ctx, 'crl.pem'));
  // OCSP responder for the issuing CA (RFC 6960), named in every issued certificate's AIA.
  app
    .route('/ocsp')
    .post(readBody([OCSP_MEDIA.request], OCSP_MAX_REQUEST_BYTES), ocspPost(ctx))
    .all(otherMethods(['POST']));
  app
    .route('/ocsp/:request')
    .get(ocspGet(ctx))
    .all(otherMethods(['GET']));
  app.get('/keystore/openbanking.jwks', directoryJwks(ctx));
  app.get('/keystore/:org/revoked/:file', revokedKeystore(ctx));
  app.get('/keystore/:org/:file', organisationKeystore(ctx));

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
    .route('/admin/organisations/:OrganisationId/token')
    .post(...admin, rotateOrganisationToken(ctx))
    .all(otherMethods(['POST']));

  // OB Directory API v2.1.
  const v = '/v2.1/organisation';
  const ss = `${v}/:OrganisationId/software-statement/:SoftwareStatementId`;
  app
    .route(v)
    .get(auth, listOrganisations(ctx))
    .post(...admin, json, createOrganisation(ctx))
    .all(otherMethods(['GET', 'POST']));
  app
    .route(`${v}/:OrganisationId`)
    .get(auth, getOrganisation(ctx))
    .all(otherMethods(['GET']));
  app
    .route(`${v}/:OrganisationId/software-statement`)
    .post(auth, ssJson, createSoftwareStatement(ctx))
    .get(auth, listSoftwareStatements(ctx))
    .all(otherMethods(['GET', 'POST']));
  app
    .route(ss)
    .get(auth, getSoftwareStatement(ctx))
    .put(auth, ssJson, updateSoftwareStatement(ctx))
    .all(otherMethods(['GET', 'PUT']));
  app
    .route(`${ss}/software-statement-assertion`)
    .get(auth, getSoftwareStatementAssertion(ctx))
    .all(otherMethods(['GET']));
  app
    .route(`${ss}/certificate`)
    .get(auth, listSoftwareCertificates(ctx))
    .all(otherMethods(['GET']));
  app
    .route(`${ss}/certificate/:CertificateType`)
    .post(auth, pem, uploadSoftwareCsr(ctx))
    .get(auth, listSoftwareCertificates(ctx))
    .all(otherMethods(['GET', 'POST']));
  app
    .route(`${ss}/certificate/:CertificateType/:CertificateOrKeyId`)
    .get(auth, getAssociatedCertificate(ctx))
    .put(auth, json, associateCertificate(ctx))
    .all(otherMethods(['GET', 'PUT']));
  app
    .route(`${v}/:OrganisationId/certificate`)
    .get(auth, listOrganisationCertificates(ctx))
    .all(otherMethods(['GET']));
  app
    .route(`${v}/:OrganisationId/certificate/kid/:CertificateOrKeyId`)
    .get(auth, getCertificate(ctx))
    .delete(auth, revokeCertificate(ctx))
    .all(otherMethods(['GET', 'DELETE']));
  app
    .route(`${v}/:OrganisationId/certificate/:CertificateType`)
    .post(auth, pem, uploadOrganisationCsr(ctx))
    .get(auth, listOrganisationCertificates(ctx))
    .all(otherMethods(['GET', 'POST']));
  app
    .route(`${v}/:OrganisationId/authorisation-server`)
    .post(auth, asJson, createAuthorisationServer(ctx))
    .get(auth, listAuthorisationServers(ctx))
    .all(otherMethods(['GET', 'POST']));
  app
    .route(`${v}/:OrganisationId/authorisation-server/:AuthorisationServerId`)
    .get(auth, getAuthorisationServer(ctx))
    .put(auth, asJson, updateAuthorisationServer(ctx))
    .delete(auth, deleteAuthorisationServer(ctx))
    .all(otherMethods(['GET', 'PUT', 'DELETE']));

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger));
  return app;
}
