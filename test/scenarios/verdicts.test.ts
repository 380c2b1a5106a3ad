import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scenarios } from '../../cli/commands/scenarios.js';
import {
  CATALOGUE,
  type RunSummary,
  runCatalogue,
  type Sandbox,
  selectScenarios,
  startSandbox,
} from '../../scenarios/index.js';
import { consoleSummary } from '../../scenarios/reporters/index.js';
import { targetFromConfig } from '../../scenarios/tpp-config.js';

/**
 * Verdicts from real runs: exit codes 0/1/2/3 of `obmock scenarios`, the messages for an
 * http:// target and an issuer URL, warnings (SHOULD) that pass unless --fail-on warning and
 * warnings (MAY) that pass even then, and a
 * bank whose baseline fails (it wants another `aud`): its negatives are blocked, not passed.
 */
let dir: string;
let sandbox: Sandbox;
let config: string;
const bank = (id: string) => sandbox.banks.find((b) => b.id === id)!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'obmock-verdicts-'));
  const profiles: Record<string, Record<string, unknown>> = {
    otheraud: { audience: 'fixed:SomeoneElse0001' },
    anyaud: { audience: 'any' },
    // accepts an SSA of any age: SSA-too-old is a SHOULD not met (reg.ssa-age)
    oldssa: { ssaMaxAgeSeconds: 30 * 86400 },
    // tolerates an iat two hours ahead: REG-IAT-future is accepted, which no sentence forbids
    skew: { clockSkewSeconds: 7200 },
    noredirect: { checkRedirectUris: false },
    // refuses bad redirect URIs with RFC 7591's generic code, which the spec allows
    genericredirect: { redirectErrorCode: 'invalid_client_metadata' },
  };
  const banks = ['default=ob-v3.3', 'v31=ob-v3.1'];
  for (const [id, switches] of Object.entries(profiles)) {
    const file = join(dir, `${id}.json`);
    await writeFile(file, JSON.stringify({ name: id, description: id, extends: 'ob-v3.3', switches }));
    banks.push(`${id}=${file}`);
  }
  sandbox = await startSandbox({ banks, keyPoolSize: 6 });
  await writeFile(join(dir, 'ca.pem'), sandbox.caBundle);
  config = join(dir, 'tpp-config.json');
  await writeFile(
    config,
    JSON.stringify({
      directory: { url: sandbox.directory.url, caBundle: 'ca.pem', adminToken: sandbox.directory.adminToken },
    }),
  );
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs `obmock scenarios ARGS`, capturing what it prints. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => {
    out += String(c);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c) => {
    err += String(c);
    return true;
  });
  try {
    return { code: await scenarios(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('exit codes and messages of obmock scenarios --target', () => {
  it('0: nothing failed', async () => {
    const r = await cli(['--target', bank('default').discovery, '--tpp-config', config, '--only', 'DCR-001']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1 passed, 0 failed/);
    expect(r.out).toMatch(/^in force: spec v3\.3 .*aud \S+ \(the directory's authorisation-server record\)/m);
  }, 120_000);

  it('1: a scenario failed (a bank that does not check redirect URIs)', async () => {
    const r = await cli([
      '--target',
      bank('noredirect').discovery,
      '--tpp-config',
      config,
      '--only',
      'REG-REDIRECT-http',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ REG-REDIRECT-http .*answered 201.*\[MUST reg\.redirect-https/);
  }, 120_000);

  it('a redirect URI refused with invalid_client_metadata passes the spec rules; the OBIE conformance fork, which expects invalid_redirect_uri, warns (MAY): exit 0, also with --fail-on warning', async () => {
    const r = await cli([
      '--target',
      bank('genericredirect').discovery,
      '--tpp-config',
      config,
      '--only',
      'REG-REDIRECT-*',
      '--only',
      'DCR-FORK-redirect-not-in-ssa',
    ]);
    expect(r.out).toMatch(/✓ REG-REDIRECT-http /);
    expect(r.out).toMatch(/✓ REG-REDIRECT-localhost /);
    expect(r.out).toMatch(/✓ REG-REDIRECT-not-in-ssa /);
    expect(r.out).toMatch(
      /! DCR-FORK-redirect-not-in-ssa .*refused with invalid_client_metadata; the OBIE conformance tool's fork expects invalid_redirect_uri.*\[MAY reg\.redirect-error-code/,
    );
    expect(r.out).toMatch(/3 passed, 0 failed, 1 warning/);
    expect(r.code).toBe(0);
    // a MAY never fails the run, even where the official tool would
    const strict = await cli([
      '--target',
      bank('genericredirect').discovery,
      '--tpp-config',
      config,
      '--only',
      'DCR-FORK-redirect-not-in-ssa',
      '--fail-on',
      'warning',
    ]);
    expect(strict.out).toMatch(/0 failed, 1 warning/);
    expect(strict.code).toBe(0);
  }, 120_000);

  it('a MAY not met is a warning: exit 0, also with --fail-on warning; JUnit shows it as a passing testcase', async () => {
    const args = ['--target', bank('anyaud').discovery, '--tpp-config', config, '--only', 'REG-AUD-wrong'];
    const out = join(dir, 'report');
    const r = await cli([...args, '--reporter', 'console', '--reporter', 'junit', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1 warning/);
    expect(r.out).toMatch(/! REG-AUD-wrong .*\[MAY reg\.request-aud/);
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/failures="0" errors="0"/);
    expect(junit).toMatch(/<system-out>WARNING: MAY: the bank answered 201/);
    expect(junit).toMatch(/<property name="warning" value="MAY: /);
    // the bank takes no option the spec leaves to it: nothing to fail, whatever --fail-on says
    const strict = await cli([...args, '--fail-on', 'warning']);
    expect(strict.out).toMatch(/1 warning/);
    expect(strict.code).toBe(0);
  }, 120_000);

  it('an iat in the future accepted is a MAY warning (no sentence tells the bank to refuse it): exit 0 with --fail-on warning', async () => {
    const args = ['--target', bank('skew').discovery, '--tpp-config', config, '--only', 'REG-IAT-future'];
    const r = await cli([...args, '--fail-on', 'warning']);
    expect(r.out).toMatch(/! REG-IAT-future .*\[MAY reg\.request-iat/);
    expect(r.code).toBe(0);
  }, 120_000);

  it('a SHOULD not met is a warning: exit 0, or 1 with --fail-on warning', async () => {
    const args = ['--target', bank('oldssa').discovery, '--tpp-config', config, '--only', 'SSA-too-old'];
    const r = await cli(args);
    expect(r.out).toMatch(/! SSA-too-old .*\[SHOULD reg\.ssa-age/);
    expect(r.code).toBe(0);
    expect((await cli([...args, '--fail-on', 'warning'])).code).toBe(1);
  }, 120_000);

  it('2: usage errors, and an http:// target gets the https URL to type', async () => {
    const bad = await cli(['--concurrency', '0']);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(
      "obmock scenarios: --concurrency must be a whole number from 1 to 32 (got '0')\nRun 'obmock scenarios --help' for the options.\n",
    );
    expect((await cli(['--no-such-flag'])).code).toBe(2);
    // a sandbox bank profile that does not load: a configuration error, not a failed scenario
    const noProfile = await cli(['--bank', join(dir, 'missing-profile.yaml')]);
    expect(noProfile.code).toBe(2);
    expect(noProfile.err).toMatch(/--bank '.*missing-profile\.yaml': profile file .* not found/);
    expect((await cli(['--bank', 'no-such-profile'])).code).toBe(2);
    const http = await cli([
      '--target',
      'http://bank.example/.well-known/openid-configuration',
      '--tpp-config',
      config,
    ]);
    expect(http.code).toBe(2);
    expect(http.err).toMatch(
      /uses http:\/\/.*type https:\/\/bank\.example\/\.well-known\/openid-configuration/,
    );
    const missing = await cli([
      '--target',
      bank('default').discovery,
      '--tpp-config',
      join(dir, 'missing.json'),
    ]);
    expect(missing.code).toBe(2);
  });

  it('2: a --tpp-config whose files, material, directory or hints cannot be used (not 1: no scenario ran)', async () => {
    const directory = {
      url: sandbox.directory.url,
      caBundle: 'ca.pem',
      adminToken: sandbox.directory.adminToken,
    };
    const cases: [string, unknown, RegExp][] = [
      ['misspelt-hint', { directory, hints: { audiance: 'x' } }, /hints\.audiance is not a hint/],
      ['bad-media-type', { directory, hints: { mediaType: 'text/plain' } }, /hints\.mediaType must be/],
      [
        'no-ca-file',
        { directory: { ...directory, caBundle: 'missing-ca.pem' } },
        /directory\.caBundle: .*missing-ca\.pem/,
      ],
      [
        'no-token-file',
        { directory: { ...directory, adminToken: undefined, adminTokenFile: 'no-token' } },
        /adminTokenFile/,
      ],
      [
        'wrong-token',
        { directory: { ...directory, adminToken: 'wrong' } },
        /onboarding a TPP at the directory .*401/,
      ],
      ['no-material-dir', { materialDir: 'missing-material' }, /materialDir: /],
    ];
    for (const [name, content, message] of cases) {
      const file = join(dir, `${name}.json`);
      await writeFile(file, JSON.stringify(content));
      const r = await cli(['--target', bank('default').discovery, '--tpp-config', file, '--only', 'DCR-001']);
      expect(r.code, name).toBe(2);
      expect(r.err, name).toMatch(message);
    }
  }, 120_000);

  it('3: an unreachable target', async () => {
    const r = await cli([
      '--target',
      'https://127.0.0.1:1/.well-known/openid-configuration',
      '--tpp-config',
      config,
    ]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/cannot reach https:\/\/127\.0\.0\.1:1\//);
  }, 120_000);

  it('3: an issuer URL instead of its discovery URL, with the URL to type', async () => {
    const issuer = bank('default').issuer;
    const r = await cli(['--target', issuer, '--tpp-config', config, '--only', 'DCR-001']);
    expect(r.code).toBe(3);
    expect(r.err).toContain(`is not an OB discovery document`);
    expect(r.err).toContain(`type that`);
    expect(r.err).toContain(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  }, 120_000);
});

describe('a bank whose baseline fails (it wants another aud, and no hint says so)', () => {
  let summary: RunSummary;
  beforeAll(async () => {
    const target = await sandbox.target('otheraud');
    const { audience: _a, ...hints } = target.hints;
    const selected = selectScenarios(CATALOGUE, ['REG-', 'DCR-004', 'DCR-011', 'DCR-FORK']);
    summary = await runCatalogue(selected, { ...target, hints }, { concurrency: 2 });
  }, 240_000);

  it('blocks its negative scenarios instead of passing them', () => {
    const negatives = summary.results.filter((r) => r.tags.includes('negative'));
    expect(negatives.length).toBeGreaterThan(20);
    const notBlocked = negatives.filter((r) => r.outcome !== 'blocked' && r.outcome !== 'skipped');
    expect(notBlocked.map((r) => `${r.id}: ${r.outcome}`)).toEqual([]);
    expect(summary.passed).toBe(0);
    for (const r of negatives.filter((x) => x.outcome === 'blocked'))
      expect(r.reason, r.id).toMatch(/^its baseline failed/);
  });

  it('opens the summary with the baseline failure and what to change', () => {
    const b = summary.baselines?.find((x) => x.id === 'register');
    expect(b?.ok).toBe(false);
    expect(b?.reason).toMatch(/a valid registration was refused: 400 invalid_client_metadata .*aud/);
    expect(b?.advice).toMatch(/set hints\.audience/);
    const blocked = (summary.baselines ?? []).reduce((n, x) => n + x.blocked.length, 0);
    expect(blocked).toBe(summary.blocked);
    expect(b?.blocked.length).toBeGreaterThan(20);
    const text = consoleSummary(summary);
    expect(text.split('\n')[0]).toMatch(/^Baseline failed — a valid registration is accepted: .*aud/);
    expect(text.split('\n')[1]).toMatch(/set hints\.audience.*scenario\(s\) blocked, not passed/);
  });
});

describe('a v3.1 bank, told apart by discovery alone (no hints)', () => {
  let summary: RunSummary;
  beforeAll(async () => {
    const target = await sandbox.target('v31');
    const { specVersion: _v, mediaType: _m, audience: _a, ...hints } = target.hints;
    const selected = selectScenarios(
      CATALOGUE,
      [
        'DCR-002',
        'DCR-005',
        'DCR-008',
        'REG-REQ-scope',
        'REG-TLS-no-subject-dn',
        'MGMT-POST-schema',
        'MGMT-GET-schema',
        'TOKEN-',
      ],
      ['TOKEN-revoked-certificate'],
    );
    summary = await runCatalogue(selected, { ...target, hints }, { concurrency: 2 });
  }, 240_000);

  it('speaks the v3.1 dialect (application/jwt, scope array, tls_client_auth_dn) and passes', () => {
    expect(summary.learned?.join('\n')).toMatch(
      /in force: spec v3\.1 \(discovery: application\/jwt only\); media type application\/jwt \(discovery\)/,
    );
    const bad = summary.results.filter((r) => r.outcome === 'failed' || r.outcome === 'warning');
    expect(bad.map((r) => `${r.id}: ${r.reason}`)).toEqual([]);
    const byId = Object.fromEntries(summary.results.map((r) => [r.id, r]));
    expect(byId['DCR-005'].outcome).toBe('passed');
    expect(byId['REG-REQ-scope'].outcome).toBe('skipped');
    expect(byId['REG-TLS-no-subject-dn'].outcome).toBe('passed');
    expect(byId['TOKEN-client_secret_basic'].outcome).toBe('skipped');
    const sent = byId['DCR-002'].steps[0].exchanges[0];
    expect(sent.requestHeaders['content-type'] ?? sent.requestHeaders['Content-Type']).toBe(
      'application/jwt',
    );
    const claims = sent.jwts.find((j) => j.where.includes('request'))?.payload as Record<string, unknown>;
    expect(Array.isArray(claims.scope)).toBe(true);
    expect(typeof claims.tls_client_auth_dn).toBe('string');
  });
});

describe('--tpp-config caBundle', () => {
  it('reaches every TPP the run onboards, not only the first', async () => {
    const extra = '-----BEGIN CERTIFICATE-----\nMIIBbanksServerCaMarker\n-----END CERTIFICATE-----\n';
    await writeFile(join(dir, 'bank-ca.pem'), extra);
    const file = join(dir, 'with-ca.json');
    await writeFile(
      file,
      JSON.stringify({
        directory: {
          url: sandbox.directory.url,
          caBundle: 'ca.pem',
          adminToken: sandbox.directory.adminToken,
        },
        caBundle: 'bank-ca.pem',
      }),
    );
    const target = await targetFromConfig(bank('default').discovery, file);
    expect(target.material.caBundlePem).toContain('banksServerCaMarker');
    const second = await target.directory!.newTpp();
    expect(second.caBundlePem).toContain('banksServerCaMarker');
    expect(second.organisationId).not.toBe(target.material.organisationId);
  }, 120_000);
});
