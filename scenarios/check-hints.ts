import type { BankHints } from './target.js';

const isString = (v: unknown): boolean => typeof v === 'string' && v !== '';
const oneOf =
  (...values: unknown[]) =>
  (v: unknown): boolean =>
    values.includes(v);

/** Each hint a `--tpp-config` file may give, with what its value must be (docs/scenarios.md's hint table). */
const HINT_RULES: Record<keyof BankHints, { check: (v: unknown) => boolean; expected: string }> = {
  audience: { check: isString, expected: 'a string' },
  mediaType: {
    check: oneOf('application/jose', 'application/jwt', 'application/json'),
    expected: 'application/jose, application/jwt or application/json',
  },
  specVersion: { check: oneOf('3.1', '3.2', '3.3'), expected: '"3.1", "3.2" or "3.3" (a string)' },
  subjectDnForm: { check: oneOf('name', 'oid', 'hex'), expected: 'name, oid or hex' },
  requiredClaims: {
    check: (v) =>
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.values(v).every((x) => typeof x === 'string'),
    expected: 'an object of claim names to string values',
  },
  managementScope: { check: (v) => typeof v === 'string', expected: 'a string' },
  managementAuth: {
    check: oneOf('client-credentials', 'scoped-token', 'registration-access-token'),
    expected: 'client-credentials, scoped-token or registration-access-token',
  },
  managementOperations: {
    check: (v) => Array.isArray(v) && v.every(oneOf('GET', 'PUT', 'DELETE')),
    expected: 'an array of GET, PUT, DELETE',
  },
  createStatus: { check: oneOf(200, 201), expected: '200 or 201' },
  duplicateRegistration: {
    check: oneOf('allow', 'reject', 'return-existing'),
    expected: 'allow, reject or return-existing',
  },
  requestFormat: { check: oneOf('jws', 'json'), expected: 'jws or json' },
  trustModel: { check: oneOf('ob-directory', 'eidas'), expected: 'ob-directory or eidas' },
  resourceBaseUrl: {
    check: (v) => typeof v === 'string' && /^https:\/\/[^/\s]+/.test(v),
    expected: 'an https URL, e.g. https://bank.example/open-banking/v3.1',
  },
};

/**
 * What is wrong with a `--tpp-config` file's `hints`, one problem per entry (empty: nothing): a
 * hint obmock does not know (a misspelt `audiance` would otherwise be ignored without a word, and
 * the run would guess `aud`) or a value outside the ones the hint takes.
 */
export function hintProblems(hints: unknown): string[] {
  if (hints === undefined) return [];
  if (typeof hints !== 'object' || hints === null || Array.isArray(hints)) return ['hints must be an object'];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(hints)) {
    const rule = Object.hasOwn(HINT_RULES, key) ? HINT_RULES[key as keyof BankHints] : undefined;
    if (!rule) problems.push(`hints.${key} is not a hint (known: ${Object.keys(HINT_RULES).join(', ')})`);
    else if (!rule.check(value))
      problems.push(`hints.${key} must be ${rule.expected} (got ${JSON.stringify(value)})`);
  }
  return problems;
}
