import { chooseMediaType, createHttpClient, type Discovery, directoryCall } from '../tpp-client/index.js';
import { ellipsis, oneLine } from './reporters/text.js';
import type { BankHints, Target } from './target.js';

/** What a run learned about the target, and the hints it runs with. */
export interface Learned {
  /** The target's hints completed from discovery (a hint always wins). */
  hints: BankHints;
  /** A few lines for the start of the run: what discovery said, what is in force, and warnings. */
  lines: string[];
  /** The `aud` in force is a guess (the bank's issuer): no hint, directory record or `ob_organisation_id`. */
  audienceGuessed: boolean;
}

/**
 * Longest line about what discovery advertised: the values are the bank's, and a document may
 * hold up to the client's response cap (1 MiB) of them.
 */
export const LEARNED_LINE_MAX = 1000;

/**
 * A line made of the bank's words, fit for a terminal and a log: escape sequences and control
 * characters removed (a discovery value could otherwise clear the screen or retitle the window),
 * one line, at most LEARNED_LINE_MAX characters.
 */
const learnedLine = (line: string): string => ellipsis(oneLine(line), LEARNED_LINE_MAX);

/** The most organisations read from a directory when looking the bank up (bounded). */
const MAX_ORGANISATIONS = 2000;

/**
 * The bank's organisation id from an obmock directory's authorisation-server records: the
 * organisation with an authorisation server whose OpenIDConfigEndPointUri is this discovery URL.
 */
async function organisationOfBank(target: Target): Promise<string | undefined> {
  const dir = target.directory;
  if (!dir) return undefined;
  const http = createHttpClient({ ca: dir.caBundlePem, timeoutMs: 10_000 });
  try {
    const res = await directoryCall({ url: dir.url, http }, 'list organisations', {
      method: 'GET',
      path: '/v2.1/organisation',
      token: dir.adminToken,
    });
    const body = res.json() as unknown;
    const list = (Array.isArray(body) ? body : ((body as { Resources?: unknown[] })?.Resources ?? [])).slice(
      0,
      MAX_ORGANISATIONS,
    ) as Record<string, unknown>[];
    for (const org of list) {
      const servers = Array.isArray(org.AuthorisationServers) ? org.AuthorisationServers : [];
      if (
        !servers.some((a) => (a as Record<string, unknown>)?.OpenIDConfigEndPointUri === target.discoveryUrl)
      )
        continue;
      const ob = org['urn:openbanking:organisation:1.0'] as Record<string, unknown> | undefined;
      const id = ob?.OBOrganisationId ?? org.OrganisationId ?? org.id;
      if (typeof id === 'string') return id;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await http.close();
  }
}

const AUDIENCE_GUESSED = 'the issuer (a guess)';

const list = (v: readonly string[] | undefined) => (v && v.length > 0 ? v.join(', ') : 'not advertised');

/**
 * Discovery first, hints second: the media type, spec version and `aud` come from a hint when
 * given, else from what the target advertises (and, for `aud`, from the obmock directory's
 * authorisation-server records), else from the spec defaults — with a warning where a default
 * is a guess. Consent scenarios need `resourceBaseUrl`: discovery does not publish it.
 */
export async function learnTarget(target: Target, discovery: Discovery): Promise<Learned> {
  const h = target.hints;
  const lines: string[] = [];
  const advertised = discovery.ob_registration_media_types;
  lines.push(
    `discovery: registration ${discovery.registration_endpoint}; auth methods ${list(discovery.token_endpoint_auth_methods_supported)}; request algs ${list(discovery.request_object_signing_alg_values_supported)}; media types ${list(advertised)}`,
  );
  const onlyJwt =
    advertised !== undefined && advertised.length > 0 && advertised.every((t) => t === 'application/jwt');
  const [specVersion, versionFrom] = h.specVersion
    ? [h.specVersion, 'hint']
    : onlyJwt
      ? (['3.1', 'discovery: application/jwt only'] as const)
      : (['3.3', 'default'] as const);
  const [mediaType, mediaFrom] = h.mediaType
    ? [h.mediaType, 'hint']
    : h.requestFormat === 'json'
      ? (['application/json', 'requestFormat json'] as const)
      : [
          chooseMediaType(advertised, specVersion, h.requestFormat ?? 'jws'),
          advertised ? 'discovery' : 'default',
        ];
  let audience = h.audience;
  let audFrom = 'hint';
  const warnings: string[] = [];
  if (audience === undefined) {
    const org = await organisationOfBank(target);
    if (org) [audience, audFrom] = [org, "the directory's authorisation-server record"];
    else if (discovery.ob_organisation_id)
      [audience, audFrom] = [discovery.ob_organisation_id, 'discovery ob_organisation_id'];
    else {
      [audience, audFrom] = [discovery.issuer, AUDIENCE_GUESSED];
      warnings.push(
        "warning: aud is the bank's issuer, a guess: the spec wants the bank's OB organisation id — set hints.audience",
      );
    }
  }
  const signingAlg = target.material.signing.alg;
  const algs = discovery.request_object_signing_alg_values_supported;
  if (signingAlg && algs && algs.length > 0 && !algs.includes(signingAlg))
    warnings.push(
      `warning: the bank advertises request objects signed ${algs.join(', ')}; the TPP's signing key signs ${signingAlg}${algs.includes('ES256') ? ' — supply an EC P-256 signing key with signingAlg ES256' : ''}`,
    );
  if (h.resourceBaseUrl === undefined)
    warnings.push(
      'note: no hints.resourceBaseUrl (the Read/Write API base URL): the consent scenarios are skipped',
    );
  lines.push(
    `in force: spec v${specVersion} (${versionFrom}); media type ${mediaType} (${mediaFrom}); aud ${audience} (${audFrom})${signingAlg ? `; requests signed ${signingAlg}` : ''}${h.resourceBaseUrl ? `; resources ${h.resourceBaseUrl}` : ''}`,
  );
  const others = Object.keys(h).filter(
    (k) => !['specVersion', 'mediaType', 'audience', 'resourceBaseUrl'].includes(k),
  );
  if (others.length > 0) lines.push(`other hints: ${others.join(', ')}`);
  return {
    hints: { ...h, specVersion, mediaType, audience },
    lines: [...lines, ...warnings].map(learnedLine),
    audienceGuessed: audFrom === AUDIENCE_GUESSED,
  };
}
