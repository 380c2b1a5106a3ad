import type { Request, Response } from 'express';
import { sendJson } from '../../lib/http/index.js';
import { Checklist } from '../checklist.js';
import { requireCheckedCertificate } from '../client-certificate.js';
import type { BankContext } from '../context.js';
import { InvalidClient, TokenError } from '../errors.js';
import { checkCertificateBinding } from '../register/validate-claims.js';
import type { SsaClaims } from '../register/verify-ssa.js';
import { issueAccessToken } from '../token/access-token.js';
import { authenticateClient } from '../token/authenticate-client.js';
import { grantedScope } from '../token/granted-scope.js';
import { TOKEN_CHECKS } from '../token/token-checks.js';
import { tokenParameters } from '../token/token-parameters.js';

/**
 * POST {issuer}/token — client_credentials with tls_client_auth,
 * private_key_jwt, client_secret_basic or client_secret_post; tokens bound to
 * the TLS client certificate. Errors per RFC 6749 §5.2. Every check's outcome
 * goes on the exchange's checklist (the admin's message tap).
 */
export function tokenEndpoint(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const checks = new Checklist(TOKEN_CHECKS).attach(res);
    const form = checks.step('parameters', () => tokenParameters(req));
    checks.step('grant-type', () => {
      const grant = form.get('grant_type');
      if (!grant) throw new TokenError('invalid_request', 'grant_type is required');
      if (grant !== 'client_credentials')
        throw new TokenError('unsupported_grant_type', `grant_type '${grant}' is not supported here`);
    });
    const cert = await requireCheckedCertificate(ctx, req, checks);
    const client = await authenticateClient(ctx, req, form, cert, `${ctx.issuer}/token`, checks);
    if (ctx.settings.checkCertificateBinding)
      checks.step('certificate-binding', () => {
        try {
          checkCertificateBinding(cert, client.ssaClaims as SsaClaims);
        } catch {
          throw new InvalidClient('the client certificate does not belong to this client');
        }
      });
    else checks.skip('certificate-binding', 'profile: checkCertificateBinding off');
    checks.step('client-grant', () => {
      const grants = client.metadata.grant_types as string[] | undefined;
      if (!grants?.includes('client_credentials'))
        throw new TokenError('unauthorized_client', 'client_credentials is not among the client grant_types');
    });
    const scope = checks.step('scope', () => grantedScope(client, form.get('scope')));
    const { token } = await issueAccessToken(ctx, client.client_id, scope, cert.der);
    // RFC 6749 §5.1: Cache-Control no-store and Pragma no-cache; sendJson writes the answer at once.
    res.setHeader('Pragma', 'no-cache');
    sendJson(res, 200, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: ctx.settings.accessTokenLifetimeSeconds,
      scope,
    });
  };
}
