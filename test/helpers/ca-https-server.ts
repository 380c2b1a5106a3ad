import { mkdtempSync, rmSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import {
  type CertificateAuthority,
  createCsr,
  generateRsaKeyPair,
  issueCertificate,
  loadOrCreateCa,
  parseCsr,
} from '../../certs/index.js';

/** A throwaway CA and an HTTPS server on 127.0.0.1 with a certificate it issued, for the bank's outbound fetchers. */
export interface CaHttpsServer {
  /** The temp folder holding the CA (removed by `close`). */
  work: string;
  ca: CertificateAuthority;
  /** `https://127.0.0.1:PORT` */
  origin: string;
  /** An undici Agent that trusts only the CA. */
  dispatcher: Agent;
  /** Another certificate of the server's key, valid from `notBefore` (a client certificate to check). */
  issueLeaf(notBefore: Date): { der: Buffer; serialHex: string };
  close(): Promise<void>;
}

const CTX = { orgId: 'x', legalName: 'x', organisationIdentifier: '', roles: [] };

/** Starts the server on port 0; `handler` answers every request. */
export async function startCaHttpsServer(prefix: string, handler: RequestListener): Promise<CaHttpsServer> {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const ca = await loadOrCreateCa(work, { crlUrl: 'https://127.0.0.1/ca/issuing.crl', rootKeyBits: 2048 });
  const key = await generateRsaKeyPair(2048);
  const csr = parseCsr(
    createCsr({
      key,
      subject: [{ name: 'CN', value: 'localhost' }],
      sanDns: ['localhost'],
      sanIps: ['127.0.0.1'],
    }),
  );
  const serverCert = issueCertificate(ca, { type: 'server', csr, ctx: CTX });
  const server = https.createServer(
    { key: key.privateKeyPem, cert: serverCert.pem + ca.issuingCertPem },
    handler,
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const dispatcher = new Agent({ connect: { ca: ca.bundlePem } });
  return {
    work,
    ca,
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dispatcher,
    issueLeaf: (notBefore) => issueCertificate(ca, { type: 'server', csr, ctx: CTX, now: notBefore }),
    async close() {
      await dispatcher.close();
      server.closeAllConnections();
      server.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
