import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

/** The built `obmock` binary (npm test builds first). Run asynchronously: the sandbox lives in this process. */
const BIN = resolve(import.meta.dirname, '../../dist/cli/main.js');
const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function obmock(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'bank', 'fault', ...args], {
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let sb: TestSandbox;
let agent: Agent;
let work: string;
let target: string[];
let ready: string;

beforeAll(async () => {
  sb = await startTestSandbox();
  agent = new Agent({ connect: { ca: sb.caBundle } });
  work = mkdtempSync(join(tmpdir(), 'obmock-fault-cli-'));
  target = [
    '--bank-url',
    sb.bank.issuer,
    '--admin-token',
    sb.directory.adminToken,
    '--ca',
    sb.directory.ca.bundle,
  ];
  ready = join(work, 'ready.json');
  writeFileSync(
    ready,
    JSON.stringify({
      directory: { url: sb.directory.url, adminToken: sb.directory.adminToken },
      ca: { bundle: sb.directory.ca.bundle },
      banks: [{ id: sb.bank.id, issuer: sb.bank.issuer, discovery: sb.bank.discovery }],
    }),
  );
});
afterAll(async () => {
  await agent?.close();
  await sb?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('obmock bank fault', () => {
  it('is built', () => {
    expect(existsSync(BIN), 'run `npm run build` first').toBe(true);
  });

  it('add → the bank faults the next request; list shows it spent; clear', async () => {
    const add = await obmock(
      'add',
      ...target,
      '--kind',
      'status',
      '--endpoint',
      'discovery',
      '--count',
      '1',
      '--status',
      '502',
      '--latency-ms',
      '10',
    );
    expect(add.code, add.stderr).toBe(0);
    const fault = JSON.parse(add.stdout);
    expect(fault).toMatchObject({
      kind: 'status',
      endpoints: ['discovery'],
      count: 1,
      status: 502,
      latencyMs: 10,
      remaining: 1,
    });

    const faulted = await call(agent, 'GET', sb.bank.discovery);
    expect(faulted.status).toBe(502);
    expect(faulted.json().error).toBe('server_error');
    expect((await call(agent, 'GET', sb.bank.discovery)).status).toBe(200);

    const list = await obmock('list', ...target);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).faults).toEqual([
      expect.objectContaining({ id: fault.id, remaining: 0, applied: 1 }),
    ]);

    const clear = await obmock('clear', ...target);
    expect(clear.code, clear.stderr).toBe(0);
    expect(JSON.parse(clear.stdout)).toEqual({ cleared: true });
    expect(JSON.parse((await obmock('list', ...target)).stdout)).toEqual({ faults: [] });
  });

  it('--ready-file with --bank instead of URL, token and CA; probability and seed; clear --id', async () => {
    const add = await obmock(
      'add',
      '--ready-file',
      ready,
      '--bank',
      sb.bank.id,
      '--id',
      'limited',
      '--kind',
      'rate_limit',
      '--endpoint',
      'jwks,token',
      '--probability',
      '1',
      '--seed',
      '9',
      '--retry-after',
      '30',
    );
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({
      id: 'limited',
      endpoints: ['jwks', 'token'],
      probability: 1,
      seed: 9,
      retryAfterSeconds: 30,
    });
    const limited = await call(agent, 'GET', `${sb.bank.issuer}/jwks`);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('30');

    const del = await obmock('clear', '--ready-file', ready, '--id', 'limited');
    expect(del.code, del.stderr).toBe(0);
    expect(JSON.parse(del.stdout)).toEqual({ deleted: 'limited' });
    expect((await call(agent, 'GET', `${sb.bank.issuer}/jwks`)).status).toBe(200);
    const again = await obmock('clear', '--ready-file', ready, '--id', 'limited');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/answered 404: .*not_found/);
  });

  it('exit 1 with the error printed when the bank refuses', async () => {
    const bad = await obmock(
      'add',
      ...target,
      '--kind',
      'status',
      '--endpoint',
      'register',
      '--count',
      '1',
      '--status',
      '404',
    );
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/answered 400: .*"error":"invalid_request".*status must be from 500 to 599/);
    const wrongToken = await obmock(
      'list',
      '--bank-url',
      sb.bank.issuer,
      '--admin-token',
      'not-the-token',
      '--ca',
      sb.directory.ca.bundle,
    );
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toMatch(/answered 401: .*invalid_token/);
  });

  it('exit 2 on usage errors', async () => {
    const cases = [
      [],
      ['explode', ...target],
      ['add', ...target, '--endpoint', 'register', '--count', '1'],
      ['add', ...target, '--kind', 'reset', '--count', '1'],
      ['add', ...target, '--kind', 'reset', '--endpoint', 'jwks', '--count', 'two'],
      ['list', '--bank-url', sb.bank.issuer],
      ['list', ...target, '--no-such-flag'],
      ['list', '--ready-file', ready, '--bank', 'nope'],
      ['list', '--ready-file', join(work, 'missing.json')],
    ];
    // One process at a time: nine node start-ups at once on a loaded 2-core CI machine could
    // outlast the per-process timeout (a killed process has no exit code to check).
    for (const args of cases) {
      const r = await obmock(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^obmock bank fault: /);
    }
  }, 180_000);
});
