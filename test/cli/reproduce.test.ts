import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../aspsp-mock/index.js';

/** The built `obmock` binary, as a user runs it (npm test builds first). */
const BIN = resolve(import.meta.dirname, '../../dist/cli/main.js');
const FIXTURES = resolve(import.meta.dirname, '../fixtures/reproduce');
const work = mkdtempSync(join(tmpdir(), 'obmock-cli-reproduce-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const obmock = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd: work, encoding: 'utf8', timeout: 120_000 });

describe('obmock profiles infer', () => {
  it('is built', () => {
    expect(existsSync(BIN), 'run `npm run build` first').toBe(true);
  });

  it('prints a commented YAML profile for a saved discovery document', () => {
    const r = obmock('profiles', 'infer', join(FIXTURES, 'discovery', 'pingfederate-style.json'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('  # from discovery: mtls_endpoint_aliases.registration_endpoint\n');
    expect(r.stdout).toContain('  registrationPath: "/as/clients.oauth2"\n');
    expect(r.stdout).toContain('# not advertised: strict default kept\n#   specVersion: "3.3"');
    expect(r.stdout).toContain('grant_types_supported: "implicit"');
  });

  it('writes JSON or YAML files that load as profiles', () => {
    for (const name of ['bank.json', 'bank.yaml']) {
      const out = join(work, name);
      const r = obmock('profiles', 'infer', join(FIXTURES, 'discovery', 'ob-v3.1-legacy.json'), '--out', out);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain(`npx --no-install obmock up --bank bank=${out}`);
      const p = loadProfile(out);
      expect(p.settings.specVersion).toBe('3.1');
      expect(p.settings.registrationMediaTypes).toEqual(['application/jwt']);
    }
  });

  it('refuses bad usage with exit 2 and bad input with a message', () => {
    expect(obmock('profiles', 'infer').status).toBe(2);
    expect(obmock('profiles', 'infer', 'a.json', 'b.json').status).toBe(2);
    expect(obmock('profiles', 'infer', 'x.json', '--timeout-ms', 'soon').status).toBe(2);
    const http = obmock('profiles', 'infer', 'http://bank.example/.well-known/openid-configuration');
    expect(http.status).toBe(1);
    expect(http.stderr).toMatch(/must use https/);
    const missing = obmock('profiles', 'infer', join(work, 'missing.json'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/not found/);
  });
});

describe('obmock reproduce', () => {
  it('refuses missing options with exit 2', () => {
    const r = obmock('reproduce', '--discovery', 'd.json');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('missing --request, --response');
  });

  it('an input it cannot use exits 2 with the reason, apart from "no variant matched" (1)', () => {
    const ex = join(FIXTURES, 'exchanges', 'forgerock-aud-issuer');
    const discovery = join(FIXTURES, 'discovery', 'forgerock-style-v3.3.json');
    const noStatus = join(work, 'no-status.json');
    writeFileSync(noStatus, '{}');
    const cases: [string[], RegExp][] = [
      [
        ['--request', join(work, 'missing.jwt'), '--response', join(ex, 'response.json')],
        /request file .* not found/,
      ],
      [['--request', join(ex, 'request.jwt'), '--response', noStatus], /"status" must be an HTTP status/],
      [
        [
          '--request',
          join(ex, 'request.jwt'),
          '--response',
          join(ex, 'response.json'),
          '--max-variants',
          'many',
        ],
        /--max-variants must be a whole number/,
      ],
      [
        [
          '--request',
          join(ex, 'request.jwt'),
          '--response',
          join(ex, 'response.json'),
          '--ca',
          join(work, 'no.pem'),
        ],
        /CA file .* not found/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = obmock('reproduce', '--discovery', discovery, ...args, '--out', join(work, 'unused.yaml'));
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain("Run 'obmock reproduce --help' for the options.");
    }
    const missingDiscovery = obmock(
      'reproduce',
      '--discovery',
      join(work, 'missing-discovery.json'),
      '--request',
      join(ex, 'request.jwt'),
      '--response',
      join(ex, 'response.json'),
    );
    expect(missingDiscovery.status).toBe(2);
    expect(missingDiscovery.stderr).toMatch(/discovery file .* not found/);
  });

  it('diagnoses a fixture exchange, prints JSON and writes the profile', () => {
    const ex = join(FIXTURES, 'exchanges', 'forgerock-subject-type');
    const out = join(work, 'reproduced.yaml');
    const r = obmock(
      'reproduce',
      '--discovery',
      join(FIXTURES, 'discovery', 'forgerock-style-v3.3.json'),
      '--request',
      join(ex, 'request.jwt'),
      '--response',
      join(ex, 'response.json'),
      '--out',
      out,
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.matched).toBe(true);
    expect(d.switches.requiredClaims).toEqual({ subject_type: 'pairwise' });
    expect(d.diagnosed).toEqual({ requiredClaims: { subject_type: 'pairwise' } });
    expect(d.ranked[0]).toMatchObject({ status: 400, error: 'invalid_client_metadata', matched: true });
    expect(d.command).toBe(`npx --no-install obmock up --bank bank=${out}`);
    expect(readFileSync(out, 'utf8')).toContain(
      '  # diagnosed by replay: Banks requiring e.g. `subject_type: pairwise`.',
    );
    expect(loadProfile(out).settings.requiredClaims).toEqual({ subject_type: 'pairwise' });
  });

  // The answer file is what the bank sent: its words must not drive the terminal.
  const ESC = '\u001b';
  it.each([
    ['the error code', { error: `invalid_client_metadata${ESC}[2J`, error_description: 'aud is wrong' }],
    [
      'the description',
      {
        error: 'invalid_client_metadata',
        error_description: `${ESC}[2J${ESC}[31mPWNED${ESC}]0;t\u0007\r\u009b1A`,
      },
    ],
  ])('prints %s of the real answer without escape sequences or control characters', (_what, body) => {
    const ex = join(FIXTURES, 'exchanges', 'forgerock-aud-issuer');
    const response = join(work, 'hostile-response.json');
    writeFileSync(
      response,
      JSON.stringify({ status: 400, headers: { 'content-type': 'application/json' }, body }),
    );
    const r = obmock(
      'reproduce',
      '--discovery',
      join(FIXTURES, 'discovery', 'forgerock-style-v3.3.json'),
      '--request',
      join(ex, 'request.jwt'),
      '--response',
      response,
      '--out',
      join(work, 'hostile.yaml'),
    );
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('Real answer:  400 invalid_client_metadata');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});
