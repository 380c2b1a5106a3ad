import { Agent } from 'undici';
import { call, type HttpResult, type TestSandbox, type TestTpp } from './sandbox.js';

/**
 * Revokes `tpp`'s transport (`tls`) or signing (`sig`) certificate at the directory, as the TPP
 * itself does: its software statement's certificate list, then DELETE …/certificate/kid/{kid}.
 * Returns the DELETE's answer (204 when revoked).
 */
export async function revokeTppCertificate(
  sb: TestSandbox,
  tpp: TestTpp,
  use: 'tls' | 'sig' = 'tls',
): Promise<HttpResult> {
  const plain = new Agent({ connect: { ca: sb.caBundle } });
  const auth = { headers: { authorization: `Bearer ${tpp.token}` } };
  const org = `${sb.directory.url}/v2.1/organisation/${tpp.orgId}`;
  try {
    const certs = await call(plain, 'GET', `${org}/software-statement/${tpp.softwareId}/certificate`, auth);
    const cert = (certs.json().keys as { kid: string; use: string }[]).find((k) => k.use === use);
    if (!cert)
      throw new Error(`no ${use} certificate listed for ${tpp.softwareId}: ${certs.status} ${certs.text}`);
    return await call(plain, 'DELETE', `${org}/certificate/kid/${cert.kid}`, auth);
  } finally {
    await plain.close();
  }
}
