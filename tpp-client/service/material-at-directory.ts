import type { TppMaterial } from '../types.js';

/**
 * The service's saved material, made at `directoryUrl` in an earlier run, pointed at that
 * directory's URL in this run. A sandbox restarted on the same data dir with other ports
 * (`obmock up --port 0`) has the same directory — same CA, same organisation and software
 * statement — at another origin, and the material would otherwise ask the old one for every
 * fresh SSA (each registration failing with "could not be reached"). The keystore URL follows
 * when it lay under the old origin. Material from another directory is not this service's: it
 * is left as it is.
 */
export function materialAtDirectory(material: TppMaterial, directoryUrl: string): TppMaterial {
  const saved = material.directory;
  if (!saved) return material;
  let from: URL;
  let to: URL;
  try {
    from = new URL(saved.url);
    to = new URL(directoryUrl);
  } catch {
    return material;
  }
  if (from.origin === to.origin || from.pathname !== to.pathname || from.protocol !== to.protocol)
    return material;
  const keystoreUrl = saved.keystoreUrl.startsWith(`${from.origin}/`)
    ? `${to.origin}${saved.keystoreUrl.slice(from.origin.length)}`
    : saved.keystoreUrl;
  return { ...material, directory: { ...saved, url: directoryUrl, keystoreUrl } };
}
