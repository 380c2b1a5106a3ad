import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import type { BankContext } from '../../aspsp-mock/context.js';
import { flattenSsa } from '../../aspsp-mock/register/client-view.js';
import {
  flattenedSsa,
  rememberedStatement,
  VERIFIED_STATEMENTS_KEPT,
  verifiedStatementCount,
} from '../../aspsp-mock/register/remembered-statements.js';
import { verifySsa } from '../../aspsp-mock/register/verify-ssa.js';
import { STRICT_OB_V33 } from '../../aspsp-mock/settings.js';

/**
 * A software statement that verified is remembered (its text, decoded header
 * and frozen claims, per key object): the next registration with it is neither
 * verified nor decoded again, and every other check still runs on every call.
 */
const directoryKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW = 1_800_000_000;

function claims(n: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: 'OpenBanking Ltd',
    iat: NOW - 10,
    jti: `jti-${n}`,
    software_id: `software${n}`,
    org_id: 'org1',
    org_status: 'Active',
    software_jwks_endpoint: 'https://keystore.example/org1/software.jwks',
    software_redirect_uris: ['https://tpp.example/cb'],
    software_roles: ['AISP'],
    org_contacts: [{ name: 'n', email: 'e@example.com' }],
    ...over,
  };
}

function sign(payload: unknown, key: KeyObject = directoryKey.privateKey, alg = 'PS256'): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg, kid: 'directory-key', typ: 'JWT' })
    .sign(key);
}

function tamper(jws: string): string {
  const [h, p, s] = jws.split('.');
  const sig = Buffer.from(s, 'base64url');
  sig[10] ^= 0x01;
  return `${h}.${p}.${sig.toString('base64url')}`;
}

/** A bank as verifySsa sees it: its settings, clock and the directory key its JWKS cache holds now. */
function bank(over: { key?: KeyObject; now?: number; signingAlgs?: string[] } = {}) {
  const state = { key: over.key ?? directoryKey.publicKey, now: over.now ?? NOW, fetches: 0 };
  const ctx = {
    settings: { ...STRICT_OB_V33, ...(over.signingAlgs ? { signingAlgs: over.signingAlgs } : {}) },
    now: () => new Date(state.now * 1000),
    trust: { ssaJwksUrl: 'https://directory.example/openbanking.jwks' },
    jwks: {
      key: async () => {
        state.fetches += 1;
        return { jwk: {}, key: state.key };
      },
    },
  } as unknown as BankContext;
  return { ctx, state };
}

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    const e = err as { status: number; code: string; message: string };
    return { status: e.status, error: e.code, message: e.message };
  }
  throw new Error('accepted');
};

describe('software statements remembered once verified', () => {
  it('gives the same frozen claims for the same text and key, asking for the key every time', async () => {
    const { ctx, state } = bank();
    const ssa = await sign(claims(1));
    const first = await verifySsa(ctx, ssa);
    expect(first).toEqual(claims(1));
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.software_redirect_uris)).toBe(true);
    expect(Object.isFrozen((first.org_contacts as object[])[0])).toBe(true);
    // the same text in a new string (as a new request's JSON gives it) finds it too
    expect(await verifySsa(ctx, JSON.parse(JSON.stringify(ssa)))).toBe(first);
    expect(rememberedStatement(ssa)?.claims).toBe(first);
    expect(state.fetches).toBe(2);
  });

  it('never remembers a statement that did not verify, and refuses it every time', async () => {
    const { ctx } = bank();
    const good = await sign(claims(2));
    const before = verifiedStatementCount();
    for (let i = 0; i < 2; i++) {
      expect(await refusal(verifySsa(ctx, tamper(good)))).toEqual({
        status: 400,
        error: 'invalid_software_statement',
        message: 'software_statement signature does not verify with the directory key',
      });
    }
    expect(rememberedStatement(tamper(good))).toBeUndefined();
    expect(verifiedStatementCount()).toBe(before);
  });

  it('checks a remembered statement afresh with a key object it has not verified with (key rotation)', async () => {
    const ssa = await sign(claims(3));
    await verifySsa(bank().ctx, ssa);
    // the JWKS cache refetched: the kid now names a key that did not sign it
    const rotated = bank({ key: otherKey.publicKey });
    expect((await refusal(verifySsa(rotated.ctx, ssa))).message).toBe(
      'software_statement signature does not verify with the directory key',
    );
    // the same key material in a new key object (a plain refetch) verifies again
    const refetched = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = await sign(claims(4), refetched.privateKey);
    const a = await verifySsa(bank({ key: refetched.publicKey }).ctx, other);
    const b = await verifySsa(
      bank({
        key: createPublicKey(refetched.publicKey.export({ format: 'pem', type: 'spki' })),
      }).ctx,
      other,
    );
    expect(b).toBe(a);
  });

  it('still refuses, on every call, what the statement itself fails: alg, age, status', async () => {
    const ssa = await sign(claims(5));
    const remembered = await verifySsa(bank().ctx, ssa);
    expect(remembered.software_id).toBe('software5');
    const cases: [ReturnType<typeof bank>, number, string, RegExp][] = [
      [
        bank({ signingAlgs: ['ES256'] }),
        400,
        'invalid_software_statement',
        /^software_statement alg 'PS256' is not accepted/,
      ],
      [
        bank({ now: NOW + STRICT_OB_V33.ssaMaxAgeSeconds + 60 }),
        400,
        'invalid_software_statement',
        /too old/,
      ],
      [bank({ now: NOW - 3600 }), 400, 'invalid_software_statement', /iat is in the future/],
    ];
    for (const [b, status, error, message] of cases) {
      for (let i = 0; i < 2; i++) {
        const r = await refusal(verifySsa(b.ctx, ssa));
        expect([r.status, r.error]).toEqual([status, error]);
        expect(r.message).toMatch(message);
      }
    }
    const suspended = await sign(claims(6, { org_status: 'Revoked' }));
    for (let i = 0; i < 2; i++) {
      const r = await refusal(verifySsa(bank().ctx, suspended));
      expect([r.status, r.error]).toEqual([400, 'unapproved_software_statement']);
    }
  });

  it('refuses a payload that is not an object after, never before, the signature', async () => {
    const signedArray = await sign([1, 2]);
    for (let i = 0; i < 2; i++)
      expect((await refusal(verifySsa(bank().ctx, signedArray))).message).toBe(
        'software_statement payload is not a JSON object',
      );
    expect(rememberedStatement(signedArray)).toBeUndefined();
    expect((await refusal(verifySsa(bank().ctx, tamper(signedArray)))).message).toBe(
      'software_statement signature does not verify with the directory key',
    );
  });

  it('flattens a remembered statement once (frozen), any other claims afresh', async () => {
    const ssa = await sign(claims(7));
    const c = await verifySsa(bank().ctx, ssa);
    const flat = flattenedSsa(c);
    expect(flat).toEqual(flattenSsa(claims(7)));
    expect(Object.isFrozen(flat)).toBe(true);
    expect(flattenedSsa(c)).toBe(flat);
    const plain = claims(8);
    expect(flattenedSsa(plain)).toEqual(flattenSsa(plain));
    expect(flattenedSsa(plain)).not.toBe(flattenedSsa(plain));
  });

  it(`keeps at most ${VERIFIED_STATEMENTS_KEPT} statements`, async () => {
    const { ctx } = bank();
    for (let i = 0; i < VERIFIED_STATEMENTS_KEPT + 20; i++) await verifySsa(ctx, await sign(claims(100 + i)));
    expect(verifiedStatementCount()).toBe(VERIFIED_STATEMENTS_KEPT);
  });
});
