import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
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

export const DEMO_USAGE = `obmock demo [--ready-file FILE [--bank ID]] [--step] [--html FILE] [--bodies]

A narrated walk-through of one happy path for workshops: a TPP onboards at the
directory, registers at the bank over mutual TLS, gets a token and uses it —
each step printed with the fields each response carried, JWTs and certificates
decoded the first time they appear.

Options:
  --ready-file FILE  run against a running \`obmock up --ready-file FILE\` instead of a
                     private sandbox: what the demo creates stays there (and shows in
                     the console's live flow)
  --bank ID          which bank of that instance (default: its first); the request
                     takes the form its profile wants (GET {issuer}/profile), except
                     rfc7591-eidas, which needs eIDAS material the demo does not make
  --step             wait for Enter before each step (for presenting)
  --html FILE        also write the walk-through as one web page (sequence diagrams)
  --bodies           print full bodies
`;

/** What the demo needs of the ecosystem: a private sandbox or a running instance. */
interface Ecosystem {
  directory: { url: string; adminToken: string };
  caBundle: string;
  banks: { issuer: string; orgId: string; discovery: string }[];
  stop(): Promise<void>;
}

interface ReadyFile {
  directory?: { url: string; adminToken: string };
  ca?: { bundle: string };
  banks?: { id: string; discovery: string; issuer: string; orgId: string; profile: string }[];
}

/** Top-level fields of a JSON body, one short line each (secrets masked by the recorder). */
function responseFields(body: string | undefined): string[] {
  if (!body) return [];
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [];
  }
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value)
    ? [['items', `${value.length} item(s)`] as const]
    : Object.entries(value);
  return entries.slice(0, 14).map(([k, v]) => {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return `${k}: ${text.length > 90 ? `${text.slice(0, 87)}…` : text}`;
  });
}

const bold = (s: string, on: boolean) => (on ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (s: string, on: boolean) => (on ? `\x1b[2m${s}\x1b[22m` : s);

/** What a response says, decoded: its own fields, and each JWT or certificate the first time it is seen. */
function decoded(e: Exchange, seen: Set<string>): string[] {
  const lines: string[] = [];
  const fields = responseFields(e.responseBody);
  if (fields.length) lines.push(`    response fields: ${fields.join('\n                     ')}`);
  for (const j of e.jwts) {
    const key = JSON.stringify(j.payload);
    if (seen.has(key)) {
      lines.push(`    JWT in the ${j.where}: the same as above`);
      continue;
    }
    seen.add(key);
    lines.push(`    JWT in the ${j.where}: header ${JSON.stringify(j.header)}`);
    lines.push(`      payload ${JSON.stringify(j.payload, null, 2).replace(/\n/g, '\n      ')}`);
  }
  for (const c of exchangeCertificates(e)) {
    if (seen.has(c.fingerprint256)) continue;
    seen.add(c.fingerprint256);
    lines.push(
      `    certificate in the ${c.where}: subject ${c.subject}; issuer ${c.issuer}; valid to ${c.validTo}`,
    );
  }
  return lines;
}

export async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      html: { type: 'string' },
      bodies: { type: 'boolean' },
      'ready-file': { type: 'string' },
      bank: { type: 'string' },
      step: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }
  if (values.bank && !values['ready-file']) throw new Error('--bank goes with --ready-file');
  const color = process.stdout.isTTY === true;
  const seen = new Set<string>();
  const lines = values.step ? createInterface({ input: process.stdin }) : undefined;
  const pending: (() => void)[] = [];
  let inputEnded = false;
  lines?.on('line', () => pending.shift()?.());
  lines?.on('close', () => {
    inputEnded = true;
    for (const next of pending.splice(0)) next();
  });
  const waitForEnter = async () => {
    if (!lines || inputEnded) return;
    process.stdout.write(dim('   (press Enter to continue)', color));
    await new Promise<void>((r) => pending.push(r));
  };
  const out = (s = '') => process.stdout.write(`${s}\n`);
  const steps: StepRecord[] = [];
  let current: StepRecord | undefined;
  const record = (e: Exchange) => {
    current?.exchanges.push(e);
    const status = e.error ? `✗ ${e.error}` : String(e.status);
    out(`  ${e.from} → ${e.to}: ${e.method} ${new URL(e.url).pathname} → ${status}`);
    if (values.bodies && e.requestBody) out(dim(`    sent: ${e.requestBody.slice(0, 4000)}`, color));
    if (values.bodies && e.responseBody) out(dim(`    got:  ${e.responseBody.slice(0, 4000)}`, color));
    for (const l of decoded(e, seen)) out(dim(l, color));
  };
  let n = 0;
  const step = async <T>(title: string, story: string, fn: () => Promise<T>): Promise<T> => {
    n += 1;
    out();
    out(bold(`${n}. ${title}`, color));
    out(`   ${story}`);
    await waitForEnter();
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
  const sandbox = values['ready-file']
    ? await step<Ecosystem>(
        'Connect to the running ecosystem',
        `The directory and bank of a running \`obmock up\` (${values['ready-file']}): what this demo creates stays there.`,
        () => fromReadyFile(values['ready-file']!, values.bank),
      )
    : await step<Ecosystem>(
        'Start the ecosystem',
        'A directory (CA, keystore, SSA signing) and a strict OB v3.3 bank start on free ports over HTTPS.',
        () => startSandbox({ keyCacheDir: '.obmock/key-cache' }),
      );
  out(`   directory ${sandbox.directory.url}`);
  out(`   bank      ${sandbox.banks[0].issuer} (OB organisation ${sandbox.banks[0].orgId})`);
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
    // An obmock bank publishes its switches (GET {issuer}/profile): the request takes the form,
    // aud, DN and claims this bank's profile wants (a running instance's first bank may be a
    // picky or a v3.1 one), and management the token it wants.
    const hints = (await client.profileHints(discovery)) ?? {};
    let management: { auth: string; scope?: string } = { auth: 'client-credentials' };
    const registered = await step(
      'Register (dynamic client registration)',
      'A JWT signed with the TPP signing key carries the SSA; it goes over mutual TLS with the transport certificate. The bank checks both signatures, the certificate chain and CRL, and every claim.',
      async () => {
        const { body, mediaType, options } = await client.registrationBody(discovery, {
          ...hints,
          redirectUris: ['https://workshop.example/cb'],
          tokenEndpointAuthMethod: 'tls_client_auth',
        });
        management = {
          auth: options.management,
          ...(hints.managementScope ? { scope: hints.managementScope } : {}),
        };
        const res = await register(bank, body, { retry: false, mediaType });
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
        let bearer = registered.registration_access_token;
        if (management.auth !== 'registration-access-token' || !bearer) {
          const mgmt = await getToken(bank, registered, {
            retry: false,
            ...(management.scope ? { scope: management.scope } : {}),
          });
          if (!mgmt.ok) throw new Error('no management token');
          bearer = mgmt.token.access_token;
        }
        await getRegistration(bank, registered.client_id, bearer);
        await deleteRegistration(bank, registered.client_id, bearer);
        const after = await getRegistration(bank, registered.client_id, bearer);
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
    lines?.close();
  }
  return 0;
}

/** The parts of a running instance the demo needs, from its ready file; stopping it leaves it running. */
async function fromReadyFile(file: string, bankId: string | undefined): Promise<Ecosystem> {
  let ready: ReadyFile;
  try {
    ready = JSON.parse(await readFile(file, 'utf8')) as ReadyFile;
  } catch (err) {
    throw new Error(`--ready-file ${file}: ${(err as Error).message}`);
  }
  if (!ready.directory || !ready.ca || !ready.banks?.length)
    throw new Error(
      `--ready-file ${file}: needs directory, ca and banks (written by obmock up --ready-file)`,
    );
  const bank = bankId ? ready.banks.find((b) => b.id === bankId) : ready.banks[0];
  if (!bank) throw new Error(`--bank ${bankId}: the instance has ${ready.banks.map((b) => b.id).join(', ')}`);
  return {
    directory: { url: ready.directory.url, adminToken: ready.directory.adminToken },
    caBundle: await readFile(ready.ca.bundle, 'utf8'),
    banks: [bank],
    stop: async () => undefined,
  };
}
