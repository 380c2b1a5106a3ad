import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
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
