import { type Discovery, type RegisteredClient, registrationClientUriRefusal } from '../tpp-client/index.js';

/**
 * Where a registration is managed: the bank's RFC 7592 `registration_client_uri` when it gave an
 * https one on a host the TPP's name rule allows (`registrationClientUriRefusal`; the error
 * names the host otherwise, and nothing is sent), else `{registration_endpoint}/{ClientId}`.
 */
export function managementUrl(registered: RegisteredClient, discovery: Discovery): { url?: string } {
  const uri = registered.registration_client_uri;
  if (typeof uri !== 'string' || !uri.startsWith('https://')) return {};
  const refusal = registrationClientUriRefusal(uri, discovery);
  if (refusal) throw new Error(`the bank's ${refusal}`);
  return { url: uri };
}
