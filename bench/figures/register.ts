import { constants, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KeyPool, parseCertificate, verifyCertificate } from '../../certs/index.js';
import { bankLoadClient, onboardBenchTpp, registrationRequests } from '../lib/bank-setup.js';
import { bracketWithFloor, describeRounds } from '../lib/floors.js';
import { send } from '../lib/http.js';
import { describeLoad, measureLoad, measureSyncRate } from '../lib/rate.js';
import { withSandboxProcess } from '../lib/sandbox-process.js';
import { withTempDir } from '../lib/temp-dir.js';
import type { Figure } from '../lib/types.js';

const b64 = (s: string) => Buffer.from(s, 'base64url');

/** Valid registrations through POST /register over keep-alive mutual TLS. */
export const register: Figure = {
  name: 'register_per_s',
  unit: 'ops/s',
  description:
    'valid POST /register over keep-alive mTLS (bank + directory in their own process, JWKS cached)',
  floorDescription:
    'in-process PS256 verify of the request and of the SSA + certificate chain and CRL check, one thread',
  target: 0.5,
  async run(ctx) {
    return withTempDir('obmock-bench-reg-', (dataDir) =>
      withSandboxProcess(dataDir, ctx.serverNodeArgs, async (s) => {
        const keys = new KeyPool({ bits: 2048, size: 2 });
        const m = await onboardBenchTpp(s, keys);
        keys.close();
        const total = ctx.warmup + ctx.ops;
        ctx.log(`  signing ${total} registration requests (each with its own jti)`);
        const jwts = await registrationRequests(s, m, total);
        const pool = bankLoadClient(s, m, ctx.concurrency);
        const path = `${new URL(s.issuer).pathname}/register`;
        // floor: the crypto a registration cannot avoid, in this process
        const [h, p, sig] = jwts[0].split('.');
        const ssa = JSON.parse(b64(p).toString()).software_statement as string;
        const [sh, sp, ssig] = ssa.split('.');
        const signingKey = createPublicKey(m.signing.certPem ?? m.signing.keyPem);
        // the directory's SSA key, as the bank verifies it
        const ssaKey = createPublicKey(readFileSync(`${dataDir}/directory/keys/ssa-signing.pem`, 'utf8'));
        const leaf = parseCertificate(m.transport.certPem).der;
        const crlDer = readFileSync(`${dataDir}/directory/ca/issuing.crl`);
        const pss = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
        const floorRound = () =>
          measureSyncRate(
            () => {
              verify('sha256', Buffer.from(`${h}.${p}`), { key: signingKey, ...pss }, b64(sig));
              verify('sha256', Buffer.from(`${sh}.${sp}`), { key: ssaKey, ...pss }, b64(ssig));
              verifyCertificate(leaf, { ca: { bundlePem: s.ca }, crlDer });
            },
            { minMs: 300, minOps: 50, warmupOps: 20 },
          );
        try {
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
              op: async (i) => {
                await send(
                  pool,
                  { method: 'POST', path, headers: { 'content-type': 'application/jose' }, body: jwts[i] },
                  201,
                );
              },
            }),
          );
          return {
            value: load.opsPerSec,
            floor: floor.opsPerSec,
            notes: [
              describeLoad(load),
              `floor: 2 PS256 verifies + chain/CRL check; ${describeRounds(rounds)}`,
            ],
          };
        } finally {
          await pool.close();
        }
      }),
    );
  },
};
