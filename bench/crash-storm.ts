/**
 * A mixed storm of directory writes for the crash test (test/lib/crash.test.ts):
 * organisations, software statements, certificates from CSRs and revocations
 * (each rewriting the CRL), several at a time, over HTTPS against a directory
 * on `--data-dir`. Every write the directory acknowledged (a 2xx) is printed at
 * once as one JSON line on stdout, so whoever kills this process with SIGKILL
 * knows exactly which writes must survive.
 *
 *   node dist/bench/crash-storm.js --data-dir <dir>
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { createCsr, generateRsaKeyPair } from '../certs/index.js';
import { startDirectory } from '../directory/index.js';

export type StormAck =
  | { kind: 'ready' }
  | { kind: 'organisation'; id: string }
  | { kind: 'software'; id: string; org: string }
  | { kind: 'certificate'; kid: string; org: string }
  | { kind: 'revoked'; kid: string };

const ack = (a: StormAck): void => {
  process.stdout.write(`${JSON.stringify(a)}\n`);
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'data-dir': { type: 'string' }, workers: { type: 'string', default: '4' } },
    strict: true,
  });
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error('usage: crash-storm --data-dir <dir> [--workers N]');
  const directory = await startDirectory({ dataDir, port: 0, bindAddress: '127.0.0.1', logLevel: 'silent' });
  const agent = new Agent({ connect: { ca: readFileSync(directory.ca.bundle, 'utf8') } });
  const key = await generateRsaKeyPair(2048);
  const call = async (method: string, path: string, token: string, body?: unknown, pem = false) => {
    const res = await request(`${directory.url}${path}`, {
      method: method as 'GET',
      dispatcher: agent,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined
          ? {}
          : { 'content-type': pem ? 'application/x-pem-file' : 'application/json' }),
      },
      body: body === undefined ? undefined : pem ? String(body) : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
    return text === '' ? {} : (JSON.parse(text) as Record<string, string>);
  };
  ack({ kind: 'ready' });
  const worker = async () => {
    for (;;) {
      const org = await call('POST', '/admin/organisations', directory.adminToken, {
        OrganisationName: 'storm TPP',
        OrganisationType: 'tpp',
        Roles: ['AISP'],
      });
      ack({ kind: 'organisation', id: org.OrganisationId });
      const ss = await call(
        'POST',
        `/v2.1/organisation/${org.OrganisationId}/software-statement`,
        org.AccessToken,
        {
          ClientName: 'storm app',
          RedirectUri: ['https://storm.example.com/cb'],
          Roles: ['AISP'],
        },
      );
      ack({ kind: 'software', id: ss.Id, org: org.OrganisationId });
      const csr = createCsr({
        key,
        subject: [
          { name: 'C', value: 'GB' },
          { name: 'O', value: 'OpenBanking' },
          { name: 'OU', value: org.OrganisationId },
          { name: 'CN', value: ss.Id },
        ],
      });
      const kids: string[] = [];
      for (const type of ['obtransport', 'obsigning']) {
        const cert = await call(
          'POST',
          `/v2.1/organisation/${org.OrganisationId}/software-statement/${ss.Id}/certificate/${type}`,
          org.AccessToken,
          csr,
          true,
        );
        ack({ kind: 'certificate', kid: cert.kid, org: org.OrganisationId });
        kids.push(cert.kid);
      }
      await call(
        'DELETE',
        `/v2.1/organisation/${org.OrganisationId}/certificate/kid/${kids[0]}`,
        org.AccessToken,
      );
      ack({ kind: 'revoked', kid: kids[0] });
    }
  };
  await Promise.all(Array.from({ length: Number(values.workers) }, worker));
}

main().catch((err: unknown) => {
  process.stderr.write(`crash-storm: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
