import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { recordingClient } from '../../scenarios/recording-http.js';
import { exchangeCertificates, toHtmlReport } from '../../scenarios/reporters/index.js';
import { startSandbox } from '../../scenarios/sandbox.js';
import type { Exchange, ScenarioResult, StepRecord } from '../../scenarios/types.js';
import {
  type BankConnection,
  createConsent,
  createHttpClient,
  deleteRegistration,
  fetchDiscovery,
  getRegistration,
  getToken,
  onboardAtDirectory,
  register,
  TppClient,
} from '../../tpp-client/index.js';

export const DEMO_USAGE = `obmock demo [--html FILE] [--bodies]

A narrated walk-through of one happy path for workshops: a private sandbox
boots, a TPP onboards at the directory, registers at the bank over mutual TLS,
gets a token and uses it — each step printed with what was sent and what came
back, JWTs and certificates decoded. --html also writes the walk-through as one
web page (sequence diagrams included); --bodies prints full bodies.
`;

const bold = (s: string, on: boolean) => (on ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (s: string, on: boolean) => (on ? `\x1b[2m${s}\x1b[22m` : s);

function decoded(e: Exchange): string[] {
  const lines: string[] = [];
  for (const j of e.jwts) {
    lines.push(`    JWT in the ${j.where}: header ${JSON.stringify(j.header)}`);
    lines.push(`      payload ${JSON.stringify(j.payload, null, 2).replace(/\n/g, '\n      ')}`);
  }
  for (const c of exchangeCertificates(e)) {
    lines.push(
      `    certificate in the ${c.where}: subject ${c.subject}; issuer ${c.issuer}; valid to ${c.validTo}`,
    );
  }
  return lines;
}

export async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { html: { type: 'string' }, bodies: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }
  const color = process.stdout.isTTY === true;
  const out = (s = '') => process.stdout.write(`${s}\n`);
  const steps: StepRecord[] = [];
  let current: StepRecord | undefined;
  const record = (e: Exchange) => {
    current?.exchanges.push(e);
    const status = e.error ? `✗ ${e.error}` : String(e.status);
    out(`  ${e.from} → ${e.to}: ${e.method} ${new URL(e.url).pathname} → ${status}`);
    if (values.bodies && e.requestBody) out(dim(`    sent: ${e.requestBody.slice(0, 4000)}`, color));
    if (values.bodies && e.responseBody) out(dim(`    got:  ${e.responseBody.slice(0, 4000)}`, color));
    for (const l of decoded(e)) out(dim(l, color));
  };
  let n = 0;
  const step = async <T>(title: string, story: string, fn: () => Promise<T>): Promise<T> => {
    n += 1;
    out();
    out(bold(`${n}. ${title}`, color));
    out(`   ${story}`);
    current = { name: title, ok: true, exchanges: [] };
    steps.push(current);
    try {
      return await fn();
    } catch (err) {
      current.ok = false;
      current.error = (err as Error).message;
      throw err;
    }
  };

  const started = Date.now();
  const sandbox = await step(
    'Start the ecosystem',
    'A directory (CA, keystore, SSA signing) and a strict OB v3.3 bank start on free ports over HTTPS.',
    async () => {
      const sb = await startSandbox({ keyCacheDir: '.obmock/key-cache' });
      out(`   directory ${sb.directory.url}`);
      out(`   bank      ${sb.banks[0].issuer} (OB organisation ${sb.banks[0].orgId})`);
      return sb;
    },
  );
  try {
    const dirHttp = recordingClient(
      createHttpClient({ ca: sandbox.caBundle, timeoutMs: 10_000 }),
      'TPP',
      record,
    );
    const material = await step(
      'Onboard the TPP at the directory',
      'The TPP gets an organisation, a software statement, transport and signing certificates (from CSRs made like OB documents) and a signed SSA.',
      () =>
        onboardAtDirectory({
          directoryUrl: sandbox.directory.url,
          caBundlePem: sandbox.caBundle,
          organisation: {
            adminToken: sandbox.directory.adminToken,
            create: { OrganisationName: 'Workshop TPP', Roles: ['AISP'], LegalName: 'Workshop TPP Ltd' },
          },
          softwareStatement: {
            ClientName: 'Workshop app',
            RedirectUri: ['https://workshop.example/cb'],
            Roles: ['AISP'],
          },
          http: dirHttp,
        }),
    );
    const tppHttp = recordingClient(
      createHttpClient({
        ca: material.caBundlePem,
        cert: material.transport.certPem,
        key: material.transport.keyPem,
        timeoutMs: 10_000,
      }),
      'TPP',
      record,
    );
    const discovery = await step(
      'Discover the bank',
      'OIDC discovery tells the TPP where to register and which methods the bank supports.',
      () => fetchDiscovery(tppHttp, sandbox.banks[0].discovery),
    );
    const bank: BankConnection = { http: tppHttp, discovery };
    const client = new TppClient(material, { retry: false });
    const registered = await step(
      'Register (dynamic client registration)',
      'A JWT signed with the TPP signing key carries the SSA; it goes over mutual TLS with the transport certificate. The bank checks both signatures, the certificate chain and CRL, and every claim.',
      async () => {
        const jwt = await client.registrationRequest(discovery, {
          redirectUris: ['https://workshop.example/cb'],
          tokenEndpointAuthMethod: 'tls_client_auth',
        });
        const res = await register(bank, jwt, { retry: false });
        if (!res.ok) throw new Error(`registration refused: ${res.status} ${res.error}`);
        out(`   client_id ${res.client.client_id}`);
        return res.client;
      },
    );
    const token = await step(
      'Get an access token',
      'client_credentials with tls_client_auth: the certificate is the credential, and the token is bound to it (cnf.x5t#S256).',
      async () => {
        const res = await getToken(bank, registered, { scope: 'accounts', retry: false });
        if (!res.ok) throw new Error(`token refused: ${res.status} ${res.error}`);
        return res.token.access_token;
      },
    );
    await step(
      'Use it: create an account-access consent',
      'The protected resource accepts the bound token over the same certificate.',
      async () => {
        const res = await createConsent(bank, token, { permissions: ['ReadAccountsBasic'] });
        if (!res.ok) throw new Error(`consent refused: ${res.status} ${res.error}`);
        out(`   ConsentId ${res.consent.ConsentId} (${res.consent.Status})`);
      },
    );
    await step(
      'Manage the registration: read it, delete it, read again',
      'GET answers 200; after DELETE (204) the client is gone: 401.',
      async () => {
        const mgmt = await getToken(bank, registered, { retry: false });
        if (!mgmt.ok) throw new Error('no management token');
        await getRegistration(bank, registered.client_id, mgmt.token.access_token);
        await deleteRegistration(bank, registered.client_id, mgmt.token.access_token);
        const after = await getRegistration(bank, registered.client_id, mgmt.token.access_token);
        out(`   after delete: ${after.status}`);
      },
    );
    await client.close();
    await tppHttp.close();
    await dirHttp.close();
    out();
    out(bold(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`, color));
  } finally {
    if (values.html) {
      const result: ScenarioResult = {
        id: 'DEMO',
        title: 'Onboard, register, token, consent, manage',
        reference: 'OB Directory API v2.1; OB DCR v3.3; RFC 8705',
        rules: [],
        level: 'MUST',
        tags: ['demo'],
        outcome: steps.every((s) => s.ok) ? 'passed' : 'failed',
        durationMs: Date.now() - started,
        steps,
      };
      await writeFile(
        values.html,
        toHtmlReport({
          target: 'obmock demo',
          startedAt: new Date(started).toISOString(),
          durationMs: result.durationMs,
          passed: result.outcome === 'passed' ? 1 : 0,
          failed: result.outcome === 'failed' ? 1 : 0,
          warnings: 0,
          skipped: 0,
          blocked: 0,
          results: [result],
        }),
      );
      out(`walk-through written to ${values.html}`);
    }
    await sandbox.stop();
  }
  return 0;
}
