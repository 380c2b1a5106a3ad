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

/**
 * A schema's rule with every limit present (undefined when the schema sets
 * none), in one order: the same object shape for every field of every schema,
 * so the checks below read each limit the same way whatever the field.
 */
interface CompiledRule {
  field: string;
  required: boolean;
  types: readonly FieldType[];
  /** How the type is named in a refusal: `a or b` for several. */
  typeLabel: string;
  minLength: number | undefined;
  maxLength: number | undefined;
  enum: readonly (string | number)[] | undefined;
  format: FieldRule['format'];
  minItems: number | undefined;
  maxItems: number | undefined;
}

/** Compiled rules per schema object: schemas are tables, built once and never changed after their first use. */
const compiled = new WeakMap<Schema, readonly CompiledRule[]>();

function compile(schema: Schema): readonly CompiledRule[] {
  const known = compiled.get(schema);
  if (known) return known;
  const rules = Object.keys(schema).map((field): CompiledRule => {
    const rule = schema[field];
    const types = Array.isArray(rule.type) ? [...rule.type] : [rule.type];
    return {
      field,
      required: rule.required === true,
      types,
      typeLabel: Array.isArray(rule.type) ? rule.type.join(' or ') : rule.type,
      minLength: rule.minLength,
      maxLength: rule.maxLength,
      enum: rule.enum,
      format: rule.format,
      minItems: rule.minItems,
      maxItems: rule.maxItems,
    };
  });
  compiled.set(schema, rules);
  return rules;
}

function checkString(field: string, s: string, rule: CompiledRule, fail: Fail): void {
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

function matchesSomeType(value: unknown, types: readonly FieldType[]): boolean {
  for (const t of types) if (matchesType(value, t)) return true;
  return false;
}

function checkItems(field: string, value: unknown[], rule: CompiledRule, fail: Fail): void {
  if (rule.minItems !== undefined && value.length < rule.minItems)
    fail(field, `${field} must have at least ${rule.minItems} item(s)`);
  if (rule.maxItems !== undefined && value.length > rule.maxItems)
    fail(field, `${field} must have at most ${rule.maxItems} items`);
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (typeof item !== 'string') continue;
    if (rule.enum && !rule.enum.includes(item))
      fail(field, `${field}[${i}] must be one of: ${rule.enum.join(', ')}`);
    checkString(`${field}[${i}]`, item, rule, fail);
  }
}

/**
 * Checks `input` against `schema`; returns only the fields the schema names
 * (unknown fields are dropped, never stored). The schema is read once, on its
 * first use (a table: never changed afterwards).
 */
export function validateObject(
  input: Record<string, unknown>,
  schema: Schema,
  fail: Fail,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const rule of compile(schema)) {
    const field = rule.field;
    const value = input[field];
    if (value === undefined) {
      if (rule.required) fail(field, `${field} is required`);
      continue;
    }
    if (!matchesSomeType(value, rule.types)) fail(field, `${field} must be of type ${rule.typeLabel}`);
    if (rule.enum && !Array.isArray(value) && !rule.enum.includes(value as string | number))
      fail(field, `${field} must be one of: ${rule.enum.join(', ')}`);
    if (typeof value === 'string') checkString(field, value, rule, fail);
    if (Array.isArray(value)) checkItems(field, value, rule, fail);
    out[field] = value;
  }
  return out;
}
