/**
 * A session's TPP runs its actions one at a time and keeps at most MAX_WAITING_ACTIONS waiting
 * behind the one running: a further press is refused at once (TppBusy), never queued, and once
 * the queue drains the TPP takes actions again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCa } from '../../certs/index.js';
import type { AdvertisedMethods } from '../../console/advertised-methods.js';
import { createConsoleTpp, MAX_WAITING_ACTIONS } from '../../console/tpp-actions.js';
import { TppBusy } from '../../console/tpp-busy.js';

let dir: string;
let caBundlePem: string;
/** A "directory" that accepts connections and never answers, until released. */
let silent: net.Server;
const held = new Set<net.Socket>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'obmock-tpp-busy-'));
  caBundlePem = (await loadOrCreateCa(dir, { crlUrl: 'https://localhost/crl', keyType: 'ec' })).bundlePem;
  silent = net.createServer((s) => {
    held.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
});

afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((r) => silent.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const advertised = { of: async () => [], close: async () => {} } as unknown as AdvertisedMethods;

describe('a console TPP with actions waiting', () => {
  it(`refuses at once past ${MAX_WAITING_ACTIONS} waiting, and takes actions again once they are done`, async () => {
    const port = (silent.address() as net.AddressInfo).port;
    const tpp = createConsoleTpp({
      directoryUrl: `https://127.0.0.1:${port}`,
      adminToken: 'not-used',
      caBundlePem,
      banks: [],
      session: 1,
      advertised,
    });
    // one running (its call to the directory hangs) and MAX_WAITING_ACTIONS behind it
    const queued = Array.from({ length: 1 + MAX_WAITING_ACTIONS }, () => tpp.run('onboard', ''));
    const refused = await tpp.run('onboard', '').then(
      () => 'ran',
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(TppBusy);
    expect((refused as TppBusy).waiting).toBe(MAX_WAITING_ACTIONS);

    // the directory lets go: every queued action ends (refused by it), none is lost
    await expect.poll(() => held.size, { timeout: 10_000 }).toBeGreaterThan(0);
    const release = setInterval(() => {
      for (const s of held) s.destroy();
      held.clear();
    }, 50);
    const results = await Promise.all(queued);
    clearInterval(release);
    expect(results.map((r) => r.ok)).toEqual(new Array(1 + MAX_WAITING_ACTIONS).fill(false));
    expect(results.every((r) => r.action === 'onboard')).toBe(true);

    // and a new press is taken, not refused
    silent.close();
    const again = await tpp.run('register', 'default');
    // it ran (and failed on its own terms: no bank advertises a method here), it was not refused
    expect(again).toMatchObject({ action: 'register', bank: 'default', ok: false });
    expect(again.summary).not.toMatch(/waiting/);
    await tpp.close();
  }, 60_000);
});
