import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  onboardTpp,
  registrationClaims,
  signRequest,
  startTestSandbox,
  type TestSandbox,
  type TestTpp,
} from '../helpers/sandbox.js';

/** Behind a TLS-terminating gateway the bank takes the client certificate from a header. */
let sb: TestSandbox;
let tpp: TestTpp;
let gateway: Agent;
beforeAll(async () => {
  sb = await startTestSandbox({ mtlsHeader: 'X-Client-Cert' });
  tpp = await onboardTpp(sb);
  gateway = new Agent({ connect: { ca: sb.caBundle } }); // no client certificate on the TLS connection
});
afterAll(async () => {
  await gateway?.close();
  await tpp?.agent.close();
  await sb?.close();
});

describe('--mtls-header', () => {
  it('registers with the certificate forwarded as a URL-encoded PEM header', async () => {
    const jwt = await signRequest(
      registrationClaims(tpp, sb.bank, await tpp.ssa()),
      tpp.signing.key.privateKey,
      {
        alg: 'PS256',
        kid: tpp.signing.kid,
      },
    );
    const res = await call(gateway, 'POST', `${sb.bank.issuer}/register`, {
      headers: {
        'content-type': 'application/jose',
        'x-client-cert': encodeURIComponent(tpp.transport.certPem),
      },
      body: jwt,
    });
    expect(res.status, res.text).toBe(201);
  });

  it('ignores the TLS certificate itself: no header → 401', async () => {
    const res = await call(tpp.agent, 'POST', `${sb.bank.issuer}/register`, {
      headers: { 'content-type': 'application/jose' },
      body: 'a.b.c',
    });
    expect(res.status).toBe(401);
    expect(res.json().error_description).toBe('a client certificate (mutual TLS) is required');
  });

  it('a garbage header is no certificate → 401', async () => {
    const res = await call(gateway, 'POST', `${sb.bank.issuer}/register`, {
      headers: { 'content-type': 'application/jose', 'x-client-cert': '%E0%A4%A' },
      body: 'a.b.c',
    });
    expect(res.status).toBe(401);
  });
});
