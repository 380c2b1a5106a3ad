import type { HttpClient } from '../http/create-http-client.js';
import type { BankProfileDocument } from '../registration/bank-options.js';

/**
 * obmock only: `GET {issuer}/profile`, the bank's effective switches (feed them to
 * `hintsFromProfile`). Undefined when the bank has no such endpoint (any real bank) or the
 * answer is not a profile document.
 */
export async function fetchBankProfile(
  http: HttpClient,
  issuer: string,
): Promise<BankProfileDocument | undefined> {
  const res = await http.request('GET', `${issuer.replace(/\/+$/, '')}/profile`, {
    headers: { Accept: 'application/json' },
  });
  if (res.status !== 200) return undefined;
  try {
    const doc: unknown = JSON.parse(res.text);
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
    const switches = (doc as { switches?: unknown }).switches;
    if (switches === null || typeof switches !== 'object' || Array.isArray(switches)) return undefined;
    return doc as BankProfileDocument;
  } catch {
    return undefined;
  }
}
