import { UsageError } from './usage-error.js';

/** Addresses that accept connections from this machine only. */
const LOOPBACK_BIND = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/**
 * Whether `obmock up` serves the console over HTTPS: as told by
 * --console-https / --console-http, else HTTPS exactly when the services are
 * bound to an address other machines reach — the session cookie and the admin
 * token would otherwise cross the network in clear (docs/console.md).
 */
export function consoleUsesHttps(flags: { https?: boolean; http?: boolean; bind?: string }): boolean {
  if (flags.https && flags.http) throw new UsageError('--console-https and --console-http: choose one');
  if (flags.https) return true;
  if (flags.http) return false;
  return !LOOPBACK_BIND.test(flags.bind ?? '127.0.0.1');
}
