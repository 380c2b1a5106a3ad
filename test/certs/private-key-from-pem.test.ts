import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateRsaKeyPair } from '../../certs/index.js';
import { privateKeyFromPem, rememberedPrivateKeys } from '../../certs/private-key-from-pem.js';

const ecPem = (): string =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

describe('privateKeyFromPem', () => {
  it('gives back the very key a generated pair holds, without parsing its PEM again', async () => {
    const kp = await generateRsaKeyPair();
    expect(privateKeyFromPem(kp.privateKeyPem)).toBe(kp.privateKey);
    // the public PEM written from the DER export is OpenSSL's PEM, byte for byte
    expect(kp.publicKeyPem).toBe(kp.publicKey.export({ type: 'spki', format: 'pem' }));
  });

  it('parses a PEM it has not seen into the key it holds, and keeps it', () => {
    const pem = ecPem();
    const key = privateKeyFromPem(pem);
    expect(key.type).toBe('private');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(key.export({ type: 'pkcs8', format: 'pem' })).toBe(pem);
    expect(privateKeyFromPem(pem)).toBe(key);
  });

  it('throws on what is not a private key and remembers nothing for it', () => {
    const before = rememberedPrivateKeys();
    expect(() =>
      privateKeyFromPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'),
    ).toThrow();
    expect(() => privateKeyFromPem('not a key')).toThrow();
    expect(rememberedPrivateKeys()).toBe(before);
  });

  it('keeps at most 64 keys, dropping the least recently used', () => {
    const first = ecPem();
    const firstKey = privateKeyFromPem(first);
    const second = ecPem();
    const secondKey = privateKeyFromPem(second);
    for (let i = 0; i < 70; i++) {
      privateKeyFromPem(ecPem());
      privateKeyFromPem(first); // used again and again: stays
    }
    expect(rememberedPrivateKeys()).toBe(64);
    expect(privateKeyFromPem(first)).toBe(firstKey);
    // dropped: parsed again into an equal but new KeyObject
    const again = privateKeyFromPem(second);
    expect(again).not.toBe(secondKey);
    expect(again.equals(secondKey)).toBe(true);
  });
});
