import { recordingClient } from '../scenarios/recording-http.js';
import type { Exchange } from '../scenarios/types.js';
import {
  type BankConnection,
  createHttpClient,
  deleteRegisteredClient,
  fetchDiscovery,
  type HttpClient,
  type RegisteredClient,
  type TppMaterial,
} from '../tpp-client/index.js';

/** Each call of a retirement waits at most this long (the bank's DELETE, the directory's revoke…). */
export const RETIRE_CALL_MS = 5_000;
/** Each phase of a retirement (the banks' deletions, then the directory's revocation) ends within this. */
export const RETIRE_PHASE_MS = 10_000;

export interface RetireOptions {
  directoryUrl: string;
  adminToken: string;
  caBundlePem: string;
  banks: { id: string; discovery: string }[];
  /** The TPP's User-Agent: the live flow shows its retirement as its own calls. */
  userAgent: string;
  /** Per call (default RETIRE_CALL_MS) and per phase (default RETIRE_PHASE_MS); tests shorten them. */
  callMs?: number;
  phaseMs?: number;
  /** Told of each exchange, secrets masked (the TPP page shows those of *Onboard again*). */
  record?: (e: Exchange) => void;
}

/** What a retirement did: what it removed, and each step that failed (in words safe to log: no token, no secret). */
export interface RetireOutcome {
  organisation: string;
  /** client_ids deleted at the banks. */
  deleted: string[];
  revoked: boolean;
  failed: string[];
}

/** Resolves with `p`, or rejects once `ms` have passed (the call under way then ends at its own deadline). */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** An error's first line, short: never a token (the calls put none in their errors). */
const reason = (err: unknown): string =>
  String((err as Error)?.message ?? err)
    .split('\n')[0]
    .slice(0, 160);

/**
 * Retires what one console TPP made once its session has ended (docs/console.md, "Each
 * session's TPP"): first its clients at the banks, each deleted by the TPP itself as RFC 7592
 * says (`DELETE` of the registration over its transport certificate, with its registration
 * access token when the bank issued one, else a client-credentials token), then its
 * organisation at the directory revoked with the admin token (`POST
 * /admin/organisations/{id}/revoke`: status Revoked, every certificate of it revoked and on the
 * CRL). Only this TPP's own records are named. Bounded: each call RETIRE_CALL_MS, each phase
 * RETIRE_PHASE_MS; a failed step is reported, not thrown, and the next one still runs (a client
 * the bank kept is refused anyway once its certificate is revoked).
 */
export async function retireConsoleTpp(
  material: TppMaterial,
  clients: [bankId: string, client: RegisteredClient][],
  options: RetireOptions,
): Promise<RetireOutcome> {
  const callMs = options.callMs ?? RETIRE_CALL_MS;
  const phaseMs = options.phaseMs ?? RETIRE_PHASE_MS;
  const outcome: RetireOutcome = {
    organisation: material.organisationId,
    deleted: [],
    revoked: false,
    failed: [],
  };
  const made: HttpClient[] = [];
  const client = (c: HttpClient) => {
    made.push(c);
    return options.record ? recordingClient(c, 'TPP', options.record) : c;
  };
  try {
    if (clients.length > 0) {
      const mtls = client(
        createHttpClient({
          ca: material.caBundlePem,
          cert: material.transport.certPem,
          key: material.transport.keyPem,
          timeoutMs: callMs,
          userAgent: options.userAgent,
        }),
      );
      const deleteAt = async (bankId: string, registered: RegisteredClient): Promise<void> => {
        const bank = options.banks.find((b) => b.id === bankId);
        if (!bank) throw new Error('the bank is no longer configured');
        const conn: BankConnection = { http: mtls, discovery: await fetchDiscovery(mtls, bank.discovery) };
        const res = await deleteRegisteredClient(conn, registered, { signing: material.signing });
        if (!res.ok && res.step === 'token') throw new Error(`token refused: ${res.status} ${res.error}`);
        if (!res.ok) throw new Error(`delete refused: ${res.status} ${res.error}`);
      };
      await Promise.all(
        clients.map(([bankId, registered]) =>
          within(deleteAt(bankId, registered), phaseMs).then(
            () => void outcome.deleted.push(registered.client_id),
            (err) =>
              void outcome.failed.push(`bank ${bankId}, client ${registered.client_id}: ${reason(err)}`),
          ),
        ),
      );
    }
    const plain = client(
      createHttpClient({ ca: options.caBundlePem, timeoutMs: callMs, userAgent: options.userAgent }),
    );
    const revoke = async () => {
      const res = await plain.request(
        'POST',
        `${options.directoryUrl}/admin/organisations/${encodeURIComponent(material.organisationId)}/revoke`,
        { headers: { authorization: `Bearer ${options.adminToken}`, accept: 'application/json' } },
      );
      if (res.status !== 200) throw new Error(`revoke answered ${res.status}`);
    };
    await within(revoke(), phaseMs).then(
      () => {
        outcome.revoked = true;
      },
      (err) => void outcome.failed.push(`directory, organisation ${material.organisationId}: ${reason(err)}`),
    );
  } finally {
    await Promise.all(made.map((c) => c.close()));
  }
  return outcome;
}
