import { execFileSync } from 'node:child_process';

/** Runs the openssl binary and returns its standard output; throws (with its stderr) on failure. */
export function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A new RSA 2048 key and its CSR, made by OB's documented command
 * (`openssl req -new -newkey rsa:2048 -nodes -out CSR -keyout KEY -subj SUBJECT -sha256`),
 * written to `csr` and `key`.
 */
export function opensslKeyAndCsr(opts: { csr: string; key: string; subject: string }): void {
  openssl([
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-out',
    opts.csr,
    '-keyout',
    opts.key,
    '-subj',
    opts.subject,
    '-sha256',
  ]);
}

/** The subject OB's documented command gives a legacy transport or signing certificate. */
export const legacyOpensslSubject = (orgId: string, softwareId: string): string =>
  `/C=GB/ST=/L=/O=OpenBanking/OU=${orgId}/CN=${softwareId}`;
