/**
 * Field-by-field changes of a JSON request body, worked out from its swagger schema: taken
 * away, null, another type, an array for a string and a string for an array, one past its
 * maxLength and exactly at it, 10,000 characters, outside its enum, not a URI or not an http(s)
 * one, control and bidi characters in free text, odd array items. Used by the directory's
 * field-mutation sweeps (test/directory/field-mutation-sweep, enrol-field-mutations).
 */
import { Ajv } from 'ajv';

export type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  enum?: string[];
  format?: string;
  maxLength?: number;
  $ref?: string;
};

/** An ajv with the swagger's `uri` (RFC 3986 absolute URI, no spaces or control characters) and `email` formats. */
export function swaggerAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: false });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what a URI may not hold
  ajv.addFormat('uri', /^[A-Za-z][A-Za-z0-9+.-]*:[^\s\u0000-\u001f\u007f-\u009f]*$/);
  // `email`: an RFC 5322 addr-spec in its common form (local@domain.tld, no spaces).
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
  return ajv;
}

export interface Mutation {
  name: string;
  apply: (body: Record<string, unknown>) => Record<string, unknown>;
  /** Breaks the free-text rule (strings without an enum or a format). */
  freeText?: boolean;
}

export const set = (field: string, value: unknown) => (b: Record<string, unknown>) => ({
  ...b,
  [field]: value,
});

/** A string of exactly `n` characters that keeps the field's format. */
export function ofLength(prop: JsonSchema, n: number): string {
  if (prop.format === 'uri') {
    const head = 'https://example.com/';
    return head + 'a'.repeat(Math.max(0, n - head.length));
  }
  return 'a'.repeat(n);
}

/** One field's changes, from its swagger schema. */
export function mutationsOf(
  field: string,
  prop: JsonSchema,
  valid: unknown,
  deref: (s: JsonSchema) => JsonSchema = (s) => s,
): Mutation[] {
  const m: Mutation[] = [
    { name: 'missing', apply: (b) => Object.fromEntries(Object.entries(b).filter(([k]) => k !== field)) },
    { name: 'null', apply: set(field, null) },
    { name: 'object', apply: set(field, { [field]: valid }) },
  ];
  if (prop.type === 'string') {
    m.push(
      { name: 'number', apply: set(field, 42) },
      { name: 'boolean', apply: set(field, true) },
      { name: 'array of the string', apply: set(field, [valid]) },
      { name: 'empty string', apply: set(field, '') },
      { name: '10,000 characters', apply: set(field, ofLength(prop, 10_000)) },
    );
    if (prop.maxLength !== undefined && !prop.enum) {
      m.push(
        { name: 'overlong', apply: set(field, ofLength(prop, prop.maxLength + 1)) },
        { name: 'at maxLength', apply: set(field, ofLength(prop, prop.maxLength)) },
      );
    }
    if (prop.enum)
      m.push(
        { name: 'not in the enum', apply: set(field, 'NotAValue') },
        { name: 'enum value in another case', apply: set(field, String(valid).toLowerCase()) },
      );
    if (prop.format === 'uri')
      m.push(
        { name: 'not a URI', apply: set(field, 'not a uri') },
        { name: 'URI that is not http(s)', apply: set(field, 'javascript:alert(1)') },
        {
          name: 'right-to-left override in a URI',
          apply: set(field, 'https://example.com/a\u202egnp.exe'),
          freeText: true,
        },
      );
    if (!prop.enum && !prop.format)
      for (const [what, ch] of [
        ['NUL', '\u0000'],
        ['BEL', '\u0007'],
        ['CR LF', '\r\n'],
        ['C1 control', '\u0085'],
        ['right-to-left override', '\u202e'],
        ['isolate', '\u2066'],
      ])
        m.push({ name: `${what} in free text`, apply: set(field, `a${ch}b`), freeText: true });
  } else if (prop.type === 'boolean') {
    m.push(
      { name: 'string', apply: set(field, String(valid)) },
      { name: 'number', apply: set(field, 1) },
      { name: 'array', apply: set(field, [valid]) },
    );
  } else if (prop.type === 'array') {
    const item = (valid as unknown[])[0];
    const items = deref(prop.items ?? {});
    m.push(
      { name: 'string where an array is expected', apply: set(field, item) },
      { name: 'empty array', apply: set(field, []) },
      { name: 'item a number', apply: set(field, [42]) },
      { name: 'item null', apply: set(field, [null]) },
      { name: 'item an array', apply: set(field, [[item]]) },
      { name: '1,000 items', apply: set(field, Array(1000).fill(item)) },
    );
    if (items.type === 'string') {
      m.push({ name: 'item of 10,000 characters', apply: set(field, [ofLength(items, 10_000)]) });
      if (!items.enum && !items.format)
        m.push({ name: 'item of 5 characters', apply: set(field, ['abcde']) });
    }
    if (items.maxLength !== undefined)
      m.push({ name: 'item overlong', apply: set(field, [ofLength(items, items.maxLength + 1)]) });
    if (items.enum) m.push({ name: 'item not in the enum', apply: set(field, ['NotAValue']) });
    if (items.format === 'email')
      m.push(
        { name: 'item not an e-mail address', apply: set(field, ['not-an-email']) },
        { name: 'item with a display name', apply: set(field, ['Ops <ops@example.com>']) },
      );
    if (items.format === 'uri') {
      m.push(
        { name: 'not a URI', apply: set(field, ['not a uri']) },
        { name: 'URI that is not http(s)', apply: set(field, ['javascript:alert(1)']) },
        {
          name: 'item with a right-to-left override',
          apply: set(field, ['https://example.com/a\u202egnp.exe']),
          freeText: true,
        },
      );
    }
  }
  return m;
}
