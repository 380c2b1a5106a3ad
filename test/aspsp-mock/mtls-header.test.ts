import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../helpers/hostile-input.js';
import { call, onboardTpp, signedRegistration } from '../helpers/sandbox.js';
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

  it('the certificate header on two lines → 400, whichever line holds the client’s certificate', async () => {
    // Node joins repeated unknown header lines with ", "; the bank would parse the first PEM of
    // the joined value, so a line a client added ahead of the gateway's would be believed.
    const intruder = await onboardTpp(sb);
    const jwt = await signedRegistration(tpp, sb.bank);
    const origin = new URL(sb.bank.issuer).origin;
    const path = `${new URL(sb.bank.issuer).pathname}/register`;
    try {
      for (const order of [
        [intruder.transport.certPem, tpp.transport.certPem],
        [tpp.transport.certPem, intruder.transport.certPem],
      ]) {
        const res = await sendRaw(
          gateway,
          origin,
          'POST',
          path,
          [
            ['content-type', 'application/jose'],
            ['X-Client-Cert', encodeURIComponent(order[0])],
            ['x-client-cert', encodeURIComponent(order[1])],
          ],
          jwt,
        );
        expect(res.status, res.text).toBe(400);
        expect(JSON.parse(res.text)).toEqual({
          error: 'invalid_request',
          error_description: 'the request must carry at most one x-client-cert header, not several',
        });
      }
    } finally {
      await intruder.agent.close();
    }
  });
});
