import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE, runCatalogue, selectScenarios } from '../../scenarios/index.js';
import type { Target } from '../../scenarios/target.js';
import { keyPool, startTppAndStubBank, type TppAndStubBank } from '../tpp-client/helpers.js';
import { stubBankTarget } from './stub-bank-target.js';

/**
 * DISC-json-media-type against a stub bank whose discovery document is the same JSON object
 * each time, served with the Content-Type the first path segment names (OIDC Discovery 1.0
 * §4.2: application/json, MUST).
 */
const CONTENT_TYPES: Record<string, string | undefined> = {
  json: 'application/json',
  'json-charset': 'application/json; charset=utf-8',
  'json-upper': 'Application/JSON;Charset=UTF-8',
  html: 'text/html',
  plain: 'text/plain; charset=utf-8',
  'suffix-json': 'application/jwk-set+json',
  'json-prefix': 'application/jsonx',
  none: undefined,
};

let setup: TppAndStubBank;

beforeAll(async () => {
  setup = await startTppAndStubBank((req, res: ServerResponse) => {
    const [, mode] = req.path.split('/');
    const base = `${setup.stub.url}/${mode}`;
    const body = JSON.stringify({
      issuer: base,
      registration_endpoint: `${base}/register`,
      token_endpoint: `${base}/token`,
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'tls_client_auth'],
      request_object_signing_alg_values_supported: ['PS256'],
    });
    const type = CONTENT_TYPES[mode];
    res.writeHead(200, type === undefined ? {} : { 'Content-Type': type });
    res.end(body);
  });
}, 120_000);
afterAll(async () => {
  await setup?.close();
  keyPool.close();
});

const target = (mode: string): Target => stubBankTarget(setup, mode);

async function verdict(mode: string) {
  const summary = await runCatalogue(selectScenarios(CATALOGUE, ['DISC-json-media-type'], []), target(mode));
  expect(summary.results).toHaveLength(1);
  return summary.results[0];
}

describe('DISC-json-media-type', () => {
  it.each([
    'json',
    'json-charset',
    'json-upper',
  ])('passes a discovery document served as %s', async (mode) => {
    const r = await verdict(mode);
    expect(r.outcome).toBe('passed');
    expect(r.level).toBe('MUST');
  });

  it.each([
    ['html', 'answered as text/html, expected application/json'],
    ['plain', 'answered as text/plain, expected application/json'],
    ['suffix-json', 'answered as application/jwk-set+json, expected application/json'],
    ['json-prefix', 'answered as application/jsonx, expected application/json'],
    ['none', 'answered without a Content-Type, expected application/json'],
  ])('fails a discovery document served as %s, citing §4.2', async (mode, message) => {
    const r = await verdict(mode);
    expect(r.outcome).toBe('failed');
    expect(r.expectation?.message).toContain(message);
    expect(r.expectation?.level).toBe('MUST');
    expect(r.rules?.map((x) => x.id)).toEqual(['disc.json-media-type']);
  });
});
