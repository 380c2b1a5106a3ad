import { constants, createSecretKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { signatureVerifies } from '../../aspsp-mock/register/jws.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaOther = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaSmall = generateKeyPairSync('rsa', { modulusLength: 1024 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const payload = new TextEncoder().encode(JSON.stringify({ iss: 'tpp', jti: 'x' }));
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

const jose = (alg: string, key: KeyObject, header: Record<string, unknown> = {}) =>
  new CompactSign(payload).setProtectedHeader({ alg, kid: 'k', ...header }).sign(key);

/** A JWS signed by hand, for what jose refuses to produce. */
function handmade(header: Record<string, unknown>, signer: (input: Buffer) => Buffer): string {
  const input = `${b64(header)}.${Buffer.from(payload).toString('base64url')}`;
  return `${input}.${signer(Buffer.from(input)).toString('base64url')}`;
}

describe('JWS signature check (node:crypto)', () => {
  it('accepts PS256, RS256, ES256 and ES384 signatures from the right key', async () => {
    expect(await signatureVerifies(await jose('PS256', rsa.privateKey), rsa.publicKey, ['PS256'])).toBe(true);
    expect(await signatureVerifies(await jose('RS256', rsa.privateKey), rsa.publicKey, ['RS256'])).toBe(true);
    expect(await signatureVerifies(await jose('ES256', p256.privateKey), p256.publicKey, ['ES256'])).toBe(
      true,
    );
    expect(await signatureVerifies(await jose('ES384', p384.privateKey), p384.publicKey, ['ES384'])).toBe(
      true,
    );
  });

  it('refuses another key, a changed payload or signature, and an alg outside the list', async () => {
    const jws = await jose('PS256', rsa.privateKey);
    const [h, p, s] = jws.split('.');
    expect(await signatureVerifies(jws, rsaOther.publicKey, ['PS256'])).toBe(false);
    expect(await signatureVerifies(`${h}.${b64({ iss: 'evil' })}.${s}`, rsa.publicKey, ['PS256'])).toBe(
      false,
    );
    const sig = Buffer.from(s, 'base64url');
    sig[0] ^= 1;
    expect(await signatureVerifies(`${h}.${p}.${sig.toString('base64url')}`, rsa.publicKey, ['PS256'])).toBe(
      false,
    );
    expect(await signatureVerifies(`${h}.${p}.`, rsa.publicKey, ['PS256'])).toBe(false);
    expect(await signatureVerifies(jws, rsa.publicKey, ['ES256', 'RS256'])).toBe(false);
  });

  it('refuses none, HMAC, a key that does not fit the alg, and keys under 2048 bits', async () => {
    const none = `${b64({ alg: 'none' })}.${Buffer.from(payload).toString('base64url')}.`;
    expect(await signatureVerifies(none, rsa.publicKey, ['none'])).toBe(false);
    const secret = createSecretKey(Buffer.alloc(32, 7));
    const hs = await new CompactSign(payload).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    expect(await signatureVerifies(hs, rsa.publicKey, ['HS256'])).toBe(false);
    expect(await signatureVerifies(hs, secret, ['HS256'])).toBe(false);
    expect(await signatureVerifies(await jose('PS256', rsa.privateKey), p256.publicKey, ['PS256'])).toBe(
      false,
    );
    expect(await signatureVerifies(await jose('ES256', p256.privateKey), p384.publicKey, ['ES256'])).toBe(
      false,
    );
    expect(await signatureVerifies(await jose('PS256', rsa.privateKey), rsa.privateKey, ['PS256'])).toBe(
      false,
    );
    const small = handmade({ alg: 'RS256' }, (input) => sign('sha256', input, rsaSmall.privateKey));
    expect(await signatureVerifies(small, rsaSmall.publicKey, ['RS256'])).toBe(false);
  });

  it('refuses crit and b64 headers, a PSS salt other than the hash length, and a DER ECDSA signature', async () => {
    const crit = handmade({ alg: 'RS256', crit: ['exp'], exp: 1 }, (input) =>
      sign('sha256', input, rsa.privateKey),
    );
    expect(await signatureVerifies(crit, rsa.publicKey, ['RS256'])).toBe(false);
    const b64Header = handmade({ alg: 'RS256', b64: true }, (input) => sign('sha256', input, rsa.privateKey));
    expect(await signatureVerifies(b64Header, rsa.publicKey, ['RS256'])).toBe(false);
    const pss = (saltLength: number) =>
      handmade({ alg: 'PS256' }, (input) =>
        sign('sha256', input, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }),
      );
    expect(await signatureVerifies(pss(32), rsa.publicKey, ['PS256'])).toBe(true);
    expect(await signatureVerifies(pss(0), rsa.publicKey, ['PS256'])).toBe(false);
    expect(await signatureVerifies(pss(64), rsa.publicKey, ['PS256'])).toBe(false);
    const der = handmade({ alg: 'ES256' }, (input) => sign('sha256', input, p256.privateKey));
    expect(await signatureVerifies(der, p256.publicKey, ['ES256'])).toBe(false);
  });
});
