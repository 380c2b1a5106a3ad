import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scenarios } from '../../cli/commands/scenarios.js';
import { MESSAGE_MAX } from '../../scenarios/bounded-message.js';
import { CATALOGUE, runCatalogue, selectScenarios } from '../../scenarios/index.js';
import { consoleProgress, consoleSummary } from '../../scenarios/reporters/index.js';
import type { Target } from '../../scenarios/target.js';
import { TargetError } from '../../scenarios/target-errors.js';
import type { RunSummary } from '../../scenarios/types.js';
import { saveMaterial } from '../../tpp-client/index.js';
import {
  keyPool,
  type StubServer,
  sendJson,
  serverCredentials,
  startStubServer,
  startTppAndStubBank,
  type TppAndStubBank,
} from '../tpp-client/helpers.js';
import { stubBankTarget } from './stub-bank-target.js';

/**
 * The scenario runner against a bank that answers to hurt the TPP, not to register it: a stub
 * HTTPS bank (127.0.0.1, port 0, certificate from the test directory's CA) whose behaviour is
 * chosen by the first path segment of the discovery URL.
 */
let setup: TppAndStubBank;
/** A service next to the bank that the TPP has no business calling; it records what reaches it. */
let internal: StubServer;

/** The bank's words that a run may not copy without bound. */
const HUGE = 900_000;

const discoveryOf = (base: string) => ({
  issuer: base,
  registration_endpoint: `${base}/register`,
  token_endpoint: `${base}/token`,
  token_endpoint_auth_methods_supported: ['private_key_jwt', 'tls_client_auth'],
  request_object_signing_alg_values_supported: ['PS256'],
  ob_organisation_id: '0015800001041REAAY',
});

beforeAll(async () => {
  setup = await startTppAndStubBank((req, res) => {
    const [, mode, ...rest] = req.path.split('/');
    const base = `${setup.stub.url}/${mode}`;
    const what = `/${rest.join('/')}`;
    const inside = `https://localhost:${internal.port}/admin/delete-everything`;
    if (what === '/.well-known/openid-configuration') {
      const doc = discoveryOf(base);
      if (mode === 'elsewhere') doc.registration_endpoint = inside;
      if (mode === 'token-elsewhere') doc.token_endpoint = inside;
      if (mode === 'issuer-elsewhere') doc.issuer = `https://localhost:${internal.port}`;
      if (mode === 'alias-elsewhere')
        Object.assign(doc, {
          mtls_endpoint_aliases: { registration_endpoint: inside, token_endpoint: inside },
        });
      if (mode === 'userinfo') doc.registration_endpoint = base.replace('https://', 'https://admin:s3cret@');
      if (mode === 'c1') doc.registration_endpoint = 'x\u009b2J\u001b[31mPWNED\u0007';
      if (mode === 'named-inside' || mode === 'rebinds-inside')
        Object.assign(doc, discoveryOf(`https://localhost:${setup.stub.port}/${mode}`), {
          registration_endpoint: `https://meta.localhost:${internal.port}/admin/delete-everything`,
        });
      return sendJson(res, 200, doc);
    }
    if (mode.startsWith('auth-') && what === '/register')
      return sendJson(res, 201, {
        client_id: 'abc',
        token_endpoint_auth_method: { 'auth-none': 'none', 'auth-other': 'self_signed_jwt' }[mode],
      });
    if (mode === 'huge-description' && what === '/register')
      return sendJson(res, 400, { error: 'invalid_client_metadata', error_description: 'E'.repeat(HUGE) });
    return sendJson(res, 400, { error: 'invalid_request', error_description: 'no' });
  });
  internal = await startStubServer(
    await serverCredentials(setup.t.dir.ctx.ca),
    setup.t.caBundlePem,
    (_req, res) => sendJson(res, 201, { client_id: 'from-inside' }),
  );
}, 120_000);
afterAll(async () => {
  await internal?.close();
  await setup?.close();
  keyPool.close();
});

const target = (mode: string): Target => stubBankTarget(setup, mode);

describe('a bank whose refusal carries a 900 KB error_description', () => {
  let summary: RunSummary;
  beforeAll(async () => {
    summary = await runCatalogue(
      selectScenarios(CATALOGUE, ['DCR-*', 'REG-*'], []),
      target('huge-description'),
    );
  }, 120_000);

  it('fails the baseline and blocks its negatives (never passes them)', () => {
    expect(summary.baselines?.find((b) => b.id === 'register')?.ok).toBe(false);
    expect(summary.blocked).toBeGreaterThan(10);
    expect(summary.passed).toBeLessThanOrEqual(1); // DCR-001 reads discovery only
  });

  const texts: [string, (s: RunSummary) => string[]][] = [
    ['scenario reasons', (s) => s.results.map((r) => r.reason ?? '')],
    ['baseline reasons', (s) => (s.baselines ?? []).map((b) => b.reason ?? '')],
    ['unmet expectations', (s) => s.results.map((r) => r.expectation?.message ?? '')],
    ['step errors', (s) => s.results.flatMap((r) => r.steps.map((st) => st.error ?? ''))],
    ['console lines', (s) => s.results.map((r) => consoleProgress(r))],
  ];
  it.each(texts)('%s quote the description cut to MESSAGE_MAX characters', (_what, pick) => {
    for (const text of pick(summary)) expect(text.length).toBeLessThan(MESSAGE_MAX + 1000);
    expect(pick(summary).some((t) => t.includes('E'.repeat(100)))).toBe(true);
  });

  it('the summary stays small: the description is not copied into every blocked scenario', () => {
    expect(consoleSummary(summary).length).toBeLessThan(200_000);
    expect(
      JSON.stringify({ ...summary, results: summary.results.map((r) => ({ ...r, steps: [] })) }).length,
    ).toBeLessThan(500_000);
  });
});

describe('a discovery document that sends the TPP to another host', () => {
  const DCR = () => selectScenarios(CATALOGUE, ['DCR-001', 'DCR-002'], []);
  it.each([
    ['elsewhere', 'registration_endpoint'],
    ['token-elsewhere', 'token_endpoint'],
    ['issuer-elsewhere', 'issuer'],
    ['alias-elsewhere', 'mtls_endpoint_aliases.registration_endpoint'],
    ['userinfo', 'registration_endpoint'],
  ])('%s: the run stops before any scenario (exit 3), naming %s; nothing reaches the other host', async (mode, field) => {
    internal.requests.length = 0;
    const err = await runCatalogue(DCR(), target(mode)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect((err as Error).message).toContain(field);
    expect(internal.requests).toHaveLength(0);
  });

  it('allowedHosts lets a bank name that host, and the TPP calls it', async () => {
    internal.requests.length = 0;
    const summary = await runCatalogue(DCR(), { ...target('elsewhere'), allowedHosts: ['localhost'] });
    expect(summary.results.find((r) => r.id === 'DCR-001')?.outcome).toBe('passed');
    expect(internal.requests.some((r) => r.method === 'POST' && r.path === '/admin/delete-everything')).toBe(
      true,
    );
  });
});

/**
 * A resolver for `localhost` (the bank, 127.0.0.1) and `meta.localhost`, a name of the bank's
 * own domain: `meta` gives its answers in turn (the last one repeats). 0.0.0.0 reaches this
 * machine's 127.0.0.1 listeners, the other host's included.
 */
function resolverFor(...meta: string[]): LookupFunction {
  let n = 0;
  return ((host: string, options: { all?: boolean }, callback: (...a: unknown[]) => void) => {
    const address = host === 'meta.localhost' ? meta[Math.min(n++, meta.length - 1)] : '127.0.0.1';
    const family = 4;
    process.nextTick(() =>
      options.all ? callback(null, [{ address, family }]) : callback(null, address, family),
    );
  }) as unknown as LookupFunction;
}

describe('a discovery document naming a host of its own domain that resolves to a forbidden address', () => {
  const DCR = () => selectScenarios(CATALOGUE, ['DCR-001', 'DCR-002'], []);
  const named = (mode: string, lookup: LookupFunction): Target => ({
    ...target(mode),
    discoveryUrl: `https://localhost:${setup.stub.port}/${mode}/.well-known/openid-configuration`,
    lookup,
  });

  it('the run stops before any scenario (exit 3), naming the field, the class and the remedy; nothing reaches the host', async () => {
    internal.requests.length = 0;
    const before = internal.connections();
    const err = await runCatalogue(DCR(), named('named-inside', resolverFor('0.0.0.0'))).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TargetError);
    expect((err as TargetError).exitCode).toBe(3);
    const message = (err as Error).message;
    expect(message).toContain(
      'registration_endpoint is on host meta.localhost, which resolves to an unspecified address',
    );
    expect(message).toContain('discovery host localhost resolves to loopback');
    expect(message).toContain('allowedHosts');
    expect(message).not.toContain('0.0.0.0');
    expect(message).not.toMatch(/\n\s+at /);
    expect(internal.connections()).toBe(before);
    expect(internal.requests).toHaveLength(0);
  });

  it('a name that resolves elsewhere by the time the TPP connects (rebinding) is refused at the connection: the scenario fails with the refusal', async () => {
    internal.requests.length = 0;
    const before = internal.connections();
    const summary = await runCatalogue(DCR(), named('rebinds-inside', resolverFor('127.0.0.1', '0.0.0.0')));
    const r = summary.results.find((x) => x.id === 'DCR-002');
    expect(r?.outcome).toBe('failed');
    expect(r?.reason).toContain('refused: meta.localhost, named by registration_endpoint');
    expect(r?.reason).toContain('resolves to an unspecified address');
    expect(internal.connections()).toBe(before);
    expect(internal.requests).toHaveLength(0);
  });
});

describe('a 201 whose token_endpoint_auth_method no confidential client can use', () => {
  it.each([
    ['auth-none', 'none'],
    ['auth-other', 'self_signed_jwt'],
  ])("%s: DCR-002 fails on the bank's answer, not as an error of obmock", async (mode, method) => {
    const summary = await runCatalogue(selectScenarios(CATALOGUE, ['DCR-002'], []), target(mode));
    const r = summary.results.find((x) => x.id === 'DCR-002');
    expect(r?.outcome).toBe('failed');
    expect(r?.reason).not.toMatch(/^error:/);
    expect(r?.reason).toContain(`token_endpoint_auth_method "${method}"`);
    expect(r?.expectation?.level).toBe('MUST');
  });
});

describe('obmock scenarios: the exit-3 message quotes the bank on one clean line', () => {
  it('a discovery value with C1 and C0 controls does not reach stderr raw', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'obmock-hostile-'));
    try {
      await saveMaterial(join(dir, 'material'), setup.material);
      await writeFile(join(dir, 'tpp.json'), JSON.stringify({ materialDir: 'material' }));
      let err = '';
      const spyErr = vi.spyOn(process.stderr, 'write').mockImplementation((c) => {
        err += String(c);
        return true;
      });
      const spyOut = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      let code: number;
      try {
        code = await scenarios([
          '--target',
          target('c1').discoveryUrl,
          '--tpp-config',
          join(dir, 'tpp.json'),
        ]);
      } finally {
        spyErr.mockRestore();
        spyOut.mockRestore();
      }
      expect(code).toBe(3);
      expect(err).toContain('registration_endpoint');
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
      expect(err.replace(/\n$/, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
