import { constants, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createCsr,
  generateRsaKeyPair,
  type KeyPair,
  parseCertificate,
  verifyCertificate,
} from '../../certs/index.js';
import {
  buildRegistrationClaims,
  createConsent,
  createHttpClient,
  fetchDiscovery,
  getToken,
  onboardAtDirectory,
  register,
  signRegistrationJwt,
} from '../../tpp-client/index.js';
import { processCpuMs } from '../lib/cpu.js';
import { measureSkeleton } from '../lib/e2e-skeleton.js';
import { percentile } from '../lib/rate.js';
import { withSandboxProcess } from '../lib/sandbox-process.js';
import { withTempDir } from '../lib/temp-dir.js';
import type { Figure } from '../lib/types.js';

const RUNS = 25;

/** The stages of one flow, timed from the TPP's side. */
const STAGES = ['onboard', 'discovery', 'sign', 'register', 'token', 'consent'] as const;

/** One new TPP from nothing to a consent: onboarding, registration, token, consent. */
export const e2e: Figure = {
  name: 'e2e_ms_p50',
  unit: 'ms',
  description: `median of ${RUNS} new TPPs: onboard (organisation, software statement, 2 CSRs → certificates, SSA) + register + token + consent, keys from a pool`,
  floorDescription:
    'in-process crypto of one flow: 4 RSA signatures (2 CSRs, 2 certificates), 2 PS256 signatures (SSA, request), 6 verifications, 2 chain checks',
  lowerIsBetter: true,
  target: 3,
  async run(ctx) {
    return withTempDir('obmock-bench-e2e-', async (dataDir) => {
      // The key pool: all 2 × RUNS RSA keys generated up front, concurrently in node's thread
      // pool (crypto.generateKeyPair), before any flow is timed.
      ctx.log(`  filling the key pool: ${2 * RUNS} RSA-2048 keys in parallel`);
      const pool: KeyPair[] = await Promise.all(
        Array.from({ length: 2 * RUNS }, () => generateRsaKeyPair(2048)),
      );
      const result = await withSandboxProcess(dataDir, ctx.serverNodeArgs, async (s) => {
        const times: number[] = [];
        // Where a flow's time goes, from this side: wall time of each stage, and the CPU both
        // processes spent over all flows (all threads; load on the machine stretches wall time
        // much more than CPU time).
        const stages = new Map<string, number[]>(STAGES.map((name) => [name, []]));
        const cpu0 = { client: processCpuMs(), server: processCpuMs(s.pid) };
        for (let i = 0; i < RUNS; i++) {
          const t0 = performance.now();
          let last = t0;
          const stage = (name: (typeof STAGES)[number]): void => {
            const t = performance.now();
            stages.get(name)!.push(t - last);
            last = t;
          };
          const m = await onboardAtDirectory({
            directoryUrl: s.directoryUrl,
            caBundlePem: s.ca,
            organisation: {
              adminToken: s.adminToken,
              create: { OrganisationName: `e2e ${i}`, Roles: ['AISP'] },
            },
            softwareStatement: {
              ClientName: `e2e ${i}`,
              RedirectUri: ['https://e2e.example/cb'],
              Roles: ['AISP'],
            },
            keys: { transport: pool[2 * i], signing: pool[2 * i + 1] },
          });
          stage('onboard');
          const http = createHttpClient({
            ca: m.caBundlePem,
            cert: m.transport.certPem,
            key: m.transport.keyPem,
            timeoutMs: 10_000,
          });
          try {
            const discovery = await fetchDiscovery(http, s.discovery);
            stage('discovery');
            const bank = { http, discovery };
            const jwt = await signRegistrationJwt(
              buildRegistrationClaims({
                softwareStatement: m.ssa,
                aud: s.orgId,
                tokenEndpointAuthMethod: 'tls_client_auth',
                transportCertPem: m.transport.certPem,
                redirectUris: ['https://e2e.example/cb'],
              }),
              m.signing.keyPem,
              { kid: m.signing.kid },
            );
            stage('sign');
            const reg = await register(bank, jwt);
            if (!reg.ok) throw new Error(`register: ${reg.status} ${reg.error}`);
            stage('register');
            const tok = await getToken(bank, reg.client, { scope: 'accounts' });
            if (!tok.ok) throw new Error(`token: ${tok.status} ${tok.error}`);
            stage('token');
            const consent = await createConsent(bank, tok.token.access_token, {
              permissions: ['ReadAccountsBasic'],
            });
            if (!consent.ok) throw new Error(`consent: ${consent.status} ${consent.error}`);
            stage('consent');
          } finally {
            await http.close();
          }
          times.push(performance.now() - t0);
        }
        const cpu1 = { client: processCpuMs(), server: processCpuMs(s.pid) };
        const perFlow = (a?: number, b?: number) =>
          a === undefined || b === undefined ? '?' : ((b - a) / RUNS).toFixed(1);
        const stageLine = STAGES.map((name) => {
          const v = stages.get(name)!.sort((a, b) => a - b);
          return `${name} ${percentile(v, 0.5).toFixed(1)}`;
        }).join(', ');
        times.sort((a, b) => a - b);
        // floor: the same crypto in-process, back to back
        const k = pool[0];
        const data = Buffer.alloc(1000, 7);
        const pss = { key: k.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
        const pssPub = { key: k.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
        const leaf = parseCertificate(readFileSync(`${dataDir}/directory/keys/ssa-signing.pem`, 'utf8')).der;
        const crlDer = readFileSync(`${dataDir}/directory/ca/issuing.crl`);
        createCsr({ key: k, subject: [{ name: 'CN', value: 'warm' }] });
        const flows = 30;
        const f0 = performance.now();
        for (let i = 0; i < flows; i++) {
          const sigs = [0, 1, 2, 3].map(() => sign('sha256', data, k.privateKey));
          const ps = [0, 1].map(() => sign('sha256', data, pss));
          for (const s4 of sigs) verify('sha256', data, k.publicKey, s4);
          for (const p2 of ps) verify('sha256', data, pssPub, p2);
          verifyCertificate(leaf, { ca: { bundlePem: s.ca }, crlDer });
          verifyCertificate(leaf, { ca: { bundlePem: s.ca }, crlDer });
        }
        const floorMs = (performance.now() - f0) / flows;
        return {
          value: percentile(times, 0.5),
          floor: floorMs,
          notes: [
            `${RUNS} flows: p50 ${percentile(times, 0.5).toFixed(1)} ms, p90 ${percentile(times, 0.9).toFixed(1)} ms, min ${times[0].toFixed(1)} ms (9 HTTPS calls from the TPP each, new TLS session at the bank per TPP)`,
            `stages, p50 ms: ${stageLine} (onboard: organisation, statement, then 2 certificates and the SSA side by side; discovery includes the mutual-TLS handshake)`,
            `CPU per flow (all threads): client ${perFlow(cpu0.client, cpu1.client)} ms, server ${perFlow(cpu0.server, cpu1.server)} ms (directory and bank in one process)`,
            `key pool: ${2 * RUNS} keys generated concurrently with crypto.generateKeyPair (libuv thread pool) before timing`,
          ],
        };
      });
      // The same flow with nothing of obmock's in it (bench/lib/e2e-skeleton.ts), after the
      // sandbox has stopped: what bare node:https, the flow's connections and its crypto cost here.
      ctx.log('  the same flow on bare node:https (the skeleton)');
      const bare = await measureSkeleton(`${dataDir}/bare-skeleton`, pool, RUNS, ctx.serverNodeArgs);
      result.notes!.push(
        `skeleton of the same flow, nothing of obmock's (bare node:https both sides, no framework, no store, no certificate building or claim checks; the same 9 calls, JWKS fetch, new mutual-TLS connection per TPP and signatures; the directory connection kept alive across TPPs): p50 ${bare.p50.toFixed(1)} ms, min ${bare.min.toFixed(1)} ms = ${(bare.p50 / result.floor!).toFixed(1)}× the floor; the sandbox takes ${(result.value / bare.p50).toFixed(2)}× the skeleton`,
        `skeleton stages, p50 ms: ${Object.entries(bare.stages)
          .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
          .join(', ')}`,
      );
      return result;
    });
  },
};
