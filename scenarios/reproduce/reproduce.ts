import { performance } from 'node:perf_hooks';
import { SWITCHES } from '../../aspsp-mock/index.js';
import { type InferredProfile, inferProfile } from '../../aspsp-mock/profile/infer-profile.js';
import {
  type ProfileFileContent,
  profileJson,
  profileYaml,
} from '../../aspsp-mock/profile/render-profile-file.js';
import { swapBankSettings } from '../../aspsp-mock/profile/swap-bank-settings.js';
import { type BankSettings, STRICT_OB_V33 } from '../../aspsp-mock/settings.js';
import { httpClientForMaterial, type TppMaterial } from '../../tpp-client/index.js';
import { type Sandbox, startSandbox } from '../sandbox.js';
import type { Sandbox as PublicSandbox } from '../sandbox-types.js';
import { type AnswerComparison, compareAnswers, compareRank, isMatch } from './compare-answers.js';
import {
  equivalentRequest,
  realIdentities,
  type SandboxIdentities,
  substitutions,
} from './equivalent-request.js';
import { ReplayError } from './errors.js';
import { type ReadDiscoveryOptions, readDiscovery } from './read-discovery.js';
import { type BankAnswer, readBankAnswer, readFailedRequest } from './read-exchange.js';
import { effectiveChange, pairChanges, type SwitchChange, singleChanges } from './variants.js';

export interface ReproduceOptions {
  /** The bank's discovery document, or an https URL / file path to read it from. */
  discovery: Record<string, unknown> | string;
  /** The URL the document came from, when `discovery` is the document itself (tells the discovery path). */
  discoveryUrl?: string;
  /** The registration request that failed: the signed JWT, the JSON body, or `{headers, body}`. */
  request: unknown;
  /** The bank's answer: `{status, headers?, body}` (body JSON or text). */
  response: unknown;
  /** Content-Type the request was sent with, when `request` does not say. */
  mediaType?: string;
  /** Reuse this sandbox (its bank `bankId`, default the first) instead of starting and stopping one. */
  sandbox?: PublicSandbox;
  bankId?: string;
  /** Most variants replayed, base included (default 150). */
  maxVariants?: number;
  /** Time for all replays (default 60 s); variants left are reported as not tried. */
  timeBudgetMs?: number;
  /** Reading an https discovery URL. */
  fetch?: ReadDiscoveryOptions;
}

export interface RankedVariant {
  /** Switches changed from the inferred profile. */
  changes: SwitchChange;
  status: number;
  error?: string;
  description?: string;
  comparison: AnswerComparison;
  matched: boolean;
}

export interface Diagnosis {
  matched: boolean;
  /** The best profile's switches that differ from strict OB v3.3 (inferred and diagnosed). */
  switches: Partial<BankSettings>;
  /** Switches the replay added to the inferred profile to reproduce the answer (empty when unmatched). */
  diagnosed: SwitchChange;
  /** Each diagnosed switch with its documented real-world behaviour. */
  explanations: { switch: keyof BankSettings; value: unknown; reproduces: string; doc: string }[];
  /** Other variants exactly as good as the best one (the diagnosis cannot tell them apart). */
  equallyGood: SwitchChange[];
  inferred: InferredProfile;
  /** Best first: status, error code, description wording, then fewer switches. */
  ranked: RankedVariant[];
  real: BankAnswer;
  /** The profile file (YAML) of the best match, or of the inferred profile when nothing matched. */
  profileYaml: string;
  /** The same as JSON. */
  profileJson: string;
  /** How the replay differs from the real request, necessarily. */
  notes: string[];
  replays: number;
  /** Time to start the sandbox and onboard its TPP, then to replay every variant. */
  timing: { sandboxMs: number; replayMs: number };
  /** Variants not replayed for lack of time or budget. */
  skipped: number;
  elapsedMs: number;
}

const KNOWN_ROLES = ['AISP', 'PISP', 'CBPII'];
const tppCache = new WeakMap<Sandbox, Map<string, Promise<TppMaterial>>>();

/** A sandbox TPP with the real SSA's roles and redirect URIs, onboarded once per sandbox and shape. */
function tppFor(sandbox: Sandbox, roles: string[] | undefined, redirectUris: string[] | undefined) {
  const r = roles?.filter((x) => KNOWN_ROLES.includes(x));
  const opts = {
    roles: r?.length ? r : KNOWN_ROLES,
    ...(redirectUris?.length ? { redirectUris: redirectUris.slice(0, 10) } : {}),
  };
  const key = JSON.stringify(opts);
  const byKey = tppCache.get(sandbox) ?? new Map<string, Promise<TppMaterial>>();
  tppCache.set(sandbox, byKey);
  let material = byKey.get(key);
  if (!material) {
    // At most 16 TPP shapes per sandbox: the oldest is forgotten first.
    if (byKey.size >= 16) byKey.delete(byKey.keys().next().value!);
    material = sandbox.createTpp(opts);
    byKey.set(key, material);
    material.catch(() => byKey.delete(key));
  }
  return material;
}

const countOf = (c: SwitchChange) => Object.keys(c).length;
const differsFromStrict = (s: BankSettings): Partial<BankSettings> =>
  Object.fromEntries(
    Object.entries(s).filter(
      ([k, v]) => JSON.stringify(v) !== JSON.stringify(STRICT_OB_V33[k as keyof BankSettings]),
    ),
  ) as Partial<BankSettings>;

/**
 * Differential replay: the request that failed at a real bank, made equivalent for a sandbox
 * TPP, is sent to one sandbox bank whose switches are swapped per variant — the profile
 * inferred from discovery, each one-switch change of it, then two-switch changes around the
 * closest ones (bounded by `maxVariants` and `timeBudgetMs`). Variants are ranked by status,
 * error code, description wording, then fewer switches; the best is a match only when status
 * and error code are the same and the wording close enough (never claimed otherwise).
 */
export async function reproduce(opts: ReproduceOptions): Promise<Diagnosis> {
  const started = performance.now();
  const source =
    typeof opts.discovery === 'string'
      ? await readDiscovery(opts.discovery, opts.fetch)
      : { document: opts.discovery, url: opts.discoveryUrl };
  const inferred = inferProfile(source.document, source.url ? { discoveryUrl: source.url } : {});
  const request = readFailedRequest(opts.request, opts.mediaType);
  const real = readBankAnswer(opts.response);
  const maxVariants = Math.max(1, Math.min(opts.maxVariants ?? 150, 1000));
  const budget = Math.max(1000, Math.min(opts.timeBudgetMs ?? 60_000, 600_000));
  const own = opts.sandbox === undefined;
  // The package's startSandbox returns the full sandbox behind its public type.
  const sandbox =
    (opts.sandbox as Sandbox | undefined) ??
    (await startSandbox({ banks: ['replay=ob-v3.3'], keyPoolSize: 2 }));
  try {
    const bank = sandbox.banks.find((b) => b.id === (opts.bankId ?? sandbox.banks[0].id));
    if (!bank) throw new ReplayError(`no bank '${opts.bankId}' in the sandbox`);
    const original: BankSettings = { ...bank.ctx.settings };
    const ids = realIdentities(request, source.document);
    const material = await tppFor(sandbox, ids.roles, ids.redirectUris);
    let ssa = material.ssa;
    const notes: string[] = [];
    const requestIat = typeof request.claims.iat === 'number' ? request.claims.iat : undefined;
    if (ids.ssaIat !== undefined && requestIat !== undefined && requestIat - ids.ssaIat > 60) {
      const target = await sandbox.target(bank.id, material);
      const age = requestIat - ids.ssaIat;
      if (target.directory?.ssaAt)
        ssa = await target.directory.ssaAt(material, Math.floor(Date.now() / 1000) - age);
      notes.push(`the software statement was ${age} s old when sent; the replay uses one of the same age`);
    }
    const sb: SandboxIdentities = {
      issuer: bank.issuer,
      orgId: bank.orgId,
      registrationEndpoint: `${bank.issuer}${bank.ctx.settings.registrationPath}`,
      material,
      ssa,
    };
    const subs = substitutions(ids, sb);
    const http = httpClientForMaterial(material, { timeoutMs: 10_000 });
    const replayStart = performance.now();
    const sandboxMs = Math.round(replayStart - started);
    const results: RankedVariant[] = [];
    let skipped = 0;
    const replay = async (change: SwitchChange): Promise<RankedVariant | undefined> => {
      try {
        swapBankSettings(bank.ctx, { ...inferred.settings, ...change });
      } catch {
        return undefined; // a combination no bank can have
      }
      const eq = await equivalentRequest(request, ids, sb, Math.floor(Date.now() / 1000));
      for (const n of eq.notes) if (!notes.includes(n)) notes.push(n);
      let res: Awaited<ReturnType<typeof http.request>>;
      try {
        res = await http.request('POST', sb.registrationEndpoint, {
          headers: { 'Content-Type': eq.mediaType, Accept: 'application/json' },
          body: eq.body,
        });
      } catch (err) {
        const n = `a replay got no answer (${(err as Error).message})`;
        if (!notes.includes(n)) notes.push(n);
        return undefined;
      }
      const answer = readBankAnswer({ status: res.status, headers: res.headers, body: res.text });
      const comparison = compareAnswers(real, answer, subs);
      const v: RankedVariant = {
        changes: change,
        status: answer.status,
        ...(answer.error !== undefined ? { error: answer.error } : {}),
        ...(answer.description !== undefined ? { description: answer.description } : {}),
        comparison,
        matched: isMatch(comparison, real),
      };
      results.push(v);
      return v;
    };
    const run = async (changes: SwitchChange[]) => {
      for (const c of changes) {
        if (results.length >= maxVariants || performance.now() - replayStart > budget) {
          skipped += 1;
          continue;
        }
        await replay(c);
      }
    };
    const perfect = () => results.some((r) => r.matched && r.comparison.wording >= 0.999);
    try {
      const base = await replay({});
      if (!base) throw new ReplayError('the inferred profile is not a valid bank profile');
      const singles = singleChanges(inferred.settings, request);
      await run(singles);
      if (!perfect()) {
        // Pairs: each of the four closest switches that changed the answer on its own (and up to
        // two that let the request through), with every other single change (a switch may matter
        // only once another one is set, e.g. the DN claim of v3.1 with a string DN comparison).
        const baseKey = `${base.status} ${base.error} ${base.description}`;
        const effective = results.filter(
          (r) => countOf(r.changes) > 0 && `${r.status} ${r.error} ${r.description}` !== baseKey,
        );
        const closest = [...effective].sort((a, b) => compareRank(a.comparison, b.comparison)).slice(0, 4);
        // A change that lets a failing request through removed the first obstacle: with a
        // second switch it may fail further on, as the real bank did.
        const unblocking =
          base.status >= 300 ? effective.filter((r) => r.status < 300 && real.status >= 300).slice(0, 2) : [];
        const leads = [...new Set([...closest, ...unblocking])].map((r) => r.changes);
        await run(pairChanges(leads, singles, Math.max(0, maxVariants - results.length)));
      }
    } finally {
      await http.close();
      swapBankSettings(bank.ctx, original);
    }
    // A variant answering exactly as one with a subset of its switches adds nothing: left out.
    const answerKey = (r: RankedVariant) => `${r.status} ${r.error} ${r.description}`;
    const redundant = (r: RankedVariant) =>
      results.some(
        (o) =>
          countOf(o.changes) < countOf(r.changes) &&
          answerKey(o) === answerKey(r) &&
          Object.entries(o.changes).every(
            ([k, v]) => JSON.stringify(r.changes[k as keyof BankSettings]) === JSON.stringify(v),
          ),
      );
    const ranked = results
      .filter((r) => !redundant(r))
      .sort((a, b) => compareRank(a.comparison, b.comparison) || countOf(a.changes) - countOf(b.changes));
    const best = ranked[0];
    const matched = best.matched;
    const diagnosed = matched ? effectiveChange(inferred.settings, best.changes) : {};
    const settings = { ...inferred.settings, ...diagnosed };
    const equallyGood = matched
      ? ranked
          .slice(1)
          .filter(
            (r) =>
              compareRank(r.comparison, best.comparison) === 0 &&
              countOf(r.changes) === countOf(best.changes),
          )
          .map((r) => r.changes)
      : [];
    const explanations = (Object.entries(diagnosed) as [keyof BankSettings, unknown][]).map(([k, v]) => ({
      switch: k,
      value: v,
      reproduces: SWITCHES[k].reproduces,
      doc: SWITCHES[k].doc,
    }));
    const comments: Partial<Record<keyof BankSettings, string>> = {};
    for (const [k, from] of Object.entries(inferred.sources))
      comments[k as keyof BankSettings] = `from discovery: ${from}`;
    for (const e of explanations) comments[e.switch] = `diagnosed by replay: ${e.reproduces}`;
    const fileSwitches = { ...inferred.switches, ...diagnosed };
    const file: ProfileFileContent = {
      name: inferred.name,
      description: matched
        ? `${inferred.description} Diagnosed by replaying a failed registration: ${explanations.map((e) => e.switch).join(', ') || 'no switch beyond the inferred ones'}.`
        : inferred.description,
      switches: fileSwitches,
      comments,
      notAdvertised: inferred.notAdvertised.filter((n) => !(n in diagnosed)),
      header: [
        matched
          ? `obmock reproduce: a bank with this profile answers the replayed request ${best.status}${best.error ? ` ${best.error}` : ''}, as the real bank did.`
          : 'obmock reproduce: no variant reproduced the real answer; this is the profile inferred from discovery only.',
      ],
    };
    return {
      matched,
      switches: differsFromStrict(settings),
      diagnosed,
      explanations,
      equallyGood,
      inferred,
      ranked,
      real,
      profileYaml: profileYaml(file),
      profileJson: profileJson(file),
      notes,
      replays: results.length,
      timing: { sandboxMs, replayMs: Math.round(performance.now() - replayStart) },
      skipped,
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    if (own) await sandbox.stop();
  }
}
