import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createCsr,
  generateRsaKeyPair,
  type IssuedCertificate,
  issueCertificate,
  loadOrCreateCa,
  parseCsr,
} from '../../certs/index.js';
import {
  consoleProgress,
  consoleSummary,
  findCertificates,
  maskText,
  toHtmlReport,
  toJsonReport,
  toJUnitXml,
  writeReports,
} from '../../scenarios/reporters/index.js';
import type { Exchange, RunSummary, ScenarioResult } from '../../scenarios/types.js';
import { systemTool } from '../helpers/system-tool.js';
import { tempDir } from '../helpers/temp-dir.js';

const ORG_ID = '0015800001041REAAY';
const SOFTWARE_ID = '4pHhkZQaBOGdp5zbkSsGF8';
const BANK = 'bank.localhost:8443';
const DIRECTORY = 'directory.localhost:8444';
const SCHEMA = resolve(import.meta.dirname, '../fixtures/junit.xsd');

/** Secrets planted where the recorder would not have masked them; none may reach a report. */
const PLANTED = {
  clientSecret: 'PLANTEDclientSecret0123456789',
  bearer: 'PLANTEDbearerToken0123456789',
  accessToken: 'PLANTEDaccessToken0123456789',
  basicPassword: 'PLANTEDbasicPassword0123456789',
  adminToken: 'PLANTEDadminToken0123456789',
  inReason: 'PLANTEDreasonToken0123456789',
};

/** Hostile text: markup, quotes, C0 controls, an ANSI escape, a lone surrogate, CDATA end. */
const HOSTILE = `<script>alert("x")</script> & 'q' ]]> \u0000\u0007\u001b[31mred\u001b[0m \uD800 ok 🙂`;

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
function jwt(header: object, payload: object): string {
  return `${b64url(header)}.${b64url(payload)}.c2lnbmF0dXJl`;
}

const SSA_CLAIMS = {
  iss: 'OpenBanking Ltd',
  software_id: SOFTWARE_ID,
  org_id: ORG_ID,
  software_roles: ['AISP'],
};
const REG_HEADER = { alg: 'PS256', kid: 'signing-kid-1', typ: 'JWT' };
const REG_CLAIMS = {
  iss: SOFTWARE_ID,
  aud: ORG_ID,
  token_endpoint_auth_method: 'tls_client_auth',
  software_statement: '(the SSA)',
};

function exchange(partial: Partial<Exchange> & Pick<Exchange, 'method' | 'url'>): Exchange {
  return {
    from: 'TPP',
    to: new URL(partial.url).host,
    requestHeaders: {},
    ms: 12,
    jwts: [],
    ...partial,
  };
}

function buildSummary(cert: IssuedCertificate): RunSummary {
  const regJwt = jwt(REG_HEADER, REG_CLAIMS);
  const discovery = exchange({
    method: 'GET',
    url: `https://${BANK}/.well-known/openid-configuration`,
    requestHeaders: { accept: 'application/json' },
    status: 200,
    responseHeaders: { 'content-type': 'application/json' },
    responseBody: JSON.stringify({
      issuer: `https://${BANK}`,
      registration_endpoint: `https://${BANK}/register`,
    }),
    ms: 8,
  });
  const register = exchange({
    method: 'POST',
    url: `https://${BANK}/register`,
    requestHeaders: { 'content-type': 'application/jose', authorization: `Bearer ${PLANTED.bearer}` },
    requestBody: regJwt,
    status: 201,
    responseHeaders: { 'content-type': 'application/json', 'x-admin-token': PLANTED.adminToken },
    responseBody: JSON.stringify({
      client_id: 'client-123',
      client_secret: PLANTED.clientSecret,
      registration_access_token: 'abcd…',
    }),
    ms: 41,
    jwts: [
      { where: 'request', header: REG_HEADER, payload: REG_CLAIMS },
      { where: 'request', header: { alg: 'PS256', kid: 'ssa-kid' }, payload: SSA_CLAIMS },
    ],
  });
  const token = exchange({
    method: 'POST',
    url: `https://${BANK}/token`,
    requestHeaders: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`client-123:${PLANTED.basicPassword}`).toString('base64')}`,
    },
    requestBody: 'grant_type=client_credentials&scope=accounts',
    status: 200,
    responseHeaders: { 'content-type': 'application/json' },
    responseBody: `{"access_token":"${PLANTED.accessToken}","token_type":"Bearer","expires_in":300}`,
    ms: 15,
  });
  const uploadCsr = exchange({
    method: 'POST',
    url: `https://${DIRECTORY}/organisation/${ORG_ID}/software-statements/${SOFTWARE_ID}/certificates`,
    requestHeaders: { 'content-type': 'application/pkcs10' },
    requestBody: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB…\n-----END CERTIFICATE REQUEST-----',
    status: 201,
    responseHeaders: { 'content-type': 'application/json' },
    // JSON-escaped PEM, as a JSON API returns it
    responseBody: JSON.stringify({ kid: 'transport-kid', pem: cert.pem }),
    ms: 30,
  });
  const badRegister = exchange({
    method: 'POST',
    url: `https://${BANK}/register`,
    requestHeaders: { 'content-type': 'application/jose' },
    requestBody: jwt({ ...REG_HEADER, alg: 'RS256' }, REG_CLAIMS),
    status: 201,
    responseHeaders: { 'content-type': 'application/json' },
    responseBody: JSON.stringify({ client_id: 'client-456', note: HOSTILE }),
    ms: 37,
    jwts: [{ where: 'request', header: { ...REG_HEADER, alg: 'RS256' }, payload: REG_CLAIMS }],
  });
  const refused = exchange({
    from: 'TPP-2',
    method: 'GET',
    url: `https://${BANK}/register/client-123`,
    requestHeaders: { authorization: `Bearer ${PLANTED.bearer}` },
    error: `connect ECONNREFUSED ${HOSTILE}`,
    ms: 3,
  });

  const results: ScenarioResult[] = [
    {
      id: 'DCR-001',
      title: 'Registers with a valid software statement',
      reference: 'OB DCR v3.3 §5.1; conformance DCR-001',
      rules: [],
      level: 'MUST',
      conformanceCase: 'DCR-001',
      tags: ['conformance', 'register'],
      outcome: 'passed',
      durationMs: 120,
      steps: [
        { name: 'discover the bank', ok: true, exchanges: [discovery] },
        { name: 'register', ok: true, exchanges: [register] },
        { name: 'get a token', ok: true, exchanges: [token] },
      ],
    },
    {
      id: 'DCR-004-rs256',
      title: `Rejects an RS256-signed request ${HOSTILE}`,
      reference: 'OB DCR v3.3 §3.1.2: PS256 or ES256 only',
      rules: [],
      level: 'MUST',
      conformanceCase: 'DCR-004',
      tags: ['conformance'],
      outcome: 'failed',
      reason: `expected 400 invalid_client_metadata, got 201 ${HOSTILE}`,
      durationMs: 310,
      steps: [
        { name: 'onboard a certificate', ok: true, exchanges: [uploadCsr] },
        {
          name: 'register with RS256',
          ok: false,
          error: `expected 400 invalid_client_metadata, got 201 ${HOSTILE}`,
          exchanges: [discovery, badRegister],
        },
      ],
    },
    {
      id: 'REG-PUT-001',
      title: 'Updates a registration',
      reference: 'OB DCR v3.3 §5.3',
      rules: [],
      level: 'MUST',
      tags: ['management'],
      outcome: 'skipped',
      reason: 'the target does not offer: management-put',
      durationMs: 0,
      steps: [],
    },
    {
      id: 'REG-GET-002',
      title: 'Reads a registration back',
      reference: 'RFC 7592 §2.1',
      rules: [],
      level: 'MUST',
      tags: ['management', 'rfc7592'],
      outcome: 'failed',
      reason: `error: connect ECONNREFUSED; access_token=${PLANTED.inReason}`,
      durationMs: 4,
      steps: [{ name: 'read it back', ok: false, error: 'connect ECONNREFUSED', exchanges: [refused] }],
    },
    {
      id: 'TOKEN-001',
      title: 'Client credentials with tls_client_auth',
      reference: 'RFC 8705 §2',
      rules: [],
      level: 'MUST',
      tags: ['token'],
      outcome: 'passed',
      durationMs: 60,
      steps: [{ name: 'get a token', ok: true, exchanges: [token] }],
    },
  ];
  const count = (o: ScenarioResult['outcome']) => results.filter((r) => r.outcome === o).length;
  return {
    target: 'sandbox bank (strict)',
    startedAt: '2026-03-01T12:00:00.000Z',
    durationMs: 4321,
    passed: count('passed'),
    failed: count('failed'),
    warnings: count('warning'),
    blocked: count('blocked'),
    skipped: count('skipped'),
    results,
  };
}

function expectNoPlantedSecret(text: string): void {
  for (const secret of Object.values(PLANTED)) expect(text).not.toContain(secret);
  // Basic credentials are masked as a whole, so the base64 form may not appear either
  expect(text).not.toContain(Buffer.from(`client-123:${PLANTED.basicPassword}`).toString('base64'));
}

let summary: RunSummary;
let cert: IssuedCertificate;

beforeAll(async () => {
  const [ca, key] = await Promise.all([
    loadOrCreateCa(tempDir('obmock-reporters-'), {
      crlUrl: 'http://localhost:8444/ca/crl',
      rootKeyBits: 2048,
    }),
    generateRsaKeyPair(2048),
  ]);
  const subject = [
    { name: 'C', value: 'GB' },
    { name: 'O', value: 'OpenBanking' },
    { name: 'OU', value: ORG_ID },
    { name: 'CN', value: SOFTWARE_ID },
  ];
  cert = issueCertificate(ca, {
    type: 'obtransport',
    csr: parseCsr(createCsr({ key, subject })),
    ctx: {
      orgId: ORG_ID,
      softwareId: SOFTWARE_ID,
      legalName: 'Acme Payments Ltd',
      organisationIdentifier: `PSDGB-OB-Unknown${ORG_ID}`,
      roles: ['PSP_AI'],
    },
  });
  summary = buildSummary(cert);
});

describe('masking (second pass)', () => {
  it('masks client secrets, access tokens and Authorization values in free text, idempotently', () => {
    const text = `{"client_secret":"s3cr3tvalue"} access_token=tok3nvalue Authorization: Bearer b3arervalue`;
    const once = maskText(text);
    expect(once).not.toMatch(/s3cr3tvalue|tok3nvalue|b3arervalue/);
    expect(once).toContain('"client_secret":"s3cr…"');
    expect(once).toContain('Bearer b3ar…');
    expect(maskText(once)).toBe(once);
    expect(maskText('Basic authentication is not offered')).toBe('Basic authentication is not offered');
  });
});

describe('certificates', () => {
  it('decodes a PEM certificate found JSON-escaped in a body', () => {
    const found = findCertificates(JSON.stringify({ pem: cert.pem }), 'response body');
    expect(found).toHaveLength(1);
    expect(found[0].subject).toContain(`CN=${SOFTWARE_ID}`);
    expect(found[0].issuer).toContain('obmock Issuing CA');
    expect(found[0].serialNumber.toLowerCase()).toBe(cert.serialHex.toLowerCase());
    expect(found[0].validTo).toBe(cert.notAfter.toISOString());
  });
});

describe('console reporter', () => {
  it('prints one line per scenario with symbol, id, title, time and reason', () => {
    const lines = summary.results.map((r) => consoleProgress(r));
    expect(lines[0]).toBe('✓ DCR-001 Registers with a valid software statement (120 ms)');
    expect(lines[1]).toMatch(/^✗ DCR-004-rs256 Rejects an RS256-signed request .* \(310 ms\) — expected 400/);
    expect(lines[2]).toBe(
      '○ REG-PUT-001 Updates a registration (0 ms) — the target does not offer: management-put',
    );
    for (const line of lines) {
      expect(line).not.toContain('\n');
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking none got through
      expect(line).not.toMatch(/[\u0000-\u0008\u001b]/);
    }
    expectNoPlantedSecret(lines.join('\n'));
  });

  it('says what became of the clients the run registered, just above the counts; nothing when they were kept', () => {
    const cleanup = {
      deleted: 54,
      left: 2,
      noDelete: 1,
      revoked: 4,
      reasons: [{ reason: 'the token for it: 401 invalid_client\u001b[2J', count: 2 }],
    };
    const lines = consoleSummary({ ...summary, cleanup }).split('\n');
    const at = lines.findIndex((l) => l.startsWith('clients the run registered:'));
    expect(lines[at]).toBe(
      'clients the run registered: deleted 54, left 2 (the token for it: 401 invalid_client ×2), left 4 registered over certificates the run revoked, left 1 at a bank that offers no DELETE (--keep-clients keeps them)',
    );
    expect(lines[at + 1]).toMatch(/^\d+ scenarios against /);
    expect(consoleSummary(summary)).not.toContain('clients the run registered');
  });

  it('colours only when asked', () => {
    expect(consoleProgress(summary.results[0], { color: true })).toContain('\u001b[32m✓\u001b[0m');
    expect(consoleSummary(summary, { color: true })).toContain('\u001b[31m');
    expect(consoleSummary(summary)).not.toContain('\u001b');
  });

  it('summarises counts, failed ids with reasons and the duration', () => {
    const text = consoleSummary(summary);
    expect(text).toContain(
      '5 scenarios against sandbox bank (strict): 2 passed, 2 failed, 0 warnings, 1 skipped, 0 blocked in 4.3 s',
    );
    expect(text).toContain('✗ DCR-004-rs256 — expected 400 invalid_client_metadata, got 201');
    expect(text).toContain('✗ REG-GET-002 — error: connect ECONNREFUSED');
    expect(text).not.toContain('REG-PUT-001');
    expectNoPlantedSecret(text);
  });
});

describe('JSON report', () => {
  it('has the summary and every scenario, step and exchange, JWTs and certificates decoded', () => {
    const report = JSON.parse(toJsonReport(summary));
    expect(report.format).toBe('obmock-scenario-report');
    expect(report.summary).toMatchObject({
      target: 'sandbox bank (strict)',
      total: 5,
      passed: 2,
      failed: 2,
      skipped: 1,
      failedIds: ['DCR-004-rs256', 'REG-GET-002'],
      skippedIds: ['REG-PUT-001'],
    });
    expect(report.scenarios.map((s: { id: string }) => s.id)).toEqual(summary.results.map((r) => r.id));
    summary.results.forEach((r, i) => {
      const s = report.scenarios[i];
      expect(s.outcome).toBe(r.outcome);
      expect(s.reference).toBe(r.reference);
      expect(s.steps).toHaveLength(r.steps.length);
      r.steps.forEach((step, j) => {
        expect(s.steps[j].name).toBe(step.name);
        expect(s.steps[j].exchanges).toHaveLength(step.exchanges.length);
        step.exchanges.forEach((e, k) => {
          expect(s.steps[j].exchanges[k]).toMatchObject({ method: e.method, url: e.url, ms: e.ms });
          expect(s.steps[j].exchanges[k].status).toBe(e.status);
          expect(s.steps[j].exchanges[k].jwts).toHaveLength(e.jwts.length);
        });
      });
    });
    const register = report.scenarios[0].steps[1].exchanges[0];
    expect(register.requestBody).toMatch(/^eyJ/);
    expect(register.jwts[1]).toEqual({
      where: 'request',
      header: { alg: 'PS256', kid: 'ssa-kid' },
      payload: SSA_CLAIMS,
    });
    const upload = report.scenarios[1].steps[0].exchanges[0];
    expect(upload.certificates[0].subject).toContain(`CN=${SOFTWARE_ID}`);
  });

  it('masks secrets planted in bodies, headers and reasons', () => {
    const text = toJsonReport(summary);
    expectNoPlantedSecret(text);
    const report = JSON.parse(text);
    const register = report.scenarios[0].steps[1].exchanges[0];
    expect(register.requestHeaders.authorization).toBe('Bearer PLAN…');
    expect(register.responseHeaders['x-admin-token']).toBe('PLAN…');
    expect(JSON.parse(register.responseBody).client_secret).toBe('PLAN…');
    expect(report.scenarios[3].reason).toBe('error: connect ECONNREFUSED; access_token=PLAN…');
  });
});

const XMLLINT = systemTool({
  names: ['xmllint'],
  install: 'apt-get install -y libxml2-utils (.ci/run installs it)',
  neededFor: 'the JUnit schema tests',
});

function xmllint(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('xmllint', args, { encoding: 'utf8' });
  if (r.error) {
    throw new Error(
      `xmllint is needed to validate the JUnit report (${r.error.message}); install it: apt-get install -y libxml2-utils`,
    );
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('JUnit report', () => {
  let xml: string;
  let file: string;
  beforeAll(() => {
    xml = toJUnitXml(summary);
    file = join(tempDir('obmock-reporters-'), 'junit.xml');
    writeFileSync(file, xml);
  });

  it.skipIf(XMLLINT.skip)('validates against the JUnit XML schema', () => {
    const r = xmllint(['--noout', '--schema', SCHEMA, file]);
    expect(r.stderr).toContain('validates');
    expect(r.status).toBe(0);
  });

  it.skipIf(XMLLINT.skip)(
    'the schema is not vacuous: it rejects a testcase without a name and two outcomes',
    () => {
      const bad = join(tempDir('obmock-reporters-'), 'bad.xml');
      writeFileSync(
        bad,
        '<testsuites><testsuite name="x" tests="1"><testcase classname="a"><skipped/><failure/></testcase></testsuite></testsuites>',
      );
      const r = xmllint(['--noout', '--schema', SCHEMA, bad]);
      expect(r.status).not.toBe(0);
    },
  );

  it.skipIf(XMLLINT.skip)('an empty run with no target name still validates', () => {
    const empty = join(tempDir('obmock-reporters-'), 'empty.xml');
    const run: RunSummary = { ...summary, target: '', results: [], passed: 0, failed: 0, skipped: 0 };
    writeFileSync(empty, toJUnitXml(run));
    expect(xmllint(['--noout', '--schema', SCHEMA, empty]).status).toBe(0);
    expect(toHtmlReport(run)).not.toContain('data-scenario-id');
    expect(JSON.parse(toJsonReport(run)).scenarios).toEqual([]);
  });

  it('counts tests, failures, errors and skips', () => {
    const root = xml.match(/<testsuites [^>]*>/)![0];
    expect(root).toContain('tests="5" failures="1" errors="1" skipped="1" time="4.321"');
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml).toContain('<testsuite name="sandbox bank (strict)"');
    expect(xml.match(/<testcase /g)).toHaveLength(5);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml.match(/<error /g)).toHaveLength(1);
    expect(xml.match(/<skipped /g)).toHaveLength(1);
    expect(xml).toContain(
      '<testcase classname="obmock.conformance" name="DCR-001 Registers with a valid software statement" time="0.120">',
    );
    expect(xml).toContain('<skipped message="the target does not offer: management-put"/>');
    expect(xml).toContain('<property name="conformanceCase" value="DCR-004"/>');
    expect(xml).toContain('<property name="reference" value="OB DCR v3.3 §3.1.2: PS256 or ES256 only"/>');
  });

  it.skipIf(XMLLINT.skip)(
    "puts the failing step and its HTTP exchange in the failure's text, escaped",
    () => {
      const text = xmllint(['--xpath', 'string(//testcase[2]/failure)', file]).stdout;
      expect(text).toContain('Step: register with RS256');
      expect(text).toContain(`POST https://${BANK}/register`);
      expect(text).toContain('HTTP 201');
      expect(text).toContain('content-type: application/jose');
      expect(text).toContain('"client_id": "client-456"');
      expect(text).toContain('<script>alert("x")</script>'); // restored by the parser: it was escaped
      const message = xmllint(['--xpath', 'string(//testcase[2]/failure/@message)', file]).stdout;
      // what the attribute carried, once parsed: the reason minus the characters XML cannot hold
      // and the terminal colour sequences
      const legal = `<script>alert("x")</script> & 'q' ]]> red  ok 🙂`;
      expect(message.replace(/\n$/, '')).toBe(`expected 400 invalid_client_metadata, got 201 ${legal}`);
      const error = xmllint(['--xpath', 'string(//testcase[4]/error)', file]).stdout;
      expect(error).toContain(`GET https://${BANK}/register/client-123`);
      expect(error).toContain('no response: connect ECONNREFUSED');
      expectNoPlantedSecret(xml);
    },
  );
});

describe('HTML report (text)', () => {
  it('escapes every piece of text and carries no script', () => {
    const page = toHtmlReport(summary);
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking none got through
    expect(page).not.toMatch(/[\u0000-\u0008\u001b]/);
    expect(page).not.toMatch(/<(link|img|iframe)\b|src=|href="(https?:)?\/\//i);
    expectNoPlantedSecret(page);
  });
});

const CHROMIUM = systemTool({
  names: ['chromium', 'chromium-browser'],
  env: 'CHROMIUM_PATH',
  install: 'apt-get install -y chromium (.ci/run installs it), or set CHROMIUM_PATH',
  neededFor: 'the HTML report browser tests',
});

function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const r = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  });
  const path = r.stdout.trim().split('\n')[0];
  if (!path) {
    throw new Error(
      'chromium is not installed, and the HTML report test needs it: apt-get install -y chromium ' +
        '(.ci/run installs it), or set CHROMIUM_PATH',
    );
  }
  return path;
}

describe.skipIf(CHROMIUM.skip)('HTML report (headless Chromium)', () => {
  it('shows every scenario with its status, the diagrams, and decoded JWTs on opening an exchange', async () => {
    const executablePath = findChromium();
    const { chromium } = await import('playwright-core');
    const dir = tempDir('obmock-reporters-');
    const paths = await writeReports(summary, { reporters: ['html'], outDir: join(dir, 'out') });
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-gpu',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const dialogs: string[] = [];
      page.on('dialog', async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
      const requests: string[] = [];
      page.on('request', (req) => requests.push(req.url()));
      await page.goto(pathToFileURL(paths.html!).href);

      const sections = page.locator('[data-scenario-id]');
      expect(await sections.count()).toBe(summary.results.length);
      const shown: { id: string | null; outcome: string | null; heading: string; facts: string }[] = [];
      for (let i = 0; i < summary.results.length; i++) {
        const section = sections.nth(i);
        // visible on screen, not merely in the DOM
        expect(await section.isVisible()).toBe(true);
        expect(await section.locator('h2 .badge').isVisible()).toBe(true);
        shown.push({
          id: await section.getAttribute('data-scenario-id'),
          outcome: await section.getAttribute('data-outcome'),
          heading: (await section.locator('h2').textContent()) ?? '',
          facts: (await section.locator('dl.facts').textContent()) ?? '',
        });
      }
      expect(shown.map((s) => s.id)).toEqual(summary.results.map((r) => r.id));
      summary.results.forEach((r, i) => {
        expect(shown[i].outcome).toBe(r.outcome);
        expect(shown[i].heading).toContain(r.outcome.toUpperCase());
        expect(shown[i].heading).toContain(r.id);
        expect(shown[i].facts).toContain(r.reference);
        if (r.reason) expect(shown[i].facts).toContain(r.reason.slice(0, 30));
      });
      // the hostile title is shown as text, never run
      expect(shown[1].heading).toContain('<script>alert("x")</script>');
      expect(await page.locator('script').count()).toBe(0);
      expect(dialogs).toEqual([]);
      expect(await page.locator('#summary').textContent()).toMatch(
        /5\s+scenarios[\s\S]*2\s+passed[\s\S]*2\s+failed/,
      );

      const withExchanges = summary.results.filter((r) => r.steps.some((s) => s.exchanges.length > 0));
      expect(await page.locator('[data-scenario-id] svg.sequence').count()).toBe(withExchanges.length);
      const firstDiagram = page.locator('[data-scenario-id="DCR-001"] svg.sequence');
      expect(await firstDiagram.locator('a.seq-exchange').count()).toBe(3);
      expect(await firstDiagram.textContent()).toContain('POST /register');
      const box = await firstDiagram.boundingBox();
      expect(box!.width).toBeGreaterThan(200);

      // the failed scenario opens its failing exchange; the others start closed
      const failing = page.locator('[data-scenario-id="DCR-004-rs256"] details[open]');
      expect(await failing.count()).toBe(1);
      expect(await failing.locator('.response-body').textContent()).toContain('client-456');

      const registerDetails = page.locator('[data-scenario-id="DCR-001"] details.exchange').nth(1);
      const payload = registerDetails.locator('.jwt-payload').first();
      expect(await payload.isVisible()).toBe(false);
      await registerDetails.locator('summary').click();
      expect(await registerDetails.getAttribute('open')).not.toBeNull();
      expect(await payload.isVisible()).toBe(true);
      expect(await payload.textContent()).toContain('"token_endpoint_auth_method": "tls_client_auth"');
      expect(await registerDetails.locator('.jwt-header').first().textContent()).toContain('"alg": "PS256"');

      const certTable = page.locator('[data-scenario-id="DCR-004-rs256"] table.cert');
      expect(await certTable.textContent()).toContain(`CN=${SOFTWARE_ID}`);

      const screenshot = join(dir, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      const png = readFileSync(screenshot);
      expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(
        true,
      );
      expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(1280); // IHDR width
      expect(png.readUInt32BE(20)).toBeGreaterThan(900); // IHDR height: the full page
      expect(statSync(screenshot).size).toBeGreaterThan(20_000);

      // the "only problems" switch hides passed scenarios
      await page.locator('#only-problems').check();
      expect(await page.locator('[data-scenario-id="DCR-001"]').isVisible()).toBe(false);
      expect(await page.locator('[data-scenario-id="REG-PUT-001"]').isVisible()).toBe(true);

      // nothing but the file itself was fetched
      expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('writeReports', () => {
  it('writes the chosen reports into a new directory and returns their paths', async () => {
    const outDir = join(tempDir('obmock-reporters-'), 'a', 'b');
    const paths = await writeReports(summary, { reporters: ['json', 'junit', 'html', 'json'], outDir });
    expect(paths).toEqual({
      json: join(outDir, 'report.json'),
      junit: join(outDir, 'junit.xml'),
      html: join(outDir, 'report.html'),
    });
    expect(readFileSync(paths.json!, 'utf8')).toBe(toJsonReport(summary));
    expect(readFileSync(paths.junit!, 'utf8')).toBe(toJUnitXml(summary));
    expect(readFileSync(paths.html!, 'utf8')).toBe(toHtmlReport(summary));
    const onlyJunit = await writeReports(summary, { reporters: ['junit'], outDir: join(outDir, 'c') });
    expect(Object.keys(onlyJunit)).toEqual(['junit']);
    expect(existsSync(join(outDir, 'c', 'report.html'))).toBe(false);
  });

  it('refuses an unknown format', async () => {
    await expect(
      writeReports(summary, {
        reporters: ['pdf' as 'json'],
        outDir: join(tempDir('obmock-reporters-'), 'x'),
      }),
    ).rejects.toThrow(/unknown report format "pdf"/);
  });
});
