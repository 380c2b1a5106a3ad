import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateRsaKeyPair, prepareRsaKeys, useKeyCache } from '../../certs/index.js';
import { CATALOGUE } from '../../scenarios/catalogue/index.js';
import {
  catalogueRsaKeys,
  OTHER_ORGANISATION_USERS,
  OWN_KEYS,
  STRANGER_KEY_USERS,
} from '../../scenarios/catalogue/own-rsa-keys.js';
import { otherTppSigningAlg } from '../../scenarios/other-tpp-signing-alg.js';
import { prepareBootKeys } from '../../scenarios/prepare-boot-keys.js';

const dirs: string[] = [];
afterAll(() => {
  useKeyCache(undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the RSA keys scenarios make for themselves', () => {
  it('names only scenarios of the catalogue', () => {
    const ids = new Set(CATALOGUE.map((s) => s.id));
    for (const id of [...Object.keys(OWN_KEYS), ...STRANGER_KEY_USERS, ...OTHER_ORGANISATION_USERS])
      expect(ids, id).toContain(id);
  });

  it('counts own keys per selected scenario, by signing algorithm, and the stranger key once', () => {
    const rsa = { main: 'PS256', others: 'PS256' } as const;
    const ec = { main: 'PS256', others: 'ES256' } as const;
    expect(catalogueRsaKeys([], rsa)).toBe(0);
    expect(catalogueRsaKeys([{ id: 'DCR-001' }], rsa)).toBe(0);
    expect(catalogueRsaKeys([{ id: 'PROFILE-rfc7591-eidas' }], ec)).toBe(2);
    // the throwaway CA of CERT-untrusted-issuer is EC
    expect(catalogueRsaKeys([{ id: 'CERT-untrusted-issuer' }], rsa)).toBe(0);
    // another organisation's TPP: its transport key, and its signing key only when it signs PS256
    expect(catalogueRsaKeys([{ id: 'SSA-org-suspended' }], rsa)).toBe(2);
    expect(catalogueRsaKeys([{ id: 'SSA-org-suspended' }], ec)).toBe(1);
    // a rotation's new key is of the main TPP's kind
    expect(catalogueRsaKeys([{ id: 'ROT-revoked-signing-key' }], ec)).toBe(2);
    expect(catalogueRsaKeys([{ id: 'ROT-revoked-signing-key' }], { main: 'ES256', others: 'ES256' })).toBe(0);
    const pair = [{ id: 'DCR-FORK-ssa-wrong-key' }, { id: 'DCR-FORK-wrong-request-key' }];
    expect(catalogueRsaKeys(pair, rsa)).toBe(1);
    // the shared TPP of another organisation: once, however many of its users run
    const sharing = OTHER_ORGANISATION_USERS.map((id) => ({ id }));
    expect(catalogueRsaKeys(sharing.slice(0, 1), rsa)).toBe(2);
    expect(catalogueRsaKeys(sharing, rsa)).toBe(2);
    expect(catalogueRsaKeys(sharing, ec)).toBe(1);
    const all = Object.values(OWN_KEYS).reduce(
      (a, k) => a + (k.rsa ?? 0) + (k.likeMain ?? 0) + (k.likeOthers ?? 0),
      0,
    );
    expect(catalogueRsaKeys(CATALOGUE, rsa)).toBe(all + 1 + 2);
  });

  it('has the other TPPs sign ES256 where the bank lists it, else what chooseSigningAlg picks', () => {
    expect(otherTppSigningAlg(['PS256', 'ES256'])).toBe('ES256');
    expect(otherTppSigningAlg(['ES256'])).toBe('ES256');
    expect(otherTppSigningAlg(['PS256'])).toBe('PS256');
    expect(otherTppSigningAlg(['PS256', 'RS256'])).toBe('PS256');
  });

  it('lists every catalogue file that makes a key of its own', () => {
    // a scenario file that makes RSA keys outside the TPP pool must be counted in the table
    const dir = join(import.meta.dirname, '../../scenarios/catalogue');
    for (const f of [
      'rotation.ts',
      'certificates.ts',
      'profiles.ts',
      'ssa.ts',
      'conformance.ts',
      'directory-front-door.ts',
    ]) {
      const src = readFileSync(join(dir, f), 'utf8');
      expect(/generateKeyPair\(|generateKeyPairSync\(/.test(src), f).toBe(false);
    }
  });
});

describe('prepareBootKeys with extra keys', () => {
  it('starts the boot keys and the extra ones, and none already in the key cache', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'obmock-bootkeys-'));
    const cache = mkdtempSync(join(tmpdir(), 'obmock-bootkeys-cache-'));
    dirs.push(dataDir, cache);
    useKeyCache(cache);
    // no directory, no bank: only the 2 extra keys are missing from the empty cache
    prepareBootKeys(dataDir, { directory: false, banks: [] }, 2);
    // they are reserved: asking for 2 again starts nothing
    expect(prepareRsaKeys(2048, 2)).toBe(0);
    const [a, b] = await Promise.all([generateRsaKeyPair(2048), generateRsaKeyPair(2048)]);
    expect(a.publicKeyPem).not.toBe(b.publicKeyPem);
    // a new run over the same cache: both cached, nothing started
    useKeyCache(cache);
    prepareBootKeys(dataDir, { directory: false, banks: [] }, 2);
    expect(prepareRsaKeys(2048, 2)).toBe(0);
    expect((await generateRsaKeyPair(2048)).publicKeyPem).toBe(a.publicKeyPem);
  });
});
