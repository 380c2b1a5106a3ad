import type { Logger } from '../lib/logger.js';
import { recordingClient } from '../scenarios/recording-http.js';
import type { Exchange } from '../scenarios/types.js';
import {
  type BankConnection,
  createConsent,
  createHttpClient,
  type Discovery,
  deleteRegistration,
  fetchDiscovery,
  getToken,
  type HttpClient,
  managementBearer,
  onboardAtDirectory,
  type RegisteredClient,
  refreshSsa,
  register,
  type TokenAuthMethod,
  TppClient,
  type TppMaterial,
  updateRegistration,
} from '../tpp-client/index.js';
import { type AdvertisedMethods, isAuthMethod } from './advertised-methods.js';
import { ConsoleTppClosed } from './console-tpp-closed.js';
import { managementUrl } from './management-url.js';
import { type RetireOptions, retireConsoleTpp } from './retire-tpp.js';
import { TppBusy } from './tpp-busy.js';
import { CONSOLE_USER_AGENT } from './upstream.js';

export interface TppActionResult {
  action: string;
  bank?: string;
  ok: boolean;
  summary: string;
  exchanges: Exchange[];
  at: string;
}

export interface ConsoleTppOptions {
  directoryUrl: string;
  adminToken: string;
  caBundlePem: string;
  banks: { id: string; discovery: string }[];
  /** The number of the session this TPP belongs to: in its names and its User-Agent. */
  session: number;
  /** What the banks advertise (shared by every session's TPP). */
  advertised: AdvertisedMethods;
  /** Where a retirement that did not wholly succeed is told (once, without secrets). */
  logger?: Logger;
  /** The time limits of a retirement (tests shorten them). */
  retire?: Pick<RetireOptions, 'callMs' | 'phaseMs'>;
}

const ACTIONS = ['onboard', 'register', 'token', 'consent', 'update', 'delete'] as const;
export type TppAction = (typeof ACTIONS)[number];
export const isTppAction = (s: string): s is TppAction => (ACTIONS as readonly string[]).includes(s);

export interface TppActionOptions {
  /** register: the token endpoint auth method to register with (one the bank's discovery advertises). */
  authMethod?: string;
}

/**
 * Actions one TPP holds waiting behind the one running (two tabs of a session, a double click).
 * Past this, a press is refused at once (TppBusy) instead of queueing: each waiting action holds
 * its request, and an onboarding makes two RSA keys.
 */
export const MAX_WAITING_ACTIONS = 4;

/** The names a session's TPP onboards with, numbered by session so the directory's list reads. */
export const consoleTppNames = (session: number) => ({
  organisation: `Console TPP ${session}`,
  legalName: `Console TPP ${session} Ltd`,
  app: `Console TPP app ${session}`,
});

/** The User-Agent of a session's TPP: the live flow names its calls so (and does not hide them with the console's own). */
export const consoleTppUserAgent = (session: number): string =>
  `${CONSOLE_USER_AGENT} TPP (session ${session})`;

/**
 * The registration request for a bank as the bank wants it: what its obmock profile says
 * (`GET {issuer}/profile`: the `aud` form, the spec version and media type, the DN rendering…),
 * which discovery cannot tell, and the defaults for anything it leaves out or a bank without one.
 */
async function registrationFor(tpp: TppClient, discovery: Discovery, method: TokenAuthMethod) {
  const hints = (await tpp.profileHints(discovery).catch(() => undefined)) ?? {};
  return tpp.registrationBody(discovery, {
    ...hints,
    redirectUris: ['https://tpp.example.com/cb'],
    tokenEndpointAuthMethod: method,
  });
}

/**
 * One session's TPP, driven from the TPP page with the tpp-client library: it onboards at the
 * directory (a new organisation each time), then registers, gets tokens, creates a consent,
 * updates and deletes its registration at a chosen bank. Its private keys live only in this
 * process's memory; its keys are made (in the thread pool) when it first onboards. HTTP clients
 * are made for an action and closed when it ends, so an idle TPP holds no connection. Every
 * exchange is recorded for the page; the services' taps show them live too.
 */
export function createConsoleTpp(options: ConsoleTppOptions) {
  const userAgent = consoleTppUserAgent(options.session);
  const names = consoleTppNames(options.session);
  let material: TppMaterial | undefined;
  const clients = new Map<string, RegisteredClient>();
  const tokens = new Map<string, string>();
  /** The last action only: what the page shows (200 sessions × a long history would be a lot of memory). */
  let last: TppActionResult | undefined;
  /** The action running now: the next waits for it (two tabs of one session may press at once). */
  let running: Promise<unknown> = Promise.resolve();
  /** Actions asked for and not yet ended: the one running and those waiting behind it. */
  let held = 0;
  let closed = false;

  /** The HTTP clients one action uses, made when first needed and all closed when it ends. */
  function actionClients() {
    const open: HttpClient[] = [];
    const made = <T extends HttpClient>(c: T): T => {
      open.push(c);
      return c;
    };
    let mtls: HttpClient | undefined;
    return {
      plain: () => made(createHttpClient({ ca: options.caBundlePem, timeoutMs: 15_000, userAgent })),
      mtls(): HttpClient {
        if (!material) throw new Error('onboard the TPP first');
        mtls ??= made(
          createHttpClient({
            ca: material.caBundlePem,
            cert: material.transport.certPem,
            key: material.transport.keyPem,
            timeoutMs: 15_000,
            userAgent,
          }),
        );
        return mtls;
      },
      tppClient(m: TppMaterial): TppClient {
        const c = new TppClient(m, { retry: false, userAgent });
        made(c.http);
        return c;
      },
      close: () => Promise.all(open.map((c) => c.close())),
    };
  }
  type Clients = ReturnType<typeof actionClients>;

  async function connect(bankId: string, exchanges: Exchange[], c: Clients): Promise<BankConnection> {
    if (!material) throw new Error('onboard the TPP first');
    const bank = options.banks.find((b) => b.id === bankId);
    if (!bank) throw new Error(`no bank '${bankId}'`);
    const recording = recordingClient(c.mtls(), 'TPP', (e) => exchanges.push(e));
    return { http: recording, discovery: await fetchDiscovery(recording, bank.discovery) };
  }

  /** The bearer of a management call: the RFC 7592 registration access token when the bank issued one, else a client-credentials token. */
  async function managementToken(bank: BankConnection, bankId: string): Promise<string> {
    const registered = clients.get(bankId);
    if (!registered) throw new Error('register at this bank first');
    const res = await managementBearer(bank, registered, { signing: material!.signing });
    if (!res.ok) throw new Error(`token refused: ${res.status} ${res.error} ${res.error_description ?? ''}`);
    return res.token;
  }

  /**
   * Retires an organisation this TPP no longer uses (its session ended, or it onboarded again):
   * its clients deleted at the banks, the organisation revoked at the directory. Told once to the
   * log when a step failed; never throws.
   */
  async function retire(
    old: TppMaterial,
    oldClients: [string, RegisteredClient][],
    why: string,
    record?: (e: Exchange) => void,
  ) {
    const outcome = await retireConsoleTpp(old, oldClients, {
      ...options,
      ...options.retire,
      userAgent,
      ...(record ? { record } : {}),
    }).catch((err) => ({
      organisation: old.organisationId,
      deleted: [],
      revoked: false,
      failed: [String((err as Error)?.message ?? err).slice(0, 160)],
    }));
    if (outcome.failed.length > 0)
      options.logger?.warn('a console TPP was not wholly retired', {
        session: options.session,
        why,
        organisation: outcome.organisation,
        clientsDeleted: outcome.deleted.length,
        revoked: outcome.revoked,
        failed: outcome.failed,
      });
    return outcome;
  }

  type Step = (bankId: string, exchanges: Exchange[], opts: TppActionOptions, c: Clients) => Promise<string>;
  const steps: Record<TppAction, Step> = {
    async onboard(_bankId, exchanges, _opts, c) {
      const next = await onboardAtDirectory({
        directoryUrl: options.directoryUrl,
        caBundlePem: options.caBundlePem,
        organisation: {
          adminToken: options.adminToken,
          create: {
            OrganisationName: names.organisation,
            Roles: ['AISP', 'PISP'],
            LegalName: names.legalName,
          },
        },
        softwareStatement: {
          ClientName: names.app,
          RedirectUri: ['https://tpp.example.com/cb'],
          Roles: ['AISP', 'PISP'],
        },
        http: recordingClient(c.plain(), 'TPP', (e) => exchanges.push(e)),
      });
      // the old organisation's clients and tokens do not go with the new keys: it is retired
      const old = material;
      const oldClients = [...clients];
      material = next;
      clients.clear();
      tokens.clear();
      const done = `onboarded: organisation ${material.organisationId}, software statement ${material.softwareStatementId}`;
      if (!old) return done;
      const r = await retire(old, oldClients, 'onboarded again', (e) => exchanges.push(e));
      return `${done} (the previous organisation ${old.organisationId} ${r.revoked ? 'revoked' : 'not revoked'}, ${r.deleted.length} of its ${oldClients.length} clients deleted at the banks)`;
    },
    async register(bankId, exchanges, opts, c) {
      const method = opts.authMethod || 'tls_client_auth';
      const methods = await options.advertised.of(bankId);
      if (!isAuthMethod(method) || !methods.includes(method))
        throw new Error(
          `bank ${bankId} does not advertise ${method.slice(0, 40)}; it offers ${methods.join(', ') || 'none this TPP can use'}`,
        );
      const bank = await connect(bankId, exchanges, c);
      // A fresh SSA: banks refuse old ones.
      material = await refreshSsa(material!, { http: c.plain() }).catch(() => material!);
      const { body, mediaType } = await registrationFor(c.tppClient(material), bank.discovery, method);
      const res = await register(bank, body, { mediaType, retry: false });
      if (!res.ok)
        throw new Error(`the bank refused: ${res.status} ${res.error}: ${res.error_description ?? ''}`);
      clients.set(bankId, res.client);
      return `registered: client_id ${res.client.client_id} (${res.client.token_endpoint_auth_method ?? method})`;
    },
    async token(bankId, exchanges, _opts, c) {
      const bank = await connect(bankId, exchanges, c);
      const registered = clients.get(bankId);
      if (!registered) throw new Error('register at this bank first');
      const res = await getToken(bank, registered, {
        scope: 'accounts',
        retry: false,
        signing: material!.signing,
      });
      if (!res.ok)
        throw new Error(`the bank refused: ${res.status} ${res.error}: ${res.error_description ?? ''}`);
      tokens.set(bankId, res.token.access_token);
      const method = registered.token_endpoint_auth_method ?? 'client_secret_basic';
      return `token issued with ${method} (${res.token.token_type}, expires in ${res.token.expires_in ?? '?'} s)`;
    },
    async consent(bankId, exchanges, _opts, c) {
      const bank = await connect(bankId, exchanges, c);
      const token = tokens.get(bankId);
      if (!token) throw new Error('get a token first');
      const res = await createConsent(bank, token, { permissions: ['ReadAccountsBasic'] });
      if (!res.ok)
        throw new Error(`the bank refused: ${res.status} ${res.error}: ${res.error_description ?? ''}`);
      return `consent ${res.consent.ConsentId} (${res.consent.Status})`;
    },
    async update(bankId, exchanges, _opts, c) {
      const bank = await connect(bankId, exchanges, c);
      const registered = clients.get(bankId);
      if (!registered) throw new Error('register at this bank first');
      const access = await managementToken(bank, bankId);
      const { body, mediaType } = await registrationFor(
        c.tppClient(material!),
        bank.discovery,
        (registered.token_endpoint_auth_method as TokenAuthMethod) ?? 'tls_client_auth',
      );
      const res = await updateRegistration(bank, registered.client_id, access, body, {
        mediaType,
        retry: false,
        ...managementUrl(registered, bank.discovery),
      });
      if (!res.ok)
        throw new Error(`the bank refused: ${res.status} ${res.error}: ${res.error_description ?? ''}`);
      clients.set(bankId, { ...registered, ...res.client });
      return `registration ${registered.client_id} updated (${res.status})`;
    },
    async delete(bankId, exchanges, _opts, c) {
      const bank = await connect(bankId, exchanges, c);
      const registered = clients.get(bankId);
      if (!registered) throw new Error('register at this bank first');
      const access = await managementToken(bank, bankId);
      const res = await deleteRegistration(bank, registered.client_id, access, {
        retry: false,
        ...managementUrl(registered, bank.discovery),
      });
      if (!res.ok)
        throw new Error(`the bank refused: ${res.status} ${res.error}: ${res.error_description ?? ''}`);
      clients.delete(bankId);
      tokens.delete(bankId);
      return `registration ${registered.client_id} deleted (${res.status})`;
    },
  };

  return {
    /** The number of the session this TPP belongs to. */
    session: options.session,
    userAgent,
    names,
    get material(): TppMaterial | undefined {
      return material;
    },
    client(bankId: string): RegisteredClient | undefined {
      return clients.get(bankId);
    },
    /** The TPP's last action (its session's: no other session drives it). */
    last: (): TppActionResult | undefined => last,
    /** One of the TPP's actions. They run one at a time, in the order asked (two tabs of a session); TppBusy when MAX_WAITING_ACTIONS already wait. */
    run(action: TppAction, bankId: string, opts: TppActionOptions = {}): Promise<TppActionResult> {
      if (held > MAX_WAITING_ACTIONS) return Promise.reject(new TppBusy(held - 1));
      held += 1;
      const result = running.then(async () => {
        const exchanges: Exchange[] = [];
        const at = new Date().toISOString();
        const c = actionClients();
        try {
          if (closed) throw new ConsoleTppClosed();
          const summary = await steps[action](bankId, exchanges, opts, c);
          last = { action, bank: bankId, ok: true, summary, exchanges, at };
        } catch (err) {
          last = { action, bank: bankId, ok: false, summary: (err as Error).message, exchanges, at };
        } finally {
          await c.close();
          held -= 1;
        }
        return last;
      });
      running = result;
      return result;
    },
    /**
     * Ends the TPP with its session: waits for the action under way (its clients close with it),
     * refuses more, forgets its keys, and retires what it made (its clients at the banks deleted,
     * its organisation revoked at the directory; bounded, see retire-tpp.ts).
     */
    async close(): Promise<void> {
      closed = true;
      await running;
      const old = material;
      const oldClients = [...clients];
      material = undefined;
      clients.clear();
      tokens.clear();
      last = undefined;
      if (old) await retire(old, oldClients, 'its session ended');
    },
  };
}

export type ConsoleTpp = ReturnType<typeof createConsoleTpp>;
