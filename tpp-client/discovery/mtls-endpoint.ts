import type { Discovery } from '../types.js';

/**
 * The URL to call an endpoint at with mutual TLS: its `mtls_endpoint_aliases` entry when the
 * bank publishes one (RFC 8705 section 5), else the plain one.
 */
export function mtlsEndpoint(discovery: Discovery, name: 'registration_endpoint' | 'token_endpoint'): string {
  return discovery.mtls_endpoint_aliases?.[name] ?? discovery[name];
}
