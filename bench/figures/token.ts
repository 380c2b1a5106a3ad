import { readFileSync } from 'node:fs';
import {
  dnEquals,
  dnToString,
  KeyPool,
  parseCertificate,
  parseDn,
  verifyCertificate,
} from '../../certs/index.js';
import { bankLoadClient, onboardBenchTpp, registrationRequests } from '../lib/bank-setup.js';
import { bracketWithFloor, describeRounds } from '../lib/floors.js';
import { send, sendJson } from '../lib/http.js';
import { describeLoad, measureLoad, measureSyncRate } from '../lib/rate.js';
import { withSandboxProcess } from '../lib/sandbox-process.js';
import { withTempDir } from '../lib/temp-dir.js';
import type { Figure } from '../lib/types.js';

/** client_credentials tokens with tls_client_auth, over keep-alive mutual TLS. */
export const token: Figure = {
  name: 'token_per_s',
  unit: 'ops/s',
  description:
    'POST /token, client_credentials with tls_client_auth, certificate-bound tokens (keep-alive mTLS)',
  floorDescription: 'in-process certificate chain + CRL check and subject-DN comparison, one thread',
  target: 0.3,
  async run(ctx) {
    return withTempDir('obmock-bench-token-', (dataDir) =>
      withSandboxProcess(dataDir, ctx.serverNodeArgs, async (s) => {
        const keys = new KeyPool({ bits: 2048, size: 2 });
        const m = await onboardBenchTpp(s, keys);
        keys.close();
        const pool = bankLoadClient(s, m, ctx.concurrency);
        const base = new URL(s.issuer).pathname;
        try {
          const [jwt] = await registrationRequests(s, m, 1);
          const client = await sendJson<{ client_id: string }>(
            pool,
            {
              method: 'POST',
              path: `${base}/register`,
              headers: { 'content-type': 'application/jose' },
              body: jwt,
            },
            201,
          );
          const form = new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: client.client_id,
            scope: 'accounts',
          }).toString();
          const leaf = parseCertificate(m.transport.certPem);
          const dn = dnToString(leaf.subject);
          const crlDer = readFileSync(`${dataDir}/directory/ca/issuing.crl`);
          const floorRound = () =>
            measureSyncRate(
              () => {
                verifyCertificate(leaf.der, { ca: { bundlePem: s.ca }, crlDer });
                dnEquals(parseDn(dn), leaf.subject);
              },
              { minMs: 300, minOps: 50, warmupOps: 20 },
            );
          const {
            result: load,
            floor,
            rounds,
          } = await bracketWithFloor(floorRound, () =>
            measureLoad({
              ops: ctx.ops,
              warmup: ctx.warmup,
              concurrency: ctx.concurrency,
              serverPid: s.pid,
              op: async () => {
                await send(
                  pool,
                  {
                    method: 'POST',
                    path: `${base}/token`,
                    headers: { 'content-type': 'application/x-www-form-urlencoded' },
                    body: form,
                  },
                  200,
                );
              },
            }),
          );
          return {
            value: load.opsPerSec,
            floor: floor.opsPerSec,
            notes: [describeLoad(load), `floor: ${describeRounds(rounds)}`],
          };
        } finally {
          await pool.close();
        }
      }),
    );
  },
};
