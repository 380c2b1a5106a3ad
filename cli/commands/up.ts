import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startDirectory } from '../../directory/index.js';
import type { LogLevel } from '../../lib/logger.js';
import { waitUntilAnswering } from '../wait-until-answering.js';

export const UP_USAGE = `obmock up [options]

Starts the sandbox on localhost over HTTPS and keeps it running until Ctrl-C.

Options:
  --data-dir DIR      where keys, CA and data live (default .obmock; delete it to reset)
  --host NAME         host name in URLs and server certificates (default localhost)
  --bind ADDRESS      address to listen on (default 127.0.0.1)
  --port N            directory port (default 8443; 0 = any free port)
  --public-url URL    external base URL of the directory, if not https://HOST:PORT
  --ready-file PATH   write a JSON file with URLs, CA paths and the admin token once up
  --log-level LEVEL   debug | info | warn | error | silent (default info)
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
  const directory = await startDirectory({
    dataDir: values['data-dir'],
    host: values.host,
    bindAddress: values.bind,
    port: integer('port', values.port),
    publicUrl: values['public-url'],
    logLevel: values['log-level'] as LogLevel | undefined,
  });
  const bundle = await readFile(directory.ca.bundle, 'utf8');
  const config = directory.ctx.config;
  await waitUntilAnswering(
    { address: config.bindAddress, port: directory.port, servername: config.host, path: '/health' },
    bundle,
  );
  const ready = {
    directory: { url: directory.url, keystoreUrl: directory.keystoreUrl, adminToken: directory.adminToken },
    ca: {
      bundle: directory.ca.bundle,
      root: directory.ca.root,
      issuing: directory.ca.issuing,
      crl: directory.ca.crl,
    },
  };
  if (values['ready-file']) {
    await writeFile(values['ready-file'], `${JSON.stringify(ready, null, 2)}\n`, { mode: 0o600 });
  }
  process.stdout.write(
    `obmock is up\n  directory  ${directory.url}\n  keystore   ${directory.keystoreUrl}/keystore/openbanking.jwks\n  CA bundle  ${directory.ca.bundle}\n  admin token in ${values['data-dir'] ?? '.obmock'}/directory/admin-token\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await directory.close();
  return 0;
}
