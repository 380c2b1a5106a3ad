import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BankDefinition } from '../aspsp-mock/config.js';
import {
  bankFromSpec,
  DEFAULT_BANK,
  type RunningAspsp,
  type RunningBank,
  startAspsp,
} from '../aspsp-mock/index.js';
import { KeyPool, useKeyCache } from '../certs/index.js';
import { type RunningDirectory, startDirectory } from '../directory/index.js';
import { createLogger, type LogLevel, silentLogger } from '../lib/logger.js';
import { removeOnExit } from '../lib/remove-on-exit.js';
import {
  createHttpClient,
  directoryCall,
  onboardAtDirectory,
  type SigningAlg,
  type TppMaterial,
} from '../tpp-client/index.js';
import { type RunningTppService, startTppService } from '../tpp-client/service/index.js';
import { type RegisterAtOptions, TppClient } from '../tpp-client/tpp-client.js';
import { hintsFromSettings } from './hints.js';
import { prepareBootKeys } from './prepare-boot-keys.js';
import type { SandboxFaults, SandboxRegistration } from './sandbox-types.js';
import { type DirectoryPowers, type ProfileBank, SCENARIO_REDIRECT_URIS, type Target } from './target.js';
import { withTransportCertificateFrom } from './transport-certificate.js';

export interface SandboxOptions {
  /** Banks to host, as `id=profile` (default: one strict bank `default`). */
  banks?: string[];
  /**
   * Also host one bank per listed shipped profile, id = the profile name (for per-profile
   * scenarios). Their OBSeal keys are EC P-256 (`sealKey: 'ec'`): no RSA key to make at boot.
   */
  profileBanks?: string[];
  /** Data dir; default a fresh temp dir removed on stop(). */
  dataDir?: string;
  /** Start the TPP service too (default false: the library is enough for tests). */
  tppService?: boolean;
  logLevel?: LogLevel;
  /**
   * RSA keys generated ahead in the background for onboarding TPPs (2 per TPP), from the first
   * TPP on. The pool is shared by the sandboxes of a process: keys one left unused go to the next.
   * 0: no pool; TPP keys are taken from `extraRsaKeys` or made when asked for (a caller that
   * knows how many keys it needs wastes none).
   */
  keyPoolSize?: number;
  /** Reuse RSA keys across runs from this folder (0600 files); see useKeyCache in certs. */
  keyCacheDir?: string;
  /**
   * RSA-2048 keys the caller will ask for after the boot (the key pool's first fill, keys scenarios
   * make for themselves), started at boot with the boot's own keys; taken by whoever asks first.
   * Default 0: TPP keys are then made only when a TPP is asked for.
   */
  extraRsaKeys?: number;
}

export interface Sandbox {
  directory: RunningDirectory;
  banks: RunningBank[];
  tpp?: RunningTppService;
  /** PEM bundle of the sandbox CA (root + issuing): trust it in your HTTPS clients. */
  caBundle: string;
  dataDir: string;
  /**
   * A TPP onboarded at the directory: organisation, software statement, transport and signing
   * certificates, SSA. The statement lists `redirectUris` (default one valid https URI).
   */
  createTpp(opts?: { roles?: string[]; redirectUris?: string[] }): Promise<TppMaterial>;
  /** One call: a fresh TPP registers at a bank (default the first) the way its profile wants. */
  registerAt(bankId?: string, opts?: RegisterAtOptions): Promise<SandboxRegistration>;
  /** Fault injection in-process, the same faults as the banks' admin API. */
  faults: SandboxFaults;
  /** A scenario target for one of the hosted banks, with the sandbox's directory powers. */
  target(bankId?: string, material?: TppMaterial): Promise<Target>;
  stop(): Promise<void>;
}

/**
 * Boots a private sandbox in-process — directory, bank(s), optionally the TPP
 * service — on ephemeral loopback ports with a fresh data dir. For users'
 * own tests and for the scenario runner.
 */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'obmock-sandbox-')));
  const ownDir = opts.dataDir === undefined;
  // A temp dir holds a CA private key and the admin token: gone on every exit path.
  const forget = ownDir ? removeOnExit(dataDir) : () => {};
  const logger = opts.logLevel ? createLogger(opts.logLevel) : silentLogger;
  if (opts.keyCacheDir) useKeyCache(opts.keyCacheDir);
  const removeOwnDir = async () => {
    if (!ownDir) return;
    await rm(dataDir, { recursive: true, force: true });
    forget();
  };
  const profileBankIds = (opts.profileBanks ?? []).map((p) => [p, p.replace(/[^A-Za-z0-9_-]/g, '-')]);
  let defs: BankDefinition[];
  try {
    defs = [
      ...(opts.banks?.map(bankFromSpec) ?? [DEFAULT_BANK]),
      // Hosted only to run their profile's scenarios: an EC OBSeal (nothing signs with it), no RSA key to make.
      ...profileBankIds.map(([p, id]): BankDefinition => ({ ...bankFromSpec(`${id}=${p}`), sealKey: 'ec' })),
    ];
  } catch (err) {
    await removeOwnDir();
    throw err;
  }
  // One pool per process, shared by every sandbox it starts: never closed by one of them.
  const keys = opts.keyPoolSize === 0 ? undefined : sharedKeyPool(opts.keyPoolSize ?? 4);
  prepareBootKeys(dataDir, { directory: true, banks: defs }, opts.extraRsaKeys ?? 0);
  let directory: RunningDirectory;
  try {
    directory = await startDirectory({ dataDir, port: 0, logLevel: opts.logLevel ?? 'silent' }, { logger });
  } catch (err) {
    await removeOwnDir();
    throw err;
  }
  const caBundle = readFileSync(directory.ca.bundle, 'utf8');
  let aspsp: RunningAspsp | undefined;
  let tpp: RunningTppService | undefined;
  try {
    aspsp = await startAspsp(
      {
        dataDir,
        port: 0,
        logLevel: opts.logLevel ?? 'silent',
        banks: defs,
        directory: { url: directory.url, caBundlePem: caBundle, adminToken: directory.adminToken },
      },
      { logger },
    );
    if (opts.tppService) {
      tpp = await startTppService(
        {
          dataDir,
          port: 0,
          banks: Object.fromEntries(aspsp.banks.map((b) => [b.id, b.discovery])),
          directory: { url: directory.url, caBundlePem: caBundle, adminToken: directory.adminToken },
        },
        { logger },
      );
    }
  } catch (err) {
    await aspsp?.close();
    await directory.close();
    await removeOwnDir();
    throw err;
  }
  const running = aspsp;
  let counter = 0;
  const createTpp = async (
    o: { roles?: string[]; redirectUris?: string[]; signingAlg?: SigningAlg } = {},
  ): Promise<TppMaterial> => {
    counter += 1;
    const roles = o.roles ?? ['AISP', 'PISP'];
    return onboardAtDirectory({
      directoryUrl: directory.url,
      caBundlePem: caBundle,
      organisation: {
        adminToken: directory.adminToken,
        create: {
          OrganisationName: `Sandbox TPP ${counter}`,
          Roles: roles,
          LegalName: `Sandbox TPP ${counter} Ltd`,
        },
      },
      softwareStatement: {
        ClientName: `Sandbox app ${counter}`,
        RedirectUri: o.redirectUris ?? ['https://tpp.example.com/cb'],
        Roles: roles,
      },
      ...(keys ? { keyPool: keys } : {}),
      ...(o.signingAlg ? { signingAlg: o.signingAlg } : {}),
    });
  };
  const ssaAt = async (material: TppMaterial, iat: number): Promise<string> => {
    const http = createHttpClient({ ca: caBundle, timeoutMs: 10_000 });
    try {
      const org = encodeURIComponent(material.organisationId);
      const ss = encodeURIComponent(material.softwareStatementId);
      const res = await directoryCall({ url: directory.url, http }, 'fetch a dated SSA', {
        method: 'GET',
        path: `/v2.1/organisation/${org}/software-statement/${ss}/software-statement-assertion?iat=${iat}`,
        token: directory.adminToken,
        accept: 'application/jwt',
      });
      return res.text.trim();
    } finally {
      await http.close();
    }
  };
  const issueTransportCertificate = async (
    material: TppMaterial,
    o: { now?: Date; validityDays?: number },
  ): Promise<TppMaterial> => withTransportCertificateFrom(directory.ctx.ca, material, o);
  const powers: DirectoryPowers = {
    url: directory.url,
    adminToken: directory.adminToken,
    caBundlePem: caBundle,
    newTpp: (o = {}) => createTpp({ redirectUris: SCENARIO_REDIRECT_URIS, ...o }),
    ssaAt,
    issueTransportCertificate,
  };
  const profileBanks: Record<string, ProfileBank> = {};
  for (const [profile, id] of profileBankIds) {
    const bank = running.banks.find((b) => b.id === id);
    if (bank)
      profileBanks[profile] = {
        discoveryUrl: bank.discovery,
        hints: hintsFromSettings(bank.ctx.settings, bank),
      };
  }
  const bankById = (bankId = running.banks[0].id): RunningBank => {
    const bank = running.banks.find((b) => b.id === bankId);
    if (!bank)
      throw new Error(`no bank '${bankId}' in this sandbox (${running.banks.map((b) => b.id).join(', ')})`);
    return bank;
  };
  const faults: SandboxFaults = {
    add: (spec, bankId) => bankById(bankId).ctx.faults.add(spec),
    list: (bankId) => bankById(bankId).ctx.faults.list(),
    remove: (faultId, bankId) => bankById(bankId).ctx.faults.remove(faultId),
    clear: (bankId) => bankById(bankId).ctx.faults.clear(),
  };
  const clients = new Set<TppClient>();
  const registerAt = async (bankId?: string, opts: RegisterAtOptions = {}): Promise<SandboxRegistration> => {
    const bank = bankById(bankId);
    const tpp = new TppClient(await createTpp());
    clients.add(tpp);
    const discovery = await tpp.discover(bank.discovery);
    const hints = await tpp.profileHints(discovery);
    const result = await tpp.registerAt(discovery, { ...hints, ...opts });
    return { tpp, bank: discovery, result };
  };
  const sandbox: Sandbox = {
    directory,
    banks: running.banks,
    ...(tpp ? { tpp } : {}),
    caBundle,
    dataDir,
    createTpp,
    registerAt,
    faults,
    async target(bankId?: string, material?: TppMaterial): Promise<Target> {
      const bank = bankById(bankId);
      return {
        name: `sandbox bank ${bank.id} (${bank.profile})`,
        discoveryUrl: bank.discovery,
        hints: hintsFromSettings(bank.ctx.settings, bank),
        material: material ?? (await createTpp({ redirectUris: SCENARIO_REDIRECT_URIS })),
        directory: powers,
        bankAdmin: { issuer: bank.issuer, adminToken: directory.adminToken },
        ...(profileBankIds.length > 0 ? { profileBanks } : {}),
      };
    },
    async stop() {
      for (const client of clients) await client.close();
      clients.clear();
      await tpp?.close();
      await running.close();
      await directory.close();
      await removeOwnDir();
    },
  };
  return sandbox;
}

/** One TPP key pool per size for the whole process: never closed, it holds at most `size` keys. */
const keyPools = new Map<number, KeyPool>();
function sharedKeyPool(size: number): KeyPool {
  let pool = keyPools.get(size);
  if (!pool) {
    pool = new KeyPool({ bits: 2048, size });
    keyPools.set(size, pool);
  }
  return pool;
}
