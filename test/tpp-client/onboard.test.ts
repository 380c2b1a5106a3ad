import { execFile } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnToString, type KeyPair, parseCertificate, parseCsr } from '../../certs/index.js';
import {
  createHttpClient,
  createLegacyCsr,
  createOrganisation,
  createOrganisationCsr,
  DirectoryError,
  fetchSsa,
  type HttpClient,
  listBanks,
  onboardAtDirectory,
  refreshSsa,
  type TppMaterial,
  uploadCsr,
} from '../../tpp-client/index.js';
import { keyPool, onboardTestTpp, startTestDirectory, type TestDirectory } from './helpers.js';

const run = promisify(execFile);

let t: TestDirectory;
let http: HttpClient;
let material: TppMaterial;

beforeAll(async () => {
  t = await startTestDirectory();
  http = createHttpClient({ ca: t.caBundlePem, timeoutMs: 5_000 });
  material = await onboardTestTpp(t);
});
afterAll(async () => {
  await http.close();
  await t.close();
  keyPool.close();
});

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await http.request('GET', url);
  expect(res.status).toBe(200);
  return res.json() as Record<string, unknown>;
}

const subjectInOrder = (pem: string) =>
  parseCertificate(pem)
    .subject.map((a) => `${a.name}=${a.value}`)
    .join(',');

describe('onboarding at the directory over HTTPS', () => {
  it('produces ids of the OB shapes and the directory URLs', () => {
    expect(material.organisationId).toMatch(/^[0-9A-Za-z]{18}$/);
    expect(material.softwareStatementId).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(material.clientIdAtDirectory).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(material.directory?.url).toBe(t.dir.url);
    expect(material.directory?.keystoreUrl).toBe(`${t.dir.url}/keystore`);
    expect(material.directory?.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(material.caBundlePem).toBe(t.caBundlePem);
    expect(material.signing.alg).toBe('PS256');
  });

  it('gets a transport and a signing certificate with subject C=GB,O=OpenBanking,OU=<org>,CN=<software_id>', () => {
    const { organisationId: org, softwareStatementId: ss } = material;
    for (const pem of [material.transport.certPem, material.signing.certPem!]) {
      expect(subjectInOrder(pem)).toBe(`C=GB,O=OpenBanking,OU=${org},CN=${ss}`);
      expect(dnToString(parseCertificate(pem).subject)).toBe(`CN=${ss},OU=${org},O=OpenBanking,C=GB`);
      const issuing = new X509Certificate(t.dir.ctx.ca.issuingCertPem);
      expect(new X509Certificate(pem).verify(issuing.publicKey)).toBe(true);
    }
    expect(parseCertificate(material.transport.certPem).extKeyUsage).toEqual(['clientAuth', 'serverAuth']);
    expect(parseCertificate(material.signing.certPem!).keyUsage).toEqual([
      'digitalSignature',
      'nonRepudiation',
    ]);
  });

  it('keeps each private key with its certificate and takes kids from the directory (kid = x5t)', () => {
    const t1 = new X509Certificate(material.transport.certPem);
    const s1 = new X509Certificate(material.signing.certPem!);
    expect(material.transport.kid).toBe(parseCertificate(material.transport.certPem).x5t);
    expect(material.signing.kid).toBe(parseCertificate(material.signing.certPem!).x5t);
    expect(t1.checkPrivateKey(createPrivateKey(material.transport.keyPem))).toBe(true);
    expect(s1.checkPrivateKey(createPrivateKey(material.signing.keyPem))).toBe(true);
    expect(material.transport.kid).not.toBe(material.signing.kid);
  });

  it('publishes the signing kid (use sig) and the transport kid (use tls) in /keystore/<org>/<software_id>.jwks', async () => {
    const jwks = await getJson(
      `${material.directory!.keystoreUrl}/${material.organisationId}/${material.softwareStatementId}.jwks`,
    );
    const keys = jwks.keys as { kid: string; use: string; x5c: string[] }[];
    expect(keys.map((k) => [k.kid, k.use]).sort()).toEqual(
      [
        [material.signing.kid, 'sig'],
        [material.transport.kid, 'tls'],
      ].sort(),
    );
    const sig = keys.find((k) => k.kid === material.signing.kid)!;
    expect(new X509Certificate(Buffer.from(sig.x5c[0], 'base64')).toString()).toBe(
      new X509Certificate(material.signing.certPem!).toString(),
    );
  });

  it('fetches an SSA that verifies against /keystore/openbanking.jwks', async () => {
    const jwks = (await getJson(`${t.dir.url}/keystore/openbanking.jwks`)) as unknown as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(material.ssa, createLocalJWKSet(jwks), {
      issuer: 'OpenBanking Ltd',
    });
    expect(protectedHeader.alg).toBe('PS256');
    expect(protectedHeader.kid).toBe(jwks.keys[0].kid);
    expect(payload).toMatchObject({
      software_id: material.softwareStatementId,
      software_client_id: material.clientIdAtDirectory,
      org_id: material.organisationId,
      org_status: 'Active',
      software_roles: ['AISP', 'PISP'],
      software_redirect_uris: ['https://acme.example.com/cb'],
      software_jwks_endpoint: `${t.dir.url}/keystore/${material.organisationId}/${material.softwareStatementId}.jwks`,
    });
  });

  it('refreshes the SSA on demand (fresh jti, same software)', async () => {
    const before = decodePayload(material.ssa);
    const refreshed = await refreshSsa(material, { timeoutMs: 5_000 });
    const after = decodePayload(refreshed.ssa);
    expect(refreshed.ssa).not.toBe(material.ssa);
    expect(after.jti).not.toBe(before.jti);
    expect(after.iat).toBeGreaterThanOrEqual(before.iat as number);
    expect(after.software_id).toBe(material.softwareStatementId);
    expect({ ...refreshed, ssa: material.ssa }).toEqual(material);
    const direct = await fetchSsa(
      { url: t.dir.url, http },
      material.organisationId,
      material.softwareStatementId,
      material.directory!.accessToken!,
    );
    expect(decodeProtectedHeader(direct).kid).toBe(decodeProtectedHeader(material.ssa).kid);
  });

  it('onboards a software statement under an existing organisation with its AccessToken', async () => {
    const org = await createOrganisation({ url: t.dir.url, http }, t.dir.adminToken, {
      OrganisationName: 'Beta TPP',
      Roles: ['CBPII'],
    });
    const m = await onboardAtDirectory({
      directoryUrl: t.dir.url,
      caBundlePem: t.caBundlePem,
      organisation: { id: org.organisationId, accessToken: org.accessToken },
      softwareStatement: { ClientName: 'Beta', RedirectUri: ['https://beta.example.com/cb'] },
      keyPool,
      http,
    });
    expect(m.organisationId).toBe(org.organisationId);
    expect(decodePayload(m.ssa).software_roles).toEqual(['CBPII']);
  });

  it('turns a refused step into a DirectoryError with the directory status and error code', async () => {
    const refused = onboardAtDirectory({
      directoryUrl: t.dir.url,
      caBundlePem: t.caBundlePem,
      organisation: { id: material.organisationId, accessToken: 'not-a-token' },
      softwareStatement: { ClientName: 'x', RedirectUri: ['https://x.example.com/cb'] },
      keyPool,
      http,
    });
    await expect(refused).rejects.toBeInstanceOf(DirectoryError);
    await expect(refused).rejects.toMatchObject({
      status: 401,
      code: 'invalid_token',
      step: 'create software statement',
    });
    const badRole = onboardAtDirectory({
      directoryUrl: t.dir.url,
      caBundlePem: t.caBundlePem,
      organisation: { id: material.organisationId, accessToken: material.directory!.accessToken! },
      softwareStatement: { ClientName: 'x', RedirectUri: ['https://x.example.com/cb'], Roles: ['CBPII'] },
      keyPool,
      http,
    });
    await expect(badRole).rejects.toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('the certificate uploads and the SSA run side by side: a refusal names the first failing step in step order', async () => {
    const keyPair = (type: 'rsa' | 'ec', o: object): KeyPair => {
      const k = generateKeyPairSync(type as 'rsa', o as { modulusLength: number });
      return {
        privateKey: k.privateKey,
        publicKey: k.publicKey,
        privateKeyPem: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        publicKeyPem: k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      };
    };
    const ecTransport = keyPair('ec', { namedCurve: 'P-256' }); // transport certificates need RSA
    const shortSigning = keyPair('rsa', { modulusLength: 1024 }); // signing needs RSA ≥ 2048 or EC P-256
    const onboard = (keys: { transport: KeyPair; signing: KeyPair }) =>
      onboardAtDirectory({
        directoryUrl: t.dir.url,
        caBundlePem: t.caBundlePem,
        organisation: { id: material.organisationId, accessToken: material.directory!.accessToken! },
        softwareStatement: { ClientName: 'order', RedirectUri: ['https://order.example.com/cb'] },
        keys,
        http,
      });
    // both uploads refused: the transport step is reported, whichever answer came first
    await expect(onboard({ transport: ecTransport, signing: shortSigning })).rejects.toMatchObject({
      status: 400,
      code: 'invalid_request',
      step: 'upload obtransport CSR',
    });
    await expect(onboard({ transport: await keyPool.take(), signing: shortSigning })).rejects.toMatchObject({
      status: 400,
      code: 'invalid_request',
      step: 'upload obsigning CSR',
    });
    // the shared client still works after the refused calls
    const banks = await listBanks({ url: t.dir.url, http }, material.directory!.accessToken!);
    expect(Array.isArray(banks)).toBe(true);
  });

  it('a CSR that cannot be made fails onboarding without leaving a call running', async () => {
    const ed = generateKeyPairSync('ed25519');
    const edKey: KeyPair = {
      privateKey: ed.privateKey,
      publicKey: ed.publicKey,
      privateKeyPem: ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
    await expect(
      onboardAtDirectory({
        directoryUrl: t.dir.url,
        caBundlePem: t.caBundlePem,
        organisation: { id: material.organisationId, accessToken: material.directory!.accessToken! },
        softwareStatement: { ClientName: 'ed', RedirectUri: ['https://ed.example.com/cb'] },
        keys: { transport: edKey, signing: await keyPool.take() },
        http,
      }),
    ).rejects.toThrow('cannot sign a CSR with a ed25519 key');
    // the shared client goes on
    const banks = await listBanks({ url: t.dir.url, http }, material.directory!.accessToken!);
    expect(Array.isArray(banks)).toBe(true);
  });

  it('a CSR for another software statement is refused with 400 naming the subject field', async () => {
    const key = await keyPool.take();
    const csr = createLegacyCsr(key, {
      organisationId: material.organisationId,
      softwareStatementId: 'x'.repeat(22),
    });
    const upload = uploadCsr(
      { url: t.dir.url, http },
      {
        organisationId: material.organisationId,
        accessToken: material.directory!.accessToken!,
        softwareStatementId: material.softwareStatementId,
      },
      'obtransport',
      csr,
    );
    await expect(upload).rejects.toMatchObject({ status: 400, code: 'invalid_request' });
    await expect(upload).rejects.toThrow(/subject\.CN/);
  });
});

describe('CSRs', () => {
  it('the legacy CSR has the subject, key and algorithm of OB documented openssl command', async () => {
    const key = await keyPool.take();
    const keyFile = join(t.work, 'csr-key.pem');
    await writeFile(keyFile, key.privateKeyPem, { mode: 0o600 });
    const org = '0015800001041REAAY';
    const sw = '4pHhkZQaBOGdp5zbkSsGF8';
    const { stdout } = await run('openssl', [
      'req',
      '-new',
      '-key',
      keyFile,
      '-subj',
      `/C=GB/ST=/L=/O=OpenBanking/OU=${org}/CN=${sw}`,
      '-sha256',
    ]);
    const theirs = parseCsr(stdout);
    const ours = parseCsr(createLegacyCsr(key, { organisationId: org, softwareStatementId: sw }));
    expect(ours.subject).toEqual(theirs.subject);
    expect(ours.subject.map((a) => `${a.name}=${a.value}`)).toEqual([
      'C=GB',
      'O=OpenBanking',
      `OU=${org}`,
      `CN=${sw}`,
    ]);
    expect(ours.signatureAlgorithm).toBe(theirs.signatureAlgorithm);
    expect(ours.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(ours.keyBits).toBe(2048);
    expect(ours.publicKey.equals(theirs.publicKey)).toBe(true);
    expect([ours.sanDns, ours.sanIps]).toEqual([[], []]);
  });

  it('OBWAC and OBSeal CSRs give certificates with C, O=legal name, organizationIdentifier, CN=org', async () => {
    const org = material.organisationId;
    const target = { organisationId: org, accessToken: material.directory!.accessToken! };
    const key = await keyPool.take();
    const obwac = await uploadCsr(
      { url: t.dir.url, http },
      target,
      'obwac',
      createOrganisationCsr(key, {
        organisationId: org,
        legalName: 'Acme Ltd',
        sanDns: ['tpp.acme.example'],
      }),
    );
    const info = parseCertificate(obwac.certPem);
    expect(info.subject.map((a) => `${a.name}=${a.value}`).join(',')).toBe(
      `C=GB,O=Acme Ltd,organizationIdentifier=PSDGB-OB-Unknown${org},CN=${org}`,
    );
    expect(info.sanDns).toEqual(['tpp.acme.example']);
    expect(info.qcType).toBe('web');
    expect(obwac.kid).toBe(info.x5t);
    expect(new X509Certificate(obwac.chainPem).subject).toBe(
      new X509Certificate(t.dir.ctx.ca.issuingCertPem).subject,
    );

    const obseal = await uploadCsr(
      { url: t.dir.url, http },
      target,
      'obseal',
      createOrganisationCsr(await keyPool.take(), { organisationId: org, legalName: 'Acme Ltd' }),
    );
    expect(parseCertificate(obseal.certPem).qcType).toBe('eseal');
  });

  it('QWAC CSRs carry the eIDAS organisation identifier', async () => {
    const org = await createOrganisation({ url: t.dir.url, http }, t.dir.adminToken, {
      OrganisationName: 'Euro TPP',
      Roles: ['AISP'],
      LegalName: 'Euro TPP GmbH',
      OrganisationIdentifier: 'PSDUK-UKBXXX-12345678',
    });
    const qwac = await uploadCsr(
      { url: t.dir.url, http },
      { organisationId: org.organisationId, accessToken: org.accessToken },
      'qwac',
      createOrganisationCsr(await keyPool.take(), {
        organisationId: org.organisationId,
        legalName: 'Euro TPP GmbH',
        organisationIdentifier: 'PSDUK-UKBXXX-12345678',
      }),
    );
    expect(dnToString(parseCertificate(qwac.certPem).subject)).toBe(
      `CN=${org.organisationId},organizationIdentifier=PSDUK-UKBXXX-12345678,O=Euro TPP GmbH,C=GB`,
    );
  });
});

describe('finding banks at the directory', () => {
  it('lists every ASPSP authorisation server with its OpenIDConfigEndPointUri', async () => {
    const dir = { url: t.dir.url, http };
    const bank = await createOrganisation(dir, t.dir.adminToken, {
      OrganisationName: 'Bank One',
      OrganisationType: 'aspsp',
      Roles: ['ASPSP'],
    });
    const discovery = 'https://localhost:9443/banks/one/.well-known/openid-configuration';
    const res = await http.request(
      'POST',
      `${t.dir.url}/v2.1/organisation/${bank.organisationId}/authorisation-server`,
      {
        headers: { Authorization: `Bearer ${bank.accessToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ OpenIDConfigEndPointUri: discovery, CustomerFriendlyName: 'Bank One Online' }),
      },
    );
    expect(res.status).toBe(201);
    const banks = await listBanks(dir, material.directory!.accessToken!);
    expect(banks).toEqual([
      {
        organisationId: bank.organisationId,
        organisationName: 'Bank One',
        authorisationServerId: (res.json() as { Id: string }).Id,
        customerFriendlyName: 'Bank One Online',
        openIdConfigUrl: discovery,
      },
    ]);
  });
});

function decodePayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}
