import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { StormAck } from '../../bench/crash-storm.js';
import { parseCrl } from '../../certs/index.js';
import { directoryPaths, resolveDirectoryConfig } from '../../directory/index.js';
import type { CertificateRecord } from '../../directory/model.js';
import { directoryCollections } from '../../directory/repository.js';
import { FileStore } from '../../lib/store/index.js';

/**
 * kill -9 in the middle of a mixed storm of writes (organisations, software
 * statements, certificates, revocations that rewrite the CRL), several times
 * over the same data folder: after each kill every acknowledged write is in the
 * store, every file parses (shards, journal, CRL), and the CRL on disk lists
 * every acknowledged revocation. Uses the built storm program (npm test builds first).
 */
const STORM = resolve(import.meta.dirname, '../../dist/bench/crash-storm.js');
const ROUNDS = 4;
/** Acknowledged writes per round before the kill: the storm is in full flow by then. */
const ACKS_BEFORE_KILL = [12, 20, 16, 24];

const dataDir = mkdtempSync(join(tmpdir(), 'obmock-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function stormUntilKilled(acksWanted: number, onAck: (a: StormAck) => void): Promise<void> {
  return new Promise((done, fail) => {
    const child: ChildProcess = spawn(process.execPath, [STORM, '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    let seen = 0;
    let killed = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const a = JSON.parse(line) as StormAck;
      onAck(a);
      if (a.kind !== 'ready' && ++seen >= acksWanted && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.once('exit', (_code, signal) => {
      if (signal === 'SIGKILL') done();
      else fail(new Error(`storm exited on its own: ${stderr}`));
    });
  });
}

describe('crash safety: kill -9 during a write storm', () => {
  it(`${ROUNDS} kills: every acknowledged write survives, every file parses`, async () => {
    const orgs = new Set<string>();
    const software = new Set<string>();
    const certs = new Set<string>();
    const revoked = new Set<string>();
    const paths = directoryPaths(dataDir);
    const shards = resolveDirectoryConfig({ dataDir }).certificateShards;
    for (let round = 0; round < ROUNDS; round++) {
      await stormUntilKilled(ACKS_BEFORE_KILL[round], (a) => {
        if (a.kind === 'organisation') orgs.add(a.id);
        else if (a.kind === 'software') software.add(a.id);
        else if (a.kind === 'certificate') certs.add(a.kid);
        else if (a.kind === 'revoked') revoked.add(a.kid);
      });
      // CRL files: complete, and listing every acknowledged revocation. The PEM is replaced
      // first, the DER second: a kill between the two leaves the PEM one CRL ahead.
      const crlDer = parseCrl(readFileSync(join(paths.ca, 'issuing.crl')));
      const crlPem = parseCrl(readFileSync(join(paths.ca, 'issuing.crl.pem'), 'utf8'));
      expect(crlPem.crlNumber).toBeGreaterThanOrEqual(Number(crlDer.crlNumber));
      // The store as the next start sees it: shards parse, the journal replays, acknowledged writes are there.
      const store = await FileStore.open(paths.db, { collections: directoryCollections(shards) });
      for (const id of orgs) expect(store.get('organisations', id), `organisation ${id}`).toBeDefined();
      for (const id of software) expect(store.get('softwareStatements', id), `software ${id}`).toBeDefined();
      for (const kid of certs) expect(store.get('certificates', kid), `certificate ${kid}`).toBeDefined();
      const serials = new Set(crlDer.revoked.map((r) => r.serialHex));
      const pemSerials = new Set(crlPem.revoked.map((r) => r.serialHex));
      for (const kid of revoked) {
        const cert = store.get<CertificateRecord>('certificates', kid);
        expect(cert?.status).toBe('Revoked');
        expect(serials.has(String(cert?.serialHex))).toBe(true);
        expect(pemSerials.has(String(cert?.serialHex))).toBe(true);
      }
      const journal = readFileSync(join(paths.db, 'journal.jsonl'), 'utf8');
      expect(journal === '' || journal.endsWith('\n')).toBe(true);
      for (const line of journal.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
      for (const collection of Object.keys(directoryCollections(shards))) {
        for (const f of readdirSync(join(paths.db, collection)).filter((n) => n.endsWith('.json')))
          expect(() => JSON.parse(readFileSync(join(paths.db, collection, f), 'utf8'))).not.toThrow();
      }
    }
    expect(revoked.size).toBeGreaterThan(0);
  }, 90_000);
});
