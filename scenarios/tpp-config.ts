import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  chooseSigningAlg,
  createHttpClient,
  loadMaterial,
  loadSuppliedMaterial,
  onboardAtDirectory,
  refreshSsa,
  type SigningAlg,
  type TppMaterial,
} from '../tpp-client/index.js';
import { hintProblems } from './check-hints.js';
import { type BankHints, SCENARIO_REDIRECT_URIS, type Target } from './target.js';
import { checkTargetUrl, discoveryHint, TargetError, UsageError } from './target-errors.js';

/**
 * The file `obmock scenarios --target URL --tpp-config FILE` reads: the TPP
 * material a bank under test trusts, given one of three ways, plus hints about
 * the bank that discovery cannot give.
 *
 * {
 *   "material": { "transportCert": "transport.pem", "transportKey": "transport.key", "signingKey": "signing.key",
 *                 "signingKid": "…", "ssa": "ssa.jwt", "caBundle": "ca.pem" }      // files, e.g. from a real sandbox
 *   | "materialDir": ".obmock/tpp/material"                                        // saved by obmock's TPP library
 *   | "directory": { "url": "https://localhost:8443", "caBundle": "ca.pem",
 *                    "adminToken": "…" | "adminTokenFile": "…/admin-token" }      // an obmock directory: onboard a TPP
 *   "hints": { "audience": "…", "mediaType": "application/jose", … },             // optional, see BankHints
 *   "caBundle": "bank-ca.pem",                                                    // optional: extra CAs for the bank's server certificate
 *   "allowedHosts": ["matls.bank-group.example"]                                  // optional: endpoint hosts outside the discovery URL's domain
 * }
 * Paths are relative to the config file. With `directory.adminToken` (an obmock
 * directory) the scenarios that revoke, suspend or onboard more TPPs run too.
 */
export interface TppConfigFile {
  material?: {
    transportCert: string;
    transportKey: string;
    signingKey: string;
    signingKid: string;
    ssa: string;
    caBundle: string | string[];
    signingAlg?: 'PS256' | 'ES256' | 'RS256';
  };
  materialDir?: string;
  directory?: { url: string; caBundle: string; adminToken?: string; adminTokenFile?: string };
  hints?: BankHints;
  caBundle?: string | string[];
  allowedHosts?: string[];
}

/** A --tpp-config file that cannot be used (a usage error: exit 2). */
export class TppConfigError extends UsageError {}

/** Builds a scenario target for a bank that is not ours from the config file. */
export async function targetFromConfig(discoveryUrl: string, file: string): Promise<Target> {
  checkTargetUrl(discoveryUrl);
  let config: TppConfigFile;
  try {
    config = JSON.parse(await readFile(file, 'utf8')) as TppConfigFile;
  } catch (err) {
    throw new TppConfigError(`--tpp-config ${file}: ${(err as Error).message}`);
  }
  const base = dirname(resolve(file));
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const ways = ['material', 'materialDir', 'directory'].filter(
    (k) => config[k as keyof TppConfigFile] !== undefined,
  );
  if (ways.length !== 1)
    throw new TppConfigError(
      `--tpp-config ${file}: give exactly one of material, materialDir, directory (got ${ways.join(', ') || 'none'})`,
    );
  const wrongHints = hintProblems(config.hints);
  if (wrongHints.length) throw new TppConfigError(`--tpp-config ${file}: ${wrongHints.join('; ')}`);
  const allowedHosts = config.allowedHosts ?? [];
  if (!Array.isArray(allowedHosts) || !allowedHosts.every((h) => typeof h === 'string' && h !== ''))
    throw new TppConfigError(`--tpp-config ${file}: allowedHosts must be an array of host names`);
  // A file it names that cannot be read, material that does not load, a directory that does not
  // answer or refuses the admin token: the configuration's problem (exit 2), not the bank's (1).
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof UsageError || err instanceof TargetError) throw err;
      throw new TppConfigError(`--tpp-config ${file}: ${what}: ${(err as Error).message}`);
    }
  };
  const extraCaFiles =
    config.caBundle === undefined ? [] : Array.isArray(config.caBundle) ? config.caBundle : [config.caBundle];
  const extraCas = await step('caBundle', () =>
    Promise.all(extraCaFiles.map((p) => readFile(at(p), 'utf8'))),
  );
  let material: TppMaterial;
  let directory: Target['directory'];
  /** With a directory: the alg of the TPPs onboarded, once discovery has told it (see below). */
  let signingAlg: SigningAlg | undefined;
  let onboardAgain: (() => Promise<TppMaterial>) | undefined;
  if (config.material) {
    const m = config.material;
    material = await step('material', () =>
      loadSuppliedMaterial({
        transportCert: at(m.transportCert),
        transportKey: at(m.transportKey),
        signingKey: at(m.signingKey),
        signingKid: m.signingKid,
        ssa: at(m.ssa),
        caBundle: (Array.isArray(m.caBundle) ? m.caBundle : [m.caBundle]).map(at),
        ...(m.signingAlg ? { signingAlg: m.signingAlg } : {}),
      }),
    );
  } else if (config.materialDir) {
    material = await step('materialDir', () => loadMaterial(at(config.materialDir!)));
    if (material.directory?.accessToken) material = await refreshSsa(material).catch(() => material);
  } else {
    const dir = config.directory!;
    const adminToken =
      dir.adminToken ??
      (dir.adminTokenFile
        ? (await step('directory.adminTokenFile', () => readFile(at(dir.adminTokenFile!), 'utf8'))).trim()
        : undefined);
    if (!adminToken)
      throw new TppConfigError(`--tpp-config ${file}: directory needs adminToken or adminTokenFile`);
    const d = { url: dir.url, adminToken };
    const caBundlePem = await step('directory.caBundle', () => readFile(at(dir.caBundle), 'utf8'));
    const onboard = () =>
      onboardAtDirectory({
        ...(signingAlg ? { signingAlg } : {}),
        directoryUrl: d.url,
        caBundlePem,
        organisation: {
          adminToken: d.adminToken,
          create: { OrganisationName: 'obmock conformance TPP', Roles: ['AISP', 'PISP'] },
        },
        softwareStatement: {
          ClientName: 'obmock conformance',
          RedirectUri: SCENARIO_REDIRECT_URIS,
          Roles: ['AISP', 'PISP'],
        },
      });
    material = await step(`onboarding a TPP at the directory ${d.url}`, onboard);
    onboardAgain = onboard;
    // Every TPP onboarded later trusts the bank's server CA too, not only the first.
    directory = {
      url: d.url,
      adminToken: d.adminToken,
      caBundlePem,
      newTpp: async () => withCas(await onboard()),
    };
  }
  const withCas = (m: TppMaterial): TppMaterial =>
    extraCas.length ? { ...m, caBundlePem: [m.caBundlePem, ...extraCas].join('\n') } : m;
  material = withCas(material);
  // Reachability check now, with a clear message, rather than 70 identical failures later.
  const http = createHttpClient({
    ca: material.caBundlePem,
    cert: material.transport.certPem,
    key: material.transport.keyPem,
    timeoutMs: 10_000,
  });
  let advertisedAlgs: string[] | undefined;
  try {
    advertisedAlgs = requestObjectAlgs((await http.request('GET', discoveryUrl)).text);
  } catch (err) {
    throw new TargetError(
      `cannot reach ${discoveryUrl}: ${(err as Error).message}${discoveryHint(discoveryUrl)}`,
    );
  } finally {
    await http.close();
  }
  // A bank that takes only ES256 request objects: TPPs onboarded here sign ES256 with an EC P-256
  // key, this one and every later one (supplied material signs with the key it comes with).
  const alg = chooseSigningAlg(advertisedAlgs, material.signing.alg);
  if (onboardAgain && alg !== material.signing.alg) {
    signingAlg = alg;
    material = withCas(await onboardAgain());
  }
  return {
    name: discoveryUrl,
    discoveryUrl,
    hints: config.hints ?? {},
    ...(allowedHosts.length ? { allowedHosts } : {}),
    material,
    ...(directory ? { directory } : {}),
  };
}

/** The discovery document's `request_object_signing_alg_values_supported`, when it has one. */
function requestObjectAlgs(text: string): string[] | undefined {
  try {
    const algs = (JSON.parse(text) as Record<string, unknown>).request_object_signing_alg_values_supported;
    return Array.isArray(algs) ? algs.filter((a): a is string => typeof a === 'string') : undefined;
  } catch {
    return undefined;
  }
}
