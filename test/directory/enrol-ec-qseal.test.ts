import type { Server } from 'node:https';
import { CompactSign } from 'jose';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr, generateEcKeyPair, issueCertificate, parseCsr } from '../../certs/index.js';
import { keyPool, type TestDirectory, testDirectory } from '../helpers/directory.js';
import { enrolmentMetadata, httpsDirectory, postEnrolment } from './enrolment-helpers.js';

/**
 * A QSealC may carry an EC P-256 key (the sealing profiles take one) and sign the QSeal
 * enrolment ES256: the certificate the directory stores for it keeps the key's EC members, so
 * that the organisation's certificate listing publishes a usable JWK, as for an uploaded one.
 */
let d: TestDirectory;
let https: { url: string; server: Server };
beforeAll(async () => {
  d = await testDirectory();
  https = await httpsDirectory(d);
}, 60_000);
afterAll(async () => {
  https?.server.close();
  await d?.cleanup();
});

describe('eIDAS enrolment with an EC QSealC', () => {
  it('stores the QSealC with its curve and coordinates, and lists it as an EC JWK', async () => {
    const identifier = `PSDGB-FCA-${process.pid}77001`;
    const subject = [
      { name: 'C', value: 'GB' },
      { name: 'O', value: 'EC Seal Ltd' },
      { name: 'organizationIdentifier', value: identifier },
      { name: 'CN', value: 'ec-seal.example' },
    ];
    const ctx = {
      orgId: 'enrolling',
      legalName: 'EC Seal Ltd',
      organisationIdentifier: identifier,
      roles: ['PSP_AI' as const],
    };
    const [wacKey, sealKey] = [await keyPool.take(), await generateEcKeyPair()];
    const qwac = issueCertificate(d.ctx.ca, {
      type: 'qwac',
      csr: parseCsr(createCsr({ key: wacKey, subject })),
      ctx,
    });
    const qseal = issueCertificate(d.ctx.ca, {
      type: 'qseal',
      csr: parseCsr(createCsr({ key: sealKey, subject })),
      ctx,
    });
    const who = {
      agent: new Agent({ connect: { ca: d.ctx.ca.bundlePem, cert: qwac.pem, key: wacKey.privateKeyPem } }),
    };
    try {
      const dn = `CN=ec-seal.example,organizationIdentifier=${identifier},O=EC Seal Ltd,C=GB`;
      const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(enrolmentMetadata({ dn }))))
        .setProtectedHeader({ alg: 'ES256', x5c: [qseal.der.toString('base64')] })
        .sign(sealKey.privateKey);
      const res = await postEnrolment(https.url, who, 'application/jose', jws);
      expect(res.status, res.text).toBe(201);
      const orgId = d.ctx.repo.organisationWithIdentifier(identifier)!;
      const stored = d.ctx.repo.certificatesOfOrganisation(orgId).find((c) => c.type === 'qseal');
      const jwk = sealKey.publicKey.export({ format: 'jwk' });
      expect(stored).toMatchObject({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, n: '', e: '' });
      // the QWAC keeps its RSA members
      const wac = d.ctx.repo.certificatesOfOrganisation(orgId).find((c) => c.type === 'qwac');
      expect(wac).toMatchObject({ kty: 'RSA', n: wacKey.publicKey.export({ format: 'jwk' }).n });
      expect(wac?.crv).toBeUndefined();
    } finally {
      await who.agent.close();
    }
  });
});
