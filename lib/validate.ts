import { parseUrlRemembered } from './parsed-url.js';
import { redirectUriProblem } from './redirect-uri.js';

/**
 * Table-driven validation of JSON objects: a schema says, per field, its type,
 * whether it is required and its limits. Every failure goes through `fail`
 * with the field's name in the message.
 */
export type FieldType = 'string' | 'boolean' | 'integer' | 'number' | 'string[]' | 'object' | 'object[]';

export interface FieldRule {
  type: FieldType | FieldType[];
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  enum?: readonly (string | number)[];
  /**
   * `uri`: absolute http(s) URL; `https-uri`: absolute https URL;
   * `redirect-uri`: absolute http(s) URL acceptable as an OAuth redirection
   * endpoint (see redirect-uri.ts). Applied to strings and string items.
   */
  format?: 'uri' | 'https-uri' | 'redirect-uri';
  minItems?: number;
  maxItems?: number;
}

export type Schema = Record<string, FieldRule>;

export type Fail = (field: string, message: string) => never;

function typeOf(value: unknown): FieldType | 'null' | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return 'string[]';
    if (value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) return 'object[]';
    return 'other';
  }
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return 'other';
}

function matchesType(value: unknown, wanted: FieldType): boolean {
  const actual = typeOf(value);
  if (wanted === 'number') return actual === 'number' || actual === 'integer';
  // An empty array is both string[] and object[].
  if (Array.isArray(value) && value.length === 0) return wanted === 'string[]' || wanted === 'object[]';
  return actual === wanted;
}

export function isUrl(s: string, httpsOnly: boolean): boolean {
  const url = parseUrlRemembered(s);
  if (!url) return false;
  return url.protocol === 'https:' || (!httpsOnly && url.protocol === 'http:');
}

function checkString(field: string, s: string, rule: FieldRule, fail: Fail): void {
  if (rule.minLength !== undefined && s.length < rule.minLength)
    fail(field, `${field} must be at least ${rule.minLength} characters`);
  if (rule.maxLength !== undefined && s.length > rule.maxLength)
    fail(field, `${field} must be at most ${rule.maxLength} characters`);
  if (rule.format === 'redirect-uri') {
    const problem = redirectUriProblem(s);
    if (problem) fail(field, `${field} ${problem}`);
  } else if (rule.format && !isUrl(s, rule.format === 'https-uri'))
    fail(field, `${field} must be an absolute ${rule.format === 'https-uri' ? 'https' : 'http(s)'} URL`);
}

/**
 * Checks `input` against `schema`; returns only the fields the schema names
 * (unknown fields are dropped, never stored).
 */
export function validateObject(
  input: Record<string, unknown>,
  schema: Schema,
  fail: Fail,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(schema)) {
    const rule = schema[field];
    const value = input[field];
    if (value === undefined) {
      if (rule.required) fail(field, `${field} is required`);
      continue;
    }
    const type = rule.type;
    if (Array.isArray(type) ? !type.some((t) => matchesType(value, t)) : !matchesType(value, type))
      fail(field, `${field} must be of type ${Array.isArray(type) ? type.join(' or ') : type}`);
    if (rule.enum && !Array.isArray(value) && !rule.enum.includes(value as string | number))
      fail(field, `${field} must be one of: ${rule.enum.join(', ')}`);
    if (typeof value === 'string') checkString(field, value, rule, fail);
    if (Array.isArray(value)) {
      if (rule.minItems !== undefined && value.length < rule.minItems)
        fail(field, `${field} must have at least ${rule.minItems} item(s)`);
      if (rule.maxItems !== undefined && value.length > rule.maxItems)
        fail(field, `${field} must have at most ${rule.maxItems} items`);
      value.forEach((item, i) => {
        if (typeof item !== 'string') return;
        if (rule.enum && !rule.enum.includes(item))
          fail(field, `${field}[${i}] must be one of: ${rule.enum.join(', ')}`);
        checkString(`${field}[${i}]`, item, rule, fail);
      });
    }
    out[field] = value;
  }
  return out;
}
