import { BadRequest } from '../../lib/errors.js';
import { freeTextProblem } from '../../lib/free-text.js';
import { type Fail, type FieldRule, validateObject } from '../../lib/validate.js';

/**
 * A field rule of the directory's tables: lib/validate's rule plus
 * - `text`: the value (or each item) is free text — no control or bidi override/isolate
 *   characters (lib/free-text.ts);
 * - `pattern`: the value must match `re`; a refusal says `<field> must be <says>`.
 */
export interface DirectoryRule extends FieldRule {
  text?: true;
  pattern?: { re: RegExp; says: string };
}

export type DirectorySchema = Record<string, DirectoryRule>;

/** A UTF-16 surrogate without its pair: no character, and not encodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The directory's own checks of one string of `field`, after lib/validate's. */
function checkDirectoryString(field: string, s: string, rule: DirectoryRule, fail: Fail): void {
  if (rule.text) {
    const problem = freeTextProblem(s);
    if (problem) fail(field, `${field} ${problem}`);
  }
  // Every string: free text, URIs (a redirect URI is signed into SSAs as it is), patterns.
  if (LONE_SURROGATE.test(s))
    fail(field, `${field} must be well-formed Unicode (it holds a lone surrogate, which is no character)`);
  if (rule.pattern && !rule.pattern.re.test(s)) fail(field, `${field} must be ${rule.pattern.says}`);
}

/**
 * Checks `input` against a directory table: lib/validate's checks (type, required, lengths,
 * enum, format), then `text`, `pattern` and well-formed Unicode on each string and string item
 * of a field with one of those rules. Returns only the fields the table names.
 */
export function validateDirectoryObject(
  input: Record<string, unknown>,
  schema: DirectorySchema,
  fail: Fail,
): Record<string, unknown> {
  const out = validateObject(input, schema, fail);
  for (const [field, rule] of Object.entries(schema)) {
    if (!rule.text && !rule.pattern && !rule.format) continue;
    const value = out[field];
    if (typeof value === 'string') checkDirectoryString(field, value, rule, fail);
    else if (Array.isArray(value))
      value.forEach((item, i) => {
        if (typeof item === 'string') checkDirectoryString(`${field}[${i}]`, item, rule, fail);
      });
  }
  return out;
}

/** Validates a request body against a table; failures are 400 invalid_request naming the field. */
export function validateBody(
  body: Record<string, unknown>,
  schema: DirectorySchema,
): Record<string, unknown> {
  return validateDirectoryObject(body, schema, (_field, message) => {
    throw new BadRequest(message);
  });
}
