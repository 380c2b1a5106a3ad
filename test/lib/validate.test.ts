import { describe, expect, it } from 'vitest';
import { type Schema, validateObject } from '../../lib/validate.js';

const SCHEMA: Schema = {
  name: { type: 'string', required: true, minLength: 2, maxLength: 5 },
  kind: { type: ['string', 'integer'], enum: ['a', 'b', 7] },
  uris: { type: 'string[]', minItems: 1, maxItems: 2, format: 'https-uri' },
  roles: { type: 'string[]', enum: ['AISP', 'PISP'] },
  redirect: { type: 'string', format: 'redirect-uri' },
  meta: { type: 'object' },
};

/** The refusal validateObject reports for `input`, or 'ok' with the fields it kept. */
function outcome(input: Record<string, unknown>): string {
  try {
    return `ok ${Object.keys(
      validateObject(input, SCHEMA, (f, m) => {
        throw new Error(`${f}|${m}`);
      }),
    ).join(',')}`;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('validateObject: table-driven checks, in the schema’s order, one refusal each', () => {
  it.each([
    [{ name: 'abc', extra: 1 }, 'ok name'],
    [{}, 'name|name is required'],
    [{ name: 'a' }, 'name|name must be at least 2 characters'],
    [{ name: 'abcdef' }, 'name|name must be at most 5 characters'],
    [{ name: 3 }, 'name|name must be of type string'],
    [{ name: 'abc', kind: true }, 'kind|kind must be of type string or integer'],
    [{ name: 'abc', kind: 'c' }, 'kind|kind must be one of: a, b, 7'],
    [{ name: 'abc', kind: 7 }, 'ok name,kind'],
    [{ name: 'abc', uris: [] }, 'uris|uris must have at least 1 item(s)'],
    [{ name: 'abc', uris: ['https://a', 'https://b', 'https://c'] }, 'uris|uris must have at most 2 items'],
    [
      { name: 'abc', uris: ['https://a.example', 'http://b.example'] },
      'uris[1]|uris[1] must be an absolute https URL',
    ],
    [{ name: 'abc', roles: ['AISP', 'CBPII'] }, 'roles|roles[1] must be one of: AISP, PISP'],
    [{ name: 'abc', roles: 'AISP' }, 'roles|roles must be of type string[]'],
    [
      { name: 'abc', redirect: 'https://tpp.example/cb#x' },
      'redirect|redirect must not have a fragment (RFC 6749 §3.1.2)',
    ],
    [{ name: 'abc', meta: [] }, 'meta|meta must be of type object'],
    [{ name: 'abc', meta: {}, roles: [], uris: ['https://a.example'] }, 'ok name,uris,roles,meta'],
  ])('%j → %s', (input, expected) => {
    expect(outcome(input)).toBe(expected);
  });

  it('gives the same answers on every call of the same table', () => {
    for (let i = 0; i < 3; i++) {
      expect(outcome({ name: 'abc', kind: 'c' })).toBe('kind|kind must be one of: a, b, 7');
      expect(outcome({ name: 'abc' })).toBe('ok name');
    }
  });

  it('reads each table on its own: the same field in two tables keeps each table’s limits', () => {
    const short: Schema = { name: { type: 'string', required: true, maxLength: 3 } };
    const long: Schema = { name: { type: 'string', required: true, maxLength: 10 } };
    const refusal = (schema: Schema) => {
      try {
        validateObject({ name: 'abcdef' }, schema, (_f, m) => {
          throw new Error(m);
        });
        return 'ok';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(refusal(short)).toBe('name must be at most 3 characters');
    expect(refusal(long)).toBe('ok');
    expect(refusal(short)).toBe('name must be at most 3 characters');
  });
});
