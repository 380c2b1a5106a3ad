import { describe, expect, it } from 'vitest';
import { call, register, signedRegistration } from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpp } from '../helpers/use-sandbox.js';

const sb = useTestSandbox();
const tpp = useTestTpp(sb);

describe('end to end over real HTTPS and mutual TLS', () => {
  it('onboard → register (201) → token → consent (201) → GET → PUT → DELETE (204) → GET (401)', async () => {
    const discovery = await call(tpp.agent, 'GET', sb.bank.discovery);
    expect(discovery.status).toBe(200);
    const meta = discovery.json();
    expect(meta.registration_endpoint).toBe(`${sb.bank.issuer}/register`);
    expect(meta.ob_organisation_id).toBe(sb.bank.orgId);

    const ssa = await tpp.ssa();
    const jwt = await signedRegistration(tpp, sb.bank, { ssa, header: { typ: 'JWT' } });
    const reg = await register(tpp, sb.bank, jwt);
    expect(reg.status, reg.text).toBe(201);
    const client = reg.json();
    expect(client.client_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(client.token_endpoint_auth_method).toBe('tls_client_auth');
    expect(client.software_id).toBe(tpp.softwareId);
    expect(client.org_id).toBe(tpp.orgId);
    expect(client.client_secret).toBeUndefined();
    expect(typeof client.client_id_issued_at).toBe('number');

    const tokenRes = await call(tpp.agent, 'POST', `${sb.bank.issuer}/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(client.client_id),
        scope: 'accounts',
      }).toString(),
    });
    expect(tokenRes.status, tokenRes.text).toBe(200);
    const token = tokenRes.json();
    expect(token).toMatchObject({ token_type: 'Bearer', scope: 'accounts', expires_in: 3600 });
    const bearer = { authorization: `Bearer ${String(token.access_token)}` };

    const consent = await call(
      tpp.agent,
      'POST',
      `${sb.bank.issuer}/open-banking/v3.1/aisp/account-access-consents`,
      {
        headers: { ...bearer, 'content-type': 'application/json' },
        body: JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} }),
      },
    );
    expect(consent.status, consent.text).toBe(201);
    const consentId = (consent.json().Data as { ConsentId: string }).ConsentId;
    const got = await call(
      tpp.agent,
      'GET',
      `${sb.bank.issuer}/open-banking/v3.1/aisp/account-access-consents/${consentId}`,
      {
        headers: bearer,
      },
    );
    expect(got.status).toBe(200);
    expect((got.json().Data as { Status: string }).Status).toBe('AwaitingAuthorisation');

    const mgmt = `${sb.bank.issuer}/register/${String(client.client_id)}`;
    const read = await call(tpp.agent, 'GET', mgmt, { headers: bearer });
    expect(read.status).toBe(200);
    expect(read.json().client_id).toBe(client.client_id);

    const jwt2 = await signedRegistration(tpp, sb.bank, {
      ssa,
      overrides: { redirect_uris: ['https://tpp.example.com/cb2'] },
    });
    const put = await call(tpp.agent, 'PUT', mgmt, {
      headers: { ...bearer, 'content-type': 'application/jose' },
      body: jwt2,
    });
    expect(put.status, put.text).toBe(200);
    expect(put.json().redirect_uris).toEqual(['https://tpp.example.com/cb2']);

    const del = await call(tpp.agent, 'DELETE', mgmt, { headers: bearer });
    expect(del.status).toBe(204);
    const after = await call(tpp.agent, 'GET', mgmt, { headers: bearer });
    expect(after.status).toBe(401);
    expect(after.json().error).toBe('invalid_token');
  });
});
