import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  bankFromSpec,
  DEFAULT_BANK,
  type RunningAspsp,
  startAspsp,
  UnknownProfile,
} from '../../aspsp-mock/index.js';
import type { RunningConsole } from '../../console/index.js';
import { type RunningDirectory, startDirectory } from '../../directory/index.js';
import { createLogger, type LogLevel } from '../../lib/logger.js';
import { writeFileAtomic } from '../../lib/write-file-atomic.js';
import { prepareBootKeys } from '../../scenarios/prepare-boot-keys.js';
import { type RunningTppService, startTppService } from '../../tpp-client/service/index.js';
import { consoleUsesHttps } from '../console-https.js';
import { explainListenError } from '../port-in-use.js';
import { serviceLimits } from '../service-limits.js';
import { UsageError } from '../usage-error.js';
import { waitUntilAnswering } from '../wait-until-answering.js';
import { wholeNumber } from '../whole-number.js';

export const UP_USAGE = `obmock up [options]

Starts the sandbox on localhost over HTTPS — directory, bank(s), TPP — and keeps
it running until Ctrl-C.

Options:
  --data-dir DIR         where keys, CA and data live (default .obmock; delete it to reset)
  --host NAME            host name in URLs and server certificates (default localhost)
  --bind ADDRESS         address to listen on (default 127.0.0.1)
  --port N               directory port (default $OBMOCK_PORT, else 8443); banks N+1, TPP N+2
                         (0 = any free ports)
  --bank ID=PROFILE      host a bank with that profile (repeatable; default: default=ob-v3.3);
                         a shipped profile's name alone means NAME=NAME
  --mtls-header NAME     banks take the client certificate from this header, set by a
                         trusted TLS-terminating gateway (see docs/bank.md for the risks)
  --public-url URL       external base URL of the directory, if not https://HOST:PORT
  --tpp-jwks-origin O    an origin eIDAS banks may fetch TPP-hosted JWKS from, e.g.
                         https://*.tpp.example:* (repeatable; default https://localhost:*
                         and https://127.0.0.1:*; never the sandbox's own services)
  --services LIST        which services to run here: directory,bank,tpp (default all three)
  --directory-url URL    the directory, when it runs elsewhere (its CA bundle and admin
                         token are read from DIR/directory/, e.g. a shared volume)
  --bank-discovery ID=URL  a bank the TPP service knows by ID when the banks run elsewhere
                         (repeatable; e.g. default=https://bank:8444/banks/default/.well-known/openid-configuration)
  --console-port N       port of the workshop console (default N+3; 0 = any free port)
  --console-https        serve the console over HTTPS (certificate from the sandbox CA);
                         the default when --bind is not a loopback address
  --console-http         serve the console over plain HTTP even on a non-loopback --bind
  --limit NAME=N         how much one TPP may keep (repeatable; docs/bank.md, docs/directory.md):
                         clients-per-organisation (10000), live-tokens-per-client (10000),
                         consents-per-client (10000) at each bank;
                         software-statements-per-organisation (1000),
                         certificates-per-organisation (10000),
                         authorisation-servers-per-organisation (100) at the directory
  --ready-file PATH      write a JSON file with URLs, CA paths and the admin token once up
  --log-level LEVEL      debug | info | warn | error | silent (default info)
`;

const SERVICES = ['directory', 'bank', 'tpp'] as const;
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
type Service = (typeof SERVICES)[number];

/** `--bank-discovery ID=URL` values → {id: discovery URL}. */
function bankDiscoveries(specs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const i = spec.indexOf('=');
    const url = spec.slice(i + 1);
    if (i < 1 || !URL.canParse(url) || new URL(url).protocol !== 'https:')
      throw new UsageError(
        `--bank-discovery '${spec}': expected ID=https://…/.well-known/openid-configuration`,
      );
    out[spec.slice(0, i)] = url;
  }
  return out;
}

/** Waits for a file another process (the directory container) writes on first start. */
async function waitForFile(file: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return (await readFile(file, 'utf8')).trim();
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
      'tpp-jwks-origin': { type: 'string', multiple: true },
      'public-url': { type: 'string' },
      services: { type: 'string' },
      'directory-url': { type: 'string' },
      'bank-discovery': { type: 'string', multiple: true },
      'ready-file': { type: 'string' },
      limit: { type: 'string', multiple: true },
      'console-port': { type: 'string' },
      'console-https': { type: 'boolean' },
      'console-http': { type: 'boolean' },
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
  const services = (values.services ?? SERVICES.join(',')).split(',').map((s) => s.trim()) as Service[];
  const unknown = services.filter((s) => !SERVICES.includes(s));
  if (unknown.length || services.length === 0)
    throw new UsageError(`--services: unknown ${unknown.join(', ')} (use ${SERVICES.join(',')})`);
  const runs = (s: Service) => services.includes(s);
  if (!runs('directory') && !values['directory-url'])
    throw new UsageError('--directory-url is needed when the directory runs elsewhere');
  // Banks and TPP listen on port+1 and port+2.
  const port = wholeNumber('port', values.port ?? process.env.OBMOCK_PORT, { min: 0, max: 65_533 });
  const consolePort = wholeNumber('console-port', values['console-port'], { min: 0, max: 65_535 });
  const portFor = (offset: number) => (port === undefined ? undefined : port === 0 ? 0 : port + offset);
  const banks = values.bank?.length ? values.bank.map(bankOrUsageError) : [DEFAULT_BANK];
  const logLevel = values['log-level'] as LogLevel | undefined;
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got '${logLevel}')`);
  const consoleHttps = consoleUsesHttps({
    https: values['console-https'],
    http: values['console-http'],
    bind: values.bind,
  });
  const limits = serviceLimits(values.limit ?? []);
  // every flag is checked before anything starts: a usage error never depends on a free port
  const discoveries = bankDiscoveries(values['bank-discovery'] ?? []);
  const dataDir = values['data-dir'] ?? '.obmock';
  const common = { dataDir, host: values.host, bindAddress: values.bind, logLevel };

  let directory: RunningDirectory | undefined;
  let aspsp: RunningAspsp | undefined;
  let tpp: RunningTppService | undefined;
  let consoleServer: RunningConsole | undefined;
  const stop = async () => {
    await consoleServer?.close();
    await tpp?.close();
    await aspsp?.close();
    await directory?.close();
  };
  // a cold start makes every RSA key at once, in the background
  prepareBootKeys(dataDir, { directory: runs('directory'), banks: runs('bank') ? banks : [] });
  let stopped: Promise<void> = Promise.resolve();
  try {
    let trust: { url: string; caBundlePem: string; adminToken: string; bundlePath: string };
    if (runs('directory')) {
      directory = await startDirectory({
        ...common,
        port,
        publicUrl: values['public-url'],
        ...limits.directory,
      });
      trust = {
        url: directory.url,
        caBundlePem: await readFile(directory.ca.bundle, 'utf8'),
        adminToken: directory.adminToken,
        bundlePath: directory.ca.bundle,
      };
    } else {
      const folder = resolve(dataDir, 'directory');
      const bundlePath = join(folder, 'ca', 'bundle.pem');
      trust = {
        url: values['directory-url']!.replace(/\/+$/, ''),
        caBundlePem: await waitForFile(bundlePath),
        adminToken: await waitForFile(join(folder, 'admin-token')),
        bundlePath,
      };
    }
    const directoryTrust = { url: trust.url, caBundlePem: trust.caBundlePem, adminToken: trust.adminToken };
    if (runs('bank')) {
      aspsp = await startAspsp({
        ...common,
        port: portFor(1),
        banks,
        mtlsHeader: values['mtls-header'],
        tppJwksOrigins: values['tpp-jwks-origin'],
        limits: limits.bank,
        directory: directoryTrust,
      });
    }
    if (runs('tpp')) {
      tpp = await startTppService({
        ...common,
        port: portFor(2),
        banks: {
          ...discoveries,
          ...Object.fromEntries((aspsp?.banks ?? []).map((b) => [b.id, b.discovery])),
        },
        directory: directoryTrust,
      });
    }
    const bind = values.bind ?? '127.0.0.1';
    const servername = values.host ?? 'localhost';
    for (const p of [directory?.port, aspsp?.port, tpp?.port]) {
      if (p !== undefined)
        await waitUntilAnswering({ address: bind, port: p, servername, path: '/health' }, trust.caBundlePem);
    }
    if (directory) {
      // The workshop console: a client of the services above (docs/console.md).
      // Loaded here, not at start-up: the other commands need none of it.
      const { startConsole } = await import('../../console/index.js');
      consoleServer = await startConsole({
        host: servername,
        bindAddress: bind,
        port: consolePort ?? portFor(3) ?? 8446,
        directory: { url: trust.url, adminToken: trust.adminToken },
        banks: (aspsp?.banks ?? []).map((b) => ({
          id: b.id,
          issuer: b.issuer,
          discovery: b.discovery,
          profile: b.profile,
        })),
        ...(aspsp?.banks[0] ? { bankServerUrl: new URL(aspsp.banks[0].issuer).origin } : {}),
        ...(tpp ? { tpp: { url: tpp.url } } : {}),
        caBundlePem: trust.caBundlePem,
        logger: createLogger(logLevel ?? 'info', { service: 'console' }),
        ...(consoleHttps ? { https: { folder: resolve(dataDir, 'console') } } : {}),
      });
    }
    const signIn = consoleServer?.signInLink();
    const ready = {
      ...(directory
        ? {
            directory: {
              url: directory.url,
              keystoreUrl: directory.keystoreUrl,
              authorisationServer: directory.authorisationServer,
              adminToken: directory.adminToken,
            },
            ca: {
              bundle: directory.ca.bundle,
              root: directory.ca.root,
              issuing: directory.ca.issuing,
              crl: directory.ca.crl,
            },
          }
        : {}),
      ...(aspsp
        ? {
            banks: aspsp.banks.map((b) => ({
              id: b.id,
              issuer: b.issuer,
              discovery: b.discovery,
              orgId: b.orgId,
              profile: b.profile,
            })),
          }
        : {}),
      ...(tpp ? { tpp: { url: tpp.url } } : {}),
      ...(consoleServer ? { console: { url: consoleServer.url, signIn } } : {}),
    };
    const lines = [
      'obmock is up',
      ...(directory
        ? [`  directory  ${directory.url}`, `  keystore   ${directory.keystoreUrl}/keystore/openbanking.jwks`]
        : []),
      ...(aspsp?.banks ?? []).map((b) => `  bank       ${b.id} (${b.profile})  ${b.discovery}`),
      ...(tpp
        ? [`  tpp        ${tpp.url}  (POST /api/registrations {"bank":"<id>"} with the admin token)`]
        : []),
      ...(consoleServer
        ? [`  console    ${consoleServer.url}`, `  sign in    ${signIn}  (one-time link)`]
        : []),
      `  CA bundle  ${trust.bundlePath}`,
      `  admin token in ${dataDir}/directory/admin-token`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    // Listen for the stop signals before announcing readiness: whoever reads the ready file may
    // send SIGTERM at once, and without a listener the signal would kill the process unstopped.
    stopped = new Promise<void>((resolveStop) => {
      process.once('SIGINT', () => resolveStop());
      process.once('SIGTERM', () => resolveStop());
    });
    // The ready file last: whoever waits for it has the printed summary too.
    if (values['ready-file'])
      // Atomic: a reader polling for the file never sees it half written.
      await writeFileAtomic(values['ready-file'], `${JSON.stringify(ready, null, 2)}\n`, 0o600);
  } catch (err) {
    await stop();
    throw explainListenError(err);
  }
  await stopped;
  await stop();
  return 0;
}

/**
 * `--bank SPEC` as a bank. A bare word that is no shipped profile, or names one that cannot be
 * a bank id, is a usage mistake (exit 2); a profile file that does not load stays exit 1.
 */
function bankOrUsageError(spec: string) {
  try {
    return bankFromSpec(spec);
  } catch (err) {
    if (err instanceof UnknownProfile && !spec.includes('=')) throw new UsageError(err.message);
    throw err;
  }
}
