import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import {
  type CertificateAuthority,
  createCsr,
  issueCertificate,
  KeyPool,
  parseCsr,
} from '../../certs/index.js';
import { type RunningDirectory, startDirectory } from '../../directory/index.js';
import { onboardAtDirectory, type TppMaterial } from '../../tpp-client/index.js';

/** RSA keys are expensive: a test file shares one pool. */
export const keyPool = new KeyPool({ bits: 2048, size: 2 });

export interface TestDirectory {
  dir: RunningDirectory;
  caBundlePem: string;
  work: string;
  close(): Promise<void>;
}

/** A real directory over HTTPS on 127.0.0.1, port 0, data in a temp dir. */
export async function startTestDirectory(): Promise<TestDirectory> {
  const work = mkdtempSync(join(tmpdir(), 'obmock-tpp-'));
  const dir = await startDirectory({ dataDir: join(work, 'data'), port: 0, logLevel: 'silent' });
  const caBundlePem = await readFile(dir.ca.bundle, 'utf8');
  return {
    dir,
    caBundlePem,
    work,
    close: async () => {
      await dir.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

export interface OnboardTestOptions {
  roles?: string[];
  redirectUris?: string[];
  legalName?: string;
}

/** Creates an organisation with the admin token and onboards a TPP through the HTTP API. */
export function onboardTestTpp(t: TestDirectory, opts: OnboardTestOptions = {}): Promise<TppMaterial> {
  const roles = opts.roles ?? ['AISP', 'PISP'];
  return onboardAtDirectory({
    directoryUrl: t.dir.url,
    caBundlePem: t.caBundlePem,
    organisation: {
      adminToken: t.dir.adminToken,
      create: { OrganisationName: 'Acme TPP', Roles: roles, LegalName: opts.legalName ?? 'Acme Ltd' },
    },
    softwareStatement: {
      ClientName: 'Acme app',
      RedirectUri: opts.redirectUris ?? ['https://acme.example.com/cb'],
      Roles: roles,
    },
    keyPool,
    timeoutMs: 10_000,
  });
}

/** A server certificate for 127.0.0.1 and localhost from the directory's CA (leaf + issuing CA). */
export async function serverCredentials(ca: CertificateAuthority): Promise<{ key: string; cert: string }> {
  const pair = await keyPool.take();
  const csr = parseCsr(
    createCsr({
      key: pair,
      subject: [{ name: 'CN', value: 'localhost' }],
      sanDns: ['localhost'],
      sanIps: ['127.0.0.1'],
    }),
  );
  const issued = issueCertificate(ca, {
    type: 'server',
    csr,
    ctx: { orgId: 'test', legalName: 'test', organisationIdentifier: '', roles: [] },
  });
  return { key: pair.privateKeyPem, cert: `${issued.pem.trim()}\n${ca.issuingCertPem.trim()}\n` };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The client certificate's DER, when one was presented. */
  peerCertDer?: Buffer;
  /** Whether the client certificate chains to the server's `ca`. */
  peerAuthorized: boolean;
}

export interface StubServer {
  url: string;
  port: number;
  server: https.Server;
  requests: RecordedRequest[];
  /** TLS connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export type StubHandler = (req: RecordedRequest, res: ServerResponse) => void;

/**
 * A throwaway HTTPS server on 127.0.0.1 (port 0) asking for a client certificate, trusting `ca`;
 * it records each request (with its body) and hands it to `handler`.
 */
export async function startStubServer(
  credentials: { key: string; cert: string },
  ca: string,
  handler: StubHandler,
): Promise<StubServer> {
  const requests: RecordedRequest[] = [];
  let connections = 0;
  const server = https.createServer(
    { ...credentials, ca, requestCert: true, rejectUnauthorized: false },
    (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const socket = req.socket as TLSSocket;
        const peer = socket.getPeerCertificate(false);
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          ...(peer?.raw ? { peerCertDer: peer.raw } : {}),
          peerAuthorized: socket.authorized,
        };
        requests.push(recorded);
        handler(recorded, res);
      });
    },
  );
  server.on('secureConnection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    server,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Sends a JSON answer. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A directory, a TPP onboarded at it, and a stub bank it can call over mutual TLS. */
export interface TppAndStubBank {
  t: TestDirectory;
  material: TppMaterial;
  stub: StubServer;
  /** Closes the stub bank, then the directory. */
  close(): Promise<void>;
}

/**
 * Starts a directory, onboards a TPP at it and starts a stub bank answering
 * with `handler`, its server certificate from the directory's CA (so the TPP
 * trusts it) and trusting that CA for the TPP's transport certificate.
 */
export async function startTppAndStubBank(handler: StubHandler): Promise<TppAndStubBank> {
  const t = await startTestDirectory();
  try {
    const material = await onboardTestTpp(t);
    const stub = await startStubServer(await serverCredentials(t.dir.ctx.ca), t.caBundlePem, handler);
    return {
      t,
      material,
      stub,
      close: async () => {
        await stub.close();
        await t.close();
      },
    };
  } catch (err) {
    await t.close();
    throw err;
  }
}
