import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { requestLog } from '../../lib/http/index.js';
import { createLogger, type LogLevel, silentLogger } from '../../lib/logger.js';

function appWith(level: LogLevel) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(level, { service: 't' }, (line) => lines.push(JSON.parse(line)));
  const app = express();
  app.use(requestLog(logger));
  app.get('/thing', (_req, res) => {
    // how many finish listeners the log middleware left on this response
    res.json({ finishListeners: res.listenerCount('finish') });
  });
  return { app, lines };
}

describe('requestLog', () => {
  it('writes one line per request at info: method, path without the query, status, duration', async () => {
    const { app, lines } = appWith('info');
    const res = await request(app).get('/thing?secret=1');
    expect(res.status).toBe(200);
    const bare = await request(appWith('silent').app).get('/thing');
    // one finish listener more than the same app with a logger that writes no info lines
    expect(res.body.finishListeners).toBe(bare.body.finishListeners + 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      path: '/thing',
      status: 200,
    });
    expect(typeof lines[0].ms).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('secret');
  });

  it('logs the whole path of a request answered inside a mounted router (a bank under /banks/{id})', async () => {
    const { app, lines } = appWith('info');
    const bank = express.Router();
    bank.post('/register', (_req, res) => {
      res.status(201).json({});
    });
    app.use('/banks/:id', bank);
    expect((await request(app).post('/banks/picky/register')).status).toBe(201);
    expect(lines.map((l) => l.path)).toEqual(['/banks/picky/register']);
  });

  it.each([
    'warn',
    'error',
    'silent',
  ] as const)('at %s: passes the request on and adds nothing to it', async (level) => {
    const { app, lines } = appWith(level);
    const res = await request(app).get('/thing');
    expect(res.status).toBe(200);
    const bare = express().get('/thing', (_req, r) => {
      r.json({ finishListeners: r.listenerCount('finish') });
    });
    // as many finish listeners as the same app without the log middleware
    expect(res.body.finishListeners).toBe((await request(bare).get('/thing')).body.finishListeners);
    expect(lines).toHaveLength(0);
  });

  it('Logger.enabled says which levels a logger writes', () => {
    const warn = createLogger('warn', {}, () => undefined);
    expect([
      warn.enabled?.('debug'),
      warn.enabled?.('info'),
      warn.enabled?.('warn'),
      warn.enabled?.('error'),
    ]).toEqual([false, false, true, true]);
    expect(silentLogger.enabled?.('error')).toBe(false);
    expect(warn.child({ a: 1 }).enabled?.('info')).toBe(false);
  });
});
