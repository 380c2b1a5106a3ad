import { bareHost } from './bare-host.js';

/** Names and addresses that reach this machine whatever the configured host name. */
export function isLoopbackHost(hostname: string): boolean {
  const h = bareHost(hostname);
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(h) ||
    h === '0.0.0.0' ||
    h === '::1' ||
    h === '::' ||
    /^::ffff:(127\.|7f)/.test(h)
  );
}
