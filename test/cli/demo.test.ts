import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../dist/cli/main.js');
const work = mkdtempSync(join(tmpdir(), 'obmock-demo-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('obmock demo', () => {
  it('walks through onboarding, registration, token, consent and management, and writes the page', async () => {
    const html = join(work, 'demo.html');
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'demo', '--html', html], {
      cwd: work,
      timeout: 120_000,
    });
    for (const title of [
      '1. Start the ecosystem',
      '2. Onboard the TPP at the directory',
      '4. Register (dynamic client registration)',
      '5. Get an access token',
      '6. Use it: create an account-access consent',
    ]) {
      expect(stdout).toContain(title);
    }
    expect(stdout).toMatch(/POST \/banks\/default\/register → 201/);
    expect(stdout).toMatch(/POST \/banks\/default\/token → 200/);
    expect(stdout).toMatch(/JWT in the response: header \{"alg":"PS256","typ":"JWT"/);
    expect(stdout).toMatch(/certificate in the response body: subject C=GB, O=OpenBanking, OU=/);
    expect(stdout).toContain('after delete: 401');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('data-scenario-id="DEMO"');
    expect(page).toContain('data-outcome="passed"');
    expect(page).toContain('<svg');
  });
});
