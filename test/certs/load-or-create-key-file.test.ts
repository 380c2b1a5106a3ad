import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateEcKeyFile, loadOrCreateRsaKeyFile } from '../../certs/index.js';

const dir = mkdtempSync(join(tmpdir(), 'obmock-key-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('key files: created once (mode 0600), then read back', () => {
  it.each([
    ['EC P-256', loadOrCreateEcKeyFile, 'ec', 'prime256v1'],
    ['RSA 2048', (f: string) => loadOrCreateRsaKeyFile(f, 2048), 'rsa', undefined],
  ] as const)('%s', async (_name, load, type, curve) => {
    const file = join(dir, `${type}.key`);
    const created = await load(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(created.privateKeyPem);
    expect(created.privateKey.asymmetricKeyType).toBe(type);
    if (curve) expect(created.privateKey.asymmetricKeyDetails?.namedCurve).toBe(curve);
    else expect(created.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const again = await load(file);
    expect(again.privateKeyPem).toBe(created.privateKeyPem);
    expect(again.publicKeyPem).toBe(created.publicKeyPem);
  });

  it('an EC key file holding an RSA key (an older data dir) keeps that key', async () => {
    const file = join(dir, 'legacy.key');
    const rsa = await loadOrCreateRsaKeyFile(file, 2048);
    const read = await loadOrCreateEcKeyFile(file);
    expect(read.privateKey.asymmetricKeyType).toBe('rsa');
    expect(read.publicKeyPem).toBe(rsa.publicKeyPem);
  });
});
