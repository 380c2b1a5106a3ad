import { MaterialError } from '../errors.js';
import { createHttpClient, type HttpClient } from '../http/create-http-client.js';
import type { TppMaterial } from '../types.js';
import { fetchSsa } from './fetch-ssa.js';

/**
 * The material with a freshly signed SSA from its directory (banks refuse SSAs older than
 * their limit). Needs `material.directory.url` and `accessToken`.
 */
export async function refreshSsa(
  material: TppMaterial,
  options: { http?: HttpClient; timeoutMs?: number } = {},
): Promise<TppMaterial> {
  const d = material.directory;
  if (!d?.url) throw new MaterialError('directory.url', 'is needed to refresh the SSA');
  if (!d.accessToken) throw new MaterialError('directory.accessToken', 'is needed to refresh the SSA');
  const http =
    options.http ?? createHttpClient({ ca: material.caBundlePem, timeoutMs: options.timeoutMs ?? 10_000 });
  try {
    const ssa = await fetchSsa(
      { url: d.url, http },
      material.organisationId,
      material.softwareStatementId,
      d.accessToken,
    );
    return { ...material, ssa };
  } finally {
    if (!options.http) await http.close();
  }
}
