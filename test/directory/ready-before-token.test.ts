import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../directory/index.js';
import { silentLogger } from '../../lib/logger.js';

/**
 * Another process (the bank's container) waits for the directory's admin token file, then
 * connects. On a fixed port the directory must already answer over TLS by then: the token
 * file is written last.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'obmock-ready-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const freePort = () =>
  new Promise<number>((res) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });

const health = (port: number, ca: string) =>
  new Promise<number>((res, rej) => {
    https
      .get(
        { host: '127.0.0.1', servername: 'localhost', port, path: '/health', ca, timeout: 10_000 },
        (r) => {
          r.resume();
          res(r.statusCode ?? 0);
        },
      )
      .on('error', rej);
  });

describe('directory start on a fixed port', () => {
  it('answers /health over TLS the moment its admin token file appears', async () => {
    const port = await freePort();
    const tokenFile = join(dataDir, 'directory', 'admin-token');
    const bundleFile = join(dataDir, 'directory', 'ca', 'bundle.pem');
    let watcherResult: Promise<number> | undefined;
    const watcher = setInterval(() => {
      if (watcherResult || !existsSync(tokenFile)) return;
      // what a waiting bank does: read the bundle, connect at once
      watcherResult = health(port, readFileSync(bundleFile, 'utf8'));
    }, 1);
    const directory = await startDirectory({ dataDir, port, logLevel: 'silent' }, { logger: silentLogger });
    try {
      while (!watcherResult) await new Promise((r) => setTimeout(r, 1));
      clearInterval(watcher);
      expect(await watcherResult).toBe(200);
      expect(readFileSync(tokenFile, 'utf8').trim()).toBe(directory.adminToken);
    } finally {
      clearInterval(watcher);
      await directory.close();
    }
  });

  it('keeps the admin token across restarts', async () => {
    const first = readFileSync(join(dataDir, 'directory', 'admin-token'), 'utf8').trim();
    const directory = await startDirectory(
      { dataDir, port: 0, logLevel: 'silent' },
      { logger: silentLogger },
    );
    await directory.close();
    expect(directory.adminToken).toBe(first);
  });
});
