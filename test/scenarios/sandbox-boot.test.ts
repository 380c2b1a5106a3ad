import { createPublicKey, type X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '../../certs/index.js';
import { startSandbox } from '../../scenarios/sandbox.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The certificate a TLS server presents (the client trusts the sandbox CA). */
function servedCertificate(url: string, ca: string): Promise<X509Certificate> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), ca, servername: 'localhost' }, () => {
      const raw = socket.getPeerX509Certificate();
      socket.end();
      if (raw) resolve(raw);
      else reject(new Error('no certificate'));
    });
    socket.once('error', reject);
  });
}

const spki = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
const obwacOf = (dataDir: string, bank: string): string =>
  JSON.parse(readFileSync(join(dataDir, 'aspsp', bank, 'identity.json'), 'utf8')).obwacPem;

/** Two connections, the second offering the first's TLS session: whether the server resumed it. */
async function resumes(
  url: string,
  ca: string,
  client: { cert?: string; key?: string } = {},
): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const connect = (session?: Buffer) =>
    new Promise<{ session?: Buffer; reused: boolean }>((resolve, reject) => {
      const socket = tls.connect({
        host: hostname,
        port: Number(port),
        ca,
        servername: 'localhost',
        session,
        ...client,
      });
      let got: Buffer | undefined;
      socket.on('session', (s: Buffer) => {
        got = s;
      });
      socket.once('secureConnect', () => {
        // TLS 1.3 sends its tickets after the handshake: give them a moment
        setTimeout(() => {
          const reused = socket.isSessionReused();
          socket.end();
          resolve({ session: got, reused });
        }, 100);
      });
      socket.once('error', reject);
    });
  const first = await connect();
  if (!first.session) return false;
  return (await connect(first.session)).reused;
}

describe('sandbox boot keys', () => {
  it('EC for the directory TLS server, RSA for OB certificates, one TLS key shared by the banks', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'obmock-boot-'));
    dirs.push(dataDir);
    const sb = await startSandbox({ dataDir, banks: ['a=ob-v3.3', 'b=ob-v3.1'], profileBanks: ['ob-v3.2'] });
    try {
      // the directory's own server: EC P-256 (not an OB certificate)
      const dirCert = await servedCertificate(sb.directory.url, sb.caBundle);
      expect(dirCert.publicKey.asymmetricKeyType).toBe('ec');
      expect(dirCert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      // SSAs stay PS256 with an RSA 2048 key: banks that take only PS256 must verify them
      expect(sb.directory.ctx.ssaKey.alg).toBe('PS256');
      expect(sb.directory.ctx.ssaKey.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
      // every bank's OBWAC is RSA 2048 and certifies the key of the TLS server they share
      const served = await servedCertificate(sb.banks[0].issuer, sb.caBundle);
      const [a, b] = [obwacOf(dataDir, 'a'), obwacOf(dataDir, 'b')];
      for (const pem of [a, b]) {
        expect(parseCertificate(pem).publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
        expect(spki(pem)).toBe(served.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'));
      }
      expect(parseCertificate(a).subject).not.toEqual(parseCertificate(b).subject);
      // OBSeal keys: RSA 2048 (PS256) for the banks asked for, EC P-256 (ES256) for a profile bank
      const sealOf = (id: string) => {
        const bank = sb.banks.find((x) => x.id === id);
        const jwk = bank?.ctx.publicJwks.keys[0] as { kty: string; alg: string; x5c: string[] };
        const cert = parseCertificate(
          `-----BEGIN CERTIFICATE-----\n${jwk.x5c[0]}\n-----END CERTIFICATE-----\n`,
        );
        return { jwk, key: cert.publicKey };
      };
      for (const id of ['a', 'b']) {
        const { jwk, key } = sealOf(id);
        expect([jwk.kty, jwk.alg, key.asymmetricKeyDetails?.modulusLength]).toEqual(['RSA', 'PS256', 2048]);
      }
      const ec = sealOf('ob-v3-2');
      expect([ec.jwk.kty, ec.jwk.alg, ec.key.asymmetricKeyDetails?.namedCurve]).toEqual([
        'EC',
        'ES256',
        'prime256v1',
      ]);
      expect(ec.jwk).not.toHaveProperty('n');
      expect(spki(readFileSync(join(dataDir, 'aspsp', 'ob-v3-2', 'signing.key.pem'), 'utf8'))).toBe(
        ec.key.export({ type: 'spki', format: 'der' }).toString('base64'),
      );
      // both servers resume TLS sessions, the bank also for a client with a certificate
      expect(await resumes(sb.directory.url, sb.caBundle)).toBe(true);
      const tpp = await sb.createTpp();
      expect(
        await resumes(sb.banks[0].issuer, sb.caBundle, {
          cert: tpp.transport.certPem,
          key: tpp.transport.keyPem,
        }),
      ).toBe(true);
    } finally {
      await sb.stop();
    }
  });

  it('reuses the keys on restart and replaces an OBWAC that certifies another key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'obmock-boot-'));
    dirs.push(dataDir);
    const first = await startSandbox({ dataDir });
    const bank = first.banks[0].id;
    const dirKey = readFileSync(join(dataDir, 'directory', 'keys', 'server.key.pem'), 'utf8');
    const bankKey = readFileSync(join(dataDir, 'aspsp', 'server.key.pem'), 'utf8');
    const obwac = obwacOf(dataDir, bank);
    await first.stop();

    const second = await startSandbox({ dataDir });
    try {
      expect(readFileSync(join(dataDir, 'directory', 'keys', 'server.key.pem'), 'utf8')).toBe(dirKey);
      expect(readFileSync(join(dataDir, 'aspsp', 'server.key.pem'), 'utf8')).toBe(bankKey);
      expect(obwacOf(dataDir, bank)).toBe(obwac);
    } finally {
      await second.stop();
    }

    // a data dir whose OBWAC certifies some other key (e.g. made when each bank had its own key)
    const identityFile = join(dataDir, 'aspsp', bank, 'identity.json');
    const identity = JSON.parse(readFileSync(identityFile, 'utf8'));
    const foreign = readFileSync(join(dataDir, 'directory', 'keys', 'ssa-signing.pem'), 'utf8');
    writeFileSync(identityFile, JSON.stringify({ ...identity, obwacPem: foreign }));
    const third = await startSandbox({ dataDir });
    try {
      const renewed = obwacOf(dataDir, bank);
      expect(spki(renewed)).toBe(spki(bankKey));
      const served = await servedCertificate(third.banks[0].issuer, third.caBundle);
      expect(served.subject).toContain(`CN=${third.banks[0].orgId}`);
    } finally {
      await third.stop();
    }
  });
});
