import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../bench/figures/catalogue.js';
import { parseBenchArgs, UsageError, warmupFor } from '../../bench/lib/args.js';
import { bracketWithFloor } from '../../bench/lib/floors.js';
import { CERTIFICATES_PER_STATEMENT, statementsFor } from '../../bench/lib/issuance.js';
import { cloneCertificate, prepopulateCertificates } from '../../bench/lib/prepopulate.js';
import { measureLoad, measureSyncRate, medianRate, percentile } from '../../bench/lib/rate.js';
import { formatReport, medianRunNotes, toResult } from '../../bench/lib/report.js';
import type { Figure } from '../../bench/lib/types.js';
import { directoryPaths } from '../../directory/index.js';
import { type CertificateRecord, COLLECTIONS, type SoftwareStatementRecord } from '../../directory/model.js';
import { directoryCollections } from '../../directory/repository.js';
import { FileStore } from '../../lib/store/index.js';

describe('bench args', () => {
  it('defaults to every figure, 2000 ops, 3 runs, human output', () => {
    expect(parseBenchArgs([])).toEqual({
      json: false,
      only: [],
      ops: 2000,
      reps: 3,
      profileDir: undefined,
      help: false,
    });
  });

  it('reads --json, repeated and comma-separated --only, --ops', () => {
    const o = parseBenchArgs(['--json', '--only', 'a,b', '--only', 'c', '--ops', '50']);
    expect(o).toMatchObject({ json: true, only: ['a', 'b', 'c'], ops: 50 });
  });

  it('refuses a bad --ops and unknown flags', () => {
    expect(() => parseBenchArgs(['--ops', '0'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--ops', '1e3'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--frobnicate'])).toThrow(UsageError);
  });

  it('reads --reps and refuses a bad one', () => {
    expect(parseBenchArgs(['--reps', '5']).reps).toBe(5);
    expect(() => parseBenchArgs(['--reps', '0'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--reps', 'two'])).toThrow(UsageError);
  });

  it('warms up with a tenth of the operations, 20 to 200', () => {
    expect([warmupFor(1), warmupFor(1000), warmupFor(2000), warmupFor(50_000)]).toEqual([20, 100, 200, 200]);
  });
});

describe('rates', () => {
  it('percentile uses the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('measureSyncRate runs at least minOps', () => {
    let calls = 0;
    const r = measureSyncRate(() => calls++, { warmupOps: 3, minOps: 10, minMs: 0 });
    expect(r.ops).toBeGreaterThanOrEqual(10);
    expect(calls).toBe(r.ops + 3);
    expect(r.opsPerSec).toBeGreaterThan(0);
  });

  it('medianRate keeps the middle round, or the mean of the middle two', () => {
    const round = (opsPerSec: number) => ({ opsPerSec, ops: opsPerSec, elapsedMs: 1000 });
    expect(medianRate([round(10), round(30), round(20)]).opsPerSec).toBe(20);
    expect(medianRate([round(40), round(10), round(30), round(20)]).opsPerSec).toBe(25);
    expect(() => medianRate([])).toThrow(RangeError);
  });

  it('measureLoad runs warm-up then exactly ops operations, never more than concurrency at once', async () => {
    const seen: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const r = await measureLoad({
      ops: 40,
      warmup: 5,
      concurrency: 4,
      op: async (i) => {
        seen.push(i);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
      },
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 45 }, (_, i) => i));
    expect(maxInFlight).toBe(4);
    expect(r.ops).toBe(40);
    expect(r.p99Ms).toBeGreaterThanOrEqual(r.p50Ms);
    expect(r.clientCpuMsPerOp).toBeGreaterThanOrEqual(0);
  });

  it('measureLoad stops at the first failure and rethrows it', async () => {
    let calls = 0;
    await expect(
      measureLoad({
        ops: 1000,
        warmup: 0,
        concurrency: 2,
        op: async (i) => {
          calls++;
          await Promise.resolve();
          if (i === 3) throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    expect(calls).toBeLessThan(10);
  });

  it('bracketWithFloor measures rounds on both sides of the load', async () => {
    const order: string[] = [];
    let n = 0;
    const out = await bracketWithFloor(
      () => {
        order.push('floor');
        n++;
        return { opsPerSec: n, ops: 1, elapsedMs: 1 };
      },
      async () => {
        order.push('load');
        return 'done';
      },
    );
    expect(order).toEqual(['floor', 'floor', 'floor', 'load', 'floor', 'floor', 'floor']);
    expect(out.result).toBe('done');
    expect(out.floor.opsPerSec).toBe(3.5);
  });
});

describe('prepopulation', () => {
  const source: CertificateRecord = {
    kid: 'k',
    OrganisationId: 'org',
    SoftwareStatementId: 'ss',
    Associations: [],
    type: 'obtransport',
    use: 'tls',
    status: 'Active',
    pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    serialHex: '01',
    notBefore: '2025-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    n: 'n',
    e: 'AQAB',
    kty: 'RSA',
    x5tS256: 's',
    createdAt: '2025-01-01T00:00:00.000Z',
  };

  it('tops a directory store up to the total, durably, through a FileStore', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'obmock-bench-test-'));
    try {
      const open = () => FileStore.open(directoryPaths(dataDir).db, { collections: directoryCollections(4) });
      const before = await open();
      await before.put(COLLECTIONS.certificates, source.kid, source);
      await before.close();
      const r = await prepopulateCertificates(dataDir, 50, { certificateShards: 4 });
      expect(r).toEqual({ existing: 1, added: 49, organisations: 1, softwareStatements: 1 });
      const after = await open();
      const certs = after.list<CertificateRecord>(COLLECTIONS.certificates);
      expect(certs).toHaveLength(50);
      expect(new Set(certs.map((c) => c.kid)).size).toBe(50);
      await after.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('with perStatement, puts the clones on new software statements, none above the limit', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'obmock-bench-test-'));
    const statement = {
      Id: 'ss',
      OrganisationId: 'org',
      ClientId: 'ss',
      ClientName: 'app',
      RedirectUri: ['https://tpp.example.com/cb'],
      Roles: ['AISP'],
    } as unknown as SoftwareStatementRecord;
    try {
      const open = () => FileStore.open(directoryPaths(dataDir).db, { collections: directoryCollections(4) });
      const before = await open();
      await before.put(COLLECTIONS.certificates, source.kid, source);
      await before.put(COLLECTIONS.softwareStatements, statement.Id, statement);
      await before.close();
      const r = await prepopulateCertificates(dataDir, 50, { certificateShards: 4, perStatement: 18 });
      // 49 clones: 18 + 18 + 13 on three new statements, plus the original's one
      expect(r).toEqual({ existing: 1, added: 49, organisations: 1, softwareStatements: 4 });
      const after = await open();
      const certs = after.list<CertificateRecord>(COLLECTIONS.certificates);
      const perSs = new Map<string, number>();
      for (const c of certs) perSs.set(c.SoftwareStatementId!, (perSs.get(c.SoftwareStatementId!) ?? 0) + 1);
      expect([...perSs.values()].sort((a, b) => a - b)).toEqual([1, 13, 18, 18]);
      const statements = after.list<SoftwareStatementRecord>(COLLECTIONS.softwareStatements);
      expect(statements).toHaveLength(4);
      for (const ss of statements) {
        expect(ss.OrganisationId).toBe('org');
        expect(perSs.has(ss.Id)).toBe(true);
      }
      await after.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('clones a record with a new kid, x5t#S256 and serial, same shape and owner', () => {
    const a = cloneCertificate(source, '2025-02-02T00:00:00.000Z');
    const b = cloneCertificate(source, '2025-02-02T00:00:00.000Z');
    expect(Object.keys(a).sort()).toEqual(Object.keys(source).sort());
    expect(a).toMatchObject({ OrganisationId: 'org', SoftwareStatementId: 'ss', pem: source.pem });
    expect(a.kid).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(a.serialHex).toMatch(/^[0-7][0-9a-f]{31}$/);
    expect(new Set([source.kid, a.kid, b.kid]).size).toBe(3);
    expect(a.serialHex).not.toBe(b.serialHex);
    expect(a.Associations).not.toBe(source.Associations);
  });
});

describe('issuance spread', () => {
  it('uses enough software statements to stay under the 20-certificate limit, the probe included', () => {
    for (const n of [1, 17, 18, 19, 220, 2200, 50_200]) {
      const statements = statementsFor(n);
      expect(Math.ceil(n / statements) + 1).toBeLessThan(20);
      expect(statements).toBeGreaterThanOrEqual(n / CERTIFICATES_PER_STATEMENT);
    }
  });
});

describe('catalogue summary', () => {
  it('reads the console summary line by name, colours stripped', () => {
    const out = [
      '✓ FAULT-register-latency-timeout … (3301 ms)',
      '\x1b[32m105 scenarios against sandbox bank default (ob-v3.3): \x1b[32m103 passed\x1b[0m, 1 failed, 1 warning, 0 skipped, 2 blocked in 10.3 s\x1b[0m',
      '',
    ].join('\n');
    expect(parseSummary(out)).toMatchObject({
      total: 105,
      passed: 103,
      failed: 1,
      warnings: 1,
      skipped: 0,
      blocked: 2,
    });
  });

  it('refuses an output without a summary', () => {
    expect(() => parseSummary('✓ DCR-01 …\n')).toThrow(/no summary line/);
  });
});

describe('report', () => {
  const figure: Figure = {
    name: 'demo_per_s',
    unit: 'ops/s',
    description: 'demo value',
    floorDescription: 'demo floor',
    target: 0.3,
    run: async () => ({ value: 1, floor: 1 }),
  };

  it('rounds results and computes the ratio', () => {
    expect(toResult(figure, { value: 123.456, floor: 1000.04 })).toEqual({
      name: 'demo_per_s',
      value: 123.5,
      unit: 'ops/s',
      floor: 1000,
      ratio: 0.123,
      runs: [{ value: 123.5, floor: 1000, ratio: 0.123 }],
      spreadPct: 0,
    });
  });

  it('takes the medians over the runs, the ratio per run, and the spread of the values', () => {
    const r = toResult(figure, [
      { value: 300, floor: 1000 },
      { value: 500, floor: 500 },
      { value: 400, floor: 2000 },
    ]);
    expect(r.value).toBe(400);
    expect(r.floor).toBe(1000);
    // ratios 0.3, 1, 0.2: the median ratio, not 400 / 1000
    expect(r.ratio).toBe(0.3);
    expect(r.runs.map((x) => x.ratio)).toEqual([0.3, 1, 0.2]);
    expect(r.spreadPct).toBe(50);
    expect(
      medianRunNotes([
        { value: 1, floor: 1, notes: ['high'] },
        { value: 1, floor: 2, notes: ['middle'] },
        { value: 1, floor: 4, notes: ['low'] },
      ]),
    ).toEqual(['middle']);
    expect(() => toResult(figure, [])).toThrow(RangeError);
  });

  it('shows value, floor, ratio, spread and whether the target is met', () => {
    const text = formatReport(
      [
        {
          figure,
          result: toResult(figure, [
            { value: 400, floor: 1000 },
            { value: 200, floor: 1000 },
            { value: 450, floor: 1000 },
          ]),
          notes: ['a note'],
        },
        { figure: { ...figure, name: 'broken' }, error: 'request failed' },
        {
          figure: {
            ...figure,
            name: 'boot_ms',
            unit: 'ms',
            target: undefined,
            valueLimit: 2000,
            lowerIsBetter: true,
          },
          result: toResult(figure, { value: 2500, floor: 500 }),
          notes: [],
        },
      ],
      'settings',
      '0.00',
    );
    expect(text).toMatch(
      /demo_per_s\s+400\.0 ops\/s\s+1,000\.0 ops\/s\s+0\.400\s+0\.200–0\.450, ±31%\s+≥ 0\.30\s+yes \(2\/3\)/,
    );
    expect(text).toMatch(/boot_ms\s+2,500\.0 ops\/s.*< 2,000\.0 ms\s+NO \(0\/1\)/);
    expect(text).toMatch(/broken\s+FAILED/);
    expect(text).toContain('runs: 400.0 / 1,000.0 = 0.400; 200.0 / 1,000.0 = 0.200; 450.0 / 1,000.0 = 0.450');
    expect(text).toContain('a note');
    expect(text).toContain('FAILED: request failed');
  });
});
