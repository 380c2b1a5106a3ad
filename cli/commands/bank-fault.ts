import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';

export const BANK_FAULT_USAGE = `obmock bank fault <add|list|clear> [options]

Injects faults into a running sandbox bank through its admin API
({issuer}/admin/faults, mock-only). See docs/faults.md.

Which bank (either):
  --bank-url URL        the bank's issuer URL, e.g. https://localhost:8444/banks/default
  --admin-token T       the directory's admin token
  --ca FILE             CA bundle (PEM) to verify the bank's TLS certificate
or:
  --ready-file FILE     the file 'obmock up --ready-file' wrote (URLs, admin token, CA)
  --bank ID             which bank in it (optional when it lists one bank)

add:
  --kind KIND           latency | status | rate_limit | reset | empty_body | malformed_body |
                        wrong_content_type | clock_skew | directory_jwks_unreachable |
                        directory_jwks_garbage
  --endpoint NAME       register | manage | token | discovery | jwks | consents | *
                        (repeatable, or comma-separated)
  --count N             fault the next N matching requests, or:
  --probability P       fault each matching request with probability P (0–1) …
  --seed S              … drawn from seed S (0–4294967295; the same seed repeats the same outcomes)
  --latency-ms MS       delay before the response (the whole effect of 'latency')
  --status CODE         'status': the 5xx to answer (default 500)
  --retry-after S       'rate_limit': the Retry-After seconds (default 1)
  --skew-seconds S      'clock_skew': shift of the bank's clock (positive: ahead)
  --id ID               the fault's id (default: assigned)
list:                   prints the faults with their counters
clear:
  --id ID               remove one fault (default: all)

Prints JSON. Exit status: 0 done, 1 the bank refused or could not be reached, 2 usage error.
`;

import { UsageError } from '../usage-error.js';

interface Target {
  faultsUrl: string;
  adminToken: string;
  ca: string;
}

const OPTIONS = {
  'bank-url': { type: 'string' },
  'admin-token': { type: 'string' },
  ca: { type: 'string' },
  'ready-file': { type: 'string' },
  bank: { type: 'string' },
  kind: { type: 'string' },
  endpoint: { type: 'string', multiple: true },
  count: { type: 'string' },
  probability: { type: 'string' },
  seed: { type: 'string' },
  'latency-ms': { type: 'string' },
  status: { type: 'string' },
  'retry-after': { type: 'string' },
  'skew-seconds': { type: 'string' },
  id: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d{1,15}$/.test(value)) throw new UsageError(`--${flag} must be a whole number (got '${value}')`);
  return Number(value);
}

function decimal(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(value))
    throw new UsageError(`--${flag} must be a number (got '${value}')`);
  return Number(value);
}

interface ReadyFile {
  directory?: { adminToken?: unknown };
  ca?: { bundle?: unknown };
  banks?: { id?: unknown; issuer?: unknown }[];
}

async function resolveTarget(v: Values): Promise<Target> {
  let issuer = v['bank-url'];
  let adminToken = v['admin-token'];
  let caFile = v.ca;
  if (v['ready-file']) {
    let ready: ReadyFile;
    try {
      ready = JSON.parse(await readFile(v['ready-file'], 'utf8')) as ReadyFile;
    } catch (err) {
      throw new UsageError(`--ready-file: cannot read ${v['ready-file']}: ${(err as Error).message}`);
    }
    const banks = Array.isArray(ready.banks) ? ready.banks : [];
    const bank = v.bank ? banks.find((b) => b.id === v.bank) : banks.length === 1 ? banks[0] : undefined;
    if (!bank) {
      const ids = banks.map((b) => String(b.id)).join(', ');
      throw new UsageError(
        v.bank
          ? `--bank: no bank '${v.bank}' in the ready file (${ids})`
          : `--bank is needed: the ready file lists ${ids}`,
      );
    }
    issuer ??= typeof bank.issuer === 'string' ? bank.issuer : undefined;
    adminToken ??= typeof ready.directory?.adminToken === 'string' ? ready.directory.adminToken : undefined;
    caFile ??= typeof ready.ca?.bundle === 'string' ? ready.ca.bundle : undefined;
  } else if (v.bank) {
    throw new UsageError('--bank goes with --ready-file (or give --bank-url)');
  }
  if (!issuer) throw new UsageError('--bank-url (or --ready-file) is required');
  if (!adminToken) throw new UsageError('--admin-token (or --ready-file) is required');
  if (!caFile) throw new UsageError('--ca (or --ready-file) is required');
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new UsageError(`--bank-url '${issuer}' is not a URL`);
  }
  if (url.protocol !== 'https:') throw new UsageError('--bank-url must be an https URL');
  let ca: string;
  try {
    ca = await readFile(caFile, 'utf8');
  } catch (err) {
    throw new UsageError(`--ca: cannot read ${caFile}: ${(err as Error).message}`);
  }
  return { faultsUrl: `${issuer.replace(/\/+$/, '')}/admin/faults`, adminToken, ca };
}

function faultSpec(v: Values): Record<string, unknown> {
  if (!v.kind) throw new UsageError('add: --kind is required');
  const endpoints = (v.endpoint ?? []).flatMap((e) => e.split(',')).filter(Boolean);
  if (endpoints.length === 0) throw new UsageError('add: --endpoint is required');
  const spec: Record<string, unknown> = {
    id: v.id,
    kind: v.kind,
    endpoints,
    count: integer('count', v.count),
    probability: decimal('probability', v.probability),
    seed: integer('seed', v.seed),
    latencyMs: integer('latency-ms', v['latency-ms']),
    status: integer('status', v.status),
    retryAfterSeconds: integer('retry-after', v['retry-after']),
    skewSeconds: integer('skew-seconds', v['skew-seconds']),
  };
  return Object.fromEntries(Object.entries(spec).filter(([, x]) => x !== undefined));
}

async function send(
  t: Target,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const agent = new Agent({ connect: { ca: t.ca } });
  try {
    const res = await request(`${t.faultsUrl}${path}`, {
      method,
      dispatcher: agent,
      headers: {
        authorization: `Bearer ${t.adminToken}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await res.body.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.statusCode, json };
  } finally {
    await agent.close();
  }
}

/** `obmock bank fault add|list|clear`: 0 done, 1 HTTP or network error, 2 usage error. */
export async function bankFault(argv: string[]): Promise<number> {
  let v: Values;
  let action: string | undefined;
  let target: Target;
  let call: { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: unknown; expect: number };
  try {
    const parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
    v = parsed.values;
    if (v.help) {
      process.stdout.write(BANK_FAULT_USAGE);
      return 0;
    }
    if (parsed.positionals.length !== 1) throw new UsageError('give one action: add, list or clear');
    action = parsed.positionals[0];
    if (action === 'add') call = { method: 'POST', path: '', body: faultSpec(v), expect: 201 };
    else if (action === 'list') call = { method: 'GET', path: '', expect: 200 };
    else if (action === 'clear')
      call = { method: 'DELETE', path: v.id ? `/${encodeURIComponent(v.id)}` : '', expect: 204 };
    else throw new UsageError(`unknown action '${action}' (add, list or clear)`);
    target = await resolveTarget(v);
  } catch (err) {
    const parseError = String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    if (!(err instanceof UsageError) && !parseError) throw err;
    process.stderr.write(
      `obmock bank fault: ${(err as Error).message}\nRun 'obmock bank fault --help' for the options.\n`,
    );
    return 2;
  }
  let res: { status: number; json: unknown };
  try {
    res = await send(target, call.method, call.path, call.body);
  } catch (err) {
    process.stderr.write(`obmock bank fault: cannot reach ${target.faultsUrl}: ${(err as Error).message}\n`);
    return 1;
  }
  if (res.status !== call.expect) {
    const detail = typeof res.json === 'string' ? res.json : JSON.stringify(res.json);
    process.stderr.write(`obmock bank fault: the bank answered ${res.status}: ${detail ?? ''}\n`);
    return 1;
  }
  const out = action === 'clear' ? (v.id ? { deleted: v.id } : { cleared: true }) : res.json;
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
