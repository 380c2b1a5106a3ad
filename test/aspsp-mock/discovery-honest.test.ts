import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { BankContext } from '../../aspsp-mock/context.js';
import { createBankRouter, loadProfile, shippedProfileNames } from '../../aspsp-mock/index.js';
import { discoveryDocument } from '../../aspsp-mock/routes/discovery.js';
import { errorHandler, notFoundHandler } from '../../lib/http/index.js';
import { silentLogger } from '../../lib/logger.js';

/**
 * Discovery advertises only what exists: every endpoint URL in each shipped
 * profile's discovery document is routed by that bank (a GET answers
 * something other than 404), and no authorization endpoint is advertised
 * because the bank has none.
 */
const ISSUER = 'https://bank.example/banks/b';

function bankApp(profile: string) {
  const p = loadProfile(profile);
  const ctx = {
    id: 'b',
    issuer: ISSUER,
    orgId: '0015800001041REAAY',
    profile,
    profileDescription: p.description,
    profileChain: p.chain,
    settings: p.settings,
    publicJwks: { keys: [] },
    logger: silentLogger,
    now: () => new Date(),
  } as unknown as BankContext;
  const app = express();
  app.use('/banks/b', createBankRouter(ctx));
  app.use(notFoundHandler);
  app.use(errorHandler(silentLogger));
  return { app, ctx };
}

describe('discovery advertises only what exists', () => {
  it.each(shippedProfileNames())('%s', async (profile) => {
    const { app, ctx } = bankApp(profile);
    const doc = discoveryDocument(ctx);
    expect(doc).not.toHaveProperty('authorization_endpoint');
    const urls = Object.entries(doc).filter(
      ([k, v]) => typeof v === 'string' && (k.endsWith('_endpoint') || k === 'jwks_uri'),
    );
    expect(urls.map(([k]) => k)).toEqual(
      expect.arrayContaining(['registration_endpoint', 'token_endpoint', 'jwks_uri']),
    );
    for (const [key, url] of urls) {
      const path = new URL(url as string).pathname;
      const res = await request(app).get(path);
      expect(res.status, `${key} ${path}`).not.toBe(404);
    }
    const served = await request(app).get(`/banks/b${ctx.settings.discoveryPath}`);
    expect(served.status).toBe(200);
    expect(served.body).toEqual(doc);
    // The endpoint it no longer advertises really does not exist.
    expect((await request(app).get('/banks/b/authorize')).status).toBe(404);
  });
});
