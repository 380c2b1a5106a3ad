import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  }, 120_000);
});

describe('obmock demo --ready-file --step', () => {
  it('runs against a running instance, waits for Enter, narrates response fields and leaves its records there', async () => {
    const { startTestSandbox } = await import('../helpers/sandbox.js');
    const sb = await startTestSandbox();
    try {
      const ready = join(work, 'ready.json');
      const caPath = join(work, 'ca.pem');
      writeFileSync(caPath, sb.caBundle);
      writeFileSync(
        ready,
        JSON.stringify({
          directory: { url: sb.directory.url, adminToken: sb.directory.adminToken },
          ca: { bundle: caPath },
          banks: sb.aspsp.banks.map((b) => ({
            id: b.id,
            issuer: b.issuer,
            discovery: b.discovery,
            orgId: b.orgId,
            profile: b.profile,
          })),
        }),
      );
      const child = spawn(process.execPath, [BIN, 'demo', '--ready-file', ready, '--step'], { cwd: work });
      let stdout = '';
      let prompts = 0;
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        // Answer each prompt only after it is shown: the demo must wait for it.
        const shown = stdout.split('press Enter to continue').length - 1;
        while (prompts < shown) {
          prompts += 1;
          child.stdin.write('\n');
        }
      });
      const code = await new Promise<number | null>((r) => child.on('close', r));
      expect(code).toBe(0);
      expect(stdout).toContain('1. Connect to the running ecosystem');
      expect(prompts).toBe(7);
      expect(stdout).toMatch(/response fields: .*OrganisationId: [A-Za-z0-9]{18}/);
      expect(stdout).toMatch(/client_id: \S+/);
      // The SSA is decoded once, not at every exchange that carries it.
      expect(stdout.split('"software_jwks_endpoint"').length - 1).toBe(1);
      // What it created stays in the running directory.
      const orgs = await fetchJson(sb, '/admin/organisations');
      expect(orgs.map((o) => o.OrganisationName)).toContain('Workshop TPP');
    } finally {
      await sb.close();
    }
  }, 120_000);
});

describe('obmock demo --ready-file --bank at a bank with another profile', () => {
  it.each([
    ['picky', 'jose-only-issuer-aud'], // aud = the issuer URL, DN compared as a string in 2.5.4.97 form
    ['v31', 'ob-v3.1'], // application/jwt, tls_client_auth_dn
    ['pf', 'pingfederate'], // management with the registration access token
    ['scoped', 'no-refresh-pairwise-scoped'], // subject_type pairwise, management token of scope accounts
  ])(
    'registers, gets a token, manages and deletes at %s (%s): the request the profile wants',
    async (id, profile) => {
      const { startTestSandbox } = await import('../helpers/sandbox.js');
      const { bankFromSpec } = await import('../../aspsp-mock/index.js');
      const sb = await startTestSandbox({ banks: [bankFromSpec(`${id}=${profile}`)] });
      try {
        const ready = join(work, `ready-${id}.json`);
        const caPath = join(work, `ca-${id}.pem`);
        writeFileSync(caPath, sb.caBundle);
        writeFileSync(
          ready,
          JSON.stringify({
            directory: { url: sb.directory.url, adminToken: sb.directory.adminToken },
            ca: { bundle: caPath },
            banks: sb.aspsp.banks.map((b) => ({
              id: b.id,
              issuer: b.issuer,
              discovery: b.discovery,
              orgId: b.orgId,
              profile: b.profile,
            })),
          }),
        );
        const r = await new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
          execFile(
            process.execPath,
            [BIN, 'demo', '--ready-file', ready, '--bank', id],
            { cwd: work },
            (err, stdout, stderr) =>
              res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
          );
        });
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/\n {3}client_id \S+/);
        expect(r.stdout).toContain('after delete: 401');
      } finally {
        await sb.close();
      }
    },
    120_000,
  );
});

async function fetchJson(
  sb: { directory: { url: string; adminToken: string }; caBundle: string },
  path: string,
): Promise<Record<string, unknown>[]> {
  const { Agent, request } = await import('undici');
  const agent = new Agent({ connect: { ca: sb.caBundle } });
  try {
    const res = await request(`${sb.directory.url}${path}`, {
      dispatcher: agent,
      headers: { authorization: `Bearer ${sb.directory.adminToken}` },
    });
    return (await res.body.json()) as Record<string, unknown>[];
  } finally {
    await agent.close();
  }
}
