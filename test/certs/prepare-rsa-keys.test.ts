import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateRsaKeyPair, prepareRsaKeys, useKeyCache } from '../../certs/index.js';

const dirs: string[] = [];
afterAll(() => {
  useKeyCache(undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('prepareRsaKeys', () => {
  it('starts only the keys not reserved yet, and hands each out once', async () => {
    useKeyCache(undefined);
    expect(prepareRsaKeys(2048, 2)).toBe(2);
    // already two on the way: asking for two again starts nothing, for three starts one
    expect(prepareRsaKeys(2048, 2)).toBe(0);
    expect(prepareRsaKeys(2048, 3)).toBe(1);
    const keys = await Promise.all([
      generateRsaKeyPair(2048),
      generateRsaKeyPair(2048),
      generateRsaKeyPair(2048),
    ]);
    const pems = new Set(keys.map((k) => k.publicKeyPem));
    expect(pems.size).toBe(3);
    for (const k of keys) expect(k.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // the reserve is used up: the next reservation starts again
    expect(prepareRsaKeys(2048, 1)).toBe(1);
    const next = await generateRsaKeyPair(2048);
    expect(pems.has(next.publicKeyPem)).toBe(false);
  });

  it('keeps sizes apart and validates the size', async () => {
    useKeyCache(undefined);
    expect(() => prepareRsaKeys(1024, 1)).toThrow(RangeError);
    expect(prepareRsaKeys(3072, 1)).toBe(1);
    const k2048 = await generateRsaKeyPair(2048);
    expect(k2048.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const k3072 = await generateRsaKeyPair(3072);
    expect(k3072.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
  });

  it('with a key cache, starts only the keys missing from it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'obmock-prepare-'));
    dirs.push(dir);
    useKeyCache(dir);
    const first = await generateRsaKeyPair(2048); // rsa-2048-0.pem
    useKeyCache(dir); // a new run: counting starts at 0 again
    // key 0 is cached, key 1 is not
    expect(prepareRsaKeys(2048, 2)).toBe(1);
    const again = await generateRsaKeyPair(2048);
    expect(again.publicKeyPem).toBe(first.publicKeyPem);
    const second = await generateRsaKeyPair(2048);
    expect(second.publicKeyPem).not.toBe(first.publicKeyPem);
    expect(readdirSync(dir).sort()).toEqual(['rsa-2048-0.pem', 'rsa-2048-1.pem']);
  });
});
