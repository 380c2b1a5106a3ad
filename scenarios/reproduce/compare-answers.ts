import type { BankAnswer } from './read-exchange.js';

/** How close a replayed answer is to the real one, compared in this order. */
export interface AnswerComparison {
  status: boolean;
  /** Same OAuth `error` code (both absent counts as the same). */
  error: boolean;
  /** Similarity of the descriptions after identities are replaced by placeholders: 0–1 (1 = same words). */
  wording: number;
}

/** Literal values → placeholders, so a URL or DN of the real bank and of the sandbox compare equal. */
export type Substitutions = [value: string, placeholder: string][];

/** Below this wording similarity, the same status and error code are not called a match. */
export const WORDING_MATCH = 0.5;

const STOP_WORDS = new Set([
  'the',
  'a',
  'an',
  'is',
  'be',
  'must',
  'of',
  'to',
  'in',
  'and',
  'or',
  'this',
  'that',
  'it',
  'for',
  'with',
  'not',
  'are',
  'was',
  'by',
  'on',
  'as',
]);

/** A description with identities replaced, ids, URLs and numbers masked, lower-cased. */
export function normaliseDescription(text: string, subs: Substitutions): string {
  let out = text;
  for (const [value, placeholder] of [...subs]
    .filter(([v]) => v.length >= 3)
    .sort((a, b) => b[0].length - a[0].length))
    out = out.split(value).join(placeholder);
  return out
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/https?:\/\/[^\s'",)]+/g, '<url>')
    .replace(/\b\d{7,}\b/g, '<n>')
    .toLowerCase();
}

function words(text: string): string[] {
  return (text.match(/<[a-z:-]+>|[a-z0-9_.:-]+/g) ?? []).filter((w) => !STOP_WORDS.has(w));
}

/** Dice coefficient of the two word multisets (stop words left out). */
export function wordingSimilarity(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  if (wa.length === 0 && wb.length === 0) return 1;
  if (wa.length === 0 || wb.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const w of wa) counts.set(w, (counts.get(w) ?? 0) + 1);
  let common = 0;
  for (const w of wb) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      common += 1;
      counts.set(w, n - 1);
    }
  }
  return (2 * common) / (wa.length + wb.length);
}

/** Compares a replayed answer with the real one: status, error code, then the description's words. */
export function compareAnswers(
  real: BankAnswer,
  replay: BankAnswer,
  subs: { real: Substitutions; sandbox: Substitutions },
): AnswerComparison {
  const wording =
    real.description === undefined && replay.description === undefined
      ? 1
      : wordingSimilarity(
          normaliseDescription(real.description ?? '', subs.real),
          normaliseDescription(replay.description ?? '', subs.sandbox),
        );
  return { status: real.status === replay.status, error: real.error === replay.error, wording };
}

/** Same status, same error code and, when the real answer says why, enough of the same words. */
export const isMatch = (c: AnswerComparison, real: BankAnswer): boolean =>
  c.status && c.error && (real.description === undefined || c.wording >= WORDING_MATCH);

/** Sort key: better comparisons first. */
export function compareRank(a: AnswerComparison, b: AnswerComparison): number {
  return Number(b.status) - Number(a.status) || Number(b.error) - Number(a.error) || b.wording - a.wording;
}
