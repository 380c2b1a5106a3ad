import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { bankFromSpec, DEFAULT_BANK, type RunningAspsp, startAspsp } from '../../aspsp-mock/index.js';
import { startDirectory } from '../../directory/index.js';
import type { LogLevel } from '../../lib/logger.js';
import { type RunningTppService, startTppService } from '../../tpp-client/service/index.js';
import { waitUntilAnswering } from '../wait-until-answering.js';

export const UP_USAGE = `obmock up [options]

Starts the sandbox on localhost over HTTPS — directory, bank(s), TPP — and keeps
it running until Ctrl-C.

Options:
  --data-dir DIR       where keys, CA and data live (default .obmock; delete it to reset)
  --host NAME          host name in URLs and server certificates (default localhost)
  --bind ADDRESS       address to listen on (default 127.0.0.1)
  --port N             directory port (default 8443); banks N+1, TPP N+2 (0 = any free ports)
  --bank ID=PROFILE    host a bank with that profile (repeatable; default: default=ob-v3.3)
  --mtls-header NAME   banks take the client certificate from this header, set by a
                       trusted TLS-terminating gateway (see docs/bank.md for the risks)
  --public-url URL     external base URL of the directory, if not https://HOST:PORT
  --ready-file PATH    write a JSON file with URLs, CA paths and the admin token once up
  --log-level LEVEL    debug | info | warn | error | silent (default info)
`;

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a whole number (got '${value}')`);
  return Number(value);
}

export async function up(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      bind: { type: 'string' },
      port: { type: 'string' },
      bank: { type: 'string', multiple: true },
      'mtls-header': { type: 'string' },
      'public-url': { type: 'string' },
      'ready-file': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(UP_USAGE);
    return 0;
  }
  const port = integer('port', values.port);
  const banks = values.bank?.length ? values.bank.map(bankFromSpec) : [DEFAULT_BANK];
  const logLevel = values['log-level'] as LogLevel | undefined;
  const directory = await startDirectory({
    dataDir: values['data-dir'],
    host: values.host,
    bindAddress: values.bind,
    port,
    publicUrl: values['public-url'],
    logLevel,
  });
  let aspsp: RunningAspsp;
  let tpp: RunningTppService;
  try {
    const bundle = await readFile(directory.ca.bundle, 'utf8');
    aspsp = await startAspsp({
      dataDir: values['data-dir'],
      host: values.host,
      bindAddress: values.bind,
      port: port === undefined ? undefined : port === 0 ? 0 : port + 1,
      banks,
      mtlsHeader: values['mtls-header'],
      logLevel,
      directory: { url: directory.url, caBundlePem: bundle, adminToken: directory.adminToken },
    });
    tpp = await startTppService({
      dataDir: values['data-dir'],
      host: values.host,
      bindAddress: values.bind,
      port: port === undefined ? undefined : port === 0 ? 0 : port + 2,
      logLevel,
      banks: Object.fromEntries(aspsp.banks.map((b) => [b.id, b.discovery])),
      directory: { url: directory.url, caBundlePem: bundle, adminToken: directory.adminToken },
    });
    const config = directory.ctx.config;
    for (const [p, path] of [
      [directory.port, '/health'],
      [aspsp.port, '/health'],
      [tpp.port, '/health'],
    ] as const) {
      await waitUntilAnswering(
        { address: config.bindAddress, port: p, servername: config.host, path },
        bundle,
      );
    }
  } catch (err) {
    await directory.close();
    throw err;
  }
  const ready = {
    directory: { url: directory.url, keystoreUrl: directory.keystoreUrl, adminToken: directory.adminToken },
    ca: {
      bundle: directory.ca.bundle,
      root: directory.ca.root,
      issuing: directory.ca.issuing,
      crl: directory.ca.crl,
    },
    banks: aspsp.banks.map((b) => ({
      id: b.id,
      issuer: b.issuer,
      discovery: b.discovery,
      orgId: b.orgId,
      profile: b.profile,
    })),
    tpp: { url: tpp.url },
  };
  if (values['ready-file']) {
    await writeFile(values['ready-file'], `${JSON.stringify(ready, null, 2)}\n`, { mode: 0o600 });
  }
  const lines = [
    'obmock is up',
    `  directory  ${directory.url}`,
    `  keystore   ${directory.keystoreUrl}/keystore/openbanking.jwks`,
    ...aspsp.banks.map((b) => `  bank       ${b.id} (${b.profile})  ${b.discovery}`),
    `  tpp        ${tpp.url}  (POST /api/registrations {"bank":"<id>"} with the admin token)`,
    `  CA bundle  ${directory.ca.bundle}`,
    `  admin token in ${values['data-dir'] ?? '.obmock'}/directory/admin-token`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await tpp.close();
  await aspsp.close();
  await directory.close();
  return 0;
}
