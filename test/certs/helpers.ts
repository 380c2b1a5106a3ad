import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Psd2Role, SubjectContext } from '../../certs/index.js';
import { tempDir as makeTempDir } from '../helpers/temp-dir.js';

export const ORG_ID = '0015800001041REAAY';
export const SOFTWARE_ID = '4pHhkZQaBOGdp5zbkSsGF8';
export const OB_OI = `PSDGB-OB-Unknown${ORG_ID}`;
export const EIDAS_OI = 'PSDUK-UKBXXX-12345678';
export const CRL_URL = 'http://localhost:8443/ca/crl';

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = 'obmock-certs-'): string {
  return makeTempDir(prefix);
}

export function obContext(overrides: Partial<SubjectContext> = {}): SubjectContext {
  return {
    orgId: ORG_ID,
    softwareId: SOFTWARE_ID,
    legalName: 'Acme Payments Ltd',
    organisationIdentifier: OB_OI,
    roles: ['PSP_AI', 'PSP_PI'] as Psd2Role[],
    ...overrides,
  };
}

export const legacySubject = (orgId = ORG_ID, softwareId = SOFTWARE_ID) => [
  { name: 'C', value: 'GB' },
  { name: 'O', value: 'OpenBanking' },
  { name: 'OU', value: orgId },
  { name: 'CN', value: softwareId },
];

export const obwacSubject = (oi = OB_OI, cn = ORG_ID) => [
  { name: 'C', value: 'GB' },
  { name: 'O', value: 'Acme Payments Ltd' },
  { name: 'organizationIdentifier', value: oi },
  { name: 'CN', value: cn },
];

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the openssl binary; never throws on a non-zero exit. */
export function openssl(args: string[], cwd?: string): RunResult {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function writeFile(dir: string, name: string, data: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

/** Re-encodes a PEM after flipping one byte of its DER (negative offsets count from the end). */
export function flipDerByte(pem: string, label: string, offset: number): string {
  const b64 = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(b64, 'base64');
  const i = offset < 0 ? der.length + offset : offset;
  der[i] ^= 0x01;
  const lines = der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN ${label}-----\n${lines}\n-----END ${label}-----\n`;
}
