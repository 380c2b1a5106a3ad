import { generateKeyPairSync } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkMaterial,
  loadMaterial,
  loadSuppliedMaterial,
  MATERIAL_FORMAT,
  MaterialError,
  materialFromSupplied,
  saveMaterial,
  type TppMaterial,
} from '../../tpp-client/index.js';
import { keyPool, onboardTestTpp, startTestDirectory, type TestDirectory } from './helpers.js';

let t: TestDirectory;
let material: TppMaterial;

beforeAll(async () => {
  t = await startTestDirectory();
  material = await onboardTestTpp(t);
});
afterAll(async () => {
  await t.close();
  keyPool.close();
});

const mode = async (file: string) => (await stat(file)).mode & 0o777;

describe('material store', () => {
  it('round-trips through save and load', async () => {
    const dir = join(t.work, 'tpp-a');
    await saveMaterial(dir, material);
    expect(await loadMaterial(dir)).toEqual(material);
    expect((await readdir(dir)).sort()).toEqual(
      ['directory-token', 'material.json', 'signing.key.pem', 'transport.key.pem'].sort(),
    );
  });

  it('writes the keys and the directory token 0600, the folder 0700', async () => {
    const dir = join(t.work, 'tpp-b');
    await saveMaterial(dir, material);
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, 'transport.key.pem'))).toBe(0o600);
    expect(await mode(join(dir, 'signing.key.pem'))).toBe(0o600);
    expect(await mode(join(dir, 'directory-token'))).toBe(0o600);
    expect(await readFile(join(dir, 'transport.key.pem'), 'utf8')).toBe(material.transport.keyPem);
    expect(await readFile(join(dir, 'signing.key.pem'), 'utf8')).toBe(material.signing.keyPem);
  });

  it('keeps private keys and the directory token out of material.json', async () => {
    const dir = join(t.work, 'tpp-c');
    await saveMaterial(dir, material);
    const text = await readFile(join(dir, 'material.json'), 'utf8');
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect(text).not.toContain(material.directory!.accessToken!);
    const json = JSON.parse(text);
    expect(json).toEqual({
      format: MATERIAL_FORMAT,
      organisationId: material.organisationId,
      softwareStatementId: material.softwareStatementId,
      clientIdAtDirectory: material.clientIdAtDirectory,
      transport: {
        certPem: material.transport.certPem,
        kid: material.transport.kid,
        keyFile: 'transport.key.pem',
      },
      signing: {
        kid: material.signing.kid,
        alg: 'PS256',
        certPem: material.signing.certPem,
        keyFile: 'signing.key.pem',
      },
      ssa: material.ssa,
      caBundlePem: material.caBundlePem,
      directory: { url: material.directory!.url, keystoreUrl: material.directory!.keystoreUrl },
    });
  });

  it('overwrites saved material and drops a stale directory token', async () => {
    const dir = join(t.work, 'tpp-d');
    await saveMaterial(dir, material);
    const { accessToken: _, ...directory } = material.directory!;
    const withoutToken = { ...material, directory };
    await saveMaterial(dir, withoutToken);
    expect(await loadMaterial(dir)).toEqual(withoutToken);
    expect((await readdir(dir)).includes('directory-token')).toBe(false);
  });

  it('names the missing file or the inconsistent field', async () => {
    await expect(loadMaterial(join(t.work, 'nothing-here'))).rejects.toMatchObject({
      code: 'invalid_material',
      field: 'material.json',
    });
    const dir = join(t.work, 'tpp-e');
    await saveMaterial(dir, material);
    await writeFile(join(dir, 'transport.key.pem'), material.signing.keyPem);
    const err = await loadMaterial(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MaterialError);
    expect((err as MaterialError).message).toBe(
      'transport.keyPem: does not belong to the transport certificate',
    );
    await writeFile(join(dir, 'material.json'), '{"format":"something-else"}');
    await expect(loadMaterial(dir)).rejects.toThrow(`material.json: is not ${MATERIAL_FORMAT} material`);
  });

  it('refuses to save inconsistent material (and writes nothing)', async () => {
    const dir = join(t.work, 'tpp-f');
    const bad = { ...material, signing: { ...material.signing, keyPem: material.transport.keyPem } };
    await expect(saveMaterial(dir, bad)).rejects.toThrow(
      'signing.keyPem: does not belong to the signing certificate',
    );
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('checkMaterial', () => {
  it('checks the SSA belongs to the organisation and software', () => {
    expect(() => checkMaterial({ ...material, softwareStatementId: 'A'.repeat(22) })).toThrow(
      `ssa: software_id ${material.softwareStatementId} differs from softwareStatementId ${'A'.repeat(22)}`,
    );
    expect(() => checkMaterial({ ...material, ssa: 'not-a-jwt' })).toThrow(/^ssa: /);
  });

  it('checks the signing key suits its alg', () => {
    expect(() => checkMaterial({ ...material, signing: { ...material.signing, alg: 'ES256' } })).toThrow(
      'signing.keyPem: ES256 needs an EC P-256 key',
    );
    expect(() =>
      checkMaterial({ ...material, signing: { ...material.signing, alg: 'HS256' as never } }),
    ).toThrow(/^signing\.alg: must be one of PS256, ES256, RS256/);
  });

  it('needs a CA bundle with certificates', () => {
    expect(() => checkMaterial({ ...material, caBundlePem: '' })).toThrow(
      'caBundlePem: holds no CERTIFICATE block',
    );
  });

  it('refuses a CA bundle that does not parse every time, even after a good bundle passed', () => {
    expect(checkMaterial(material)).toBe(material);
    // the good bundle is remembered; the same certificates with a broken one after them are not
    const broken = `${material.caBundlePem}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`;
    const count = (material.caBundlePem.match(/BEGIN CERTIFICATE/g) ?? []).length;
    for (let i = 0; i < 2; i++) {
      expect(() => checkMaterial({ ...material, caBundlePem: broken })).toThrow(
        new RegExp(`^caBundlePem: certificate ${count + 1} does not parse`),
      );
    }
    expect(checkMaterial(material)).toBe(material);
  });
});

describe('material supplied by the user', () => {
  async function writeSupplied(dir: string, parts: Record<string, string>): Promise<Record<string, string>> {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir, { recursive: true });
    const paths: Record<string, string> = {};
    for (const [name, content] of Object.entries(parts)) {
      paths[name] = join(dir, name);
      await writeFile(paths[name], content, { mode: 0o600 });
    }
    return paths;
  }

  it('loads certificate, keys, kid, SSA and CA bundle from files; ids come from the SSA', async () => {
    const chain = `${material.transport.certPem}${t.dir.ctx.ca.issuingCertPem}`;
    const p = await writeSupplied(join(t.work, 'supplied-a'), {
      'transport.pem': chain,
      'transport.key': material.transport.keyPem,
      'signing.key': material.signing.keyPem,
      'signing.pem': material.signing.certPem!,
      'ssa.jwt': `${material.ssa}\n`,
      'root.pem': await readFile(t.dir.ca.root, 'utf8'),
      'issuing.pem': await readFile(t.dir.ca.issuing, 'utf8'),
    });
    const loaded = await loadSuppliedMaterial({
      transportCert: p['transport.pem'],
      transportKey: p['transport.key'],
      signingKey: p['signing.key'],
      signingCert: p['signing.pem'],
      signingKid: material.signing.kid,
      ssa: p['ssa.jwt'],
      caBundle: [p['issuing.pem'], p['root.pem']],
    });
    expect(loaded).toMatchObject({
      organisationId: material.organisationId,
      softwareStatementId: material.softwareStatementId,
      clientIdAtDirectory: material.clientIdAtDirectory,
      transport: { certPem: chain, keyPem: material.transport.keyPem },
      signing: { kid: material.signing.kid, alg: 'PS256', keyPem: material.signing.keyPem },
      ssa: material.ssa,
    });
    expect(loaded.directory).toBeUndefined();
    // the supplied material saves and loads like onboarded material
    await saveMaterial(join(t.work, 'supplied-a-saved'), loaded);
    expect(await loadMaterial(join(t.work, 'supplied-a-saved'))).toEqual(loaded);
  });

  it('takes an EC P-256 signing key without certificate as ES256', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const loaded = materialFromSupplied({
      transportCertPem: material.transport.certPem,
      transportKeyPem: material.transport.keyPem,
      signingKeyPem: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      signingKid: 'ec-key-1',
      ssa: material.ssa,
      caBundlePem: material.caBundlePem,
      directory: { url: t.dir.url, accessToken: 'tok' },
    });
    expect(loaded.signing.alg).toBe('ES256');
    expect(loaded.signing.certPem).toBeUndefined();
    expect(loaded.directory).toEqual({
      url: t.dir.url,
      keystoreUrl: `${t.dir.url}/keystore`,
      accessToken: 'tok',
    });
  });

  it('names an unreadable file and a key that does not match', async () => {
    await expect(
      loadSuppliedMaterial({
        transportCert: join(t.work, 'missing.pem'),
        transportKey: join(t.work, 'missing.key'),
        signingKey: join(t.work, 'missing.key'),
        signingKid: 'k',
        ssa: join(t.work, 'missing.jwt'),
        caBundle: join(t.work, 'missing-ca.pem'),
      }),
    ).rejects.toMatchObject({ field: 'transportCert' });
    expect(() =>
      materialFromSupplied({
        transportCertPem: material.transport.certPem,
        transportKeyPem: material.signing.keyPem,
        signingKeyPem: material.signing.keyPem,
        signingKid: material.signing.kid,
        ssa: material.ssa,
        caBundlePem: material.caBundlePem,
      }),
    ).toThrow('transport.keyPem: does not belong to the transport certificate');
  });
});
