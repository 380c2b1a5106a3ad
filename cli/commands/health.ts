import { readFileSync } from 'node:fs';
import https from 'node:https';
import { parseArgs } from 'node:util';
import { UsageError } from '../usage-error.js';
import { wholeNumber } from '../whole-number.js';

export const HEALTH_USAGE = `obmock health URL [--ca FILE] [--timeout-ms N]

Exits 0 when URL answers 200 over HTTPS (verified against --ca, default the
system CAs); 1 otherwise. For container health checks.
`;

export async function health(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ca: { type: 'string' },
      'timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(HEALTH_USAGE);
    return 0;
  }
  const url = positionals[0];
  if (!url || positionals.length > 1) throw new UsageError('give exactly one URL');
  if (!URL.canParse(url) || new URL(url).protocol !== 'https:')
    throw new UsageError(`'${url}' is not an https URL`);
  const timeout = wholeNumber('timeout-ms', values['timeout-ms'], { min: 1, max: 600_000 }) ?? 3000;
  const ca = values.ca ? readFileSync(values.ca, 'utf8') : undefined;
  return new Promise((resolveCode) => {
    const req = https.get(url, { ca, timeout }, (res) => {
      res.resume();
      resolveCode(res.statusCode === 200 ? 0 : 1);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', (err) => {
      process.stderr.write(`obmock health: ${err.message}\n`);
      resolveCode(1);
    });
  });
}
