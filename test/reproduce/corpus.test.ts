import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferProfile } from '../../aspsp-mock/profile/infer-profile.js';
import { reproduce } from '../../scenarios/reproduce/index.js';
import { type Sandbox, startSandbox } from '../../scenarios/sandbox.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'reproduce');

interface Corpus {
  /** Discovery file → the switches it must give (null: not advertised). */
  discovery: Record<string, Record<string, unknown>>;
  /** Exchange folder → its bank's discovery file and the expected diagnosis. */
  exchanges: Record<string, { discovery: string; matched: boolean; diagnosed: Record<string, unknown> }>;
}
const corpus = JSON.parse(readFileSync(join(FIXTURES, 'corpus.json'), 'utf8')) as Corpus;
const discovery = (file: string) =>
  JSON.parse(readFileSync(join(FIXTURES, 'discovery', file), 'utf8')) as Record<string, unknown>;

describe('corpus: discovery documents', () => {
  for (const [file, expected] of Object.entries(corpus.discovery)) {
    it(`${file} gives the expected switches`, () => {
      const inferred = inferProfile(discovery(file));
      for (const [name, value] of Object.entries(expected)) {
        if (value === null) expect(inferred.notAdvertised).toContain(name);
        else
          expect({ [name]: inferred.switches[name as keyof typeof inferred.switches] }).toEqual({
            [name]: value,
          });
      }
    });
  }
});

describe('corpus: failing exchanges are diagnosed', () => {
  let sandbox: Sandbox;
  const hits: string[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ banks: ['replay=ob-v3.3'] });
  });
  afterAll(async () => {
    await sandbox?.stop();
    process.stdout.write(
      `reproduce corpus hit rate: ${hits.length}/${Object.keys(corpus.exchanges).length} (${hits.join(', ')})\n`,
    );
  });

  for (const [name, expected] of Object.entries(corpus.exchanges)) {
    it(`${name}: ${expected.matched ? 'diagnosed as expected' : 'reported unmatched'}`, async () => {
      const dir = join(FIXTURES, 'exchanges', name);
      const requestFile = ['request.jwt', 'request.json']
        .map((f) => join(dir, f))
        .find((f) => {
          try {
            readFileSync(f);
            return true;
          } catch {
            return false;
          }
        })!;
      const diagnosis = await reproduce({
        discovery: discovery(expected.discovery),
        request: readFileSync(requestFile, 'utf8'),
        response: readFileSync(join(dir, 'response.json'), 'utf8'),
        sandbox,
      });
      if (process.env.DEBUG_REPRO)
        console.log(
          name,
          JSON.stringify(
            diagnosis.ranked
              .slice(0, 4)
              .map((r) => [r.changes, r.status, r.error, r.description, r.comparison]),
          ),
        );
      expect(diagnosis.matched).toBe(expected.matched);
      expect(diagnosis.diagnosed).toEqual(expected.diagnosed);
      if (!expected.matched) {
        expect(diagnosis.explanations).toEqual([]);
        expect(diagnosis.ranked.every((r) => !r.matched)).toBe(true);
      }
      hits.push(name);
    });
  }
});
