import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ReproduceInputError,
  readBankAnswer,
  readDiscovery,
  readFailedRequest,
} from '../../scenarios/reproduce/index.js';

const dir = mkdtempSync(join(tmpdir(), 'obmock-reproduce-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const JWT = `${b64({ alg: 'PS256', kid: 'k1', typ: 'JWT' })}.${b64({ iss: 'abc', aud: 'x' })}.c2ln`;

describe('readFailedRequest', () => {
  it('reads a JWT, a JSON body and {headers, body}, with their media types', () => {
    expect(readFailedRequest(`  ${JWT}\n`)).toMatchObject({
      format: 'jws',
      mediaType: 'application/jose',
      header: { alg: 'PS256', kid: 'k1' },
      claims: { iss: 'abc' },
    });
    expect(readFailedRequest(JWT, 'application/jwt').mediaType).toBe('application/jwt');
    expect(readFailedRequest('{"software_statement": "x", "redirect_uris": []}')).toMatchObject({
      format: 'json',
      mediaType: 'application/json',
      claims: { software_statement: 'x' },
    });
    expect(
      readFailedRequest({ headers: { 'Content-Type': 'application/jwt; charset=utf-8' }, body: JWT }),
    ).toMatchObject({ format: 'jws', mediaType: 'application/jwt' });
    expect(readFailedRequest({ headers: {}, body: { software_statement: 'x' } })).toMatchObject({
      format: 'json',
      claims: { software_statement: 'x' },
    });
  });

  const bad: [string, unknown][] = [
    ['empty', ''],
    ['text', 'hello there'],
    ['a JSON array', '[1, 2]'],
    ['a number', 42],
    ['null', null],
    ['a JWT whose payload is not JSON', `${b64({ alg: 'PS256' })}.bm90IGpzb24.c2ln`],
    ['a JWT whose header is not JSON', 'bm90.eyJhIjoxfQ.c2ln'],
    ['too large', `{"a": "${'x'.repeat(70 * 1024)}"}`],
  ];
  for (const [what, input] of bad) {
    it(`refuses ${what} with a request input error`, () => {
      expect(() => readFailedRequest(input)).toThrow(ReproduceInputError);
      try {
        readFailedRequest(input);
      } catch (err) {
        expect((err as ReproduceInputError).input).toBe('request');
      }
    });
  }
});

describe('readBankAnswer', () => {
  it('reads JSON and text bodies, and the OAuth error of a JSON one', () => {
    expect(
      readBankAnswer({
        status: 400,
        headers: { 'Content-Type': 'application/json', 'X-N': 5 },
        body: '{"error":"invalid_client_metadata","error_description":"bad aud"}',
      }),
    ).toEqual({
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: { error: 'invalid_client_metadata', error_description: 'bad aud' },
      error: 'invalid_client_metadata',
      description: 'bad aud',
    });
    expect(readBankAnswer('{"status": 502, "body": "<h1>Bad Gateway</h1>"}')).toMatchObject({
      status: 502,
      description: '<h1>Bad Gateway</h1>',
    });
    expect(readBankAnswer({ status: 201, body: { client_id: 'c' } }).error).toBeUndefined();
  });

  for (const [what, input] of [
    ['not JSON', 'status 400'],
    ['an array', '[400]'],
    ['no status', { body: {} }],
    ['a status out of range', { status: 999 }],
    ['a status as a string', { status: '400' }],
    ['a fractional status', { status: 400.5 }],
  ] as [string, unknown][]) {
    it(`refuses ${what}`, () => {
      expect(() => readBankAnswer(input)).toThrow(ReproduceInputError);
    });
  }
});

describe('readDiscovery', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterAll(() => {
    for (const s of sockets) s.destroy();
    for (const s of servers) s.close();
  });

  it('reads a saved file, and refuses missing, oversized, non-JSON and non-object files', async () => {
    const ok = join(dir, 'ok.json');
    writeFileSync(ok, '{"issuer": "https://bank.example"}');
    await expect(readDiscovery(ok)).resolves.toEqual({ document: { issuer: 'https://bank.example' } });
    const cases: [string, string, RegExp][] = [
      ['big.json', `{"x": "${'y'.repeat(300 * 1024)}"}`, /larger than/],
      ['text.json', 'not json', /not JSON/],
      ['array.json', '[]', /not a JSON object/],
    ];
    for (const [name, text, message] of cases) {
      writeFileSync(join(dir, name), text);
      await expect(readDiscovery(join(dir, name))).rejects.toThrow(message);
    }
    await expect(readDiscovery(join(dir, 'missing.json'))).rejects.toThrow(/not found/);
  });

  it('refuses plain http and URLs that are not URLs, before any connection', async () => {
    await expect(readDiscovery('http://127.0.0.1:1/.well-known/openid-configuration')).rejects.toThrow(
      /must use https/,
    );
    await expect(readDiscovery('ftp://bank.example/x')).rejects.toThrow(/must use https/);
  });

  it('gives up on a server that never answers, within the deadline', async () => {
    const server = createServer((socket) => sockets.push(socket)); // accepts, never speaks TLS
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const err = await readDiscovery(`https://127.0.0.1:${port}/.well-known/openid-configuration`, {
      timeoutMs: 300,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReproduceInputError);
    expect((err as Error).message).toMatch(/no answer within 300 ms/);
  });
});
