import { generateKeyPairSync } from 'node:crypto';
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  ssaSignatureVerifies,
  VERIFIED_STATEMENTS_PER_KEY,
  verifiedStatementCount,
} from '../../aspsp-mock/register/verify-ssa-signature.js';

const directoryKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

function ssa(n: number, key = directoryKey.privateKey): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify({ iss: 'OpenBanking Ltd', software_id: `s${n}` }));
  return new CompactSign(payload).setProtectedHeader({ alg: 'PS256', kid: 'k' }).sign(key);
}

function tamper(jws: string): string {
  const [h, p, s] = jws.split('.');
  const sig = Buffer.from(s, 'base64url');
  sig[10] ^= 0x01;
  return `${h}.${p}.${sig.toString('base64url')}`;
}

describe('SSA signature check with remembered results', () => {
  it('verifies, remembers a good statement per key, and still refuses a tampered one', async () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const good = await ssa(1, key.privateKey);
    expect(await ssaSignatureVerifies(good, key.publicKey, 'PS256')).toBe(true);
    expect(verifiedStatementCount(key.publicKey)).toBe(1);
    expect(await ssaSignatureVerifies(good, key.publicKey, 'PS256')).toBe(true);
    expect(verifiedStatementCount(key.publicKey)).toBe(1);
    expect(await ssaSignatureVerifies(tamper(good), key.publicKey, 'PS256')).toBe(false);
    expect(verifiedStatementCount(key.publicKey)).toBe(1);
  });

  it('a statement remembered under one key or alg is checked afresh under another (key rotation)', async () => {
    const good = await ssa(2);
    expect(await ssaSignatureVerifies(good, directoryKey.publicKey, 'PS256')).toBe(true);
    // the JWKS fetcher makes new KeyObjects on a refetch: a key that no longer signs it refuses it
    expect(await ssaSignatureVerifies(good, otherKey.publicKey, 'PS256')).toBe(false);
    expect(verifiedStatementCount(otherKey.publicKey)).toBe(0);
    // same key, another alg: no shortcut through the PS256 result
    expect(await ssaSignatureVerifies(good, directoryKey.publicKey, 'RS256')).toBe(false);
  });

  it('keeps at most VERIFIED_STATEMENTS_PER_KEY statements per key', async () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const n = VERIFIED_STATEMENTS_PER_KEY + 20;
    for (let i = 0; i < n; i++) {
      expect(await ssaSignatureVerifies(await ssa(i, key.privateKey), key.publicKey, 'PS256')).toBe(true);
    }
    expect(verifiedStatementCount(key.publicKey)).toBe(VERIFIED_STATEMENTS_PER_KEY);
  });
});
