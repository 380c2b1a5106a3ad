import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signedRegistration } from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpp } from '../helpers/use-sandbox.js';

/** Behind a TLS-terminating gateway the bank takes the client certificate from a header. */
const sb = useTestSandbox({ mtlsHeader: 'X-Client-Cert' });
const tpp = useTestTpp(sb);
let gateway: Agent;
beforeAll(() => {
  gateway = new Agent({ connect: { ca: sb.caBundle } }); // no client certificate on the TLS connection
});
afterAll(async () => {
  await gateway?.close();
});

describe('--mtls-header', () => {
  it('registers with the certificate forwarded as a URL-encoded PEM header', async () => {
    const jwt = await signedRegistration(tpp, sb.bank);
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
