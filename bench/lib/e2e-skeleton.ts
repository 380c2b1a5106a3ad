import { spawn } from 'node:child_process';
import { constants, sign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  createCsr,
  generateEcKeyPair,
  generateRsaKeyPair,
  issueCertificate,
  type KeyPair,
  loadOrCreateCa,
  parseCsr,
} from '../../certs/index.js';
import type { SkeletonServerConfig, SkeletonServerInfo } from '../e2e-skeleton-server.js';
import { percentile } from './rate.js';
import { serviceNodeArgs } from './service-node-args.js';

/** The compiled server: next to this module's folder in dist/, or in dist/ when this module runs from its source (the tests). */
const SCRIPT = fileURLToPath(
  new URL(
    import.meta.url.includes('/dist/bench/')
      ? '../e2e-skeleton-server.js'
      : '../../dist/bench/e2e-skeleton-server.js',
    import.meta.url,
  ),
);
const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
const TBS = Buffer.alloc(1000, 5);

/** The skeleton's stages, as `e2e_ms_p50` names its own. */
export const SKELETON_STAGES = ['onboard', 'discovery', 'sign', 'register', 'token', 'consent'] as const;

export interface SkeletonResult {
  /** Median of the flows, ms. */
  p50: number;
  min: number;
  /** Median of each stage, ms. */
  stages: Record<(typeof SKELETON_STAGES)[number], number>;
}

interface Reply {
  status: number;
  json: Record<string, unknown>;
}

/** One request to a skeleton server; resolves to any answer's status and JSON body. */
export function callSkeleton(
  agent: https.Agent,
  port: number,
  method: string,
  path: string,
  payload?: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        servername: 'localhost',
        timeout: 10_000,
        headers:
          payload === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            json: JSON.parse(Buffer.concat(parts).toString()) as Record<string, unknown>,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`skeleton ${path}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

const ISSUE_CTX = {
  orgId: 'skeleton',
  softwareId: 'skeleton',
  legalName: 'skeleton',
  organisationIdentifier: '',
  roles: [],
};

/** The skeleton's two servers, in their own process, and the CA they trust. */
export interface Skeleton {
  info: SkeletonServerInfo;
  caBundlePem: string;
  /** A client certificate for `key`, issued by the CA the bank trusts (PEM). */
  issueClientCertificate(key: KeyPair, name: string): string;
  stop(): Promise<void>;
}

/** Starts bench/e2e-skeleton-server.ts with a new CA, server keys and certificates under `workDir`. */
export async function startSkeleton(workDir: string, nodeArgs: string[]): Promise<Skeleton> {
  const ca = await loadOrCreateCa(join(workDir, 'ca'), {
    crlUrl: 'https://localhost/crl',
    rootKeyBits: 2048,
  });
  const [bankKey, signingKey, directoryKey] = await Promise.all([
    generateRsaKeyPair(2048),
    generateRsaKeyPair(2048),
    generateEcKeyPair(),
  ]);
  const certificateFor = (key: KeyPair, name: string): string =>
    issueCertificate(ca, {
      type: 'server',
      csr: parseCsr(
        createCsr({
          key,
          subject: [{ name: 'CN', value: name }],
          sanDns: ['localhost'],
          sanIps: ['127.0.0.1'],
        }),
      ),
      ctx: ISSUE_CTX,
    }).pem;
  const config: SkeletonServerConfig = {
    caBundlePem: ca.bundlePem,
    issuingCertPem: ca.issuingCertPem,
    directory: {
      keyPem: directoryKey.privateKeyPem,
      certPem: certificateFor(directoryKey, 'localhost') + ca.issuingCertPem,
    },
    bank: {
      keyPem: bankKey.privateKeyPem,
      certPem: certificateFor(bankKey, 'localhost') + ca.issuingCertPem,
    },
    signingKeyPem: signingKey.privateKeyPem,
  };
  const configPath = join(workDir, 'skeleton.json');
  await writeFile(configPath, JSON.stringify(config), { mode: 0o600 });
  const child = spawn(process.execPath, [...serviceNodeArgs(), ...nodeArgs, SCRIPT, configPath], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const info = await new Promise<SkeletonServerInfo>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      rl.once('line', (l) => {
        rl.close();
        resolve(JSON.parse(l) as SkeletonServerInfo);
      });
      child.once('exit', (code) => reject(new Error(`skeleton server exited early (code ${code})`)));
    });
    return { info, caBundlePem: ca.bundlePem, issueClientCertificate: certificateFor, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function succeeded(path: string, reply: Promise<Reply>): Promise<Reply> {
  const r = await reply;
  if (r.status >= 300) throw new Error(`skeleton ${path}: ${r.status} ${String(r.json.error)}`);
  return r;
}

/** One TPP: its transport key and certificate, its signing key. */
export interface SkeletonTpp {
  transport: KeyPair;
  transportCertPem: string;
  signing: KeyPair;
}

/**
 * One flow of `e2e_ms_p50` against the skeleton: organisation, statement, two certificates and
 * the SSA side by side (the directory's connection is `dirAgent`, kept alive by the caller), then
 * the new TPP's own TLS context and connection to the bank: discovery, registration, token,
 * consent. `stage` is called as each stage ends. Resolves to the consent's id.
 */
export async function runSkeletonFlow(
  s: Skeleton,
  dirAgent: https.Agent,
  tpp: SkeletonTpp,
  stage: (name: (typeof SKELETON_STAGES)[number]) => void = () => undefined,
): Promise<string> {
  const dir = (method: string, path: string, payload?: string) =>
    succeeded(path, callSkeleton(dirAgent, s.info.directoryPort, method, path, payload));
  await dir('POST', '/organisations', JSON.stringify({ OrganisationName: 'skeleton' }));
  const jwk = tpp.signing.publicKey.export({ format: 'jwk' });
  const statement = (await dir('POST', '/statements', JSON.stringify({ jwk }))).json
    .SoftwareStatementId as string;
  const csr = (key: KeyPair) =>
    JSON.stringify({
      spki: key.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      tbs: TBS.toString('base64'),
      sig: sign('sha256', TBS, key.privateKey).toString('base64'),
    });
  const [, , ssa] = await Promise.all([
    dir('POST', `/statements/${statement}/certificates`, csr(tpp.transport)),
    dir('POST', `/statements/${statement}/certificates`, csr(tpp.signing)),
    dir('GET', `/statements/${statement}/ssa`),
  ]);
  stage('onboard');
  // the new TPP's identity: its own TLS context, a connection the bank has never seen
  const agent = new https.Agent({
    keepAlive: true,
    ca: s.caBundlePem,
    cert: tpp.transportCertPem,
    key: tpp.transport.privateKeyPem,
  });
  try {
    const bank = (method: string, path: string, payload?: string, headers?: Record<string, string>) =>
      succeeded(path, callSkeleton(agent, s.info.bankPort, method, path, payload, headers));
    await bank('GET', '/.well-known/openid-configuration');
    stage('discovery');
    const request = JSON.stringify({
      software_statement: ssa.json.ssa,
      token_endpoint_auth_method: 'tls_client_auth',
    });
    const sig = sign('sha256', Buffer.from(request), { key: tpp.signing.privateKey, ...PSS });
    stage('sign');
    const reg = await bank(
      'POST',
      '/register',
      JSON.stringify({ statement, ssa: ssa.json.ssa, request, sig: sig.toString('base64') }),
    );
    stage('register');
    const token = await bank(
      'POST',
      '/token',
      `grant_type=client_credentials&scope=accounts&client_id=${reg.json.client_id as string}`,
    );
    stage('token');
    const consent = await bank(
      'POST',
      '/account-access-consents',
      JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'] } }),
      { authorization: `Bearer ${token.json.access_token as string}` },
    );
    stage('consent');
    return (consent.json.Data as { ConsentId: string }).ConsentId;
  } finally {
    agent.destroy();
  }
}

/**
 * `e2e_ms_p50`'s flow with nothing of obmock's in it: bare `node:https` on both sides
 * (bench/e2e-skeleton-server.ts, in its own process with the services' node options), the same
 * nine calls from the TPP and the bank's JWKS fetch, the same new mutual-TLS connection for each
 * new TPP with a transport certificate the bank has never seen, and the same signatures and
 * verifications — but no framework, no store, no certificate building and no claim checks. The
 * connection to the directory is kept alive across TPPs (a cost the real flow pays per TPP is
 * left out: this is a lower bound). The transport certificates are issued before timing, one per
 * even entry of `pool` (the transport keys; the odd ones sign); one untimed flow first.
 */
export async function measureSkeleton(
  workDir: string,
  pool: KeyPair[],
  runs: number,
  nodeArgs: string[],
): Promise<SkeletonResult> {
  const s = await startSkeleton(workDir, nodeArgs);
  const dirAgent = new https.Agent({ keepAlive: true, ca: s.caBundlePem });
  try {
    const tpps: SkeletonTpp[] = Array.from({ length: runs }, (_, i) => ({
      transport: pool[2 * i],
      transportCertPem: s.issueClientCertificate(pool[2 * i], `skeleton ${i}`),
      signing: pool[2 * i + 1],
    }));
    await runSkeletonFlow(s, dirAgent, tpps[0]);
    const times: number[] = [];
    const stageTimes = new Map<string, number[]>(SKELETON_STAGES.map((name) => [name, []]));
    for (const tpp of tpps) {
      const t0 = performance.now();
      let last = t0;
      await runSkeletonFlow(s, dirAgent, tpp, (name) => {
        const t = performance.now();
        stageTimes.get(name)!.push(t - last);
        last = t;
      });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const stages = Object.fromEntries(
      SKELETON_STAGES.map((name) => [
        name,
        percentile(
          stageTimes.get(name)!.sort((a, b) => a - b),
          0.5,
        ),
      ]),
    ) as SkeletonResult['stages'];
    return { p50: percentile(times, 0.5), min: times[0], stages };
  } finally {
    dirAgent.destroy();
    await s.stop();
  }
}
