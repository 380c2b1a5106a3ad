/**
 * The server half of the end-to-end skeleton (bench/lib/e2e-skeleton.ts): the
 * smallest pair of HTTPS services that can serve `e2e_ms_p50`'s flow, written
 * on bare `node:https` with nothing of obmock's — no framework, no store, no
 * certificate building, no claim checks — but with the same connections and
 * the same crypto the flow cannot do without:
 *
 *   "directory" (EC P-256 server key, as obmock's): organisation, software
 *   statement, two certificate requests (each: the CSR's signature verified,
 *   an RSA signature made in the thread pool, as a CA's), the SSA (a PS256
 *   signature), and the software statement's JWKS;
 *   "bank" (RSA 2048 server key, client certificates required and checked by
 *   TLS against the CA): discovery, registration (the SSA's and the request's
 *   PS256 signatures verified, the statement's JWKS fetched from the
 *   directory over a kept-alive connection, the client certificate's
 *   signature checked against its issuer), token (bound to the certificate)
 *   and consent.
 *
 *   node dist/bench/e2e-skeleton-server.js <config.json>
 *
 * Prints one JSON line ({@link SkeletonServerInfo}) once both listen on
 * 127.0.0.1, and stops when stdin closes. Not a bank: it answers only the
 * skeleton's own requests, and exists to measure what the flow costs on this
 * machine before any of obmock's code runs.
 */
import {
  constants,
  createPrivateKey,
  createPublicKey,
  randomUUID,
  sign,
  verify,
  X509Certificate,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** What the client half writes for this process (a 0600 file in a temp folder). */
export interface SkeletonServerConfig {
  caBundlePem: string;
  issuingCertPem: string;
  directory: { keyPem: string; certPem: string };
  bank: { keyPem: string; certPem: string };
  /** The key standing in for the issuing CA's and the SSA signing key (RSA 2048). */
  signingKeyPem: string;
}

export interface SkeletonServerInfo {
  directoryPort: number;
  bankPort: number;
}

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
const TBS = Buffer.alloc(1000, 3);

const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as SkeletonServerConfig;
const signingKey = createPrivateKey(config.signingKeyPem);
const signingPublic = createPublicKey(signingKey);
const issuing = new X509Certificate(config.issuingCertPem);

/**
 * What the servers remember, each at most {@link MAX_RECORDS} entries (the oldest forgotten first):
 * a measurement makes a few dozen flows.
 */
const MAX_RECORDS = 1_000;
/** The longest body read, and the longest a call (here, or the JWKS fetch) may take. */
const MAX_BODY_BYTES = 1024 * 1024;
const CALL_TIMEOUT_MS = 10_000;

/** The software statements' public keys, as the directory's JWKS serves them. */
const statements = new Map<string, { jwks: string }>();
/** Clients by id: the certificate they are bound to. */
const clients = new Map<string, string>();
const tokens = new Map<string, true>();

function remember<V>(records: Map<string, V>, key: string, value: V): void {
  if (records.size >= MAX_RECORDS) records.delete(records.keys().next().value as string);
  records.set(key, value);
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes > MAX_BODY_BYTES) req.destroy(new Error('body too large'));
      else parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, json: unknown): void {
  const text = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function signInPool(data: Buffer, opts: Parameters<typeof sign>[2]): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    sign('sha256', data, opts, (err, sig) => (err ? reject(err) : resolve(sig))),
  );
}

const directory = https.createServer(
  { key: config.directory.keyPem, cert: config.directory.certPem, keepAliveTimeout: 30_000 },
  (req, res) => {
    void (async () => {
      const raw = await body(req);
      const [, kind, id, sub] = (req.url ?? '').split('/');
      if (req.method === 'POST' && kind === 'organisations')
        return answer(res, 201, { OrganisationId: randomUUID() });
      if (req.method === 'POST' && kind === 'statements' && !id) {
        const sid = randomUUID();
        const { jwk } = JSON.parse(raw.toString()) as { jwk: object };
        remember(statements, sid, { jwks: JSON.stringify({ keys: [jwk] }) });
        return answer(res, 201, { SoftwareStatementId: sid });
      }
      if (req.method === 'POST' && kind === 'statements' && sub === 'certificates') {
        const csr = JSON.parse(raw.toString()) as { spki: string; tbs: string; sig: string };
        const key = createPublicKey({ key: Buffer.from(csr.spki, 'base64'), format: 'der', type: 'spki' });
        if (!verify('sha256', Buffer.from(csr.tbs, 'base64'), key, Buffer.from(csr.sig, 'base64'))) {
          return answer(res, 400, { error: 'bad csr' });
        }
        const certSig = await signInPool(TBS, signingKey);
        return answer(res, 201, { signature: certSig.toString('base64') });
      }
      if (req.method === 'GET' && kind === 'statements' && sub === 'ssa') {
        const ssa = await signInPool(TBS, { key: signingKey, ...PSS });
        return answer(res, 200, { ssa: ssa.toString('base64') });
      }
      if (req.method === 'GET' && kind === 'jwks' && id && statements.has(id)) {
        const text = statements.get(id)!.jwks;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        return res.end(text);
      }
      answer(res, 404, { error: 'not found' });
    })().catch(() => answer(res, 500, { error: 'server_error' }));
  },
);

let directoryAgent: https.Agent | undefined;

function fetchJwks(port: number, id: string): Promise<{ keys: object[] }> {
  directoryAgent ??= new https.Agent({ keepAlive: true, ca: config.caBundlePem });
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: `/jwks/${id}`,
        agent: directoryAgent,
        servername: 'localhost',
        timeout: CALL_TIMEOUT_MS,
      },
      (res) => {
        body(res).then((b) => resolve(JSON.parse(b.toString()) as { keys: object[] }), reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('JWKS fetch timed out')));
    req.on('error', reject);
    req.end();
  });
}

const DISCOVERY = JSON.stringify({
  issuer: 'https://localhost',
  registration_endpoint: 'https://localhost/register',
  token_endpoint: 'https://localhost/token',
  token_endpoint_auth_methods_supported: ['tls_client_auth', 'private_key_jwt'],
  request_object_signing_alg_values_supported: ['PS256', 'ES256'],
  id_token_signing_alg_values_supported: ['PS256', 'ES256'],
});

const bank = https.createServer(
  {
    key: config.bank.keyPem,
    cert: config.bank.certPem,
    ca: config.caBundlePem,
    requestCert: true,
    rejectUnauthorized: true,
    keepAliveTimeout: 30_000,
  },
  (req, res) => {
    void (async () => {
      const raw = await body(req);
      const socket = req.socket as TLSSocket;
      if (req.method === 'GET' && req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(DISCOVERY),
        });
        return res.end(DISCOVERY);
      }
      if (req.method === 'POST' && req.url === '/register') {
        const r = JSON.parse(raw.toString()) as {
          statement: string;
          ssa: string;
          request: string;
          sig: string;
        };
        if (!verify('sha256', TBS, { key: signingPublic, ...PSS }, Buffer.from(r.ssa, 'base64'))) {
          return answer(res, 400, { error: 'invalid_software_statement' });
        }
        const jwks = await fetchJwks((directory.address() as AddressInfo).port, r.statement);
        const key = createPublicKey({ key: jwks.keys[0] as never, format: 'jwk' });
        if (!verify('sha256', Buffer.from(r.request), { key, ...PSS }, Buffer.from(r.sig, 'base64'))) {
          return answer(res, 400, { error: 'invalid_client_metadata' });
        }
        const peer = new X509Certificate(socket.getPeerCertificate(false).raw);
        if (!peer.checkIssued(issuing) || !peer.verify(issuing.publicKey)) {
          return answer(res, 400, { error: 'invalid_client_metadata' });
        }
        const clientId = randomUUID();
        remember(clients, clientId, peer.fingerprint256);
        return answer(res, 201, { client_id: clientId, token_endpoint_auth_method: 'tls_client_auth' });
      }
      if (req.method === 'POST' && req.url === '/token') {
        const clientId = new URLSearchParams(raw.toString()).get('client_id') ?? '';
        const bound = clients.get(clientId);
        const peer = socket.getPeerCertificate(false);
        if (!bound || bound !== peer.fingerprint256) return answer(res, 401, { error: 'invalid_client' });
        const token = randomUUID();
        remember(tokens, token, true);
        return answer(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
      }
      if (req.method === 'POST' && req.url === '/account-access-consents') {
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        if (!tokens.has(token)) return answer(res, 401, { error: 'invalid_token' });
        return answer(res, 201, { Data: { ConsentId: randomUUID(), Status: 'AwaitingAuthorisation' } });
      }
      answer(res, 404, { error: 'not found' });
    })().catch(() => answer(res, 500, { error: 'server_error' }));
  },
);

await Promise.all([
  new Promise<void>((r) => directory.listen(0, '127.0.0.1', r)),
  new Promise<void>((r) => bank.listen(0, '127.0.0.1', r)),
]);
const info: SkeletonServerInfo = {
  directoryPort: (directory.address() as AddressInfo).port,
  bankPort: (bank.address() as AddressInfo).port,
};
process.stdout.write(`${JSON.stringify(info)}\n`);
const stop = (): void => {
  directoryAgent?.destroy();
  directory.closeAllConnections();
  bank.closeAllConnections();
  directory.close();
  bank.close();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
