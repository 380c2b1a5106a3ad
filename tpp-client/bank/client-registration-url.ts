import { mtlsEndpoint } from '../discovery/mtls-endpoint.js';
import type { Discovery } from '../types.js';

/** `{registration_endpoint}/{ClientId}` (the client id URL-encoded). */
export function clientRegistrationUrl(discovery: Discovery, clientId: string): string {
  return `${mtlsEndpoint(discovery, 'registration_endpoint').replace(/\/+$/, '')}/${encodeURIComponent(clientId)}`;
}
