import { recordingClient } from '../scenarios/recording-http.js';
import type { Exchange } from '../scenarios/types.js';
import {
  type BankConnection,
  createConsent,
  createHttpClient,
  deleteRegistration,
  fetchDiscovery,
  getToken,
  type HttpClient,
  onboardAtDirectory,
  type RegisteredClient,
  refreshSsa,
  register,
  type TokenAuthMethod,
  TppClient,
  type TppMaterial,
  updateRegistration,
} from '../tpp-client/index.js';

export interface TppActionResult {
  /** Numbers the actions of this TPP, from 1: a session remembers the number of its own last one. */
  id: number;
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
}

const ACTIONS = ['onboard', 'register', 'token', 'consent', 'update', 'delete'] as const;
export type TppAction = (typeof ACTIONS)[number];
export const isTppAction = (s: string): s is TppAction => (ACTIONS as readonly string[]).includes(s);

/** The token endpoint auth methods the console's TPP can use, in the order the TPP page offers them. */
export const TPP_AUTH_METHODS: readonly TokenAuthMethod[] = [
  'tls_client_auth',
  'private_key_jwt',
  'client_secret_basic',
  'client_secret_post',
];
const isAuthMethod = (s: string): s is TokenAuthMethod => (TPP_AUTH_METHODS as readonly string[]).includes(s);

/** Actions kept for the TPP page (each session shows its own last one while it is kept). */
const HISTORY_KEPT = 50;

/** How long a bank's advertised auth methods are reused before its discovery is read again. */
const DISCOVERY_TTL_MS = 30_000;

export interface TppActionOptions {
  /** register: the token endpoint auth method to register with (one the bank's discovery advertises). */
  authMethod?: string;
}

/**
 * The console's own TPP, driven from the TPP page with the tpp-client library:
 * it onboards at the directory (a new organisation each time), then registers,
 * gets tokens, creates a consent, updates and deletes its registration at a
 * chosen bank. Its private keys live only in this process's memory. Every
 * exchange is recorded for the page; the services' taps show them live too.
 */
export function createConsoleTpp(options: ConsoleTppOptions) {
  let material: TppMaterial | undefined;
  let client: TppClient | undefined;
  let http: HttpClient | undefined;
  const clients = new Map<string, RegisteredClient>();
  const tokens = new Map<string, string>();
  const history: TppActionResult[] = [];
  const advertised = new Map<string, { at: number; methods: TokenAuthMethod[] }>();
  let plainHttp: HttpClient | undefined;

  /** The methods the bank's discovery advertises that this TPP can use (cached per bank for 30 s). */
  async function authMethodsOf(bankId: string): Promise<TokenAuthMethod[]> {
    const bank = options.banks.find((b) => b.id === bankId);
    if (!bank) throw new Error(`no bank '${bankId}'`);
    const hit = advertised.get(bankId);
    if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.methods;
    plainHttp ??= createHttpClient({ ca: options.caBundlePem, timeoutMs: 5_000 });
    const discovery = await fetchDiscovery(plainHttp, bank.discovery);
    const methods = TPP_AUTH_METHODS.filter((m) =>
      (discovery.token_endpoint_auth_methods_supported ?? ['client_secret_basic']).includes(m),
    );
    advertised.set(bankId, { at: Date.now(), methods });
    return methods;
  }

  let lastId = 0;
  const remember = (r: Omit<TppActionResult, 'id'>): TppActionResult => {
    const kept = { id: ++lastId, ...r };
    history.unshift(kept);
    history.length = Math.min(history.length, HISTORY_KEPT);
    return kept;
  };
  /** The action running now: the next waits for it (the TPP is one for every session). */
  let running: Promise<unknown> = Promise.resolve();

  async function connect(bankId: string, exchanges: Exchange[]): Promise<BankConnection> {
    if (!material || !http) throw new Error('onboard the TPP first');
    const bank = options.banks.find((b) => b.id === bankId);
    if (!bank) throw new Error(`no bank '${bankId}'`);
    const recording = recordingClient(http, 'TPP', (e) => exchanges.push(e));
    return { http: recording, discovery: await fetchDiscovery(recording, bank.discovery) };
  }

  async function managementToken(bank: BankConnection, bankId: string): Promise<string> {
    const registered = clients.get(bankId);
    if (!registered) throw new Error('register at this bank first');
    const res = await getToken(bank, registered, { retry: false, signing: material!.signing });
    if (!res.ok) throw new Error(`token refused: ${res.status} ${res.error} ${res.error_description ?? ''}`);
    return res.token.access_token;
  }

  type Step = (bankId: string, exchanges: Exchange[], opts: TppActionOptions) => Promise<string>;
  const steps: Record<TppAction, Step> = {
    async onboard(_bankId, exchanges) {
      const dirHttp = recordingClient(
        createHttpClient({ ca: options.caBundlePem, timeoutMs: 15_000 }),
        'TPP',
        (e) => exchanges.push(e),
      );
      try {
        material = await onboardAtDirectory({
          directoryUrl: options.directoryUrl,
          caBundlePem: options.caBundlePem,
          organisation: {
            adminToken: options.adminToken,
            create: {
              OrganisationName: 'Console TPP',
              Roles: ['AISP', 'PISP'],
              LegalName: 'Console TPP Ltd',
            },
          },
          softwareStatement: {
            ClientName: 'Console TPP app',
            RedirectUri: ['https://tpp.example.com/cb'],
            Roles: ['AISP', 'PISP'],
          },
          http: dirHttp,
        });
      } finally {
        await dirHttp.close();
      }
      await http?.close();
      await client?.close();
      http = createHttpClient({
        ca: material.caBundlePem,
        cert: material.transport.certPem,
        key: material.transport.keyPem,
        timeoutMs: 15_000,
      });
      client = new TppClient(material, { retry: false });
      clients.clear();
      tokens.clear();
      return `onboarded: organisation ${material.organisationId}, software statement ${material.softwareStatementId}`;
    },
    async register(bankId, exchanges, opts) {
      const method = opts.authMethod || 'tls_client_auth';
      const methods = await authMethodsOf(bankId);
      if (!isAuthMethod(method) || !methods.includes(method))
        throw new Error(
          `bank ${bankId} does not advertise ${method.slice(0, 40)}; it offers ${methods.join(', ') || 'none this TPP can use'}`,
        );
      const bank = await connect(bankId, exchanges);
      // A fresh SSA: banks refuse old ones.
      material = await refreshSsa(material!).catch(() => material!);
      await client?.close();
      client = new TppClient(material, { retry: false });
      const jwt = await client!.registrationRequest(bank.discovery, {
        redirectUris: ['https://tpp.example.com/cb'],
        tokenEndpointAuthMethod: method,
      });
      const res = await register(bank, jwt, { retry: false });
      if (!res.ok)
        throw new Error(`the bank refused: ${res.status} ${res.error}: ${res.error_description ?? ''}`);
      clients.set(bankId, res.client);
      return `registered: client_id ${res.client.client_id} (${res.client.token_endpoint_auth_method ?? method})`;
    },
    async token(bankId, exchanges) {
      const bank = await connect(bankId, exchanges);
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
    async consent(bankId, exchanges) {
      const bank = await connect(bankId, exchanges);
      const token = tokens.get(bankId);
      if (!token) throw new Error('get a token first');
      const res = await createConsent(bank, token, { permissions: ['ReadAccountsBasic'] });
      if (!res.ok)
        throw new Error(`the bank refused: ${res.status} ${res.error}: ${res.error_description ?? ''}`);
      return `consent ${res.consent.ConsentId} (${res.consent.Status})`;
    },
    async update(bankId, exchanges) {
      const bank = await connect(bankId, exchanges);
      const registered = clients.get(bankId)!;
      const access = await managementToken(bank, bankId);
      const jwt = await client!.registrationRequest(bank.discovery, {
        redirectUris: ['https://tpp.example.com/cb'],
        tokenEndpointAuthMethod:
          (registered.token_endpoint_auth_method as TokenAuthMethod) ?? 'tls_client_auth',
      });
      const res = await updateRegistration(bank, registered.client_id, access, jwt, { retry: false });
      if (!res.ok)
        throw new Error(`the bank refused: ${res.status} ${res.error}: ${res.error_description ?? ''}`);
      clients.set(bankId, { ...registered, ...res.client });
      return `registration ${registered.client_id} updated (${res.status})`;
    },
    async delete(bankId, exchanges) {
      const bank = await connect(bankId, exchanges);
      const registered = clients.get(bankId)!;
      const access = await managementToken(bank, bankId);
      const res = await deleteRegistration(bank, registered.client_id, access, { retry: false });
      if (!res.ok)
        throw new Error(`the bank refused: ${res.status} ${res.error}: ${res.error_description ?? ''}`);
      clients.delete(bankId);
      tokens.delete(bankId);
      return `registration ${registered.client_id} deleted (${res.status})`;
    },
  };

  return {
    get material(): TppMaterial | undefined {
      return material;
    },
    client(bankId: string): RegisteredClient | undefined {
      return clients.get(bankId);
    },
    history: (): TppActionResult[] => history,
    authMethodsOf,
    /** One of the TPP's actions. Actions run one at a time, in the order asked: onboarding again
     * while another session registers would otherwise close the connection that registration uses
     * and mix one organisation's client with the next one's keys. */
    run(action: TppAction, bankId: string, opts: TppActionOptions = {}): Promise<TppActionResult> {
      const result = running.then(async () => {
        const exchanges: Exchange[] = [];
        const at = new Date().toISOString();
        try {
          const summary = await steps[action](bankId, exchanges, opts);
          return remember({ action, bank: bankId, ok: true, summary, exchanges, at });
        } catch (err) {
          return remember({
            action,
            bank: bankId,
            ok: false,
            summary: (err as Error).message,
            exchanges,
            at,
          });
        }
      });
      running = result;
      return result;
    },
    /** A kept action by its number (undefined once it has left the history). */
    action: (id: number): TppActionResult | undefined => history.find((r) => r.id === id),
    async close(): Promise<void> {
      await client?.close();
      await http?.close();
      await plainHttp?.close();
    },
  };
}

export type ConsoleTpp = ReturnType<typeof createConsoleTpp>;
