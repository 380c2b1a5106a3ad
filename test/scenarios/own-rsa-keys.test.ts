import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateRsaKeyPair, prepareRsaKeys, useKeyCache } from '../../certs/index.js';
import { CATALOGUE } from '../../scenarios/catalogue/index.js';
import {
  catalogueRsaKeys,
  OWN_RSA_KEYS,
  STRANGER_KEY_USERS,
} from '../../scenarios/catalogue/own-rsa-keys.js';
import { prepareBootKeys } from '../../scenarios/prepare-boot-keys.js';

const dirs: string[] = [];
afterAll(() => {
  useKeyCache(undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the RSA keys scenarios make for themselves', () => {
  it('names only scenarios of the catalogue', () => {
    const ids = new Set(CATALOGUE.map((s) => s.id));
    for (const id of [...Object.keys(OWN_RSA_KEYS), ...STRANGER_KEY_USERS]) expect(ids, id).toContain(id);
  });

  it('counts own keys per selected scenario and the stranger key once', () => {
    expect(catalogueRsaKeys([])).toBe(0);
    expect(catalogueRsaKeys([{ id: 'DCR-001' }])).toBe(0);
    expect(catalogueRsaKeys([{ id: 'CERT-untrusted-issuer' }])).toBe(2);
    expect(catalogueRsaKeys([{ id: 'DCR-FORK-ssa-wrong-key' }, { id: 'DCR-FORK-wrong-request-key' }])).toBe(
      1,
    );
    const own = Object.values(OWN_RSA_KEYS).reduce((a, b) => a + b, 0);
    expect(catalogueRsaKeys(CATALOGUE)).toBe(own + 1);
  });

  it('lists every catalogue file that makes a key of its own', () => {
    // a scenario file that makes RSA keys outside the TPP pool must be counted in the table
    const dir = join(import.meta.dirname, '../../scenarios/catalogue');
    for (const f of ['rotation.ts', 'certificates.ts', 'profiles.ts', 'ssa.ts', 'conformance.ts']) {
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
