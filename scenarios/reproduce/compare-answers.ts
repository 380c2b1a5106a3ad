import type { BankAnswer } from './read-exchange.js';

/** How close a replayed answer is to the real one, compared in this order. */
export interface AnswerComparison {
  status: boolean;
  /** Same `error` code; codes outside RFC 7591's registration errors on both sides count as the same. */
  error: boolean;
  /** Similarity of the descriptions after identities are replaced by placeholders: 0–1 (1 = same words). */
  wording: number;
}

/** Literal values → placeholders, so a URL or DN of the real bank and of the sandbox compare equal. */
export type Substitutions = [value: string, placeholder: string][];

/**
 * The registration error codes of RFC 7591 section 3.2.2 (and OB DCR). Other codes are a bank's
 * own vocabulary (e.g. for a 415): two answers that both use such codes are not told apart by them.
 */
const REGISTRATION_ERRORS = new Set([
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_software_statement',
  'unapproved_software_statement',
]);

/** Below this wording similarity, the same status and error code are not called a match. */
export const WORDING_MATCH = 0.5;

/** Words that say nothing about which rule failed: left out of the comparison. */
const STOP_WORDS = new Set(
  (
    'a an the is are be been being must should shall may not no of to in on at for with by as and or ' +
    'this that it its was were has have had does do did value values claim claims field parameter ' +
    "request requests invalid valid bank bank's s expected got only one use please error failed"
  ).split(' '),
);

/** Phrasings of the same complaint, written one way before words are compared. */
const SYNONYMS: [RegExp, string][] = [
  [/\b(?:an? )?array of strings\b|\bstring\[\]|\bjson array\b|\blist of strings\b/g, 'array'],
  [/\bmissing\b|\bis required\b|\brequired\b|\bmandatory\b/g, 'required'],
  [/\bunsupported\b|\bnot supported\b|\bnot accepted\b|\bnot allowed\b|\bnot permitted\b/g, 'unsupported'],
  [/\btoo old\b|\bexpired\b|\bstale\b/g, 'too-old'],
  [/\bexceeds?\b|\blonger than\b|\bmore than\b|\bat most\b/g, 'exceeds'],
  [/\bdoes not match\b|\bmismatch(?:ed)?\b|\bmust be exactly\b|\bmust equal\b/g, 'mismatch'],
];

/** A description with identities replaced, ids, URLs and numbers masked, lower-cased. */
export function normaliseDescription(text: string, subs: Substitutions): string {
  let out = text;
  for (const [value, placeholder] of [...subs]
    .filter(([v]) => v.length >= 3)
    .sort((a, b) => b[0].length - a[0].length))
    out = out.split(value).join(placeholder);
  return (
    out
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
      .replace(/https?:\/\/[^\s'",)]+/g, '<url>')
      .replace(/\b\d{7,}\b/g, '<n>')
      // A measured age ("issued 902 s ago") differs by the second between the real send and a
      // replay: it says nothing about the bank's rule, so it is not compared.
      .replace(/\b\d+(\s*(?:s|sec|secs|seconds?|ms|minutes?)\s+ago)\b/gi, '<n>$1')
      .toLowerCase()
      .replace(/[a-z[\] ]+/g, (run) => SYNONYMS.reduce((t, [re, word]) => t.replace(re, word), run))
  );
}

function words(text: string): string[] {
  return (text.match(/<[a-z-]+>|[a-z0-9_]+(?:[.:/-][a-z0-9_]+)*/g) ?? []).filter((w) => !STOP_WORDS.has(w));
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
  const specCode = REGISTRATION_ERRORS.has(real.error ?? '') || REGISTRATION_ERRORS.has(replay.error ?? '');
  return {
    status: real.status === replay.status,
    error: real.error === replay.error || !specCode,
    wording,
  };
}

/** Same status, same error code and, when the real answer says why, enough of the same words. */
export const isMatch = (c: AnswerComparison, real: BankAnswer): boolean =>
  c.status && c.error && (real.description === undefined || c.wording >= WORDING_MATCH);

/** Sort key: better comparisons first. */
export function compareRank(a: AnswerComparison, b: AnswerComparison): number {
  return Number(b.status) - Number(a.status) || Number(b.error) - Number(a.error) || b.wording - a.wording;
}
