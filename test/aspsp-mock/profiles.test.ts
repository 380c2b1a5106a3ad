import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bankFromSpec,
  loadProfile,
  ProfileError,
  STRICT_OB_V33,
  SWITCH_NAMES,
  shippedProfileNames,
} from '../../aspsp-mock/index.js';
import { renderProfilesDoc } from '../../aspsp-mock/profile/render-doc.js';

const dir = mkdtempSync(join(tmpdir(), 'obmock-profiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, doc: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
};

describe('profile loading and validation', () => {
  it('ships at least ten profiles, each loading cleanly with a description', () => {
    const names = shippedProfileNames();
    expect(names).toEqual(
      expect.arrayContaining(['ob-v3.3', 'ob-v3.2', 'ob-v3.1', 'rfc7591-eidas', 'pingfederate']),
    );
    expect(names.length).toBeGreaterThanOrEqual(9);
    for (const n of names) {
      const p = loadProfile(n);
      expect(p.name).toBe(n);
      expect(p.description.length).toBeGreaterThan(40);
    }
    expect(loadProfile('ob-v3.3').settings).toEqual(STRICT_OB_V33);
  });

  it('applies extends chains, child over parent over strict defaults', () => {
    const base = write('base.json', { name: 'base', extends: 'ob-v3.1', switches: { audience: 'issuer' } });
    const child = write('child.json', {
      name: 'child',
      extends: './base.json',
      switches: { audience: 'any', createStatus: 200 },
    });
    expect(base).toContain('base.json');
    const p = loadProfile(child);
    expect(p.chain).toEqual(['ob-v3.3', 'ob-v3.1', 'base', 'child']);
    expect(p.settings.specVersion).toBe('3.1');
    expect(p.settings.audience).toBe('any');
    expect(p.settings.createStatus).toBe(200);
    expect(p.settings.signingAlgs).toEqual(STRICT_OB_V33.signingAlgs);
  });

  it.each([
    ['unknown switch', { switches: { audiance: 'issuer' } }, "unknown switch 'audiance'"],
    [
      'bad value',
      { switches: { createStatus: 202 } },
      "switch 'createStatus' must be one of 200, 201 (got 202)",
    ],
    [
      'bad type',
      { switches: { checkRedirectUris: 'no' } },
      "switch 'checkRedirectUris' must be true or false",
    ],
    [
      'bad list item',
      { switches: { signingAlgs: ['PS256', 'HS256'] } },
      'switch \'signingAlgs\' has unknown value(s) "HS256"',
    ],
    [
      'empty list',
      { switches: { tokenEndpointAuthMethods: [] } },
      "switch 'tokenEndpointAuthMethods' must not be empty",
    ],
    ['bad path', { switches: { registrationPath: 'register' } }, "switch 'registrationPath' must be a path"],
    ['bad audience', { switches: { audience: 'bank' } }, 'switch \'audience\' must be "org-id"'],
    [
      'two bad switches named at once',
      { switches: { nope: 1, createStatus: 'x' } },
      "unknown switch 'nope'; switch 'createStatus'",
    ],
    ['unknown top-level key', { switchez: {} }, 'unknown top-level key(s) switchez'],
    [
      'scoped token without scope',
      { switches: { managementAuth: 'scoped-token' } },
      'managementAuth "scoped-token" needs a managementScope',
    ],
    [
      'json body without the media type',
      { switches: { requestFormat: 'json' } },
      'requestFormat "json" needs application/json',
    ],
    ['unknown parent', { extends: 'no-such-profile' }, "unknown profile 'no-such-profile'"],
  ])('%s → a clear error', (_name, doc, message) => {
    const file = write(`${randomName()}.json`, doc);
    expect(() => loadProfile(file)).toThrow(ProfileError);
    expect(() => loadProfile(file)).toThrow(message);
  });

  it('refuses cyclic extends, naming the cycle', () => {
    write('a.json', { name: 'a', extends: './b.json' });
    write('b.json', { name: 'b', extends: './c.json' });
    write('c.json', { name: 'c', extends: './a.json' });
    expect(() => loadProfile(join(dir, 'a.json'))).toThrow(
      'extends forms a cycle (a.json → b.json → c.json → a.json)',
    );
    write('self.json', { name: 'self', extends: './self.json' });
    expect(() => loadProfile(join(dir, 'self.json'))).toThrow('extends forms a cycle');
  });

  it('refuses malformed JSON and a missing file', () => {
    expect(() => loadProfile(write('broken.json', '{ "switches": '))).toThrow('not valid JSON');
    expect(() => loadProfile(join(dir, 'missing.json'))).toThrow("profile file '");
  });

  it('bankFromSpec: id=profile, a bare shipped name = that profile, other bare words refused', () => {
    expect(bankFromSpec('x=ob-v3.3').settings).toEqual(STRICT_OB_V33);
    expect(bankFromSpec('pingfederate')).toMatchObject({ id: 'pingfederate', profile: 'pingfederate' });
    expect(() => bankFromSpec('pingfedrate')).toThrow("--bank 'pingfedrate': not a shipped profile");
    expect(() => bankFromSpec('pingfedrate')).toThrow('give id=profile, e.g. pingfedrate=ob-v3.3');
    expect(bankFromSpec('y=ob-v3.1').settings.specVersion).toBe('3.1');
    expect(() => bankFromSpec('z=nope')).toThrow("--bank 'z=nope': unknown profile 'nope'");
  });

  it('`obmock up` stops at start-up with the message (built CLI)', async () => {
    const bad = write('bad-up.json', { switches: { nope: true } });
    const bin = resolve(import.meta.dirname, '../../dist/cli/main.js');
    const err = await promisify(execFile)(process.execPath, [
      bin,
      'up',
      '--port',
      '0',
      '--data-dir',
      join(dir, 'data'),
      '--bank',
      `b=${bad}`,
    ]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(err.code).toBe(1);
    expect(err.stderr).toContain("unknown switch 'nope'");
  });
});

describe('YAML profiles and faults in profiles', () => {
  it('reads a YAML profile that extends a shipped one', () => {
    const file = write(
      'bank.yaml',
      'name: yaml-bank\ndescription: from YAML\nextends: ob-v3.2\nswitches:\n  audience: issuer\n  createStatus: 200\n',
    );
    const p = loadProfile(file);
    expect(p.chain).toEqual(['ob-v3.3', 'ob-v3.2', 'yaml-bank']);
    expect(p.settings.specVersion).toBe('3.2');
    expect(p.settings.audience).toBe('issuer');
    expect(p.settings.createStatus).toBe(200);
  });

  it('collects faults along the chain and refuses a bad one, naming it', () => {
    const parent = write('parent.json', {
      name: 'parent',
      faults: [{ kind: 'latency', endpoints: ['token'], count: 1, latencyMs: 10 }],
    });
    const child = write(
      'child.yaml',
      `name: child\nextends: ${parent}\nfaults:\n  - kind: status\n    status: 503\n    endpoints: [discovery]\n    count: 1\n`,
    );
    expect(loadProfile(child).faults.map((f) => f.kind)).toEqual(['latency', 'status']);
    const bad = write(
      'bad-fault.yaml',
      'faults:\n  - kind: meteor\n    endpoints: [register]\n    count: 1\n',
    );
    expect(() => loadProfile(bad)).toThrow(/faults\[0\]: .*kind/);
  });

  it('a bank started with a profile fault produces it for exactly the chosen requests', async () => {
    const { startTestSandbox } = await import('../helpers/sandbox.js');
    const { Agent } = await import('undici');
    const file = write(
      'flaky.yaml',
      'name: flaky\nfaults:\n  - kind: status\n    status: 503\n    endpoints: [discovery]\n    count: 1\n',
    );
    const sb = await startTestSandbox({ banks: [bankFromSpec(`flaky=${file}`)] });
    const agent = new Agent({ connect: { ca: sb.caBundle } });
    try {
      const { call } = await import('../helpers/sandbox.js');
      expect((await call(agent, 'GET', sb.bank.discovery)).status).toBe(503);
      expect((await call(agent, 'GET', sb.bank.discovery)).status).toBe(200);
    } finally {
      await agent.close();
      await sb.close();
    }
  });
});

describe('docs/profiles.md', () => {
  it('is exactly what the switch table and shipped profiles generate, and names every switch', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/profiles.md'), 'utf8');
    expect(doc, 'run: node dist/cli/main.js profiles --markdown > docs/profiles.md').toBe(
      renderProfilesDoc(),
    );
    for (const name of SWITCH_NAMES) expect(doc).toContain(`| \`${name}\` |`);
    for (const name of shippedProfileNames()) expect(doc).toContain(`| \`${name}\` |`);
  });
});

let counter = 0;
function randomName(): string {
  counter += 1;
  return `case-${counter}`;
}
