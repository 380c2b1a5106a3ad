import {
  createHttpClient,
  fetchDiscovery,
  type HttpClient,
  TOKEN_AUTH_METHODS,
  type TokenAuthMethod,
} from '../tpp-client/index.js';
import { CONSOLE_USER_AGENT } from './upstream.js';

/** The token endpoint auth methods the console's TPPs can use, in the order the TPP page offers them. */
export const TPP_AUTH_METHODS: readonly TokenAuthMethod[] = TOKEN_AUTH_METHODS;
export const isAuthMethod = (s: string): s is TokenAuthMethod =>
  (TPP_AUTH_METHODS as readonly string[]).includes(s);

/** How long a bank's advertised auth methods are reused before its discovery is read again. */
const DISCOVERY_TTL_MS = 30_000;

/**
 * What each bank's discovery advertises among the methods the console's TPPs use: read by the
 * console itself (User-Agent `obmock-console`, like its other reads for a page) at most every
 * 30 s per bank, and shared by every session's TPP page.
 */
export function createAdvertisedMethods(options: {
  caBundlePem: string;
  banks: { id: string; discovery: string }[];
}) {
  const advertised = new Map<string, { at: number; methods: TokenAuthMethod[] }>();
  let http: HttpClient | undefined;
  return {
    async of(bankId: string): Promise<TokenAuthMethod[]> {
      const bank = options.banks.find((b) => b.id === bankId);
      if (!bank) throw new Error(`no bank '${bankId}'`);
      const hit = advertised.get(bankId);
      if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.methods;
      http ??= createHttpClient({ ca: options.caBundlePem, timeoutMs: 5_000, userAgent: CONSOLE_USER_AGENT });
      const discovery = await fetchDiscovery(http, bank.discovery);
      const methods = TPP_AUTH_METHODS.filter((m) =>
        (discovery.token_endpoint_auth_methods_supported ?? ['client_secret_basic']).includes(m),
      );
      advertised.set(bankId, { at: Date.now(), methods });
      return methods;
    },
    async close(): Promise<void> {
      await http?.close();
    },
  };
}

export type AdvertisedMethods = ReturnType<typeof createAdvertisedMethods>;
