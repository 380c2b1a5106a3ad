import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CompactSign } from 'jose';
import { Agent, request } from 'undici';
import {
  type CertificateAuthority,
  createCsr,
  issueCertificate,
  type KeyPair,
  type Psd2Role,
  parseCsr,
} from '../../certs/index.js';
import { keyPool, type TestDirectory } from '../helpers/directory.js';

/** A QWAC or QSealC from the sandbox's QTSP (the directory CA) for an organisation not enrolled yet. */
export async function qualifiedCertificate(
  ca: CertificateAuthority,
  type: 'qwac' | 'qseal',
  organisationIdentifier: string,
  roles: Psd2Role[] = ['PSP_AI', 'PSP_PI'],
): Promise<{ key: KeyPair; pem: string; der: Buffer; subjectDn: string }> {
  const key = await keyPool.take();
  const csr = parseCsr(
    createCsr({
      key,
      subject: [
        { name: 'C', value: 'GB' },
        { name: 'O', value: 'Enrolling Ltd' },
        { name: 'organizationIdentifier', value: organisationIdentifier },
        { name: 'CN', value: 'enrolling.example' },
      ],
    }),
  );
  const issued = issueCertificate(ca, {
    type,
    csr,
    ctx: { orgId: 'enrolling', legalName: 'Enrolling Ltd', organisationIdentifier, roles },
  });
  return {
    key,
    pem: issued.pem,
    der: issued.der,
    subjectDn: `CN=enrolling.example,organizationIdentifier=${organisationIdentifier},O=Enrolling Ltd,C=GB`,
  };
}

/** The directory app served over HTTPS on 127.0.0.1 (port 0), asking for a client certificate. */
export async function httpsDirectory(d: TestDirectory): Promise<{ url: string; server: Server }> {
  const pair = await keyPool.take();
  const csr = parseCsr(
    createCsr({ key: pair, subject: [{ name: 'CN', value: 'localhost' }], sanIps: ['127.0.0.1'] }),
  );
  const issued = issueCertificate(d.ctx.ca, {
    type: 'server',
    csr,
    ctx: { orgId: 'test', legalName: 'test', organisationIdentifier: '', roles: [] },
  });
  const server = createServer(
    {
      key: pair.privateKeyPem,
      cert: `${issued.pem.trim()}\n${d.ctx.ca.issuingCertPem.trim()}\n`,
      ca: d.ctx.ca.bundlePem,
      requestCert: true,
      rejectUnauthorized: false,
    },
    d.app,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A new organizationIdentifier's QWAC (with an mTLS agent presenting it) and QSealC, both on `key`. */
export interface EnrolmentIdentity {
  agent: Agent;
  /** The QWAC's subject DN, as `tls_client_auth_subject_dn` must give it. */
  dn: string;
  qwacPem: string;
  qsealDer: Buffer;
  key: KeyPair;
  organisationIdentifier: string;
}

let identities = 0;

/** A QWAC and a QSealC of the sandbox's QTSP for an organisation not enrolled yet (issuing is cheap: `key` is reused). */
export function enrolmentIdentity(d: TestDirectory, key: KeyPair): EnrolmentIdentity {
  const identifier = `PSDGB-FCA-${process.pid}${String(++identities).padStart(5, '0')}`;
  const issue = (type: 'qwac' | 'qseal') =>
    issueCertificate(d.ctx.ca, {
      type,
      csr: parseCsr(
        createCsr({
          key,
          subject: [
            { name: 'C', value: 'GB' },
            { name: 'O', value: 'Sweep Ltd' },
            { name: 'organizationIdentifier', value: identifier },
            { name: 'CN', value: 'sweep.example' },
          ],
        }),
      ),
      ctx: {
        orgId: 'enrolling',
        legalName: 'Sweep Ltd',
        organisationIdentifier: identifier,
        roles: ['PSP_AI'],
      },
    });
  const qwac = issue('qwac');
  return {
    agent: new Agent({ connect: { ca: d.ctx.ca.bundlePem, cert: qwac.pem, key: key.privateKeyPem } }),
    dn: `CN=sweep.example,organizationIdentifier=${identifier},O=Sweep Ltd,C=GB`,
    qwacPem: qwac.pem,
    qsealDer: issue('qseal').der,
    key,
    organisationIdentifier: identifier,
  };
}

/** The smallest metadata that enrols `who` (EnrolSchema's required fields). */
export const enrolmentMetadata = (who: { dn: string }, extra: Record<string, unknown> = {}) => ({
  client_name: 'Sweep',
  token_endpoint_auth_method: 'private_key_jwt',
  token_endpoint_auth_signing_alg: 'PS256',
  tls_client_auth_subject_dn: who.dn,
  grant_types: ['client_credentials'],
  ...extra,
});

/** The metadata as a QSeal-onboarding JWS: PS256, signed with the QSealC's key, x5c = [QSealC]. */
export function qsealJws(
  who: EnrolmentIdentity,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'PS256', x5c: [who.qsealDer.toString('base64')], ...header })
    .sign(who.key.privateKey);
}

/** POST of an enrolment body over mutual TLS with `who`'s QWAC. */
export async function postEnrolment(
  url: string,
  who: { agent: Agent },
  type: string,
  body: string | Buffer,
  path = '/v2.1/organisation',
): Promise<{ status: number; text: string }> {
  const res = await request(`${url}${path}`, {
    dispatcher: who.agent,
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });
  return { status: res.statusCode, text: await res.body.text() };
}
