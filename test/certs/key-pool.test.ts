import { describe, expect, it } from 'vitest';
import { generateRsaKeyPair, KeyPool } from '../../certs/index.js';

describe('generateRsaKeyPair', () => {
  it('returns KeyObjects and matching PKCS#8 / SPKI PEMs', async () => {
    const kp = await generateRsaKeyPair();
    expect(kp.privateKey.type).toBe('private');
    expect(kp.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(kp.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(kp.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(kp.publicKey.export({ type: 'spki', format: 'pem' })).toBe(kp.publicKeyPem);
  });

  it('refuses sizes below 2048 bits', async () => {
    await expect(generateRsaKeyPair(1024)).rejects.toThrow(RangeError);
  });
});

describe('KeyPool', () => {
  it('hands out distinct keys and keeps refilling', async () => {
    const pool = new KeyPool({ bits: 2048, size: 1 });
    const keys = await Promise.all([pool.take(), pool.take()]);
    expect(keys[0].publicKeyPem).not.toBe(keys[1].publicKeyPem);
    expect(keys[1].privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    pool.close();
    await expect(pool.take()).rejects.toThrow(/closed/);
  });

  it('validates its size', () => {
    expect(() => new KeyPool({ size: 0 })).toThrow(RangeError);
  });
});
