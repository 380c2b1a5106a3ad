import type { TppMaterial } from '../types.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from './create-http-client.js';

/**
 * The mutual-TLS client a TPP uses towards banks: the material's transport certificate and key,
 * servers trusted through the material's CA bundle.
 */
export function httpClientForMaterial(
  material: Pick<TppMaterial, 'transport' | 'caBundlePem'>,
  options: Omit<HttpClientOptions, 'ca' | 'cert' | 'key' | 'timeoutMs'> & { timeoutMs?: number } = {},
): HttpClient {
  return createHttpClient({
    ...options,
    ca: material.caBundlePem,
    cert: material.transport.certPem,
    key: material.transport.keyPem,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
}
