import { decodeSsa } from '../../tpp-client/index.js';
import type { ScenarioContext } from '../context.js';

/** Every redirect URI of the TPP's SSA a bank must accept (https, not localhost). */
export function acceptableRedirects(t: ScenarioContext): string[] {
  const uris = decodeSsa(t.tpp.material.ssa).software_redirect_uris;
  if (!Array.isArray(uris)) return [];
  return uris.map(String).filter((u) => {
    try {
      const url = new URL(u);
      return url.protocol === 'https:' && !/^(localhost|127\.|\[::1\])/.test(url.hostname);
    } catch {
      return false;
    }
  });
}
